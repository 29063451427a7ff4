"""AccessMiddleware: every request is checked against the role table before its view runs."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils.translation import gettext as _

from apps.core import access


def _api_user(request):
    """The user DRF will see: a forced test user, the session user, or the token's user."""
    forced = getattr(request, "_force_auth_user", None)  # rest_framework.test.force_authenticate
    if forced is not None:
        return forced
    if request.user.is_authenticated:
        return request.user
    from rest_framework.authentication import TokenAuthentication
    from rest_framework.exceptions import AuthenticationFailed

    try:
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None  # DRF answers 401 with its own message
    if found:
        request._tideline_token_auth = found  # CachedTokenAuthentication hands it to DRF
    return found[0] if found else None


class AccessMiddleware:
    """Refuses a request the role table (apps.core.access.RULES) does not allow.

    Anonymous: the login page (API: 401). Logged in without the role: 403. No rule: 403 for all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        view_name = match.view_name if match else None
        rule = access.rule_for(view_name)
        is_api = request.path.startswith("/api/")
        user = _api_user(request) if is_api else request.user
        anonymous = user is None or not user.is_authenticated
        if rule is not None and rule.admin and anonymous:
            return None  # Django admin sends the visitor to its own login page
        if access.allowed(user, view_name, request.method):
            return None
        if is_api:
            if anonymous:
                response = JsonResponse({"detail": _("Authentication credentials were not provided.")}, status=401)
                response["WWW-Authenticate"] = "Token"
                return response
            return JsonResponse({"detail": _("You do not have permission to perform this action.")}, status=403)
        if anonymous:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied


class ContentSecurityPolicyMiddleware:
    """Sets settings.TIDELINE_CSP as the Content-Security-Policy of every response that has none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.TIDELINE_CSP)
        return response
