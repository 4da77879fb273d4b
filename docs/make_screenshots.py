"""Render the real windows offscreen from the demo corpus into docs/screenshots/*.png.

Why a script: screenshots taken by hand go stale the day the window changes. This one drives the
real MainWindow and AdjudicationWindow on the shipped demo corpus (pre-annotated by the real
model through the window's own worker, reviewed with the window's own key actions), so
re-running it after a UI change refreshes every picture in the guide. It also regenerates the
keyboard reference (docs/guide/keys.md). Nothing outside a temporary folder is written except
the PNGs and keys.md; the user's settings are never touched.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(DOCS))

SIZE = (1400, 860)


def _wait(app: Any, until: Callable[[], bool], timeout_s: float = 300) -> None:
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + timeout_s
    while not until():
        if time.monotonic() > deadline:
            raise SystemExit("make_screenshots: the window did not finish in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def _settle(app: Any, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()
        time.sleep(0.02)


def _save(widget: Any, path: Path, crop: tuple[int, int, int, int] | None = None) -> Path:
    pix = widget.grab()
    if crop is not None:
        pix = pix.copy(*crop)
    if not pix.save(str(path), "PNG"):
        raise SystemExit(f"make_screenshots: could not write {path}")
    print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}  {pix.width()}x{pix.height()}")
    return path


def light_palette() -> Any:
    from PySide6.QtWidgets import QStyleFactory

    return QStyleFactory.create("Fusion").standardPalette()


def dark_palette() -> Any:
    from PySide6.QtGui import QColor, QPalette

    p = QPalette()
    roles = QPalette.ColorRole
    for role, colour in (
        (roles.Window, "#2b2d30"),
        (roles.WindowText, "#dfe1e5"),
        (roles.Base, "#1e1f22"),
        (roles.AlternateBase, "#2b2d30"),
        (roles.Text, "#dfe1e5"),
        (roles.Button, "#3c3f41"),
        (roles.ButtonText, "#dfe1e5"),
        (roles.Highlight, "#2f65ca"),
        (roles.HighlightedText, "#ffffff"),
        (roles.ToolTipBase, "#3c3f41"),
        (roles.ToolTipText, "#dfe1e5"),
        (roles.PlaceholderText, "#8c8f94"),
        (roles.Mid, "#4e5157"),
        (roles.Dark, "#1a1b1e"),
        (roles.Light, "#4e5157"),
    ):
        p.setColor(role, QColor(colour))
    p.setColor(QPalette.ColorGroup.Disabled, roles.WindowText, QColor("#8c8f94"))
    p.setColor(QPalette.ColorGroup.Disabled, roles.Text, QColor("#8c8f94"))
    return p


def first_with_speaker(rec: Any) -> str | None:
    """The first quote that has a SPEAKER, so its relations are drawn in the picture."""
    for span in rec.sorted_spans():
        if span.label == "QUOTE" and any(
            r.label == "SPEAKER" and r.head == span.id for r in rec.relations.values()
        ):
            return span.id
    return None


def main_window_shots(app: Any, work: Path, out: Path) -> list[Path]:
    from workbench.core.paths import corpora_dir
    from workbench.core.schema import load_schema
    from workbench.io.settings import load_settings
    from workbench.ui.main_window import MainWindow

    corpus = work / "demo.jsonl"
    shutil.copyfile(corpora_dir() / "demo.jsonl", corpus)
    settings = load_settings()
    settings.preannotate_on_open = False  # the whole batch is pre-annotated below, in one pass
    win = MainWindow(load_schema(None), settings, "alice")
    win.resize(*SIZE)
    if not win.open_paths([corpus]):
        raise SystemExit("make_screenshots: the demo corpus did not open")
    win.show()
    _settle(app)
    s = win.session
    assert s is not None
    ids = [it.id for it in s.batch.items]

    # The whole batch pre-annotated in the background, as an annotator would with Ctrl+Shift+P.
    finished: list[Any] = []
    win.preannotator.worker.finished.connect(lambda res, cancelled: finished.append(res))
    win.run_action("preannotate_all")
    _wait(app, lambda: bool(finished))
    _settle(app)

    # A realistic moment: two articles done, the first one half reviewed.
    for rid in ids[3:5]:
        win.open_document(rid)
        win.controller.accept_all()
        win.run_action("done_next")
        _settle(app)
    win.open_document(ids[0])
    _settle(app)
    rec = s.document.record
    win.controller.set_current(rec.sorted_spans()[0].id)
    for _ in range(8):
        win.run_action("accept")
    quote = first_with_speaker(s.document.record)
    if quote is not None:
        win.controller.set_current(quote)
    _settle(app)
    shots = [_save(win, out / "main-window.png")]

    # The quote with its speaker and cue, closer up: the article pane only.
    centre = win.centralWidget()
    shots.append(_save(centre, out / "quote-speaker.png", (0, 0, centre.width(), min(centre.height(), 520))))

    win.run_action("help")
    _settle(app)
    shots.append(_save(win, out / "keyboard-help.png"))
    win.run_action("help")

    app.setPalette(dark_palette())
    _settle(app)
    shots.append(_save(win, out / "main-window-dark.png"))
    app.setPalette(light_palette())
    _settle(app)
    win.close()
    _settle(app)
    return shots


SEED = REPO / ".." / "shared" / "seed" / "000_bab8e4e99eda0806.txt"


def seed_shots(app: Any, work: Path, out: Path) -> list[Path]:
    """The seed article (a raw scraped page) cleaned on open and pre-annotated, a quote current,
    at a laptop's 1366x768, light and dark: the "after" of docs/screenshots/seed-before.png."""
    from workbench.core.schema import load_schema
    from workbench.io.settings import load_settings
    from workbench.ui.main_window import MainWindow

    if not SEED.is_file():
        print(f"skipped the seed pictures: {SEED} is not here")
        return []
    page = work / "seed" / SEED.name
    page.parent.mkdir()
    shutil.copyfile(SEED, page)
    settings = load_settings()
    settings.preannotate_on_open = False
    win = MainWindow(load_schema(None), settings, "alice")
    win.resize(1366, 768)
    if not win.open_paths([page]):
        raise SystemExit("make_screenshots: the seed article did not open")
    win.show()
    finished: list[Any] = []
    win.preannotator.worker.finished.connect(lambda res, cancelled: finished.append(res))
    win.run_action("preannotate")
    _wait(app, lambda: bool(finished))
    _settle(app)
    rec = win.session.document.record
    quotes = [
        s.id
        for s in rec.sorted_spans()
        if s.label == "QUOTE" and any(r.head == s.id and r.label == "SPEAKER" for r in rec.relations.values())
    ]
    if quotes:
        win.controller.set_current(quotes[len(quotes) // 2])
    _settle(app)
    shots = [_save(win, out / "seed-after.png")]
    app.setPalette(dark_palette())
    _settle(app)
    shots.append(_save(win, out / "seed-after-dark.png"))
    app.setPalette(light_palette())
    win.run_action("focus_mode")
    _settle(app)
    shots.append(_save(win, out / "seed-focus.png"))
    win.close()
    _settle(app)
    return shots


def welcome_shot(app: Any, work: Path, out: Path) -> list[Path]:
    """What a new user sees first: the demo corpus with the welcome above the article."""
    from workbench.core.schema import load_schema
    from workbench.io.settings import Settings
    from workbench.ui import welcome
    from workbench.ui.main_window import MainWindow

    os.environ[welcome.DATA_ENV] = str(work / "data")
    settings = Settings()
    win = MainWindow(load_schema(None), settings, "alice")
    win.resize(*SIZE)
    if not win.open_paths([welcome.demo_workspace()]):
        raise SystemExit("make_screenshots: the demo corpus did not open")
    welcome.install(win, settings, first_run=True, on_demo=True)
    win.show()
    if win.preannotator.worker.busy:  # the first article pre-annotates itself as it opens
        finished: list[Any] = []
        win.preannotator.worker.finished.connect(lambda res, cancelled: finished.append(res))
        _wait(app, lambda: bool(finished))
    _settle(app)
    shot = _save(win, out / "welcome.png")
    win.close()
    _settle(app)
    return [shot]


def adjudication_shot(app: Any, work: Path, out: Path) -> list[Path]:
    from workbench.cli.main import main as cli
    from workbench.core.schema import load_schema
    from workbench.ui.adjudication import open_adjudication

    annotated = REPO / "corpora" / "annotated"
    merged = work / "demo.merged.jsonl"
    code = cli(
        ["merge", str(annotated / "demo.alice.jsonl"), str(annotated / "demo.bob.jsonl"), "-o", str(merged)]
    )
    if code != 0:
        raise SystemExit(f"make_screenshots: workbench merge exited {code}")
    win, problems = open_adjudication(merged, work / "demo.gold.jsonl", "lead", load_schema(None))
    win.resize(*SIZE)
    win.show()
    _settle(app)
    win.step(+1)
    _settle(app)
    shot = _save(win, out / "adjudication.png")
    win.close()
    _settle(app)
    return [shot]


def html_to_image(html: str, width: int = 1100) -> Any:
    """A self-contained HTML report drawn by QTextDocument, its inline SVG charts by QSvgRenderer.

    No browser engine ships with the app (PySide6-Essentials has no WebEngine), and the report
    is plain HTML plus SVG: each ``<svg>`` becomes an image resource of the document.
    """
    import re

    from PySide6.QtCore import QByteArray, QRectF, QUrl
    from PySide6.QtGui import QColor, QImage, QPainter, QTextDocument
    from PySide6.QtSvg import QSvgRenderer

    doc = QTextDocument()
    doc.setDocumentMargin(24)
    images: list[tuple[str, Any]] = []

    def to_img(m: re.Match[str]) -> str:
        svg = m.group(0)
        renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
        size = renderer.defaultSize()
        img = QImage(size.width() * 2, size.height() * 2, QImage.Format.Format_ARGB32)
        img.fill(QColor("white"))
        p = QPainter(img)
        renderer.render(p, QRectF(0, 0, img.width(), img.height()))
        p.end()
        name = f"svg{len(images)}"
        images.append((name, img))
        return f'<p><img src="{name}" width="{size.width()}" height="{size.height()}"></p>'

    body = re.sub(r"<svg\b.*?</svg>", to_img, html, flags=re.S)
    for name, img in images:
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), img)
    css = re.search(r"<style>(.*?)</style>", body, flags=re.S)
    if css:
        doc.setDefaultStyleSheet(css.group(1))
    doc.setHtml(body)
    doc.setTextWidth(width)
    out = QImage(width, int(doc.size().height()), QImage.Format.Format_ARGB32)
    out.fill(QColor("white"))
    p = QPainter(out)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    doc.drawContents(p)
    p.end()
    return out


