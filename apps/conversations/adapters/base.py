"""What every adapter shares: the canonical record, row errors, encoding detection, timestamps.

An adapter turns the decoded text of one export into canonical records (one per message) and
RowErrors for the rows it cannot read; it never touches the database and never masks — the
importer masks every record's content before anything is kept. Values quoted in a RowError's
reason must already be masked (use `shown`).

Reasons are translated when they are built (`gettext`, named placeholders) into the active language —
the importing request's, else LANGUAGE_CODE (zh-hans) for the command and Celery — and the ImportRun
keeps that text: a run reads in the language it was imported in.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
        raise FileError(_("the file is UTF-16 or binary; export it as UTF-8 or GBK"), row=1, field="encoding")
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
        _("byte %(position)s is neither UTF-8 nor GBK/GB18030; save the export as UTF-8 or GBK")
        % {"position": position},
        row=line,
        field="encoding",
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


# Fields are bounded by the line and message limits the importer checks itself, so the csv module's own
# 128 KiB field limit (which stops the whole reader) is lifted: an oversized row becomes one row error.
csv.field_size_limit(1 << 30)


UNCLOSED_QUOTE = gettext_lazy(
    "a quote opened in this row is never closed, so the rows after it were read as its text; "
    'close the quote, or write a quote inside a field as two ("")'
)
JSON_DEPTH_LIMIT = 64  # deeper nesting than any export has; the json module itself stops near 1,000


def json_depth_error_line(text: str, limit: int = JSON_DEPTH_LIMIT) -> int:
    """The line on which JSON `text` first nests deeper than `limit` (1 if it never does).

    Only called after the parser gave up with RecursionError, to name the row."""
    depth, line, in_string, escaped = 0, 1, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return line
        elif ch in "]}":
            depth -= 1
        if ch == "\n":
            line += 1
    return 1


def line_limit() -> int:
    """The longest physical line (in UTF-8 bytes) an export may have: settings.TIDELINE_MAX_LINE_BYTES."""
    from django.conf import settings

    return settings.TIDELINE_MAX_LINE_BYTES


def csv_rows(
    text: str, *, required: tuple[str, ...], free_text: str | None = None
) -> tuple[dict[str, int], Iterator[tuple[int, list[str]] | RowError]]:
    """A CSV's header map (column -> index) and its data records (see `csv_records`); `free_text`
    names the one column (the message text) that may hold line breaks (default: the last).

    Raises FileError for an empty file or a missing required column (row 1, field = the column).
    """
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise FileError(_("the file is empty"), row=1, field="header") from None
    except csv.Error as exc:
        raise FileError(_("unreadable CSV header: %(error)s") % {"error": exc}, row=1, field="header") from None
    columns = {name.strip().lstrip("\ufeff"): i for i, name in enumerate(header)}
    if not any(columns):
        raise FileError(_("the file is empty"), row=1, field="header")
    for name in required:
        if name not in columns:
            raise FileError(_("missing column %(column)s") % {"column": repr(name)}, row=1, field=name)
    text_column = columns[free_text] if free_text is not None else len(header) - 1
    records = csv_records(
        text, first_line=reader.line_num + 1, width=len(header), header=header, text_column=text_column
    )
    return columns, records


def _lines_from(text: str, offset: int) -> Iterator[str]:
    """The physical lines of `text` from `offset` on, each with its \\n (only \\n ends a line)."""
    find, n = text.find, len(text)
    while offset < n:
        end = find("\n", offset)
        end = n if end < 0 else end + 1
        yield text[offset:end]
        offset = end


class _LineCursor:
    """Character offset of a physical line, found by walking forward from the last one asked for."""

    def __init__(self, text: str):
        self.text, self.line, self.offset = text, 1, 0

    def offset_of(self, line: int) -> int:
        if line < self.line:
            self.line, self.offset = 1, 0
        while self.line < line and self.offset < len(self.text):
            end = self.text.find("\n", self.offset)
            self.offset = len(self.text) if end < 0 else end + 1
            self.line += 1
        return self.offset


def csv_records(
    text: str, *, first_line: int, width: int, header: list[str], text_column: int
) -> Iterator[tuple[int, list[str]] | RowError]:
    """The data records of a CSV from physical line `first_line`: (line the record starts on, values),
    or a RowError for a record that cannot be read — and reading goes on at the next line, so a bad
    row costs only itself (`skip_bad_rows` imports every good row after it).

    A record is refused (row = the line it starts on) when
    * a physical line is longer than `line_limit()` bytes;
    * the csv module cannot parse it (strict: a quote closed in the middle of a field, the file ends
      inside a quoted field);
    * a quote opened in it is never closed where it should be: the record spans several lines and
      either a column other than the last holds a line break, or the last column holds a line with as
      many commas as a whole row (the rows after the quote were swallowed into one field). Exports
      quote only the message text (`text_column`), which may hold line breaks; nothing else does.
    Blank lines are skipped.
    """
    limit = line_limit()
    cursor = _LineCursor(text)
    start = first_line
    while True:
        lines = _lines_from(text, cursor.offset_of(start))
        long_lines: set[int] = set()
        if len(text) * 4 > limit:
            lines = _guard_long_lines(lines, start, limit, long_lines)
        reader = csv.reader(lines, strict=True)
        base = start - 1
        restart = None
        prev_end = base
        try:
            for values in reader:
                end = base + reader.line_num
                row = prev_end + 1
                prev_end = end
                if not values or (len(values) == 1 and not values[0].strip()):
                    continue
                if long_lines and any(line in long_lines for line in range(row, end + 1)):
                    yield RowError(row, None, _("a line is longer than the limit of %(kb)s KB") % {"kb": limit // 1024})
                    if end > row:
                        restart = row + 1
                        break
                    continue
                if end > row and _swallowed(values, width, text_column):
                    yield RowError(row, _column_with_break(values, header, text_column), str(UNCLOSED_QUOTE))
                    restart = row + 1
                    break
                yield row, values
        except csv.Error as exc:
            row = prev_end + 1
            if "end of data" in str(exc):  # the file ends inside a quoted field: the quote of this row
                line = next(_lines_from(text, cursor.offset_of(row)), "")
                column = len(next(csv.reader([line]), [""])) - 1
                field = header[column].strip().lstrip("\ufeff") if 0 <= column < len(header) else None
                yield RowError(row, field, str(UNCLOSED_QUOTE))
            else:
                yield RowError(row, None, _("unreadable CSV: %(error)s") % {"error": exc})
            restart = row + 1
        if restart is None:
            return
        start = restart


def _guard_long_lines(lines: Iterator[str], start: int, limit: int, long_lines: set[int]) -> Iterator[str]:
    """Pass lines through; a line over `limit` bytes is recorded in `long_lines` and replaced by an empty line."""
    for number, line in enumerate(lines, start=start):
        if len(line) * 4 > limit and len(line.encode("utf-8")) > limit:
            long_lines.add(number)
            yield "\x00\n"
        else:
            yield line


def _swallowed(values: list[str], width: int, text_column: int) -> bool:
    """A multi-line record that swallowed the rows after an unclosed quote (see `csv_records`)."""
    for i, value in enumerate(values):
        if "\n" in value or "\r" in value:
            if i != text_column:
                return True
            for segment in value.split("\n")[1:]:
                if segment.count(",") >= width - 1:
                    return True
    return False


def _column_with_break(values: list[str], header: list[str], text_column: int) -> str | None:
    """The column where the unclosed quote starts: the first that holds a line break."""
    for i, value in enumerate(values):
        if ("\n" in value or "\r" in value) and i < len(header):
            return header[i].strip().lstrip("\ufeff") or None
    return None


# Keys are json.JSONDecodeError.msg verbatim ("Invalid \\uXXXX escape" is the decoder's own wording);
# the two trailing-comma messages are those of Python 3.13's decoder, which 3.11 reports as "Expecting …".
_JSON_ERRORS = {
    "Expecting value": gettext_lazy("a value was expected"),
    "Expecting property name enclosed in double quotes": gettext_lazy("a field name in double quotes was expected"),
    "Expecting ',' delimiter": gettext_lazy("a comma was expected"),
    "Expecting ':' delimiter": gettext_lazy("a colon was expected"),
    "Extra data": gettext_lazy("there is more after the end of the JSON"),
    "Unterminated string starting at": gettext_lazy("a string is not closed"),
    "Invalid control character at": gettext_lazy("a control character inside a string"),
    "Invalid \\escape": gettext_lazy("an invalid escape (\\)"),
    "Invalid \\uXXXX escape": gettext_lazy("an invalid \\u escape"),
    "Illegal trailing comma before end of object": gettext_lazy("a comma before the closing brace"),
    "Illegal trailing comma before end of array": gettext_lazy("a comma before the closing bracket"),
}


def json_error_text(msg: str) -> str:
    """The JSON decoder's reason (json.JSONDecodeError.msg, English) in the user's language; an
    unknown one is passed through as it is."""
    return str(_JSON_ERRORS.get(msg, msg))
