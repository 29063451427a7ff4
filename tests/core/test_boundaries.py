"""Boundaries between the apps (STYLE.md "Our shape", issue #13), checked by walking the source.

Rules, for every module of every app under apps/ (migrations excluded):

1. **Models stay home.** A module of app A does not import app B's models (B ≠ A, B ≠ core, the
   shared kernel): it calls B's selectors (reads) or services (writes). A models.py may name another
   app's model as a foreign key target only as a string ("clients.Store"), so models are not exempt.
2. **No raw SQL on another app's table.** No string in app A names a table of app B.
3. **Arrows run down the layers**: reports → contracts → orders/intraday → qa/workforce →
   conversations → people → clients → core. A module never imports an app above its own.
4. **No importlib shims.** `importlib` only in the two registries that load a module per app by
   path (apps/core/demo.py's STEPS, setup_periodic_tasks' schedules), which are not shims.

ALLOWED lists each exception by module and the app it reaches, with the reason; it is meant to
shrink. Anything not listed fails the test with the module, line and what it reached.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest
from django.apps import apps as registry

APPS_DIR = Path(__file__).resolve().parents[2] / "apps"
KERNEL = "core"
LAYER = {
    "core": 0,
    "clients": 1,
    "people": 2,
    "conversations": 3,
    "qa": 4,
    "workforce": 4,
    "orders": 5,
    "intraday": 5,
    "contracts": 6,
    "reports": 7,
}
IMPORTLIB_REGISTRIES = {"core/demo.py", "core/management/commands/setup_periodic_tasks.py"}

# (rule, module under apps/, app reached) -> why it is allowed for now
ALLOWED: dict[tuple[str, str, str], str] = {
    # Off-boarding a brand is the one orchestrator that walks every app's data (apps.clients.offboarding).
    ("layers", "clients/offboarding.py", "conversations"): "off-boarding orchestrates every app's retention",
    ("layers", "clients/offboarding.py", "qa"): "off-boarding orchestrates every app's retention",
    ("layers", "clients/offboarding.py", "contracts"): "off-boarding orchestrates every app's retention",
    ("layers", "clients/offboarding.py", "reports"): "off-boarding orchestrates every app's retention",
    ("layers", "clients/offboarding.py", "orders"): "off-boarding orchestrates every app's retention",
    # Printed statements: reports owns every printed document (its renderer reads contracts' invoices,
    # downwards) and the monthly reports' state; billing's one upward call asks it to print, after
    # commit in the statement task, and to refresh the month's report after a correction. A hook
    # registered from ReportsConfig.ready() would hide the same dependency, not remove it.
    ("layers", "contracts/statements.py", "reports"): "an issued statement or correction is printed by "
    "reports (document_render), and a correction refreshes the month's report (monthly_reports_refresh)",
    ("layers", "contracts/views.py", "reports"): "the statement page serves the printed PDF (printing it "
    "if not yet done) and shows SLA rows with the printed statement's KPI formatting (reports.invoices)",
}


def _app_of(path: Path) -> str:
    return path.relative_to(APPS_DIR).parts[0]


@cache
def _modules() -> list[tuple[str, str, ast.Module]]:
    """(path under apps/, app, parsed module) of every app module but migrations."""
    out = []
    for path in sorted(APPS_DIR.rglob("*.py")):
        rel = path.relative_to(APPS_DIR)
        if "migrations" in rel.parts or len(rel.parts) < 2:
            continue
        out.append((rel.as_posix(), _app_of(path), ast.parse(path.read_text(encoding="utf-8"), filename=str(rel))))
    return out


def _type_only(tree: ast.Module) -> set[int]:
    """ids of the import nodes under `if TYPE_CHECKING:` (annotations only, nothing is read)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            out.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return out