def report_shot(app: Any, work: Path, out: Path) -> list[Path]:
    """The agreement report of a simulated project (init/add/assign, three annotators, two batches):
    agreement by batch, disputes with the guideline and the spans to open, throughput, γ when installed."""
    from tests.simulated_project import build
    from workbench.app.agreement import Extras, agreement_over
    from workbench.app.gamma import available
    from workbench.app.inputs import annotator_inputs
    from workbench.io.project import Project
    from workbench.io.report_html import render
    from workbench.ui.project_status_dialog import ProjectStatusDialog

    root = build(work / "report-project").root
    dlg = ProjectStatusDialog(Project.open(root))
    dlg.resize(900, 600)
    dlg.show()
    _settle(app)
    status_shot = _save(dlg, out / "project-status.png")
    dlg.close()
    extras = Extras(by="batch", gamma=available(), gamma_sample=6, dispute_below=0.6, throughput=True)
    with annotator_inputs([str(root)]) as (paths, _):
        report = agreement_over(paths, None, None, [], extras=extras)
    html = render(report, title=f"{root.name} (simulated project, docs/make_screenshots.py)")
    (work / "report.html").write_text(html, encoding="utf-8")
    from workbench.io.report_html import CSS
    from workbench.io.report_html_lead import lead_sections

    lead = f"<html><head><style>{CSS}</style></head><body>{''.join(lead_sections(report))}</body></html>"
    shots = [status_shot]
    for name, page in (("agreement-report.png", html), ("agreement-report-lead.png", lead)):
        img = html_to_image(page)
        part = img.copy(0, 0, img.width(), min(1600, img.height()))
        path = out / name
        if not part.save(str(path), "PNG"):
            raise SystemExit(f"make_screenshots: could not write {path}")
        print(
            f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}  {part.width()}x{part.height()}"
        )
        shots.append(path)
    return shots


