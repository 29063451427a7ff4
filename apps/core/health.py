"""Liveness and readiness probes for load balancers, Compose and systemd.

* `/healthz` — liveness: the process answers. It touches nothing else, so a slow database never
  gets a healthy web process restarted.
* `/readyz` — readiness: every dependency a request or a queued run needs is there: the database
  answers, every migration on disk is applied, the broker answers and at least one worker replies
  to a ping. With eager Celery (development, tests) broker and worker are reported as `eager`
  and count as ready; production refuses eager Celery at start-up (config/settings.py).

Both answer JSON `{"status": "ok" | "fail", "checks": {name: {"ok": bool, "detail": str}}}` with
200 when every check passes and 503 otherwise. Neither needs a login (probes carry none) and
neither says more than which check failed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

WORKER_PING_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 — a probe reports any failure, it never raises
        return Check(False, type(exc).__name__)
    return Check(True, "SELECT 1")


def check_migrations() -> Check:
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # noqa: BLE001
        return Check(False, type(exc).__name__)
    if plan:
        return Check(False, f"{len(plan)} unapplied")
    return Check(True, "all applied")


def _eager() -> bool:
    return bool(settings.CELERY_TASK_ALWAYS_EAGER)


def check_broker() -> Check:
    if _eager():
        return Check(True, "eager")
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=WORKER_PING_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001
        return Check(False, type(exc).__name__)
    return Check(True, "connected")


def check_worker() -> Check:
    if _eager():
        return Check(True, "eager")
    from config.celery import app

    try:
        replies = app.control.ping(timeout=WORKER_PING_TIMEOUT_S) or []
    except Exception as exc:  # noqa: BLE001
        return Check(False, type(exc).__name__)
    if not replies:
        return Check(False, "no worker answered")
    return Check(True, f"{len(replies)} worker(s)")


READINESS_CHECKS = {
    "database": check_database,
    "migrations": check_migrations,
    "broker": check_broker,
    "worker": check_worker,
}


def _answer(checks: dict[str, Check], started: float) -> JsonResponse:
    ok = all(c.ok for c in checks.values())
    body = {
        "status": "ok" if ok else "fail",
        "checks": {name: {"ok": c.ok, "detail": c.detail} for name, c in checks.items()},
        "seconds": round(time.monotonic() - started, 3),
    }
    return JsonResponse(body, status=200 if ok else 503)


@never_cache
@require_GET
def healthz(request):
    return _answer({"process": Check(True, "alive")}, time.monotonic())


@never_cache
@require_GET
def readyz(request):
    started = time.monotonic()
    checks: dict[str, Check] = {}
    for name, run in READINESS_CHECKS.items():
        if name == "migrations" and not checks["database"].ok:
            # without a database the migration check can only fail the same way, slowly
            checks[name] = Check(False, "database unavailable")
            continue
        checks[name] = run()
    return _answer(checks, started)
