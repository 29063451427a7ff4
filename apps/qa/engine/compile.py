"""Validation and compilation of one rule (its word lists, patterns, options and similar examples);
CompiledScorecard in apps.qa.engine.score puts the compiled rules into one automaton."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from apps.qa.engine.normalise import normalize
from apps.qa.engine.pinyin import variants
from apps.qa.engine.types import PII_TOKENS, ROLES, RULE_TYPES, SEVERITIES, TIMING_METRICS, RuleConfigError, RuleSpec

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
    # the learned encoder (apps.qa.classifier): (model, probability threshold) or None
    model: tuple[Any, float] | None = None
    # a keyword rule's `dismissal`: the negators of its help words (see _compile_dismissal)
    dismissal: _Negators | None = None
    contempt_of: str = ""  # the rule whose hit, with no help from the agent, is contempt in place of an answer


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
        c.model = _model(p["similar"], r)
    _COMPILERS[t](c, p, r, spec)
    if "negators" in c.lists or "negation" in c.lists:
        c.negators = _Negators(c.lists.get("negators") or c.lists.get("negation") or [])
    return c


def _compile_keyword(c: _Compiled, p: dict, r: str, spec: RuleSpec) -> None:
    """A keyword rule's lists and options. `void_in` {"words": [...], "when": [...]}: those of the
    rule's words do not count in a message that also holds a `when` word (a reward offered in a
    message about a review is a trade for the review, not a remedy; a real remedy beside it still
    counts)."""
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
    if p.get("pinyin", False) not in (True, False) or (p.get("pinyin") and mode != "any"):
        raise RuleConfigError("pinyin must be true or false, and only with mode any", rule=r, field="pinyin")
    if p.get("pinyin"):  # the words in pinyin spellings too (bao证, jue对): apps.qa.engine.pinyin
        c.lists["words"] = c.lists["words"] + variants(c.lists["words"])
    void = p.get("void_in", {})
    if not isinstance(void, dict) or set(void) - {"words", "when"}:
        raise RuleConfigError("void_in must be {'words': [...], 'when': [...]}", rule=r, field="void_in")
    if void:
        c.lists["void_words"] = _words(void, "words", r)
        c.lists["void_when"] = _words(void, "when", r)
    if "dismissal" in p:
        _compile_dismissal(c, p["dismissal"], r)
    c.options = (
        mode,
        turns or None,
        p.get("skip_quoted", False),
        p.get("negation_window", 4),
        len(c.lists["words"]) if mode == "all" else int(p.get("n", 2)),
        p.get("scope", "message") == "message",
    )


def _compile_dismissal(c: _Compiled, raw: Any, r: str) -> None:
    """A keyword rule's `dismissal` (shirking by context, docs/qa_rule_meanings.md "the decisions"):
    {"complaint": buyer words reporting a problem, "question": words that make a message a question
    rather than a report, "dismiss": agent words denying it (是正常的, 不影响, 检测合格, 和我们无关),
    "help": agent words of a remedy, a check or a fix, "help_negators": words that void a help word
    in the three characters before it (不能换), "denial": dismiss words that presume a reported problem
    (是正常的, 都是这样, 检测合格: they dismiss any buyer statement, not only one with a complaint word),
    "contempt_of": the insult rule (abuse) whose hit with no help in any agent reply is contempt in
    place of an answer}."""
    keys = {"complaint", "question", "dismiss", "help", "help_negators", "denial", "contempt_of"}
    if not isinstance(raw, dict) or set(raw) - keys:
        raise RuleConfigError(f"dismissal takes {', '.join(sorted(keys))}", rule=r, field="dismissal")
    for key in ("complaint", "dismiss", "help"):
        c.lists[key] = _words(raw, key, r)
    c.lists["question"] = _words(raw, "question", r, required=False)
    c.lists["denial"] = _words(raw, "denial", r, required=False)
    contempt = raw.get("contempt_of", "")
    if not isinstance(contempt, str):
        raise RuleConfigError("contempt_of must be a rule code", rule=r, field="dismissal")
    c.contempt_of = contempt
    c.dismissal = _Negators(_words(raw, "help_negators", r, required=False))


def _compile_regex(c: _Compiled, p: dict, r: str, spec: RuleSpec) -> None:
    """A regex rule's lists and options."""
    c.regex = _regex(p.get("pattern"), r, "pattern")
    factors = _literal_factors(c.regex)
    if factors is not None:
        c.lists["factors"] = factors
    if p.get("exclude"):
        c.exclude = _regex(p["exclude"], r, "exclude")


