"""Scoring pre-annotation against gold records: entities, quotes, speakers.

Quotes are scored the way the Gender Gap Tracker scores them, because exact
span match punishes harmless boundary differences (a trailing comma, "that"):
a predicted quote matches a gold quote when it covers at least θ of the gold
quote's characters (θ = 0.3 and, separately, 0.8), matching one-to-one.

A quote is a unit, not a span: pieces of one attribution (a quote interrupted
by "he said", or running over paragraphs) share their CUE span, and are joined
here before matching. Units are split by kind on both sides after one global
matching: a predicted direct quote that matches gold reported speech with a
quoted phrase inside is still a correct attribution. Predicted ``partial``
quotes (scare quotes) are markers of a phrase, not attributions, and are left
out of quote scoring.

Speaker accuracy counts matched quotes whose gold unit has a speaker: the
prediction is right when its speaker (or the entity that speaker refers to)
overlaps the gold speaker span (or the gold entity it refers to), or, failing
that, names the same person (same last name word); the strict, overlap-only
figure is reported too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.quote_marks import ALL_MARKS
from workbench.core.record import Record, Span

THRESHOLDS = (0.3, 0.8)
ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT")
_STOP = {"the", "a", "an", "of", "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "president", "'s", "’s"}
# Stripped from the ends of a speaker's words before names are compared: commas, periods and quote marks.
_NAME_EDGES = ".," + "".join(sorted(ALL_MARKS))


@dataclass(slots=True)
class QuoteUnit:
    """One attribution: its characters, kind and speaker spans (mention + what it refers to)."""

    chars: frozenset[int]
    kind: str
    speakers: tuple[Span, ...]
    size: int = 0
    text: str = ""

    def __post_init__(self) -> None:
        self.size = len(self.chars)


def quote_units(rec: Record, drop_partial: bool = True) -> list[QuoteUnit]:
    """Group QUOTE spans by shared CUE (else each span alone) into attribution units."""
    cue_of: dict[str, str] = {}
    speaker_of: dict[str, str] = {}
    refers: dict[str, str] = {}
    for r in rec.relations.values():
        if r.label == "CUE":
            cue_of[r.head] = r.child
        elif r.label == "SPEAKER":
            speaker_of[r.head] = r.child
        elif r.label == "REFERS_TO":
            refers[r.head] = r.child
    groups: dict[str, list[Span]] = defaultdict(list)
    for s in rec.spans.values():
        if s.label != "QUOTE":
            continue
        kind = str(s.attrs.get("quote_kind", "direct" if s.origin is None else "indirect"))
        if drop_partial and kind == "partial":
            continue
        groups[cue_of.get(s.id, "q:" + s.id)].append(s)
    units: list[QuoteUnit] = []
    for pieces in groups.values():
        chars: set[int] = set()
        for p in pieces:
            chars.update(i for i in range(p.start, p.end) if not rec.text[i].isspace())
        kinds = {str(p.attrs.get("quote_kind", "indirect")) for p in pieces}
        kind = (
            "direct"
            if kinds == {"direct"}
            else ("mixed" if "mixed" in kinds or len(kinds) > 1 else kinds.pop())
        )
        spk: list[Span] = []
        for p in pieces:
            sid = speaker_of.get(p.id)
            if sid and sid in rec.spans:
                spk.append(rec.spans[sid])
                if sid in refers and refers[sid] in rec.spans:
                    spk.append(rec.spans[refers[sid]])
                break
        text = " … ".join(rec.span_text(p) for p in sorted(pieces, key=lambda p: p.start))
        units.append(QuoteUnit(frozenset(chars), kind, tuple(spk), text=text))
    return units


def _name_words(rec: Record, spans: Iterable[Span]) -> set[str]:
    out: set[str] = set()
    for s in spans:
        words = [w.strip(_NAME_EDGES).lower() for w in rec.span_text(s).split()]
        words = [w for w in words if w and w not in _STOP and w[:1].isalpha()]
        if words:
            out.add(words[-1])
    return out


def _speaker_ok(gold: Record, g: QuoteUnit, pred: Record, p: QuoteUnit) -> tuple[bool, bool]:
    """(strict overlap, overlap or same name)."""
    strict = any(a.start < b.end and b.start < a.end for a in g.speakers for b in p.speakers)
    if strict:
        return True, True
    return False, bool(_name_words(gold, g.speakers) & _name_words(pred, p.speakers))


@dataclass(slots=True)
class Counts:
    """``tp_gold``: gold units matched (recall); ``tp_pred``: predicted units matched (precision)."""

    tp_gold: int = 0
    tp_pred: int = 0
    n_pred: int = 0
    n_gold: int = 0

    def prf(self) -> dict[str, float | int]:
        p = self.tp_pred / self.n_pred if self.n_pred else 0.0
        r = self.tp_gold / self.n_gold if self.n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "p": round(p, 4),
            "r": round(r, 4),
            "f1": round(f, 4),
            "gold": self.n_gold,
            "pred": self.n_pred,
        }


@dataclass(slots=True)
class Report:
    docs: int = 0
    unmatched_docs: list[str] = field(default_factory=list)
    entities: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    quotes: dict[tuple[str, float], Counts] = field(default_factory=lambda: defaultdict(Counts))
    speakers: dict[tuple[str, float], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0, 0])
    )

    def to_dict(self) -> dict[str, Any]:
        ents = {lab: c.prf() for lab, c in sorted(self.entities.items())}
        total = Counts(
            sum(c.tp_gold for c in self.entities.values()),
            sum(c.tp_pred for c in self.entities.values()),
            sum(c.n_pred for c in self.entities.values()),
            sum(c.n_gold for c in self.entities.values()),
        )
        if self.entities:
            ents["ALL"] = total.prf()
        quotes: dict[str, Any] = {}
        for (split, th), c in sorted(self.quotes.items()):
            d = quotes.setdefault(split, {})
            d[f"@{int(th * 100)}"] = c.prf()
            ok_strict, ok_lenient, n = self.speakers[(split, th)]
            d[f"speaker@{int(th * 100)}"] = {
                "accuracy": round(ok_lenient / n, 4) if n else 0.0,
                "strict_overlap": round(ok_strict / n, 4) if n else 0.0,
                "n": n,
            }
        return {"docs": self.docs, "unmatched_docs": self.unmatched_docs, "entities": ents, "quotes": quotes}


def _match(gold: list[QuoteUnit], pred: list[QuoteUnit], th: float) -> list[tuple[int, int]]:
    """One-to-one greedy matching on coverage of the gold unit, best coverage first."""
    cands: list[tuple[float, int, int]] = []
    for gi, g in enumerate(gold):
        if not g.size:
            continue
        for pi, p in enumerate(pred):
            cov = len(g.chars & p.chars) / g.size
            if cov >= th:
                cands.append((cov, gi, pi))
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, gi, pi in cands:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gi, pi))
    return pairs


def _split(kind: str) -> str:
    return "direct" if kind == "direct" else "indirect"


def score_pair(
    report: Report, gold: Record, pred: Record, entity_labels: Collection[str] = ENTITY_LABELS
) -> None:
    """Add one article's figures to ``report`` (entities of ``entity_labels``: the schema's)."""
    report.docs += 1
    # entities: exact (start, end, label)
    gold_ents = {(s.start, s.end, s.label) for s in gold.spans.values() if s.label in entity_labels}
    pred_ents = {(s.start, s.end, s.label) for s in pred.spans.values() if s.label in entity_labels}
    if gold_ents:
        for lab in {e[2] for e in gold_ents | pred_ents}:
            g = {e for e in gold_ents if e[2] == lab}
            p = {e for e in pred_ents if e[2] == lab}
            c = report.entities[lab]
            c.tp_gold += len(g & p)
            c.tp_pred += len(g & p)
            c.n_gold += len(g)
            c.n_pred += len(p)
    g_units = quote_units(gold, drop_partial=False)
    p_units = quote_units(pred)
    for th in THRESHOLDS:
        pairs = _match(g_units, p_units, th)
        for split in ("all", "direct", "indirect"):

            def keep(u: QuoteUnit, split: str = split) -> bool:
                return split == "all" or _split(u.kind) == split

            c = report.quotes[(split, th)]
            c.n_gold += sum(keep(u) for u in g_units)
            c.n_pred += sum(keep(u) for u in p_units)
            # recall counts matched gold units of this kind, precision matched predicted ones.
            c.tp_gold += sum(1 for gi, _ in pairs if keep(g_units[gi]))
            c.tp_pred += sum(1 for _, pi in pairs if keep(p_units[pi]))
            sp = report.speakers[(split, th)]
            for gi, pi in pairs:
                g, p = g_units[gi], p_units[pi]
                if not keep(g) or not g.speakers:
                    continue
                strict, lenient = _speaker_ok(gold, g, pred, p)
                sp[0] += strict
                sp[1] += lenient
                sp[2] += 1


def score(
    pairs: Iterable[tuple[Record, Record | None]], entity_labels: Collection[str] = ENTITY_LABELS
) -> Report:
    """Score (gold, prediction) pairs; a missing prediction counts as predicting nothing."""
    report = Report()
    for gold, pred in pairs:
        if pred is None:
            report.unmatched_docs.append(gold.id)
            pred = Record(id=gold.id, text=gold.text)
        elif pred.text != gold.text:
            report.unmatched_docs.append(gold.id)
            continue
        score_pair(report, gold, pred, entity_labels)
    return report


def format_report(d: dict[str, Any]) -> str:
    lines = [f"articles scored: {d['docs']}"]
    if d["unmatched_docs"]:
        lines.append(f"gold articles with no matching prediction (or other text): {len(d['unmatched_docs'])}")
    if d["entities"]:
        lines.append("entities (exact match)        P      R      F1   gold  pred")
        for lab, m in d["entities"].items():
            lines.append(
                f"  {lab:<26} {m['p']:.3f}  {m['r']:.3f}  {m['f1']:.3f} {m['gold']:>6} {m['pred']:>5}"
            )
    else:
        lines.append("entities: the gold has no entity spans (nothing to score)")
    if not d["quotes"].get("all", {}).get("@30", {}).get("gold"):
        lines.append("quotes: the gold has no QUOTE spans (nothing to score)")
        return "\n".join(lines + format_effort(d))
    lines.append("quotes (GGT overlap)          P      R      F1   gold  pred  speaker acc (strict)")
    for split, m in d["quotes"].items():
        for key in ("@30", "@80"):
            q, s = m[key], m[f"speaker{key}"]
            name = f"{split} {key}"
            lines.append(
                f"  {name:<26} {q['p']:.3f}  {q['r']:.3f}  {q['f1']:.3f} {q['gold']:>6} {q['pred']:>5}"
                f"  {s['accuracy']:.3f} ({s['strict_overlap']:.3f}, n={s['n']})"
            )
    return "\n".join(lines + format_effort(d))


_EDIT_KINDS = (
    "spans_added",
    "spans_removed",
    "spans_resized",
    "spans_relabelled",
    "relations_added",
    "relations_removed",
    "total",
)


def format_effort(d: dict[str, Any]) -> list[str]:
    """The edit-effort table (``--effort``), with the baseline's column and the ratio when run."""
    if "effort" not in d:
        return []
    runs = [("this run", d["effort"])]
    base = d.get("baseline")
    if base is not None:
        runs.append((f"baseline {base['model']}", base["effort"]))
    lines = [f"edits to reach the gold, per article ({d['effort']['articles']} articles; totals in brackets)"]
    lines.append("  " + " " * 20 + "".join(f"{name[:24]:>25}" for name, _ in runs))
    for k in _EDIT_KINDS:
        cells = "".join(f"{e['per_article'][k]:>14.2f} ({e['total'][k]:>8})" for _, e in runs)
        lines.append(f"  {k.replace('_', ' '):<20}{cells}")
    lines += _by_label_lines(runs)
    if base is not None:
        ratio = d.get("effort_ratio")
        shown = f"{ratio:.3f}" if ratio is not None else "n/a (the baseline needs no edit)"
        lines.append(f"  edits per article, this run ÷ baseline: {shown}")
        b = base["quotes"].get("all", {}).get("@30")
        if b:
            lines.append(f"  baseline all quotes @30: P {b['p']:.3f}  R {b['r']:.3f}  F1 {b['f1']:.3f}")
        e = base.get("entities", {}).get("ALL")
        if e:
            lines.append(f"  baseline entities (exact): P {e['p']:.3f}  R {e['r']:.3f}  F1 {e['f1']:.3f}")
    return lines


