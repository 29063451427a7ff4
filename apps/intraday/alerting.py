"""Alert rules of the room and the webhook payloads (WeCom / DingTalk robot, plain JSON), signed.

Pure: plain data in, dataclasses and bytes out. Units: fractions 0..1, agents, contacts.

Rules (each alert has a kind and a key; the service stores one alert per key, so a re-run or a
second tick raises nothing twice):
- ``volume``: the reforecast of the rest of the day leaves the plan by ≥ ``volume_threshold``
  (15 %) either way. Key: kind + hour of the tick + direction (at most one an hour each way).
- ``understaffed``: in the next ``lookahead`` (8) intervals some interval's scheduled floor is
  short of the Erlang A requirement by ≥ max(``min_gap`` (2), ``gap_share`` (10 %) of it).
  Key: kind + hour. ``overstaffed``: every one of the next ``lookahead`` open intervals has the
  floor ≥ requirement + max(3, 25 %). Key: kind + hour.
- ``sl``: the achieved SL of the recent completed intervals is below the target (``recent_sl``:
  chats answered within the target ÷ chats offered to humans, pooled over the last hour's
  ``sl_window`` (4) intervals, reaching back up to ``sl_window_max`` (8) when the last hour had
  fewer than ``min_offered`` (10) offered — a quiet brand's 3 chats an interval still count; an
  interval with no chat offered to humans has no SL and adds nothing). Key: kind + hour (a lasting
  shortfall alerts once an hour); the alert's interval is the last completed one.
- ``adherence``: team adherence so far below ``adherence_threshold`` (0.85) with ≥ 1 scheduled
  hour measured. Key: kind + hour.
- ``spike``: every 舆情 spike (apps.intraday.spikes). Key: kind + interval.

Webhook signing: ``X-Tideline-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>``
with ``X-Tideline-Timestamp``; the DingTalk robot's own scheme (``timestamp`` and ``sign`` query
parameters, HMAC-SHA256 of ``timestamp\\nsecret``, base64, URL-encoded) is added to its URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AlertRules:
    volume_threshold: float = 0.15
    lookahead: int = 8
    min_gap: int = 2
    gap_share: float = 0.10
    over_min: int = 3
    over_share: float = 0.25
    sl_target: float = 0.8
    min_offered: int = 10
    sl_window: int = 4
    sl_window_max: int = 8
    adherence_threshold: float = 0.85
    min_adherence_s: float = 3600.0


@dataclass(frozen=True)
class TickFacts:
    """What one brand's tick computed. ``now`` = index of the interval in progress."""

    now: int
    rest_deviation: float
    required: Sequence[int]
    floor_plan: Sequence[int]
    offered: Sequence[int]  # per completed interval: chats offered to humans
    in_target: Sequence[int]  # … and of those answered within the SL target
    team_adherence: float
    adherence_scheduled_s: float
    spikes: Sequence = ()
    open_slots: Sequence[bool] = ()


@dataclass
class AlertDraft:
    kind: str
    key: str
    interval: int
    severity: str  # warning | critical
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RecentSL:
    """Pooled SL of the completed intervals ``first``..``last`` (indices, inclusive)."""

    sl: float
    offered: int
    first: int
    last: int


def recent_sl(
    offered: Sequence[int], in_target: Sequence[int], now: int, rules: AlertRules | None = None
) -> RecentSL | None:
    """The SL of the recent completed intervals (see the ``sl`` rule), or None when they offered
    fewer than ``min_offered`` chats to humans (too few to judge) or nothing has completed."""
    rules = rules or AlertRules()
    last = min(now, len(offered)) - 1
    if last < 0:
        return None
    first = last
    n = hit = 0
    for t in range(last, max(-1, last - rules.sl_window_max), -1):
        if last - t >= rules.sl_window and n >= rules.min_offered:
            break
        n += offered[t]
        hit += in_target[t]
        first = t
    if n < rules.min_offered:
        return None
    return RecentSL(hit / n, n, first, last)


def evaluate(facts: TickFacts, rules: AlertRules | None = None) -> list[AlertDraft]:
    rules = rules or AlertRules()
    hour = facts.now // 4
    ahead = range(facts.now, min(len(facts.required), facts.now + rules.lookahead))
    drafts = [
        _volume_alert(facts, rules, hour),
        _understaffed_alert(facts, rules, hour, ahead),
        _overstaffed_alert(facts, rules, hour, ahead),
        _sl_alert(facts, rules, hour),
        _adherence_alert(facts, rules, hour),
    ]
    return [a for a in drafts if a is not None] + [_spike_alert(spike) for spike in facts.spikes]


