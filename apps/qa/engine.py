"""The QA engine: scores one conversation against one compiled scorecard. Pure Python, no ORM.

Pipeline of one conversation:
1. Normalise every message (NFKC full→half width, traditional→simplified via OpenCC "t2s",
   lower case, separators used to dodge filters such as 最/低/价 or 最 低 价 removed). Every
   character of the Basic Multilingual Plane is worked out once per process: a message without a
   character that changes (one regex search) is kept as it is, any other is one `str.translate`
   over the table. Offsets back to the original text are rebuilt only for the messages that carry
   a hit and are not mapped one character for one, so every span points into the original
   (masked) text.
2. ONE Aho-Corasick automaton (ahocorasick_rs, a DFA) holds every word list of the scorecard; it
   runs once over the whole normalised conversation. Keyword, context, handover, mandatory-phrase,
   sentiment and PII rules read its hits, exclusion phrases and degree words included; a rule whose
   trigger words are not in the conversation is skipped without a call. Regex rules run their
   compiled pattern, only on the messages holding one of the pattern's literal factors (also in
   the automaton: 微信, vx, qq … for the off-platform pattern); timing rules read the rounds of
   apps.conversations.timing.human_rounds (the one definition of the human side, rounds, waits and
   "needs an answer" that the KPIs share; sent_at is POSIX seconds); repetition compares
   normalised replies; combinations evaluate and/or/not over the other rules' outcomes.
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
  hits are recorded. There the bot is the serving side: a bot-applicable rule of the agent role
  reads the bot's messages (a bot that asks for the buyer's 验证码 is caught like an agent).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

import ahocorasick_rs

from apps.conversations import timing
from apps.qa.similarity import DEFAULT_ENCODER, SimilarityIndex, strip_punctuation_and_symbols

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
    if "\ud800" <= ch <= "\udfff":
        return ch  # a lone surrogate (never stored in the database) stays as it is
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


class _Changes:
    """The characters of the Basic Multilingual Plane that normalisation changes, worked out once per
    process (~0.3 s: every BMP character through `_map_char`, which also fills the table).

    `touched` finds a character that changes, so a text without one is already normal and is
    returned as it is, with no per-character table lookup (most buyer and agent lines have none, or
    only full-width punctuation). `reshaped` finds a character that is dropped or becomes several,
    so a normalised text whose original has none lines up with it character for character. Astral
    characters are in both classes: they always take the table's path. `bmp` is the table as a
    list, which `str.translate` reads faster than a dict (~50 against ~90 ns a character); a text
    with an astral character (`astral`) needs the dict, as the list ends at U+FFFF."""

    def __init__(self):
        touched, reshaped = [], []
        self.bmp: list[int | str | None] = [0] * 0x10000
        for code in range(0x10000):
            value = self.bmp[code] = _TABLE[code]
            if value != code:
                touched.append(code)
                if not isinstance(value, str) or len(value) != 1:
                    reshaped.append(code)
        tail = "\\U00010000-\\U0010ffff]"
        self.touched = re.compile("[" + _ranges(touched) + tail)
        self.reshaped = re.compile("[" + _ranges(reshaped) + tail)
        self.astral = re.compile("[" + tail)


def _ranges(codes: list[int]) -> str:
    """A regular-expression character class body for sorted code points, as ranges."""
    parts = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        lo, hi = codes[i], codes[j]
        parts.append(f"\\u{lo:04x}" if lo == hi else f"\\u{lo:04x}-\\u{hi:04x}")
        i = j + 1
    return "".join(parts)


@lru_cache(maxsize=1)
def _changes() -> _Changes:
    return _Changes()


def normalize(text: str) -> str:
    """The normalised form of a text (what every rule matches against)."""
    changes = _changes()
    if changes.touched.search(text) is None:
        return text
    return text.translate(_TABLE if changes.astral.search(text) else changes.bmp)


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of the original character."""
    out: list[str] = []
    offsets: list[int] = []
    table = _TABLE
    for i, ch in enumerate(text):
        mapped = table[ord(ch)]
        if mapped is None:
            continue
        if mapped.__class__ is int:
            out.append(ch)
            offsets.append(i)
        else:
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


