"""Builds tests/qa/gold/gold.json: 600 labelled e-commerce chats for the QA accuracy test.

How the labels are made (and why they are not the engine's output): every line below was written
by hand together with the set of rules it violates (`L(...)`). A conversation is assembled from
those lines, and its label for a rule is true exactly when a line carrying that label was placed
in it, or — for timing rules — when the response delays the builder chose cross the threshold
(computed here from the delays, not from the messages). Hard negatives carry an empty label set:
buyers quoting banned words, negated promises, "最好您先…", 保证金, 滚筒, warnings about
verification codes, acknowledgements left unanswered, delays of exactly 30 s / 99 s / 180 s.
Surface tricks are applied to the marked keyword ({…}) of violation lines: traditional characters
(OpenCC s2t), full-width ASCII, and separators (最/低/价, 最 低 价, 最*低*价).

Run: .venv/bin/python tests/qa/gold/build_gold.py  (deterministic, seed 2026)
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent


def L(text: str, *labels: str) -> tuple[str, frozenset[str]]:
    return text, frozenset(labels)


BUYER_QUESTIONS = [
    "在吗？这款面霜干皮能用吗",
    "你好，这个羽绒服165穿什么码",
    "请问今天下单什么时候发货",
    "这个奶粉是几段的呀",
    "双十一的满减能和店铺券一起用吗",
    "这个登山鞋防水吗",
    "亲，我想问下这个有赠品吗",
    "坚果礼盒保质期多久",
    "帮我看下订单到哪了",
    "这个颜色实物会不会偏暗",
    "宝宝八个月能用这个湿巾吗",
    "冲锋衣有没有加绒款",
    "这个精华孕妇可以用吗",
    "能开发票吗，要专票",
    "地址填错了能改吗",
    "有没有小样可以试用",
    "这款和上一代有什么区别",
    "发什么快递呀",
    "买两件能便宜点吗",
    "预售的什么时候付尾款",
    "请问这个是正品吗",
    "拍下了怎么还没发货",
    "有没有大一码的",
    "这个零食是哪里产的",
    "保温杯能装开水吗",
    "店铺有会员价吗",
]
BUYER_FOLLOWUPS = [
    "好的，那尺码偏大还是偏小",
    "那我拍两件可以吗",
    "颜色有黑色的吗",
    "那发顺丰要加钱吗",
    "可以备注一下周末送货吗",
    "我身高170体重65公斤",
    "那赠品是随单发吗",
    "明白了，还有别的优惠吗",
    "这个要怎么使用比较好",
    "我看详情页写的是500ml对吗",
    "单号多少呀",
    "那我等一下再拍",
    "如果不合适可以换吗",
    "能不能帮我催一下发货",
]
AGENT_ANSWERS = [
    "这款是保湿配方，干皮用着很滋润的",
    "按您的身高体重建议拿M码哦",
    "今天16点前付款当天发出的",
    "这款是3段，适合1到3岁的宝宝",
    "满减和店铺券是可以叠加使用的",
    "鞋面是防泼水面料，日常雨天没问题",
    "现在下单送同系列旅行装一份",
    "礼盒保质期是12个月，生产日期都很新鲜",
    "帮您查了，包裹已经到您所在城市的分拣中心了",
    "实物颜色和第三张图最接近",
    "这款湿巾是婴儿专用的，八个月可以用",
    "加绒款在另一个链接，我发给您看看",
    "孕期使用建议先咨询医生意见",
    "可以开的，在订单页申请电子发票就可以",
    "没发货之前可以修改，您把新地址发我核对一下",
    "小样需要满额才赠送的",
    "新款升级了面料，更轻薄透气",
    "默认发中通，偏远地区发邮政",
    "两件可以用店铺满减，会更划算",
    "尾款是11月10日晚8点开始支付",
    "我们是品牌官方旗舰店，都是正品",
    "仓库正在打包，今天会发出的",
    "有的，大一码在规格里选L就可以",
    "产地是新疆，原料都是当季的",
    "可以装开水，保温能达到12小时",
    "入会可以领会员专享券",
    "尺码是标准的，按平时穿的拿就可以",
    "黑色现在有货的",
    "顺丰需要补邮费差价的",
    "已经帮您备注周末送货了",
    "使用前摇匀，早晚各一次",
    "是的，规格是500ml",
    "不合适的话七天内可以换的",
]
GREETINGS = [
    "亲，您好！很高兴为您服务",
    "您好，欢迎光临本店",
    "在的亲，请问有什么可以帮您",
    "您好～这边是售前客服小美",
    "亲亲，在的哦",
]
NO_GREETING_OPENERS = ["收到", "稍等查一下", "嗯，看到了", "这个问题稍等"]
CLOSINGS = [
    "请问还有其他可以帮您的吗？",
    "感谢您的支持，祝您生活愉快～",
    "好的亲，有问题随时联系，祝您购物愉快",
    "谢谢亲的耐心等待，期待再次光临",
]
ACKS = ["好的谢谢", "好的", "嗯嗯", "谢谢", "知道了", "ok", "好的，谢谢"]
TRAILING_QUESTIONS = ["那什么时候能到呢？", "还在吗？", "能再便宜点吗", "人呢？怎么不回了", "那我现在拍可以吗"]
APOLOGIES = [
    "非常抱歉给您带来不便，我马上为您处理",
    "实在抱歉，这边立刻帮您核实",
    "亲，非常理解您的心情，这边马上处理",
    "对不起让您久等了，我这就帮您查",
]

# ---- violation lines (agent) with the rules they break; {…} marks the keyword for tricks ----
AGENT_VIOLATIONS = [
    L("我们这款是{全网最低价}了亲", "ad_absolute"),
    L("这个价格已经是{史上最低}了", "ad_absolute"),
    L("这款销量{全国第一}，放心买", "ad_absolute"),
    L("面料是{国家级}认证的", "ad_absolute"),
    L("这是我们家{顶级}的系列", "ad_absolute"),
    L("这款清洁剂是{万能}的，什么污渍都能去", "ad_absolute"),
    L("这是{最便宜}的一款了", "ad_absolute"),
    L("我们是{全网第一}的旗舰店", "ad_absolute"),
    L("这个效果是{最好}的，没有之一", "ad_absolute"),
    L("{保证}三天内到货", "forbidden_promise"),
    L("{绝对}正品，假一赔十", "forbidden_promise"),
    L("用了{百分百}有效果", "forbidden_promise"),
    L("我们家{假一赔十}的", "forbidden_promise"),
    L("这个颜色{永久}不掉色", "forbidden_promise"),
    L("{肯定不会}过敏的，放心用", "forbidden_promise"),
    L("{百分之百}纯棉的", "forbidden_promise"),
    L("{绝对}不会起球", "forbidden_promise"),
    L("你{有病吧}，问这么多遍", "abuse"),
    L("{爱买不买}，{穷鬼}", "abuse", "shirking"),
    L("说了多少遍了，{白痴}吗", "abuse"),
    L("{神经病}，自己不会看吗", "abuse"),
    L("{滚}，别烦我", "abuse"),
    L("{闭嘴}吧你", "abuse"),
    L("{你自己看}详情页", "shirking"),
    L("这个我{不清楚}", "shirking"),
    L("{没办法}，系统就是这样", "shirking"),
    L("快递的事{找快递去}", "shirking"),
    L("{不关我事}，是仓库发错的", "shirking"),
    L("我{也没办法}，你等着吧", "shirking"),
    L("你{自己去看}物流", "shirking"),
    L("{不归我管}，你问售后", "shirking"),
    L("收到给个{五星好评}，返现5元哦", "review_manipulation"),
    L("{晒图返现}10元，记得联系我", "review_manipulation"),
    L("{好评返现}3元，截图发我", "review_manipulation"),
    L("{好评截图}发我送小礼品", "review_manipulation"),
    L("给个好评吧，{追评返现}的", "review_manipulation"),
    L("差评的话能帮忙{改好评}吗", "review_manipulation"),
    L("{加我微信}，私下给您便宜", "off_platform"),
    L("有问题{加vx}聊", "off_platform"),
    L("{加个微信}吧，方便发图", "off_platform"),
    L("{支付宝转账}给我就行，不走平台", "off_platform"),
    L("{我的qq}是这个，加一下", "off_platform"),
    L("{私下交易}能便宜20", "off_platform"),
    L("{wx联系}，这里不方便说", "off_platform"),
    L("您登记的号码是[手机号]对吧", "pii_leak"),
    L("退货寄到[地址]，收件人小王"),  # the shop's return address is not the shopper's (docs/qa_rule_meanings.md)
    L("您的身份证是[身份证号]，我核对过了", "pii_leak"),
    L("货款原路退到[银行卡号]这张卡", "pii_leak"),
    L("麻烦把收到的{验证码}发我一下", "pii_leak"),
    L("您{支付密码}多少，我帮您操作", "pii_leak"),
    L("把短信里的{验证码}告诉我", "pii_leak"),
    L("您的登录{密码}提供一下，我帮您看", "pii_leak"),
]
# hard negatives said by the agent: close to a rule, but not a violation
AGENT_HARD_NEGATIVES = [
    "亲，我们不是最低价，但品质有保障",
    "不敢说全网最低，但活动力度很大",
    "最好您先量一下脚长再选码",
    "建议最好先咨询医生",
    "这个没法保证哦，以物流为准",
    "我们不能百分百确定到货时间",
    "拍下需要交保证金的是定制款",
    "这款是滚筒洗衣机专用的洗衣液",
    "行李箱有静音滚轮设计",
    "充电口是USB接口的",
    "如有不清楚的地方随时问我",
    "您如果不清楚尺码，我帮您推荐",
    "不知道您方便什么时候收货呢",
    "平台不允许好评返现的，请放心",
    "请不要把验证码告诉任何人哦",
    "我们不会索要您的密码，谨防诈骗",
    "平台不支持微信付款，请在订单页付款",
    "请勿添加陌生人微信，谨防诈骗",
    "密码忘了可以在登录页点忘记密码重置",
    "这款不是顶配，是标准版",
    "绝大部分地区两天能到",
]
BUYER_ESCALATIONS = [
    L("再不处理我就{投诉}你们", "escalation_risk"),
    L("我要打{12315}", "escalation_risk"),
    L("信不信我给你{差评}", "escalation_risk"),
    L("我要去{消协}反映", "escalation_risk"),
    L("我要{曝光}你们这种店", "escalation_risk"),
    L("申请{平台介入}了", "escalation_risk"),
    L("我要{举报}你们虚假宣传", "escalation_risk"),
    L("这种服务必须{投诉}", "escalation_risk"),
]
BUYER_HARD_NEGATIVES = [
    "这是最低价吗？别家更便宜",
    "你们能保证正品吗",
    "不是说全网最低吗",
    "我不会给差评的放心",
    "看了差评有点担心",
    "我不想投诉，就想快点解决",
    "我的手机号是[手机号]",
    "收货地址是[地址]",
    "需要我提供验证码吗",
    "你们是加微信还是在这里聊",
    "会不会绝对不掉色",
]
BUYER_NEGATIVE = [
    L("质量太差了", "buyer_negative"),
    L("物流也太慢了吧", "buyer_negative"),
    L("真的非常失望", "buyer_negative"),
    L("什么垃圾东西", "buyer_negative"),
    L("你们就是骗子", "buyer_negative"),
]
HANDOVER_ASKS = ["叫你们主管来", "我要找经理", "转人工", "换个客服跟我说"]
HANDOVER_ANSWERS = ["已为您升级给主管，主管稍后联系您", "好的，正在为您转接专员", "这边帮您转接主管处理"]
REFUND_NO_TIME = [
    L("已为您申请退款", "refund_no_arrival_time", "solution_offered"),
    L("退款申请已经提交了", "refund_no_arrival_time"),
]
REFUND_WITH_TIME = [
    "退款会在1-3个工作日原路退回",
    "已为您申请退款，24小时内到账",
]
SOLUTIONS = [L("这边为您补发一件", "solution_offered"), L("给您登记了工单号，为您加急处理", "solution_offered")]
GREETING_WORDS = ("您好", "你好", "欢迎", "亲", "在的", "很高兴为您服务", "有什么可以帮您")
CLOSING_WORDS = (
    "还有其他",
    "还有什么",
    "祝您",
    "感谢",
    "谢谢",
    "欢迎再来",
    "欢迎下次",
    "期待",
    "再见",
    "生活愉快",
    "购物愉快",
)
REPEAT_LINE = "亲，请您耐心等待，正在为您查询"

SEPARATORS = ["/", " ", "*", "-", "·"]
FULL = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


def s2t(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def trick(text: str, rng: random.Random) -> tuple[str, str]:
    """Apply a surface trick to the {marked} keyword (or none). Returns (text, trick name)."""
    kind = rng.choices(["plain", "trad", "sep", "full", "trad+sep"], [45, 20, 20, 8, 7])[0]
    if kind in ("sep", "trad+sep"):
        sep = rng.choice(SEPARATORS)
        text = re.sub(r"\{([^}]*)\}", lambda m: sep.join(m.group(1)), text)
    if kind == "full" and re.search(r"\{[^}]*[A-Za-z0-9][^}]*\}", text):
        text = re.sub(r"\{([^}]*)\}", lambda m: "".join(FULL.get(c, c) for c in m.group(1)), text)
    elif kind == "full":
        kind = "plain"
    text = text.replace("{", "").replace("}", "")
    if kind in ("trad", "trad+sep"):
        text = s2t(text)
    return text, kind


TIMING_RULES = ("first_response_slow", "avg_response_slow", "three_minute_miss", "buyer_wait_100s")


def build_one(n: int, rng: random.Random) -> dict:
    labels: set[str] = set()
    msgs: list[dict] = []
    t = 0.0
    tricks = []

    def add(role: str, text: str):
        msgs.append({"role": role, "t": round(t, 1), "text": text})

    def delay() -> float:
        if rng.random() < 0.12:
            return float(rng.choice([29, 30, 31, 44, 45, 46, 60, 99, 100, 101, 150, 179, 180, 181, 240]))
        return float(rng.randint(2, 28))

    delays: list[float] = []
    bot_first = rng.random() < 0.15
    bot_only = bot_first and rng.random() < 0.3
    transferred = False
    add("buyer", rng.choice(BUYER_QUESTIONS))
    if bot_first:
        t += 1
        add("bot", "亲，您好！我是智能助手，请问有什么可以帮您？")
        t += rng.randint(5, 40)
        if bot_only:
            if rng.random() < 0.5:
                add("buyer", "转人工")
                t += 1
                add("bot", "请问有什么可以帮您？您可以描述一下问题")
                labels.add("handover_ignored")
            else:
                add("buyer", "好的知道了")
            return {
                "id": f"g{n:04d}",
                "platform": "tmall",
                "handled_by": "bot",
                "transferred": False,
                "messages": msgs,
                "labels": sorted(labels),
                "tricks": tricks,
            }
        add("buyer", "转人工")
        t += 1
        add("bot", "正在为您转接人工客服，请稍候")
        transferred = True
        t += rng.randint(20, 200)  # queue: the human clock starts at the buyer's next message
        add("buyer", "你好，还在吗")
    d = delay()
    delays.append(d)
    t += d
    greet = rng.random() < 0.85
    add("agent", rng.choice(GREETINGS) if greet else rng.choice(NO_GREETING_OPENERS))
    rounds = rng.randint(3, 8)
    plan: list[str] = ["normal"] * rounds
    n_viol = rng.choices([0, 1, 2], [45, 40, 15])[0]
    for _ in range(n_viol):
        plan[rng.randrange(rounds)] = rng.choice(
            ["agent_viol"] * 6 + ["buyer_esc"] * 2 + ["buyer_neg", "handover", "refund", "solution", "repeat"]
        )
    for _ in range(rng.choices([0, 1, 2], [50, 35, 15])[0]):
        idx = rng.randrange(rounds)
        if plan[idx] == "normal":
            plan[idx] = rng.choice(["agent_neg", "agent_neg", "buyer_neg_hard"])
    pending_soothe: int | None = None  # agent turns left to apologise after a threat
    for kind in plan:
        t += rng.randint(3, 40)
        buyer_text = rng.choice(BUYER_FOLLOWUPS)
        agent_lines: list[str] = [rng.choice(AGENT_ANSWERS)]
        if kind == "agent_viol":
            text, labs = rng.choice(AGENT_VIOLATIONS)
            if "[" not in text:
                text, how = trick(text, rng)
                tricks.append(how)
            agent_lines = [text]
            labels |= labs
        elif kind == "agent_neg":
            agent_lines = [rng.choice(AGENT_HARD_NEGATIVES)]
        elif kind == "buyer_neg_hard":
            buyer_text = rng.choice(BUYER_HARD_NEGATIVES)
        elif kind == "buyer_esc":
            text, labs = rng.choice(BUYER_ESCALATIONS)
            buyer_text, how = trick(text, rng)
            tricks.append(how)
            labels |= labs
            if rng.random() < 0.5:
                agent_lines = [rng.choice(APOLOGIES)]
            else:
                pending_soothe = 2
        elif kind == "buyer_neg":
            buyer_text, labs = rng.choice(BUYER_NEGATIVE)
            labels |= labs
        elif kind == "handover":
            buyer_text = rng.choice(HANDOVER_ASKS)
            if rng.random() < 0.5:
                agent_lines = [rng.choice(HANDOVER_ANSWERS)]
            else:
                labels.add("handover_ignored")
        elif kind == "refund":
            buyer_text = "我不想要了，申请退款"
            if rng.random() < 0.5:
                text, labs = rng.choice(REFUND_NO_TIME)
                agent_lines = [text]
                labels |= labs
            else:
                agent_lines = [rng.choice(REFUND_WITH_TIME)]
                if "已为您申请退款" in agent_lines[0]:
                    labels.add("solution_offered")
        elif kind == "solution":
            text, labs = rng.choice(SOLUTIONS)
            agent_lines = [text]
            labels |= labs
        elif kind == "repeat":
            agent_lines = [REPEAT_LINE, REPEAT_LINE, REPEAT_LINE]
            labels.add("repetition")
        add("buyer", buyer_text)
        d = delay()
        delays.append(d)
        t += d
        for j, line in enumerate(agent_lines):
            if j:
                t += rng.randint(1, 3)
            add("agent", line)
            if line in APOLOGIES:
                pending_soothe = None
            if pending_soothe is not None:
                pending_soothe -= 1
                if pending_soothe == 0:
                    pending_soothe = None
                    labels.add("risk_not_soothed")
    if pending_soothe is not None:
        labels.add("risk_not_soothed")
    if rng.random() < 0.8:
        t += rng.randint(2, 10)
        add("agent", rng.choice(CLOSINGS))
    said = [m["text"] for m in msgs if m["role"] == "agent"]
    if not any(w in line for line in said[:2] for w in GREETING_WORDS):
        labels.add("greeting_missing")
    if not any(w in line for line in said[-2:] for w in CLOSING_WORDS):
        labels.add("closing_missing")
    tail = rng.random()
    if tail < 0.15:
        t += rng.randint(5, 60)
        add("buyer", rng.choice(TRAILING_QUESTIONS))
        labels.add("last_unanswered")
    elif tail < 0.4:
        t += rng.randint(5, 60)
        add("buyer", rng.choice(ACKS))
    # the builder may pick the same stock answer again: three equal replies in five agent turns is
    # mechanical repetition whether or not it was planned
    for i in range(len(said)):
        window = said[max(0, i - 4) : i + 1]
        if len(said[i]) >= 4 and window.count(said[i]) >= 3:
            labels.add("repetition")
    if {"escalation_risk", "buyer_negative"} <= labels:
        labels.add("risk_and_negative")
    # timing labels from the delays the builder chose
    if delays[0] > 30:
        labels.add("first_response_slow")
    if sum(delays) / len(delays) > 45:
        labels.add("avg_response_slow")
    if any(d > 180 for d in delays):
        labels.add("three_minute_miss")
    if any(d >= 100 for d in delays):
        labels.add("buyer_wait_100s")
    return {
        "id": f"g{n:04d}",
        "platform": rng.choice(["tmall", "taobao", "jd", "douyin"]),
        "handled_by": "human",
        "transferred": transferred,
        "messages": msgs,
        "labels": sorted(labels),
        "tricks": tricks,
    }


def build(count: int = 600, seed: int = 2026) -> list[dict]:
    rng = random.Random(seed)
    return [build_one(n, rng) for n in range(count)]


if __name__ == "__main__":
    data = build()
    (HERE / "gold.json").write_text(
        "[\n" + ",\n".join(json.dumps(c, ensure_ascii=False) for c in data) + "\n]\n", encoding="utf-8"
    )
    print(f"wrote {len(data)} conversations to {HERE / 'gold.json'}")
