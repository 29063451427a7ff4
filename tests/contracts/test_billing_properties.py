"""Invariants of the stored billing run (Hypothesis, real Postgres): order, copies and batching of
usage do not change the invoices; lines + VAT = total; a second run changes nothing."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.contracts import services
from apps.contracts.models import Invoice, UsageRecord
from tests import factories
from tests.contracts.factories import add_charge, make_contract, make_entity

NOV = date(2026, 11, 1)
METRICS = ["human_conversations", "bot_conversations", "messages"]

events = st.lists(st.tuples(st.sampled_from(METRICS), st.integers(0, 29), st.integers(0, 400)), min_size=0, max_size=25)


class Rollback(Exception):
    pass


def _terms(contract):
    add_charge(
        contract,
        code="human",
        name="人工",
        metric="human_conversations",
        model="graduated",
        included_quantity=Decimal(50),
        tiers=[(0, 300, "1.5"), (300, None, "1.1")],
    )
    add_charge(
        contract,
        code="bot",
        name="机器人",
        metric="bot_conversations",
        model="volume",
        tiers=[(0, 500, "0.4"), (500, None, "0.3")],
    )
    add_charge(
        contract,
        code="msg",
        name="消息",
        metric="messages",
        model="package",
        package_size=Decimal(100),
        package_price=Decimal("7.5"),
    )


def _post(contract, rows):
    from datetime import datetime

    from django.utils import timezone

    objs = []
    for key, (metric, offset, qty) in rows:
        day = NOV + timedelta(days=offset)
        objs.append(
            UsageRecord(
                contract=contract,
                metric=metric,
                source="api",
                source_key=str(key),
                quantity=Decimal(qty),
                occurred_at=timezone.make_aware(datetime(day.year, day.month, day.day, 12)),
                day=day,
            )
        )
    services.usage_records_insert(objs)  # a copy of a stored business key is skipped


def _lines(contract):
    invoice = Invoice.objects.get(contract=contract)
    return invoice.total, list(invoice.lines.order_by("position").values_list("code", "quantity", "amount"))


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events, st.randoms(use_true_random=False), st.integers(1, 3))
def test_order_copies_and_batches_do_not_change_the_invoice(rows, rnd, batch):
    try:
        with transaction.atomic():
            entity = make_entity()
            a = make_contract(client=factories.make_client(), entity=entity)
            b = make_contract(client=factories.make_client(), entity=entity)
            c = make_contract(client=factories.make_client(), entity=entity)
            for contract in (a, b, c):
                _terms(contract)
            keyed = list(enumerate(rows))
            _post(a, keyed)
            shuffled = keyed + rnd.sample(keyed, k=len(keyed) // 2)
            random.Random(len(rows)).shuffle(shuffled)
            for i in range(0, len(shuffled), 4):  # arrives in several posts, in another order, with copies
                _post(b, shuffled[i : i + 4])
            _post(c, keyed)
            services.billing_run_now(period_start=NOV, batch_size=batch, contract_ids=[a.pk, b.pk, c.pk])
            assert _lines(a) == _lines(b) == _lines(c)
            for contract in (a, b):
                invoice = Invoice.objects.get(contract=contract)
                assert services.invoice_lines_sum_check(invoice)
            before = sorted(Invoice.objects.filter(contract__in=[a, b, c]).values_list("pk", "fingerprint", "total"))
            again = services.billing_run_now(period_start=NOV, batch_size=4 - batch, contract_ids=[a.pk, b.pk, c.pk])
            assert again.invoices_unchanged == 3
            after = sorted(Invoice.objects.filter(contract__in=[a, b, c]).values_list("pk", "fingerprint", "total"))
            assert before == after
            raise Rollback
    except Rollback:
        pass
