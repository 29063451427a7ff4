from django.urls import path
from rest_framework.routers import DefaultRouter

from apps.core.api.views import MeView, PromoEventViewSet

router = DefaultRouter(trailing_slash=True)
router.register("promo-events", PromoEventViewSet, basename="promo-event")

urlpatterns = [path("me/", MeView.as_view(), name="api-me"), *router.urls]
