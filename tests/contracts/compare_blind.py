"""Compare the pricing engine with the blind reference (tests/contracts/blind) on random contract-months.

`engine_inputs(cm)` turns the reference's input (`blind.spec.ContractMonth`) into the engine's
(`pricing.price_period` keyword arguments); `compare(cm)` prices both and lists the disagreements,
each tagged with the rule it falls under. The adapter translates only: it never changes a price, a
date or a decision of either side.

Translation notes (the two inputs model the same contracts differently):
- the reference's contract start/end clip its versions: the engine gets versions already clipped;
- the reference decides night by the local hour and the charge's night hours; the engine reads the
  night part of each usage item (the importer decides it), so every usage charge gets a metric of its
  own ("<version>:<charge>") and every event one item per charge billing its unit, with its local
  day, hour and the night part by that charge's hours;
- a pool cap of None (no cap) is the engine's 0; the reference's history (amount, earned back) is the
  engine's outstanding credits.

Run: `DATABASE_URL=... .venv/bin/python -m tests.contracts.compare_blind --n 5000 [--seed 0]`.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from apps.contracts import pricing as p

LOCAL = ZoneInfo("Asia/Shanghai")
FAR = date(9999, 12, 31)
ROUNDING = {"up": p.ROUND_UP, "prorata": p.ROUND_PRO_RATA, "down": p.ROUND_DOWN}
RULE_OF_KIND = {
    "base": "1 proration",
    "usage": "2/3/5/9 usage",
    "peak": "3 windows",
    "night": "4 night",
    "charge_minimum": "6 minimum",
    "minimum": "6 minimum",
    "sla_credit": "7 SLA",
    "earn_back": "8 earn-back",
}


def _next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _tiers(tiers) -> tuple[p.TierSpec, ...]:
    return tuple(p.TierSpec(lower=t.lower, upper=t.upper, unit_price=t.unit_price) for t in tiers)


def _is_night(hour: int, charge) -> bool:
    start, end = charge.night_start_hour, charge.night_end_hour
    if start == end:
        return False
    return start <= hour < end if start < end else (hour >= start or hour < end)


def _charge(vi: int, ch) -> p.ChargeSpec:
    return p.ChargeSpec(
        code=ch.code,
        name=ch.name,
        kind=p.USAGE,
        metric=f"{vi}:{ch.code}",
        model=ch.model,
        unit_price=ch.unit_price,
        tiers=_tiers(ch.tiers),
        package_size=ch.package_size,
        package_price=ch.package_price,
        package_rounding=ROUNDING[ch.package_rounding],
        included=ch.included,
        peak_windows=tuple(
            p.PeakWindowSpec(
                name=w.name,
                start=w.start,
                end=w.end,
                multiplier=w.multiplier,
                unit_price=w.unit_price,
                tiers=_tiers(w.tiers),
            )
            for w in ch.windows
        ),
        night_surcharge=ch.night_rate,
        minimum=ch.minimum,
        vat_rate=ch.vat_rate,
    )


def engine_inputs(cm) -> dict:
    """price_period's keyword arguments for one blind contract-month."""
    contract = cm.contract
    versions = []
    usage = []
    located = [(i, ev, ev.at.astimezone(LOCAL).replace(tzinfo=None)) for i, ev in enumerate(cm.events)]
    for vi, terms in enumerate(contract.versions):
        start = max(terms.valid_from, contract.start)
        end = min(terms.valid_to or FAR, contract.end or FAR)
        if end <= start:
            continue
        pool = terms.sla
        charges = [
            p.ChargeSpec(code=fee.code, name=fee.name, kind=p.BASE, amount=fee.amount, vat_rate=fee.vat_rate)
            for fee in terms.base_fees
        ]
        charges += [_charge(vi, ch) for ch in terms.charges]
        versions.append(
            p.VersionSpec(
                label=f"v{vi}",
                start=start,
                end=end,
                charges=tuple(charges),
                monthly_minimum=terms.monthly_minimum,
                vat_rate=terms.vat_rate,
                sla_terms=()
                if pool is None
                else tuple(
                    p.SlaTermSpec(
                        kpi=k.kpi,
                        name=k.kpi,
                        target=k.target,
                        comparison=k.direction,
                        weight=k.weight,
                        cap=k.cap,
                        earn_back=k.earn_back_target is not None,
                        earn_back_target=k.earn_back_target,
                    )
                    for k in pool.kpis
                ),
                sla_at_risk_share=Decimal(0) if pool is None else pool.share,
                sla_cap=Decimal(0) if pool is None or pool.cap is None else pool.cap,
                sla_applies_to=p.SLA_ALL if pool is None else frozenset(pool.applies_to),
                earn_back_months=contract.earn_back_months,
            )
        )
        for ch in terms.charges:
            for i, ev, local in located:
                if ev.unit != ch.unit:
                    continue
                usage.append(
                    p.UsageItem(
                        source="blind",
                        source_key=f"{i}:{vi}:{ch.code}",
                        metric=f"{vi}:{ch.code}",
                        day=local.date(),
                        hour=local.hour,
                        quantity=ev.quantity,
                        night_quantity=ev.quantity if _is_night(local.hour, ch) else Decimal(0),
                    )
                )
    pool = contract.versions[-1].sla if versions else None
    for terms in reversed(contract.versions):  # the last version in force holds the pool
        if any(v.label == f"v{contract.versions.index(terms)}" for v in versions):
            pool = terms.sla
            break
    measurements = {}
    if pool is not None:
        measurements = {k.kpi: p.SlaMeasurement(k.kpi, k.measured) for k in pool.kpis}
    prior = tuple(
        p.PriorCredit(kpi=c.kpi, month=c.month, amount=c.amount - c.earned_back)
        for c in cm.history
        if c.amount - c.earned_back > 0
    )
    return {
        "period_start": cm.month,
        "period_end": _next_month(cm.month),
        "versions": versions,
        "usage": usage,
        "measurements": measurements,
        "prior_credits": prior,
    }


