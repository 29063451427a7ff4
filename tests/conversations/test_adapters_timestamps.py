"""Timestamps: canonical ISO 8601 with offset, and the Asia/Shanghai local times of platform exports."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from apps.conversations.adapters.base import parse_iso, parse_local


@pytest.mark.parametrize("text", ["2026-11-11T10:00:00", "11/11 10:00", "2026-13-11T10:00:00+08:00", ""])
def test_canonical_timestamps_need_an_offset_and_a_valid_date(text):
    with pytest.raises(ValueError):
        parse_iso(text)


def test_canonical_timestamp_forms():
    moment = datetime(2026, 11, 11, 2, tzinfo=UTC).timestamp()
    assert parse_iso("2026-11-11T10:00:00+08:00") == moment
    assert parse_iso("2026-11-11T02:00:00Z") == moment
    assert parse_iso("2026-11-11 02:00:00.5+00:00") == moment + 0.5


@pytest.mark.parametrize(
    "text", ["2026-11-11 10:00:00", "2026/11/11 10:00:00", "2026-11-11 10:00", "2026-11-11T10:00:00"]
)
def test_local_times_are_asia_shanghai(text):
    assert parse_local(text) == datetime(2026, 11, 11, 2, tzinfo=UTC).timestamp()


def test_single_digit_local_time():
    assert parse_local("2026-9-2 9:03:05") == datetime(2026, 9, 2, 1, 3, 5, tzinfo=UTC).timestamp()


@pytest.mark.parametrize("text", ["2026-11-31 10:00:00", "昨天 10:00", "2026-11-11"])
def test_bad_local_times_are_refused(text):
    with pytest.raises(ValueError):
        parse_local(text)
