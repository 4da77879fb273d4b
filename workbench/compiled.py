"""The modules that run compiled when a build made them, and the way back to their source.

``setup.py`` compiles the modules in :data:`COMPILED` with Cython, from the same ``.py``
files (decision 0027): no second copy of any algorithm exists. When the compiled module is
there Python imports it; when it is not (no C compiler at install time, a source checkout
never built) the ``.py`` runs, and gives the same results, more slowly.

:func:`install` (called when ``workbench`` is imported) adds one import hook, which leaves
every module alone except these, and sends them back to their source when

- ``WORKBENCH_PURE_PYTHON=1`` is set (the tests run both ways with it), or
- the source was changed after the module was compiled: a developer who edits
  ``core/merge.py`` runs what they wrote, with one warning to rebuild
  (``pip install -e .``, or ``python setup.py build_ext --inplace``), never the old build.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import warnings
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

COMPILED = (
    "workbench.core.merge",
    "workbench.core.agreement",
    "workbench.core.span_matching",
    "workbench.io.annotator_files",
)
PURE_ENV = "WORKBENCH_PURE_PYTHON"
# A source this much newer than its compiled module was edited after the build (a wheel or a
# checkout writes both within moments of each other, the build comes after the checkout).
_STALE_AFTER_S = 2.0


def is_compiled(module: ModuleType) -> bool:
    """Whether ``module`` was loaded from a compiled extension (not from its ``.py``)."""
    return isinstance(getattr(module, "__loader__", None), importlib.machinery.ExtensionFileLoader)


def _source_of(spec: ModuleSpec) -> str | None:
    """The ``.py`` beside a compiled module's file, when it is there (a bundle has none)."""
    origin = spec.origin or ""
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        if origin.endswith(suffix):
            source = origin[: -len(suffix)] + ".py"
            return source if os.path.isfile(source) else None
    return None


class _SourceWhenAsked(importlib.abc.MetaPathFinder):
    """Finds the modules of :data:`COMPILED` only, and only to prefer their source when it must."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in COMPILED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not isinstance(spec.loader, importlib.machinery.ExtensionFileLoader):
            return spec
        source = _source_of(spec)
        if source is None:
            return spec
        if os.environ.get(PURE_ENV) == "1":
            return importlib.util.spec_from_file_location(fullname, source)
        if os.path.getmtime(source) > os.path.getmtime(spec.origin or source) + _STALE_AFTER_S:
            warnings.warn(
                f"{fullname}: the source was changed after it was compiled; running the source "
                "(rebuild with `pip install -e .` to run it compiled again)",
                RuntimeWarning,
                stacklevel=2,
            )
            return importlib.util.spec_from_file_location(fullname, source)
        return spec


def install() -> None:
    """Put the hook first on the import path, once (a frozen bundle has no sources: nothing to do)."""
    if getattr(sys, "frozen", False) or any(isinstance(f, _SourceWhenAsked) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _SourceWhenAsked())
