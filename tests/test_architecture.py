"""The package layout is the architecture: stages import only downward, and nothing cycles.

Walks every module of `symcheck` with `ast` (imports inside functions included) and checks
the imports against `ALLOWED`, the stage order that each subpackage's docstring states.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "symcheck"

# stage -> the stages it may import (its own always allowed)
ALLOWED: dict[str, set[str]] = {
    "runtime": set(),
    "model": {"runtime"},
    "read": {"runtime", "model"},
    "notes": {"runtime", "model", "read"},
    "load": {"runtime", "model", "read", "notes"},
    "engine": {"runtime", "model", "read"},
    "verify": {"runtime", "model", "read", "notes", "load", "engine"},
    "printers": {"runtime", "model", "read", "notes", "load"},
    "report": {"runtime", "model", "read", "notes", "load", "printers"},
}
TOP_LEVEL = {"__init__", "__main__", "cli", "pytest_plugin"}  # entry points: may import any stage


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The symcheck modules `name` imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {target for target in targets if target in known}
    found.discard(name)
    return found


def stage_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imported_modules(name, path, set(found)) for name, path in found.items()}


def test_every_subpackage_is_a_declared_stage():
    stages = {stage_of(name) for name in modules()}
    assert stages - TOP_LEVEL == set(ALLOWED)


def test_every_stage_says_what_it_owns_and_may_import():
    for stage in ALLOWED:
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "may import" in doc, stage


def test_imports_go_down_the_stage_order():
    wrong = []
    for name, targets in graph().items():
        stage = stage_of(name)
        if stage in TOP_LEVEL:
            continue
        for target in targets:
            other = stage_of(target)
            if other in (stage, "__init__"):
                continue
            if other not in ALLOWED[stage]:
                wrong.append(f"{name} imports {target} ({stage} may not import {other})")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    edges = graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                cycle = stack[stack.index(target):] + [target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)


def test_the_checker_catches_a_cycle(tmp_path, monkeypatch):
    """The graph walk sees relative and function-level imports (else the tests above prove nothing)."""
    pkg = tmp_path / "symcheck" / "engine"
    pkg.mkdir(parents=True)
    (tmp_path / "symcheck" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text('"""may import"""')
    (pkg / "a.py").write_text("from .b import x\n")
    (pkg / "b.py").write_text("def f():\n    from symcheck.engine import a\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "symcheck")
    assert graph()["symcheck.engine.a"] == {"symcheck.engine.b"}
    assert "symcheck.engine.a" in graph()["symcheck.engine.b"]


MAX_MODULE_LINES = 900
MAX_CLASS_LINES = 400


def test_modules_and_classes_stay_small():
    too_big = []
    for name, path in modules().items():
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            too_big.append(f"{name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > MAX_CLASS_LINES:
                too_big.append(f"{name}.{node.name}: {node.end_lineno - node.lineno + 1} lines")
    assert not too_big, "\n".join(too_big)
