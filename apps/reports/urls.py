"""Server-rendered pages of the reports app."""

from django.urls import path

from apps.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.run_list, name="run-list"),
    path("request/", views.run_request, name="run-request"),
    path("<int:pk>/pdf/", views.run_pdf, name="run-pdf"),
    path("<int:pk>/edit/", views.run_edit, name="run-edit"),
    path("<int:pk>/review/", views.run_review, name="run-review"),
    path("<int:pk>/issue/", views.run_issue, name="run-issue"),
]
