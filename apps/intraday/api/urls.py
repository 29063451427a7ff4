from rest_framework.routers import DefaultRouter

from apps.intraday.api import views

router = DefaultRouter(trailing_slash=True)
router.register("intraday/messages", views.MessagePushViewSet, basename="intraday-message")
router.register("intraday/agent-states", views.AgentStateViewSet, basename="intraday-agent-state")
router.register("intraday/room", views.RoomViewSet, basename="intraday-room")
router.register("intraday/tick", views.TickViewSet, basename="intraday-tick")
router.register("intraday/levers", views.LeverViewSet, basename="intraday-lever")
router.register("intraday/alerts", views.AlertViewSet, basename="intraday-alert")

urlpatterns = router.urls
