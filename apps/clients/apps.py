from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "apps.clients"
    label = "clients"
    verbose_name = _("Clients")

    def ready(self) -> None:
        from apps.core.choices import Role
        from apps.core.navigation import NavEntry, register

        register(
            NavEntry("clients:exports", _("Data exports"), _("Reports"), (Role.ACCOUNT_MANAGER, Role.CLIENT_VIEWER))
        )
