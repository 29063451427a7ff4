"""Retention purge, brand off-boarding and the brand's data export (apps.clients.offboarding)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from apps.clients import offboarding
from apps.clients.models import DataRun
from apps.contracts.models import Invoice, InvoiceLine
from apps.conversations.models import Conversation, ImportRun, Message
from apps.core.choices import Role
from apps.core.errors import DomainError
from apps.core.models import AuditEvent
from apps.qa.models import QAHit, QAResult
from tests import factories
from tests.core.access_world import T0, build_world
from tests.qa.factories import make_conversation

pytestmark = pytest.mark.django_db

NOW = T0 + timedelta(days=200)


def _brand_with_history(code: str):
    """A brand with the access world (a contract, statement, QA, report, import file) plus one old
    and one recent conversation with QA hits quoting their text."""
    brand = factories.make_client(code=code, name=f"品牌{code}")
    build_world(brand)
    result = QAResult.objects.get(conversation__store__client=brand)
    QAHit.objects.create(result=result, rule_id=result.scorecard.rules.first().pk, severity="minor", excerpt="在吗")
    store = brand.stores.first()
    old = make_conversation(store=store, messages=[("buyer", 0, "旧的问题"), ("agent", 30, "旧的回答")], start=T0)
    new = make_conversation(
        store=store, messages=[("buyer", 0, "新的问题"), ("agent", 30, "新的回答")], start=NOW - timedelta(days=10)
    )
    new_result = QAResult.objects.create(
        conversation=new, scorecard=result.scorecard, started_at=new.started_at, status="scored", score=80
    )
    QAHit.objects.create(result=new_result, rule_id=result.scorecard.rules.first().pk, severity="minor", excerpt="新的")
    return brand, old, new


def _archive(run: DataRun) -> zipfile.ZipFile:
    run.refresh_from_db()
    with run.archive.open("rb") as fh:
        return zipfile.ZipFile(io.BytesIO(fh.read()))


def test_retention_purge_leaves_no_expired_content_and_keeps_aggregates(media_root):
    # given a brand with 180 days of retention, one conversation from 200 days ago and one from 10
    brand, old, new = _brand_with_history("ret")
    old_timing = Conversation.objects.values("first_response_seconds", "message_count").get(pk=old.pk)
    invoices, lines = Invoice.objects.count(), InvoiceLine.objects.count()

    # when the nightly purge runs
    run = offboarding.retention_purge(client=brand, now=NOW, batch_size=1)

    # then nothing older than the cutoff holds text, a pseudonym or an excerpt
    assert offboarding.shopper_data_left(client=brand, before=run.cutoff) == {
        "messages_with_text": 0,
        "messages": 4,  # message rows stay (sender and time), without text
        "buyer_pseudonyms": 0,
        "import_files": 1,
        "qa_excerpts": 0,
    }
    # the recent conversation is untouched
    assert list(Message.objects.filter(conversation=new).values_list("content", flat=True)) == ["新的问题", "新的回答"]
    assert QAHit.objects.get(result__conversation=new).excerpt == "新的"
    # aggregates stay: timing fields, QA scores, statements with lines
    assert Conversation.objects.values("first_response_seconds", "message_count").get(pk=old.pk) == old_timing
    assert QAResult.objects.filter(conversation__store__client=brand).count() == 2
    assert (Invoice.objects.count(), InvoiceLine.objects.count()) == (invoices, lines)
    # a visible run and an audit row
    assert run.status == "succeeded"
    assert run.counts == {"conversations": 2, "messages_blanked": 4, "qa_excerpts_blanked": 1}
    assert AuditEvent.objects.filter(action="client.retention_purged", client=brand).count() == 1


def test_retention_purge_twice_purges_nothing_more(media_root):
    brand, _old, _new = _brand_with_history("twice")
    offboarding.retention_purge(client=brand, now=NOW)
    again = offboarding.retention_purge(client=brand, now=NOW)
    assert again.counts == {"conversations": 0, "messages_blanked": 0, "qa_excerpts_blanked": 0}


def test_retention_follows_the_brands_own_setting(media_root):
    brand, _old, new = _brand_with_history("short")
    brand.message_retention_days = 5
    brand.save(update_fields=["message_retention_days"])
    offboarding.retention_purge(client=brand, now=NOW)
    assert set(Message.objects.filter(conversation=new).values_list("content", flat=True)) == {""}


def test_offboarding_refuses_while_a_contract_is_active(media_root):
    brand, _old, _new = _brand_with_history("active")
    with pytest.raises(DomainError) as refused:
        offboarding.brand_offboard(client=brand)
    assert refused.value.code == "active_contract"
    assert brand.contracts.first().code in refused.value.message
    assert Message.objects.filter(conversation__store__client=brand).exists()
    assert not DataRun.objects.filter(client=brand, kind="offboarding").exists()


def test_offboarding_exports_then_deletes_shoppers_data_and_keeps_statements(media_root):
    # given a brand with history and a second brand that must not be touched
    brand, _old, _new = _brand_with_history("gone")
    other, _o_old, _o_new = _brand_with_history("stays")
    other_messages = Message.objects.filter(conversation__store__client=other).count()
    messages = Message.objects.filter(conversation__store__client=brand).count()
    statements = Invoice.objects.filter(contract__client=brand).count()
    brand.contracts.update(is_active=False)

    # when it is off-boarded from the command
    call_command("offboard_brand", brand.code, "--confirm", stdout=io.StringIO())

    # then none of its shoppers' data is left, its statements are, and the other brand is untouched
    assert offboarding.shopper_data_left(client=brand) == {
        "messages_with_text": 0,
        "messages": 0,
        "buyer_pseudonyms": 0,
        "import_files": 0,
        "qa_excerpts": 0,
        "order_buyer_pseudonyms": 0,
    }
    assert ImportRun.objects.get(client=brand).file == ""
    assert Invoice.objects.filter(contract__client=brand).count() == statements == 1
    assert Conversation.objects.filter(store__client=brand).count() == 3
    assert Message.objects.filter(conversation__store__client=other).count() == other_messages
    brand.refresh_from_db()
    assert brand.status == "offboarded"
    run = DataRun.objects.get(client=brand, kind="offboarding")
    assert any("10" in item["why"] for item in run.kept)  # statements: ten years, tax law
    assert AuditEvent.objects.filter(action="client.offboarded", client=brand).count() == 1

    # and the archive's manifest counts and checksums match its files
    archive = _archive(run)
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["counts"]["conversations"] == 3
    assert manifest["counts"]["messages"] == messages
    assert manifest["counts"]["statements"] == statements
    assert manifest["counts"]["qa_hits"] == 2
    assert manifest["counts"]["report_pdfs"] == 1
    for entry in manifest["files"]:
        data = archive.read(entry["name"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        if entry["name"].endswith(".jsonl"):
            assert len(data.decode().splitlines()) == entry["rows"]
        elif entry["name"].endswith(".csv"):
            assert max(len(data.decode("utf-8-sig").splitlines()) - 1, 0) == entry["rows"]
    assert (
        sum(len(json.loads(line)["messages"]) for line in archive.read("conversations.jsonl").splitlines()) == messages
    )
    assert hashlib.sha256(run.archive.open("rb").read()).hexdigest() == run.archive_sha256


def test_offboarding_twice_is_safe(media_root):
    brand, _old, _new = _brand_with_history("rerun")
    first = offboarding.brand_offboard(client=brand, force=True)
    second = offboarding.brand_offboard(client=brand, force=True)
    assert first.counts["messages_deleted"] == 6 and second.counts["messages_deleted"] == 0
    assert json.loads(_archive(second).read("manifest.json"))["counts"]["messages"] == 0
    assert Invoice.objects.filter(contract__client=brand).count() == 1
    assert _archive(first).read("conversations.jsonl")  # the first archive is still there


def test_offboard_command_needs_confirm_and_names_the_active_contract(media_root):
    brand, _old, _new = _brand_with_history("cmd")
    with pytest.raises(CommandError, match="--confirm"):
        call_command("offboard_brand", brand.code)
    with pytest.raises(CommandError, match=brand.contracts.first().code):
        call_command("offboard_brand", brand.code, "--confirm")


def test_a_viewer_downloads_only_its_own_brands_export(media_root, client, django_capture_on_commit_callbacks):
    # given two brands, each with a finished export, and brand A's viewer
    brand_a, _a_old, _a_new = _brand_with_history("exp-a")
    brand_b, _b_old, _b_new = _brand_with_history("exp-b")
    viewer = factories.make_user(role=Role.CLIENT_VIEWER, client=brand_a)
    client.force_login(viewer)

    # when the viewer asks for an export through the API (built eagerly in tests)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/data-exports/")
        other = offboarding.data_export_request(client=brand_b, actor=None)
    assert response.status_code == 201, response.content
    own = DataRun.objects.get(pk=response.json()["id"])
    assert client.post("/api/v1/data-exports/", {"client": brand_b.pk}).status_code == 400

    # then it downloads its own archive, audited, and gets 404 for brand B's
    download = client.get(f"/api/v1/data-exports/{own.pk}/download/")
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert json.loads(archive.read("manifest.json"))["brand"]["code"] == "exp-a"
    assert client.get(f"/api/v1/data-exports/{other.pk}/download/").status_code == 404
    assert client.get(f"/clients/exports/{other.pk}/download/").status_code == 404
    listed = client.get("/api/v1/data-exports/").json()["results"]
    assert own.pk in [r["id"] for r in listed] and {r["client_code"] for r in listed} == {"exp-a"}
    assert AuditEvent.objects.filter(action="client.data_export_downloaded", actor=viewer).count() == 1
    page = client.get("/clients/exports/")
    assert page.status_code == 200 and "exp-b" not in page.content.decode()


def test_admin_offboard_action_refuses_in_chinese_then_forced_runs_in_a_task(
    media_root, client, django_capture_on_commit_callbacks
):
    brand, _old, _new = _brand_with_history("adm")
    manager = factories.make_user(role=Role.ACCOUNT_MANAGER)
    client.force_login(manager)
    url = "/admin/clients/client/"
    refused = client.post(url, {"action": "offboard", "_selected_action": [brand.pk]}, follow=True)
    assert "仍有生效中的合同" in refused.content.decode()
    assert not DataRun.objects.filter(client=brand, kind="offboarding").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "offboard_forced", "_selected_action": [brand.pk]})
    run = DataRun.objects.get(client=brand, kind="offboarding")
    assert run.status == "succeeded" and run.counts["forced_over_contracts"] == [brand.contracts.first().code]
    assert offboarding.shopper_data_left(client=brand)["messages"] == 0
    assert brand.contracts.first().code in AuditEvent.objects.get(action="client.offboarded", client=brand).reason
