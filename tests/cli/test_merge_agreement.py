"""The merge and agreement commands, end to end, including the mistakes a lead makes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import shared_path
from workbench.cli.main import main
from workbench.io.jsonl import write_jsonl

TEXT = "Putin said Russia would win. Biden disagreed."
OTHER = "A second article about Paris and Berlin."


def record(ann: str, rid: str, text: str, spans: list[tuple], schema: str = "news@1", **kw) -> dict:
    return {
        "id": rid,
        "text": text,
        "meta": {"title": rid},
        "spans": [
            {"id": f"s{i}", "start": s, "end": e, "label": lab, "text": text[s:e]}
            for i, (s, e, lab) in enumerate(spans)
        ],
        "relations": [],
        "doc": kw.get("doc", {}),
        "annotator": ann,
        "schema": schema,
        "status": "done",
    }


@pytest.fixture
def three(tmp_path: Path) -> list[Path]:
    paths = []
    for ann, spans in [
        ("alice", [(0, 5, "PERSON"), (11, 17, "GPE")]),
        ("bob", [(0, 5, "PERSON"), (11, 17, "ORG")]),
        ("carol", [(0, 5, "PERSON"), (29, 34, "PERSON")]),
    ]:
        p = tmp_path / f"{ann}.jsonl"
        write_jsonl(p, [record(ann, "art1", TEXT, spans), record(ann, "art2", OTHER, [(23, 28, "GPE")])])
        paths.append(p)
    return paths


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_merge_writes_every_version_and_counts_conflicts(three, tmp_path, capsys) -> None:
    out = tmp_path / "merged.jsonl"
    code, stdout, _ = run(capsys, "merge", *map(str, three), "-o", str(out))
    assert code == 0
    merged = [json.loads(line) for line in out.read_text().splitlines()]
    assert [m["id"] for m in merged] == ["art1", "art2"]
    assert set(merged[0]["versions"]) == {"alice", "bob", "carol"}
    # art1: PERSON agreed; GPE, ORG, PERSON@29 open. art2: GPE agreed.
    assert "2 item(s) agreed, 3 open conflict(s) in 1 article(s)" in stdout


def test_unanimous_policy_leaves_more_open(three, tmp_path, capsys) -> None:
    out = tmp_path / "m.jsonl"
    code, stdout, _ = run(capsys, "merge", *map(str, three), "-o", str(out), "--policy", "unanimous")
    assert code == 0 and "open conflict" in stdout


def test_different_schemas_are_refused_naming_the_files(three, tmp_path, capsys) -> None:
    odd = tmp_path / "dave.jsonl"
    write_jsonl(odd, [record("dave", "art1", TEXT, [], schema="other@3")])
    out = tmp_path / "m.jsonl"
    code, _, err = run(capsys, "merge", *map(str, three), str(odd), "-o", str(out))
    assert code == 2 and "different annotation schemas" in err and "dave.jsonl: other@3" in err
    assert "Traceback" not in err and not out.exists()


def test_a_record_with_another_schema_inside_a_file_is_refused_with_its_line(three, tmp_path, capsys) -> None:
    with open(three[2], "a") as fh:
        fh.write(json.dumps(record("carol", "art3", OTHER, [], schema="news@2")) + "\n")
    out = tmp_path / "m.jsonl"
    code, _, err = run(capsys, "merge", *map(str, three), "-o", str(out))
    assert code == 2 and "carol.jsonl:3" in err and "news@2" in err and not out.exists()


def test_records_only_some_annotators_have_are_reported_and_kept(three, tmp_path, capsys) -> None:
    with open(three[0], "a") as fh:
        fh.write(json.dumps(record("alice", "art3", "Only Alice saw this one.", [(0, 4, "PERSON")])) + "\n")
    out = tmp_path / "m.jsonl"
    code, stdout, _ = run(capsys, "merge", *map(str, three), "-o", str(out))
    assert code == 0 and "art3: missing bob, carol" in stdout
    last = json.loads(out.read_text().splitlines()[-1])
    assert (
        last["id"] == "art3" and last["merge"]["missing"] == ["bob", "carol"] and "alice" in last["versions"]
    )


def test_the_same_annotator_twice_is_refused(three, tmp_path, capsys) -> None:
    twin = tmp_path / "alice-copy.jsonl"
    twin.write_bytes(three[0].read_bytes())
    code, _, err = run(capsys, "merge", str(three[0]), str(twin), "-o", str(tmp_path / "m.jsonl"))
    assert code == 2 and "annotator 'alice' appears twice" in err
    code, _, err = run(capsys, "merge", str(three[0]), str(three[0]), "-o", str(tmp_path / "m.jsonl"))
    assert code == 2 and "given twice" in err
    code, _, _ = run(
        capsys,
        "merge",
        str(three[0]),
        str(twin),
        "-o",
        str(tmp_path / "m.jsonl"),
        "--annotators",
        "alice,alice2",
    )
    assert code == 0


def test_an_empty_file_is_refused(three, tmp_path, capsys) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    code, _, err = run(capsys, "merge", *map(str, three), str(empty), "-o", str(tmp_path / "m.jsonl"))
    assert code == 2 and "empty.jsonl: the file holds no records" in err


def test_a_bad_line_is_reported_with_file_and_line_and_the_rest_merged(three, tmp_path, capsys) -> None:
    with open(three[1], "a") as fh:
        fh.write('{"id": "art9", "text": "broken\n')
    out = tmp_path / "m.jsonl"
    code, stdout, _ = run(capsys, "merge", *map(str, three), "-o", str(out))
    assert code == 0 and "bob.jsonl:3" in stdout and len(out.read_text().splitlines()) == 2


def test_texts_that_differ_are_reported(three, tmp_path, capsys) -> None:
    lines = three[2].read_text().splitlines()
    d = json.loads(lines[1])
    d["text"] = d["text"].replace("second", "third!")
    three[2].write_text(lines[0] + "\n" + json.dumps(d) + "\n")
    code, stdout, _ = run(capsys, "merge", *map(str, three), "-o", str(tmp_path / "m.jsonl"))
    assert code == 0 and "NOT merged because the annotators' texts differ" in stdout and "art2" in stdout


def test_agreement_is_the_same_from_the_files_and_from_the_merged_file(three, tmp_path, capsys) -> None:
    out = tmp_path / "m.jsonl"
    run(capsys, "merge", *map(str, three), "-o", str(out))
    code, j1, _ = run(capsys, "agreement", *map(str, three), "--json")
    assert code == 0
    code, j2, _ = run(capsys, "agreement", str(out), "--json")
    r1, r2 = json.loads(j1), json.loads(j2)
    assert r1["spans"] == r2["spans"] and r1["coefficients"] == r2["coefficients"]
    assert r1["spans"]["strict"]["labels"]["PERSON"]["pairs"]["alice~bob"]["f1"] == 1


def test_a_hand_edited_merged_file_is_reported_and_recomputed(three, tmp_path, capsys) -> None:
    out = tmp_path / "m.jsonl"
    run(capsys, "merge", *map(str, three), "-o", str(out))
    lines = out.read_text().splitlines()
    d = json.loads(lines[0])
    d["items"][0]["agreed"] = not d["items"][0]["agreed"]
    out.write_text(json.dumps(d) + "\n" + lines[1] + "\n")
    code, stdout, _ = run(capsys, "agreement", str(out))
    assert code == 0 and "m.jsonl:1" in stdout and "recomputed from the versions" in stdout


def test_agreement_table_and_html(three, tmp_path, capsys) -> None:
    html = tmp_path / "r.html"
    code, stdout, _ = run(capsys, "agreement", *map(str, three), "--html", str(html))
    assert code == 0
    assert "strict F1" in stdout and "Documents to look at first" in stdout and "Fleiss" in stdout
    page = html.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "http" not in page.split("<body", 1)[0]


def test_polnear_multi_annotator_folder(tmp_path, capsys) -> None:
    folder = shared_path("data", "polnear", "multi-annotator")
    out = tmp_path / "merged.jsonl"
    code, stdout, _ = run(capsys, "merge", str(folder), "-o", str(out), "--imported", str(tmp_path / "ann"))
    assert code == 0 and "merged 4 article(s) from 6 annotators" in stdout
    code, j, _ = run(capsys, "agreement", str(out), "--json", "--tokens", "MENTION,CUE,QUOTE")
    r = json.loads(j)
    assert r["documents"] == 4 and len(r["annotators"]) == 6
    assert set(r["labels"]) == {"MENTION", "CUE", "QUOTE"}
    from workbench.io.brat.polnear import token_alpha_raw

    raw = token_alpha_raw(folder)
    # The mapped records and PolNeAR's raw roles give the same token-level alpha.
    for ours, theirs in [("MENTION", "Source"), ("CUE", "Cue"), ("QUOTE", "Content")]:
        assert r["coefficients"][f"tokens {ours}"]["alpha_nominal"] == pytest.approx(
            raw[theirs]["alpha_nominal"]
        )
    assert 0 < r["coefficients"]["tokens combined"]["alpha_nominal"] < 1


def test_adjudicate_refuses_what_is_not_a_merged_file(three, tmp_path, capsys) -> None:
    code, _, err = run(capsys, "adjudicate", str(three[0]), "--adjudicator", "lead")
    assert code == 2 and "is not a merged file" in err and "Traceback" not in err
    code, _, err = run(capsys, "adjudicate", str(tmp_path / "nope.jsonl"))
    assert code == 2 and "no such file" in err


def test_agreement_needs_two_files_and_merge_refuses_to_overwrite_an_input(three, capsys) -> None:
    code, _, err = run(capsys, "agreement", str(three[0]))
    assert code == 2 and "at least two annotator files" in err
    code, _, err = run(capsys, "merge", *map(str, three), "-o", str(three[0]))
    assert code == 2 and "is one of the inputs" in err


def test_worker_processes_give_exactly_the_serial_result(tmp_path, monkeypatch) -> None:
    import random

    from workbench.app import workers
    from workbench.app.agreement import agreement_over
    from workbench.app.inputs import open_inputs
    from workbench.app.merge import merge_files
    from workbench.core.agreement import agreement_for_schema
    from workbench.core.merge import Policy
    from workbench.core.schema import default_schema

    rng = random.Random(7)
    labels = ["PERSON", "ORG", "GPE", "QUOTE"]
    paths = []
    texts = [
        f"Article {i}: " + " ".join(rng.choice(["alpha", "beta", "gamma", "delta"]) for _ in range(40))
        for i in range(60)
    ]
    for ann in ("ann1", "ann2", "ann3"):
        recs = []
        for i, text in enumerate(texts):
            if ann == "ann3" and i % 11 == 0:
                continue  # articles only some annotators have
            spans = []
            for j in range(0, 200, 25):
                if rng.random() < 0.8:
                    s = text.find(" ", j) + 1
                    e = text.find(" ", s + 3)
                    spans.append((s, e, rng.choice(labels)))
            recs.append(
                record(
                    ann,
                    f"a{i}",
                    text,
                    sorted(set(spans)),
                    doc={"sentiment": rng.choice(["negative", "neutral"])},
                )
            )
        rng.shuffle(recs)
        p = tmp_path / f"{ann}.jsonl"
        write_jsonl(p, recs)
        paths.append(p)
    monkeypatch.setattr(workers, "CHUNK", 7)
    results = {}
    for jobs in (1, 2):
        files = open_inputs(paths, None)
        acc = agreement_for_schema([f.annotator for f in files], default_schema(), [])
        out = tmp_path / f"merged{jobs}.jsonl"
        summary = merge_files(files, out, Policy("majority"), default_schema(), agreement=acc, jobs=jobs)
        lines = [json.loads(x) for x in out.read_text().splitlines()]
        for d in lines:
            d["merge"].pop("merged")
        alone = agreement_over(paths, None, None, [], jobs=jobs)
        results[jobs] = (lines, summary, acc.report(), alone)
    (l1, s1, r1, a1), (l2, s2, r2, a2) = results[1], results[2]
    assert len(l1) == 60 and l1 == l2
    assert s1 == s2 and len(s1.partial) == 6
    assert r1 == r2 and a1 == a2 and r1.spans == a1.spans
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no part files left behind


def test_a_worker_that_meets_bad_input_leaves_no_output_and_no_part_files(
    three, tmp_path, monkeypatch, capsys
) -> None:
    from workbench.app import workers

    for i, p in enumerate(three):
        recs = [record(p.stem, f"x{j}", OTHER, [(23, 28, "GPE")]) for j in range(20)]
        if i == 2:
            recs[15]["schema"] = "news@2"  # in the third slice, merged by a worker
        write_jsonl(p, recs)
    monkeypatch.setattr(workers, "CHUNK", 5)
    out = tmp_path / "m.jsonl"
    code, _, err = run(capsys, "merge", *map(str, three), "-o", str(out), "--jobs", "2")
    assert code == 2 and "carol.jsonl:16" in err and "news@2" in err
    assert not out.exists() and not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_outputs_go_into_new_folders_and_a_folder_is_not_a_file_name(three, tmp_path, capsys) -> None:
    code, _, _ = run(capsys, "merge", *map(str, three), "-o", str(tmp_path / "new" / "m.jsonl"))
    assert code == 0 and (tmp_path / "new" / "m.jsonl").is_file()
    code, _, _ = run(capsys, "agreement", *map(str, three), "--html", str(tmp_path / "rep" / "r.html"))
    assert code == 0 and (tmp_path / "rep" / "r.html").is_file()
    code, _, err = run(capsys, "merge", *map(str, three), "-o", str(tmp_path))
    assert code == 2 and "is a folder" in err


def _big_inputs(tmp_path: Path, n: int = 3000) -> list[Path]:
    """Three annotators' files large enough that a two-worker merge takes a moment."""
    words = "the minister said talks with union leaders would resume after the strike ended".split()
    paths = []
    for ann in ("ann1", "ann2", "ann3"):
        recs = []
        for i in range(n):
            text = f"Story {i}. " + " ".join(words[(i + j) % len(words)] for j in range(300))
            spans = [(k, k + 5, "PERSON") for k in range(20, 1500, 80)]
            recs.append(record(ann, f"a{i}", text, spans))
        p = tmp_path / f"{ann}.jsonl"
        write_jsonl(p, recs)
        paths.append(p)
    return paths


