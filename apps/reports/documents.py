"""The plain data of a client report and of an invoice document: what assembly produces (from the
ORM) and what rendering consumes (to PDF). No ORM here, so rendering and the benchmark can build
these by hand.

Numbers stay numbers (int, Decimal; rates are Decimal fractions 0..1, money Decimal CNY) and stay
exact: a rate, an average or a forecast is never rounded here, only once where it is shown, half up
(apps.reports.templatetags.report_format; DESIGN.md). The templates format them. A section that is None is left out of the report: its data does not exist
for that brand and period, and a report never shows invented figures.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class Party:
    """One side of an invoice or the vendor on a report: legal name, tax id (USCC), address, bank."""

    name: str
    legal_name: str = ""
    uscc: str = ""
    address: str = ""
    bank_name: str = ""
    bank_account: str = ""


@dataclass(frozen=True)
class Figure:
    """A headline figure on the summary page. `rag` is green/amber/red or '' (no target)."""

    label: str
    value: str
    note: str = ""
    rag: str = ""


@dataclass(frozen=True)
class VolumeDay:
    day: date
    actual: int
    bot: int
    human: int
    forecast: Decimal | None = None  # exact (the workforce forecast of the day), rounded at display


@dataclass
class VolumeSection:
    """Conversations of the period (conversation_metrics) and the forecast of the same days."""

    days: list[VolumeDay]
    conversations: int
    bot_handled: int
    human_handled: int
    transferred_to_human: int
    messages: int
    bot_share: Decimal | None
    first_response_avg_s: Decimal | None
    first_response_within_30s_rate: Decimal | None
    response_avg_s: Decimal | None
    three_minute_rate: Decimal | None
    unanswered_conversations: int
    forecast_total: Decimal | None = None
    forecast_wape: Decimal | None = None
    forecast_days: int = 0  # days of the period that have a forecast
    forecast_days_actual: int | None = None  # actual conversations on those days
    # Counts of human-handled chats, one per QA timing rule (apps.conversations.metrics), so the QA
    # page's hits of that rule can be checked against them
    first_response_measured: int = 0
    first_response_over_30s: int = 0
    response_avg_over_45s: int = 0
    three_minute_missed: int = 0
    waited_100s: int = 0
    last_unanswered: int = 0
    transferred_unanswered: int = 0

    @property
    def forecast_variance(self) -> Decimal | None:
        """Actual over forecast minus one on the days that have a forecast (0.05 = 5% above)."""
        if not self.forecast_total:
            return None
        actual = self.conversations if self.forecast_days_actual is None else self.forecast_days_actual
        return Decimal(actual) / Decimal(self.forecast_total) - 1

    @property
    def peak_day(self) -> VolumeDay | None:
        return max(self.days, key=lambda d: (d.actual, -d.day.toordinal()), default=None)


@dataclass(frozen=True)
class SlaRow:
    """One KPI of the contract's SLA pool against its measurement for the period."""

    kpi: str
    target: str
    actual: str
    met: bool | None
    rag: str
    weight: Decimal | None = None
    credit: Decimal | None = None
    measurement: str = ""
    code: str = ""  # the KPI's code (first_response_avg_s …)


@dataclass
class SlaSection:
    rows: list[SlaRow]
    credit_total: Decimal = Decimal("0.00")
    contract_label: str = ""

    @property
    def met(self) -> int:
        return sum(1 for r in self.rows if r.met)


@dataclass(frozen=True)
class RuleHits:
    rule_code: str
    rule_name: str
    severity: str
    hits: int
    share: Decimal | None = None  # of all hits in the period
    severity_label: str = ""


@dataclass(frozen=True)
class QADay:
    day: date
    scored: int
    average_score: Decimal | None
    pass_rate: Decimal | None


@dataclass(frozen=True)
class HighRiskCase:
    platform_conversation_id: str
    started_at: datetime | None
    rule_name: str
    excerpt: str
    review_status: str
    action: str


@dataclass(frozen=True)
class CoachingRow:
    agent_name: str
    issues: int
    top_rule: str
    critical: int = 0  # of the issues, critical hits (agents with one come first)


@dataclass
class QASection:
    """Full-coverage QA of the period (apps.qa.selectors.qa_period_summary)."""

    conversations: int
    scored: int
    unscorable: int
    passed: int
    pass_rate: Decimal | None
    average_score: Decimal | None
    critical_hits: int
    days: list[QADay]
    violations: list[RuleHits]
    high_risk: list[HighRiskCase]
    disputes: dict[str, int]
    coaching: list[CoachingRow]
    human_conversations: int | None = None  # QA checks the human-handled ones; bot-only chats are N/A
    # review items of the period's results (apps.qa): how many a supervisor decided, how many wait
    reviews_confirmed: int = 0
    reviews_dismissed: int = 0
    reviews_open: int = 0
    violations_confirmed: int = 0  # violation hits on a result a supervisor confirmed

    @property
    def coverage(self) -> Decimal | None:
        """Share of the human-handled conversations that QA scored or marked unscorable."""
        base = self.human_conversations if self.human_conversations is not None else self.conversations
        if not base:
            return None
        return min(Decimal(1), Decimal(self.scored + self.unscorable) / Decimal(base))

    @property
    def total_hits(self) -> int:
        return sum(v.hits for v in self.violations)


