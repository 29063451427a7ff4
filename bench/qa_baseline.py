"""The qa_engine benchmark's baseline: the textbook per-rule loop, giving the same answers as the
engine (apps.qa.engine) but sharing nothing with it beyond `normalize`, the spec dataclasses, the PII
token constant and the shared data (courtesy words, the learned encoder's weights). bench/qa_engine.py
describes what it does and times it against the engine; tests/qa/test_bench_qa.py checks that it
agrees with the engine on every gold chat.
"""

from __future__ import annotations

import dataclasses
import math
import re
import string
import unicodedata

from apps.conversations.timing import COURTESY_WORDS, NOT_STICKERS  # the data of "needs an answer", not its code
from apps.qa.classifier import load as load_model  # the learned encoder's fitted weights
from apps.qa.engine import PII_TOKENS, normalize  # pure Python, no Django needed
from apps.qa.engine.pinyin import variants as pinyin_variants  # a word's pinyin spellings (data)
from apps.qa.similarity import DEFAULT_ENCODER, cosine  # the feature definition and the one formula

_CLAUSE = re.compile(r"[,!?;:。]")  # clause punctuation after normalisation
_LATIN_DIGIT = frozenset(string.ascii_letters + string.digits)
_SPEAKERS = ("buyer", "agent", "bot")


def _glued(text: str, s: int, e: int) -> bool:
    """The match begins or ends with a Latin letter/digit glued to another one (315 in 3156)."""
    return (s > 0 and text[s] in _LATIN_DIGIT and text[s - 1] in _LATIN_DIGIT) or (
        e < len(text) and text[e - 1] in _LATIN_DIGIT and text[e] in _LATIN_DIGIT
    )


class _Words:
    """One word list of a rule as one compiled `re` alternation, longest word first."""

    __slots__ = ("words", "lengths", "rx", "per_term")

    def __init__(self, raw, *, per_term: bool = False):
        if isinstance(raw, dict):
            raw = list(raw)
        words = sorted({normalize(w) for w in raw or () if normalize(w)}, key=lambda w: (-len(w), w))
        self.words = frozenset(words)
        self.lengths = sorted({len(w) for w in words}, reverse=True)
        self.per_term = per_term
        if per_term:  # the most literal loop: one `re` per word
            self.rx = [re.compile(re.escape(w)) for w in words]
        else:
            self.rx = re.compile("|".join(re.escape(w) for w in words)) if words else None

    def __bool__(self) -> bool:
        return bool(self.words)

    def __len__(self) -> int:
        return len(self.words)

    def find(self, text: str) -> list[tuple[int, int]]:
        """Every occurrence (start, end) of every word, overlapping and nested ones included (最低价
        inside 全网最低价), except those glued into a longer Latin/digit run."""
        out: list[tuple[int, int]] = []
        if not text or self.rx is None:
            return out
        if self.per_term:
            for rx in self.rx:
                m = rx.search(text)
                while m is not None:
                    s, e = m.span()
                    if not _glued(text, s, e):
                        out.append((s, e))
                    m = rx.search(text, s + 1)
            return out
        search, words = self.rx.search, self.words
        m = search(text)
        while m is not None:
            s, e = m.span()
            # re reports the longest word starting at s; the shorter ones starting there are its
            # prefixes. Searching again from s + 1 finds the overlapping matches.
            for n in self.lengths:
                if n <= e - s and (n == e - s or text[s : s + n] in words) and not _glued(text, s, s + n):
                    out.append((s, s + n))
            m = search(text, s + 1)
        return out

    def any(self, text: str) -> bool:
        return bool(self.find(text))


def _words_rx(raw) -> re.Pattern | None:
    """A list of short words (negators) as one alternation, for a plain `search` in a window."""
    w = _Words(raw)
    return re.compile("|".join(re.escape(x) for x in sorted(w.words, key=len, reverse=True))) if w else None


def _negated(text: str, s: int, negators: re.Pattern | None, window: int) -> bool:
    """A negator in the `window` characters before the match, within the same clause."""
    if negators is None:
        return False
    before = re.sub(r"(.)不\1", "", _CLAUSE.split(text[max(0, s - window) : s])[-1])  # 能不能 asks
    m = negators.search(before)
    while m is not None:  # a one-character negator (不) counts only in the last two characters
        if m.end() - m.start() > 1 or m.start() >= len(before) - 2:
            return True
        m = negators.search(before, m.start() + 1)
    return False


