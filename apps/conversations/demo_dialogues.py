"""Realistic Chinese e-commerce customer-service dialogues for the demo (pure: no ORM, no clock).

`make_dialogue(rng, ...)` builds one conversation: the shop's bot answers first and resolves most
questions; the rest are handed over ("转人工") to a human agent, who greets, works the question and
closes. Wording is drawn from several phrasings per intent, with the brand's own products, order
numbers and amounts, so the chats do not read as one template.

A controlled minority of human chats carries what full-coverage QA looks for (absolute advertising
words, forbidden promises, off-platform contact, review manipulation, shirking, unsoothed escalation
threats, slow first replies, an unanswered last message, mechanical repetition, rare abuse); shoppers
sometimes type personal data (mobile numbers, ID numbers, bank cards, street addresses), which the
importer must mask. Each dialogue lists the events and the raw personal data it holds, so tests can
check both.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from apps.conversations.demo_phrases import (
    AGENT_ASK_ORDER,
    AGENT_CLOSINGS,
    AGENT_GREETINGS,
    AGENT_WAIT,
    BOT_CLOSINGS,
    BOT_DONT_GET,
    BOT_GREETINGS,
    BUYER_END,
    BUYER_PUSH,
    BUYER_THANKS,
    BUYER_WANT_HUMAN,
    BUYER_WORDS_A,
    BUYER_WORDS_B,
    CARD_BINS,
    CATEGORY_QA,
    CITIES,
    COURIERS,
    ESCALATION_BUYER,
    EVENT_LINES,
    FOLLOWUPS,
    GENERIC_INTENTS,
    GIFTS,
    ID_REGIONS,
    INTENT_TOPIC,
    MOBILE_PREFIXES,
    OPENERS,
    PHASE_MIX,
    PRODUCTS,
    PROVINCE_CITIES,
    REPEAT_LINE,
    ROADS,
    SOOTHE,
    SPEC_WORD,
    SYSTEM_OFFLINE,
    SYSTEM_TRANSFER,
    TRANSFER_RATE,
    UNSOOTHED,
)

BOT = "bot"
BUYER = "buyer"
AGENT = "agent"
SYSTEM = "system"

# Share of human chats that carry each QA event (each independently).
EVENT_RATES: dict[str, float] = {
    "absolute_words": 0.03,
    "forbidden_promise": 0.03,
    "off_platform": 0.02,
    "review_manipulation": 0.025,
    "shirking": 0.03,
    "escalation": 0.09,  # after-sale, logistics and complaint chats only; about half are soothed
    "slow_first_30": 0.07,  # first agent reply after 31–170 s
    "slow_first_180": 0.02,  # first agent reply after more than 3 minutes
    "unanswered_last": 0.03,
    "repetition": 0.015,
    "abuse": 0.003,
}
PII_RATE = 0.04  # share of all chats in which the shopper types personal data
QA_EVENTS = tuple(EVENT_RATES)


@dataclass(frozen=True)
class Turn:
    at: int  # whole seconds after the conversation's first message
    role: str  # buyer | agent | bot | system
    content: str
    msg_type: str = "text"  # text | image | order | product | system


@dataclass
class Dialogue:
    intent: str
    topic: str  # presale | logistics | aftersale | complaint
    turns: list[Turn]
    handled_by: str  # bot | human
    transferred: bool
    events: list[str] = field(default_factory=list)
    pii: list[str] = field(default_factory=list)


# --- personal data (valid check digits, so the masker has to catch them) ----------------------


def luhn_check_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return luhn_check_digit(number[:-1]) == number[-1]


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_character(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def fake_mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(8))


def fake_id_number(rng: random.Random) -> str:
    body = (
        rng.choice(ID_REGIONS)
        + f"{rng.randint(1972, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        + f"{rng.randrange(1000):03d}"
    )
    return body + id_check_character(body)


def fake_bank_card(rng: random.Random) -> str:
    length = rng.choice((16, 19, 19))
    body = rng.choice(CARD_BINS) + "".join(str(rng.randrange(10)) for _ in range(length - 7))
    return body + luhn_check_digit(body)


def fake_address(rng: random.Random) -> str:
    province, city, districts = rng.choice(PROVINCE_CITIES)
    return (
        f"{province}{city}{rng.choice(districts)}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
        f"{rng.randint(1, 30)}栋{rng.randint(1, 4)}单元{rng.randint(1, 32)}{rng.randint(1, 4):02d}室"
    )


def order_number(rng: random.Random, platform: str) -> str:
    """An order number in the platform's shape, never Luhn-valid, so no masker takes it for a card."""
    if platform == "jd":
        return f"{rng.randint(2, 3)}{rng.randrange(10**11):011d}"
    if platform == "pinduoduo":
        return f"26{rng.randint(9, 11):02d}{rng.randint(1, 28):02d}-{rng.randrange(10**15):015d}"
    lead = "6" if platform == "douyin" else rng.choice("234")
    number = f"{lead}{rng.randrange(10**18):018d}"
    if luhn_valid(number):
        number = number[:-1] + str((int(number[-1]) + 1) % 10)
    return number