@dataclass(frozen=True)
class StaffingDay:
    day: date
    forecast_contacts: Decimal | None  # exact, rounded at display
    actual_contacts: int | None
    required_agent_hours: Decimal
    scheduled_agent_hours: Decimal
    surge_seats: int


@dataclass(frozen=True)
class ShortInterval:
    """A 15-minute interval whose published rosters cover fewer agents than required."""

    start: datetime  # local time
    required: int
    scheduled: int

    @property
    def short(self) -> int:
        return self.required - self.scheduled


@dataclass
class ShortDay:
    """One day's intervals under demand, merged into runs of consecutive intervals."""

    day: date
    intervals: int = 0
    agent_slots_short: int = 0  # Σ (required − scheduled) over the intervals, in agent × 15 min
    worst: int = 0
    runs: list[list] = field(default_factory=list)  # [first start, last start, worst short]

    def add(self, s: ShortInterval) -> None:
        self.intervals += 1
        self.agent_slots_short += s.short
        self.worst = max(self.worst, s.short)
        if self.runs and (s.start - self.runs[-1][1]).total_seconds() == 900:
            self.runs[-1][1] = s.start
            self.runs[-1][2] = max(self.runs[-1][2], s.short)
        else:
            self.runs.append([s.start, s.start, s.short])

    @property
    def agent_hours_short(self) -> Decimal:
        return Decimal(self.agent_slots_short) / 4

    @property
    def run_labels(self) -> list[str]:
        """'20:00–21:30' per run (its end is the end of the last interval), worst shortfall apart."""
        out = []
        for first, last, _worst in self.runs:
            end = last + timedelta(minutes=15)
            out.append(f"{first:%H:%M}–{'24:00' if end.date() != first.date() else f'{end:%H:%M}'}")
        return out


@dataclass
class StaffingSection:
    """Staffing vs demand (apps.workforce.selectors.staffing_period_summary)."""

    days: list[StaffingDay]
    scheduled_agent_hours: Decimal
    night_agent_hours: Decimal
    surge_seat_days: int
    forecast_wape: Decimal | None
    interval_peak: dict
    short_intervals: list[ShortInterval] = field(default_factory=list)

    @property
    def short_days(self) -> list[ShortDay]:
        """The days with intervals rostered under demand, each with its intervals merged into runs."""
        days: dict[date, ShortDay] = {}
        for s in self.short_intervals:
            day = days.setdefault(s.start.date(), ShortDay(s.start.date()))
            day.add(s)
        return list(days.values())

    @property
    def required_agent_hours(self) -> Decimal:
        return sum((d.required_agent_hours for d in self.days), Decimal("0"))

    @property
    def coverage(self) -> Decimal | None:
        required = self.required_agent_hours
        if not required:
            return None
        return self.scheduled_agent_hours / required


@dataclass
class PromoSection:
    """Recap of a shopping festival whose dates fall in the period (Double 11, 618, ...)."""

    name: str
    presale_start: date
    peak_start: datetime
    peak_end: datetime
    end_date: date
    measured_start: date  # the part of the promotion inside the report's period, inclusive dates:
    measured_end: date  # every figure of the recap covers these days only
    window_conversations: int
    peak_day: date | None
    peak_day_conversations: int
    baseline_daily: Decimal | None  # average conversations a day over `baseline_days` days
    uplift: Decimal | None  # busiest day ÷ baseline_daily
    window_bot_share: Decimal | None
    window_first_response_avg_s: Decimal | None
    window_three_minute_rate: Decimal | None
    surge_seat_days: int | None = None
    peak_required: int | None = None
    peak_scheduled: int | None = None
    baseline_days: int = 0  # the days of the period outside the promotion that make the baseline

    @property
    def measured_days(self) -> int:
        return (self.measured_end - self.measured_start).days + 1

    @property
    def event_days(self) -> int:
        return (self.end_date - self.presale_start).days + 1

    @property
    def whole_event(self) -> bool:
        return self.measured_start == self.presale_start and self.measured_end == self.end_date


