"""Writes of the qa app, scoring: a batch of conversations scored and stored with set-based SQL
(results, hits, the review queue's entries), and the runs that score imports, the nightly sweep
and re-scores under a new version (queued with their actor, carried out by id)."""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from apps.core.audit import audit_record
from apps.core.choices import RunStatus
from apps.core.errors import DomainError
from apps.core.runs import run_fail, run_progress, run_start, run_succeed
from apps.qa import engine
from apps.qa.choices import (
    QARunKind,
    ReviewReason,
    ReviewStatus,
    RuleType,
)
from apps.qa.models import (
    QAHit,
    QAResult,
    QARun,
    ReviewItem,
    Rule,
    Scorecard,
)
from apps.qa.services.scorecards import BATCH_SIZE, REVIEW_SEVERITIES, _user, compiled_scorecard

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
            # Which of these already have a result under this card? Asked by conversation only, so
            # the only index that fits is the unique (conversation, scorecard) one: with the card in
            # the predicate the planner picked the (scorecard, started_at) index whenever its
            # statistics said the card had no results yet (a new card version, a new brand, before
            # ANALYZE) and walked every result of the card per probe - quadratic in the card's size.
            cur.execute(
                f"SELECT conversation_id, scorecard_id FROM {QAResult._meta.db_table} WHERE conversation_id = ANY(%s)",
                [[r[0] for r in rows]],
            )
            done = {conversation_id for conversation_id, scored_by in cur.fetchall() if scored_by == card_id}
        counts["skipped"] += len(done)
        rows = [r for r in rows if r[0] not in done]
        if not rows:
            continue
        _score_rows(card, rows, qa_run, counts)
    return counts


def _score_rows(card: Scorecard, rows: list, qa_run: QARun | None, counts: dict) -> None:
    """Score one batch and write it with set-based SQL: results by INSERT … SELECT unnest(…) ON
    CONFLICT DO NOTHING RETURNING (only rows this call inserted get hits, so a concurrent run that
    won a conflict keeps its own), hits by COPY, review entries by INSERT … SELECT. The batch's
    results, hits and review items share one scored_at, the hits' partition key."""
    compiled, rule_ids = compiled_scorecard(card)
    outcomes = _outcomes(compiled, rows)
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cur:
        # Scoring is idempotent and re-runnable (ON CONFLICT DO NOTHING; the nightly sweep scores what has
        # no result), so the commit need not wait for the WAL flush: a server crash can lose the latest
        # batches' results (never half a batch), and any later synchronous commit flushes them too.
        cur.execute("SET LOCAL synchronous_commit = off")
        mine = _results_insert(cur, card, outcomes, now, qa_run)
        hit_rows = []
        for res, _agent, _st in outcomes:
            result_id = mine.get(res.key)
            if result_id is None:
                continue
            counts[res.status] += 1
            hit_rows += [_hit_row(result_id, rule_ids[h.rule], h, now) for h in res.hits]
        _hits_copy(cur, hit_rows)
        counts["hits"] += len(hit_rows)
        _queue_reviews(cur, card, outcomes, mine, now)


def _outcomes(compiled, rows: list) -> list[tuple]:
    """(engine result, agent id, started_at) of each conversation row of the batch."""
    from apps.conversations.selectors import messages_for_scoring

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
    return outcomes


def _results_insert(cur, card: Scorecard, outcomes: list[tuple], now, qa_run: QARun | None) -> dict[int, int]:
    """Insert the batch's results; returns {conversation id: result id} of the rows this call inserted."""
    rows = [
        (res.key, started, agent, res.status, res.reason[:255], res.score, res.passed, res.critical, len(res.hits))
        for res, agent, started in outcomes
    ]
    cols = [list(col) for col in zip(*rows, strict=True)]
    cur.execute(
        f"INSERT INTO {QAResult._meta.db_table} (conversation_id, scorecard_id, started_at, agent_id, status, "
        "reason, auto_score, score, passed, critical, hit_count, scored_at, qa_run_id) "
        "SELECT c, %s, st, ag, stat, rsn, sc, sc, pas, crit, hc, %s, %s FROM unnest("
        "%s::bigint[], %s::timestamptz[], %s::bigint[], %s::text[], %s::text[], %s::int[], %s::bool[], "
        "%s::bool[], %s::int[]) AS t(c, st, ag, stat, rsn, sc, pas, crit, hc) "
        "ON CONFLICT (conversation_id, scorecard_id) DO NOTHING RETURNING conversation_id, id",
        [card.pk, now, qa_run.pk if qa_run else None, *cols],
    )
    return dict(cur.fetchall())


def _hit_row(result_id: int, rule_id: int, h, scored_at) -> tuple:
    return (result_id, rule_id, h.severity, h.message_index, h.start, h.end, h.excerpt[:255], h.note[:255], scored_at)


