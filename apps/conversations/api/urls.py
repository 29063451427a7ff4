from rest_framework.routers import DefaultRouter

from apps.conversations.api.views import ConversationViewSet, ImportRunViewSet

router = DefaultRouter(trailing_slash=True)
router.register("conversations", ConversationViewSet, basename="conversation")
router.register("imports", ImportRunViewSet, basename="import-run")

urlpatterns = router.urls
