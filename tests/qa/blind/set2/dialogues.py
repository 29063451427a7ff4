"""Literal dialogues of blind set 2, written by hand from docs/qa_rule_meanings.md only.

Line syntax: ``B:`` buyer, ``B!:`` buyer message that threatens escalation, ``B^:`` buyer asks for
a human / 主管 / 经理, ``A:`` human agent, ``R:`` shop bot, ``S:`` system notice. ``@N`` after the
role fixes the gap (seconds) since the previous message; ``@wN`` makes an agent reply land exactly
N seconds after its round opened. Labels are the hand-set content codes (aliases in build.py);
timing, greeting, closing, repetition, escalation, risk_not_soothed and handover_ignored are
computed by build.py from the doc's definitions.
"""

HUMAN = []
BOT = []


def H(key, labels, tricks, text, copies=2, **kw):
    HUMAN.append({"key": key, "labels": labels.split(), "tricks": tricks.split(), "text": text, "copies": copies, **kw})


def BO(key, labels, tricks, text, **kw):
    BOT.append({"key": key, "labels": labels.split(), "tricks": tricks.split(), "text": text, "copies": 1, **kw})


GREETINGS = [
    "亲，您好，很高兴为您服务～",
    "您好呀，在的，请问有什么可以帮您？",
    "欢迎光临小店，亲请讲😊",
    "你好，在的哈",
    "亲亲在的呢～",
    "您好，京东客服很高兴为您服务",
    "宝子你好呀～",
    "親，您好，歡迎光臨",
]
CLOSINGS = [
    "还有其他可以帮您的吗？",
    "祝您生活愉快～有问题随时找我",
    "感谢您的支持，欢迎再来哦！",
    "好的亲，感谢理解，祝您购物愉快😊",
    "有问题随时找我哈，祝您周末愉快",
    "感謝您的耐心，祝您生活愉快",
]
# (profile, gap between the tail's buyer messages, texts) appended after the last agent message
TAILS = [
    ("tail_day", 99, ["对了，发票怎么开？", "？？"]),
    ("tail_day", 100, ["那赠品会一起发吗", "在吗"]),
    ("tail_day", 101, ["还有个问题，可以指定顺丰吗", "人呢"]),
    ("tail_day", 20, ["还有一个问题，能开专票吗"]),
    ("tail_night", 100, ["顺便问下能改颜色吗", "？"]),
    ("tail_night", 30, ["对了能改成白色吗"]),
    ("tail_midnight", 60, ["还有，明天几点发货？"]),
]

# ---------------------------------------------------------------- clean / near-miss (content)
H(
    "presale-size",
    "",
    "presale clean",
    """
B: 你好，这件卫衣175/65穿什么码？
A: 亲，您好～175/65建议拿L码，宽松一点可以选XL
B: 好的，那L码有现货吗
A: L码有现货的，今天下单今天发哦
B: 好的谢谢
A: 不客气，祝您购物愉快～
""",
    copies=3,
)

H(
    "presale-multimeter",
    "",
    "near_miss ad tech_term",
    """
B: 你们这个万能表能测电容吗
A: 您好，这款数字万能表可以测电容，量程是2nF到200μF
B: 那温度呢
A: 也可以测温度，配了K型热电偶探头
B: 好的，收到
A: 还有其他可以帮您的吗？
""",
    copies=3,
)

H(
    "presale-caster",
    "",
    "near_miss ad product_name",
    """
B: 这个婴儿推车好推吗？草地上能走吗
A: 亲，在的～前面是两个万能轮，可以360度转向，草地也能推
B: 后轮有刹车吗
A: 有的，后轮是脚踩联动刹车
B: 👌
A: 感谢咨询，有问题随时找我
""",
    copies=3,
)

H(
    "presale-fridge",
    "",
    "near_miss ad tech_term jd",
    """
B: 冷冻室能调到多少度
A: 您好，这款冰箱冷冻室最低温度可以到-24℃，冷藏室2-8℃可调
B: 噪音大不大
A: 运行噪音是36分贝左右，放卧室也可以的
B: ok
A: 感谢您的咨询，祝您生活愉快
""",
    platform="jd",
    copies=3,
)

H(
    "presale-domain",
    "",
    "near_miss ad tech_term",
    """
B: 买了你们的建站套餐能绑自己的域名吗
A: 你好，可以的，购买后在后台绑定您自己的顶级域名就行，.com/.cn都支持
B: 要备案吗
A: 国内服务器需要备案，我们提供免费备案指导
B: 行
A: 祝您建站顺利，有问题随时找我
""",
    copies=3,
)

H(
    "presale-first-time",
    "",
    "near_miss ad first_time",
    """
B: 第一次用这种破壁机，怎么清洗啊
A: 亲，您好～第一步加半杯清水和一滴洗洁精，第二步选择"清洗"键就可以自动清洗了
B: 知道了，谢谢
A: 感谢支持，有问题随时找我哦
""",
    copies=3,
)

H(
    "presale-not-lowest",
    "",
    "near_miss ad refusal",
    """
B: 是不是全网最低价啊？
A: 亲，您好，这个不能说是最低价哦，不过今天下单有满200减30的券
B: 券在哪领
A: 在商品页价格下面点"领券"就可以啦
B: 好的
A: 还有其他可以帮您的吗～
""",
    copies=3,
)

H(
    "presale-best-way",
    "",
    "near_miss ad advice",
    """
B: 沙发上的咖啡渍怎么弄掉
A: 您好，最好的办法是先用湿巾吸干，再用我们随附的布艺清洁剂轻轻擦
B: 会不会掉色
A: 先在不显眼的地方试一下哦，一般不会
B: 嗯嗯好的
A: 祝您生活愉快～
""",
    copies=3,
)

H(
    "presale-cotton",
    "",
    "near_miss promise fabric",
    """
B: 这个T恤是纯棉的吗
A: 亲，您好，面料是百分百棉的，吊牌上写的100%纯棉
B: 会缩水吗
A: 第一次洗会有一点点回缩，建议冷水手洗
B: 好的谢谢
A: 感谢支持～有问题随时找我
""",
    copies=3,
)

H(
    "presale-deposit",
    "",
    "near_miss promise deposit",
    """
B: 你们店靠谱吗，第一次在你家买
A: 您好，我们是品牌旗舰店，店铺交了消保保证金，七天无理由退换
B: 好的，谢谢
A: 感谢信任，祝您购物愉快
""",
    copies=3,
)

H(
    "presale-calculator",
    "",
    "near_miss promise tech_term",
    """
B: 这个计算器考试能用吗
A: 你好，这款是考试专用型，不带存储，有绝对值、开方、三角函数这些功能
B: 有说明书吗
A: 盒子里有纸质说明书，也可以扫码看视频
B: 收到
A: 祝您考试顺利～有问题随时找我
""",
    copies=3,
)

H(
    "presale-no-guarantee",
    "",
    "near_miss promise negation",
    """
B: 双十一期间能保证三天到吗？
A: 亲，您好～高峰期物流我们不敢保证哦，一般江浙沪2-3天，偏远地区会慢一些
B: 知道了
A: 感谢理解，祝您生活愉快
""",
    copies=3,
)

H(
    "presale-quote-buyer",
    "",
    "near_miss promise quote_buyer",
    """
B: 客服你说保证不起球的啊
A: 您好，我们没有说过保证不起球哦，页面写的是"抗起球等级3-4级"，正常穿着不容易起球
B: 哦哦
A: 感谢理解，有问题随时找我
""",
    copies=2,
)

H(
    "presale-camera",
    "",
    "near_miss esc camera_setting",
    """
B: 这款相机逆光拍人脸黑，曝光补偿怎么调？
A: 您好，在M档下转动后拨轮就是曝光补偿，往正方向调+1左右人脸就亮了
B: 那个曝光锁是哪个键
A: 是机身背面的AE-L键哦
B: 好的好的
A: 祝您拍出好照片～有问题随时找我
""",
    copies=3,
)

H(
    "presale-few-bad",
    "",
    "near_miss esc praise",
    """
B: 看了你们家评价，差评很少我才买的，这个多久能到？
A: 亲，您好～感谢信任！今天16点前下单当天发，一般2-3天到
B: 好的
A: 好的亲，祝您购物愉快
""",
    copies=3,
)

H(
    "presale-no-bad-review",
    "",
    "near_miss esc negation",
    """
B: 东西收到了，挺好的，放心不会给差评的哈哈
A: 亲，您好，感谢认可呀😊
B: 就是想问下这个滤芯多久换一次
A: 建议3-6个月更换一次，水质差的话3个月
B: 好的谢谢
A: 有问题随时找我哦
""",
    copies=3,
)

H(
    "aftersale-no-platform",
    "",
    "near_miss esc negation",
    """
B: 上次那个退货的事，你们已经处理好了，不用平台介入了
A: 您好，感谢您的理解和耐心～
B: 另外想问下这个款有没有黑色
A: 黑色目前有货的，需要的话可以直接下单哦
B: 好的
A: 祝您生活愉快
""",
    copies=3,
)

H(
    "presale-candy",
    "",
    "near_miss off_platform candy",
    """
B: 旺仔QQ糖是多大一包的
A: 亲，您好，这款QQ糖是20g一小包，一箱50包
B: 保质期多久
A: 保质期12个月，现在发的都是10月的新货
B: 好的
A: 感谢支持，欢迎再来哦
""",
    copies=3,
)

H(
    "presale-wechat-pay",
    "",
    "near_miss off_platform platform_payment",
    """
B: 能用微信付款吗
A: 您好，京东支持微信支付的，结算页选择"微信支付"就可以
B: 那可以分期吗
A: 白条可以分3期免息哦
B: 收到
A: 感谢您的支持，祝您购物愉快
""",
    platform="jd",
    copies=3,
)

H(
    "presale-refuse-private",
    "",
    "near_miss off_platform refusal buyer_says",
    """
B: 能不能加个微信，我私下转账给你便宜点
A: 亲，您好，不支持私下转账哦，为了您的资金安全请在平台付款，现在店铺有满减
B: 好的
A: 感谢理解～祝您购物愉快
""",
    copies=3,
)

H(
    "return-address",
    "",
    "near_miss pii shop_address shop_hotline",
    """
B: 我要退货，寄到哪
A: 您好，退货地址：浙江省杭州市余杭区文一西路1500号天际线仓储3号库，收件人：售后部，电话0571-88886666
B: 寄顺丰可以吗
A: 可以的，什么快递都可以，记得在包裹里写上订单号哦
B: ok
A: 感谢配合，有问题随时找我
""",
    copies=3,
)

