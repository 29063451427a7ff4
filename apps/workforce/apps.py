from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "apps.workforce"
    label = "workforce"
    verbose_name = _("Workforce")

    def ready(self) -> None:
        from apps.core.choices import Role
        from apps.core.navigation import NavEntry, register

        register(
            NavEntry(
                "workforce:schedule",
                _("Schedule: forecast, coverage and rosters"),
                _("Workforce"),
                (Role.BPO_MANAGER, Role.ACCOUNT_MANAGER),
            )
        )
