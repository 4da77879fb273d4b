"""A headless self-test of a whole installation: window, model, store, on the demo corpus.

Why: a bundled app can lose a Qt plugin, a data file or the model's package metadata without any
unit test noticing, and an annotator's "it does not start" is a poor bug report. This drives the
real code paths a user does — open the demo corpus in the real window (offscreen), pre-annotate
the first article through the window's own background worker and the real spaCy model, let the
session write the record to an annotator file, close, and read the file back — and names the
step that failed. ``packaging/build.sh`` runs it on every build; ``workbench selftest`` runs it
anywhere. Nothing outside a temporary folder is touched: the demo corpus is copied there, and
settings go to a temporary config folder.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ANNOTATOR = "selftest"
PREANNOTATE_TIMEOUT_S = 300.0


class SelftestFailed(RuntimeError):
    """A step failed; the message says which and why."""


@dataclass
class Report:
    steps: list[tuple[str, str]] = field(default_factory=list)
    folder: Path | None = None

    def ok(self, step: str, detail: str, out: Callable[[str], None]) -> None:
        self.steps.append((step, detail))
        out(f"  ok  {step}: {detail}")


def _check(cond: bool, step: str, why: str) -> None:
    if not cond:
        raise SelftestFailed(f"{step}: {why}")


def _wait(app: Any, until: Callable[[], bool], timeout_s: float) -> bool:
    """Run the Qt event loop until ``until()`` holds (the worker reports through queued signals)."""
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + timeout_s
    while not until():
        if time.monotonic() > deadline:
            return False
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    return True


def _quiet_offscreen_warnings() -> None:
    """The offscreen platform warns about window hints it cannot honour; that is not a finding."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_mode: Any, _context: Any, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def run_selftest(
    *,
    model: str | None = None,
    require_trained: bool = True,
    keep: bool = False,
    out: Callable[[str], None] = print,
) -> Report:
    """Run every step; raise :class:`SelftestFailed` naming the first that fails."""
    report = Report()
    _desktop_step(dict(os.environ), report, out)  # before Qt: the environment the window would meet
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # headless even on a desktop session
    folder = Path(tempfile.mkdtemp(prefix="workbench-selftest-"))
    report.folder = folder
    saved_env = {
        k: os.environ.get(k) for k in ("WORKBENCH_CONFIG_DIR", "WORKBENCH_ANNOTATOR", "WORKBENCH_MODEL")
    }
    os.environ["WORKBENCH_CONFIG_DIR"] = str(folder / "config")
    os.environ["WORKBENCH_ANNOTATOR"] = ANNOTATOR
    if model:  # the environment comes before the window's setting: the model tested is the one named
        os.environ["WORKBENCH_MODEL"] = model
    try:
        _steps(folder, report, model, require_trained, out)
    finally:
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    return report


def _desktop_step(env: dict[str, str], report: Report, out: Callable[[str], None]) -> None:
    """The start-up check of ``workbench gui``: can the desktop plugin load, is there a display?

    Missing libraries fail the step (this installation cannot show its window on this system);
    having no display does not (the self-test itself runs offscreen, as on a build server).
    """
    from workbench.ui import preflight

    step = "desktop start-up"
    if sys.platform != "linux":
        report.ok(step, f"nothing to check ahead of Qt on {sys.platform}", out)
        return
    desktop = [p for p in preflight.platforms(env) if p not in preflight.NEEDS_NO_DISPLAY] or ["xcb"]
    if "xcb" not in desktop:
        desktop.append("xcb")  # the plugin every X desktop (and Xwayland) uses
    for platform in desktop:
        if platform == "wayland" and not env.get("WAYLAND_DISPLAY"):
            continue
        finding = preflight.library_check(platform, env)
        _check(finding is None, step, finding.message if finding else "")
    where = {k: env[k] for k in ("DISPLAY", "WAYLAND_DISPLAY") if env.get(k)}
    finding = preflight.check({**env, "QT_QPA_PLATFORM": ";".join(desktop)}) if where else None
    if not where:
        display = "no display here (the window needs one; this test runs offscreen)"
    elif finding is None:
        display = "display " + ", ".join(f"{k}={v}" for k, v in where.items()) + " reachable"
    else:
        display = finding.message.splitlines()[0]
    report.ok(step, f"{', '.join(desktop)} platform plugin libraries load; {display}", out)


