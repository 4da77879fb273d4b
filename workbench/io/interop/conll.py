"""CoNLL-2003 style IOB files: one token a line, tag in the last column, blank line between sentences,
``-DOCSTART-`` between documents.

Import reads IOB1, IOB2 and IOBES. A file with ``-DOCSTART-`` lines gives one record per
document (sentences one per line of text); a file without gives one record per sentence,
as doccano writes them. Tokens are joined by single spaces, so the record is marked
pre-tokenised and exports give back exactly these tokens. Export writes IOB2 with ``_``
placeholders for the POS and chunk columns; relations, attributes, document fields and
non-entity spans are counted as left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from workbench.core.problems import Problem
from workbench.core.record import Record
from workbench.core.schema import AnnotationSchema
from workbench.io.atomic import atomic_write
from workbench.io.interop._base import ExportReport, doc_values, new_span
from workbench.io.interop._corpus import files_in, origin_meta
from workbench.io.interop.tokens import (
    TokenIndex,
    decode_tags,
    iob2_tags,
    iob_entities,
    sentence_starts,
    tag_problem,
)

DOCSTART = "-DOCSTART-"
Sentence = list[tuple[str, str]]


def _build(file: str, line: int, sentences: list[Sentence]) -> Record:
    pieces: list[str] = []
    chunks: list[tuple[int, int, str]] = []
    pos = 0
    for sent in sentences:
        starts = []
        for tok, _ in sent:
            starts.append(pos)
            pos += len(tok) + 1
        pieces.append(" ".join(t for t, _ in sent))
        for first, last, label in decode_tags([t for _, t in sent]):
            chunks.append((starts[first], starts[last] + len(sent[last][0]), label))
    text = "\n".join(pieces)
    meta = origin_meta("conll", file, line)
    meta["tokenization"] = "whitespace"
    rec = Record.new(text, meta, status="done")
    for start, end, label in chunks:
        new_span(rec, start, end, label)
    return rec


def import_conll(path: Path, schema: AnnotationSchema | None = None) -> Iterator[Record | Problem]:
    for f in files_in(Path(path), (".conll", ".txt", ".iob", ".bio", ".tsv")):
        if isinstance(f, Problem):
            yield f
        else:
            yield from _import_file(f)


def _import_file(f: Path) -> Iterator[Record | Problem]:
    name = str(f)
    try:
        lines = f.read_text("utf-8").splitlines()
    except UnicodeDecodeError as e:
        yield Problem(name, 1, f"not UTF-8 text ({e})")
        return
    has_docstart = any(ln.startswith(DOCSTART) for ln in lines)
    doc: list[Sentence] = []
    sent: Sentence = []
    doc_line = sent_line = 0
    bad: str | None = None

    def close_sentence() -> Iterator[Record | Problem]:
        nonlocal sent, bad
        if sent:
            if has_docstart:
                doc.append(sent)
            elif bad:
                yield Problem(name, sent_line, f"sentence skipped: {bad}")
            else:
                yield _build(name, sent_line, [sent])
        if not has_docstart:
            bad = None
        sent = []

    def close_doc() -> Iterator[Record | Problem]:
        nonlocal doc, bad
        yield from close_sentence()
        if doc:
            if bad:
                yield Problem(name, doc_line, f"document skipped: {bad}")
            else:
                yield _build(name, doc_line, doc)
        doc, bad = [], None

    for n, raw in enumerate(lines, 1):
        cols = raw.split()
        if not cols:
            yield from close_sentence()
            continue
        if cols[0] == DOCSTART:
            yield from close_doc()
            doc_line = n
            continue
        if not doc and not sent:
            doc_line = n
        if not sent:
            sent_line = n
        if len(cols) < 2:
            bad = bad or f"line {n}: {raw.strip()!r} has no tag column"
        else:
            problem = tag_problem(cols[-1])
            if problem:
                bad = bad or f"line {n}: {problem}"
        sent.append((cols[0], cols[-1]))
    yield from close_doc()


def export_conll(records: Iterable[Record], schema: AnnotationSchema, out: Path) -> ExportReport:
    report = ExportReport("conll", [Path(out)])
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(out) as fh:
        for rec in records:
            index = TokenIndex.of(rec)
            ents = iob_entities(rec, index, schema, report)
            tags = iob2_tags(len(index), ents)
            # Never break a sentence inside an entity: the re-read tags would make it two.
            inside = {k for first, last, _ in ents for k in range(first + 1, last + 1)}
            starts = sentence_starts(rec) - inside
            fh.write(f"{DOCSTART} -X- -X- O\n")
            for i, (s, e) in enumerate(index.offsets):
                if i in starts:
                    fh.write("\n")
                fh.write(f"{rec.text[s:e]} _ _ {tags[i]}\n")
            fh.write("\n")
            report.records += 1
            report.spans += len(ents)
            report.leave_out("relations", len(rec.relations))
            report.leave_out("span attributes", sum(len(s.attrs) for s in rec.spans.values()))
            report.leave_out("document fields", len(doc_values(rec.doc)))
    return report
