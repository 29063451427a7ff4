"""Server-rendered pages of the workforce app."""

from django.urls import path

from apps.workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("replan/", views.replan, name="replan"),
    path("what-if/", views.what_if, name="what_if"),
    path("forecast/", views.forecast_make, name="forecast_make"),
    path("rosters/<int:pk>/publish/", views.publish, name="publish"),
    path("rosters/<int:pk>/export.xlsx", views.export, name="export"),
]