_QUOTE_PAIRS = (("“", "”"), ("「", "」"), ("『", "』"), ("‘", "’"))
_PUNCT = re.compile(r"[,!?;:。~()\[\]{}<>“”‘’「」『』]+")
_STICKER = re.compile(r"\[[^\[\]]{1,10}\]")


def _in_quotes(text: str, s: int, e: int) -> bool:
    """Between an opening quotation mark before the match and its closing one after it."""
    for left, right in _QUOTE_PAIRS:
        o = text.rfind(left, 0, s)
        if o != -1 and right not in text[o + 1 : s] and right in text[e:]:
            return True
    return False


def _clause_bounds(text: str, at: int) -> tuple[int, int]:
    lo = max((m.end() for m in _CLAUSE.finditer(text, 0, at)), default=0)
    m = _CLAUSE.search(text, at)
    return lo, m.start() if m else len(text)


def _excluded(text: str, s: int, e: int, phrases: frozenset[str]) -> bool:
    """An exclusion phrase covers the whole match (保证金 covers 保证)."""
    return any(len(ph) >= e - s and ph in text[max(0, e - len(ph)) : s + len(ph)] for ph in phrases)


def _text(m) -> str:
    return normalize(m.content) if m.msg_type in ("text", "system") else ""


class _Rule:
    """A rule prepared for the baseline: its word lists as `re` alternations, its regexes."""

    def __init__(self, spec, *, per_term: bool = False):
        self.spec = spec
        self.code, self.type, self.role, self.p = spec.code, spec.type, spec.role, spec.params
        p = spec.params
        # an agent rule marked bot-applicable is about what is said for the shop: the bot's too
        self.reads = {spec.role, "bot"} if spec.role == "agent" and spec.bot_applicable else {spec.role}
        # the similarity operator, naively: every example's features, compared one by one
        sim = p.get("similar")
        self.similar = None
        if sim:
            feats = DEFAULT_ENCODER.features
            like = [f for f in (feats(normalize(x)) for x in dict.fromkeys(sim.get("examples", []))) if f]
            unlike = [f for f in (feats(normalize(x)) for x in dict.fromkeys(sim.get("unlike", []))) if f]
            self.similar = (like, unlike, float(sim.get("threshold", 0.6)))
        # the learned encoder: the same fitted weights, scored without the engine's memory of texts
        self.model = (
            (load_model(sim["model"]), float(sim.get("model_threshold", 0.9))) if sim and sim.get("model") else None
        )
        lists = {
            "keyword": ("words",),
            "context": ("trigger_words", "response_words"),
            "handover": ("trigger_words", "transfer_words"),
            "mandatory": ("trigger_words", "required_words", "excused_by", "exclude"),
            "sentiment": ("words",),
            "pii": ("secret_words", "request_words", "warning_words", "shop_words", "shopper_words"),
        }.get(spec.type, ())
        self.lists = {key: _Words(p.get(key), per_term=per_term) for key in lists}
        if spec.type == "keyword" and p.get("pinyin"):  # the words' pinyin spellings (shared data)
            plain = sorted({normalize(w) for w in p.get("words") or () if normalize(w)})
            self.lists["words"] = _Words(plain + pinyin_variants(plain), per_term=per_term)
        self.negators = _words_rx(p.get("negation_words" if spec.type == "sentiment" else "negators"))
        self.exclude = (
            _Words(p.get("exclude")).words
            if spec.type in ("keyword", "context", "handover", "sentiment")
            else frozenset()
        )
        self.excused = _Words(p.get("excused_by"), per_term=per_term) if spec.type == "keyword" else None
        # keyword `void_in`: these words do not count in a message holding a `when` word
        void = p.get("void_in") or {}
        self.void_words = frozenset(normalize(w) for w in void.get("words", []) if normalize(w))
        self.void_when = _Words(void.get("when"), per_term=per_term) if void else None
        # keyword `dismissal` (shirking by context): its lists, and the negators of its help words
        dismissal = p.get("dismissal") if spec.type == "keyword" else None
        if dismissal:
            for key in ("complaint", "question", "dismiss", "help"):
                self.lists[key] = _Words(dismissal.get(key), per_term=per_term)
            self.help_negators = _words_rx(dismissal.get("help_negators"))
        # mandatory `void_clause`: a required word in a clause with a "when" word and no "unless" word
        void_clause = p.get("void_clause") if spec.type == "mandatory" else None
        self.void_clause = (
            (_Words(void_clause.get("when"), per_term=per_term), _Words(void_clause.get("unless"), per_term=per_term))
            if void_clause
            else None
        )
        if spec.type == "pii":
            tokens = _Words(p.get("tokens"), per_term=per_term)
            self.lists["tokens"] = tokens if tokens else _Words(PII_TOKENS, per_term=per_term)
        self.number = re.compile(p["number_pattern"]) if spec.type == "pii" and p.get("number_pattern") else None
        if spec.type == "regex":
            self.pattern = re.compile(p["pattern"])
            self.exclude_rx = re.compile(p["exclude"]) if p.get("exclude") else None
        if spec.type == "sentiment":
            raw = p.get("words")
            self.weights = {normalize(w): float(v) for w, v in raw.items()} if isinstance(raw, dict) else {}
            self.degree = {normalize(k): float(v) for k, v in p.get("degree_words", {}).items() if normalize(k)}

    def means(self, text: str) -> bool:
        """The text is closer to an example than the threshold and than every near miss, or the
        rule's model gives it at least its threshold."""
        if self.model is not None and text and 1 / (1 + math.exp(-self.model[0].logit(text))) >= self.model[1]:
            return True
        feats = DEFAULT_ENCODER.features(text)
        if not feats:
            return False
        like, unlike, threshold = self.similar
        best = max((cosine(len(feats & f), len(feats), len(f)) for f in like), default=0.0)
        if best < threshold or best == 0.0:
            return False
        return not any(cosine(len(feats & f), len(feats), len(f)) >= best for f in unlike)

    # each method: does the rule fire on this conversation?

    def keyword(self, conv) -> bool:
        if self._keyword(conv):
            return True
        return bool(self.p.get("dismissal")) and self.dismissed(conv)

    def dismissed(self, conv) -> bool:
        """A buyer's reported problem (a complaint word, no question word) answered by an agent only
        denying it, with no help word (not negated) in any agent reply after the report."""
        msgs = conv.messages
        texts = [_text(m) for m in msgs]
        reports = [
            i
            for i, m in enumerate(msgs)
            if m.role == "buyer" and self.lists["complaint"].any(texts[i]) and not self.lists["question"].any(texts[i])
        ]
        if not reports:
            return False
        first = reports[0]
        later = [i for i in range(first + 1, len(msgs)) if msgs[i].role == "agent"]
        for i in later:
            if any(not _negated(texts[i], s, self.help_negators, 3) for s, _e in self.lists["help"].find(texts[i])):
                return False
        return any(
            not _excluded(texts[i], s, e, self.exclude) for i in later for s, e in self.lists["dismiss"].find(texts[i])
        )

    def keyword_messages(self, conv) -> set[int]:
        """Mode any: the messages the rule fires on (its words, or its examples' meaning)."""
        return {i for i in range(len(conv.messages)) if self._keyword(conv, only=i)}

    def _keyword(self, conv, only: int | None = None) -> bool:
        p, msgs = self.p, conv.messages
        mine = [i for i, m in enumerate(msgs) if m.role in self.reads and (only is None or i == only)]
        turns = p.get("turns")
        if turns:
            own = [i for i, m in enumerate(msgs) if m.role == self.role]
            own = set(own[: turns["first"]] if "first" in turns else own[-turns["last"] :])
            mine = [i for i in mine if i in own]
        window = p.get("negation_window", 4)
        quoted = p.get("skip_quoted", False)
        texts: dict[int, str] = {}
        found: list[tuple[int, int, int]] = []
        for i in mine:
            text = texts[i] = _text(msgs[i])
            if self.excused and self.excused.any(text):
                continue  # an offer of help in the same message excuses it
            kept, dropped = [], []
            voided = self.void_when is not None and self.void_when.any(text)
            for s, e in self.lists["words"].find(text):
                if voided and text[s:e] in self.void_words:
                    continue  # a reward in a message about a review
                if _negated(text, s, self.negators, window):
                    dropped.append((s, e + 1))  # takes the word chained right after it too
                elif _excluded(text, s, e, self.exclude) or (quoted and _in_quotes(text, s, e)):
                    dropped.append((s, e))
                else:
                    kept.append((s, e))
            found += [(i, s, e) for s, e in kept if not any(ds <= s < de for ds, de in dropped)]
        if self.similar and any(
            self.means(texts[i])
            for i in mine
            if i in texts and not self.excused_in(texts[i]) and not (self.void_when and self.void_when.any(texts[i]))
        ):
            return True
        mode = p.get("mode", "any")
        if mode == "any" or not found:
            return bool(found)
        # all / N-of count the distinct words found, where overlapping matches in one message are
        # one: their union (最低价 inside 全网最低价 is not counted on its own)
        spans: list[list[int]] = []
        for i, s, e in sorted(found, key=lambda r: (r[0], r[1], r[1] - r[2])):
            if spans and spans[-1][0] == i and s < spans[-1][2]:
                spans[-1][2] = max(spans[-1][2], e)
            else:
                spans.append([i, s, e])
        need = len(self.lists["words"]) if mode == "all" else int(p.get("n", 2))
        groups: dict[int, set[str]] = {}
        for i, s, e in spans:
            groups.setdefault(i if p.get("scope", "message") == "message" else 0, set()).add(texts[i][s:e])
        return any(len(words) >= need for words in groups.values())

    def excused_in(self, text: str) -> bool:
        return bool(self.excused) and self.excused.any(text)

    def regex(self, conv) -> bool:
        for m in conv.messages:
            if m.role not in self.reads:
                continue
            text = _text(m)
            if not text or (self.exclude_rx and self.exclude_rx.search(text)):
                continue
            if self.pattern.search(text) or (self.similar and self.means(text)):
                return True
        return False

    def timing(self, conv) -> bool:
        """docs/qa_rule_meanings.md "Timing rules", written out again from the page."""
        p, msgs = self.p, conv.messages
        rounds = _rounds(msgs)  # (opening index, answer index or None, wait in whole seconds)
        if not rounds:
            return False
        metric, threshold = p["metric"], p.get("threshold_s", 30)
        if metric == "last_unanswered":
            return rounds[-1][1] is None
        if metric == "first_response":
            return rounds[0][1] is not None and rounds[0][2] > threshold
        if metric == "buyer_wait":
            return any(wait >= threshold for _o, _a, wait in rounds)
        waits = [wait for _o, a, wait in rounds if a is not None]
        if metric == "round_response":
            return bool(waits) and sum(waits) / len(waits) > threshold
        # three_minute_rate: rounds opened 08:00-24:00 Shanghai answered late or never
        day = [(a, wait) for o, a, wait in rounds if (msgs[o].sent_at + 8 * 3600) % 86400 >= 8 * 3600]
        late = [1 for a, wait in day if a is None or wait > threshold]
        return bool(late) and (len(day) - len(late)) / len(day) < float(p.get("min_rate", 1))

    def context(self, conv, trigger_rule: _Rule | None = None) -> bool:
        """With `trigger_rule` (the rule named by trigger_rule, when it fired): its messages are the
        triggers."""
        msgs = conv.messages
        agents = [i for i, m in enumerate(msgs) if m.role == "agent"]
        n = int(self.p.get("within_agent_turns", 2))
        ruled = trigger_rule.keyword_messages(conv) if trigger_rule is not None else None
        for i, m in enumerate(msgs):
            if m.role != "buyer":
                continue
            text = _text(m)
            if ruled is not None:
                if i not in ruled:
                    continue
            elif self.p.get("trigger_rule"):
                continue  # the trigger rule did not fire
            elif not any(
                not _negated(text, s, self.negators, 4) and not _excluded(text, s, e, self.exclude)
                for s, e in self.lists["trigger_words"].find(text)
            ) and not (self.similar and self.means(text)):
                continue
            later = [j for j in agents if j > i][:n]
            if not any(self.lists["response_words"].any(_text(msgs[j])) for j in later):
                return True
        return False

    def repetition(self, conv) -> bool:
        p = self.p
        k, window, min_len = int(p.get("min_repeats", 3)), int(p.get("window", 5)), int(p.get("min_length", 4))
        particles = normalize(p.get("particles", "哦呢啊呀~")) + "~"
        keys = []
        for m in conv.messages:
            if m.role != self.role:
                continue
            text = _STICKER.sub("", _text(m))  # stickers ([抱拳]) count as emoji
            key = "".join(ch for ch in _PUNCT.sub("", text) if unicodedata.category(ch)[0] not in "SP")
            keys.append(key.rstrip(particles))
        return any(
            len(keys[j]) >= min_len and keys[max(0, j - window + 1) : j + 1].count(keys[j]) >= k
            for j in range(len(keys))
        )

    def handover(self, conv) -> bool:
        msgs = conv.messages
        first_agent = next((i for i, m in enumerate(msgs) if m.role == "agent"), None)
        transfers = [i for i, m in enumerate(msgs) if m.role != "buyer" and self.lists["transfer_words"].any(_text(m))]
        humans = [i for i, m in enumerate(msgs) if m.role == "agent"] if self.p.get("human_reply_answers") else []
        bot_phase = frozenset(_Words(self.p.get("bot_phase_words")).words)
        asks, withdrawn = [], -1
        for i, m in enumerate(msgs):
            if m.role != "buyer":
                continue
            text = _text(m)
            asked = False
            for s, e in self.lists["trigger_words"].find(text):
                if _excluded(text, s, e, self.exclude):
                    continue
                if _negated(text, s, self.negators, 4):
                    withdrawn = i  # 不用转人工了 takes back the requests before it
                elif not (first_agent is not None and i > first_agent and text[s:e] in bot_phase):
                    asked = True  # a bot-phase word (换个人) asks for a human only before one spoke
            if asked or (withdrawn != i and self.similar and self.means(text)):
                asks.append(i)
        for i in asks:
            if i < withdrawn:
                continue
            if humans and humans[-1] > i:
                continue  # a human answered after the request
            if conv.transferred_to_human and first_agent is not None and first_agent > i:
                continue  # the platform handed the chat to a human before anyone asked
            if not any(t > i for t in transfers):
                return True
        return False

    def mandatory(self, conv) -> bool:
        msgs = conv.messages
        first = None
        trigger_roles = set(self.p.get("trigger_roles", [self.role]))
        for i, m in enumerate(msgs):
            if m.role not in trigger_roles:
                continue
            text = _text(m)
            if self.lists["excused_by"].any(text):
                continue
            if any(not _negated(text, s, self.negators, 4) for s, _e in self.lists["trigger_words"].find(text)):
                first = i
                break
        if first is None:
            return False
        since = 0 if self.p.get("required_anywhere") else first
        return not any(m.role == self.role and self._stated(_text(m)) for m in msgs[since:])

    def _stated(self, text: str) -> bool:
        """A required word not inside an exclude phrase nor in a voided clause."""
        for s, e in self.lists["required_words"].find(text):
            if _excluded(text, s, e, self.lists["exclude"].words):
                continue
            if self.void_clause is not None:
                lo, hi = _clause_bounds(text, s)
                when, unless = self.void_clause
                if any(lo <= ws < hi for ws, _we in when.find(text)) and not any(
                    lo <= us < hi for us, _ue in unless.find(text)
                ):
                    continue
            return True
        return False

    def sentiment(self, conv) -> bool:
        threshold = float(self.p.get("threshold", 2))
        chat_threshold = self.p.get("chat_threshold")
        cues: list[float] = []  # every counted word's weight, over the chat
        with_cues = 0  # messages holding one
        for m in conv.messages:
            if m.role != self.role:
                continue
            text = _text(m)
            kept = [
                r
                for r in self.lists["words"].find(text)
                if not _negated(text, r[0], self.negators, 2) and not _excluded(text, r[0], r[1], self.exclude)
            ]
            # a word inside a longer counted word counts once, as the longer
            kept = [
                r for r in kept if not any(o[0] <= r[0] and r[1] <= o[1] and o[1] - o[0] > r[1] - r[0] for o in kept)
            ]
            total = 0.0
            # added in the order the words end, longest first (the engine's order: same float sum)
            for s, e in sorted(kept, key=lambda r: (r[1], r[0])):
                before = text[max(0, s - 3) : s]
                mult = max((v for k, v in self.degree.items() if k in before), default=1.0)
                weight = self.weights.get(text[s:e], 1.0) * mult
                total += weight
                cues.append(weight)
            with_cues += bool(kept)
            if total >= threshold or (self.similar and text and self.means(text)):
                return True
        return chat_threshold is not None and with_cues > 1 and sum(cues) >= float(chat_threshold)

    def pii(self, conv) -> bool:
        lists = self.lists
        window = int(self.p.get("shop_window", 12))
        for m in conv.messages:
            if m.role not in self.reads:
                continue
            text = _text(m)
            shop = lists["shop_words"].find(text) if lists["shop_words"] else []
            shopper = [s for s, _e in lists["shopper_words"].find(text)] if shop else []
            found = lists["tokens"].find(text)
            number = self.number.search(text) if self.number is not None and text else None
            if number is not None:
                found.append((number.start(number.lastindex or 0), number.end()))
            for s, _e in found:  # the shop word names the datum right after it, no other secret between
                near = [
                    ss for ss, se in shop if se <= s and s - se <= window and not any(se <= fs < s for fs, _fe in found)
                ]
                if not near or any(max(near) <= ps < s for ps in shopper):
                    return True  # not the shop's own address, hotline or order number
            if not lists["secret_words"].any(text):
                continue
            warned = [s for s, _e in lists["warning_words"].find(text)]
            for s, _e in lists["request_words"].find(text):
                lo, hi = _clause_bounds(text, s)  # a request with no warning in its clause
                if not any(lo <= w < hi for w in warned):
                    return True
        return False


