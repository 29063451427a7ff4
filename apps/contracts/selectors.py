"""Reads of the contracts app: terms as pricing specs, aggregated usage, SLA measurements, invoices."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Prefetch, Sum

from apps.contracts import pricing
from apps.contracts.choices import InvoiceKind, InvoiceStatus, Kpi
from apps.contracts.models import (
    Charge,
    ContractVersion,
    CreditNote,
    Invoice,
    InvoiceLine,
    SlaResult,
    Tier,
)
from apps.core.roles import scope_queryset

# --------------------------------------------------------------------------- terms


def _tier_spec(t: Tier) -> pricing.TierSpec:
    return pricing.TierSpec(lower=t.lower, upper=t.upper, unit_price=t.unit_price, flat_fee=t.flat_fee)


def charge_spec(charge: Charge) -> pricing.ChargeSpec:
    tiers = [t for t in charge.tiers.all() if t.peak_window_id is None]
    windows = []
    for w in charge.peak_windows.all():
        own = tuple(_tier_spec(t) for t in charge.tiers.all() if t.peak_window_id == w.pk)
        windows.append(
            pricing.PeakWindowSpec(
                name=w.name,
                start=w.starts_at,
                end=w.ends_at,
                multiplier=w.multiplier,
                unit_price=w.unit_price,
                tiers=own,
            )
        )
    return pricing.ChargeSpec(
        code=charge.code,
        name=charge.name,
        kind=charge.kind,
        amount=charge.amount,
        metric=charge.metric,
        model=charge.model,
        unit_price=charge.unit_price,
        tiers=tuple(_tier_spec(t) for t in tiers),
        package_size=charge.package_size,
        package_price=charge.package_price,
        package_rounding=charge.package_rounding,
        included=charge.included_quantity,
        platforms=tuple(charge.platforms or ()),
        store_ids=tuple(int(s) for s in charge.store_ids or ()),
        channels=tuple(charge.channels or ()),
        peak_windows=tuple(sorted(windows, key=lambda w: w.start)),
        night_surcharge=charge.night_surcharge_rate,
        minimum=charge.minimum_amount,
        vat_rate=charge.vat_rate,
    )


def version_spec(version: ContractVersion) -> pricing.VersionSpec:
    return pricing.VersionSpec(
        label=f"{version.contract_id}:{version.valid_from.isoformat()}",
        start=version.valid_from,
        end=version.valid_to or date(9999, 12, 31),
        charges=tuple(charge_spec(c) for c in version.charges.all() if c.kind != "commission"),
        monthly_minimum=version.monthly_minimum,
        vat_rate=version.vat_rate,
        sla_terms=tuple(
            pricing.SlaTermSpec(
                kpi=t.kpi,
                name=t.get_kpi_display(),
                target=t.target,
                comparison=t.comparison,
                weight=t.weight,
                cap=t.cap,
                earn_back=t.earn_back,
                earn_back_target=t.earn_back_target,
            )
            for t in version.sla_terms.all()
        ),
        sla_at_risk_share=version.sla_at_risk_share,
        sla_cap=version.sla_cap,
        sla_applies_to=sla_applies_to(version.sla_on_base, version.sla_on_usage, version.sla_on_minimum),
        earn_back_months=version.earn_back_months,
    )


def sla_applies_to(on_base: bool, on_usage: bool, on_minimum: bool) -> frozenset[str]:
    flags = ((on_base, pricing.SLA_ON_BASE), (on_usage, pricing.SLA_ON_USAGE), (on_minimum, pricing.SLA_ON_MINIMUM))
    return frozenset(name for on, name in flags if on)


def version_specs_for(contract_ids, start: date, end: date) -> dict[int, list[pricing.VersionSpec]]:
    """version_spec for every version of many contracts overlapping [start, end), in five plain queries."""
    from apps.contracts.choices import Kpi as KpiChoices

    kpi_names = dict(KpiChoices.choices)
    versions, charges, tiers, windows, terms = _version_rows(list(contract_ids), start, end)
    tiers_by = _tier_specs_by(tiers)
    charges_by = _charge_specs_by(charges, tiers_by, _window_specs_by(windows, tiers_by))
    terms_by = _term_specs_by(terms, kpi_names)
    out: dict[int, list[pricing.VersionSpec]] = defaultdict(list)
    for vid, contract_id, vfrom, vto, minimum, vat, at_risk, cap, earn_back_months, *on in versions:
        out[contract_id].append(
            pricing.VersionSpec(
                label=f"{contract_id}:{vfrom.isoformat()}",
                start=vfrom,
                end=vto or date(9999, 12, 31),
                charges=tuple(charges_by.get(vid, ())),
                monthly_minimum=minimum,
                vat_rate=vat,
                sla_terms=tuple(terms_by.get(vid, ())),
                sla_at_risk_share=at_risk,
                sla_cap=cap,
                sla_applies_to=sla_applies_to(*on),
                earn_back_months=earn_back_months,
            )
        )
    return out


def _version_rows(ids: list[int], start: date, end: date) -> tuple[list, list, list, list, list]:
    """The rows of the versions of contracts `ids` overlapping [start, end), and of their charges
    (commission charges excepted), tiers, peak windows and SLA terms: one query per table."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, contract_id, valid_from, valid_to, monthly_minimum, vat_rate, sla_at_risk_share, sla_cap, "
            "earn_back_months, sla_on_base, sla_on_usage, sla_on_minimum "
            "FROM contracts_contractversion WHERE contract_id = ANY(%s) AND valid_from < %s "
            "AND (valid_to IS NULL OR valid_to > %s) ORDER BY contract_id, valid_from",
            [ids, end, start],
        )
        versions = cur.fetchall()
        vids = [v[0] for v in versions]
        cur.execute(
            "SELECT id, version_id, code, name, kind, amount, metric, model, unit_price, package_size, package_price, "
            "included_quantity, platforms, store_ids, channels, night_surcharge_rate, minimum_amount, package_rounding, "
            "vat_rate "
            "FROM contracts_charge WHERE version_id = ANY(%s) AND kind <> 'commission' ORDER BY version_id, code",
            [vids],
        )
        charges = cur.fetchall()
        cids = [c[0] for c in charges]
        cur.execute(
            "SELECT charge_id, peak_window_id, lower, upper, unit_price, flat_fee FROM contracts_tier "
            "WHERE charge_id = ANY(%s) ORDER BY charge_id, lower",
            [cids],
        )
        tiers = cur.fetchall()
        cur.execute(
            "SELECT id, charge_id, name, start_date + make_interval(hours => start_hour), "
            "end_date + make_interval(hours => end_hour), multiplier, unit_price FROM contracts_peakwindow "
            "WHERE charge_id = ANY(%s) ORDER BY charge_id, start_date, start_hour",
            [cids],
        )
        windows = cur.fetchall()
        cur.execute(
            "SELECT version_id, kpi, target, comparison, weight, cap, earn_back, earn_back_target "
            "FROM contracts_slaterm WHERE version_id = ANY(%s) ORDER BY version_id, kpi",
            [vids],
        )
        terms = cur.fetchall()
    return versions, charges, tiers, windows, terms


