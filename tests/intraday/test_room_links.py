"""Links of the brand room found in the browser walk of the demo."""

from __future__ import annotations

import re

import pytest


@pytest.mark.django_db
def test_the_whole_day_toggle_replaces_full_instead_of_piling_it_up(client, brand_a, bpo_manager):
    client.force_login(bpo_manager)
    page = client.get(f"/intraday/?client={brand_a.pk}&full=1&date=2026-11-11&at=16:51")
    assert page.status_code == 200
    toggles = re.findall(r'href="\?([^"]*full=[01])"', page.content.decode())
    assert toggles, "the interval toggle link is on the page"
    for href in toggles:
        query = href.replace("&amp;", "&")
        assert query.count("full=") == 1, query
        assert query.endswith("full=0") and f"client={brand_a.pk}" in query