def buyer_nick(rng: random.Random, platform: str) -> str:
    digits = str(rng.randint(2, 9)) + "".join(str(rng.randrange(10)) for _ in range(rng.randint(6, 8)))
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(BUYER_WORDS_A) + rng.choice(BUYER_WORDS_B) + (str(rng.randint(1, 99)) if roll < 0.2 else "")
    return {
        "jd": f"jd_{digits}",
        "douyin": f"用户{digits}",
        "pinduoduo": f"pdd{digits}",
    }.get(platform, f"tb{digits}")


# --- building a dialogue ------------------------------------------------------------------------


def _fill(rng: random.Random, text: str, slots: dict[str, str]) -> str:
    if "{" not in text:
        return text
    return text.format(**slots)


def _style(rng: random.Random, text: str, role: str) -> str:
    """Small variations real chats have: particles, tildes, emoticons, punctuation."""
    roll = rng.random()
    if role == AGENT:
        if roll < 0.15:
            return text + "~"
        if roll < 0.25:
            return text + "哦"
        if roll < 0.32:
            return text + "[微笑]"
        return text
    if role == BUYER:
        if roll < 0.1:
            return text + "？"
        if roll < 0.18:
            return text + "啊"
        if roll < 0.24:
            return text + "。。"
        return text
    return text


def _agent_latency(rng: random.Random, load: float) -> float:
    """Seconds a human agent takes to answer: mostly 5–60 s, longer under promo load."""
    seconds = math.exp(rng.gauss(math.log(13.0), 0.55)) * load
    return min(max(seconds, 4.0), 55.0 * load)


def _slots(rng: random.Random, category: str, platform: str, shop: str, bot: str, nick: str) -> dict[str, str]:
    product, price = rng.choice(PRODUCTS[category])
    full = rng.choice((199, 299, 399))
    return {
        "product": product,
        "price": f"{price / 100:.2f}",
        "amount": f"{price * rng.choice((1, 1, 2)) / 100:.2f}",
        "order": order_number(rng, platform),
        "courier": rng.choice(COURIERS[platform]),
        "city": rng.choice(CITIES),
        "eta": rng.choice(("明天", "后天", "明天下午", "今天晚些时候", "1-2天内")),
        "full": str(full),
        "off": str(rng.choice((20, 30, 50))),
        "coupon": str(rng.choice((5, 10, 15, 20))),
        "deposit": str(rng.choice((20, 30, 50, 100))),
        "size": rng.choice(("S", "M", "L", "XL", "XXL")),
        "height": str(rng.randint(155, 188)),
        "weight": str(rng.randint(90, 180)),
        "foot": str(rng.choice((235, 240, 245, 250, 255, 260, 265, 270))),
        "shoe": str(rng.choice((37, 38, 39, 40, 41, 42, 43))),
        "months": str(rng.randint(2, 24)),
        "bweight": str(rng.randint(10, 30)),
        "ticket": f"GD{rng.randint(10000000, 99999999)}",
        "wx": rng.choice(("kefu", "cs", "shop", "vip")) + f"_{rng.randint(100, 999)}{rng.choice('abcdxyz')}",
        "qq": str(rng.randint(200000000, 999999999)),
        "gift": rng.choice(GIFTS[category]),
        "spec": SPEC_WORD[category],
        "shop": shop,
        "bot": bot,
        "nick": nick,
    }


