"""The sales page of a brand (funnel, daily trend with promo bands, per agent with the QA score,
silent share, satisfaction) and its XLSX export. Staff see every brand, a client viewer its own."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.orders import charts, selectors
from apps.orders.export import sales_workbook


def _clients(request):
    from apps.clients.selectors import clients_visible

    return clients_visible(user=request.user).order_by("name")


def _period(request) -> tuple[date, date]:
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
        end = date.fromisoformat(request.GET.get("end", ""))
    except ValueError:  # the last 90 local days up to yesterday
        end = timezone.localdate()
        start = end - timedelta(days=90)
    if end <= start or (end - start).days > 370:
        end, start = start + timedelta(days=1), start
    return start, end


def _client(request, pk: int):
    client = _clients(request).filter(pk=pk).first()
    if client is None:
        raise Http404
    return client


@login_required
def sales_index(request):
    first = _clients(request).first()
    if first is None:
        raise Http404
    return redirect("orders:sales-brand", pk=first.pk)


@login_required
def sales_brand(request, pk: int):
    client = _client(request, pk)
    start, end = _period(request)
    report = selectors.sales_report(client_id=client.pk, start=start, end=end, user=request.user)
    days = sorted(d for d in report.by_day if d is not None)
    gmv = {
        _("Agent-attributed GMV"): [(d, float(report.by_day[d].attributed_gmv)) for d in days],
        _("Bot-assisted GMV"): [(d, float(report.by_day[d].bot_gmv)) for d in days],
        _("Silent GMV"): [(d, float(report.by_day[d].silent_gmv)) for d in days],
    }
    conversion = {
        _("Inquiry conversion rate (%)"): [
            (d, float(report.by_day[d].conversion * 100)) for d in days if report.by_day[d].conversion is not None
        ]
    }
    agents = sorted(
        (
            {
                "name": report.agent_names.get(agent_id, "—"),
                "kpi": kpi,
                "qa": report.agent_qa.get(agent_id),
                "csat": report.csat["agents"].get(agent_id),
            }
            for agent_id, kpi in report.by_agent.items()
            if agent_id is not None
        ),
        key=lambda row: (row["kpi"].conversion is None, row["kpi"].conversion or 0, row["name"]),
    )
    context = {
        "client": client,
        "clients": _clients(request),
        "start": start,
        "end": end,
        "report": report,
        "brand": report.brand,
        "gmv_chart": charts.trend_chart(gmv, start=start, end=end, bands=report.promos, title=_("GMV per day (CNY)")),
        "conversion_chart": charts.trend_chart(
            conversion, start=start, end=end, bands=report.promos, title=_("Inquiry conversion rate per day")
        ),
        "stores": [(report.store_names.get(k, "—"), v) for k, v in sorted(report.by_store.items(), key=lambda i: i[0])],
        "agents": agents,
        "csat_total": report.csat["brand"],
    }
    return render(request, "orders/sales.html", context)


@login_required
def sales_export(request, pk: int):
    client = _client(request, pk)
    start, end = _period(request)
    report = selectors.sales_report(client_id=client.pk, start=start, end=end, user=request.user)
    buffer = io.BytesIO()
    sales_workbook(report, client_name=client.name).save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="sales-{client.pk}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    return response
