"""How good is pre-annotation: predicted records scored against gold, the work behind ``workbench eval``.

Gold is a JSONL file of records or a brat/PolNeAR folder (or one ``.ann``);
predictions are records read from a file or a brat folder, or made now by
pre-annotating the gold texts in memory. The scoring rules are
:mod:`workbench.nlp.evaluate`. Problems met on the way (a bad line, an article
that failed) never stop it: they go to ``tell`` as they happen, prefixed with the
side they came from (``gold:``, ``pred:``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.app.errors import AppError
from workbench.core.record import Record

Tell = Callable[[str], None]
SHOWN = 20  # problems of one side worth listing; the rest are counted


def _quiet(_: str) -> None:
    pass


def evaluate(
    gold_path: Path,
    pred_path: Path | None = None,
    *,
    model: str | None = None,
    schema: str | None = None,
    batch_size: int = 64,
    tell: Tell = _quiet,
    effort: bool = False,
    baseline_model: str | None = None,
) -> dict[str, Any]:
    """The report as plain data (what ``--json`` prints); without ``pred_path`` the gold texts are
    pre-annotated now, with ``model`` (a flag: it loads or the evaluation stops) and ``schema``.

    ``effort`` adds the edits an annotator needs to turn each prediction into its gold
    (:mod:`workbench.core.edit_effort`). ``baseline_model`` pre-annotates the gold texts a
    second time with that model (``blank:en`` for rules alone), adds its scores and effort
    under ``baseline`` and the ratio of the mean edits per article, this run ÷ the baseline.
    """
    from workbench.nlp.evaluate import score

    gold = _read_gold(gold_path, tell)
    extra: dict[str, Any] = {}
    if pred_path is None:
        preds, extra["model"] = _predict(gold, model, schema, batch_size, tell)
    elif pred_path.is_dir() or pred_path.suffix == ".ann":
        preds = _read_brat_pred(pred_path, tell)
    else:
        preds = _read_pred(pred_path, tell)
    if pred_path is not None:
        _tell_cleaned(gold, preds, tell)
    ents = _entity_labels(schema)
    report = score(((g, preds.get(g.id)) for g in gold), ents).to_dict()
    report.update(extra)
    report["gold_file"] = str(gold_path)
    if effort or baseline_model is not None:
        from workbench.core.edit_effort import gold_labels

        labels = gold_labels(gold)
        report["effort"] = _effort(gold, preds, labels)
        if baseline_model is not None:
            base, _ = _predict(gold, baseline_model, schema, batch_size, tell, baseline=True)
            base_report = score(((g, base.get(g.id)) for g in gold), ents).to_dict()
            report["baseline"] = {
                "model": baseline_model,
                "quotes": base_report["quotes"],
                "entities": base_report["entities"],
                "effort": _effort(gold, base, labels),
            }
            ours = report["effort"]["per_article"]["total"]
            theirs = report["baseline"]["effort"]["per_article"]["total"]
            report["effort_ratio"] = round(ours / theirs, 4) if theirs else None
    return report


def _entity_labels(schema: str | None) -> list[str]:
    """The schema's entity labels: what entity scoring compares (the news schema's by default)."""
    from workbench.app.schemas import schema_for
    from workbench.core.schema import default_schema

    return (schema_for(None, schema) or default_schema()).labels_of_kind("entity")


def _effort(gold: list[Record], preds: dict[str, Record], labels: Any) -> dict[str, Any]:
    """Edit counts per article over the gold articles; a missing prediction is an empty one,
    an article whose prediction has other text is left out (as the scoring leaves it out)."""
    from workbench.core.edit_effort import effort

    def pairs() -> Any:
        for g in gold:
            p = preds.get(g.id)
            if p is None:
                p = Record(id=g.id, text=g.text)
            if p.text == g.text:
                yield g, p

    return effort(pairs(), labels).to_dict()


def _read_gold(path: Path, tell: Tell) -> list[Record]:
    from workbench.nlp.evaluate import read_gold

    if not path.exists():
        raise AppError(f"{path}: no such file or folder")
    try:
        gold, problems = read_gold(path)
    except (FileNotFoundError, OSError) as e:
        raise AppError(str(e)) from None
    for p in problems[:SHOWN]:
        tell(f"gold: {p}")
    if len(problems) > SHOWN:
        tell(f"gold: ... {len(problems) - SHOWN} more problems")
    if not gold:
        raise AppError(f"{path}: no gold records found")
    return gold


def _predict(
    gold: list[Record],
    model: str | None,
    schema: str | None,
    batch_size: int,
    tell: Tell,
    baseline: bool = False,
) -> tuple[dict[str, Record], str | None]:
    """Pre-annotations of the gold texts (nothing else of the gold), and the trained model used.
    A ``baseline`` was asked for by name: rules alone there is the point, not a warning."""
    from workbench.app.schemas import schema_for
    from workbench.core.schema import default_schema
    from workbench.nlp.models import ModelNotFound, select_model
    from workbench.nlp.preannotate import Preannotator, preannotate_records

    sch = schema_for(None, schema) or default_schema()
    try:
        loaded = select_model(flag=model, schema=sch)  # a model trained for another schema is refused here
    except ModelNotFound as e:
        raise AppError(str(e)) from None
    if baseline:
        tell(
            "baseline: "
            + (loaded.message if loaded.is_trained else f"{model} (rules only, no trained pipeline)")
        )
    else:
        tell(("" if loaded.is_trained else "WARNING: ") + loaded.message)
    ann = Preannotator(loaded, sch)
    preds: dict[str, Record] = {}
    for o in preannotate_records((Record(id=g.id, text=g.text) for g in gold), ann, batch_size):
        if o.record is not None:
            preds[o.id] = o.record
        else:
            tell(f"{o.id}: pre-annotation failed: {o.error}")
    return preds, loaded.origin if loaded.is_trained else None


def _tell_cleaned(gold: list[Record], preds: dict[str, Record], tell: Tell) -> None:
    """Say so when predictions are of pages cleaned before pre-annotation (``preannotate``'s default
    for raw .txt/.html, decision 0015) while the gold is of the pages as they were: their text and
    id differ, so they can only count as missing, which alone would read as a model that found nothing."""
    from workbench.core.record import article_id

    ids = {g.id for g in gold}
    n = sum(
        1
        for p in preds.values()
        if p.id not in ids
        and isinstance(p.meta.get("original_text"), str)
        and article_id(p.meta["original_text"]) in ids
    )
    if n:
        tell(
            f"pred: {n} prediction(s) are of pages cleaned before pre-annotation (page furniture out) "
            "whose original text is a gold article's: they are scored as missing; pre-annotate the "
            "pages with --no-clean (or use eval --run) to score them"
        )


def _read_brat_pred(path: Path, tell: Tell) -> dict[str, Record]:
    """brat on both sides (e.g. two annotators of PolNeAR)."""
    from workbench.nlp.evaluate import read_gold

    try:
        records, problems = read_gold(path)
    except OSError as e:
        raise AppError(str(e)) from None
    for p in problems[:SHOWN]:
        tell(f"pred: {p}")
    return {r.id: r for r in records}


def _read_pred(path: Path, tell: Tell) -> dict[str, Record]:
    from workbench.io.jsonl import LineError, read_jsonl
    from workbench.io.validate import checked_record, faults_text

    if not path.is_file():
        raise AppError(f"{path}: no such file")
    preds: dict[str, Record] = {}
    for item in read_jsonl(path):
        if isinstance(item, LineError):
            tell(f"pred: {item}")
            continue
        line, obj = item
        rec = checked_record(obj)  # the gate validate applies: a bad record is named and skipped
        if not isinstance(rec, Record):
            tell(f"pred: {path}:{line}: skipped: {faults_text(rec)}")
            continue
        preds[rec.id] = rec  # a later line for the same id wins, as in annotator files
    return preds