def _tier_specs_by(rows) -> dict[tuple, list[pricing.TierSpec]]:
    """{(charge id, window id or None): tier specs} of contracts_tier rows."""
    tiers_by: dict[tuple, list] = defaultdict(list)
    for charge_id, window_id, lower, upper, price, flat in rows:
        tiers_by[(charge_id, window_id)].append(
            pricing.TierSpec(lower=lower, upper=upper, unit_price=price, flat_fee=flat)
        )
    return tiers_by


def _window_specs_by(rows, tiers_by) -> dict[int, list[pricing.PeakWindowSpec]]:
    """{charge id: peak window specs} of contracts_peakwindow rows, each with its own tiers."""
    windows_by: dict[int, list] = defaultdict(list)
    for wid, charge_id, name, wstart, wend, multiplier, price in rows:
        windows_by[charge_id].append(
            pricing.PeakWindowSpec(
                name=name,
                start=wstart,
                end=wend,
                multiplier=multiplier,
                unit_price=price,
                tiers=tuple(tiers_by.get((charge_id, wid), ())),
            )
        )
    return windows_by


def _charge_specs_by(rows, tiers_by, windows_by) -> dict[int, list[pricing.ChargeSpec]]:
    """{version id: charge specs} of contracts_charge rows."""
    charges_by: dict[int, list] = defaultdict(list)
    for row in rows:
        (cid, vid, code, name, kind, amount, metric, model, price, psize, pprice, included) = row[:12]
        platforms, stores, channels, night, minimum, rounding, charge_vat = row[12:]
        charges_by[vid].append(
            pricing.ChargeSpec(
                code=code,
                name=name,
                kind=kind,
                amount=amount,
                metric=metric,
                model=model,
                unit_price=price,
                tiers=tuple(tiers_by.get((cid, None), ())),
                package_size=psize,
                package_price=pprice,
                package_rounding=rounding,
                included=included,
                platforms=tuple(_json_list(platforms)),
                store_ids=tuple(int(x) for x in _json_list(stores)),
                channels=tuple(_json_list(channels)),
                peak_windows=tuple(sorted(windows_by.get(cid, ()), key=lambda w: w.start)),
                night_surcharge=night,
                minimum=minimum,
                vat_rate=charge_vat,
            )
        )
    return charges_by


