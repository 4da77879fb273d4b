"""A spaCy training config that fits an export: NER plus text classification.

Generated with spaCy's own ``init config`` (so ``spacy train`` accepts it) and then
pointed at the exported folders. The text classifier is ``textcat`` (one exclusive choice)
when the export has exactly one single-choice document field, otherwise ``textcat_multilabel``:
spaCy's exclusive classifier refuses a document with two positive categories, which two
fields (sentiment and topics) would give. Predicting a single-choice field from the
multilabel component is the arg-max over that field's ``field:value`` labels.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from workbench.core.schema import AnnotationSchema


def textcat_factory(schema: AnnotationSchema | None, fields_used: set[str]) -> str | None:
    if not fields_used:
        return None
    single = [
        f
        for f in fields_used
        if schema is None or f not in schema.doc_fields or not schema.doc_fields[f].multiple
    ]
    multiple = fields_used - set(single)
    return "textcat" if len(single) == 1 and not multiple else "textcat_multilabel"


def build_config(
    schema: AnnotationSchema | None,
    *,
    train: Path,
    dev: Path,
    fields_used: set[str],
    ner: bool = True,
) -> Any:
    init_config = importlib.import_module("spacy.cli.init_config").init_config
    pipeline = ["ner"] if ner else []
    textcat = textcat_factory(schema, fields_used)
    if textcat:
        pipeline.append(textcat)
    if not pipeline:
        pipeline = ["ner"]
    config = init_config(lang="en", pipeline=pipeline, optimize="efficiency")
    config["paths"]["train"] = str(train)
    config["paths"]["dev"] = str(dev)
    return config


def write_config(path: Path, config: Any) -> Path:
    from workbench.io.atomic import write_text_atomic

    write_text_atomic(path, config.to_str())
    return Path(path)
