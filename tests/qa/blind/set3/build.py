"""Build tests/qa/blind/set3/chats.json from the hand-written dialogues in dialogues_*.txt.

Written from docs/qa_rule_meanings.md only (no engine code read). Content labels are written by
hand in each chat's header or as line markers; the timing labels and greeting/closing/repetition
are computed here from the written definitions (own implementation), with manual overrides.

Dialogue format::

    === <platform> <YYYY-MM-DD HH:MM:SS> | <labels> | <tricks>
    <role>[markers] <delta|@abs> <text>

role: b buyer, a agent, r bot, s system. delta: seconds after the previous message (or @t absolute).
buyer markers: ! escalation-risk message, - negative message. agent marker: ~ soothes (by meaning).
labels: short codes (see CODES); +code / -code force an auto-computed label on / off.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).parent
SH = timezone(timedelta(hours=8))

CODES = {
    "ad": "ad_absolute",
    "pr": "forbidden_promise",
    "ab": "abuse",
    "sh": "shirking",
    "rv": "review_manipulation",
    "op": "off_platform",
    "pii": "pii_leak",
    "esc": "escalation_risk",
    "neg": "buyer_negative",
    "rn": "risk_and_negative",
    "rns": "risk_not_soothed",
    "sol": "solution_offered",
    "gm": "greeting_missing",
    "cm": "closing_missing",
    "rep": "repetition",
    "rf": "refund_no_arrival_time",
    "ho": "handover_ignored",
    "frs": "first_response_slow",
    "avg": "avg_response_slow",
    "3m": "three_minute_miss",
    "w100": "buyer_wait_100s",
    "lu": "last_unanswered",
}
ORDER = list(CODES.values())
AUTO = {"gm", "cm", "rep", "frs", "avg", "3m", "w100", "lu", "esc", "neg", "rn", "rns"}
HUMAN_ONLY = {"ab", "sh", "gm", "cm", "rep", "frs", "avg", "3m", "w100", "lu", "rns", "sol", "rf"}

COURTESY = ["知道了", "好的", "谢谢", "收到", "ok", "嗯", "哦", "行"]
TRANSFER = ("转人工", "转接", "人工客服")
SOOTHE = ("抱歉", "对不起", "不好意思", "给您带来不便", "理解您的心情", "非常理解", "抱謙", "對不起")
GREET = ("您好", "你好", "欢迎", "歡迎", "在的", "很高兴为您服务")
NOT_GREET_QIN = ("亲自", "亲手", "亲测", "亲肤", "母亲", "父亲", "亲子", "亲戚", "亲身", "亲眼")
CLOSE = (
    "还有其他",
    "还有什么可以帮",
    "祝",
    "感谢",
    "感謝",
    "谢谢",
    "謝謝",
    "欢迎再来",
    "歡迎再來",
    "欢迎常来",
    "欢迎下次",
    "随时找我",
    "随时联系",
    "有问题随时",
    "有需要随时",
)
PARTICLES = "哦呢啊呀~～喔啦哈嘛"


def is_emoji(ch: str) -> bool:
    o = ord(ch)
    return o >= 0x1F000 or 0x2600 <= o <= 0x27BF or o in (0xFE0F, 0x200D)


def strip_punct(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in t if not (unicodedata.category(ch)[0] in "PZS" or ch.isspace() or is_emoji(ch)))


def needs_answer(text: str) -> bool:
    t = unicodedata.normalize("NFKC", text).lower()
    if not t.strip():
        return True
    core = strip_punct(t)
    if not core:
        # only punctuation/emoji: emoji alone is courtesy, "？？" needs an answer
        return not any(is_emoji(ch) for ch in t)
    changed = True
    while core and changed:
        changed = False
        for w in COURTESY:
            if core.startswith(w):
                core = core[len(w) :]
                changed = True
    return bool(core)


def has_greeting(text: str) -> bool:
    if any(g in text for g in GREET):
        return True
    t = text
    for w in NOT_GREET_QIN:
        t = t.replace(w, "")
    return "亲" in t or "親" in t


def has_closing(text: str) -> bool:
    return any(c in text for c in CLOSE)


def norm_rep(text: str) -> str:
    core = strip_punct(text)
    while core and core[-1] in PARTICLES:
        core = core[:-1]
    return core


def half_up(x: float) -> int:
    return int(Decimal(str(x)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def timing(msgs, start: datetime) -> set[str]:
    out: set[str] = set()
    agent_idx = [i for i, m in enumerate(msgs) if m["role"] == "agent"]
    if not agent_idx:
        return out
    first_agent = agent_idx[0]
    roles = {m["role"] for m in msgs}
    transferred = ("bot" in roles and "agent" in roles) or any(
        m["role"] == "system" and any(w in m["text"] for w in TRANSFER) for m in msgs
    )
    rounds = []  # [open_t, close_t|None]
    open_round = None
    if transferred:
        notice = [
            i for i in range(first_agent) if msgs[i]["role"] == "system" and any(w in msgs[i]["text"] for w in TRANSFER)
        ]
        bots = [i for i in range(first_agent) if msgs[i]["role"] == "bot"]
        if notice:
            hm = notice[-1]
        elif bots:
            hm = bots[-1]
        else:
            raise ValueError("transferred chat without hand-over moment")
        open_round = [msgs[hm]["t"], None]
        rounds.append(open_round)
        first_i = hm + 1
    else:
        first_i = 0
    for m in msgs[first_i:]:
        if m["role"] == "buyer" and needs_answer(m["text"]) and open_round is None:
            open_round = [m["t"], None]
            rounds.append(open_round)
        elif m["role"] == "agent" and open_round is not None:
            open_round[1] = m["t"]
            open_round = None
    last_t = msgs[-1]["t"]
    answered = [half_up(c - o) for o, c in rounds if c is not None]
    if rounds and rounds[0][1] is not None and half_up(rounds[0][1] - rounds[0][0]) > 30:
        out.add("frs")
    if answered and sum(answered) / len(answered) > 45:
        out.add("avg")
    for o, c in rounds:
        clock = start + timedelta(seconds=o)
        in_window = clock.hour >= 8
        wait = half_up((c if c is not None else last_t) - o)
        if in_window and (c is None or wait > 180):
            out.add("3m")
        if wait >= 100:
            out.add("w100")
    need = [i for i, m in enumerate(msgs) if m["role"] == "buyer" and needs_answer(m["text"])]
    if need and not any(m["role"] == "agent" for m in msgs[need[-1] + 1 :]):
        out.add("lu")
    return out


def parse(path: Path):
    chats = []
    cur = None
    for ln, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("==="):
            parts = [p.strip() for p in line[3:].split("|")]
            head = parts[0].split()
            cur = {
                "src": f"{path.name}:{ln}",
                "platform": head[0],
                "start": datetime.strptime(head[1] + " " + head[2], "%Y-%m-%d %H:%M:%S").replace(tzinfo=SH),
                "labels": parts[1].split() if len(parts) > 1 else [],
                "tricks": parts[2].split() if len(parts) > 2 else [],
                "msgs": [],
            }
            chats.append(cur)
            continue
        m = re.match(r"^([barsa])([!\-~]*)\s+(@?[0-9.]+)\s(.*)$", line)
        if not m:
            raise SystemExit(f"{path.name}:{ln}: bad line {line!r}")
        role = {"b": "buyer", "a": "agent", "r": "bot", "s": "system"}[m.group(1)]
        marks, tt, text = m.group(2), m.group(3), m.group(4)
        prev = cur["msgs"][-1]["t"] if cur["msgs"] else 0.0
        t = float(tt[1:]) if tt.startswith("@") else (prev + float(tt) if cur["msgs"] else float(tt))
        cur["msgs"].append({"role": role, "t": t, "text": text, "marks": marks})
    return chats


def label(chat) -> tuple[list[str], list[str]]:
    msgs = chat["msgs"]
    warn = []
    human = any(m["role"] == "agent" for m in msgs)
    manual = set()
    force_on, force_off = set(), set()
    for tok in chat["labels"]:
        if tok.startswith("+"):
            force_on.add(tok[1:])
        elif tok.startswith("-"):
            force_off.add(tok[1:])
        else:
            manual.add(tok)
    for tok in manual | force_on | force_off:
        if tok not in CODES:
            raise SystemExit(f"{chat['src']}: unknown code {tok}")
    auto: set[str] = set()
    if any("!" in m["marks"] for m in msgs):
        auto.add("esc")
    if any("-" in m["marks"] for m in msgs):
        auto.add("neg")
    if human:
        agents = [m for m in msgs if m["role"] == "agent"]
        if not has_greeting(agents[0]["text"]):
            auto.add("gm")
        if not any(has_closing(m["text"]) for m in agents[-2:]):
            auto.add("cm")
        normed = [norm_rep(m["text"]) for m in agents]
        for s in range(len(normed)):
            win = normed[s : s + 5]
            for x in set(win):
                if len(x) >= 6 and win.count(x) >= 3:
                    auto.add("rep")
        auto |= timing(msgs, chat["start"])
        for i, m in enumerate(msgs):
            if m["role"] == "buyer" and "!" in m["marks"]:
                nxt = [x for x in msgs[i + 1 :] if x["role"] == "agent"][:2]
                if not nxt:
                    warn.append("escalation with no agent message after it")
                if not any("~" in x["marks"] or any(w in x["text"] for w in SOOTHE) for x in nxt):
                    auto.add("rns")
    labels = (manual | auto | force_on) - force_off
    if {"esc", "neg"} <= labels:
        labels.add("rn")
    if manual & {"esc", "neg", "rns", "rn"}:
        warn.append(f"manual {manual & {'esc', 'neg', 'rns', 'rn'}} (use markers)")
    if not human and labels & HUMAN_ONLY:
        warn.append(f"human-only labels on bot-only chat: {labels & HUMAN_ONLY}")
    for tok in force_on & auto:
        warn.append(f"+{tok} already auto")
    for tok in force_off - auto:
        warn.append(f"-{tok} not auto")
    return [CODES[c] for c in CODES if c in labels], warn


def main() -> int:
    files = sorted(HERE.glob("dialogues_*.txt"))
    chats = [c for f in files for c in parse(f)]
    out = []
    nwarn = 0
    for n, c in enumerate(chats, 1):
        labels, warn = label(c)
        for w in warn:
            print(f"WARN {c['src']}: {w}")
            nwarn += 1
        human = any(m["role"] == "agent" for m in c["msgs"])
        tricks = [t for t in c["tricks"] if not (labels and t in ("clean", "clean_ish"))]
        if not human and "bot_only" not in tricks:
            tricks.append("bot_only")
        out.append(
            {
                "id": f"b3-{n:04d}",
                "platform": c["platform"],
                "start": c["start"].isoformat(),
                "handled_by": "human" if human else "bot",
                "messages": [{"role": m["role"], "t": round(m["t"], 1), "text": m["text"]} for m in c["msgs"]],
                "labels": labels,
                "tricks": tricks,
            }
        )
    if "--write" in sys.argv:
        (HERE / "chats.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    counts = {r: 0 for r in ORDER}
    for c in out:
        for code in c["labels"]:
            counts[code] += 1
    print(
        f"{len(out)} chats, {sum(1 for c in out if not c['labels'])} clean, "
        f"{sum(1 for c in out if c['handled_by'] == 'bot')} bot-only, {nwarn} warnings"
    )
    for r in ORDER:
        print(f"  {r:24s} {counts[r]:4d}")
    if "--show" in sys.argv:
        for c, o in zip(chats, out, strict=False):
            print(o["id"], c["src"], o["labels"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
