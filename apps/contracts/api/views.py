"""Contracts API: contracts (read), invoices with their lifecycle actions, credit notes, billing
runs (preview, run) and usage posting. Writes need the account-manager role."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.contracts import exports, receivables, selectors, services, statements
from apps.contracts.api import serializers as s
from apps.contracts.api.filters import InvoiceFilter
from apps.contracts.models import (
    BillingRun,
    Charge,
    Contract,
    ContractVersion,
    CreditNote,
    Fapiao,
    Invoice,
    InvoiceLine,
    Payment,
    StatementResponse,
)
from apps.core.api import ScopedReadOnlyViewSet
from apps.core.choices import Role
from apps.core.errors import DomainError
from apps.core.permissions import HasRole, IsTidelineUser, TidelineModelPermissions
from apps.core.roles import scope_queryset

WRITE = [IsTidelineUser, HasRole.of(Role.ACCOUNT_MANAGER)]
ANSWER = [IsTidelineUser, HasRole.of(Role.CLIENT_VIEWER)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ContractViewSet(ScopedReadOnlyViewSet):
    serializer_class = s.ContractSerializer
    queryset = Contract.objects.select_related("client", "entity").prefetch_related(
        "versions__sla_terms",
        Prefetch("versions__charges", queryset=Charge.objects.prefetch_related("tiers", "peak_windows")),
    )

    @extend_schema(request=s.VersionInput, responses={201: s.ContractVersionSerializer})
    @action(detail=False, methods=["post"], permission_classes=WRITE, url_path="versions")
    def new_version(self, request):
        """A new version of a contract from a date (the open one before it ends that day)."""
        data = _valid(s.VersionInput, request)
        contract = self.get_queryset().filter(pk=data.pop("contract")).first()
        if contract is None:
            raise DomainError("unknown contract", field="contract")
        reason = data.pop("reason")
        data["sla_terms"] = [dict(t) for t in data.pop("sla_terms")]
        version = services.version_create(contract=contract, actor=request.user, reason=reason, **data)
        return Response(s.ContractVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ChargeInput, responses={201: s.ChargeSerializer})
    @action(detail=False, methods=["post"], permission_classes=WRITE, url_path="charges")
    def new_charge(self, request):
        """A charge (with its tiers) on a contract version; same rules as the admin form."""
        data = _valid(s.ChargeInput, request)
        version = ContractVersion.objects.filter(pk=data.pop("version"), contract__in=self.get_queryset()).first()
        if version is None:
            raise DomainError("unknown contract version", field="version")
        tiers = [dict(t) for t in data.pop("tiers")]
        windows = [{**dict(w), "tiers": [dict(t) for t in w.get("tiers") or []]} for w in data.pop("peak_windows")]
        charge = services.charge_create(version=version, tiers=tiers, peak_windows=windows, **data)
        return Response(s.ChargeSerializer(charge).data, status=status.HTTP_201_CREATED)


class InvoiceViewSet(ScopedReadOnlyViewSet):
    serializer_class = s.InvoiceSerializer
    filterset_class = InvoiceFilter
    queryset = Invoice.objects.select_related("contract", "contract__client").prefetch_related(
        Prefetch("lines", queryset=InvoiceLine.objects.order_by("position")), "sla_results", "credit_notes"
    )

    def get_queryset(self):
        qs = selectors.client_visible(super().get_queryset(), self.request.user)
        if self.action == "list":  # lines, SLA results and credit notes are on the detail endpoint only
            qs = qs.prefetch_related(None)
        return qs

    def get_serializer_class(self):
        return s.InvoiceListSerializer if self.action == "list" else s.InvoiceSerializer

    def _record(self, request, input_class, service, output_class):
        """Validate the body, call the statement's service with it, answer 201 with what it recorded."""
        data = _valid(input_class, request)
        recorded = service(invoice=self.get_object(), actor=request.user, **data)
        return Response(output_class(recorded).data, status=status.HTTP_201_CREATED)

    def _done(self, invoice):
        return Response(self.get_serializer(self.get_queryset().get(pk=invoice.pk)).data)

    @extend_schema(request=s.ApproveInput, responses=s.InvoiceSerializer)
    @action(detail=True, methods=["post"], permission_classes=WRITE)
    def approve(self, request, pk=None):
        data = _valid(s.ApproveInput, request)
        return self._done(services.invoice_approve(invoice=self.get_object(), actor=request.user, **data))

    @action(detail=True, methods=["post"], permission_classes=WRITE)
    def issue(self, request, pk=None):
        data = _valid(s.ReasonInput, request)
        return self._done(services.invoice_issue(invoice=self.get_object(), actor=request.user, **data))

    @action(detail=True, methods=["post"], permission_classes=WRITE, url_path="mark-paid")
    def mark_paid(self, request, pk=None):
        data = _valid(s.PaidInput, request)
        return self._done(services.invoice_mark_paid(invoice=self.get_object(), actor=request.user, **data))

    @action(detail=True, methods=["post"], permission_classes=WRITE)
    def edit(self, request, pk=None):
        data = _valid(s.EditInput, request)
        adjustment = None
        if "adjustment_amount" in data:
            adjustment = {"description": data.get("adjustment_description", ""), "amount": data["adjustment_amount"]}
        invoice = services.invoice_edit_draft(
            invoice=self.get_object(),
            actor=request.user,
            reason=data["reason"],
            note=data.get("note"),
            adjustment=adjustment,
        )
        return self._done(invoice)

    @action(detail=True, methods=["post"], permission_classes=WRITE)
    def credit(self, request, pk=None):
        data = _valid(s.CreditInput, request)
        note = services.credit_note_create(invoice=self.get_object(), actor=request.user, **data)
        return Response(s.CreditNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.PaymentInput, responses={201: s.PaymentSerializer})
    @action(detail=True, methods=["post"], permission_classes=WRITE, url_path="payments")
    def payment(self, request, pk=None):
        """Record money received against an issued statement (partial allowed, never above what is open)."""
        return self._record(request, s.PaymentInput, statements.payment_record, s.PaymentSerializer)

    @extend_schema(request=s.FapiaoInput, responses={201: s.FapiaoSerializer})
    @action(detail=True, methods=["post"], permission_classes=WRITE, url_path="fapiao")
    def fapiao(self, request, pk=None):
        """Record an official fapiao issued on the tax platform against the statement."""
        return self._record(request, s.FapiaoInput, statements.fapiao_record, s.FapiaoSerializer)

    @extend_schema(request=s.AnswerInput, responses={201: s.StatementResponseSerializer})
    @action(detail=True, methods=["post"], permission_classes=ANSWER, url_path="confirmation")
    def confirmation(self, request, pk=None):
        """The brand confirms the issued statement or disputes it with a reason (client viewers)."""
        return self._record(request, s.AnswerInput, statements.statement_answer, s.StatementResponseSerializer)

    @extend_schema(request=s.DisputeAnswerInput, responses={200: s.StatementResponseSerializer})
    @action(detail=True, methods=["post"], permission_classes=WRITE, url_path="answer-dispute")
    def answer_dispute(self, request, pk=None):
        """Answer the brand's open dispute, optionally with a correction (credit note)."""
        data = _valid(s.DisputeAnswerInput, request)
        response = statements.dispute_answer(invoice=self.get_object(), actor=request.user, **data)
        return Response(s.StatementResponseSerializer(response).data)

    @extend_schema(responses={200: s.ReceivableSerializer(many=True)})
    @action(detail=False, methods=["get"], url_path="receivables", pagination_class=None)
    def receivables(self, request):
        """Issued statements with what is open, overdue, age and bucket; ?file=xlsx|csv for the export."""
        rows = receivables.receivables(invoices=self.filter_queryset(self.get_queryset()))
        fmt = request.query_params.get("file")
        if not fmt:
            return Response(s.ReceivableSerializer(rows, many=True).data)
        return _download(fmt, "receivables", rows, xlsx=exports.receivables_xlsx, csv=exports.receivables_csv)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], permission_classes=WRITE, url_path="fapiao-batch")
    def fapiao_batch(self, request):
        """The e-fapiao batch sheet (XLSX) of the filtered issued statements, for the tax platform."""
        invoices = [inv for inv in self.filter_queryset(self.get_queryset()) if inv.status in receivables.ISSUED]
        response = HttpResponse(exports.fapiao_batch_xlsx(invoices), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="fapiao-batch.xlsx"'
        return response

    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request):
        fmt = request.query_params.get("file", "csv")
        invoices = list(self.filter_queryset(self.get_queryset()))
        return _download(fmt, "invoices", invoices, xlsx=exports.invoices_xlsx, csv=exports.invoices_csv)