H(
    "order-luhn",
    "",
    "near_miss pii luhn_order_number",
    """
B: 我的单子发了没
A: 亲，您好～订单号2349187655012388463已经发货了，运单号SF1440293671806，预计后天到
B: 好的
A: 祝您生活愉快～
""",
    copies=3,
)

H(
    "order-luhn-card-like",
    "",
    "near_miss pii luhn_16_digits",
    """
B: 帮我看看这个单 4627058902135477
A: 您好，订单4627058902135477已经在配送中了，今天下午派送
B: 好的
A: 还有其他可以帮您的吗？
""",
    copies=3,
)

H(
    "masked-phone",
    "",
    "near_miss pii masked",
    """
B: 快递员说联系不上我
A: 您好，订单上的收件电话是138****5678，麻烦您核对一下是否正确
B: 对的，号码没错，那快递怎么还联系不上我？
A: 好的，快递员会再联系您的，感谢理解
""",
    copies=3,
)

H(
    "check-phone",
    "",
    "near_miss pii check_without_saying",
    """
B: 请问快递什么时候送，一直显示派送中
A: 亲，您好～麻烦您看一下订单上留的手机号对不对，快递显示电话无人接听
B: 哎呀我写错了一位
A: 没关系，您在平台"修改地址"里改一下号码，快递会按新号码联系您
B: 改好了，现在可以了吗
A: 感谢配合，祝您生活愉快
""",
    copies=3,
)

H(
    "warn-code",
    "",
    "near_miss pii warning",
    """
B: 有人打电话说是你们客服要退我钱，让我报验证码
A: 您好，那是诈骗电话！我们不会索要验证码，请勿向任何人透露验证码和密码
B: 吓死我了，还好没说
A: 感谢您的警惕，有问题随时找我们平台客服
""",
    copies=3,
)

H(
    "smart-lock",
    "",
    "near_miss pii product_feature",
    """
B: 这个门锁能给保姆设临时密码吗
A: 您好，可以的，APP里可以设置临时密码，还能设有效时间
B: 指纹能录几个
A: 最多100组指纹
B: 👍
A: 感谢咨询，祝您生活愉快
""",
    copies=3,
)

H(
    "toy-names",
    "",
    "near_miss abuse product_name",
    """
B: 猪猪侠的手办还有吗
A: 亲，在的～猪猪侠还有，二哈抱枕也有货，一起买包邮
B: 傻瓜相机那款儿童相机呢
A: 那款儿童傻瓜相机暂时缺货，预计下周补货哦
B: 好的
A: 还有其他可以帮您的吗？
""",
    copies=3,
)

H(
    "speaker-model",
    "",
    "near_miss abuse model_code",
    """
B: SB-200和SB-300有什么区别
A: 您好，SB-200是单声道的，SB-300带立体声和蓝牙5.3，推荐SB-300哦
B: 价格差多少
A: 差80元，现在SB-300有券可以减30
B: 行
A: 感谢支持，祝您购物愉快
""",
    copies=3,
)

H(
    "washer-drum",
    "",
    "near_miss abuse product_word",
    """
B: 滚筒的和波轮的哪个洗得干净
A: 你好，滚筒洗衣机更省水、不伤衣物，波轮洗得更快，看您习惯哦
B: 那你们这款滚筒多大容量
A: 10公斤的，适合三到五口之家
B: 知道了
A: 有问题随时找我～
""",
    copies=3,
)

H(
    "cannot-change-but",
    "sol",
    "near_miss shirking alternative",
    """
B: 地址填错了，能改吗
A: 您好，包裹已经出库了，没办法改地址，但我可以帮您拦截，拦截成功后马上给您按新地址重发
B: 好的，谢谢
A: 已经为您提交拦截，重发后把新单号发给您，感谢理解
""",
    copies=3,
)

H(
    "not-sure-check",
    "",
    "near_miss shirking offer_to_check",
    """
B: 这个颜色和图片一样吗
A: 亲，您好，不清楚的话我帮您问一下仓库要一张实拍图哈
A: 亲，这是仓库刚拍的实拍图，颜色和图片基本一致，稍微偏暖一点
B: 好的
A: 感谢支持，祝您购物愉快
""",
    copies=3,
)

H(
    "review-neutral",
    "",
    "near_miss review neutral_invite",
    """
B: 收到了，挺满意的
A: 亲，您好，感谢您的认可～使用满意的话欢迎评价哦
B: 好的
A: 祝您生活愉快
""",
    copies=3,
)

H(
    "review-refuse",
    "",
    "near_miss review refusal",
    """
B: 给好评有返现吗
A: 您好，平台规定不能好评返现哦，不过关注店铺可以领一张5元券
B: 好的
A: 感谢理解，欢迎再来
""",
    copies=3,
)

H(
    "refund-with-time",
    "sol",
    "refund with_time",
    """
B: 退货寄回去了，退款什么时候到
A: 亲，您好～已经收到您的退货，已为您办理退款，1-3个工作日原路退回
B: 好的谢谢
A: 感谢耐心，祝您生活愉快
""",
    copies=3,
)

H(
    "refund-tomorrow",
    "sol",
    "refund with_time jd",
    """
B: 我取消了订单，钱呢
A: 您好，订单已经取消成功，退款已提交，预计明天到账，白条的话直接恢复额度
B: 收到
A: 还有其他可以帮您的吗？
""",
    platform="jd",
    copies=3,
)

H(
    "refund-24h",
    "",
    "refund with_time system_done",
    """
B: 退款一般多久到账？我还没申请，先问问
A: 亲，您好，审核通过后1-3个工作日原路退回哦
B: ok
A: 感谢咨询，祝您生活愉快
""",
    copies=3,
)

H(
    "mild-worry",
    "",
    "near_miss neg mild_then_ok",
    """
B: 有点担心快递会压坏，能多包一层吗
A: 您好，没问题的，我们是气泡膜加纸箱双层包装，易碎品还会加护角
B: 好的谢谢
A: 感谢信任，祝您购物愉快
""",
    copies=3,
)

H(
    "order-card",
    "",
    "order_card needs_answer",
    """
B: [订单卡片] 订单号 3312077588421966043
B: 这个帮我看下
A: 您好，这个订单明天上午会发出，发的中通快递
B: 好的
A: 还有其他可以帮您的吗？
""",
    copies=3,
)

H(
    "image-question",
    "",
    "image needs_answer",
    """
B: [图片]
A: 亲，您好，图片上是我们的旗舰款吸尘器，请问想了解哪方面呢
B: 续航多久
A: 标准档60分钟，强力档15分钟
B: 嗯嗯
A: 感谢咨询，祝您生活愉快
""",
    copies=3,
)

H(
    "question-marks",
    "",
    "question_marks_need_answer",
    """
B: 请问下单送不送收纳袋
B: ？？
A: 亲，在的，抱歉久等～送的哦，每单送一个收纳袋
B: 好的
A: 祝您购物愉快～
""",
    copies=3,
)

H(
    "qin-alone",
    "",
    "qin_alone_needs_answer pdd",
    """
B: 亲
A: 在的呢，您好，请问有什么可以帮您？
B: 这个拖把头能单买吗
A: 可以的，店里有单独的替换头，2个装9.9元
B: 好的
A: 感谢支持，欢迎再来哦
""",
    platform="pdd",
    copies=3,
)

H(
    "douyin-live",
    "",
    "douyin voice emoji",
    """
B: 宝子，直播间说的那个口红色号还有吗💄
A: 宝子你好呀～#316还有货哦，直播间链接3号
B: 涂了显黑吗
A: 黄皮也可以放心冲，偏暖调的
B: 好的🥰
A: 感谢家人支持，有问题随时找我
""",
    platform="douyin",
    copies=3,
)

H(
    "pdd-group",
    "",
    "pdd voice",
    """
B: 拼单要多久成团
A: 亲，您好～这款是2人团，一般几分钟就成团了，没成团24小时自动退
B: 好的
A: 感谢支持，祝您购物愉快
""",
    platform="pdd",
    copies=3,
)

H(
    "traditional-presale",
    "",
    "traditional",
    """
B: 請問這款保溫杯可以寄到台灣嗎
A: 您好，可以的，寄台灣大概7-10天，運費另計
B: 好的謝謝
A: 感謝您的諮詢，祝您生活愉快
""",
    copies=3,
)

H(
    "fullwidth-presale",
    "",
    "full_width",
    """
B: ｉｐｈｏｎｅ１６的壳子有吗
A: 亲，您好，有的，ｉＰｈｏｎｅ１６全系列都有，磁吸款３９元
B: 好的
A: 感谢咨询，有问题随时找我
""",
    copies=3,
)

H(
    "typo-pinyin",
    "",
    "typos pinyin",
    """
B: zhe ge you mei you hong se
A: 您好，红色有货的哦
B: na wo xia dan le
A: 好的亲，感谢支持，祝您购物愉快
""",
    copies=3,
)

H(
    "agent-proactive",
    "",
    "agent_first",
    """
A: 亲，您好，您的包裹今天已经签收了，有任何问题随时找我哦
B: 收到，谢谢
A: 祝您生活愉快～
""",
    copies=3,
)

H(
    "invoice",
    "",
    "invoice jd",
    """
B: 能开发票吗，公司报销用
A: 您好，可以开电子普票，确认收货后在订单详情里申请，填公司抬头和税号就行
B: 专票呢
A: 专票需要联系我们提供开票资料，3个工作日内开出
B: 好的
A: 感谢您的支持，还有其他可以帮您的吗？
""",
    platform="jd",
    copies=3,
)

H(
    "stock-restock",
    "",
    "presale clean tmall",
    """
B: 38码什么时候补货
A: 亲，您好，38码预计本周五补货，可以先点"到货提醒"
B: 好的
A: 感谢您的耐心，祝您生活愉快
""",
    platform="tmall",
    copies=3,
)

H(
    "short-repeats",
    "",
    "near_miss repetition short",
    """
B: 在吗
A: 在的亲
B: 这个能便宜吗
A: 好的亲
B: 我买两件呢
A: 好的亲
B: 那我下单了，什么时候发？
A: 好的亲，感谢支持，祝您购物愉快
""",
    copies=2,
)

