"""Billing runs: price contracts for a month (preview or run), in batches, one task per batch.

A run writes nothing for a contract whose inputs (terms, usage totals, SLA measurements, earlier
credits) are unchanged since its statement was written; see invoice_writes for what it writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.contracts import pricing, selectors
from apps.contracts.models import (
    BillingRun,
    Contract,
    ContractVersion,
    Invoice,
)
from apps.contracts.services.invoice_writes import BatchOutcome, _bill_new_bulk, _bill_one, problem_labels
from apps.core import calendar
from apps.core.audit import audit_record
from apps.core.errors import DomainError
from apps.core.runs import run_fail, run_start, run_succeed

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
    commission: object = None  # apps.contracts.commission.CommissionInputs, when the month has a commission part


def _prepare(
    *, contracts: list[Contract], period_start: date, period_end: date, refunds_as_of: datetime | None = None
) -> list[ContractBill]:
    """Load each contract's terms as specs, measure its SLA KPIs and read its commission inputs (no usage yet)."""
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
    _commission(bills, period_start=period_start, period_end=period_end, refunds_as_of=refunds_as_of or timezone.now())
    return bills


def _commission(bills: list[ContractBill], *, period_start: date, period_end: date, refunds_as_of: datetime) -> None:
    """Each bill's commission inputs (apps.contracts.commission): the month's base and earlier months' clawbacks."""
    from apps.contracts.commission import commission_inputs_for

    todo = [b for b in bills if not b.error]
    try:
        inputs = commission_inputs_for(
            [b.contract for b in todo], period_start=period_start, period_end=period_end, refunds_as_of=refunds_as_of
        )
    except (DomainError, pricing.PricingError, ArithmeticError, ValueError) as exc:
        for bill in todo:
            bill.error = f"{type(exc).__name__}: {exc}"
        return
    for bill in todo:
        bill.commission = inputs.get(bill.contract.pk)


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

    commission = bill.commission.digest_key() if bill.commission is not None else None
    payload = repr((bill.specs, stats, sorted(bill.measurements.items()), bill.prior_credits, commission))
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
                commission=bill.commission.lines() if bill.commission is not None else (),
            )
            bill.fingerprint = bill.invoice.fingerprint()
        except (pricing.PricingError, ArithmeticError, ValueError) as exc:
            bill.error = f"{type(exc).__name__}: {exc}"


def contracts_price(
    *, contracts: list[Contract], period_start: date, period_end: date, refunds_as_of: datetime | None = None
) -> list[ContractBill]:
    """Price contracts for a period without writing anything (used by preview and by the run)."""
    bills = _prepare(contracts=contracts, period_start=period_start, period_end=period_end, refunds_as_of=refunds_as_of)
    stats = selectors.usage_stats_for([c.pk for c in contracts], period_start, period_end)
    for bill in bills:
        bill.input_digest = _digest(bill, stats.get(bill.contract.pk))
    _price(bills, period_start=period_start, period_end=period_end)
    return bills


def billing_preview(*, period_start: date, contract_ids: list[int] | None = None, user=None) -> list[dict]:
    """What a run would bill, without writing a row."""
    from apps.core.roles import scope_queryset

    start, end = calendar.month_bounds(period_start)
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
    cutoff = None if run is None else (run.refunds_as_of or run.created_at)
    bills = _prepare(contracts=contracts, period_start=period_start, period_end=period_end, refunds_as_of=cutoff)
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
    *,
    period_start: date,
    actor=None,
    contract_ids: list[int] | None = None,
    batch_size: int = 250,
    refunds_as_of: datetime | None = None,
) -> BillingRun:
    """Create a run for the month holding `period_start` and enqueue it after commit.

    `refunds_as_of`: the cut-off of the commission base (empty: when the run is created)."""
    start, end = calendar.month_bounds(period_start)
    with transaction.atomic():
        run = BillingRun.objects.create(
            period_start=start,
            period_end=end,
            contract_ids=list(contract_ids or []),
            batch_size=batch_size,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            refunds_as_of=refunds_as_of,
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


def billing_run_now(
    *, period_start: date, actor=None, contract_ids=None, batch_size: int = 250, refunds_as_of: datetime | None = None
) -> BillingRun:
    """Create and execute a run in this process (beat, commands, tests, benchmark); `refunds_as_of` as
    in billing_run_create."""
    start, end = calendar.month_bounds(period_start)
    run = BillingRun.objects.create(
        period_start=start,
        period_end=end,
        contract_ids=list(contract_ids or []),
        batch_size=batch_size,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        refunds_as_of=refunds_as_of,
    )
    return billing_run_execute(run=run, dispatch=False)


def billing_day_run(*, today: date) -> BillingRun | None:
    """Bill the previous month for the contracts whose current version's billing day is `today`."""
    start, end = calendar.previous_month(today)
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
