"""What a lead adds to an agreement run: figures per batch or week, γ, disputes with their spans, throughput.

The plain figures come from the fast accumulator (:mod:`workbench.app.agreement`,
decision 0009) and stay as they were. Everything here walks the articles' versions
once more, in one process, only when asked (``--by``, ``--gamma``) or only over the
few articles it needs (the disputed spans are looked for in the documents with the
lowest agreement), so a plain run costs what it cost.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.app import gamma as gamma_mod
from workbench.core.agreement import agreement_for_schema
from workbench.core.agreement_report import AgreementReport
from workbench.core.disputes import find_disputes, pick_examples, split_spans
from workbench.core.merged_record import MergedRecord
from workbench.core.schema import AnnotationSchema
from workbench.core.throughput import throughput_of
from workbench.core.time_on_task import TimeOnTask
from workbench.io.annotator_files import AnnotatorFile, article_order, iter_bundles, iter_merged

GROUPINGS = ("batch", "week")
EXAMPLE_DOCUMENTS = 20  # the worst documents searched for disputed spans
NO_GROUP = {"batch": "no batch", "week": "no date"}


@dataclass
class Source:
    """Where the versions come from: annotators' files (opened) or one merged file."""

    files: list[AnnotatorFile] = field(default_factory=list)
    merged: Path | None = None
    # annotator -> a file a person can open on their version (None for a brat folder read into a temp dir)
    openable: dict[str, Path] = field(default_factory=dict)
    project: Path | None = None  # the files are this project's annotations/: open the project as them

    def versions(
        self, problems: list[str], ids: list[str] | None = None
    ) -> Iterator[tuple[str, str, dict[str, dict[str, Any]], str]]:
        """(id, text, versions, title) of every article two or more annotators have, texts the same."""
        if self.merged is not None:
            wanted = set(ids) if ids is not None else None
            for _line, d in iter_merged(self.merged, problems):
                m = MergedRecord.from_dict(d)
                if m.status != "text_differs" and (wanted is None or m.id in wanted):
                    yield m.id, m.text, m.full_versions(), m.title
            return
        for b in iter_bundles(self.files, problems, ids if ids is not None else article_order(self.files)):
            if len(b.versions) < 2:
                continue
            v0 = next(iter(b.versions.values()))
            if all(v["text"] == v0["text"] for v in b.versions.values()):
                yield b.id, v0["text"], b.versions, str((v0.get("meta") or {}).get("title", ""))


# grouping -----------------------------------------------------------------------------------
def project_root(paths: list[Path]) -> Path | None:
    """The project whose ``annotations/`` holds every one of ``paths``, if there is one."""
    roots = {p.resolve().parent.parent for p in paths if p.resolve().parent.name == "annotations"}
    if len(roots) != 1 or len(paths) == 0 or not all(p.resolve().parent.name == "annotations" for p in paths):
        return None
    root = next(iter(roots))
    return root if (root / "project.json").is_file() else None


def project_batches(root: Path | None) -> dict[str, str]:
    """Article -> its hand-out batch in the project (empty without one).

    A batch is one ``workbench assign`` round: every annotator's entry of one round carries the
    same ``assigned`` stamp; rounds are numbered in time order.
    """
    if root is None:
        return {}
    from workbench.io.project import Project, ProjectError

    try:
        assignments = Project.open(root).assignments()
    except ProjectError:
        return {}
    first: dict[str, str] = {}
    for entry in assignments["annotators"].values():
        for batch in entry.get("batches") or ():
            stamp = str(batch.get("assigned") or "")
            for i in batch.get("ids") or ():
                if i not in first or stamp < first[i]:
                    first[i] = stamp
    order = {s: n for n, s in enumerate(sorted(set(first.values())), 1)}
    return {i: f"batch {order[s]} ({s[:16].replace('T', ' ')})" for i, s in first.items()}


def group_of(by: str, article: str, versions: dict[str, dict[str, Any]], batches: dict[str, str]) -> str:
    """The group of one article: its project batch or ``meta.batch``; or the ISO week of its last activity."""
    if by == "batch":
        if article in batches:
            return batches[article]
        for v in versions.values():
            b = (v.get("meta") or {}).get("batch")
            if isinstance(b, str | int) and not isinstance(b, bool) and str(b).strip():
                return f"batch {b}"
        return NO_GROUP[by]
    last = None
    for v in versions.values():
        tally = TimeOnTask.from_meta(v.get("meta"))
        stamp = (tally.last_active if tally else None) or v.get("updated")
        if isinstance(stamp, str) and (last is None or stamp > last):
            last = stamp
    try:
        year, week, _ = datetime.fromisoformat(str(last).replace("Z", "+00:00")).isocalendar()
    except ValueError:
        return NO_GROUP[by]
    return f"{year}-W{week:02d}"


def _group_order(key: str) -> tuple[int, Any]:
    if key in NO_GROUP.values():
        return (2, key)
    head, _, rest = key.partition(" ")
    if head == "batch" and rest.split(" ")[0].isdigit():
        return (0, int(rest.split(" ")[0]))
    return (1, key)


