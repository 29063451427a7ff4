"""Writes of the contracts app: terms, usage, billing runs and the invoice lifecycle.

Every function is `<entity>_<verb>(*, ...)`, atomic, and raises DomainError naming the field (and
row) of bad input. Admin and API call the same functions, so both apply the same rules.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.contracts import pricing, selectors
from apps.contracts.choices import (
    WHOLE_METRICS,
    ChargeKind,
    ChargeModel,
    InvoiceKind,
    InvoiceProblem,
    InvoiceStatus,
    Metric,
    UsageSource,
)
from apps.contracts.models import (
    BillingRun,
    Charge,
    Contract,
    ContractVersion,
    CreditNote,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    PeakWindow,
    SlaResult,
    SlaTerm,
    Tier,
    UsageRecord,
)
from apps.core.audit import audit_record
from apps.core.errors import DomainError
from apps.core.money import check_rate_places, round_money, to_decimal
from apps.core.runs import run_fail, run_start, run_succeed

UNROUNDED = Decimal("0.000000000001")
RATE = Decimal("0.000001")  # unit rates are stored with six places (at most four significant)


def _raise_validation(exc: ValidationError, *, row: int | None = None) -> None:
    if hasattr(exc, "error_dict"):
        name, errors = next(iter(exc.message_dict.items()))
        raise DomainError(f"{name}: {errors[0]}", field=name, row=row) from None
    raise DomainError("; ".join(exc.messages), row=row) from None


def full_clean_or_raise(obj, *, row: int | None = None, prefix: str = "") -> None:
    """full_clean(); the first error becomes a DomainError naming the field (its label in the message)."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            name, errors = next(iter(exc.message_dict.items()))
            try:
                label = str(obj._meta.get_field(name).verbose_name)
            except Exception:  # noqa: BLE001 - NON_FIELD_ERRORS and the like have no label
                label = name
            raise DomainError(f"{label}: {errors[0]}", field=prefix + name, row=row) from None
        _raise_validation(exc, row=row)


# --------------------------------------------------------------------------- terms


def tiers_validate(*, tiers: list[dict] | list[Tier], field: str = "tiers") -> None:
    """Tiers of one card: start at 0, no gaps, no overlaps, only the last open; rates ≤ 4 decimals."""
    specs = []
    for i, t in enumerate(tiers):
        get = t.get if isinstance(t, dict) else lambda k, _t=t: getattr(_t, k)
        try:
            lower = to_decimal(get("lower"))
            upper = None if get("upper") in (None, "") else to_decimal(get("upper"))
            price = to_decimal(get("unit_price"))
            flat = to_decimal(get("flat_fee") or 0)
        except (TypeError, ValueError) as exc:
            raise DomainError(f"tier {i + 1}: {exc}", field=field) from None
        check_rate_places(price, field=f"{field}[{i}].unit_price")
        specs.append(pricing.TierSpec(lower=lower, upper=upper, unit_price=price, flat_fee=flat))
    try:
        pricing.validate_tiers(specs, field=field)
    except pricing.PricingError as exc:
        raise DomainError(str(exc), field=field) from None


def charge_validate(*, charge: Charge) -> None:
    """Model rules plus the tier cards of graduated and volume charges."""
    full_clean_or_raise(charge)
    for name in ("unit_price", "package_price"):
        value = getattr(charge, name)
        if value is not None:
            check_rate_places(value, field=name)
    if charge.pk and charge.kind == ChargeKind.USAGE and charge.model in (ChargeModel.GRADUATED, ChargeModel.VOLUME):
        tiers = list(charge.tiers.filter(peak_window__isnull=True))
        tiers_validate(tiers=tiers)
        for window in charge.peak_windows.all():
            own = list(window.tiers.all())
            if own:
                tiers_validate(tiers=own, field=f"peak_windows[{window.name}].tiers")


def peak_windows_validate(*, windows: list[dict], field: str = "peak_windows") -> None:
    """Windows of one charge (rule 3): on the hour, each ends after it starts, exactly one of a multiplier,
    its own tiers or its own unit price, and no two overlap. Errors name the window's row and field."""
    spans = []
    for i, w in enumerate(windows):
        where = f"{field}[{i}]"
        name = w.get("name") or str(i + 1)
        for key in ("start_hour", "end_hour"):
            if not 0 <= int(w.get(key) or 0) <= 23:
                raise DomainError(
                    _("Window %(name)s: the hour must be 0 to 23.") % {"name": name}, field=f"{where}.{key}"
                )
        starts = datetime.combine(w["start_date"], datetime.min.time()).replace(hour=int(w.get("start_hour") or 0))
        ends = datetime.combine(w["end_date"], datetime.min.time()).replace(hour=int(w.get("end_hour") or 0))
        if ends <= starts:
            raise DomainError(
                _("Window %(name)s must end after it starts.") % {"name": name}, field=f"{where}.end_date"
            )
        given = [k for k in ("multiplier", "tiers", "unit_price") if w.get(k) not in (None, "", [])]
        if len(given) != 1:
            raise DomainError(
                _("Window %(name)s: give exactly one of a multiplier, its own tiers or its own unit price.")
                % {"name": name},
                field=f"{where}.{given[1] if len(given) > 1 else 'multiplier'}",
            )
        if w.get("multiplier") is not None and to_decimal(w["multiplier"]) <= 0:
            raise DomainError(
                _("Window %(name)s: the multiplier must be positive.") % {"name": name}, field=f"{where}.multiplier"
            )
        if w.get("unit_price") is not None:
            check_rate_places(to_decimal(w["unit_price"]), field=f"{where}.unit_price")
        if w.get("tiers"):
            tiers_validate(tiers=w["tiers"], field=f"{where}.tiers")
        for other_name, other_start, other_end in spans:
            if other_start < ends and starts < other_end:
                raise DomainError(
                    _("Window %(name)s overlaps window %(other)s of the same charge.")
                    % {"name": name, "other": other_name},
                    field=f"{where}.start_date",
                )
        spans.append((name, starts, ends))


def sla_term_create(*, version: ContractVersion, prefix: str = "sla_terms", **fields) -> SlaTerm:
    term = SlaTerm(version=version, **fields)
    full_clean_or_raise(term, prefix=prefix + ".")
    term.save()
    return term