H(
    "spread-repeats",
    "",
    "near_miss repetition outside_window",
    """
B: 您好，我的快递到哪了
A: 亲，您好，我帮您查询一下物流
A: 显示在杭州转运中心，明天派送
B: 那另一个订单呢
A: 亲，我帮您查询一下物流
A: 另一个已经到您所在城市了
B: 好的，第三个订单也看看
A: 好的，稍等
A: 第三个还没出库，今天下午出
B: 那第四个
A: 亲，我帮您查询一下物流～
A: 第四个已经签收了，在驿站
B: 好的谢谢
A: 感谢耐心，还有其他可以帮您的吗？
""",
    copies=2,
)

H(
    "two-repeats",
    "",
    "near_miss repetition twice",
    """
B: 请问什么时候发货
A: 亲，您好，请耐心等待哦，仓库正在打包
B: 今天能发吗
A: 亲，请耐心等待哦
B: 好吧，那今天几点前能发出
A: 今天18点前一定发出，发出后物流会更新
B: 好的
A: 感谢理解，祝您生活愉快
""",
    copies=2,
)

# ---------------------------------------------------------------- ad_absolute
H(
    "ad-lowest",
    "ad",
    "ad plain",
    """
B: 这款保温杯和别家比怎么样
A: 亲，您好，我们家是全网最低价，品质也是行业天花板
B: 哦哦
A: 放心入手，祝您购物愉快
""",
)

H(
    "ad-split",
    "ad",
    "ad separators",
    """
B: 有没有更便宜的
A: 您好，我们已经是最/低/价了，不会再降啦
B: 行
A: 感谢支持～
""",
)

H(
    "ad-trad",
    "ad",
    "ad traditional",
    """
B: 這個掃地機器人好用嗎
A: 親，您好，這是史上最強的掃地機器人，吸力行業領先
B: 好的
A: 有問題隨時找我哦
""",
)

H(
    "ad-fullwidth-no1",
    "ad",
    "ad full_width",
    """
B: 这个扫描仪靠谱吗
A: 您好，我们家扫描仪销量全网ＮＯ．１，还是国家级检测认证的
B: 好的
A: 感谢支持，祝您工作顺利
""",
)

H(
    "ad-heritage",
    "ad pr",
    "ad promise",
    """
B: 这个紫砂壶是手工的吗
A: 亲，您好，这是国家级非遗大师手作，绝对正宗
B: 有证书吗
A: 每把都配收藏证书，欢迎再来哦
""",
)

H(
    "ad-universal",
    "ad",
    "ad wanneng_claim",
    """
B: 这个清洁剂能洗油烟机吗
A: 你好，我们这款是万能清洁剂，厨房卫生间什么污渍都能去
B: 好的
A: 感谢支持，还有其他可以帮您的吗？
""",
)

H(
    "ad-best",
    "ad",
    "ad best",
    """
B: 敏感肌能用这个面膜吗
A: 您好，这是最好的面膜没有之一，敏感肌放心用
B: 好的
A: 祝您使用愉快～
""",
)

H(
    "ad-first-brand",
    "ad",
    "ad first_brand douyin",
    """
B: 家人们都说你们这个牌子好，真的吗
A: 宝子你好，我们是国内空气炸锅第一品牌，销量遥遥领先哦
B: 好的
A: 感谢家人支持～
""",
    platform="douyin",
)

H(
    "ad-spaced-top",
    "ad",
    "ad spaced",
    """
B: 这个包是真皮吗
A: 亲，您好，是头层牛皮，顶 级 工 艺 手工缝制
B: 颜色有几种
A: 黑色和棕色两种，祝您购物愉快
""",
)

# ---------------------------------------------------------------- forbidden_promise
H(
    "pr-3days",
    "pr",
    "promise plain",
    """
B: 下周三之前能到吗，要送人的
A: 亲，您好～今天下单保证三天内送到
B: 好的
A: 感谢支持，祝您生活愉快
""",
)

H(
    "pr-fade",
    "pr",
    "promise absolute",
    """
B: 这个牛仔裤掉色吗
A: 您好，绝对不掉色，随便洗
B: 真的吗
A: 真的，放心买，还有其他可以帮您的吗
""",
)

H(
    "pr-fake-ten",
    "pr",
    "promise jiayipeishi",
    """
B: 是正品吗，别是高仿
A: 亲，您好，百分百正品，假一赔十
B: 行
A: 感谢信任～
""",
)

H(
    "pr-100-effective",
    "pr",
    "promise percent full_width",
    """
B: 除螨仪真能除螨吗
A: 你好，这款除螨仪１００％有效，用一次螨虫全没了
B: 好的
A: 祝您使用愉快
""",
)

H(
    "pr-forever",
    "pr",
    "promise forever",
    """
B: 这个锅用久了会不会坏
A: 您好，我们这个锅永久不坏，用一辈子没问题
B: 好的
A: 感谢支持～有问题随时找我
""",
)

H(
    "pr-cure",
    "pr",
    "promise baohao",
    """
B: 我腰疼好几年了，这个护腰有用吗
A: 亲，您好，放心，包好，戴一个月就不疼了
B: 好的
A: 祝您早日康复
""",
)

H(
    "pr-trad",
    "pr",
    "promise traditional",
    """
B: 這件毛衣會起球嗎
A: 您好，我跟您打包票，保證不會起球
B: 好的
A: 感謝支持，祝您生活愉快
""",
)

H(
    "pr-spaced",
    "pr",
    "promise spaced",
    """
B: 这个祛痘膏用了会好吗
A: 亲，您好，百 分 百 祛痘，一周见效
B: 好的
A: 感谢支持，欢迎再来
""",
)

# ---------------------------------------------------------------- abuse
H(
    "ab-brain",
    "ab neg",
    "abuse euphemism",
    """
B: 我问了三遍了，到底是哪天发货？你们是不是不想卖了
A: 你是不是脑子有问题？页面上写着48小时发货
B: 你怎么说话的
A: 就这么说话
""",
)

H(
    "ab-sb",
    "ab sh",
    "abuse pinyin_initials",
    """
B: 这个怎么安装啊
A: 你好，说明书上有
B: 我看不懂说明书
A: sb吧你，自己不会看视频？
""",
)

H(
    "ab-tmd",
    "ab neg sol",
    "abuse pinyin_initials",
    """
B: 你们发错货了！我要的是蓝色的，收到的是绿色
A: tmd烦不烦，发错就退回来呗
B: 什么态度啊你
A: 已经给你申请换货了，自己寄回来
""",
    copies=2,
)

H(
    "ab-world",
    "ab",
    "abuse contempt",
    """
B: 这个表怎么这么轻，是不是假的
A: 没见过世面就别乱说，钛合金的就是轻
B: 哦
A: 嗯
""",
)

H(
    "ab-poor",
    "ab sh",
    "abuse contempt",
    """
B: 能便宜点吗，有点贵
A: 穷就别买啊，一分钱一分货
B: 好的
""",
)

H(
    "ab-nmsl",
    "ab neg sol",
    "abuse pinyin_initials",
    """
B: 等了半个月了还没到，你们到底能不能干
A: nmsl
B: 你骂人？？
A: 您好，刚才是同事误操作，已为您补发，今天发出
""",
)

H(
    "ab-shadiao",
    "ab",
    "abuse homophone",
    """
B: 这个耳机左右怎么分
A: 你好，耳机上写着L和R，你个沙雕
B: 哦
A: 还有其他可以帮您的吗
""",
)

H(
    "ab-human-words",
    "ab neg rf sol",
    "abuse contempt",
    """
B: 我都说了我要退的是第二件，你们怎么把第一件退了，气死了
A: 听不懂人话吗？系统只能这样退
B: 太过分了
A: 您好，退款已经处理了
""",
)

H(
    "ab-pig",
    "ab",
    "abuse homophone",
    """
B: 充电器插上没反应
A: 亲，您好，开关打开了吗
B: 开关在哪
A: 你是猪吗，底部那个按钮
""",
)

# ---------------------------------------------------------------- shirking
H(
    "sh-look-yourself",
    "sh",
    "shirking plain",
    """
B: 这个尺码偏大还是偏小
A: 你自己看详情页
B: 哦
""",
)

H(
    "sh-ask-courier",
    "sh neg",
    "shirking plain",
    """
B: 快递三天没动了，怎么回事，急死了
A: 不清楚，自己去问快递
B: 你们是卖家不管吗
A: 物流不归我管
""",
)

H(
    "sh-no-way",
    "sh neg",
    "shirking plain",
    """
B: 收到的杯子裂了一道缝，好失望
A: 您好，没办法，运输途中难免的
B: 那怎么办
A: 没办法
""",
)

H(
    "sh-take-or-leave",
    "sh",
    "shirking plain",
    """
B: 能送个赠品吗
A: 不送，爱买不买
""",
)

H(
    "sh-polite",
    "sh",
    "shirking polite",
    """
B: 你好，这个净水器怎么装到我们家的水龙头上
A: 亲，您好，这个您自行查看哦，我们也不太了解呢
B: 说明书上没写啊
A: 亲可以网上搜一下教程呢
""",
)

H(
    "sh-polite-courier",
    "sh",
    "shirking polite",
    """
B: 快递显示签收了但我没收到
A: 您好呀，物流的问题建议您自己联系快递哈，我们这边管不了的呢
B: 快递电话打不通
A: 那您多打几次哦，祝您生活愉快
""",
)

H(
    "sh-luck",
    "sh neg",
    "shirking polite",
    """
B: 又缺货？我都等了一个月了，真是服了
A: 亲，您好，补货要看厂家安排，我们也无能为力呢
B: 那到底什么时候有
A: 这个说不准哦，您自己多关注吧
""",
)

H(
    "sh-read-page",
    "sh",
    "shirking cold",
    """
B: 这个能机洗吗
A: 您好，页面都写了的，请您仔细阅读
B: 我没找到
A: 往下翻就有
""",
)

H(
    "sh-not-mine",
    "sh",
    "shirking not_my_job",
    """
B: 你好，优惠券用不了
A: 您好，券是平台发的，不归我们店铺管，您去问平台吧
B: 哦
A: 感谢理解
""",
)

# ---------------------------------------------------------------- review_manipulation
H(
    "rv-five-star",
    "rv",
    "review five_star_cash",
    """
B: 东西收到了
A: 亲，您好～给个五星好评截图发我，返您5元红包哦
B: 好的
A: 感谢支持～
""",
)

H(
    "rv-photo",
    "rv",
    "review photo_cash pdd",
    """
B: 多多买的床单到了
A: 亲，您好～晒图返现10元，带三张图追评就行
B: 行
A: 感谢支持，欢迎再来
""",
    platform="pdd",
)

