"""Shard planning, atomic shard output, completeness sidecars and resume, without any cluster."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from workbench.core.record import article_id
from workbench.io.jsonl import LineError, read_jsonl
from workbench.nlp.shards import (
    ArticleFailure,
    ShardError,
    is_finished,
    plan_shards,
    process_shard,
    read_done,
    remove_stale_temps,
    run_local,
)


@dataclass(frozen=True)
class CapsAnnotator:
    """A tiny plain per-article function: every capitalised word becomes a span."""

    tag: str = "caps@1"
    fail_on: str | None = None  # an article whose text contains this raises
    crash_on: str | None = None  # ... or makes the whole shard fail (simulated crash)

    def fingerprint(self) -> str:
        return self.tag

    def annotate_file(self, path: Path, name: str) -> Iterator[Any]:
        for line, d in read_items(path):
            if isinstance(d, str):
                yield ArticleFailure(line, None, d)
                continue
            text = d["text"]
            if self.crash_on and self.crash_on in text:
                raise RuntimeError("simulated crash mid-shard")
            if self.fail_on and self.fail_on in text:
                yield ArticleFailure(line, d.get("id"), "cannot annotate")
                continue
            spans = [
                {"id": f"s{i}", "start": m.start(), "end": m.end(), "label": "CAPS", "origin": self.tag}
                for i, m in enumerate(re.finditer(r"\b[A-Z]\w+", text), 1)
            ]
            yield {"id": d.get("id") or article_id(text), "text": text, "spans": spans}


def read_items(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line, object) for good lines, (line, reason) for bad ones."""
    for item in read_jsonl(path):
        if isinstance(item, LineError):
            yield item.line, item.message
        elif not isinstance(item[1].get("text"), str):
            yield item[0], "no 'text' string"
        else:
            yield item


def write_shard(path: Path, texts: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    write_shard(root / "a.jsonl", ["Alice met Bob.", "Nothing here.", "Carol said so."])
    write_shard(root / "2023" / "b.jsonl", ["Dave left Paris."])
    write_shard(root / "2024" / "b.jsonl", ["Eve went to Rome.", "Frank stayed."])
    (root / "notes.txt").write_text("not a shard")
    return root


def test_folders_files_and_globs_become_distinct_sorted_shards(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shards = plan_shards([str(corpus), str(corpus / "a.jsonl"), str(corpus / "*" / "b.jsonl")], out)
    # folder order as the single-machine command walks it: files of a folder, then its sub-folders
    assert [s.source.relative_to(corpus).as_posix() for s in shards] == [
        "a.jsonl",
        "2023/b.jsonl",
        "2024/b.jsonl",
    ]
    # same-named inputs in different folders keep their folders, so they never overwrite each other
    assert [s.output.relative_to(out.resolve()).as_posix() for s in shards] == [
        "a.jsonl",
        "2023/b.jsonl",
        "2024/b.jsonl",
    ]
    assert shards[1].label == str(corpus / "2023" / "b.jsonl")  # as named: records' meta.file


def test_bad_inputs_are_named(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(ShardError, match="no such file"):
        plan_shards([str(corpus / "missing.jsonl")], tmp_path / "out")
    with pytest.raises(ShardError, match="JSONL"):
        plan_shards([str(corpus / "notes.txt")], tmp_path / "out")
    with pytest.raises(ShardError, match="matches no"):
        plan_shards([str(corpus / "*.csv")], tmp_path / "out")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ShardError, match="no .jsonl files"):
        plan_shards([str(empty)], tmp_path / "out")
    with pytest.raises(ShardError, match="overwrite this input"):
        plan_shards([str(corpus / "a.jsonl")], corpus)
    with pytest.raises(ShardError, match="-o names a folder"):
        plan_shards([str(corpus)], tmp_path / "out.jsonl")


def test_output_folder_inside_the_input_folder_is_not_read_back(corpus: Path) -> None:
    out = corpus / "out"
    write_shard(out / "a.jsonl", ["Old output."])
    shards = plan_shards([str(corpus)], out)
    assert all(not s.source.is_relative_to(out.resolve()) for s in shards)
    with pytest.raises(ShardError, match="overwrite this input"):
        plan_shards([str(out / "a.jsonl")], out)
    write_shard(out / "old" / "c.jsonl", ["Old output."])
    with pytest.raises(ShardError, match="inside the output folder"):
        plan_shards([str(out / "old" / "c.jsonl")], out)


def test_shard_output_sidecar_and_failures(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"text": "Alice met Bob."})
        + "\n{broken\n"
        + json.dumps({"id": "x1", "text": "Zed is BAD."})
        + "\n"
        + json.dumps({"no_text": 1})
        + "\n"
        + json.dumps({"text": "Carol."})
        + "\n",
        encoding="utf-8",
    )
    (shard,) = plan_shards([str(src)], tmp_path / "out")
    ticks: list[tuple[int, int]] = []
    res = process_shard(shard, CapsAnnotator(fail_on="BAD"), progress=lambda a, b: ticks.append((a, b)))
    lines = [json.loads(x) for x in shard.output.read_text(encoding="utf-8").splitlines()]
    assert [r["text"] for r in lines] == ["Alice met Bob.", "Carol."]
    assert [
        s["text"] if "text" in s else lines[0]["text"][s["start"] : s["end"]] for s in lines[0]["spans"]
    ] == [
        "Alice",
        "Bob",
    ]
    assert (res.articles, res.failed, res.bad_lines) == (2, 1, 2)
    assert [(f.line, f.id) for f in res.failures] == [(2, None), (3, "x1"), (4, None)]
    assert ticks[-1] == (2, src.stat().st_size)
    done = read_done(shard)
    assert done is not None and done["articles"] == 2 and done["failures"][1]["id"] == "x1"
    assert is_finished(shard, "caps@1")
    assert not is_finished(shard, "caps@2")  # other settings: the shard is redone
    umask = os.umask(0o022)
    os.umask(umask)
    assert shard.output.stat().st_mode & 0o777 == 0o666 & ~umask  # readable like any file, not 0600


