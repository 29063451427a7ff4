"""The canonical layout, as CSV (a header of CANONICAL_FIELDS) and as JSONL (one object per line).

Fields: platform, shop, conversation_id, message_id, sent_at (ISO 8601 with offset), sender_role
(buyer|agent|bot|system), agent (nick or empty), buyer, msg_type (text|image|order|product|system),
content. The row of a CSV record is its line number (header = 1); of a JSONL record, its line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from operator import itemgetter

import orjson
from django.utils.translation import gettext as _

from apps.conversations.adapters.base import (
    CANONICAL_FIELDS,
    JSON_DEPTH_LIMIT,
    FileError,
    Record,
    RowError,
    csv_rows,
    json_error_text,
    line_limit,
    shown,
)


def read_canonical_csv(text: str) -> Iterator[Record | RowError]:
    """The hot path of big imports: yields plain tuples in Record's field order (cheaper than Record).

    Records come from `csv_records`: a row with an unclosed quote, an unreadable row or an over-long
    line is one RowError and reading goes on at the next line."""
    columns, records = csv_rows(text, required=CANONICAL_FIELDS, free_text="content")
    idx = [columns[name] for name in CANONICAL_FIELDS]
    i_plat, i_shop, i_conv, i_msg, i_sent, i_role, i_agent, i_buyer, i_type, i_content = idx
    width = max(idx) + 1
    widest = CANONICAL_FIELDS[idx.index(max(idx))]
    seen_any = False
    fromiso = datetime.fromisoformat
    row_error = RowError
    for item in records:
        seen_any = True
        if type(item) is row_error:
            yield item
            continue
        line, values = item
        if len(values) < width:
            yield RowError(line, widest, _("too few columns"))
            continue
        sent = values[i_sent]
        try:
            dt = fromiso(sent)
            if dt.tzinfo is None:
                raise ValueError("naive")
        except ValueError:
            yield RowError(
                line,
                "sent_at",
                _("unparseable timestamp %(value)s (ISO 8601 with offset)") % {"value": repr(shown(sent))},
            )
            continue
        yield (
            line,
            values[i_plat],
            values[i_shop],
            values[i_conv],
            values[i_msg],
            dt.timestamp(),
            values[i_role],
            values[i_agent],
            values[i_buyer],
            values[i_type],
            values[i_content],
        )
    if not seen_any:
        raise FileError(_("the file has a header but no messages"), row=2, field=None)


def read_canonical_jsonl(text: str) -> Iterator[Record | RowError]:
    """One JSON object per line (split on \\n only: U+2028 may appear inside a JSON string). Plain tuples.

    Lines are parsed with orjson (about twice as fast as the standard decoder on exports); a line it
    refuses (NaN, infinities, lone surrogates) or one with a field that is not a string (orjson turns
    integers past 64 bits into floats) is parsed again by the standard decoder, so every line reads
    exactly as `json.loads` reads it and errors are reported in its words."""
    seen_any = False
    fast = orjson.loads
    decode = json.JSONDecoder().decode
    pick = itemgetter(*CANONICAL_FIELDS)
    join = "".join
    fromiso = datetime.fromisoformat
    limit = line_limit()
    check_length = len(text) * 4 > limit
    for line_no, line in enumerate(text.split("\n"), start=1):
        if not line or line.isspace():
            continue
        seen_any = True
        if check_length and len(line) * 4 > limit and len(line.encode("utf-8")) > limit:
            yield RowError(line_no, None, _("a line is longer than the limit of %(kb)s KB") % {"kb": limit // 1024})
            continue
        try:
            obj = fast(line)
            exact = False
        except orjson.JSONDecodeError:
            obj = _decode_exactly(decode, line, line_no)
            if type(obj) is RowError:
                yield obj
                continue
            exact = True
        try:
            values = pick(obj)
        except (KeyError, TypeError):
            yield _shape_error(obj, line_no)
            continue
        try:
            join(values)  # every field a string, as in any real export: one C-level check for all ten
        except TypeError:
            values = _as_text(pick(decode(line)) if not exact else values, line_no)
            if type(values) is RowError:
                yield values
                continue
        platform, shop, conv_id, msg_id, sent, role, agent, buyer, msg_type, content = values
        try:
            dt = fromiso(sent)
            if dt.tzinfo is None:
                raise ValueError("naive")
        except ValueError:
            yield _time_error(sent, line_no)
            continue
        yield (line_no, platform, shop, conv_id, msg_id, dt.timestamp(), role, agent, buyer, msg_type, content)
    if not seen_any:
        raise FileError(_("the file is empty"), row=1, field=None)


# The slow paths of read_canonical_jsonl, taken only by a line that orjson refuses or that is not a
# flat object of strings (the loop above stays one pass of C calls for a good line).


def _decode_exactly(decode, line: str, line_no: int):
    """The line as the standard decoder reads it, or the RowError saying why it is not JSON."""
    try:
        return decode(line)
    except json.JSONDecodeError as exc:
        return RowError(
            line_no,
            None,
            _("not a JSON object: %(error)s at column %(column)s")
            % {"error": json_error_text(exc.msg), "column": exc.colno},
        )
    except RecursionError:
        return RowError(line_no, None, _("JSON nested deeper than %(limit)s levels") % {"limit": JSON_DEPTH_LIMIT})


def _time_error(sent: str, line_no: int) -> RowError:
    return RowError(
        line_no, "sent_at", _("unparseable timestamp %(value)s (ISO 8601 with offset)") % {"value": repr(shown(sent))}
    )


def _shape_error(obj, line_no: int) -> RowError:
    """Why a parsed line has not the canonical fields: not an object, or its first missing field."""
    if not isinstance(obj, dict):
        return RowError(line_no, None, _("not a JSON object"))
    missing = next(name for name in CANONICAL_FIELDS if name not in obj)
    return RowError(line_no, missing, _("missing field %(field)s") % {"field": repr(missing)})


def _as_text(values: tuple, line_no: int) -> tuple | RowError:
    """The fields (as the standard decoder read them) as text: null is empty, a number its digits;
    a nested object or list is a RowError naming the field."""
    nested = next((name for name, v in zip(CANONICAL_FIELDS, values, strict=True) if isinstance(v, dict | list)), None)
    if nested is not None:
        return RowError(line_no, nested, _("must be text, not a JSON object or list"))
    return tuple(v if type(v) is str else "" if v is None else str(v) for v in values)
