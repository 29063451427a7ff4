"""What the real-worker tests share: the Redis they need (failing under CI, skipping elsewhere), the
test database's URL for a worker started as a subprocess, and a bounded wait."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]


def redis_url(default_db: int = 15) -> str:
    """The broker CI gives (CELERY_BROKER_URL), else a local Redis database of the test's own."""
    return os.environ.get("CELERY_BROKER_URL") or f"redis://127.0.0.1:6379/{default_db}"


def redis_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=2):
            return True
    except OSError:
        return False


def require_redis(url: str) -> None:
    """Fail under CI when Redis is missing (CI must run these tests); skip on a machine without it."""
    if redis_reachable(url):
        return
    if os.environ.get("CI"):
        pytest.fail(f"Redis is not reachable at {url}; CI must run the real-worker tests")
    pytest.skip(f"no Redis at {url} on this machine (CI always has one)")


def database_url() -> str:
    """The test database as a DATABASE_URL, for a worker process started by the test."""
    from django.db import connection

    db = connection.settings_dict
    host = db["HOST"] or "127.0.0.1"
    if host.startswith("/"):
        return f"postgresql://{db['USER']}@/{db['NAME']}?host={host}"
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, *, timeout: float, what: str):
    """Poll until `condition()` is truthy and return it; fail naming `what` after `timeout` seconds
    (a liveness bound, not a measurement: nothing passes by being fast)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)