def guideline_shots(app: Any, work: Path, out: Path) -> list[Path]:
    """The guideline view: the inspector with the current quote's definition and its examples open,
    the selected relation's entry under it; then Shift+F1, the whole document at the QUOTE entry."""
    from workbench.core.schema import load_schema
    from workbench.io.settings import load_settings
    from workbench.ui.main_window import MainWindow

    folder = work / "guidelines"
    folder.mkdir()
    corpus = folder / "demo.jsonl"
    shutil.copyfile(REPO / "corpora" / "annotated" / "demo.alice.jsonl", corpus)  # annotated already
    settings = load_settings()
    settings.preannotate_on_open = False
    win = MainWindow(load_schema(None), settings, "alice")
    win.resize(*SIZE)
    if not win.open_paths([corpus]):
        raise SystemExit("make_screenshots: the annotated demo did not open")
    win.show()
    _settle(app)
    quote = first_with_speaker(win.session.document.record)
    if quote is None:
        raise SystemExit("make_screenshots: the annotated demo has no attributed quote")
    win.controller.set_current(quote)
    _settle(app)
    shots = [_save(win, out / "guidelines-inspector.png")]
    # the examples opened (the dock only: they are the point of this one)
    win.inspector.guide.label.more.setChecked(True)
    _settle(app)
    dock = win.inspector.parentWidget()
    shots.append(_save(dock, out / "guidelines-examples.png"))
    win.run_action("guidelines")
    _settle(app)
    shots.append(_save(win, out / "guidelines-page.png"))
    win.run_action("guidelines")
    win.close()
    _settle(app)
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DOCS / "screenshots")
    parser.add_argument(
        "--only", help="comma-separated shot groups to make (e.g. guidelines,report); default all"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    work = Path(tempfile.mkdtemp(prefix="workbench-screens-"))
    os.environ["WORKBENCH_CONFIG_DIR"] = str(work / "config")
    os.environ["WORKBENCH_ANNOTATOR"] = "alice"
    try:
        from make_keys import write_keys

        from workbench.ui.app import application

        app = application()
        app.setStyle("Fusion")
        app.setPalette(light_palette())
        args.out.mkdir(parents=True, exist_ok=True)
        groups: dict[str, Callable[[Any, Path, Path], list[Path]]] = {
            "welcome": welcome_shot,
            "main": main_window_shots,
            "seed": seed_shots,
            "adjudication": adjudication_shot,
            "guidelines": guideline_shots,
            "report": report_shot,
        }
        only = set(args.only.split(",")) if args.only else set(groups)
        if only - set(groups):
            raise SystemExit(f"make_screenshots: no such group: {', '.join(sorted(only - set(groups)))}")
        for name, make in groups.items():
            if name in only:
                make(app, work, args.out)
        print(write_keys().relative_to(REPO))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
