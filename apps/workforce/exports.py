"""XLSX export of a roster (openpyxl): one sheet with a row per shift, one grid sheet per agent × day."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from apps.workforce.selectors import roster_grid


def day_label(day) -> str:
    """A day of a roster week in the reader's language: 星期一 11-30, Mon 11-30."""
    return date_format(day, "D m-d")


def roster_xlsx(roster) -> bytes:
    tz = timezone.get_default_timezone()
    wb = Workbook()
    grid = wb.active
    grid.title = _("Roster")
    days = [roster.week_start + timedelta(days=i) for i in range(7)]
    header = [_("Employee no."), pgettext("person", "name"), _("Surge"), *map(day_label, days), _("Paid h")]
    grid.append(header)
    for cell in grid[1]:
        cell.font = Font(bold=True)
    for row in roster_grid(roster):
        agent = row["agent"]
        grid.append(
            [agent.employee_no, agent.name, _("yes") if row["surge"] else "", *row["days"], float(row["hours"])]
        )
    shifts = wb.create_sheet(_("Shifts"))
    shifts.append(
        [
            _("Employee no."),
            pgettext("person", "name"),
            _("Start"),
            _("End"),
            _("Meal start"),
            _("Meal end"),
            _("Paid h"),
            _("Night h"),
            _("Surge"),
        ]
    )
    for cell in shifts[1]:
        cell.font = Font(bold=True)
    for s in roster.shifts.select_related("agent").order_by("start", "agent__employee_no"):

        def local(t):
            return timezone.localtime(t, tz).replace(tzinfo=None) if t else None

        shifts.append(
            [
                s.agent.employee_no,
                s.agent.name,
                local(s.start),
                local(s.end),
                local(s.meal_start),
                local(s.meal_end),
                float(s.paid_hours),
                float(s.night_hours),
                _("yes") if s.is_surge else "",
            ]
        )
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
