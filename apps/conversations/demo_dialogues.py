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


# --- catalogue ----------------------------------------------------------------------------------

PRODUCTS: dict[str, tuple[tuple[str, int], ...]] = {  # (name, price in fen)
    "skincare": (
        ("玻尿酸补水精华液30ml", 18900),
        ("烟酰胺焕亮面霜50g", 23900),
        ("氨基酸温和洁面乳120g", 7900),
        ("清透防晒乳SPF50+", 12900),
        ("修护舒缓面膜10片装", 9900),
        ("视黄醇紧致精华", 29900),
    ),
    "outdoor": (
        ("三合一冲锋衣", 89900),
        ("防水透气登山鞋", 129900),
        ("700蓬鹅绒羽绒服", 109900),
        ("双人自动速开帐篷", 45900),
        ("户外速干裤", 26900),
        ("40L登山背包", 39900),
    ),
    "baby": (
        ("超薄透气纸尿裤L码54片", 10900),
        ("婴儿拉拉裤XL码", 11900),
        ("婴儿手口湿巾80抽×6包", 4990),
        ("高景观双向婴儿推车", 129900),
        ("婴儿纯棉连体衣", 8900),
        ("宽口径硅胶奶瓶240ml", 12900),
    ),
    "appliance": (
        ("无油空气炸锅5.5L", 39900),
        ("扫拖一体扫地机器人", 249900),
        ("嵌入式洗碗机13套", 399900),
        ("IH电饭煲4L", 59900),
        ("静音破壁机", 69900),
        ("变频空气循环扇", 32900),
    ),
    "snacks": (
        ("每日坚果30袋装", 12900),
        ("手撕风干牛肉干500g", 8990),
        ("辣条零食大礼包", 3990),
        ("芒果干500g", 3590),
        ("流心蛋黄酥12枚礼盒", 4990),
        ("海苔肉松卷", 2990),
    ),
    "cosmetics_xb": (
        ("澳洲绵羊油面霜100g", 8900),
        ("日本温和卸妆油200ml", 13900),
        ("韩国水光气垫BB霜", 16900),
        ("法国香水小样礼盒", 32900),
        ("德国护手霜套装", 11900),
        ("美国维C精华30ml", 26900),
    ),
}

GIFTS = {
    "skincare": ("旅行装小样", "化妆棉", "补水面膜"),
    "outdoor": ("速干袜", "防水收纳袋", "登山扣"),
    "baby": ("湿巾一包", "试用装纸尿裤", "婴儿口水巾"),
    "appliance": ("清洁套装", "备用滤网", "食谱"),
    "snacks": ("试吃装", "小零食一包", "坚果开口器"),
    "cosmetics_xb": ("旅行装", "化妆包", "小样三件套"),
}
SPEC_WORD = {
    "skincare": "规格",
    "outdoor": "尺码",
    "baby": "尺码",
    "appliance": "型号",
    "snacks": "口味",
    "cosmetics_xb": "色号",
}

COURIERS = {
    "tmall": ("中通", "圆通", "顺丰", "韵达"),
    "taobao": ("中通", "圆通", "韵达", "申通"),
    "jd": ("京东物流",),
    "douyin": ("中通", "极兔", "圆通", "顺丰"),
    "pinduoduo": ("极兔", "中通", "韵达", "申通"),
    "cross_border": ("顺丰", "EMS"),
}

