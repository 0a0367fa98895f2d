"""The layers point down: the front ends (the CLI, the web app) are on top, and nothing below
them imports either; the web app does not go through the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "trainer"
TOP = ("trainer.cli", "trainer.web")


def imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def layer_of(path: Path) -> str:
    return "trainer." + path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def test_nothing_below_the_front_ends_imports_them() -> None:
    wrong = [
        f"{path.relative_to(PACKAGE.parent)} imports {name}"
        for path in PACKAGE.rglob("*.py")
        if layer_of(path) not in TOP and path.name != "__main__.py"  # `python -m trainer` is the CLI
        for name in imports(path)
        if name.startswith(TOP)
    ]
    assert wrong == []


def test_the_web_app_does_not_go_through_the_cli() -> None:
    wrong = [
        f"{path.relative_to(PACKAGE.parent)} imports {name}"
        for path in (PACKAGE / "web").rglob("*.py")
        for name in imports(path)
        if name.startswith("trainer.cli")
    ]
    assert wrong == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The rule can fail: a core module importing the CLI is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from trainer.cli.common import err\n")
    assert "trainer.cli.common" in imports(bad)
