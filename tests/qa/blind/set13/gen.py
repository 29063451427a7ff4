"""Lay the hand-written cores in gen_src.py out as dialogues_NN.txt (run once; build.py reads only the .txt)."""
import random
exec(open("gen_src.py", encoding="utf-8").read())
R = random.Random(13)
PL = ["tb", "tm", "jd", "dy", "pdd"]
SHOPS = {"tb": ["小橙子童装", "野径户外", "暖暖母婴"], "tm": ["绿叶家居旗舰店", "山野茶官方旗舰店", "喵享宠物旗舰店"],
         "jd": ["京选智能自营", "骑迹单车专营店", "文墨礼品京东店"], "dy": ["阿栗咖啡直播间", "小满童装", "露营君"],
         "pdd": ["万家团购", "平价宠粮", "好物文具"]}
GREET = ["您好，", "亲，", "在的亲，", "您好，欢迎光临{s}，", "亲亲您好，"]
CLOSE = ["还有其他可以帮您的吗~", "祝您生活愉快！", "感谢支持，有问题随时找我", "欢迎再来哦亲", "感谢您的耐心~"]
ACK = ["好的谢谢", "好", "行", "嗯", "好吧", "嗯嗯好的👍", "谢谢 么么哒", "[OK]", "好的亲", "收到", "3q"]
OPEN_Q = ["那大概几点能发？", "还有别的颜色吗", "？？", "在吗", "么么哒，什么时候发货", "[图片]"]
PROFILES = {"ok": (None, None), "first31": (31, None), "first30": (30, None), "first30.4": (30.4, None),
            "first30.5": (30.5, None), "avg46": (46, 46), "avgonly": (12, 75), "miss181": (181, None),
            "miss180": (180, None), "miss_later": (10, 181), "wait100": (100, None), "wait99": (99, None),
            "night181": (181, None), "unanswered": (None, None)}
NAMES = list(PROFILES)

def emit(out, plat, t, codes, tricks, lines):
    out.append(f"=== {plat} {t} | {codes} | {tricks}")
    for role, d, text in lines:
        out.append(f"{role} {d:g} {text}")
    out.append("")

def layout(core, v, out, n):
    codes, tricks, lines = core
    plat = PL[(n + v) % 5]
    cats = {"baby": ["小橙子童装", "暖暖母婴", "小满童装"], "camping": ["野径户外", "露营君"], "smart_home": ["绿叶智能家居旗舰店", "京选智能自营"],
            "tea": ["山野茶官方旗舰店", "一叶茶庄"], "coffee": ["阿栗咖啡", "豆仓咖啡"], "petfood": ["喵享宠物旗舰店", "平价宠粮"],
            "stationery": ["文墨礼品", "好物文具"], "ebike": ["骑迹单车专营店", "风行电动"], "vouchers": ["万家团购", "同城乐享"]}
    cat = next((k for k in cats if k in tricks.split(",")), None)
    shop = R.choice(cats[cat]) if cat else R.choice(["优选生活馆", "好家百货", "橙意小店"])
    human = any(l.split(" ", 1)[0].rstrip("!-~") == "a" for l in lines)
    if not human:
        prof = "ok"
    elif v == 0:
        prof = "ok"
    else:
        prof = R.choice(NAMES) if (v == 1 or R.random() < 0.15) else "ok"
    greet = v != 1 or R.random() < 0.5
    close = v != 1 or R.random() < 0.5
    hh = R.randint(2, 6) if prof == "night181" else R.randint(9, 22)
    start = f"{hh:02d}:{R.randint(0,59):02d}:{R.randint(0,59):02d}"
    first, other = PROFILES[prof]
    res = []
    seen_agent = False
    prev_role = None
    for l in lines:
        role, text = l.split(" ", 1)
        base = role.rstrip("!-~")
        if base == "a":
            if not seen_agent:
                if greet and not text.startswith(("您好", "亲", "在的", "欢迎")):
                    text = R.choice(GREET).format(s=shop) + text
                if not greet:
                    for p in ("您好，", "亲，", "亲亲，"):
                        if text.startswith(p):
                            text = text[len(p):]
                d = first if (first is not None and prev_role != "a") else R.randint(5, 28)
                seen_agent = True
            elif prev_role == "a":
                d = R.randint(3, 9)
            else:
                d = other if other is not None else R.randint(5, 40)
                other_used = True
        elif base == "sys":
            d = R.randint(1, 4)
        elif base == "bot":
            d = R.randint(1, 3)
        else:
            d = R.randint(4, 35)
        res.append((role, d, text))
        prev_role = base
    if human and "unanswered" in tricks.split(","):
        prof = "unanswered_core"
    elif human:
        if prof != "unanswered" and R.random() < 0.5:
            res.append(("b", R.randint(5, 30), R.choice(ACK)))
        if close:
            res.append(("a", R.randint(4, 20), R.choice(CLOSE)))
        if prof == "unanswered":
            res.append(("b", R.randint(5, 30), R.choice(OPEN_Q)))
    tr = ",".join(x for x in [tricks, f"timing:{prof}" if prof != "ok" else ""] if x)
    emit(out, plat, start, codes, tr, res)

out = []
n = 0
for core in H:
    for v in range(3):
        n += 1
        layout(core, v, out, n)
for core in B:
    for v in range(3):
        n += 1
        layout(core, v, out, n)
for core in HO:
    for v in range(4):
        n += 1
        layout(core, v, out, n)
blocks = "\n".join(out).split("=== ")[1:]
R.shuffle(blocks)
per = (len(blocks) + 4) // 5
for i in range(5):
    with open(f"dialogues_{i+1:02d}.txt", "w", encoding="utf-8") as fh:
        fh.write(f"# set 13, file {i+1:02d} (qaset13). Format: see build.py docstring.\n\n")
        fh.write("".join("=== " + b.rstrip("\n") + "\n\n" for b in blocks[i * per:(i + 1) * per]))
print(n)
