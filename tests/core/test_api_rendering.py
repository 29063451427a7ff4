"""The orjson renderer writes the same bytes as DRF's JSONRenderer; a token is looked up once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy as _
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from apps.core.renderers import OrjsonRenderer


def test_orjson_renders_exactly_what_drf_renders():
    payload = ReturnDict(
        {
            "count": 2,
            "results": ReturnList(
                [
                    {
                        "id": 1,
                        "name": "悦肤",
                        "total": Decimal("1060.50"),
                        "at": datetime(2026, 11, 11, 2, 0, tzinfo=UTC),
                    },
                    {"day": date(2026, 11, 11), "slot": time(9, 30), "label": _("Draft"), "ok": True, "none": None},
                ],
                serializer=None,
            ),
            "ratio": 0.25,
        },
        serializer=None,
    )
    assert OrjsonRenderer().render(payload) == JSONRenderer().render(payload)


@pytest.mark.django_db
def test_a_token_request_looks_the_token_up_once(qa_supervisor):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=qa_supervisor)
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    token_lookups = [q for q in queries.captured_queries if "authtoken_token" in q["sql"]]
    assert len(token_lookups) == 1
