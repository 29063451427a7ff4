"""Token authentication that reuses the look-up AccessMiddleware already made for the request."""

from __future__ import annotations

from rest_framework.authentication import TokenAuthentication


class CachedTokenAuthentication(TokenAuthentication):
    """DRF's token authentication; when the role-table middleware has already resolved this request's
    token (one query with the user), DRF gets that answer instead of a second query."""

    def authenticate(self, request):
        cached = getattr(request._request, "_tideline_token_auth", None)
        if cached is not None:
            return cached
        return super().authenticate(request)
