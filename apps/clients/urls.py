"""Server-rendered pages of the clients app."""

from django.urls import path

from apps.clients import views

app_name = "clients"
urlpatterns = [
    path("exports/", views.export_list, name="exports"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
]