@dataclass(frozen=True)
class InvoiceLineDoc:
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal | None
    amount: Decimal
    tiers: list[dict] = field(default_factory=list)  # {label, quantity, unit_price, amount}
    note: str = ""
    metric: str = ""  # "gmv": the quantity is money (net GMV) and the unit price a rate (a commission)
    lump: bool = False  # an amount with no quantity of its own (commission minimum, cap, clawback)

    @property
    def is_rate(self) -> bool:
        return self.metric == "gmv"


@dataclass(frozen=True)
class CreditDoc:
    """An SLA credit: the KPI, what was measured against the target, and the amount credited."""

    kpi: str
    target: str
    measured: str
    amount: Decimal
    note: str = ""


@dataclass(frozen=True)
class CorrectionDoc:
    """A correction (red-letter credit note) issued against an invoice, as the monthly report lists
    it under the invoice: its number, issue date and the (negative) amount it takes back."""

    number: str
    issue_date: date | None
    total: Decimal


@dataclass
class InvoiceDoc:
    """An invoice (or, with kind='credit_note', a red-letter credit note) ready to print.

    `corrections` is filled only for the monthly report: the corrections issued against the
    invoice so far; `corrected_total` is then the total the brand owes after them."""

    kind: str  # invoice | credit_note
    number: str
    status: str
    issue_date: date | None
    due_date: date | None
    period_start: date | None
    period_end: date | None  # exclusive
    seller: Party
    buyer: Party
    lines: list[InvoiceLineDoc]
    credits: list[CreditDoc]
    subtotal: Decimal
    vat_rate: Decimal
    vat: Decimal
    total: Decimal
    currency: str = "CNY"
    reference: str = ""  # the invoice a credit note corrects
    reason: str = ""
    payment_terms: str = ""
    language: str = "zh-hans"
    corrections: list[CorrectionDoc] = field(default_factory=list)

    @property
    def corrected_total(self) -> Decimal | None:
        if not self.corrections:
            return None
        return self.total + sum((c.total for c in self.corrections), Decimal("0.00"))

    @property
    def period_end_inclusive(self) -> date | None:
        return None if self.period_end is None else date.fromordinal(self.period_end.toordinal() - 1)


@dataclass(frozen=True)
class TopicRow:
    topic: str
    conversations: int
    share: Decimal
    example: str = ""

    @property
    def bar_mm(self) -> str:
        """Width of the share bar in the topics table (40 mm = 100%)."""
        return f"{float(self.share) * 40:.1f}"


@dataclass
class TopicsSection:
    rows: list[TopicRow]
    conversations_read: int
    classified: int


@dataclass(frozen=True)
class ConversionDay:
    """One local day of the sales trend: buyers who consulted that day and paid (credited to that
    day's chats), and GMV by the local day of payment."""

    day: date
    consulting: int
    paying: int
    conversion: Decimal | None
    attributed_gmv: Decimal
    bot_gmv: Decimal
    silent_gmv: Decimal


@dataclass(frozen=True)
class AgentConversion:
    """One agent's presale funnel in the period, with the QA average of the same period beside it."""

    name: str
    consulting: int
    paying: int
    conversion: Decimal | None
    attributed_gmv: Decimal
    qa_average: Decimal | None
    qa_scored: int = 0


@dataclass
class ConversionSection:
    """Sales of the period (apps.orders.selectors.sales_report): consulting → ordering → paying
    buyers, 询单转化率, 客单价 and GMV split agent-attributed / bot-assisted / silent."""

    consulting: int
    ordering: int
    paying: int
    conversion: Decimal | None
    average_order_value: Decimal | None
    attributed_gmv: Decimal
    bot_gmv: Decimal
    silent_gmv: Decimal
    silent_share: Decimal | None
    window_days: int
    days: list[ConversionDay] = field(default_factory=list)
    agents: list[AgentConversion] = field(default_factory=list)
    agents_total: int = 0  # agents with presale chats in the period (the table may show fewer)
    promos: list[tuple[str, date, date]] = field(default_factory=list)  # (name, first, last day in period)

    @property
    def total_gmv(self) -> Decimal:
        return self.attributed_gmv + self.bot_gmv + self.silent_gmv

    @property
    def bot_share(self) -> Decimal | None:
        return self.bot_gmv / self.total_gmv if self.total_gmv else None

    @property
    def attributed_share(self) -> Decimal | None:
        return self.attributed_gmv / self.total_gmv if self.total_gmv else None


CSAT_AGENT_MIN = 5


@dataclass(frozen=True)
class CsatRow:
    """Evaluations and satisfied ones (很满意 or 满意) of one agent or day."""

    label: str
    evaluations: int
    satisfied: int

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.satisfied) / Decimal(self.evaluations) if self.evaluations else None


