"""System checks: PDFs need HarfBuzz subsetting and the CJK font, and fail silently without them.

Without libharfbuzz-subset WeasyPrint falls back to fontTools (a Chinese report takes ~30x longer);
without 'Noto Sans CJK SC' it prints boxes instead of Chinese and raises nothing. So `manage.py
check` (and every runserver/migrate) refuses to pass when either is missing.
"""

from __future__ import annotations

import shutil
import subprocess

from django.core.checks import Error, register

FONT_FAMILY = "Noto Sans CJK SC"
DEBIAN_HINT = "apt-get install libharfbuzz-subset0 fonts-noto-cjk (see `make system-packages`)"


def harfbuzz_subset_available() -> bool:
    """True when WeasyPrint found libharfbuzz-subset ≥ 4.1 (the version its subsetter needs)."""
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except (ImportError, OSError):
        return False
    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def cjk_font_families(family: str = FONT_FAMILY) -> list[str]:
    """Font files fontconfig knows under `family` (fc-list); empty when the font is missing."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        out = subprocess.run(  # noqa: S603 — fixed argv, no shell
            [fc_list, f":family={family}", "file"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [line.strip().rstrip(":") for line in out.splitlines() if line.strip()]


def pdf_dependency_errors(*, harfbuzz_ok: bool, font_files: list[str]) -> list[Error]:
    """The check's verdict, given what was probed (kept apart so tests can probe a broken machine)."""
    errors = []
    if not harfbuzz_ok:
        errors.append(
            Error(
                "HarfBuzz subsetting (libharfbuzz-subset0 ≥ 4.1) is missing: WeasyPrint would fall back to "
                "fontTools and a Chinese report would take ~30x longer to write.",
                hint=DEBIAN_HINT,
                id="reports.E001",
            )
        )
    if not font_files:
        errors.append(
            Error(
                f"The CJK font '{FONT_FAMILY}' is not known to fontconfig (fc-list): reports and invoices "
                "would print boxes instead of Chinese text.",
                hint=DEBIAN_HINT,
                id="reports.E002",
            )
        )
    return errors


@register("reports")
def check_pdf_dependencies(app_configs=None, **kwargs) -> list[Error]:
    return pdf_dependency_errors(harfbuzz_ok=harfbuzz_subset_available(), font_files=cjk_font_families())
