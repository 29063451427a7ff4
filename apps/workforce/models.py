"""Workforce: what planning knows of agents (skills, availability, leave), forecasts, rosters and solves.

The agent itself is apps.people.Agent, below conversations; these models point down at it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.clients.choices import Platform
from apps.conversations.choices import Channel
from apps.core.models import TrackedRun
from apps.workforce.choices import (
    Language,
    LeaveKind,
    RosterChangeKind,
    RosterStatus,
    SolveKind,
)


class AgentSkill(models.Model):
    """An agent may answer this brand on this platform and channel, in this language (proficiency 1–5).

    An empty platform means every platform of the brand."""

    CLIENT_LOOKUP = "client"

    agent = models.ForeignKey("people.Agent", on_delete=models.CASCADE, related_name="skills", verbose_name=_("agent"))
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="agent_skills", verbose_name=_("client")
    )
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.CHAT)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.ZH)
    proficiency = models.PositiveSmallIntegerField(
        _("proficiency"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["agent", "client", "platform", "channel", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "client", "platform", "channel", "language"], name="agentskill_business_key"
            ),
            models.CheckConstraint(condition=Q(proficiency__gte=1, proficiency__lte=5), name="agentskill_prof_1_5"),
        ]
        verbose_name = _("agent skill")
        verbose_name_plural = _("agent skills")

    def __str__(self) -> str:
        return f"{self.agent.nick} · {self.client_id} {self.platform or '*'} {self.channel} {self.language}"


class Availability(models.Model):
    """A weekly window in which the agent may work (Asia/Shanghai). An agent without windows may work
    any time; with windows, only inside them. ``ends_at`` 00:00 means midnight."""

    agent = models.ForeignKey(
        "people.Agent", on_delete=models.CASCADE, related_name="availability", verbose_name=_("agent")
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), validators=[MaxValueValidator(6)], help_text=_("0 = Monday … 6 = Sunday.")
    )
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))

    class Meta:
        ordering = ["agent", "weekday", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "weekday", "starts_at"], name="availability_agent_day_start"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="availability_weekday_0_6"),
        ]
        verbose_name = _("availability window")
        verbose_name_plural = _("availability windows")

    def __str__(self) -> str:
        return f"{self.agent.nick} {self.weekday} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class Leave(models.Model):
    """Days an agent cannot work, half-open [start, end) local dates."""

    agent = models.ForeignKey("people.Agent", on_delete=models.CASCADE, related_name="leaves", verbose_name=_("agent"))
    kind = models.CharField(_("kind"), max_length=16, choices=LeaveKind.choices, default=LeaveKind.ANNUAL)
    start = models.DateField(_("from"))
    end = models.DateField(_("until (exclusive)"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["agent", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="leave_start_before_end"),
            models.UniqueConstraint(fields=["agent", "start"], name="leave_agent_start_uniq"),
        ]
        verbose_name = _("leave")
        verbose_name_plural = _("leave")

    def __str__(self) -> str:
        return f"{self.agent.nick} {self.get_kind_display()} {self.start}–{self.end}"


class ShiftRule(models.Model):
    """Shift rules of a brand (or the vendor default when ``client`` is empty). Minutes on a 15-minute grid."""

    CLIENT_LOOKUP = "client"

    client = models.OneToOneField(
        "clients.Client",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shift_rule",
        verbose_name=_("client"),
    )
    name = models.CharField(_("name"), max_length=64)
    min_length_minutes = models.PositiveIntegerField(_("shortest shift (min)"), default=240)
    max_length_minutes = models.PositiveIntegerField(_("longest shift (min)"), default=600)
    length_step_minutes = models.PositiveIntegerField(_("length grid (min)"), default=15)
    meal_required_over_minutes = models.PositiveIntegerField(_("meal needed above (min)"), default=360)
    meal_minutes = models.PositiveIntegerField(_("meal break (min)"), default=30)
    meal_earliest_minutes = models.PositiveIntegerField(_("meal not before (min after start)"), default=120)
    meal_latest_before_end_minutes = models.PositiveIntegerField(_("meal ends at least (min before end)"), default=120)
    short_break_every_minutes = models.PositiveIntegerField(_("one 15-min break per paid (min)"), default=180)
    min_rest_hours = models.PositiveSmallIntegerField(_("rest between shifts (h)"), default=11)
    max_days_per_week = models.PositiveSmallIntegerField(_("max days a week"), default=6)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_length_minutes__lte=F("max_length_minutes")), name="shiftrule_length_order"
            ),
            models.CheckConstraint(
                condition=Q(meal_minutes__gte=30, meal_minutes__lte=60), name="shiftrule_meal_30_60"
            ),
            models.CheckConstraint(condition=Q(min_length_minutes__gte=15), name="shiftrule_min_length"),
            models.CheckConstraint(condition=Q(max_days_per_week__lte=7), name="shiftrule_max_days_le_7"),
        ]
        verbose_name = _("shift rule")
        verbose_name_plural = _("shift rules")

    def __str__(self) -> str:
        return self.name


class Forecast(models.Model):
    """Forecast contacts of a brand and channel for one 15-minute interval (``interval_start`` UTC).

    ``volume`` is all contacts; ``human_volume`` what humans must answer after the bot.
    A manager override lives in ForecastOverride and wins over this row."""

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="forecasts", verbose_name=_("client")
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.CHAT)
    interval_start = models.DateTimeField(_("interval start"))
    volume = models.DecimalField(_("contacts"), max_digits=10, decimal_places=2)
    human_volume = models.DecimalField(_("human contacts"), max_digits=10, decimal_places=2)
    aht_seconds = models.PositiveIntegerField(_("AHT (s)"), default=300)
    promo_uplift = models.DecimalField(_("promo uplift"), max_digits=6, decimal_places=2, default=Decimal("1"))
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        ordering = ["client", "channel", "interval_start"]
        constraints = [
            models.UniqueConstraint(fields=["client", "channel", "interval_start"], name="forecast_interval_uniq"),
            models.CheckConstraint(condition=Q(volume__gte=0, human_volume__gte=0), name="forecast_non_negative"),
        ]
        verbose_name = _("forecast interval")
        verbose_name_plural = _("forecast intervals")

    def __str__(self) -> str:
        return f"{self.client_id} {self.channel} {self.interval_start:%Y-%m-%d %H:%M}"


class ForecastOverride(models.Model):
    """A manager's own number for one interval, kept apart from the statistical forecast."""

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="forecast_overrides", verbose_name=_("client")
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.CHAT)
    interval_start = models.DateTimeField(_("interval start"))
    volume = models.DecimalField(_("contacts"), max_digits=10, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        ordering = ["client", "channel", "interval_start"]
        constraints = [
            models.UniqueConstraint(fields=["client", "channel", "interval_start"], name="forecastoverride_uniq"),
            models.CheckConstraint(condition=Q(volume__gte=0), name="forecastoverride_non_negative"),
        ]
        verbose_name = _("forecast override")
        verbose_name_plural = _("forecast overrides")

    def __str__(self) -> str:
        return f"{self.client_id} {self.channel} {self.interval_start:%Y-%m-%d %H:%M} → {self.volume}"


class StaffingRequirement(models.Model):
    """Agents a brand needs in one 15-minute interval (all channels), from the forecast and Erlang.

    ``agents`` are needed on the floor; ``scheduled`` adds shrinkage and is what rosters cover."""

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="staffing_requirements", verbose_name=_("client")
    )
    interval_start = models.DateTimeField(_("interval start"))
    human_volume = models.DecimalField(_("human contacts"), max_digits=10, decimal_places=2)
    agents = models.PositiveIntegerField(_("agents on the floor"))
    scheduled = models.PositiveIntegerField(_("agents scheduled"))
    service_level = models.DecimalField(_("expected service level"), max_digits=5, decimal_places=4)
    asa_seconds = models.DecimalField(_("expected ASA (s)"), max_digits=9, decimal_places=1)
    occupancy = models.DecimalField(_("occupancy"), max_digits=5, decimal_places=4)
    params = models.JSONField(_("parameters"), default=dict, blank=True)

    class Meta:
        ordering = ["client", "interval_start"]
        constraints = [
            models.UniqueConstraint(fields=["client", "interval_start"], name="requirement_interval_uniq"),
        ]
        verbose_name = _("staffing requirement")
        verbose_name_plural = _("staffing requirements")

    def __str__(self) -> str:
        return f"{self.client_id} {self.interval_start:%Y-%m-%d %H:%M}: {self.scheduled}"