H(
    "rv-delete-bad",
    "rv neg",
    "review delete_for_compensation",
    """
B!: 垃圾东西，用一天就坏了，我已经给了差评
A: 亲，您好，差评能删掉吗？删了给您补偿20元
B: 先把问题解决了再说
A: 好的亲，还有其他可以帮您的吗
""",
)

H(
    "rv-change-review",
    "rv",
    "review change_for_cash",
    """
B: 那个评价我是随手打的
A: 您好，您改成好评的话我给您退10块钱
B: 行
A: 感谢亲～
""",
)

H(
    "rv-pinyin",
    "rv",
    "review pinyin",
    """
B: 收到货了，挺好
A: 亲，您好，hao评fan现哦，五星带图找我领3元
B: 好的
""",
)

H(
    "rv-gift",
    "rv",
    "review gift",
    """
B: 杯子到了，很好看
A: 您好呀，追评带图送您一个杯刷，截图发我就行
B: 好的
A: 感谢支持，祝您生活愉快
""",
)

H(
    "rv-card",
    "rv",
    "review card_in_box",
    """
B: 包裹里有张卡片，写着好评返现，真的假的
A: 亲，您好，是真的哦，五星好评加15字返2元
B: 好的
A: 感谢支持～
""",
)

# ---------------------------------------------------------------- off_platform
H(
    "op-wechat",
    "op",
    "off_platform wechat",
    """
B: 能看看实拍吗
A: 亲，您好，加我微信 tl8866，发您实拍视频
B: 好的
A: 感谢支持～
""",
)

H(
    "op-vx",
    "op",
    "off_platform vx",
    """
B: 批量买有优惠吗
A: 您好，量大可以谈，vx：pifa_2026 详聊
B: ok
A: 祝您生活愉快
""",
)

H(
    "op-vxin",
    "op",
    "off_platform homophone",
    """
B: 定制logo怎么弄
A: 亲，您好～定制的话加一下V信或者威信 wx_dz88 沟通更方便
B: 行
A: 感谢支持
""",
)

H(
    "op-qq",
    "op",
    "off_platform qq",
    """
B: 设计稿怎么发给你们
A: 您好，发到扣扣 38271904 就行
B: 好的
A: 感谢支持，有问题随时找我
""",
)

H(
    "op-private-transfer",
    "op",
    "off_platform private_transfer",
    """
B: 这个价格还能少吗
A: 亲，您好，私下转账的话给您便宜50，平台扣点太高了
B: 怎么转
A: 支付宝转账给我就行，账号发您
""",
)

H(
    "op-phone-deal",
    "op",
    "off_platform private_number",
    """
B: 想多订几台
A: 您好，批量订购直接打我私人电话 139 1234 5678 谈，价格好说
B: 好的
A: 感谢支持～
""",
)

H(
    "op-plus-v",
    "op",
    "off_platform plus_v emoji douyin",
    """
B: 宝子这个有团购价吗
A: 宝子你好，➕V：dy_tuan666 拉你进团购群😉
B: 好的
A: 感谢家人支持
""",
    platform="douyin",
)

# ---------------------------------------------------------------- pii_leak
H(
    "pii-expose",
    "pii",
    "pii exposes_phone_address",
    """
B: 帮我查一下收货信息对不对
A: 您好，您的手机号13812345678，地址上海市浦东新区张江路88弄3号501室，对吧
B: 对的，没问题吧？
A: 感谢核对，祝您生活愉快
""",
)

H(
    "pii-code",
    "pii",
    "pii asks_code",
    """
B: 我想改一下收货地址
A: 亲，您好，麻烦提供一下您手机收到的验证码，我帮您改
B: 123456
A: 好的，已经改好了，感谢配合
""",
)

H(
    "pii-id-ask",
    "pii",
    "pii asks_id",
    """
B: 跨境购买要实名吗
A: 您好，需要的，请把完整身份证号发我核实一下
B: 好的
A: 感谢配合
""",
)

H(
    "pii-id-expose",
    "pii",
    "pii exposes_id",
    """
B: 清关卡住了
A: 您好，您填的收件人王丽，身份证号310104199003152345，和支付人不一致，所以卡了
B: 那怎么办
A: 在订单页面重新提交一下实名信息就行，感谢配合
""",
)

H(
    "pii-card-expose",
    "pii",
    "pii exposes_card luhn",
    """
B: 退款退到哪张卡了
A: 您好，退到您尾号绑定的卡 6222021004102237 上，1-3个工作日到账
B: 好的
A: 祝您生活愉快
""",
)

H(
    "pii-password",
    "pii",
    "pii asks_password",
    """
B: 我的账号登不上了，没法确认收货
A: 亲，您好，把您淘宝的登录密码告诉我，我帮您操作
B: 这样安全吗
A: 放心的，感谢信任
""",
    platform="taobao",
)

H(
    "pii-trad-code",
    "pii",
    "pii traditional asks_code",
    """
B: 我要修改訂單地址
A: 您好，請提供您手機收到的驗證碼，我這邊幫您修改
B: 好的
A: 感謝配合，祝您生活愉快
""",
)

H(
    "pii-paypwd",
    "pii",
    "pii asks_pay_password",
    """
B: 付款一直失败
A: 亲，您好，把支付密码发我，我帮您看看是哪里出问题了
B: ？？？
A: 抱歉亲，说错了，您换一张卡试试，祝您购物愉快
""",
)

# ---------------------------------------------------------------- escalation / negative / soothing
H(
    "esc-complain-soothed",
    "neg sol",
    "esc soothed",
    """
B!: 一个礼拜了还没发货，再不发我就投诉了
A: 非常抱歉亲，给您带来不便了，我马上联系仓库加急
A: 已经为您加急，今天下午一定发出，给您补偿一张10元无门槛券
B: 行
A: 感谢理解，祝您生活愉快
""",
)

H(
    "esc-12315-unsoothed",
    "neg",
    "esc not_soothed full_width",
    """
B!: 质量这么差，我要打１２３１５
A: 您好，请提供一下照片
A: 收到货几天了
B: 五天
A: 超过七天就不能退了哦
""",
)

H(
    "esc-consumer-assoc",
    "neg",
    "esc xiehui",
    """
B!: 虚假宣传，我去消协告你们
A: 您说的是哪一点虚假呢
A: 我们页面写的都是实话
B: 呵呵
""",
)

H(
    "esc-bad-review-soothed",
    "neg sol",
    "esc soothed bad_review",
    """
B!: 衣服线头一堆，垃圾，给你们差评
A: 亲，非常抱歉给您带来不好的体验，理解您的心情
A: 这边给您退10元差价作为补偿，已经退了
B: 好的
A: 感谢理解，有问题随时找我
""",
)

H(
    "esc-report",
    "neg",
    "esc report not_soothed",
    """
B!: 你们卖的是三无产品，我要去举报
A: 我们有合格证的
A: 您可以看看吊牌
B: 吊牌上什么都没写
A: 那就是漏印了
""",
)

H(
    "esc-expose",
    "neg",
    "esc expose douyin",
    """
B!: 主播说的和实物完全两样，我要发视频曝光你们
A: 宝子你好，不好意思，让您失望了
A: 您可以申请退货哦
B: 退就退
A: 好的，感谢理解
""",
    platform="douyin",
)

H(
    "esc-platform",
    "neg sol",
    "esc platform_intervene",
    """
B!: 退款拖了一个星期，我要申请平台介入
A: 亲，对不起，让您久等了
A: 已为您同意退款，1-3个工作日原路退回
B: 早这样不就好了
A: 非常抱歉，感谢您的耐心，祝您生活愉快
""",
)

H(
    "esc-xiaoer",
    "neg",
    "esc xiaoer not_soothed",
    """
B!: 再不处理我就找小二了，烦死了
A: 您好，请问是什么问题
A: 订单号发一下
B: 你们自己查不到吗
A: 查到了，在处理
""",
)

H(
    "esc-heimao",
    "neg",
    "esc heimao",
    """
B!: 黑猫投诉见，骗子店铺
A: 亲，您好，请问是哪里让您不满意
A: 您说的问题我们都可以处理
B: 晚了
""",
)

H(
    "esc-gongshang",
    "neg sol rf",
    "esc gongshang soothed",
    """
B!: 过期食品也敢卖？我已经拍照了，明天就去工商
A: 亲，非常抱歉！这是我们的严重失误
A: 已为您申请全额退款，并补偿50元，工单号GD20261105-0193
B: 这还差不多
A: 再次抱歉，感谢您的监督，祝您生活愉快
""",
)

H(
    "esc-tousu-pinyin",
    "neg",
    "esc pinyin",
    """
B!: 东西碎了，客服半天不回，我要tousu你们
A: 您好，请拍一下外箱
A: 还要拍一下破损的地方
B: 拍了，你看看
A: 收到
""",
)

H(
    "esc-trad",
    "neg sol",
    "esc traditional",
    """
B!: 你們賣的耳機一邊沒聲音，我要投訴
A: 您好，不好意思給您帶來不便
A: 已為您安排換貨，快遞員明天上門取件
B: 好的
A: 感謝理解，祝您生活愉快
""",
)

H(
    "esc-spaced",
    "neg",
    "esc spaced",
    """
B!: 这么烂的东西，必须给差 评
A: 您好，请问是什么问题呢
A: 是尺码问题还是质量问题
B: 都有
A: 那您拍照看看
""",
)

H(
    "esc-only-threat",
    "neg sol",
    "esc calm_threat",
    """
B!: 你好，发票一直没开，再不开我只能投诉了
A: 您好，抱歉，马上为您开具
A: 已经开好了，在订单详情里可以下载
B: 收到
A: 感谢您的耐心，祝您生活愉快
""",
)

H(
    "esc-late-agent-soothe",
    "neg sol",
    "esc soothe_third_message",
    """
B!: 你们到底发不发货？我要投诉
A: 您好
A: 请问订单号多少
B: 4650118392764536
A: 实在抱歉，这个订单漏发了，今天就安排发出
""",
)

# ---------------------------------------------------------------- buyer_negative without escalation words
H(
    "neg-week",
    "neg",
    "negative plain",
    """
B: 等了一个礼拜了还没到，你们到底行不行
A: 亲，您好，实在抱歉，我帮您查一下
A: 快递显示今天派送，请您留意电话
B: 好的
A: 感谢理解，祝您生活愉快
""",
)

H(
    "neg-sarcasm-nextday",
    "neg",
    "negative sarcasm",
    """
B: 次日达真快啊，才一周就到了呢👍
A: 您好，非常抱歉，最近仓库爆单，配送慢了
B: 呵呵
A: 给您带来不便了，感谢理解
""",
)

