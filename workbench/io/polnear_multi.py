"""A folder of brat files annotated by several people -> one JSONL file per annotator.

PolNeAR's multi-annotator sample names each ``.ann`` ``<article>_<annotator>.ann``.
The mapping of one file onto a Record is :func:`workbench.io.brat.read_polnear`
(owned by the brat importer); this module only groups the files by annotator
so the merge and agreement commands can take a brat folder directly, and
computes PolNeAR's own token-level view straight from the brat roles.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from workbench.core.coefficients import Categorical
from workbench.core.record import Record
from workbench.core.span_matching import token_units, token_values
from workbench.io.brat import iter_ann_files, polnear_annotator, read_brat, read_polnear, text_path_for
from workbench.io.jsonl import write_jsonl

ROLES = ("Source", "Cue", "Content")


def is_brat_folder(path: str | Path) -> bool:
    p = Path(path)
    return p.is_dir() and next(iter_ann_files(p), None) is not None


def records_by_annotator(folder: str | Path, schema_ref: str | None = "news@1") -> dict[str, list[Record]]:
    """Every ``.ann`` under ``folder`` read as a Record, grouped by the annotator suffix."""
    out: dict[str, list[Record]] = {}
    for ann in iter_ann_files(folder):
        who = polnear_annotator(ann)
        if who is None:
            raise ValueError(f"{ann}: the file name does not end in _<annotator> (e.g. _4b22)")
        rec = read_polnear(ann)
        rec.schema = schema_ref
        rec.status = "done"
        rec.meta.setdefault("title", rec.text.strip().splitlines()[0][:120] if rec.text.strip() else "")
        out.setdefault(who, []).append(rec)
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
