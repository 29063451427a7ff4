"""The QA demo step at a tiny scale: every conversation carries a result, the worked example exists,
and a re-run changes nothing."""

from __future__ import annotations

import pytest

from apps.clients import demo as clients_demo
from apps.conversations import demo as conv_demo
from apps.conversations import pipeline
from apps.conversations.models import Conversation
from apps.core.demo import DemoContext
from apps.people import demo_agents
from apps.qa import demo as qa_demo
from apps.qa.models import CalibrationSession, Dispute, QAResult, ReviewItem

pytestmark = pytest.mark.django_db


class _Out:
    def write(self, message: str) -> None:
        pass


@pytest.fixture
def seeded(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path / "var"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(pipeline, "CONSUMERS", [])
    clients_demo.seed(DemoContext(out=_Out()))
    demo_agents.seed(DemoContext(out=_Out()))
    conv_demo.seed(DemoContext(scale=0.01, out=_Out()))
    qa_demo.seed(DemoContext(scale=0.01, out=_Out()))


def test_every_demo_conversation_has_a_result(seeded):
    unscored = Conversation.objects.exclude(qa_results__scorecard__is_active=True).count()
    assert (unscored, QAResult.objects.count()) == (0, Conversation.objects.count())


def test_queue_holds_violations_and_worked_example(seeded):
    assert ReviewItem.objects.filter(reason="violation").exists()
    assert ReviewItem.objects.filter(status="confirmed", reviewed_by__username="qa").exists()
    assert ReviewItem.objects.filter(status="dismissed", reviewed_by__username="qa").exists()


def test_one_dispute_settled_and_one_calibration_with_kappa(seeded):
    assert Dispute.objects.filter(status="partly_accepted").count() == 1
    session = CalibrationSession.objects.get()
    assert session.status == "closed" and session.kappa is not None


def test_rerun_writes_nothing(seeded):
    before = (QAResult.objects.count(), ReviewItem.objects.count(), Dispute.objects.count())
    qa_demo.seed(DemoContext(scale=0.01, out=_Out()))
    after = (QAResult.objects.count(), ReviewItem.objects.count(), Dispute.objects.count())
    assert before == after and CalibrationSession.objects.count() == 1
