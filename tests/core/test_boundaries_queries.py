"""Query counts pinned on every list and detail page, admin page and API endpoint of the apps
reports, orders, intraday, workforce, conversations, people, clients and core (NetBox style).

Each URL is fetched once with one brand's world of objects (tests.core.access_world) and once with
three brands' worlds. The count must not grow with the rows (an N+1 fails here) and must equal
the pinned figure (a change in either direction is a decision: re-pin it in the same commit).
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.core.access_world import WEEK, build_world
from tests.factories import make_client

pytestmark = pytest.mark.django_db

OWNED_APPS = ("reports", "orders", "intraday", "workforce", "conversations", "people", "clients", "core")

# API list and detail endpoints: (path, world model label or None for a list)
API = [
    ("/api/v1/me/", None),
    ("/api/v1/promo-events/", None),
    ("/api/v1/promo-events/{id}/", "core.PromoEvent"),
    ("/api/v1/clients/", None),
    ("/api/v1/clients/{id}/", "clients.Client"),
    ("/api/v1/stores/", None),
    ("/api/v1/stores/{id}/", "clients.Store"),
    ("/api/v1/sites/", None),
    ("/api/v1/sites/{id}/", "clients.Site"),
    ("/api/v1/data-exports/", None),
    ("/api/v1/data-exports/{id}/", "clients.DataRun"),
    ("/api/v1/conversations/", None),
    ("/api/v1/conversations/{id}/", "conversations.Conversation"),
    ("/api/v1/imports/", None),
    ("/api/v1/imports/{id}/", "conversations.ImportRun"),
    ("/api/v1/workforce/forecasts/", None),
    ("/api/v1/workforce/forecasts/{id}/", "workforce.Forecast"),
    ("/api/v1/workforce/forecast-overrides/", None),
    ("/api/v1/workforce/forecast-overrides/{id}/", "workforce.ForecastOverride"),
    ("/api/v1/workforce/requirements/", None),
    ("/api/v1/workforce/requirements/{id}/", "workforce.StaffingRequirement"),
    ("/api/v1/workforce/rosters/", None),
    ("/api/v1/workforce/rosters/{id}/", "workforce.Roster"),
    ("/api/v1/workforce/solve-runs/", None),
    ("/api/v1/workforce/solve-runs/{id}/", "workforce.SolveRun"),
    ("/api/v1/report-runs/", None),
    ("/api/v1/report-runs/{id}/", "reports.ReportRun"),
    ("/api/v1/billing-documents/", None),
    ("/api/v1/billing-documents/{id}/", "reports.RenderedDocument"),
    ("/api/v1/orders/", None),
    ("/api/v1/orders/{id}/", "orders.Order"),
    ("/api/v1/order-imports/", None),
    ("/api/v1/order-imports/{id}/", "orders.OrderImportRun"),
    ("/api/v1/sales/{id}/?start=2026-11-01&end=2026-12-01", "clients.Client"),
    ("/api/v1/intraday/alerts/", None),
    ("/api/v1/intraday/alerts/{id}/", "intraday.Alert"),
    ("/api/v1/intraday/room/?client={id}&date=2026-11-11&at=2026-11-11T12:00:00%2B08:00", "clients.Client"),
    ("/api/v1/intraday/levers/?client={id}&date=2026-11-11&at=2026-11-11T12:00:00%2B08:00", "clients.Client"),
]

# Pages: (path, world model label used for a ?client= filter or None)
PAGES = [
    ("/", None),
    ("/reports/", None),
    ("/clients/exports/", None),
    ("/workforce/?client={client}&week=" + WEEK.isoformat(), "clients.Client"),
    ("/sales/{client}/", "clients.Client"),
    ("/intraday/?client={client}&date=2026-11-11&at=12:00", "clients.Client"),
    ("/intraday/panel/?date=2026-11-11&at=12:00", None),
    ("/intraday/sites/{client}/?date=2026-11-11&at=12:00", "clients.Site"),
]

# Counts for a superuser (every brand, no permission filtering), after a warm-up request. Every HTML
# page pays one query for the top bar (the user's roles, to link only the pages the user may open).
PINNED: dict[str, int] = {
    "/api/v1/me/": 3,
    "/api/v1/promo-events/": 4,
    "/api/v1/promo-events/{core.PromoEvent}/": 3,
    "/api/v1/clients/": 5,
    "/api/v1/clients/{clients.Client}/": 4,
    "/api/v1/stores/": 4,
    "/api/v1/stores/{clients.Store}/": 3,
    "/api/v1/sites/": 4,
    "/api/v1/sites/{clients.Site}/": 3,
    "/api/v1/data-exports/": 4,
    "/api/v1/data-exports/{clients.DataRun}/": 3,
    "/api/v1/conversations/": 4,
    "/api/v1/conversations/{conversations.Conversation}/": 4,
    "/api/v1/imports/": 4,
    "/api/v1/imports/{conversations.ImportRun}/": 3,
    "/api/v1/workforce/forecasts/": 4,
    "/api/v1/workforce/forecasts/{workforce.Forecast}/": 3,
    "/api/v1/workforce/forecast-overrides/": 4,
    "/api/v1/workforce/forecast-overrides/{workforce.ForecastOverride}/": 3,
    "/api/v1/workforce/requirements/": 4,
    "/api/v1/workforce/requirements/{workforce.StaffingRequirement}/": 3,
    "/api/v1/workforce/rosters/": 4,
    "/api/v1/workforce/rosters/{workforce.Roster}/": 5,
    "/api/v1/workforce/solve-runs/": 4,
    "/api/v1/workforce/solve-runs/{workforce.SolveRun}/": 3,
    "/api/v1/report-runs/": 4,
    "/api/v1/report-runs/{reports.ReportRun}/": 3,
    "/api/v1/billing-documents/": 4,
    "/api/v1/billing-documents/{reports.RenderedDocument}/": 3,
    "/": 3,
    "/reports/": 5,
    "/clients/exports/": 6,
    "/workforce/?client={client}&week=2026-11-09": 21,
    "admin clients.Client list": 6,
    "admin clients.Client change": 6,
    "admin clients.ClientMembership list": 7,
    "admin clients.DataRun list": 7,
    "admin clients.DataRun change": 5,
    "admin clients.Site list": 6,
    "admin clients.Site change": 4,
    "admin clients.Store list": 7,
    "admin clients.Store change": 5,
    "admin conversations.Conversation list": 9,
    "admin conversations.Conversation change": 7,
    "admin conversations.ImportRun list": 7,
    "admin conversations.ImportRun change": 5,
    "admin conversations.Message list": 5,
    "admin core.AuditEvent list": 11,
    "admin core.PromoEvent list": 7,
    "admin core.PromoEvent change": 4,
    "admin reports.RenderedDocument list": 7,
    "admin reports.RenderedDocument change": 5,
    "admin reports.ReportRun list": 9,
    "admin reports.ReportRun change": 4,
    "admin people.Agent list": 7,
    "admin people.Agent change": 9,
    "admin workforce.AgentSkill list": 8,
    "admin workforce.Availability list": 7,
    "admin workforce.Forecast list": 9,
    "admin workforce.Forecast change": 5,
    "admin workforce.ForecastOverride list": 7,
    "admin workforce.ForecastOverride change": 6,
    "admin workforce.Leave list": 8,
    "admin workforce.Roster list": 7,
    "admin workforce.Roster change": 6,
    "admin workforce.RosterChange list": 6,
    "admin workforce.Shift list": 7,
    "admin workforce.ShiftRule list": 6,
    "admin workforce.SolveRun list": 7,
    "admin workforce.SolveRun change": 5,
    "admin workforce.StaffingRequirement list": 9,
    "admin workforce.StaffingRequirement change": 5,
    "/api/v1/orders/": 4,
    "/api/v1/orders/{orders.Order}/": 3,
    "/api/v1/order-imports/": 4,
    "/api/v1/order-imports/{orders.OrderImportRun}/": 3,
    "/api/v1/sales/{clients.Client}/?start=2026-11-01&end=2026-12-01": 24,
    "/api/v1/intraday/alerts/": 4,
    "/api/v1/intraday/alerts/{intraday.Alert}/": 3,
    "/api/v1/intraday/room/?client={clients.Client}&date=2026-11-11&at=2026-11-11T12:00:00%2B08:00": 13,
    "/api/v1/intraday/levers/?client={clients.Client}&date=2026-11-11&at=2026-11-11T12:00:00%2B08:00": 17,
    "/sales/{client}/": 26,
    "/intraday/?client={client}&date=2026-11-11&at=12:00": 23,
    "/intraday/panel/?date=2026-11-11&at=12:00": 21,
    "/intraday/sites/{client}/?date=2026-11-11&at=12:00": 10,
    "admin intraday.AgentStateEvent list": 8,
    "admin intraday.Alert list": 9,
    "admin intraday.Alert change": 5,
    "admin intraday.AlertWebhook list": 7,
    "admin intraday.LeverApplication list": 7,
    "admin intraday.PushGrant list": 7,
    "admin intraday.Reforecast list": 7,
    "admin intraday.WebhookDelivery list": 6,
    "admin orders.Attribution list": 6,
    "admin orders.Evaluation list": 8,
    "admin orders.Order list": 8,
    "admin orders.Order change": 6,
    "admin orders.OrderImportRun list": 7,
    "admin orders.OrderImportRun change": 5,
}


def _admin_urls(world: dict[str, int]) -> list[tuple[str, str]]:
    """(key, url) of the changelist of every admin-registered model of the owned apps, and of its
    change page for the world's object when the world holds one."""
    urls = []
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label):
        opts = model._meta
        if opts.app_label not in OWNED_APPS:
            continue
        urls.append((f"admin {opts.label} list", reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")))
        if opts.label in world:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[world[opts.label]])
            urls.append((f"admin {opts.label} change", change))
    return urls


def _urls(world: dict[str, int]) -> list[tuple[str, str]]:
    """(key, url): the key is the URL with its model label in place of the id (stable across runs)."""
    out = [(path.replace("{id}", f"{{{label}}}"), path.replace("{id}", str(world[label])) if label else path)
           for path, label in API]  # fmt: skip
    out += [(path, path.replace("{client}", str(world[label])) if label else path) for path, label in PAGES]
    return out + _admin_urls(world)


def _counts(client, urls: list[tuple[str, str]]) -> dict[str, int]:
    counts = {}
    for key, url in urls:
        client.get(url)  # warm the per-user caches (permissions, roles) as a second request would
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[key] = len(ctx.captured_queries)
    return counts


def test_query_counts_do_not_grow_with_rows_and_stay_pinned(brand_a, brand_b, django_user_model):
    user = django_user_model.objects.create_superuser("pin", "pin@example.com", "x")
    from django.test import Client

    client = Client()
    client.force_login(user)
    world = build_world(brand_a)
    urls = _urls(world)
    one = _counts(client, urls)
    build_world(brand_b)
    build_world(make_client(code="brand-c"))
    three = _counts(client, urls)
    grew = {key: (one[key], three[key]) for key in one if three[key] != one[key]}
    assert grew == {}, "query count grows with the rows (1 brand, 3 brands)"
    assert one == PINNED