class Roster(models.Model):
    """The shifts of one brand for one week (Monday ``week_start``, local). Versions count up;
    one published version per week at a time. Changes after publishing are RosterChange rows."""

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="rosters", verbose_name=_("client")
    )
    week_start = models.DateField(_("week (Monday)"))
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=RosterStatus.choices, default=RosterStatus.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    stats = models.JSONField(_("solver figures"), default=dict, blank=True)

    class Meta:
        ordering = ["client", "-week_start", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["client", "week_start", "version"], name="roster_week_version_uniq"),
            models.UniqueConstraint(
                fields=["client", "week_start"],
                condition=Q(status=RosterStatus.PUBLISHED),
                name="roster_one_published_per_week",
            ),
        ]
        verbose_name = _("roster")
        verbose_name_plural = _("rosters")

    def __str__(self) -> str:
        return f"{self.client} {self.week_start} v{self.version} ({self.get_status_display()})"


class Shift(models.Model):
    """One agent's shift: [start, end) UTC with an unpaid meal [meal_start, meal_end) and short
    breaks (list of ISO start times, 15 minutes each). Paid hours = length − meal."""

    CLIENT_LOOKUP = "roster__client"

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("roster"))
    agent = models.ForeignKey("people.Agent", on_delete=models.PROTECT, related_name="shifts", verbose_name=_("agent"))
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    meal_start = models.DateTimeField(_("meal start"), null=True, blank=True)
    meal_end = models.DateTimeField(_("meal end"), null=True, blank=True)
    breaks = models.JSONField(_("short breaks"), default=list, blank=True)
    paid_hours = models.DecimalField(_("paid hours"), max_digits=5, decimal_places=2)
    night_hours = models.DecimalField(_("night hours"), max_digits=5, decimal_places=2, default=Decimal("0"))
    is_surge = models.BooleanField(_("temporary surge agent"), default=False)

    class Meta:
        ordering = ["roster", "start", "agent"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="shift_start_before_end"),
            models.UniqueConstraint(fields=["roster", "agent", "start"], name="shift_roster_agent_start_uniq"),
        ]
        indexes = [models.Index(fields=["agent", "start"], name="shift_agent_start_idx")]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")

    def __str__(self) -> str:
        return f"{self.agent.nick} {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"