class _Script:
    """Collects turns with their timing."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.t = 0.0
        self.turns: list[Turn] = []

    def add(self, role: str, content: str, gap: float, msg_type: str = "text") -> None:
        """Whole seconds, strictly increasing, as chat exports show them."""
        self.t += gap if self.turns else 0.0
        at = max(int(self.t), int(self.turns[-1].at) + 1) if self.turns else 0
        self.turns.append(Turn(at, role, content, msg_type))

    def buyer_gap(self) -> float:
        return self.rng.uniform(6, 55)

    def bot_gap(self) -> float:
        return self.rng.uniform(1.0, 3.0)

    def agent(self, text: str, load: float, gap: float | None = None) -> None:
        """A styled agent line after the agent's latency at this load (or after ``gap``)."""
        self.add(AGENT, _style(self.rng, text, AGENT), _agent_latency(self.rng, load) if gap is None else gap)

    def buyer(self, text: str, msg_type: str = "text", styled: bool = True, gap: float | None = None) -> None:
        """A shopper line (styled when it is text) after the shopper's gap (or after ``gap``)."""
        content = _style(self.rng, text, BUYER) if styled and msg_type == "text" else text
        self.add(BUYER, content, self.buyer_gap() if gap is None else gap, msg_type)


def _pii_line(rng: random.Random, category: str, topic: str, pii: list[str]) -> str:
    """A shopper message with personal data that fits the chat: ID numbers for cross-border customs
    clearance, bank cards when money is to be refunded, phones and addresses anywhere."""
    kinds, weights = ["mobile", "address"], [4, 3]
    if category == "cosmetics_xb":
        kinds.append("id")
        weights.append(4)
    if topic in ("aftersale", "complaint"):
        kinds.append("card")
        weights.append(3)
    kind = rng.choices(kinds, weights=weights)[0]
    if kind == "mobile":
        value = fake_mobile(rng)
        text = rng.choice(("我电话{v}，到了打我电话", "联系方式{v}", "手机号换成{v}了", "有事打{v}"))
    elif kind == "address":
        value = fake_address(rng)
        text = rng.choice(("地址改一下：{v}", "帮我改成这个地址 {v}", "收货地址是{v}，能改吗"))
    elif kind == "id":
        value = fake_id_number(rng)
        text = rng.choice(("清关要身份证是吧，{v}", "清关的身份证号{v}", "实名认证用这个 {v}"))
    else:
        value = fake_bank_card(rng)
        text = rng.choice(("退款能退到这张卡吗{v}", "银行卡号{v}，直接打给我", "卡号是{v}"))
    pii.append(value)
    return text.format(v=value)


def make_dialogue(
    rng: random.Random,
    *,
    category: str,
    platform: str,
    shop: str,
    bot_name: str,
    agent_nick: str | None,
    phase: str = "normal",
    load: float = 1.0,
) -> Dialogue:
    """One conversation. `agent_nick` None means no human is on duty (the shop is closed): the bot
    keeps it. `load` (≥ 1) stretches human reply times at promo peaks.

    Every random draw comes from `rng` in a fixed order (the helpers below are called in the order
    their lines appear in the chat), so a seed gives the same conversation."""
    mix = PHASE_MIX[phase]
    intent = rng.choices(list(mix), weights=list(mix.values()))[0]
    topic = INTENT_TOPIC[intent]
    s = _slots(rng, category, platform, shop, bot_name, agent_nick or "")
    sc = _Script(rng)
    pii: list[str] = []
    question, bot_answer, agent_answer = _question_and_answers(rng, category, intent, s)
    _bot_opening(sc, s, topic, question, bot_answer)

    wants_human = rng.random() < TRANSFER_RATE[intent]
    if rng.random() < PII_RATE:
        sc.add(BUYER, _pii_line(rng, category, topic, pii), sc.buyer_gap())
        sc.add(BOT, rng.choice(("已收到您的信息，我们会尽快处理", "好的，已为您记录")), sc.bot_gap())

    if not wants_human:
        _bot_keeps_it(sc, s, topic)
        return Dialogue(intent, topic, sc.turns, "bot", False, [], pii)

    # The shopper wants a person.
    if rng.random() < 0.35:
        sc.add(BUYER, rng.choice(("没懂", "不是这个意思", "你说的不对")), sc.buyer_gap())
        sc.add(BOT, _fill(rng, rng.choice(BOT_DONT_GET), s), sc.bot_gap())
    sc.add(BUYER, rng.choice(BUYER_WANT_HUMAN), sc.buyer_gap())
    if agent_nick is None:
        sc.add(SYSTEM, SYSTEM_OFFLINE, sc.bot_gap(), "system")
        if rng.random() < 0.5:
            sc.add(BUYER, rng.choice(("好吧", "那我明天再问", "行吧")), sc.buyer_gap())
        return Dialogue(intent, topic, sc.turns, "bot", False, [], pii)

    events = _draw_events(rng, topic)
    sc.add(SYSTEM, rng.choice(SYSTEM_TRANSFER), sc.bot_gap(), "system")
    _human_opening(sc, s, topic, question, events, load)
    _human_answer_and_events(sc, s, topic, agent_answer, events, load)
    _human_closing(sc, s, events, load)
    return Dialogue(intent, topic, sc.turns, "human", True, events, pii)


