"""Server-rendered pages of the qa app."""

from django.urls import path

from apps.qa import views

app_name = "qa"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("agents/", views.agents, name="agents"),
    path("escalations/", views.escalations, name="escalations"),
    path("coaching/", views.coaching, name="coaching"),
    path("review/", views.review_next, name="review-next"),
    path("review/<int:pk>/", views.review, name="review"),
]
