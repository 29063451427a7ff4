"""The QA engine: scores one conversation against one compiled scorecard. Pure Python, no ORM.

Pipeline of one conversation:
1. Normalise every message (NFKC full→half width, traditional→simplified via OpenCC "t2s",
   lower case, separators used to dodge filters such as 最/低/价 or 最 低 价 removed). The
   normalisation is one `str.translate` over a per-character table that fills itself lazily, so a
   character costs one C-level lookup. Offsets back to the original text are rebuilt only for the
   messages that carry a hit, so every span points into the original (masked) text.
2. ONE Aho-Corasick automaton (pyahocorasick) holds every word list of the scorecard; it runs once
   over the whole normalised conversation. Keyword, context, handover, mandatory-phrase, sentiment
   and PII rules read its hits; regex rules run their compiled pattern; timing rules read the
   message timestamps; repetition compares normalised agent replies; combinations evaluate
   and/or/not over the other rules' outcomes.
   Keyword parameters: words, mode (any | all | n_of with n), scope (message | conversation),
   turns ({"first": n} | {"last": n}), negators (within negation_window characters before the word,
   same clause; a one-character negator must touch it; A-not-A questions such as 能不能 do not
   negate), exclude (phrases that cover the match), excused_by (words anywhere in the same message
   that excuse it), skip_quoted (true: a word inside quotation marks is a mention, not a use).
3. Scoring: every rule deducts (or, for bonus rules, adds) its score change once per conversation;
   a scorecard item caps the deductions of its rules at its weight; a critical hit (致命项) fails
   the conversation with score 0. Pass = no critical hit and score ≥ the pass mark.

Conversations that cannot be judged are never a silent pass:
- no messages, or no buyer/agent/bot message → status "unscorable" with the reason;
- human-handled with no agent message (nobody answered, or the agent is unknown) → "unscorable";
- bot-only conversations (handled by the bot, no human agent message) → "not_applicable": agent
  rules do not apply to a bot, so there is no score and no pass/fail, but the rules marked
  bot-applicable (buyer alerts such as escalation risk, handover ignored, PII) still run and their
  hits are recorded.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import ahocorasick

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
# Normalisation
# --------------------------------------------------------------------------------------------

# Characters removed by normalisation: the separators people put between the characters of a
# banned word. Sentence punctuation (, ! ? ; : 。) and brackets stay: masks such as [手机号] and
# negation/clause boundaries rely on them.
_SEPARATORS = set(" \t\r\n\u00a0\u3000/\\|-_*.·•~'\"`+=^#、…—–‐‑‒―﹏¯")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _map_char(ch: str) -> str:
    out = unicodedata.normalize("NFKC", ch)
    if any(ord(c) > 0x2E7F for c in out):
        out = _t2s().convert(out)
    out = out.lower()
    kept = []
    for c in out:
        if c in _SEPARATORS:
            continue
        cat = unicodedata.category(c)
        if cat[0] == "Z" or cat in ("Cc", "Cf"):
            continue
        kept.append(c)
    return "".join(kept)


class _Table(dict):
    """str.translate table that computes and caches the mapping of a character on first sight."""

    def __missing__(self, code: int):
        ch = chr(code)
        mapped = _map_char(ch)
        value: str | None = None if mapped == "" else (code if mapped == ch else mapped)
        self[code] = value
        return value


_TABLE = _Table()


def normalize(text: str) -> str:
    """The normalised form of a text (what every rule matches against)."""
    return text.translate(_TABLE)


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of the original character."""
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        mapped = ch.translate(_TABLE)
        if mapped:
            out.append(mapped)
            offsets.extend([i] * len(mapped))
    return "".join(out), offsets


