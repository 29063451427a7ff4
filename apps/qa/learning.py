"""Learning from review decisions: per brand and rule, a classifier of "is this flag a true violation?"
trained on the supervisors' confirm/dismiss decisions, used to rank the review queue.

Rules (what the queue relies on):
- Features: character 1–3-grams (TF-IDF, sublinear) of the flagged message as stored on the hit
  (masked excerpt); the model: logistic regression with balanced class weights (scikit-learn).
- A model is trained for a (brand, rule) with at least MIN_DECISIONS decisions and at least
  MIN_PER_CLASS of each kind (confirmed, dismissed); otherwise the rule has no model and its flags
  keep likelihood None (ranked after the flags that have one, by severity and age).
- Evaluation is a time split: the latest HOLD_OUT share of the decisions (by decision time) is held
  out, the model is fitted on the earlier ones, and its precision at the queue cut-off (likelihood ≥
  CUTOFF) on the held-out decisions is stored with the share confirmed among them (what the queue
  in arrival order would give). The stored model is then refitted on all decisions.
- A flag whose likelihood is below RESEMBLES_DISMISSED is marked "resembles dismissed flags". The
  mark only ranks and labels: a flag is never removed, and a critical flag stays first in the queue
  whatever its likelihood.
- Why an item ranks where it does (`rank_note`): the likelihood and the three character n-grams of the
  message that pushed it up or down the most (weight × value), e.g. 「加微」+0.9 「不要」−0.6.
- Retrained nightly (beat: apps.qa.tasks.qa_retrain_review_models_task), then every open flag of the
  brand is re-ranked.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

MIN_DECISIONS = 20
MIN_PER_CLASS = 5
HOLD_OUT = 0.2
CUTOFF = 0.5
RESEMBLES_DISMISSED = 0.3


@dataclass(frozen=True)
class Decision:
    text: str
    confirmed: bool
    at: object  # datetime of the decision


@dataclass(frozen=True)
class Evaluation:
    trained: int
    held_out: int
    precision_at_cutoff: float | None  # None: the model put no held-out flag above the cut-off
    baseline_precision: float | None


def _pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1),
        LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000),
    )


def trainable(decisions: Sequence[Decision]) -> bool:
    yes = sum(d.confirmed for d in decisions)
    return len(decisions) >= MIN_DECISIONS and yes >= MIN_PER_CLASS and len(decisions) - yes >= MIN_PER_CLASS


def fit(decisions: Sequence[Decision]) -> tuple[object, Evaluation]:
    """The model fitted on every decision, and its time-split evaluation (see the module rules)."""
    ordered = sorted(decisions, key=lambda d: d.at)
    split = max(1, int(round(len(ordered) * (1 - HOLD_OUT))))
    train, test = ordered[:split], ordered[split:]
    precision = baseline = None
    if test and len({d.confirmed for d in train}) == 2:
        early = _pipeline().fit([d.text for d in train], [int(d.confirmed) for d in train])
        probs = early.predict_proba([d.text for d in test])[:, 1]
        picked = [d for d, p in zip(test, probs, strict=True) if p >= CUTOFF]
        precision = sum(d.confirmed for d in picked) / len(picked) if picked else None
        baseline = sum(d.confirmed for d in test) / len(test)
    model = _pipeline().fit([d.text for d in ordered], [int(d.confirmed) for d in ordered])
    return model, Evaluation(len(train), len(test), precision, baseline)


def explain(model, text: str, top: int = 3) -> str:
    """The likelihood and the n-grams that moved it most, as a short line for the supervisor."""
    vectorizer, classifier = model.steps[0][1], model.steps[-1][1]
    row = vectorizer.transform([text])
    names = vectorizer.get_feature_names_out()
    weights = classifier.coef_[0]
    parts = sorted(((row[0, j] * weights[j], names[j]) for j in row.indices), key=lambda x: -abs(x[0]))[:top]
    return " ".join(f"「{name}」{value:+.2f}" for value, name in parts)


def likelihoods(model, texts: Sequence[str]) -> list[float]:
    return [float(p) for p in model.predict_proba(list(texts))[:, 1]] if texts else []


# --------------------------------------------------------------------------------------------
# With the database
# --------------------------------------------------------------------------------------------

_MODELS: dict[tuple[int, str], tuple[object, object]] = {}  # (client, rule) -> (trained_at, model)


def load_model(client_id: int, rule_code: str):
    from apps.qa.models import ReviewModel

    row = ReviewModel.objects.filter(client_id=client_id, rule_code=rule_code).only("trained_at").first()
    if row is None:
        return None
    cached = _MODELS.get((client_id, rule_code))
    if cached is not None and cached[0] == row.trained_at:
        return cached[1]
    blob = ReviewModel.objects.filter(pk=row.pk).values_list("blob", flat=True).first()
    model = pickle.loads(bytes(blob))  # noqa: S301 - our own blob, written by train_brand below
    _MODELS[(client_id, rule_code)] = (row.trained_at, model)
    return model


def decisions_of(client_id: int, rule_code: str) -> list[Decision]:
    from apps.qa.choices import ReviewStatus
    from apps.qa.models import ReviewItem

    rows = ReviewItem.objects.filter(
        result__scorecard__client_id=client_id,
        hit__rule__code=rule_code,
        status__in=[ReviewStatus.CONFIRMED, ReviewStatus.DISMISSED],
        reviewed_at__isnull=False,
    ).values_list("hit__excerpt", "status", "reviewed_at")
    return [Decision(text or "", status == ReviewStatus.CONFIRMED, at) for text, status, at in rows]


def train_brand(client_id: int, *, now=None) -> list:
    """Train (or drop) the model of every rule of the brand that has decisions; returns the models."""
    from apps.qa.models import ReviewItem, ReviewModel

    now = now or timezone.now()
    codes = (
        ReviewItem.objects.filter(result__scorecard__client_id=client_id, hit__isnull=False)
        .values_list("hit__rule__code", flat=True)
        .distinct()
    )
    saved = []
    for code in sorted(set(codes)):
        decisions = decisions_of(client_id, code)
        if not trainable(decisions):
            continue
        model, ev = fit(decisions)
        obj, _created = ReviewModel.objects.update_or_create(
            client_id=client_id,
            rule_code=code,
            defaults={
                "trained_at": now,
                "decisions": ev.trained,
                "held_out": ev.held_out,
                "precision_at_cutoff": ev.precision_at_cutoff,
                "baseline_precision": ev.baseline_precision,
                "cutoff": CUTOFF,
                "blob": pickle.dumps(model),
            },
        )
        saved.append(obj)
    return saved


def rank_items(items: Iterable) -> int:
    """Set likelihood, resembles_dismissed and rank_note on open review items with a hit, from their
    brand's model of the hit's rule; items of rules without a model are left as they are."""
    from apps.qa.models import ReviewItem

    groups: dict[tuple[int, str], list] = {}
    for item in items:
        if item.hit_id is None:
            continue
        groups.setdefault((item.result.scorecard.client_id, item.hit.rule.code), []).append(item)
    changed = []
    for (client_id, code), members in groups.items():
        model = load_model(client_id, code)
        if model is None:
            continue
        texts = [m.hit.excerpt for m in members]
        for item, p, text in zip(members, likelihoods(model, texts), texts, strict=True):
            item.likelihood = round(p, 4)
            item.resembles_dismissed = p < RESEMBLES_DISMISSED
            item.rank_note = f"{p:.0%} " + explain(model, text)
            changed.append(item)
    if changed:
        with transaction.atomic():
            ReviewItem.objects.bulk_update(changed, ["likelihood", "resembles_dismissed", "rank_note"], batch_size=500)
    return len(changed)


def retrain_and_rank(*, client_id: int | None = None) -> dict[str, int]:
    """Nightly: retrain every brand's models, then re-rank its open flags."""
    from apps.qa.choices import ReviewStatus
    from apps.qa.models import ReviewItem
    from apps.qa.selectors import brands_with_scorecards

    clients = brands_with_scorecards()
    if client_id is not None:
        clients = clients.filter(pk=client_id)
    trained = ranked = 0
    for client in clients:
        trained += len(train_brand(client.pk))
        open_items = ReviewItem.objects.filter(
            result__scorecard__client=client, status=ReviewStatus.OPEN, hit__isnull=False
        ).select_related("hit__rule", "result__scorecard")
        ranked += rank_items(open_items)
    return {"models": trained, "ranked": ranked}