def version_create(
    *, contract: Contract, valid_from: date, actor=None, reason: str = "", sla_terms: list[dict] | None = None, **terms
) -> ContractVersion:
    """A new version from `valid_from` (with its SLA terms); an open version before it is ended the day before."""
    with transaction.atomic():
        Contract.objects.select_for_update().get(pk=contract.pk)
        previous = (
            ContractVersion.objects.filter(contract=contract, valid_from__lt=valid_from, valid_to__isnull=True)
            .order_by("-valid_from")
            .first()
        )
        if previous is not None:
            previous.valid_to = valid_from
            previous.save(update_fields=["valid_to"])
        version = ContractVersion(contract=contract, valid_from=valid_from, **terms)
        full_clean_or_raise(version)
        try:
            with transaction.atomic():
                version.save()
        except IntegrityError:
            raise DomainError("the version overlaps another version of this contract", field="valid_from") from None
        for i, term in enumerate(sla_terms or []):
            sla_term_create(version=version, prefix=f"sla_terms[{i}]", **term)
        audit_record(
            actor=actor,
            action="contract.version_create",
            target=version,
            reason=reason,
            client=contract.client,
            data={"valid_from": valid_from.isoformat()},
        )
        return version


def charge_create(
    *, version: ContractVersion, tiers: list[dict] | None = None, peak_windows: list[dict] | None = None, **fields
) -> Charge:
    """A charge with its tiers and its peak windows (each with its own tiers, if it has a card of its own)."""
    peak_windows_validate(windows=peak_windows or [])
    with transaction.atomic():
        charge = Charge(version=version, **fields)
        for name in ("unit_price", "package_price"):
            if getattr(charge, name) is not None:
                check_rate_places(getattr(charge, name), field=name)
                setattr(charge, name, getattr(charge, name).quantize(RATE))
        if charge.model in (ChargeModel.GRADUATED, ChargeModel.VOLUME) and charge.kind == ChargeKind.USAGE:
            tiers_validate(tiers=tiers or [])
        full_clean_or_raise(charge)
        charge.save()
        for t in tiers or []:
            Tier.objects.create(charge=charge, **t)
        for w in peak_windows or []:
            own = w.pop("tiers", None) or []
            window = PeakWindow(charge=charge, **w)
            if window.unit_price is not None:
                window.unit_price = to_decimal(window.unit_price).quantize(RATE)
            full_clean_or_raise(window, prefix="peak_windows.")
            window.save()
            for t in own:
                Tier.objects.create(charge=charge, peak_window=window, **t)
        return charge


# --------------------------------------------------------------------------- usage


@dataclass
class UsageResult:
    received: int = 0
    inserted: int = 0
    duplicates: int = 0
    errors: list[dict] = field(default_factory=list)
    late_periods: list[str] = field(default_factory=list)


def _issued_months(contract_ids) -> set[tuple[int, date]]:
    return set(
        Invoice.objects.filter(
            contract_id__in=contract_ids, status__in=[InvoiceStatus.ISSUED, InvoiceStatus.PAID]
        ).values_list("contract_id", "period_start")
    )


def _local_day(at: datetime) -> date:
    return timezone.localtime(at).date()


def usage_row_validate(*, row: dict, index: int, contracts: dict[str, Contract]) -> UsageRecord:
    """Turn one posted row into an unsaved UsageRecord, or raise DomainError naming row and field."""

    def need(name):
        value = row.get(name)
        if value in (None, ""):
            raise DomainError(f"{name} is required", field=name, row=index)
        return value

    code = str(need("contract"))
    contract = contracts.get(code)
    if contract is None:
        raise DomainError(f"unknown contract {code!r}", field="contract", row=index)
    metric = str(need("metric"))
    if metric not in Metric.values:
        raise DomainError(
            f"unknown metric {metric!r}; use one of {', '.join(Metric.values)}", field="metric", row=index
        )
    source_key = str(need("source_key"))[:128]
    quantities = {}
    for name in ("quantity", "night_quantity"):
        raw = row.get(name, 0 if name == "night_quantity" else None)
        if raw in (None, ""):
            if name == "quantity":
                raise DomainError("quantity is required", field=name, row=index)
            raw = 0
        if isinstance(raw, float):
            raw = repr(raw)
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            raise DomainError(f"{name} {raw!r} is not a number", field=name, row=index) from None
        if not value.is_finite():
            raise DomainError(f"{name} {raw!r} is not a number", field=name, row=index)
        if value < 0:
            raise DomainError(f"{name} must not be negative ({value})", field=name, row=index)
        if metric in WHOLE_METRICS and value != value.to_integral_value():
            raise DomainError(f"{name} of {metric} must be a whole number, not {value}", field=name, row=index)
        if value.as_tuple().exponent < -4:
            raise DomainError(f"{name} has more than 4 decimal places", field=name, row=index)
        quantities[name] = value
    if quantities["night_quantity"] > quantities["quantity"]:
        raise DomainError("night_quantity cannot exceed quantity", field="night_quantity", row=index)
    occurred = need("occurred_at")
    if isinstance(occurred, str):
        try:
            occurred = datetime.fromisoformat(occurred)
        except ValueError:
            raise DomainError(
                f"occurred_at {occurred!r} is not an ISO 8601 time", field="occurred_at", row=index
            ) from None
    if timezone.is_naive(occurred):
        occurred = timezone.make_aware(occurred, timezone.get_default_timezone())
    store_id = row.get("store") or None
    return UsageRecord(
        contract=contract,
        metric=metric,
        source=row.get("source") or UsageSource.API,
        source_key=source_key,
        quantity=quantities["quantity"],
        night_quantity=quantities["night_quantity"],
        occurred_at=occurred,
        day=_local_day(occurred),
        platform=str(row.get("platform") or "")[:16],
        store_id=int(store_id) if store_id else None,
        channel=str(row.get("channel") or "")[:16],
    )


