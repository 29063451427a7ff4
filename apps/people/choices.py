from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractType(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")
    SURGE = "surge", _("Temporary surge")
