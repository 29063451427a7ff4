"""Writes of the qa app, people's decisions: the review queue, disputes, calibration sessions, and
the retention purge of hit excerpts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from apps.core.audit import audit_record
from apps.core.errors import DomainError
from apps.qa import engine
from apps.qa.calibration import session_agreement
from apps.qa.choices import (
    CalibrationStatus,
    DisputeStatus,
    ResultStatus,
    ReviewStatus,
    Severity,
)
from apps.qa.models import (
    CalibrationScore,
    CalibrationSession,
    Dispute,
    QAHit,
    QAResult,
    ReviewItem,
    Scorecard,
)
from apps.qa.services.scorecards import _user, compiled_scorecard

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


def _score_after_dispute(result, card, *, decision: str, before: int, score_after: int | None, voided_rules) -> tuple:
    """(score, passed, critical) of a result after an accepted or partly accepted dispute: the score
    the supervisor set, or the engine's score of the rules kept (never below the old score)."""
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
    return new_score, new_passed, new_critical


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
        new_score, new_passed, new_critical = _score_after_dispute(
            result, card, decision=decision, before=before, score_after=score_after, voided_rules=voided_rules
        )
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
