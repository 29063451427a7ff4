"""Contract terms: versions, charges, tiers, peak windows and SLA terms, validated as the admin and API enter them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.contracts import pricing
from apps.contracts.choices import (
    ChargeKind,
    ChargeModel,
)
from apps.contracts.models import (
    Charge,
    Contract,
    ContractVersion,
    PeakWindow,
    SlaTerm,
    Tier,
)
from apps.core.audit import audit_record
from apps.core.errors import DomainError
from apps.core.money import check_rate_places, to_decimal

TIERED_KINDS = (ChargeKind.USAGE, ChargeKind.COMMISSION)  # charges whose graduated/volume model has tiers
RATE = Decimal("0.000001")  # unit rates are stored with six places (at most four significant)


def _raise_validation(exc: ValidationError, *, row: int | None = None) -> None:
    if hasattr(exc, "error_dict"):
        name, errors = next(iter(exc.message_dict.items()))
        raise DomainError(f"{name}: {errors[0]}", field=name, row=row) from None
    raise DomainError("; ".join(exc.messages), row=row) from None


def full_clean_or_raise(obj, *, row: int | None = None, prefix: str = "") -> None:
    """full_clean(); the first error becomes a DomainError naming the field (its label in the message)."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            name, errors = next(iter(exc.message_dict.items()))
            try:
                label = str(obj._meta.get_field(name).verbose_name)
            except Exception:  # noqa: BLE001 - NON_FIELD_ERRORS and the like have no label
                label = name
            raise DomainError(f"{label}: {errors[0]}", field=prefix + name, row=row) from None
        _raise_validation(exc, row=row)


# --------------------------------------------------------------------------- terms


def tiers_validate(*, tiers: list[dict] | list[Tier], field: str = "tiers") -> None:
    """Tiers of one card: start at 0, no gaps, no overlaps, only the last open; rates ≤ 4 decimals."""
    specs = []
    for i, t in enumerate(tiers):
        get = t.get if isinstance(t, dict) else lambda k, _t=t: getattr(_t, k)
        try:
            lower = to_decimal(get("lower"))
            upper = None if get("upper") in (None, "") else to_decimal(get("upper"))
            price = to_decimal(get("unit_price"))
            flat = to_decimal(get("flat_fee") or 0)
        except (TypeError, ValueError) as exc:
            raise DomainError(f"tier {i + 1}: {exc}", field=field) from None
        check_rate_places(price, field=f"{field}[{i}].unit_price")
        specs.append(pricing.TierSpec(lower=lower, upper=upper, unit_price=price, flat_fee=flat))
    try:
        pricing.validate_tiers(specs, field=field)
    except pricing.PricingError as exc:
        raise DomainError(str(exc), field=field) from None


def charge_validate(*, charge: Charge) -> None:
    """Model rules plus the tier cards of graduated and volume charges."""
    full_clean_or_raise(charge)
    for name in ("unit_price", "package_price"):
        value = getattr(charge, name)
        if value is not None:
            check_rate_places(value, field=name)
    if charge.pk and charge.kind in TIERED_KINDS and charge.model in (ChargeModel.GRADUATED, ChargeModel.VOLUME):
        tiers = list(charge.tiers.filter(peak_window__isnull=True))
        tiers_validate(tiers=tiers)
        for window in charge.peak_windows.all():
            own = list(window.tiers.all())
            if own:
                tiers_validate(tiers=own, field=f"peak_windows[{window.name}].tiers")


