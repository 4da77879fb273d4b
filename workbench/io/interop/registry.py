"""Format names to importer and exporter functions: what ``workbench import/export --format F`` look up.

An importer takes a file or folder path and yields ``Record``s, or ``Problem(path, line,
message)`` for anything that does not fit (it may take an optional ``schema`` keyword, used to
place foreign document categories into the schema's document fields). An exporter takes the
records, the schema and an output path and returns an ``ExportReport``: what was written and,
counted per kind, what the format could not carry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from workbench.core.problems import Problem
from workbench.core.record import Record
from workbench.core.schema import AnnotationSchema
from workbench.io.interop._base import ExportReport
from workbench.io.interop.brat import export_brat, import_brat, import_polnear
from workbench.io.interop.conll import export_conll, import_conll
from workbench.io.interop.doccano import export_doccano, import_doccano
from workbench.io.interop.hf import export_hf
from workbench.io.interop.jsonl import export_jsonl, import_jsonl
from workbench.io.interop.newsmtsc import export_newsmtsc, import_newsmtsc
from workbench.io.interop.prodigy import export_prodigy, import_prodigy
from workbench.io.interop.spacy_docbin import export_spacy, import_spacy

__all__ = ["EXPORTERS", "IMPORTERS", "OUTPUT_SUFFIX", "ExportReport"]

Importer = Callable[[Path], Iterator[Record | Problem]]
Exporter = Callable[[Iterable[Record], AnnotationSchema, Path], ExportReport]

IMPORTERS: dict[str, Importer] = {
    "prodigy": import_prodigy,
    "doccano": import_doccano,
    "brat": import_brat,
    "polnear": import_polnear,
    "conll": import_conll,
    "newsmtsc": import_newsmtsc,
    "spacy": import_spacy,
    "jsonl": import_jsonl,
}

EXPORTERS: dict[str, Exporter] = {
    "spacy": export_spacy,
    "jsonl": export_jsonl,
    "prodigy": export_prodigy,
    "hf": export_hf,
    "conll": export_conll,
    "brat": export_brat,
    "doccano": export_doccano,
    "newsmtsc": export_newsmtsc,
}

# File suffix of single-file formats; formats not listed write a folder.
OUTPUT_SUFFIX: dict[str, str] = {
    "jsonl": ".jsonl",
    "prodigy": ".jsonl",
    "doccano": ".jsonl",
    "conll": ".conll",
    "newsmtsc": ".jsonl",
}
