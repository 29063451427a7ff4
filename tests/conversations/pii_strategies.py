"""Hypothesis strategies for shopper PII as shoppers type it: every width, separator style and prefix.

Each strategy draws (shown, digits): the text as typed and the bare ASCII digits a masked result must
never contain. Used by the masking properties and by the import properties (every field of every
layout).
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from apps.conversations.masking import id_check_character, luhn_valid

# Separators a shopper puts between digit groups to dodge a filter (ASCII and full-width).
SEPARATORS = ["", " ", "-", ".", "_", "\u3000", "－", "．", "＿", " - "]
PHONE_PREFIXES = ["", "+86", "+86 ", "86", "86-", "0086 ", "＋８６", "(+86)"]


def _width(draw, text: str) -> str:
    """The digits of `text` in ASCII, full width, or mixed digit by digit."""
    style = draw(st.sampled_from(["ascii", "full", "mixed"]))
    if style == "ascii":
        return text
    out = []
    for ch in text:
        wide = style == "full" or draw(st.booleans())
        out.append(chr(ord(ch) + 0xFEE0) if wide and ch in "0123456789+X" else ch)
    return "".join(out)


def _grouped(draw, digits: str, groups: tuple[int, ...]) -> str:
    """The digits joined in `groups` (or one digit per group) by one drawn separator."""
    sep = draw(st.sampled_from(SEPARATORS))
    if not sep:
        return digits
    if draw(st.booleans()):
        parts, at = [], 0
        for size in groups:
            parts.append(digits[at : at + size])
            at += size
        if at < len(digits):
            parts.append(digits[at:])
        return sep.join(p for p in parts if p)
    return sep.join(digits)


@st.composite
def phones(draw, *, prefixes: bool = True) -> tuple[str, str]:
    digits = "1" + draw(st.sampled_from("3456789")) + draw(st.text(alphabet="0123456789", min_size=9, max_size=9))
    prefix = draw(st.sampled_from(PHONE_PREFIXES)) if prefixes else ""
    gap = " " if prefix.endswith(("86", "８６")) and draw(st.booleans()) else ""
    return _width(draw, prefix + gap + _grouped(draw, digits, (3, 4, 4))), digits


@st.composite
def id_numbers(draw) -> tuple[str, str]:
    """A resident ID with a real shape: province code, a birth date 1940–2010, the check character."""
    province = draw(st.sampled_from(["11", "31", "33", "44", "51", "65"]))
    born = date(1940, 1, 1) + timedelta(days=draw(st.integers(min_value=0, max_value=25_550)))
    first17 = province + draw(st.text(alphabet="0123456789", min_size=4, max_size=4)) + f"{born:%Y%m%d}"
    first17 += draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    number = first17 + id_check_character(first17)
    shown = number if number[-1] != "X" or draw(st.booleans()) else number[:-1] + "x"
    return _width(draw, _grouped(draw, shown, (6, 8, 4))), number.replace("X", "")


def _luhn_complete(body: str) -> str:
    for check in "0123456789":
        if luhn_valid(body + check):
            return body + check
    raise AssertionError("unreachable")


@st.composite
def cards(draw) -> tuple[str, str]:
    """A Luhn-valid card with a real BIN: UnionPay 62 (16–19), Visa 4 (16), Mastercard 51–55 (16)."""
    bin_, length = draw(
        st.sampled_from([("62", 16), ("62", 17), ("62", 18), ("62", 19), ("4", 16), ("53", 16), ("51", 16)])
    )
    body = bin_ + draw(st.text(alphabet="0123456789", min_size=length - 1 - len(bin_), max_size=length - 1 - len(bin_)))
    number = _luhn_complete(body)
    return _width(draw, _grouped(draw, number, (4, 4, 4, 4))), number


def pii_values():
    """Any kind: (kind, shown, digits)."""
    return st.one_of(
        phones().map(lambda v: ("phone", *v)),
        id_numbers().map(lambda v: ("id_number", *v)),
        cards().map(lambda v: ("bank_card", *v)),
    )
