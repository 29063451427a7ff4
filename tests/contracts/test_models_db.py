"""Database guards: overlapping versions, the issued-invoice trigger, the credit-note cap."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from apps.contracts import services
from apps.contracts.models import ContractVersion, Invoice
from apps.core.errors import DomainError
from tests.contracts.factories import add_usage, make_contract

pytestmark = pytest.mark.django_db
NOV = date(2026, 11, 1)


@pytest.fixture
def issued(brand_a, account_manager):
    contract = make_contract(client=brand_a)
    add_usage(contract, metric="messages", day=date(2026, 11, 5), quantity=10, key="m1")
    services.billing_run_now(period_start=NOV)
    invoice = Invoice.objects.get(contract=contract)
    services.invoice_approve(invoice=invoice, actor=account_manager)
    return services.invoice_issue(invoice=invoice, actor=account_manager)


def test_overlapping_versions_are_refused_by_the_database(brand_a):
    contract = make_contract(client=brand_a, valid_from=date(2026, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractVersion.objects.create(contract=contract, valid_from=date(2026, 6, 1))


def test_overlapping_versions_are_refused_by_clean(brand_a):
    contract = make_contract(client=brand_a, valid_from=date(2026, 1, 1))
    version = ContractVersion(contract=contract, valid_from=date(2026, 6, 1))
    with pytest.raises(DomainError) as exc:
        services.full_clean_or_raise(version)
    assert exc.value.field == "valid_from"


def test_version_create_ends_the_open_version(brand_a):
    contract = make_contract(client=brand_a, valid_from=date(2026, 1, 1))
    services.version_create(contract=contract, valid_from=date(2026, 10, 16), reason="price change")
    spans = list(contract.versions.order_by("valid_from").values_list("valid_from", "valid_to"))
    assert spans == [(date(2026, 1, 1), date(2026, 10, 16)), (date(2026, 10, 16), None)]


def test_raw_sql_update_of_an_issued_invoice_fails(issued):
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE contracts_invoice SET total = total + 1 WHERE id = %s", [issued.pk])


def test_raw_sql_delete_of_an_issued_invoice_fails(issued):
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM contracts_invoice WHERE id = %s", [issued.pk])


def test_raw_sql_change_of_an_issued_invoice_line_fails(issued):
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE contracts_invoiceline SET amount = 0 WHERE invoice_id = %s", [issued.pk])


def test_issued_to_paid_is_the_one_allowed_change(issued):
    with connection.cursor() as cur:
        cur.execute("UPDATE contracts_invoice SET status = 'paid', paid_at = now() WHERE id = %s", [issued.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE contracts_invoice SET paid_at = now() WHERE id = %s", [issued.pk])


def test_credit_note_cap_holds_in_the_database(issued, account_manager):
    services.credit_note_create(invoice=issued, total=Decimal("5.00"), reason="goodwill", actor=account_manager)
    with pytest.raises(DatabaseError, match="exceed"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "INSERT INTO contracts_creditnote (invoice_id, number, subtotal, vat_amount, total, reason, issued_at)"
            " VALUES (%s, 'X1', %s, 0, %s, 'raw', now())",
            [issued.pk, issued.total, issued.total],
        )


def test_daily_rollup_follows_inserts_updates_and_deletes(brand_a):
    from django.db.models import Sum

    from apps.contracts.models import UsageDaily, UsageRecord

    contract = make_contract(client=brand_a)
    for i, day in enumerate([date(2026, 11, 5), date(2026, 11, 5), date(2026, 11, 6)]):
        add_usage(contract, metric="messages", day=day, quantity=10 + i, key=f"k{i}", night=i)
    UsageRecord.objects.filter(source_key="k0").update(quantity=Decimal(100))
    UsageRecord.objects.filter(source_key="k2").delete()

    def sums(model):
        return list(
            model.objects.values("metric", "day").order_by("day").annotate(q=Sum("quantity"), n=Sum("night_quantity"))
        )

    assert sums(UsageDaily) == sums(UsageRecord)
    assert UsageDaily.objects.get().records == 2
