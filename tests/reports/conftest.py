"""Report test fixtures: a brand with a month of imported conversations, and PDF tools."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from apps.clients.models import BillingContact
from tests import factories
from tests.reports.factories import import_conversations, month_of_chats

NOV = date(2026, 11, 1)
DEC = date(2026, 12, 1)


@pytest.fixture
def agent_rep(db):
    return factories.make_agent(nick="rep-agent")


@pytest.fixture
def store_a(brand_a):
    return factories.make_store(client=brand_a, platform="tmall", shop_id="yuefu-tmall")


@pytest.fixture
def store_b(brand_b):
    return factories.make_store(client=brand_b, platform="jd", shop_id="shanye-jd")


@pytest.fixture
def november_a(store_a, agent_rep, tmp_path, media_root):
    """Brand A's November 2026: 3 conversations a day, 12 on Double 11."""
    rows = month_of_chats(store=store_a, year=2026, month=11, promo_days={date(2026, 11, 11): 12})
    import_conversations(tmp_path, rows, "a-nov.jsonl")
    return store_a.client


@pytest.fixture
def november_b(store_b, agent_rep, tmp_path, media_root):
    rows = month_of_chats(store=store_b, year=2026, month=11, per_day=1)
    import_conversations(tmp_path, rows, "b-nov.jsonl")
    return store_b.client


@pytest.fixture
def contacts_a(brand_a):
    return [
        BillingContact.objects.create(client=brand_a, name="王经理", email="wang@yuefu.example", receives_reports=True),
        BillingContact.objects.create(client=brand_a, name="财务", email="ap@yuefu.example", receives_reports=False),
    ]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} (poppler-utils) is needed by the report tests")
    return path


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    src = tmp_path / "doc.pdf"
    src.write_bytes(pdf)
    out = subprocess.run([_tool("pdftotext"), "-layout", str(src), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def pdf_fonts(pdf: bytes, tmp_path: Path) -> list[dict]:
    """pdffonts rows as dicts: name, emb, sub."""
    src = tmp_path / "fonts.pdf"
    src.write_bytes(pdf)
    out = subprocess.run([_tool("pdffonts"), str(src)], capture_output=True, check=True, text=True).stdout
    lines = out.splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name ... emb sub uni object ID: the three yes/no flags sit before the last two columns.
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def pdf_page_gray(pdf: bytes, tmp_path: Path, *, page: int = 1, dpi: int = 20):
    """One page rendered by pdftoppm as a grayscale PIL image."""
    from PIL import Image

    src = tmp_path / "page.pdf"
    src.write_bytes(pdf)
    prefix = tmp_path / "page"
    subprocess.run(
        [_tool("pdftoppm"), "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", str(src), str(prefix)],
        check=True,
    )
    produced = sorted(tmp_path.glob("page*.png"))
    return Image.open(produced[-1]).convert("L")
