"""Build the second blind QA set (``chats.json``) from the literal dialogues in ``dialogues.py``.

Written blind: only ``docs/qa_rule_meanings.md``, issue 16 and DOMAIN.md were read. Content labels
(what the words mean) are set by hand on each dialogue; the structural rules (greeting, closing,
repetition, escalation/hand-over bookkeeping and all timing rules) are computed here straight
from the definitions in the doc, so a timestamp moved by one second moves its label with it.

Run: ``python tests/qa/blind/set2/build.py`` (deterministic; writes chats.json next to it).
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from dialogues import BOT, CLOSINGS, GREETINGS, HUMAN, TAILS  # noqa: I001

HERE = Path(__file__).resolve().parent
TZ = timezone(timedelta(hours=8))
PLATFORMS = ["taobao", "tmall", "jd", "douyin", "pdd"]

ALIAS = {
    "ad": "ad_absolute",
    "pr": "forbidden_promise",
    "ab": "abuse",
    "sh": "shirking",
    "rv": "review_manipulation",
    "op": "off_platform",
    "pii": "pii_leak",
    "neg": "buyer_negative",
    "sol": "solution_offered",
    "rf": "refund_no_arrival_time",
}
HUMAN_ONLY = {"abuse", "shirking", "solution_offered", "refund_no_arrival_time"}

TRAD = str.maketrans(
    "親歡謝還幫問題隨時對給帶來務興為請貨說這們夠",
    "亲欢谢还帮问题随时对给带来务兴为请货说这们够",
)
GREET = ["您好", "你好", "亲", "欢迎", "在的", "很高兴为您服务"]
CLOSE = ["还有其他可以帮您", "祝您", "感谢", "欢迎再来", "有问题随时找我"]
SOOTHE = ["抱歉", "对不起", "不好意思", "给您带来不便", "理解您的心情", "非常理解"]
TRANSFER = ["转人工", "转接", "人工客服"]
COURTESY = ["知道了", "好的", "谢谢", "收到", "ok", "嗯", "哦", "行"]
PARTICLES = "哦呢啊呀~"


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(TRAD).lower()


def is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return 0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or cp in (0xFE0F, 0x200D)


def strip_marks(text: str) -> str:
    out = []
    for ch in norm(text):
        cat = unicodedata.category(ch)
        if ch.isspace() or cat[0] in "PS" or is_emoji(ch):
            continue
        out.append(ch)
    return "".join(out)


def needs_answer(text: str) -> bool:
    """Doc: every buyer message except pure courtesy/acknowledgement (or emoji alone)."""
    if not text.strip():
        return True
    core = strip_marks(text)
    if not core:
        # emoji alone is courtesy; question marks alone need an answer
        return not all(is_emoji(c) or c.isspace() for c in text)
    rest = core
    while rest:
        for word in COURTESY:
            if rest.startswith(word):
                rest = rest[len(word) :]
                break
        else:
            return True
    return False


def rep_key(text: str) -> str:
    key = strip_marks(text)
    while key and key[-1] in PARTICLES:
        key = key[:-1]
    return key


def half_up(x: float) -> int:
    return int(Decimal(str(x)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def has_any(text: str, words) -> bool:
    t = norm(text)
    return any(w in t for w in words)


LINE = re.compile(r"^(B!\^|B\^!|B!|B\^|B|A|R|S)(?:@(w?)([\d.]+))?:\s?(.*)$")


def parse(block: str):
    msgs = []
    for raw in block.strip("\n").split("\n"):
        raw = raw.strip()
        if not raw:
            continue
        m = LINE.match(raw)
        if not m:
            raise ValueError(f"bad line: {raw!r}")
        tag, wflag, num, text = m.groups()
        role = {"B": "buyer", "A": "agent", "R": "bot", "S": "system"}[tag[0]]
        msgs.append(
            {
                "role": role,
                "text": text,
                "esc": "!" in tag,
                "ho": "^" in tag,
                "gap": float(num) if num and not wflag else None,
                "wait": float(num) if num and wflag else None,
            }
        )
    return msgs


def handover_index(msgs):
    """Index of the hand-over moment message, or None for a human-only chat."""
    first_agent = next((i for i, m in enumerate(msgs) if m["role"] == "agent"), None)
    if first_agent is None:
        return None
    before = msgs[:first_agent]
    if not any(m["role"] in ("bot", "system") for m in before):
        return None
    for i in range(first_agent - 1, -1, -1):
        if msgs[i]["role"] == "system" and has_any(msgs[i]["text"], TRANSFER):
            return i
    for i in range(first_agent - 1, -1, -1):
        if msgs[i]["role"] == "bot":
            return i
    return None


def rounds_of(msgs, times):
    """Rounds per the doc: (open_index, open_time, close_index or None)."""
    ho = handover_index(msgs)
    start = 0
    out = []
    cur = None
    if ho is not None:
        cur = [ho, times[ho], None]
        start = ho + 1
    for i in range(start, len(msgs)):
        m = msgs[i]
        if m["role"] == "buyer" and needs_answer(m["text"]) and cur is None:
            cur = [i, times[i], None]
        elif m["role"] == "agent" and cur is not None:
            cur[2] = i
            out.append(cur)
            cur = None
    if cur is not None:
        out.append(cur)
    return out


def _closed_rounds(msgs) -> int:
    """Number of answered rounds (round structure depends on message order only)."""
    return sum(1 for r in rounds_of(msgs, list(range(len(msgs)))) if r[2] is not None)


def assign_times(msgs, waits, rng, tail_gap=None):
    """Give every message a time; closing agent messages land exactly on the profile's waits."""
    ho = handover_index(msgs)
    times = []
    t = 0.0
    open_t = None
    k = 0
    start = 0 if ho is None else ho + 1
    for i, m in enumerate(msgs):
        prev = msgs[i - 1]["role"] if i else None
        if i == 0:
            gap = 0.0
        elif m["gap"] is not None:
            gap = m["gap"]
        elif m["role"] == "buyer":
            gap = rng.randint(2, 6) if prev == "buyer" else rng.randint(6, 40)
        elif m["role"] == "bot":
            gap = rng.randint(1, 3)
        elif m["role"] == "system":
            gap = rng.randint(1, 4)
        else:
            gap = rng.randint(3, 12)
        t_new = t + gap
        if m["role"] == "agent" and open_t is not None and i >= start:
            w = m["wait"] if m["wait"] is not None else (waits[k] if k < len(waits) else rng.randint(4, 20))
            t_new = max(t + 1, open_t + w)
            k += 1
            open_t = None
        times.append(round(t_new, 1))
        t = t_new
        if ho is not None and i == ho:
            open_t = t
        elif i >= start and m["role"] == "buyer" and open_t is None and needs_answer(m["text"]):
            open_t = t
    return times


