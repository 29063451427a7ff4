"""The engine's vocabulary, its inputs (messages, conversations, rule and scorecard specs) and its
outputs (hits and score results). Pure dataclasses and named tuples, no logic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

SEVERITIES = ("critical", "major", "minor", "bonus", "alert", "info")
ROLES = ("agent", "buyer")
RULE_TYPES = (
    "keyword",
    "regex",
    "timing",
    "context",
    "repetition",
    "handover",
    "mandatory",
    "sentiment",
    "pii",
    "combination",
)
TIMING_METRICS = ("first_response", "round_response", "three_minute_rate", "buyer_wait", "last_unanswered")
STATUS_SCORED = "scored"
STATUS_UNSCORABLE = "unscorable"
STATUS_NOT_APPLICABLE = "not_applicable"

PII_TOKENS = ("[手机号]", "[身份证号]", "[银行卡号]", "[地址]")


class RuleConfigError(ValueError):
    """A rule that cannot be compiled: names the rule, the field and the reason."""

    def __init__(self, reason: str, *, rule: str = "", field: str = "params"):
        super().__init__(f"{rule}: {reason}" if rule else reason)
        self.reason = reason
        self.rule = rule
        self.field = field


# --------------------------------------------------------------------------------------------
# Inputs and outputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MessageIn:
    role: str  # buyer | agent | bot | system
    sent_at: float  # seconds since the epoch (or any common origin)
    content: str
    msg_type: str = "text"


@dataclass(frozen=True, slots=True)
class ConversationIn:
    key: Any  # the caller's id, echoed in the result
    platform: str
    messages: tuple[MessageIn, ...]
    handled_by: str = "human"  # human | bot
    transferred_to_human: bool = False
    has_agent: bool = True  # an agent is known for a human-handled conversation


@dataclass(frozen=True, slots=True)
class ItemSpec:
    code: str
    name: str
    weight: int = 10
    critical: bool = False
    bonus: bool = False
    not_applicable: bool = False


@dataclass(frozen=True, slots=True)
class RuleSpec:
    code: str
    name: str
    type: str
    params: dict
    severity: str = "minor"
    score_change: int = 0  # negative deducts, positive adds (bonus)
    role: str = "agent"
    platforms: tuple[str, ...] = ()  # empty = every platform
    item: str = ""  # ItemSpec.code
    bot_applicable: bool = False
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class ScorecardSpec:
    rules: tuple[RuleSpec, ...]
    items: tuple[ItemSpec, ...] = ()
    pass_mark: int = 80


class Hit(NamedTuple):  # a tuple: thousands are made per second, and none is changed after
    rule: str
    message_index: int | None
    start: int | None  # span in the ORIGINAL text of that message
    end: int | None
    excerpt: str
    severity: str
    note: str = ""  # why, where the span alone does not say it: the similar example and its score


def _hit(fields: tuple) -> Hit:
    """A Hit from its seven fields, without the keyword-argument handling of Hit(...)."""
    return tuple.__new__(Hit, fields)


class ScoreResult(NamedTuple):  # a tuple, like Hit
    key: Any
    status: str
    reason: str
    score: int | None
    passed: bool | None
    hits: tuple[Hit, ...] = ()
    critical: bool = False
    fired: frozenset[str] = frozenset()