# Category-specific pre-sale questions: intent -> [(buyer question, answer)].
CATEGORY_QA: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "skincare": {
        "size": (
            ("油皮用这个{product}会不会闷痘", "这款质地比较清爽，油皮也可以放心用，建议晚上薄涂一层哦"),
            ("敏感肌能用{product}吗", "这款无香精无酒精，敏感肌可以先在耳后试用一下再全脸使用"),
            ("{product}是多大容量的，能用多久", "正装规格见详情页，每天早晚用的话大概可以用两个月左右"),
        ),
        "material": (
            ("{product}含酒精吗", "这款不含酒精，主要成分是透明质酸钠和积雪草提取物"),
            ("孕妇可以用{product}吗", "成分比较温和，不过孕期建议先咨询医生再使用哦"),
            ("这个有没有添加香精", "没有添加香精和色素，成分表在详情页第三屏可以看到"),
        ),
    },
    "outdoor": {
        "size": (
            (
                "身高{height}体重{weight}斤，{product}穿什么码",
                "按您的身高体重建议选{size}码，里面要穿抓绒的话可以大一码",
            ),
            ("{product}尺码偏大还是偏小", "这款是标准码，平时穿{size}码的选{size}码就可以"),
            ("脚长{foot}mm穿多大的", "脚长{foot}mm建议选{shoe}码，登山的话可以大半码"),
        ),
        "material": (
            ("{product}防水吗，面料是什么", "面料是三层压胶防水透气面料，防水指数10000mm，小雨天完全没问题"),
            ("这个充绒量多少，冬天零下能穿吗", "充绒量在详情页有写，零下十度左右日常穿着是可以的"),
            ("{product}重不重，背着爬山累不累", "整体比较轻量化，具体重量可以看详情页参数表"),
        ),
    },
    "baby": {
        "size": (
            ("宝宝{months}个月{bweight}斤用什么码的{product}", "按宝宝的体重建议选{size}码，宝宝腿粗的话可以大一码"),
            ("新生儿用哪个码", "新生儿建议选NB码，5kg以内都合适哦"),
            ("{product}一包有多少片", "每包的片数在规格里可以选，囤货的话大包装更划算"),
        ),
        "material": (
            ("{product}是纯棉的吗", "是的，表层是亲肤纯棉材质，宝宝用着很柔软"),
            ("会不会红屁屁，透气吗", "这款有透气孔设计，勤换的话一般不会红屁屁"),
            ("奶瓶是什么材质的，能高温消毒吗", "是食品级硅胶材质，可以高温蒸汽消毒"),
        ),
    },
    "appliance": {
        "size": (
            ("{product}三口之家够用吗", "三口之家完全够用，容量在详情页参数里可以看到"),
            ("洗碗机的尺寸是多少，橱柜能放下吗", "嵌入尺寸是宽600深580高820，安装前师傅会上门勘测"),
            ("扫地机能爬多高的门槛", "最高可以越过2cm左右的门槛"),
        ),
        "material": (
            ("{product}内胆是什么材质，有涂层吗", "内胆是食品级不粘涂层，不含PFOA，可以放心使用"),
            ("这个噪音大不大", "运行噪音大概在45分贝左右，晚上开也不会太吵"),
            ("保修多久，有上门安装吗", "整机保修一年、电机保修三年，下单后会安排师傅上门安装"),
        ),
    },
    "snacks": {
        "size": (
            ("{product}保质期多久", "保质期是9个月，发的都是近期生产的新鲜批次"),
            ("是独立小包装吗", "是独立小包装的，方便随身带"),
            ("{product}辣不辣，小孩能吃吗", "是微辣的口味，小朋友建议少量尝试哦"),
        ),
        "material": (
            ("{product}有添加剂吗", "配料表在详情页可以看到，没有添加防腐剂"),
            ("配料里有没有花生，孩子过敏", "这款生产线也会加工坚果，过敏体质的宝宝建议谨慎食用"),
            ("是什么产地的", "产地是湖南长沙，工厂有SC生产许可"),
        ),
    },
    "cosmetics_xb": {
        "size": (
            ("{product}是什么色号，黄皮适合吗", "黄皮建议选自然色，如果偏白可以选象牙白"),
            ("{product}有没有中文标签", "跨境商品是原装进口的，外包装是原文标签，附中文说明书"),
            ("是正品吗，从哪里发货", "我们是保税仓直发，每件商品都有海关备案可以查询"),
        ),
        "material": (
            ("{product}孕妇能用吗", "建议孕期先咨询医生，成分表在详情页有中文翻译"),
            ("保质期到什么时候", "目前在售批次的保质期都在一年半以上"),
            ("跨境的要交税吗", "跨境综合税已经包含在价格里了，不用另外交税"),
        ),
    },
}