def timing_labels(msgs, times, start_dt):
    labels = set()
    rs = rounds_of(msgs, times)
    last_t = times[-1]
    answered = []
    for n, (_oi, ot, ci) in enumerate(rs):
        if ci is None:
            wait = half_up(last_t - ot)
            opened = start_dt + timedelta(seconds=ot)
            if 8 <= opened.hour < 24:
                labels.add("three_minute_miss")
            if wait >= 100:
                labels.add("buyer_wait_100s")
            continue
        wait = half_up(times[ci] - ot)
        answered.append(wait)
        if n == 0 and wait > 30:
            labels.add("first_response_slow")
        opened = start_dt + timedelta(seconds=ot)
        if 8 <= opened.hour < 24 and wait > 180:
            labels.add("three_minute_miss")
        if wait >= 100:
            labels.add("buyer_wait_100s")
    if answered and sum(answered) / len(answered) > 45:
        labels.add("avg_response_slow")
    last_need = max(
        (i for i, m in enumerate(msgs) if m["role"] == "buyer" and needs_answer(m["text"])),
        default=None,
    )
    if last_need is not None and not any(m["role"] == "agent" for m in msgs[last_need + 1 :]):
        labels.add("last_unanswered")
    return labels, rs


def structural_labels(msgs):
    labels = set()
    human = any(m["role"] == "agent" for m in msgs)
    agent_msgs = [m["text"] for m in msgs if m["role"] == "agent"]
    if any(m["esc"] for m in msgs):
        labels.add("escalation_risk")
    if human:
        if not has_any(agent_msgs[0], GREET):
            labels.add("greeting_missing")
        if not any(has_any(t, CLOSE) for t in agent_msgs[-2:]):
            labels.add("closing_missing")
        keys = [rep_key(t) for t in agent_msgs]
        for s in range(max(1, len(keys) - 4)):
            window = [k for k in keys[s : s + 5] if len(k) >= 6]
            if any(window.count(k) >= 3 for k in window):
                labels.add("repetition")
        for i, m in enumerate(msgs):
            if m["role"] == "buyer" and m["esc"]:
                nxt = [x["text"] for x in msgs[i + 1 :] if x["role"] == "agent"][:2]
                if not any(has_any(t, SOOTHE) for t in nxt):
                    labels.add("risk_not_soothed")
    for i, m in enumerate(msgs):
        if m["role"] == "buyer" and m["ho"]:
            after = msgs[i + 1 :]
            transferred = any(x["role"] == "system" and has_any(x["text"], TRANSFER) for x in after)
            if not transferred and not any(x["role"] == "agent" for x in after):
                labels.add("handover_ignored")
    return labels


