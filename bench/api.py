"""Benchmark `api`: the main list endpoints under 50 concurrent clients, served by gunicorn on loopback.

Seeds a fixed data set into the bench database, starts gunicorn on 127.0.0.1 (a free port), then
50 client threads each make a bounded number of requests over keep-alive connections, round-robin
over the list endpoints. Reports p95 latency (goal < 100 ms) and, as the in-run comparison, the p95
of a single sequential client (the ratio shows what concurrency costs on this machine).
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

NEEDS_DB = True
ROOT = Path(__file__).resolve().parent.parent
ENDPOINTS = [
    "/api/v1/clients/",
    "/api/v1/stores/",
    "/api/v1/conversations/",
    "/api/v1/imports/",
    "/api/v1/invoices/",
    "/api/v1/report-runs/",
]


def _seed(conversations: int) -> str:
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token

    from apps.clients.models import Client, Site, Store
    from apps.clients.validators import uscc_check_character
    from apps.conversations.models import Conversation
    from apps.people.models import Agent

    user, _ = User.objects.get_or_create(username="bench-api", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name="account_manager"))
    token, _ = Token.objects.get_or_create(user=user)
    site, _ = Site.objects.get_or_create(code="bench-site", defaults={"name": "基准中心", "city": "合肥"})
    stores = []
    for i in range(6):
        body = f"9131000000BENCH{i:02d}"[:17]
        client, _ = Client.objects.get_or_create(
            code=f"bench-{i}",
            defaults={
                "name": f"基准品牌{i}",
                "legal_name": f"基准品牌{i}有限公司",
                "uscc": body + uscc_check_character(body),
            },
        )
        store, _ = Store.objects.get_or_create(
            platform="tmall", shop_id=f"bench-shop-{i}", defaults={"client": client, "name": f"基准旗舰店{i}"}
        )
        stores.append(store)
    agent, _ = Agent.objects.get_or_create(
        employee_no="BENCH1", defaults={"name": "基准客服", "nick": "bench-agent", "site": site}
    )
    have = Conversation.objects.filter(store__in=stores).count()
    start = datetime(2026, 10, 1, tzinfo=UTC)
    Conversation.objects.bulk_create(
        [
            Conversation(
                store=stores[n % len(stores)],
                platform_conversation_id=f"bench-{n}",
                started_at=start + timedelta(minutes=n),
                ended_at=start + timedelta(minutes=n + 5),
                agent=agent,
                agent_nick=agent.nick,
                handled_by="human",
                buyer_pseudonym=f"{n:016x}",
                message_count=10,
                first_response_seconds=12,
            )
            for n in range(have, conversations)
        ],
        batch_size=5000,
    )
    return token.key


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(port: int, token: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/clients/", headers={"Authorization": f"Token {token}"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


def _client(port: int, token: str, paths: list[str], requests: int, out: list[float], errors: list[str]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Token {token}", "Connection": "keep-alive"}
    for i in range(requests):
        path = paths[i % len(paths)]
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{path}: HTTP {response.status}")
        except OSError as exc:
            errors.append(f"{path}: {exc}")
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        out.append(time.perf_counter() - started)


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[94] * 1000 if len(samples) >= 2 else samples[0] * 1000


def run(*, scale: float, quick: bool) -> dict:
    from django.db import connection
    from django.urls import Resolver404, resolve

    conversations = 200 if quick else int(20_000 * scale)
    clients = 5 if quick else 50
    per_client = 4 if quick else 40
    token = _seed(conversations)
    paths = []
    for path in ENDPOINTS:
        try:
            resolve(path)
            paths.append(path)
        except Resolver404:
            continue
    db = connection.settings_dict
    host = db["HOST"] or "127.0.0.1"
    if host.startswith("/"):
        url = f"postgresql://{db['USER']}@/{db['NAME']}?host={host}"
    else:
        url = f"postgresql://{db['USER']}:{db['PASSWORD']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "0", "LOG_LEVEL": "WARNING"}
    workers = "2" if quick else str(max(2, (os.cpu_count() or 2) * 2))
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            workers,
            "-k",
            "gthread",
            "--threads",
            "8",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_ready(port, token)
        sequential: list[float] = []
        errors: list[str] = []
        _client(port, token, paths, len(paths) * (2 if quick else 10), sequential, errors)
        samples: list[float] = []
        threads = [
            threading.Thread(target=_client, args=(port, token, paths, per_client, samples, errors))
            for _ in range(clients)
        ]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, first: {errors[0]}")
    p95 = _p95(samples)
    base = _p95(sequential)
    return {
        "size": f"{clients} clients × {per_client} req, {len(paths)} endpoints, {conversations} conversations",
        "metric": "p95 latency",
        "value": round(p95, 1),
        "unit": "ms",
        "baseline": "p95 of one sequential client",
        "baseline_value": round(base, 1),
        "ratio": round(p95 / base, 2) if base else None,
        "bound": 100.0,
        "extra": {
            "requests/s": round(len(samples) / elapsed, 1),
            "median ms": round(statistics.median(samples) * 1000, 1),
            "endpoints": ", ".join(paths),
        },
    }
