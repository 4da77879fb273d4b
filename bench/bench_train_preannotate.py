"""Pre-annotation with a trained attribution model, as ratios against its base pipeline in the same run.

1. Pre-annotation words/s with the trained model (``Preannotator.annotate_batch``: the
   base components, the attribution tagger, rules, combination and linking) ÷ bare
   ``nlp.pipe`` words/s of the *base* pipeline it was trained on (same batch size,
   same texts). Target ≥ 0.6 (issue 14).
2. The same with the base pipeline and rules only, for scale (what the model adds).
3. The model folder's size on disk (target ≤ 40 MB).

Articles are PolNeAR dev texts (../shared). The machine is shared: rounds
alternate and the best of each is kept; the ratios are what to read.

    .venv/bin/python bench/bench_train_preannotate.py MODEL_DIR [--batch-size 64] [--rounds 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared" / "data" / "polnear"


def texts() -> list[str]:
    files = sorted((SHARED / "dev" / "text").glob("*.txt"))
    if not files:
        sys.exit(f"no PolNeAR texts under {SHARED}")
    return [f.read_text("utf-8") for f in files]


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model", type=Path)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    from workbench.core.record import Record
    from workbench.nlp.models import select_model, trained_for
    from workbench.nlp.preannotate import Preannotator

    trained = select_model(flag=str(args.model))
    info = trained_for(trained.nlp)
    if info is None:
        sys.exit(f"{args.model} was not made by `workbench train` (no workbench section in meta.json)")
    base = select_model(flag=str(info["base"]).partition("@")[0])
    ann_trained, ann_rules = Preannotator(trained), Preannotator(base)
    ts = texts()
    n_words = sum(len(t.split()) for t in ts)
    bs = args.batch_size
    list(base.nlp.pipe(ts[:8], batch_size=bs))
    list(trained.nlp.pipe(ts[:8], batch_size=bs))
    bare, with_model, rules = [], [], []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        for _doc in base.nlp.pipe(ts, batch_size=bs):
            pass
        bare.append(n_words / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        outs = ann_trained.annotate_batch([Record(id=str(i), text=t) for i, t in enumerate(ts)], bs)
        with_model.append(n_words / (time.perf_counter() - t0))
        assert all(o.record is not None for o in outs)
        t0 = time.perf_counter()
        ann_rules.annotate_batch([Record(id=str(i), text=t) for i, t in enumerate(ts)], bs)
        rules.append(n_words / (time.perf_counter() - t0))

    def runs(xs: list[float]) -> str:
        return f"best {max(xs):8.0f} words/s  (runs: {', '.join(f'{x:.0f}' for x in xs)})"

    print(f"trained {trained.origin}: {trained.nlp.pipe_names}")
    print(f"base    {base.origin}: {base.nlp.pipe_names}; {len(ts)} articles, {n_words} words, batch {bs}")
    print(f"bare nlp.pipe of the base          {runs(bare)}")
    print(f"pre-annotation, trained model      {runs(with_model)}")
    print(f"pre-annotation, base + rules only  {runs(rules)}")
    print(f"RATIO trained pre-annotation / bare base = {max(with_model) / max(bare):.3f}   (target >= 0.6)")
    print(f"ratio rules-only pre-annotation / bare base = {max(rules) / max(bare):.3f}")
    print(f"model size on disk: {folder_mb(args.model):.1f} MB   (target <= 40 MB)")


if __name__ == "__main__":
    main()
