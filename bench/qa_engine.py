"""qa_engine: the pure QA engine over synthetic conversations (~19 messages each) with the default
rule pack grown to ≥ 3,000 lexicon terms and every rule type, in one process.
Goal: ≥ 5,000 conversations/s and ≥ 10x the baseline.

Baseline, in the same run on a subset: the textbook per-rule loop, giving THE SAME ANSWERS as the
engine. Every rule, on its own, loops over the messages it reads, normalises each one
(engine.normalize, per rule per message) and applies its own semantics with Python `re` and plain
Python: a keyword list is one compiled alternation (longest word first), searched again from the
next character so overlapping and nested matches count (最低价 inside 全网最低价); a match glued
into a longer Latin/digit run is dropped; negators are looked for with `re` in the window before a
match, cut at the last clause boundary; exclusions with string search around the match; turn
windows, mode all/N-of and scope; regex rules run their pattern and exclusion as they are; timing
metrics from the human side's rounds as docs/qa_rule_meanings.md defines them (own code; only the
courtesy word list is shared data); context, repetition, handover, mandatory phrase, sentiment
(weights, degree and negation words), PII tokens and secret requests in plain Python; combinations
over the other rules' outcomes (info rules included); platform filters, bot-only conversations
(only bot-applicable or buyer rules, the bot serving as the agent) and unscorable conversations as the engine has them. It shares
nothing with the engine but `normalize`, the spec dataclasses and the PII token constant (no
automaton, no per-conversation context). It answers only which rules fired and the score (no
spans, no excerpts) and stops a rule at its first firing message, so it does less work than the
engine: the ratio is conservative. All / N-of count distinct words after overlapping matches in a
message merge into their union, as the engine does. run() checks that the baseline's fired rules
and score equal the engine's on every conversation of the subset and raises if one differs;
tests/qa/test_bench_qa.py checks the same on every gold chat and on options the pack does not use.

Also in "extra": the matching stage alone (the engine's normalisation + one automaton pass against
the baseline's per-rule normalisation + `re` scans), and the most literal loop, one `re` per word
(checked to agree as well, on a small slice).

Throughput is conversations per second of this process's CPU time (time.process_time): the
machine is shared, and wall time measures the neighbours. The wall-clock rate is in "extra".
The ratio is paired: the engine and the baseline score the same 2,000 conversations, three times
each, in turn, and the ratio is the baseline's CPU time over the engine's, each side's fastest run
(the neighbours' bursts swing a single timing by ±20 % here). The ratio of the 100k run's rate to the
baseline's is in "extra" too.

The baseline itself is in bench/qa_baseline.py; this module holds the synthetic corpus (the pack
grown by a generated lexicon, the conversations) and the timed run.
"""

from __future__ import annotations

import copy
import random
import time

