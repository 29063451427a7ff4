"""Stores matching the sample exports in fixtures/samples/, and helpers for import tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import factories

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"


@pytest.fixture(autouse=True)
def _no_post_import_tasks(monkeypatch):
    """Other apps' post-import tasks (QA scoring) are theirs to test; tests here that need the pipeline
    register their own recording task."""
    from apps.conversations import pipeline

    registered = list(pipeline.CONSUMERS)
    monkeypatch.setattr(pipeline, "CONSUMERS", [])
    return registered


@pytest.fixture
def sample_stores(brand_a, brand_b):
    """The shops the sample files name: brand A on Tmall, JD and Douyin; brand B on Taobao."""
    return {
        "tmall": factories.make_store(client=brand_a, platform="tmall", shop_id="yuefu-tmall-01"),
        "jd": factories.make_store(client=brand_a, platform="jd", shop_id="jd-10023456"),
        "douyin": factories.make_store(client=brand_a, platform="douyin", shop_id="dy-88234517"),
        "taobao": factories.make_store(client=brand_b, platform="taobao", shop_id="shanye-tb-01"),
    }


@pytest.fixture
def write_file(tmp_path):
    """write_file(name, text, encoding="utf-8") -> Path of a file under tmp_path."""

    def _write(name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
        return path

    return _write
