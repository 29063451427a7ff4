"""The benchmark harness: database set-up, result records and the printed table.

A benchmark is a module bench/<name>.py with
    NEEDS_DB: bool
    def run(*, scale: float, quick: bool) -> dict
returning {"size", "metric", "value", "unit", "baseline", "baseline_value", "ratio", "bound",
"extra"?}. The harness adds name, cpus, python and when, prints a table and writes
bench/results/<name>.json. Data is generated from fixed seeds inside each benchmark.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
NAMES = [
    "staffing",
    "qa_engine",
    "ingest",
    "qa_pipeline",
    "roster",
    "billing",
    "report",
    "api",
    "forecast",
    "intraday",
    "attribution",
]


def _bench_database_url() -> str:
    """A separate database next to the normal one, so benchmarks never touch dev or demo data.
    BENCH_DATABASE_URL names it outright (two bench databases side by side, e.g. one holding 1x and
    one 10x of history, so the two sizes are timed back to back)."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    base = os.environ.get("DATABASE_URL")
    if not base:
        from config.embedded_db import embedded_database_url

        base = embedded_database_url(Path(__file__).resolve().parent.parent)
    from urllib.parse import urlparse, urlunparse

    parsed = urlparse(base)
    name = (parsed.path.lstrip("/") or "tideline") + "_bench"
    admin_url = urlunparse(parsed._replace(path="/postgres"))
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parsed._replace(path="/" + name))


def setup_django(*, needs_db: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if needs_db:
        os.environ["DATABASE_URL"] = _bench_database_url()
    import django

    django.setup()
    if needs_db:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def available() -> list[str]:
    here = Path(__file__).resolve().parent
    return [name for name in NAMES if (here / f"{name}.py").exists()]


def preload(units: int) -> dict:
    """Fill the bench database with `units` units of history (bench/preload.py) and say what it holds."""
    from bench.preload import preload as fill

    held = fill(units, out=lambda line: print(line, flush=True))
    print(f"preload: the bench database holds {held}", flush=True)
    return held


def finish(name: str, result: dict, *, write: bool = True, preload: dict | None = None) -> dict:
    record = {
        "name": name,
        "size": result.get("size"),
        "metric": result.get("metric"),
        "value": result.get("value"),
        "unit": result.get("unit"),
        "baseline": result.get("baseline"),
        "baseline_value": result.get("baseline_value"),
        "ratio": result.get("ratio"),
        "bound": result.get("bound"),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if result.get("extra"):
        record["extra"] = result["extra"]
    if preload is not None:  # timed with history already in the database: its own file per preload size
        record["preload"] = preload
    if write:
        RESULTS.mkdir(exist_ok=True)
        stem = name if preload is None else f"{name}.preload{preload['preload_units']}"
        (RESULTS / f"{stem}.json").write_text(
            json.dumps(record, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
        )
    return record


def print_table(records: list[dict], out=sys.stdout) -> None:
    header = f"{'benchmark':<12} {'size':<28} {'value':>14} {'unit':<16} {'baseline':>14} {'ratio':>8} {'bound':>12}"
    out.write(header + "\n" + "-" * len(header) + "\n")
    for r in records:

        def fmt(v):
            return "" if v is None else (f"{v:,.2f}" if isinstance(v, float) else str(v))

        out.write(
            f"{r['name']:<12} {str(r['size'])[:28]:<28} {fmt(r['value']):>14} {str(r['unit'] or ''):<16} "
            f"{fmt(r['baseline_value']):>14} {fmt(r['ratio']):>8} {fmt(r['bound']):>12}\n"
        )
        for key, value in (r.get("extra") or {}).items():
            out.write(f"{'':<12} {key}: {value}\n")


def run_one(
    name: str, *, scale: float = 1.0, quick: bool = False, write: bool = True, preload: dict | None = None
) -> dict:
    module = importlib.import_module(f"bench.{name}")
    result = module.run(scale=scale, quick=quick)
    return finish(name, result, write=write and not quick, preload=preload)
