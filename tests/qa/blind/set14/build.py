"""Build tests/qa/blind/set14/chats.json from the hand-written dialogues_NN.txt files.

Written by the qaset14 helper from docs/qa_rule_meanings.md and issue #16 only (see README.md).
Deterministic: the same text files always give the same chats.json.

Dialogue format (one chat per block):

    === <platform> [<YYYY-MM-DD>] <HH:MM:SS> | <content labels, comma separated> | <tricks>
    <role> <delta seconds> <text>

platform: tb (Taobao), tm (Tmall, written as taobao), jd, dy (Douyin), pdd.
Without a date the chat gets 2026-06-15 + (n mod 28) days.  delta = seconds after the previous
message (may be fractional; the first message is at t=0 whatever is written).
roles: b buyer, a human agent, bot, sys.  Buyer markers: b! escalation-risk message, b- negative
message, b!- both.  Agent marker: a~ = soothes in words not on the meanings page's list.
Content label codes: ad forbidden abuse shirk rm op pii sol rnat hi (see CODES).
escalation_risk / buyer_negative / risk_and_negative / risk_not_soothed come from the markers;
greeting_missing, closing_missing, repetition and all timing rules are computed here from the
written definitions (my own implementation, not the project's code).
"""

import datetime as dt
import glob
import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SH = dt.timezone(dt.timedelta(hours=8))

RULES = [
    "ad_absolute",
    "forbidden_promise",
    "abuse",
    "shirking",
    "review_manipulation",
    "off_platform",
    "pii_leak",
    "escalation_risk",
    "buyer_negative",
    "risk_and_negative",
    "risk_not_soothed",
    "solution_offered",
    "greeting_missing",
    "closing_missing",
    "repetition",
    "refund_no_arrival_time",
    "handover_ignored",
    "first_response_slow",
    "avg_response_slow",
    "three_minute_miss",
    "buyer_wait_100s",
    "last_unanswered",
]
CODES = {
    "ad": "ad_absolute",
    "fp": "forbidden_promise",
    "abuse": "abuse",
    "shirk": "shirking",
    "rm": "review_manipulation",
    "op": "off_platform",
    "pii": "pii_leak",
    "sol": "solution_offered",
    "rnat": "refund_no_arrival_time",
    "hi": "handover_ignored",
}
HUMAN_CONDUCT = {"abuse", "shirking", "solution_offered", "refund_no_arrival_time"}
PLATFORMS = {"tb": "taobao", "tm": "taobao", "jd": "jd", "dy": "douyin", "pdd": "pdd"}
ROLES = {"b": "buyer", "a": "agent", "bot": "bot", "sys": "system"}

SOOTHE = [
    "抱歉",
    "對不起",
    "对不起",
    "不好意思",
    "给您带来不便",
    "給您帶來不便",
    "理解您的心情",
    "非常理解",
    "歉意",
    "抱歉",
]
GREET_RE = re.compile(
    r"您好|你好|妳好|欢迎|歡迎|(?<![现存实所正自])在的|很高兴为您服务|(?<![父母双乡探相])亲(?![肤自子戚手测身人密近节])|(?<![父母雙])親(?![膚自子])"
)
CLOSE_RE = re.compile(
    r"还有其他|還有其他|还有什么|祝|感谢|感謝|谢谢|謝謝|欢迎再来|欢迎下次|欢迎常来|"
    r"有问题随时|有問題隨時|随时找我|随时联系|随时滴滴"
)
TRANSFER_RE = re.compile(r"转人工|轉人工|转接|轉接|人工客服")
COURTESY = ['好的', '好滴', '好哒', '好吧', '好', '嗯', '恩', '哦', '噢', 'ok', 'okay', '谢谢', '謝謝', '谢了', '多谢', '感谢', '感謝', '谢谢你们', '谢谢你', '謝謝你', '收到', '行吧', '行', '知道了', '明白了', '明白', '了解', '辛苦了', '辛苦', '拜拜', '再见', '再見', '没事了', '沒事了', '没了', '没有了', '好嘞', '嗯呢', '谢啦', '谢谢啦', '蟹蟹', '感恩', '么么哒', '么么', 'mua', '比心', '爱你', '赞', '点赞', '棒', 'thx', 'thanks', 'thankyou', '3q']  # the page's full list (timing section)
COURTESY_TAIL = "哈啦呢呀了亲"
NOT_STICKERS = {"图片", "商品", "订单", "视频", "语音", "链接", "手机号", "文件", "位置", "卡片"}
STICKER_RE = re.compile(r"\[([^\[\]]{1,8})\]")
EMOJI_RE = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u200d]")
PUNCT_RE = re.compile(r"[\s\.,!?;:~～、，。！？；：…\-—_·'\"“”‘’()（）【】《》<>/\\|*#^&%@]+")
PARTICLES = "哦呢啊呀~～"


