"""Authentication helpers: a token looked up once per request, permission sets cached briefly."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from rest_framework.authentication import TokenAuthentication


class CachedTokenAuthentication(TokenAuthentication):
    """DRF's token authentication; when the role-table middleware has already resolved this request's
    token (one query with the user), DRF gets that answer instead of a second query."""

    def authenticate(self, request):
        cached = getattr(request._request, "_tideline_token_auth", None)
        if cached is not None:
            return cached
        return super().authenticate(request)


PERMISSION_CACHE_SECONDS = 60
_VERSION_KEY = "tideline:perm-version"


class CachedPermissionBackend(ModelBackend):
    """Django's ModelBackend with each user's permission set kept in the cache for a minute.

    Every API call checks model permissions, which costs two joins per request; roles change
    rarely. A change to a user's groups or permissions, or a group's permissions, bumps a version
    in this process's cache at once; other processes see it within PERMISSION_CACHE_SECONDS. Which
    URLs a role may call is checked live on every request (apps.core.access), not cached.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            key = f"tideline:perms:{user_obj.pk}:{user_obj.is_superuser}:{cache.get(_VERSION_KEY, 0)}"
            perms = cache.get(key)
            if perms is None:
                perms = super().get_all_permissions(user_obj)
                cache.set(key, perms, PERMISSION_CACHE_SECONDS)
            user_obj._perm_cache = perms
        return user_obj._perm_cache


def permissions_changed(**kwargs) -> None:
    """m2m_changed receiver (wired in CoreConfig.ready): forget every cached permission set."""
    if kwargs.get("action", "").startswith("post_"):
        try:
            cache.incr(_VERSION_KEY)
        except ValueError:
            cache.set(_VERSION_KEY, 1, None)
