"""The rule handlers, one per rule type: each reads the conversation context and a compiled rule
and returns its hits (see apps.qa.engine for the parameters of each type)."""

from __future__ import annotations

import re
from typing import Any

from apps.conversations import timing
from apps.qa.engine.compile import _Compiled
from apps.qa.engine.context import _CLAUSE_BOUNDARIES, _covered, _Ctx, _preceded_by, _quoted
from apps.qa.engine.types import Hit, _hit
from apps.qa.similarity import strip_punctuation_and_symbols


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
    void = c.lists.get("void_words")
    voided = {mi for mi, _s, _e in ctx.hits_of(spec.code, "void_when")} if void else ()
    found, dropped = [], []
    for mi, s, e in raw:
        if roles[mi] not in reads or (allowed is not None and mi not in allowed) or mi in excused:
            continue
        text = norms[mi]
        if mi in voided and text[s:e] in void:
            continue  # a reward in a message about a review: a trade, not what the rule means
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
            if mi not in worded and mi not in excused and mi not in voided and (allowed is None or mi in allowed)
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


def _rule_keyword_dismissal(ctx: _Ctx, c: _Compiled, fired: dict | None = None) -> list[Hit]:
    """A keyword rule with a `dismissal` (shirking): its words and examples, and by context an agent
    who answers the buyer's reported problem only by denying it, with no remedy, check or fix in any
    reply after the report (docs/qa_rule_meanings.md, "the decisions"). The buyer reported a problem
    when a message of theirs that is not a question holds a complaint word (then any dismiss word
    counts) or, for the denials that presume a problem (是正常的, 都是这样, 检测合格), when any message
    of theirs is a statement, not a question. An insult (`contempt_of`) with no help in any agent
    reply is contempt in place of an answer: shirking too."""
    hits = _rule_keyword(ctx, c, fired)
    if hits:
        return hits
    spec, roles, norms = c.spec, ctx.roles, ctx.norms
    buyers = [mi for mi, r in enumerate(roles) if r == "buyer"]
    if not buyers:
        return []
    insult = fired.get(c.contempt_of) if fired and c.contempt_of else None
    if insult and insult[0].message_index is not None and not _helped(ctx, c, buyers[0]):
        return [ctx.make_hit(spec, insult[0].message_index)]
    questions = {mi for mi, _s, _e in ctx.hits_of(spec.code, "question")}
    reports = [mi for mi, _s, _e in ctx.hits_of(spec.code, "complaint") if roles[mi] == "buyer" and mi not in questions]
    statements = [mi for mi in buyers if mi not in questions and "?" not in norms[mi] and "？" not in norms[mi]]
    for said, names in ((reports, ("dismiss", "denial")), (statements, ("denial",))):
        if not said or _helped(ctx, c, min(said)):
            continue
        hit = _dismissed(ctx, c, min(said), names)
        if hit is not None:
            return [hit]
    return []


def _helped(ctx: _Ctx, c: _Compiled, first: int) -> bool:
    """Whether an agent reply after message `first` offers a remedy, a check or a fix: a help word not
    negated (不能换), not part of an excluded phrase (找快递索赔, 还有其他可以帮您的吗) and not the
    subject of a blame right after it (您晾的方式不对)."""
    roles, norms, negators = ctx.roles, ctx.norms, c.dismissal
    excluded = ctx.hits_of(c.spec.code, "exclude")
    blames = {}
    for mi, s, _e in ctx.hits_of(c.spec.code, "dismiss") + ctx.hits_of(c.spec.code, "denial"):
        blames.setdefault(mi, []).append(s)
    for mi, s, e in ctx.hits_of(c.spec.code, "help"):
        if mi <= first or roles[mi] != "agent":
            continue
        if negators and _preceded_by(norms[mi], s, negators, 3):
            continue
        if (excluded and _covered(excluded, mi, s, e)) or any(e <= b <= e + 1 for b in blames.get(mi, ())):
            continue
        return True
    return False


def _dismissed(ctx: _Ctx, c: _Compiled, first: int, names: tuple[str, ...]) -> Hit | None:
    """The first agent dismissal (a word of the lists `names`) after message `first`, if any."""
    excluded = ctx.hits_of(c.spec.code, "exclude")
    found = sorted(rec for name in names for rec in ctx.hits_of(c.spec.code, name))
    for mi, s, e in found:
        if ctx.roles[mi] == "agent" and mi > first and not (excluded and _covered(excluded, mi, s, e)):
            return ctx.make_hit(c.spec, mi, s, e)
    return None


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
    if c.similar is not None:  # the pattern's meaning in other words; a refusal (exclude) still spares it
        found = {h.message_index for h in hits}
        extra = [
            ctx.similar_hit(spec, mi, score, example)
            for mi, score, example in ctx.similar(c)
            if mi not in found and not (c.exclude is not None and c.exclude.search(norms[mi]))
        ]
        if extra:
            hits = sorted(hits + extra, key=lambda h: h.message_index)
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
    if c.options:  # the messages another rule fired on (escalation_risk, its exclusions and examples)
        return _context_of_rule(ctx, c, (_fired or {}).get(c.options, ()))
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


