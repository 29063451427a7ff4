"""Server-rendered pages of the contracts app (mounted at /billing/)."""

from django.urls import path

from apps.contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.billing_page, name="billing"),
    path("export/", views.billing_export, name="export"),
    path("receivables/export/", views.receivables_export, name="receivables-export"),
    path("statements/<int:pk>/", views.statement_page, name="statement"),
    path("statements/<int:pk>/pdf/", views.statement_pdf, name="statement-pdf"),
    path("statements/<int:pk>/corrections/<int:note_pk>/pdf/", views.credit_note_pdf, name="statement-correction-pdf"),
    path("statements/<int:pk>/answer/", views.statement_answer, name="statement-answer"),
    path("statements/<int:pk>/act/", views.statement_act, name="statement-act"),
]