PROFILE_PLAN = (
    ["frs30"] * 12
    + ["frs31"] * 14
    + ["frs_slow"] * 6
    + ["avg45"] * 12
    + ["avg46"] * 14
    + ["w99"] * 12
    + ["w100"] * 12
    + ["w101"] * 8
    + ["t179"] * 12
    + ["t180"] * 12
    + ["t181"] * 13
    + ["night_slow"] * 12
    + ["frac304"] * 3
    + ["frac306"] * 3
    + ["dawn_before8"] * 3
    + ["dawn_after8"] * 3
)


def profile_waits(profile, n, rng):
    small = [rng.randint(3, 25) for _ in range(n)]
    if profile == "fast":
        return small
    if profile == "frs30":
        return [30] + small[1:]
    if profile == "frs31":
        return [31] + small[1:]
    if profile == "frs_slow":
        return [rng.randint(40, 90)] + small[1:]
    if profile in ("avg45", "avg46"):
        target = 45 if profile == "avg45" else 46
        first = rng.randint(10, 28)
        rest = target * n - first
        base, extra = divmod(rest, n - 1)
        return [first] + [base + (1 if j < extra else 0) for j in range(n - 1)]
    fixed = {
        "w99": 99,
        "w100": 100,
        "w101": 101,
        "t179": 179,
        "t180": 180,
        "t181": 181,
        "night_slow": rng.randint(190, 420),
        "frac304": 30.4,
        "frac306": 30.6,
        "dawn_before8": rng.randint(200, 260),
        "dawn_after8": rng.randint(200, 260),
    }[profile]
    if profile.startswith("frac"):
        return [fixed] + small[1:]
    pos = rng.randrange(1, n) if n > 1 else 0
    small[pos] = fixed
    return small


def start_for(profile, idx, rng):
    day = 5 + idx % 20
    if profile == "night_slow" or (profile == "tail_night"):
        hh, mm = rng.choice([(0, 40), (1, 15), (2, 5), (3, 30), (4, 50), (6, 10), (7, 5)])
    elif profile == "dawn_before8":
        hh, mm = 7, 55
    elif profile == "dawn_after8":
        hh, mm = 8, 0
    elif profile == "tail_midnight":
        hh, mm = 23, 57
    else:
        hh, mm = rng.randint(8, 22), rng.randint(0, 59)
        if hh == 8 and mm < 10:
            mm = 30
    return datetime(2026, 11, day, hh, mm, rng.choice([0, 0, 0, 12, 37]), tzinfo=TZ)