def _context_of_rule(ctx: _Ctx, c: _Compiled, fired: list[Hit] | tuple) -> list[Hit]:
    """A context rule whose triggers are the buyer messages `trigger_rule` fired on: a hit at each
    such message none of the agent's next `within_agent_turns` messages answers with a response."""
    spec = c.spec
    n = int(spec.params.get("within_agent_turns", 2))
    responses = {mi for mi, _s, _e in ctx.hits_of(spec.code, "response") if ctx.roles[mi] == "agent"}
    hits, seen = [], set()
    for h in fired:
        mi = h.message_index
        if mi is None or mi in seen or ctx.roles[mi] != "buyer":
            continue
        seen.add(mi)
        if responses.isdisjoint([i for i in ctx.agent_idx if i > mi][:n]):
            hits.append(h._replace(rule=spec.code, severity=spec.severity))
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


_STICKER = re.compile(r"\[[^\[\]]{1,10}\]")


def _repetition_key(text: str, particles: str) -> str:
    """A reply as repetition compares it: no stickers ([抱拳], [微笑]: emoji as the exports write
    them), punctuation, emoji or symbols, no trailing particles."""
    if "[" in text:
        text = _STICKER.sub("", text)
    return strip_punctuation_and_symbols(text).rstrip(particles)


def _rule_handover(ctx: _Ctx, c: _Compiled, _fired: dict | None = None) -> list[Hit]:
    """A buyer's request for a human (a trigger word not negated — 不用转人工 — nor inside an
    exclusion — 人工费 —, or a message close to an example) that no transfer notice follows; with
    `human_reply_answers`, a human agent's message after the request answers it too
    (docs/qa_rule_meanings.md: no transfer notice and no human message after the request). A
    request the buyer later takes back (不用转人工了) no longer counts; a `bot_phase_words` trigger
    (换个人) asks for a human only before the first human agent message."""
    spec = c.spec
    norms = ctx.norms
    excluded = ctx.hits_of(spec.code, "exclude")
    human_reply_answers, bot_phase = c.options
    first_human = next((i for i, m in enumerate(ctx.conv.messages) if m.role == "agent"), len(norms))
    triggers, negated = [], set()
    for rec in ctx.hits_of(spec.code, "trigger"):
        mi, s, e = rec
        if ctx.roles[mi] != "buyer" or (excluded and _covered(excluded, *rec)):
            continue
        if c.negators and _preceded_by(norms[mi], s, c.negators):
            negated.add(mi)  # 不用转人工了: the buyer takes back what was asked before
        elif not (bot_phase and mi > first_human and norms[mi][s:e] in bot_phase):
            triggers.append(rec)
    notes: dict[int, str] = {}
    if c.similar is not None:  # asked for a human in other words
        worded = {mi for mi, _s, _e in triggers}
        for mi, score, example in ctx.similar(c):
            if mi not in worded and mi not in negated:
                triggers.append((mi, 0, len(ctx.norms[mi])))
                notes[mi] = f"≈「{example}」{score:.2f}"
        triggers.sort()
    if negated:
        triggers = [rec for rec in triggers if rec[0] >= max(negated)]
    if not triggers:
        return []
    transfers = sorted({mi for mi, _s, _e in ctx.hits_of(spec.code, "transfer") if ctx.roles[mi] != "buyer"})
    hits = []
    first_agent = None
    if ctx.conv.transferred_to_human:  # the first human agent's message (in a bot-only one, none)
        first_agent = next((i for i, m in enumerate(ctx.conv.messages) if m.role == "agent"), None)
    last_human = None
    if human_reply_answers:  # the last human agent message (the messages' own roles: a bot is not one)
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
    required = _required(ctx, c)
    first = triggers[0]
    if required and (anywhere or max(required) >= first[0]):
        return []
    return [ctx.make_hit(spec, first[0], first[1], first[2])]


def _required(ctx: _Ctx, c: _Compiled) -> list[int]:
    """The messages of the rule's role holding a required word that counts: not inside an exclude
    phrase, nor in a clause with a void_clause "when" word and no "unless" word."""
    code, role, roles = c.spec.code, c.spec.role, ctx.roles
    excluded = ctx.hits_of(code, "exclude") if c.lists.get("exclude") else ()
    void = ctx.hits_of(code, "void_when") if "void_when" in c.lists else ()
    unless = ctx.hits_of(code, "void_unless") if void else ()
    out = []
    for mi, s, e in ctx.hits_of(code, "required"):
        if roles[mi] != role or (excluded and _covered(excluded, mi, s, e)):
            continue
        if void:
            lo, hi = _clause(ctx.norms[mi], s)
            if any(vm == mi and lo <= vs < hi for vm, vs, _ve in void) and not any(
                um == mi and lo <= us < hi for um, us, _ue in unless
            ):
                continue
        out.append(mi)
    return out


