"""Declared API filters (django-filter): a malformed value is a 400 naming the parameter, never a 500,
and the OpenAPI schema lists every filter with its type.

* `IdFilter` — an object id: a whole number (`?client=abc` → 400 "client: 输入整数。").
* `BoundedDateFilter` — an ISO date between 2000-01-01 and 2100-12-31 (the years Tideline bills and
  plans); outside that range is a 400 rather than a date arithmetic overflow further down.
* `StrictFilterSet` — a filter given with an empty value (`?object_id=`) is a 400 for ids and dates,
  since "no value" almost always means a broken client link; leave the parameter out instead.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def validate_tideline_date(value: date | None) -> None:
    """Refuse dates outside 2000–2100 (forms, filters and API serializers share this rule)."""
    if value is not None and not (EARLIEST <= value <= LATEST):
        raise forms.ValidationError(_("Enter a date between 2000-01-01 and 2100-12-31."), code="date_range")


class BoundedDateField(forms.DateField):
    default_validators = [validate_tideline_date]


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    field_class = forms.IntegerField


@extend_schema_field(OpenApiTypes.DATE)
class BoundedDateFilter(filters.DateFilter):
    field_class = BoundedDateField


class StrictFilterSet(filters.FilterSet):
    """A FilterSet whose id and date filters refuse an empty value given explicitly."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, declared in self.filters.items():
            if isinstance(declared, IdFilter | BoundedDateFilter) and name in self.data and not self.data[name].strip():
                self.form.add_error(name, _("Give a value, or leave the parameter out."))
                valid = False
        return valid
