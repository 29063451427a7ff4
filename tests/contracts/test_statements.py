"""The statement after issue: its page, fapiao, payments, the brand's confirmation, receivables and
the exports finance uses."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from apps.contracts import exports, receivables, selectors, services, statements
from apps.contracts.models import CreditNote, Invoice
from apps.core.choices import Role
from apps.core.errors import DomainError
from tests import factories
from tests.contracts.factories import add_charge, add_sla, add_usage, make_contract

NOV = date(2026, 11, 1)
ISSUED_AT = timezone.make_aware(datetime(2026, 12, 1, 10))


@pytest.fixture
def statement(brand_a, account_manager):
    """Brand A's November statement, issued on 1 Dec: base 15,000 + 1,300 conversations on tiers."""
    contract = make_contract(client=brand_a, base_fee="15000", payment_terms_days=30)
    add_charge(
        contract,
        code="human",
        name="人工会话",
        metric="human_conversations",
        model="graduated",
        included_quantity=Decimal(100),
        tiers=[(0, 1000, "1.5"), (1000, None, "1.2")],
    )
    add_sla(contract, kpi="first_response_avg_s", target=Decimal(30), comparison="lte", weight=Decimal(1))
    add_usage(contract, metric="human_conversations", day=date(2026, 11, 3), quantity=1300, key="a")
    services.billing_run_now(period_start=NOV)
    invoice = Invoice.objects.get(contract=contract)
    services.invoice_approve(invoice=invoice, actor=account_manager, reason="checked", confirm_problems=True)
    return services.invoice_issue(invoice=invoice, actor=account_manager, at=ISSUED_AT)


