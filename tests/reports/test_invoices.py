"""Invoice and credit-note PDFs, and the report's billing section, from invoices made by the
billing app's own services (contract, usage from conversations, billing run, approve, issue)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.contracts import selectors as billing_selectors
from apps.contracts import services as billing
from apps.core.choices import Role
from apps.core.errors import DomainError
from apps.reports import assembly, rendering, services, tasks
from apps.reports.models import RenderedDocument
from apps.reports.templatetags.report_format import cny, money
from tests import factories
from tests.contracts.factories import add_charge, add_sla, make_contract, make_entity
from tests.reports.conftest import DEC, NOV, pdf_fonts, pdf_text


def _bill(client, account_manager, *, entity=None):
    contract = make_contract(client=client, entity=entity, base_fee="20000", sla_at_risk_share=Decimal("0.10"))
    add_charge(
        contract,
        code="human",
        name="人工会话",
        kind="usage",
        metric="human_conversations",
        model="graduated",
        tiers=[("0", "20", "2.5"), ("20", None, "1.8")],
    )
    # a 3-second first-response target that the imported chats miss: an SLA credit with its measurement
    add_sla(contract, kpi="first_response_avg_s", target=Decimal(3), comparison="lte", weight=Decimal(1))
    billing.usage_derive_from_conversations(contract=contract, start=NOV, end=DEC)
    billing.billing_run_now(period_start=NOV)
    invoice = billing_selectors.invoice_for_client_period(client_id=client.pk, start=NOV, end=DEC)
    billing.invoice_approve(invoice=invoice, actor=account_manager)
    billing.invoice_issue(invoice=invoice, actor=account_manager)
    return billing_selectors.invoice_for_client_period(client_id=client.pk, start=NOV, end=DEC)


@pytest.fixture
def invoice_a(november_a, account_manager):
    return _bill(november_a, account_manager)


@pytest.fixture
def invoice_b(november_b, account_manager):
    return _bill(november_b, account_manager)


def test_invoice_pdf_prints_every_line_tier_party_and_total(invoice_a, media_root, tmp_path):
    doc = services.document_render(kind="invoice", object_id=invoice_a.pk)
    text = pdf_text(doc.pdf.read(), tmp_path)
    entity, client = invoice_a.entity, invoice_a.contract.client
    for expected in [
        invoice_a.number,
        entity.legal_name,
        entity.uscc,
        entity.bank_account,
        client.legal_name,
        client.uscc,
        "服务费结算单",  # a statement, not the tax fapiao (issue #14)
        "价税合计",
        cny(invoice_a.total),
        money(invoice_a.subtotal),
        money(invoice_a.vat_amount),
        "增值税 6.0%",
    ]:
        assert expected in text, expected
    for line in invoice_a.lines.exclude(kind="sla_credit"):
        assert line.description in text and money(line.amount) in text
    usage = invoice_a.lines.get(code__startswith="human", kind="usage")
    for tier in usage.tiers:
        if Decimal(tier["quantity"]):
            assert money(Decimal(tier["amount"])) in text


def test_invoice_pdf_shows_the_sla_credit_with_its_measurement(invoice_a, media_root, tmp_path):
    result = billing_selectors.sla_results_for_invoice(invoice_a)[0]
    assert not result.met and result.credit_amount > 0
    text = pdf_text(services.document_render(kind="invoice", object_id=invoice_a.pk).pdf.read(), tmp_path)
    assert "SLA 扣减" in text
    assert "≤ 3.0 秒" in text
    assert money(-result.credit_amount) in text


def test_invoice_pdf_fonts_are_embedded_and_subset(invoice_a, media_root, tmp_path):
    doc = services.document_render(kind="invoice", object_id=invoice_a.pk)
    fonts = pdf_fonts(doc.pdf.read(), tmp_path)
    assert fonts and all((f["emb"], f["sub"]) == ("yes", "yes") for f in fonts)


def test_credit_note_pdf_refers_to_its_invoice(invoice_a, account_manager, media_root, tmp_path):
    note = billing.credit_note_create(
        invoice=invoice_a, total="106.00", reason="双11 期间重复计费", actor=account_manager
    )
    doc = services.document_render(kind="credit_note", object_id=note.pk)
    text = pdf_text(doc.pdf.read(), tmp_path)
    for expected in [note.number, invoice_a.number, "双11 期间重复计费", "-¥106.00", money(-note.subtotal)]:
        assert expected in text, expected


def test_printing_twice_with_the_same_data_keeps_the_file(invoice_a, media_root):
    first = services.document_render(kind="invoice", object_id=invoice_a.pk)
    again = services.document_render(kind="invoice", object_id=invoice_a.pk)
    assert (again.pk, again.sha256, again.pdf.name) == (first.pk, first.sha256, first.pdf.name)
    assert RenderedDocument.objects.count() == 1


def test_a_draft_invoice_is_not_printed(november_a, account_manager, media_root):
    contract = make_contract(client=november_a, base_fee="1000")
    billing.billing_run_now(period_start=NOV)
    draft = contract.invoices.get()
    with pytest.raises(DomainError):
        services.document_render(kind="invoice", object_id=draft.pk)


def test_task_prints_every_issued_document_once(invoice_a, invoice_b, media_root):
    assert tasks.render_issued_documents_task() == 2
    assert tasks.render_issued_documents_task() == 0


def test_client_viewer_fetches_only_its_own_invoice_pdf(invoice_a, invoice_b, viewer_a, api, media_root):
    own = services.document_render(kind="invoice", object_id=invoice_a.pk)
    other = services.document_render(kind="invoice", object_id=invoice_b.pk)
    client = api(viewer_a)
    listed = client.get("/api/v1/billing-documents/").json()["results"]
    assert [d["id"] for d in listed] == [own.pk]
    response = client.get(f"/api/v1/billing-documents/{own.pk}/pdf/")
    assert response.status_code == 200 and b"".join(response.streaming_content)[:5] == b"%PDF-"
    assert client.get(f"/api/v1/billing-documents/{other.pk}/pdf/").status_code == 404


def test_roles_without_invoice_access_get_no_invoice_pdfs(invoice_a, api, media_root):
    services.document_render(kind="invoice", object_id=invoice_a.pk)
    qa_user = factories.make_user(role=Role.QA_SUPERVISOR)
    assert api(qa_user).get("/api/v1/billing-documents/").status_code == 403


def test_report_billing_and_sla_sections_equal_the_invoice(invoice_a, tmp_path):
    report = assembly.assemble_client_report(client=invoice_a.contract.client, kind="monthly", start=NOV, end=DEC)
    assert report.billing.number == invoice_a.number
    assert (report.billing.subtotal, report.billing.vat, report.billing.total) == (
        invoice_a.subtotal,
        invoice_a.vat_amount,
        invoice_a.total,
    )
    results = billing_selectors.sla_results_for_invoice(invoice_a)
    assert [row.met for row in report.sla.rows] == [r.met for r in results]
    assert report.sla.credit_total == sum(r.credit_amount for r in results)
    assert report.sla.rows[0].rag == "red"
    assert report.vendor.legal_name == invoice_a.entity.legal_name
    text = pdf_text(rendering.render_report(report).content, tmp_path)
    assert invoice_a.number in text and cny(invoice_a.total) in text
    assert "SLA 达成情况（对照合同）" in text and "未达标" in text


def test_printing_for_another_entity_uses_its_bank_details(november_a, account_manager, media_root, tmp_path):
    entity = make_entity(
        legal_name="潮汐客服（合肥）有限公司", bank_name="中国银行合肥分行", bank_account="1234567890123"
    )
    invoice = _bill(november_a, account_manager, entity=entity)
    text = pdf_text(services.document_render(kind="invoice", object_id=invoice.pk).pdf.read(), tmp_path)
    assert "潮汐客服（合肥）有限公司" in text and "中国银行合肥分行" in text and "1234567890123" in text
