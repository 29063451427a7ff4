"""Number formats of the PDF reports: one place, so the tests can format a selector's figure the
same way and find it in the PDF's text. Every figure is rounded here and only here, once, half up
(DESIGN.md); the data behind it is exact."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

from apps.core.money import format_cny

register = template.Library()
DASH = "—"


def _dec(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


@register.filter
def num(value) -> str:
    """12345 -> '12,345'; Decimals keep at most one decimal place ('1,234.5')."""
    if value is None or value == "":
        return DASH
    d = _dec(value)
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,}"


@register.filter
def qty(value) -> str:
    """A billed quantity exactly as billed, trailing zeros dropped: 1065.750000 -> '1,065.75',
    17.772152 -> '17.772152', so quantity × unit price gives the line's amount on a calculator."""
    if value is None or value == "":
        return DASH
    d = _dec(value)
    if d == d.to_integral_value():
        return f"{int(d):,}"
    whole_part, _, fraction = f"{d.normalize():f}".partition(".")
    return f"{int(whole_part):,}.{fraction}" if whole_part != "-0" else f"-0.{fraction}"


@register.filter
def whole(value) -> str:
    """A count that may be fractional (a forecast) as a whole number, half up: 210.52 -> '211'."""
    if value is None or value == "":
        return DASH
    return f"{int(_dec(value).quantize(Decimal('1'), rounding=ROUND_HALF_UP)):,}"


@register.filter
def pct(value) -> str:
    """A fraction 0..1 as a percentage with one decimal: Decimal('0.8734') -> '87.3%'."""
    if value is None or value == "":
        return DASH
    return f"{(_dec(value) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


@register.filter
def signed_pct(value) -> str:
    if value is None or value == "":
        return DASH
    text = pct(value)
    return text if text.startswith("-") else f"+{text}"


@register.filter
def one(value) -> str:
    """One decimal place (scores, seconds, hours): Decimal('86.45') -> '86.5'."""
    if value is None or value == "":
        return DASH
    return f"{_dec(value).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,}"


@register.filter
def cny(value) -> str:
    """'¥1,234.50'; a negative amount (credit) as '-¥106.00'."""
    if value is None or value == "":
        return DASH
    d = _dec(value)
    return f"-{format_cny(-d)}" if d < 0 else format_cny(d)


@register.filter
def money(value) -> str:
    """Money without the currency sign, two decimals: '1,234.50'."""
    if value is None or value == "":
        return DASH
    return cny(value).replace("¥", "")


@register.filter
def rate4(value) -> str:
    """A unit price with up to four decimals, trailing zeros after two dropped."""
    if value is None or value == "":
        return DASH
    d = _dec(value).quantize(Decimal("0.0001"))
    text = f"{d:,.4f}"
    while text.endswith("0") and len(text.split(".")[1]) > 2:
        text = text[:-1]
    return text


@register.filter
def rate_pct(value) -> str:
    """A contract's rate (a fraction) as a percentage with every digit it has, never rounded:
    0.03 -> '3%', 0.0275 -> '2.75%' (a commission rate reads as agreed, and quantity × rate = amount)."""
    if value is None or value == "":
        return DASH
    text = f"{(_dec(value) * 100).normalize():f}"
    return f"{text}%"