def usage_record_bulk(*, rows: list[dict], source: str = UsageSource.API, actor=None, late: bool = False, user=None):
    """Post usage rows idempotently: the business key (contract, metric, source, source_key) counts once.

    All or nothing: any bad row rejects the batch with every row's error. Usage for a month that is
    already invoiced is refused unless `late=True`; then it is kept and the next billing run of that
    month puts it on a supplementary invoice (or parks the contract for a credit note).
    """
    from apps.core.roles import scope_queryset

    result = UsageResult(received=len(rows))
    codes = {str(r.get("contract")) for r in rows if r.get("contract") not in (None, "")}
    contracts_qs = Contract.objects.filter(code__in=codes).select_related("client")
    if user is not None:
        contracts_qs = scope_queryset(contracts_qs, user)
    contracts = {c.code: c for c in contracts_qs}
    records = []
    for index, row in enumerate(rows, start=1):
        row = {**row, "source": source}
        try:
            records.append(usage_row_validate(row=row, index=index, contracts=contracts))
        except DomainError as exc:
            result.errors.append({"row": index, "field": exc.field, "reason": exc.message})
    if result.errors:
        first = result.errors[0]
        error = DomainError(
            f"{len(result.errors)} row(s) rejected; first: {first['reason']}", field=first["field"], row=first["row"]
        )
        error.errors = result.errors
        raise error
    issued = _issued_months({r.contract_id for r in records})
    late_periods = sorted(
        {
            (r.contract.code, r.day.replace(day=1).isoformat())
            for r in records
            if (r.contract_id, r.day.replace(day=1)) in issued
        }
    )
    if late_periods and not late:
        code, month = late_periods[0]
        raise DomainError(
            f"usage for {code} in {month[:7]} comes after its invoice was issued; "
            "post it with late=true to bill it on a supplementary invoice",
            field="occurred_at",
        )
    result.late_periods = [f"{c} {m[:7]}" for c, m in late_periods]
    with transaction.atomic():
        unique = {(r.contract_id, r.metric, r.source, r.source_key): r for r in records}
        existing = _existing_keys(list(unique))
        UsageRecord.objects.bulk_create(
            [r for k, r in unique.items() if k not in existing], ignore_conflicts=True, batch_size=2000
        )
        result.inserted = len(unique) - len(existing)
        result.duplicates = len(records) - result.inserted
        if actor is not None and records:
            audit_record(
                actor=actor,
                action="usage.bulk",
                target=records[0].contract,
                client=records[0].contract.client,
                data={
                    "received": result.received,
                    "inserted": result.inserted,
                    "source": source,
                    "late": result.late_periods,
                },
            )
    return result


def _existing_keys(keys: list[tuple]) -> set[tuple]:
    if not keys:
        return set()
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT u.contract_id, u.metric, u.source, u.source_key
            FROM contracts_usagerecord u
            JOIN unnest(%s::bigint[], %s::text[], %s::text[], %s::text[]) AS k(c, m, s, sk)
              ON u.contract_id = k.c AND u.metric = k.m AND u.source = k.s AND u.source_key = k.sk
            """,
            [[k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys], [k[3] for k in keys]],
        )
        return {tuple(row) for row in cur.fetchall()}


def usage_parse_csv(*, content: bytes | str) -> list[dict]:
    """CSV with a header: contract, metric, source_key, quantity, night_quantity, occurred_at, platform, store, channel."""
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    except UnicodeDecodeError as exc:
        raise DomainError(f"byte {exc.start} is not UTF-8: save the CSV as UTF-8", field="file") from None
    reader = csv.DictReader(io.StringIO(text))
    try:
        required = {"contract", "metric", "source_key", "quantity", "occurred_at"}
        missing = required - set(reader.fieldnames or [])
        if missing:
            raise DomainError(f"the CSV lacks the column(s) {', '.join(sorted(missing))}", field="file")
        return [{k: (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k} for row in reader]
    except csv.Error as exc:
        raise DomainError(f"unreadable CSV: {exc}", field="file", row=reader.line_num) from None


def usage_derive_from_conversations(*, contract: Contract, start: date, end: date) -> int:
    """Human and bot conversations and their messages of [start, end) as usage (source key = conversation id).

    A conversation started 00:00–08:00 Asia/Shanghai counts as night usage. Idempotent.
    """
    from apps.conversations.metrics import period_bounds

    lo, hi = period_bounds(start, end)
    sql = """
        INSERT INTO contracts_usagerecord
            (contract_id, metric, source, source_key, quantity, night_quantity, occurred_at, day,
             platform, store_id, channel, created_at)
        SELECT %(contract)s, m.metric, 'conversations', c.id::text, m.qty,
               CASE WHEN EXTRACT(HOUR FROM c.started_at AT TIME ZONE 'Asia/Shanghai') < 8 THEN m.qty ELSE 0 END,
               c.started_at, (c.started_at AT TIME ZONE 'Asia/Shanghai')::date,
               s.platform, s.id, c.channel, now()
        FROM conversations_conversation c
        JOIN clients_store s ON s.id = c.store_id
        CROSS JOIN LATERAL (VALUES
            (CASE WHEN c.handled_by = 'human' THEN 'human_conversations' ELSE 'bot_conversations' END, 1),
            ('messages', c.message_count)
        ) AS m(metric, qty)
        WHERE s.client_id = %(client)s AND c.started_at >= %(lo)s AND c.started_at < %(hi)s AND m.qty > 0
        ON CONFLICT (contract_id, metric, source, source_key) DO NOTHING
    """
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, {"contract": contract.pk, "client": contract.client_id, "lo": lo, "hi": hi})
        return cur.rowcount


def usage_derive_from_roster(*, contract: Contract, start: date, end: date) -> int:
    """Worked agent-hours (with night hours) and surge seat-days per day from the published roster."""
    from apps.workforce.selectors import surge_seats_by_day, worked_hours_by_day

    tz = timezone.get_default_timezone()
    records = []
    for day, hours, night in worked_hours_by_day(client_id=contract.client_id, start=start, end=end):
        if hours:
            records.append((Metric.AGENT_HOURS, day, Decimal(hours), min(Decimal(night), Decimal(hours))))
    for day, seats in surge_seats_by_day(client_id=contract.client_id, start=start, end=end):
        if seats:
            records.append((Metric.SURGE_SEAT_DAYS, day, Decimal(seats), Decimal(0)))
    objs = [
        UsageRecord(
            contract=contract,
            metric=metric,
            source=UsageSource.ROSTER,
            source_key=f"{metric}:{day.isoformat()}",
            quantity=qty.quantize(Decimal("0.0001")),
            night_quantity=night.quantize(Decimal("0.0001")),
            occurred_at=timezone.make_aware(datetime.combine(day, datetime.min.time()), tz),
            day=day,
        )
        for metric, day, qty, night in records
    ]
    with transaction.atomic():
        before = UsageRecord.objects.filter(contract=contract, source=UsageSource.ROSTER).count()
        UsageRecord.objects.bulk_create(objs, ignore_conflicts=True)
        return UsageRecord.objects.filter(contract=contract, source=UsageSource.ROSTER).count() - before


# --------------------------------------------------------------------------- pricing a contract


@dataclass
class ContractBill:
    contract: Contract
    invoice: pricing.PricedInvoice | None = None
    fingerprint: str = ""
    input_digest: str = ""
    error: str = ""
    specs: list = field(default_factory=list)
    measurements: dict = field(default_factory=dict)
    prior_credits: tuple = ()


def _prepare(*, contracts: list[Contract], period_start: date, period_end: date) -> list[ContractBill]:
    """Load each contract's terms as specs and measure its SLA KPIs (no usage yet)."""
    versions = selectors.version_specs_for([c.pk for c in contracts], period_start, period_end)
    prior = selectors.prior_sla_credits([c.pk for c in contracts], period_start)
    bills = []
    for contract in contracts:
        bill = ContractBill(contract=contract)
        try:
            bill.specs = versions.get(contract.pk) or []
            if not bill.specs:
                raise DomainError("no contract version covers this period", field="versions")
            for spec in bill.specs:
                for charge in spec.charges:
                    if charge.kind == pricing.USAGE and charge.model in (pricing.GRADUATED, pricing.VOLUME):
                        pricing.validate_tiers(charge.tiers, field=f"{charge.code}.tiers")
                    pricing.validate_windows(charge.peak_windows, field=f"{charge.code}.peak_windows")
            bill.prior_credits = tuple(prior.get(contract.pk, ()))
        except (DomainError, pricing.PricingError, ArithmeticError, ValueError) as exc:
            bill.error = f"{type(exc).__name__}: {exc}"
        bills.append(bill)
    _measure(bills, period_start=period_start, period_end=period_end)
    return bills


