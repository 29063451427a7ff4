"""One object of every client-owned model for a brand, so the access matrix can ask for its ids.

`build_world(brand)` returns {model label: pk}. The access matrix test fills every `{id}` / `<pk>`
in a URL with the pk of the brand-B object of the URL's model; a model missing here makes that
test fail naming it, so add a line when you add a model that a URL takes by id.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from tests import factories
from tests.contracts.factories import make_contract
from tests.qa.factories import make_conversation

T0 = timezone.make_aware(datetime(2026, 11, 11, 10, 0))
WEEK = date(2026, 11, 9)


def build_world(brand, *, issued: bool = True) -> dict[str, int]:
    """Every client-owned object once for `brand`; `issued` marks the invoice and report issued."""
    from apps.contracts.models import BillingRun, CreditNote, Fapiao, Invoice, InvoiceLine, Payment, StatementResponse
    from apps.conversations.models import ImportRun
    from apps.core.models import PromoEvent
    from apps.qa.models import CalibrationSession, Dispute, QAResult, QARun, ReviewItem, Rule, Scorecard, ScorecardItem
    from apps.reports.models import RenderedDocument, ReportRun
    from apps.workforce.models import Forecast, ForecastOverride, Roster, Shift, SolveRun, StaffingRequirement

    store = factories.make_store(client=brand)
    agent = factories.make_agent()
    conversation = make_conversation(store=store, messages=[("buyer", 0, "在吗"), ("agent", 20, "您好")], agent=agent)
    contract = make_contract(client=brand)
    invoice = Invoice.objects.create(
        contract=contract,
        entity=contract.entity,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 11, 1),
        subtotal=Decimal(100),
        vat_amount=Decimal(6),
        total=Decimal(106),
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        position=1,
        kind="base",
        code="base",
        description="基础服务费",
        quantity=Decimal(1),
        amount_unrounded=Decimal(100),
        amount=Decimal(100),
        vat_rate=Decimal("0.06"),
    )
    if issued:  # lines first: the database refuses new lines on an issued invoice
        Invoice.objects.filter(pk=invoice.pk).update(status="issued", number=f"INV-{brand.code}", issued_at=T0)
    credit = CreditNote.objects.create(
        invoice=invoice,
        number=f"CN-{brand.code}",
        subtotal=Decimal(10),
        vat_amount=Decimal("0.60"),
        total=Decimal("10.60"),
        reason="调整",
        issued_at=T0,
    )
    fapiao = Fapiao.objects.create(
        invoice=invoice,
        number=f"2644{brand.pk:016d}",
        issued_on=T0.date(),
        amount=Decimal(50),
        vat_rate=Decimal("0.06"),
        tax=Decimal(3),
    )
    payment = Payment.objects.create(invoice=invoice, amount=Decimal(20), received_on=T0.date())
    answer = StatementResponse.objects.create(invoice=invoice, kind="disputed", reason="数量不对")
    billing_run = BillingRun.objects.create(period_start=date(2026, 10, 1), period_end=date(2026, 11, 1))
    scorecard = Scorecard.objects.create(client=brand, name="默认评分卡")
    item = ScorecardItem.objects.create(scorecard=scorecard, code="speed", name="响应速度")
    rule = Rule.objects.create(
        scorecard=scorecard,
        item=item,
        code="first",
        name="首响",
        rule_type="timing",
        params={"metric": "first_response", "threshold_s": 30},
    )
    result = QAResult.objects.create(
        conversation=conversation,
        scorecard=scorecard,
        started_at=T0,
        status="scored",
        auto_score=90,
        score=90,
        passed=True,
    )
    review = ReviewItem.objects.create(result=result, reason="sample")
    dispute = Dispute.objects.create(
        result=result,
        filed_by=get_user_model().objects.filter(is_superuser=True).first() or factories.make_user(),
        deadline=T0 + timedelta(days=3),
        reason="不同意",
    )
    qa_run = QARun.objects.create(client=brand)
    calibration = CalibrationSession.objects.create(scorecard=scorecard, name="校准")
    import_run = ImportRun.objects.create(
        client=brand, file_name="chats.csv", file=ContentFile(b"x", name="chats.csv"), file_format="csv"
    )
    forecast = Forecast.objects.create(client=brand, interval_start=T0, volume=Decimal(10), human_volume=Decimal(8))
    override = ForecastOverride.objects.create(client=brand, interval_start=T0, volume=Decimal(12), reason="大促")
    requirement = StaffingRequirement.objects.create(
        client=brand,
        interval_start=T0,
        human_volume=Decimal(8),
        agents=2,
        scheduled=2,
        service_level=Decimal("0.8"),
        asa_seconds=Decimal(20),
        occupancy=Decimal("0.7"),
    )
    roster = Roster.objects.create(client=brand, week_start=WEEK)
    Shift.objects.create(roster=roster, agent=agent, start=T0, end=T0 + timedelta(hours=8), paid_hours=Decimal(8))
    solve = SolveRun.objects.create(client=brand, week_start=WEEK)
    report = ReportRun.objects.create(
        client=brand,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 11, 1),
        state="issued" if issued else "draft",
        status="succeeded",
        sha256="1" * 64,
        issued_at=T0 if issued else None,
        pdf=ContentFile(b"%PDF-1.4 test", name=f"report-{brand.code}.pdf"),
    )
    document = RenderedDocument.objects.create(
        kind="invoice",
        object_id=invoice.pk,
        client=brand,
        sha256="0" * 64,
        data_sha256="0" * 64,
        pdf=ContentFile(b"%PDF-1.4 test", name=f"invoice-{brand.code}.pdf"),
    )
    promo, _ = PromoEvent.objects.get_or_create(
        kind="double11",
        year=2026,
        defaults={
            "name": "双11",
            "presale_start": date(2026, 10, 20),
            "peak_start": T0 - timedelta(hours=10),
            "peak_end": T0 + timedelta(hours=14),
            "end_date": date(2026, 11, 11),
        },
    )
    objects = [
        promo,
        brand,
        store,
        agent,
        agent.site,
        conversation,
        contract,
        invoice,
        credit,
        fapiao,
        payment,
        answer,
        billing_run,
        scorecard,
        item,
        rule,
        result,
        review,
        dispute,
        qa_run,
        calibration,
        import_run,
        forecast,
        override,
        requirement,
        roster,
        solve,
        report,
        document,
    ]
    world = {obj._meta.label: obj.pk for obj in objects}
    world["contracts.ContractVersion"] = contract.versions.get().pk
    from apps.clients.models import DataRun
    from apps.orders.models import Order, OrderImportRun

    world["orders.Order"] = Order.objects.create(
        store=store,
        platform_order_id=f"W-{brand.code}",
        buyer_pseudonym="w",
        created_at=T0,
        amount_paid=0,
        status="created",
    ).pk
    world["orders.OrderImportRun"] = OrderImportRun.objects.create(
        client=brand, file_name="orders.csv", file_format="canonical_csv"
    ).pk
    world["clients.DataRun"] = DataRun.objects.create(
        client=brand, kind="export", status="succeeded", archive=ContentFile(b"PK", name=f"{brand.code}.zip")
    ).pk
    from apps.intraday.models import Alert

    world["intraday.Alert"] = Alert.objects.create(
        client=brand, day=date(2026, 11, 11), kind="volume", key="volume:10", interval_start=T0, severity="warning",
        data={"deviation": 0.2}, raised_at=T0,
    ).pk  # fmt: skip
    return world