_STICKER = re.compile(r"\[([^\[\]\s]{1,8})\]")
_COURTESY_RUN = re.compile("(?:" + "|".join(sorted(map(re.escape, COURTESY_WORDS), key=len, reverse=True)) + ")*")


def _courtesy(content: str) -> bool:
    """A buyer message that needs no answer: only courtesy words, emoji, punctuation (not "？？",
    not an empty message, not 亲 alone)."""
    raw = unicodedata.normalize("NFKC", content).lower()
    if "[" in raw:  # a sticker ([捂脸笑]) is courtesy; a card or a mask ([图片], [手机号]) is not
        raw = _STICKER.sub(lambda m: m.group(0) if m.group(1) in NOT_STICKERS else "", raw)
        if not raw.strip():
            return True
    bare = "".join(ch for ch in raw if ch.isalnum())
    if not bare:
        return bool(raw.strip()) and "?" not in raw
    return bare not in ("亲", "亲亲") and _COURTESY_RUN.fullmatch(bare) is not None


def _rounds(msgs) -> list[tuple[int, int | None, int]]:
    """The human side's rounds: (opening message, answering agent message or None, wait in whole
    seconds rounded half up; unanswered: until the last message). The human side starts with the
    chat, or at the hand-over: the first transfer notice before the first agent message, else the
    bot's last message before it; a handed-over chat's first round opens there."""
    first_agent = next((i for i, m in enumerate(msgs) if m.role == "agent"), None)
    if first_agent is None:
        return []
    notices = [
        i
        for i in range(first_agent)
        if msgs[i].role == "system" and any(w in msgs[i].content for w in ("转人工", "转接", "人工客服"))
    ]
    bots = [i for i in range(first_agent) if msgs[i].role == "bot"]
    handover = notices[0] if notices else (bots[-1] if bots else None)
    rounds, open_at = [], handover
    for i in range(0 if handover is None else handover + 1, len(msgs)):
        if msgs[i].role == "buyer" and open_at is None and not _courtesy(msgs[i].content):
            open_at = i
        elif msgs[i].role == "agent" and open_at is not None:
            rounds.append((open_at, i, int(msgs[i].sent_at - msgs[open_at].sent_at + 0.5)))
            open_at = None
    if open_at is not None:
        rounds.append((open_at, None, int(msgs[-1].sent_at - msgs[open_at].sent_at + 0.5)))
    return rounds


