from rest_framework.routers import DefaultRouter

from apps.clients.api.views import ClientViewSet, SiteViewSet, StoreViewSet

router = DefaultRouter(trailing_slash=True)
router.register("clients", ClientViewSet, basename="client")
router.register("stores", StoreViewSet, basename="store")
router.register("sites", SiteViewSet, basename="site")

urlpatterns = router.urls
