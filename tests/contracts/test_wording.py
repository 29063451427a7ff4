"""Statement lines read in Chinese wherever they are shown: page, export and the printed statement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import translation

from apps.contracts import pricing
from apps.contracts.wording import line_description


def _line(kind, description, **details):
    return pricing.PricedLine(
        kind=kind,
        code=kind,
        description=description,
        metric="human_conversations",
        quantity=Decimal(1),
        unit_price=None,
        tiers=(),
        amount_unrounded=Decimal(1),
        amount=Decimal(1),
        vat_rate=Decimal("0.06"),
        details=details,
    )


def _priced_lines():
    charge = pricing.ChargeSpec(
        code="h",
        name="人工会话",
        metric="human_conversations",
        unit_price=Decimal("1.5"),
        night_surcharge=Decimal("0.3"),
        minimum=Decimal("100000"),
        peak_windows=(
            pricing.PeakWindowSpec(
                name="双11", start=date(2026, 11, 10), end=date(2026, 11, 12), multiplier=Decimal("1.2")
            ),
        ),
    )
    version = pricing.VersionSpec(
        label="v", start=date(2026, 11, 1), end=date(2026, 12, 1), charges=(charge,), monthly_minimum=Decimal(200000)
    )
    usage = [
        pricing.UsageItem(
            source="s",
            source_key=str(d),
            metric="human_conversations",
            day=date(2026, 11, d),
            quantity=Decimal(10),
            night_quantity=Decimal(4),
        )
        for d in (5, 11)
    ]
    return pricing.price_period(
        period_start=date(2026, 11, 1), period_end=date(2026, 12, 1), versions=[version], usage=usage
    ).lines


def test_every_engine_line_reads_in_chinese():
    with translation.override("zh-hans"):
        words = [line_description(line) for line in _priced_lines()]
    assert words == [
        "人工会话",
        "人工会话 · 夜间加价 +30%",
        "人工会话 · 双11",
        "人工会话 · 双11 · 夜间加价 +30%",
        "人工会话 · 计费项最低消费补差（月度最低 ¥100,000.00）",
        "月度最低消费补差（月度最低 ¥200,000.00）",
    ]
    assert not any(word in " ".join(words) for word in ("night", "minimum", "true-up"))


def test_credit_and_earn_back_name_their_kpi_and_month():
    with translation.override("zh-hans"):
        credit = line_description(_line("sla_credit", "SLA credit"))
        back = line_description(
            _line(
                "earn_back",
                "SLA earn-back · Average first response · 2026-10",
                kpi="first_response_avg_s",
                month="2026-10",
            )
        )
    assert credit == "SLA 扣减"
    assert back.startswith("SLA 赔付返还 · ") and back.endswith("返还 2026-10 的扣减") and "first" not in back
