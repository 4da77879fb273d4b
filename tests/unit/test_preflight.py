"""The start-up check's parts, without Qt: which plugin, which libraries, which display."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from workbench.ui import preflight


def test_the_platform_qt_will_try() -> None:
    assert preflight.platforms({"QT_QPA_PLATFORM": "offscreen"}) == ["offscreen"]
    assert preflight.platforms({"QT_QPA_PLATFORM": "wayland;xcb"}) == ["wayland", "xcb"]
    assert preflight.platforms({"QT_QPA_PLATFORM": "vnc:size=800x600"}) == ["vnc"]
    if sys.platform == "linux":
        assert preflight.platforms({"DISPLAY": ":0"}) == ["xcb"]
        wayland = {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}
        assert preflight.platforms(wayland) == ["wayland", "xcb"]


def test_offscreen_needs_no_display_and_no_check() -> None:
    assert preflight.check({"QT_QPA_PLATFORM": "offscreen"}) is None


@pytest.mark.skipif(sys.platform != "linux", reason="the xcb plugin is Linux's")
def test_no_display_names_the_headless_way() -> None:
    finding = preflight.check({})
    assert finding is not None and "DISPLAY is not set" in finding.message
    assert preflight.HEADLESS_HINT in finding.message


@pytest.mark.skipif(sys.platform != "linux", reason="the xcb plugin is Linux's")
def test_the_installed_xcb_plugin_is_found_and_its_libraries_checked() -> None:
    folder = preflight.plugin_dir({})
    assert folder is not None and (folder / "libqxcb.so").is_file()
    finding = preflight.library_check("xcb", {})
    # this machine has the xcb libraries (GUIDE §9); elsewhere the finding must name them
    assert finding is None or (finding.missing and all(m in finding.message for m in finding.missing))


def test_missing_libraries_are_named_with_each_distribution_s_packages() -> None:
    finding = preflight._missing_message("xcb", ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libfoo.so.1"])
    text = finding.message
    assert "libxcb-cursor.so.0, libxcb-icccm.so.4, libfoo.so.1" in text
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4" in text
    assert "sudo dnf install xcb-util-cursor xcb-util-wm" in text
    assert "sudo pacman -S xcb-util-cursor xcb-util-wm" in text
    assert "libfoo.so.1" in text.splitlines()[-2]  # unknown to the table: said plainly


def test_a_plugin_folder_without_the_plugin_is_a_finding(tmp_path: Path) -> None:
    finding = preflight.library_check("xcb", {"QT_QPA_PLATFORM_PLUGIN_PATH": str(tmp_path)})
    assert finding is not None and "libqxcb.so does not exist" in finding.message


def test_a_display_nobody_listens_on_is_unreachable(tmp_path: Path) -> None:
    free = next(n for n in range(400, 500) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    assert not preflight.x_display_reachable(f":{free}")
    assert not preflight.x_display_reachable(f"unix:{free}")
    with socket.socket() as listener:  # a TCP X server stand-in: something accepts on 6000 + N
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        if port > 6000:
            assert preflight.x_display_reachable(f"127.0.0.1:{port - 6000}")


def test_an_unreachable_display_is_a_finding_when_the_libraries_are_there() -> None:
    if sys.platform != "linux" or preflight.library_check("xcb", {}) is not None:
        pytest.skip("needs the xcb plugin's libraries")
    free = next(n for n in range(400, 500) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    finding = preflight.check({"DISPLAY": f":{free}"})
    assert finding is not None and f"cannot reach the X display :{free}" in finding.message
