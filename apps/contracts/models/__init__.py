"""Contracts and billing: the vendor's billing entity, versioned contracts with their charges and
SLA terms, usage records, billing runs, invoices with lines and SLA results, credit notes (红字)
and the gapless invoice-number counters.

Rules the database itself holds (see the migrations): contract versions never overlap (a trigger that
locks the contract row and tests daterange overlap), one periodic invoice per contract and period, a usage
record counts once (its business key is unique), issued and paid invoices and their lines cannot
be changed or deleted (a trigger), and credit notes never exceed the invoice (a trigger).

One module per seam (terms, usage, invoices, statements); this package gathers the models, so
`from apps.contracts.models import Invoice` and the migrations keep working.
"""

from __future__ import annotations

from apps.contracts.models.invoices import (
    CreditNote,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    SlaResult,
)
from apps.contracts.models.statements import (
    Fapiao,
    Payment,
    StatementResponse,
)
from apps.contracts.models.terms import (
    BillingEntity,
    Charge,
    Contract,
    ContractVersion,
    PeakWindow,
    SlaTerm,
    Tier,
    _rate_places,  # noqa: F401 - the validator the migrations name as apps.contracts.models._rate_places
)
from apps.contracts.models.usage import (
    BillingRun,
    UsageDaily,
    UsageKey,
    UsageRecord,
)

__all__ = [
    "BillingEntity",
    "BillingRun",
    "Charge",
    "Contract",
    "ContractVersion",
    "CreditNote",
    "Fapiao",
    "Invoice",
    "InvoiceCounter",
    "InvoiceLine",
    "Payment",
    "PeakWindow",
    "SlaResult",
    "SlaTerm",
    "StatementResponse",
    "Tier",
    "UsageDaily",
    "UsageKey",
    "UsageRecord",
]
