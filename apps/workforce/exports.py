"""XLSX export of a roster (openpyxl): one sheet with a row per shift, one grid sheet per agent × day."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from apps.workforce.selectors import roster_grid


def roster_xlsx(roster) -> bytes:
    tz = timezone.get_default_timezone()
    wb = Workbook()
    grid = wb.active
    grid.title = "Roster"
    days = [(roster.week_start.toordinal() + i) for i in range(7)]
    from datetime import date

    header = ["Employee no.", "Name", "Surge", *[date.fromordinal(d).strftime("%a %m-%d") for d in days], "Paid h"]
    grid.append(header)
    for cell in grid[1]:
        cell.font = Font(bold=True)
    for row in roster_grid(roster):
        agent = row["agent"]
        grid.append([agent.employee_no, agent.name, "yes" if row["surge"] else "", *row["days"], float(row["hours"])])
    shifts = wb.create_sheet("Shifts")
    shifts.append(["Employee no.", "Name", "Start", "End", "Meal start", "Meal end", "Paid h", "Night h", "Surge"])
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
                "yes" if s.is_surge else "",
            ]
        )
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