class FapiaoViewSet(ScopedReadOnlyViewSet):
    """Official fapiao recorded against statements (record one with POST invoices/{id}/fapiao/)."""

    serializer_class = s.FapiaoSerializer
    queryset = Fapiao.objects.select_related("invoice")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(invoice__in=selectors.client_visible(Invoice.objects.all(), self.request.user))
        )


class PaymentViewSet(ScopedReadOnlyViewSet):
    """Payments received against statements (record one with POST invoices/{id}/payments/)."""

    serializer_class = s.PaymentSerializer
    queryset = Payment.objects.select_related("invoice")


class StatementResponseViewSet(ScopedReadOnlyViewSet):
    """The brands' confirmations and disputes of their statements, with the answers."""

    serializer_class = s.StatementResponseSerializer
    queryset = StatementResponse.objects.select_related("invoice", "correction")


class CreditNoteViewSet(ScopedReadOnlyViewSet):
    serializer_class = s.CreditNoteSerializer
    queryset = CreditNote.objects.select_related("invoice")


class BillingRunViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.BillingRunSerializer
    permission_classes = [IsTidelineUser, TidelineModelPermissions]

    def get_queryset(self):
        return scope_queryset(BillingRun.objects.all(), self.request.user)

    @action(detail=False, methods=["post"], permission_classes=WRITE)
    def preview(self, request):
        data = _valid(s.PeriodInput, request)
        return Response(
            services.billing_preview(period_start=data["period"], contract_ids=data["contracts"], user=request.user)
        )

    @action(detail=False, methods=["post"], permission_classes=WRITE)
    def run(self, request):
        data = _valid(s.PeriodInput, request)
        run = services.billing_run_create(
            period_start=data["period"],
            actor=request.user,
            contract_ids=data["contracts"] or None,
            refunds_as_of=data.get("refunds_as_of"),
        )
        run.refresh_from_db()
        return Response(s.BillingRunSerializer(run).data, status=status.HTTP_201_CREATED)


