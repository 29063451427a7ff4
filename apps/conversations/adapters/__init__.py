"""One adapter per export shape, each mapping onto the canonical record (see docs/imports.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.utils.translation import gettext as _

from apps.conversations.adapters.base import CANONICAL_FIELDS, FileError, Record, RowError, decode
from apps.conversations.adapters.canonical import read_canonical_csv, read_canonical_jsonl
from apps.conversations.adapters.douyin import read_douyin_csv
from apps.conversations.adapters.jd import read_jd_csv
from apps.conversations.adapters.qianniu import read_qianniu_text
from apps.conversations.adapters.taobao import read_taobao_json
from apps.conversations.choices import ImportFormat

Adapter = Callable[[str], Iterator[Record | RowError]]

ADAPTERS: dict[str, Adapter] = {
    ImportFormat.CANONICAL_CSV: read_canonical_csv,
    ImportFormat.CANONICAL_JSONL: read_canonical_jsonl,
    ImportFormat.TAOBAO_JSON: read_taobao_json,
    ImportFormat.QIANNIU_TEXT: read_qianniu_text,
    ImportFormat.JD_CSV: read_jd_csv,
    ImportFormat.DOUYIN_CSV: read_douyin_csv,
}


def get_adapter(file_format: str) -> Adapter:
    try:
        return ADAPTERS[file_format]
    except KeyError:
        raise FileError(
            _("unknown format %(format)s; one of %(choices)s")
            % {"format": repr(file_format), "choices": ", ".join(ADAPTERS)},
            field="file_format",
        ) from None


__all__ = ["ADAPTERS", "CANONICAL_FIELDS", "FileError", "Record", "RowError", "decode", "get_adapter"]
