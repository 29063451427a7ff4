"""The pricing engine: a contract's terms plus a period's usage in, an invoice's lines out.

Pure Python: no ORM, no clock, no I/O. The billing run turns models into these dataclasses, calls
`price_period`, and writes what comes back. Amounts are CNY; quantities are units of the charge's
metric; rates and shares are fractions (0.06 = 6 %).

The rules (issue #14; they are the contract, and the engine follows them exactly):

1. Exact arithmetic, one rounding per line. Quantities and prices stay exact (the engine works in
   `fractions.Fraction` internally); a fraction such as days/days-in-period is applied as a product
   and divided once. Only a line's amount is rounded, half up (away from zero), to the fen. A
   prorated allowance of 21,000 × 7/30 is exactly 4,900 units; a prorated base fee of
   20,000.26 × 1/28 is 714.30. VAT is charged once per rate on the sum of the rounded lines.
2. Tier boundaries. Unit k (1-based) belongs to the tier with lower < k ≤ upper. Graduated: each
   unit at its own tier's price. Volume: every unit at the price of the tier holding the last unit
   (1,000 units on (0, 1,000] @ 1.50, (1,000, 5,000] @ 1.20 cost 1,500.00). A tier's flat fee is
   added once when the tier holds a unit (graduated) or holds the last unit (volume). Tiers restart
   in each peak window: the window's units count from zero.
3. Peak windows are half-open local-time ranges [start, end) in Asia/Shanghai, to the hour (Double
   11 from 20:00 on 10 Nov; the 00:00–02:00 rush). A window has exactly one of a multiplier (each
   unit's normal price × the multiplier, tier by tier, under the charge's model), its own tiers
   (counted from zero, under the charge's model when it is graduated or volume, graduated
   otherwise) or its own flat unit price (every unit in the window at that price, whatever the
   charge model, package included). Windows of one charge never overlap.
4. Night surcharge. Night units are surcharged at the price they were billed at in their own
   segment (off-peak, or one window): (segment amount ÷ segment billed units) × rate, i.e. the unit
   price for a flat or standard segment, the tier's price for volume, the segment's average price for
   graduated and package segments. One night line per segment; never a blend of two segments.
5. Allowance. The included units (prorated exactly, rule 1) are consumed by off-peak units first,
   then by the windows in date order; within a segment they are shared between day and night units
   pro rata (a segment's billed night units = night × billed / used).
6. Minimum with true-up. A charge's minimum (prorated, rounded) is compared with the sum of that
   charge's rounded lines in its version; the monthly minimum (each version's minimum × its days /
   days in the month, summed exactly, rounded once) with the sum of all the month's rounded fee
   lines. A true-up line makes that subtotal exactly the minimum (the monthly one at the VAT rate of
   the last version in force). Minimums come before SLA credits.
7. SLA credits are computed on the invoiced (rounded) fees the pool applies to (base fees, usage
   lines, the minimum true-up — each can be switched off per version): pool = fees × at-risk share,
   split over the KPIs by weight (over all the pool's weights), a missed KPI costs its whole share,
   capped at its own cap × fees; the total is capped at the SLA cap × fees (0: no cap), the rows
   scaled down together. The credit is the exact total rounded once; each KPI row is rounded and the
   residue goes to the row with the largest exact credit (the first in the pool's order on a tie),
   so the rows add up exactly to the credit. When the fees carry two VAT rates the credit is split
   over them pro rata to the applicable fees at each rate, each part rounded, the residue to the
   rate with the largest fees (the lowest rate on a tie): one credit line per rate.
8. Earn-back. A credit for KPI X in month M is earned back only by over-performance of the same
   KPI X (measured, meets its target and its earn-back target) in a later month N with
   1 ≤ N − M ≤ the contract's earn-back window (default 3 months, 1–12), as a separate positive
   line in month N that names month M, for the whole outstanding amount of month M's KPI row. Every
   outstanding credit of X inside the window comes back (one line each); a credit comes back once.
   One KPI never cancels another's credit, and never in the same month.
9. Packages charge partial blocks by the charge's rounding option: up (default, every started
   block), pro rata (quantity ÷ size × price), or down (whole blocks only).
10. No usage, no silent base-fee-only invoice. A contract whose versions in force have usage
    charges and no usage of a charged metric (quantity > 0) on their days gets the problem
    `no_usage` ("no usage recorded — check imports"); the billing run flags the draft and
    approving it needs an explicit confirmation with a reason.

Decisions where the rules are silent (also in docs/billing_rules.md). They were checked against the
blind reference (tests/contracts/blind, its README's D1–D17), which made the same choices:
- Proration: a version's share of the month is its days in force / days in the month (leap February
  has 29); base fees, allowances and both minimums are prorated by it. Each version is priced on
  its own (its usage is that of its local days; tiers, windows and the allowance restart in it).
- The SLA pool, caps and earn-back window of the last version in force apply to the month. An
  earn-back line and the monthly true-up carry that version's VAT rate; a charge may have a VAT
  rate of its own (empty: the version's).
- A KPI with no measurement owes no credit and earns nothing back.
- A window multiplier also multiplies tier flat fees and a package's block price; a window's own
  flat price ignores the model (no blocks).
- Lines: one off-peak line per usage charge and version (even at 0, it shows the allowance), one
  per window with usage, one night line per segment with billed night units.
- Usage given per day (no hour) on a day that a window splits inside the day is refused: the
  billing run reads such days per local hour from the records.

Commission (issue #17 §3; `commission.py` states C1–C6 in full): a rate on the net attributed GMV
(paid − refunded) of the period by local hour of payment; standard, graduated or volume tiers over
GMV priced like units under rule 2; peak windows to the hour (rule 3's three kinds); one rounded
line outside windows and one per window (rule 1); a minimum true-up or a cap line against the
rounded lines; refunds recorded after issue clawed back on the next statement as one line per
original month (the difference between the month as billed and re-priced with them deducted).

The engine is split along its seams: `terms` (the dataclasses in and out, exact numbers, checks of
tiers and windows), `charges` (one usage charge: models, windows, night, allowance, charge minimum),
`sla` (credits and earn-back), `period` (a month: versions, monthly minimum, VAT, differences) and
`commission` (sales commission).
This package gathers their public names, so callers keep `from apps.contracts import pricing`.
"""

