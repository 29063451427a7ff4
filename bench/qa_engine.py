"""qa_engine: the pure QA engine over synthetic conversations (~19 messages each) with the default
rule pack grown to ≥ 3,000 lexicon terms and every rule type, in one process.

Baseline, in the same run on a subset: the textbook per-rule loop — every rule on its own walks
the messages of its role, normalises each (same normaliser) and runs its Python `re` (a keyword
list as one alternation, a regex rule as is). It checks only the text rules, not timing, context
or repetition, so the ratio is conservative. Goal: ≥ 5,000 conversations/s and ≥ 10x the baseline.

Throughput is conversations per second of this process's CPU time (time.process_time): the
machine is shared, and wall time measures the neighbours. The wall-clock rate is in "extra".
"""

from __future__ import annotations

import copy
import random
import re
import time

NEEDS_DB = False
SEED = 20261111

BUYER = [
    "在吗？这款面霜干皮能用吗",
    "这个羽绒服165穿什么码",
    "今天下单什么时候发货",
    "双十一的满减能和店铺券一起用吗",
    "这个登山鞋防水吗",
    "帮我看下订单到哪了",
    "能开发票吗",
    "地址填错了能改吗",
    "买两件能便宜点吗",
    "预售的什么时候付尾款",
    "拍下了怎么还没发货",
    "这個是最低價嗎",
    "质量太差了，我要投诉",
    "转人工",
    "叫你们主管来",
    "好的谢谢",
    "我的手机号是[手机号]",
    "物流也太慢了吧",
    "我不会给差评的放心",
]
AGENT = [
    "亲，您好！很高兴为您服务",
    "这款是保湿配方，干皮用着很滋润的",
    "按您的身高体重建议拿M码哦",
    "今天16点前付款当天发出的",
    "满减和店铺券是可以叠加使用的",
    "帮您查了，包裹已经到您所在城市的分拣中心了",
    "可以开的，在订单页申请电子发票就可以",
    "两件可以用店铺满减，会更划算",
    "尾款是11月10日晚8点开始支付",
    "仓库正在打包，今天会发出的",
    "我们这款是全 网 最/低/价了亲",
    "絕對正品，假一赔十",
    "加我ｖｘ私聊",
    "麻烦把收到的验证码发我一下",
    "已为您申请退款",
    "退款会在1-3个工作日原路退回",
    "非常抱歉给您带来不便，我马上为您处理",
    "亲，请您耐心等待，正在为您查询",
    "感谢您的支持，祝您生活愉快～",
    "请问还有其他可以帮您的吗？",
]
CHARS = (
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后"
    "小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长"
    "知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最"
)


def _lexicon(rng: random.Random, n: int) -> list[str]:
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice(CHARS) for _ in range(rng.randint(3, 5))))
    return sorted(words)


def scorecard_spec(extra_terms: int = 3200):
    from apps.qa import engine
    from apps.qa.services import load_pack

    pack = copy.deepcopy(load_pack())
    rng = random.Random(SEED)
    extra = _lexicon(rng, extra_terms)
    targets = ["ad_absolute", "forbidden_promise", "shirking", "escalation_risk", "abuse"]
    for i, rule in enumerate(r for r in pack["rules"] if r["code"] in targets):
        rule["params"]["words"] = rule["params"]["words"] + extra[i :: len(targets)]
    items = tuple(
        engine.ItemSpec(code=i["code"], name=i["name"], weight=i["weight"], critical=i["critical"], bonus=i["bonus"])
        for i in pack["items"]
    )
    rules = tuple(
        engine.RuleSpec(
            code=r["code"],
            name=r["name"],
            type=r["type"],
            params=r["params"],
            severity=r["severity"],
            score_change=r["score_change"],
            role=r["role"],
            item=r["item"],
            bot_applicable=r.get("bot_applicable", False),
        )
        for r in pack["rules"]
    )
    return engine.ScorecardSpec(rules=rules, items=items, pass_mark=pack["pass_mark"])


def conversations(n: int, seed: int = SEED):
    from apps.qa.engine import ConversationIn, MessageIn

    rng = random.Random(seed)
    out = []
    for k in range(n):
        t = 0.0
        msgs = []
        for j in range(rng.randint(16, 22)):
            role = "buyer" if j % 2 == 0 else "agent"
            t += rng.randint(2, 60) if role == "agent" else rng.randint(3, 40)
            if role == "buyer":
                text = rng.choice(BUYER) if rng.random() < 0.25 else rng.choice(BUYER[:11])
            else:
                text = rng.choice(AGENT) if rng.random() < 0.12 else rng.choice(AGENT[:10])
            msgs.append(MessageIn(role, t, text))
        out.append(ConversationIn(key=k, platform="tmall", messages=tuple(msgs)))
    return out


