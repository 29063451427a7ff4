"""Writes of the qa app: scorecards and rules, scoring conversations in bulk, the review queue,
disputes and calibration."""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from apps.core.audit import audit_record
from apps.core.choices import RunStatus
from apps.core.errors import DomainError
from apps.core.runs import run_fail, run_progress, run_start, run_succeed
from apps.qa import engine
from apps.qa.calibration import session_agreement
from apps.qa.choices import (
    CalibrationStatus,
    DisputeStatus,
    QARunKind,
    ResultStatus,
    ReviewReason,
    ReviewStatus,
    RuleType,
    Severity,
)
from apps.qa.models import (
    CalibrationScore,
    CalibrationSession,
    Dispute,
    QAHit,
    QAResult,
    QARun,
    ReviewItem,
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


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


def _sample_pick(result_keys: list[tuple], share: float, salt: str) -> set:
    """Stratified sample: in each stratum take round(n × share) (the fraction carried by a stable
    hash), the lowest-hash members first, so the pick is deterministic and re-runs agree."""
    strata: dict = defaultdict(list)
    for key, stratum in result_keys:
        h = int(hashlib.blake2b(f"{salt}:{key}".encode(), digest_size=8).hexdigest(), 16) / 2**64
        strata[stratum].append((h, key))
    picked = set()
    for stratum, members in strata.items():
        members.sort()
        exact = len(members) * share
        frac_h = int(hashlib.blake2b(f"{salt}:{stratum}".encode(), digest_size=8).hexdigest(), 16) / 2**64
        k = math.floor(exact) + (1 if frac_h < exact - math.floor(exact) else 0)
        picked.update(key for _h, key in members[:k])
    return picked


def _active_scorecards(client_ids: Iterable[int]) -> dict[int, Scorecard]:
    cards = Scorecard.objects.filter(client_id__in=set(client_ids), is_active=True).order_by("client_id", "code")
    out: dict[int, Scorecard] = {}
    for card in cards:
        out.setdefault(card.client_id, card)
    return out


# What a batch counts, and a QA run stores under the same names.
RUN_COUNTS = ("scored", "unscorable", "not_applicable", "skipped", "no_scorecard", "hits")


def score_conversation_batch(
    *, conversation_ids: Sequence[int], scorecard: Scorecard | None = None, qa_run: QARun | None = None
) -> dict[str, int]:
    """Score a batch of conversations (each with its client's active scorecard, or `scorecard`) and
    store results, hits and review-queue entries with bulk writes. Idempotent: a conversation that
    already has a result for that scorecard version is skipped (unique (conversation, scorecard))."""
    from apps.clients.selectors import store_brand_platforms
    from apps.conversations.selectors import conversations_for_scoring

    counts = dict.fromkeys(RUN_COUNTS, 0)
    found = conversations_for_scoring(conversation_ids=conversation_ids)
    stores = store_brand_platforms(store_ids={c.store_id for c in found})
    # (id, client, platform, handled_by, transferred, agent, agent nick, started_at), newest first: the
    # model's ordering; results get their ids in this order, and the review sample hashes them
    convs = [
        (c.id, *stores[c.store_id], c.handled_by, c.transferred_to_human, c.agent_id, c.agent_nick, c.started_at)
        for c in found
    ]
    if not convs:
        return counts
    # an explicit scorecard version scores only its own brand's conversations
    cards = {scorecard.client_id: scorecard} if scorecard else _active_scorecards(c[1] for c in convs)
    by_card: dict[int, list] = defaultdict(list)
    for c in convs:
        card = cards.get(c[1])
        if card is not None:
            by_card[card.pk].append(c)
        elif scorecard is None:  # its brand has no active scorecard: counted, never a silent pass
            counts["no_scorecard"] += 1
    card_objs = {card.pk: card for card in cards.values() if card is not None}
    for card_id, rows in by_card.items():
        card = card_objs[card_id]
        with connection.cursor() as cur:
            # one probe of the unique (conversation, scorecard) index per conversation, whatever the
            # statistics say (the LIMIT keeps the subquery from being flattened into a join)
            cur.execute(
                "SELECT b.id FROM unnest(%s::bigint[]) AS b(id) CROSS JOIN LATERAL (SELECT 1 FROM "
                f"{QAResult._meta.db_table} r WHERE r.conversation_id = b.id AND r.scorecard_id = %s LIMIT 1) AS r",
                [[r[0] for r in rows], card_id],
            )
            done = {row[0] for row in cur.fetchall()}
        counts["skipped"] += len(done)
        rows = [r for r in rows if r[0] not in done]
        if not rows:
            continue
        _score_rows(card, rows, qa_run, counts)
    return counts


def _score_rows(card: Scorecard, rows: list, qa_run: QARun | None, counts: dict) -> None:
    """Score one batch and write it with set-based SQL: results by INSERT … SELECT unnest(…) ON
    CONFLICT DO NOTHING RETURNING (only rows this call inserted get hits, so a concurrent run that
    won a conflict keeps its own), hits by COPY, review entries by INSERT … SELECT."""
    from apps.conversations.selectors import messages_for_scoring

    compiled, rule_ids = compiled_scorecard(card)
    messages = messages_for_scoring(conversation_ids=[r[0] for r in rows])
    MessageIn = engine.MessageIn
    outcomes = []
    for pk, _client_id, platform, handled_by, transferred, agent_id, agent_nick, started_at in rows:
        conv_in = engine.ConversationIn(
            key=pk,
            platform=platform,
            messages=tuple(MessageIn(*m) for m in messages.pop(pk, ())),
            handled_by=handled_by,
            transferred_to_human=transferred,
            has_agent=bool(agent_id or agent_nick),
        )
        outcomes.append((compiled.score(conv_in), agent_id, started_at))
    now = timezone.now()
    cols = list(
        zip(
            *[
                (
                    res.key,
                    started_at,
                    agent_id,
                    res.status,
                    res.reason[:255],
                    res.score,
                    res.passed,
                    res.critical,
                    len(res.hits),
                )
                for res, agent_id, started_at in outcomes
            ],
            strict=True,
        )
    )
    result_table = QAResult._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        # Scoring is idempotent and re-runnable (ON CONFLICT DO NOTHING; the nightly sweep scores what has
        # no result), so the commit need not wait for the WAL flush: a server crash can lose the latest
        # batches' results (never half a batch), and any later synchronous commit flushes them too.
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute(
            f"INSERT INTO {result_table} (conversation_id, scorecard_id, started_at, agent_id, status, reason, "
            "auto_score, score, passed, critical, hit_count, scored_at, qa_run_id) "
            "SELECT c, %s, st, ag, stat, rsn, sc, sc, pas, crit, hc, %s, %s FROM unnest("
            "%s::bigint[], %s::timestamptz[], %s::bigint[], %s::text[], %s::text[], %s::int[], %s::bool[], "
            "%s::bool[], %s::int[]) AS t(c, st, ag, stat, rsn, sc, pas, crit, hc) "
            "ON CONFLICT (conversation_id, scorecard_id) DO NOTHING RETURNING conversation_id, id",
            [card.pk, now, qa_run.pk if qa_run else None, *[list(col) for col in cols]],
        )
        mine = dict(cur.fetchall())
        hit_rows = []
        for res, _agent, _st in outcomes:
            result_id = mine.get(res.key)
            if result_id is None:
                continue
            counts[res.status] += 1
            for h in res.hits:
                hit_rows.append(
                    (
                        result_id,
                        rule_ids[h.rule],
                        h.severity,
                        h.message_index,
                        h.start,
                        h.end,
                        h.excerpt[:255],
                        h.note[:255],
                    )
                )
        raw = cur.cursor
        with raw.copy(
            f"COPY {QAHit._meta.db_table} (result_id, rule_id, severity, message_index, span_start, span_end, "
            "excerpt, note) FROM STDIN"
        ) as copy:
            for row in hit_rows:
                copy.write_row(row)
        counts["hits"] += len(hit_rows)
        _queue_reviews(cur, card, outcomes, mine, now)


MAX_QUEUE_SHARE = 0.15  # of a batch's human-handled (scored) conversations
SAMPLE_SLOTS = 0.2  # of that budget kept for the random sample of passing conversations


def _queue_reviews(cur, card: Scorecard, outcomes, mine: dict[int, int], now) -> None:
    """The review queue of a batch: at most MAX_QUEUE_SHARE of its human-handled conversations.

    - Only hits a person can judge are queued. Timing rules are not: a wait of 100 s or an
      unanswered last message is measured from the platform's timestamps, so there is nothing to
      confirm or dismiss (they count in the score, the KPIs and the coaching list as they are).
    - Every conversation with a critical hit is queued (never dropped, whatever the budget).
    - Conversations whose worst hit is major fill the rest of the budget, the most likely true
      violations first (the brand's review model for the rule, apps.qa.learning; without a model, the
      conversations with more major rules first), then a stable hash; the others keep their hits,
      score and coaching entry but wait for no one.
    - The stratified sample of passing conversations (card.review_sample_share, by agent and day)
      keeps at least SAMPLE_SLOTS of the budget, so sampled QA never stops on a bad day.
    A queued conversation brings all its critical and major (judgeable) hits."""
    from apps.qa import learning
    from apps.qa.models import ReviewModel

    table = ReviewItem._meta.db_table
    timing = set(card.rules.filter(rule_type=RuleType.TIMING).values_list("code", flat=True))
    scored = [(res, agent_id, started_at) for res, agent_id, started_at in outcomes if res.key in mine]
    human = [x for x in scored if x[0].status == engine.STATUS_SCORED]
    budget = math.ceil(len(human) * MAX_QUEUE_SHARE)  # a batch of one may queue its one conversation

    def judgeable(res, severities):
        return [h for h in res.hits if h.severity in severities and h.rule not in timing]

    critical = [res.key for res, _a, _s in human if judgeable(res, ("critical",))]
    majors = [res for res, _a, _s in human if res.key not in set(critical) and judgeable(res, ("major",))]
    share = float(card.review_sample_share)
    passing = [(mine[res.key], (agent_id, started_at.date())) for res, agent_id, started_at in human if res.passed]
    picked = sorted(_sample_pick(passing, share, salt=f"card{card.pk}")) if share > 0 else []
    sample_room = min(
        len(picked),
        max(0, budget - len(critical)),  # criticals first: they are never dropped
        max(math.ceil(budget * SAMPLE_SLOTS), budget - len(critical) - len(majors)),
    )
    major_room = max(0, budget - len(critical) - sample_room)
    models = {}
    if majors and len(majors) > major_room and ReviewModel.objects.filter(client_id=card.client_id).exists():
        for code in {h.rule for res in majors for h in judgeable(res, ("major",))}:
            models[code] = learning.load_model(card.client_id, code)

    def rank(res):
        hits = judgeable(res, ("major",))
        probs = [learning.likelihoods(models[h.rule], [h.excerpt])[0] for h in hits if models.get(h.rule)]
        salt = hashlib.blake2b(f"card{card.pk}:{res.key}".encode(), digest_size=8).hexdigest()
        return (-(max(probs) if probs else -1.0), -len({h.rule for h in hits}), salt)

    chosen = critical + [res.key for res in sorted(majors, key=rank)[:major_room]]
    if chosen:
        cur.execute(
            f"INSERT INTO {table} (result_id, hit_id, reason, severity, status, comment, created_at, "
            "resembles_dismissed, rank_note) "
            f"SELECT h.result_id, h.id, %s, h.severity, %s, '', %s, false, '' FROM {QAHit._meta.db_table} h "
            f"JOIN {Rule._meta.db_table} r ON r.id = h.rule_id "
            "WHERE h.result_id = ANY(%s) AND h.severity = ANY(%s) AND r.rule_type <> %s ON CONFLICT DO NOTHING",
            [
                ReviewReason.VIOLATION,
                ReviewStatus.OPEN,
                now,
                [mine[key] for key in chosen],
                list(REVIEW_SEVERITIES),
                RuleType.TIMING,
            ],
        )
    picked = picked[:sample_room]
    if picked:
        cur.execute(
            f"INSERT INTO {table} (result_id, hit_id, reason, severity, status, comment, created_at, "
            "resembles_dismissed, rank_note) "
            "SELECT r, NULL, %s, '', %s, '', %s, false, '' FROM unnest(%s::bigint[]) AS t(r) ON CONFLICT DO NOTHING",
            [ReviewReason.SAMPLE, ReviewStatus.OPEN, now, picked],
        )
    if models:
        items = ReviewItem.objects.filter(result_id__in=[mine[key] for key in chosen], status=ReviewStatus.OPEN)
        learning.rank_items(items.select_related("hit__rule", "result__scorecard"))


def _run_over(run: QARun, ids: list[int], scorecard: Scorecard | None = None) -> QARun:
    run_start(run, total=len(ids))
    totals = dict.fromkeys(RUN_COUNTS, 0)
    try:
        for i in range(0, len(ids), BATCH_SIZE):
            counts = score_conversation_batch(conversation_ids=ids[i : i + BATCH_SIZE], scorecard=scorecard, qa_run=run)
            for k, v in counts.items():
                totals[k] += v
            run_progress(run, done=min(len(ids), i + BATCH_SIZE))
    except Exception as exc:
        run_fail(run, error=f"{type(exc).__name__}: {exc}", **totals)
        raise
    run_succeed(run, **totals)
    return run


def qa_score_import_run(*, import_run_id: int) -> QARun:
    """Score every conversation of an import (batched; safe to run twice)."""
    from apps.conversations.models import ImportRun
    from apps.conversations.selectors import conversation_ids_of_import

    import_run = ImportRun.objects.filter(pk=import_run_id).first()
    if import_run is None:
        raise DomainError(f"import run {import_run_id} does not exist", field="import_run_id")
    run = QARun.objects.create(kind=QARunKind.IMPORT, import_run=import_run, client_id=import_run.client_id)
    return _run_over(run, conversation_ids_of_import(import_run_id=import_run_id))


def unscored_conversation_ids(*, client_id: int | None = None) -> list[int]:
    """Conversations of clients with an active scorecard that have no result under it yet."""
    from django.db.models import Exists, OuterRef

    from apps.conversations.models import Conversation

    active = Scorecard.objects.filter(is_active=True, client_id=OuterRef("store__client_id"))
    scored = QAResult.objects.filter(
        conversation_id=OuterRef("pk"), scorecard__is_active=True, scorecard__client_id=OuterRef("store__client_id")
    )
    qs = Conversation.objects.filter(Exists(active)).exclude(Exists(scored))
    if client_id is not None:
        qs = qs.filter(store__client_id=client_id)
    return list(qs.order_by("pk").values_list("pk", flat=True))


def qa_sweep_unscored(*, client_id: int | None = None) -> QARun:
    """The nightly sweep: score anything that has no result under its client's active scorecard."""
    run = QARun.objects.create(kind=QARunKind.SWEEP, client_id=client_id)
    return _run_over(run, unscored_conversation_ids(client_id=client_id))


@transaction.atomic
def qa_rescore_request(*, scorecard: Scorecard, actor=None) -> QARun:
    """Queue a re-score of every conversation of the scorecard's brand under this version (old
    results stay): opens a pending run recording the version and who asked, audits it, and enqueues
    qa_rescore_run_task on commit. One re-score per brand at a time: while one is pending or running,
    a second request gets that one. Admin, the page and the API call this."""
    run, opened = _rescore_open(scorecard=scorecard, actor=actor)
    if opened:
        from apps.qa.tasks import qa_rescore_run_task

        transaction.on_commit(lambda: qa_rescore_run_task.delay(run.pk))
    return run


def qa_rescore_scorecard(*, scorecard: Scorecard, actor=None) -> QARun:
    """The same re-score run here and now (commands, tests): a pending or running one of the brand is
    returned as it is."""
    run, opened = _rescore_open(scorecard=scorecard, actor=actor)
    return qa_rescore_run(run_id=run.pk) if opened else run


@transaction.atomic
def _rescore_open(*, scorecard: Scorecard, actor) -> tuple[QARun, bool]:
    Scorecard.objects.select_for_update().get(pk=scorecard.pk)  # one request per brand's scorecard at a time
    busy = QARun.objects.filter(
        kind=QARunKind.RESCORE, client_id=scorecard.client_id, status__in=[RunStatus.PENDING, RunStatus.RUNNING]
    ).first()
    if busy is not None:
        return busy, False
    run = QARun.objects.create(
        kind=QARunKind.RESCORE, client_id=scorecard.client_id, scorecard=scorecard, created_by=_user(actor)
    )
    audit_record(
        actor=actor,
        action="qa.rescore_requested",
        target=run,
        client=scorecard.client,
        data={"scorecard": scorecard.code, "version": scorecard.version},
    )
    return run, True


def qa_rescore_run(*, run_id: int) -> QARun:
    """Carry out a queued re-score (the task's one call). Safe to run twice: a finished run is left
    alone; a run whose worker died (still running, the task delivered again) starts over, and the
    conversations it had scored are skipped as already scored."""
    from apps.conversations.selectors import conversation_ids_of_brand

    run = QARun.objects.select_related("scorecard").filter(pk=run_id, kind=QARunKind.RESCORE).first()
    if run is None:
        raise DomainError(f"re-score run {run_id} does not exist", field="run_id")
    if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
        return run
    if run.scorecard is None:  # its scorecard version was deleted after the request
        run_fail(run, error=gettext("The scorecard version of this re-score no longer exists."))
        return run
    return _run_over(run, conversation_ids_of_brand(client_id=run.client_id), scorecard=run.scorecard)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --------------------------------------------------------------------------------------------
# Review queue
# --------------------------------------------------------------------------------------------


@transaction.atomic
def review_decide(*, items: Iterable[ReviewItem], status: str, comment: str = "", actor=None) -> int:
    """Confirm or dismiss review items (one or many) with a comment."""
    if status not in (ReviewStatus.CONFIRMED, ReviewStatus.DISMISSED):
        raise DomainError("a review decision is confirmed or dismissed", field="status")
    ids = [i.pk for i in items]
    locked = list(ReviewItem.objects.select_for_update().filter(pk__in=ids).select_related("result__scorecard"))
    if (
        status == ReviewStatus.DISMISSED
        and not comment.strip()
        and any(i.severity == Severity.CRITICAL for i in locked)
    ):
        raise DomainError(gettext("Dismissing a critical flag needs a comment saying why."), field="comment")
    now = timezone.now()
    for item in locked:
        item.status = status
        item.comment = comment
        item.reviewed_by = _user(actor)
        item.reviewed_at = now
        audit_record(
            actor=actor,
            action=f"qa.review_{status}",
            target=item,
            reason=comment,
            client=item.result.scorecard.client,
        )
    ReviewItem.objects.bulk_update(locked, ["status", "comment", "reviewed_by", "reviewed_at"])
    return len(locked)


def manual_score(*, scorecard: Scorecard, rule_codes: Iterable[str]) -> tuple[int, bool, bool]:
    """(score, passed, critical) of a conversation in which the ticked rules fired, computed as the
    engine computes it (item caps, bonus caps, a critical item fails the conversation)."""
    compiled, _ids = compiled_scorecard(scorecard)
    return engine.score_from_fired(compiled, rule_codes)


@transaction.atomic
def review_sample_score(*, item: ReviewItem, rule_codes: Iterable[str], comment: str = "", actor=None) -> int:
    """A supervisor scored a sampled conversation by hand: the ticked rules give the manual score
    (as the engine computes it), which becomes the result's score; the item is confirmed when the
    manual verdict (pass/fail) equals the engine's, else dismissed (the automatic verdict was wrong).
    The comment records the ticked rules by name. Returns the manual score."""
    item = ReviewItem.objects.select_for_update().select_related("result__scorecard").get(pk=item.pk)
    result = item.result
    codes = sorted(set(rule_codes))
    known = dict(result.scorecard.rules.filter(code__in=codes).values_list("code", "name"))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise DomainError(gettext("Unknown rule: %(codes)s") % {"codes": ", ".join(unknown)}, field="rules")
    score, passed, critical = manual_score(scorecard=result.scorecard, rule_codes=codes)
    note = gettext("Manual score %(score)d") % {"score": score}
    if codes:
        note += "：" + "、".join(known[c] for c in codes)
    full = f"{note}。{comment.strip()}" if comment.strip() else note
    status = ReviewStatus.CONFIRMED if passed == bool(result.passed) else ReviewStatus.DISMISSED
    QAResult.objects.filter(pk=result.pk).update(score=score, passed=passed, critical=critical)
    review_decide(items=[item], status=status, comment=full, actor=actor)
    return score


@transaction.atomic
def review_assign(*, items: Iterable[ReviewItem], assignee, actor=None) -> int:
    from apps.core.choices import Role
    from apps.core.roles import has_role

    if assignee is not None and not has_role(assignee, Role.QA_SUPERVISOR):
        raise DomainError("review items go to QA supervisors", field="assigned_to")
    locked = list(ReviewItem.objects.select_for_update().filter(pk__in=[i.pk for i in items]))
    for item in locked:
        item.assigned_to = assignee
        audit_record(
            actor=actor,
            action="qa.review_assigned",
            target=item,
            data={"assignee": getattr(assignee, "pk", None)},
        )
    ReviewItem.objects.bulk_update(locked, ["assigned_to"])
    return len(locked)


# --------------------------------------------------------------------------------------------
# Disputes
# --------------------------------------------------------------------------------------------


@transaction.atomic
def dispute_file(*, result: QAResult, filed_by, reason: str, now=None) -> Dispute:
    """An agent's team lead appeals a scored result before the scorecard's dispute deadline."""
    now = now or timezone.now()
    result = QAResult.objects.select_for_update().select_related("scorecard").get(pk=result.pk)
    if result.status != ResultStatus.SCORED:
        raise DomainError("only a scored result can be disputed", field="result")
    if not (reason or "").strip():
        raise DomainError("say why the result is wrong", field="reason")
    deadline = result.scored_at + timedelta(days=result.scorecard.dispute_days)
    if now >= deadline:
        raise DomainError(
            f"the dispute deadline passed on {timezone.localtime(deadline):%Y-%m-%d %H:%M}", field="result"
        )
    if Dispute.objects.filter(result=result, status=DisputeStatus.OPEN).exists():
        raise DomainError("this result already has an open dispute", field="result")
    dispute = Dispute.objects.create(
        result=result, filed_by=filed_by, deadline=deadline, reason=reason.strip(), score_before=result.score
    )
    audit_record(
        actor=filed_by, action="qa.dispute_filed", target=dispute, reason=reason, client=result.scorecard.client
    )
    return dispute


@transaction.atomic
def dispute_decide(
    *,
    dispute: Dispute,
    decision: str,
    actor=None,
    comment: str = "",
    score_after: int | None = None,
    voided_rules: Sequence[str] = (),
) -> Dispute:
    """Settle a dispute; the result's score follows.

    accepted: every deduction is voided (or only `voided_rules` when given) and the score is
    recomputed by the engine; partly accepted: the supervisor sets `score_after` (between the old
    score and 100) or names `voided_rules`; rejected: the score stays."""
    dispute = Dispute.objects.select_for_update().select_related("result__scorecard").get(pk=dispute.pk)
    if dispute.status != DisputeStatus.OPEN:
        raise DomainError("this dispute is already settled", field="status")
    if decision not in (DisputeStatus.ACCEPTED, DisputeStatus.PARTLY_ACCEPTED, DisputeStatus.REJECTED):
        raise DomainError("decide accepted, partly accepted or rejected", field="status")
    result = QAResult.objects.select_for_update().get(pk=dispute.result_id)
    card = dispute.result.scorecard
    before = result.score or 0
    new_score, new_passed, new_critical = before, result.passed, result.critical
    if decision != DisputeStatus.REJECTED:
        fired = set(result.hits.values_list("rule__code", flat=True).distinct())
        if score_after is not None:
            if decision != DisputeStatus.PARTLY_ACCEPTED:
                raise DomainError("a score is set only when a dispute is partly accepted", field="score_after")
            if not before <= score_after <= 100:
                raise DomainError(f"the new score must be between {before} and 100", field="score_after")
            new_score = score_after
            new_critical = False
            new_passed = score_after >= card.pass_mark
        else:
            if decision == DisputeStatus.PARTLY_ACCEPTED and not voided_rules:
                raise DomainError("partly accepted: give the new score or the voided rules", field="score_after")
            unknown = set(voided_rules) - fired
            if unknown:
                raise DomainError(f"these rules did not fire: {', '.join(sorted(unknown))}", field="voided_rules")
            compiled, _ids = compiled_scorecard(card)
            keep = fired - set(voided_rules) if voided_rules else set()
            keep |= {c for c in fired if compiled.by_code.get(c) and compiled.by_code[c].spec.score_change > 0}
            new_score, new_passed, new_critical = engine.score_from_fired(compiled, keep)
            new_score = max(new_score, before)
    result.score, result.passed, result.critical = new_score, new_passed, new_critical
    result.save(update_fields=["score", "passed", "critical"])
    dispute.status = decision
    dispute.score_after = new_score
    dispute.decided_by = _user(actor)
    dispute.decided_at = timezone.now()
    dispute.decision_comment = comment
    dispute.save()
    audit_record(
        actor=actor,
        action=f"qa.dispute_{decision}",
        target=dispute,
        reason=comment,
        data={"score_before": before, "score_after": new_score},
        client=card.client,
    )
    return dispute


# --------------------------------------------------------------------------------------------
# Calibration
# --------------------------------------------------------------------------------------------


@transaction.atomic
def calibration_create(*, scorecard: Scorecard, name: str, conversations: Iterable, actor=None) -> CalibrationSession:
    convs = list(conversations)
    if not convs:
        raise DomainError("a calibration session needs conversations", field="conversations")
    wrong = [c for c in convs if c.store.client_id != scorecard.client_id]
    if wrong:
        raise DomainError("every conversation must belong to the scorecard's brand", field="conversations")
    session = CalibrationSession.objects.create(scorecard=scorecard, name=name, created_by=_user(actor))
    session.conversations.set(convs)
    audit_record(actor=actor, action="qa.calibration_created", target=session, client=scorecard.client)
    return session


@transaction.atomic
def calibration_score(
    *, session: CalibrationSession, conversation, reviewer, passed: bool, score: int | None = None, comment: str = ""
) -> CalibrationScore:
    if session.status != CalibrationStatus.OPEN:
        raise DomainError("this calibration session is closed", field="session")
    if not session.conversations.filter(pk=conversation.pk).exists():
        raise DomainError("this conversation is not part of the session", field="conversation")
    if score is not None and not 0 <= score <= 100:
        raise DomainError("score is 0–100", field="score")
    row, _created = CalibrationScore.objects.update_or_create(
        session=session,
        conversation=conversation,
        reviewer=reviewer,
        defaults={"passed": passed, "score": score, "comment": comment},
    )
    return row


def calibration_agreement(session: CalibrationSession):
    verdicts: dict = defaultdict(dict)
    for reviewer_id, conv_id, passed in session.scores.values_list("reviewer_id", "conversation_id", "passed"):
        verdicts[reviewer_id][conv_id] = passed
    return session_agreement(verdicts)


@transaction.atomic
def calibration_close(*, session: CalibrationSession, actor=None) -> CalibrationSession:
    session = CalibrationSession.objects.select_for_update().get(pk=session.pk)
    agreement = calibration_agreement(session)
    if agreement.pairs == 0:
        raise DomainError("at least two reviewers must score the same conversation", field="scores")
    session.agreement = Decimal(str(round(agreement.agreement, 4)))
    session.kappa = Decimal(str(round(agreement.kappa, 4))) if agreement.kappa is not None else None
    session.status = CalibrationStatus.CLOSED
    session.save(update_fields=["agreement", "kappa", "status"])
    audit_record(
        actor=actor,
        action="qa.calibration_closed",
        target=session,
        data={"agreement": str(session.agreement), "kappa": str(session.kappa)},
        client=session.scorecard.client,
    )
    return session


# --- retention and off-boarding (apps.clients.offboarding orchestrates, in its transaction) ---------


def qa_hit_excerpts_purge(*, conversation_ids: list[int]) -> int:
    """Blank the excerpt (the masked shopper text a rule fired on) of the hits of these
    conversations' QA results; the hit rows, rules, severities, spans and scores stay."""
    return QAHit.objects.filter(result__conversation_id__in=conversation_ids).exclude(excerpt="").update(excerpt="")


def qa_hit_excerpts_purge_brand(*, client_id: int) -> int:
    """Off-boarding: blank every excerpt left on the brand's QA hits."""
    return QAHit.objects.filter(result__conversation__store__client_id=client_id).exclude(excerpt="").update(excerpt="")
