"""What the rules read about one conversation: its normalised messages, the automaton's hits per
message, roles, rounds and similarity scores, plus the clause, negation and quotation helpers."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from apps.conversations import timing
from apps.qa.engine.compile import _Compiled, _Negators
from apps.qa.engine.normalise import _TABLE, normalize_with_offsets, original_span
from apps.qa.engine.types import ConversationIn, Hit, RuleSpec, _hit

if TYPE_CHECKING:
    from apps.qa.engine.score import CompiledScorecard

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
        where the best example scores ≥ the threshold and above the best near miss; with a model,
        also the other messages it reads whose probability reaches the model's threshold (the
        "example" is then the model's explanation, starting with 模型)."""
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
        out = []
        reads, roles = c.reads, self.roles
        if sims:
            like, unlike = c.similar_keys
            threshold = c.similar[2]
            for mi, best in sims:
                found = best.get(like)
                if found is None or found[0] < threshold or roles[mi] not in reads:
                    continue
                miss = best.get(unlike)
                if miss is not None and miss[0] >= found[0]:
                    continue
                out.append((mi, found[0], found[1]))
        if c.model is not None:
            model, cut = c.model
            matched = {mi for mi, _s, _e in out}
            norms = self.norms
            for mi, role in enumerate(roles):
                if role in reads and mi not in matched and norms[mi]:
                    p = model.probability(norms[mi])
                    if p >= cut:
                        out.append((mi, p, f"模型 {p:.2f} {model.explain(norms[mi])}".rstrip()))
            out.sort()
        return out

    def similar_hit(self, spec: RuleSpec, mi: int, score: float, example: str) -> Hit:
        text = self.conv.messages[mi].content
        note = example if example.startswith("模型 ") else f"≈「{example}」{score:.2f}"
        return _hit((spec.code, mi, 0, len(text), text[:120], spec.severity, note))

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