def figures_of(report: AgreementReport) -> dict[str, float | None]:
    """The figures a group's line chart follows: span F1, relation F1, each coefficient's α."""
    out: dict[str, float | None] = {
        "span F1 strict": report.spans["strict"]["mean_f1"],
        "span F1 lenient": report.spans["lenient"]["mean_f1"],
    }
    rel = [v["mean_f1"] for v in report.relations.values() if v.get("mean_f1") is not None]
    if rel:
        out["relation F1"] = sum(rel) / len(rel)
    for name, c in report.coefficients.items():
        if c.get("units"):
            out[f"α {name}"] = c.get("alpha_nominal")
    return out


# the pass ----------------------------------------------------------------------------------
def add_extras(
    report: AgreementReport,
    source: Source,
    schema: AnnotationSchema,
    token_labels: list[str],
    by: str | None = None,
    gamma: bool = False,
    gamma_sample: int = gamma_mod.SAMPLE,
    dispute_below: float | None = None,
    batches: dict[str, str] | None = None,
) -> None:
    """Fill the report's groups, γ, disputes and throughput; problems met go to ``report.problems``."""
    problems: list[str] = []
    gamma_units: dict[str, tuple[list[str], gamma_mod.Units]] = {}
    group_accs: dict[str, Any] = {}
    article_group: dict[str, str] = {}
    if by is not None or gamma:
        for art, text, versions, title in source.versions(problems):
            gamma_units[art] = (sorted(versions), gamma_mod.units_of(versions))
            if by is not None:
                key = group_of(by, art, versions, batches or {})
                article_group[art] = key
                if key not in group_accs:
                    group_accs[key] = agreement_for_schema(report.annotators, schema, token_labels)
                group_accs[key].add(art, text, versions, title)
    g = gamma_mod.gamma_report(gamma_units, asked=gamma, sample=gamma_sample)
    report.gamma = g.to_dict()
    if by is not None:
        groups = []
        for key in sorted(group_accs, key=_group_order):
            r = group_accs[key].report()
            figures = figures_of(r)
            in_group = [v for a, v in g.per_article.items() if article_group.get(a) == key]
            if in_group:
                figures["γ"] = sum(in_group) / len(in_group)
            groups.append({"key": key, "documents": r.documents, "figures": figures})
        report.groups = {"by": by, "groups": groups}
    if dispute_below is not None:
        report.disputes = _disputes(report, source, schema, dispute_below, problems)
    report.problems += problems


def _disputes(
    report: AgreementReport, source: Source, schema: AnnotationSchema, threshold: float, problems: list[str]
) -> dict[str, Any]:
    found = find_disputes(report, threshold)
    labels = {d["label"] for d in found["labels"]}
    if labels:
        worst = [d["id"] for d in report.per_document[:EXAMPLE_DOCUMENTS]]
        spans = []
        for art, text, versions, _title in source.versions(problems, worst):
            spans += split_spans(art, text, versions, labels)
        examples = pick_examples(spans)
        for d in found["labels"]:
            d["guideline"] = guideline_of(schema, d["label"])
            d["examples"] = [_with_command(e, source) for e in examples.get(d["label"], [])]
    return found


def _with_command(example: dict[str, Any], source: Source) -> dict[str, Any]:
    """The span's link: the command that opens the window on it as one who marked it.

    In a project that is the project folder opened as that annotator (their batch and their
    own file); otherwise their file, which the window reads as a corpus as ``workbench open``
    always does.
    """
    who = next((n for n in example["marked_by"] if n in source.openable), None)
    path = source.openable.get(who) if who else None
    target = f"{example['id']}:{example['start']}"
    example["file"] = str(path) if path else None
    where = source.project if source.project is not None and path is not None else path
    as_who = f" --annotator {_quote(who)}" if who else ""
    example["open"] = (
        f"workbench open {_quote(str(where)) if where else 'FILE'}{as_who} --at {_quote(target)}"
    )
    return example


def _quote(s: str) -> str:
    import shlex

    return shlex.quote(s)


def guideline_of(schema: AnnotationSchema, label: str) -> dict[str, Any] | None:
    """The schema's guideline entry for a span label (decision 0018), as the report's dict."""
    entry = schema.guideline_for("label", label)
    if entry is None:
        return None
    return {
        "definition": entry.definition,
        "positive": list(entry.positive),
        "negative": list(entry.negative),
    }


def throughput_rows(paths: dict[str, Path], problems: list[str]) -> list[dict[str, Any]]:
    """Each annotator's throughput from their file (journal included, through the store)."""
    from workbench.io.store import AnnotatorStore

    rows = []
    for name, path in paths.items():
        try:
            with AnnotatorStore(path, readonly=True) as store:
                rows.append(throughput_of(name, (store.raw(i) or {} for i in store.ids())).to_dict())
        except (OSError, ValueError) as e:
            problems.append(f"{path}: no throughput ({e})")
    return rows