def _rule_sentiment(ctx: _Ctx, c: _Compiled, _fired: dict | None = None) -> list[Hit]:
    """Per message of the role: the sum of its sentiment words' weights, each multiplied by the
    strongest degree word (非常, 太) in the three characters before it and dropped when a negation
    word stands right before it; a word inside a longer listed word (差 in 太差) counts once, as the
    longer; a message at or over the threshold is a hit at its heaviest word.
    With `chat_threshold`, mild cues add up over the chat: a buyer who presses in several messages
    (「我的货呢？三天了」, 「快点」, 「还要多久」, 「算了」), none over the threshold alone, is a hit at
    the heaviest cue once their sum reaches it.
    A word inside one of the rule's `exclude` phrases (垃圾 in 垃圾处理器, a product) does not count."""
    spec = c.spec
    raw = ctx.hits_of(spec.code, "words")
    similar = ctx.similar(c) if c.similar is not None else ()
    pushback = _pushback(ctx, c, _fired) if c.options[2] and _fired else ()
    if not raw and not similar and not pushback:
        return []
    hits = _sentiment_words(ctx, c, raw) if raw else []
    if similar or pushback:
        worded = {h.message_index for h in hits}
        hits.extend(ctx.similar_hit(spec, mi, score, ex) for mi, score, ex in similar if mi not in worded)
        worded.update(mi for mi, _s, _e in similar)
        hits.extend(ctx.make_hit(spec, mi, note="回应客服推责") for mi in pushback if mi not in worded)
        hits.sort(key=lambda h: h.message_index)
    return hits


def _pushback(ctx: _Ctx, c: _Compiled, fired: dict) -> list[int]:
    """`pushback_after`: the buyer's message right after an agent message on which one of `rules`
    fired and which blames the buyer (one of `agent_words`: 自己填错的还问 → 我没填错！) is a hit
    unless it only accepts (好, 嗯)."""
    rules, accept, blame = c.options[2], c.options[3], c.options[4]
    roles, norms, out = ctx.roles, ctx.norms, []
    for code in rules:
        for h in fired.get(code, ()):
            nxt = (h.message_index if h.message_index is not None else -2) + 1
            if blame and nxt > 0 and not any(w in norms[nxt - 1] for w in blame):
                continue  # a brush-off without blame (我们也不清楚) draws a plain follow-up question
            if 0 < nxt < len(roles) and roles[nxt] == c.spec.role and nxt not in out:
                text = norms[nxt].strip(" 。.!！~～…")
                if text and text not in accept:
                    out.append(nxt)
    return out


def _sentiment_words(ctx: _Ctx, c: _Compiled, raw: list[tuple[int, int, int]]) -> list[Hit]:
    spec = c.spec
    threshold, chat_threshold = c.options[:2]
    negation, degree, weights, role, roles, norms = c.negators, c.degree, c.weights, spec.role, ctx.roles, ctx.norms
    degrees = [d for d in ctx.hits_of(spec.code, "degree") if roles[d[0]] == role]
    excluded = ctx.hits_of(spec.code, "exclude") if c.lists["exclude"] else ()
    per_msg: dict[int, list[tuple[float, int, int]]] = {}
    for mi, s, e in raw:
        if roles[mi] != role or (excluded and _covered(excluded, mi, s, e)):
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
    for recs in per_msg.values():  # a word inside a longer listed word counts once, as the longer
        if len(recs) > 1:
            recs[:] = [
                r for r in recs if not any(o[1] <= r[1] and r[2] <= o[2] and o[2] - o[1] > r[2] - r[1] for o in recs)
            ]
    hits = []
    for mi, recs in per_msg.items():
        if len(recs) == 1:
            if recs[0][0] >= threshold:
                hits.append(ctx.make_hit(spec, mi, recs[0][1], recs[0][2]))
        elif sum([r[0] for r in recs]) >= threshold:
            best = max(recs)
            hits.append(ctx.make_hit(spec, mi, best[1], best[2]))
    if not hits and chat_threshold is not None and len(per_msg) > 1:
        total, best = 0.0, None
        for mi, recs in per_msg.items():
            for rec in recs:
                total += rec[0]
                if best is None or rec[0] > best[0][0]:
                    best = (rec, mi)
        if total >= chat_threshold:
            hits.append(ctx.make_hit(spec, best[1], best[0][1], best[0][2]))
    return hits


def _rule_pii(ctx: _Ctx, c: _Compiled, _fired: dict | None = None) -> list[Hit]:
    """A masked secret ([手机号] …), or a match of `number_pattern` (its last group is the secret: a
    card or ID number written out that masking did not recognise), in a message the rule reads,
    unless it is the shop's own data: a
    shop word (退货地址, 客服热线, 订单号, 运单号 …) stands within `shop_window` characters before it
    in the same message with no shopper word (您的, 你的 …) and no other secret between them. Or a secret word
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
            # a shop word names the datum right after it, not one past another secret (仓库在[地址]，老板电话[手机号])
            near = [
                ss
                for sm, ss, se in shop
                if sm == mi
                and se <= s
                and s - se <= window
                and not any(tm == mi and se <= ts < s for tm, ts, _te in tokens)
            ]
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
    if c.dismissal is not None:
        return _rule_keyword_dismissal
    if c.spec.type == "combination":
        return _combine
    if c.spec.type == "timing":
        return _TIMING[c.metric]
    return _HANDLERS[c.spec.type]