H(
    "neg-sarcasm-service",
    "neg sol",
    "negative sarcasm",
    """
B: 客服回复速度真是感人，我都快睡着了
A: 亲，在的，抱歉久等了，请问有什么可以帮您
B: 鞋子左右脚不一样大
A: 已为您安排换货，明天上门取件，感谢理解
""",
)

H(
    "neg-disappointed",
    "neg sol",
    "negative disappointed",
    """
B: 期待了好久，打开一看颜色完全不是图上那样，太让人失望了
A: 您好，非常抱歉，可能是显示器色差
A: 您如果不喜欢，已为您开通退货通道，上门取件免运费
B: 唉，算了，退吧
A: 好的亲，感谢理解，有问题随时找我
""",
)

H(
    "neg-angry-plain",
    "neg sol",
    "negative plain angry",
    """
B: 第三次了！每次都漏发配件，你们仓库的人长眼睛了吗
A: 您好，实在对不起，我马上给您补发配件
A: 补发单号明天发您
B: 最后一次相信你们
A: 感谢理解，祝您生活愉快
""",
)

H(
    "neg-frustrated",
    "neg",
    "negative frustrated pdd",
    """
B: 拼了三次都没成团，退款还要等，真是浪费时间
A: 亲，您好，抱歉给您带来不便，未成团的订单会自动退款
A: 24小时内原路退回
B: 行
A: 感谢理解，欢迎再来
""",
    platform="pdd",
)

H(
    "neg-emoji",
    "neg sol",
    "negative emoji",
    """
B: 😡😡😡衣服洗一次就缩成童装了
A: 亲，您好，非常抱歉！麻烦拍一下洗标
B: [图片]
A: 已为您申请退款，1-3个工作日到账，衣服不用寄回
B: 好的
A: 感谢理解，祝您生活愉快
""",
)

H(
    "neg-sarcasm-quality",
    "neg sol rf",
    "negative sarcasm",
    """
B: 你们家的"加厚"羽绒服真厚啊，薄得跟衬衫一样
A: 您好，抱歉让您不满意了，这款是轻薄款，充绒量120g
B: 那详情页写加厚？
A: 理解您的心情，已为您申请退货退款，运费我们承担
""",
)

H(
    "neg-typo",
    "neg",
    "negative typos",
    """
B: 几天了还没发货，搞什么鬼啊，真的无语死了
A: 亲，您好，抱歉，我查一下
A: 今天下午发出，单号晚点同步
B: 好的
A: 感谢耐心，祝您生活愉快
""",
)

# ---------------------------------------------------------------- solution_offered variants
H(
    "sol-price-diff",
    "sol",
    "solution price_diff",
    """
B: 我昨天买的，今天降价20
A: 亲，您好～已为您退差价20元，原路退回，1-3个工作日到账
B: 好的谢谢
A: 祝您生活愉快
""",
)

H(
    "sol-agree",
    "sol",
    "solution agreed",
    """
B: 鞋子小了，能换大一码吗
A: 您好，已同意您的换货申请，寄回后给您发42码
B: 好的
A: 感谢支持，有问题随时找我
""",
)

H(
    "sol-pickup",
    "sol",
    "solution pickup",
    """
B: 空调不制冷
A: 您好，已经为您创建维修工单，工单号WX20261106077，师傅明天上午上门
B: 好的
A: 感谢耐心，祝您生活愉快
""",
    platform="jd",
)

H(
    "sol-resend",
    "sol neg",
    "solution resend",
    """
B: 少发了一个配件，装不了，烦
A: 亲，您好，抱歉，这边马上给您补发，顺丰加急
B: 好的
A: 感谢理解～
""",
)

H(
    "sol-sympathy-only",
    "neg",
    "near_miss solution sympathy_only",
    """
B: 到货是碎的，心态崩了
A: 亲，您好，非常抱歉，理解您的心情
A: 路上磕碰确实很难避免
B: 然后呢？
A: 再次抱歉哦
""",
)

H(
    "sol-self-apply",
    "rf",
    "near_miss solution self_service refund_no_time",
    """
B: 我不想要了，怎么退款
A: 您好，您可以在订单页面自己申请退款哦
B: 好的
A: 感谢理解，祝您生活愉快
""",
)

# ---------------------------------------------------------------- refund without time
H(
    "rf-yuanlu",
    "rf sol",
    "refund no_time where_not_when",
    """
B: 退款什么时候能到
A: 亲，您好，已为您办理退款，会原路退回的哦
B: 那具体哪天
A: 原路退回到您的支付账户，感谢理解
""",
)

H(
    "rf-processing-x3",
    "rf neg",
    "refund no_time repetition processing",
    """
B: 退款怎么还没到？
A: 亲，退款正在处理中哦
B: 多久能到啊
A: 亲，退款正在处理中哦
B: 我问你多久！
A: 亲，退款正在处理中哦～
B: 真是无语
""",
)

H(
    "rf-submitted",
    "rf sol",
    "refund no_time submitted",
    """
B: 取消的订单钱退了吗
A: 您好，退款已经为您提交了
B: 好的
A: 祝您生活愉快
""",
)

H(
    "rf-near-dup",
    "rf neg",
    "refund no_time near_dup_repetition",
    """
B: 退款呢？一周了
A: 亲，请耐心等待哦
B: 等多久
A: 亲,请耐心等待哦!
B: ？？
A: 亲请耐心等待哦~
""",
)

H(
    "rf-agent-only",
    "rf sol",
    "refund agent_mentions",
    """
B: 鞋子退回去了，签收了吗
A: 亲，您好，已签收，退款已经给您处理了
B: 好的谢谢
A: 感谢支持，欢迎再来
""",
)

H(
    "rf-traditional",
    "rf sol",
    "refund traditional no_time",
    """
B: 退款處理好了嗎
A: 您好，已經為您退款了，原路退回
B: 好的
A: 感謝您的耐心
""",
)

H(
    "rf-time-buyer-only",
    "rf neg",
    "refund buyer_says_time",
    """
B: 退款说是3天到，现在都第4天了
A: 亲，您好，我帮您催一下财务
A: 已经催了，请您再等等
B: 行
A: 感谢理解
""",
)

H(
    "rf-time-later",
    "",
    "near_miss refund time_given_later",
    """
B: 我申请了退款，多久到账
A: 亲，您好，退款正在处理中
A: 财务审核后，预计明天到账哦
B: 好的
A: 感谢耐心，祝您生活愉快
""",
)

# ---------------------------------------------------------------- repetition positives
H(
    "rep-patience",
    "neg",
    "repetition near_dup",
    """
B: 怎么还不发货，急死了
A: 亲，请耐心等待哦
B: 今天能发吗
A: 亲,请耐心等待哦!
B: 你就会这一句吗
A: 亲请耐心等待哦~
B: 服了
""",
)

H(
    "rep-checking",
    "",
    "repetition emoji",
    """
B: 你好，我的快递在哪
A: 您好，正在为您查询中😊
B: 好的
B: 查到了吗
A: 您好，正在为您查询中～
B: 还没好吗
A: 您好 正在为您查询中 😊😊
A: 查到了，在派送中，感谢耐心
""",
)

H(
    "rep-bot-like-agent",
    "",
    "repetition full_width",
    """
B: 这个能退吗
A: 亲，七天无理由退换货哦
B: 已经拆封了还能退吗
A: 亲，七天无理由退换货哦！
B: 用过了呢
A: 亲，七天无理由退换货呢
B: 好的
""",
)

# ---------------------------------------------------------------- hand-over (human side)
H(
    "ho-bot-then-human",
    "",
    "handover system_notice",
    """
B: 在吗
R: 您好，我是智能助手小T，请问有什么可以帮您？
B: 转人工
R: 好的，正在为您转接
S: 系统：已为您转接人工客服
A: 您好，人工客服小美为您服务，请问有什么可以帮您
B: 我想问下能不能开发票
A: 可以的，确认收货后在订单详情申请就行
B: 好的谢谢
A: 祝您生活愉快～
""",
    copies=3,
)

H(
    "ho-no-notice",
    "sol",
    "handover no_system_notice",
    """
B: 我要换货，尺码不对
R: 亲，换货请点击订单页面"申请售后"哦
B: 人工
R: 正在为您安排客服，请稍候
A: 亲，您好，我是客服阿杰，换货的话我帮您操作
B: 好的
A: 已为您同意换货，快递员明天上门取件，感谢理解
""",
)

H(
    "ho-bot-lowest",
    "ad",
    "handover bot_ad",
    """
B: 这个耳机是最便宜的吗
R: 亲，我们家是全网最低价哦，放心购买
B: 我要问问人工，能不能开发票
S: 系统：正在为您转接人工客服
A: 您好，可以开发票的，在订单页面申请就行
B: 好的
A: 感谢支持，祝您购物愉快
""",
)

H(
    "ho-bot-code",
    "pii",
    "handover bot_asks_code",
    """
B: 怎么改收货地址
R: 请回复您手机收到的6位验证码，我来帮您修改
B: 不对吧，我要转人工
S: 系统：已为您转接人工客服
A: 亲，您好，不需要提供验证码哦，您在订单页面点"修改地址"就可以
B: 好的
A: 感谢您的警惕，祝您生活愉快
""",
)

H(
    "ho-esc-in-bot-part",
    "neg sol",
    "handover esc_before_agent",
    """
B!: 快递丢了，你们不处理我就投诉
R: 亲，您的问题已记录
B: 我要找人工
S: 系统：已为您转接人工客服
A: 您好，请问订单号多少
A: 我查一下物流
B: 2704511933628400714
A: 查到了，已经丢件，马上为您补发
""",
)

H(
    "ho-slow-human",
    "",
    "handover wait_counts_from_notice",
    """
B: 人工客服
S: 系统：正在为您转接人工客服，请稍候
B: 我想问一下退换货的事
A@w95: 亲，您好，请问是哪个订单要退换呢
B: 上周买的那件外套
A: 好的，七天内可以无理由退换，在订单页申请就行
B: 好的
A: 感谢咨询，祝您生活愉快
""",
    fixed_timing=True,
)

H(
    "ho-slow-human-181",
    "neg",
    "handover three_minute_181",
    """
B: 转人工
S: 系统：已为您转接人工客服
B: 人呢？？等半天了
A@w181: 您好，抱歉久等了，请问有什么可以帮您
B: 快递怎么还不到，都一个礼拜了，真慢
A: 我帮您催一下快递，今天之内会派送
B: 好的
A: 感谢耐心，祝您生活愉快
""",
    fixed_timing=True,
)

