"""qa_pipeline: import → mask → QA → flags into Postgres, end to end (200k conversations at scale 1).

Data: a canonical JSONL export generated from a fixed seed — conversations of ~19 messages over
four Tmall stores of one brand with the default scorecard, with greetings, answers, some
violations (absolute words, off-platform contact, verification-code requests, threats), PII that
the importer masks, slow rounds and unanswered endings.
Measured in the same run:
  * ours     — `apps.conversations.services.import_file` (parse, mask, timing, bulk write), whose
               post-import hook enqueues `qa_score_import_run_task`: QA results, hits and
               review-queue entries written with bulk inserts; conversations/s wall time from the
               first import's start to the last QA run's end. As in production the task runs on a
               Celery worker (one process, bench/qa_worker.py, fed through a filesystem broker), so
               the QA of file k runs while file k+1 imports; `--quick` runs it eagerly in-process;
  * baseline — per-row ORM saves of the same work on a slice: Conversation/Message .create() with
               masking, then the same engine, then QAResult/QAHit/ReviewItem .create() one by one.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime, timedelta, timezone
from pathlib import Path

NEEDS_DB = True
SEED = 20261122
SHOPS = ["bench-qa-tmall-1", "bench-qa-tmall-2", "bench-qa-tmall-3", "bench-qa-tmall-4"]
SH = timezone(timedelta(hours=8))
START = datetime(2026, 9, 2, tzinfo=SH)
DAYS = 90
FILE_CONVERSATIONS = 25_000  # ~140 MB of JSONL: under the importer's upload limit

BUYER = [
    "在吗？这款面霜干皮能用吗",
    "双十一的满减能和店铺券一起用吗",
    "今天下单什么时候发货",
    "帮我看下订单到哪了",
    "地址填错了，新地址是浙江省杭州市西湖区文三路90号",
    "我的手机号是13812345678",
    "能开发票吗",
    "买两件能便宜点吗",
    "这个是最低价吗",
    "质量太差了，再不处理我就投诉",
    "转人工",
    "好的谢谢",
]
BUYER_PLAIN = [
    line for line in BUYER if line not in {"我的手机号是13812345678", "质量太差了，再不处理我就投诉", "转人工"}
]
BUYER_PLAIN += ["这个颜色实物会不会偏暗", "有没有大一码的", "发什么快递呀"]
AGENT = [
    "亲，您好！很高兴为您服务",
    "这款是保湿配方，干皮用着很滋润的",
    "今天16点前付款当天发出的",
    "帮您查了，包裹已经到您所在城市的分拣中心了",
    "可以开的，在订单页申请电子发票就可以",
    "两件可以用店铺满减，会更划算",
    "满减和店铺券是可以叠加使用的",
    "仓库正在打包，今天会发出的",
]
AGENT_BAD = [
    "我们这款是全网最低价了亲",
    "加我vx私聊，给您便宜",
    "麻烦把收到的验证码发我一下",
    "绝对正品，假一赔十",
    "已为您申请退款",
    "这个我不清楚，你自己看详情页",
]
CLOSING = ["请问还有其他可以帮您的吗？", "感谢您的支持，祝您生活愉快～"]


def generate(path: Path, *, conversations: int, seed: int = SEED, first: int = 0) -> int:
    rng = random.Random(f"{seed}:{first}")
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for c in range(first, first + conversations):
            shop = SHOPS[c % len(SHOPS)]
            cid = f"QB{c:07d}"
            t = START + timedelta(days=rng.randrange(DAYS), seconds=rng.randrange(8 * 3600, 23 * 3600))
            agent = f"bench-qa-agent-{rng.randrange(120):03d}"
            buyer = f"tb_bench_{rng.randrange(50000)}"
            lines = []
            for j in range(rng.randint(8, 10)):
                # most buyer lines are ordinary questions; threats, PII and hand-over asks are rarer
                lines.append(("buyer", rng.choice(BUYER if rng.random() < 0.1 else BUYER_PLAIN)))
                pick = AGENT_BAD if rng.random() < 0.04 else AGENT
                lines.append(("agent", rng.choice(pick) if j else "亲，您好！很高兴为您服务"))
            lines.append(("agent", rng.choice(CLOSING)))
            if rng.random() < 0.1:
                lines.append(("buyer", "还在吗？"))
            for i, (role, text) in enumerate(lines):
                t += timedelta(
                    seconds=rng.randint(2, 40) if role == "agent" and rng.random() > 0.05 else rng.randint(3, 150)
                )
                row = {
                    "platform": "tmall",
                    "shop": shop,
                    "conversation_id": cid,
                    "message_id": f"{cid}-{i:03d}",
                    "sent_at": t.isoformat(),
                    "sender_role": role,
                    "agent": agent if role == "agent" else "",
                    "buyer": buyer,
                    "msg_type": "text",
                    "content": text,
                }
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                written += 1
    return written


def _setup():
    from apps.clients.models import Client, Store
    from apps.conversations.models import Conversation, Message
    from apps.qa.models import Dispute, QAHit, QAResult, QARun, ReviewItem
    from apps.qa.services import scorecard_install_default

    client, _ = Client.objects.get_or_create(
        code="bench-qa", defaults={"name": "QA基准品牌", "legal_name": "基准测试有限公司", "uscc": "91310000MA1FL8QA3X"}
    )
    stores = []
    for shop in SHOPS:
        store, _ = Store.objects.get_or_create(
            platform="tmall", shop_id=shop, defaults={"client": client, "name": f"{shop}旗舰店"}
        )
        stores.append(store)
    card = scorecard_install_default(client=client)
    db = Message.objects.db
    results = QAResult.objects.filter(scorecard__client=client)
    ReviewItem.objects.filter(result__in=results)._raw_delete(db)
    Dispute.objects.filter(result__in=results)._raw_delete(db)
    QAHit.objects.filter(result__in=results)._raw_delete(db)
    results._raw_delete(db)
    QARun.objects.filter(client=client)._raw_delete(db)
    Message.objects.filter(conversation__store__in=stores)._raw_delete(db)
    Conversation.objects.filter(store__in=stores)._raw_delete(db)
    return client, stores, card


def _baseline(path: Path, *, conversations: int, stores, card) -> float:
    """Per-row ORM: every conversation, message, result, hit and review entry saved one by one."""
    from apps.conversations.masking import mask_text
    from apps.conversations.models import Conversation, Message
    from apps.qa import engine
    from apps.qa.models import QAHit, QAResult, ReviewItem
    from apps.qa.services import compiled_scorecard

    compiled, rule_ids = compiled_scorecard(card)
    timing = {r.code: r.rule_type == "timing" for r in card.rules.all()}  # measured, not queued
    store_by_shop = {s.shop_id: s for s in stores}
    groups: dict[str, list[dict]] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            groups.setdefault(row["conversation_id"], []).append(row)
            if len(groups) > conversations:
                groups.pop(row["conversation_id"])
                break
    started = time.perf_counter()
    for cid, rows in groups.items():
        first, last = datetime.fromisoformat(rows[0]["sent_at"]), datetime.fromisoformat(rows[-1]["sent_at"])
        conv = Conversation.objects.create(
            store=store_by_shop[rows[0]["shop"]],
            platform_conversation_id=f"BASE-{cid}",
            started_at=first,
            ended_at=last,
            agent_nick=next((r["agent"] for r in rows if r["agent"]), ""),
            handled_by="human",
            buyer_pseudonym="bench",
            message_count=len(rows),
        )
        msgs = []
        for i, r in enumerate(rows):
            content = mask_text(r["content"])
            sent = datetime.fromisoformat(r["sent_at"])
            Message.objects.create(
                conversation=conv,
                message_id=r["message_id"],
                seq=i,
                sent_at=sent,
                sender_role=r["sender_role"],
                content=content,
            )
            msgs.append(engine.MessageIn(r["sender_role"], sent.timestamp(), content))
        res = compiled.score(engine.ConversationIn(key=conv.pk, platform="tmall", messages=tuple(msgs)))
        result = QAResult.objects.create(
            conversation=conv,
            scorecard=card,
            started_at=first,
            status=res.status,
            reason=res.reason,
            auto_score=res.score,
            score=res.score,
            passed=res.passed,
            critical=res.critical,
            hit_count=len(res.hits),
        )
        for h in res.hits:
            hit = QAHit.objects.create(
                result=result,
                rule_id=rule_ids[h.rule],
                severity=h.severity,
                message_index=h.message_index,
                span_start=h.start,
                span_end=h.end,
                excerpt=h.excerpt[:255],
                note=h.note[:255],
            )
            if h.severity in ("critical", "major") and not timing.get(h.rule):
                ReviewItem.objects.create(result=result, hit=hit, reason="violation", severity=h.severity)
    return len(groups) / (time.perf_counter() - started)


@contextmanager
def _qa_worker(tmp: Path) -> Iterator[subprocess.Popen]:
    """A Celery worker process consuming the post-import tasks of this process (see bench/qa_worker.py)."""
    from bench.qa_worker import broker_options
    from config.celery import app

    options = broker_options(tmp / "broker")
    saved = {key: app.conf[key] for key in options}
    ready = tmp / "worker.ready"
    worker = subprocess.Popen(
        [sys.executable, "-m", "bench.qa_worker", str(tmp / "broker"), str(ready)],
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.DEVNULL,  # the start-up banner; warnings and errors still reach stderr
    )
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the QA worker did not start")
            time.sleep(0.1)
        app.conf.update(options)
        yield worker
    finally:
        app.conf.update(saved)
        worker.terminate()
        worker.wait(60)


def _wait_for_qa(import_runs: list, worker: subprocess.Popen | None) -> list:
    """The QA run of every import, once each has finished (they run on the worker)."""
    from apps.core.choices import RunStatus
    from apps.qa.models import QARun

    while True:
        runs = list(QARun.objects.filter(import_run__in=import_runs).order_by("import_run_id"))
        if len(runs) == len(import_runs) and all(r.finished_at is not None for r in runs):
            failed = [r for r in runs if r.status != RunStatus.SUCCEEDED]
            if failed:
                raise RuntimeError(f"QA run {failed[0].pk} failed: {failed[0].error}")
            return runs
        if worker is None:  # eager, or a broker whose workers are elsewhere: run the QA steps here
            from apps.qa.services import qa_score_import_run

            done = {r.import_run_id for r in runs}
            for imported in import_runs:
                if imported.pk not in done:
                    qa_score_import_run(import_run_id=imported.pk)
            continue
        if worker.poll() is not None:
            raise RuntimeError("the QA worker exited before the QA runs finished")
        time.sleep(0.05)


def run(*, scale: float = 1.0, quick: bool = False) -> dict:
    from apps.conversations.services import import_file
    from apps.core.choices import RunStatus
    from apps.qa.models import QAHit, QAResult, ReviewItem
    from apps.qa.selectors import queue_share

    n = 300 if quick else max(2_000, int(200_000 * scale))
    n_base = 50 if quick else max(100, min(2_000, n // 100))
    client, stores, card = _setup()
    with tempfile.TemporaryDirectory() as tmp:
        # The importer takes files up to its upload limit: a big export arrives as several files
        # (as platform exports do), each imported and QA-scored on its own.
        paths, messages = [], 0
        for k, first in enumerate(range(0, n, FILE_CONVERSATIONS)):
            path = Path(tmp) / f"qa_bench_{k:02d}.jsonl"
            messages += generate(path, conversations=min(FILE_CONVERSATIONS, n - first), first=first)
            paths.append(path)
        imports, import_seconds = [], 0.0
        # The worker starts before the clock, as a production worker is already up when files arrive.
        with nullcontext() if quick else _qa_worker(Path(tmp)) as worker:
            started = time.perf_counter()
            for path in paths:
                t0 = time.perf_counter()
                imported = import_file(path=path, file_format="canonical_jsonl")  # its on-commit hook enqueues QA
                import_seconds += time.perf_counter() - t0
                if imported.status != RunStatus.SUCCEEDED:
                    raise RuntimeError(f"import failed: {imported.error}")
                imports.append(imported)
            qa_runs = _wait_for_qa(imports, worker)
            elapsed = time.perf_counter() - started
        results = QAResult.objects.filter(scorecard__client=client).count()
        hits = QAHit.objects.filter(result__scorecard__client=client).count()
        queued = ReviewItem.objects.filter(result__scorecard__client=client).count()
        share = queue_share(client)
        base_rate = _baseline(paths[0], conversations=n_base, stores=stores, card=card)
        qa_seconds = sum((r.finished_at - r.started_at).total_seconds() for r in qa_runs)
    rate = n / elapsed
    return {
        "size": f"{n:,} conversations, {messages:,} messages",
        "metric": "import → mask → QA → flags",
        "value": round(rate, 1),
        "unit": "conversations/s",
        "baseline": f"per-row ORM saves on {n_base:,} conversations",
        "baseline_value": round(base_rate, 1),
        "ratio": round(rate / base_rate, 1),
        "bound": None,
        "extra": {
            "seconds": round(elapsed, 2),
            "files": len(paths),
            "qa step": "eager, in-process" if quick else "1 Celery worker process, overlapping the next import",
            "import seconds": round(import_seconds, 2),
            "qa seconds": round(qa_seconds, 2),
            "qa rate (conversations/s)": round(n / qa_seconds, 1) if qa_seconds else None,
            "qa runs": f"{len(qa_runs)} succeeded, {sum(r.scored for r in qa_runs):,} scored, "
            f"{sum(r.not_applicable for r in qa_runs):,} bot-only, {sum(r.unscorable for r in qa_runs):,} unscorable",
            "results": results,
            "hits": hits,
            "review items": queued,
            "queue share (human-handled conversations with a review item; goal ≤ 15 %)": f"{share[0]:,} of "
            f"{share[1]:,} = {100 * share[0] / max(share[1], 1):.1f} %",
        },
    }
