"""The compiled scorecard and scoring: which rules apply to a conversation, running them, and the
score (deductions capped per item, bonuses, critical fails, pass mark)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import ahocorasick_rs

from apps.qa.engine.compile import _compile_rule, _Compiled, validate_combinations
from apps.qa.engine.context import _SPEAKERS, _ascii_alnum, _Ctx
from apps.qa.engine.normalise import _changes
from apps.qa.engine.rules import _handler
from apps.qa.engine.types import (
    STATUS_NOT_APPLICABLE,
    STATUS_SCORED,
    STATUS_UNSCORABLE,
    ConversationIn,
    Hit,
    RuleConfigError,
    ScorecardSpec,
    ScoreResult,
)
from apps.qa.similarity import DEFAULT_ENCODER, SimilarityIndex


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
        self._index_similarity()
        self._mark_shown()
        self._build_automaton()
        self.changes = _changes()
        self.order = self._order()
        self.plan = self._gated_plan()
        self._plans: dict[tuple[str, bool], list] = {}
        self.meta = self._score_meta()

    def _index_similarity(self) -> None:
        """The similarity operator: every rule's examples in one index, encoded once."""
        self.similarity = SimilarityIndex(DEFAULT_ENCODER)
        for c in self.compiled:
            if c.similar is not None:
                c.similar_keys = (self.similarity.add(list(c.similar[0])), self.similarity.add(list(c.similar[1])))
        self.similarity.freeze(min((c.similar[2] for c in self.compiled if c.similar is not None), default=0.0))
        self.similar_roles = frozenset(role for c in self.compiled if c.similar is not None for role in c.reads)

    def _mark_shown(self) -> None:
        """Which rules show their hits, and which must keep them for an and/or rule that reads them."""
        read = {
            child
            for c in self.compiled
            if c.spec.type == "combination" and c.spec.params["op"] != "not"
            for child in c.spec.params["rules"]
        }
        for c in self.compiled:  # an info rule shows no hit: unless an and/or copies them, one will do
            c.shown = c.spec.severity != "info"
            c.need_hits = c.shown or c.spec.code in read

    def _build_automaton(self) -> None:
        """ONE automaton over every rule's word lists, with each pattern's payload."""
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

    def _gated_plan(self) -> list:
        """(compiled rule, gate) in evaluation order; the gate is the list ids of which one must hit."""
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
        plan = [
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
        return [
            (
                c,
                None
                if c.similar is not None
                or c.dismissal is not None
                or (c.spec.type == "context" and c.options)
                or (c.spec.type == "pii" and c.regex is not None)
                else gate,
            )
            for c, gate in plan
        ]

    def _score_meta(self) -> dict:
        """Per rule: (counts as critical, item code, score change)."""
        return {
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