def _term_specs_by(rows, kpi_names) -> dict[int, list[pricing.SlaTermSpec]]:
    """{version id: SLA term specs} of contracts_slaterm rows (in KPI order)."""
    terms_by: dict[int, list] = defaultdict(list)
    for vid, kpi, target, comparison, weight, cap, earn_back, earn_target in rows:
        terms_by[vid].append(
            pricing.SlaTermSpec(
                kpi=kpi,
                name=str(kpi_names.get(kpi, kpi)),
                target=target,
                comparison=comparison,
                weight=weight,
                cap=cap,
                earn_back=earn_back,
                earn_back_target=earn_target,
            )
        )
    return terms_by


def _json_list(value) -> list:
    import json

    if value is None:
        return []
    if isinstance(value, str):
        value = json.loads(value)
    return list(value)


# --------------------------------------------------------------------------- usage


USAGE_SQL = """
SELECT contract_id, metric, day, platform, store_id, channel, quantity, night_quantity
FROM contracts_usagedaily
WHERE contract_id = ANY(%s) AND day >= %s AND day < %s AND records > 0
"""


def usage_items_for(contract_ids, start: date, end: date, *, hourly=None) -> dict[int, list[pricing.UsageItem]]:
    """Usage of [start, end) summed per contract, metric, day and dimensions (the daily rollup).

    `hourly` ({contract id: {(day, metric)}}) names the days a peak window of a charge of that metric
    splits inside the day (20:00 on 10 Nov): those come per local hour, from the rollup's hourly
    sums (one row per day, 24 hours in it), instead of as one daily item.
    Sums do not depend on row order or on how the contracts are batched, and each record is
    counted once (its business key is unique in the table; triggers keep the rollup in step).
    """
    hourly = {cid: set(keys) for cid, keys in (hourly or {}).items() if keys}
    out: dict[int, list[pricing.UsageItem]] = defaultdict(list)
    with connection.cursor() as cur:
        cur.execute(USAGE_SQL, [list(contract_ids), start, end])
        for contract_id, metric, day, platform, store_id, channel, qty, night in cur.fetchall():
            if (day, metric) in hourly.get(contract_id, ()):
                continue
            out[contract_id].append(
                pricing.UsageItem(
                    source="sum",
                    source_key=f"{day.isoformat()}|{platform}|{store_id}|{channel}",
                    metric=metric,
                    day=day,
                    quantity=qty,
                    night_quantity=night,
                    platform=platform,
                    store_id=store_id or None,
                    channel=channel,
                )
            )
        keys = [(cid, day, metric) for cid, ks in hourly.items() for day, metric in sorted(ks) if start <= day < end]
        if keys:
            cur.execute(USAGE_HOURLY_SQL, [[k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]])
            for contract_id, metric, day, hour, platform, store_id, channel, qty, night in cur.fetchall():
                out[contract_id].append(
                    pricing.UsageItem(
                        source="hour",
                        source_key=f"{day.isoformat()}T{hour:02d}|{platform}|{store_id}|{channel}",
                        metric=metric,
                        day=day,
                        hour=hour,
                        quantity=qty,
                        night_quantity=night,
                        platform=platform,
                        store_id=store_id or None,
                        channel=channel,
                    )
                )
    return out


