"""PII masking of chat text, applied at ingest before anything is written, logged or reported.

Pure: no Django, no I/O. `mask_pii(text, sender_role=None)` replaces

* mainland mobile numbers ``1[3-9]`` + 9 digits by ``[手机号]``, with an optional ``+86`` / ``0086`` /
  ``86`` prefix and any separators a shopper uses to dodge a filter between the digits (up to three
  of space, ``.``, ``-``, ``_``, ``·``, ``~``, dashes: ``139.1234.5678``, ``139 1234 5678``,
  ``139_1234_5678``, ``+86 139-1234-5678``, ``8613912345678``);
* 18-character resident ID numbers whose GB 11643-1999 check character is right (``X`` allowed) by
  ``[身份证号]``, when the number has an ID's shape (a province code and a real birth date at
  positions 7–14) or the text calls it an ID (身份证, 证件, 实名);
* bank card numbers of 16–19 digits (plain or grouped) that pass the Luhn check by ``[银行卡号]``,
  when the number has a card's BIN shape (see `has_card_shape`) or the text calls it a card
  (银行卡, 卡号, 信用卡 …);
* street addresses — province/city/district, then a road/street and a house number
  (e.g. 浙江省杭州市西湖区文三路90号) — by ``[地址]``.

Rules where the domain notes are silent (decided here; see docs/pii.md):

* **Normalised first.** Matching runs on the text with every character folded on its own by NFKC
  (full-width ``１３９`` → ``139``, ``－`` → ``-``, ideographic space → space, circled ① → 1) and every
  other decimal digit (Arabic-Indic, mathematical bold …) folded to ASCII. A match is then replaced
  in the ORIGINAL text: every character outside a masked value is kept exactly as it was.
* **Order numbers are not PII.** A number the text calls an order / waybill / tracking / ticket
  number (订单号, 运单号, 快递单号, 物流单号, 工单号, 单号, order no., tracking no. — just before it,
  or 是订单号 just after it) is never masked, whichever pattern it happens to fit: a supervisor needs
  it to find the order. An unlabelled Luhn-valid number without a card's BIN shape (a 18-digit
  Taobao order number, say) is kept too.
* **The shop's own return address is not the shopper's.** With ``sender_role`` agent, bot or system,
  an address the message introduces as the shop's (退货地址, 寄回地址, 售后地址, 仓库地址 …) is kept.
  A buyer's message never gets that exemption.

The tokens are fixed: QA rules and reviewers rely on them. Six-digit verification codes are NOT
masked on purpose: QA flags agents who ask for them.

Speed: every pattern needs four digits close together (separators allowed) or a digit before 号, so
other text is returned untouched after one cheap regex probe (MASK_PRECHECK); only the few messages
that match it take the full path.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

PHONE_MASK = "[手机号]"
ID_MASK = "[身份证号]"
CARD_MASK = "[银行卡号]"
ADDRESS_MASK = "[地址]"

KINDS = ("phone", "id_number", "bank_card", "address")

# On the raw text: a digit in any width or script (\d is Unicode), or a circled digit ①–⑨ / ⓪.
_RAW_DIGIT = r"[\d\u2460-\u2468\u24ea]"
# On the raw text: what may sit between the digits of a dodged number (full-width forms included).
_RAW_SEP = r"[\s.\-_·~\u2010-\u2015\u30fb\uff0e\uff0d\uff3f\uff5e]"
# Every pattern needs four digits close together (phones, IDs, cards) or a digit before 号 (addresses).
MASK_PRECHECK = re.compile(rf"{_RAW_DIGIT}(?:{_RAW_SEP}{{0,3}}{_RAW_DIGIT}){{3}}|{_RAW_DIGIT}\s*号")

# On the normalised text: up to three separators between two digits.
_S = r"[\s.\-_·~\u2010-\u2015\u30fb]{0,3}"

# 18 characters (the last may be X), separators allowed, not touching other digits or letters.
_ID_RE = re.compile(rf"(?<![\dA-Za-z])\d(?:{_S}\d){{16}}{_S}[\dXx](?![\dA-Za-z])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)

# 16-19 digits, separators allowed.
_CARD_RE = re.compile(rf"(?<!\d)\d(?:{_S}\d){{15,18}}(?!\d)")

# Mobile: optional +86 / 0086 / 86 country prefix, then 1[3-9] and nine digits, separators allowed.
_PHONE_RE = re.compile(rf"(?<![\d+])(?:(?:\+|00){_S}86{_S}|86{_S})?1{_S}[3-9](?:{_S}\d){{9}}(?!\d)")

# What the text calls an order/waybill/ticket number, just before the number (lower-cased text).
_ORDER_BEFORE = re.compile(
    r"(?:订单(?:号码|编号|号|id)?|单号码?|运单|工单|快递单|物流单|售后单|退货单|退款单|包裹单|服务单"
    r"|(?:快递|物流)(?:号码|编号|号)|order(?:\s*(?:no\.?|number|id|#))?|tracking(?:\s*(?:no\.?|number|id))?"
    r"|waybill(?:\s*(?:no\.?|number))?)"
    r"[\s:：#＃]*(?:是|为|:|：)?[\s:：#＃]*$"
)
# ... or just after it: "2046…是订单号", "(运单号)".
_ORDER_AFTER = re.compile(r"^[\s,，(（]*(?:是|为)?(?:我的|您的|你的|这个|的)?(?:订单|运单|快递单|物流单|工单|单号)")
_CARD_LABEL = re.compile(r"(?:银行卡|卡号|信用卡|储蓄卡|借记卡|银行账号|card)")
_ID_LABEL = re.compile(r"(?:身份证|证件|实名|id\s*card)")
# The shop introducing its own address (only for agent, bot and system messages).
_SHOP_ADDRESS_LABEL = re.compile(
    r"(?:(?:退货|退回|寄回|退换货?|换货|售后|返厂|返修|仓库|我们的|我司|公司|店铺|本店)(?:的)?(?:收货|收件|寄件)?地址"
    r"|寄回(?:到|至)|退回(?:到|至)|寄到我们|寄至我们)"
)
_SHOP_ROLES = frozenset({"agent", "bot", "system"})
_LOOK_BEHIND = 14
_ADDRESS_LOOK_BEHIND = 30

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

_BLANK = "\x00"  # fills a masked span in the working copy so that no later pattern matches inside it


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
    if len(value) != 18 or not value[:17].isdigit() or not value[:17].isascii():
        return False
    return id_check_character(value[:17]) == value[17].upper()


def has_id_shape(value: str) -> bool:
    """A province code (11–83) in the first two digits and a real birth date (1900–2099) in 7–14."""
    if value[:2] not in _ID_PROVINCES:
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2099


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


def has_card_shape(digits: str) -> bool:
    """The issuer prefix (BIN) and length of a card: Visa 4 (16 or 19 digits), Mastercard 51–55 and
    22–27 (16), UnionPay 62 and 60/64/65 (16–19), JCB 35 (16–19), old domestic debit 94/95 (19)."""
    n, head = len(digits), digits[:2]
    if digits[0] == "4":
        return n in (16, 19)
    if "51" <= head <= "55" or "22" <= head <= "27":
        return n == 16
    if head in ("62", "60", "64", "65", "35"):
        return 16 <= n <= 19
    if head in ("94", "95"):
        return n == 19
    return False


@lru_cache(maxsize=8192)
def _fold(ch: str) -> str:
    """One character as matching sees it: NFKC, and any decimal digit as its ASCII digit."""
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) == 1 and not folded.isascii():
        digit = unicodedata.decimal(folded, None)
        if digit is not None:
            return str(digit)
    return folded


_FOLD_TABLE: dict[int, str] = {}


def _fold_table() -> dict[int, str]:
    """str.translate table of every character `_fold` changes (BMP, math digits, enclosed digits).

    Built once per process (a few tens of milliseconds); translating is then one C call per message."""
    if not _FOLD_TABLE:
        for block in (range(0x80, 0x10000), range(0x1D400, 0x1D800), range(0x1F100, 0x1F110)):
            for cp in block:
                ch = chr(cp)
                folded = _fold(ch)
                if folded != ch:
                    _FOLD_TABLE[cp] = folded
        _fold.cache_clear()
    return _FOLD_TABLE


def normalise(text: str) -> tuple[str, list[int] | None]:
    """(normalised text, origin) where origin[j] is the index in `text` of normalised character j
    (None when the two line up one to one)."""
    if text.isascii():
        return text, None
    norm = text.translate(_fold_table())
    if len(norm) == len(text):  # no fold is empty, so equal lengths mean every fold was one character
        return norm, None
    parts = [_fold(ch) for ch in text]
    norm = "".join(parts)
    if len(norm) == len(text) and all(len(p) == 1 for p in parts):
        return norm, None
    origin: list[int] = []
    for i, part in enumerate(parts):
        origin.extend([i] * len(part))
    return norm, origin


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit() or ch in "Xx")


class _Masker:
    def __init__(self, text: str, sender_role: str | None):
        self.original = text
        self.norm, self.origin = normalise(text)
        self.work = self.norm
        self.lower = self.norm.lower()
        self.sender_role = sender_role
        self.spans: list[tuple[int, int, str]] = []
        self.counts: dict[str, int] = {}

    def _labelled_order(self, start: int, end: int) -> bool:
        before = self.lower[max(0, start - _LOOK_BEHIND) : start]
        return _ORDER_BEFORE.search(before) is not None or _ORDER_AFTER.match(self.lower[end : end + 12]) is not None

    def _labelled(self, pattern: re.Pattern, start: int) -> bool:
        return pattern.search(self.lower[max(0, start - _LOOK_BEHIND) : start]) is not None

    def _claim(self, m: re.Match) -> None:
        """Take the span out of the working copy so that no later pattern matches inside it."""
        start, end = m.span()
        self.work = self.work[:start] + _BLANK * (end - start) + self.work[end:]

    def _take(self, m: re.Match, kind: str, token: str) -> None:
        self.spans.append((m.start(), m.end(), token))
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self._claim(m)

    def run(self) -> MaskResult:
        # An order number is claimed as it is: kept, and no shorter pattern may match inside it.
        for m in list(_ID_RE.finditer(self.work)):
            value = _digits(m.group(0))
            if not is_valid_id_number(value):
                continue
            if self._labelled_order(*m.span()):
                self._claim(m)
            elif has_id_shape(value) or self._labelled(_ID_LABEL, m.start()):
                self._take(m, "id_number", ID_MASK)
        for m in list(_CARD_RE.finditer(self.work)):
            value = _digits(m.group(0))
            if not luhn_valid(value):
                continue
            if self._labelled_order(*m.span()):
                self._claim(m)
            elif has_card_shape(value) or self._labelled(_CARD_LABEL, m.start()):
                self._take(m, "bank_card", CARD_MASK)
            elif value == m.group(0):
                self._claim(m)  # one unbroken Luhn-valid run without a card's shape: an order number
        for m in list(_PHONE_RE.finditer(self.work)):
            if self._labelled_order(*m.span()):
                self._claim(m)
            else:
                self._take(m, "phone", PHONE_MASK)
        if "号" in self.work:
            shop = self.sender_role in _SHOP_ROLES
            for m in list(_ADDRESS_RE.finditer(self.work)):
                before = self.lower[max(0, m.start() - _ADDRESS_LOOK_BEHIND) : m.start()]
                if shop and _SHOP_ADDRESS_LABEL.search(before) is not None:
                    continue
                self._take(m, "address", ADDRESS_MASK)
        if not self.spans:
            return MaskResult(self.original, {})
        return MaskResult(self._rebuild(), self.counts)

    def _rebuild(self) -> str:
        """The original text with each masked span (normalised positions) replaced by its token."""
        origin, out, at = self.origin, [], 0
        for start, end, token in sorted(self.spans):
            o_start, o_end = (start, end) if origin is None else (origin[start], origin[end - 1] + 1)
            out.append(self.original[at:o_start])
            out.append(token)
            at = o_end
        out.append(self.original[at:])
        return "".join(out)


def mask_pii(text: str, sender_role: str | None = None) -> MaskResult:
    """Mask phones, ID numbers, bank cards and street addresses in `text` (see module docstring).

    `sender_role` (buyer, agent, bot, system) lets the shop's own return address stated by the
    agent, bot or system stand; without it every address is masked.
    """
    if not text or MASK_PRECHECK.search(text) is None:
        return MaskResult(text, {})
    return _Masker(text, sender_role).run()


def may_contain_pii(text: str) -> bool:
    """The cheap pre-check: text without four digits close together or a digit before 号 is clean."""
    return MASK_PRECHECK.search(text) is not None


def mask_text(text: str, sender_role: str | None = None) -> str:
    """The masked text only (for error messages, logs and file names)."""
    return mask_pii(text, sender_role).text
