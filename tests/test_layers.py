"""organisations is the ground floor: plans, goals and calendar_app stand on it, never the reverse.

The apps above receive ``organisations.signals``, plans registers the activity log's
recorder with ``organisations.audit``, and their parts of the ground floor's pages are
inclusion tags of their own (``plan_panels``, ``goal_panels``, ``calendar_panels``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import organisations

UPPER_APPS = {"plans", "goals", "calendar_app"}
GROUND = Path(organisations.__file__).parent


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every absolute module an ``import`` or ``from … import`` names, with its line."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def test_organisations_imports_nothing_of_the_apps_above():
    offending = [
        f"{path.relative_to(GROUND.parent)}:{line} imports {module}"
        for path in sorted(GROUND.rglob("*.py"))
        for line, module in imported_modules(ast.parse(path.read_text(), filename=str(path)))
        if module.split(".")[0] in UPPER_APPS
    ]
    assert offending == []


def test_the_check_sees_an_import_of_an_app_above():
    tree = ast.parse("import goals.models\nfrom plans.models import Plan\nfrom . import models\n")
    assert [module for _line, module in imported_modules(tree)] == ["goals.models", "plans.models"]
