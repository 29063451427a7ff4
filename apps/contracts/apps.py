from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "apps.contracts"
    label = "contracts"
    verbose_name = _("Contracts and billing")

    def ready(self) -> None:
        from apps.core.choices import Role
        from apps.core.navigation import NavEntry, register

        register(
            NavEntry(
                "contracts:billing",
                _("Billing: invoices of the month"),
                _("Billing"),
                (Role.ACCOUNT_MANAGER, Role.BPO_MANAGER, Role.CLIENT_VIEWER),
            )
        )