def _imports(tree: ast.Module):
    """(line, dotted module, imported names) of every absolute import at any depth (also in
    functions), except those under `if TYPE_CHECKING:`."""
    skip = _type_only(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, ()
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module, tuple(alias.name for alias in node.names)


def model_imports() -> set[tuple[str, str, str, int]]:
    """("models", module, other app, line) for each import of another app's models (core excepted)."""
    found = set()
    for rel, app, tree in _modules():
        for line, module, names in _imports(tree):
            parts = module.split(".")
            if parts[0] != "apps" or len(parts) < 2 or parts[1] in (app, KERNEL):
                continue
            if parts[2:3] == ["models"] or (len(parts) == 2 and "models" in names):
                found.add(("models", rel, parts[1], line))
    return found


@cache
def _tables() -> dict[str, str]:
    """{db table: app} of every model of apps/, many-to-many tables included."""
    return {
        model._meta.db_table: model.__module__.split(".")[1]
        for model in registry.get_models(include_auto_created=True)
        if model.__module__.startswith("apps.")
    }


def sql_table_names() -> set[tuple[str, str, str, int]]:
    """("sql", module, other app, line) for each string naming another app's table."""
    tables = _tables()
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, tables), key=len, reverse=True)) + r")\b")
    found = set()
    for rel, app, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for table in pattern.findall(node.value):
                    if tables[table] != app:
                        found.add(("sql", rel, tables[table], node.lineno))
    return found


def upward_imports() -> set[tuple[str, str, str, int]]:
    """("layers", module, higher app, line) for each import of an app above the module's own."""
    found = set()
    for rel, app, tree in _modules():
        for line, module, _names in _imports(tree):
            parts = module.split(".")
            if parts[0] == "apps" and len(parts) >= 2 and parts[1] in LAYER and app in LAYER:
                if LAYER[parts[1]] > LAYER[app]:
                    found.add(("layers", rel, parts[1], line))
    return found


def importlib_uses() -> set[tuple[str, str, str, int]]:
    """("importlib", module, "importlib", line) for each import of importlib outside the registries."""
    found = set()
    for rel, _app, tree in _modules():
        for line, module, _names in _imports(tree):
            if module.split(".")[0] == "importlib" and rel not in IMPORTLIB_REGISTRIES:
                found.add(("importlib", rel, "importlib", line))
    return found


def _unexpected(found) -> list[str]:
    return sorted(
        f"apps/{rel}:{line}: {rule} -> {target}"
        for rule, rel, target, line in found
        if (rule, rel, target) not in ALLOWED
    )


def test_every_app_module_is_under_a_known_layer():
    assert {app for _rel, app, _tree in _modules()} <= set(LAYER)


@pytest.mark.parametrize(
    "finder", [model_imports, sql_table_names, upward_imports, importlib_uses], ids=lambda f: f.__name__
)
def test_apps_keep_to_their_boundaries(finder):
    assert _unexpected(finder()) == []


def test_the_checks_catch_a_violation(tmp_path, monkeypatch):
    """The walker is not vacuous: a reports module that reads conversations' models, names their
    table in SQL and loads a sibling with importlib is reported three times; a conversations module
    importing reports is an arrow up."""
    fake = tmp_path / "apps"
    (fake / "reports").mkdir(parents=True)
    (fake / "conversations").mkdir()
    (fake / "reports" / "bad.py").write_text(
        "import importlib\n"
        "def f():\n"
        "    from apps.conversations.models import Conversation\n"
        "    return 'SELECT count(*) FROM conversations_conversation'\n",
        encoding="utf-8",
    )
    (fake / "conversations" / "up.py").write_text("from apps.reports import assembly\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["APPS_DIR"]), "APPS_DIR", fake)
    _modules.cache_clear()
    try:
        assert _unexpected(model_imports()) == ["apps/reports/bad.py:3: models -> conversations"]
        assert _unexpected(sql_table_names()) == ["apps/reports/bad.py:4: sql -> conversations"]
        assert _unexpected(importlib_uses()) == ["apps/reports/bad.py:1: importlib -> importlib"]
        assert _unexpected(upward_imports()) == ["apps/conversations/up.py:1: layers -> reports"]
    finally:
        _modules.cache_clear()