class BaselineCard:
    """The scorecard for the baseline: every enabled rule prepared on its own."""

    def __init__(self, spec, *, per_term: bool = False):
        self.spec = spec
        na = {i.code for i in spec.items if i.not_applicable}
        self.rules = {r.code: _Rule(r, per_term=per_term) for r in spec.rules if r.enabled and r.item not in na}
        self.items = {i.code: i for i in spec.items}


def baseline_score(card: BaselineCard, conv) -> tuple[frozenset[str], int | None]:
    """Rule after rule, each on its own over the messages: (codes of the rules that fired, score)."""
    roles = [m.role for m in conv.messages]
    if not any(r in _SPEAKERS for r in roles):  # no messages / system notices only: unscorable
        return frozenset(), None
    bot_only = "agent" not in roles
    if bot_only and not (conv.handled_by == "bot" or ("bot" in roles and not conv.transferred_to_human)):
        return frozenset(), None  # human-handled, nobody answered: unscorable
    if not bot_only and not conv.has_agent:
        return frozenset(), None
    served = conv  # in a bot-only conversation the bot serves: the agent-role rules read its messages
    if bot_only:
        served = dataclasses.replace(
            conv, messages=tuple(dataclasses.replace(m, role="agent") if m.role == "bot" else m for m in conv.messages)
        )
    outcome: dict[str, bool] = {}

    def fires(code: str) -> bool:
        if code not in outcome:
            rule = card.rules[code]
            spec = rule.spec
            if spec.platforms and conv.platform not in spec.platforms:
                outcome[code] = False
            elif bot_only and not (spec.bot_applicable or spec.role == "buyer"):
                outcome[code] = False  # agent rules do not apply to a bot
            elif spec.type == "combination":
                op, children = spec.params["op"], spec.params["rules"]
                if op == "not":
                    outcome[code] = not fires(children[0])
                else:
                    present = [fires(c) for c in children]
                    outcome[code] = all(present) if op == "and" else any(present)
            else:
                # handover asks whether a human agent took over: it reads the roles as they are
                trigger = spec.params.get("trigger_rule") if spec.type == "context" else None
                if trigger:  # the messages another rule fired on are the triggers
                    outcome[code] = rule.context(served, card.rules[trigger] if fires(trigger) else None)
                else:
                    outcome[code] = getattr(rule, spec.type)(conv if spec.type == "handover" else served)
        return outcome[code]

    fired = frozenset(code for code in card.rules if fires(code))
    if bot_only:
        return fired, None
    return fired, _total(card, fired)


