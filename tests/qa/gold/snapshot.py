"""Every answer of the QA engine, saved before a change and compared after it.

    .venv/bin/python -m tests.qa.gold.snapshot save var/engine-before.json
    # ... change apps/qa/engine.py ...
    .venv/bin/python -m tests.qa.gold.snapshot compare var/engine-before.json

A speed change to the engine must not change what it answers. This scores a fixed corpus with the
default pack and with the benchmark's 3,654-term scorecard: every gold chat, 20,000 benchmark
conversations and 20,000 demo dialogues (bot-only, unscorable, every platform, promo load), and
keeps every field of every result and hit (status, reason, score, pass, fired rules, each hit's
message, span and excerpt). `compare` prints the first differences and exits 1 if there is any.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PLATFORMS = ("tmall", "taobao", "jd", "douyin", "pinduoduo")
CATEGORIES = ("skincare", "outdoor", "baby", "appliance", "snacks")


def corpus() -> list:
    from apps.conversations.demo_dialogues import make_dialogue
    from apps.qa import engine
    from bench.qa_engine import conversations
    from tests.qa.test_accuracy import to_input

    out = []
    for path in sorted(Path(__file__).parent.glob("*.json")):
        out += [to_input(chat) for chat in json.loads(path.read_text(encoding="utf-8"))]
    out += conversations(20_000, seed=7)
    rng = random.Random(5)
    for k in range(20_000):
        platform = rng.choice(PLATFORMS)
        dialogue = make_dialogue(
            rng,
            category=rng.choice(CATEGORIES),
            platform=platform,
            shop="旗舰店",
            bot_name="小蜜",
            agent_nick=None if rng.random() < 0.1 else "客服A",
            phase=rng.choice(("normal", "presale", "peak", "post")),
            load=rng.choice((1.0, 3.0)),
        )
        messages = tuple(engine.MessageIn(t.role, float(t.at), t.content, t.msg_type) for t in dialogue.turns)
        out.append(
            engine.ConversationIn(
                key=f"demo-{k}",
                platform=platform,
                messages=messages,
                handled_by=dialogue.handled_by,
                transferred_to_human=dialogue.transferred,
                has_agent=rng.random() > 0.02,
            )
        )
    return out


def answers() -> list[list]:
    from apps.qa import engine
    from bench.qa_engine import scorecard_spec
    from tests.qa.conftest import pack_scorecard

    convs = corpus()
    cards = (pack_scorecard(), engine.compile_scorecard(scorecard_spec()))
    return [
        [
            [
                str(r.key),
                r.status,
                r.reason,
                r.score,
                r.passed,
                r.critical,
                sorted(r.fired),
                [list(h) for h in r.hits],
            ]
            for r in (card.score(c) for c in convs)
        ]
        for card in cards
    ]


def main(argv: list[str]) -> int:
    import django

    django.setup()
    if len(argv) != 2 or argv[0] not in ("save", "compare"):
        print(__doc__)
        return 2
    path = Path(argv[1])
    now = answers()
    if argv[0] == "save":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(now, ensure_ascii=False), encoding="utf-8")
        print(f"saved {len(now[0]):,} answers per scorecard to {path}")
        return 0
    before = json.loads(path.read_text(encoding="utf-8"))
    differ = [
        (card, old, new)
        for card, (olds, news) in enumerate(zip(before, now, strict=True))
        for old, new in zip(olds, news, strict=True)
        if old != new
    ]
    for card, old, new in differ[:10]:
        print(f"scorecard {card}:\n  before {old}\n  after  {new}")
    print(f"{len(now[0]):,} conversations per scorecard, {len(differ)} answers differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
