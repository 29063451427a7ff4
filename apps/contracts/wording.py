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
COMMISSION_KINDS = (
    LineKind.COMMISSION,
    LineKind.COMMISSION_MINIMUM,
    LineKind.COMMISSION_CAP,
    LineKind.COMMISSION_CLAWBACK,
)
# How pricing.commission names its lines after the charge's name.
COMMISSION_MARKS = (" · minimum true-up", " · cap", " · refunds after issue · ")


def percent(rate) -> str:
    """0.035 -> '3.5%'."""
    value = (Decimal(str(rate)) * 100).normalize()
    return f"{value:f}%"


def _cny(value) -> str:
    return format_cny(Decimal(str(value or 0)))


def _commission_name(line) -> str:
    name = line.description
    for mark in COMMISSION_MARKS:
        name = name.split(mark, 1)[0]
    return name


def commission_rates(line) -> str:
    """The rate of each tier the line used: '¥0.00–¥10,000.00 × 3.5%；¥10,000.00 起 × 3%'."""
    parts = []
    for tier in line.tiers or ():
        lower = Decimal(str(tier.get("lower") or 0))
        used = Decimal(str(tier.get("quantity") or 0))
        if not used:
            continue
        parts.append(
            _("%(lower)s–%(upper)s × %(rate)s")
            % {"lower": format_cny(lower), "upper": format_cny(lower + used), "rate": percent(tier.get("unit_price"))}
        )
    if not parts and line.unit_price is not None:
        parts.append(_("× %(rate)s") % {"rate": percent(line.unit_price)})
    return _("; ").join(parts)


def commission_description(line) -> str:
    """A commission line with its base in words: orders, paid, refunds deducted, net GMV, rate per tier;
    a minimum or cap line with the amounts compared; a clawback naming the original month."""
    details = line.details or {}
    name = _commission_name(line)
    if line.kind == LineKind.COMMISSION:
        return _(
            "%(name)s: %(orders)s orders, paid %(paid)s, refunds deducted %(refunded)s, net %(net)s; %(rates)s"
        ) % {
            "name": name,
            "orders": f"{int(details.get('orders') or 0):,}",
            "paid": _cny(details.get("paid")),
            "refunded": _cny(details.get("refunded")),
            "net": _cny(details.get("net_gmv")),
            "rates": commission_rates(line) or _("no sales"),
        }
    if line.kind == LineKind.COMMISSION_MINIMUM:
        return _("%(name)s · commission minimum %(minimum)s (commission %(charged)s)") % {
            "name": name,
            "minimum": _cny(details.get("minimum")),
            "charged": _cny(details.get("charged")),
        }
    if line.kind == LineKind.COMMISSION_CAP:
        return _("%(name)s · commission cap %(cap)s (commission %(charged)s)") % {
            "name": name,
            "cap": _cny(details.get("cap")),
            "charged": _cny(details.get("charged")),
        }
    return _(
        "%(name)s · clawback for %(month)s: %(orders)s orders refunded %(refunded)s after that statement "
        "(billed %(billed)s, now %(recomputed)s)"
    ) % {
        "name": name,
        "month": details.get("month", ""),
        "orders": f"{int(details.get('orders') or 0):,}",
        "refunded": _cny(details.get("refunded")),
        "billed": _cny(details.get("billed")),
        "recomputed": _cny(details.get("recomputed")),
    }


def line_description(line) -> str:
    """The words of a statement line (an InvoiceLine or a pricing.PricedLine) in the active language.

    Base, usage and peak lines read as the charge (and window) names; a night line as
    "<segment> · 夜间加价 +30%"; true-ups name the minimum; an earn-back names its KPI and the month
    whose credit it returns; an SLA credit reads as its kind; commission lines show their base in
    words (commission_description).
    """
    details = line.details or {}
    if line.kind in COMMISSION_KINDS:
        return commission_description(line)
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