def _error(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


@pytest.mark.django_db
def test_partial_payments_then_paid_and_a_payment_above_open_is_refused(statement, account_manager):
    total = statement.total  # 15,000 + 1,740 = 16,740.00 + 6% = 17,744.40
    assert total == Decimal("17744.40")
    statements.payment_record(
        invoice=statement, amount="10000.00", received_on=date(2026, 12, 1), actor=account_manager
    )
    assert receivables.open_amount(statement) == Decimal("7744.40")
    with translation.override("zh-hans"):
        err = _error(
            lambda: statements.payment_record(
                invoice=statement, amount="7744.41", received_on=date(2026, 12, 1), actor=account_manager
            )
        )
    assert err.field == "amount" and "7,744.40" not in err.message and "7744.40" in err.message
    assert "超过" in err.message  # in the user's language
    statements.payment_record(invoice=statement, amount="7744.40", received_on=date(2026, 12, 1), actor=account_manager)
    statement.refresh_from_db()
    assert statement.status == "paid" and receivables.open_amount(statement) == 0


@pytest.mark.django_db
def test_fapiao_must_match_tax_and_what_is_left(statement, account_manager):
    record = dict(invoice=statement, issued_on=date(2026, 12, 2), vat_rate="0.06", actor=account_manager)
    assert (
        _error(
            lambda: statements.fapiao_record(number="26440000000000000001", amount="10000.00", tax="599.99", **record)
        ).field
        == "tax"
    )
    assert (
        _error(
            lambda: statements.fapiao_record(
                number="26440000000000000001", amount="10000.00", tax="1300.00", **{**record, "vat_rate": "0.13"}
            )
        ).field
        == "vat_rate"
    )
    statements.fapiao_record(number="26440000000000000001", amount="10000.00", tax="600.00", **record)
    statements.fapiao_record(number="26440000000000000002", amount="6740.00", tax="404.40", **record)
    assert (
        _error(
            lambda: statements.fapiao_record(number="26440000000000000003", amount="0.01", tax="0.00", **record)
        ).field
        == "amount"
    )
    assert (
        _error(
            lambda: statements.fapiao_record(number="26440000000000000002", amount="1.00", tax="0.06", **record)
        ).field
        == "number"
    )
    assert sum(f.total for f in statement.fapiaos.all()) == statement.total


@pytest.mark.django_db
def test_brand_disputes_manager_answers_with_a_correction_brand_confirms(statement, brand_a, account_manager):
    viewer = factories.make_user(role=Role.CLIENT_VIEWER, client=brand_a)
    assert receivables.confirmation_state(statement) == "awaiting"
    assert (
        _error(lambda: statements.statement_answer(invoice=statement, answer="disputed", actor=viewer)).field
        == "reason"
    )
    statements.statement_answer(invoice=statement, answer="disputed", reason="11月3日会话数重复计算", actor=viewer)
    assert receivables.confirmation_state(statement) == "disputed"
    assert (
        _error(lambda: statements.statement_answer(invoice=statement, answer="confirmed", actor=viewer)).field
        == "answer"
    )
    answer = statements.dispute_answer(
        invoice=statement, actor=account_manager, reply="已核实，冲减 100 条会话", correction_total="159.00"
    )
    assert answer.correction.total == Decimal("159.00")
    assert CreditNote.objects.filter(invoice=statement).count() == 1
    assert receivables.confirmation_state(statement) == "answered"
    statements.statement_answer(invoice=statement, answer="confirmed", actor=viewer)
    assert receivables.confirmation_state(statement) == "confirmed"
    assert receivables.open_amount(statement) == statement.total - Decimal("159.00")


@pytest.mark.django_db
def test_ageing_buckets_and_overdue(statement, account_manager):
    rows = receivables.receivables(invoices=Invoice.objects.all(), today=date(2026, 12, 31))
    assert [(r.age_days, r.bucket, r.overdue) for r in rows] == [(30, "0-30", False)]
    rows = receivables.receivables(invoices=Invoice.objects.all(), today=date(2027, 1, 1))
    assert [(r.age_days, r.bucket, r.overdue) for r in rows] == [(31, "31-60", True)]
    rows = receivables.receivables(invoices=Invoice.objects.all(), today=date(2027, 3, 2))
    (brand,) = receivables.ageing_by_brand(rows)
    assert brand.buckets["90+"] == statement.total and brand.overdue == statement.total
    statements.payment_record(
        invoice=statement, amount=statement.total, received_on=date(2026, 12, 2), actor=account_manager
    )
    assert receivables.ageing_by_brand(receivables.receivables(invoices=Invoice.objects.all())) == []


@pytest.mark.django_db
def test_statement_page_reads_in_words(client, statement, account_manager):
    client.force_login(account_manager)
    billing = client.get("/billing/?month=2026-11").content.decode()
    assert f'href="/billing/statements/{statement.pk}/"' in billing and statement.number in billing
    page = client.get(f"/billing/statements/{statement.pk}/").content.decode()
    assert "服务费结算单" in page and "¥17,744.40" in page
    assert "1–1,000 条 × ¥1.50 = ¥1,500.00" in page and "1,001–1,200 条 × ¥1.20 = ¥240.00" in page
    assert "15000.0000" not in page and "{&quot;" not in page and statement.fingerprint not in page
    for action in ("payment", "fapiao", "credit"):
        assert f'name="action" value="{action}"' in page
    assert 'value="approve"' not in page and 'value="confirmed"' not in page


@pytest.mark.django_db
def test_page_actions_refuse_bad_input_naming_the_field(client, statement, account_manager):
    client.force_login(account_manager)
    url = f"/billing/statements/{statement.pk}/act/"
    response = client.post(url, {"action": "payment", "amount": "99999", "received_on": "2026-12-01"}, follow=True)
    text = response.content.decode()
    assert "金额" in text and statement.payments.count() == 0
    client.post(url, {"action": "payment", "amount": "1000.00", "received_on": "2026-12-01", "reference": "BR-1"})
    assert statement.payments.get().amount == Decimal("1000.00")


@pytest.mark.django_db
def test_client_viewer_sees_and_answers_only_its_own(client, statement, brand_b):
    viewer_b = factories.make_user(role=Role.CLIENT_VIEWER, client=brand_b)
    client.force_login(viewer_b)
    assert client.get(f"/billing/statements/{statement.pk}/").status_code == 404
    assert client.post(f"/billing/statements/{statement.pk}/answer/", {"answer": "confirmed"}).status_code == 404
    viewer_a = factories.make_user(role=Role.CLIENT_VIEWER, client=statement.contract.client)
    client.force_login(viewer_a)
    page = client.get(f"/billing/statements/{statement.pk}/").content.decode()
    assert 'value="confirmed"' in page and 'name="action"' not in page
    assert client.post(f"/billing/statements/{statement.pk}/act/", {"action": "payment"}).status_code == 403
    client.post(f"/billing/statements/{statement.pk}/answer/", {"answer": "confirmed"})
    assert receivables.confirmation_state(statement) == "confirmed"


@pytest.mark.django_db
def test_fapiao_batch_and_receivables_exports(statement, account_manager):
    statements.fapiao_record(
        invoice=statement,
        number="26440000000000000009",
        issued_on=date(2026, 12, 2),
        amount="740.00",
        vat_rate="0.06",
        tax="44.40",
        actor=account_manager,
    )
    sheet = load_workbook(io.BytesIO(exports.fapiao_batch_xlsx([statement]))).active
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    data = dict(zip(header, row, strict=True))
    client = statement.contract.client
    assert data["购买方名称"] == client.legal_name and data["购买方纳税人识别号（统一社会信用代码）"] == client.uscc
    assert data["金额（不含税）"] == 16000 and data["税额"] == 960 and data["税率"] == 0.06
    assert data["商品和服务税收分类编码"] == statement.entity.tax_category_code
    rows = receivables.receivables(invoices=selectors.invoice_list(user=account_manager), today=date(2026, 12, 10))
    book = load_workbook(io.BytesIO(exports.receivables_xlsx(rows))).active
    data = dict(zip([c.value for c in book[1]], [c.value for c in book[2]], strict=True))
    assert data["未收金额"] == pytest.approx(17744.40) and isinstance(data["未收金额"], float | int)
    assert data["开具时间"] == datetime(2026, 12, 1, 10, 0)  # local time, not UTC
    assert data["是否逾期"] == "否" and data["客户确认"] == "待确认"
    csv_text = exports.receivables_csv(rows).decode("utf-8-sig")
    assert csv_text.startswith("品牌,") and "2026-12-01 10:00" in csv_text and "17744.40" in csv_text


@pytest.mark.django_db
def test_api_records_payment_and_refuses_above_open(api, statement, account_manager):
    api = api(account_manager)
    url = f"/api/v1/invoices/{statement.pk}/payments/"
    bad = api.post(url, {"amount": "20000.00", "received_on": "2026-12-01"}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "amount"
    ok = api.post(url, {"amount": "744.40", "received_on": "2026-12-01"}, format="json")
    assert ok.status_code == 201
    rows = api.get("/api/v1/invoices/receivables/").json()
    assert rows[0]["open"] == "17000.00" and rows[0]["confirmation"] == "awaiting"
    schema = api.get("/api/schema/").content.decode()
    for path in ("/payments/", "/fapiao/", "/confirmation/", "/answer-dispute/", "/receivables/", "/fapiao-batch/"):
        assert path in schema


@pytest.mark.django_db(transaction=True)
def test_issue_prints_the_pdf_on_commit(brand_a, account_manager, media_root):
    from apps.reports import selectors as report_selectors

    contract = make_contract(client=brand_a, base_fee="15000")
    services.billing_run_now(period_start=NOV)
    invoice = Invoice.objects.get(contract=contract)
    services.invoice_approve(invoice=invoice, actor=account_manager, reason="ok", confirm_problems=True)
    invoice = services.invoice_issue(invoice=invoice, actor=account_manager)
    document = report_selectors.rendered_document_of(kind="invoice", object_id=invoice.pk)
    assert document is not None and document.number == invoice.number and document.page_count >= 1


@pytest.mark.django_db
def test_correction_reprints_and_supersedes_the_issued_monthly_report(statement, account_manager, media_root):
    from apps.core.models import AuditEvent
    from apps.reports import services as report_services
    from apps.reports.models import ReportRun

    run = ReportRun.objects.create(
        client=statement.contract.client,
        kind="monthly",
        period_start=NOV,
        period_end=date(2026, 12, 1),
        state="issued",
        issued_at=ISSUED_AT,
        sha256="0" * 64,
        commentary="十一月稳定",
    )
    note = services.credit_note_create(invoice=statement, total="10.60", reason="goodwill", actor=account_manager)
    done = statements.documents_render(credit_note_id=note.pk)
    run.refresh_from_db()
    new = run.superseded_by
    assert done == [f"correction {note.number}", f"report {run.pk} superseded by {new.pk}"]
    assert run.state == "issued" and run.superseded_at is not None and "更正" in run.superseded_reason
    assert new.state == "draft" and new.status == "pending" and new.commentary == "十一月稳定"
    assert AuditEvent.objects.filter(action="report.superseded", target_id=str(run.pk)).exists()
    # the new run renders the corrected total: the statement's total less the correction
    report = report_services.report_run_assemble(new)
    assert report.billing.total == statement.total
    assert report.billing.corrected_total == statement.total - Decimal("10.60")
    assert [c.number for c in report.billing.corrections] == [note.number]
    # a second correction re-renders the (draft) replacement; the superseded run is left alone
    again = services.credit_note_create(invoice=statement, total="5.30", reason="more", actor=account_manager)
    assert statements.documents_render(credit_note_id=again.pk) == [
        f"correction {again.number}",
        f"report {new.pk} re-rendered",
    ]
    assert ReportRun.objects.filter(client=run.client, period_start=NOV).count() == 2
    total = report_services.report_run_assemble(new).billing.corrected_total
    assert total == statement.total - Decimal("15.90")


@pytest.mark.django_db
def test_draft_page_offers_approval_with_a_reason_when_flagged(client, brand_a, account_manager):
    contract = make_contract(client=brand_a, base_fee="15000")
    add_charge(contract, code="human", name="人工会话", metric="human_conversations", unit_price=Decimal("1.5"))
    services.billing_run_now(period_start=NOV)
    draft = Invoice.objects.get(contract=contract)
    client.force_login(account_manager)
    page = client.get(f"/billing/statements/{draft.pk}/").content.decode()
    assert 'value="approve"' in page and 'name="confirm"' in page and "/pdf/" not in page
    client.post(f"/billing/statements/{draft.pk}/act/", {"action": "approve", "confirm": "1", "reason": ""})
    draft.refresh_from_db()
    assert draft.status == "draft"  # flagged (no usage): a reason is required
    client.post(f"/billing/statements/{draft.pk}/act/", {"action": "approve", "confirm": "1", "reason": "基础费按约定"})
    draft.refresh_from_db()
    assert draft.status == "approved"


@pytest.mark.django_db
def test_a_correction_is_downloaded_from_its_statement_page_by_its_brand_only(
    client, statement, account_manager, brand_b, media_root
):
    note = services.credit_note_create(invoice=statement, total="10.60", reason="服务补偿", actor=account_manager)
    url = f"/billing/statements/{statement.pk}/corrections/{note.pk}/pdf/"
    viewer_a = factories.make_user(role=Role.CLIENT_VIEWER, client=statement.contract.client)
    client.force_login(viewer_a)
    assert url in client.get(f"/billing/statements/{statement.pk}/").content.decode()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:5] == b"%PDF-"
    client.force_login(factories.make_user(role=Role.CLIENT_VIEWER, client=brand_b))
    assert client.get(url).status_code == 404