def _download(fmt: str, name: str, rows, *, xlsx, csv) -> HttpResponse:
    """`rows` as an attachment `<name>.<fmt>` written by the exporter of that format (csv or xlsx)."""
    if fmt == "xlsx":
        response = HttpResponse(xlsx(rows), content_type=XLSX)
    elif fmt == "csv":
        response = HttpResponse(csv(rows), content_type="text/csv; charset=utf-8")
    else:
        raise DomainError("file must be csv or xlsx", field="file")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _usage_response(result):
    return Response(
        {
            "received": result.received,
            "inserted": result.inserted,
            "duplicates": result.duplicates,
            "late_periods": result.late_periods,
        },
        status=status.HTTP_200_OK,
    )


def _usage_errors(exc: DomainError) -> Response:
    body = exc.as_dict()
    body["errors"] = getattr(exc, "errors", [])
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


class UsageBulkView(APIView):
    """POST {rows: [{contract, metric, source_key, quantity, night_quantity?, occurred_at, platform?,
    store?, channel?}], late?}: idempotent; a repeated business key counts once."""

    permission_classes = WRITE

    @extend_schema(request=s.UsageBulkInput, responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def post(self, request):
        data = _valid(s.UsageBulkInput, request)
        try:
            result = services.usage_record_bulk(
                rows=data["rows"], late=data["late"], actor=request.user, user=request.user
            )
        except DomainError as exc:
            return _usage_errors(exc)
        return _usage_response(result)


class UsageUploadView(APIView):
    """POST multipart `file` (CSV with a header row) and optional `late`."""

    permission_classes = WRITE
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=s.UsageUploadInput, responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def post(self, request):
        data = _valid(s.UsageUploadInput, request)
        try:
            rows = services.usage_parse_csv(content=data["file"].read())
            result = services.usage_record_bulk(
                rows=rows, source="csv", late=data["late"], actor=request.user, user=request.user
            )
        except DomainError as exc:
            return _usage_errors(exc)
        return _usage_response(result)
