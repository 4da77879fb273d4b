"""Train the attribution model from gold: the work behind ``workbench train`` and Project → Train from gold.

Gold comes as files (our JSONL records, or a brat/PolNeAR folder: read as
``workbench eval`` reads gold) or as records in memory (the window passes a
project's done and adjudicated articles); both go the one way,
:func:`train_model_from_records`. The model is built in a folder beside MODEL_DIR
and swapped in whole at the end (:func:`workbench.io.atomic.atomic_folder`): a
cancel, an error or a kill leaves MODEL_DIR as it was (absent, or the previous
model whole). ``progress`` gets a step per training article and a note per epoch
with its dev figures; ``progress.cancelled()`` is polled between batches.

Without dev gold, one article in ten (by id, so the same ones each time) is held
out to choose the best epoch and to report on; the report says so.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench import __version__
from workbench.app.errors import AppError, Cancelled
from workbench.app.progress import NO_PROGRESS, Progress
from workbench.core.record import Record
from workbench.core.schema import AnnotationSchema, SchemaError, default_schema, load_schema

CURVE_SIZES = (50, 100, 200, 400)
DEFAULT_EPOCHS = 6
REPORT_NAME = "training-report.html"


@dataclass
class TrainSummary:
    """What a training produced: where, how good on dev (per label and for attributions), how long."""

    model: Path
    name: str  # the model's name and version as pre-annotation stamps them: origin model:<name>@<version>
    version: str
    schema: str
    articles: int  # training articles used
    dev_articles: int
    dev_source: str  # a file name, or "held out from the training gold"
    labels: dict[str, dict[str, float]]  # CONTENT / CUE / SOURCE: exact-span P, R, F1 of the tagger
    dev: dict[str, Any]  # the best epoch's eval figures: all@30, direct@80, speaker@30:all, ...
    epochs: list[dict[str, Any]]  # per epoch: epoch, loss, seconds, main (all F1 @30)
    best_epoch: int
    policy: str  # which of the rules' reported speech is kept beside the model's
    seconds: float
    cpu_seconds: float
    report: Path
    curve: list[tuple[int, float]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    entities: dict[str, Any] = field(default_factory=dict)  # meta.json workbench.entities; {}: not trained

    @property
    def origin(self) -> str:
        return f"model:{self.name}@{self.version}"

    def lines(self) -> list[str]:
        out = [
            f"{self.model}: trained on {self.articles} articles, best epoch {self.best_epoch} "
            f"of {len(self.epochs)}, {self.seconds:.0f} s ({self.cpu_seconds:.0f} s CPU)",
            f"dev ({self.dev_articles} articles, {self.dev_source}): {figures_line(self.dev)}",
        ]
        if self.entities:
            e = self.entities
            kept = f"trained, epoch {e['epoch']}" if e["kept"] == "trained" else "the base ner (unchanged)"
            labels = ", ".join(e["labels"])
            out.append(f"entities: learnt from {e['articles']} articles ({labels}); kept: {kept}")
        out += [f"  learning curve: {n} articles -> F1 {f:.3f}" for n, f in self.curve]
        out.append(f"report: {self.report}")
        return out


def figures_line(d: dict[str, Any]) -> str:
    """The dev figures the issue's targets name, on one line."""

    def f1(key: str) -> float:
        return float(d.get(key, {}).get("f1", 0.0))

    ents = d.get("entities", {}).get("ALL")
    return (
        f"all attributions F1@30 {f1('all@30'):.3f}, reported speech {f1('indirect@30'):.3f}, "
        f"direct {f1('direct@30'):.3f}/{f1('direct@80'):.3f} (@30/@80), "
        f"speaker accuracy {d.get('speaker@30:all', {}).get('accuracy', 0):.3f}"
        + (f", entities F1 {ents['f1']:.3f}" if ents else "")
    )


def _entity_note(plan: Any, devset: Any) -> str:
    """What the base ner learns, and what it must beat."""
    new = f", new labels {', '.join(plan.new)}" if plan.new else ""
    line = f"entities: {plan.articles} training articles carry entity spans ({', '.join(plan.labels)}{new})"
    base = (devset.base_entities if devset is not None else {}).get("ALL")
    if base:
        return f"{line}; the base ner scores F1 {base['f1']:.3f} on dev and is kept unless training beats it"
    return f"{line}; dev has no entity gold: the last epoch's ner is kept"


