"""The pure renderer: Chinese text extractable, every font embedded and subset, page numbers,
charts as SVG, and a page-1 image close to the stored reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from apps.reports import rendering
from bench.report import specimen_report
from tests.reports.conftest import pdf_fonts, pdf_page_gray, pdf_text

REFERENCE = Path(__file__).parent / "reference" / "specimen_page1.png"


@pytest.fixture(scope="module")
def specimen_pdf():
    return rendering.render_report(specimen_report(days=7, table_rows=40))


def test_pdf_text_holds_the_chinese_strings(specimen_pdf, tmp_path):
    text = pdf_text(specimen_pdf.content, tmp_path)
    for expected in [
        "客户服务月度报告",
        "悦肤",
        "概览",
        "会话量与承接结构",
        "服务质量（全量质检）",
        "物流/发货",
        "大促回顾：双11",
    ]:
        assert expected in text, expected


def test_page_numbers_are_chinese_and_count_every_page(specimen_pdf, tmp_path):
    # pdftotext guesses spaces from glyph gaps (it drops them around single digits): compare without.
    text = "".join(pdf_text(specimen_pdf.content, tmp_path).split())
    pages = specimen_pdf.pages
    assert f"第2页/共{pages}页" in text
    assert f"第{pages}页/共{pages}页" in text


def test_margin_boxes_print_vendor_and_brand_in_chinese(specimen_pdf, tmp_path):
    text = pdf_text(specimen_pdf.content, tmp_path)
    assert "潮汐客服 Tideline" in text
    assert "悦肤 · 客户服务月度报告 · 2026年11月" in text
    assert "机密 · 仅供悦肤使用" in text


def test_every_font_is_embedded_and_subset(specimen_pdf, tmp_path):
    fonts = pdf_fonts(specimen_pdf.content, tmp_path)
    assert fonts, "pdffonts listed no font"
    for font in fonts:
        assert (font["emb"], font["sub"]) == ("yes", "yes"), font
    assert all("CJK" in font["name"] for font in fonts), fonts


def test_charts_are_inline_svg_with_the_cjk_font_and_no_script():
    report = specimen_report(days=7, table_rows=5)
    charts = rendering.report_charts(report)
    assert set(charts) == {"volume", "mix", "qa_trend", "violations", "staffing"}
    for svg in charts.values():
        assert svg.startswith("<svg") and "<script" not in svg
        assert 'font-family="Noto Sans CJK SC"' in svg
    html = rendering.report_html(report)
    assert html.count('src="data:image/svg+xml;base64,') == 5
    assert "<script" not in html


def test_page_one_matches_the_reference_image(specimen_pdf, tmp_path):
    """Downsampled grayscale page 1 against the stored reference, within a tolerance that absorbs
    anti-aliasing differences but not a missing band, missing text or boxes instead of glyphs."""
    from PIL import Image, ImageChops, ImageStat

    page = pdf_page_gray(specimen_pdf.content, tmp_path)
    reference = Image.open(REFERENCE).convert("L")
    assert page.size == reference.size
    diff = ImageStat.Stat(ImageChops.difference(page, reference)).mean[0]
    assert diff < 4.0, f"mean absolute difference {diff:.2f} of 255"


def test_page_one_has_the_dark_cover_band(specimen_pdf, tmp_path):
    from PIL import ImageStat

    page = pdf_page_gray(specimen_pdf.content, tmp_path)
    w, h = page.size
    band = ImageStat.Stat(page.crop((0, 0, w, int(h * 0.2)))).mean[0]
    body = ImageStat.Stat(page.crop((0, int(h * 0.4), w, int(h * 0.9)))).mean[0]
    assert band < 90 < body


def test_english_report_numbers_pages_in_english(tmp_path):
    pdf = rendering.render_report(specimen_report(days=3, table_rows=3, language="en"))
    text = pdf_text(pdf.content, tmp_path)
    assert f"Page 2 of {pdf.pages}" in text
    assert "Volume and channel mix" in text


def test_pages_counted_equal_pdf_pages(specimen_pdf, tmp_path):
    import subprocess

    src = tmp_path / "x.pdf"
    src.write_bytes(specimen_pdf.content)
    info = subprocess.run(["pdfinfo", str(src)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages == specimen_pdf.pages