# The hours of the named (contract, day, metric) rollup rows that hold any usage; element h is hour h.
USAGE_HOURLY_SQL = """
SELECT d.contract_id, d.metric, d.day, (u.h - 1)::int, d.platform, d.store_id, d.channel, u.q, u.n
FROM contracts_usagedaily d
JOIN unnest(%s::bigint[], %s::date[], %s::text[]) AS want(contract_id, day, metric)
  ON d.contract_id = want.contract_id AND d.day = want.day AND d.metric = want.metric
CROSS JOIN LATERAL unnest(d.hour_quantity, d.hour_night) WITH ORDINALITY AS u(q, n, h)
WHERE d.records > 0 AND (u.q <> 0 OR u.n <> 0)
"""


def split_days(specs, start: date, end: date) -> set[tuple[date, str]]:
    """(day, metric) of [start, end) where a peak window of a charge of that metric starts or ends inside the day."""
    keys = set()
    for spec in specs:
        for charge in spec.charges:
            for window in charge.peak_windows:
                for edge in (window.start, window.end):
                    if (edge.hour or edge.minute) and start <= edge.date() < end:
                        keys.add((edge.date(), charge.metric))
    return keys


PRIOR_CREDITS_SQL = """
SELECT i.contract_id, r.kpi, i.period_start, r.credit_amount
FROM contracts_slaresult r JOIN contracts_invoice i ON i.id = r.invoice_id
WHERE i.contract_id = ANY(%s) AND i.kind = 'periodic' AND i.period_start >= %s AND i.period_start < %s
  AND r.credit_amount > 0
"""

EARNED_BACK_SQL = """
SELECT i.contract_id, l.details->>'kpi', l.details->>'month'
FROM contracts_invoiceline l JOIN contracts_invoice i ON i.id = l.invoice_id
WHERE i.contract_id = ANY(%s) AND l.kind = 'earn_back' AND i.period_start <> %s
"""


def prior_sla_credits(contract_ids, period_start: date) -> dict[int, list[pricing.PriorCredit]]:
    """KPI credit rows of the twelve months before `period_start` not yet earned back on another invoice.

    The engine keeps those inside the contract's earn-back window (rule 8).
    """
    ids = list(contract_ids)
    since = date(period_start.year - 1, period_start.month, 1)
    out: dict[int, list[pricing.PriorCredit]] = defaultdict(list)
    with connection.cursor() as cur:
        cur.execute(EARNED_BACK_SQL, [ids, period_start])
        earned = {(cid, kpi, month) for cid, kpi, month in cur.fetchall()}
        cur.execute(PRIOR_CREDITS_SQL, [ids, since, period_start])
        for cid, kpi, month, amount in sorted(cur.fetchall()):
            if (cid, kpi, f"{month:%Y-%m}") not in earned:
                out[cid].append(pricing.PriorCredit(kpi=kpi, month=month, amount=amount))
    return out