def _total(card: BaselineCard, fired: frozenset[str]) -> int:
    """100, minus each item's deductions capped at its weight (a critical item: uncapped), plus the
    bonuses capped the same way; 0 on a critical hit."""
    deductions: dict[str, int] = {}
    bonuses: dict[str, int] = {}
    critical = False
    for code in fired:
        spec = card.rules[code].spec
        item = card.items.get(spec.item)
        if spec.severity == "critical" or (item is not None and item.critical and spec.score_change < 0):
            critical = True
        if spec.score_change < 0:
            deductions[spec.item] = deductions.get(spec.item, 0) - spec.score_change
        elif spec.score_change > 0:
            bonuses[spec.item] = bonuses.get(spec.item, 0) + spec.score_change
    total = 100
    for code, amount in deductions.items():
        item = card.items.get(code)
        total -= min(amount, item.weight) if item is not None and not item.critical else amount
    for code, amount in bonuses.items():
        item = card.items.get(code)
        total += min(amount, item.weight) if item is not None else amount
    return 0 if critical else max(0, min(100, total))


def baseline_matching(card: BaselineCard, conv) -> int:
    """The baseline's matching stage alone: every rule normalises the messages its lists read and
    runs its `re` scans (number of occurrences found)."""
    found = 0
    for rule in card.rules.values():
        if rule.type == "regex":
            found += sum(1 for m in conv.messages if m.role == rule.role and rule.pattern.search(_text(m)))
        for key, words in rule.lists.items():
            if key in ("request_words", "warning_words"):
                continue  # read only in a message that names a secret
            for m in conv.messages:
                if rule.type in ("context", "handover") and key == "trigger_words":
                    reads = m.role == "buyer"
                elif rule.type == "context":  # response words: the agent's replies
                    reads = m.role == "agent"
                elif rule.type == "handover":  # transfer words: agent, bot or system
                    reads = m.role != "buyer"
                else:
                    reads = m.role == rule.role
                if reads:
                    found += len(words.find(_text(m)))
    return found


def disagreements(card: BaselineCard, engine_card, convs) -> list[str]:
    """The conversations where the baseline's (fired rules, score) differ from the engine's."""
    out = []
    for c in convs:
        r = engine_card.score(c)
        mine = baseline_score(card, c)
        if mine != (frozenset(r.fired), r.score):
            out.append(f"{c.key}: engine {sorted(r.fired)} {r.score}, baseline {sorted(mine[0])} {mine[1]}")
    return out
