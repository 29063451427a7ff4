"""Scan every text and JSON column of every table for shopper PII that escaped masking.

`pii_scan()` reads each character, text and JSON(B) column of every table in the database (found by
introspection, so a table added tomorrow is scanned too) and runs the masker over every value: a
value the masker would still change holds a phone, ID number, bank card or address in clear.
`raw_values` adds exact values to look for (the PII a test or the demo injected), compared with
separators dropped and full width folded, so a dodge does not hide them.

Skipped on purpose: password hashes and session blobs (base64 that is never text a person wrote), and
hex digests / pseudonyms (a run of hex digits can look like a card number to the masker).
`manage.py scan_pii` runs it; the test suite runs it after a demo-like import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from apps.conversations.masking import MASK_PRECHECK, mask_pii, normalise

TEXT_TYPES = ("character varying", "text", "character", "json", "jsonb")
SKIPPED_COLUMNS = frozenset({("auth_user", "password"), ("django_session", "session_data")})
# Hex digests and pseudonyms (sha256, HMAC, uuid, tokens, "pii-…" ids) are not text a person wrote.
_HEX = re.compile(
    r"(?<![0-9A-Za-z])(?:pii-|tb-|qn-)?[0-9a-f]{16,64}(?![0-9A-Za-z])|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}"
)


@dataclass(frozen=True)
class Finding:
    """One value holding PII: where (table, column, primary key) and what kinds (masked excerpt only)."""

    table: str
    column: str
    pk: str
    kinds: tuple[str, ...]
    excerpt: str


def _columns() -> list[tuple[str, str, str]]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
            "JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema "
            "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.data_type = ANY(%s) "
            "ORDER BY c.table_name, c.ordinal_position",
            [list(TEXT_TYPES)],
        )
        return [(t, c, d) for t, c, d in cur.fetchall() if (t, c) not in SKIPPED_COLUMNS]


_SEPARATORS = re.compile(r"[\s.\-_·~\u2010-\u2015\u30fb]+")


def _squash(text: str) -> str:
    """The text as matching sees it (full width folded) without the separators a dodge puts in."""
    return _SEPARATORS.sub("", normalise(text)[0]).lower()


def pii_scan(*, raw_values: Iterable[str] = (), batch: int = 5000) -> list[Finding]:
    """Every value in a text/JSON column that still holds PII, or contains one of `raw_values`."""
    raw = [v for v in (_squash(value) for value in raw_values) if v]
    findings: list[Finding] = []
    qn = connection.ops.quote_name
    for table, column, _type in _columns():
        sql = f"SELECT ctid::text, {qn(column)}::text FROM {qn(table)} WHERE {qn(column)} IS NOT NULL"
        with connection.cursor() as cur:
            cur.execute(sql)
            while rows := cur.fetchmany(batch):
                for pk, value in rows:
                    text = _HEX.sub(" ", value)
                    kinds: tuple[str, ...] = ()
                    if MASK_PRECHECK.search(text) is not None:
                        # JSON escapes (\u…) are decoded by ::text only for jsonb; a masker run on the value
                        # as stored sees what a reader of the column sees.
                        result = mask_pii(text)
                        kinds = tuple(sorted(k for k, n in result.counts.items() if n))
                    if raw:
                        squashed = _squash(text)
                        if any(value_ in squashed for value_ in raw):
                            kinds = (*kinds, "injected")
                    if kinds:
                        findings.append(Finding(table, column, pk, kinds, mask_pii(value).text[:120]))
    return findings
