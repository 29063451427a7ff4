"""Intraday requirement: agents needed on the floor per 15-minute interval, from the reforecast,
the **actual** handle time and bot rate seen so far today, through Erlang A (apps.workforce.erlang).

Pure: plain numbers in, dataclasses out. Units: contacts per interval, seconds, agents (counts),
fractions 0..1.

Rules:
- Human contacts = reforecast volume × (1 − bot rate), the bot rate being the share of today's
  completed conversations the bot resolved alone (``observed_bot_rate``); with fewer than
  ``min_sample`` conversations today the plan's rate is used instead (and the same for AHT).
- AHT = today's observed mean handle time of human-handled chats (s), else the plan's; the chat
  concurrency of the plan shortens it (effective AHT = AHT / f, erlang.effective_aht).
- Agents on the floor = Erlang A (M/M/n+M) fewest agents meeting the SL target (same definition as
  the weekly plan: ``required_agents_a_batch``), with the occupancy cap; scheduled = that after
  shrinkage (erlang.scheduled_agents).
- ``sl_with(agents)`` is the reverse: the SL, ASA and abandonment a given floor headcount achieves
  in an interval (used for every lever's effect).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from apps.workforce import erlang

INTERVAL_S = 900.0


@dataclass(frozen=True)
class RequirementParams:
    """The plan's targets: ``sl`` within ``target_s`` s, occupancy cap, shrinkage, concurrency,
    shopper patience (s); ``plan_bot_rate``/``plan_aht_s`` used until today has ``min_sample`` chats."""

    sl: float = 0.8
    target_s: float = 30.0
    max_occupancy: float = 0.88
    shrinkage: float = 0.25
    concurrency: int = 3
    patience_s: float = 180.0
    plan_bot_rate: float = 0.0
    plan_aht_s: float = 300.0
    min_sample: int = 30

    def target(self) -> erlang.StaffingTarget:
        return erlang.StaffingTarget(
            sl=self.sl, target_s=self.target_s, max_occupancy=self.max_occupancy, shrinkage=self.shrinkage
        )


@dataclass(frozen=True)
class Observed:
    """Today's completed conversations so far: how many, how many the bot resolved alone, and the
    summed handle time (s) of the human-handled ones."""

    conversations: int = 0
    bot_only: int = 0
    human: int = 0
    human_seconds: float = 0.0


@dataclass(frozen=True)
class IntervalRequirement:
    """One interval: human contacts, agents needed on the floor, scheduled (after shrinkage)."""

    human_volume: float
    agents: int
    scheduled: int


@dataclass(frozen=True)
class RequirementResult:
    bot_rate: float
    aht_s: float
    intervals: list[IntervalRequirement]


def rates_used(observed: Observed, params: RequirementParams) -> tuple[float, float]:
    """(bot rate, AHT s) that the requirement uses: today's when the sample is big enough."""
    bot = params.plan_bot_rate
    if observed.conversations >= params.min_sample:
        bot = observed.bot_only / observed.conversations
    aht = params.plan_aht_s
    if observed.human >= params.min_sample and observed.human_seconds > 0:
        aht = min(1800.0, max(30.0, observed.human_seconds / observed.human))
    return bot, aht


def requirement(volumes: Sequence[float], observed: Observed, params: RequirementParams) -> RequirementResult:
    """Agents per interval for ``volumes`` (reforecast contacts per interval)."""
    bot, aht = rates_used(observed, params)
    eff = erlang.effective_aht(aht_s=aht, concurrency=params.concurrency)
    human = np.array([max(0.0, v) * (1.0 - bot) for v in volumes], dtype=float)
    rates = human / INTERVAL_S
    target = params.target()
    agents = (
        erlang.required_agents_a_batch(rates, aht_s=eff, patience_s=params.patience_s, target=target)
        if len(rates)
        else np.zeros(0, dtype=int)
    )
    out = [
        IntervalRequirement(
            human_volume=float(h),
            agents=int(n),
            scheduled=erlang.scheduled_agents(int(n), shrinkage=params.shrinkage) if n else 0,
        )
        for h, n in zip(human, agents, strict=True)
    ]
    return RequirementResult(bot_rate=bot, aht_s=aht, intervals=out)


@dataclass(frozen=True)
class Achieved:
    """What a floor headcount achieves in one interval (SL and abandonment 0..1, ASA s)."""

    service_level: float
    asa_s: float
    abandon_rate: float


def sl_with(agents: int, human_volume: float, *, aht_s: float, params: RequirementParams) -> Achieved:
    """Erlang A reverse for one interval: ``agents`` on the floor, ``human_volume`` contacts."""
    if human_volume <= 0:
        return Achieved(1.0, 0.0, 0.0)
    res = erlang.reverse(
        agents=max(0, int(agents)),
        volume=human_volume,
        aht_s=aht_s,
        target_s=params.target_s,
        concurrency=params.concurrency,
        patience_s=params.patience_s,
    )
    return Achieved(res.service_level, res.asa_s if math.isfinite(res.asa_s) else 0.0, res.abandon_rate)
