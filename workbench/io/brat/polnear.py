"""PolNeAR attributions as workbench records: the one mapping every command uses.

PolNeAR ships brat standoff: ``Source``, ``Cue`` and ``Content`` text-bounds tied
together by ``Attribution`` events, one ``<article>_<annotator>.ann`` per article
and annotator (some articles twice or more). The same folder must mean the same
thing to ``import --format polnear``, to ``merge``/``agreement`` given a brat
folder and to ``eval`` against it, or a lead would compare an agreement figure
with a score computed on different spans. So all of them read a file through
:func:`read_polnear`:

- each ``Content`` fragment is a QUOTE span (``attrs.quote_kind``: direct /
  mixed / indirect, decided on the whole attribution from the one table of quote
  marks), ``Cue`` a CUE span, ``Source`` a MENTION span (PolNeAR sources are
  noun phrases like "longtime Democratic pollster Pat Caddell", not typed
  entities);
- every piece has SPEAKER and CUE relations to the same spans, which is how the
  workbench represents a quote interrupted by "he said";
- text-bounds whose label names an entity type become entity spans, so brat NER
  corpora can serve as gold too.

Grouping by annotator (for merge and agreement) and PolNeAR's own token-level
view straight from the brat roles (to check the mapping loses nothing) are here
as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbench.core.coefficients import Categorical
from workbench.core.problems import Problem
from workbench.core.quote_marks import ALL_MARKS, OPENING_MARKS
from workbench.core.record import Record, Relation, Span, text_sha256
from workbench.core.span_matching import token_units, token_values
from workbench.io.brat.standoff import BratDocument, BratEvent, iter_ann_files, read_brat, text_path_for
from workbench.io.jsonl import write_jsonl

ROLES = ("Source", "Cue", "Content")

# brat entity labels (case-insensitive) and the news schema label they stand for
ENTITY_LABELS = {
    "person": "PERSON",
    "per": "PERSON",
    "organization": "ORG",
    "organisation": "ORG",
    "org": "ORG",
    "gpe": "GPE",
    "location": "LOC",
    "loc": "LOC",
    "fac": "LOC",
    "norp": "NORP",
    "event": "EVENT",
}


def quote_kind(content: str) -> str:
    """``direct`` when the content is wrapped in quote marks, ``mixed`` when it only contains some.

    A content that opens with a mark is what the workbench calls a direct quote;
    reported speech with a quoted phrase inside ("said the plan was “dead”") is mixed.
    """
    s = content.strip().lstrip("—–-([ ")
    if not s:
        return "indirect"
    if s[0] in OPENING_MARKS:
        return "direct"
    return "mixed" if any(c in ALL_MARKS and c != "'" for c in s) else "indirect"


def polnear_annotator(ann_path: str | Path) -> str | None:
    """PolNeAR files end in ``_<4 hex>`` naming the annotator."""
    m = re.search(r"_([0-9a-f]{4})$", Path(ann_path).stem)
    return m.group(1) if m else None


def _event_order(ident: str) -> tuple[int, str]:
    digits = ident[1:]
    return (int(digits), ident) if digits.isdigit() else (1 << 30, ident)


def _attributions(doc: BratDocument) -> Iterator[tuple[BratEvent, list[str]]]:
    """Attribution events in id order, with their Content text-bounds (empty: nothing to map)."""
    for ev in sorted(doc.events.values(), key=lambda e: _event_order(e.id)):
        if ev.label.startswith("Attribution"):
            yield ev, [c for c in ev.args_of("Content") if c in doc.textbounds]


def polnear_problems(doc: BratDocument) -> list[Problem]:
    """What the mapping could not take over: the parser's problems, then attributions without content."""
    skipped = [
        Problem(doc.file, ev.line, f"{ev.id} has no Content; skipped")
        for ev, contents in _attributions(doc)
        if not contents
    ]
    return [*doc.problems, *skipped]


def polnear_record(
    doc: BratDocument,
    *,
    annotator: str | None = None,
    meta: dict[str, Any] | None = None,
    source_label: str = "MENTION",
    entity_labels: dict[str, str] | None = None,
) -> Record:
    """Map PolNeAR attributions onto a Record (gold: origin None).

    Text-bounds shared by several attributions become one span. What could not
    be mapped (:func:`polnear_problems`) is listed in ``meta["brat_problems"]``.
    Entity labels default to :data:`ENTITY_LABELS` (Person, Organization, GPE...).
    """
    text = doc.text
    rec = Record.new(text, meta={"file": doc.file, "sha256": text_sha256(text), **(meta or {})})
    rec.annotator = annotator
    span_of: dict[tuple[str, int], str] = {}

    def add_span(
        tb_id: str, label: str, frag_index: int = 0, attrs: dict[str, Any] | None = None
    ) -> str | None:
        key = (tb_id, frag_index)
        if key in span_of:
            return span_of[key]
        tb = doc.textbounds.get(tb_id)
        if tb is None:
            return None
        s, e = tb.fragments[frag_index]
        # Trim whitespace at the edges: brat spans often include a trailing space.
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s >= e:
            return None
        sid = rec.next_span_id()
        rec.spans[sid] = Span(sid, s, e, label, dict(attrs or {}))
        span_of[key] = sid
        return sid

    def relate(head: str, child: str, label: str) -> None:
        rid = rec.next_relation_id()
        rec.relations[rid] = Relation(rid, head, child, label)

    for ev, contents in _attributions(doc):
        if not contents:
            continue
        kind = quote_kind(" ".join(doc.textbounds[c].text for c in contents))
        cue = next((add_span(c, "CUE") for c in ev.args_of("Cue")), None)
        src = next((add_span(s, source_label) for s in ev.args_of("Source")), None)
        for c in contents:
            for i in range(len(doc.textbounds[c].fragments)):
                q = add_span(c, "QUOTE", i, {"quote_kind": kind})
                if q is None:
                    continue
                if src is not None:
                    relate(q, src, "SPEAKER")
                if cue is not None:
                    relate(q, cue, "CUE")
    labels = ENTITY_LABELS if entity_labels is None else entity_labels
    for tb in doc.textbounds.values():
        target = labels.get(tb.label.lower())
        if target is not None:
            add_span(tb.id, target)
    problems = polnear_problems(doc)
    if problems:
        rec.meta["brat_problems"] = [str(p) for p in problems]
    return rec


