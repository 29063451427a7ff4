"""API field rules every serializer shares.

`install_date_bounds()` makes every date field that a ModelSerializer derives from a model refuse
dates outside 2000–2100 (a 400 naming the field, not an overflow in the date arithmetic of a period
or a week further down). Serializers that declare a date field themselves use `TidelineDateField`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.filters import EARLIEST, LATEST


class TidelineDateField(serializers.DateField):
    """A date between 2000-01-01 and 2100-12-31."""

    default_error_messages = {"date_range": _("Enter a date between 2000-01-01 and 2100-12-31.")}

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not (EARLIEST <= day <= LATEST):
            self.fail("date_range")
        return day


def install_date_bounds() -> None:
    serializers.ModelSerializer.serializer_field_mapping[models.DateField] = TidelineDateField
