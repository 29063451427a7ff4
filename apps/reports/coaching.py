"""The weekly coaching list's order by low conversion (issue #17 §5): registered into
apps.qa.selectors.COACHING_SORTS at start-up (ReportsConfig.ready), because qa sits below orders in
the layers and cannot read sales itself; reports may read both.

An agent's conversion of the week = paying ÷ consulting buyers of the agent's presale chats started
in the week (apps.orders.selectors.sales_report, summed over the brands shown: one brand when the
list is filtered to it, else every brand the user may see). Agents without presale chats that week
come last."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.clients import selectors as clients_selectors
from apps.orders import selectors as orders_selectors
from apps.reports.templatetags.report_format import num, pct


def agent_conversion(*, client_ids: list[int], start: date, end: date) -> dict[int, tuple[int, int]]:
    """Agent id -> (consulting buyers, paying buyers) over local dates [start, end), summed over brands."""
    totals: dict[int, tuple[int, int]] = {}
    for client_id in client_ids:
        report = orders_selectors.sales_report(client_id=client_id, start=start, end=end)
        for agent_id, kpi in report.by_agent.items():
            if agent_id is None:
                continue
            consulting, paying = totals.get(agent_id, (0, 0))
            totals[agent_id] = (consulting + kpi.consulting, paying + kpi.paying)
    return totals


def sort_by_conversion(rows: list[dict], *, user, week_start: date, client_id: int | None) -> list[dict]:
    """The coaching rows, lowest conversion of the week first; each row gains consulting, paying,
    conversion (exact) and sort_value (the printed rate with its buyers)."""
    if client_id is not None:
        client_ids = [client_id]
    else:
        client_ids = list(clients_selectors.clients_visible(user=user).values_list("pk", flat=True))
    totals = agent_conversion(client_ids=client_ids, start=week_start, end=week_start + timedelta(days=7))
    out = []
    for row in rows:
        consulting, paying = totals.get(row["agent_id"], (0, 0))
        conversion = Decimal(paying) / Decimal(consulting) if consulting else None
        value = _("%(rate)s (%(paying)s of %(consulting)s)") % {
            "rate": pct(conversion),
            "paying": num(paying),
            "consulting": num(consulting),
        }
        out.append({**row, "consulting": consulting, "paying": paying, "conversion": conversion, "sort_value": value})
    out.sort(key=lambda r: (r["conversion"] is None, r["conversion"] or 0, -r["consulting"], r["agent_name"]))
    return out


def register() -> None:
    from apps.qa.selectors import COACHING_SORTS, CoachingSort

    COACHING_SORTS["conversion"] = CoachingSort(
        label=gettext_lazy("by inquiry conversion rate, lowest first"),
        column=gettext_lazy("Inquiry conversion rate this week"),
        note=gettext_lazy(
            "Lowest inquiry conversion rate of the week first (paying ÷ consulting buyers of the agent's presale "
            "chats); agents without presale chats that week last. Violations are counted as in the default order."
        ),
        apply=sort_by_conversion,
    )
