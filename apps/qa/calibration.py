"""Reviewer agreement for calibration sessions: percentage agreement and Cohen's κ. Pure."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class Agreement:
    pairs: int  # (conversation, reviewer pair) comparisons
    agreement: float | None  # share of comparisons with the same verdict
    kappa: float | None  # mean Cohen's κ over reviewer pairs


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's κ of two raters over the same items: (p_o − p_e) / (1 − p_e). None without items.

    When both raters use one single category everywhere p_e = 1; κ is then 1 if they agree."""
    if len(a) != len(b):
        raise ValueError("both raters must rate the same items")
    n = len(a)
    if n == 0:
        return None
    observed = sum(1 for x, y in zip(a, b, strict=True) if x == y) / n
    categories = set(a) | set(b)
    expected = sum((list(a).count(c) / n) * (list(b).count(c) / n) for c in categories)
    if expected >= 1:
        return 1.0 if observed == 1 else 0.0
    return (observed - expected) / (1 - expected)


def session_agreement(verdicts: Mapping[Hashable, Mapping[Hashable, Hashable]]) -> Agreement:
    """verdicts: {reviewer: {conversation: verdict}}. Pairwise over reviewers, on shared conversations."""
    reviewers = sorted(verdicts, key=str)
    agree = total = 0
    kappas: list[float] = []
    for r1, r2 in combinations(reviewers, 2):
        shared = sorted(set(verdicts[r1]) & set(verdicts[r2]), key=str)
        if not shared:
            continue
        a = [verdicts[r1][c] for c in shared]
        b = [verdicts[r2][c] for c in shared]
        agree += sum(1 for x, y in zip(a, b, strict=True) if x == y)
        total += len(shared)
        k = cohen_kappa(a, b)
        if k is not None:
            kappas.append(k)
    return Agreement(
        pairs=total,
        agreement=(agree / total) if total else None,
        kappa=(sum(kappas) / len(kappas)) if kappas else None,
    )
