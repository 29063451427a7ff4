"""PII masking of chat text, applied at ingest before anything is written, logged or reported.

Pure: no Django, no I/O. `mask_pii(text)` replaces

* mainland mobile numbers ``1[3-9]\\d{9}`` (optionally ``+86``/``0086``/``86-``, spaces or hyphens such as
  ``138-1234-5678``), never a slice of a longer digit run, by ``[手机号]``;
* 18-digit resident ID numbers whose GB 11643-1999 check character is right (``X`` allowed) by
  ``[身份证号]``;
* bank card numbers of 16–19 digits (plain or in groups of four separated by spaces/hyphens) that
  pass the Luhn check by ``[银行卡号]``;
* street addresses — province/city/district, then a road/street and a house number
  (e.g. 浙江省杭州市西湖区文三路90号) — by ``[地址]``.

The tokens are fixed: QA rules and reviewers rely on them. Six-digit verification codes are NOT
masked on purpose: QA flags agents who ask for them.

Speed: every pattern needs four consecutive digits or a digit before 号, so other text is returned
untouched after one cheap regex probe (MASK_PRECHECK); only the few messages that match it take the
full path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PHONE_MASK = "[手机号]"
ID_MASK = "[身份证号]"
CARD_MASK = "[银行卡号]"
ADDRESS_MASK = "[地址]"

KINDS = ("phone", "id_number", "bank_card", "address")

# Every pattern needs four digits in a row (phones, IDs, cards) or a digit before 号 (addresses).
MASK_PRECHECK = re.compile(r"\d{4}|\d号")

# 18 digits (the last may be X) not touching other digits.
_ID_RE = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# 16-19 digits, plain or grouped by four with single spaces/hyphens.
_CARD_RE = re.compile(r"(?<![\d-])(?:\d{4}[ -]){3}\d{4}(?:[ -]?\d{1,3})?(?![\d])|(?<!\d)\d{16,19}(?!\d)")

# Mobile: optional +86 / 0086 / "86 " country prefix (a bare 86 would make a 13-digit run), then 1[3-9]x xxxx xxxx with optional separators.
_PHONE_RE = re.compile(r"(?<![\d+])(?:(?:\+|00)86[ -]?|86[ -])?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")

_PROVINCES = (
    "黑龙江|内蒙古|北京|天津|上海|重庆|河北|山西|辽宁|吉林|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|"
    "广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|广西|西藏|宁夏|新疆|香港|澳门"
)
_HAN = r"\u4e00-\u9fff"
# Characters that commonly precede an address in a sentence; a bare city name may not start with them.
_LEAD_WORDS = "在到寄是送往发至于的址我你他她收件"
_PROVINCE = rf"(?:(?:{_PROVINCES})(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)?)"
_CITY = rf"(?:(?![{_LEAD_WORDS}])[{_HAN}]{{2,4}}?(?:市|自治州|地区|盟))"
_DISTRICT = rf"(?:(?![{_LEAD_WORDS}])[{_HAN}]{{1,4}}?(?:区|县|旗|镇))"
_ROAD = rf"(?:[{_HAN}A-Za-z0-9]{{1,10}}?(?:大道|大街|路|街|巷|弄|胡同|道))"
_NUMBER = r"(?:\d{1,5}(?:-\d{1,5})?号(?:[0-9A-Za-z\-#]*(?:栋|幢|单元|室|楼|层|号))*)"
_ADDRESS_RE = re.compile(rf"(?:{_PROVINCE}{_CITY}?{_DISTRICT}?|{_CITY}{_DISTRICT}?|{_DISTRICT}){_ROAD}{_NUMBER}")


@dataclass(frozen=True)
class MaskResult:
    """The masked text and how many values of each kind (KINDS) were replaced."""

    text: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def masked(self) -> bool:
        return any(self.counts.values())


def id_check_character(first17: str) -> str:
    """GB 11643-1999 check character of the first 17 digits of a resident ID number."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_id_number(value: str) -> bool:
    """True for 18 characters whose last one is the GB 11643 check character of the first 17."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    return id_check_character(value[:17]) == value[17].upper()


def luhn_valid(digits: str) -> bool:
    """Luhn (mod 10) check of a digit string."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _only_digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def mask_pii(text: str) -> MaskResult:
    """Mask phones, ID numbers, bank cards and street addresses in `text` (see module docstring)."""
    if not text or MASK_PRECHECK.search(text) is None:
        return MaskResult(text, {})
    counts: dict[str, int] = {}

    def bump(kind: str) -> None:
        counts[kind] = counts.get(kind, 0) + 1

    def sub_id(m: re.Match) -> str:
        if is_valid_id_number(m.group(0)):
            bump("id_number")
            return ID_MASK
        return m.group(0)

    def sub_card(m: re.Match) -> str:
        digits = _only_digits(m.group(0))
        if 16 <= len(digits) <= 19 and luhn_valid(digits):
            bump("bank_card")
            return CARD_MASK
        return m.group(0)

    def sub_phone(m: re.Match) -> str:
        bump("phone")
        return PHONE_MASK

    def sub_address(m: re.Match) -> str:
        bump("address")
        return ADDRESS_MASK

    text = _ID_RE.sub(sub_id, text)
    text = _CARD_RE.sub(sub_card, text)
    text = _PHONE_RE.sub(sub_phone, text)
    if "号" in text:
        text = _ADDRESS_RE.sub(sub_address, text)
    return MaskResult(text, counts)


def may_contain_pii(text: str) -> bool:
    """The cheap pre-check: text without four digits in a row or a digit before 号 is clean."""
    return MASK_PRECHECK.search(text) is not None


def mask_text(text: str) -> str:
    """The masked text only (for error messages and logs)."""
    return mask_pii(text).text