def _question_and_answers(rng: random.Random, category: str, intent: str, s: dict[str, str]) -> tuple[str, str, str]:
    """(the shopper's question, the bot's answer, the agent's answer) of this intent in this category."""
    if intent in CATEGORY_QA[category]:
        question, answer = rng.choice(CATEGORY_QA[category][intent])
        bot_answer = agent_answer = _fill(rng, answer, s)
    else:
        buyers, bots, agents = rng.choice(GENERIC_INTENTS[intent])
        question = rng.choice(buyers)
        bot_answer = _fill(rng, rng.choice(bots), s)
        agent_answer = _fill(rng, rng.choice(agents), s)
    return _fill(rng, question, s), bot_answer, agent_answer


def _bot_opening(sc: _Script, s: dict[str, str], topic: str, question: str, bot_answer: str) -> None:
    """Sometimes a product or order card first, then the question; the bot greets and answers."""
    rng = sc.rng
    if topic == "presale" and rng.random() < 0.4:
        sc.add(BUYER, f"{s['product']} ¥{s['price']}", 0, "product")
        sc.add(BUYER, _style(rng, rng.choice(OPENERS) + question, BUYER), rng.uniform(2, 12))
    elif topic != "presale" and rng.random() < 0.45:
        sc.add(BUYER, f"订单号：{s['order']} 商品：{s['product']} 实付：¥{s['amount']}", 0, "order")
        sc.add(BUYER, _style(rng, rng.choice(OPENERS) + question, BUYER), rng.uniform(2, 12))
    else:
        sc.add(BUYER, _style(rng, rng.choice(OPENERS) + question, BUYER), 0)
    if topic == "complaint" and rng.random() < 0.5:
        sc.add(BUYER, "[图片]", rng.uniform(3, 15), "image")
    sc.add(BOT, _fill(rng, rng.choice(BOT_GREETINGS), s) + "\n" + bot_answer, sc.bot_gap())


def _bot_keeps_it(sc: _Script, s: dict[str, str], topic: str) -> None:
    """The bot answers the follow-ups and, mostly, the thanks."""
    rng = sc.rng
    for ask, answer in rng.sample(FOLLOWUPS[topic], rng.choice((0, 1, 1, 2, 2))):
        sc.add(BUYER, _style(rng, _fill(rng, ask, s), BUYER), sc.buyer_gap())
        sc.add(BOT, answer, sc.bot_gap())
    if rng.random() < 0.7:
        sc.add(BUYER, rng.choice(BUYER_THANKS), sc.buyer_gap())
        sc.add(BOT, _fill(rng, rng.choice(BOT_CLOSINGS), s), sc.bot_gap())


def _draw_events(rng: random.Random, topic: str) -> list[str]:
    """What goes wrong (or is checked) in the human session, each at its rate."""
    events = [event for event, rate in EVENT_RATES.items() if rng.random() < rate]
    if "slow_first_30" in events and "slow_first_180" in events:
        events.remove("slow_first_30")
    if topic == "presale" and "escalation" in events:
        events.remove("escalation")  # shoppers threaten over orders gone wrong, not over questions
    return events


