from django.urls import path
from rest_framework.routers import DefaultRouter

from apps.qa.api import views

router = DefaultRouter(trailing_slash=True)
router.register("qa/scorecards", views.ScorecardViewSet, basename="qa-scorecard")
router.register("qa/rules", views.RuleViewSet, basename="qa-rule")
router.register("qa/results", views.QAResultViewSet, basename="qa-result")
router.register("qa/review-items", views.ReviewItemViewSet, basename="qa-review-item")
router.register("qa/disputes", views.DisputeViewSet, basename="qa-dispute")
router.register("qa/runs", views.QARunViewSet, basename="qa-run")
router.register("qa/calibrations", views.CalibrationSessionViewSet, basename="qa-calibration")

urlpatterns = [
    path("qa/summary/", views.PeriodSummaryView.as_view(), name="qa-summary"),
    *router.urls,
]
