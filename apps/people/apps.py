from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    """The vendor's people: agents, below conversations so a chat can name its agent without an
    arrow running up into workforce (which plans their shifts)."""

    name = "apps.people"
    label = "people"
    verbose_name = _("People")