def _schema(schema: str | Path | AnnotationSchema | None, records: Sequence[Record]) -> AnnotationSchema:
    if isinstance(schema, AnnotationSchema):
        return schema
    try:
        if schema:
            return load_schema(schema)
    except SchemaError as e:
        raise AppError(str(e)) from None
    from workbench.app.schemas import schema_for

    refs = {r.schema for r in records if r.schema}
    return (schema_for(sorted(refs)[0]) if len(refs) == 1 else None) or default_schema()


def read_gold_files(paths: Sequence[Path], problems: list[str]) -> list[Record]:
    """Records of every gold file or brat folder, in order; a later copy of an id replaces the earlier."""
    from workbench.nlp.evaluate import read_gold

    by_id: dict[str, Record] = {}
    for p in paths:
        if not p.exists():
            raise AppError(f"{p}: no such file or folder")
        try:
            recs, probs = read_gold(p)
        except (FileNotFoundError, OSError) as e:
            raise AppError(str(e)) from None
        problems += probs
        if not recs:
            raise AppError(f"{p}: no gold records found")
        for r in recs:
            by_id[r.id] = r
    return list(by_id.values())


def train_model(
    gold: Sequence[Path],
    out: Path,
    *,
    dev: Path | None = None,
    base: str | None = None,
    schema: str | Path | AnnotationSchema | None = None,
    epochs: int = DEFAULT_EPOCHS,
    curve: bool = False,
    progress: Progress = NO_PROGRESS,
) -> TrainSummary:
    """Train from gold files (JSONL records or brat/PolNeAR folders); see :func:`train_model_from_records`."""
    problems: list[str] = []
    _check_out(Path(out))
    records = read_gold_files(list(gold), problems)
    dev_records = read_gold_files([dev], problems) if dev is not None else None
    sources = [(Path(p).name, 0) for p in gold]
    return train_model_from_records(
        records,
        out,
        dev_records=dev_records,
        dev_name=Path(dev).name if dev is not None else None,
        base=base,
        schema=schema,
        epochs=epochs,
        curve=curve,
        progress=progress,
        data_names=[name for name, _ in sources],
        problems=problems,
    )


def train_model_from_records(
    records: Iterable[Record],
    out: Path,
    *,
    dev_records: Sequence[Record] | None = None,
    dev_name: str | None = None,
    base: str | None = None,
    schema: str | Path | AnnotationSchema | None = None,
    epochs: int = DEFAULT_EPOCHS,
    curve: bool = False,
    progress: Progress = NO_PROGRESS,
    data_names: Sequence[str] = ("records in memory",),
    problems: list[str] | None = None,
) -> TrainSummary:
    """Train a model on ``records`` into the folder ``out`` (replaced whole at the end, or left as it was).

    ``dev_records`` choose the best epoch and are reported on; without them one
    article in ten is held out. Raises :class:`AppError` for unusable input (no
    attributions, gold of another schema, a folder at ``out`` that is not a model)
    and :class:`Cancelled` when ``progress.cancelled()`` says stop.
    """
    from workbench.nlp import training as T

    problems = problems if problems is not None else []
    out = Path(out)
    _check_out(out)
    train = [r for r in records if r.text.strip()]
    sch = _schema(schema, train)
    _check_gold(train, sch)
    if dev_records is None:
        train, held = _hold_out(train)
        dev_list, dev_source = held, "held out from the training gold (1 in 10, by id)"
    else:
        dev_list, dev_source = [r for r in dev_records if r.text.strip()], dev_name or "dev records"
    if epochs < 1:
        raise AppError(f"--epochs must be 1 or more (got {epochs})")
    base = base or T.DEFAULT_BASE
    t0, c0 = time.perf_counter(), time.process_time()
    sizes = [n for n in CURVE_SIZES if n < len(train)] if curve else []
    progress.start(epochs * (len(train) + sum(sizes)))
    progress.note(
        f"training on {len(train)} articles, {len(dev_list)} dev articles ({dev_source}); base {base}"
    )
    try:
        nlp = _build(T, base)
        plan = T.E.plan_entities(nlp, train, sch)  # None: the gold teaches no entities, the base ner stays
        ent_labels = T.E.entity_labels(sch)
        n_ents = sum(T.E.carries_entities(r, ent_labels) for r in train)
        if plan is None and n_ents:
            progress.note(
                f"entities: {n_ents} training articles carry entity spans, fewer than the "
                f"{T.E.MIN_ENTITY_ARTICLES} needed to train the entity recogniser: the base ner is kept"
            )
        devset = T.DevSet(nlp, dev_list, sch, entities=plan is not None) if dev_list else None
        points = [(n, _curve_point(T, base, train[:n], devset, epochs, progress)) for n in sizes]
        return _train_full(
            T, nlp, train, devset, out, base, sch, epochs, progress, t0, c0, points,
            dev_source, list(data_names), problems, plan=plan,
        )  # fmt: skip
    except T.TrainingStopped:
        kept = f" ({out} is as it was)" if out.exists() else ""
        raise Cancelled("training stopped; no model was written" + kept) from None
    finally:
        progress.close()


