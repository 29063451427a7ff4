"""Every workforce model has an admin page a BPO manager can open; a client viewer sees none."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

MODELS = [
    "people.agent",  # the agent moved to apps.people (issue #13); workforce's admin still edits it
    "workforce.agentskill",
    "workforce.availability",
    "workforce.leave",
    "workforce.shiftrule",
    "workforce.forecast",
    "workforce.forecastoverride",
    "workforce.staffingrequirement",
    "workforce.roster",
    "workforce.shift",
    "workforce.rosterchange",
    "workforce.solverun",
]


@pytest.mark.parametrize("model", MODELS)
def test_bpo_manager_opens_the_changelist(client, bpo_manager, model):
    client.force_login(bpo_manager)
    assert client.get(reverse(f"admin:{model.replace('.', '_')}_changelist")).status_code == 200


def test_admin_edits_a_draft_shift_through_the_services_and_a_published_one_is_read_only(client, bpo_manager, planned):
    from apps.workforce import services
    from apps.workforce.models import RosterChange

    shift = planned.roster.shifts.first()
    client.force_login(bpo_manager)
    url = reverse("admin:workforce_shift_change", args=[shift.pk])
    tz = services.local_tz()
    quarter = (shift.end - shift.start).total_seconds() > 4 * 3600
    new_end = shift.end.astimezone(tz) + (-1 if quarter else 1) * timedelta(minutes=15)
    data = {
        "roster": planned.roster.pk,
        "agent": shift.agent_id,
        "start_0": shift.start.astimezone(tz).strftime("%Y-%m-%d"),
        "start_1": shift.start.astimezone(tz).strftime("%H:%M:%S"),
        "end_0": new_end.strftime("%Y-%m-%d"),
        "end_1": new_end.strftime("%H:%M:%S"),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    shift.refresh_from_db()
    assert shift.end == new_end
    assert not RosterChange.objects.filter(roster=planned.roster).exists()  # a draft keeps no change log
    # once published, the roster is read-only in admin (docs/access.md); changes go through the API
    services.roster_publish(roster=planned.roster)
    assert client.post(url, data).status_code == 403