from bench.qa_baseline import BaselineCard, baseline_matching, baseline_score, disagreements

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

    # The ratio: engine and baseline on the same conversations, each timed over all of them three
    # times, in turn (engine, baseline, engine, ...); each side's fastest run counts, the one the
    # neighbours disturbed least, as timeit does.
    base = BaselineCard(spec)
    subset = convs[:n_base]
    engine_runs, base_runs = [], []
    for _ in range(3):
        t0 = time.process_time()
        results = [card.score(c) for c in subset]
        engine_runs.append(time.process_time() - t0)
        t0 = time.process_time()
        answers = [baseline_score(base, c) for c in subset]
        base_runs.append(time.process_time() - t0)
    paired_engine_s, base_s = min(engine_runs), min(base_runs)
    base_rate = n_base / base_s
    # A baseline that answers differently is not a baseline.
    differ = []
    for c, r, (fired, score) in zip(subset, results, answers, strict=True):
        if (fired, score) != (r.fired, r.score):
            differ.append(f"{c.key}: engine {sorted(r.fired)} {r.score}, baseline {sorted(fired)} {score}")
    if differ:
        raise AssertionError(f"baseline disagrees with the engine on {len(differ)} conversations: {differ[:5]}")
    fired_total = sum(len(a[0]) for a in answers)

    # The matching stage alone: the engine's normalisation + one automaton pass over all lists,
    # against the baseline's per-rule normalisation + `re` scans (same subset).
    t0 = time.process_time()
    for c in subset:
        engine._Ctx(card, c)
    match_s = time.process_time() - t0
    t0 = time.process_time()
    for c in subset:
        baseline_matching(base, c)
    base_match_s = time.process_time() - t0
    # The similarity stage alone (every similarity rule of the card on every conversation of the
    # subset, after the context is built): with the per-card memory of texts, and with it off (every
    # message encoded and compared with the examples), and the engine's rate with the memory off.
    sim_rules = [c for c in card.compiled if c.similar is not None]
    ctxs = [engine._Ctx(card, c) for c in subset]
    t0 = time.process_time()
    for ctx in ctxs:
        for c in sim_rules:
            ctx.similar(c)
    sim_cached_s = time.process_time() - t0
    card.similarity.use_cache = False
    ctxs = [engine._Ctx(card, c) for c in subset]
    t0 = time.process_time()
    for ctx in ctxs:
        for c in sim_rules:
            ctx.similar(c)
    sim_raw_s = time.process_time() - t0
    t0 = time.process_time()
    for c in subset:
        card.score(c)
    nocache_rate = n_base / (time.process_time() - t0)
    card.similarity.use_cache = True
    sim_msgs = sum(1 for c in subset for m in c.messages if m.role in card.similar_roles)
    # The most literal per-rule loop: one `re` per word of each list (small slice: it is slow).
    per_term = BaselineCard(spec, per_term=True)
    slice_ = subset[: max(10, n_base // 20)]
    t0 = time.process_time()
    for c in slice_:
        baseline_score(per_term, c)
    per_term_s = time.process_time() - t0
    per_term_differ = disagreements(per_term, card, slice_)
    if per_term_differ:
        raise AssertionError(f"the per-term loop disagrees with the engine: {per_term_differ[:5]}")
    return {
        "size": f"{n:,} conversations, {messages:,} messages, {card.lexicon_size:,} terms",
        "metric": "engine throughput",
        "value": round(rate, 1),
        "unit": "conversations/s",
        "baseline": f"per-rule re loop, same answers, on {n_base:,} conversations",
        "baseline_value": round(base_rate, 1),
        "ratio": round(base_s / paired_engine_s, 1),
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
            "baseline agrees with engine (fired rules and score)": f"{len(subset) - len(differ)}/{len(subset)}",
            "engine on the baseline's conversations (fastest of three runs)": f"{n_base / paired_engine_s:,.1f}/s",
            "ratio of the 100k rate to the baseline's rate (not paired)": round(rate / base_rate, 1),
            "baseline rules fired": fired_total,
            "matching stage only (normalise + automaton vs per-rule re), ratio": round(base_match_s / match_s, 1),
            "similarity stage, per conversation (memory of texts on / off)": f"{1e6 * sim_cached_s / n_base:,.0f} µs / "
            f"{1e6 * sim_raw_s / n_base:,.0f} µs ({1e6 * sim_raw_s / max(sim_msgs, 1):,.1f} µs per message encoded and "
            f"compared with {len(card.similarity.examples)} examples of {len(sim_rules)} rules)",
            "engine with the similarity memory off (every text encoded)": f"{nocache_rate:,.1f}/s "
            f"({nocache_rate / base_rate:,.1f}x the baseline)",
            "per-term re loop (one re per word)": f"{len(slice_) / per_term_s:,.1f} conversations/s, "
            f"ratio {rate / (len(slice_) / per_term_s):,.0f}x, agrees on {len(slice_) - len(per_term_differ)}"
            f"/{len(slice_)}",
        },
    }
