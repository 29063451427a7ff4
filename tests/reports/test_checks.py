from __future__ import annotations

from django.core.management import call_command

from apps.reports import checks


def test_missing_harfbuzz_subset_is_an_error():
    errors = checks.pdf_dependency_errors(harfbuzz_ok=False, font_files=["/x/NotoSansCJK.ttc"])
    assert [e.id for e in errors] == ["reports.E001"]
    assert "libharfbuzz-subset" in errors[0].msg


def test_missing_cjk_font_is_an_error():
    errors = checks.pdf_dependency_errors(harfbuzz_ok=True, font_files=[])
    assert [e.id for e in errors] == ["reports.E002"]
    assert "Noto Sans CJK SC" in errors[0].msg


def test_an_unknown_family_has_no_font_files():
    assert checks.cjk_font_families("No Such Font Family 42") == []


def test_this_machine_passes_the_check():
    assert checks.harfbuzz_subset_available()
    assert checks.cjk_font_families()
    call_command("check", "--tag", "reports")