# Generic intents: each a tuple of variants (buyer phrasings, bot answers, agent answers) that match.
GENERIC_INTENTS: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...]] = {
    "coupon": (
        (
            ("现在下单有什么优惠吗", "最近有活动吗", "现在买划算吗"),
            ("目前店铺有满{full}减{off}的活动，领券中心还可以再领一张{coupon}元券哦",),
            (
                "这边帮您看了一下，现在满{full}减{off}，再叠加{coupon}元店铺券是最划算的",
                "现在满{full}减{off}，凑单到{full}就能用",
            ),
        ),
        (
            ("满减是怎么算的", "满{full}减{off}是跨店的吗", "两件一起买怎么减"),
            ("满减按同一订单内满足门槛的商品金额计算，满{full}元立减{off}元，可与店铺券叠加",),
            (
                "满减是按实付前的金额算的，{product}两件就够{full}了，能减{off}",
                "店铺满减不跨店，同一个订单凑够{full}就减{off}",
            ),
        ),
        (
            ("我领的券怎么用不了", "优惠券显示不可用", "券过期了能补吗"),
            ("优惠券需要满足使用门槛才能用，请在结算页查看可用券及有效期",),
            ("券用不了是因为没到门槛，再凑一件就可以用了", "过期的券系统补不了，这边帮您申请一张{coupon}元的新券"),
        ),
        (
            ("预售定金怎么付", "尾款什么时候付", "定金能退吗"),
            ("预售商品先付定金，尾款在11月10日20:00后支付，定金可以抵扣{deposit}元；因个人原因未付尾款定金不退哦",),
            (
                "定金{deposit}元，尾款11月10号晚上8点开始付，记得定好闹钟",
                "定金是不退的，不过尾款前都可以联系我们帮您看看",
            ),
        ),
        (
            ("{product}还能便宜点吗", "能不能再优惠点", "多买有优惠吗"),
            ("您好，活动价格以下单页显示为准，叠加店铺券更划算哦",),
            ("这个价格已经是活动价了，我再帮您申请一张{coupon}元的券，您看可以吗", "买两件的话第二件半价，更划算"),
        ),
    ),
    "ship_time": (
        (
            ("今天下单什么时候发货", "现在拍今天能发吗", "能不能今天就发，急用"),
            ("现货商品下单后48小时内发货，16:00前付款一般当天发出",),
            ("下午4点前付款的今天就能发出，默认{courier}", "这边给您备注加急了，尽量今天安排发出"),
        ),
        (
            ("预售的什么时候发货", "付完尾款多久发", "预售要等多久"),
            ("预售商品在尾款支付后72小时内陆续发出，请您耐心等待",),
            ("预售的付完尾款以后按付款顺序发货，一般3天内能发出", "尾款付完后仓库会优先处理，有物流会短信通知您"),
        ),
        (
            ("发什么快递", "能发{courier}吗", "{product}现在拍几天能到"),
            ("默认发{courier}，一般发货后2-4天送达",),
            ("{courier}的话到您那边一般两三天", "默认是{courier}，需要指定快递可以在备注里写"),
        ),
    ),
    "gift": (
        (
            ("买两件送什么赠品", "现在下单有赠品吗", "有没有送{gift}"),
            ("活动期间下单即赠{gift}一份，赠品随单发出，送完即止哦",),
            ("现在下单送{gift}，系统会自动加到订单里", "买两件额外再送一份{gift}，这边给您备注上了"),
        ),
        (
            ("赠品是随单发吗", "我的赠品怎么没收到", "赠品和正品一起到吗"),
            ("赠品以下单页面展示为准，会和正品一起发出",),
            ("赠品是随单一起发的，这边帮您查一下是不是漏发了", "核实赠品漏发了，这边给您补寄一份{gift}"),
        ),
        (
            ("直播间说的赠品怎么没有", "主播说下单送{gift}的"),
            ("直播间专属赠品需从直播间链接下单，请提供订单号由人工客服核实",),
            ("直播间的赠品需要从直播间链接下单才有，这边帮您核实一下订单来源", "核实您是直播间下的单，赠品给您补发"),
        ),
    ),
    "track": (
        (
            ("我的快递到哪了", "帮我查下物流", "物流到哪了"),
            ("您的包裹已由{courier}揽收，最新物流：{city}转运中心已发出，预计{eta}送达",),
            ("帮您查了一下，包裹在{city}转运中心，预计{eta}送达", "已经到{city}了，{eta}就能派送"),
        ),
        (
            ("物流怎么好几天没更新了", "物流一直不动"),
            ("物流信息更新可能有延迟，如超过72小时未更新可联系人工客服",),
            (
                "物流没更新是因为中转比较慢，这边已经帮您联系{courier}催件了",
                "这边给{courier}提了催件工单，明天还不动我再跟进",
            ),
        ),
        (
            ("快递显示在派送了但一直没到", "派送中一整天了"),
            ("亲，包裹正在派送中，请保持电话畅通哦",),
            ("快递员今天会给您派送，有问题您随时联系我", "帮您联系了派送网点，晚点会送到"),
        ),
    ),
    "urge": (
        (
            ("都三天了怎么还没发货", "说好48小时发货，现在还没动静", "怎么还不发货"),
            ("非常抱歉让您久等了，活动期间订单较多，仓库正在加急处理",),
            ("实在抱歉，这边已经给仓库发了加急，今天之内给您发出", "帮您看了，订单已经在打包了，今晚就会有物流信息"),
        ),
        (
            ("能不能快点发货啊，等着用", "催一下发货", "着急用，能先发吗"),
            ("已为您提交催发货请求，仓库会尽快安排",),
            ("已经给您备注优先发货了，发出后会有短信通知", "理解您着急，这边给您加急了，明天上午前发出"),
        ),
    ),
    "lost": (
        (
            ("物流显示签收了但我没收到", "没收到货怎么显示签收了"),
            ("很抱歉给您带来不便，如显示签收但未收到，请先联系派送员或查看驿站、快递柜",),
            (
                "帮您联系了派送员，确认是放错驿站了，今天会重新给您送过去",
                "这边已经给{courier}提交了签收核查，48小时内给您答复",
            ),
        ),
        (
            ("快递丢了怎么办，一直查不到", "包裹丢了", "驿站说没有我的快递"),
            ("物流异常需要人工核实，建议您转人工客服处理",),
            ("核实是物流丢件，这边直接给您补发一份，运费我们承担", "已经登记丢件，给您先补发，丢件我们和{courier}处理"),
        ),
    ),
    "return7": (
        (
            ("不想要了可以退吗", "七天无理由退货怎么弄", "买错了，能退吗，还没拆"),
            ("支持七天无理由退货，商品未使用、不影响二次销售即可申请，请在订单页点击“申请售后”",),
            (
                "可以的，没拆封的话直接在订单页申请退货退款，我这边马上同意",
                "已经帮您同意退货了，寄回后仓库签收，退款1-3个工作日原路退回",
            ),
        ),
        (
            ("拆封了还能退吗", "用过一次能退吗"),
            ("已拆封商品需不影响二次销售方可退货，具体以售后审核为准",),
            ("拆封了的话要不影响二次销售才能退，您先拍个照片我看一下", "这种情况可以退，退款1-3个工作日原路退回"),
        ),
    ),
    "refund_progress": (
        (
            ("退款什么时候到账", "我的退款进度怎么样了", "退款{amount}元一直显示处理中"),
            ("仓库签收退货后48小时内处理退款，退款将原路退回，银行卡一般1-3个工作日到账",),
            (
                "帮您查了，仓库昨天签收了，今天已经给您退款{amount}元，原路退回1-3个工作日到账",
                "退款已经审核通过了，钱会原路退回，花呗的话会退回花呗额度",
            ),
        ),
        (
            ("退货寄回去好几天了，钱怎么还没退", "仓库收到货了吗"),
            ("您可以在“退款/售后”页面查看退货签收和退款进度哦",),
            (
                "这边帮您催一下仓库，今天之内给您处理退款，到账时间1-3个工作日",
                "仓库已经签收了，今天给您退款，1-3个工作日到账",
            ),
        ),
    ),
    "exchange": (
        (
            ("{spec}拍错了，能换吗", "{spec}不合适，能换一个吗", "收到的和我拍的不一样，可以换货吗"),
            ("支持换货，请在订单页申请售后选择“换货”，寄回后我们会重新发出",),
            ("可以换的，您在订单页申请换货，寄回的运费我们承担", "这边给您登记了换货，寄回后仓库优先给您发新的"),
        ),
        (
            ("换货要多久", "换的货什么时候发"),
            ("换货需要先寄回原商品，仓库收到后48小时内寄出新商品",),
            ("仓库收到您寄回的商品后48小时内发出新的", "这边给您安排先发后退，新的今天就发出"),
        ),
    ),
    "quality": (
        (
            ("收到的{product}坏了", "东西漏液了，包装都湿了", "包装破了"),
            ("非常抱歉给您带来不好的体验，请上传商品问题照片，我们尽快为您处理",),
            (
                "非常抱歉，看了照片确实是运输破损，这边给您补发一份新的",
                "实在抱歉，已为您申请退款{amount}元，不用寄回了",
            ),
        ),
        (
            ("收到有异味，是不是过期了", "用了两天就出问题了", "质量太差了吧，{product}一用就坏"),
            ("很抱歉，质量问题请转人工客服为您优先处理",),
            ("这个批次我们会反馈给质检部门，这边先给您退款或者换新，您看哪种方便", "非常抱歉，给您换新，旧的不用寄回"),
        ),
    ),
    "service": (
        (
            ("你们发错货了", "少发了一件"),
            ("很抱歉给您带来困扰，我们马上为您转接人工客服核实处理",),
            ("非常抱歉，核实是仓库漏发了，这边马上给您补发", "抱歉让您久等了，发错的那件不用寄回，正确的今天给您发"),
        ),
        (
            ("之前的客服说给我补发，到现在也没有", "我都问了三遍了，能不能给个准话"),
            ("非常抱歉，请提供订单号，人工客服会为您跟进",),
            (
                "实在不好意思，之前登记的补发没有跟进到位，今天一定给您发出，工单号{ticket}",
                "非常抱歉，这边已经升级处理，工单号{ticket}，明天中午前给您答复",
            ),
        ),
    ),
}