def _volume_alert(facts: TickFacts, rules: AlertRules, hour: int) -> AlertDraft | None:
    """The rest of the day's volume is off the forecast by the threshold (critical at twice it)."""
    if abs(facts.rest_deviation) >= rules.volume_threshold:
        return AlertDraft(
            "volume",
            f"volume:{hour}:{'up' if facts.rest_deviation > 0 else 'down'}",
            facts.now,
            "critical" if abs(facts.rest_deviation) >= 2 * rules.volume_threshold else "warning",
            {"deviation": round(facts.rest_deviation, 4)},
        )
    return None


def _understaffed_alert(facts: TickFacts, rules: AlertRules, hour: int, ahead: range) -> AlertDraft | None:
    """The slot ahead with the largest gap between required and scheduled, if a gap passes the bar."""
    worst, worst_gap = None, 0
    for t in ahead:
        need, have = facts.required[t], facts.floor_plan[t]
        gap = need - have
        if gap >= max(rules.min_gap, rules.gap_share * need) and gap > worst_gap:
            worst, worst_gap = t, gap
    if worst is not None:
        return AlertDraft(
            "understaffed",
            f"understaffed:{hour}",
            worst,
            "critical" if worst_gap >= 0.25 * max(1, facts.required[worst]) else "warning",
            {"gap": worst_gap, "required": facts.required[worst], "scheduled": facts.floor_plan[worst]},
        )
    return None


def _overstaffed_alert(facts: TickFacts, rules: AlertRules, hour: int, ahead: range) -> AlertDraft | None:
    """Every open slot ahead has more agents than required by the margin."""
    open_ahead = [t for t in ahead if not facts.open_slots or facts.open_slots[t]]
    if open_ahead and all(
        facts.floor_plan[t] - facts.required[t] >= max(rules.over_min, rules.over_share * facts.required[t])
        for t in open_ahead
    ):
        spare = min(facts.floor_plan[t] - facts.required[t] for t in open_ahead)
        return AlertDraft("overstaffed", f"overstaffed:{hour}", facts.now, "warning", {"spare": spare})
    return None


def _sl_alert(facts: TickFacts, rules: AlertRules, hour: int) -> AlertDraft | None:
    """The recent service level is under target (critical 20 points under)."""
    recent = recent_sl(facts.offered, facts.in_target, facts.now, rules)
    if recent is not None and recent.sl < rules.sl_target:
        return AlertDraft(
            "sl",
            f"sl:{hour}",
            recent.last,
            "critical" if recent.sl < rules.sl_target - 0.2 else "warning",
            {
                "sl": round(recent.sl, 4),
                "target": rules.sl_target,
                "offered": recent.offered,
                "first": recent.first,
                "last": recent.last,
            },
        )
    return None


def _adherence_alert(facts: TickFacts, rules: AlertRules, hour: int) -> AlertDraft | None:
    """The team's adherence so far is under the threshold (once enough time was scheduled)."""
    if facts.adherence_scheduled_s >= rules.min_adherence_s and facts.team_adherence < rules.adherence_threshold:
        return AlertDraft(
            "adherence",
            f"adherence:{hour}",
            facts.now,
            "warning",
            {"adherence": round(facts.team_adherence, 4), "threshold": rules.adherence_threshold},
        )
    return None


def _spike_alert(spike) -> AlertDraft:
    """A topic spike in one slot, with its excerpts."""
    return AlertDraft(
        "spike",
        f"spike:{spike.index}",
        spike.index,
        "critical",
        {
            "observed": spike.observed,
            "expected": round(spike.expected, 2),
            "topic": spike.topic,
            "keyword": spike.keyword,
            "excerpts": list(spike.excerpts),
        },
    )


# ---------------------------------------------------------------- webhook payloads


def payload(fmt: str, *, title: str, text: str, data: dict) -> dict:
    """The body for one format: ``wecom`` (企业微信群机器人 markdown), ``dingtalk`` (钉钉机器人 markdown)
    or ``json`` (the alert as data)."""
    if fmt == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n{text}"}}
    if fmt == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": title, "text": f"### {title}\n{text}"}}
    return {"title": title, "text": text, **data}


def body_bytes(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def dingtalk_url(url: str, secret: str, timestamp_ms: str) -> str:
    """DingTalk's signed-robot URL: timestamp (ms) and sign added as query parameters."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(mac))
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}timestamp={timestamp_ms}&sign={sign}"
