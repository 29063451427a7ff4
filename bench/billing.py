"""Benchmark `billing`: the monthly run over 5,000 contracts and 20M usage events (with a Double 11
surge), then a re-run that must write nothing, compared with a per-contract ORM loop.

Data (fixed seed, all generated inside Postgres with INSERT … SELECT generate_series, which beats
streaming COPY from Python on this machine): one brand and one contract per 4,000 events; each
contract uses every charge model (graduated human conversations with an allowance and a Double 11
peak window from 20:00 on 10 Nov (to the hour), volume bot conversations with a 00:00–02:00 rush at
its own price, packaged messages, agent-hours with a night surcharge, surge seat-days), every 7th
has a monthly minimum, every 100th starts mid-month (proration), another 100th changes price
mid-month (two versions), and every 10th has an SLA term with earn-back, an October credit and
November conversations fast enough to earn it back (one earn-back line each). Events fall over
November 2026 at every local hour (00–08 counts as night) with the 10–12 Nov surge carrying about a
third of them; the days a window splits are read per hour from the rollup's hourly sums. The records land in the
partition of their received month; their business keys are written to the key table after the load and its unique
index built then, and the daily rollup with its hourly sums (keys and rollup are kept by triggers in normal use; they
are off during this bulk load) is rebuilt once.

Measured: the run (one task per batch of contracts, executed in this process), the re-run (rows of
the contracts tables written, counted by xmin), and the baseline: a naive per-contract ORM loop
(load each usage row, price, save invoice and lines one by one) over a subset, extrapolated to all
contracts. The invariants (one invoice per contract, lines + VAT = total) are checked in SQL.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from decimal import Decimal

NEEDS_DB = True
PERIOD = (date(2026, 11, 1), date(2026, 12, 1))
EVENTS_PER_CONTRACT = 4000


def _uscc(n: int) -> str:
    from apps.clients.validators import USCC_CHARSET, uscc_check_character

    body = "91440000"
    x = n
    for _ in range(9):
        body += USCC_CHARSET[x % 31]
        x //= 31
    return body + uscc_check_character(body)


def _reset(cur) -> None:
    cur.execute(
        """
        TRUNCATE contracts_usagerecord, contracts_usagekey, contracts_usagedaily, contracts_invoiceline, contracts_slaresult, contracts_creditnote,
                 contracts_invoice, contracts_billingrun, contracts_invoicecounter, contracts_tier,
                 contracts_peakwindow, contracts_charge, contracts_slaterm, contracts_contractversion,
                 contracts_contract, contracts_billingentity CASCADE
        """
    )


def _generate(n_contracts: int, events: int) -> dict:
    from django.db import connection, transaction

    from apps.clients.models import Client, Store
    from apps.contracts.models import BillingEntity, Charge, Contract, ContractVersion, PeakWindow, Tier

    started = time.perf_counter()
    with connection.cursor() as cur:
        _reset(cur)
    with transaction.atomic():
        existing = {c.code: c for c in Client.objects.filter(code__startswith="bench-b")}
        Client.objects.bulk_create(
            [
                Client(
                    code=f"bench-b{i:05d}",
                    name=f"基准品牌{i}",
                    legal_name=f"基准品牌{i}有限公司",
                    uscc=_uscc(10**6 + i),
                )
                for i in range(n_contracts)
                if f"bench-b{i:05d}" not in existing
            ],
            batch_size=2000,
        )
        clients = list(Client.objects.filter(code__startswith="bench-b").order_by("code")[:n_contracts])
        have_store = set(Store.objects.filter(client__in=clients).values_list("client_id", flat=True))
        Store.objects.bulk_create(
            [
                Store(client=c, platform="tmall", shop_id=f"bench-{c.code}", name=f"{c.name}旗舰店")
                for c in clients
                if c.pk not in have_store
            ],
            batch_size=2000,
        )
        stores = dict(Store.objects.filter(client__in=clients).values_list("client_id", "id"))
        entity = BillingEntity.objects.create(
            code="bench",
            legal_name="潮汐基准有限公司",
            uscc=_uscc(1),
            bank_name="bank",
            bank_account="1",
            address="上海",
        )
        contracts = Contract.objects.bulk_create(
            [Contract(client=c, entity=entity, code=f"bench-{i:05d}", name=c.name) for i, c in enumerate(clients)],
            batch_size=2000,
        )
        versions = []
        for i, c in enumerate(contracts):
            start = date(2026, 11, 16) if i % 100 == 49 else date(2026, 1, 1)
            minimum = Decimal(60000) if i % 7 == 0 else Decimal(0)
            if i % 100 == 99:
                versions.append(ContractVersion(contract=c, valid_from=start, valid_to=date(2026, 11, 16)))
                versions.append(ContractVersion(contract=c, valid_from=date(2026, 11, 16), monthly_minimum=minimum))
            else:
                versions.append(ContractVersion(contract=c, valid_from=start, monthly_minimum=minimum))
        versions = ContractVersion.objects.bulk_create(versions, batch_size=2000)
        charges, tiers, windows = [], [], []
        for j, v in enumerate(versions):
            bump = Decimal(j % 5) / 10
            charges += [
                Charge(version=v, code="base", name="基础服务费", kind="base", amount=Decimal(20000) + 1000 * (j % 9)),
                Charge(
                    version=v,
                    code="human",
                    name="人工会话",
                    metric="human_conversations",
                    model="graduated",
                    included_quantity=Decimal(300),
                ),
                Charge(version=v, code="bot", name="机器人会话", metric="bot_conversations", model="volume"),
                Charge(
                    version=v,
                    code="msg",
                    name="消息包",
                    metric="messages",
                    model="package",
                    package_size=Decimal(1000),
                    package_price=Decimal("45.5"),
                ),
                Charge(
                    version=v,
                    code="hours",
                    name="坐席工时",
                    metric="agent_hours",
                    unit_price=Decimal("48.5") + bump,
                    night_surcharge_rate=Decimal("0.3"),
                ),
                Charge(version=v, code="surge", name="大促临时坐席", metric="surge_seat_days", unit_price=Decimal(420)),
            ]
        charges = Charge.objects.bulk_create(charges, batch_size=5000)
        for ch in charges:
            if ch.code == "human":
                tiers += [
                    Tier(charge=ch, lower=0, upper=500, unit_price=Decimal("1.5")),
                    Tier(charge=ch, lower=500, upper=1500, unit_price=Decimal("1.2")),
                    Tier(charge=ch, lower=1500, upper=None, unit_price=Decimal("0.95")),
                ]
                # Double 11 from 20:00 on 10 Nov, to the hour.
                windows.append(
                    PeakWindow(
                        charge=ch,
                        name="双11",
                        start_date=date(2026, 11, 10),
                        start_hour=20,
                        end_date=date(2026, 11, 13),
                        multiplier=Decimal("1.3"),
                    )
                )
            elif ch.code == "bot":
                tiers += [
                    Tier(charge=ch, lower=0, upper=1000, unit_price=Decimal("0.3")),
                    Tier(charge=ch, lower=1000, upper=None, unit_price=Decimal("0.2")),
                ]
                # The midnight rush at its own flat price on a volume charge.
                windows.append(
                    PeakWindow(
                        charge=ch,
                        name="双11零点",
                        start_date=date(2026, 11, 11),
                        end_date=date(2026, 11, 11),
                        end_hour=2,
                        unit_price=Decimal("0.35"),
                    )
                )
        Tier.objects.bulk_create(tiers, batch_size=5000)
        PeakWindow.objects.bulk_create(windows, batch_size=5000)
        sla_contracts = _earn_back_setup(contracts, versions, entity, stores)
    terms_s = time.perf_counter() - started

    per = max(1, events // n_contracts)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("ALTER TABLE contracts_usagekey DROP CONSTRAINT IF EXISTS usage_business_key_uniq")
        cur.execute("DROP INDEX IF EXISTS usage_contract_day_idx")
        # no per-row FK trigger, no key or rollup trigger during the bulk load (keys and rollup built below)
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute("CREATE TEMP TABLE bench_store (contract_id bigint, store_id bigint) ON COMMIT DROP")
        cur.execute(
            "INSERT INTO bench_store SELECT c.id, s.id FROM contracts_contract c JOIN clients_store s ON s.client_id = c.client_id"
        )
        # Day: 2/3 of the events spread over the month, 1/3 on 10–12 Nov (the Double 11 surge).
        cur.execute(
            """
            INSERT INTO contracts_usagerecord
                (contract_id, metric, source, source_key, quantity, night_quantity, occurred_at, day,
                 platform, store_id, channel, created_at)
            SELECT b.contract_id, x.metric, 'api', g::text, x.qty,
                   CASE WHEN x.hour < 8 THEN x.qty ELSE 0 END,
                   (x.day + make_interval(hours => x.hour)) AT TIME ZONE 'Asia/Shanghai', x.day, 'tmall', b.store_id,
                   'chat', now()
            FROM bench_store b
            CROSS JOIN generate_series(1, %(per)s) g
            CROSS JOIN LATERAL (
                SELECT CASE WHEN (g * 7919 + b.contract_id) %% 3 = 0
                            THEN date '2026-11-10' + ((g + b.contract_id) %% 3)::int
                            ELSE date '2026-11-01' + ((g * 31 + b.contract_id) %% 30)::int END AS day,
                       CASE WHEN g %% 97 = 0 THEN 'surge_seat_days'
                            WHEN g %% 10 < 5 THEN 'human_conversations'
                            WHEN g %% 10 < 8 THEN 'bot_conversations'
                            WHEN g %% 10 = 8 THEN 'messages'
                            ELSE 'agent_hours' END AS metric,
                       CASE WHEN g %% 97 = 0 THEN 1
                            WHEN g %% 10 = 8 THEN 5 + g %% 16
                            WHEN g %% 10 = 9 THEN (1 + g %% 16) / 4.0
                            ELSE 1 END::numeric(14, 4) AS qty,
                       ((g * 7 + b.contract_id) %% 24)::int AS hour
            ) x
            """,
            {"per": per},
        )
        # The business keys, as the key triggers would have written them (one per record, same id).
        cur.execute(
            "INSERT INTO contracts_usagekey (id, contract_id, metric, source, source_key, created_at) "
            "SELECT id, contract_id, metric, source, source_key, created_at FROM contracts_usagerecord"
        )
        cur.execute("SET LOCAL session_replication_role = origin")
        cur.execute(
            "ALTER TABLE contracts_usagekey ADD CONSTRAINT usage_business_key_uniq "
            "UNIQUE (contract_id, metric, source, source_key)"
        )
        cur.execute("CREATE INDEX usage_contract_day_idx ON contracts_usagerecord (contract_id, day)")
    # The load ran with triggers off, so the daily rollup is built once here from the records.
    from apps.contracts.rollup import usage_rollup_rebuild

    usage_rollup_rebuild(contract_ids=[c.pk for c in contracts])
    with connection.cursor() as cur:
        cur.execute("ANALYZE contracts_usagerecord")
        cur.execute("ANALYZE contracts_usagekey")
        cur.execute("ANALYZE contracts_usagedaily")
        cur.execute("SELECT COUNT(*) FROM contracts_usagerecord")
        rows = cur.fetchone()[0]
    return {
        "sla_contracts": sla_contracts,
        "terms_s": round(terms_s, 1),
        "usage_load_s": round(time.perf_counter() - started, 1),
        "usage_rows": rows,
        "stores": len(stores),
    }


def _earn_back_setup(contracts, versions, entity, stores) -> int:
    """Every 10th contract: an SLA term with earn-back, an October credit of 500.00 for it (a draft
    October invoice with its KPI row) and two November conversations fast enough to earn it back."""
    from django.utils import timezone

    from apps.contracts.models import Invoice, SlaResult, SlaTerm
    from apps.conversations.models import Conversation

    chosen = [c for i, c in enumerate(contracts) if i % 10 == 3]
    last = {}
    for v in versions:
        last[v.contract_id] = v  # versions were made in contract order, the open one last
    SlaTerm.objects.bulk_create(
        [
            SlaTerm(
                version=last[c.pk],
                kpi="first_response_avg_s",
                target=Decimal(30),
                comparison="lte",
                earn_back=True,
                earn_back_target=Decimal(20),
            )
            for c in chosen
        ]
    )
    type(last[chosen[0].pk]).objects.filter(pk__in=[last[c.pk].pk for c in chosen]).update(
        sla_at_risk_share=Decimal("0.10")
    )
    october = Invoice.objects.bulk_create(
        [
            Invoice(
                contract=c,
                entity=entity,
                period_start=date(2026, 10, 1),
                period_end=date(2026, 11, 1),
                subtotal=Decimal("29500.00"),
                total=Decimal("31270.00"),
                vat_amount=Decimal("1770.00"),
            )
            for c in chosen
        ]
    )
    SlaResult.objects.bulk_create(
        [
            SlaResult(
                invoice=inv,
                kpi="first_response_avg_s",
                name="平均首响（秒）",
                measured=Decimal(45),
                target=Decimal(30),
                comparison="lte",
                met=False,
                credit_amount=Decimal("500.00"),
            )
            for inv in october
        ]
    )
    Conversation.objects.filter(store_id__in=[stores[c.client_id] for c in chosen]).delete()
    at = timezone.make_aware(datetime(2026, 11, 5, 10))
    Conversation.objects.bulk_create(
        [
            Conversation(
                store_id=stores[c.client_id],
                platform_conversation_id=f"bench-{c.pk}-{k}",
                started_at=at,
                ended_at=at,
                handled_by="human",
                buyer_pseudonym="bench",
                first_response_seconds=seconds,
            )
            for c in chosen
            for k, seconds in enumerate((10, 14))
        ],
        batch_size=5000,
    )
    return len(chosen)


def _baseline(contract_ids: list[int]) -> float:
    """The naive way: per contract, ORM reads of every usage row, pricing, row-by-row saves."""
    from django.utils import timezone

    from apps.contracts import pricing, selectors
    from apps.contracts.models import Contract, ContractVersion, Invoice, InvoiceLine, UsageRecord

    start, end = PERIOD
    started = time.perf_counter()
    for contract in Contract.objects.filter(pk__in=contract_ids):
        versions = [
            selectors.version_spec(v)
            for v in ContractVersion.objects.filter(contract=contract, valid_from__lt=end).order_by("valid_from")
        ]
        items = [
            pricing.UsageItem(
                source=u.source,
                source_key=u.source_key,
                metric=u.metric,
                day=u.day,
                quantity=u.quantity,
                night_quantity=u.night_quantity,
                platform=u.platform,
                store_id=u.store_id,
                channel=u.channel,
                hour=timezone.localtime(u.occurred_at).hour,
            )
            for u in UsageRecord.objects.filter(contract=contract, day__gte=start, day__lt=end)
        ]
        priced = pricing.price_period(period_start=start, period_end=end, versions=versions, usage=items)
        invoice = Invoice.objects.create(
            contract=contract,
            entity_id=contract.entity_id,
            period_start=start,
            period_end=end,
            subtotal=priced.subtotal,
            vat_amount=priced.vat_total,
            total=priced.total,
        )
        for i, line in enumerate(priced.lines, start=1):
            InvoiceLine.objects.create(
                invoice=invoice,
                position=i,
                kind=line.kind,
                code=line.code,
                description=line.description,
                metric=line.metric,
                quantity=line.quantity.quantize(Decimal("0.000001")),
                unit_price=line.unit_price,
                tiers=list(line.tiers),
                amount_unrounded=line.amount_unrounded.quantize(Decimal("0.000000000001")),
                amount=line.amount,
                vat_rate=line.vat_rate,
                details=line.details,
            )
    elapsed = time.perf_counter() - started
    Invoice.objects.filter(contract_id__in=contract_ids, period_start=start).delete()  # drafts: allowed
    return elapsed


WRITTEN_SQL = """
SELECT (SELECT COUNT(*) FROM contracts_invoice WHERE xmin::text::bigint >= %(tx)s)
     + (SELECT COUNT(*) FROM contracts_invoiceline WHERE xmin::text::bigint >= %(tx)s)
     + (SELECT COUNT(*) FROM contracts_slaresult WHERE xmin::text::bigint >= %(tx)s)
     + (SELECT COUNT(*) FROM contracts_invoicecounter WHERE xmin::text::bigint >= %(tx)s)
     + (SELECT COUNT(*) FROM contracts_contract WHERE xmin::text::bigint >= %(tx)s)
