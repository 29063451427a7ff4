"""Replay a recorded day through the intraday room, interval by interval, as if it were live."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.clients import selectors as clients_selectors
from apps.intraday import presenting, selectors, services


class Command(BaseCommand):
    help = (
        "Feed a recorded day to the intraday room tick by tick (every completed 15-minute interval) and print what "
        "the room showed and alerted at each tick. Nothing is written unless --store is given (then each tick "
        "keeps its reforecast and raises its alerts once, as the live tick does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="the local day, YYYY-MM-DD")
        parser.add_argument("--brand", action="append", required=True, help="brand code (repeatable)")
        parser.add_argument("--from", dest="start", default="00:15", help="first tick, HH:MM (default 00:15)")
        parser.add_argument("--to", dest="end", default="23:45", help="last tick, HH:MM (default 23:45)")
        parser.add_argument("--store", action="store_true", help="store reforecasts and alerts as the live tick does")

    def handle(self, *args, **opts):
        translation.activate(settings.LANGUAGE_CODE)
        try:
            day = date.fromisoformat(opts["date"])
            first = datetime.strptime(opts["start"], "%H:%M").time()
            last = datetime.strptime(opts["end"], "%H:%M").time()
        except ValueError as exc:
            raise CommandError(_("bad date or time: %(error)s") % {"error": exc}) from None
        clients = clients_selectors.clients_with_codes(opts["brand"])
        missing = set(opts["brand"]) - {c.code for c in clients}
        if missing:
            raise CommandError(_("unknown brand: %(codes)s") % {"codes": ", ".join(sorted(missing))})
        tz = timezone.get_default_timezone()
        lo, _hi = selectors.day_bounds(day)
        at = timezone.make_aware(datetime.combine(day, first), tz)
        stop = timezone.make_aware(datetime.combine(day, last), tz)
        seen: set[tuple[int, str]] = set()
        ids = [c.pk for c in clients]
        while at <= stop:
            if opts["store"]:
                rooms = services.tick(client_ids=ids, day=day, as_of=at, deliver=False).rooms
            else:
                rooms = selectors.brand_rooms(client_ids=ids, day=day, as_of=at)
            for c in clients:
                self._print_tick(rooms[c.pk], at, lo, seen)
            at += timedelta(minutes=15)

    def _print_tick(self, r, at: datetime, lo: datetime, seen: set) -> None:
        last = r.rows[r.now - 1] if r.now else None
        cur = r.rows[min(r.now, 95)]
        local = timezone.localtime(at).strftime("%H:%M")
        line = _(
            "%(time)s %(brand)s | last interval: forecast %(forecast).1f, actual %(actual)s, SL %(sl)s, ASA %(asa)s s, "
            "abandoned %(abandon)s | rest of day %(rest).0f vs plan %(plan).0f (%(dev)s, ratio %(ratio).2f) | now: "
            "required %(required)s, scheduled %(scheduled)s, on the floor %(floor)s | adherence %(adh)s"
        ) % {
            "time": local,
            "brand": r.name,
            "forecast": last.forecast if last else 0,
            "actual": last.actual if last and last.actual is not None else "—",
            "sl": presenting.pct(last.sl) if last else "—",
            "asa": f"{last.asa_s:.0f}" if last and last.asa_s is not None else "—",
            "abandon": presenting.pct(last.abandon) if last else "—",
            "rest": r.rest_total,
            "plan": r.rest_plan,
            "dev": f"{r.rest_deviation * 100:+.0f}%",
            "ratio": r.ratio,
            "required": cur.required,
            "scheduled": cur.scheduled,
            "floor": cur.on_floor if cur.on_floor is not None else "—",
            "adh": presenting.pct(r.team.adherence) if r.team.scheduled_s else "—",
        }
        self.stdout.write(line)
        for a in r.alerts:
            if (r.client_id, a.key) in seen:
                continue
            seen.add((r.client_id, a.key))
            alert = services.Alert(
                client_id=r.client_id, kind=a.kind, key=a.key, severity=a.severity, data=a.data,
                interval_start=lo + a.interval * selectors.SLOT,
            )  # fmt: skip
            self.stdout.write(f"    ⚠ {alert.get_kind_display()}: {presenting.alert_sentence(alert)}")