def build():
    rng = random.Random(20261202)
    plan = []  # (scenario, variant)
    for sc in HUMAN:
        for v in range(sc["copies"]):
            plan.append((sc, v))
    for sc in BOT:
        plan.append((sc, 0))
    rng.shuffle(plan)

    # materialise messages for each planned chat (greeting / closing / tail variants)
    items = []
    for pidx, (sc, v) in enumerate(plan):
        platform = sc.get("platform") or PLATFORMS[(pidx * 3 + v) % 5]
        greetings = [
            g for g in GREETINGS if ("京东" not in g or platform == "jd") and ("宝子" not in g or platform == "douyin")
        ]
        msgs = [dict(m) for m in parse(sc["text"])]
        tricks = list(sc["tricks"])
        human = any(m["role"] == "agent" for m in msgs)
        tail = None
        if human and v >= 1:
            vr = random.Random(f"{sc['key']}-{v}")
            if sc.get("greet", True) and not sc.get("fixed_timing") and vr.random() < 0.8:
                fa = next(i for i, m in enumerate(msgs) if m["role"] == "agent")
                msgs.insert(fa, parse("A: " + vr.choice(greetings))[0])
                tricks.append("variant_greeting")
            ends_open = msgs[-1]["role"] == "buyer" and needs_answer(msgs[-1]["text"])
            if sc.get("close", True) and not ends_open and vr.random() < 0.8:
                last_agent = max(i for i, m in enumerate(msgs) if m["role"] == "agent")
                msgs.insert(last_agent + 1, parse("A: " + vr.choice(CLOSINGS))[0])
                tricks.append("variant_closing")
            if v == 2 and sc.get("tail", True) and not ends_open and vr.random() < 0.35:
                tail = vr.choice(TAILS)
        items.append({"sc": sc, "v": v, "msgs": msgs, "tricks": tricks, "tail": tail, "platform": platform})

    # timing profiles: spread the boundary profiles over human chats
    human_items = [it for it in items if any(m["role"] == "agent" for m in it["msgs"])]
    for it in human_items:
        it["profile"] = "fast"
    pool = [it for it in human_items if not it["sc"].get("fixed_timing")]
    rng.shuffle(pool)
    used = set()
    for prof in PROFILE_PLAN:
        for it in pool:
            if id(it) in used or it["tail"]:
                continue
            n = _closed_rounds(it["msgs"])
            if prof in ("avg45", "avg46", "w99", "w100", "w101", "t179", "t180", "t181") and n < 2:
                continue
            if n < 1:
                continue
            it["profile"] = prof
            used.add(id(it))
            break
    for it in human_items:
        if it["tail"]:
            it["profile"] = it["tail"][0]

    chats = []
    counter = 0
    for idx, it in enumerate(items):
        counter += 1
        sc = it["sc"]
        msgs = it["msgs"]
        human = any(m["role"] == "agent" for m in msgs)
        trng = random.Random(f"t-{sc['key']}-{it['v']}")
        prof = it.get("profile", "bot")
        if it["tail"]:
            _, gap, texts = it["tail"]
            first = True
            for text in texts:
                msgs.append(parse(f"B@{gap if not first else trng.randint(8, 30)}: {text}")[0])
                first = False
        n = _closed_rounds(msgs)
        waits = profile_waits(prof if prof in _KNOWN else "fast", max(n, 1), trng)
        times = assign_times(msgs, waits, trng)
        start_dt = start_for(sc.get("start_profile") or prof, idx, trng)
        labels = set()
        for code in sc["labels"]:
            full = ALIAS.get(code, code)
            if full in HUMAN_ONLY and not human:
                raise ValueError(f"{sc['key']}: {full} on a bot-only chat")
            labels.add(full)
        labels |= structural_labels(msgs)
        if human:
            tl, _ = timing_labels(msgs, times, start_dt)
            labels |= tl
        else:
            labels.discard("risk_not_soothed")
        if "escalation_risk" in labels and "buyer_negative" in labels:
            labels.add("risk_and_negative")
        tricks = list(dict.fromkeys(it["tricks"] + ([f"timing:{prof}"] if human else ["bot_only"])))
        chats.append(
            {
                "id": f"b2-{counter:04d}",
                "platform": it["platform"],
                "start": start_dt.isoformat(),
                "handled_by": "human" if human else "bot",
                "messages": [{"role": m["role"], "t": t, "text": m["text"]} for m, t in zip(msgs, times, strict=True)],
                "labels": sorted(labels),
                "tricks": tricks,
            }
        )
    return chats


_KNOWN = {
    "fast",
    "frs30",
    "frs31",
    "frs_slow",
    "avg45",
    "avg46",
    "w99",
    "w100",
    "w101",
    "t179",
    "t180",
    "t181",
    "night_slow",
    "frac304",
    "frac306",
    "dawn_before8",
    "dawn_after8",
}


if __name__ == "__main__":
    out = build()
    (HERE / "chats.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    from collections import Counter

    c = Counter(label for chat in out for label in chat["labels"])
    print(len(out), "chats;", sum(1 for ch in out if not ch["labels"]), "clean")
    for k, v in sorted(c.items()):
        print(f"{k:26s}{v}")