"""
COUNTS_SQL = "SELECT (SELECT COUNT(*) FROM contracts_invoice), (SELECT COUNT(*) FROM contracts_invoiceline)"
INVARIANTS_SQL = """
SELECT COUNT(*) FILTER (WHERE i.subtotal + i.vat_amount <> i.total OR i.subtotal <> l.s),
       COUNT(*) - COUNT(DISTINCT i.contract_id)
FROM contracts_invoice i
JOIN (SELECT invoice_id, SUM(amount) s FROM contracts_invoiceline GROUP BY invoice_id) l ON l.invoice_id = i.id
WHERE i.kind = 'periodic' AND i.period_start = '2026-11-01'
"""
EARN_BACK_SQL = "SELECT COUNT(*) FROM contracts_invoiceline WHERE kind = 'earn_back'"
HOURLY_SQL = "SELECT COUNT(*) FROM contracts_invoiceline WHERE kind = 'peak' AND details->>'start' LIKE '%%T20:00:00'"


def run(*, scale: float, quick: bool) -> dict:
    from django.db import connection

    from apps.contracts import services

    n_contracts = 20 if quick else max(10, round(5000 * scale))
    events = n_contracts * (200 if quick else EVENTS_PER_CONTRACT)
    gen = _generate(n_contracts, events)

    from apps.contracts.models import Contract

    ids = list(Contract.objects.order_by("pk").values_list("pk", flat=True))
    subset = ids[: 5 if quick else max(10, min(100, n_contracts // 50))]
    baseline_s = _baseline(subset)
    baseline_all = baseline_s * len(ids) / len(subset)

    batch = max(1, min(1000, len(ids) // 5 or 1))
    started = time.perf_counter()
    first = services.billing_run_now(period_start=PERIOD[0], batch_size=batch)
    run_s = time.perf_counter() - started

    with connection.cursor() as cur:
        cur.execute(COUNTS_SQL)
        counts_before = cur.fetchone()
        cur.execute("SELECT txid_current()")
        tx = cur.fetchone()[0]
    started = time.perf_counter()
    second = services.billing_run_now(period_start=PERIOD[0], batch_size=batch)
    rerun_s = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute(WRITTEN_SQL, {"tx": tx})
        written = cur.fetchone()[0]
        cur.execute(COUNTS_SQL)
        counts_after = cur.fetchone()
        cur.execute(INVARIANTS_SQL)
        bad_sums, duplicate_invoices = cur.fetchone()
        cur.execute(EARN_BACK_SQL)
        earn_back_lines = cur.fetchone()[0]
        cur.execute(HOURLY_SQL)
        hour_window_lines = cur.fetchone()[0]
        cur.execute(
            "SELECT COALESCE(SUM(quantity), 0) FROM contracts_usagerecord "
            "WHERE day BETWEEN '2026-11-10' AND '2026-11-12'"
        )
        surge_qty = cur.fetchone()[0]
    rows_written = written + abs(counts_after[0] - counts_before[0]) + abs(counts_after[1] - counts_before[1])
    assert first.invoices_created == len(ids) - len(first.parked), first.parked[:3]
    assert not first.parked, first.parked[:3]
    assert second.invoices_unchanged == len(ids) and rows_written == 0, (second.invoices_unchanged, rows_written)
    assert bad_sums == 0 and duplicate_invoices == 0
    assert earn_back_lines == gen["sla_contracts"], (earn_back_lines, gen["sla_contracts"])
    return {
        "size": f"{len(ids)} contracts, {gen['usage_rows']:,} usage events",
        "metric": "monthly run",
        "value": round(run_s, 2),
        "unit": "s",
        "baseline": f"per-contract ORM loop ({len(subset)} contracts, extrapolated)",
        "baseline_value": round(baseline_all, 2),
        "ratio": round(baseline_all / run_s, 1) if run_s else None,
        "bound": 30.0,
        "extra": {
            "rerun_s": round(rerun_s, 2),
            "rerun_rows_written": rows_written,
            "rerun_bound_s": 15.0,
            "invoices": counts_after[0],
            "invoice_lines": counts_after[1],
            "batch_size": batch,
            "lines_plus_vat_equal_total": bad_sums == 0,
            "double11_units": str(surge_qty),
            "earn_back_lines": earn_back_lines,
            "hour_window_lines": hour_window_lines,
            "generate_terms_s": gen["terms_s"],
            "generate_usage_s": gen["usage_load_s"],
            "baseline_subset_s": round(baseline_s, 2),
        },
    }