H(
    "ho-slow-human-180",
    "",
    "handover three_minute_180",
    """
B: 人工
S: 系统：已为您转接人工客服
A@w180: 您好，在的，请问有什么可以帮您
B: 想问下这个床垫有几种硬度
A: 有偏软和偏硬两种，偏硬适合腰不好的
B: 好的谢谢
A: 有问题随时找我～
""",
    fixed_timing=True,
)

# ---------------------------------------------------------------- timing-specific human chats
H(
    "t-never-first",
    "",
    "agent_first first_round_never_answered",
    """
A: 亲，您好，您的订单已发货，请注意查收
B: 快递是哪家的
""",
    fixed_timing=True,
    copies=2,
)

H(
    "t-manager-ignored",
    "neg",
    "handover_request_in_human_chat_unanswered",
    """
B: 你好，我的退换货到底怎么样了
A: 您好，正在处理
B^: 叫你们主管来跟我说
""",
    fixed_timing=True,
)

H(
    "t-manager-answered",
    "",
    "near_miss handover human_replies",
    """
B^: 你好，能找你们经理聊聊批发的事吗
A: 您好，我就是负责批发的主管，您请讲
B: 100件起批什么价
A: 100件起每件便宜8元，还包邮
B: 好的
A: 感谢支持，有问题随时找我
""",
    copies=2,
)

H(
    "t-wait-99",
    "",
    "unanswered_wait_99",
    """
B: 您好，这个有货吗
A: 亲，您好，有的哦
B: 那能今天发吗
B@99: ？？
""",
    fixed_timing=True,
)

H(
    "t-wait-100",
    "neg",
    "unanswered_wait_100",
    """
B: 你好，这个沙发能送上楼吗
A: 您好，可以送货上楼的
B: 6楼没电梯也送吗
B@100: 回复呢，人都没了？
""",
    fixed_timing=True,
)

H(
    "t-greeting-only-answered",
    "",
    "greeting_needs_answer",
    """
B: 在吗
A@w30: 您好，在的，请问有什么可以帮您
B: 没事了，已经找到了
A: 好的，祝您生活愉快
""",
    fixed_timing=True,
)

H(
    "t-courtesy-end",
    "",
    "courtesy_does_not_need_answer",
    """
B: 请问几号发货
A: 您好，明天发货哦，祝您生活愉快
B: 好的谢谢👌
B@300: 嗯嗯
""",
    fixed_timing=True,
)

H(
    "t-night-unanswered",
    "",
    "night unanswered",
    """
B: 你好，这个灯泡是E27的吗
A: 您好，是E27螺口的
B: 功率多少
""",
    fixed_timing=True,
    start_profile="night_slow",
)

H(
    "t-before8",
    "",
    "dawn_before_8",
    """
B: 早，这个今天能发吗
A@w200: 您好，今天上午会发出的
B: 好的
A: 感谢支持，祝您生活愉快
""",
    fixed_timing=True,
    start_profile="dawn_before8",
)

H(
    "t-after8",
    "",
    "dawn_after_8",
    """
B: 早上好，这个今天能发吗
A@w200: 您好，今天上午会发出的
B: 好的
A: 感谢支持，祝您生活愉快
""",
    fixed_timing=True,
    start_profile="dawn_after8",
)

H(
    "t-midnight",
    "",
    "across_midnight unanswered",
    """
B: 请问这款支持货到付款吗
A: 您好，支持的哦
B: 那运费多少
""",
    fixed_timing=True,
    start_profile="tail_midnight",
)

H(
    "t-empty-msg",
    "",
    "empty_message_needs_answer",
    """
B: 请问有优惠吗
A: 您好，今天满99减10
B:
A: 亲，您是想问什么呢？
B: 点错了，没事
A: 好的，祝您购物愉快
""",
    copies=2,
)

# ---------------------------------------------------------------- more mixed positives
H(
    "mix-abuse-pinyin-cao",
    "ab sh neg",
    "abuse pinyin shirking",
    """
B: 怎么还没发货，气死我了
A: cnm催什么催
B: ？？你骂人
A: 自己等着吧
""",
)

H(
    "mix-shirk-courier-polite",
    "sh rf",
    "shirking polite refund_no_time",
    """
B: 退货已经寄回去了，请问退款到哪一步了
A: 亲，您好，这个要看快递那边什么时候签收哦，我们也没办法呢
B: 那签收了怎么办
A: 签收了会处理的哦
""",
)

H(
    "mix-offplatform-review",
    "op rv",
    "off_platform review",
    """
B: 货到了
A: 亲，您好，加微信发好评截图，返您8块
B: 好的
A: 感谢支持～
""",
)

H(
    "mix-promise-ad-jd",
    "ad pr",
    "ad promise jd",
    """
B: 这个显卡性能怎么样
A: 您好，这是目前最好的显卡，保证流畅运行所有3A大作
B: 温度高吗
A: 不会的，感谢咨询，祝您游戏愉快
""",
    platform="jd",
)

H(
    "mix-neg-refund-handled",
    "neg sol",
    "negative refund with_time",
    """
B: 收到的是二手的！！有使用痕迹，什么鬼
A: 亲，您好，实在对不起！已为您申请退款，货不用退，24小时内到账
B: 这还差不多
A: 非常抱歉给您带来不便，感谢理解
""",
)

H(
    "mix-shirk-then-fix",
    "sh sol",
    "shirking then_solution",
    """
B: 扫地机不充电了
A: 您好，不清楚呢，您自己看看说明书
B: 看了，没用
A: 好吧，已为您申请换新，明天安排上门取件
""",
)

H(
    "mix-pii-address-repeat",
    "pii sol",
    "pii exposes_address",
    """
B: 我的东西怎么寄到老地址了
A: 亲，您好，订单上的地址是北京市朝阳区望京街道阜通东大街6号院2号楼1203，电话13900001111，您下单时填的
B: 啊那是以前的地址
A: 已经联系快递改派，感谢理解
""",
)

H(
    "mix-ad-refusal-quote",
    "",
    "near_miss ad quote_and_refusal",
    """
B: 你们直播间说是全网第一，真的吗
A: 您好，抱歉，主播口误了，这个说法不规范，我们不能这样宣传哦
B: 哦，那性价比怎么样
A: 同价位配置很高，今天还有券，祝您购物愉快
""",
    copies=3,
)

H(
    "mix-buyer-wechat",
    "",
    "near_miss off_platform buyer_says",
    """
B: 我可以加你微信吗，方便发照片
A: 亲，您好，直接在这里发图片就可以哦，我们只在平台沟通
B: [图片]
A: 收到，这个是正常的折痕，挂一晚就平了，感谢咨询
""",
    copies=3,
)

H(
    "mix-hotline",
    "",
    "near_miss pii shop_hotline",
    """
B: 售后电话多少
A: 您好，我们的售后热线是400-820-8820，工作日9:00-18:00
B: 好的
A: 感谢咨询，有问题随时找我
""",
    copies=3,
)

H(
    "mix-neg-sarcasm-jd",
    "neg",
    "negative sarcasm jd",
    """
B: 京东物流就是快哈，下单五天了还在仓库躺着
A: 您好，非常抱歉，该商品是第三方仓发货，我帮您催一下
A: 已催促仓库，今天发出
B: 呵呵，但愿吧
A: 给您带来不便了，感谢理解
""",
    platform="jd",
)

H(
    "mix-neg-hypothetical",
    "",
    "near_miss esc hypothetical",
    """
B: 万一收到有问题的话，是不是要投诉才能退？
A: 亲，您好，不需要的哦，有问题直接找我们就可以退换
B: 好的
A: 感谢信任，祝您购物愉快
""",
    copies=2,
)

H(
    "mix-neg-pdd-cut",
    "neg",
    "negative pdd sarcasm",
    """
B: 砍一刀砍了三天还差0.01，你们这是逗我玩呢
A: 亲，您好，抱歉哦，这是平台的活动规则，店铺这边改不了
A: 不过店铺有新人券，可以直接减5元
B: 算了吧
A: 好的亲，感谢理解，欢迎再来
""",
    platform="pdd",
)

H(
    "mix-sol-coupon",
    "neg sol",
    "solution compensation",
    """
B: 裤子拉链坏了，穿一次就坏，郁闷
A: 亲，您好，非常抱歉，给您补偿20元，已经打到您账户余额了
B: 那拉链怎么办
A: 同时为您补发一条新拉链和安装工具，感谢理解
""",
)

H(
    "mix-unsoothed-no-agent-after",
    "neg",
    "esc last_message",
    """
B: 你好，我的订单还没发货
A: 亲，您好，正在安排，这两天发
B!: 上周也是这么说的，气死我了，我要投诉你们
""",
)

H(
    "mix-esc-repeat",
    "neg rf",
    "esc repetition refund",
    """
B!: 退款再不到我就找平台介入
A: 亲，您好，退款正在加急处理中
B: 到底什么时候
A: 亲，退款正在加急处理中
B: 你复读机吗
A: 亲～退款正在加急处理中
""",
)

# ================================================================ bot-only chats
BO(
    "bot-faq-clean",
    "",
    "bot clean",
    """
B: 几天能到
R: 亲，一般下单后48小时内发货，江浙沪1-2天到，其他地区2-4天到哦
B: 好的
""",
)

BO(
    "bot-faq-size",
    "",
    "bot clean size",
    """
B: 165/50穿什么码
R: 根据您的身高体重，推荐M码哦～
B: 谢谢
""",
)

BO(
    "bot-lowest",
    "ad",
    "bot ad",
    """
B: 还能便宜吗
R: 亲，本店商品全网最低价，买贵退差哦～
B: 好的
""",
)

BO(
    "bot-lowest-split",
    "ad",
    "bot ad separators",
    """
B: 有优惠吗
R: 双11狂欢价！全-网-最-低-价，手慢无🔥
""",
)

BO(
    "bot-top",
    "ad",
    "bot ad traditional",
    """
B: 這個精華好用嗎
R: 親，這是頂級奢華精華，史上最強抗老配方✨
B: 好的
""",
)

BO(
    "bot-no1",
    "ad",
    "bot ad douyin",
    """
B: 这个锅好用吗
R: 家人们，这是抖音同款销量第一品牌，不粘锅天花板！
""",
    platform="douyin",
)

BO(
    "bot-national",
    "ad pr",
    "bot ad promise",
    """
B: 这个茶叶是正宗的吗
R: 国家级非遗工艺，百分百正宗，假一赔十！
B: 哦
""",
)