def _compile_timing(c: _Compiled, p: dict, r: str, spec: RuleSpec) -> None:
    """A timing rule's lists and options."""
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


def _compile_context(c: _Compiled, p: dict, r: str, spec: RuleSpec) -> None:
    """A context rule's lists and options. `trigger_rule`: the buyer messages another rule (earlier
    in the pack) fired on are the triggers, with that rule's exclusions and examples
    (risk_not_soothed counts only what escalation_risk counts); then trigger_words may be left out."""
    trigger_rule = p.get("trigger_rule", "")
    if not isinstance(trigger_rule, str):
        raise RuleConfigError("trigger_rule must be a rule code", rule=r, field="trigger_rule")
    c.lists["trigger"] = _words(p, "trigger_words", r, required=not trigger_rule)
    c.options = trigger_rule
    c.lists["response"] = _words(p, "response_words", r)
    c.lists["negators"] = _words(p, "negators", r, required=False)
    c.lists["exclude"] = _words(p, "exclude", r, required=False)
    _int(p, "within_agent_turns", 2, r, low=1)


def _compile_repetition(c: _Compiled, p: dict, r: str, spec: RuleSpec) -> None:
    """A repetition rule's lists and options."""
    k = _int(p, "min_repeats", 3, r, low=2)
    window = _int(p, "window", 5, r, low=2)
    if window < k:
        raise RuleConfigError("window must be at least min_repeats", rule=r, field="window")
    c.repeat = (k, window, _int(p, "min_length", 4, r, low=1))
    particles = p.get("particles", "哦呢啊呀~")
    if not isinstance(particles, str):
        raise RuleConfigError("particles must be a string of characters", rule=r, field="particles")
    c.options = normalize(particles) + "~"


def _compile_handover(c: _Compiled, p: dict, r: str, spec: RuleSpec) -> None:
    """A handover rule's lists and options."""
    c.lists["trigger"] = _words(p, "trigger_words", r)
    c.lists["transfer"] = _words(p, "transfer_words", r)
    c.lists["negators"] = _words(p, "negators", r, required=False)
    c.lists["exclude"] = _words(p, "exclude", r, required=False)
    if not isinstance(p.get("human_reply_answers", False), bool):
        raise RuleConfigError("human_reply_answers must be true or false", rule=r, field="human_reply_answers")
    # `bot_phase_words`: trigger words that ask for a human instead of the bot (换个人, 真人), so
    # they are a request only while no human agent has spoken yet
    bot_phase = frozenset(_words(p, "bot_phase_words", r, required=False))
    if not bot_phase <= set(c.lists["trigger"]):
        raise RuleConfigError("bot_phase_words must be trigger words", rule=r, field="bot_phase_words")
    c.options = (p.get("human_reply_answers", False), bot_phase)


def _compile_mandatory(c: _Compiled, p: dict, r: str, spec: RuleSpec) -> None:
    """A mandatory rule's lists and options. A required word does not count inside an `exclude`
    phrase (几天就到: vague), nor in a clause holding a `void_clause` "when" word and none of its
    "unless" words (审核一般24小时内完成: a review time, not the money's arrival)."""
    c.lists["trigger"] = _words(p, "trigger_words", r)
    c.lists["required"] = _words(p, "required_words", r)
    c.lists["exclude"] = _words(p, "exclude", r, required=False)
    void = p.get("void_clause", {})
    if not isinstance(void, dict) or set(void) - {"when", "unless"}:
        raise RuleConfigError("void_clause must be {'when': [...], 'unless': [...]}", rule=r, field="void_clause")
    if void:
        c.lists["void_when"] = _words(void, "when", r)
        c.lists["void_unless"] = _words(void, "unless", r, required=False)
    c.lists["negators"] = _words(p, "negators", r, required=False)
    c.lists["excused_by"] = _words(p, "excused_by", r, required=False)
    trigger_roles = p.get("trigger_roles", [spec.role])
    if not isinstance(trigger_roles, list) or not trigger_roles or set(trigger_roles) - set(ROLES):
        raise RuleConfigError("trigger_roles must list agent and/or buyer", rule=r, field="trigger_roles")
    if not isinstance(p.get("required_anywhere", False), bool):
        raise RuleConfigError("required_anywhere must be true or false", rule=r, field="required_anywhere")
    c.options = (frozenset(trigger_roles), p.get("required_anywhere", False))


