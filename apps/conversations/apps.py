from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "apps.conversations"
    label = "conversations"
    verbose_name = _("Conversations")

    def ready(self) -> None:
        from apps.core.choices import Role
        from apps.core.navigation import NavEntry, register

        staff = (Role.BPO_MANAGER, Role.ACCOUNT_MANAGER, Role.QA_SUPERVISOR)
        uploaders = (Role.BPO_MANAGER, Role.ACCOUNT_MANAGER)
        section = _("Conversations")
        register(
            NavEntry("admin:conversations_conversation_changelist", _("Conversations and transcripts"), section, staff)
        )
        register(NavEntry("admin:conversations_importrun_changelist", _("Import runs"), section, staff))
        register(NavEntry("admin:conversations_importrun_upload", _("Upload a platform export"), section, uploaders))