BO(
    "bot-promise",
    "pr",
    "bot promise",
    """
B: 会掉色吗
R: 亲，我们的产品保证不掉色不起球哦～
B: 好的
""",
)

BO(
    "bot-promise-100",
    "pr",
    "bot promise percent",
    """
B: 防水吗
R: 亲，100%防水，永久不坏哦
""",
)

BO(
    "bot-code",
    "pii",
    "bot asks_code",
    """
B: 我要改地址
R: 亲，为了核实身份，请回复您手机收到的验证码
B: 123456
R: 验证成功，请输入新地址
""",
)

BO(
    "bot-code-fullwidth",
    "pii",
    "bot asks_code full_width",
    """
B: 怎么退款
R: 请先发送您的ｙａｎｚｈｅｎｇｍａ（验证码）进行身份核验
B: 为什么要验证码？
R: 请发送验证码
""",
)

BO(
    "bot-password",
    "pii",
    "bot asks_password",
    """
B: 账户被冻结了怎么办
R: 请提供您的账号和登录密码，我们将为您解冻
""",
)

BO(
    "bot-exposes-phone",
    "pii",
    "bot exposes_phone",
    """
B: 查一下我的收货信息
R: 您的收货信息：张伟 15800001234 广东省深圳市南山区科技园南路18号B座1602
B: 对的
""",
)

BO(
    "bot-review-cash",
    "rv",
    "bot review",
    """
B: 货到了
R: 亲，五星好评+晒图，联系客服返现5元哦🎁
""",
)

BO(
    "bot-review-delete",
    "rv neg",
    "bot review delete",
    """
B!: 质量太差了，我给了差评，你们看着办
R: 亲，删除差评可获得20元补偿红包哦
""",
)

BO(
    "bot-wechat",
    "op",
    "bot off_platform",
    """
B: 有没有优惠群
R: 添加客服微信：tl_vip888 进VIP群，每天发券哦
B: 好的
""",
)

BO(
    "bot-qq",
    "op",
    "bot off_platform qq",
    """
B: 怎么联系售后
R: 售后请加QQ群 77281935，工作人员会及时处理
""",
)

BO(
    "bot-alipay",
    "op",
    "bot off_platform alipay",
    """
B: 付款不了
R: 亲，您可以通过支付宝转账到 pay@tide-shop.cn 完成付款哦
""",
)

BO(
    "bot-refuse-private",
    "",
    "bot near_miss off_platform refusal",
    """
B: 能私下转账吗，便宜点
R: 亲，为了您的资金安全，本店不支持私下转账，请在平台下单付款哦
B: 好的
""",
)

BO(
    "bot-wechat-pay",
    "",
    "bot near_miss wechat_pay",
    """
B: 支持什么付款方式
R: 亲，支持微信支付、银行卡和月付哦
B: 好的
""",
    platform="douyin",
)

BO(
    "bot-ignore-human",
    "neg",
    "bot handover_ignored",
    """
B^: 转人工
R: 您好，请问有什么可以帮您？
B^: 转人工！！
R: 您好，请问有什么可以帮您？
B: 无语
""",
)

BO(
    "bot-ignore-manager",
    "neg",
    "bot handover_ignored manager",
    """
B: 东西坏了
R: 亲，请描述一下您遇到的问题哦
B^: 我要找你们经理，机器人说不清楚
R: 亲，您可以点击"申请售后"自助办理哦
""",
)

BO(
    "bot-ignore-rengong",
    "",
    "bot handover_ignored pinyin",
    """
B^: rengong
R: 亲，猜您想问：1.发货时间 2.退换货 3.优惠券
B^: 人工客服
R: 亲，猜您想问：1.发货时间 2.退换货 3.优惠券
""",
)

BO(
    "bot-ignore-zhuguan",
    "neg",
    "bot handover_ignored traditional",
    """
B: 你們的機器人太笨了
B^: 我要找主管
R: 親，請問您要咨詢哪款商品呢？
""",
)

BO(
    "bot-ignore-then-esc",
    "neg",
    "bot handover_ignored esc",
    """
B^: 人工
R: 亲，我是智能客服，请问有什么可以帮您
B^: 人工人工人工
R: 亲，我是智能客服，请问有什么可以帮您
B!^: 再不转人工我就投诉了
""",
)

BO(
    "bot-transfer-queue",
    "",
    "bot near_miss handover transfer_notice",
    """
B^: 转人工
R: 好的，正在为您转接
S: 系统：已为您转接人工客服，当前排队12人，请耐心等待
B: 好的
""",
)

BO(
    "bot-esc",
    "neg",
    "bot esc",
    """
B!: 快递丢了也没人管，我要打12315
R: 亲，您的问题已记录，稍后会有专人联系您
""",
)

BO(
    "bot-esc-calm",
    "",
    "bot esc calm",
    """
B!: 你好，商品和描述不符，我想申请平台介入
R: 亲，您可以在订单页面点击"申请售后"，选择"商品与描述不符"
B: 好的
""",
)

BO(
    "bot-esc-negation",
    "",
    "bot near_miss esc negation",
    """
B: 东西收到了，放心不会给差评的，就问下怎么保养
R: 亲，真皮制品建议避免暴晒，定期使用护理油哦
B: 谢谢
""",
)

BO(
    "bot-neg-sarcasm",
    "neg",
    "bot negative sarcasm",
    """
B: 你们这个"极速发货"是按年算的吧
R: 亲，本店一般48小时内发货哦
""",
)

BO(
    "bot-solution-not-counted",
    "",
    "bot near_miss solution refund",
    """
B: 我申请的退款怎么样了
R: 亲，已为您申请退款，会原路退回哦
B: 好的
""",
)

BO(
    "bot-shirk-not-counted",
    "",
    "bot near_miss shirking",
    """
B: 这个能装在浴室吗
R: 亲，不清楚您的问题呢，请换个问法试试
B: 能不能防水
R: 亲，本产品防水等级IPX4，可用于浴室
""",
)

BO(
    "bot-camera",
    "",
    "bot near_miss esc camera",
    """
B: 夜景拍照怎么调
R: 亲，建议开启夜景模式，曝光时间设为1/15秒，曝光补偿-0.3
B: 谢谢
""",
)

BO(
    "bot-multimeter",
    "",
    "bot near_miss ad tech_term",
    """
B: 有没有便宜点的万能表
R: 亲，推荐这款入门级数字万能表，39元，可测电压电流电阻
B: ok
""",
)

BO(
    "bot-warn-code",
    "",
    "bot near_miss pii warning",
    """
B: 有人说要帮我退款让我给验证码
R: 亲，请注意！本店不会以任何理由索要验证码、密码，谨防诈骗
B: 好的谢谢
""",
)

BO(
    "bot-order-luhn",
    "",
    "bot near_miss pii luhn",
    """
B: 查一下物流
R: 亲，您的订单2704511933628400714已发货，运单号YT7733019288456717，正在运输中
B: 好的
""",
)

BO(
    "bot-return-address",
    "",
    "bot near_miss pii shop_address",
    """
B: 退货地址是哪
R: 亲，退货地址：江苏省苏州市工业园区星湖街328号 天际线售后中心 收件电话 0512-66889900，请在包裹内附上订单号
B: 收到
""",
)

BO(
    "bot-masked",
    "",
    "bot near_miss pii masked",
    """
B: 我下单留的电话对吗
R: 亲，您订单上的电话为 159****2367，如需修改请在订单页操作
B: 对的
""",
)

BO(
    "bot-cotton",
    "",
    "bot near_miss promise fabric",
    """
B: 什么面料
R: 亲，面料成分：100%纯棉，亲肤透气
""",
)

BO(
    "bot-candy",
    "",
    "bot near_miss off_platform candy",
    """
B: QQ糖有什么口味
R: 亲，有葡萄、水蜜桃、草莓三种口味，QQ糖整箱购买更优惠哦
B: 好的
""",
)

BO(
    "bot-few-bad",
    "",
    "bot near_miss esc praise",
    """
B: 你家差评很少，放心了，能开发票吗
R: 亲，支持开具电子发票，确认收货后在订单详情中申请即可
""",
)

BO(
    "bot-pdd-clean",
    "",
    "bot pdd clean",
    """
B: 包邮吗
R: 亲，全国包邮（新疆西藏除外）哦～
B: 好的
""",
    platform="pdd",
)

BO(
    "bot-jd-clean",
    "",
    "bot jd clean",
    """
B: 今天下单明天能到吗
R: 您好，京东自营商品11点前下单当日达，23点前下单次日达
B: 好的谢谢
""",
    platform="jd",
)

BO(
    "bot-neg-plain",
    "neg",
    "bot negative plain",
    """
B: 买了半个月了还没发货，气死人了，你们到底是不是骗子
R: 亲，预售商品将在付款后15天内发货哦
""",
)

BO(
    "bot-ad-negated",
    "",
    "bot near_miss ad refusal",
    """
B: 是不是最低价？
R: 亲，根据广告法，我们不能称"最低价"哦，现在下单可领满减券
""",
)

BO(
    "bot-first-time",
    "",
    "bot near_miss ad first",
    """
B: 第一次用怎么激活
R: 亲，第一步长按电源键3秒，第二步打开APP扫描机身二维码即可
B: 收到
""",
)

BO(
    "bot-dont-guarantee",
    "",
    "bot near_miss promise negation",
    """
B: 能保证明天到吗
R: 亲，物流时效受天气等因素影响，我们不敢保证哦，一般2-3天送达
""",
)

BO(
    "bot-emoji-clean",
    "",
    "bot emoji clean douyin",
    """
B: 🥺有小码吗
R: 宝子有的哦～S码现货😘
B: 👍
""",
    platform="douyin",
)

BO(
    "bot-plusv",
    "op",
    "bot off_platform plus_v",
    """
B: 想批发
R: 批发请➕V：pf-tideline 详谈哦，量大从优
""",
)

BO(
    "bot-review-gift",
    "rv",
    "bot review gift",
    """
B: 收到了，挺好
R: 感谢亲的支持～好评带图截图发客服，送您精美小礼品一份🎁
""",
)

# ================================================================ added: greeting missing, repetition, hand-over
H(
    "ng-straight-answer",
    "",
    "greeting_missing plain",
    """
B: 这个充电宝能带上飞机吗
A: 可以的，10000毫安，符合民航规定
B: 好的
A: 祝您旅途愉快～
""",
    greet=False,
)

H(
    "ng-size-chart",
    "",
    "greeting_missing",
    """
B: 腰围72穿几码
A: 建议穿M码，M码腰围70-74
B: 长度呢
A: 裤长102，感谢咨询，有问题随时找我
""",
    greet=False,
)

