"""Plain functions behind ``merge``, ``agreement`` and ``adjudicate`` (no parser here).

Kept apart from the command modules so the HTML report, the benchmark and the
tests call the same code the commands do.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from workbench.cli.errors import UserError
from workbench.core.agreement import Agreement, agreement_for_schema
from workbench.core.merge import MergeError, Policy, merge_versions
from workbench.core.paths import schemas_dir
from workbench.core.schema import AnnotationSchema, SchemaError, load_schema
from workbench.io.annotator_files import (
    AnnotatorFile,
    InputError,
    is_merged_file,
    iter_bundles,
    iter_merged,
    open_annotator_files,
)
from workbench.io.atomic import atomic_write


def schema_for(ref: str | None, path: str | None = None) -> AnnotationSchema | None:
    """The schema a file was made with: ``--schema`` if given, else the shipped ``<name>.json``."""
    try:
        if path:
            return load_schema(path)
        if not ref:
            return None
        name, _, version = ref.partition("@")
        p = schemas_dir() / f"{name}.json"
        if not p.is_file():
            return None
        schema = load_schema(p)
        return schema if str(schema.version) == version or not version else None
    except SchemaError as e:
        raise UserError(str(e)) from None


def annotator_paths(
    inputs: list[str], keep: Path | None = None, say_where: bool = True
) -> tuple[list[Path], str | None]:
    """Files to read, importing a brat folder (one ``.ann`` per article and annotator) first.

    Returns the paths and, for a brat folder, where its per-annotator JSONL files went.
    """
    from workbench.io.polnear_multi import is_brat_folder, write_annotator_files

    out: list[Path] = []
    note = None
    for item in inputs:
        p = Path(item)
        if is_brat_folder(p):
            target = keep or Path(tempfile.mkdtemp(prefix="workbench-brat-"))
            try:
                out += write_annotator_files(p, target)
            except (ValueError, FileNotFoundError) as e:
                raise UserError(str(e)) from None
            note = f"imported brat folder {p}" + (f" into {target}" if say_where else "")
        elif p.is_dir():
            raise UserError(f"{p} is a folder without .ann files; give JSONL files or a brat folder")
        else:
            out.append(p)
    return out, note


def open_inputs(paths: list[Path], names: list[str] | None) -> list[AnnotatorFile]:
    try:
        return open_annotator_files(list(paths), names)
    except InputError as e:
        raise UserError(str(e)) from None


@dataclass
class MergeSummary:
    annotators: list[str]
    articles: int = 0
    agreed: int = 0
    conflicts: int = 0
    with_conflicts: int = 0
    partial: list[tuple[str, list[str]]] = field(default_factory=list)
    text_differs: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def merge_files(
    files: list[AnnotatorFile],
    out: Path,
    policy: Policy,
    schema: AnnotationSchema | None = None,
    on_bundle: Callable[[str, str, dict[str, dict[str, Any]], str], None] | None = None,
) -> MergeSummary:
    """Stream the aligned articles through the merge into ``out`` (written atomically)."""
    names = [f.annotator for f in files]
    summary = MergeSummary(names)
    symmetric = [r.name for r in schema.relations.values() if r.symmetric] if schema else []

    def merged() -> Iterator[dict[str, Any]]:
        for b in iter_bundles(files, summary.problems):
            if not b.versions:
                continue
            m = merge_versions(b.id, b.versions, names, policy, symmetric)
            summary.articles += 1
            info = m["merge"]
            if info["missing"]:
                summary.partial.append((b.id, info["missing"]))
            if info["status"] == "text_differs":
                summary.text_differs.append((b.id, info["texts"]))
            else:
                open_ = sum(1 for it in m["items"] if not it["agreed"])
                summary.conflicts += open_
                summary.agreed += len(m["items"]) - open_
                summary.with_conflicts += open_ > 0
                if on_bundle is not None:
                    on_bundle(b.id, m["text"], b.versions, (m["meta"] or {}).get("title", ""))
            yield m

    try:
        with atomic_write(out, "wb") as fh:
            for m in merged():
                fh.write(orjson.dumps(m))
                fh.write(b"\n")
    except (InputError, MergeError) as e:
        raise UserError(str(e)) from None
    for f in files:
        summary.problems += [f"{e}; left out" for e in f.errors]
    return summary


def agreement_over(
    inputs: list[Path],
    names: list[str] | None,
    schema_path: str | None,
    token_labels: list[str],
    problems: list[str],
) -> dict[str, Any]:
    """Agreement over several annotator files, or over the versions kept in one merged file."""
    if len(inputs) == 1 and is_merged_file(inputs[0]):
        acc: Agreement | None = None
        for _line, d in iter_merged(inputs[0], problems):
            if acc is None:
                schema = schema_for(d.get("schema"), schema_path)
                acc = _accumulator(d["merge"]["annotators"], schema, token_labels)
            if d["merge"]["status"] == "text_differs":
                acc.skipped.append(f"{d['id']}: the annotators' texts differ")
                continue
            versions = {a: {**v, "text": d["text"]} for a, v in d["versions"].items()}
            acc.add(d["id"], d["text"], versions, (d.get("meta") or {}).get("title", ""))
        if acc is None:
            raise UserError(f"{inputs[0]}: no usable merged records")
        return acc.report()
    if len(inputs) < 2:
        raise UserError("agreement needs at least two annotator files (or one merged file)")
    files = open_inputs(inputs, names)
    schema = schema_for(files[0].schema, schema_path)
    acc = _accumulator([f.annotator for f in files], schema, token_labels)
    try:
        for b in iter_bundles(files, problems):
            texts = {v["text"] for v in b.versions.values()}
            if len(texts) > 1:
                acc.skipped.append(f"{b.id}: the annotators' texts differ")
                continue
            if len(b.versions) < 2:
                acc.skipped.append(f"{b.id}: only {', '.join(b.versions)} annotated it")
                continue
            first = next(iter(b.versions.values()))
            acc.add(b.id, first["text"], b.versions, (first.get("meta") or {}).get("title", ""))
    except InputError as e:
        raise UserError(str(e)) from None
    for f in files:
        problems += [f"{e}; left out" for e in f.errors]
    return acc.report()


def _accumulator(annotators: list[str], schema: AnnotationSchema | None, tokens: list[str]) -> Agreement:
    if schema is None:
        return Agreement(annotators, token_labels=tokens)
    return agreement_for_schema(annotators, schema, tokens)


def policy_from(args: Any) -> Policy:
    try:
        return Policy(args.policy, args.k)
    except MergeError as e:
        raise UserError(str(e)) from None


def split_names(value: str | None) -> list[str] | None:
    return [n.strip() for n in value.split(",")] if value else None


def shorten(items: list[str], limit: int = 10) -> list[str]:
    return items if len(items) <= limit else items[:limit] + [f"... and {len(items) - limit} more"]
