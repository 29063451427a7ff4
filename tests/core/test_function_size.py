"""Functions stay short (STYLE.md: a function past ~60 lines holds two things; split on the seam),
and so do modules (no module of apps/ or bench/ over 800 lines, migrations excluded).

Walks every function and method of apps/ (migrations excluded) with ast; its length runs from its
first decorator to its last line, docstring included. LONG lists each function allowed over the
limit, with the length it has now and why it stays; it is meant to shrink. In every app:

- a function not listed that passes LIMIT fails;
- a listed function that grows past its recorded length fails (the list is a ceiling, not a licence);
- a listed function back under the limit, or gone, fails until its line is removed, so the list
  keeps no stale licence.
"""

from __future__ import annotations

import ast
from pathlib import Path

APPS_DIR = Path(__file__).resolve().parents[2] / "apps"
BENCH_DIR = APPS_DIR.parent / "bench"
LIMIT = 60
MODULE_LIMIT = 800  # STYLE.md: a module past ~800 lines holds two things
ENGINE = "one numerical algorithm in one pass; split with its property tests, not in passing"

# (module under apps/, qualified name) -> (lines now, why it stays for now)
LONG: dict[tuple[str, str], tuple[int, str]] = {
    ("qa/engine/compile.py", "_literal_factors"): (
        62,
        "two mutually recursive readers of one parsed pattern nested in it (11 lines are its docstring)",
    ),
    ("conversations/importer.py", "FileImporter._accept_all"): (
        98,
        "the import's per-row hot loop (bench ingest, 2M rows): checks, masking and grouping stay inline, "
        "as a call per row would cost every row of every import",
    ),
    ("workforce/forecasting.py", "fit_and_forecast"): (122, ENGINE + " (the backtest pins its answers)"),
    ("workforce/solver.py", "solve_counts"): (89, ENGINE),
}


def function_lengths(apps_dir: Path = APPS_DIR) -> dict[tuple[str, str], int]:
    """{(module under apps/, qualified name): lines} of every function and method of the apps."""
    out: dict[tuple[str, str], int] = {}

    def walk(rel: str, node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                out[(rel, prefix + child.name)] = child.end_lineno - first + 1
                walk(rel, child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                walk(rel, child, f"{prefix}{child.name}.")

    for path in sorted(apps_dir.rglob("*.py")):
        rel = path.relative_to(apps_dir)
        if "migrations" in rel.parts:
            continue
        walk(rel.as_posix(), ast.parse(path.read_text(encoding="utf-8"), filename=str(rel)), "")
    return out


def problems(lengths: dict[tuple[str, str], int], long: dict[tuple[str, str], tuple[int, str]]) -> list[str]:
    out = []
    for key, n in sorted(lengths.items()):
        if n > LIMIT and key not in long:
            out.append(f"apps/{key[0]}: {key[1]} has {n} lines (limit {LIMIT})")
        elif key in long and n > long[key][0]:
            out.append(f"apps/{key[0]}: {key[1]} grew to {n} lines (listed at {long[key][0]})")
    for key in sorted(long):
        if lengths.get(key, 0) <= LIMIT:
            out.append(f"apps/{key[0]}: {key[1]} is split or gone: remove it from LONG")
    return out


def test_functions_stay_under_the_limit_or_are_listed():
    assert problems(function_lengths(), LONG) == []


def test_the_check_catches_a_long_function_and_a_stale_entry(tmp_path):
    (tmp_path / "clients").mkdir()
    body = "".join(f"    x{i} = {i}\n" for i in range(LIMIT))
    (tmp_path / "clients" / "long.py").write_text(f"def f():\n{body}\n\ndef g():\n    return 1\n", encoding="utf-8")
    lengths = function_lengths(tmp_path)
    assert lengths[("clients/long.py", "f")] == LIMIT + 1
    assert problems(lengths, {}) == [f"apps/clients/long.py: f has {LIMIT + 1} lines (limit {LIMIT})"]
    assert problems(lengths, {("clients/long.py", "f"): (LIMIT + 1, "why")}) == []
    assert problems(lengths, {("clients/long.py", "f"): (LIMIT, "why")}) == [
        f"apps/clients/long.py: f grew to {LIMIT + 1} lines (listed at {LIMIT})"
    ]
    assert problems(lengths, {("clients/long.py", "f"): (LIMIT + 1, "why"), ("clients/long.py", "g"): (70, "x")}) == [
        "apps/clients/long.py: g is split or gone: remove it from LONG"
    ]


def test_every_app_is_held_to_its_ceilings(tmp_path):
    """No app is exempt: a method in a sub-package of another app is reported when unlisted, when it
    grew past its entry, and its entry when it was split."""
    (tmp_path / "qa" / "engine").mkdir(parents=True)
    body = "".join(f"        x{i} = {i}\n" for i in range(LIMIT))
    (tmp_path / "qa" / "engine" / "m.py").write_text(f"class C:\n    def h(self):\n{body}", encoding="utf-8")
    lengths = function_lengths(tmp_path)
    key = ("qa/engine/m.py", "C.h")
    assert lengths[key] == LIMIT + 1
    assert problems(lengths, {}) == [f"apps/qa/engine/m.py: C.h has {LIMIT + 1} lines (limit {LIMIT})"]
    assert problems(lengths, {key: (LIMIT, "why")}) == [
        f"apps/qa/engine/m.py: C.h grew to {LIMIT + 1} lines (listed at {LIMIT})"
    ]
    assert problems({**lengths, key: LIMIT}, {key: (LIMIT + 1, "why")}) == [
        "apps/qa/engine/m.py: C.h is split or gone: remove it from LONG"
    ]


def long_modules(*dirs: Path) -> list[str]:
    """Modules (migrations excluded) over MODULE_LIMIT lines, as "dir/path: n lines"."""
    out = []
    for root in dirs:
        for path in sorted(root.rglob("*.py")):
            if "migrations" in path.relative_to(root).parts:
                continue
            n = len(path.read_text(encoding="utf-8").splitlines())
            if n > MODULE_LIMIT:
                out.append(f"{root.name}/{path.relative_to(root).as_posix()}: {n} lines (limit {MODULE_LIMIT})")
    return out


def test_modules_stay_under_the_limit():
    assert long_modules(APPS_DIR, BENCH_DIR) == []


def test_the_module_check_catches_a_long_module(tmp_path):
    (tmp_path / "qa" / "migrations").mkdir(parents=True)
    (tmp_path / "qa" / "big.py").write_text("x = 1\n" * (MODULE_LIMIT + 1), encoding="utf-8")
    (tmp_path / "qa" / "ok.py").write_text("x = 1\n" * MODULE_LIMIT, encoding="utf-8")
    (tmp_path / "qa" / "migrations" / "0001_big.py").write_text("x = 1\n" * (MODULE_LIMIT + 1), encoding="utf-8")
    assert long_modules(tmp_path) == [f"{tmp_path.name}/qa/big.py: {MODULE_LIMIT + 1} lines (limit {MODULE_LIMIT})"]
