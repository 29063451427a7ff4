"""Build the first blind QA set (``chats.json``) from the hand-written dialogues.

The dialogues live in ``dialogues_*.txt`` next to this file, written by hand from
``docs/qa_rule_meanings.md`` without looking at the rule pack, the engine or the gold set.

Format of a dialogue::

    # <platform> <MM-DD HH:MM[:SS]> | <content labels, space separated> | <tricks, space separated>
    <role><flags> <time> <text>

platform: tm (tmall), tb (taobao), jd, dy (douyin), pdd.  The year is 2026, the zone +08:00.
role: b buyer, a agent (human), r bot, s system.  time: seconds since start, or ``+N`` after the
previous message.  Buyer flags (labelled by meaning, line by line): ``!`` the message threatens to
escalate, ``-`` the buyer is negative (angry, frustrated, disappointed, sarcastic), ``^`` the buyer
asks for a human / 主管 / 经理.

Labels written by hand in the header: the content rules read by meaning (ad_absolute,
forbidden_promise, abuse, shirking, review_manipulation, off_platform, pii_leak, solution_offered,
refund_no_arrival_time).  Derived here from the marks and the written definitions (so that they are
consistent): escalation_risk, buyer_negative, risk_and_negative, risk_not_soothed, handover_ignored,
greeting_missing, closing_missing, repetition and the five timing rules.  A header label prefixed
with ``-`` removes a derived label, ``+`` forces one (used sparingly; each use is a judgement by
meaning that the helper lists cannot express).

Run: ``python tests/qa/blind/set1/build.py`` (writes chats.json and prints counts).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLATFORMS = {"tm": "tmall", "tb": "taobao", "jd": "jd", "dy": "douyin", "pdd": "pdd"}
ROLES = {"b": "buyer", "a": "agent", "r": "bot", "s": "system"}
TZ = dt.timezone(dt.timedelta(hours=8))

CONTENT = {
    "ad_absolute",
    "forbidden_promise",
    "abuse",
    "shirking",
    "review_manipulation",
    "off_platform",
    "pii_leak",
    "solution_offered",
    "refund_no_arrival_time",
}
DERIVED = {
    "escalation_risk",
    "buyer_negative",
    "risk_and_negative",
    "risk_not_soothed",
    "handover_ignored",
    "greeting_missing",
    "closing_missing",
    "repetition",
    "first_response_slow",
    "avg_response_slow",
    "three_minute_miss",
    "buyer_wait_100s",
    "last_unanswered",
}
ALL_CODES = CONTENT | DERIVED

# A few traditional characters used in the dialogues, folded so the helper checks see them.
TRAD = str.maketrans(
    "親歡謝還幫隨問題們這麼請稍應說買賣貨號費發錢對聯絡盡處來為嗎後種實價優顧遲給個這讓",
    "亲欢谢还帮随问题们这么请稍应说买卖货号费发钱对联络尽处来为吗后种实价优顾迟给个这让",
)

GREETING = ("您好", "你好", "亲", "欢迎", "在的", "很高兴为您服务", "hello", "哈喽")
CLOSING = (
    "还有其他",
    "还有什么可以帮",
    "还有什么需要",
    "祝",
    "感谢",
    "谢谢",
    "欢迎再来",
    "欢迎下次",
    "欢迎常来",
    "随时找我",
    "随时联系",
    "随时咨询",
    "有问题随时",
)
SOOTHE = (
    "抱歉",
    "对不起",
    "不好意思",
    "带来不便",
    "理解您的心情",
    "非常理解",
    "理解您",
    "歉意",
    "消消气",
    "别着急",
    "不要着急",
)
COURTESY = sorted(
    [
        "知道了",
        "谢谢你",
        "谢谢亲",
        "谢谢",
        "感谢",
        "多谢",
        "好的",
        "好滴",
        "收到",
        "嗯",
        "哦",
        "噢",
        "ok",
        "okay",
        "行",
        "好",
        "亲",
        "啦",
        "了",
        "呀",
        "哈",
        "吧",
        "的",
        "么么哒",
        "3q",
        "thx",
        "thanks",
        "明白",
        "麻烦了",
        "麻烦你了",
        "麻烦您了",
        "辛苦了",
        "没问题",
        "没有了",
        "没了",
    ],
    key=len,
    reverse=True,
)
TRANSFER = ("转人工", "转接", "人工客服")


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(TRAD).lower()


def strip_marks(text: str) -> str:
    """Drop punctuation, symbols (emoji), spaces and bracketed stickers."""
    text = re.sub(r"\[[^\]]{1,8}\]", "", fold(text))
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith(("P", "S", "Z", "C")))


def needs_answer(text: str) -> bool:
    if re.search(r"\[(图片|视频|商品|链接|订单)", text):
        return True  # a photo, video or link sent as evidence is not a sticker
    rest = strip_marks(text)
    changed = True
    while rest and changed:
        changed = False
        for word in COURTESY:
            if rest.startswith(word):
                rest = rest[len(word) :]
                changed = True
                break
    return bool(rest)


def same_reply_key(text: str) -> str:
    key = strip_marks(text)
    while key and key[-1] in "哦呢啊呀":
        key = key[:-1]
    return key


def has_any(text: str, words) -> bool:
    folded = fold(text)
    return any(word in folded for word in words)


def parse_start(text: str) -> dt.datetime:
    date, clock = text.split()
    month, day = (int(x) for x in date.split("-"))
    parts = [int(x) for x in clock.split(":")] + [0]
    return dt.datetime(2026, month, day, parts[0], parts[1], parts[2], tzinfo=TZ)


def derive(msgs, start: dt.datetime) -> set[str]:
    """Labels that follow mechanically from the written definitions and the line marks."""
    out: set[str] = set()
    agents = [i for i, m in enumerate(msgs) if m["role"] == "agent"]
    human = bool(agents)
    if any("!" in m["flags"] for m in msgs):
        out.add("escalation_risk")
    if any("-" in m["flags"] for m in msgs):
        out.add("buyer_negative")
    # handover_ignored: after a request, no transfer notice and no human message.
    for i, m in enumerate(msgs):
        if "^" in m["flags"]:
            later = msgs[i + 1 :]
            handed = any(
                x["role"] == "agent" or (x["role"] == "system" and has_any(x["text"], TRANSFER)) for x in later
            )
            if not handed:
                out.add("handover_ignored")
    if not human:
        return out
    # risk_not_soothed
    for i, m in enumerate(msgs):
        if "!" in m["flags"]:
            nxt = [x for x in msgs[i + 1 :] if x["role"] == "agent"][:2]
            if not any(has_any(x["text"], SOOTHE) for x in nxt):
                out.add("risk_not_soothed")
    if not has_any(msgs[agents[0]]["text"], GREETING):
        out.add("greeting_missing")
    if not any(has_any(msgs[i]["text"], CLOSING) for i in agents[-2:]):
        out.add("closing_missing")
    keys = [same_reply_key(msgs[i]["text"]) for i in agents]
    for k in range(len(keys)):
        window = [x for x in keys[k : k + 5] if len(x) >= 6]
        if any(c >= 3 for c in Counter(window).values()):
            out.add("repetition")
    # timing
    first = agents[0]
    begin = 0
    rounds: list[list] = []
    open_at = None
    if any(m["role"] == "bot" for m in msgs[:first]):
        notices = [i for i in range(first) if msgs[i]["role"] == "system" and has_any(msgs[i]["text"], TRANSFER)]
        if notices:
            begin = notices[-1]
        else:
            begin = max(i for i in range(first) if msgs[i]["role"] == "bot")
        open_at = msgs[begin]["t"]
        begin += 1
    for m in msgs[begin:]:
        if m["role"] == "buyer" and open_at is None and needs_answer(m["text"]):
            open_at = m["t"]
        elif m["role"] == "agent" and open_at is not None:
            rounds.append([open_at, m["t"]])
            open_at = None
    if open_at is not None:
        rounds.append([open_at, None])
    last_t = msgs[-1]["t"]
    answered = [b - a for a, b in rounds if b is not None]
    if rounds and rounds[0][1] is not None and rounds[0][1] - rounds[0][0] > 30:
        out.add("first_response_slow")
    if answered and sum(answered) / len(answered) > 45:
        out.add("avg_response_slow")
    for a, b in rounds:
        local = start + dt.timedelta(seconds=a)
        if local.hour >= 8 and (b is None or b - a > 180):
            out.add("three_minute_miss")
        if (b if b is not None else last_t) - a >= 100:
            out.add("buyer_wait_100s")
    need = [i for i, m in enumerate(msgs) if m["role"] == "buyer" and needs_answer(m["text"])]
    if need and not any(m["role"] == "agent" for m in msgs[need[-1] + 1 :]):
        out.add("last_unanswered")
    return out


def parse(text: str, source: str):
    chats = []
    cur = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not line.strip() or line.startswith("//"):
            continue
        where = f"{source}:{lineno}"
        if line.startswith("#"):
            head = [p.strip() for p in line[1:].split("|")]
            while len(head) < 3:
                head.append("")
            plat, date, clock = head[0].split()
            cur = {
                "platform": PLATFORMS[plat],
                "start": parse_start(f"{date} {clock}"),
                "labels": head[1].split(),
                "tricks": head[2].split(),
                "messages": [],
                "where": where,
            }
            chats.append(cur)
            continue
        m = re.match(r"^([bars])([!^\-]*)\s+(\+?\d+(?:\.\d+)?)\s+(.*)$", line)
        if not m or cur is None:
            sys.exit(f"{where}: cannot read line {line!r}")
        role, flags, tm, body = m.groups()
        msgs = cur["messages"]
        prev = msgs[-1]["t"] if msgs else 0
        t = prev + float(tm[1:]) if tm.startswith("+") else float(tm)
        if msgs and t < prev:
            sys.exit(f"{where}: time goes backwards")
        if t == int(t):
            t = int(t)
        msgs.append({"role": ROLES[role], "t": t, "text": body.strip(), "flags": flags})
    return chats


def build():
    chats = []
    for path in sorted(HERE.glob("dialogues_*.txt")):
        chats.extend(parse(path.read_text(encoding="utf-8"), path.name))
    out = []
    counts: Counter = Counter()
    for n, chat in enumerate(chats, 1):
        labels = set()
        forced_add, forced_del = set(), set()
        for lab in chat["labels"]:
            code = lab.lstrip("+-")
            if code not in ALL_CODES:
                sys.exit(f"{chat['where']}: unknown label {lab}")
            if lab.startswith("+"):
                forced_add.add(code)
            elif lab.startswith("-"):
                forced_del.add(code)
            elif code in CONTENT:
                labels.add(code)
            else:
                sys.exit(f"{chat['where']}: {code} is derived; mark lines or use +/-")
        labels |= derive(chat["messages"], chat["start"])
        labels = (labels | forced_add) - forced_del
        if "escalation_risk" in labels and "buyer_negative" in labels:
            labels.add("risk_and_negative")
        else:
            labels.discard("risk_and_negative")
        human = any(m["role"] == "agent" for m in chat["messages"])
        human_only = {
            "abuse",
            "shirking",
            "solution_offered",
            "refund_no_arrival_time",
            "risk_not_soothed",
        }
        if not human and labels & human_only:
            sys.exit(f"{chat['where']}: human-conduct label on a bot-only chat")
        counts.update(labels)
        out.append(
            {
                "id": f"b1-{n:04d}",
                "platform": chat["platform"],
                "start": chat["start"].isoformat(),
                "handled_by": "human" if human else "bot",
                "messages": [{"role": m["role"], "t": m["t"], "text": m["text"]} for m in chat["messages"]],
                "labels": sorted(labels),
                "tricks": chat["tricks"],
            }
        )
    return out, counts


def main():
    out, counts = build()
    target = HERE / "chats.json"
    if "--check" not in sys.argv:
        target.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(out)} chats")
    for code in sorted(ALL_CODES):
        print(f"{code:24} {counts[code]}")
    if "-v" in sys.argv:
        for c in out:
            print(c["id"], " ".join(c["labels"]), "|", " ".join(c["tricks"]))


if __name__ == "__main__":
    main()