INTENT_TOPIC = {
    "size": "presale",
    "material": "presale",
    "coupon": "presale",
    "ship_time": "presale",
    "gift": "presale",
    "track": "logistics",
    "urge": "logistics",
    "lost": "logistics",
    "return7": "aftersale",
    "refund_progress": "aftersale",
    "exchange": "aftersale",
    "quality": "complaint",
    "service": "complaint",
}
# Probability that the bot cannot settle it and the shopper reaches a human.
TRANSFER_RATE = {
    "size": 0.25,
    "material": 0.22,
    "coupon": 0.2,
    "ship_time": 0.16,
    "gift": 0.2,
    "track": 0.22,
    "urge": 0.4,
    "lost": 0.78,
    "return7": 0.31,
    "refund_progress": 0.38,
    "exchange": 0.45,
    "quality": 0.84,
    "service": 0.95,
}
PHASE_MIX = {  # intent weights by the phase of the sales calendar
    "normal": {
        "size": 14, "material": 10, "coupon": 8, "ship_time": 11, "gift": 4, "track": 14, "urge": 6, "lost": 2,
        "return7": 9, "refund_progress": 9, "exchange": 6, "quality": 4, "service": 3,
    },
    "presale": {
        "size": 16, "material": 10, "coupon": 20, "ship_time": 12, "gift": 9, "track": 8, "urge": 3, "lost": 1,
        "return7": 6, "refund_progress": 7, "exchange": 4, "quality": 2, "service": 2,
    },
    "peak": {
        "size": 10, "material": 6, "coupon": 22, "ship_time": 16, "gift": 8, "track": 8, "urge": 10, "lost": 1,
        "return7": 5, "refund_progress": 6, "exchange": 3, "quality": 2, "service": 3,
    },
    "post": {
        "size": 6, "material": 4, "coupon": 4, "ship_time": 6, "gift": 4, "track": 22, "urge": 16, "lost": 4,
        "return7": 12, "refund_progress": 10, "exchange": 6, "quality": 3, "service": 3,
    },
}  # fmt: skip

