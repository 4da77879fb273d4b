"""The lead's project commands end to end: init, add, assign, status."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.cli.main import main


def _articles(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        body = " ".join(
            f"Paragraph {i} sentence {k} about the council vote number {i * 100 + k}." for k in range(12)
        )
        (folder / f"story{i:02d}.txt").write_text(f"Headline {i}\n\n{body}\n", encoding="utf-8")
    return folder


def test_init_add_assign_status(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    root = tmp_path / "proj"
    arts = _articles(tmp_path / "in", 12)
    (arts / "broken.json").write_text("{not json", encoding="utf-8")
    assert main(["init", str(root)]) == 0
    assert main(["add", str(root), str(arts)]) == 0
    err = capsys.readouterr().err
    assert "added 12 article(s)" in err
    assert "broken.json" in err  # the bad file is listed, the good ones still added
    assert main(["add", str(root), str(arts / "story03.txt")]) == 0
    assert "duplicate, not added" in capsys.readouterr().err
    corpus = [json.loads(x) for x in (root / "corpus.jsonl").read_text().splitlines()]
    assert all(not Path(r["meta"]["file"]).is_absolute() for r in corpus)
    assert main(["assign", str(root), "--annotators", "alice,bob", "--size", "4", "--overlap", "0.5"]) == 0
    capsys.readouterr()
    assert main(["status", str(root), "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["corpus"] == 12
    assert {a["name"]: a["assigned"] for a in st["annotators"]} == {"alice": 4, "bob": 4}
    ledger = json.loads((root / "assignments.json").read_text())
    assert st["unassigned"] == 12 - len(ledger["articles"])
    assert sum(1 for owners in ledger["articles"].values() if len(owners) == 2) == 3


def test_commands_on_a_missing_project_fail_cleanly(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    assert main(["status", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert "not a project folder" in err and "Traceback" not in err


def test_assign_can_preannotate_each_batch(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    root = tmp_path / "proj"
    arts = tmp_path / "in"
    arts.mkdir()
    (arts / "a.txt").write_text(
        'Mayor Ellen Okafor said the harbour in Halden will reopen. "We will not wait," she said.\n', "utf-8"
    )
    (arts / "b.txt").write_text("Officials in Berlin met Siemens executives on Monday.\n", "utf-8")
    assert main(["init", str(root)]) == 0
    assert main(["add", str(root), str(arts)]) == 0
    assert main(["assign", str(root), "--annotators", "alice", "--size", "2", "--preannotate"]) == 0
    batch = [json.loads(x) for x in (root / "batches" / "alice.jsonl").read_text().splitlines()]
    assert len(batch) == 2
    labels = {s["label"] for r in batch for s in r["spans"]}
    assert {"PERSON", "QUOTE", "GPE"} <= labels
    assert all(s.get("review") == "pending" and s.get("origin") for r in batch for s in r["spans"])
    assert all(r["annotator"] == "alice" for r in batch)
