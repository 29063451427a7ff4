"""Property-based fuzzing of the whole API against the live test server (schemathesis over the schema).

Every operation of the OpenAPI schema is called with generated parameters and bodies, as a superuser
and as a client viewer (token authentication): no answer may be a server error, and every answer the
schema documents must match it. Few examples per operation and derandomized, so a red run repeats.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error, response_schema_conformance

from apps.conversations.services import import_file
from apps.core.choices import Role
from apps.qa import services as qa_services
from tests import factories
from tests.contracts.factories import make_contract

EXAMPLES_PER_OPERATION = 2
SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"


@pytest.fixture
def seeded_tokens(transactional_db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("migrate", verbosity=0)  # groups and permissions after a flush
    brand_a = factories.make_client(code="fuzz-a", name="悦肤")
    brand_b = factories.make_client(code="fuzz-b", name="山野户外")
    factories.make_store(client=brand_a, platform="tmall", shop_id="yuefu-tmall-01")
    factories.make_store(client=brand_b, platform="taobao", shop_id="shanye-tb-01")
    # Real rows behind the list and detail endpoints, so the response schemas are checked on data:
    # conversations with messages, QA results, hits and review items, rules, a contract with charges.
    qa_services.scorecard_install_default(client=brand_a)
    qa_services.scorecard_install_default(client=brand_b)
    for sample, file_format in (("canonical.csv", "canonical_csv"), ("taobao_chatlog.json", "taobao_json")):
        run = import_file(path=SAMPLES / sample, file_format=file_format)
        assert run.status == "succeeded", run.errors
    make_contract(client=brand_a)
    admin = factories.make_user(username="fuzz-admin", is_superuser=True)
    viewer = factories.make_user(role=Role.CLIENT_VIEWER, client=brand_a, username="fuzz-viewer")
    return {name: Token.objects.create(user=user).key for name, user in (("admin", admin), ("viewer", viewer))}


def _schema():
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(document)


def _fuzz(operation, base_url: str, tokens: dict[str, str], failures: list[str]):
    """One operation's property: generated cases, each sent once per token, checked as they come back."""

    @given(case=operation.as_strategy())
    @hsettings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        for who, key in tokens.items():
            response = case.call(base_url=base_url, headers={"Authorization": f"Token {key}"})
            for check in (not_a_server_error, response_schema_conformance):
                try:
                    case.validate_response(response, checks=[check])
                except BaseException as exc:  # noqa: BLE001 - a FailureGroup; collected and reported together
                    if isinstance(exc, KeyboardInterrupt):
                        raise
                    failures.append(f"{who} {operation.label} {response.status_code}: {str(exc)[:400]}")

    return call


def test_every_operation_answers_without_server_errors_or_schema_violations(live_server, seeded_tokens):
    schema = _schema()
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:
        _fuzz(operation, live_server.url, seeded_tokens, failures)()
    assert not failures, "\n".join(sorted(set(failures))[:80])