def is_courtesy(text):
    """Pure courtesy/acknowledgement (opens no round), by the meanings page's listed words."""
    if not text.strip():
        return False
    had = False
    rest = text
    for m in STICKER_RE.finditer(text):
        if m.group(1) in NOT_STICKERS:
            return False
    if STICKER_RE.search(rest):
        had = True
    rest = STICKER_RE.sub("", rest)
    if EMOJI_RE.search(rest):
        had = True
    rest = EMOJI_RE.sub("", rest)
    rest = PUNCT_RE.sub("", rest).lower()
    changed = True
    while rest and changed:
        changed = False
        for w in sorted(COURTESY, key=len, reverse=True):
            if rest.startswith(w):
                rest = rest[len(w) :]
                had = True
                changed = True
                break
        if not changed and had and rest[0] in COURTESY_TAIL:
            rest = rest[1:]
            changed = True
    return had and rest == ""


def norm_reply(text):
    s = STICKER_RE.sub("", text)
    s = EMOJI_RE.sub("", s)
    s = PUNCT_RE.sub("", s)
    while s and s[-1] in PARTICLES:
        s = s[:-1]
    return s


def wait(a, b):
    return int((b - a) + 0.5 + 1e-9)


def parse_file(path):
    chats = []
    cur = None
    for ln, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("==="):
            parts = [p.strip() for p in line[3:].split("|")]
            head = parts[0].split()
            cur = {
                "src": f"{os.path.basename(path)}:{ln}",
                "plat": head[0],
                "date": head[1] if len(head) == 3 else None,
                "time": head[-1],
                "codes": [c.strip() for c in parts[1].split(",") if c.strip()] if len(parts) > 1 else [],
                "tricks": [c.strip() for c in parts[2].split(",") if c.strip()] if len(parts) > 2 else [],
                "msgs": [],
            }
            chats.append(cur)
            continue
        role, delta, text = (line.split(" ", 2) + ["", ""])[:3]
        mark = ""
        base = role
        while base and base[-1] in "!-~":
            mark += base[-1]
            base = base[:-1]
        if base not in ROLES:
            raise SystemExit(f"{path}:{ln}: bad role {role!r}")
        cur["msgs"].append({"role": ROLES[base], "delta": float(delta), "text": text, "mark": mark})
    return chats


def timing(msgs, start):
    """Timing labels from the meanings page (human-handled chats only)."""
    out = set()
    agent_idx = [i for i, m in enumerate(msgs) if m["role"] == "agent"]
    if not agent_idx:
        return out
    first_agent = agent_idx[0]
    handed = any(m["role"] in ("bot", "system") for m in msgs[:first_agent])
    side_start = 0
    hand_t = None
    if handed:
        notices = [i for i in range(first_agent) if msgs[i]["role"] == "system" and TRANSFER_RE.search(msgs[i]["text"])]
        bots = [i for i in range(first_agent) if msgs[i]["role"] == "bot"]
        hi = notices[-1] if notices else (bots[-1] if bots else None)
        if hi is not None:
            side_start = hi + 1
            hand_t = msgs[hi]["t"]
    rounds = []  # [open_t, answer_t or None]
    open_r = None
    if hand_t is not None:
        open_r = [hand_t, None]
    for m in msgs[side_start:]:
        if m["role"] == "buyer" and open_r is None and not is_courtesy(m["text"]):
            open_r = [m["t"], None]
        elif m["role"] == "agent" and open_r is not None:
            open_r[1] = m["t"]
            rounds.append(open_r)
            open_r = None
    if open_r is not None:
        rounds.append(open_r)
    last_t = msgs[-1]["t"]
    if rounds and rounds[0][1] is not None and wait(rounds[0][0], rounds[0][1]) > 30:
        out.add("first_response_slow")
    answered = [wait(o, a) for o, a in rounds if a is not None]
    if answered and sum(answered) / len(answered) > 45:
        out.add("avg_response_slow")
    for o, a in rounds:
        when = start + dt.timedelta(seconds=o)
        hour_ok = when.hour >= 8
        if hour_ok and (a is None or wait(o, a) > 180):
            out.add("three_minute_miss")
        if wait(o, a if a is not None else last_t) >= 100:
            out.add("buyer_wait_100s")
    needing = [i for i, m in enumerate(msgs) if m["role"] == "buyer" and not is_courtesy(m["text"])]
    if needing and not any(m["role"] == "agent" for m in msgs[needing[-1] + 1 :]):
        out.add("last_unanswered")
    return out


