"""Sales KPIs, the commission readers (base and clawbacks), evaluations, the page, the API and its scoping."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client as WebClient

from apps.conversations.models import Conversation, Message
from apps.core.choices import RunStatus
from apps.orders.attribution import LOCAL
from apps.orders.models import Evaluation, Order
from apps.orders.selectors import commission_base_by_hour, commission_clawbacks, sales_report
from apps.orders.services import attribution_refresh, order_rows_import
from tests import factories

DAY = date(2026, 11, 10)


def at(day_offset: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 10 + day_offset, hour, minute, tzinfo=LOCAL)


@pytest.fixture
def shop(brand_a):
    store = factories.make_store(client=brand_a, platform="tmall", shop_id="sales-01")
    agent = factories.make_agent(nick="sales-agent")
    chats = {}
    for n, (buyer, start, human, text) in enumerate(
        [
            ("b1", at(0, 10), True, "这款有货吗"),
            ("b2", at(0, 11), False, "能便宜点吗"),
            ("b3", at(0, 12), True, "我要退款"),
            ("b4", at(0, 13), True, "有赠品吗"),
        ]
    ):
        conv = Conversation.objects.create(
            store=store, platform_conversation_id=f"S{n}", started_at=start, ended_at=start + timedelta(minutes=5),
            handled_by="human" if human else "bot", agent=agent if human else None, buyer_pseudonym=buyer,
        )  # fmt: skip
        Message.objects.create(
            conversation=conv, message_id="1", seq=1, sent_at=start, sender_role="buyer", content=text
        )
        chats[buyer] = conv
    rows = [
        (store.id, "O1", "b1", at(0, 20), at(0, 20, 5), Decimal("100.00"), Decimal("0.00"), "paid", 1),
        (store.id, "O2", "b2", at(1, 9), at(1, 9, 1), Decimal("50.00"), Decimal("0.00"), "paid", 1),
        (store.id, "O3", "b3", at(0, 15), at(0, 15, 1), Decimal("80.00"), Decimal("0.00"), "paid", 1),
        (store.id, "O4", "b9", at(0, 16), at(0, 16, 1), Decimal("30.00"), Decimal("0.00"), "paid", 1),
    ]
    order_rows_import(rows=rows, file_name="t.csv", recorded_at=at(0, 23))
    attribution_refresh(store_ids=[store.id])
    return store, agent, chats, rows


def test_kpis_follow_the_definitions(shop, brand_a):
    report = sales_report(client_id=brand_a.pk, start=DAY, end=DAY + timedelta(days=2))
    b = report.brand
    # b1, b2, b4 consulted presale (b3's chat is aftersale); b1 (human) and b2 (bot) paid
    assert (b.consulting, b.ordering, b.paying) == (3, 2, 2)
    assert b.conversion == Decimal(2) / Decimal(3)
    assert b.attributed_gmv == Decimal("100.00") and b.bot_gmv == Decimal("50.00")
    assert b.silent_gmv == Decimal("110.00")  # O3 (only an aftersale chat) and O4 (never chatted)
    assert b.average_order_value == Decimal("75.00")
    store, agent, _chats, _rows = shop
    assert report.by_agent[agent.id].consulting == 2 and report.by_agent[agent.id].paying == 1


def test_commission_base_and_a_clawback_after_the_statement(shop, brand_a):
    store, _agent, _chats, rows = shop
    issued = at(5, 9)
    base = commission_base_by_hour(client_id=brand_a.pk, start=DAY, end=DAY + timedelta(days=30), refunds_as_of=issued)
    assert [(h.hour, h.kind, h.orders, h.net) for h in base] == [
        (at(0, 20), "human", 1, Decimal("100.00")),
        (at(1, 9), "bot", 1, Decimal("50.00")),
    ]
    later = [(*rows[0][:6], Decimal("40.00"), "completed", 1)]
    run = order_rows_import(rows=later, file_name="refunds.csv", recorded_at=at(8, 10))
    assert run.updated_count == 1
    again = commission_base_by_hour(client_id=brand_a.pk, start=DAY, end=DAY + timedelta(days=30), refunds_as_of=issued)
    assert again == base  # the issued statement's base does not move
    claw = commission_clawbacks(client_id=brand_a.pk, paid_before=DAY + timedelta(days=20), after=issued)
    assert [(c.hour, c.kind, c.orders, c.refunded) for c in claw] == [(at(0, 20), "human", 1, Decimal("40.00"))]
    assert commission_clawbacks(client_id=brand_a.pk, paid_before=DAY + timedelta(days=20), after=at(9, 0)) == []


def test_refresh_twice_writes_nothing(shop):
    store = shop[0]
    assert attribution_refresh(store_ids=[store.id]) == 0


def test_evaluations_import_links_chats_and_reports_the_rate(shop, brand_a, tmp_path):
    from apps.orders.services import order_import_file

    path = tmp_path / "ev.csv"
    path.write_text(
        "平台,店铺ID,会话ID,评价时间,评价结果\n"
        "tmall,sales-01,S0,2026-11-10 10:30:00,很满意\n"
        "tmall,sales-01,S3,2026-11-10 13:30:00,很不满意\n"
    )
    run = order_import_file(path=path, file_format="evaluation_csv")
    assert run.status == RunStatus.SUCCEEDED and run.created_count == 2
    assert order_import_file(path=path, file_format="evaluation_csv").unchanged_count == 2
    bad = Evaluation.objects.get(platform_evaluation_id="S3")
    assert bad.conversation_id == shop[2]["b4"].id and bad.agent_id == shop[1].id
    report = sales_report(client_id=brand_a.pk, start=DAY, end=DAY + timedelta(days=2))
    assert report.csat["brand"] == (2, 1)
    assert report.csat["scores"] == {5: 1, 4: 0, 3: 0, 2: 0, 1: 1}
    assert [d["conversation"] for d in report.dissatisfied] == ["S3"]


def test_sales_page_reads_in_chinese_and_is_scoped(shop, brand_a, brand_b, viewer_a, account_manager):
    web = WebClient()
    web.force_login(viewer_a)
    page = web.get(f"/sales/{brand_a.pk}/?start=2026-11-10&end=2026-11-12", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    html = page.content.decode()
    for word in ("询单转化率", "客单价", "静默占比", "满意率", "<svg"):
        assert word in html
    assert web.get(f"/sales/{brand_b.pk}/").status_code == 404
    export = web.get(f"/sales/{brand_a.pk}/export.xlsx?start=2026-11-10&end=2026-11-12")
    assert export.status_code == 200 and export.content[:2] == b"PK"


def test_api_summary_and_orders_are_scoped(shop, brand_a, brand_b, viewer_a, api):
    client = api(viewer_a)
    summary = client.get(f"/api/v1/sales/{brand_a.pk}/?start=2026-11-10&end=2026-11-12")
    assert summary.status_code == 200
    assert summary.json()["funnel"]["paying"] == 2
    assert client.get(f"/api/v1/sales/{brand_b.pk}/").status_code == 404
    other = factories.make_store(client=brand_b, platform="jd", shop_id="other-01")
    Order.objects.create(
        store=other, platform_order_id="X", buyer_pseudonym="x", created_at=at(0, 1), amount_paid=0, status="created"
    )
    ids = {row["platform_order_id"] for row in client.get("/api/v1/orders/").json()["results"]}
    assert ids == {"O1", "O2", "O3", "O4"}


def test_api_upload_queues_the_import(brand_a, account_manager, api, media_root, django_capture_on_commit_callbacks):
    factories.make_store(client=brand_a, platform="tmall", shop_id="yuefu-tmall-01")
    sample = Path(__file__).parent / "samples" / "canonical_orders.csv"
    with sample.open("rb") as fh, django_capture_on_commit_callbacks(execute=True):
        response = api(account_manager).post(
            "/api/v1/order-imports/", {"file": fh, "file_format": "canonical_csv"}, format="multipart"
        )
    assert response.status_code == 202
    run = api(account_manager).get(f"/api/v1/order-imports/{response.json()['id']}/").json()
    assert run["status"] == "succeeded" and run["created_count"] == 3


def test_an_order_first_seen_after_the_statement_is_not_clawed_back(shop, brand_a):
    store = shop[0]
    issued = at(5, 9)
    late = [(store.id, "O9", "b1", at(0, 21), at(0, 21, 1), Decimal("70.00"), Decimal("70.00"), "closed", 1)]
    order_rows_import(rows=late, file_name="late.csv", recorded_at=at(8, 10))
    attribution_refresh(store_ids=[store.id])
    assert commission_clawbacks(client_id=brand_a.pk, paid_before=DAY + timedelta(days=20), after=issued) == []


def test_offboarding_blanks_order_buyers_keeps_the_commission_base_and_archives_orders(shop, brand_a, media_root):
    import csv
    import io
    import zipfile

    from apps.clients import offboarding
    from apps.orders.models import Attribution

    store, _agent, _chats, rows = shop
    before = dict(Attribution.objects.filter(order__store=store).values_list("order__platform_order_id", "kind"))
    assert before["O1"] == "human"  # the chat-credited order the off-boarding must not silence

    # when the brand is off-boarded
    run = offboarding.brand_offboard(client=brand_a, force=True)

    # then no order keeps its buyer's pseudonym, amounts and attribution stay, and a later refresh keeps them
    assert run.status == "succeeded"
    assert run.counts["left"]["order_buyer_pseudonyms"] == 0
    assert run.counts["order_pseudonyms_blanked"] == len(rows)
    assert set(Order.objects.filter(store=store).values_list("buyer_pseudonym", flat=True)) == {""}
    assert sum(Order.objects.filter(store=store).values_list("amount_paid", flat=True)) == Decimal("260.00")
    attribution_refresh(store_ids=[store.id])
    after = dict(Attribution.objects.filter(order__store=store).values_list("order__platform_order_id", "kind"))
    assert after == before

    # and the archive holds the orders as they were, with their buyer and attribution
    run.refresh_from_db()
    with run.archive.open("rb") as fh:
        archive = zipfile.ZipFile(io.BytesIO(fh.read()))
    orders = list(csv.DictReader(io.StringIO(archive.read("orders.csv").decode("utf-8-sig"))))
    assert {(o["platform_order_id"], o["buyer_pseudonym"], o["attribution_kind"]) for o in orders} == {
        (poid, buyer, before[poid]) for _s, poid, buyer, *_rest in rows
    }
    assert "evaluations.csv" in archive.namelist()
    assert offboarding.brand_offboard(client=brand_a, force=True).counts["order_pseudonyms_blanked"] == 0


def test_an_attribution_to_a_purged_chat_stays_as_it_was(shop):
    # given an order credited to a chat that the retention purge has since emptied
    from apps.orders.models import Attribution

    store, _agent, chats, _rows = shop
    Conversation.objects.filter(pk=chats["b1"].pk).update(buyer_pseudonym="")

    # when the stores' orders are re-attributed (after the next import)
    written = attribution_refresh(store_ids=[store.id])

    # then the order keeps its credit: recomputing could only call it silent
    assert written == 0
    assert Attribution.objects.get(order__platform_order_id="O1").conversation_id == chats["b1"].pk