# --- phrasing pools -----------------------------------------------------------------------------

OPENERS = ("", "", "", "你好，", "在吗？", "亲，", "客服在吗，", "您好，", "请问", "hello，")
BOT_GREETINGS = (
    "您好，我是{bot}，很高兴为您服务~",
    "亲，欢迎光临{shop}，我是智能客服{bot}",
    "Hi～我是{bot}，有什么可以帮您？",
    "欢迎光临！{bot}为您服务",
)
BOT_CLOSINGS = (
    "还有其他问题随时找{bot}哦~",
    "感谢您的咨询，祝您购物愉快！",
    "不客气，{bot}随时为您服务~",
    "如有其他问题可以随时咨询哦",
)
BOT_DONT_GET = (
    "抱歉，{bot}没有理解您的问题，您可以换个说法或输入“人工”",
    "这个问题{bot}还在学习中，建议您转人工客服哦",
    "您是想咨询以下哪个问题呢？1.发货时间 2.退换货 3.优惠活动",
)
BUYER_THANKS = ("好的谢谢", "知道了", "ok", "好的", "明白了，谢谢", "行", "嗯嗯", "谢谢亲")
BUYER_WANT_HUMAN = ("转人工", "人工", "人工客服", "我要找人工", "转人工客服", "机器人听不懂，转人工", "找个真人")
FOLLOWUPS: dict[str, tuple[tuple[str, str], ...]] = {  # topic -> (buyer follow-up, answer)
    "presale": (
        ("那{product}现在有货吗", "目前有现货，下单后尽快为您安排"),
        ("大概几天能到", "一般发货后2-4天送达，偏远地区会稍慢一些"),
        ("那我直接拍就行了吗", "可以直接拍下哦，系统会自动匹配优惠"),
        ("可以开发票吗", "支持开具电子发票，确认收货后在订单页申请即可"),
        ("有运费险吗", "本店商品均赠送运费险，退货可抵扣运费"),
        ("能帮我备注一下吗", "可以的，下单时在备注栏填写，我们会按备注处理"),
        ("会不会降价啊", "活动价已经是近期的优惠价格了，现在下单也支持价保"),
    ),
    "logistics": (
        ("今天能到吗", "派送时效以快递实际为准，一般当天或次日送达"),
        ("能放驿站吗", "可以的，已为您备注放驿站，到了会有取件码短信"),
        ("能改地址吗", "未发货可以修改，已发货需要联系快递改派"),
        ("快递会打电话吗", "快递员派送前一般会联系您，请保持电话畅通"),
        ("要是丢了怎么办", "如果确认丢件会为您补发或者退款，您放心"),
    ),
    "aftersale": (
        ("运费谁出", "非质量问题退货运费可以用运费险抵扣"),
        ("退款退到哪里", "退款原路退回，支付宝和花呗即时到账，银行卡1-3个工作日"),
        ("要我寄回吗", "需要寄回的话请按售后页面的地址寄回，并填写快递单号"),
        ("多久能处理好", "仓库签收后48小时内处理完成"),
        ("赠品要一起退吗", "赠品需要一起寄回哦，不然会按价值扣除"),
    ),
    "complaint": (
        ("能补偿一下吗", "给您申请了一张无门槛优惠券作为补偿，请查收"),
        ("下次还会这样吗", "已经反馈给仓库和质检，我们会加强检查"),
        ("要我拍视频吗", "拍一张清楚的照片就可以了"),
        ("多久给我答复", "24小时内一定给您答复"),
    ),
}
SYSTEM_TRANSFER = (
    "正在为您转接人工客服，请稍候…",
    "已为您转接人工客服",
    "当前排队人数较多，正在为您转接人工，请稍候",
)
SYSTEM_OFFLINE = "当前为非工作时间（服务时间08:00-24:00），您可以留言，我们上班后第一时间回复您"
AGENT_GREETINGS = (
    "您好，我是{nick}，很高兴为您服务",
    "亲，您好~{nick}在的，请问有什么可以帮您",
    "欢迎光临{shop}，我是客服{nick}",
    "亲亲您好，这边是人工客服{nick}",
    "您好，让您久等了，我是{nick}",
    "在的亲，请问有什么可以帮到您",
)
AGENT_ASK_ORDER = (
    "麻烦提供一下订单号，这边帮您查询",
    "亲，方便发一下订单吗",
    "您好，请把订单号发我一下哦",
    "可以发一下您的订单截图吗",
)
AGENT_WAIT = ("稍等，这边帮您查询一下~", "好的亲，稍等哈", "收到，马上帮您看", "我看一下哈，稍等")
AGENT_CLOSINGS = (
    "还有其他可以帮您的吗？",
    "请问还有其他问题吗？祝您生活愉快~",
    "感谢您的耐心，祝您生活愉快！",
    "不客气亲，有问题随时找我哦",
    "还有其他需要帮忙的随时联系我，祝您购物愉快",
)
BUYER_END = ("没有了，谢谢", "嗯嗯没了", "行吧", "好的，辛苦了")

