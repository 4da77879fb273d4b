"""Direct quotes on PolNeAR dev: the workbench's rules beside textacy's ``direct_quotations``.

Same articles, same spaCy model and parse, same scorer (workbench.nlp.evaluate:
GGT overlap at 30 % and 80 %, one-to-one, pieces of one attribution joined).
textacy raises on some articles (e.g. an odd number of quote marks): those are
caught, counted, and scored as predicting nothing, which is what a user gets.

    .venv/bin/python bench/bench_quotes_vs_textacy.py [--gold ../shared/data/polnear/dev]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def textacy_record(gold_id: str, doc: object) -> tuple[object, str | None]:
    from textacy.extract.triples import direct_quotations

    from workbench.core.record import Record, Relation, Span

    rec = Record(id=gold_id, text=doc.text)  # type: ignore[attr-defined]
    try:
        triples = list(direct_quotations(doc))
    except Exception as e:  # textacy raises on unbalanced marks and other real-world text
        return rec, f"{type(e).__name__}: {str(e)[:80]}"
    n = 0
    for t in triples:
        n += 1
        q = Span(
            f"q{n}", t.content.start_char, t.content.end_char, "QUOTE", {"quote_kind": "direct"}, "textacy"
        )
        rec.spans[q.id] = q
        if t.cue:
            c = Span(f"c{n}", t.cue[0].idx, t.cue[-1].idx + len(t.cue[-1]), "CUE", origin="textacy")
            rec.spans[c.id] = c
            rec.relations[f"rc{n}"] = Relation(f"rc{n}", q.id, c.id, "CUE")
        if t.speaker:
            s = Span(
                f"s{n}", t.speaker[0].idx, t.speaker[-1].idx + len(t.speaker[-1]), "MENTION", origin="textacy"
            )
            rec.spans[s.id] = s
            rec.relations[f"rs{n}"] = Relation(f"rs{n}", q.id, s.id, "SPEAKER")
    return rec, None


def main() -> None:
    from workbench.core.record import Record
    from workbench.nlp.evaluate import read_gold, score
    from workbench.nlp.models import select_model
    from workbench.nlp.preannotate import Preannotator

    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", type=Path, default=REPO.parent / "shared" / "data" / "polnear" / "dev")
    args = ap.parse_args()
    gold, _ = read_gold(args.gold)
    model = select_model()
    ann = Preannotator(model)
    ours, theirs, failures = [], [], []
    t_ours = t_theirs = 0.0
    for g, doc in zip(gold, model.nlp.pipe(g.text for g in gold), strict=True):
        t0 = time.perf_counter()
        ours.append((g, ann.annotate_doc(Record(id=g.id, text=g.text), doc)))
        t1 = time.perf_counter()
        rec, err = textacy_record(g.id, doc)
        t_theirs += time.perf_counter() - t1
        t_ours += t1 - t0
        theirs.append((g, rec))
        if err:
            failures.append((g.meta.get("ann", g.id), err))
    a, b = score(ours).to_dict()["quotes"], score(theirs).to_dict()["quotes"]
    print(f"{len(gold)} PolNeAR articles, model {model.origin}; textacy raised on {len(failures)} of them")
    print(f"{'direct quotes':<22}{'workbench':>22}{'textacy':>22}")
    print(f"{'':<22}{'P     R     F1':>22}{'P     R     F1':>22}")
    for key in ("@30", "@80"):
        x, y = a["direct"][key], b["direct"][key]
        cols = f"{x['p']:>10.3f}{x['r']:>6.3f}{x['f1']:>6.3f}{y['p']:>10.3f}{y['r']:>6.3f}{y['f1']:>6.3f}"
        print(f"{'quotes ' + key:<22}{cols}")
    for key in ("speaker@30", "speaker@80"):
        x, y = a["direct"][key], b["direct"][key]
        print(f"{key:<22}{x['accuracy']:>22.3f}{y['accuracy']:>22.3f}")
    x, y = a["all"]["@30"], b["all"]["@30"]
    print(f"{'all attributions F1@30':<22}{x['f1']:>22.3f}{y['f1']:>22.3f}")
    print(f"{'rule time (s)':<22}{t_ours:>22.2f}{t_theirs:>22.2f}")
    ratio = a["direct"]["@30"]["f1"] / max(b["direct"]["@30"]["f1"], 1e-9)
    print(f"RATIO direct F1@30 workbench / textacy = {ratio:.2f}")
    for name, err in failures[:5]:
        print(f"  textacy failed on {Path(str(name)).name}: {err}")


if __name__ == "__main__":
    main()
