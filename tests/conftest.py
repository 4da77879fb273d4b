"""Shared fixtures: real data under ../shared (skipped when absent), temp settings."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if os.environ.get("PYTEST_XDIST_WORKER"):
    # The workers already keep every core busy: a second BLAS thread each (spaCy's matrix products)
    # only makes them wait on one another. Set before numpy is imported; inherited by subprocesses.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the user's real settings from a test."""
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    # A developer's own name or model must not change what the tests see.
    monkeypatch.delenv("WORKBENCH_ANNOTATOR", raising=False)
    monkeypatch.delenv("WORKBENCH_MODEL", raising=False)


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent: real-data tests need the project's shared folder")
    return SHARED


@pytest.fixture
def store_gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The annotator store's reading of its file waits for this event, as a slow disk would.

    For tests of a store indexed after it opened (decision 0024): they act while the index is
    provably not there, then set the event. Set again at the end, so no thread is left waiting.
    """
    from workbench.io import store_open

    event = threading.Event()
    skim = store_open.skim_records

    def gated(path: Any) -> Iterator[Any]:
        event.wait(60)  # a safety valve: the test sets it long before
        yield from skim(path)

    monkeypatch.setattr(store_open, "skim_records", gated)
    yield event
    event.set()


def index_fails(monkeypatch: pytest.MonkeyPatch, error: BaseException | None = None) -> None:
    """The store's next index of its file fails: with ``error`` at its first line (a disk error),
    or, with none, because another process empties the file between the index's skim and its
    reading of the statuses (``mmap`` refuses an empty file: a ValueError). Wraps what reads now
    (a ``store_gate`` still holds the reading back).
    """
    from workbench.io import store_open

    skim = store_open.skim_records

    def failing(path: Any) -> Iterator[Any]:
        for item in skim(path):
            if error is not None:
                raise error
            yield item
        Path(path).write_bytes(b"")

    monkeypatch.setattr(store_open, "skim_records", failing)


def news_without_guidelines() -> dict[str, Any]:
    """The shipped news schema's JSON with every guideline taken out: a schema that has none."""
    import json

    from workbench.core.paths import schemas_dir

    raw: dict[str, Any] = json.loads((schemas_dir() / "news.json").read_text("utf-8"))
    raw.pop("guidelines", None)
    for key in ("span_labels", "relation_types", "document_fields"):
        for item in raw.get(key, []):
            item.pop("guideline", None)
    for vs in raw.get("attributes", {}).values():
        vs.pop("guideline", None)
    return raw


def news_without_label(label: str) -> dict[str, Any]:
    """The shipped news schema's JSON with one span label removed everywhere it is referenced
    (relation ends, model labels) but left in guideline examples, as a lead removing it would."""
    import json

    from workbench.core.paths import schemas_dir

    raw: dict[str, Any] = json.loads((schemas_dir() / "news.json").read_text("utf-8"))
    raw["span_labels"] = [lab for lab in raw["span_labels"] if lab["name"] != label]
    for rel in raw["relation_types"]:
        rel["head"] = [x for x in rel["head"] if x != label]
        rel["child"] = [x for x in rel["child"] if x != label]
    raw["model_labels"] = {k: v for k, v in raw["model_labels"].items() if v != label}
    return raw


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test when it is missing."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} is absent (real data lives in ../shared)")
    return p


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Empty the clipboard before Qt tears down: the offscreen platform crashes at exit otherwise."""
    import sys

    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        QApplication.clipboard().clear()
        app.processEvents()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """How many processes ``-n auto`` (pyproject's addopts) starts: decision 0028.

    The whole suite, or folders of it, run on every core (pytest-xdist's own count). Chosen files or
    tests run in this one process: starting workers would cost more than they save. One core: the
    same, with no worker at all. ``PYTEST_XDIST_AUTO_NUM_WORKERS`` or an explicit ``-n N`` still rule.
    """
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    chosen = config.args if config.args_source == pytest.Config.ArgsSource.ARGS else []
    if any("::" in arg or Path(arg).is_file() for arg in chosen) or (os.cpu_count() or 1) < 2:
        return 0
    return None


# Test files that import pygamma-agreement (numba compiles it at import: 15-20 s, once a process):
# one worker runs them all, so the import is paid once, as in a run in one process.
SAME_WORKER = {"tests/cli/test_lead_reports.py": "gamma", "tests/unit/test_gamma.py": "gamma"}


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadfile`` (pyproject's addopts) with the files of ``SAME_WORKER`` as one unit."""
    if config.getoption("dist") != "loadfile":
        return None  # another --dist given: xdist's own scheduler
    from xdist.scheduler import LoadFileScheduling

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            file = super()._split_scope(nodeid)
            return SAME_WORKER.get(file, file)

    return Scheduling(config, log)
