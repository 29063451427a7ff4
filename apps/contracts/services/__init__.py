"""Writes of the contracts app: terms, usage, billing runs and the statement lifecycle.

Every function is `<entity>_<verb>(*, ...)`, atomic, and raises DomainError naming the field (and
row) of bad input. Admin and API call the same functions, so both apply the same rules.

The writes live in one module per seam; this package gathers their public functions, so callers
keep `from apps.contracts import services`:
- terms: versions, charges, tiers, peak windows, SLA terms (validation as admin and API enter them);
- usage: posted and uploaded usage, usage derived from conversations and the roster;
- runs: pricing contracts for a month (preview, run, batches, the monthly beat);
- invoice_writes: what a run writes (first statement, re-priced draft, supplementary statement);
- lifecycle: edit, approve, reopen, issue, mark paid, credit notes.
"""

from __future__ import annotations

from apps.contracts.services.invoice_writes import (
    LINE_COLUMNS,
    UNROUNDED,
    BatchOutcome,
    problem_labels,
)
from apps.contracts.services.lifecycle import (
    credit_note_create,
    invoice_approve,
    invoice_edit_draft,
    invoice_issue,
    invoice_lines_sum_check,
    invoice_mark_paid,
    invoice_reopen,
)
from apps.contracts.services.runs import (
    ContractBill,
    billing_batch_execute,
    billing_batch_record,
    billing_day_run,
    billing_preview,
    billing_run_contract_ids,
    billing_run_create,
    billing_run_execute,
    billing_run_now,
    contracts_price,
)
from apps.contracts.services.terms import (
    RATE,
    charge_create,
    charge_validate,
    full_clean_or_raise,
    peak_windows_validate,
    sla_term_create,
    tiers_validate,
    version_create,
)
from apps.contracts.services.usage import (
    UsageResult,
    usage_derive_from_conversations,
    usage_derive_from_roster,
    usage_parse_csv,
    usage_record_bulk,
    usage_records_insert,
    usage_row_validate,
)

__all__ = [
    "BatchOutcome",
    "ContractBill",
    "LINE_COLUMNS",
    "RATE",
    "UNROUNDED",
    "UsageResult",
    "billing_batch_execute",
    "billing_batch_record",
    "billing_day_run",
    "billing_preview",
    "billing_run_contract_ids",
    "billing_run_create",
    "billing_run_execute",
    "billing_run_now",
    "charge_create",
    "charge_validate",
    "contracts_price",
    "credit_note_create",
    "full_clean_or_raise",
    "invoice_approve",
    "invoice_edit_draft",
    "invoice_issue",
    "invoice_lines_sum_check",
    "invoice_mark_paid",
    "invoice_reopen",
    "peak_windows_validate",
    "problem_labels",
    "sla_term_create",
    "tiers_validate",
    "usage_derive_from_conversations",
    "usage_derive_from_roster",
    "usage_parse_csv",
    "usage_record_bulk",
    "usage_records_insert",
    "usage_row_validate",
    "version_create",
]
