"""The site rostering problem and its answer as plain dataclasses (apps.workforce.site_solver
solves it; apps.workforce.checker verifies a roster against it). Slots are 15 minutes from
Monday 00:00 local of the planning week."""

from __future__ import annotations

from dataclasses import dataclass, field

from apps.workforce.solver import AgentSpec, Assignment, RosterProblem, ShiftRules


@dataclass(frozen=True)
class BrandDemand:
    """One brand's week: ``demand[t]`` scheduled agents required (shrinkage included), ``open_mask``
    bit t set when its store is open, ``floor[t]`` agents required on the floor before shrinkage
    (None = no floor figure; breaks are then only spread). ``rules`` is the brand's own shift rule
    (lengths, meal, breaks) when it differs from the site problem's; None = the problem's."""

    key: object
    demand: list[int]
    open_mask: int
    floor: list[int] | None = None
    rules: ShiftRules | None = None


@dataclass
class SiteProblem:
    brands: list[BrandDemand]
    agents: list[AgentSpec]
    rules: ShiftRules = field(default_factory=ShiftRules)
    under_weight: int = 1000
    night_from: int = 88
    night_to: int = 32
    fixed: list[Assignment] = field(default_factory=list)  # shifts already held (other brands' stages)

    def __post_init__(self) -> None:
        keys = [b.key for b in self.brands]
        if len(set(keys)) != len(keys):
            raise ValueError("each brand may appear once in a site problem")
        for b in self.brands:
            for t, d in enumerate(b.demand):
                if d < 0:
                    raise ValueError(f"demand must not be negative (brand {b.key}, slot {t} has {d})")

    def brand(self, key) -> BrandDemand:
        return next(b for b in self.brands if b.key == key)

    def rules_of(self, key) -> ShiftRules:
        """The shift rule a shift of brand ``key`` is built and judged by: the brand's own, else the
        problem's. Labour-law limits per agent (rest, days, weekly hours) stay the problem's."""
        for b in self.brands:
            if b.key == key:
                return b.rules or self.rules
        return self.rules

    def paid(self, a: Assignment) -> int:
        """Paid slots of a shift ``a`` under its brand's rule (its meal unpaid)."""
        return self.rules_of(a.brand).paid(a.length, a.meal)

    def view(self, b: BrandDemand) -> RosterProblem:
        """The one-brand problem of ``b``: its demand, its open hours, the agents with its skill."""
        return RosterProblem(
            demand=list(b.demand),
            open_mask=b.open_mask,
            agents=[a for a in self.agents if b.key in a.skills],
            rules=self.rules,
            under_weight=self.under_weight,
            night_from=self.night_from,
            night_to=self.night_to,
        )


@dataclass(frozen=True)
class ShortInterval:
    brand: object
    slot: int
    short: int  # agents missing


@dataclass
class SiteResult:
    """Every figure of a site solve. Hours are agent-hours; ``cover`` is scheduled agents per brand
    per slot (meals excluded)."""

    assignments: list[Assignment]
    counts: dict
    demand_hours: float
    paid_hours: float
    stage1_paid_hours: float
    lp_bound_hours: float
    cpsat_bound_hours: float
    gap: float
    short: list[ShortInterval]
    short_before_repair: int
    repaired_shifts: int
    extended_shifts: int
    surge_needed: int
    surge_intervals: list[ShortInterval]
    status: str
    wall_s: float
    cover: dict
    unassigned: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stage_s: dict = field(default_factory=dict)
    brand_notes: dict = field(default_factory=dict)  # brand key → notes in plain English (msgids)