def _by_label_lines(runs: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """Where the edits go: per article, by kind and label (``spans added CUE``), largest first."""
    keys = sorted(
        {k for _, e in runs for k in e.get("by_label", {})},
        key=lambda k: -runs[0][1].get("by_label", {}).get(k, 0),
    )
    if not keys:
        return []
    lines = ["  " + f"{'by kind and label, per article':<32}" + "".join(f"{n[:15]:>16}" for n, _ in runs)]
    for k in keys:
        cells = "".join(f"{e.get('by_label', {}).get(k, 0) / max(e['articles'], 1):>16.2f}" for _, e in runs)
        lines.append(f"    {k.replace('_', ' '):<30}{cells}")
    return lines


# ---------------------------------------------------------------- reading gold


def read_gold(path: str | Path) -> tuple[list[Record], list[str]]:
    """Gold records from our JSONL or from brat/PolNeAR (a folder of .ann, or one .ann).

    PolNeAR annotates some articles several times: the first annotator's file
    (sorted by name) is the gold, so each article counts once. Returns the
    records and the problems met (file:line), which never stop the reading.
    """
    from workbench.io.brat.polnear import read_polnear
    from workbench.io.brat.standoff import iter_ann_files, text_path_for
    from workbench.io.jsonl import LineError, read_jsonl
    from workbench.io.validate import checked_record, faults_text

    p = Path(path)
    problems: list[str] = []
    records: list[Record] = []
    if p.is_dir() or p.suffix == ".ann":
        files = [p] if p.is_file() else list(iter_ann_files(p))
        if not files:
            raise FileNotFoundError(f"{p}: no .ann files found")
        seen: set[str] = set()
        for f in files:
            if text_path_for(f) is None:
                problems.append(f"{f}: no matching .txt file; skipped")
                continue
            rec = read_polnear(f)
            problems += [m for m in rec.meta.get("brat_problems", []) if m not in problems]
            if rec.id in seen:
                continue
            seen.add(rec.id)
            records.append(rec)
        return records, problems
    for item in read_jsonl(p):
        if isinstance(item, LineError):
            problems.append(str(item))
            continue
        line, obj = item
        rec = checked_record(obj)  # the gate validate applies: a malformed record is named, not a crash
        if isinstance(rec, Record):
            records.append(rec)
        else:
            problems.append(f"{p}:{line}: skipped: {faults_text(rec)}")
    return records, problems
