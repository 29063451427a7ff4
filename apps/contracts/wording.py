"""A statement line in words, in the reader's language (Chinese for zh-hans users and reports).

The pricing engine stores a plain technical description on each line ("SLA credit", "人工会话 · night
+30%"); what a person reads is built here from the line's kind and details, so the statement page,
the printed statement and the client report say the same words. Charge and window names are the
contract's own (entered in Chinese); every word Tideline adds goes through gettext.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from apps.contracts.choices import Kpi, LineKind
from apps.core.money import format_cny

NIGHT_MARK = " · night "  # how pricing.charges names a night line: "<segment> · night +30%"
MINIMUM_MARK = " · minimum true-up"  # and a charge minimum: "<charge> · minimum true-up"


def line_description(line) -> str:
    """The words of a statement line (an InvoiceLine or a pricing.PricedLine) in the active language.

    Base, usage and peak lines read as the charge (and window) names; a night line as
    "<segment> · 夜间加价 +30%"; true-ups name the minimum; an earn-back names its KPI and the month
    whose credit it returns; an SLA credit reads as its kind.
    """
    details = line.details or {}
    label = str(dict(LineKind.choices).get(line.kind, line.kind))
    if line.kind == LineKind.SLA_CREDIT:
        return label
    if line.kind == LineKind.EARN_BACK:
        kpi = str(dict(Kpi.choices).get(details.get("kpi"), details.get("kpi", "")))
        return _("%(label)s · %(kpi)s · credit of %(month)s") % {
            "label": label,
            "kpi": kpi,
            "month": details.get("month", ""),
        }
    if line.kind in (LineKind.MINIMUM, LineKind.CHARGE_MINIMUM):
        if line.kind == LineKind.CHARGE_MINIMUM and MINIMUM_MARK in line.description:
            label = f"{line.description.split(MINIMUM_MARK, 1)[0]} · {label}"
        if details.get("minimum"):
            return _("%(label)s (minimum %(amount)s)") % {
                "label": label,
                "amount": format_cny(Decimal(str(details["minimum"]))),
            }
        return label
    if line.kind == LineKind.NIGHT and NIGHT_MARK in line.description:
        segment, _english = line.description.split(NIGHT_MARK, 1)
        rate = Decimal(str(details.get("rate") or 0)) * 100
        return f"{segment} · {label} +{rate.normalize():f}%"
    return line.description