def compare(cm, *, inputs: dict | None = None) -> list[tuple[str, str]]:
    """(rule, what differs) for every disagreement between the engine and the reference on `cm`.

    `inputs` replaces the engine's translated input (the tests use it to show the check can fail).
    """
    from tests.contracts.blind import reference

    ref = reference.price_month(cm)
    try:
        got = p.price_period(**(inputs or engine_inputs(cm)))
    except (p.PricingError, ArithmeticError, ValueError) as exc:
        return [("engine error", f"{type(exc).__name__}: {exc}")]
    return differences(got, ref)


def differences(got, ref) -> list[tuple[str, str]]:
    """(rule, what differs) between an engine's PricedInvoice and the reference's Statement."""
    out: list[tuple[str, str]] = []
    ours = Counter((ln.kind, ln.vat_rate, ln.amount) for ln in got.lines)
    theirs = Counter((ln.kind, ln.vat_rate, ln.amount) for ln in ref.lines)
    for key in sorted((ours - theirs) + (theirs - ours), key=str):
        side = "engine" if ours[key] > theirs[key] else "reference"
        out.append((RULE_OF_KIND.get(key[0], key[0]), f"{key[0]} {key[2]} @ {key[1]} only in the {side}"))
    rows = {o.kpi: o.credit for o in got.sla}
    ref_rows = {r.kpi: r.credit for r in ref.sla_rows}
    if rows != ref_rows:
        out.append(("7 SLA rows", f"engine {rows} reference {ref_rows}"))
    vat = {r: a for r, a in got.vat}
    ref_vat = {r.rate: r.vat for r in ref.vat}
    if vat != ref_vat:
        out.append(("VAT", f"engine {vat} reference {ref_vat}"))
    if (got.subtotal, got.total) != (ref.subtotal, ref.total):
        out.append(("total", f"engine {got.subtotal}/{got.total} reference {ref.subtotal}/{ref.total}"))
    if (p.NO_USAGE in getattr(got, "problems", ())) != ref.no_usage:
        out.append(("10 no usage", f"engine {getattr(got, 'problems', ())} reference {ref.no_usage}"))
    return out


