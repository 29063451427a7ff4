from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntradayConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.intraday"
    verbose_name = _("Intraday")

    def ready(self) -> None:
        from apps.core.choices import Role
        from apps.core.navigation import NavEntry, register

        register(
            NavEntry(
                "intraday:room",
                _("Intraday room (today, every 15 minutes)"),
                _("Workforce"),
                (Role.BPO_MANAGER, Role.QA_SUPERVISOR),
            )
        )
