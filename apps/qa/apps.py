from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QaConfig(AppConfig):
    name = "apps.qa"
    label = "qa"
    verbose_name = _("Quality assurance")

    def ready(self) -> None:
        from apps.conversations.pipeline import post_import_register
        from apps.core.choices import Role
        from apps.core.navigation import NavEntry, register
        from apps.qa.tasks import qa_score_import_run_task

        # QA scores every committed import (the conversations app never names QA's task).
        post_import_register(qa_score_import_run_task)

        staff = (Role.BPO_MANAGER, Role.ACCOUNT_MANAGER, Role.QA_SUPERVISOR)
        section = _("Quality assurance")
        register(NavEntry("qa:dashboard", _("QA trends and most-violated rules"), section, staff))
        register(NavEntry("qa:agents", _("QA score per agent"), section, staff))
        register(NavEntry("qa:escalations", _("Escalation risk (shift lead)"), section, staff))
        register(NavEntry("qa:coaching", _("Weekly coaching list"), section, staff))
        register(NavEntry("qa:review-next", _("Review flags one by one"), section, (Role.QA_SUPERVISOR,)))
        register(NavEntry("admin:qa_reviewitem_changelist", _("Review queue"), section, (Role.QA_SUPERVISOR,)))
