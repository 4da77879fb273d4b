"""One line, one id, one verdict in every reader (decision 0029), on hostile lines.

The readers: the article readers (``add``, ``import``, ``preannotate``), the one JSONL walk (the
corpus index, ``stats``, ``validate``, the window's batch), the skim with its readers (merge's
annotator files, the annotator store), and ``Record.from_dict``.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.app.batch import Batch, index_jsonl
from workbench.core.problems import Problem
from workbench.core.record import Record, RecordError, article_id
from workbench.io.annotator_files import index_file, iter_bundles
from workbench.io.articles import read_file
from workbench.io.corpus import index_corpus
from workbench.io.jsonl import REPEATED_KEY_MESSAGE, LineError, dumps, iter_records, read_jsonl, skim_records
from workbench.io.store import AnnotatorStore

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
# record keys or none, and ids of any kind: what other people's files hold
OBJECTS = st.fixed_dictionaries(
    {"text": st.text(min_size=1, max_size=40).filter(str.strip)},
    optional={"id": JSON, "status": st.sampled_from(["todo", "done"]), "spans": st.just([]), "title": JSON},
)


def _record(rid: str, text: str, rev: int) -> dict[str, Any]:
    return Record(id=rid, text=text, status="done", annotator="alice", schema="news@1", rev=rev).to_dict()


def _readers(path: Path) -> dict[str, list[str | tuple[int, str]]]:
    """What each reader makes of every line: its id, or (line, message) when it refuses it."""

    def walk(items: Any) -> list[str | tuple[int, str]]:
        return [(i.line, i.message) if isinstance(i, Problem) else i[3] for i in items]

    articles: list[str | tuple[int, str]] = []
    for item in read_file(path):
        articles.append((item.line or 0, item.message) if isinstance(item, Problem) else item.id)
    batch = Batch()
    index_jsonl(batch, path)
    window: list[str | tuple[int, str]] = [it.id for it in batch.items]
    window += [(e.line or 0, e.message) for e in batch.errors]
    walked = walk(iter_records(path))
    return {"articles": articles, "walk": walked, "window": window}


@settings(max_examples=150, deadline=None)
@given(st.lists(OBJECTS, min_size=1, max_size=4))
def test_every_reader_names_a_line_alike(objects: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.jsonl"
        path.write_text("".join(json.dumps(o) + "\n" for o in objects), "utf-8")
        walked = list(iter_records(path))
        from_article_reader = list(read_file(path))
        for obj, walk_item, article in zip(objects, walked, from_article_reader, strict=True):
            try:
                expected: str | None = Record.from_dict(obj).id
            except RecordError:
                expected = None  # a record whose id is no string: refused by all
            assert (walk_item[3] if not isinstance(walk_item, LineError) else None) == expected
            assert (article.id if isinstance(article, Record) else None) == expected
            if expected is not None and "status" not in obj and "spans" not in obj:
                assert expected == article_id(obj["text"])  # a bare article: named by its text
                if obj.get("id") not in (None, ""):
                    assert article.meta["source_id"] == obj["id"]  # type: ignore[union-attr]
        skimmed = [i[3] for i in skim_records(path) if not isinstance(i, LineError)]
        assert skimmed == [i[3] for i in walked if not isinstance(i, LineError)]


def test_a_repeated_id_is_refused_by_file_and_line_in_every_reader(tmp_path: Path) -> None:
    """``{"id":"a",...,"id":"b"}``: an index reading its head says "a", a parser "b"; all refuse it."""
    f = tmp_path / "corpus.alice.jsonl"
    good = dumps(_record("a", "Alice Smith said the talks will go on.", 1))
    twice = dumps(_record("a", "Alice Smith said the talks have ended.", 2))[:-1] + ',"id":"b"}'
    other = dumps(_record("c", "Carol White visited Paris.", 1))
    f.write_text(f"{good}\n{twice}\n{other}\n", "utf-8")
    said = f"{f}:2: {REPEATED_KEY_MESSAGE}"

    assert [str(e) for e in index_corpus(f).errors] == [said]  # stats, export, project status
    assert [str(i) for i in read_jsonl(f) if isinstance(i, LineError)] == [said]  # validate, eval, import
    readers = _readers(f)
    assert readers["walk"] == readers["articles"] == ["a", (2, REPEATED_KEY_MESSAGE), "c"]
    assert readers["window"] == ["a", "c", (2, REPEATED_KEY_MESSAGE)]

    # merge: the skim indexed line 2 under its head; reading it, merge leaves it out in the same words
    problems: list[str] = []
    bundles = {b.id: b for b in iter_bundles([index_file(f)], problems)}
    assert problems == [f"{said}; left out"] and not bundles["a"].versions
    # the store: the skimmed line proves bad, the file is walked, the earlier version of "a" stands
    before = f.read_bytes()
    with AnnotatorStore(f, "alice", readonly=True) as store:
        assert store.get("a").text == "Alice Smith said the talks will go on."  # type: ignore[union-attr]
        assert [str(e) for e in store.report.errors] == [said] and "b" not in store
    assert f.read_bytes() == before  # read-only: nothing changed
    with AnnotatorStore(f, "alice") as store:  # writing: the line is set aside, never dropped
        assert store.get("a").rev == 1  # type: ignore[union-attr]
        side = store.report.set_aside
    assert side is not None and twice.encode() in side.read_bytes() and said in side.read_text("utf-8")


def test_an_id_repeated_with_the_same_value_or_after_another_first_key_reads_alike_everywhere(
    tmp_path: Path,
) -> None:
    """No reader can disagree on these: they are read, not refused."""
    f = tmp_path / "c.jsonl"
    same = '{"id":"a","text":"One.","status":"todo","id":"a"}'
    later = '{"text":"Two.","id":"x","status":"todo","id":"y"}'
    f.write_text(f"{same}\n{later}\n", "utf-8")
    readers = _readers(f)
    assert readers["walk"] == readers["window"] == readers["articles"] == ["a", "y"]
    batch = Batch()
    index_jsonl(batch, f)
    assert batch.load("y").meta == {}  # a record: "y" is its id, nothing is moved to meta


def test_a_file_of_bare_articles_is_never_skimmed_by_the_ids_it_carries(tmp_path: Path) -> None:
    f = tmp_path / "export.jsonl"
    texts = ["First story.", "Second story.", "Third story."]
    f.write_text("".join(json.dumps({"id": f"n{i}", "text": t}) + "\n" for i, t in enumerate(texts)), "utf-8")
    ids = [article_id(t) for t in texts]
    assert [i[3] for i in skim_records(f)] == ids
    assert list(index_file(f).offsets) == ids
    with AnnotatorStore(f, "alice", readonly=True) as store:
        assert store.ids() == ids and store.get(ids[1]).meta["source_id"] == "n1"  # type: ignore[union-attr]


def test_a_bare_article_among_records_is_named_where_a_skimmed_reader_meets_it(tmp_path: Path) -> None:
    f = tmp_path / "alice.jsonl"
    bare = json.dumps({"id": "n9", "text": "A story pasted in by hand."})
    f.write_text(f"{dumps(_record('a', 'Alice.', 1))}\n{bare}\n", "utf-8")
    problems: list[str] = []
    list(iter_bundles([index_file(f)], problems))
    rid = article_id("A story pasted in by hand.")
    among = f"an article without annotations among records: its id is {rid}, not the 'n9' it gives"
    assert problems == [f"{f}:2: {among}; left out"]
    with AnnotatorStore(f, "alice", readonly=True) as store:
        # the store's skim lists it by its head; read, the line proves no "n9": the file is walked
        assert store.get("n9") is None and "n9" not in store
        assert store.get(rid).meta["source_id"] == "n9"  # type: ignore[union-attr]