USAGE_STATS_SQL = """
SELECT contract_id, SUM(records), SUM(sum_record_id), SUM(quantity), SUM(night_quantity)
FROM contracts_usagedaily
WHERE contract_id = ANY(%s) AND day >= %s AND day < %s
GROUP BY contract_id
"""


def usage_stats_for(contract_ids, start: date, end: date) -> dict[int, tuple]:
    """Cheap totals of each contract's usage in [start, end): records, sum of their ids, quantities.

    Usage records are only ever inserted, so equal totals mean the same records.
    """
    with connection.cursor() as cur:
        cur.execute(USAGE_STATS_SQL, [list(contract_ids), start, end])
        return {row[0]: tuple(str(v) for v in row[1:]) for row in cur.fetchall()}


# --------------------------------------------------------------------------- SLA


CONVERSATION_KPIS = {
    Kpi.FIRST_RESPONSE_AVG_S: "first_response_avg_s",
    Kpi.FIRST_RESPONSE_30S_RATE: "first_response_within_30s_rate",
    Kpi.THREE_MINUTE_RATE: "three_minute_rate",
    Kpi.RESPONSE_AVG_S: "response_avg_s",
}
QA_KPIS = {Kpi.QA_PASS_RATE: "pass_rate", Kpi.QA_AVERAGE_SCORE: "average_score"}
SALES_KPIS = {Kpi.CONVERSION_RATE, Kpi.SATISFACTION_RATE}  # measured from orders and evaluations (issue #17)


def sla_measurements(*, client_id: int, start: date, end: date, kpis) -> dict[str, pricing.SlaMeasurement]:
    """Measure the KPIs a contract names over [start, end) from conversations and QA results."""
    return sla_measurements_many(kpis_by_client={client_id: set(kpis)}, start=start, end=end)[client_id]


def _conversation_measurements(metrics, kpis, start: date, end: date) -> dict[str, pricing.SlaMeasurement]:
    base = {
        "source": "conversations",
        "conversations": metrics.conversations,
        "human_handled": metrics.human_handled,
        "buyer_rounds": metrics.buyer_rounds,
        "rounds_answered": metrics.rounds_answered,
        "unanswered_conversations": metrics.unanswered_conversations,
        "period": [start.isoformat(), end.isoformat()],
    }
    return {
        kpi: pricing.SlaMeasurement(kpi=kpi, value=getattr(metrics, attr), details={**base, "field": attr})
        for kpi, attr in CONVERSATION_KPIS.items()
        if kpi in kpis
    }


def _qa_measurements(client_id: int, kpis, start: date, end: date) -> dict[str, pricing.SlaMeasurement]:
    from apps.qa.selectors import qa_period_summary  # looked up per call: tests replace the module

    s = qa_period_summary(client_id=client_id, start=start, end=end)
    base = {
        "source": "qa",
        "conversations": s.conversations,
        "scored": s.scored,
        "passed": s.passed,
        "critical_hits": s.critical_hits,
        "period": [start.isoformat(), end.isoformat()],
    }
    out = {}
    for kpi, attr in QA_KPIS.items():
        if kpi in kpis:
            value = getattr(s, attr)
            out[kpi] = pricing.SlaMeasurement(
                kpi=kpi, value=None if value is None else Decimal(value), details={**base, "field": attr}
            )
    return out


def sla_measurements_many(
    *, kpis_by_client: dict[int, set[str]], start: date, end: date
) -> dict[int, dict[str, pricing.SlaMeasurement]]:
    """`sla_measurements` of many brands: the conversation KPIs of all of them in one grouped query
    (conversations' reader), the QA KPIs per brand that names one."""
    from apps.conversations.selectors import conversation_metrics_by_client

    out: dict[int, dict[str, pricing.SlaMeasurement]] = {cid: {} for cid in kpis_by_client}
    talking = [cid for cid, kpis in kpis_by_client.items() if set(kpis) & set(CONVERSATION_KPIS)]
    if talking:
        metrics = conversation_metrics_by_client(client_ids=talking, start=start, end=end)
        for cid in talking:
            out[cid].update(_conversation_measurements(metrics[cid], kpis_by_client[cid], start, end))
    for cid, kpis in kpis_by_client.items():
        if set(kpis) & set(QA_KPIS):
            out[cid].update(_qa_measurements(cid, kpis, start, end))
        if set(kpis) & SALES_KPIS:
            out[cid].update(_sales_measurements(cid, kpis, start, end))
    return out


