"""Pages of the intraday room."""

from django.urls import path

from apps.intraday import views

app_name = "intraday"
urlpatterns = [
    path("", views.brand_room, name="room"),
    path("panel/", views.panel, name="panel"),
    path("sites/<int:pk>/", views.site_room, name="site"),
    path("levers/apply/", views.lever_apply, name="lever-apply"),
]
