"""Declared filters of the conversations API (see apps.core.api.filters)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError

from apps.clients.choices import Platform
from apps.conversations.choices import HandledBy
from apps.conversations.models import Conversation
from apps.core.api.filters import EARLIEST, LATEST, IdFilter, StrictFilterSet
from apps.core.calendar import day_start


def _instant(name: str, value: str):
    """An ISO datetime, or a local date meaning its first instant (Asia/Shanghai), within 2000–2100."""
    try:
        day = parse_date(value) if len(value) == 10 else None
        moment = None if day is not None else parse_datetime(value)
    except ValueError:
        day = moment = None
    if day is None and moment is not None:
        day = moment.date()
    if day is None or not (EARLIEST <= day <= LATEST):
        raise ValidationError({name: [_("Enter an ISO date or date-time between 2000 and 2100.")]})
    if moment is None:
        return day_start(day)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class ConversationFilter(StrictFilterSet):
    client = IdFilter(field_name="store__client_id")
    store = IdFilter(field_name="store_id")
    agent = IdFilter(field_name="agent_id")
    platform = filters.ChoiceFilter(field_name="store__platform", choices=Platform.choices)
    handled_by = filters.ChoiceFilter(choices=HandledBy.choices)
    started_after = filters.CharFilter(method="_after", label="ISO datetime, or a local date (inclusive)")
    started_before = filters.CharFilter(method="_before", label="ISO datetime, or a local date (exclusive)")

    class Meta:
        model = Conversation
        fields = ["client", "store", "agent", "platform", "handled_by", "started_after", "started_before"]

    def _after(self, qs, name, value):
        return qs.filter(started_at__gte=_instant(name, value))

    def _before(self, qs, name, value):
        return qs.filter(started_at__lt=_instant(name, value))