def polnear_file_record(doc: BratDocument, ann_path: str | Path, schema_ref: str | None = "news@1") -> Record:
    """The record of one annotator's file, as every command stores it: finished, with a title."""
    rec = polnear_record(doc, annotator=polnear_annotator(ann_path), meta={"ann": str(ann_path)})
    rec.schema = schema_ref
    rec.status = "done"
    rec.meta.setdefault("title", rec.text.strip().splitlines()[0][:120] if rec.text.strip() else "")
    return rec


def read_polnear(
    ann_path: str | Path, txt_path: str | Path | None = None, schema_ref: str | None = "news@1"
) -> Record:
    """One PolNeAR ``.ann`` file as a gold Record (annotator from the file name).

    Missing files raise FileNotFoundError naming the file.
    """
    return polnear_file_record(read_brat(ann_path, txt_path), ann_path, schema_ref)


# ------------------------------------------------------ one file per annotator


def is_brat_folder(path: str | Path) -> bool:
    p = Path(path)
    return p.is_dir() and next(iter_ann_files(p), None) is not None


def records_by_annotator(folder: str | Path, schema_ref: str | None = "news@1") -> dict[str, list[Record]]:
    """Every ``.ann`` under ``folder`` read as a Record, grouped by the annotator suffix.

    All versions of an article are kept (one per annotator): merge and agreement compare them.
    """
    out: dict[str, list[Record]] = {}
    refused: list[Problem] = []
    for ann in iter_ann_files(folder, refused):
        who = polnear_annotator(ann)
        if who is None:
            raise ValueError(f"{ann}: the file name does not end in _<annotator> (e.g. _4b22)")
        out.setdefault(who, []).append(read_polnear(ann, schema_ref=schema_ref))
    if refused:
        raise ValueError("; ".join(map(str, refused)))
    if not out:
        raise ValueError(f"{folder}: no .ann files found")
    return dict(sorted(out.items()))


def write_annotator_files(
    folder: str | Path, out_dir: str | Path, schema_ref: str | None = "news@1"
) -> list[Path]:
    """One ``<annotator>.jsonl`` per annotator in ``out_dir``; returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for who, recs in records_by_annotator(folder, schema_ref).items():
        p = out / f"{who}.jsonl"
        write_jsonl(p, (r.to_dict() for r in recs))
        paths.append(p)
    return paths


# ------------------------------------------- PolNeAR's own token-level view


def _role_spans(ann: Path) -> tuple[str, list[tuple[int, int, str]]]:
    doc = read_brat(ann)
    spans = []
    for tb in doc.textbounds.values():
        if tb.label in ROLES:
            spans += [(s, e, tb.label) for s, e in tb.fragments]
    return doc.text, spans


def iter_articles(folder: str | Path) -> Iterator[tuple[str, str, dict[str, list[tuple[int, int, str]]]]]:
    """(article stem, text, annotator -> raw role fragments) straight from the brat files."""
    groups: dict[str, dict[str, Path]] = {}
    for ann in iter_ann_files(folder):
        who = polnear_annotator(ann)
        if who is None:
            continue
        groups.setdefault(ann.stem.rpartition("_")[0], {})[who] = ann
    for stem, by_ann in sorted(groups.items()):
        text = ""
        spans = {}
        for who, ann in sorted(by_ann.items()):
            if text_path_for(ann) is None:
                continue
            text, spans[who] = _role_spans(ann)
        yield stem, text, spans


def token_alpha_raw(folder: str | Path) -> dict[str, dict[str, object]]:
    """Token-level alpha on PolNeAR's own roles, before any mapping onto workbench labels.

    Per role, a token is "in" for an annotator when any fragment of that role
    touches it; "combined" codes each token by the set of roles covering it.
    """
    annotators = sorted({w for _, _, s in iter_articles(folder) for w in s})
    cats = {r: Categorical(annotators) for r in (*ROLES, "combined")}
    for _stem, text, spans in iter_articles(folder):
        tokens = token_units(text)
        cols = {w: {r: token_values(tokens, sp, r) for r in ROLES} for w, sp in spans.items()}
        for i in range(len(tokens)):
            for r in ROLES:
                cats[r].add_unit({w: cols[w][r][i] for w in cols})
            cats["combined"].add_unit(
                {w: "+".join(r for r in ROLES if cols[w][r][i] != "O") or "O" for w in cols}
            )
    return {r: c.summary() for r, c in cats.items()}
