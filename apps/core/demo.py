"""The demo pipeline behind `manage.py seed_demo`.

Each app that has demo data provides `apps/<app>/demo.py` with `seed(ctx: DemoContext) -> None`.
Steps run in STEPS order; each step must be deterministic for a seed and safe to re-run (it finds
what a previous run made instead of making it twice).
"""

from __future__ import annotations

import importlib
import random
import time
from dataclasses import dataclass, field
from datetime import date

# The demo is anchored on fixed dates so that it is identical whenever it is run: 90 days of
# history that hold the 2026 Double 11 and end with November, which the demo bills.
DEMO_START = date(2026, 9, 2)
DEMO_END = date(2026, 12, 1)  # exclusive
DEMO_PASSWORD = "tideline-demo-2026"  # noqa: S105 — printed on purpose: these are demo logins

STEPS = [
    "apps.clients.demo",
    "apps.people.demo_agents",
    "apps.qa.demo_scorecards",
    "apps.conversations.demo",
    "apps.qa.demo",
    "apps.orders.demo",
    "apps.workforce.demo",
    "apps.intraday.demo",
    "apps.contracts.demo",
    "apps.reports.demo",
    "apps.clients.demo_retention",
]


@dataclass
class DemoContext:
    seed: int = 7
    scale: float = 1.0
    start: date = DEMO_START
    end: date = DEMO_END
    out: object = None  # a writer with .write(str)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, username, password)
    timings: list[tuple[str, float]] = field(default_factory=list)

    def rng(self, name: str) -> random.Random:
        """A random generator of its own for each step, so steps do not shift each other's data."""
        return random.Random(f"{self.seed}:{name}")

    def say(self, message: str) -> None:
        if self.out is not None:
            self.out.write(message)


def demo_run(ctx: DemoContext, *, only: list[str] | None = None) -> DemoContext:
    for path in STEPS:
        short = path.removeprefix("apps.")
        if only and not any(short == name or short.split(".")[0] == name for name in only):
            continue
        try:
            module = importlib.import_module(path)
        except ModuleNotFoundError as exc:
            if exc.name == path:
                continue  # that app has no demo step yet
            raise
        started = time.perf_counter()
        ctx.say(f"→ {short} …")
        module.seed(ctx)
        elapsed = time.perf_counter() - started
        ctx.timings.append((short, elapsed))
        ctx.say(f"  {short} done in {elapsed:.1f}s")
    return ctx