from __future__ import annotations

from apps.contracts.pricing.charges import (
    days_between,
    dedupe_usage,
    price_quantity,
)
from apps.contracts.pricing.commission import (
    ClawbackInput,
    CommissionSpec,
    GmvHour,
    commission_clawback_line,
    commission_lines,
    statement_commission_lines,
    validate_commission,
)
from apps.contracts.pricing.period import (
    assemble,
    difference,
    price_period,
)
from apps.contracts.pricing.terms import (
    ADJUSTMENT,
    BASE,
    CHARGE_MINIMUM,
    DEFAULT_EARN_BACK_MONTHS,
    EARN_BACK,
    F0,
    GRADUATED,
    GTE,
    LTE,
    MINIMUM,
    MODELS,
    NIGHT,
    NO_USAGE,
    NO_USAGE_MESSAGE,
    ONE,
    PACKAGE,
    PACKAGE_ROUNDINGS,
    PEAK,
    ROUND_DOWN,
    ROUND_PRO_RATA,
    ROUND_UP,
    SLA_ALL,
    SLA_CREDIT,
    SLA_ON_BASE,
    SLA_ON_MINIMUM,
    SLA_ON_USAGE,
    STANDARD,
    USAGE,
    VOLUME,
    ZERO,
    ChargeSpec,
    PeakWindowSpec,
    PricedInvoice,
    PricedLine,
    PricingError,
    PriorCredit,
    SlaMeasurement,
    SlaOutcome,
    SlaTermSpec,
    TierSpec,
    UsageItem,
    VersionSpec,
    fen,
    to_decimal,
    validate_tiers,
    validate_window,
    validate_windows,
)

__all__ = [
    "ClawbackInput",
    "statement_commission_lines",
    "CommissionSpec",
    "GmvHour",
    "commission_clawback_line",
    "commission_lines",
    "validate_commission",
    "ADJUSTMENT",
    "BASE",
    "CHARGE_MINIMUM",
    "ChargeSpec",
    "DEFAULT_EARN_BACK_MONTHS",
    "EARN_BACK",
    "F0",
    "GRADUATED",
    "GTE",
    "LTE",
    "MINIMUM",
    "MODELS",
    "NIGHT",
    "NO_USAGE",
    "NO_USAGE_MESSAGE",
    "ONE",
    "PACKAGE",
    "PACKAGE_ROUNDINGS",
    "PEAK",
    "PeakWindowSpec",
    "PricedInvoice",
    "PricedLine",
    "PricingError",
    "PriorCredit",
    "ROUND_DOWN",
    "ROUND_PRO_RATA",
    "ROUND_UP",
    "SLA_ALL",
    "SLA_CREDIT",
    "SLA_ON_BASE",
    "SLA_ON_MINIMUM",
    "SLA_ON_USAGE",
    "STANDARD",
    "SlaMeasurement",
    "SlaOutcome",
    "SlaTermSpec",
    "TierSpec",
    "USAGE",
    "UsageItem",
    "VOLUME",
    "VersionSpec",
    "ZERO",
    "assemble",
    "days_between",
    "dedupe_usage",
    "difference",
    "fen",
    "price_period",
    "price_quantity",
    "to_decimal",
    "validate_tiers",
    "validate_window",
    "validate_windows",
]