def original_span(offsets: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """Map a half-open span of the normalised text back onto the original text."""
    if not offsets or start >= len(offsets):
        return (0, 0)
    end = max(start + 1, min(end, len(offsets)))
    return offsets[start], offsets[end - 1] + 1


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


@dataclass(slots=True)
class Hit:
    rule: str
    message_index: int | None
    start: int | None  # span in the ORIGINAL text of that message
    end: int | None
    excerpt: str
    severity: str


@dataclass(slots=True)
class ScoreResult:
    key: Any
    status: str
    reason: str
    score: int | None
    passed: bool | None
    hits: tuple[Hit, ...] = ()
    critical: bool = False
    fired: frozenset[str] = field(default_factory=frozenset)


# --------------------------------------------------------------------------------------------
# Validation and compilation
# --------------------------------------------------------------------------------------------


def _words(params: dict, key: str, rule: str, *, required: bool = True) -> list[str]:
    raw = params.get(key)
    if raw is None:
        if required:
            raise RuleConfigError(f"'{key}' is required", rule=rule, field=key)
        return []
    if isinstance(raw, dict):
        raw = list(raw)
    if not isinstance(raw, list) or not all(isinstance(w, str) for w in raw):
        raise RuleConfigError(f"'{key}' must be a list of words", rule=rule, field=key)
    words = sorted({normalize(w) for w in raw if normalize(w)})
    if required and not words:
        raise RuleConfigError(f"the word list '{key}' is empty", rule=rule, field=key)
    return words


def _regex(pattern: Any, rule: str, key: str) -> re.Pattern:
    if not isinstance(pattern, str) or not pattern:
        raise RuleConfigError(f"'{key}' must be a non-empty regular expression", rule=rule, field=key)
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise RuleConfigError(f"broken regular expression in '{key}': {exc}", rule=rule, field=key)
    if compiled.match(""):
        raise RuleConfigError(f"the regular expression in '{key}' matches the empty text", rule=rule, field=key)
    return compiled


def _int(params: dict, key: str, default: int, rule: str, *, low: int = 0) -> int:
    value = params.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < low:
        raise RuleConfigError(f"'{key}' must be a number ≥ {low}", rule=rule, field=key)
    return int(value)


def validate_rule(spec: RuleSpec) -> None:
    """Raise RuleConfigError if the rule cannot run (cycles are checked by validate_combinations)."""
    _compile_rule(spec)


def validate_combinations(rules: Iterable[RuleSpec]) -> None:
    """Combinations must name existing rules and must not form a cycle."""
    by_code = {r.code: r for r in rules}
    graph = {code: list(r.params.get("rules") or []) for code, r in by_code.items() if r.type == "combination"}
    for code, children in graph.items():
        for child in children:
            if child not in by_code:
                raise RuleConfigError(f"combination names an unknown rule '{child}'", rule=code, field="rules")
    state: dict[str, int] = {}

    def visit(code: str, path: list[str]) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            cycle = path[path.index(code) :] + [code]
            raise RuleConfigError("combination cycle: " + " → ".join(cycle), rule=code, field="rules")
        state[code] = 1
        for child in graph.get(code, []):
            visit(child, path + [code])
        state[code] = 2

    for code in graph:
        visit(code, [])


@dataclass
class _Compiled:
    spec: RuleSpec
    lists: dict[str, list[str]]
    regex: re.Pattern | None = None
    exclude: re.Pattern | None = None
    weights: dict[str, float] = field(default_factory=dict)
    degree: dict[str, float] = field(default_factory=dict)


def _compile_rule(spec: RuleSpec) -> _Compiled:
    r, p = spec.code, spec.params
    if not r:
        raise RuleConfigError("a rule needs a code", field="code")
    if spec.type not in RULE_TYPES:
        raise RuleConfigError(f"unknown rule type '{spec.type}'", rule=r, field="type")
    if spec.severity not in SEVERITIES:
        raise RuleConfigError(f"unknown severity '{spec.severity}'", rule=r, field="severity")
    if spec.role not in ROLES:
        raise RuleConfigError(f"unknown role '{spec.role}'", rule=r, field="role")
    if not isinstance(p, dict):
        raise RuleConfigError("params must be an object", rule=r)
    c = _Compiled(spec=spec, lists={})
    t = spec.type
    if t == "keyword":
        c.lists["words"] = _words(p, "words", r)
        c.lists["negators"] = _words(p, "negators", r, required=False)
        c.lists["exclude"] = _words(p, "exclude", r, required=False)
        c.lists["excused_by"] = _words(p, "excused_by", r, required=False)
        if not isinstance(p.get("skip_quoted", False), bool):
            raise RuleConfigError("skip_quoted must be true or false", rule=r, field="skip_quoted")
        mode = p.get("mode", "any")
        if mode not in ("any", "all", "n_of"):
            raise RuleConfigError("mode must be any, all or n_of", rule=r, field="mode")
        if mode == "n_of":
            n = _int(p, "n", 2, r, low=1)
            if n > len(c.lists["words"]):
                raise RuleConfigError("n is larger than the word list", rule=r, field="n")
        if p.get("scope", "message") not in ("message", "conversation"):
            raise RuleConfigError("scope must be message or conversation", rule=r, field="scope")
        turns = p.get("turns")
        if turns is not None and (
            not isinstance(turns, dict)
            or set(turns) - {"first", "last"}
            or not all(isinstance(v, int) and v > 0 for v in turns.values())
        ):
            raise RuleConfigError("turns must be {'first': n} or {'last': n}", rule=r, field="turns")
    elif t == "regex":
        c.regex = _regex(p.get("pattern"), r, "pattern")
        if p.get("exclude"):
            c.exclude = _regex(p["exclude"], r, "exclude")
    elif t == "timing":
        metric = p.get("metric")
        if metric not in TIMING_METRICS:
            raise RuleConfigError(f"metric must be one of {', '.join(TIMING_METRICS)}", rule=r, field="metric")
        if metric != "last_unanswered":
            _int(p, "threshold_s", 30, r, low=1)
        if metric == "three_minute_rate":
            rate = p.get("min_rate", 1)
            if not isinstance(rate, int | float) or not 0 < rate <= 1:
                raise RuleConfigError("min_rate must be in (0, 1]", rule=r, field="min_rate")
        ignore = _words(p, "ignore_words", r, required=False)
        if ignore:  # an acknowledgement is a run of ignore words: 嗯嗯好的谢谢
            acks = sorted({_PUNCTUATION.sub("", w) for w in ignore} - {""}, key=len, reverse=True)
            c.regex = re.compile("(?:" + "|".join(re.escape(w) for w in acks) + ")*")
    elif t == "context":
        c.lists["trigger"] = _words(p, "trigger_words", r)
        c.lists["response"] = _words(p, "response_words", r)
        c.lists["negators"] = _words(p, "negators", r, required=False)
        c.lists["exclude"] = _words(p, "exclude", r, required=False)
        _int(p, "within_agent_turns", 2, r, low=1)
    elif t == "repetition":
        _int(p, "min_repeats", 3, r, low=2)
        if _int(p, "window", 5, r, low=2) < _int(p, "min_repeats", 3, r, low=2):
            raise RuleConfigError("window must be at least min_repeats", rule=r, field="window")
        _int(p, "min_length", 4, r, low=1)
    elif t == "handover":
        c.lists["trigger"] = _words(p, "trigger_words", r)
        c.lists["transfer"] = _words(p, "transfer_words", r)
    elif t == "mandatory":
        c.lists["trigger"] = _words(p, "trigger_words", r)
        c.lists["required"] = _words(p, "required_words", r)
        c.lists["negators"] = _words(p, "negators", r, required=False)
    elif t == "sentiment":
        raw = p.get("words")
        c.lists["words"] = _words(p, "words", r)
        if isinstance(raw, dict):
            for word, weight in raw.items():
                if not isinstance(weight, int | float) or weight <= 0:
                    raise RuleConfigError(f"weight of '{word}' must be > 0", rule=r, field="words")
                c.weights[normalize(word)] = float(weight)
        degree = p.get("degree_words", {})
        if not isinstance(degree, dict):
            raise RuleConfigError("degree_words must map a word to a multiplier", rule=r, field="degree_words")
        c.degree = {normalize(k): float(v) for k, v in degree.items() if normalize(k)}
        c.lists["negation"] = _words(p, "negation_words", r, required=False)
        threshold = p.get("threshold", 2)
        if not isinstance(threshold, int | float) or threshold <= 0:
            raise RuleConfigError("threshold must be > 0", rule=r, field="threshold")
    elif t == "pii":
        c.lists["tokens"] = _words(p, "tokens", r, required=False) or sorted(normalize(x) for x in PII_TOKENS)
        c.lists["secret"] = _words(p, "secret_words", r, required=False)
        c.lists["request"] = _words(p, "request_words", r, required=bool(c.lists["secret"]))
        c.lists["warning"] = _words(p, "warning_words", r, required=False)
    elif t == "combination":
        op = p.get("op")
        if op not in ("and", "or", "not"):
            raise RuleConfigError("op must be and, or or not", rule=r, field="op")
        children = p.get("rules")
        if not isinstance(children, list) or not children or not all(isinstance(x, str) for x in children):
            raise RuleConfigError("rules must be a non-empty list of rule codes", rule=r, field="rules")
        if op == "not" and len(children) != 1:
            raise RuleConfigError("not takes exactly one rule", rule=r, field="rules")
        if r in children:
            raise RuleConfigError(f"combination cycle: {r} → {r}", rule=r, field="rules")
    return c


class CompiledScorecard:
    """A scorecard ready to score: the one automaton plus each rule's compiled parameters."""

    def __init__(self, spec: ScorecardSpec):
        self.spec = spec
        rules = [r for r in spec.rules if r.enabled]
        na_items = {i.code for i in spec.items if i.not_applicable}
        rules = [r for r in rules if r.item not in na_items]
        codes = [r.code for r in rules]
        if len(set(codes)) != len(codes):
            raise RuleConfigError("two rules share a code", field="code")
        validate_combinations(rules)
        self.items = {i.code: i for i in spec.items}
        self.compiled: list[_Compiled] = [_compile_rule(r) for r in rules]
        self.by_code = {c.spec.code: c for c in self.compiled}
        # ONE automaton: word -> tuple of list ids "rule\x00list"
        owners: dict[str, list[int]] = {}
        self.list_ids: dict[tuple[str, str], int] = {}
        for c in self.compiled:
            for name, words in c.lists.items():
                lid = self.list_ids.setdefault((c.spec.code, name), len(self.list_ids))
                for w in words:
                    owners.setdefault(w, []).append(lid)
        self.automaton = ahocorasick.Automaton()
        for word, lids in owners.items():
            self.automaton.add_word(word, (len(word), tuple(lids)))
        self.has_words = bool(owners)
        if owners:
            self.automaton.make_automaton()
        self.lexicon_size = len(owners)
        self.order = self._order()
        # a rule whose trigger lists found nothing cannot fire: skip it without a call
        gates = {
            "keyword": ("words",),
            "context": ("trigger",),
            "handover": ("trigger",),
            "mandatory": ("trigger",),
            "sentiment": ("words",),
            "pii": ("tokens", "secret"),
        }
        self.plan = [
            (
                c,
                tuple(
                    self.list_ids[(c.spec.code, g)]
                    for g in gates.get(c.spec.type, ())
                    if (c.spec.code, g) in self.list_ids
                )
                or None,
            )
            for c in self.order
        ]

    def _order(self) -> list[_Compiled]:
        base = [c for c in self.compiled if c.spec.type != "combination"]
        combos = [c for c in self.compiled if c.spec.type == "combination"]
        done = {c.spec.code for c in base}
        ordered: list[_Compiled] = []
        while combos:
            ready = [c for c in combos if all(x in done for x in c.spec.params["rules"])]
            for c in ready:
                ordered.append(c)
                done.add(c.spec.code)
            combos = [c for c in combos if c not in ready]
        return base + ordered

    def score(self, conv: ConversationIn) -> ScoreResult:
        return _score(self, conv)


def compile_scorecard(spec: ScorecardSpec) -> CompiledScorecard:
    return CompiledScorecard(spec)


# --------------------------------------------------------------------------------------------
# Scoring one conversation
# --------------------------------------------------------------------------------------------

_SPEAKERS = ("buyer", "agent", "bot")
_WORDED = ("text", "system")  # message types whose content the rules read


class _Ctx:
    __slots__ = ("conv", "norms", "starts", "lhits", "offsets", "roles", "agent_idx", "sc", "_rounds", "_delays")

    def __init__(self, sc: CompiledScorecard, conv: ConversationIn):
        self.sc = sc
        self.conv = conv
        msgs = conv.messages
        self.roles = [m.role for m in msgs]
        # images and order/product cards carry no words; system notices do (转接, 非工作时间)
        self.norms = [m.content.translate(_TABLE) if m.msg_type in _WORDED else "" for m in msgs]
        self.agent_idx = [i for i, r in enumerate(self.roles) if r == "agent"]
        self._rounds: list[tuple[int, int | None]] | None = None
        self._delays: list[tuple[int, int, float]] | None = None
        self.offsets: dict[int, list[int]] = {}
        # hits per list id: list of (message index, start, end) in normalised message coordinates
        self.lhits: dict[int, list[tuple[int, int, int]]] = {}
        if sc.has_words:
            text = "\x00".join(self.norms)
            starts = [0]
            pos = text.find("\x00")
            while pos != -1:
                starts.append(pos + 1)
                pos = text.find("\x00", pos + 1)
            self.starts = starts
            lhits = self.lhits
            for end, (length, lids) in sc.automaton.iter(text):
                mi = bisect_right(starts, end) - 1
                s = end - length + 1 - starts[mi]
                if _inside_ascii_run(text, end - length + 1, end + 1):
                    continue  # 315 inside order number 3156, sb inside usb
                rec = (mi, s, s + length)
                for lid in lids:
                    bucket = lhits.get(lid)
                    if bucket is None:
                        lhits[lid] = [rec]
                    else:
                        bucket.append(rec)

    def rounds(self) -> list[tuple[int, int | None]]:
        if self._rounds is None:
            self._rounds = _rounds(self.conv)
        return self._rounds

    def delays(self) -> list[tuple[int, int, float]]:
        """(buyer message, answering agent message, seconds) of every answered round."""
        if self._delays is None:
            msgs = self.conv.messages
            self._delays = [(b, a, msgs[a].sent_at - msgs[b].sent_at) for b, a in self.rounds() if a is not None]
        return self._delays

    def hits_of(self, rule: str, name: str) -> list[tuple[int, int, int]]:
        lid = self.sc.list_ids.get((rule, name))
        return self.lhits.get(lid, []) if lid is not None else []

    def make_hit(self, spec: RuleSpec, mi: int | None, s: int | None = None, e: int | None = None) -> Hit:
        if mi is None:
            return Hit(spec.code, None, None, None, "", spec.severity)
        original = self.conv.messages[mi].content
        if s is None or e is None:
            excerpt = original[:80]
            return Hit(spec.code, mi, None, None, excerpt, spec.severity)
        offsets = self.offsets.get(mi)
        if offsets is None:
            if self.norms[mi] == original:
                offsets = range(len(original))  # nothing changed: offsets are the identity
            else:
                offsets = normalize_with_offsets(original)[1]
            self.offsets[mi] = offsets
        os_, oe = original_span(offsets, s, e)
        lo, hi = max(0, os_ - 20), min(len(original), oe + 20)
        excerpt = ("…" if lo else "") + original[lo:hi] + ("…" if hi < len(original) else "")
        return Hit(spec.code, mi, os_, oe, excerpt, spec.severity)


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _inside_ascii_run(text: str, start: int, end: int) -> bool:
    """A match that begins or ends with a Latin letter or digit glued to another one (a word of its own)."""
    return (start > 0 and _ascii_alnum(text[start]) and _ascii_alnum(text[start - 1])) or (
        end < len(text) and _ascii_alnum(text[end - 1]) and _ascii_alnum(text[end])
    )


# Clause punctuation after normalisation (full-width forms fold to these under NFKC).
_CLAUSE_BOUNDARIES = (",", "!", "?", ";", ":", "。")
_PUNCTUATION = re.compile(r"[,!?;:。~()\[\]{}<>“”‘’「」『』]+")
_A_NOT_A = re.compile(r"(.)不\1")
_QUOTES = (("“", "”"), ("「", "」"), ("『", "』"), ("‘", "’"))


def _preceded_by(text: str, start: int, words: list[str], window: int = 4) -> bool:
    if not words:
        return False
    before = text[max(0, start - window) : start]
    # a negator does not reach across a clause boundary: 质量不错的，保证正品 still promises
    cut = max(before.rfind(p) for p in _CLAUSE_BOUNDARIES)
    if cut != -1:
        before = before[cut + 1 :]
    if "不" in before:  # 能不能 / 是不是 / 可不可以 ask, they do not negate: 能不能把差评删了
        before = _A_NOT_A.sub("", before)
    # a one-character negator (不) must stand right before the word or one character off (不太):
    # in 不起球不褪色绝对的 the 不 belongs to 褪色, and 绝对 is still a promise
    near = before[-2:]
    return any(w in (near if len(w) == 1 else before) for w in words)


def _quoted(text: str, start: int, end: int) -> bool:
    """The span sits inside a pair of quotation marks of one message: a mention, not a use."""
    for left, right in _QUOTES:
        opened = text.rfind(left, 0, start)
        if opened != -1 and text.find(right, opened + 1, start) == -1 and text.find(right, end) != -1:
            return True
    return False


def _inside(text: str, start: int, end: int, phrases: list[str]) -> bool:
    for ph in phrases:
        lo = max(0, start - len(ph))
        idx = text.find(ph, lo, end + len(ph))
        while idx != -1 and idx <= start:
            if idx + len(ph) >= end:
                return True
            idx = text.find(ph, idx + 1, end + len(ph))
    return False


def _eligible(ctx: _Ctx, spec: RuleSpec, mi: int) -> bool:
    return ctx.roles[mi] == spec.role


def _rule_keyword(ctx: _Ctx, c: _Compiled) -> list[Hit]:
    spec, p = c.spec, c.spec.params
    raw = ctx.hits_of(spec.code, "words")
    if not raw:
        return []
    negators, exclude = c.lists["negators"], c.lists["exclude"]
    allowed: set[int] | None = None
    turns = p.get("turns")
    if turns:
        role_idx = [i for i, r in enumerate(ctx.roles) if r == spec.role]
        allowed = set(role_idx[: turns["first"]]) if "first" in turns else set(role_idx[-turns["last"] :])
    excused = {mi for mi, _s, _e in ctx.hits_of(spec.code, "excused_by")} if c.lists["excused_by"] else ()
    skip_quoted = p.get("skip_quoted", False)
    window = p.get("negation_window", 4)
    found, dropped = [], []
    for mi, s, e in raw:
        if not _eligible(ctx, spec, mi) or (allowed is not None and mi not in allowed) or mi in excused:
            continue
        text = ctx.norms[mi]
        if negators and _preceded_by(text, s, negators, window):
            dropped.append((mi, s, e + 1))  # a negation also takes the word chained right after
            continue
        if (exclude and _inside(text, s, e, exclude)) or (skip_quoted and _quoted(text, s, e)):
            dropped.append((mi, s, e))
            continue
        found.append((mi, s, e))
    if dropped and found:
        found = _not_covered(found, dropped)
    if not found:
        return []
    found = _longest_first(found)
    mode = p.get("mode", "any")
    if mode == "any":
        return [ctx.make_hit(spec, mi, s, e) for mi, s, e in found]
    need = len(c.lists["words"]) if mode == "all" else int(p.get("n", 2))
    groups: dict[Any, list[tuple[int, int, int]]] = {}
    for rec in found:
        groups.setdefault(rec[0] if p.get("scope", "message") == "message" else 0, []).append(rec)
    hits = []
    for recs in groups.values():
        distinct = {ctx.norms[mi][s:e] for mi, s, e in recs}
        if len(distinct) >= need:
            hits.extend(ctx.make_hit(spec, mi, s, e) for mi, s, e in recs)
    return hits


def _not_covered(found: list[tuple[int, int, int]], dropped: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """A negated or excluded phrase takes the words that start inside it, a negated one also the word
    chained right after it: 不敢说是全网最低价 drops 最低价 with 全网最低, 不敢百分百保证 drops 保证
    with 百分百."""
    kept = []
    for mi, s, e in found:
        if any(dm == mi and ds <= s < de for dm, ds, de in dropped):
            continue
        kept.append((mi, s, e))
    return kept


def _longest_first(recs: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Overlapping matches of one rule in one message collapse to the longest (最低价 inside 全网最低价)."""
    if len(recs) == 1:
        return recs
    kept: list[tuple[int, int, int]] = []
    for mi, s, e in sorted(recs, key=lambda r: (r[0], r[1], -(r[2] - r[1]))):
        if kept and kept[-1][0] == mi and s < kept[-1][2]:
            if e > kept[-1][2]:
                kept[-1] = (mi, kept[-1][1], e)
            continue
        kept.append((mi, s, e))
    return kept


def _rule_regex(ctx: _Ctx, c: _Compiled) -> list[Hit]:
    spec = c.spec
    hits = []
    norms = ctx.norms
    for mi in ctx.agent_idx if spec.role == "agent" else range(len(norms)):
        text = norms[mi]
        if not text or ctx.roles[mi] != spec.role:
            continue
        m = c.regex.search(text)
        if m is None:
            continue
        if c.exclude is not None and c.exclude.search(text):
            continue
        hits.append(ctx.make_hit(spec, mi, m.start(), m.end()))
    return hits


def _rounds(conv: ConversationIn) -> list[tuple[int, int | None]]:
    """Rounds a human had to answer: (first buyer message of the round, answering agent message).

    The human phase starts with the buyer messages waiting just before the first agent message
    (after the bot's last word); every later buyer message opens a round unless one is open.
    """
    msgs = conv.messages
    first_agent = next((i for i, m in enumerate(msgs) if m.role == "agent"), None)
    if first_agent is None:
        return []
    start = first_agent
    while start > 0 and msgs[start - 1].role in ("buyer", "system"):
        start -= 1
    rounds: list[tuple[int, int | None]] = []
    open_at: int | None = None
    for i in range(start, len(msgs)):
        role = msgs[i].role
        if role == "buyer" and open_at is None:
            open_at = i
        elif role == "agent" and open_at is not None:
            rounds.append((open_at, i))
            open_at = None
    if open_at is not None:
        rounds.append((open_at, None))
    return rounds


def _rule_timing(ctx: _Ctx, c: _Compiled) -> list[Hit]:
    spec, p = c.spec, c.spec.params
    metric = p["metric"]
    rounds = ctx.rounds()
    if not rounds:
        return []
    threshold = p.get("threshold_s", 30)
    if metric == "last_unanswered":
        return _last_unanswered(ctx, c, rounds)
    answered = ctx.delays()
    if not answered:
        return []
    if metric == "first_response":
        b, a = rounds[0]
        if a is not None and answered[0][2] > threshold:
            return [ctx.make_hit(spec, a)]
        return []
    if metric == "buyer_wait":
        return [ctx.make_hit(spec, a) for _b, a, d in answered if d >= threshold]
    if metric == "round_response":
        avg = sum(d for _b, _a, d in answered) / len(answered)
        return [ctx.make_hit(spec, answered[0][1])] if avg > threshold else []
    # three_minute_rate
    late = [a for _b, a, d in answered if d > threshold]
    if late and (len(answered) - len(late)) / len(answered) < float(p.get("min_rate", 1)):
        return [ctx.make_hit(spec, late[0])]
    return []


def _last_unanswered(ctx: _Ctx, c: _Compiled, rounds) -> list[Hit]:
    """The last round has no agent reply, unless the buyer only acknowledged: every buyer message of
    the round is made of ignore words alone (好的, 嗯嗯 好的, 没了 谢谢, 好吧 辛苦了), once punctuation
    and spaces are gone, or is a single character."""
    b, a = rounds[-1]
    if a is not None:
        return []
    msgs = ctx.conv.messages
    ack = c.regex
    tail = [i for i in range(b, len(msgs)) if msgs[i].role == "buyer"]
    if ack is not None and all(
        len(ctx.norms[i]) <= 1 or ack.fullmatch(_PUNCTUATION.sub("", ctx.norms[i])) for i in tail
    ):
        return []
    return [ctx.make_hit(c.spec, tail[-1])]


def _rule_context(ctx: _Ctx, c: _Compiled) -> list[Hit]:
    spec, p = c.spec, c.spec.params
    negators, exclude = c.lists["negators"], c.lists["exclude"]
    triggers = [
        (mi, s, e)
        for mi, s, e in ctx.hits_of(spec.code, "trigger")
        if ctx.roles[mi] == "buyer"
        and not (negators and _preceded_by(ctx.norms[mi], s, negators))
        and not (exclude and _inside(ctx.norms[mi], s, e, exclude))
    ]
    if not triggers:
        return []
    responses = {mi for mi, _s, _e in ctx.hits_of(spec.code, "response") if ctx.roles[mi] == "agent"}
    n = int(p.get("within_agent_turns", 2))
    hits = []
    seen_msgs: set[int] = set()
    for mi, s, e in triggers:
        if mi in seen_msgs:
            continue
        seen_msgs.add(mi)
        later = [i for i in ctx.agent_idx if i > mi][:n]
        if not any(i in responses for i in later):
            hits.append(ctx.make_hit(spec, mi, s, e))
    return hits


def _rule_repetition(ctx: _Ctx, c: _Compiled) -> list[Hit]:
    spec, p = c.spec, c.spec.params
    k, window, min_len = int(p.get("min_repeats", 3)), int(p.get("window", 5)), int(p.get("min_length", 4))
    norms = ctx.norms
    source = ctx.agent_idx if spec.role == "agent" else [i for i, r in enumerate(ctx.roles) if r == spec.role]
    idx = [i for i in source if len(norms[i]) >= min_len]
    if len(idx) < k:
        return []
    texts = [ctx.norms[i] for i in idx]
    if len(set(texts)) == len(texts):
        return []
    hits, reported = [], set()
    for j in range(len(idx)):
        t = texts[j]
        if t in reported:
            continue
        win = texts[max(0, j - window + 1) : j + 1]
        if win.count(t) >= k:
            reported.add(t)
            hits.append(ctx.make_hit(spec, idx[j], 0, len(t)))
    return hits


def _rule_handover(ctx: _Ctx, c: _Compiled) -> list[Hit]:
    spec = c.spec
    triggers = [rec for rec in ctx.hits_of(spec.code, "trigger") if ctx.roles[rec[0]] == "buyer"]
    if not triggers:
        return []
    transfers = sorted({mi for mi, _s, _e in ctx.hits_of(spec.code, "transfer") if ctx.roles[mi] != "buyer"})
    first_agent = ctx.agent_idx[0] if ctx.agent_idx else None
    hits = []
    for mi, s, e in triggers:
        if ctx.conv.transferred_to_human and first_agent is not None and first_agent > mi:
            continue
        if any(t > mi for t in transfers):
            continue
        hits.append(ctx.make_hit(spec, mi, s, e))
        break
    return hits


def _rule_mandatory(ctx: _Ctx, c: _Compiled) -> list[Hit]:
    spec = c.spec
    negators = c.lists["negators"]
    triggers = [
        rec
        for rec in ctx.hits_of(spec.code, "trigger")
        if ctx.roles[rec[0]] == spec.role and not _preceded_by(ctx.norms[rec[0]], rec[1], negators)
    ]
    if not triggers:
        return []
    required = [mi for mi, _s, _e in ctx.hits_of(spec.code, "required") if ctx.roles[mi] == spec.role]
    first = triggers[0]
    if any(mi >= first[0] for mi in required):
        return []
    return [ctx.make_hit(spec, first[0], first[1], first[2])]


def _rule_sentiment(ctx: _Ctx, c: _Compiled) -> list[Hit]:
    spec, p = c.spec, c.spec.params
    raw = ctx.hits_of(spec.code, "words")
    if not raw:
        return []
    threshold = float(p.get("threshold", 2))
    negation = c.lists["negation"]
    per_msg: dict[int, list[tuple[float, int, int]]] = {}
    for mi, s, e in raw:
        if ctx.roles[mi] != spec.role:
            continue
        text = ctx.norms[mi]
        if negation and _preceded_by(text, s, negation, 2):
            continue
        weight = c.weights.get(text[s:e], 1.0)
        before = text[max(0, s - 3) : s]
        mult = max((v for k, v in c.degree.items() if k in before), default=1.0)
        per_msg.setdefault(mi, []).append((weight * mult, s, e))
    hits = []
    for mi, recs in per_msg.items():
        if sum(w for w, _s, _e in recs) >= threshold:
            best = max(recs)
            hits.append(ctx.make_hit(spec, mi, best[1], best[2]))
    return hits


def _rule_pii(ctx: _Ctx, c: _Compiled) -> list[Hit]:
    spec = c.spec
    hits = []
    for mi, s, e in ctx.hits_of(spec.code, "tokens"):
        if ctx.roles[mi] == spec.role:
            hits.append(ctx.make_hit(spec, mi, s, e))
    secrets = [rec for rec in ctx.hits_of(spec.code, "secret") if ctx.roles[rec[0]] == spec.role]
    if secrets:
        requests = ctx.hits_of(spec.code, "request")
        warnings = ctx.hits_of(spec.code, "warning")
        done = set()
        for mi, s, e in secrets:
            if mi in done:
                continue
            # a request counts unless a warning stands in its clause: 验证码告诉我就行，不要告诉别人
            # still asks; 如果是验证码，请勿向任何人提供 does not
            text = ctx.norms[mi]
            asked = False
            for rm, rs, _re in requests:
                if rm != mi:
                    continue
                lo, hi = _clause(text, rs)
                if not any(wm == mi and lo <= ws < hi for wm, ws, _we in warnings):
                    asked = True
                    break
            if asked:
                done.add(mi)
                hits.append(ctx.make_hit(spec, mi, s, e))
    return hits


def _clause(text: str, at: int) -> tuple[int, int]:
    """The half-open bounds of the clause of `text` that holds position `at`."""
    start = max(text.rfind(p, 0, at) for p in _CLAUSE_BOUNDARIES) + 1
    ends = [i for i in (text.find(p, at) for p in _CLAUSE_BOUNDARIES) if i != -1]
    return start, min(ends, default=len(text))


_HANDLERS = {
    "keyword": _rule_keyword,
    "regex": _rule_regex,
    "timing": _rule_timing,
    "context": _rule_context,
    "repetition": _rule_repetition,
    "handover": _rule_handover,
    "mandatory": _rule_mandatory,
    "sentiment": _rule_sentiment,
    "pii": _rule_pii,
}


def _unscorable_reason(conv: ConversationIn) -> tuple[str, str] | None:
    roles = [m.role for m in conv.messages]
    if not roles:
        return STATUS_UNSCORABLE, "no messages"
    if not any(r in _SPEAKERS for r in roles):
        return STATUS_UNSCORABLE, "no buyer, agent or bot message (system notices only)"
    if "agent" not in roles:
        if conv.handled_by == "bot" or ("bot" in roles and not conv.transferred_to_human):
            return STATUS_NOT_APPLICABLE, "bot-only conversation: no human agent to score (bot-applicable rules ran)"
        return STATUS_UNSCORABLE, "human-handled conversation without any agent message"
    if not conv.has_agent:
        return STATUS_UNSCORABLE, "agent messages without a known agent"
    return None


def _score(sc: CompiledScorecard, conv: ConversationIn) -> ScoreResult:
    verdict = _unscorable_reason(conv)
    if verdict is not None and verdict[0] == STATUS_UNSCORABLE:
        return ScoreResult(conv.key, verdict[0], verdict[1], None, None)
    bot_only = verdict is not None
    ctx = _Ctx(sc, conv)
    fired: dict[str, list[Hit]] = {}
    lhits = ctx.lhits
    for c, gate in sc.plan:
        if gate is not None and not any(g in lhits for g in gate):
            continue
        spec = c.spec
        if spec.platforms and conv.platform not in spec.platforms:
            continue
        if bot_only and not (spec.bot_applicable or spec.role == "buyer"):
            continue
        if spec.type == "combination":
            hits = _combine(ctx, c, fired)
        else:
            hits = _HANDLERS[spec.type](ctx, c)
        if hits:
            fired[spec.code] = hits
    visible = tuple(h for code, hs in fired.items() if sc.by_code[code].spec.severity != "info" for h in hs)
    if bot_only:
        return ScoreResult(conv.key, STATUS_NOT_APPLICABLE, verdict[1], None, None, visible, False, frozenset(fired))
    return _total(sc, conv, fired, visible)


def _combine(ctx: _Ctx, c: _Compiled, fired: dict[str, list[Hit]]) -> list[Hit]:
    op, children = c.spec.params["op"], c.spec.params["rules"]
    spec = c.spec
    if op == "not":
        if children[0] in fired:
            return []
        anchor = None
        if ctx.agent_idx:
            anchor = ctx.agent_idx[-1] if c.spec.params.get("anchor") == "last" else ctx.agent_idx[0]
        return [ctx.make_hit(spec, anchor)]
    present = [x in fired for x in children]
    if (op == "and" and all(present)) or (op == "or" and any(present)):
        out = []
        for x in children:
            for h in fired.get(x, []):
                out.append(Hit(spec.code, h.message_index, h.start, h.end, h.excerpt, spec.severity))
        return out
    return []


def _total(sc: CompiledScorecard, conv: ConversationIn, fired: dict[str, list[Hit]], visible) -> ScoreResult:
    deductions: dict[str, int] = {}
    bonuses: dict[str, int] = {}
    critical = False
    for code in fired:
        spec = sc.by_code[code].spec
        item = sc.items.get(spec.item)
        if spec.severity == "critical" or (item is not None and item.critical and spec.score_change < 0):
            critical = True
        change = spec.score_change
        if change < 0:
            deductions[spec.item] = deductions.get(spec.item, 0) - change
        elif change > 0:
            bonuses[spec.item] = bonuses.get(spec.item, 0) + change
    total = 100
    for item_code, amount in deductions.items():
        item = sc.items.get(item_code)
        total -= min(amount, item.weight) if item is not None and not item.critical else amount
    for item_code, amount in bonuses.items():
        item = sc.items.get(item_code)
        total += min(amount, item.weight) if item is not None else amount
    score = 0 if critical else max(0, min(100, total))
    passed = not critical and score >= sc.spec.pass_mark
    return ScoreResult(conv.key, STATUS_SCORED, "", score, passed, visible, critical, frozenset(fired))


def score_many(sc: CompiledScorecard, conversations: Sequence[ConversationIn]) -> list[ScoreResult]:
    return [_score(sc, conv) for conv in conversations]


def score_from_fired(sc: CompiledScorecard, fired: Iterable[str]) -> tuple[int, bool, bool]:
    """(score, passed, critical) for a set of rule codes that fired (used when a dispute voids some)."""
    codes = {code: [] for code in fired if code in sc.by_code}
    result = _total(sc, ConversationIn(key=None, platform="", messages=()), codes, ())
    return int(result.score or 0), bool(result.passed), result.critical
