"""Validating 100k records: our validator against ``jsonschema``'s compiled validator, same records.

    python bench/bench_validate.py [--records 100000]

Both check the same records against the same ``schemas/record.schema.json``:
- baseline: ``jsonschema.Draft202012Validator(schema)`` built once, ``iter_errors`` per record;
- ours: :func:`workbench.io.validate.record_dict_problems` (compiled ``jsonschema_rs`` validator
  plus the structural checks no JSON Schema can express: offsets inside the text, span text,
  relations to existing spans, duplicate ids).
Two comparisons: records already in memory (the validators alone), and the whole
file (``json.loads`` per line + baseline vs ``iter_problems`` streaming the file).
Budget: ours at least 10x faster. A few records are broken on purpose so that both
validators also report errors, and their verdicts are compared record by record.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import jsonschema  # noqa: E402  (installed by the bench extra)
from bench_corpus_index import make_record  # noqa: E402

from workbench.io.jsonl import dumps  # noqa: E402
from workbench.io.validate import iter_problems, record_dict_problems, record_schema  # noqa: E402


def records(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        d = make_record(i, rng)
        if i % 1000 == 0:
            d["status"] = "finished"  # a format error both validators must see
        out.append(d)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    args = ap.parse_args()
    recs = records(args.records)
    schema = record_schema()

    baseline = jsonschema.Draft202012Validator(schema)
    for d in recs[:500]:  # warm both up: lazy compilation and caches are not what we measure
        list(baseline.iter_errors(d))
        record_dict_problems(d)
    t = time.perf_counter()
    base_bad = [bool(next(baseline.iter_errors(d), None)) for d in recs]
    b = time.perf_counter() - t

    t = time.perf_counter()
    ours_bad = [bool(record_dict_problems(d)) for d in recs]
    o = time.perf_counter() - t

    assert base_bad == ours_bad, "the two validators disagree"
    print(f"{args.records:,} records in memory, {sum(ours_bad)} invalid (both agree)")
    print(f"  jsonschema compiled validator     {b:.3f} s")
    print(f"  workbench record_dict_problems    {o:.3f} s   {b / o:.1f}x faster")

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "corpus.jsonl"
        with open(path, "w", encoding="utf-8") as fh:
            for r in recs:
                fh.write(dumps(r) + "\n")
        t = time.perf_counter()
        with open(path, "rb") as fh:
            file_base = sum(1 for line in fh if next(baseline.iter_errors(json.loads(line)), None))
        fb = time.perf_counter() - t
        t = time.perf_counter()
        file_ours = len({p.line for p in iter_problems(path)})
        fo = time.perf_counter() - t
        assert file_base == file_ours
        print(f"whole file ({path.stat().st_size / 1e6:.0f} MB), parse + validate every line")
        print(f"  json.loads + jsonschema           {fb:.3f} s")
        print(f"  workbench iter_problems           {fo:.3f} s   {fb / fo:.1f}x faster")
    ratio = b / o
    verdict = "OK" if ratio >= 10 else "MISSED"
    print(f"budget: >= 10x faster than jsonschema (validators alone) -> {ratio:.1f}x {verdict}")


if __name__ == "__main__":
    main()
