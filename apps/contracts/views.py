"""The billing page: the month's invoices per brand with totals and statuses, and its exports."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.contracts import exports, selectors


def _period(request) -> date:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(x) for x in raw.split("-"))
        return date(year, month, 1)
    except ValueError:
        return selectors.previous_month(timezone.localdate())[0]


@login_required
def billing_page(request):
    period = _period(request)
    brands = selectors.billing_month_summary(user=request.user, period_start=period)
    grand = sum((b["total"] for b in brands), 0)
    return render(request, "contracts/billing.html", {"period": period, "brands": brands, "grand_total": grand})


@login_required
def billing_export(request):
    period = _period(request)
    invoices = list(selectors.invoice_list(user=request.user, period_start=period).prefetch_related("lines"))
    if request.GET.get("file") == "xlsx":
        response = HttpResponse(
            exports.invoices_xlsx(invoices),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"invoices-{period:%Y-%m}.xlsx"
    else:
        response = HttpResponse(exports.invoices_csv(invoices), content_type="text/csv; charset=utf-8")
        name = f"invoices-{period:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
