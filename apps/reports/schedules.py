"""Beat schedule of the reports app (see apps/core/management/commands/setup_periodic_tasks.py).

The monthly billing run issues the invoices on the 1st; reports follow on the 2nd at 06:00
(Asia/Shanghai) for the previous month, so they show that month's invoice and SLA credits.
"""

PERIODIC_TASKS: list[dict] = [
    {
        "name": "tideline:reports:monthly",
        "task": "apps.reports.tasks.monthly_reports_task",
        "crontab": {"minute": "0", "hour": "6", "day_of_month": "2"},
        "kwargs": {},
    },
    {
        "name": "tideline:reports:invoice-pdfs",
        "task": "apps.reports.tasks.render_issued_documents_task",
        "crontab": {"minute": "30", "hour": "*/1"},
        "kwargs": {},
    },
]
