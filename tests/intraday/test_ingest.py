"""Data in: the push feed of chats and the agent state feed, with the bad input of the issue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.conversations.models import Conversation, Message
from apps.intraday.models import AgentStateEvent
from apps.qa import selectors as qa_selectors
from apps.qa.services import scorecard_install_default
from tests import factories
from tests.intraday.conftest import local, message

pytestmark = pytest.mark.django_db
URL = "/api/v1/intraday/messages/"


def _batch(shop="SHOP-A", conv="c1", at=None):
    at = at or local(20, 1)
    return [
        message(shop, conv, 1, at, "buyer", "你们的洗衣液漏液了，我要投诉"),
        message(shop, conv, 3, at + timedelta(seconds=40), "buyer", "人呢？"),  # out of order on purpose
        message(shop, conv, 2, at + timedelta(seconds=20), "agent", "非常抱歉，已为您申请补发", agent="ag1"),
    ]


def test_a_pushed_batch_lands_once_and_qa_scores_it(api, pusher, brand_a, store_a, django_capture_on_commit_callbacks):
    scorecard_install_default(client=brand_a)
    with django_capture_on_commit_callbacks(execute=True):  # the post-import QA hand-over runs on commit
        first = api(pusher).post(URL, {"messages": _batch()}, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["imported"] == 3
    again = api(pusher).post(URL, {"messages": _batch()}, format="json")
    assert again.json() == {**again.json(), "imported": 0, "duplicates": 3}
    conv = Conversation.objects.get()
    assert conv.first_response_seconds == 20 and Message.objects.count() == 3
    hits = qa_selectors.risk_hits(client_ids=[brand_a.pk], start=local(20), end=local(21))
    assert {h[1] for h in hits} == {conv.pk} and len(hits) >= 1


def test_a_batch_with_a_brand_the_token_may_not_write_is_refused_whole(api, pusher, store_a, store_b):
    batch = _batch() + _batch(shop="SHOP-B", conv="c2")
    response = api(pusher).post(URL, {"messages": batch}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "shop" and body["row"] == 4
    assert "店铺" in body["detail"]
    assert Conversation.objects.count() == 0


def test_future_times_and_unknown_shops_are_refused_naming_the_field(api, pusher, store_a):
    future = _batch(at=timezone.now() + timedelta(hours=1))
    response = api(pusher).post(URL, {"messages": future}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and response.json()["field"] == "sent_at"
    assert "发送时间" in response.json()["detail"]
    unknown = api(pusher).post(URL, {"messages": _batch(shop="NOPE")}, format="json")
    assert unknown.status_code == 400 and unknown.json()["field"] == "shop"
    assert Conversation.objects.count() == 0


def test_a_token_without_a_grant_writes_nothing(api, bpo_manager, store_a):
    response = api(bpo_manager).post(URL, {"messages": _batch()}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "shop"


STATES = "/api/v1/intraday/agent-states/"


def test_state_events_are_idempotent_in_any_order(api, bpo_manager):
    agent = factories.make_agent(nick="小周")
    t = local(19)
    events = [
        {"agent": "小周", "state": "break", "time": (t + timedelta(hours=2)).isoformat()},
        {"agent": agent.employee_no, "state": "available", "time": t.isoformat()},
        {"agent": "小周", "state": "available", "time": t.isoformat()},  # the same event again
    ]
    first = api(bpo_manager).post(STATES, {"events": events}, format="json")
    assert first.status_code == 201 and first.json() == {"received": 3, "created": 2, "duplicates": 1}
    again = api(bpo_manager).post(STATES, {"events": events}, format="json")
    assert again.json()["created"] == 0
    assert AgentStateEvent.objects.count() == 2


@pytest.mark.parametrize(
    ("event", "field", "word"),
    [
        ({"agent": "谁也不是", "state": "available"}, "agent", "客服"),
        ({"agent": "小周", "state": "sleeping"}, "state", "状态"),
        ({"agent": "小周", "state": "available", "future": True}, "time", "时间"),
    ],
)
def test_bad_state_events_are_refused_whole_naming_the_field(api, bpo_manager, event, field, word):
    factories.make_agent(nick="小周")
    at = timezone.now() + timedelta(hours=2) if event.pop("future", False) else local(19)
    good = {"agent": "小周", "state": "busy", "time": local(18).isoformat()}
    response = api(bpo_manager).post(
        STATES, {"events": [good, {**event, "time": at.isoformat()}]}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert response.json()["field"] == field and response.json()["row"] == 2
    assert word in response.json()["detail"]
    assert AgentStateEvent.objects.count() == 0


def test_state_events_from_a_csv(api, bpo_manager):
    factories.make_agent(nick="小周")
    data = f"agent,state,time\n小周,available,{local(8).isoformat()}\n小周,offline,{local(16).isoformat()}\n"
    upload = SimpleUploadedFile("states.csv", data.encode("utf-8-sig"), content_type="text/csv")
    response = api(bpo_manager).post(STATES + "upload/", {"file": upload}, format="multipart")
    assert response.status_code == 201 and response.json()["created"] == 2


def test_a_15_minute_chat_export_goes_through_the_importer(tmp_path, store_a):
    from apps.core.errors import DomainError
    from apps.intraday.services import chat_export_import

    header = "platform,shop,conversation_id,message_id,sent_at,sender_role,agent,buyer,msg_type,content\n"
    t = local(20, 3).isoformat()
    good = tmp_path / "last-15-min.csv"
    good.write_text(header + f"tmall,SHOP-A,e1,e1-1,{t},buyer,,b1,text,在吗\n", encoding="utf-8")
    run = chat_export_import(path=good, file_format="canonical_csv")
    assert run.messages_imported == 1 and Conversation.objects.filter(platform_conversation_id="e1").exists()
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "tmall,SHOP-A,e2,e2-1,yesterday,buyer,,b1,text,在吗\n", encoding="utf-8")
    with pytest.raises(DomainError) as err:
        chat_export_import(path=bad, file_format="canonical_csv")
    assert err.value.field == "sent_at" and err.value.row == 2