@dataclass(frozen=True)
class DissatisfiedChat:
    """An evaluation of 不满意 or 很不满意 with the chat it rated and that chat's QA outcome."""

    conversation: str  # the platform's conversation id ('' when the chat is not stored)
    store: str
    agent: str
    score: int
    evaluated_at: datetime | None
    qa_score: Decimal | None
    qa_passed: bool | None
    score_label: str = ""  # 不满意 / 很不满意 in the report's language


@dataclass
class CsatSection:
    """Satisfaction (满意度) of the period: satisfied = 很满意 or 满意 (score 4–5) over all evaluations."""

    evaluations: int
    satisfied: int
    distribution: list[tuple[str, int | None]]  # (很满意 … 很不满意, count); None when not known apart
    days: list[CsatRow] = field(default_factory=list)
    agents: list[CsatRow] = field(default_factory=list)
    dissatisfied: list[DissatisfiedChat] = field(default_factory=list)
    dissatisfied_total: int = 0  # all of them (the table may show fewer)

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.satisfied) / Decimal(self.evaluations) if self.evaluations else None

    @property
    def agents_listed(self) -> list[CsatRow]:
        """The agents the PDF lists: those with at least CSAT_AGENT_MIN evaluations (fewer say little)."""
        return [a for a in self.agents if a.evaluations >= CSAT_AGENT_MIN]

    @property
    def dissatisfied_with_qa(self) -> int:
        return sum(1 for c in self.dissatisfied if c.qa_score is not None)

    @property
    def dissatisfied_failed_qa(self) -> int:
        return sum(1 for c in self.dissatisfied if c.qa_passed is False)


@dataclass(frozen=True)
class QuarterRow:
    """One quarter of a quarterly business review's comparison (this quarter and the one before)."""

    label: str
    start: date
    conversations: int
    bot_share: Decimal | None
    qa_average: Decimal | None
    invoice_total: Decimal | None
    consulting: int | None = None
    paying: int | None = None
    conversion: Decimal | None = None
    gmv: Decimal | None = None  # agent-attributed + bot-assisted + silent
    attributed_gmv: Decimal | None = None
    evaluations: int | None = None
    satisfaction: Decimal | None = None


@dataclass(frozen=True)
class MonthRow:
    """One month of a quarterly business review."""

    month: date
    conversations: int
    bot_share: Decimal | None
    qa_average: Decimal | None
    invoice_total: Decimal | None
    conversion: Decimal | None = None  # 询单转化率 of the month (None: no orders data)
    gmv: Decimal | None = None
    satisfaction: Decimal | None = None


@dataclass
class ClientReport:
    """Everything one report shows, in the order the report shows it."""

    kind: str  # monthly | quarterly
    language: str
    client_name: str
    client_legal_name: str
    vendor: Party
    period_start: date
    period_end: date  # exclusive
    period_label: str
    title: str
    summary: list[Figure] = field(default_factory=list)
    highlights: list[str] = field(default_factory=list)
    sla: SlaSection | None = None
    volume: VolumeSection | None = None
    qa: QASection | None = None
    staffing: StaffingSection | None = None
    promo: PromoSection | None = None
    billing: InvoiceDoc | None = None
    topics: TopicsSection | None = None
    months: list[MonthRow] = field(default_factory=list)
    conversion: ConversionSection | None = None
    csat: CsatSection | None = None
    quarters: list[QuarterRow] = field(default_factory=list)  # QBR: the quarter before, then this one
    commentary: str = ""
    commentary_by: str = ""  # who wrote it (the account manager's name) and when
    commentary_on: date | None = None
    commentary_reviewed_by: str = ""  # who reviewed it before issue, and when ('' = not yet)
    commentary_reviewed_on: date | None = None
    actions: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    status_label: str = ""
    generated_on: date | None = None
    extra_rows: list[list[str]] = field(default_factory=list)  # appendix table rows (detail by day)

    @property
    def period_end_inclusive(self) -> date:
        return date.fromordinal(self.period_end.toordinal() - 1)


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def data_sha256(document) -> str:
    """A stable hash of a document's data, so a run can tell whether a re-render would change anything."""
    payload = json.dumps(dataclasses.asdict(document), default=_jsonable, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


AMBER_BAND = Decimal("0.05")


def rag_status(*, actual: Decimal | None, target: Decimal, higher_is_better: bool = True) -> str:
    """Red/amber/green of a KPI: green when the target is met, amber when missed by less than 5%
    of the target, red otherwise; '' when nothing was measured."""
    if actual is None:
        return ""
    met = actual >= target if higher_is_better else actual <= target
    if met:
        return "green"
    shortfall = (target - actual) if higher_is_better else (actual - target)
    if target and abs(shortfall / target) < AMBER_BAND:
        return "amber"
    return "red"