def _build(T: Any, base: str) -> Any:
    try:
        return T.build_pipeline(base)
    except (OSError, ImportError) as e:
        raise AppError(f"cannot load the base pipeline {base!r}: {str(e).splitlines()[0]}") from None
    except ValueError as e:
        raise AppError(str(e)) from None


def _check_out(out: Path) -> None:
    """MODEL_DIR may be new, empty, or an earlier model: never someone's other folder or a file."""
    if out.exists() and not out.is_dir():
        raise AppError(f"{out} is a file: give a folder to write the model into")
    if out.is_dir() and any(out.iterdir()) and not (out / "config.cfg").is_file():
        raise AppError(
            f"{out} is a folder that holds something other than a model: give a new or empty folder"
        )


def _check_gold(train: list[Record], sch: AnnotationSchema) -> None:
    if not train:
        raise AppError("no gold articles with text to train on")
    other = sorted({r.schema for r in train if r.schema and r.schema.partition("@")[0] != sch.name})
    if other:
        raise AppError(f"the gold was made with the schema {', '.join(other)}, not {sch.ref}: give --schema")
    if "QUOTE" not in sch.labels or "CUE" not in sch.labels:
        raise AppError(f"schema {sch.ref} has no QUOTE and CUE labels: there is no attribution to learn")
    if not any(s.label == "QUOTE" for r in train for s in r.spans.values()):
        raise AppError(f"none of the {len(train)} gold articles has a QUOTE span: nothing to learn from")


def _hold_out(records: list[Record]) -> tuple[list[Record], list[Record]]:
    if len(records) < 5:
        return records, []

    def bucket(r: Record) -> int:
        return hashlib.sha256(r.id.encode()).digest()[0] % 10

    held = [r for r in records if bucket(r) == 0] or records[-1:]
    return [r for r in records if r not in held], held


def _curve_point(
    T: Any, base: str, subset: list[Record], devset: Any, epochs: int, progress: Progress
) -> float:
    """Best dev F1 of a model trained on the first ``len(subset)`` articles (thrown away after)."""
    import tempfile

    nlp = T.build_pipeline(base)
    with tempfile.TemporaryDirectory(prefix="workbench-curve-") as tmp:
        res = T.train(
            nlp, T.examples(nlp, subset), devset, epochs=epochs, best_dir=Path(tmp),
            on_epoch=lambda r: None, cancelled=progress.cancelled, on_batch=progress.step,
        )  # fmt: skip
    best = max((r.main for r in res), default=0.0)
    progress.note(f"learning curve: {len(subset)} articles -> dev F1@30 {best:.3f}")
    return best


