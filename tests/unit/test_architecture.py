"""The layering contracts: core has no Qt or spaCy, only ui imports Qt, app knows no front end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken" in result.stdout


def test_pyside6_pin_avoids_the_python311_none_refcount_crash() -> None:
    """PySide6 6.12.0 on CPython 3.11 aborts with none_dealloc after millions of void calls."""
    if sys.version_info >= (3, 12):
        return  # immortal None: any version is safe
    from importlib.metadata import version

    major, minor = (int(x) for x in version("PySide6-Essentials").split(".")[:2])
    assert (major, minor) < (6, 12)
