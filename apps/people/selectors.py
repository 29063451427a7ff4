"""Reads of the vendor's agents, for the apps above people (conversations, orders, intraday, workforce)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from decimal import Decimal

from apps.people.models import Agent


def agent_ids_by_nick(nicks: Iterable[str]) -> dict[str, int]:
    """{chat nick: agent id} of the agents answering under these nicks (unknown nicks are absent)."""
    nicks = [n for n in set(nicks) if n]
    if not nicks:
        return {}
    return dict(Agent.objects.filter(nick__in=nicks).values_list("nick", "id"))


def agent_ids_by_employee_no(numbers: Iterable[str]) -> dict[str, int]:
    """{employee no.: agent id} (unknown numbers are absent)."""
    return dict(Agent.objects.filter(employee_no__in=list(numbers)).values_list("employee_no", "id"))


def agent_names(ids: Iterable[int]) -> dict[int, str]:
    """{agent id: name}."""
    return dict(Agent.objects.filter(pk__in=list(ids)).values_list("id", "name"))


def agent_nicks(ids: Iterable[int]) -> dict[int, str]:
    """{agent id: chat nick} (what chat exports and state feeds name agents by)."""
    return dict(Agent.objects.filter(pk__in=list(ids)).values_list("id", "nick"))


def agent_get(*, agent_id: int) -> Agent:
    """One agent (raises Agent.DoesNotExist), e.g. as the anchor of an audit event."""
    return Agent.objects.get(pk=agent_id)


def active_agent_rows(*, site_ids: Iterable[int]) -> list[tuple[int, str, int, Decimal, str]]:
    """(id, name, site id, weekly hours max, contract type) of the active agents of these sites."""
    return list(
        Agent.objects.filter(site_id__in=list(site_ids), is_active=True).values_list(
            "id", "name", "site_id", "weekly_hours_max", "contract_type"
        )
    )


@dataclass(frozen=True)
class AgentTerms:
    """An agent's contract and preferences as plain data (what workforce plans a week with)."""

    id: int
    site_id: int
    contract_type: str
    hourly_cost: Decimal
    weekly_hours_min: Decimal
    weekly_hours_max: Decimal
    max_days_per_week: int
    preferred_start: time | None
    nights_ok: bool
    is_active: bool


_TERMS = [
    "id",
    "site_id",
    "contract_type",
    "hourly_cost",
    "weekly_hours_min",
    "weekly_hours_max",
    "max_days_per_week",
    "preferred_start",
    "nights_ok",
    "is_active",
]


def agent_terms(ids: Iterable[int], *, active_only: bool = False) -> dict[int, AgentTerms]:
    """{agent id: AgentTerms} of these agents (with ``active_only``, the inactive ones are absent)."""
    qs = Agent.objects.filter(pk__in=list(ids))
    if active_only:
        qs = qs.filter(is_active=True)
    return {row[0]: AgentTerms(*row) for row in qs.order_by("employee_no").values_list(*_TERMS)}


def all_agent_terms() -> list[AgentTerms]:
    """Every agent's terms, in employee-number order (the demo's seeded order)."""
    return [AgentTerms(*row) for row in Agent.objects.order_by("employee_no").values_list(*_TERMS)]