def _compile_sentiment(c: _Compiled, p: dict, r: str, spec: RuleSpec) -> None:
    """A sentiment rule's lists and options."""
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
    c.lists["exclude"] = _words(p, "exclude", r, required=False)
    threshold = p.get("threshold", 2)
    if not isinstance(threshold, int | float) or threshold <= 0:
        raise RuleConfigError("threshold must be > 0", rule=r, field="threshold")
    chat_threshold = p.get("chat_threshold")
    if chat_threshold is not None and (not isinstance(chat_threshold, int | float) or chat_threshold <= 0):
        raise RuleConfigError("chat_threshold must be > 0", rule=r, field="chat_threshold")
    pushback = p.get("pushback_after", {})
    if not isinstance(pushback, dict) or not isinstance(pushback.get("rules", []), list):
        raise RuleConfigError("pushback_after must hold rules and accept lists", rule=r, field="pushback_after")
    c.options = (
        float(threshold),
        None if chat_threshold is None else float(chat_threshold),
        tuple(pushback.get("rules", ())),
        frozenset(normalize(w) for w in pushback.get("accept", ())),
        tuple(normalize(w) for w in pushback.get("agent_words", ())),
    )


def _compile_pii(c: _Compiled, p: dict, r: str, spec: RuleSpec) -> None:
    """A pii rule's lists and options."""
    c.lists["tokens"] = _words(p, "tokens", r, required=False) or sorted(normalize(x) for x in PII_TOKENS)
    c.lists["secret"] = _words(p, "secret_words", r, required=False)
    c.lists["request"] = _words(p, "request_words", r, required=bool(c.lists["secret"]))
    c.lists["warning"] = _words(p, "warning_words", r, required=False)
    c.lists["shop"] = _words(p, "shop_words", r, required=False)
    c.lists["shopper"] = _words(p, "shopper_words", r, required=False)
    if p.get("number_pattern"):
        c.regex = _regex(p["number_pattern"], r, "number_pattern")
    c.options = _int(p, "shop_window", 12, r)


def _compile_combination(c: _Compiled, p: dict, r: str, spec: RuleSpec) -> None:
    """A combination rule's lists and options."""
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


# one compiler per rule type: each checks its type's params (naming the field) and fills the
# compiled rule's lists and options
_COMPILERS = {
    "keyword": _compile_keyword,
    "regex": _compile_regex,
    "timing": _compile_timing,
    "context": _compile_context,
    "repetition": _compile_repetition,
    "handover": _compile_handover,
    "mandatory": _compile_mandatory,
    "sentiment": _compile_sentiment,
    "pii": _compile_pii,
    "combination": _compile_combination,
}


_SIMILAR_TYPES = ("keyword", "sentiment", "handover", "context", "regex")


def _model(raw: dict, rule: str) -> tuple[Any, float] | None:
    """`similar.model` (a fitted model's name in apps/qa/data/message_classifier.json) and
    `similar.model_threshold` (the probability a message needs, default 0.9)."""
    name = raw.get("model")
    if name is None:
        return None
    from apps.qa.classifier import load

    model = load(name) if isinstance(name, str) else None
    if model is None:
        raise RuleConfigError(f"similar.model: no fitted model named '{name}'", rule=rule, field="similar")
    threshold = raw.get("model_threshold", 0.9)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 < threshold < 1:
        raise RuleConfigError("similar.model_threshold must be in (0, 1)", rule=rule, field="similar")
    return model, float(threshold)


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