def _sales_measurements(client_id: int, kpis, start: date, end: date) -> dict[str, pricing.SlaMeasurement]:
    """询单转化率 (paying ÷ consulting buyers) and 满意度 (evaluations scored 4–5 ÷ evaluations) of the
    brand over [start, end), from Tideline's own chats, orders and evaluations (orders' sales report).
    No consulting buyer or no evaluation: no measurement (no credit, rule 8's decision)."""
    from apps.orders.selectors import sales_report

    report = sales_report(client_id=client_id, start=start, end=end)
    period = [start.isoformat(), end.isoformat()]
    out = {}
    if Kpi.CONVERSION_RATE in kpis:
        brand = report.brand
        out[Kpi.CONVERSION_RATE] = pricing.SlaMeasurement(
            kpi=Kpi.CONVERSION_RATE,
            value=brand.conversion,
            details={"source": "orders", "consulting": brand.consulting, "paying": brand.paying, "period": period},
        )
    if Kpi.SATISFACTION_RATE in kpis:
        total, satisfied = report.csat.get("brand", (0, 0))
        out[Kpi.SATISFACTION_RATE] = pricing.SlaMeasurement(
            kpi=Kpi.SATISFACTION_RATE,
            value=Decimal(satisfied) / Decimal(total) if total else None,
            details={"source": "evaluations", "evaluations": total, "satisfied": satisfied, "period": period},
        )
    return out


# --------------------------------------------------------------------------- invoices


def invoice_list(*, user, period_start: date | None = None):
    qs = Invoice.objects.select_related("contract", "contract__client", "entity")
    if period_start:
        qs = qs.filter(period_start=period_start)
    return client_visible(scope_queryset(qs, user), user)


def client_visible(qs, user):
    """A brand's own staff see only invoices that were issued to them, never drafts."""
    from apps.core.roles import visible_client_ids

    if visible_client_ids(user) is not None:
        return qs.filter(status__in=[InvoiceStatus.ISSUED, InvoiceStatus.PAID])
    return qs


def invoice_for_client_period(*, client_id: int, start: date, end: date) -> Invoice | None:
    """The periodic invoice of that client for the month [start, end), lines prefetched."""
    return (
        Invoice.objects.filter(
            contract__client_id=client_id, kind=InvoiceKind.PERIODIC, period_start=start, period_end=end
        )
        .select_related("contract", "entity")
        .prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.order_by("position")), "sla_results")
        .order_by("contract_id")
        .first()
    )


def sla_results_for_invoice(invoice: Invoice) -> list[SlaResult]:
    return list(invoice.sla_results.order_by("kpi"))


def invoice_creditable(invoice: Invoice) -> Decimal:
    credited = CreditNote.objects.filter(invoice=invoice).aggregate(s=Sum("total"))["s"] or Decimal("0")
    return invoice.total - credited


def billing_month_summary(*, user, period_start: date) -> list[dict]:
    """The month's invoices grouped per brand, with totals and statuses, for the billing page."""
    invoices = list(invoice_list(user=user, period_start=period_start).order_by("contract__client__name", "kind"))
    credits = defaultdict(Decimal)
    for note in CreditNote.objects.filter(invoice__in=invoices):
        credits[note.invoice_id] += note.total
    brands: dict[int, dict] = {}
    for inv in invoices:
        client = inv.contract.client
        row = brands.setdefault(
            client.pk,
            {"client": client, "invoices": [], "subtotal": Decimal(0), "vat": Decimal(0), "total": Decimal(0)},
        )
        inv.credited = credits.get(inv.pk, Decimal(0))
        row["invoices"].append(inv)
        row["subtotal"] += inv.subtotal
        row["vat"] += inv.vat_amount
        row["total"] += inv.total
    return list(brands.values())