EVENT_LINES: dict[str, tuple[str, ...]] = {
    "absolute_words": (
        "这款{product}是全网最低价了亲，放心拍",
        "我们家的{product}品质是顶级的，全网第一",
        "这是国家级工艺，别的店都比不了",
        "这个价格是史上最低价，错过就没了",
    ),
    "forbidden_promise": (
        "保证正品，假一赔十",
        "百分百不会过敏的，您放心用",
        "绝对明天就到，我保证",
        "永久保修，坏了随时找我",
    ),
    "off_platform": (
        "您加我微信{wx}吧，我给您发个链接",
        "方便的话加个vx：{wx}，售后更快",
        "加我QQ {qq}，我单独给您优惠",
        "可以支付宝转账给我，价格再便宜点",
    ),
    "review_manipulation": (
        "收到货给个五星好评，返现5元哦",
        "好评返现10元，晒图还有额外红包",
        "亲，麻烦给个五星好评，截图发我返现",
    ),
    "shirking": (
        "这个你自己看详情页吧",
        "这个我也不清楚",
        "没办法，规定就是这样",
        "你自己去问快递吧",
    ),
    "abuse": ("爱买不买", "你是不是有病啊，说了多少遍了", "烦不烦啊"),
}
ESCALATION_BUYER = (
    "再不处理我就去投诉了",
    "我要打12315",
    "不处理我就给差评",
    "我要曝光你们",
    "申请平台介入吧",
    "你们这样我要找消协举报",
)
SOOTHE = (
    "非常抱歉给您带来不好的体验，这边马上优先为您处理",
    "实在抱歉亲，理解您的心情，这边一定给您处理好",
    "真的很抱歉，耽误您时间了，我马上跟进",
)
UNSOOTHED = ("按流程处理需要时间", "这边已经登记了，等通知吧", "我们也是按规定来的")
REPEAT_LINE = ("亲，请您耐心等待哦", "这边已经在处理了哦", "请稍等哈亲")
BUYER_PUSH = ("到底什么时候能好", "还要等多久", "能快点吗", "？？？", "人呢")

