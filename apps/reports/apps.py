from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "apps.reports"
    label = "reports"
    verbose_name = _("Client reports")

    def ready(self) -> None:
        import logging

        # WeasyPrint logs every layout step at INFO; a report is one line in our own logs instead.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

        from apps.core.choices import Role
        from apps.core.navigation import STAFF, NavEntry, register
        from apps.reports import (
            checks,  # noqa: F401 — registers the PDF dependency check
            coaching,
        )

        coaching.register()  # the weekly coaching list's order by low conversion (qa cannot read sales)

        register(NavEntry("reports:run-list", _("Client reports"), _("Reports"), (*STAFF, Role.CLIENT_VIEWER)))
