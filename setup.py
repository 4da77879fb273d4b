"""Compiles the hot paths of merge and agreement with Cython; everything else is in pyproject.toml.

The modules listed in ``workbench/compiled.py`` are compiled from their own ``.py`` files
(decision 0027). Each extension is optional: without a C compiler the install still succeeds
and those modules run as plain Python. ``WORKBENCH_PURE_PYTHON=1`` at install time skips them.
"""

import ast
import os
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


def compiled_modules() -> list[str]:
    """``COMPILED`` from workbench/compiled.py, read without importing the package."""
    tree = ast.parse(Path(__file__).with_name("workbench").joinpath("compiled.py").read_text("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "COMPILED" for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise SystemExit("workbench/compiled.py names no COMPILED modules")


def extensions() -> list[Extension]:
    if os.environ.get("WORKBENCH_PURE_PYTHON") == "1":
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:  # a build without the build requirements (e.g. setup.py run by hand)
        print("setup.py: Cython is not installed; the hot paths stay plain Python")
        return []
    modules = [Extension(m, [m.replace(".", "/") + ".py"], optional=True) for m in compiled_modules()]
    try:
        return cythonize(
            modules,
            build_dir="build/cython",  # the generated C stays out of the package
            compiler_directives={"language_level": 3},
            quiet=True,
        )
    except Exception as e:  # a Cython that refuses the source: the install goes on, as plain Python
        print(f"setup.py: the hot paths not compiled ({e}); they stay plain Python")
        return []


class OptionalBuildExt(build_ext):
    """A module that fails to compile (no C compiler, a broken one) stays plain Python; the install goes on.

    ``Extension(optional=True)`` alone lets a missing compiler through as an ``OSError``, and an
    editable install then looks for the file that was not built.
    """

    def build_extensions(self) -> None:
        built = []
        for ext in self.extensions:
            try:
                self.build_extension(ext)
                built.append(ext)
            except Exception as e:  # whatever the compiler's failure, the module's source runs
                print(f"setup.py: {ext.name} not compiled ({e}); it runs as plain Python")
        self.extensions = built


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
