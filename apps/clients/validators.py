"""Unified social credit code (统一社会信用代码, GB 32100-2015) with its check character."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_CHARSET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters, this one has %(n)d."),
            params={"n": len(code)},
            code="length",
        )
    bad = [ch for ch in code if ch not in USCC_CHARSET]
    if bad:
        raise ValidationError(
            _("Character %(ch)r cannot appear in a unified social credit code."), params={"ch": bad[0]}, code="charset"
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("Check character is %(got)s but should be %(want)s: the code has a typo."),
            params={"got": code[17], "want": expected},
            code="check",
        )
