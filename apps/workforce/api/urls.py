from rest_framework.routers import DefaultRouter

from apps.workforce.api import views

router = DefaultRouter(trailing_slash=True)
router.register("workforce/forecasts", views.ForecastViewSet, basename="workforce-forecast")
router.register("workforce/forecast-overrides", views.ForecastOverrideViewSet, basename="workforce-forecast-override")
router.register("workforce/requirements", views.RequirementViewSet, basename="workforce-requirement")
router.register("workforce/rosters", views.RosterViewSet, basename="workforce-roster")
router.register("workforce/solve-runs", views.SolveRunViewSet, basename="workforce-solve-run")

urlpatterns = router.urls
