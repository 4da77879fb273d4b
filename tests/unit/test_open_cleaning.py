"""Raw articles opened in the window get the cleaning of ``import --clean``, and lose nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import shared_path
from workbench.app.opening import build_batch
from workbench.app.session import Session
from workbench.core.record import Span
from workbench.core.schema import default_schema
from workbench.io.articles import read_articles
from workbench.io.store import AnnotatorStore

PAGE = (
    "30 August, Friday, 2024\nNo menu items!\nHomeSourcesexpress.co.ukBelarus floats an axis\n\n"
    "Belarus floats an axis\n\nBelarus has suggested an axis with Russia, as Alexander Lukashenko said. "
    "The President spoke in Sochi on Friday.\n\nRELATED ARTICLES\nShare this article\n"
)


def _page(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir(parents=True)
    (folder / "belarus.txt").write_text(PAGE, encoding="utf-8")
    (folder / "prepared.json").write_text('{"text": "No menu items! kept as it is.", "title": "T"}')
    return folder


def test_raw_pages_are_cleaned_and_keep_their_original(tmp_path: Path) -> None:
    originals: dict = {}
    batch = build_batch([_page(tmp_path)], originals=originals)
    by_title = {it.title: it for it in batch.items}
    page = batch.load(by_title["Belarus floats an axis"].id)
    assert page.text.startswith("Belarus has suggested") and "No menu items" not in page.text
    assert page.meta["original_text"] == PAGE and page.meta["cleaning"]["removed"]
    assert originals[page.id].text == PAGE and originals[page.id].meta["cleaned_to"] == page.id
    assert batch.load(by_title["T"].id).text == "No menu items! kept as it is."  # JSON: prepared text
    raw = build_batch([_page(tmp_path / "b")], clean=False)
    assert any(batch_item.title.startswith("30 August") for batch_item in raw.items)


def test_the_original_opens_on_request_and_earlier_work_on_it_stays(tmp_path: Path) -> None:
    folder = _page(tmp_path)
    s = Session([folder], "ann", default_schema())
    cleaned_id = next(i for i in s.originals)
    original_id = s.cleaning_twin(cleaned_id)
    assert original_id is not None and s.batch.load(original_id).text == PAGE
    assert [it.id for it in s.batch.items].count(original_id) == 1 and cleaned_id not in s.batch._pos
    assert s.cleaning_twin(original_id) == cleaned_id
    assert original_id not in s.batch._pos and len(s.batch) == 2  # one version of each article
    # an annotator file from before cleaning on open: the version with work on it stays in the batch
    original = s.originals[cleaned_id]
    s.close()
    store = AnnotatorStore(tmp_path / "pages.ann.jsonl", "ann")
    original.spans["s1"] = Span("s1", 0, 4, "GPE")
    store.save(original)
    store.close()
    s = Session([folder], "ann", default_schema())
    ids = [it.id for it in s.batch.items]
    assert original_id in ids and cleaned_id not in ids
    assert len(ids) == 2
    s.close()


def test_the_seed_article_gets_its_headline_as_title(tmp_path: Path) -> None:
    seed = tmp_path / "seed.txt"
    shutil.copy(shared_path("seed", "000_bab8e4e99eda0806.txt"), seed)
    [item] = build_batch([seed]).items
    assert item.title == "Belarus floats terrifying axis with Russia and North Korea"
    [plain] = [r for r in read_articles([seed]) if not hasattr(r, "line")]
    assert plain.text.startswith("30 August")  # the reader itself is unchanged


def test_a_json_record_naming_a_txt_file_is_prepared_text(tmp_path: Path) -> None:
    """What is cleaned is decided by the file read, not by the ``meta.file`` a record carries."""
    rec = {"text": PAGE, "status": "todo", "meta": {"file": "pages/belarus.txt"}}
    (tmp_path / "records.json").write_text(json.dumps(rec), encoding="utf-8")
    [item] = build_batch([tmp_path / "records.json"]).items
    assert build_batch([tmp_path / "records.json"]).load(item.id).text == PAGE