def labels_for(c):
    msgs = c["msgs"]
    human = any(m["role"] == "agent" for m in msgs)
    labels = set()
    for code in c["codes"]:
        if code not in CODES:
            raise SystemExit(f"{c['src']}: unknown label code {code!r}")
        labels.add(CODES[code])
    if not human and labels & HUMAN_CONDUCT:
        raise SystemExit(f"{c['src']}: human-conduct label on a bot-only chat")
    if any("!" in m["mark"] for m in msgs if m["role"] == "buyer"):
        labels.add("escalation_risk")
    if any("-" in m["mark"] for m in msgs if m["role"] == "buyer"):
        labels.add("buyer_negative")
    if {"escalation_risk", "buyer_negative"} <= labels:
        labels.add("risk_and_negative")
    if human:
        for i, m in enumerate(msgs):
            if m["role"] == "buyer" and "!" in m["mark"]:
                nxt = [x for x in msgs[i + 1 :] if x["role"] == "agent"][:2]
                if not any("~" in x["mark"] or any(w in x["text"] for w in SOOTHE) for x in nxt):
                    labels.add("risk_not_soothed")
        agents = [m for m in msgs if m["role"] == "agent"]
        if not GREET_RE.search(agents[0]["text"]):
            labels.add("greeting_missing")
        if not any(CLOSE_RE.search(m["text"]) for m in agents[-2:]):
            labels.add("closing_missing")
        normed = [norm_reply(m["text"]) for m in agents]
        for s in range(len(normed)):
            win = [x for x in normed[s : s + 5] if len(x) >= 6]
            if any(win.count(x) >= 3 for x in win):
                labels.add("repetition")
        labels |= timing(msgs, c["start_dt"])
    return [r for r in RULES if r in labels]


def build():
    files = sorted(glob.glob(os.path.join(HERE, "dialogues_*.txt")))
    chats = []
    for f in files:
        chats.extend(parse_file(f))
    out = []
    base = dt.date(2026, 6, 15)
    for n, c in enumerate(chats, 1):
        if c["plat"] not in PLATFORMS:
            raise SystemExit(f"{c['src']}: bad platform")
        day = dt.date.fromisoformat(c["date"]) if c["date"] else base + dt.timedelta(days=(n - 1) % 28)
        hh, mm, ss = (int(x) for x in c["time"].split(":"))
        c["start_dt"] = dt.datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=SH)
        t = 0.0
        for i, m in enumerate(c["msgs"]):
            if i:
                if m["delta"] <= 0:
                    raise SystemExit(f"{c['src']}: non-increasing time at message {i}")
                t = round(t + m["delta"], 3)
            m["t"] = t
        human = any(m["role"] == "agent" for m in c["msgs"])
        tricks = list(c["tricks"])
        if c["plat"] == "tm" and "tmall" not in tricks:
            tricks.append("tmall")
        out.append(
            {
                "id": f"b14-{n:04d}",
                "platform": PLATFORMS[c["plat"]],
                "start": c["start_dt"].isoformat(),
                "handled_by": "human" if human else "bot",
                "messages": [{"role": m["role"], "t": m["t"], "text": m["text"]} for m in c["msgs"]],
                "labels": labels_for(c),
                "tricks": tricks,
            }
        )
    return out


def main():
    chats = build()
    text = json.dumps(chats, ensure_ascii=False, indent=1) + "\n"
    if "--write" in sys.argv:
        with open(os.path.join(HERE, "chats.json"), "w", encoding="utf-8") as fh:
            fh.write(text)
    counts = {r: sum(r in c["labels"] for c in chats) for r in RULES}
    print(
        f"chats {len(chats)}  human {sum(c['handled_by'] == 'human' for c in chats)}  "
        f"clean {sum(not c['labels'] for c in chats)}"
    )
    for r in RULES:
        print(f"{r:24s} {counts[r]:4d}")
    print("sha256", hashlib.sha256(text.encode("utf-8")).hexdigest())
    if "--audit" in sys.argv:
        for c in chats:
            bm = [m for m in c["messages"] if m["role"] == "buyer"]
            short = [m["text"] for m in bm if len(m["text"]) <= 4]
            if short:
                print(c["id"], "short buyer:", short, "->", ",".join(c["labels"]))
    if "--show" in sys.argv:
        for c in chats:
            print(c["id"], ",".join(c["labels"]), "|", ",".join(c["tricks"]))


if __name__ == "__main__":
    main()
