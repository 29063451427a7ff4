"""Writes of the qa app, rules and scorecards: validating and saving a rule, installing the default
pack, new versions, and the compiled scorecard each version scores with."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from apps.core.audit import audit_record
from apps.core.errors import DomainError
from apps.qa import engine
from apps.qa.choices import (
    Severity,
)
from apps.qa.models import (
    Rule,
    Scorecard,
    ScorecardItem,
)

DEFAULT_PACK = Path(settings.BASE_DIR) / "fixtures" / "qa" / "default_pack.json"
BATCH_SIZE = 2000
REVIEW_SEVERITIES = (Severity.CRITICAL, Severity.MAJOR)

# --------------------------------------------------------------------------------------------
# Rules and scorecards
# --------------------------------------------------------------------------------------------


def rule_spec(rule: Rule, *, item_code: str | None = None) -> engine.RuleSpec:
    return engine.RuleSpec(
        code=rule.code,
        name=rule.name,
        type=rule.rule_type,
        params=rule.params if isinstance(rule.params, dict) else {},
        severity=rule.severity,
        score_change=rule.score_change,
        role=rule.role,
        platforms=tuple(rule.platforms or ()),
        item=item_code if item_code is not None else (rule.item.code if rule.item_id else ""),
        bot_applicable=rule.bot_applicable,
        enabled=rule.enabled,
    )


def rule_validate(*, rule: Rule) -> None:
    """Refuse a rule that cannot run: broken regex, empty word list, unknown parameters, or a
    combination that names an unknown rule or closes a cycle. Same check for admin, API and services."""
    if not isinstance(rule.params, dict):
        raise DomainError("parameters must be a JSON object", field="params")
    if rule.severity == Severity.BONUS and rule.score_change < 0:
        raise DomainError("a bonus rule adds points: score change must be ≥ 0", field="score_change")
    if rule.severity in (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR) and rule.score_change > 0:
        raise DomainError("a violation deducts points: score change must be ≤ 0", field="score_change")
    if rule.item_id and rule.scorecard_id and rule.item.scorecard_id != rule.scorecard_id:
        raise DomainError("the item belongs to another scorecard", field="item")
    spec = rule_spec(rule, item_code="")
    try:
        engine.validate_rule(spec)
        if rule.scorecard_id:
            others = [
                rule_spec(r, item_code="")
                for r in Rule.objects.filter(scorecard_id=rule.scorecard_id).exclude(pk=rule.pk)
            ]
            engine.validate_combinations([*others, spec])
    except engine.RuleConfigError as exc:
        raise DomainError(exc.reason, field=_rule_field(exc.field))


def _rule_field(engine_field: str) -> str:
    return {"type": "rule_type", "severity": "severity", "role": "role", "code": "code"}.get(engine_field, "params")


@transaction.atomic
def rule_save(*, rule: Rule, actor=None) -> Rule:
    rule_validate(rule=rule)
    created = rule.pk is None
    rule.save()
    audit_record(
        actor=actor,
        action="qa.rule_created" if created else "qa.rule_changed",
        target=rule,
        data={"params": rule.params, "severity": rule.severity},
        client=rule.scorecard.client,
    )
    return rule


def load_pack(path: Path = DEFAULT_PACK) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@transaction.atomic
def scorecard_install_default(*, client, actor=None, pack: dict | None = None) -> Scorecard:
    """Give a brand the default rule pack as its scorecard (version 1). Safe to call again: an
    existing scorecard with code "default" (any version) is returned as it is."""
    existing = Scorecard.objects.filter(client=client, code="default").order_by("-is_active", "-version").first()
    if existing is not None:
        return existing
    pack = pack or load_pack()
    scorecard, created = Scorecard.objects.get_or_create(
        client=client,
        code="default",
        version=1,
        defaults={
            "name": pack["name"],
            "pass_mark": pack.get("pass_mark", 80),
            "review_sample_share": Decimal(str(pack.get("review_sample_share", "0.05"))),
        },
    )
    if not created:
        return scorecard
    items = {}
    for pos, it in enumerate(pack["items"]):
        items[it["code"]] = ScorecardItem.objects.create(
            scorecard=scorecard,
            code=it["code"],
            name=it["name"],
            weight=it.get("weight", 10),
            critical=it.get("critical", False),
            bonus=it.get("bonus", False),
            not_applicable=it.get("not_applicable", False),
            position=pos,
        )
    rules = []
    for r in pack["rules"]:
        if r["item"] not in items:
            raise DomainError(f"rule {r['code']} names an unknown item {r['item']}", field="item")
        rules.append(
            Rule(
                scorecard=scorecard,
                item=items[r["item"]],
                code=r["code"],
                name=r["name"],
                rule_type=r["type"],
                params=r["params"],
                severity=r["severity"],
                score_change=r["score_change"],
                role=r["role"],
                platforms=r.get("platforms", []),
                bot_applicable=r.get("bot_applicable", False),
            )
        )
    try:
        engine.compile_scorecard(_spec_from(scorecard, list(items.values()), rules))
    except engine.RuleConfigError as exc:
        raise DomainError(str(exc), field=_rule_field(exc.field))
    Rule.objects.bulk_create(rules)
    audit_record(actor=actor, action="qa.scorecard_installed", target=scorecard, client=client)
    return scorecard


@transaction.atomic
def scorecard_new_version(*, scorecard: Scorecard, actor=None) -> Scorecard:
    """Copy a scorecard into the next version and make that one active. Results of the old version
    stay as they are; re-score with qa_rescore_scorecard to get results under the new one."""
    latest = (
        Scorecard.objects.select_for_update()
        .filter(client_id=scorecard.client_id, code=scorecard.code)
        .order_by("-version")
        .first()
    )
    Scorecard.objects.filter(client_id=scorecard.client_id, code=scorecard.code, is_active=True).update(is_active=False)
    new = Scorecard.objects.create(
        client_id=scorecard.client_id,
        code=scorecard.code,
        name=scorecard.name,
        version=latest.version + 1,
        is_active=True,
        pass_mark=scorecard.pass_mark,
        review_sample_share=scorecard.review_sample_share,
        dispute_days=scorecard.dispute_days,
    )
    item_map = {}
    for item in scorecard.items.all():
        old_pk = item.pk
        item.pk = None
        item.scorecard = new
        item.save()
        item_map[old_pk] = item
    rules = []
    for rule in scorecard.rules.all():
        rule.pk = None
        rule.scorecard = new
        rule.item = item_map[rule.item_id]
        rules.append(rule)
    Rule.objects.bulk_create(rules)
    audit_record(
        actor=actor, action="qa.scorecard_versioned", target=new, data={"from": scorecard.pk}, client=new.client
    )
    return new


def _spec_from(scorecard: Scorecard, items: Sequence[ScorecardItem], rules: Sequence[Rule]) -> engine.ScorecardSpec:
    codes = {i.pk: i.code for i in items}
    return engine.ScorecardSpec(
        # `codes.get(r.item_id, r.item.code)` would load every rule's item (the default is evaluated first)
        rules=tuple(
            rule_spec(r, item_code=codes[r.item_id] if r.item_id in codes else (r.item.code if r.item_id else ""))
            for r in rules
        ),
        items=tuple(
            engine.ItemSpec(
                code=i.code,
                name=i.name,
                weight=i.weight,
                critical=i.critical,
                bonus=i.bonus,
                not_applicable=i.not_applicable,
            )
            for i in items
        ),
        pass_mark=scorecard.pass_mark,
    )


_COMPILED: dict[str, engine.CompiledScorecard] = {}


def compiled_scorecard(scorecard: Scorecard) -> tuple[engine.CompiledScorecard, dict[str, int]]:
    """The compiled engine for a scorecard version (cached by its content) and rule code → rule id."""
    items = list(scorecard.items.all())
    rules = list(scorecard.rules.all())
    spec = _spec_from(scorecard, items, rules)
    key = hashlib.sha256(repr(spec).encode()).hexdigest()
    compiled = _COMPILED.get(key)
    if compiled is None:
        try:
            compiled = engine.compile_scorecard(spec)
        except engine.RuleConfigError as exc:
            raise DomainError(str(exc), field=_rule_field(exc.field))
        if len(_COMPILED) > 64:
            _COMPILED.clear()
        _COMPILED[key] = compiled
    return compiled, {r.code: r.pk for r in rules}


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