def _measure(bills: list[ContractBill], *, period_start: date, period_end: date) -> None:
    """The SLA KPIs of every bill's last version, measured for all the batch's brands at once."""
    kpis_by_client: dict[int, set[str]] = {}
    for bill in bills:
        if not bill.error and bill.specs[-1].sla_terms:
            kpis = kpis_by_client.setdefault(bill.contract.client_id, set())
            kpis.update(t.kpi for t in bill.specs[-1].sla_terms)
    if not kpis_by_client:
        return
    try:
        measured = selectors.sla_measurements_many(kpis_by_client=kpis_by_client, start=period_start, end=period_end)
    except (DomainError, ArithmeticError, ValueError) as exc:
        for bill in bills:
            if not bill.error and bill.contract.client_id in kpis_by_client:
                bill.error = f"{type(exc).__name__}: {exc}"
        return
    for bill in bills:
        if not bill.error and bill.specs[-1].sla_terms:
            wanted = {t.kpi for t in bill.specs[-1].sla_terms}
            got = measured[bill.contract.client_id]
            bill.measurements = {kpi: m for kpi, m in got.items() if kpi in wanted}


def _digest(bill: ContractBill, stats) -> str:
    """A digest of everything the price depends on: terms, usage totals and SLA measurements."""
    import hashlib

    payload = repr((bill.specs, stats, sorted(bill.measurements.items()), bill.prior_credits))
    return hashlib.sha256(payload.encode()).hexdigest()


def _price(bills: list[ContractBill], *, period_start: date, period_end: date) -> None:
    todo = [b for b in bills if not b.error]
    hourly = {b.contract.pk: selectors.split_days(b.specs, period_start, period_end) for b in todo}
    usage = selectors.usage_items_for([b.contract.pk for b in todo], period_start, period_end, hourly=hourly)
    for bill in todo:
        try:
            bill.invoice = pricing.price_period(
                period_start=period_start,
                period_end=period_end,
                versions=bill.specs,
                usage=usage.get(bill.contract.pk, []),
                measurements=bill.measurements,
                prior_credits=bill.prior_credits,
            )
            bill.fingerprint = bill.invoice.fingerprint()
        except (pricing.PricingError, ArithmeticError, ValueError) as exc:
            bill.error = f"{type(exc).__name__}: {exc}"


def contracts_price(*, contracts: list[Contract], period_start: date, period_end: date) -> list[ContractBill]:
    """Price contracts for a period without writing anything (used by preview and by the run)."""
    bills = _prepare(contracts=contracts, period_start=period_start, period_end=period_end)
    stats = selectors.usage_stats_for([c.pk for c in contracts], period_start, period_end)
    for bill in bills:
        bill.input_digest = _digest(bill, stats.get(bill.contract.pk))
    _price(bills, period_start=period_start, period_end=period_end)
    return bills


def billing_preview(*, period_start: date, contract_ids: list[int] | None = None, user=None) -> list[dict]:
    """What a run would bill, without writing a row."""
    from apps.core.roles import scope_queryset

    start, end = selectors.month_bounds(period_start)
    qs = Contract.objects.filter(is_active=True).select_related("client").order_by("pk")
    if contract_ids:
        qs = qs.filter(pk__in=contract_ids)
    if user is not None:
        qs = scope_queryset(qs, user)
    out = []
    for bill in contracts_price(contracts=list(qs), period_start=start, period_end=end):
        inv = bill.invoice
        out.append(
            {
                "contract": bill.contract.pk,
                "contract_code": bill.contract.code,
                "client": bill.contract.client.name,
                "error": bill.error,
                "subtotal": None if inv is None else str(inv.subtotal),
                "vat": None if inv is None else str(inv.vat_total),
                "total": None if inv is None else str(inv.total),
                "problems": [] if inv is None else problem_labels(inv.problems),
                "lines": [] if inv is None else [line.as_dict() for line in inv.lines],
            }
        )
    return out


# --------------------------------------------------------------------------- writing invoices


def problem_labels(problems) -> list[dict]:
    """Problems of a priced invoice as {code, message} in the user's language."""
    labels = dict(InvoiceProblem.choices)
    return [{"code": code, "message": str(labels.get(code, code))} for code in problems]


def _line_rows(invoice: Invoice, lines) -> list[InvoiceLine]:
    return [
        InvoiceLine(
            invoice=invoice,
            position=i,
            kind=line.kind,
            code=line.code[:80],
            description=line.description[:255],
            metric=line.metric,
            quantity=line.quantity.quantize(Decimal("0.000001")),
            unit_price=None if line.unit_price is None else line.unit_price.quantize(Decimal("0.000001")),
            tiers=list(line.tiers),
            amount_unrounded=line.amount_unrounded.quantize(UNROUNDED),
            amount=line.amount,
            vat_rate=line.vat_rate,
            details=line.details,
        )
        for i, line in enumerate(lines, start=1)
    ]