def _steps(
    folder: Path, report: Report, model: str | None, require_trained: bool, out: Callable[[str], None]
) -> None:
    from workbench.core.paths import corpora_dir, schemas_dir
    from workbench.core.schema import load_schema
    from workbench.io.jsonl import read_jsonl

    # 1. the shipped data ------------------------------------------------------------------
    step = "demo corpus"
    demo = corpora_dir() / "demo.jsonl"
    _check(demo.is_file(), step, f"{demo} is missing (corpora_dir() = {corpora_dir()})")
    corpus = folder / "demo.jsonl"
    shutil.copyfile(demo, corpus)
    rows = [r for r in read_jsonl(corpus) if isinstance(r, tuple)]
    _check(len(rows) > 0, step, f"{demo} has no readable record")
    report.ok(step, f"{len(rows)} articles in {demo}", out)

    step = "schema"
    schema = load_schema(None)
    _check(bool(schema.labels), step, f"the default schema in {schemas_dir()} has no labels")
    report.ok(
        step, f"{schema.ref}, {len(schema.labels)} span labels, {len(schema.relations)} relation types", out
    )

    # 2. the model named on the command line loads (the window would fall back to another) ---
    if model:
        from workbench.nlp.models import ModelNotFound, select_model

        try:
            select_model(flag=model)
        except ModelNotFound as e:
            raise SelftestFailed(f"model: {e}") from None

    # 3. the real window, offscreen ----------------------------------------------------------
    step = "window"
    from workbench.io.settings import load_settings
    from workbench.ui.app import application
    from workbench.ui.main_window import MainWindow

    app = application()
    _quiet_offscreen_warnings()
    settings = load_settings()
    if model:
        settings.model = model
    settings.preannotate_on_open = False  # the check below starts pre-annotation itself (Ctrl+P)
    _check(
        settings.effective_annotator == ANNOTATOR,
        step,
        "the annotator name was not taken from the environment",
    )
    win = MainWindow(schema, settings, ANNOTATOR)
    errors: list[str] = []
    win.error = lambda title, text: errors.append(f"{title}: {text}")  # type: ignore[method-assign]
    try:
        opened = win.open_paths([corpus])
        _check(opened and not errors, step, "; ".join(errors) or "the demo corpus did not open")
        win.show()
        app.processEvents()
        s = win.session
        _check(s is not None and s.document is not None, step, "no document is open after opening the corpus")
        assert s is not None and s.document is not None
        rec = s.document.record
        _check(win.view.toPlainText() == rec.text, step, "the article view does not show the article's text")
        _check(
            len(s.batch) == len(rows), step, f"the document list has {len(s.batch)} of {len(rows)} articles"
        )
        report.ok(
            step,
            f"{app.platformName()} platform, {len(s.batch)} documents, "
            f"showing “{rec.meta.get('title', rec.id)}”",
            out,
        )

        # 4. pre-annotation through the window's worker and the real model -----------------
        step = "pre-annotation"
        result: dict[str, Any] = {}
        w = win.preannotator.worker
        w.finished.connect(lambda res, cancelled: result.update(res=res, cancelled=cancelled))
        w.failed.connect(lambda msg: result.update(failed=msg))
        before = len(rec.spans)
        t0 = time.monotonic()
        win.run_action("preannotate")
        _check(w.busy or bool(result), step, "the window did not start pre-annotation (read-only?)")
        done = _wait(app, lambda: bool(result), PREANNOTATE_TIMEOUT_S)
        _check(done, step, f"no result after {PREANNOTATE_TIMEOUT_S:.0f} s")
        _check("failed" not in result, step, str(result.get("failed")))
        res = result["res"]
        _check(not res["errors"], step, "; ".join(res["errors"]))
        app.processEvents()
        rec = s.document.record
        origins = [sp.origin or "" for sp in rec.spans.values()]
        by_model = [o for o in origins if o.startswith("model:")]
        by_rule = [o for o in origins if o.startswith("rule:")]
        if require_trained:
            _check(bool(res["trained"]), step, f"no trained model: {res['model']}")
            _check(bool(by_model), step, f"{res['model']} found no entity in “{rec.meta.get('title')}”")
        _check(len(rec.spans) > before, step, "nothing was added to the open document")
        quotes = sum(1 for sp in rec.spans.values() if sp.label == "QUOTE")
        report.ok(
            step,
            f"{res['model']}: {len(by_model)} entities, {quotes} quotes ({len(by_rule)} spans by rules), "
            f"{len(rec.relations)} relations in {time.monotonic() - t0:.1f} s",
            out,
        )
        # one person's decision too, so the file holds a reviewed span, not only model output
        win.controller.set_current(rec.sorted_spans()[0].id)
        win.run_action("accept")
        app.processEvents()
        step = "annotator file"
        _check(s.saved, step, f"the session could not save to {s.store_path}: {s.store.last_error}")
        store_path = Path(s.store_path)
        record_id, spans, rev = rec.id, len(rec.spans), rec.rev
    finally:
        win.close()
        app.processEvents()

    # 5. the file on disk, read back as a lead's tools would -------------------------------
    from workbench.io.store import AnnotatorStore

    _check(store_path.is_file(), step, f"{store_path} was not written")
    back = AnnotatorStore(store_path, readonly=True)
    try:
        _check(back.report.ok, step, f"{store_path}: {back.report.summary()}")
        saved = back.get(record_id)
        _check(saved is not None, step, f"{store_path} has no record {record_id}")
        assert saved is not None
        _check(
            len(saved.spans) == spans,
            step,
            f"{store_path} holds {len(saved.spans)} spans, the window had {spans}",
        )
        _check(
            saved.annotator == ANNOTATOR,
            step,
            f"the record is stamped {saved.annotator!r}, not {ANNOTATOR!r}",
        )
        reviewed = [sp for sp in saved.spans.values() if sp.origin and sp.review and sp.review != "pending"]
        _check(bool(reviewed), step, "the accepted pre-annotation was not saved as reviewed")
    finally:
        back.close()
    report.ok(step, f"{store_path.name}: record {record_id} rev {rev}, {spans} spans, read back intact", out)


def main(model: str | None = None, keep: bool = False, require_trained: bool = True) -> int:
    """Entry for ``workbench selftest``: 0 when every step passed, 1 with the failing step named."""
    from workbench import __version__

    print(f"workbench {__version__} self-test (Python {sys.version.split()[0]}, {sys.executable})")
    try:
        report = run_selftest(model=model, keep=keep, require_trained=require_trained)
    except SelftestFailed as e:
        print(f"FAILED {e}", file=sys.stderr)
        return 1
    if keep:
        print(f"files kept in {report.folder}")
    print("selftest passed")
    return 0
