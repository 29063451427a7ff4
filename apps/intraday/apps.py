from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntradayConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.intraday"
    verbose_name = _("Intraday")