def test_changed_input_or_damaged_output_is_not_finished(tmp_path: Path) -> None:
    src = write_shard(tmp_path / "in.jsonl", ["Alice.", "Bob."])
    (shard,) = plan_shards([str(src)], tmp_path / "out")
    process_shard(shard, CapsAnnotator())
    assert is_finished(shard, "caps@1")
    with open(shard.output, "ab") as fh:
        fh.write(b"{")
    assert not is_finished(shard, "caps@1")
    process_shard(shard, CapsAnnotator())
    write_shard(src, ["Alice.", "Bob.", "Carol."])
    assert not is_finished(shard, "caps@1")
    shard.done_path.unlink()
    process_shard(shard, CapsAnnotator())
    shard.done_path.unlink()  # output without sidecar: killed between the two writes
    assert not is_finished(shard, "caps@1")


def test_a_crash_mid_shard_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    src = write_shard(tmp_path / "in.jsonl", ["Alice.", "Bob."])
    (shard,) = plan_shards([str(src)], tmp_path / "out")
    process_shard(shard, CapsAnnotator())
    before = shard.output.read_bytes()
    write_shard(src, ["Alice.", "Bob.", "Crash here."])
    with pytest.raises(RuntimeError):
        process_shard(shard, CapsAnnotator(crash_on="Crash"))
    assert shard.output.read_bytes() == before
    assert not is_finished(shard, "caps@1")
    assert [p.name for p in shard.output.parent.iterdir() if p.name.endswith(".tmp")] == []


class _KillSelf:
    """Annotator that kill -9s its own process halfway through a shard (after flushing some lines)."""

    def fingerprint(self) -> str:
        return "caps@1"

    def annotate_file(self, path: Path, name: str) -> Iterator[Any]:
        for n, out in enumerate(CapsAnnotator().annotate_file(path, name)):
            if n == 50:
                os.kill(os.getpid(), signal.SIGKILL)
            yield out


def _run_and_die(shard: Any) -> None:
    process_shard(shard, _KillSelf())


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX kill -9")
def test_kill_9_mid_shard_leaves_no_half_file_and_a_rerun_completes(tmp_path: Path) -> None:
    texts = [f"Article {i} by Writer{i} " + "word " * 2000 for i in range(100)]
    src_a = write_shard(tmp_path / "in" / "a.jsonl", texts)
    write_shard(tmp_path / "in" / "b.jsonl", ["Bob."])
    shards = plan_shards([str(tmp_path / "in")], tmp_path / "out")
    shard_a = next(s for s in shards if s.source == src_a.resolve())
    ctx = multiprocessing.get_context("spawn")
    proc = ctx.Process(target=_run_and_die, args=(shard_a,))
    proc.start()
    proc.join(60)
    assert proc.exitcode == -signal.SIGKILL
    assert not shard_a.output.exists()  # no half output under the real name
    assert len(list(shard_a.output.parent.glob(".a.jsonl.*.tmp"))) == 1  # the dead writer's temp
    run_local(shards, CapsAnnotator())
    assert list(shard_a.output.parent.glob(".a.jsonl.*.tmp")) == []
    assert len(shard_a.output.read_text(encoding="utf-8").splitlines()) == 100
    assert all(is_finished(s, "caps@1") for s in shards)
    assert remove_stale_temps(shard_a) == 0


def test_rerun_skips_finished_shards_and_does_not_touch_them(corpus: Path, tmp_path: Path) -> None:
    shards = plan_shards([str(corpus)], tmp_path / "out")
    first = run_local(shards, CapsAnnotator())
    assert [r.skipped for r in first] == [False, False, False]
    stamps = {s.output: s.output.stat().st_mtime_ns for s in shards}
    write_shard(shards[0].source, ["Dave left Paris.", "Gina came back."])  # one input changed
    second = run_local(shards, CapsAnnotator())
    assert [r.skipped for r in second] == [False, True, True]
    assert all(s.output.stat().st_mtime_ns == stamps[s.output] for s in shards[1:])
    assert len(shards[0].output.read_text(encoding="utf-8").splitlines()) == 2


def test_cluster_spec_mistakes_are_user_errors() -> None:
    pytest.importorskip("distributed")
    from workbench.nlp.cluster import ClusterUnavailable, connect

    for bad in ("local:x", "local:0"):
        with pytest.raises(ClusterUnavailable, match="local"), connect(bad):
            pass