def open_statuses() -> tuple[str, ...]:
    return (InvoiceStatus.DRAFT, InvoiceStatus.APPROVED)


# --- retention and off-boarding (apps.clients.offboarding orchestrates) ------------------------------


def active_contract_codes(*, client_id: int) -> list[str]:
    """Codes of the brand's contracts still marked active (off-boarding refuses while any is)."""
    from apps.contracts.models import Contract

    return list(
        Contract.objects.filter(client_id=client_id, is_active=True).order_by("code").values_list("code", flat=True)
    )


def statement_export_rows(*, client_id: int, issued_only: bool) -> dict[str, list[dict]]:
    """The brand's statements (invoices) with their lines, SLA results, credit notes, fapiao and
    payments as plain dicts; `issued_only` leaves out drafts (what the brand itself may see)."""
    from apps.contracts.models import Fapiao, Payment

    invoices = Invoice.objects.filter(contract__client_id=client_id)
    if issued_only:
        invoices = invoices.filter(status__in=[InvoiceStatus.ISSUED, InvoiceStatus.PAID])
    ids = list(invoices.values_list("id", flat=True))
    return {
        "statements": list(invoices.order_by("id").values(*_concrete(Invoice), "contract__code")),
        "statement_lines": list(
            InvoiceLine.objects.filter(invoice_id__in=ids)
            .order_by("invoice_id", "position")
            .values(*_concrete(InvoiceLine))
        ),
        "sla_results": list(
            SlaResult.objects.filter(invoice_id__in=ids).order_by("invoice_id", "kpi").values(*_concrete(SlaResult))
        ),
        "credit_notes": list(
            CreditNote.objects.filter(invoice_id__in=ids).order_by("id").values(*_concrete(CreditNote))
        ),
        "fapiao": list(Fapiao.objects.filter(invoice_id__in=ids).order_by("id").values(*_concrete(Fapiao))),
        "payments": list(Payment.objects.filter(invoice_id__in=ids).order_by("id").values(*_concrete(Payment))),
    }


def statement_count(*, client_id: int) -> int:
    return Invoice.objects.filter(contract__client_id=client_id).count()


def _concrete(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


# --------------------------------------------------------------------------- printing (apps.reports)


def invoice_for_print(*, invoice_id: int) -> Invoice | None:
    """The invoice with what its printed page shows (brand, entity, lines, SLA results), or None."""
    return (
        Invoice.objects.select_related("contract__client", "entity")
        .prefetch_related("lines", "sla_results")
        .filter(pk=invoice_id)
        .first()
    )


def credit_note_for_print(*, credit_note_id: int) -> CreditNote | None:
    """The credit note with its invoice's brand, entity and lines (what its printed page shows), or None."""
    return (
        CreditNote.objects.select_related("invoice__contract__client", "invoice__entity")
        .prefetch_related("invoice__lines")
        .filter(pk=credit_note_id)
        .first()
    )


def printable_document_ids(*, issued_since: datetime | None = None) -> tuple[list[int], list[int]]:
    """(ids of every issued or paid invoice with a number, ids of every credit note), optionally only
    those issued at or after ``issued_since``."""
    invoices = Invoice.objects.filter(status__in=["issued", "paid"]).exclude(number="")
    notes = CreditNote.objects.all()
    if issued_since is not None:
        invoices, notes = invoices.filter(issued_at__gte=issued_since), notes.filter(issued_at__gte=issued_since)
    return list(invoices.values_list("pk", flat=True)), list(notes.values_list("pk", flat=True))
