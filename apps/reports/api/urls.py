from rest_framework.routers import DefaultRouter

from apps.reports.api.views import RenderedDocumentViewSet, ReportRunViewSet

router = DefaultRouter(trailing_slash=True)
router.register("report-runs", ReportRunViewSet, basename="report-run")
router.register("billing-documents", RenderedDocumentViewSet, basename="rendered-document")

urlpatterns = router.urls