def peak_windows_validate(*, windows: list[dict], field: str = "peak_windows") -> None:
    """Windows of one charge (rule 3): on the hour, each ends after it starts, exactly one of a multiplier,
    its own tiers or its own unit price, and no two overlap. Errors name the window's row and field."""
    spans = []
    for i, w in enumerate(windows):
        where = f"{field}[{i}]"
        name = w.get("name") or str(i + 1)
        for key in ("start_hour", "end_hour"):
            if not 0 <= int(w.get(key) or 0) <= 23:
                raise DomainError(
                    _("Window %(name)s: the hour must be 0 to 23.") % {"name": name}, field=f"{where}.{key}"
                )
        starts = datetime.combine(w["start_date"], datetime.min.time()).replace(hour=int(w.get("start_hour") or 0))
        ends = datetime.combine(w["end_date"], datetime.min.time()).replace(hour=int(w.get("end_hour") or 0))
        if ends <= starts:
            raise DomainError(
                _("Window %(name)s must end after it starts.") % {"name": name}, field=f"{where}.end_date"
            )
        given = [k for k in ("multiplier", "tiers", "unit_price") if w.get(k) not in (None, "", [])]
        if len(given) != 1:
            raise DomainError(
                _("Window %(name)s: give exactly one of a multiplier, its own tiers or its own unit price.")
                % {"name": name},
                field=f"{where}.{given[1] if len(given) > 1 else 'multiplier'}",
            )
        if w.get("multiplier") is not None and to_decimal(w["multiplier"]) <= 0:
            raise DomainError(
                _("Window %(name)s: the multiplier must be positive.") % {"name": name}, field=f"{where}.multiplier"
            )
        if w.get("unit_price") is not None:
            check_rate_places(to_decimal(w["unit_price"]), field=f"{where}.unit_price")
        if w.get("tiers"):
            tiers_validate(tiers=w["tiers"], field=f"{where}.tiers")
        for other_name, other_start, other_end in spans:
            if other_start < ends and starts < other_end:
                raise DomainError(
                    _("Window %(name)s overlaps window %(other)s of the same charge.")
                    % {"name": name, "other": other_name},
                    field=f"{where}.start_date",
                )
        spans.append((name, starts, ends))


def sla_term_create(*, version: ContractVersion, prefix: str = "sla_terms", **fields) -> SlaTerm:
    term = SlaTerm(version=version, **fields)
    full_clean_or_raise(term, prefix=prefix + ".")
    term.save()
    return term


def version_create(
    *, contract: Contract, valid_from: date, actor=None, reason: str = "", sla_terms: list[dict] | None = None, **terms
) -> ContractVersion:
    """A new version from `valid_from` (with its SLA terms); an open version before it is ended the day before."""
    with transaction.atomic():
        Contract.objects.select_for_update().get(pk=contract.pk)
        previous = (
            ContractVersion.objects.filter(contract=contract, valid_from__lt=valid_from, valid_to__isnull=True)
            .order_by("-valid_from")
            .first()
        )
        if previous is not None:
            previous.valid_to = valid_from
            previous.save(update_fields=["valid_to"])
        version = ContractVersion(contract=contract, valid_from=valid_from, **terms)
        full_clean_or_raise(version)
        try:
            with transaction.atomic():
                version.save()
        except IntegrityError:
            raise DomainError("the version overlaps another version of this contract", field="valid_from") from None
        for i, term in enumerate(sla_terms or []):
            sla_term_create(version=version, prefix=f"sla_terms[{i}]", **term)
        audit_record(
            actor=actor,
            action="contract.version_create",
            target=version,
            reason=reason,
            client=contract.client,
            data={"valid_from": valid_from.isoformat()},
        )
        return version


def charge_create(
    *, version: ContractVersion, tiers: list[dict] | None = None, peak_windows: list[dict] | None = None, **fields
) -> Charge:
    """A charge with its tiers and its peak windows (each with its own tiers, if it has a card of its own)."""
    peak_windows_validate(windows=peak_windows or [])
    with transaction.atomic():
        charge = Charge(version=version, **fields)
        for name in ("unit_price", "package_price", "rate"):
            if getattr(charge, name) is not None:
                check_rate_places(getattr(charge, name), field=name)
                setattr(charge, name, getattr(charge, name).quantize(RATE))
        if charge.model in (ChargeModel.GRADUATED, ChargeModel.VOLUME) and charge.kind in TIERED_KINDS:
            tiers_validate(tiers=tiers or [])
        full_clean_or_raise(charge)
        charge.save()
        for t in tiers or []:
            Tier.objects.create(charge=charge, **t)
        for w in peak_windows or []:
            own = w.pop("tiers", None) or []
            window = PeakWindow(charge=charge, **w)
            if window.unit_price is not None:
                window.unit_price = to_decimal(window.unit_price).quantize(RATE)
            full_clean_or_raise(window, prefix="peak_windows.")
            window.save()
            for t in own:
                Tier.objects.create(charge=charge, peak_window=window, **t)
        return charge
