"""The weekly coaching list ordered by low conversion (issue #17 §5): the order is the week's
询单转化率 of each agent from the hand-worked brand of test_sales_sections (agent 张敏 2 of 4 buyers
paid, 50.0 %; 李娜 1 of 3, 33.3 %), and a row's name still opens the agent's chats in one click."""

from __future__ import annotations

import re

import pytest
from django.test import Client as WebClient

from apps.conversations.models import Conversation
from tests.reports.test_sales_sections import shop  # noqa: F401 — the fixture

WEEK = "2026-11-02"  # Monday; the chats are on 11-05 … 11-07


def _names(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'agent__id__exact=\d+">([^<]+)</a>', body)


@pytest.fixture
def web(shop, qa_supervisor):  # noqa: F811
    client = WebClient()
    client.force_login(qa_supervisor)
    return client


def test_default_order_is_by_violations(web, brand_a):
    html = web.get(f"/qa/coaching/?week={WEEK}&client={brand_a.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert _names(html) == ["张敏", "李娜"]  # two chats that break the pack against one
    assert "本周询单转化率" not in html


def test_sorted_by_low_conversion_lowest_first_with_the_rate_beside(web, brand_a):
    page = web.get(f"/qa/coaching/?week={WEEK}&client={brand_a.pk}&sort=conversion", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert _names(html) == ["李娜", "张敏"]
    assert "本周询单转化率" in html
    assert "33.3%（3 人中 1 人付款）" in html and "50.0%（4 人中 2 人付款）" in html
    assert re.search(r'href="\?week=2026-11-09[^"]*sort=conversion"', html)  # the next week keeps the order


def test_across_brands_the_same_order(web):
    html = web.get(f"/qa/coaching/?week={WEEK}&sort=conversion", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert _names(html) == ["李娜", "张敏"]


def test_a_row_opens_the_agents_chats_in_one_click(web, brand_a, shop):  # noqa: F811
    html = web.get(f"/qa/coaching/?week={WEEK}&client={brand_a.pk}&sort=conversion").content.decode()
    link = re.search(r'href="([^"]+agent__id__exact=\d+)">李娜<', html).group(1).replace("&amp;", "&")
    page = web.get(link)
    assert page.status_code == 200
    listed = page.content.decode()
    store, by_buyer = shop
    for buyer in ("b5", "b6", "b8"):  # 李娜's chats
        assert by_buyer[buyer].platform_conversation_id in listed
    for buyer in ("b1", "b7"):  # another agent's chat and the bot's
        assert by_buyer[buyer].platform_conversation_id not in listed
    assert Conversation.objects.filter(store=store).count() == 8