def _sla_rows(invoice: Invoice, priced: pricing.PricedInvoice) -> list[SlaResult]:
    rows = []
    for o in priced.sla:
        # The engine's per-KPI row: the rows add up exactly to the credit lines (rule 7).
        share = o.credit
        rows.append(
            SlaResult(
                invoice=invoice,
                kpi=o.kpi,
                name=o.name[:128],
                measured=None if o.measured is None else o.measured.quantize(Decimal("0.0001")),
                target=o.target,
                comparison=o.comparison,
                met=o.met,
                credit_amount=share,
                details=o.details,
            )
        )
    return rows


def _set_totals(invoice: Invoice, priced: pricing.PricedInvoice) -> None:
    invoice.problems = list(priced.problems)
    invoice.subtotal = priced.subtotal
    invoice.vat_amount = priced.vat_total
    invoice.total = priced.total
    invoice.vat_breakdown = [{"rate": str(r), "amount": str(a)} for r, a in priced.vat]


def _lines_from_db(invoice: Invoice) -> list[pricing.PricedLine]:
    return [
        pricing.PricedLine(
            kind=ln.kind,
            code=ln.code,
            description=ln.description,
            metric=ln.metric,
            quantity=ln.quantity,
            unit_price=ln.unit_price,
            tiers=tuple(ln.tiers),
            amount_unrounded=ln.amount_unrounded,
            amount=ln.amount,
            vat_rate=ln.vat_rate,
            details=ln.details,
        )
        for ln in invoice.lines.all()
    ]


@dataclass
class BatchOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    supplementary: int = 0
    parked: list[dict] = field(default_factory=list)


def _bill_one(*, bill: ContractBill, period_start: date, period_end: date, run: BillingRun | None, out: BatchOutcome):
    """Write one contract's bill under its contract row lock (callers hold the transaction)."""
    contract = bill.contract
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    invoices = list(Invoice.objects.filter(contract=contract, period_start=period_start).order_by("kind", "sequence"))
    periodic = next((i for i in invoices if i.kind == InvoiceKind.PERIODIC), None)
    priced = bill.invoice
    if periodic is None:
        invoice = Invoice(
            contract=contract,
            entity_id=contract.entity_id,
            kind=InvoiceKind.PERIODIC,
            period_start=period_start,
            period_end=period_end,
            fingerprint=bill.fingerprint,
            source_fingerprint=bill.fingerprint,
            input_digest=bill.input_digest,
            billing_run=run,
        )
        _set_totals(invoice, priced)
        invoice.save()
        InvoiceLine.objects.bulk_create(_line_rows(invoice, priced.lines))
        SlaResult.objects.bulk_create(_sla_rows(invoice, priced))
        out.created += 1
        return
    if any(i.source_fingerprint == bill.fingerprint for i in invoices):
        out.unchanged += 1
        return
    if any(i.input_digest == bill.input_digest for i in invoices):
        out.unchanged += 1
        return
    if periodic.status == InvoiceStatus.DRAFT:
        periodic.lines.all().delete()
        periodic.sla_results.all().delete()
        _set_totals(periodic, priced)
        periodic.fingerprint = periodic.source_fingerprint = bill.fingerprint
        periodic.input_digest = bill.input_digest
        periodic.billing_run = run
        periodic.save()
        InvoiceLine.objects.bulk_create(_line_rows(periodic, priced.lines))
        SlaResult.objects.bulk_create(_sla_rows(periodic, priced))
        out.updated += 1
        return
    if periodic.status == InvoiceStatus.APPROVED:
        out.parked.append(
            {
                "contract": contract.pk,
                "code": contract.code,
                "reason": "the approved invoice no longer matches the usage; return it to draft to re-bill",
            }
        )
        return
    # Issued or paid: bill the difference on a supplementary invoice (or ask for a credit note).
    open_supp = next(
        (i for i in invoices if i.kind == InvoiceKind.SUPPLEMENTARY and i.status == InvoiceStatus.DRAFT), None
    )
    billed = []
    for inv in invoices:
        if inv.status in (InvoiceStatus.ISSUED, InvoiceStatus.PAID):
            billed.extend(_lines_from_db(inv))
    delta = pricing.difference(new=priced, billed_lines=billed)
    delta_invoice = pricing.assemble(period_start=period_start, period_end=period_end, lines=delta)
    if not delta or delta_invoice.subtotal == 0:
        out.unchanged += 1  # what changed does not change the amounts already invoiced
        return
    if delta_invoice.subtotal < 0:
        out.parked.append(
            {
                "contract": contract.pk,
                "code": contract.code,
                "reason": f"usage fell after issue by {-delta_invoice.total}: issue a credit note",
            }
        )
        return
    if open_supp is not None:
        open_supp.lines.all().delete()
        target = open_supp
    else:
        seq = (max((i.sequence for i in invoices), default=0)) + 1
        target = Invoice(
            contract=contract,
            entity_id=contract.entity_id,
            kind=InvoiceKind.SUPPLEMENTARY,
            sequence=seq,
            period_start=period_start,
            period_end=period_end,
            note=f"Usage that arrived after invoice {periodic.number} was issued.",
        )
    _set_totals(target, delta_invoice)
    target.fingerprint = delta_invoice.fingerprint()
    target.source_fingerprint = bill.fingerprint
    target.input_digest = bill.input_digest
    target.billing_run = run
    target.save()
    InvoiceLine.objects.bulk_create(_line_rows(target, delta_invoice.lines))
    out.supplementary += 1


