from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs) -> None:
    # Permissions are created by post_migrate too; run once, after the last app, so every
    # model's permissions exist when the role table is applied.
    from django.apps import apps

    if sender.name != list(apps.get_app_configs())[-1].name:
        return
    from apps.core.roles import roles_sync

    roles_sync()


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Tideline core")

    def ready(self) -> None:
        post_migrate.connect(_sync_roles, dispatch_uid="tideline_roles_sync")
        from apps.core.api.fields import install_date_bounds

        install_date_bounds()
