"""Money: Decimal amounts in CNY, rounded in exactly one place.

Never float. Amounts are stored with two decimal places; unit rates may carry up to four.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CURRENCY = "CNY"
CENT = Decimal("0.01")
RATE_PLACES = 4


def to_decimal(value: object) -> Decimal:
    """Convert an int, str or Decimal to Decimal exactly; floats are refused (they lose fen)."""
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass a str or Decimal")
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None


def round_money(amount: Decimal) -> Decimal:
    """Round an amount to the fen, half up (0.005 -> 0.01). The one rounding helper."""
    return to_decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def check_rate_places(rate: Decimal, *, field: str = "rate") -> None:
    """Refuse unit rates with more than four decimals: finance systems cannot carry them."""
    exponent = to_decimal(rate).normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > RATE_PLACES:
        from apps.core.errors import DomainError

        raise DomainError(f"{field} {rate} has more than {RATE_PLACES} decimal places", field=field)


def format_cny(amount: Decimal) -> str:
    """'¥1,234.50' for pages and reports."""
    return f"¥{round_money(amount):,.2f}"
