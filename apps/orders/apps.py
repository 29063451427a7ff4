from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "apps.orders"
    label = "orders"
    verbose_name = _("Orders and sales")

    def ready(self) -> None:
        from apps.core.choices import Role
        from apps.core.navigation import NavEntry, register

        staff = (Role.BPO_MANAGER, Role.ACCOUNT_MANAGER, Role.QA_SUPERVISOR)
        uploaders = (Role.BPO_MANAGER, Role.ACCOUNT_MANAGER)
        section = _("Sales")
        register(NavEntry("orders:sales", _("Sales and conversion"), section, (*staff, Role.CLIENT_VIEWER)))
        register(NavEntry("admin:orders_order_changelist", _("Orders"), section, staff))
        register(NavEntry("admin:orders_orderimportrun_upload", _("Upload an order export"), section, uploaders))
