"""The compiled hot paths (decision 0027): which path runs, both write the same bytes, no stale build runs.

``setup.py`` compiles the modules of ``workbench.compiled.COMPILED`` from their ``.py`` files;
the same source runs as plain Python when they are not built or ``WORKBENCH_PURE_PYTHON=1``.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.compiled import COMPILED, PURE_ENV, is_compiled

REPO = Path(__file__).resolve().parents[2]


def _built(name: str) -> Path | None:
    """The compiled file of module ``name`` in this checkout, if a build left one."""
    base = REPO / name.replace(".", "/")
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        if base.with_name(base.name + suffix).is_file():
            return base.with_name(base.name + suffix)
    return None


BUILT = [name for name in COMPILED if _built(name)]
needs_build = pytest.mark.skipif(
    not BUILT, reason="the hot paths are not compiled here (pip install -e . builds them)"
)


def test_which_path_runs() -> None:
    """A built module is the one imported (unless the pure path is asked for); the others run as source."""
    pure = os.environ.get(PURE_ENV) == "1"
    for name in COMPILED:
        module = importlib.import_module(name)
        assert is_compiled(module) == (name in BUILT and not pure), (
            f"{name}: built here but running as source: its .py changed after the build (pip install -e .)"
        )
    if not BUILT:
        pytest.skip("running as plain Python: the hot paths are not compiled in this checkout")


# A small corpus with what merge and agreement must take in stride: attribute values of every JSON
# type, repeated spans, relations (one symmetric), differing texts, a missing version, a title that
# is no string, non-ASCII text, and records the check must leave out (bad offsets, an integer too
# large for C, a span that is no object, a relation to nowhere, a lone surrogate).
LABELS = ["PERSON", "ORG", "GPE", "QUOTE"]
VALUES: list[object] = ["negative", "neutral", "positive", 1, True, None, ["a", "b"]]


def _version(rng: random.Random, ann: str, i: int, text: str) -> dict:
    spans = []
    for n in range(rng.randint(0, 8)):
        start = rng.randrange(0, len(text) - 4)
        end = start + rng.randint(1, 4)
        span = {
            "id": f"s{n}",
            "start": start,
            "end": end,
            "label": rng.choice(LABELS),
            "text": text[start:end],
        }
        if rng.random() < 0.7:
            span["attrs"] = {"sentiment": rng.choice(VALUES)}
        spans.append(span)
    if spans and rng.random() < 0.3:
        spans.append({**spans[0], "id": "dup"})  # the same span twice in one version
    rels = []
    if len(spans) > 1:
        for n in range(rng.randint(0, 3)):
            a, b = rng.sample(spans, 2)
            rels.append(
                {"id": f"r{n}", "head": a["id"], "child": b["id"], "label": rng.choice(["SPEAKER", "SAME"])}
            )
    return {
        "id": f"a{i}",
        "text": text,
        "meta": {"title": rng.choice([f"story {i}", ["a", "list"], 7])},
        "spans": spans,
        "relations": rels,
        "doc": {"sentiment": rng.choice(VALUES[:4])},
        "status": "done",
        "annotator": ann,
        "schema": "news@1",
        "rev": 1,
    }


HOSTILE = {
    3: lambda d: d["spans"].append({"id": "x", "start": 5, "end": 2, "label": "ORG"}),
    5: lambda d: d["spans"].append({"id": "x", "start": 0, "end": 10**30, "label": "ORG"}),
    7: lambda d: d["spans"].append(["not", "an", "object"]),
    9: lambda d: d["relations"].append({"id": "rx", "head": "nowhere", "child": "s0", "label": "SPEAKER"}),
    11: lambda d: d.__setitem__("text", d["text"] + "\ud800"),
}


def _corpus(folder: Path) -> list[Path]:
    rng = random.Random(15)
    paths = []
    for ann in ("ann0", "ann1", "ann2"):
        lines = []
        for i in range(40):
            text = f"Story {i}: Ünïcode ✓ said the minister in Brussels on Tuesday, and the union agreed."
            if ann == "ann2" and i == 13:
                text += " (edited)"  # the annotators' texts differ
            if ann == "ann1" and i == 17:
                continue  # a missing version
            d = _version(rng, ann, i, text)
            if ann == "ann1" and i in HOSTILE:
                HOSTILE[i](d)
            lines.append(json.dumps(d, ensure_ascii=i == 11))  # the lone surrogate as JSON escapes it
        path = folder / f"{ann}.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


RUN = """
import json, sys
from pathlib import Path
import workbench.core.merge as merge
from workbench.app.agreement import agreement_over
from workbench.app.inputs import open_inputs
from workbench.app.merge import merge_files
from workbench.app.schemas import schema_for
from workbench.compiled import COMPILED, is_compiled

merge.now_iso = lambda: "2026-01-01T00:00:00Z"  # the merged line's one time stamp
paths, out = [Path(p) for p in sys.argv[1:4]], Path(sys.argv[4])
files = open_inputs(paths, None)
schema = schema_for(files[0].schema)
summary = merge_files(files, out / "merged.jsonl", merge.Policy("majority"), schema, jobs=1)
report = agreement_over(paths, None, None, [], jobs=1)
(out / "agreement.json").write_text(json.dumps(report.to_dict(), sort_keys=True, default=str))
(out / "summary.txt").write_text(repr(summary))
print(json.dumps({m: is_compiled(sys.modules[m]) for m in COMPILED if m in sys.modules}))
"""


def _run(paths: list[Path], out: Path, pure: bool) -> dict[str, bool]:
    out.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop(PURE_ENV, None)
    if pure:
        env[PURE_ENV] = "1"
    done = subprocess.run(
        [sys.executable, "-c", RUN, *map(str, paths), str(out)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@needs_build
def test_compiled_and_pure_python_write_the_same_bytes(tmp_path: Path) -> None:
    paths = _corpus(tmp_path)
    ran = {
        "compiled": _run(paths, tmp_path / "compiled", False),
        "pure": _run(paths, tmp_path / "pure", True),
    }
    assert all(ran["compiled"][m] for m in BUILT) and not any(ran["pure"].values()), ran
    for name in ("merged.jsonl", "agreement.json", "summary.txt"):
        assert (tmp_path / "compiled" / name).read_bytes() == (tmp_path / "pure" / name).read_bytes(), name
    summary = (tmp_path / "pure" / "summary.txt").read_text()
    for line in (4, 6, 8, 10):  # the hostile records, named by file and line and left out
        assert f"ann1.jsonl:{line}:" in summary


@needs_build
def test_a_source_changed_after_the_build_runs_as_source(tmp_path: Path) -> None:
    """An edited ``.py`` newer than its build is what runs (with a warning), never the old build."""
    copy = tmp_path / "workbench"
    shutil.copytree(REPO / "workbench", copy, ignore=shutil.ignore_patterns("__pycache__"))
    name = BUILT[0]
    source = tmp_path / (name.replace(".", "/") + ".py")
    later = _built(name).stat().st_mtime + 60  # type: ignore[union-attr]
    os.utime(source, (later, later))
    probe = f"import {name} as m; from workbench.compiled import is_compiled; print(is_compiled(m))"
    env = {k: v for k, v in os.environ.items() if k != PURE_ENV}
    env["PYTHONPATH"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
    assert "changed after it was compiled" in done.stderr and "pip install -e ." in done.stderr