PROVINCE_CITIES = (
    ("浙江省", "杭州市", ("西湖区", "余杭区", "滨江区")),
    ("江苏省", "南京市", ("鼓楼区", "建邺区", "江宁区")),
    ("广东省", "深圳市", ("南山区", "福田区", "宝安区")),
    ("四川省", "成都市", ("武侯区", "高新区", "锦江区")),
    ("安徽省", "合肥市", ("蜀山区", "包河区", "庐阳区")),
    ("湖北省", "武汉市", ("洪山区", "江汉区", "武昌区")),
    ("山东省", "青岛市", ("市南区", "崂山区", "黄岛区")),
    ("河南省", "郑州市", ("金水区", "二七区", "中原区")),
)
ROADS = ("文一西路", "建设路", "人民路", "中山北路", "解放大道", "长江路", "科技园南路", "天府大道", "学府路")
ID_REGIONS = ("330106", "320106", "440305", "510107", "340104", "420111", "370202", "410105", "110105")
CARD_BINS = ("622202", "621700", "622848", "621483", "622588", "621226", "623668")
MOBILE_PREFIXES = ("138", "139", "135", "136", "137", "150", "151", "152", "157", "158", "159", "182", "187", "188")
MOBILE_PREFIXES += ("130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "189", "177", "199", "166")
BUYER_WORDS_A = ("小鹿", "橘子", "阿狸", "夏天", "奶茶", "月亮", "风吹", "南风", "柚子", "芒果", "可乐", "星星", "豆豆")
BUYER_WORDS_B = ("爱吃糖", "不加冰", "的猫", "小姐姐", "同学", "妈妈", "不睡觉", "要发财", "在路上", "酱", "呀", "2021")
CITIES = ("杭州", "金华", "嘉兴", "上海", "苏州", "武汉", "郑州", "广州", "东莞", "成都", "合肥", "济南", "长沙")


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
    keeps it. `load` (≥ 1) stretches human reply times at promo peaks."""
    mix = PHASE_MIX[phase]
    intent = rng.choices(list(mix), weights=list(mix.values()))[0]
    topic = INTENT_TOPIC[intent]
    s = _slots(rng, category, platform, shop, bot_name, agent_nick or "")
    sc = _Script(rng)
    pii: list[str] = []
    events: list[str] = []

    if intent in CATEGORY_QA[category]:
        question, answer = rng.choice(CATEGORY_QA[category][intent])
        bot_answer = agent_answer = _fill(rng, answer, s)
    else:
        buyers, bots, agents = rng.choice(GENERIC_INTENTS[intent])
        question = rng.choice(buyers)
        bot_answer = _fill(rng, rng.choice(bots), s)
        agent_answer = _fill(rng, rng.choice(agents), s)
    question = _fill(rng, question, s)

    # Opening: sometimes a product or order card first, then the question.
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

    wants_human = rng.random() < TRANSFER_RATE[intent]
    if rng.random() < PII_RATE:
        sc.add(BUYER, _pii_line(rng, category, topic, pii), sc.buyer_gap())
        sc.add(BOT, rng.choice(("已收到您的信息，我们会尽快处理", "好的，已为您记录")), sc.bot_gap())

    if not wants_human:
        for ask, answer in rng.sample(FOLLOWUPS[topic], rng.choice((0, 1, 1, 2, 2))):
            sc.add(BUYER, _style(rng, _fill(rng, ask, s), BUYER), sc.buyer_gap())
            sc.add(BOT, answer, sc.bot_gap())
        if rng.random() < 0.7:
            sc.add(BUYER, rng.choice(BUYER_THANKS), sc.buyer_gap())
            sc.add(BOT, _fill(rng, rng.choice(BOT_CLOSINGS), s), sc.bot_gap())
        return Dialogue(intent, topic, sc.turns, "bot", False, events, pii)

    # The shopper wants a person.
    if rng.random() < 0.35:
        sc.add(BUYER, rng.choice(("没懂", "不是这个意思", "你说的不对")), sc.buyer_gap())
        sc.add(BOT, _fill(rng, rng.choice(BOT_DONT_GET), s), sc.bot_gap())
    sc.add(BUYER, rng.choice(BUYER_WANT_HUMAN), sc.buyer_gap())
    if agent_nick is None:
        sc.add(SYSTEM, SYSTEM_OFFLINE, sc.bot_gap(), "system")
        if rng.random() < 0.5:
            sc.add(BUYER, rng.choice(("好吧", "那我明天再问", "行吧")), sc.buyer_gap())
        return Dialogue(intent, topic, sc.turns, "bot", False, events, pii)

    for event, rate in EVENT_RATES.items():
        if rng.random() < rate:
            events.append(event)
    if "slow_first_30" in events and "slow_first_180" in events:
        events.remove("slow_first_30")
    if topic == "presale" and "escalation" in events:
        events.remove("escalation")  # shoppers threaten over orders gone wrong, not over questions

    sc.add(SYSTEM, rng.choice(SYSTEM_TRANSFER), sc.bot_gap(), "system")

    def agent(text: str, gap: float | None = None) -> None:
        sc.add(AGENT, _style(rng, text, AGENT), _agent_latency(rng, load) if gap is None else gap)

    def buyer(text: str, msg_type: str = "text", styled: bool = True, gap: float | None = None) -> None:
        content = _style(rng, text, BUYER) if styled and msg_type == "text" else text
        sc.add(BUYER, content, sc.buyer_gap() if gap is None else gap, msg_type)

    # In the human session the shopper states the matter again; the agent's first reply answers it.
    has_order = any(t.msg_type == "order" for t in sc.turns)
    if topic == "presale":
        buyer(
            question if rng.random() < 0.5 else rng.choice(("就是刚才问的", "刚才那个问题", "在吗")),
            gap=rng.uniform(2, 15),
        )
    elif not has_order and rng.random() < 0.5:
        buyer(f"订单号：{s['order']} 商品：{s['product']} 实付：¥{s['amount']}", "order", gap=rng.uniform(2, 15))
        has_order = True
    else:
        buyer(rng.choice(("在吗", "你好", question, "人呢")), gap=rng.uniform(2, 15))
    first = _agent_latency(rng, load)
    if "slow_first_180" in events:
        first = rng.uniform(185, 600)
    elif "slow_first_30" in events:
        first = rng.uniform(31, 170)
    sc.add(AGENT, _fill(rng, rng.choice(AGENT_GREETINGS), s), first)

    if topic != "presale":
        if not has_order:
            agent(rng.choice(AGENT_ASK_ORDER), gap=rng.uniform(2, 8))
            if rng.random() < 0.5:
                buyer(f"订单号：{s['order']} 商品：{s['product']} 实付：¥{s['amount']}", "order")
            else:
                buyer(s["order"], styled=False)
        agent(rng.choice(AGENT_WAIT))

    if "shirking" in events:
        agent(_fill(rng, rng.choice(EVENT_LINES["shirking"]), s))
        buyer(rng.choice(("你这什么态度", "那我问你干嘛", "？？")))
    agent(agent_answer)

    if "escalation" in events:
        buyer(rng.choice(ESCALATION_BUYER))
        if rng.random() < 0.5:
            agent(rng.choice(SOOTHE))
            events[events.index("escalation")] = "escalation_soothed"
        else:
            agent(rng.choice(UNSOOTHED))
            events[events.index("escalation")] = "escalation_unsoothed"
    for event in ("absolute_words", "forbidden_promise", "off_platform", "abuse"):
        if event in events:
            if event == "abuse":
                buyer(rng.choice(BUYER_PUSH))
            agent(_fill(rng, rng.choice(EVENT_LINES[event]), s))
    if "repetition" in events:
        line = rng.choice(REPEAT_LINE)
        for _ in range(3):
            buyer(rng.choice(BUYER_PUSH))
            sc.add(AGENT, line, _agent_latency(rng, load))

    for ask, answer in rng.sample(FOLLOWUPS[topic], rng.choice((0, 1, 1, 2))):
        buyer(_fill(rng, ask, s))
        agent(answer)

    if "review_manipulation" in events:
        agent(_fill(rng, rng.choice(EVENT_LINES["review_manipulation"]), s))
    if "unanswered_last" in events:
        buyer(rng.choice(("那我再问一下，能不能顺便开发票", "还有一个问题", "在吗", "还有运费险吗")))
        return Dialogue(intent, topic, sc.turns, "human", True, events, pii)
    if rng.random() < 0.05:
        events.append("no_closing")  # the agent's last answer ends the chat without a closing phrase
        return Dialogue(intent, topic, sc.turns, "human", True, events, pii)
    buyer(rng.choice(BUYER_THANKS + BUYER_END))
    agent(_fill(rng, rng.choice(AGENT_CLOSINGS), s))
    return Dialogue(intent, topic, sc.turns, "human", True, events, pii)
