"""Start-up that explains itself: no display, or a missing xcb library, is one message and exit 3.

Run as the user runs it: the ``workbench`` command in a fresh process, with the environment a bare
terminal or a minimal desktop gives. Qt itself would abort with a core dump in both cases.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CURSOR = Path("/usr/lib/x86_64-linux-gnu/libxcb-cursor.so.0")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(REPO)
    env.pop("WORKBENCH_SKIP_PREFLIGHT", None)
    return {**env, **extra}


def _assert_clean_failure(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 3, (result.returncode, result.stderr)  # not a signal, not a crash
    assert "Traceback" not in result.stderr and "core dumped" not in result.stderr
    assert "This application failed to start" not in result.stderr  # Qt never got that far


def test_without_a_display_the_workbench_says_so_and_points_to_the_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "workbench"], capture_output=True, text=True, env=_env(), timeout=60
    )
    _assert_clean_failure(result)
    assert "no display to open the window on (DISPLAY is not set)" in result.stderr
    assert "QT_QPA_PLATFORM=offscreen workbench selftest" in result.stderr
    assert "workbench --help" in result.stderr


def test_the_adjudication_window_is_checked_the_same_way(tmp_path: Path) -> None:
    annotated = REPO / "corpora" / "annotated"
    merged = tmp_path / "merged.jsonl"
    run = [sys.executable, "-m", "workbench"]
    inputs = [str(annotated / "demo.alice.jsonl"), str(annotated / "demo.bob.jsonl")]
    subprocess.run(
        [*run, "merge", *inputs, "-o", str(merged)],
        check=True,
        capture_output=True,
        env=_env(),
        timeout=120,
    )
    result = subprocess.run(
        [*run, "adjudicate", str(merged), "--adjudicator", "lead"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    _assert_clean_failure(result)
    assert "no display" in result.stderr


def _can_hide_libraries() -> None:
    if not CURSOR.exists():
        pytest.skip(f"{CURSOR} is not installed here: nothing to hide")
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount --bind /dev/null {CURSOR.resolve()}"], capture_output=True
    )
    if probe.returncode != 0:
        pytest.skip(f"a private mount namespace is not permitted here: {probe.stderr.decode().strip()}")


def _hidden(*cmd: str) -> list[str]:
    """``cmd`` in a private mount namespace where libxcb-cursor.so.0 is /dev/null (GUIDE §9)."""
    return ["unshare", "-m", "sh", "-c", f'mount --bind /dev/null {CURSOR.resolve()} && exec "$@"', "_", *cmd]


@pytest.fixture
def x_display() -> Iterator[str]:
    """A real X server when Xvfb is installed, else a display nobody answers (the check comes first)."""
    if shutil.which("Xvfb") is None:
        yield ":97"
        return
    # Xvfb picks a free display itself and writes its number once it listens: two test runs at once
    # (xdist workers, other checkouts) never race for the same one.
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-nolisten", "tcp"], stderr=subprocess.DEVNULL, pass_fds=(write,)
    )
    os.close(write)
    with os.fdopen(read) as fh:
        number = fh.readline().strip()
    try:
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_missing_xcb_library_is_named_with_the_command_that_installs_it(x_display: str) -> None:
    _can_hide_libraries()
    result = subprocess.run(
        _hidden(sys.executable, "-m", "workbench"),
        capture_output=True,
        text=True,
        env=_env(DISPLAY=x_display, WORKBENCH_ANNOTATOR="alice"),
        timeout=60,
    )
    _assert_clean_failure(result)
    assert "Qt's xcb platform plugin needs libraries this system lacks: libxcb-cursor.so.0" in result.stderr
    assert "sudo apt-get install libxcb-cursor0" in result.stderr
    assert "sudo dnf install xcb-util-cursor" in result.stderr
    assert "sudo pacman -S xcb-util-cursor" in result.stderr


def test_selftest_fails_its_desktop_step_when_a_library_is_missing() -> None:
    _can_hide_libraries()
    result = subprocess.run(
        _hidden(sys.executable, "-m", "workbench", "selftest"),
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED desktop start-up: the window cannot start" in result.stderr
    assert "libxcb-cursor.so.0" in result.stderr and "Traceback" not in result.stderr
