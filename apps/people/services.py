"""Writes of the vendor's agents, for the apps above people."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction

from apps.people.models import Agent

CONTRACT_FIELDS = ("weekly_hours_min", "weekly_hours_max", "max_days_per_week", "nights_ok")


@transaction.atomic
def agent_contracts_set(terms: Mapping[int, tuple[Decimal, Decimal, int, bool]]) -> int:
    """Set (weekly hours min, weekly hours max, max days a week, works nights) of the agents keyed
    by id, in one bulk update; returns the number of agents updated. An unknown id is an error."""
    agents = list(Agent.objects.filter(pk__in=list(terms)))
    missing = set(terms) - {a.pk for a in agents}
    if missing:
        raise ValueError(f"no agent with id {sorted(missing)[0]}")
    for agent in agents:
        hours_min, hours_max, max_days, nights_ok = terms[agent.pk]
        if hours_min > hours_max:
            raise ValueError(f"agent {agent.pk}: weekly hours min {hours_min} is above max {hours_max}")
        agent.weekly_hours_min, agent.weekly_hours_max = hours_min, hours_max
        agent.max_days_per_week, agent.nights_ok = max_days, nights_ok
    Agent.objects.bulk_update(agents, list(CONTRACT_FIELDS))
    return len(agents)
