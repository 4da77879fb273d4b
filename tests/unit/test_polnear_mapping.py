"""One PolNeAR mapping: ``import --format polnear``, merge/agreement and eval read a folder alike."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import shared_path
from workbench.core.problems import Problem
from workbench.core.record import Record
from workbench.io.brat.polnear import read_polnear, records_by_annotator
from workbench.io.interop.registry import IMPORTERS
from workbench.nlp.evaluate import read_gold

TEXT = "Obama said: “We will win,” adding “and soon.” It rains."
ANN = (
    "T1\tSource 0 5\tObama\n"
    "T2\tContent 11 26;34 45\t“We will win,” “and soon.”\n"
    "T3\tCue 6 10\tsaid\n"
    "E1\tAttribution:T3 Source:T1 Content:T2 Cue:T3\n"
    "E2\tAttribution:T3 Source:T1\n"
)


def _folder(tmp_path: Path, annotators: dict[str, str]) -> Path:
    """A PolNeAR-shaped folder: text/<article>.txt and attributions/<article>_<annotator>.ann."""
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "story.txt").write_text(TEXT, "utf-8")
    for who, ann in annotators.items():
        (tmp_path / "attributions" / f"story_{who}.ann").write_text(ann, "utf-8")
    return tmp_path


def _split(items: list[Record | Problem]) -> tuple[list[Record], list[str]]:
    return [i for i in items if isinstance(i, Record)], [str(i) for i in items if isinstance(i, Problem)]


def test_polnear_is_a_format_by_name_and_maps_attributions(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"4b22": ANN})
    recs, problems = _split(list(IMPORTERS["polnear"](folder)))
    assert [r.annotator for r in recs] == ["4b22"]
    rec = recs[0]
    assert sorted(s.label for s in rec.spans.values()) == ["CUE", "MENTION", "QUOTE", "QUOTE"]
    assert sorted(r.label for r in rec.relations.values()) == ["CUE", "CUE", "SPEAKER", "SPEAKER"]
    assert rec.status == "done" and rec.schema == "news@1"
    # What the mapping skipped is reported with file and line, and stays in the record too.
    ann = tmp_path / "attributions" / "story_4b22.ann"
    assert problems == [f"{ann}:5: E2 has no Content; skipped"]
    assert rec.meta["brat_problems"] == problems


def test_brat_keeps_polnear_labels_as_they_are(tmp_path: Path) -> None:
    """``--format brat`` is the generic, lossless mapping even on a PolNeAR folder (docs/formats.md)."""
    folder = _folder(tmp_path, {"4b22": ANN})
    recs, _ = _split(list(IMPORTERS["brat"](folder)))
    assert sorted({s.label for s in recs[0].spans.values()}) == ["Content", "Cue", "Source"]


def test_every_version_for_merge_and_the_first_annotator_first_for_gold(tmp_path: Path) -> None:
    other = ANN.replace("T3\tCue 6 10\tsaid", "T3\tCue 6 11\tsaid:")
    folder = _folder(tmp_path, {"ef2d": other, "4b22": ANN})
    by_annotator = records_by_annotator(folder)
    assert list(by_annotator) == ["4b22", "ef2d"]
    imported, _ = _split(list(IMPORTERS["polnear"](folder)))
    # Files come in sorted order: import keeps the first record of an id, i.e. the first annotator.
    assert [r.annotator for r in imported] == ["4b22", "ef2d"]
    gold, _ = read_gold(folder)
    assert [r.to_dict() for r in gold] == [by_annotator["4b22"][0].to_dict()]


def test_shared_dev_import_equals_the_merge_path_and_the_eval_gold() -> None:
    dev = shared_path("data", "polnear", "dev")
    imported, problems = _split(list(IMPORTERS["polnear"](dev)))
    by_annotator = {
        (who, rec.id): rec.to_dict() for who, recs in records_by_annotator(dev).items() for rec in recs
    }
    assert len(imported) == 94 and len(by_annotator) == 94
    for rec in imported:
        assert rec.annotator is not None
        assert rec.to_dict() == by_annotator[(rec.annotator, rec.id)]
    # eval's gold is the first version of each article, the one `import` keeps.
    first: dict[str, dict] = {}
    for rec in imported:
        first.setdefault(rec.id, rec.to_dict())
    gold, gold_problems = read_gold(dev)
    assert len(gold) == 84 == len(first)
    assert [g.to_dict() for g in gold] == list(first.values())
    assert gold_problems == problems


def test_read_polnear_is_the_record_of_one_file(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"4b22": ANN})
    ann = folder / "attributions" / "story_4b22.ann"
    (rec,) = records_by_annotator(folder)["4b22"]
    assert read_polnear(ann).to_dict() == rec.to_dict()


def test_a_brat_folder_with_a_fifo_or_an_outside_link_is_refused_not_read(tmp_path: Path) -> None:
    """Merge and agreement walk a brat folder like every folder import: no hang on a FIFO."""
    import os

    import pytest

    from workbench.io.brat.polnear import records_by_annotator

    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a_4b22.txt").write_text("Ann said it.", "utf-8")
    (folder / "a_4b22.ann").write_text("T1\tSource 0 3\tAnn\n", "utf-8")
    os.mkfifo(folder / "b_4b22.ann")
    outside = tmp_path / "secret.ann"
    outside.write_text("T1\tSource 0 3\tAnn\n", "utf-8")
    (folder / "c_4b22.ann").symlink_to(outside)
    with pytest.raises(ValueError) as err:
        records_by_annotator(folder)
    assert "b_4b22.ann" in str(err.value) and "c_4b22.ann" in str(err.value)
