"""Where the shipped schemas and demo corpus live, installed, editable or bundled."""

from __future__ import annotations

import os
from pathlib import Path

_PKG = Path(__file__).resolve().parent.parent


def _find(name: str) -> Path:
    env = os.environ.get("WORKBENCH_DATA")
    candidates = [Path(env) / name] if env else []
    # A bundle or wheel carries them inside the package; a checkout has them at the top.
    candidates += [_PKG / "data" / name, _PKG.parent / name]
    for c in candidates:
        if c.is_dir():
            return c
    return candidates[-1]


def schemas_dir() -> Path:
    return _find("schemas")


def corpora_dir() -> Path:
    return _find("corpora")
