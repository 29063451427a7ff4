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


def _permission_links():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model()
    return [Group.permissions.through, user.groups.through, user.user_permissions.through]


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Tideline core")

    def ready(self) -> None:
        post_migrate.connect(_sync_roles, dispatch_uid="tideline_roles_sync")
        self._forget_permissions_on_change()
        from apps.core.api.fields import install_date_bounds

        install_date_bounds()

    def _forget_permissions_on_change(self) -> None:
        from django.db.models.signals import m2m_changed

        from apps.core.authentication import permissions_changed

        for through in _permission_links():
            m2m_changed.connect(permissions_changed, sender=through, dispatch_uid=f"tideline_perms_{through.__name__}")
