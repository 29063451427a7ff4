from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "apps.clients"
    label = "clients"
    verbose_name = _("Clients")

    def ready(self) -> None:
        from apps.clients.selectors import ClientDirectory
        from apps.core.choices import Role
        from apps.core.navigation import NavEntry, register
        from apps.core.roles import client_directory_register

        # core's scoping asks the clients app who belongs to which brand (no import from core up to clients)
        client_directory_register(ClientDirectory())

        register(
            NavEntry("clients:exports", _("Data exports"), _("Reports"), (Role.ACCOUNT_MANAGER, Role.CLIENT_VIEWER))
        )
