"""What every adapter shares: the canonical record, row errors, encoding detection, timestamps.

An adapter turns the decoded text of one export into canonical records (one per message) and
RowErrors for the rows it cannot read; it never touches the database and never masks — the
importer masks every record's content before anything is kept. Values quoted in a RowError's
reason must already be masked (use `shown`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from apps.conversations.masking import mask_text

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
CANONICAL_FIELDS = (
    "platform",
    "shop",
    "conversation_id",
    "message_id",
    "sent_at",
    "sender_role",
    "agent",
    "buyer",
    "msg_type",
    "content",
)


class Record(NamedTuple):
    """One message in the canonical layout. `sent_at` is POSIX seconds (UTC); `row` locates it in the file."""

    row: int
    platform: str
    shop: str
    conversation_id: str
    message_id: str
    sent_at: float
    sender_role: str
    agent: str
    buyer: str
    msg_type: str
    content: str


class RowError(NamedTuple):
    """A row the adapter (or the importer) rejects: where, which field, and why (masked)."""

    row: int | None
    field: str | None
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "reason": self.reason}


class FileError(Exception):
    """The whole file cannot be read (encoding, layout, emptiness). Names row and field where it can."""

    def __init__(self, reason: str, *, row: int | None = None, field: str | None = None):
        super().__init__(reason)
        self.error = RowError(row, field, reason)


def shown(value: object, limit: int = 40) -> str:
    """A value as it may appear in an error message: PII-masked and shortened."""
    text = mask_text(str(value))
    return text if len(text) <= limit else text[:limit] + "…"


def decode(data: bytes) -> tuple[str, str]:
    """Decode an export: UTF-8 (with or without BOM), else GBK/GB18030. Returns (text, encoding).

    Raises FileError naming the line of the first byte that is neither UTF-8 nor GB18030.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _encoding_error(data, exc.start + 3) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise FileError("the file is UTF-16 or binary; export it as UTF-8 or GBK", row=1, field="encoding")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_exc:
        utf8_error_at = utf8_exc.start
    for encoding in ("gbk", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise _encoding_error(data, utf8_error_at)


def _encoding_error(data: bytes, position: int) -> FileError:
    line = data.count(b"\n", 0, position) + 1
    return FileError(
        f"byte {position} is neither UTF-8 nor GBK/GB18030; save the export as UTF-8 or GBK", row=line, field="encoding"
    )


def parse_iso(value: str) -> float:
    """ISO 8601 with a UTC offset (or Z) -> POSIX seconds. ValueError if malformed or naive."""
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        raise ValueError("no UTC offset")
    return dt.timestamp()


_LOCAL_RE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*$")


def parse_local(value: str) -> float:
    """`YYYY-M-D H:MM[:SS]` (also with / or .) in Asia/Shanghai local time -> POSIX seconds."""
    m = _LOCAL_RE.match(value)
    if m is None:
        raise ValueError("expected YYYY-M-D H:MM:SS")
    year, month, day, hour, minute, second, frac = m.groups()
    dt = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=SHANGHAI)
    return dt.timestamp() + (int(frac.ljust(6, "0")) / 1e6 if frac else 0.0)


def csv_rows(text: str, *, required: tuple[str, ...]) -> tuple[dict[str, int], Iterator[tuple[int, list[str]]]]:
    """A CSV's header map (column -> index) and its data rows as (line number, values).

    Raises FileError for an empty file or a missing required column (row 1, field = the column).
    """
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise FileError("the file is empty", row=1, field="header") from None
    except csv.Error as exc:
        raise FileError(f"unreadable CSV header: {exc}", row=1, field="header") from None
    columns = {name.strip().lstrip("\ufeff"): i for i, name in enumerate(header)}
    if not any(columns):
        raise FileError("the file is empty", row=1, field="header")
    for name in required:
        if name not in columns:
            raise FileError(f"missing column {name!r}", row=1, field=name)

    return columns, _data_rows(reader)


def _data_rows(reader) -> Iterator[tuple[int, list[str]]]:
    try:
        for values in reader:
            if values and (len(values) > 1 or values[0].strip()):
                yield reader.line_num, values
    except csv.Error as exc:
        yield reader.line_num, ["\x00csv-error", str(exc)]