def _hits_copy(cur, hit_rows: list[tuple]) -> None:
    """COPY the hits into the partitioned table: their scored_at (the result's) routes them to the
    scoring month's partition."""
    with cur.cursor.copy(
        f"COPY {QAHit._meta.db_table} (result_id, rule_id, severity, message_index, span_start, span_end, "
        "excerpt, note, scored_at) FROM STDIN"
    ) as copy:
        for row in hit_rows:
            copy.write_row(row)


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

    timing = set(card.rules.filter(rule_type=RuleType.TIMING).values_list("code", flat=True))
    human = [x for x in outcomes if x[0].key in mine and x[0].status == engine.STATUS_SCORED]
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
    majors_of = {res.key: judgeable(res, ("major",)) for res in majors}
    models = _review_models(card, majors_of, major_room)
    ranked = sorted(majors, key=lambda res: _major_rank(card, res.key, majors_of[res.key], models))
    chosen = critical + [res.key for res in ranked[:major_room]]
    _violations_insert(cur, [mine[key] for key in chosen], now)
    _samples_insert(cur, picked[:sample_room], now)
    if models:
        items = ReviewItem.objects.filter(result_id__in=[mine[key] for key in chosen], status=ReviewStatus.OPEN)
        learning.rank_items(items.select_related("hit__rule", "result__scorecard"))


def _review_models(card: Scorecard, majors_of: dict[int, list], major_room: int) -> dict:
    """The brand's review models of the major rules that fired, when the majors do not all fit."""
    from apps.qa import learning
    from apps.qa.models import ReviewModel

    models = {}
    if majors_of and len(majors_of) > major_room and ReviewModel.objects.filter(client_id=card.client_id).exists():
        for code in {h.rule for hits in majors_of.values() for h in hits}:
            models[code] = learning.load_model(card.client_id, code)
    return models


def _major_rank(card: Scorecard, key: int, hits: list, models: dict) -> tuple:
    """Sort key of a conversation whose worst judgeable hit is major: the likeliest true violation
    first, then more major rules, then a stable hash."""
    from apps.qa import learning

    probs = [learning.likelihoods(models[h.rule], [h.excerpt])[0] for h in hits if models.get(h.rule)]
    salt = hashlib.blake2b(f"card{card.pk}:{key}".encode(), digest_size=8).hexdigest()
    return (-(max(probs) if probs else -1.0), -len({h.rule for h in hits}), salt)


def _violations_insert(cur, result_ids: list[int], now) -> None:
    """Queue the critical and major (non-timing) hits of these results. The hits were written in this
    transaction with scored_at = now: the predicate prunes the scan to that month's partition, and the
    review item carries the hit's scored_at (the second half of its foreign key)."""
    if not result_ids:
        return
    cur.execute(
        f"INSERT INTO {ReviewItem._meta.db_table} (result_id, hit_id, hit_scored_at, reason, severity, status, "
        "comment, created_at, resembles_dismissed, rank_note) "
        f"SELECT h.result_id, h.id, h.scored_at, %s, h.severity, %s, '', %s, false, '' FROM {QAHit._meta.db_table} h "
        f"JOIN {Rule._meta.db_table} r ON r.id = h.rule_id WHERE h.scored_at = %s "
        "AND h.result_id = ANY(%s) AND h.severity = ANY(%s) AND r.rule_type <> %s ON CONFLICT DO NOTHING",
        [
            ReviewReason.VIOLATION,
            ReviewStatus.OPEN,
            now,
            now,
            result_ids,
            list(REVIEW_SEVERITIES),
            RuleType.TIMING,
        ],
    )


def _samples_insert(cur, result_ids: list[int], now) -> None:
    """Queue these passing results as sampled conversations (no hit)."""
    if not result_ids:
        return
    cur.execute(
        f"INSERT INTO {ReviewItem._meta.db_table} (result_id, hit_id, hit_scored_at, reason, severity, status, "
        "comment, created_at, resembles_dismissed, rank_note) "
        "SELECT r, NULL, NULL, %s, '', %s, '', %s, false, '' FROM unnest(%s::bigint[]) AS t(r) ON CONFLICT DO NOTHING",
        [ReviewReason.SAMPLE, ReviewStatus.OPEN, now, result_ids],
    )


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
    from apps.conversations.selectors import conversation_ids_of_import, import_run_clients

    clients = import_run_clients(import_run_ids=[import_run_id])
    if import_run_id not in clients:
        raise DomainError(f"import run {import_run_id} does not exist", field="import_run_id")
    run = QARun.objects.create(kind=QARunKind.IMPORT, import_run_id=import_run_id, client_id=clients[import_run_id])
    return _run_over(run, conversation_ids_of_import(import_run_id=import_run_id))


def unscored_conversation_ids(*, client_id: int | None = None) -> list[int]:
    """Conversations of clients with an active scorecard that have no result under it yet."""
    from django.db.models import Exists, OuterRef

    from apps.conversations.selectors import conversation_ids_where

    active = Scorecard.objects.filter(is_active=True, client_id=OuterRef("store__client_id"))
    scored = QAResult.objects.filter(
        conversation_id=OuterRef("pk"), scorecard__is_active=True, scorecard__client_id=OuterRef("store__client_id")
    )
    return conversation_ids_where(include=Exists(active), exclude=Exists(scored), client_id=client_id)


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