class RosterChange(models.Model):
    """A change to a published roster: who changed which shift, from what to what, and why."""

    CLIENT_LOOKUP = "roster__client"

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="changes", verbose_name=_("roster"))
    kind = models.CharField(_("kind"), max_length=16, choices=RosterChangeKind.choices)
    agent = models.ForeignKey("people.Agent", on_delete=models.PROTECT, related_name="+", verbose_name=_("agent"))
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["roster", "-at"]
        verbose_name = _("roster change")
        verbose_name_plural = _("roster changes")

    def __str__(self) -> str:
        return f"{self.roster_id} {self.kind} {self.agent_id}"


class SolveRun(TrackedRun):
    """One roster solve (or what-if scenario) of a brand's week, with the solver's figures.

    Hours are agent-hours. ``short_intervals`` lists {"at", "short"} for intervals the plan cannot
    cover; ``surge_needed`` is the extra surge headcount that would close them."""

    CLIENT_LOOKUP = "client"

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="solve_runs", verbose_name=_("client")
    )
    week_start = models.DateField(_("week (Monday)"))
    kind = models.CharField(_("kind"), max_length=16, choices=SolveKind.choices, default=SolveKind.PLAN)
    time_limit_seconds = models.PositiveIntegerField(_("time limit (s)"), default=60)
    params = models.JSONField(_("scenario"), default=dict, blank=True)
    roster = models.ForeignKey(
        Roster, on_delete=models.SET_NULL, null=True, blank=True, related_name="solve_runs", verbose_name=_("roster")
    )
    solver_status = models.CharField(_("solver status"), max_length=32, blank=True)
    demand_hours = models.DecimalField(_("Σ demand (h)"), max_digits=12, decimal_places=2, null=True, blank=True)
    paid_hours = models.DecimalField(_("paid hours"), max_digits=12, decimal_places=2, null=True, blank=True)
    lp_bound_hours = models.DecimalField(_("LP bound (h)"), max_digits=12, decimal_places=2, null=True, blank=True)
    cpsat_bound_hours = models.DecimalField(
        _("CP-SAT bound (h)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    gap = models.DecimalField(_("gap"), max_digits=8, decimal_places=5, null=True, blank=True)
    efficiency = models.DecimalField(_("paid / required"), max_digits=8, decimal_places=4, null=True, blank=True)
    short_intervals = models.JSONField(_("short intervals"), default=list, blank=True)
    surge_needed = models.PositiveIntegerField(_("extra surge headcount"), default=0)
    scenario = models.JSONField(_("scenario result"), default=dict, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("solve run")
        verbose_name_plural = _("solve runs")

    def __str__(self) -> str:
        return f"{self.client} {self.week_start} {self.get_kind_display()} ({self.get_status_display()})"