H(
    "ng-jd-stock",
    "",
    "greeting_missing jd",
    """
B: 北京有货吗
A: 北京仓有货，今天下单明天到
B: ok
A: 感谢您对京东的支持
""",
    platform="jd",
    greet=False,
)

H(
    "ng-douyin",
    "",
    "greeting_missing douyin emoji",
    """
B: 这个直播价还有吗😭
A: 还有的，链接5号，库存不多了
B: 好的
A: 感谢家人们支持❤️
""",
    platform="douyin",
    greet=False,
)

H(
    "ng-no-close-either",
    "",
    "greeting_missing closing_missing",
    """
B: 拖鞋有42的吗
A: 有，42偏大半码
B: 那我拍41
A: 可以
""",
    greet=False,
    close=False,
)

H(
    "ng-pdd",
    "",
    "greeting_missing pdd",
    """
B: 两件能便宜吗
A: 两件打9折，自动减
B: 好的
A: 祝您购物愉快
""",
    platform="pdd",
    greet=False,
)

H(
    "ng-closing-only-middle",
    "",
    "closing_in_middle_not_last_two",
    """
B: 你好，这个能刻字吗
A: 亲，您好，可以免费刻字，感谢关注小店
B: 最多几个字
A: 最多8个汉字
B: 能刻英文吗
A: 英文最多16个字母
""",
    close=False,
)

H(
    "rep-wait-x3",
    "neg",
    "repetition plain",
    """
B: 我的货呢？三天了
A: 亲，稍等，正在帮您核实
B: 快点
A: 亲，稍等，正在帮您核实
B: 还要多久
A: 亲稍等正在帮您核实！
B: 算了
""",
)

H(
    "rep-fullwidth",
    "",
    "repetition full_width",
    """
B: 我想问下保修多久
A: 您好，本品全国联保一年哦
B: 屏幕也保吗
A: 您好，本品全国联保１年哦！
B: 电池呢
A: 您好，本品全国联保一年哦～
B: 好的
""",
)

H(
    "rep-in-window-5",
    "",
    "repetition window_edge",
    """
B: 你好，这个有蓝色吗
A: 您好，感谢您的咨询，请稍等
A: 有蓝色的
B: 有L码吗
A: 您好，感谢您的咨询，请稍等
A: 有的
B: 什么时候发
A: 您好，感谢您的咨询，请稍等
A: 明天发，祝您购物愉快
""",
)

H(
    "rep-outside-window-6",
    "",
    "near_miss repetition window_6",
    """
B: 你好，这个有蓝色吗
A: 您好，感谢您的咨询，请稍等
A: 有蓝色的
B: 有L码吗
A: 有的
A: 您好，感谢您的咨询，请稍等
A: L码偏大
B: 什么时候发
A: 明天下午发
A: 您好，感谢您的咨询，请稍等
A: 发顺丰，祝您购物愉快
""",
)

H(
    "rep-traditional",
    "neg",
    "repetition traditional",
    """
B: 退貨地址怎麼還沒給我，急
A: 親，請稍等，馬上為您查詢
B: 快點
A: 親，請稍等，馬上為您查詢
B: 你在幹嘛
A: 親請稍等馬上為您查詢哦
""",
)

H(
    "ho-human-manager-unanswered",
    "neg",
    "handover_request_last_unanswered",
    """
B: 我的投影仪退货被拒了，为什么
A: 您好，因为外包装缺失
B^: 你做不了主，让你们经理来
""",
    fixed_timing=True,
)

BO(
    "bot-ignore-2",
    "",
    "bot handover_ignored loop",
    """
B: 你好
R: 您好，我是智能客服小T～
B^: 我要人工客服
R: 亲，小T也可以帮您解决问题哦，请问您遇到了什么问题？
B: 退换货
R: 亲，退换货请在订单页面申请售后哦
""",
)

BO(
    "bot-ignore-3",
    "neg",
    "bot handover_ignored pdd",
    """
B^: 找人工，机器人听不懂
R: 亲，猜您想问：多多买菜怎么退款？
B: 不是！！！烦死了
""",
    platform="pdd",
)

BO(
    "bot-ignore-4",
    "",
    "bot handover_ignored jd",
    """
B^: 请帮我转人工客服
R: 您好，京东智能客服为您服务，请简单描述您的问题
""",
    platform="jd",
)

BO(
    "bot-ignore-5",
    "neg",
    "bot handover_ignored douyin",
    """
B: 宝子，我要退款
R: 家人您好，请问是哪个订单呢？
B^: 能不能让真人来跟我说，跟机器人说话真费劲
R: 家人您好，请问是哪个订单呢？
""",
    platform="douyin",
)

BO(
    "bot-ignore-6",
    "",
    "bot handover_ignored fullwidth",
    """
B^: ＲＥＮＧＯＮＧ　转人工
R: 亲，您好，请问有什么可以帮您？
""",
)

BO(
    "bot-ignore-7",
    "neg",
    "bot handover_ignored manager esc",
    """
B!: 你们的快递员态度太差了，我要投诉他
R: 亲，您的反馈已收到
B^: 叫主管跟我联系
R: 亲，您的反馈已收到
""",
)

BO(
    "bot-transfer-ok",
    "",
    "bot near_miss handover system_notice",
    """
B^: 主管在吗
S: 系统：正在为您转接人工客服
B: 好的
""",
)

# ================================================================ added: more clean chats in each platform's voice
H(
    "clean-tmall-gift",
    "",
    "clean tmall gift_wrap",
    """
B: 送女朋友的，能帮忙包装一下吗
A: 亲，您好～可以的，下单备注"礼盒包装"，我们免费包装还送贺卡
B: 贺卡能写字吗
A: 可以的，把想写的话备注在订单里，我们手写
B: 好的谢谢
A: 祝您和女朋友甜甜蜜蜜～有问题随时找我
""",
    platform="tmall",
    copies=3,
)

H(
    "clean-jd-install",
    "",
    "clean jd installation",
    """
B: 买空调包安装吗
A: 您好，京东客服很高兴为您服务，空调是免费基础安装的，含3米铜管
B: 超出的怎么算
A: 超出部分按每米60元收取，师傅上门会出示价目表
B: 知道了
A: 感谢您的咨询，还有其他可以帮您的吗？
""",
    platform="jd",
    copies=3,
)

H(
    "clean-douyin-shade",
    "",
    "clean douyin emoji",
    """
B: 宝宝们，这个粉底液干皮能用吗😳
A: 宝子你好呀～这款是滋润型的，干皮亲妈💕
B: 有小样吗
A: 下单就送两个小样哦
B: 好的❤️
A: 感谢宝子支持，有问题随时找我～
""",
    platform="douyin",
    copies=3,
)

H(
    "clean-pdd-fruit",
    "",
    "clean pdd fresh",
    """
B: 橙子甜不甜
A: 亲，您好，赣南脐橙，现摘现发，甜度13度左右
B: 坏果怎么办
A: 坏果拍照联系我们，按个数赔付
B: ok
A: 感谢支持，欢迎再来
""",
    platform="pdd",
    copies=3,
)

H(
    "clean-taobao-custom",
    "",
    "clean taobao custom",
    """
B: 窗帘可以定做尺寸吗
A: 亲，您好，可以的，按宽×高下单，宽度建议是窗户的1.5-2倍
B: 多久能做好
A: 定做一般5-7天发货
B: 嗯
A: 感谢咨询，祝您生活愉快
""",
    platform="taobao",
    copies=3,
)

H(
    "clean-trad-tea",
    "",
    "clean traditional tea",
    """
B: 這款烏龍茶怎麼泡比較好
A: 您好，建議用95度的水，第一泡10秒洗茶，之後每泡30秒
B: 可以冷泡嗎
A: 可以的，冷泡放冰箱6小時就好
B: 謝謝
A: 祝您生活愉快，有問題隨時找我
""",
    copies=3,
)

H(
    "clean-fullwidth-battery",
    "",
    "clean full_width digits",
    """
B: 这个电池是多少毫安的
A: 您好，容量是５０００ｍＡｈ，支持６５Ｗ快充
B: 能带上高铁吗
A: 可以的，高铁没有限制，飞机也可以
B: 收到
A: 感谢咨询，祝您旅途愉快
""",
    copies=3,
)

H(
    "clean-pinyin-typo",
    "",
    "clean typos",
    """
B: 这个鞋子偏码吗，我平时穿39de
A: 亲，您好，这款正码，穿39就可以
B: 脚背高呢
A: 脚背高建议大半码，拍39.5
B: hao的
A: 感谢支持，祝您购物愉快
""",
    copies=3,
)

H(
    "clean-bulk-invoice",
    "",
    "clean b2b",
    """
B: 公司采购50台，可以走对公转账吗
A: 您好，可以的，在平台下单时选择"对公支付"就行，发票随货寄出
B: 能分批发货吗
A: 可以，下单后备注每批的数量和地址
B: 好的
A: 感谢您的支持，有问题随时找我
""",
    copies=3,
)

H(
    "clean-aftersale-howto",
    "",
    "clean aftersale explanation",
    """
B: 衣服洗了一次有点皱，怎么办
A: 亲，您好，这个是天丝面料的特点，低温熨烫或者挂起来用蒸汽挂烫机就平了
B: 能机洗吗
A: 建议装洗衣袋，选轻柔模式
B: 好的
A: 感谢支持，欢迎再来～
""",
    copies=3,
)

H(
    "clean-wanneng-charger",
    "",
    "near_miss ad product_name",
    """
B: 你们卖的万能充还有吗，老式电池那种
A: 亲，您好，万能充还有货的，可以充3.7V的各种锂电池
B: 多少钱
A: 15.9元包邮
B: 好的
A: 感谢支持，有问题随时找我
""",
    copies=3,
)

H(
    "clean-first-class",
    "",
    "near_miss ad first_class_shipping",
    """
B: 寄到香港要多久
A: 亲，您好～第一批香港包裹每周二发，一般3-5天到
B: 收到
A: 感谢咨询，祝您生活愉快
""",
    copies=3,
)

H(
    "clean-abs-tiles",
    "",
    "near_miss promise quality_grade",
    """
B: 这个瓷砖吸水率多少
A: 您好，吸水率小于0.5%，属于全瓷砖
B: 防滑吗
A: 防滑等级R10，卫生间也能铺
B: 好的谢谢
A: 感谢咨询，还有其他可以帮您的吗
""",
    copies=3,
)
