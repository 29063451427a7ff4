"""The people readers and writer workforce plans with (issue #13: workforce reads agents through
apps.people.selectors and writes their contract terms through apps.people.services)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.people import selectors, services
from apps.people.models import Agent
from tests import factories

pytestmark = pytest.mark.django_db


def test_agent_terms_read_the_contract_and_leave_out_inactive_agents_when_asked():
    active = factories.make_agent()
    gone = factories.make_agent(is_active=False)
    terms = selectors.agent_terms([active.pk, gone.pk])
    assert set(terms) == {active.pk, gone.pk}
    assert terms[active.pk].weekly_hours_max == active.weekly_hours_max
    assert terms[active.pk].site_id == active.site_id
    assert set(selectors.agent_terms([active.pk, gone.pk], active_only=True)) == {active.pk}


def test_contract_terms_are_written_in_one_call_and_bad_terms_are_refused():
    a, b = factories.make_agent(), factories.make_agent()
    assert (
        services.agent_contracts_set(
            {a.pk: (Decimal(0), Decimal(24), 5, False), b.pk: (Decimal(8), Decimal(40), 6, True)}
        )
        == 2
    )
    a.refresh_from_db()
    assert (a.weekly_hours_max, a.max_days_per_week, a.nights_ok) == (Decimal(24), 5, False)
    with pytest.raises(ValueError, match="no agent with id"):
        services.agent_contracts_set({10**9: (Decimal(0), Decimal(24), 5, False)})
    with pytest.raises(ValueError, match=f"agent {b.pk}: weekly hours min 30 is above max 20"):
        services.agent_contracts_set({b.pk: (Decimal(30), Decimal(20), 5, False)})
    assert Agent.objects.get(pk=b.pk).weekly_hours_max == Decimal(40)
