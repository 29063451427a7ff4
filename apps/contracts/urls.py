"""Server-rendered pages of the contracts app (mounted at /billing/)."""

from django.urls import path

from apps.contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.billing_page, name="billing"),
    path("export/", views.billing_export, name="export"),
]
