"""Reads of the vendor's agents, for the apps above people (conversations, orders, intraday, workforce)."""

from __future__ import annotations

from collections.abc import Iterable
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
