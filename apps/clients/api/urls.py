from rest_framework.routers import DefaultRouter

from apps.clients.api.views import ClientViewSet, DataExportViewSet, SiteViewSet, StoreViewSet

router = DefaultRouter(trailing_slash=True)
router.register("clients", ClientViewSet, basename="client")
router.register("stores", StoreViewSet, basename="store")
router.register("sites", SiteViewSet, basename="site")
router.register("data-exports", DataExportViewSet, basename="data-export")

urlpatterns = router.urls