def test_a_merge_stopped_by_sigterm_leaves_no_part_files_and_a_killed_ones_are_swept(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    paths = _big_inputs(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    # a folder left by a merge that was killed outright (its process is gone)
    gone = subprocess.Popen(["true"])
    gone.wait()
    from workbench.app.workers import parts_prefix

    stale = out_dir / f"{parts_prefix(out_dir / 'm.jsonl')}{gone.pid}-x"
    stale.mkdir()
    (stale / "0000000000").write_bytes(b"{}\n")
    elsewhere = out_dir / f".m.jsonl.parts-otherhost-{gone.pid}-x"  # another machine on a shared drive
    elsewhere.mkdir()
    cmd = [
        sys.executable,
        "-m",
        "workbench",
        "merge",
        *map(str, paths),
        "-o",
        str(out_dir / "m.jsonl"),
        "--jobs",
        "2",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            mine = [
                f
                for f in out_dir.glob(".m.jsonl.parts-*")
                if f not in (stale, elsewhere) and any(f.iterdir())
            ]
            if mine:
                assert mine[0].name.startswith(
                    f"{parts_prefix(out_dir / 'm.jsonl')}{proc.pid}-"
                )  # host and pid
                break
            time.sleep(0.005)
        else:
            pytest.skip("the merge ended before it could be stopped mid-way")
        assert not stale.exists()  # swept at the start of this run
        os.kill(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 128 + signal.SIGTERM and b"Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
    assert sorted(p.name for p in out_dir.iterdir()) == [
        elsewhere.name
    ]  # no output, temp file or part folder


def test_progress_is_reported_slice_by_slice_and_logged_off_a_terminal(three, tmp_path, monkeypatch) -> None:
    import io

    from workbench.app import workers
    from workbench.app.inputs import open_inputs
    from workbench.app.merge import merge_files
    from workbench.cli import progress
    from workbench.core.merge import Policy

    monkeypatch.setattr(workers, "CHUNK", 1)
    monkeypatch.setattr(progress, "LOG_EVERY_S", 0.0)
    log = io.StringIO()  # not a terminal: plain lines
    seen: list[int] = []

    class Recorded(progress.TerminalProgress):
        def step(self, n: int = 1, failed: bool = False) -> None:
            seen.append(n)
            super().step(n, failed)

    bar = Recorded("merging", "merge", None, log, transient=True)
    merge_files(open_inputs(three, None), tmp_path / "m.jsonl", Policy("majority"), progress=bar)
    bar.close()
    assert seen == [1, 1]
    assert log.getvalue().splitlines()[-1].startswith("merge: 2/2 articles")


def test_merge_runs_under_nohup_and_with_stderr_closed(tmp_path: Path) -> None:
    """An ignored SIGHUP stays ignored (nohup, a closed terminal); no stderr is no reason to fail."""
    import os
    import signal
    import subprocess
    import sys
    import time

    paths = _big_inputs(tmp_path)
    out = tmp_path / "m.jsonl"
    cmd = [sys.executable, "-m", "workbench", "merge", *map(str, paths), "-o", str(out), "--jobs", "2"]

    def nohup_and_no_stderr() -> None:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        os.close(2)

    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, preexec_fn=nohup_and_no_stderr)  # noqa: PLW1509
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if any(f.is_dir() for f in tmp_path.glob(".m.jsonl.parts-*")):
                os.kill(proc.pid, signal.SIGHUP)  # the terminal went away
                break
            time.sleep(0.005)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert out.is_file() and len(out.read_text().splitlines()) == 3000


def test_progress_that_cannot_be_written_stops_showing_and_the_work_goes_on(monkeypatch) -> None:
    from workbench.cli import progress

    class Gone:
        def isatty(self) -> bool:
            return False

        def write(self, _text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(progress, "LOG_EVERY_S", 0.0)
    for err in (Gone(), None):
        bar = progress.TerminalProgress("merging", "merge", 10, err)  # type: ignore[arg-type]
        bar.step(5)
        bar.step(5)
        bar.close()
        assert bar.quiet and bar.n == 10
