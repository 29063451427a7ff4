from django.urls import path
from rest_framework.routers import DefaultRouter

from apps.contracts.api import views

router = DefaultRouter(trailing_slash=True)
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("invoices", views.InvoiceViewSet, basename="invoice")
router.register("credit-notes", views.CreditNoteViewSet, basename="creditnote")
router.register("fapiao", views.FapiaoViewSet, basename="fapiao")
router.register("payments", views.PaymentViewSet, basename="payment")
router.register("statement-confirmations", views.StatementResponseViewSet, basename="statementresponse")
router.register("billing-runs", views.BillingRunViewSet, basename="billingrun")

urlpatterns = [
    path("usage/bulk/", views.UsageBulkView.as_view(), name="usage-bulk"),
    path("usage/upload/", views.UsageUploadView.as_view(), name="usage-upload"),
    *router.urls,
]
