"""Declared filters of the workforce API (see apps.core.api.filters)."""

from __future__ import annotations

from apps.core.api.filters import BoundedDateFilter, IdFilter, StrictFilterSet
from apps.workforce import problem
from apps.workforce.models import Roster


class IntervalWeekFilter(StrictFilterSet):
    """?client=<id>&week=<Monday>: the intervals of one brand's week (forecasts, requirements)."""

    client = IdFilter(field_name="client_id")
    week = BoundedDateFilter(method="_week", label="a Monday (YYYY-MM-DD)")

    def _week(self, qs, name, value):
        lo, hi = problem.week_bounds(value)
        return qs.filter(interval_start__gte=lo, interval_start__lt=hi)


class RosterFilter(StrictFilterSet):
    client = IdFilter(field_name="client_id")
    week = BoundedDateFilter(field_name="week_start", label="a Monday (YYYY-MM-DD)")

    class Meta:
        model = Roster
        fields = ["client", "week"]
