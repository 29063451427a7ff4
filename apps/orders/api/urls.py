from django.urls import path
from rest_framework.routers import DefaultRouter

from apps.orders.api.views import OrderImportRunViewSet, OrderViewSet, SalesSummaryView

router = DefaultRouter(trailing_slash=True)
router.register("orders", OrderViewSet, basename="order")
router.register("order-imports", OrderImportRunViewSet, basename="order-import")

urlpatterns = [*router.urls, path("sales/<int:pk>/", SalesSummaryView.as_view(), name="sales-summary")]