def _train_full(
    T: Any,
    nlp: Any,
    train: list[Record],
    devset: Any,
    out: Path,
    base: str,
    sch: AnnotationSchema,
    epochs: int,
    progress: Progress,
    t0: float,
    c0: float,
    curve: list[tuple[int, float]],
    dev_source: str,
    data_names: list[str],
    problems: list[str],
    plan: Any = None,
) -> TrainSummary:
    import spacy

    from workbench.io.atomic import atomic_folder
    from workbench.io.training_report import write_training_report
    from workbench.nlp.attribution_model import speaker_convention

    name = "attribution_" + (re.sub(r"[^A-Za-z0-9_]+", "_", out.name).strip("_") or "model")
    version = "1." + datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    base_meta = dict(nlp.meta)
    nlp.meta.update(
        name=name,
        version=version,
        description=f"workbench attribution model for {sch.ref}, base {base_meta.get('name', base)}",
    )
    nlp.meta["workbench"] = {
        "schema": sch.ref,
        "labels": ["QUOTE", "CUE", "MENTION", *(plan.labels if plan is not None else [])],
        "relations": ["SPEAKER", "CUE"],
        "base": f"{base}@{base_meta.get('version', '?')}",
        "training_data": {"files": data_names, "articles": len(train)},
        "dev_data": {"source": dev_source, "articles": len(devset.records) if devset else 0},
        "workbench_version": __version__,
        "trained": datetime.now(UTC).isoformat(timespec="seconds"),
        "epochs": epochs,
        "combine": {"speakers": speaker_convention(train)},
    }
    examples = T.examples(nlp, train)
    entities = T.EntityTraining(plan, T.E.entity_examples(nlp, train, plan, sch)) if plan else None
    if plan is not None:
        progress.note(_entity_note(plan, devset))

    def on_epoch(r: Any) -> None:
        dev = f", dev {figures_line(r.scores)}" if r.scores else ""
        progress.note(f"epoch {r.epoch}/{epochs}: loss {r.loss:.0f}{dev} ({r.seconds:.0f} s)")

    with atomic_folder(out) as stage:
        results = T.train(
            nlp, examples, devset, epochs=epochs, best_dir=stage, on_epoch=on_epoch,
            cancelled=progress.cancelled, on_batch=progress.step, entities=entities,
        )  # fmt: skip
        best = max(results, key=lambda r: r.main) if devset else results[-1]
        policy, by_policy = (
            (T.DEFAULT_POLICY, {}) if devset is None else T.choose_policy(spacy.load(stage), devset)
        )
        scores = by_policy.get(policy, best.scores) if by_policy else best.scores
        meta_path = stage / "meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["workbench"]["combine"]["rule_reported"] = policy
        meta["workbench"]["best_epoch"] = best.epoch
        meta["workbench"]["dev_scores"] = {k: v for k, v in scores.items()}
        if entities is not None:
            meta["workbench"]["entities"] = entities.to_meta()
            if not entities.epoch:  # the base ner won on dev: no entity label was learnt
                meta["workbench"]["labels"] = [x for x in meta["workbench"]["labels"] if x not in plan.labels]
        meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
        summary = TrainSummary(
            model=out, name=f"{meta.get('lang', 'en')}_{name}", version=version, schema=sch.ref,
            articles=len(train), dev_articles=len(devset.records) if devset else 0, dev_source=dev_source,
            labels=scores.get("labels", {}), dev=scores,
            epochs=[{"epoch": r.epoch, "loss": r.loss, "seconds": r.seconds, "main": r.main, "entities": r.entity_f1} for r in results],  # noqa: E501
            best_epoch=best.epoch, policy=policy, seconds=round(time.perf_counter() - t0, 1),
            cpu_seconds=round(time.process_time() - c0, 1), report=out / REPORT_NAME, curve=curve,
            problems=problems, entities=meta["workbench"].get("entities", {}),
        )  # fmt: skip
        write_training_report(stage / REPORT_NAME, _report_data(summary, meta, by_policy))
    return summary


def _report_data(s: TrainSummary, meta: dict[str, Any], by_policy: dict[str, Any]) -> dict[str, Any]:
    d = asdict(s)
    d["model"], d["report"] = str(s.model), str(s.report)
    d["origin"] = s.origin
    d["meta"] = meta.get("workbench", {})
    d["policies"] = {p: v.get("all@30", {}).get("f1") for p, v in (by_policy or {}).items()}
    return d
