"""What an operator sees of a running Tideline: request ids, JSON logs and Prometheus metrics.

* **Request id.** `RequestIdMiddleware` takes `X-Request-ID` from the proxy (when it is a sane
  token) or makes one, keeps it in a context variable for the request, and echoes it in the
  response header. `RequestIdFilter` puts it on every log record (`-` outside a request), so a
  line of the web log and the request it belongs to can be joined.
* **JSON logs.** `JsonFormatter` writes one JSON object a line (time in UTC ISO-8601, level,
  logger, message, request_id, and the exception text when there is one). `LOG_FORMAT=json` in the
  environment turns it on (deploy/ does); development keeps the plain format.
* **Metrics.** `/metrics` answers in the Prometheus text format:
  - `tideline_http_requests_total{method,status}` and `tideline_http_request_seconds` (histogram),
    counted by `RequestIdMiddleware` in the web process. Under gunicorn set
    `PROMETHEUS_MULTIPROC_DIR` to an empty directory so the workers' counts add up.
  - From the database at scrape time, so every worker on every machine is counted once and
    nothing lives in a process: `tideline_runs{kind,status}` (rows of every long-running kind:
    imports, QA runs, solves, billing runs, reports), `tideline_run_seconds_sum/_count{kind}` and
    `tideline_run_items_per_second{kind}` over the runs finished in the last hour (the import and
    QA rates are the `ImportRun` and `QARun` kinds), and `tideline_runs_stuck{kind}`.
  - `tideline_queue_depth{queue}`: messages waiting in each Celery queue (Redis list length).
  The endpoint needs `Authorization: Bearer $TIDELINE_METRICS_TOKEN` when that setting is set.
  Without it, it is open in development and test (as scrapes on a private network expect) and
  closed (403) in production, so a forgotten token never publishes the figures.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import time
import uuid
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Sum
from django.http import HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REQUEST_ID = contextvars.ContextVar("request_id", default="-")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

HTTP_REQUESTS = Counter("tideline_http_requests", "HTTP requests answered", ["method", "status"])
HTTP_SECONDS = Histogram(
    "tideline_http_request_seconds",
    "Time to answer an HTTP request",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class RequestIdMiddleware:
    """Give every request an id (from X-Request-ID when sane), log with it, count and time it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        HTTP_SECONDS.observe(time.perf_counter() - started)
        HTTP_REQUESTS.labels(request.method, str(response.status_code)).inc()
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # django.request logs a refused or failed request after the middleware has returned, with
        # the request on the record: its id is still the request's own
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line; what log shippers (Loki, ELK, Cloud Logging) read without parsing."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class DatabaseCollector:
    """Gauges read from the run tables and the broker at scrape time (see the module docstring)."""

    def collect(self):
        from apps.core.choices import RunStatus
        from apps.core.runs import tracked_run_models

        runs = GaugeMetricFamily("tideline_runs", "Long-running work by kind and status", labels=["kind", "status"])
        seconds = GaugeMetricFamily(
            "tideline_run_seconds_sum", "Seconds spent by runs finished in the last hour", labels=["kind"]
        )
        finished = GaugeMetricFamily("tideline_run_seconds_count", "Runs finished in the last hour", labels=["kind"])
        rate = GaugeMetricFamily(
            "tideline_run_items_per_second",
            "Items (rows, conversations, contracts …) per second over runs finished in the last hour",
            labels=["kind"],
        )
        stuck = GaugeMetricFamily("tideline_runs_stuck", "Runs running past the task time limit", labels=["kind"])
        now = timezone.now()
        limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
        for model in tracked_run_models():
            kind = model.__name__
            for row in model.objects.values("status").annotate(n=Count("pk")).order_by():
                runs.add_metric([kind, row["status"]], row["n"])
            recent = model.objects.filter(
                status=RunStatus.SUCCEEDED, finished_at__gte=now - timedelta(hours=1), started_at__isnull=False
            ).aggregate(n=Count("pk"), spent=Sum(F("finished_at") - F("started_at")), items=Sum("progress_done"))
            spent = recent["spent"].total_seconds() if recent["spent"] else 0.0
            seconds.add_metric([kind], spent)
            finished.add_metric([kind], recent["n"] or 0)
            rate.add_metric([kind], (recent["items"] or 0) / spent if spent > 0 else 0.0)
            stuck.add_metric([kind], model.objects.filter(status=RunStatus.RUNNING, started_at__lt=now - limit).count())
        yield from (runs, seconds, finished, rate, stuck)
        depth = GaugeMetricFamily("tideline_queue_depth", "Messages waiting in a Celery queue", labels=["queue"])
        for queue, waiting in queue_depths().items():
            depth.add_metric([queue], waiting)
        yield depth


def queue_depths() -> dict[str, int]:
    """Messages waiting per Celery queue; empty with eager Celery or a broker that is not Redis."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL.startswith("redis"):
        return {}
    import redis

    names = sorted(set(getattr(settings, "TIDELINE_QUEUES", ())) | {settings.CELERY_TASK_DEFAULT_QUEUE})
    try:
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1)
        return {name: int(client.llen(name)) for name in names}
    except redis.RedisError:
        return {}


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(HTTP_REQUESTS)
        registry.register(HTTP_SECONDS)
    registry.register(DatabaseCollector())
    return registry


@never_cache
def metrics(request):
    token = getattr(settings, "TIDELINE_METRICS_TOKEN", "") or ""
    if not token and settings.TIDELINE_ENV == "production":
        return HttpResponseForbidden("set TIDELINE_METRICS_TOKEN to read metrics\n", content_type="text/plain")
    if token:
        offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not constant_time_compare(offered, token):
            return HttpResponseForbidden("metrics token required\n", content_type="text/plain")
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
