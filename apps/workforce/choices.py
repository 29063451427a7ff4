from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    ZH = "zh", _("Chinese (Mandarin)")
    YUE = "yue", _("Cantonese")
    EN = "en", _("English")
    JA = "ja", _("Japanese")
    KO = "ko", _("Korean")


class LeaveKind(models.TextChoices):
    ANNUAL = "annual", _("Annual leave")
    SICK = "sick", _("Sick leave")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class RosterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class RosterChangeKind(models.TextChoices):
    ADDED = "added", _("Shift added")
    REMOVED = "removed", _("Shift removed")
    MOVED = "moved", _("Shift moved")
    REASSIGNED = "reassigned", _("Shift reassigned")


class SolveKind(models.TextChoices):
    PLAN = "plan", _("Roster plan")
    WHAT_IF = "what_if", _("What-if scenario")
