"""The sales report as an XLSX workbook (Chinese headings): summary, per day, per agent, dissatisfied chats."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook


def _pct(value):
    return None if value is None else float(round(value * 100, 1))


def sales_workbook(report, *, client_name: str) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Summary")
    b = report.brand
    total, satisfied = report.csat["brand"]
    ws.append([_("Brand"), client_name])
    ws.append([_("Period"), f"{report.start:%Y-%m-%d} – {report.end:%Y-%m-%d}"])
    for label, value in (
        (_("Consulting buyers"), b.consulting),
        (_("Ordering buyers"), b.ordering),
        (_("Paying buyers"), b.paying),
        (_("Inquiry conversion rate (%)"), _pct(b.conversion)),
        (
            _("Average order value (CNY)"),
            None if b.average_order_value is None else float(round(b.average_order_value, 2)),
        ),
        (_("Agent-attributed GMV"), float(b.attributed_gmv)),
        (_("Bot-assisted GMV"), float(b.bot_gmv)),
        (_("Silent GMV"), float(b.silent_gmv)),
        (_("Silent share (%)"), _pct(b.silent_share)),
        (_("Evaluations"), total),
        (_("Satisfaction rate (%)"), _pct(satisfied / total) if total else None),
    ):
        ws.append([label, value])
    days = wb.create_sheet(_("Per day"))
    days.append(
        [_("Date"), _("Consulting buyers"), _("Paying buyers"), _("Inquiry conversion rate (%)"),
         _("Agent-attributed GMV"), _("Bot-assisted GMV"), _("Silent GMV")]
    )  # fmt: skip
    for d in sorted(k for k in report.by_day if k is not None):
        k = report.by_day[d]
        days.append([d, k.consulting, k.paying, _pct(k.conversion), float(k.attributed_gmv), float(k.bot_gmv),
                     float(k.silent_gmv)])  # fmt: skip
    agents = wb.create_sheet(_("Per agent"))
    agents.append([_("Agent"), _("Consulting buyers"), _("Paying buyers"), _("Inquiry conversion rate (%)"),
                   _("Agent-attributed GMV"), _("Average QA score")])  # fmt: skip
    for agent_id, k in report.by_agent.items():
        if agent_id is None:
            continue
        qa = report.agent_qa.get(agent_id)
        agents.append([report.agent_names.get(agent_id, "—"), k.consulting, k.paying, _pct(k.conversion),
                       float(k.attributed_gmv), None if qa is None else float(qa)])  # fmt: skip
    bad = wb.create_sheet(_("Dissatisfied chats"))
    bad.append([_("Conversation"), _("Store"), _("Agent"), _("Score"), _("Evaluated"), _("QA score")])
    for row in report.dissatisfied:
        bad.append([row["conversation"], row["store"], row["agent"], row["score"],
                    row["evaluated_at"].replace(tzinfo=None), row["qa_score"]])  # fmt: skip
    return wb
