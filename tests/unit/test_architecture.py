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


def _import_graph() -> dict[str, set[str]]:
    """Every workbench module and the workbench modules it imports, at any level (grimp, as import-linter)."""
    import grimp

    graph = grimp.build_graph("workbench")
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def test_no_import_cycles() -> None:
    """A module never imports, directly or through others, a module that imports it back."""
    edges = _import_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


MAX_LINES = 500


def test_modules_stay_small() -> None:
    """Small modules with names that say what they hold: none grows past a few hundred lines."""
    big = {
        str(p.relative_to(REPO)): n
        for p in (REPO / "workbench").rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not big, f"modules over {MAX_LINES} lines: {big}"
