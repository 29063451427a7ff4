"""Demo step 4: QA over every demo conversation and a worked review example.

* each demo brand has the default scorecard (fixtures/qa/default_pack.json; step 3a installs it
  before the imports, so QA ran after each import and filled the review queue with critical/major
  hits and a stratified sample of passing chats);
* the nightly sweep scores whatever is still without a result (nothing, unless an import's QA
  failed or a step was run on its own);
* a worked example by the demo `qa` supervisor: review items assigned to them, some confirmed and
  some dismissed with a comment, one dispute filed by the BPO manager (`manager`, the team leads'
  role) and settled as partly accepted, and one closed calibration session scored by `qa` and a
  second reviewer with its agreement and Cohen's κ.

Safe to re-run: scoring skips what is scored; each worked-example step looks for its own marker
(its comment, the dispute reason, the session name) and does nothing if it is there.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count
from django.utils import timezone

from apps.clients import demo as clients_demo
from apps.clients import selectors as clients_selectors
from apps.core.choices import Role
from apps.core.demo import DEMO_PASSWORD, DemoContext
from apps.qa import learning, selectors, services
from apps.qa.choices import DisputeStatus, QARunKind, ResultStatus, ReviewReason, ReviewStatus
from apps.qa.models import CalibrationSession, Dispute, QAHit, QAResult, QARun, ReviewItem, ReviewModel

if TYPE_CHECKING:
    from apps.clients.models import Client

CONFIRM_NOTE = "演示：已核实，违规属实，已安排辅导"
DISMISS_NOTE = "演示：误报，买家引用原话，非客服承诺"
DISPUTE_REASON = "演示：该句为复述买家问题，申请复核"
CALIBRATION_NAME = "演示校准会 2026-11"
SECOND_REVIEWER = "qa-calibration"


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _second_reviewer(ctx: DemoContext):
    user, created = get_user_model().objects.get_or_create(
        username=SECOND_REVIEWER, defaults={"email": f"{SECOND_REVIEWER}@tideline.example.com", "is_staff": True}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=Role.QA_SUPERVISOR))
    ctx.logins.append(("QA supervisor (calibration)", SECOND_REVIEWER, DEMO_PASSWORD))
    return user


def seed(ctx: DemoContext) -> None:
    codes = [b.code for b in clients_demo.BRANDS]
    brands = clients_selectors.clients_with_codes(codes, order_by="code")
    for brand in brands:
        services.scorecard_install_default(client=brand)
    sweep = services.qa_sweep_unscored()
    results = QAResult.objects.filter(scorecard__client__in=brands)
    by_status = dict(results.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    ctx.say(
        f"  QA: {by_status.get(ResultStatus.SCORED, 0)} scored, {by_status.get(ResultStatus.NOT_APPLICABLE, 0)} "
        f"bot-only (not applicable), {by_status.get(ResultStatus.UNSCORABLE, 0)} unscorable, "
        f"{QAHit.objects.filter(result__in=results).count()} hits; "
        f"{QARun.objects.filter(kind=QARunKind.IMPORT).count()} runs after the imports, the sweep scored {sweep.scored}"
    )
    for brand in brands:
        queued, human = selectors.queue_share(brand)
        ctx.say(
            f"  review queue {brand.code}: {queued} of {human} human-handled conversations "
            f"({100 * queued / max(human, 1):.1f} %, goal ≤ 15 %)"
        )
    qa = _user("qa")
    manager = _user("manager")
    if qa is None or not brands:
        return
    _review_example(ctx, qa)
    ranked = learning.retrain_and_rank()
    models = ReviewModel.objects.filter(client__in=brands).order_by("client__code", "rule_code")
    ctx.say(f"  review models: {ranked['models']} trained, {ranked['ranked']} open flags ranked")
    for m in models:
        if m.precision_at_cutoff is not None:
            ctx.say(
                f"    {m.client.code}/{m.rule_code}: precision at the cut-off {m.precision_at_cutoff:.2f} on "
                f"{m.held_out} held-out decisions (arrival order {m.baseline_precision:.2f})"
            )
    if manager is not None:
        for brand in brands:
            if _dispute_example(brand, manager, qa):
                break
    for brand in brands:
        if _calibration_example(ctx, brand, qa):
            break


def _review_example(ctx: DemoContext, qa) -> None:
    if ReviewItem.objects.filter(comment__in=[CONFIRM_NOTE, DISMISS_NOTE]).exists():
        return
    rng = ctx.rng("qa-review")
    open_items = list(
        ReviewItem.objects.filter(status=ReviewStatus.OPEN, reason=ReviewReason.VIOLATION)
        .order_by("id")
        .values_list("id", flat=True)[:400]
    )
    if not open_items:
        return
    picked = sorted(rng.sample(open_items, min(300, len(open_items))))
    items = list(ReviewItem.objects.filter(pk__in=picked).select_related("hit__rule").order_by("id"))
    services.review_assign(items=items[:40], assignee=qa, actor=qa)
    # Quoted, negated or questioning wording is what reviewers dismiss; the rest they confirm. The
    # decisions are spread over the past four weeks, so the review models have a time-split hold-out.
    decided = items[:240]
    confirm = [i for i in decided if not any(w in i.hit.excerpt for w in _DISMISSED_WORDING)]
    dismiss = [i for i in decided if any(w in i.hit.excerpt for w in _DISMISSED_WORDING)]
    services.review_decide(items=confirm, status=ReviewStatus.CONFIRMED, comment=CONFIRM_NOTE, actor=qa)
    services.review_decide(items=dismiss, status=ReviewStatus.DISMISSED, comment=DISMISS_NOTE, actor=qa)
    now = timezone.now()
    for n, item in enumerate(decided):
        ReviewItem.objects.filter(pk=item.pk).update(reviewed_at=now - timedelta(days=28) + timedelta(hours=2 * n))


_DISMISSED_WORDING = ("不", "没", "「", "“", "吗", "?", "？")


def _dispute_example(brand: Client, manager, qa) -> bool:
    if Dispute.objects.filter(reason=DISPUTE_REASON).exists():
        return True
    scored = QAResult.objects.filter(
        scorecard__client=brand, scorecard__is_active=True, status=ResultStatus.SCORED, score__lt=100
    ).order_by("started_at", "id")
    # a failing non-critical chat is the usual dispute; fall back to any result that lost points
    result = (
        scored.filter(passed=False, critical=False).first() or scored.filter(passed=False).first() or scored.first()
    )
    if result is None:
        return False
    dispute = services.dispute_file(result=result, filed_by=manager, reason=DISPUTE_REASON)
    before = result.score or 0
    target = min(100, max(before + 1, result.scorecard.pass_mark))
    services.dispute_decide(
        dispute=dispute,
        decision=DisputeStatus.PARTLY_ACCEPTED,
        score_after=target,
        comment="演示：复述部分不扣分，响应超时仍扣分",
        actor=qa,
    )
    return True


def _calibration_example(ctx: DemoContext, brand: Client, qa) -> bool:
    if CalibrationSession.objects.filter(name=CALIBRATION_NAME).exists():
        return True
    results = list(
        QAResult.objects.filter(scorecard__client=brand, scorecard__is_active=True, status=ResultStatus.SCORED)
        .select_related("conversation__store", "scorecard")
        .order_by("id")[:400]
    )
    if len(results) < 6:
        return False
    reviewer = _second_reviewer(ctx)
    rng = ctx.rng("qa-calibration")
    failing = [r for r in results if not r.passed][:10]
    passing = [r for r in results if r.passed][: 20 - len(failing)]
    sample = failing + passing
    card = sample[0].scorecard
    session = services.calibration_create(
        scorecard=card, name=CALIBRATION_NAME, conversations=[r.conversation for r in sample], actor=qa
    )
    for r in sample:
        # Both start from the engine's verdict; each reviewer overturns a few on their own judgement.
        for user, flip_share in ((qa, 0.1), (reviewer, 0.2)):
            verdict = bool(r.passed) if rng.random() >= flip_share else not r.passed
            services.calibration_score(
                session=session, conversation=r.conversation, reviewer=user, passed=verdict, score=r.score
            )
    services.calibration_close(session=session, actor=qa)
    return True