def _baseline_rules(spec):
    """One compiled `re` per rule (keyword lists as alternations), the way a per-rule loop does it."""
    from apps.qa import engine

    compiled = []
    for r in spec.rules:
        words = []
        for key in ("words", "trigger_words", "tokens", "secret_words"):
            raw = r.params.get(key)
            if raw:
                words += [engine.normalize(w) for w in raw]
        if r.type == "regex":
            compiled.append((r.code, r.role, re.compile(r.params["pattern"])))
        elif words:
            alternation = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)
            compiled.append((r.code, r.role, re.compile(alternation)))
    return compiled


def baseline_score(rules, conv) -> int:
    """Rule after rule, message after message: normalise the text the rule reads, then `re.search`."""
    from apps.qa.engine import normalize

    hits = 0
    for _code, role, rx in rules:
        for m in conv.messages:
            if m.role == role and rx.search(normalize(m.content)):
                hits += 1
    return hits


def run(*, scale: float = 1.0, quick: bool = False) -> dict:
    from apps.qa import engine

    n = 2_000 if quick else max(1_000, int(100_000 * scale))
    n_base = 200 if quick else max(200, n // 50)
    spec = scorecard_spec()
    t0 = time.perf_counter()
    card = engine.compile_scorecard(spec)
    compile_s = time.perf_counter() - t0
    convs = conversations(n)
    messages = sum(len(c.messages) for c in convs)
    for c in convs[:200]:  # warm the normalisation table
        card.score(c)
    w0, t0 = time.perf_counter(), time.process_time()
    hits = 0
    scored = 0
    for c in convs:
        r = card.score(c)
        hits += len(r.hits)
        scored += r.status == "scored"
    engine_s, engine_wall = time.process_time() - t0, time.perf_counter() - w0
    rate = n / engine_s

    rules = _baseline_rules(spec)
    subset = convs[:n_base]
    t0 = time.process_time()
    for c in subset:
        baseline_score(rules, c)
    base_s = time.process_time() - t0
    base_rate = n_base / base_s

    # The matching stage alone, apples to apples: the engine's normalisation + one automaton pass
    # over all lists, against the baseline's per-rule re loop (same subset).
    t0 = time.process_time()
    for c in subset:
        engine._Ctx(card, c)
    match_s = time.process_time() - t0
    # The most literal per-rule loop: one `re` per term of each list (small slice: it is slow).
    per_term = [
        (code, role, re.compile(re.escape(w)))
        for code, role, rx in rules
        for w in (rx.pattern.split("|") if rx.pattern.count("|") > 50 else [])
    ]
    per_term += [r for r in rules if r[2].pattern.count("|") <= 50]
    slice_ = subset[: max(10, n_base // 20)]
    t0 = time.process_time()
    for c in slice_:
        baseline_score(per_term, c)
    per_term_s = time.process_time() - t0
    return {
        "size": f"{n:,} conversations, {messages:,} messages, {card.lexicon_size:,} terms",
        "metric": "engine throughput",
        "value": round(rate, 1),
        "unit": "conversations/s",
        "baseline": f"per-rule re loop on {n_base:,} conversations",
        "baseline_value": round(base_rate, 1),
        "ratio": round(rate / base_rate, 1),
        "bound": None,
        "extra": {
            "rule types": len({r.type for r in spec.rules}),
            "rules": len(spec.rules),
            "lexicon terms": card.lexicon_size,
            "compile seconds": round(compile_s, 3),
            "engine CPU seconds": round(engine_s, 2),
            "engine wall seconds": round(engine_wall, 2),
            "wall-clock rate": round(n / engine_wall, 1),
            "hits": hits,
            "scored": scored,
            "messages per conversation": round(messages / n, 1),
            "matching stage only (normalise + automaton vs per-rule re), ratio": round(base_s / match_s, 1),
            "per-term re loop (one re per word)": f"{len(slice_) / per_term_s:,.1f} conversations/s, "
            f"ratio {rate / (len(slice_) / per_term_s):,.0f}x",
        },
    }