def _literal_factors(pattern: re.Pattern) -> list[str] | None:
    """Strings of which every match of the pattern contains at least one, or None if the pattern
    has no such small set. They go into the scorecard's one automaton, so a regex rule runs only on
    the messages that hold one of them: (加|联系)…(微信|vx|qq(?!糖)) needs 微信, vx or qq, and a
    conversation without them skips the rule like a keyword rule without its words.

    Read from the parsed pattern: literal runs, the alternatives of a group (each must give a
    set), small character classes and repeats of at least one. Lookarounds and anchors match no
    text and give nothing. A case-insensitive pattern gives None, and so does a set holding a string
    that normalisation would change (the text searched is normalised). Of the sets a sequence
    offers, the one whose shortest string is longest is taken, the later one on a tie."""
    from re import _constants as sre
    from re import _parser

    if pattern.flags & re.IGNORECASE:
        return None

    def of_sequence(items) -> set[str] | None:
        best: set[str] | None = None
        run: list[str] = []

        def offer(found: set[str] | None) -> None:
            nonlocal best
            if found and (best is None or min(map(len, found)) >= min(map(len, best))):
                best = found

        for op, av in items:
            if op is sre.LITERAL:
                run.append(chr(av))
                continue
            if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
                continue  # zero-width: the literal run goes on across it
            offer({"".join(run)} if run else None)
            run = []
            offer(of_item(op, av))
        offer({"".join(run)} if run else None)
        return best

    def of_item(op, av) -> set[str] | None:
        if op is sre.SUBPATTERN:
            return None if av[1] & re.IGNORECASE else of_sequence(av[-1])
        if op is sre.BRANCH:
            found: set[str] = set()
            for alternative in av[1]:
                one = of_sequence(alternative)
                if one is None:
                    return None
                found |= one
            return found
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1:
            return of_sequence(av[2])
        if op is sre.IN and len(av) <= 16 and all(kind is sre.LITERAL for kind, _v in av):
            return {chr(v) for _k, v in av}
        return None

    try:
        found = of_sequence(_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - a construct the reader does not know only costs the prefilter
        return None
    if not found or any(not f or normalize(f) != f for f in found):
        return None
    return sorted(found)


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
    need_hits: bool = True  # False: only whether it fires counts (an info rule no and/or reads)
    options: tuple = ()  # per type, the parameters the handler reads, read once here
    shown: bool = True  # its hits are shown (not an info rule)
    negators: _Negators | None = None  # keyword, context, mandatory and sentiment rules
    repeat: tuple[int, int, int] = (3, 5, 4)  # repetition: min_repeats, window, min_length
    metric: str = ""  # timing
    threshold: float = 30
    min_rate: float = 1.0
    reads: frozenset[str] = frozenset()  # the roles whose messages the rule reads
    # the similarity operator: (examples, near misses, threshold); keys into the scorecard's index
    similar: tuple[tuple[str, ...], tuple[str, ...], float] | None = None
    similar_keys: tuple[int, int] = (-1, -1)


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
    # a rule about what is said on the shop's behalf (an agent rule marked bot-applicable) reads
    # the bot's messages too: a bot speaks for the shop
    c.reads = frozenset((spec.role, "bot")) if spec.role == "agent" and spec.bot_applicable else frozenset((spec.role,))
    t = spec.type
    if "similar" in p:
        if t not in _SIMILAR_TYPES:
            raise RuleConfigError(
                f"similar examples are read by {', '.join(_SIMILAR_TYPES)} rules", rule=r, field="similar"
            )
        c.similar = _similar(p["similar"], r)
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
        c.options = (
            mode,
            turns or None,
            p.get("skip_quoted", False),
            p.get("negation_window", 4),
            len(c.lists["words"]) if mode == "all" else int(p.get("n", 2)),
            p.get("scope", "message") == "message",
        )
    elif t == "regex":
        c.regex = _regex(p.get("pattern"), r, "pattern")
        factors = _literal_factors(c.regex)
        if factors is not None:
            c.lists["factors"] = factors
        if p.get("exclude"):
            c.exclude = _regex(p["exclude"], r, "exclude")
    elif t == "timing":
        metric = p.get("metric")
        if metric not in TIMING_METRICS:
            raise RuleConfigError(f"metric must be one of {', '.join(TIMING_METRICS)}", rule=r, field="metric")
        c.metric = metric
        if metric != "last_unanswered":
            _int(p, "threshold_s", 30, r, low=1)
            c.threshold = p.get("threshold_s", 30)
        if metric == "three_minute_rate":
            rate = p.get("min_rate", 1)
            if not isinstance(rate, int | float) or not 0 < rate <= 1:
                raise RuleConfigError("min_rate must be in (0, 1]", rule=r, field="min_rate")
            c.min_rate = float(rate)
        # ignore_words (a rule's own acknowledgements) is accepted from older packs and not read: what
        # needs an answer is defined once, in apps.conversations.timing, for the KPIs and QA alike
        _words(p, "ignore_words", r, required=False)
    elif t == "context":
        c.lists["trigger"] = _words(p, "trigger_words", r)
        c.lists["response"] = _words(p, "response_words", r)
        c.lists["negators"] = _words(p, "negators", r, required=False)
        c.lists["exclude"] = _words(p, "exclude", r, required=False)
        _int(p, "within_agent_turns", 2, r, low=1)
    elif t == "repetition":
        k = _int(p, "min_repeats", 3, r, low=2)
        window = _int(p, "window", 5, r, low=2)
        if window < k:
            raise RuleConfigError("window must be at least min_repeats", rule=r, field="window")
        c.repeat = (k, window, _int(p, "min_length", 4, r, low=1))
        particles = p.get("particles", "哦呢啊呀~")
        if not isinstance(particles, str):
            raise RuleConfigError("particles must be a string of characters", rule=r, field="particles")
        c.options = normalize(particles) + "~"
    elif t == "handover":
        c.lists["trigger"] = _words(p, "trigger_words", r)
        c.lists["transfer"] = _words(p, "transfer_words", r)
        c.lists["negators"] = _words(p, "negators", r, required=False)
        c.lists["exclude"] = _words(p, "exclude", r, required=False)
        if not isinstance(p.get("human_reply_answers", False), bool):
            raise RuleConfigError("human_reply_answers must be true or false", rule=r, field="human_reply_answers")
        c.options = p.get("human_reply_answers", False)
    elif t == "mandatory":
        c.lists["trigger"] = _words(p, "trigger_words", r)
        c.lists["required"] = _words(p, "required_words", r)
        c.lists["negators"] = _words(p, "negators", r, required=False)
        c.lists["excused_by"] = _words(p, "excused_by", r, required=False)
        trigger_roles = p.get("trigger_roles", [spec.role])
        if not isinstance(trigger_roles, list) or not trigger_roles or set(trigger_roles) - set(ROLES):
            raise RuleConfigError("trigger_roles must list agent and/or buyer", rule=r, field="trigger_roles")
        if not isinstance(p.get("required_anywhere", False), bool):
            raise RuleConfigError("required_anywhere must be true or false", rule=r, field="required_anywhere")
        c.options = (frozenset(trigger_roles), p.get("required_anywhere", False))
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
        c.lists["degree"] = sorted(c.degree)
        c.lists["negation"] = _words(p, "negation_words", r, required=False)
        threshold = p.get("threshold", 2)
        if not isinstance(threshold, int | float) or threshold <= 0:
            raise RuleConfigError("threshold must be > 0", rule=r, field="threshold")
        c.options = float(threshold)
    elif t == "pii":
        c.lists["tokens"] = _words(p, "tokens", r, required=False) or sorted(normalize(x) for x in PII_TOKENS)
        c.lists["secret"] = _words(p, "secret_words", r, required=False)
        c.lists["request"] = _words(p, "request_words", r, required=bool(c.lists["secret"]))
        c.lists["warning"] = _words(p, "warning_words", r, required=False)
        c.lists["shop"] = _words(p, "shop_words", r, required=False)
        c.lists["shopper"] = _words(p, "shopper_words", r, required=False)
        if p.get("number_pattern"):
            c.regex = _regex(p["number_pattern"], r, "number_pattern")
        c.options = _int(p, "shop_window", 12, r)
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
        c.options = (op, tuple(children), p.get("anchor") == "last")
    if "negators" in c.lists or "negation" in c.lists:
        c.negators = _Negators(c.lists.get("negators") or c.lists.get("negation") or [])
    return c


_SIMILAR_TYPES = ("keyword", "sentiment", "handover", "context")


def _similar(raw: Any, rule: str) -> tuple[tuple[str, ...], tuple[str, ...], float]:
    """The `similar` parameter: {"examples": [...], "unlike": [...], "threshold": 0.55}."""
    if not isinstance(raw, dict):
        raise RuleConfigError("similar must be an object with examples and a threshold", rule=rule, field="similar")
    out = []
    for key in ("examples", "unlike"):
        texts = raw.get(key, [])
        if not isinstance(texts, list) or not all(isinstance(x, str) for x in texts):
            raise RuleConfigError(f"similar.{key} must be a list of sentences", rule=rule, field="similar")
        out.append(tuple(dict.fromkeys(normalize(x) for x in texts if normalize(x))))
    if not out[0]:
        raise RuleConfigError("similar.examples is empty", rule=rule, field="similar")
    threshold = raw.get("threshold", 0.6)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 < threshold <= 1:
        raise RuleConfigError("similar.threshold must be in (0, 1]", rule=rule, field="similar")
    return out[0], out[1], float(threshold)


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
        self.caps = {i.code: (i.weight, i.critical) for i in spec.items}  # item -> (weight, critical)
        self.compiled: list[_Compiled] = [_compile_rule(r) for r in rules]
        self.by_code = {c.spec.code: c for c in self.compiled}
        # the similarity operator: every rule's examples in one index, encoded once
        self.similarity = SimilarityIndex(DEFAULT_ENCODER)
        for c in self.compiled:
            if c.similar is not None:
                c.similar_keys = (self.similarity.add(list(c.similar[0])), self.similarity.add(list(c.similar[1])))
        self.similarity.freeze(min((c.similar[2] for c in self.compiled if c.similar is not None), default=0.0))
        self.similar_roles = frozenset(role for c in self.compiled if c.similar is not None for role in c.reads)
        read = {
            child
            for c in self.compiled
            if c.spec.type == "combination" and c.spec.params["op"] != "not"
            for child in c.spec.params["rules"]
        }
        for c in self.compiled:  # an info rule shows no hit: unless an and/or copies them, one will do
            c.shown = c.spec.severity != "info"
            c.need_hits = c.shown or c.spec.code in read
        # ONE automaton: word -> tuple of list ids "rule\x00list"
        owners: dict[str, list[int]] = {}
        self.list_ids: dict[tuple[str, str], int] = {}
        literal: set[int] = set()  # lists whose words count even inside a Latin/digit run
        for c in self.compiled:
            for name, words in c.lists.items():
                lid = self.list_ids.setdefault((c.spec.code, name), len(self.list_ids))
                if c.spec.type == "regex" or name in ("exclude", "degree"):
                    literal.add(lid)
                for w in words:
                    owners.setdefault(w, []).append(lid)
        # pattern i of the automaton -> its one list id (the usual case), or (its list ids, whether
        # a Latin letter or digit at either end makes it a candidate for the glued-run check, the
        # list ids that take it even when glued: a regex's literal factors, exclusion phrases and
        # degree words, looked up as plain text)
        words = list(owners)
        self.payload: list[int | tuple] = []
        for w in words:
            lids, latin = owners[w], _ascii_alnum(w[0]) or _ascii_alnum(w[-1])
            if len(lids) == 1 and not latin:
                self.payload.append(lids[0])
            else:
                self.payload.append((tuple(lids), latin, tuple(lid for lid in lids if lid in literal)))
        self.has_words = bool(words)
        # a DFA is the fastest automaton; past ~20k words its size is not worth it
        kind = ahocorasick_rs.Implementation.DFA if len(words) <= 20_000 else None
        self.automaton = ahocorasick_rs.AhoCorasick(words, implementation=kind) if words else None
        self.lexicon_size = len(words)
        self.changes = _changes()
        self.order = self._order()
        # a rule whose trigger lists found nothing cannot fire: skip it without a call
        gates = {
            "keyword": ("words",),
            "context": ("trigger",),
            "handover": ("trigger",),
            "mandatory": ("trigger",),
            "sentiment": ("words",),
            "pii": ("tokens", "secret"),
            "regex": ("factors",),
        }
        self.plan = [
            (
                c,
                frozenset(
                    self.list_ids[(c.spec.code, g)]
                    for g in gates.get(c.spec.type, ())
                    if (c.spec.code, g) in self.list_ids
                )
                or None,
            )
            for c in self.order
        ]
        # a rule with similar examples can fire without any of its words: never skipped
        # (and a PII rule with a number pattern reads every message of its roles)
        self.plan = [
            (c, None if c.similar is not None or (c.spec.type == "pii" and c.regex is not None) else gate)
            for c, gate in self.plan
        ]
        self._plans: dict[tuple[str, bool], list] = {}
        # per rule: (counts as critical, item code, score change)
        self.meta = {
            c.spec.code: (
                c.spec.severity == "critical"
                or (c.spec.item in self.items and self.items[c.spec.item].critical and c.spec.score_change < 0),
                c.spec.item,
                c.spec.score_change,
            )
            for c in self.compiled
        }

    def plan_for(self, platform: str, bot_only: bool) -> list:
        """The rules that apply to a conversation of this platform (bot-only or not), in order, as
        (handler, compiled rule, gate): the gate is the set of list ids of which one must have a
        hit for the rule to be able to fire (None: always run)."""
        key = (platform, bot_only)
        plan = self._plans.get(key)
        if plan is None:
            plan = [
                (_handler(c), c, gate)
                for c, gate in self.plan
                if not (c.spec.platforms and platform not in c.spec.platforms)
                and not (bot_only and not (c.spec.bot_applicable or c.spec.role == "buyer"))
            ]
            self._plans[key] = plan
        return plan

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
    __slots__ = (
        "conv",
        "norms",
        "lhits",
        "offsets",
        "same_length",
        "roles",
        "agent_idx",
        "sc",
        "_rounds",
        "sims",
    )

    def __init__(self, sc: CompiledScorecard, conv: ConversationIn, roles: list[str] | None = None):
        self.sc = sc
        self.conv = conv
        msgs = conv.messages
        self.roles = roles = [m.role for m in msgs] if roles is None else roles
        # images and order/product cards carry no words; system notices do (转接, 非工作时间).
        # Each message as normalize() does it, inlined: this runs for every message QA reads.
        changes = sc.changes
        touched, astral, bmp, table = changes.touched.search, changes.astral.search, changes.bmp, _TABLE
        self.norms = norms = [
            ("" if m.msg_type not in _WORDED else c if touched(c) is None else c.translate(table if astral(c) else bmp))
            for m in msgs
            for c in (m.content,)
        ]
        self.agent_idx = [i for i, role in enumerate(roles) if role == "agent"]
        self._rounds: list[timing.Round] | None = None  # the human side's rounds, on first use
        # (message, its best example per group) for the messages close to an example, on first use
        self.sims: list[tuple[int, dict[int, tuple[float, str]]]] | None = None
        self.offsets: dict[int, list[int] | range] = {}
        self.same_length: set[int] = set()  # messages whose normalisation maps one character to one
        # hits per list id: list of (message index, start, end) in normalised message coordinates;
        # a list id is a key only once it has a hit (read with .get, never [])
        self.lhits: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        if sc.has_words:
            # the whole conversation, messages joined by NUL (no word or normalised text holds one)
            text = "\x00".join(norms)
            matches = sc.automaton.find_matches_as_indexes(text, overlapping=True)
            if not matches:
                return
            lhits, payload = self.lhits, sc.payload
            for pid, s, e in matches:  # by end, the longest first where several end together
                lids = payload[pid]
                if lids.__class__ is int:  # one list, no Latin end
                    # the message: separators before the match; its start: after the last of them
                    base = text.rfind("\x00", 0, s) + 1
                    lhits[lids].append((text.count("\x00", 0, s), s - base, e - base))
                    continue
                lids, latin, literal = lids
                if latin and _inside_ascii_run(text, s, e):
                    if not literal:
                        continue  # 315 inside order number 3156, sb inside usb
                    lids = literal  # a regex's literal factor counts wherever it stands
                base = text.rfind("\x00", 0, s) + 1
                rec = (text.count("\x00", 0, s), s - base, e - base)
                for lid in lids:
                    lhits[lid].append(rec)

    def similar(self, c: _Compiled) -> list[tuple[int, float, str]]:
        """The messages the rule reads that mean what its examples mean: (message, score, example)
        where the best example scores ≥ the threshold and above the best near miss."""
        sims = self.sims
        if sims is None:  # once per conversation: the messages close to any example
            best, wanted, roles = self.sc.similarity.best_for, self.sc.similar_roles, self.roles
            sims = self.sims = [
                (i, found)
                for i, text in enumerate(self.norms)
                if text and roles[i] in wanted
                for found in (best(text),)
                if found
            ]
        if not sims:
            return []
        like, unlike = c.similar_keys
        threshold = c.similar[2]
        reads, roles = c.reads, self.roles
        out = []
        for mi, best in sims:
            found = best.get(like)
            if found is None or found[0] < threshold or roles[mi] not in reads:
                continue
            miss = best.get(unlike)
            if miss is not None and miss[0] >= found[0]:
                continue
            out.append((mi, found[0], found[1]))
        return out

    def similar_hit(self, spec: RuleSpec, mi: int, score: float, example: str) -> Hit:
        text = self.conv.messages[mi].content
        return _hit((spec.code, mi, 0, len(text), text[:120], spec.severity, f"≈「{example}」{score:.2f}"))

    def hits_of(self, rule: str, name: str) -> list[tuple[int, int, int]]:
        lid = self.sc.list_ids.get((rule, name))
        return self.lhits.get(lid, []) if lid is not None else []

    def make_hit(
        self, spec: RuleSpec, mi: int | None, s: int | None = None, e: int | None = None, note: str = ""
    ) -> Hit:
        if mi is None:
            return _hit((spec.code, None, None, None, "", spec.severity, ""))
        original = self.conv.messages[mi].content
        if s is None or e is None:
            excerpt = original[:80]
            return _hit((spec.code, mi, None, None, excerpt, spec.severity, note))
        if self.norms[mi] is original or mi in self.same_length:
            one_for_one = True
        elif mi in self.offsets:
            one_for_one = False
        elif self.sc.changes.reshaped.search(original) is None:
            one_for_one = True
            self.same_length.add(mi)
        else:
            one_for_one = False
            self.offsets[mi] = normalize_with_offsets(original)[1]
        if one_for_one and s < e:
            os_, oe = s, e  # one character for one: the span is the same in the original
        else:
            offsets = self.offsets.get(mi)
            os_, oe = original_span(range(len(original)) if offsets is None else offsets, s, e)
        lo, hi, n = os_ - 20, oe + 20, len(original)
        if lo <= 0 and hi >= n:
            excerpt = original  # the whole message: the usual case for a chat line
        else:
            excerpt = ("…" if lo > 0 else "") + original[max(lo, 0) : hi] + ("…" if hi < n else "")
        return _hit((spec.code, mi, os_, oe, excerpt, spec.severity, note))


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
_OPENING_QUOTE = re.compile("[“「『‘]")


class _Negators:
    """A list of negators ready for `_preceded_by`: its one-character words, and one search for the
    longer ones."""

    __slots__ = ("chars", "longer")

    def __init__(self, words: list[str]):
        self.chars = frozenset(w for w in words if len(w) == 1)
        longer = sorted((w for w in words if len(w) > 1), key=len, reverse=True)
        self.longer = re.compile("|".join(map(re.escape, longer))).search if longer else None

    def __bool__(self) -> bool:
        return bool(self.chars) or self.longer is not None


_BOUNDARY_CHARS = frozenset(",!?;:。")
_CLAUSE_TAIL = re.compile(r"[^,!?;:。]*\Z")


def _preceded_by(text: str, start: int, negators: _Negators, window: int = 4) -> bool:
    before = text[start - window if start > window else 0 : start]
    if not before:
        return False
    # a negator does not reach across a clause boundary: 质量不错的，保证正品 still promises
    if not _BOUNDARY_CHARS.isdisjoint(before):
        before = _CLAUSE_TAIL.search(before).group()
    if "不" in before:  # 能不能 / 是不是 / 可不可以 ask, they do not negate: 能不能把差评删了
        before = _A_NOT_A.sub("", before)
    # a one-character negator (不) must stand right before the word or one character off (不太):
    # in 不起球不褪色绝对的 the 不 belongs to 褪色, and 绝对 is still a promise
    if negators.chars and not negators.chars.isdisjoint(before[-2:]):
        return True
    return negators.longer is not None and negators.longer(before) is not None


def _quoted(text: str, start: int, end: int) -> bool:
    """The span sits inside a pair of quotation marks of one message: a mention, not a use."""
    if _OPENING_QUOTE.search(text, 0, start) is None:
        return False  # the usual case: no quotation mark opens before the span
    for left, right in _QUOTES:
        opened = text.rfind(left, 0, start)
        if opened != -1 and text.find(right, opened + 1, start) == -1 and text.find(right, end) != -1:
            return True
    return False


def _covered(phrases: list[tuple[int, int, int]], mi: int, start: int, end: int) -> bool:
    """One of the (message, start, end) occurrences of exclusion phrases covers the span."""
    for pm, ps, pe in phrases:
        if pm == mi and ps <= start and pe >= end:
            return True
    return False


def _rule_keyword(ctx: _Ctx, c: _Compiled, _fired: dict | None = None) -> list[Hit]:
    spec = c.spec
    raw = ctx.hits_of(spec.code, "words")
    similar = ctx.similar(c) if c.similar is not None else ()
    if not raw and not similar:
        return []
    mode, turns, skip_quoted, window, need, by_message = c.options
    negators, exclude = c.negators, c.lists["exclude"]
    role, roles, norms, reads = spec.role, ctx.roles, ctx.norms, c.reads
    allowed: set[int] | None = None
    if turns:
        role_idx = ctx.agent_idx if role == "agent" else [i for i, r in enumerate(roles) if r == role]
        allowed = set(role_idx[: turns["first"]]) if "first" in turns else set(role_idx[-turns["last"] :])
    excused = {mi for mi, _s, _e in ctx.hits_of(spec.code, "excused_by")} if c.lists["excused_by"] else ()
    excluded = ctx.hits_of(spec.code, "exclude") if exclude else ()
    found, dropped = [], []
    for mi, s, e in raw:
        if roles[mi] not in reads or (allowed is not None and mi not in allowed) or mi in excused:
            continue
        text = norms[mi]
        if negators and _preceded_by(text, s, negators, window):
            dropped.append((mi, s, e + 1))  # a negation also takes the word chained right after
            continue
        if (excluded and _covered(excluded, mi, s, e)) or (skip_quoted and _quoted(text, s, e)):
            dropped.append((mi, s, e))
            continue
        found.append((mi, s, e))
    if dropped and found:
        found = _not_covered(found, dropped)
    if similar:  # a message that means what the examples mean, in whatever words (mode any)
        worded = {mi for mi, _s, _e in found}
        extra = [
            ctx.similar_hit(spec, mi, score, example)
            for mi, score, example in similar
            if mi not in worded and mi not in excused and (allowed is None or mi in allowed)
        ]
        if extra:
            words = [ctx.make_hit(spec, mi, s, e) for mi, s, e in _longest_first(found)] if found else []
            return sorted(words + extra, key=lambda h: (h.message_index, h.start or 0))
    if not found:
        return []
    if mode == "any" and not c.need_hits:
        return [_hit((spec.code, found[0][0], None, None, "", spec.severity, ""))]
    found = _longest_first(found)
    if mode == "any":
        return [ctx.make_hit(spec, mi, s, e) for mi, s, e in found]
    groups: dict[Any, list[tuple[int, int, int]]] = {}
    for rec in found:
        groups.setdefault(rec[0] if by_message else 0, []).append(rec)
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
    for prev, cur in zip(recs, recs[1:], strict=False):
        if cur[0] < prev[0] or (cur[0] == prev[0] and cur[1] < prev[2]):
            break  # out of order or overlapping: sort and merge
    else:
        return recs  # in message and position order, none overlapping: already the answer
    kept: list[tuple[int, int, int]] = []
    for mi, s, e in sorted(recs, key=lambda r: (r[0], r[1], -(r[2] - r[1]))):
        if kept and kept[-1][0] == mi and s < kept[-1][2]:
            if e > kept[-1][2]:
                kept[-1] = (mi, kept[-1][1], e)
            continue
        kept.append((mi, s, e))
    return kept


def _rule_regex(ctx: _Ctx, c: _Compiled, _fired: dict | None = None) -> list[Hit]:
    spec = c.spec
    hits = []
    norms = ctx.norms
    if "factors" in c.lists:  # only the messages holding one of the pattern's literal factors
        candidates = sorted({mi for mi, _s, _e in ctx.hits_of(spec.code, "factors")})
    else:
        candidates = ctx.agent_idx if c.reads == {"agent"} else range(len(norms))
    for mi in candidates:
        text = norms[mi]
        if not text or ctx.roles[mi] not in c.reads:
            continue
        m = c.regex.search(text)
        if m is None:
            continue
        if c.exclude is not None and c.exclude.search(text):
            continue
        hits.append(ctx.make_hit(spec, mi, m.start(), m.end()))
    return hits


# Timing rules. The human side, its rounds and their waits are apps.conversations.timing's (the
# same function computes the Conversation fields the KPIs, the SLA and the reports read), so a rule's
# hit count equals the KPI it mirrors. One hit per conversation, at the message that shows the miss.


def _rounds(ctx: _Ctx) -> list[timing.Round]:
    rounds = ctx._rounds
    if rounds is None:
        msgs = ctx.conv.messages
        # the messages' own roles: in a bot-only chat the bot is not a human side (no rounds)
        rounds = ctx._rounds = timing.human_rounds(
            [m.sent_at for m in msgs], [m.role for m in msgs], [m.content for m in msgs]
        )
    return rounds


def _anchor(r: timing.Round) -> int:
    return r.opened if r.answer is None else r.answer


def _first_response(ctx: _Ctx, c: _Compiled, _fired: dict | None = None) -> list[Hit]:
    """The first round answered more than threshold_s after it opened (an unanswered first round
    is last_unanswered's and three_minute_rate's, not this rule's)."""
    rounds = _rounds(ctx)
    if rounds and rounds[0].answer is not None and rounds[0].wait > c.threshold:
        return [ctx.make_hit(c.spec, rounds[0].answer)]
    return []


def _buyer_wait(ctx: _Ctx, c: _Compiled, _fired: dict | None = None) -> list[Hit]:
    """A round waited threshold_s or more (unanswered: until the conversation's last message); the
    hit is at the first such round."""
    threshold = c.threshold
    for r in _rounds(ctx):
        if r.wait >= threshold:
            return [ctx.make_hit(c.spec, _anchor(r))]
    return []


def _round_response(ctx: _Ctx, c: _Compiled, _fired: dict | None = None) -> list[Hit]:
    """The mean wait of the answered rounds is above threshold_s."""
    answered = [r for r in _rounds(ctx) if r.answer is not None]
    if answered and sum(r.wait for r in answered) / len(answered) > c.threshold:
        return [ctx.make_hit(c.spec, answered[0].answer)]
    return []


def _three_minute_rate(ctx: _Ctx, c: _Compiled, _fired: dict | None = None) -> list[Hit]:
    """Rounds opened 08:00–24:00 Asia/Shanghai (sent_at is POSIX seconds) answered more than
    threshold_s after they opened, or never, are misses; fires when there is a miss and the share
    answered in time is below min_rate (1: any miss)."""
    in_hours = [r for r in _rounds(ctx) if r.in_service_hours]
    missed = [r for r in in_hours if r.answer is None or r.wait > c.threshold]
    if missed and (len(in_hours) - len(missed)) / len(in_hours) < c.min_rate:
        return [ctx.make_hit(c.spec, _anchor(missed[0]))]
    return []


def _last_unanswered(ctx: _Ctx, c: _Compiled, _fired: dict | None = None) -> list[Hit]:
    """The buyer's last message that needs an answer has no agent message after it: the last round
    is still open. Courtesy (好的, 嗯嗯 谢谢, 👍) needs no answer (timing.needs_answer)."""
    rounds = _rounds(ctx)
    if not rounds or rounds[-1].answer is not None:
        return []
    msgs, last = ctx.conv.messages, rounds[-1].opened
    for i in range(len(msgs) - 1, last, -1):
        if msgs[i].role == "buyer" and timing.needs_answer(msgs[i].content):
            last = i
            break
    return [ctx.make_hit(c.spec, last)]


def _rule_context(ctx: _Ctx, c: _Compiled, _fired: dict | None = None) -> list[Hit]:
    spec, p = c.spec, c.spec.params
    negators = c.negators
    excluded = ctx.hits_of(spec.code, "exclude")
    triggers = [
        (mi, s, e)
        for mi, s, e in ctx.hits_of(spec.code, "trigger")
        if ctx.roles[mi] == "buyer"
        and not (negators and _preceded_by(ctx.norms[mi], s, negators))
        and not (excluded and _covered(excluded, mi, s, e))
    ]
    if c.similar is not None:  # the trigger in other words
        triggers.extend((mi, 0, len(ctx.norms[mi])) for mi, _score, _ex in ctx.similar(c))
        triggers.sort()
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
        if responses.isdisjoint(later):
            hits.append(ctx.make_hit(spec, mi, s, e))
    return hits


def _rule_repetition(ctx: _Ctx, c: _Compiled, _fired: dict | None = None) -> list[Hit]:
    """The same reply k times within `window` consecutive replies of the role: one hit per text, at
    the reply that completes its first such window, in reply order. Replies are the same when their
    repetition keys are equal: the normalised text without punctuation, emoji and symbols, and
    without trailing particles (哦 呢 啊 呀 ~), so 亲，请耐心等待哦 / 亲,请耐心等待哦! / 亲请耐心等待哦~
    are one reply three times; a key shorter than min_length characters does not count."""
    spec = c.spec
    k, window, min_len = c.repeat
    norms = ctx.norms
    idx = ctx.agent_idx if spec.role == "agent" else [i for i, r in enumerate(ctx.roles) if r == spec.role]
    if len(idx) < k:
        return []
    texts = [_repetition_key(norms[i], c.options) for i in idx]
    distinct = set(texts)
    if len(distinct) > len(texts) - (k - 1):
        return []  # no text is there k times
    often = [t for t in distinct if len(t) >= min_len and texts.count(t) >= k]
    if not often:
        return []
    found = []
    for t in often:
        at = [j for j, x in enumerate(texts) if x == t]
        for m in range(len(at) - k + 1):
            if at[m + k - 1] - at[m] < window:  # k copies within `window` replies
                found.append(at[m + k - 1])
                break
    found.sort()
    return [ctx.make_hit(spec, idx[j], 0, len(norms[idx[j]])) for j in found]


def _repetition_key(text: str, particles: str) -> str:
    """A reply as repetition compares it: no punctuation, emoji or symbols, no trailing particles."""
    return strip_punctuation_and_symbols(text).rstrip(particles)


def _rule_handover(ctx: _Ctx, c: _Compiled, _fired: dict | None = None) -> list[Hit]:
    """A buyer's request for a human (a trigger word not negated — 不用转人工 — nor inside an
    exclusion — 人工费 —, or a message close to an example) that no transfer notice follows; with
    `human_reply_answers`, a human agent's message after the request answers it too
    (docs/qa_rule_meanings.md: no transfer notice and no human message after the request)."""
    spec = c.spec
    norms = ctx.norms
    excluded = ctx.hits_of(spec.code, "exclude")
    triggers = [
        rec
        for rec in ctx.hits_of(spec.code, "trigger")
        if ctx.roles[rec[0]] == "buyer"
        and not (c.negators and _preceded_by(norms[rec[0]], rec[1], c.negators))
        and not (excluded and _covered(excluded, *rec))
    ]
    notes: dict[int, str] = {}
    if c.similar is not None:  # asked for a human in other words
        worded = {mi for mi, _s, _e in triggers}
        for mi, score, example in ctx.similar(c):
            if mi not in worded:
                triggers.append((mi, 0, len(ctx.norms[mi])))
                notes[mi] = f"≈「{example}」{score:.2f}"
        triggers.sort()
    if not triggers:
        return []
    transfers = sorted({mi for mi, _s, _e in ctx.hits_of(spec.code, "transfer") if ctx.roles[mi] != "buyer"})
    hits = []
    first_agent = None
    if ctx.conv.transferred_to_human:  # the first human agent's message (in a bot-only one, none)
        first_agent = next((i for i, m in enumerate(ctx.conv.messages) if m.role == "agent"), None)
    last_human = None
    if c.options:  # the last human agent message (the messages' own roles: a bot is not one)
        last_human = next((i for i in range(len(norms) - 1, -1, -1) if ctx.conv.messages[i].role == "agent"), None)
    for mi, s, e in triggers:
        if first_agent is not None and first_agent > mi:
            continue
        if transfers and transfers[-1] > mi:  # sorted: the last is the latest
            continue
        if last_human is not None and last_human > mi:
            continue
        if mi in notes:
            hits.append(ctx.similar_hit(spec, mi, 0.0, "")._replace(note=notes[mi]))
        else:
            hits.append(ctx.make_hit(spec, mi, s, e))
        break
    return hits


def _rule_mandatory(ctx: _Ctx, c: _Compiled, _fired: dict | None = None) -> list[Hit]:
    """A trigger (said by one of `trigger_roles`, default the rule's role, not negated) and no
    required word said by the rule's role: at or after the first trigger, or, with
    `required_anywhere`, anywhere in the chat (refund_no_arrival_time: the agent never states when
    the money arrives). A trigger in a message holding an `excused_by` word does not count (a buyer
    reporting a scammer who promised a refund)."""
    spec = c.spec
    negators = c.negators
    trigger_roles, anywhere = c.options
    excused = {mi for mi, _s, _e in ctx.hits_of(spec.code, "excused_by")}
    triggers = [
        rec
        for rec in ctx.hits_of(spec.code, "trigger")
        if ctx.roles[rec[0]] in trigger_roles
        and rec[0] not in excused
        and not _preceded_by(ctx.norms[rec[0]], rec[1], negators)
    ]
    if not triggers:
        return []
    required = [mi for mi, _s, _e in ctx.hits_of(spec.code, "required") if ctx.roles[mi] == spec.role]
    first = triggers[0]
    if required and (anywhere or max(required) >= first[0]):
        return []
    return [ctx.make_hit(spec, first[0], first[1], first[2])]


def _rule_sentiment(ctx: _Ctx, c: _Compiled, _fired: dict | None = None) -> list[Hit]:
    """Per message of the role: the sum of its sentiment words' weights, each multiplied by the
    strongest degree word (非常, 太) in the three characters before it and dropped when a negation
    word stands right before it; a message at or over the threshold is a hit at its heaviest word."""
    spec = c.spec
    raw = ctx.hits_of(spec.code, "words")
    similar = ctx.similar(c) if c.similar is not None else ()
    if not raw and not similar:
        return []
    hits = _sentiment_words(ctx, c, raw) if raw else []
    if similar:
        worded = {h.message_index for h in hits}
        hits.extend(ctx.similar_hit(spec, mi, score, ex) for mi, score, ex in similar if mi not in worded)
        hits.sort(key=lambda h: h.message_index)
    return hits


def _sentiment_words(ctx: _Ctx, c: _Compiled, raw: list[tuple[int, int, int]]) -> list[Hit]:
    spec = c.spec
    threshold = c.options
    negation, degree, weights, role, roles, norms = c.negators, c.degree, c.weights, spec.role, ctx.roles, ctx.norms
    degrees = [d for d in ctx.hits_of(spec.code, "degree") if roles[d[0]] == role]
    per_msg: dict[int, list[tuple[float, int, int]]] = {}
    for mi, s, e in raw:
        if roles[mi] != role:
            continue
        text = norms[mi]
        if negation and _preceded_by(text, s, negation, 2):
            continue
        weight = weights.get(text[s:e], 1.0)
        if degrees:
            lo = s - 3 if s > 3 else 0
            strongest = None
            for dm, ds, de in degrees:
                if dm == mi and ds >= lo and de <= s:
                    value = degree[text[ds:de]]
                    if strongest is None or value > strongest:
                        strongest = value
            if strongest is not None:
                weight *= strongest
        recs = per_msg.get(mi)
        if recs is None:
            per_msg[mi] = [(weight, s, e)]
        else:
            recs.append((weight, s, e))
    hits = []
    for mi, recs in per_msg.items():
        if len(recs) == 1:
            if recs[0][0] >= threshold:
                hits.append(ctx.make_hit(spec, mi, recs[0][1], recs[0][2]))
        elif sum([r[0] for r in recs]) >= threshold:
            best = max(recs)
            hits.append(ctx.make_hit(spec, mi, best[1], best[2]))
    return hits


def _rule_pii(ctx: _Ctx, c: _Compiled, _fired: dict | None = None) -> list[Hit]:
    """A masked secret ([手机号] …), or a match of `number_pattern` (its last group is the secret: a
    card or ID number written out that masking did not recognise), in a message the rule reads,
    unless it is the shop's own data: a
    shop word (退货地址, 客服热线, 订单号, 运单号 …) stands within `shop_window` characters before it
    in the same message with no shopper word (您的, 你的 …) between them. Or a secret word
    (验证码, 密码) with a request word in the same message whose clause holds no warning."""
    spec = c.spec
    hits = []
    reads, roles = c.reads, ctx.roles
    tokens = [rec for rec in ctx.hits_of(spec.code, "tokens") if roles[rec[0]] in reads]
    if c.regex is not None:  # a secret the masking left as it was (an ID with a wrong check digit)
        norms = ctx.norms
        for mi in ctx.agent_idx if reads == {"agent"} else range(len(norms)):
            if roles[mi] in reads and norms[mi]:
                m = c.regex.search(norms[mi])
                if m is not None:
                    tokens.append((mi, m.start(m.lastindex or 0), m.end()))
    if tokens:
        shop = ctx.hits_of(spec.code, "shop")
        shopper = ctx.hits_of(spec.code, "shopper") if shop else ()
        window = c.options
        for mi, s, e in tokens:
            near = [ss for sm, ss, se in shop if sm == mi and se <= s and s - se <= window]
            if near and not any(pm == mi and max(near) <= ps < s for pm, ps, _pe in shopper):
                continue  # the shop's return address, hotline, an order or waybill number
            hits.append(ctx.make_hit(spec, mi, s, e))
    secrets = [rec for rec in ctx.hits_of(spec.code, "secret") if roles[rec[0]] in reads]
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


_TIMING = {
    "first_response": _first_response,
    "round_response": _round_response,
    "three_minute_rate": _three_minute_rate,
    "buyer_wait": _buyer_wait,
    "last_unanswered": _last_unanswered,
}
_HANDLERS = {
    "keyword": _rule_keyword,
    "regex": _rule_regex,
    "context": _rule_context,
    "repetition": _rule_repetition,
    "handover": _rule_handover,
    "mandatory": _rule_mandatory,
    "sentiment": _rule_sentiment,
    "pii": _rule_pii,
}


def _handler(c: _Compiled):
    if c.spec.type == "combination":
        return _combine
    if c.spec.type == "timing":
        return _TIMING[c.metric]
    return _HANDLERS[c.spec.type]


def _unscorable_reason(conv: ConversationIn, roles: list[str] | None = None) -> tuple[str, str] | None:
    if roles is None:
        roles = [m.role for m in conv.messages]
    if "agent" in roles:  # the usual case first
        return None if conv.has_agent else (STATUS_UNSCORABLE, "agent messages without a known agent")
    if not roles:
        return STATUS_UNSCORABLE, "no messages"
    if not any(r in _SPEAKERS for r in roles):
        return STATUS_UNSCORABLE, "no buyer, agent or bot message (system notices only)"
    if conv.handled_by == "bot" or ("bot" in roles and not conv.transferred_to_human):
        return STATUS_NOT_APPLICABLE, "bot-only conversation: no human agent to score (bot-applicable rules ran)"
    return STATUS_UNSCORABLE, "human-handled conversation without any agent message"


def _score(sc: CompiledScorecard, conv: ConversationIn) -> ScoreResult:
    roles = [m.role for m in conv.messages]
    verdict = _unscorable_reason(conv, roles)
    if verdict is not None and verdict[0] == STATUS_UNSCORABLE:
        return ScoreResult(conv.key, verdict[0], verdict[1], None, None)
    bot_only = verdict is not None
    if bot_only:  # the bot serves: the agent-role rules that apply to a bot read its messages
        roles = ["agent" if r == "bot" else r for r in roles]
    ctx = _Ctx(sc, conv, roles)
    fired: dict[str, list[Hit]] = {}
    shown: list[Hit] = []  # hits of every rule but info rules, in rule order
    found = ctx.lhits.keys()
    for handler, c, gate in sc.plan_for(conv.platform, bot_only):
        if gate is not None and found.isdisjoint(gate):
            continue  # none of its trigger words is in the conversation
        hits = handler(ctx, c, fired)
        if hits:
            fired[c.spec.code] = hits
            if c.shown:
                shown.extend(hits)
    visible = tuple(shown)
    if bot_only:
        return tuple.__new__(
            ScoreResult, (conv.key, STATUS_NOT_APPLICABLE, verdict[1], None, None, visible, False, frozenset(fired))
        )
    return _total(sc, conv, fired, visible)


def _combine(ctx: _Ctx, c: _Compiled, fired: dict[str, list[Hit]]) -> list[Hit]:
    op, children, last = c.options
    spec = c.spec
    if op == "not":
        if children[0] in fired:
            return []
        anchor = None
        if ctx.agent_idx:
            anchor = ctx.agent_idx[-1] if last else ctx.agent_idx[0]
        return [ctx.make_hit(spec, anchor)]
    present = [x in fired for x in children]
    if (op == "and" and all(present)) or (op == "or" and any(present)):
        out = []
        for x in children:
            for h in fired.get(x, []):
                out.append(_hit((spec.code, h.message_index, h.start, h.end, h.excerpt, spec.severity, h.note)))
        return out
    return []


def _total(sc: CompiledScorecard, conv: ConversationIn, fired: dict[str, list[Hit]], visible) -> ScoreResult:
    deductions: dict[str, int] = {}
    bonuses: dict[str, int] = {}
    critical = False
    meta = sc.meta
    for code in fired:
        crit, item_code, change = meta[code]
        if crit:
            critical = True
        if change < 0:
            deductions[item_code] = deductions.get(item_code, 0) - change
        elif change > 0:
            bonuses[item_code] = bonuses.get(item_code, 0) + change
    total = 100
    caps = sc.caps
    for item_code, amount in deductions.items():
        cap = caps.get(item_code)
        total -= amount if cap is None or cap[1] else min(amount, cap[0])
    for item_code, amount in bonuses.items():
        cap = caps.get(item_code)
        total += amount if cap is None else min(amount, cap[0])
    score = 0 if critical else max(0, min(100, total))
    passed = not critical and score >= sc.spec.pass_mark
    return tuple.__new__(ScoreResult, (conv.key, STATUS_SCORED, "", score, passed, visible, critical, frozenset(fired)))


def score_many(sc: CompiledScorecard, conversations: Sequence[ConversationIn]) -> list[ScoreResult]:
    return [_score(sc, conv) for conv in conversations]


def score_from_fired(sc: CompiledScorecard, fired: Iterable[str]) -> tuple[int, bool, bool]:
    """(score, passed, critical) for a set of rule codes that fired (used when a dispute voids some)."""
    codes = {code: [] for code in fired if code in sc.by_code}
    result = _total(sc, ConversationIn(key=None, platform="", messages=()), codes, ())
    return int(result.score or 0), bool(result.passed), result.critical
