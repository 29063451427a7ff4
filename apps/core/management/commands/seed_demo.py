"""manage.py seed_demo --seed N [--scale S]: load the whole demo and run every loop on it."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from apps.core.demo import DemoContext, demo_run


class Command(BaseCommand):
    help = (
        "Load the deterministic demo (brands, agents, 90 days of chats) and run QA, forecast, roster, billing, reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiply conversation volume (1.0 ≈ a 5-minute demo)."
        )
        parser.add_argument(
            "--only",
            nargs="*",
            help="Run only these steps: an app (clients, workforce) or a step (people.demo_agents)",
        )

    def handle(self, *args, seed: int, scale: float, only, **options):
        if scale <= 0:
            self.stderr.write("--scale must be positive")
            raise SystemExit(2)

        class _Out:
            def write(_self, message: str) -> None:
                self.stdout.write(message)

        ctx = demo_run(DemoContext(seed=seed, scale=scale, out=_Out()), only=only)
        self.stdout.write(self.style.SUCCESS("Demo ready. Logins:"))
        for role, username, password in ctx.logins:
            self.stdout.write(f"  {role:<28} {username:<16} {password}")
