"""Demo step 3a: every demo brand gets the default scorecard (fixtures/qa/default_pack.json) before
its chats are imported, so QA runs after each import as it does in production; the nightly sweep
of step 4 then finds little or nothing left. Safe to re-run: an installed scorecard is kept."""

from __future__ import annotations

from apps.clients import demo as clients_demo
from apps.clients import selectors as clients_selectors
from apps.core.demo import DemoContext
from apps.qa import services


def seed(ctx: DemoContext) -> None:
    codes = [b.code for b in clients_demo.BRANDS]
    brands = clients_selectors.clients_with_codes(codes, order_by="code")
    for brand in brands:
        services.scorecard_install_default(client=brand)
    ctx.say(f"  {len(brands)} brands with the default scorecard")
