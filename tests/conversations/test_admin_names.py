"""The admin names the message model as messages (消息), not as the conversation's message count
(消息数) the same English word translates to (found in the browser walk of the demo's admin)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from apps.conversations.models import Conversation

pytestmark = pytest.mark.django_db


def test_the_message_model_is_named_messages_and_the_count_stays_a_count(client):
    root = get_user_model().objects.create_superuser("walker-root", "root@example.com", "x")
    client.force_login(root)
    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    link = re.search(r'<a href="/admin/conversations/message/"[^>]*>([^<]+)</a>', index)
    assert link is not None and link.group(1).strip() == "消息"
    with translation.override("zh-hans"):  # the message count keeps its own word
        assert str(Conversation._meta.get_field("message_count").verbose_name) == "消息数"
