"""The package's stages import downwards only, and no module imports itself back.

Stages, lowest first: the shared base (``exceptions``, ``registry``, ``fonts``, ``files``,
``processes``, ``chart_engine``), ``model``, ``inputs``, ``render``, ``build``, then ``mail``
and ``preview``, then ``cli``.
Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "authoring"

#: Each stage, and the stages it may import (besides itself).
STAGES: dict[str, set[str]] = {
    "base": set(),
    "model": {"base"},
    "inputs": {"base", "model"},
    "render": {"base", "model"},
    "build": {"base", "model", "inputs", "render"},
    "mail": {"base", "model", "inputs", "render", "build"},
    "preview": {"base", "model", "inputs", "render", "build"},
    "sheet": {"base", "model", "inputs"},
    "site": {"base", "model", "inputs", "render", "build"},
    "cli": {"base", "model", "inputs", "render", "build", "mail", "preview", "site", "sheet"},
}
BASE = {"exceptions", "registry", "fonts", "files", "processes", "chart_engine", ""}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage(module: str) -> str:
    part = module.split(".")[1] if "." in module else ""
    if part == "__main__":  # ``python -m authoring``: the CLI's entry point
        return "cli"
    return "base" if part in BASE else part


def imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "authoring":
                found.add(node.module)
                found |= {f"{node.module}.{alias.name}" for alias in node.names}  # `from authoring.x import module`
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "authoring"}
        graph[module_name(path)] = found
    return {module: {name for name in found if name in graph} for module, found in graph.items()}


def test_every_module_belongs_to_a_known_stage() -> None:
    unknown = sorted(module for module in imports() if stage(module) not in STAGES)

    assert unknown == []


@pytest.mark.parametrize("module", sorted(imports()))
def test_a_module_imports_only_its_own_stage_or_lower_ones(module: str) -> None:
    allowed = STAGES[stage(module)] | {stage(module)}
    upwards = sorted(name for name in imports()[module] if stage(name) not in allowed)

    assert upwards == [], f"{module} imports a higher stage"


def test_no_import_cycle() -> None:
    graph = imports()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(module: str, stack: list[str]) -> None:
        state[module] = 1
        stack.append(module)
        for name in sorted(graph[module]):
            if name == module or name == "authoring":
                continue
            if state.get(name) == 1:
                cycles.append([*stack[stack.index(name) :], name])
            elif name not in state:
                visit(name, stack)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])

    assert cycles == []