def _human_opening(sc: _Script, s: dict[str, str], topic: str, question: str, events: list[str], load: float) -> None:
    """The shopper states the matter again; the agent greets (late if the events say so), asks for
    the order of an after-sale matter when no order card was sent, and asks the shopper to wait."""
    rng = sc.rng
    has_order = any(t.msg_type == "order" for t in sc.turns)
    if topic == "presale":
        sc.buyer(
            question if rng.random() < 0.5 else rng.choice(("就是刚才问的", "刚才那个问题", "在吗")),
            gap=rng.uniform(2, 15),
        )
    elif not has_order and rng.random() < 0.5:
        sc.buyer(f"订单号：{s['order']} 商品：{s['product']} 实付：¥{s['amount']}", "order", gap=rng.uniform(2, 15))
        has_order = True
    else:
        sc.buyer(rng.choice(("在吗", "你好", question, "人呢")), gap=rng.uniform(2, 15))
    first = _agent_latency(rng, load)
    if "slow_first_180" in events:
        first = rng.uniform(185, 600)
    elif "slow_first_30" in events:
        first = rng.uniform(31, 170)
    sc.add(AGENT, _fill(rng, rng.choice(AGENT_GREETINGS), s), first)
    if topic != "presale":
        if not has_order:
            sc.agent(rng.choice(AGENT_ASK_ORDER), load, gap=rng.uniform(2, 8))
            if rng.random() < 0.5:
                sc.buyer(f"订单号：{s['order']} 商品：{s['product']} 实付：¥{s['amount']}", "order")
            else:
                sc.buyer(s["order"], styled=False)
        sc.agent(rng.choice(AGENT_WAIT), load)


def _human_answer_and_events(
    sc: _Script, s: dict[str, str], topic: str, agent_answer: str, events: list[str], load: float
) -> None:
    """The agent's answer with the session's events around it (shirking before it; escalation,
    rule-breaking lines and repetition after it), then the follow-ups."""
    rng = sc.rng
    if "shirking" in events:
        sc.agent(_fill(rng, rng.choice(EVENT_LINES["shirking"]), s), load)
        sc.buyer(rng.choice(("你这什么态度", "那我问你干嘛", "？？")))
    sc.agent(agent_answer, load)
    if "escalation" in events:
        sc.buyer(rng.choice(ESCALATION_BUYER))
        if rng.random() < 0.5:
            sc.agent(rng.choice(SOOTHE), load)
            events[events.index("escalation")] = "escalation_soothed"
        else:
            sc.agent(rng.choice(UNSOOTHED), load)
            events[events.index("escalation")] = "escalation_unsoothed"
    for event in ("absolute_words", "forbidden_promise", "off_platform", "abuse"):
        if event in events:
            if event == "abuse":
                sc.buyer(rng.choice(BUYER_PUSH))
            sc.agent(_fill(rng, rng.choice(EVENT_LINES[event]), s), load)
    if "repetition" in events:
        line = rng.choice(REPEAT_LINE)
        for _ in range(3):
            sc.buyer(rng.choice(BUYER_PUSH))
            sc.add(AGENT, line, _agent_latency(rng, load))
    for ask, answer in rng.sample(FOLLOWUPS[topic], rng.choice((0, 1, 1, 2))):
        sc.buyer(_fill(rng, ask, s))
        sc.agent(answer, load)


def _human_closing(sc: _Script, s: dict[str, str], events: list[str], load: float) -> None:
    """The end of the human session: a review-for-reward line if the events say so, then an
    unanswered last question, no closing (5 %), or thanks and the agent's closing."""
    rng = sc.rng
    if "review_manipulation" in events:
        sc.agent(_fill(rng, rng.choice(EVENT_LINES["review_manipulation"]), s), load)
    if "unanswered_last" in events:
        sc.buyer(rng.choice(("那我再问一下，能不能顺便开发票", "还有一个问题", "在吗", "还有运费险吗")))
        return
    if rng.random() < 0.05:
        events.append("no_closing")  # the agent's last answer ends the chat without a closing phrase
        return
    sc.buyer(rng.choice(BUYER_THANKS + BUYER_END))
    sc.agent(_fill(rng, rng.choice(AGENT_CLOSINGS), s), load)