def _bill_new_bulk(bills, *, period_start: date, period_end: date, run, out: BatchOutcome) -> None:
    """First invoices of contracts that had none: a handful of statements for the whole batch.

    The contract rows are locked first (in id order), then the absence of invoices is checked again
    under the locks; a contract that gained one meanwhile goes through the one-by-one path.
    """
    ids = sorted(b.contract.pk for b in bills)
    list(Contract.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    taken = set(
        Invoice.objects.filter(contract_id__in=ids, period_start=period_start).values_list("contract_id", flat=True)
    )
    if taken:
        raise IntegrityError("invoices appeared meanwhile")
    invoices = []
    for bill in bills:
        invoice = Invoice(
            contract=bill.contract,
            entity_id=bill.contract.entity_id,
            kind=InvoiceKind.PERIODIC,
            period_start=period_start,
            period_end=period_end,
            fingerprint=bill.fingerprint,
            source_fingerprint=bill.fingerprint,
            input_digest=bill.input_digest,
            billing_run=run,
        )
        _set_totals(invoice, bill.invoice)
        invoices.append(invoice)
    Invoice.objects.bulk_create(invoices, batch_size=1000)
    results = []
    for invoice, bill in zip(invoices, bills, strict=True):
        if bill.invoice.sla:
            results.extend(_sla_rows(invoice, bill.invoice))
    _copy_lines([(invoice.pk, bill.invoice.lines) for invoice, bill in zip(invoices, bills, strict=True)])
    SlaResult.objects.bulk_create(results, batch_size=5000)
    out.created += len(invoices)


LINE_COLUMNS = (
    "invoice_id",
    "position",
    "kind",
    "code",
    "description",
    "metric",
    "quantity",
    "unit_price",
    "tiers",
    "amount_unrounded",
    "amount",
    "vat_rate",
    "details",
)


def _copy_lines(invoices_lines) -> None:
    """Write invoice lines with COPY: the bulk path of a billing run (the trigger still guards them)."""
    import json

    if not invoices_lines:
        return
    six = Decimal("0.000001")
    sql = f"COPY contracts_invoiceline ({', '.join(LINE_COLUMNS)}) FROM STDIN"
    with connection.cursor() as cur, cur.cursor.copy(sql) as copy:
        for invoice_id, lines in invoices_lines:
            for position, ln in enumerate(lines, start=1):
                copy.write_row(
                    (
                        invoice_id,
                        position,
                        ln.kind,
                        ln.code[:80],
                        ln.description[:255],
                        ln.metric,
                        ln.quantity.quantize(six),
                        None if ln.unit_price is None else ln.unit_price.quantize(six),
                        json.dumps(list(ln.tiers), ensure_ascii=False),
                        ln.amount_unrounded.quantize(UNROUNDED),
                        ln.amount,
                        ln.vat_rate,
                        json.dumps(ln.details, ensure_ascii=False, default=str),
                    )
                )


def billing_batch_execute(
    *, contract_ids: list[int], period_start: date, period_end: date, run: BillingRun | None = None
) -> BatchOutcome:
    """Bill a batch of contracts. Unchanged contracts are skipped without a write; a failing contract
    is parked with its reason (its savepoint rolls back) and the others complete."""
    out = BatchOutcome()
    contracts = list(Contract.objects.filter(pk__in=contract_ids).select_related("client").order_by("pk"))
    existing: dict[int, set[str]] = {}
    for cid, fp, digest in Invoice.objects.filter(contract_id__in=contract_ids, period_start=period_start).values_list(
        "contract_id", "source_fingerprint", "input_digest"
    ):
        existing.setdefault(cid, set()).update({fp, digest})
    bills = _prepare(contracts=contracts, period_start=period_start, period_end=period_end)
    stats = selectors.usage_stats_for(contract_ids, period_start, period_end)
    to_price = []
    for bill in bills:
        bill.input_digest = _digest(bill, stats.get(bill.contract.pk))
        if bill.error:
            out.parked.append({"contract": bill.contract.pk, "code": bill.contract.code, "reason": bill.error})
        elif bill.input_digest in existing.get(bill.contract.pk, ()):
            out.unchanged += 1  # inputs unchanged: neither priced nor written, not even locked
        else:
            to_price.append(bill)
    _price(to_price, period_start=period_start, period_end=period_end)
    todo = []
    for bill in to_price:
        if bill.error:
            out.parked.append({"contract": bill.contract.pk, "code": bill.contract.code, "reason": bill.error})
        elif bill.fingerprint in existing.get(bill.contract.pk, ()):
            out.unchanged += 1  # priced to the invoice already there: compare and skip
        else:
            todo.append(bill)
    fresh = [b for b in todo if b.contract.pk not in existing]
    if fresh:
        try:
            with transaction.atomic():
                _bill_new_bulk(fresh, period_start=period_start, period_end=period_end, run=run, out=out)
            todo = [b for b in todo if b.contract.pk in existing]
        except IntegrityError:
            pass  # e.g. a concurrent run made some of them: fall back to one contract at a time
    for bill in todo:
        try:
            with transaction.atomic():
                _bill_one(bill=bill, period_start=period_start, period_end=period_end, run=run, out=out)
        except (IntegrityError, DomainError, pricing.PricingError) as exc:
            out.parked.append({"contract": bill.contract.pk, "code": bill.contract.code, "reason": str(exc)})
    return out


def billing_run_create(
    *, period_start: date, actor=None, contract_ids: list[int] | None = None, batch_size: int = 250
) -> BillingRun:
    """Create a run for the month holding `period_start` and enqueue it after commit."""
    start, end = selectors.month_bounds(period_start)
    with transaction.atomic():
        run = BillingRun.objects.create(
            period_start=start,
            period_end=end,
            contract_ids=list(contract_ids or []),
            batch_size=batch_size,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(actor=actor, action="billing.run_create", target=run, data={"period": start.isoformat()})
        from apps.contracts.tasks import billing_run_execute_task

        transaction.on_commit(lambda: billing_run_execute_task.delay(run.pk))
    return run


def billing_run_contract_ids(run: BillingRun) -> list[int]:
    qs = Contract.objects.filter(is_active=True, pk__in=_covering_contract_ids(run.period_start, run.period_end))
    if run.contract_ids:
        qs = qs.filter(pk__in=run.contract_ids)
    return list(qs.order_by("pk").values_list("pk", flat=True))


def _covering_contract_ids(start: date, end: date):
    from django.db.models import Q

    return (
        ContractVersion.objects.filter(valid_from__lt=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start))
        .values("contract_id")
    )


def billing_run_execute(*, run: BillingRun, dispatch: bool = True) -> BillingRun:
    """Start a run: split its contracts into batches, one Celery task per batch (a group).

    Each batch adds its counts to the run; the batch that completes the total closes the run. With
    dispatch=False the batches run here, one after another (commands and the benchmark).
    """
    ids = billing_run_contract_ids(run)
    batches = [ids[i : i + run.batch_size] for i in range(0, len(ids), run.batch_size)] or [[]]
    run_start(run, total=len(ids))
    if not ids:
        run_succeed(run)
        return run
    if dispatch:
        from celery import group

        from apps.contracts.tasks import billing_batch_task

        group(billing_batch_task.s(run.pk, batch) for batch in batches).apply_async()
    else:
        for batch in batches:
            billing_batch_record(run_id=run.pk, contract_ids=batch)
    run.refresh_from_db()
    return run


def billing_batch_record(*, run_id: int, contract_ids: list[int]) -> None:
    """Run one batch of a BillingRun and add its outcome to the run (atomically, by UPDATE)."""
    run = BillingRun.objects.get(pk=run_id)
    try:
        out = billing_batch_execute(
            contract_ids=contract_ids, period_start=run.period_start, period_end=run.period_end, run=run
        )
    except Exception as exc:  # a batch that cannot even start parks all its contracts
        out = BatchOutcome(
            parked=[{"contract": c, "code": "", "reason": f"{type(exc).__name__}: {exc}"} for c in contract_ids]
        )
    with transaction.atomic():
        locked = BillingRun.objects.select_for_update().get(pk=run_id)
        locked.progress_done += len(contract_ids)
        locked.invoices_created += out.created
        locked.invoices_updated += out.updated
        locked.invoices_unchanged += out.unchanged
        locked.supplementary_created += out.supplementary
        locked.parked = [*locked.parked, *out.parked]
        locked.save(
            update_fields=[
                "progress_done",
                "invoices_created",
                "invoices_updated",
                "invoices_unchanged",
                "supplementary_created",
                "parked",
            ]
        )
        if locked.progress_done >= locked.progress_total:
            if locked.parked and not (locked.invoices_created + locked.invoices_updated + locked.invoices_unchanged):
                run_fail(locked, error=f"every contract was parked; first: {locked.parked[0]['reason']}")
            else:
                run_succeed(locked)


def billing_run_now(*, period_start: date, actor=None, contract_ids=None, batch_size: int = 250) -> BillingRun:
    """Create and execute a run in this process (beat, commands, tests, benchmark)."""
    start, end = selectors.month_bounds(period_start)
    run = BillingRun.objects.create(
        period_start=start,
        period_end=end,
        contract_ids=list(contract_ids or []),
        batch_size=batch_size,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return billing_run_execute(run=run, dispatch=False)


# --------------------------------------------------------------------------- invoice lifecycle


def _locked(invoice: Invoice) -> Invoice:
    return (
        Invoice.objects.select_for_update().select_related("contract", "contract__client", "entity").get(pk=invoice.pk)
    )


def _need_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise DomainError("a reason is required", field="reason")


@transaction.atomic
def invoice_edit_draft(
    *, invoice: Invoice, actor, reason: str, note: str | None = None, adjustment: dict | None = None
) -> Invoice:
    """Change a draft: its note, and/or add an adjustment line {description, amount}. Audited with the reason."""
    _need_reason(reason)
    invoice = _locked(invoice)
    if invoice.status != InvoiceStatus.DRAFT:
        raise DomainError(f"only a draft can be edited; this invoice is {invoice.status}", field="status")
    data = {}
    if note is not None:
        data["note"] = {"old": invoice.note, "new": note}
        invoice.note = note
    if adjustment:
        description = str(adjustment.get("description") or "").strip()
        if not description:
            raise DomainError("an adjustment needs a description", field="description")
        try:
            amount = to_decimal(adjustment.get("amount"))
        except (TypeError, ValueError):
            raise DomainError("the adjustment amount is not a number", field="amount") from None
        if amount != round_money(amount):
            raise DomainError("the adjustment amount has more than 2 decimals", field="amount")
        lines = _lines_from_db(invoice)
        rate = lines[0].vat_rate if lines else Decimal("0.06")
        lines.append(
            pricing.PricedLine(
                kind=pricing.ADJUSTMENT,
                code=f"adjustment:{len(lines) + 1}",
                description=description[:255],
                metric="",
                quantity=Decimal(1),
                unit_price=amount,
                tiers=(),
                amount_unrounded=amount,
                amount=amount,
                vat_rate=rate,
                details={"reason": reason},
            )
        )
        priced = pricing.assemble(
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            lines=lines,
            problems=tuple(invoice.problems),
        )
        if priced.total < 0:
            raise DomainError("the adjustment would make the invoice negative", field="amount")
        invoice.lines.all().delete()
        InvoiceLine.objects.bulk_create(_line_rows(invoice, priced.lines))
        _set_totals(invoice, priced)
        invoice.fingerprint = priced.fingerprint()
        data["adjustment"] = {"description": description, "amount": str(amount)}
    invoice.save()
    audit_record(
        actor=actor, action="invoice.edit", target=invoice, reason=reason, data=data, client=invoice.contract.client
    )
    return invoice


@transaction.atomic
def invoice_approve(*, invoice: Invoice, actor, reason: str = "", confirm_problems: bool = False) -> Invoice:
    """Approve a draft. A draft the run flagged (no usage recorded …) needs `confirm_problems` and a reason."""
    invoice = _locked(invoice)
    if invoice.status != InvoiceStatus.DRAFT:
        raise DomainError(f"only a draft can be approved; this invoice is {invoice.status}", field="status")
    fields = ["status", "approved_at", "approved_by"]
    if invoice.problems:
        labels = "; ".join(p["message"] for p in problem_labels(invoice.problems))
        if not confirm_problems:
            raise DomainError(
                _("This draft has problems (%(problems)s): confirm that it is right to approve it.")
                % {"problems": labels},
                field="confirm_problems",
                code="needs_confirmation",
            )
        if not (reason or "").strip():
            raise DomainError(_("Say why the draft is right despite its problems."), field="reason")
        invoice.problems_confirmed = reason.strip()
        fields.append("problems_confirmed")
    invoice.status = InvoiceStatus.APPROVED
    invoice.approved_at = timezone.now()
    invoice.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    invoice.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="invoice.approve",
        target=invoice,
        reason=reason,
        data={"problems": list(invoice.problems)} if invoice.problems else None,
        client=invoice.contract.client,
    )
    return invoice


@transaction.atomic
def invoice_reopen(*, invoice: Invoice, actor, reason: str) -> Invoice:
    """Send an approved invoice back to draft (e.g. to re-bill late usage before issue)."""
    _need_reason(reason)
    invoice = _locked(invoice)
    if invoice.status != InvoiceStatus.APPROVED:
        raise DomainError("only an approved invoice can be reopened", field="status")
    invoice.status = InvoiceStatus.DRAFT
    invoice.approved_at = None
    invoice.approved_by = None
    invoice.source_fingerprint = invoice.input_digest = ""
    invoice.save(update_fields=["status", "approved_at", "approved_by", "source_fingerprint", "input_digest"])
    audit_record(actor=actor, action="invoice.reopen", target=invoice, reason=reason, client=invoice.contract.client)
    return invoice


def _next_number(*, entity_id: int, year: int, series: str) -> str:
    """The next gapless number of (entity, year, series), taken under the counter row's lock."""
    InvoiceCounter.objects.get_or_create(entity_id=entity_id, year=year, series=series)
    counter = InvoiceCounter.objects.select_for_update().get(entity_id=entity_id, year=year, series=series)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{series}{year}{counter.last_number:06d}"


@transaction.atomic
def invoice_issue(*, invoice: Invoice, actor, reason: str = "", at: datetime | None = None) -> Invoice:
    """Give the approved invoice its number (under the counter's row lock) and freeze it."""
    invoice = _locked(invoice)
    if invoice.status != InvoiceStatus.APPROVED:
        raise DomainError(f"only an approved invoice can be issued; this invoice is {invoice.status}", field="status")
    at = at or timezone.now()
    version = (
        ContractVersion.objects.filter(contract_id=invoice.contract_id, valid_from__lt=invoice.period_end)
        .order_by("-valid_from")
        .first()
    )
    terms = version.payment_terms_days if version else 30
    local = timezone.localtime(at)
    invoice.number = _next_number(entity_id=invoice.entity_id, year=local.year, series=invoice.entity.invoice_series)
    invoice.status = InvoiceStatus.ISSUED
    invoice.issued_at = at
    invoice.issued_by = actor if getattr(actor, "is_authenticated", False) else None
    invoice.due_date = local.date() + timedelta(days=terms)
    invoice.save(update_fields=["number", "status", "issued_at", "issued_by", "due_date"])
    audit_record(
        actor=actor,
        action="invoice.issue",
        target=invoice,
        reason=reason,
        client=invoice.contract.client,
        data={"number": invoice.number, "total": str(invoice.total)},
    )
    from apps.contracts.statements import documents_render_on_commit

    documents_render_on_commit(invoice_id=invoice.pk)
    return invoice


@transaction.atomic
def invoice_mark_paid(*, invoice: Invoice, actor, paid_at: datetime | None = None, reason: str = "") -> Invoice:
    invoice = _locked(invoice)
    if invoice.status != InvoiceStatus.ISSUED:
        raise DomainError(
            f"only an issued invoice can be marked paid; this invoice is {invoice.status}", field="status"
        )
    from apps.contracts import receivables
    from apps.contracts.models import Payment

    # Paid in full: what was still open is recorded as one payment, so receivables add up.
    left = receivables.open_amount(invoice)
    invoice.status = InvoiceStatus.PAID
    invoice.paid_at = paid_at or timezone.now()
    if left > 0:
        Payment.objects.create(
            invoice=invoice,
            amount=left,
            received_on=timezone.localtime(invoice.paid_at).date(),
            note=(reason or "")[:255],
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    invoice.save(update_fields=["status", "paid_at"])
    audit_record(actor=actor, action="invoice.mark_paid", target=invoice, reason=reason, client=invoice.contract.client)
    return invoice


@transaction.atomic
def credit_note_create(*, invoice: Invoice, total, reason: str, actor, at: datetime | None = None) -> CreditNote:
    """A red-letter credit note of `total` (VAT included) against an issued invoice, within what is left."""
    _need_reason(reason)
    invoice = _locked(invoice)
    if invoice.status not in (InvoiceStatus.ISSUED, InvoiceStatus.PAID):
        raise DomainError(_("Only an issued or paid statement can be corrected."), field="invoice")
    try:
        total = to_decimal(total)
    except (TypeError, ValueError):
        raise DomainError(_("The correction amount is not a number."), field="total") from None
    if total <= 0 or total != round_money(total):
        raise DomainError(_("The correction amount must be positive, with at most 2 decimals."), field="total")
    creditable = selectors.invoice_creditable(invoice)
    if total > creditable:
        raise DomainError(
            _("Only %(left)s of statement %(number)s is left to correct.")
            % {"left": creditable, "number": invoice.number},
            field="total",
        )
    rate = Decimal(invoice.vat_breakdown[0]["rate"]) if invoice.vat_breakdown else Decimal("0.06")
    subtotal = round_money(total / (1 + rate))
    at = at or timezone.now()
    number = _next_number(
        entity_id=invoice.entity_id, year=timezone.localtime(at).year, series=invoice.entity.credit_series
    )
    note = CreditNote.objects.create(
        invoice=invoice,
        number=number,
        subtotal=subtotal,
        vat_amount=total - subtotal,
        total=total,
        reason=reason,
        issued_at=at,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="invoice.credit",
        target=invoice,
        reason=reason,
        client=invoice.contract.client,
        data={"credit_note": number, "total": str(total)},
    )
    from apps.contracts.statements import documents_render_on_commit

    documents_render_on_commit(credit_note_id=note.pk)
    return note


def invoice_lines_sum_check(invoice: Invoice) -> bool:
    """Lines + VAT = total for a stored invoice."""
    subtotal = sum((ln.amount for ln in invoice.lines.all()), Decimal(0))
    return subtotal == invoice.subtotal and invoice.subtotal + invoice.vat_amount == invoice.total


def billing_day_run(*, today: date) -> BillingRun | None:
    """Bill the previous month for the contracts whose current version's billing day is `today`."""
    start, end = selectors.previous_month(today)
    due = list(
        ContractVersion.objects.filter(billing_day=today.day, valid_from__lte=today, contract__is_active=True)
        .filter(pk__in=_covering_contract_versions(start, end))
        .values_list("contract_id", flat=True)
        .distinct()
    )
    if not due:
        return None
    return billing_run_create(period_start=start, contract_ids=sorted(due))


def _covering_contract_versions(start: date, end: date):
    from django.db.models import Q

    return (
        ContractVersion.objects.filter(valid_from__lt=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start))
        .values("pk")
    )
