"""Builders of contracts, charges and usage for the contracts tests."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from apps.contracts.models import BillingEntity, Charge, Contract, ContractVersion, SlaTerm, Tier, UsageRecord
from tests.factories import make_uscc

_seq = itertools.count(500)


def make_entity(**extra) -> BillingEntity:
    n = next(_seq)
    defaults = {
        "code": f"entity{n}",
        "legal_name": f"潮汐客服外包有限公司{n}",
        "uscc": make_uscc(n),
        "bank_name": "招商银行上海分行",
        "bank_account": "6214830000000000",
        "address": "上海市浦东新区世纪大道1号",
    }
    return BillingEntity.objects.create(**{**defaults, **extra})


def make_contract(*, client, entity=None, valid_from=date(2026, 1, 1), base_fee="10000", **version_terms) -> Contract:
    n = next(_seq)
    contract = Contract.objects.create(
        client=client, entity=entity or make_entity(), code=f"c{n}", name=f"{client.name} 服务合同"
    )
    version = ContractVersion.objects.create(contract=contract, valid_from=valid_from, **version_terms)
    if base_fee is not None:
        Charge.objects.create(version=version, code="base", name="基础服务费", kind="base", amount=Decimal(base_fee))
    return contract


def add_charge(contract: Contract, *, tiers=None, **fields) -> Charge:
    version = contract.versions.order_by("-valid_from").first()
    charge = Charge.objects.create(version=version, **fields)
    for lower, upper, price in tiers or []:
        Tier.objects.create(
            charge=charge,
            lower=Decimal(lower),
            upper=None if upper is None else Decimal(upper),
            unit_price=Decimal(price),
        )
    return charge


def add_sla(contract: Contract, **fields) -> SlaTerm:
    version = contract.versions.order_by("-valid_from").first()
    return SlaTerm.objects.create(version=version, **fields)


def add_usage(contract: Contract, *, metric: str, day: date, quantity, key: str, night=0, source="api", **dims):
    at = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))
    return UsageRecord.objects.create(
        contract=contract,
        metric=metric,
        source=source,
        source_key=key,
        quantity=Decimal(quantity),
        night_quantity=Decimal(night),
        occurred_at=at,
        day=day,
        **dims,
    )