def compare_sequence(rng: random.Random, months: int = 3) -> list[tuple[str, str]]:
    """Consecutive months of one contract, each side carrying its own SLA history forward (rule 8).

    The reference's history comes from its own statements (`reference.history_after`); the engine's
    outstanding credits from its own KPI rows and earn-back lines, as the billing run reads them.
    """
    from dataclasses import replace

    from tests.contracts.blind import reference
    from tests.contracts.blind.generate import random_month_sequence

    out: list[tuple[str, str]] = []
    history: tuple = ()
    ours: dict[tuple[str, date], Decimal] = {}
    for cm in random_month_sequence(rng, months):
        cm = replace(cm, history=history)
        ref = reference.price_month(cm)
        inputs = engine_inputs(replace(cm, history=()))
        inputs["prior_credits"] = tuple(p.PriorCredit(kpi=k, month=m, amount=a) for (k, m), a in ours.items() if a)
        got = p.price_period(**inputs)
        got_back = {(ln.details["kpi"], ln.details["month"]): ln.amount for ln in got.lines if ln.kind == p.EARN_BACK}
        ref_back = {tuple(ln.code.split(":")[1:]): ln.amount for ln in ref.lines if ln.kind == "earn_back"}
        if got_back != ref_back or got.total != ref.total:
            out.append(("8 earn-back", f"{cm.month}: engine {got_back} {got.total}, reference {ref_back} {ref.total}"))
        for (kpi, month), _ in got_back.items():
            ours[(kpi, date.fromisoformat(month + "-01"))] = Decimal(0)
        for o in got.sla:
            if o.credit > 0:
                ours[(o.kpi, cm.month)] = o.credit
        history = reference.history_after(cm, ref)
    return out


def run(n: int, seed: int = 0, *, show: int = 5) -> tuple[int, Counter, list]:
    """Compare `n` random contract-months (seeds seed … seed+n-1): (agreeing, failing per rule, first failures)."""
    from tests.contracts.blind.generate import random_contract_month

    by_rule: Counter = Counter()
    failing = []
    agree = 0
    for s in range(seed, seed + n):
        diffs = compare(random_contract_month(random.Random(s)))
        if not diffs:
            agree += 1
            continue
        by_rule.update({rule for rule, _ in diffs})
        if len(failing) < show:
            failing.append((s, diffs))
    return agree, by_rule, failing


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=5)
    parser.add_argument("--sequences", type=int, default=500, help="3-month sequences for earn-back")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    agree, by_rule, failing = run(args.n, args.seed, show=args.show)
    print(f"contract-months compared: {args.n} (seeds {args.seed}..{args.seed + args.n - 1})")
    print(f"agree: {agree}  disagree: {args.n - agree}  ({time.perf_counter() - started:.1f} s)")
    seq_fail = [s for s in range(args.seed, args.seed + args.sequences) if compare_sequence(random.Random(s))]
    print(f"3-month sequences (earn-back carried by each side): {args.sequences}, disagree: {len(seq_fail)}")
    if seq_fail:
        print(f"  first failing sequence seeds: {seq_fail[:5]}")
    for rule, count in sorted(by_rule.items()):
        print(f"  {rule:<16} {count}")
    for s, diffs in failing:
        print(f"seed {s}:")
        for rule, what in diffs[:6]:
            print(f"    [{rule}] {what}")
    return 0 if agree == args.n and not seq_fail else 1


if __name__ == "__main__":
    import django

    sys.path.insert(0, ".")
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    sys.exit(main())
