"""The annotation schema: what may be annotated, loaded and checked as a whole.

A bad schema is reported with every problem at once, each with its JSON path,
because a lead fixing a schema by hand should not have to reload ten times.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from workbench.core.guidelines import Guideline, GuidelineKind, guideline_problems, unknown_tags
from workbench.core.paths import schemas_dir


class SchemaError(ValueError):
    """A schema that cannot be used; ``problems`` are ``(json_path, message)`` pairs."""

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        lines = "\n".join(f"  {path}: {msg}" for path, msg in problems)
        super().__init__(f"{source}: {len(problems)} problem(s) in the annotation schema\n{lines}")
        self.source = source
        self.problems = problems


@dataclass(frozen=True, slots=True)
class ValueSet:
    name: str
    values: tuple[str, ...]
    ordered: bool = False
    keys: dict[str, str] = field(default_factory=dict)
    description: str = ""
    guideline: Guideline | None = None


@dataclass(frozen=True, slots=True)
class SpanLabel:
    name: str
    color: str
    kind: str = "entity"
    key: str | None = None
    attributes: tuple[str, ...] = ()
    description: str = ""
    guideline: Guideline | None = None


@dataclass(frozen=True, slots=True)
class RelationType:
    name: str
    head: tuple[str, ...]
    child: tuple[str, ...]
    key: str | None = None
    symmetric: bool = False
    max_per_head: int | None = None
    description: str = ""
    guideline: Guideline | None = None

    def allows(self, head_label: str, child_label: str) -> bool:
        if head_label in self.head and child_label in self.child:
            return True
        return self.symmetric and child_label in self.head and head_label in self.child


@dataclass(frozen=True, slots=True)
class DocField:
    name: str
    attribute: str
    multiple: bool = False
    description: str = ""
    guideline: Guideline | None = None


@dataclass(frozen=True, slots=True)
class AnnotationSchema:
    name: str
    version: int
    title: str
    value_sets: dict[str, ValueSet]
    labels: dict[str, SpanLabel]
    relations: dict[str, RelationType]
    doc_fields: dict[str, DocField]
    overlap: str = "any"
    model_labels: dict[str, str | None] = field(default_factory=dict)
    preannotation: dict[str, Any] = field(default_factory=dict)
    guidelines: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def ref(self) -> str:
        """The ``name@version`` stamped on every record made under this schema."""
        return f"{self.name}@{self.version}"

    def allowed_relations(self, head_label: str, child_label: str) -> list[RelationType]:
        return [r for r in self.relations.values() if r.allows(head_label, child_label)]

    def labels_of_kind(self, kind: str) -> list[str]:
        return [lab.name for lab in self.labels.values() if lab.kind == kind]

    def map_model_label(self, model_label: str) -> str | None:
        """Schema label for a model label; unmapped labels pass through only if the schema has them."""
        if model_label in self.model_labels:
            return self.model_labels[model_label]
        return model_label if model_label in self.labels else None

    def values_of(self, attribute: str) -> tuple[str, ...]:
        return self.value_sets[attribute].values

    def guideline_for(self, kind: GuidelineKind, name: str) -> Guideline | None:
        """The guideline entry of a label, relation type, attribute or document field (None when it
        has none). ``kind`` is needed: the label CUE and the relation CUE share a name."""
        table: dict[str, Any] = {
            "label": self.labels,
            "relation": self.relations,
            "attribute": self.value_sets,
            "field": self.doc_fields,
        }[kind]
        item = table.get(name)
        return item.guideline if item is not None else None

    def guideline_entries(self) -> list[tuple[GuidelineKind, str, Guideline | None]]:
        """Every label, relation type, attribute and document field in schema order, with its entry
        (None when it has none, so a lead sees the gaps): what the guideline views walk."""
        tables: list[tuple[GuidelineKind, dict[str, Any]]] = [
            ("label", self.labels),
            ("relation", self.relations),
            ("attribute", self.value_sets),
            ("field", self.doc_fields),
        ]
        return [(kind, name, item.guideline) for kind, table in tables for name, item in table.items()]

    def guideline_notes(self) -> list[tuple[str, str]]:
        """Examples whose tags name no declared label (or value of the entry's attribute), as
        ``(json_path, message)``: not problems (a label removed mid-project must not block the
        schema), but a lead should rewrite them."""
        notes = []
        paths = {
            "label": lambda n: f"$.span_labels[{list(self.labels).index(n)}]",
            "relation": lambda n: f"$.relation_types[{list(self.relations).index(n)}]",
            "attribute": lambda n: _path(["attributes", n]),
            "field": lambda n: f"$.document_fields[{list(self.doc_fields).index(n)}]",
        }
        for kind, name, g in self.guideline_entries():
            if g is None:
                continue
            attribute = (
                name if kind == "attribute" else self.doc_fields[name].attribute if kind == "field" else None
            )
            values = self.value_sets[attribute].values if attribute in self.value_sets else ()
            for side, examples in (("positive", g.positive), ("negative", g.negative)):
                for i, source in enumerate(examples):
                    for tag in unknown_tags(source, self.labels, values):
                        what = "a declared span label" + (f" or a value of {attribute}" if attribute else "")
                        notes.append(
                            (
                                f"{paths[kind](name)}.guideline.{side}[{i}]",
                                f"[[…|{tag}]]: {tag!r} is not {what}",
                            )
                        )
        return notes

    @property
    def has_guidelines(self) -> bool:
        return bool(self.guidelines.strip()) or any(g is not None for _, _, g in self.guideline_entries())


@cache
def _meta_validator() -> Any:
    meta = json.loads((schemas_dir() / "annotation-schema.schema.json").read_text("utf-8"))
    return jsonschema_rs.validator_for(meta)


def _path(parts: Any) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def schema_problems(data: Any) -> list[tuple[str, str]]:
    """Every problem with a schema document: meta-schema errors, then cross-references."""
    problems = [(_path(e.instance_path), e.message) for e in _meta_validator().iter_errors(data)]
    if not isinstance(data, dict):
        return problems
    for check in (_reference_problems, _example_problems):
        try:
            check(data, problems)
        except (KeyError, TypeError, AttributeError):
            pass  # a shape the meta-schema refused already; the references checked so far still count
    return problems


def _example_problems(data: dict[str, Any], problems: list[tuple[str, str]]) -> None:
    """Guideline examples whose ``[[…]]`` marks do not pair up (appended to ``problems``)."""
    items: list[tuple[str, Any]] = []
    for key in ("span_labels", "relation_types", "document_fields"):
        listed = data.get(key, [])
        items += [
            (f"$.{key}[{i}]", item) for i, item in enumerate(listed if isinstance(listed, list) else [])
        ]
    attributes = data.get("attributes", {})
    items += [
        (_path(["attributes", n]), vs)
        for n, vs in (attributes.items() if isinstance(attributes, dict) else [])
    ]
    for path, item in items:
        g = item.get("guideline") if isinstance(item, dict) else None
        if isinstance(g, dict):
            problems.extend(guideline_problems(g, path))


def _reference_problems(data: dict[str, Any], problems: list[tuple[str, str]]) -> None:
    """Names that must refer to something declared elsewhere in the schema (appended to ``problems``)."""
    value_sets = data.get("attributes", {})
    labels = [lab["name"] for lab in data["span_labels"]]
    seen: dict[str, str] = {}

    def key_clash(key: str | None, owner: str, path: str) -> None:
        if key is None:
            return
        if key in seen:
            problems.append((path, f"key {key!r} is already used by {seen[key]}"))
        else:
            seen[key] = owner

    for i, lab in enumerate(data["span_labels"]):
        p = f"$.span_labels[{i}]"
        if labels.count(lab["name"]) > 1 and labels.index(lab["name"]) != i:
            problems.append((f"{p}.name", f"label {lab['name']!r} is declared twice"))
        key_clash(lab.get("key"), f"label {lab['name']}", f"{p}.key")
        for j, attr in enumerate(lab.get("attributes", [])):
            if attr not in value_sets:
                problems.append((f"{p}.attributes[{j}]", f"unknown attribute {attr!r}"))
    rel_names: set[str] = set()
    for i, rel in enumerate(data.get("relation_types", [])):
        p = f"$.relation_types[{i}]"
        if rel["name"] in rel_names:
            problems.append((f"{p}.name", f"relation type {rel['name']!r} is declared twice"))
        rel_names.add(rel["name"])
        key_clash(rel.get("key"), f"relation {rel['name']}", f"{p}.key")
        for end in ("head", "child"):
            for j, lab in enumerate(rel[end]):
                if lab not in labels:
                    problems.append((f"{p}.{end}[{j}]", f"unknown span label {lab!r}"))
    for name, vs in value_sets.items():
        vkeys: dict[str, str] = {}
        for value, key in vs.get("keys", {}).items():
            p = f"$.attributes.{name}.keys.{value}"
            if value not in vs["values"]:
                problems.append((p, f"{value!r} is not one of the values of {name!r}"))
            elif key in vkeys:
                problems.append((p, f"key {key!r} is already used by {vkeys[key]!r}"))
            vkeys[key] = value
    field_names: set[str] = set()
    for i, df in enumerate(data.get("document_fields", [])):
        p = f"$.document_fields[{i}]"
        if df["attribute"] not in value_sets:
            problems.append((f"{p}.attribute", f"unknown attribute {df['attribute']!r}"))
        if df["name"] in field_names:
            problems.append((f"{p}.name", f"document field {df['name']!r} is declared twice"))
        field_names.add(df["name"])
    for model_label, target in data.get("model_labels", {}).items():
        if target is not None and target not in labels:
            problems.append((f"$.model_labels.{model_label}", f"unknown span label {target!r}"))


def _guideline(item: dict[str, Any]) -> Guideline | None:
    g = item.get("guideline")
    return Guideline.from_dict(g) if g is not None else None


def parse_schema(data: Any, source: str = "<schema>") -> AnnotationSchema:
    problems = schema_problems(data)
    if problems:
        raise SchemaError(source, problems)
    value_sets = {
        name: ValueSet(
            name=name,
            values=tuple(vs["values"]),
            ordered=bool(vs.get("ordered", False)),
            keys=dict(vs.get("keys", {})),
            description=vs.get("description", ""),
            guideline=_guideline(vs),
        )
        for name, vs in data.get("attributes", {}).items()
    }
    labels = {
        lab["name"]: SpanLabel(
            name=lab["name"],
            color=lab["color"],
            kind=lab.get("kind", "entity"),
            key=lab.get("key"),
            attributes=tuple(lab.get("attributes", [])),
            description=lab.get("description", ""),
            guideline=_guideline(lab),
        )
        for lab in data["span_labels"]
    }
    relations = {
        r["name"]: RelationType(
            name=r["name"],
            head=tuple(r["head"]),
            child=tuple(r["child"]),
            key=r.get("key"),
            symmetric=bool(r.get("symmetric", False)),
            max_per_head=r.get("max_per_head"),
            description=r.get("description", ""),
            guideline=_guideline(r),
        )
        for r in data.get("relation_types", [])
    }
    doc_fields = {
        f["name"]: DocField(
            name=f["name"],
            attribute=f["attribute"],
            multiple=bool(f.get("multiple", False)),
            description=f.get("description", ""),
            guideline=_guideline(f),
        )
        for f in data.get("document_fields", [])
    }
    return AnnotationSchema(
        name=data["name"],
        version=int(data["version"]),
        title=data.get("title", data["name"]),
        value_sets=value_sets,
        labels=labels,
        relations=relations,
        doc_fields=doc_fields,
        overlap=data.get("overlap", "any"),
        model_labels=dict(data.get("model_labels", {})),
        preannotation=dict(data.get("preannotation", {})),
        guidelines=data.get("guidelines", ""),
        raw=data,
    )


def load_schema(path: str | Path | None = None) -> AnnotationSchema:
    """Load a schema file (default: the shipped news schema), refusing bad JSON or content."""
    p = Path(path) if path is not None else schemas_dir() / "news.json"
    try:
        data = json.loads(p.read_text("utf-8"))
    except FileNotFoundError:
        raise SchemaError(str(p), [("$", "file not found")]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SchemaError(str(p), [("$", f"not valid JSON: {e}")]) from None
    except OSError as e:  # a folder, no permission...: the same one-line report, not a traceback
        raise SchemaError(str(p), [("$", f"cannot read: {e.strerror or e}")]) from None
    return parse_schema(data, str(p))


def default_schema() -> AnnotationSchema:
    return load_schema(None)
