"""Root URLs: admin, the v1 API with its OpenAPI schema, and the server-rendered pages."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.core import health, observability

api_v1 = [
    path("", include("apps.core.api.urls")),
    path("", include("apps.clients.api.urls")),
    path("", include("apps.conversations.api.urls")),
    path("", include("apps.workforce.api.urls")),
    path("", include("apps.qa.api.urls")),
    path("", include("apps.contracts.api.urls")),
    path("", include("apps.reports.api.urls")),
    path("", include("apps.orders.api.urls")),
    path("", include("apps.intraday.api.urls")),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", observability.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # the split view serves Swagger UI's start-up script as a file, so the CSP needs no inline script
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("workforce/", include("apps.workforce.urls")),
    path("qa/", include("apps.qa.urls")),
    path("billing/", include("apps.contracts.urls")),
    path("reports/", include("apps.reports.urls")),
    path("sales/", include("apps.orders.urls")),
    path("intraday/", include("apps.intraday.urls")),
    path("clients/", include("apps.clients.urls")),
    path("", include("apps.core.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
