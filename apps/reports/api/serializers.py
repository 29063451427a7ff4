from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from apps.core.roles import visible_client_ids
from apps.reports.choices import ReportKind, ReportLanguage, ReportState
from apps.reports.models import RenderedDocument, ReportRun


class ReportRunOutputSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.name", read_only=True)
    pdf_url = serializers.SerializerMethodField()
    progress_percent = serializers.IntegerField(read_only=True)
    commentary_by_name = serializers.SerializerMethodField()
    commentary_reviewed_by_name = serializers.SerializerMethodField()
    superseded = serializers.BooleanField(read_only=True, help_text="Issued, then superseded by a correction.")
    superseded_label = serializers.SerializerMethodField()
    superseded_by_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "client",
            "client_name",
            "kind",
            "period_start",
            "period_end",
            "language",
            "state",
            "status",
            "progress_percent",
            "error",
            "page_count",
            "sha256",
            "sections",
            "left_out",
            "commentary",
            "commentary_by_name",
            "commentary_at",
            "commentary_reviewed_by_name",
            "commentary_reviewed_at",
            "actions",
            "created_at",
            "rendered_at",
            "issued_at",
            "emailed_to",
            "superseded",
            "superseded_at",
            "superseded_by",
            "superseded_reason",
            "superseded_label",
            "superseded_by_url",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_commentary_by_name(self, run: ReportRun) -> str:
        user = run.commentary_by
        return "" if user is None else user.get_full_name() or user.get_username()

    def get_commentary_reviewed_by_name(self, run: ReportRun) -> str:
        user = run.commentary_reviewed_by
        return "" if user is None else user.get_full_name() or user.get_username()

    def get_superseded_label(self, run: ReportRun) -> str:
        return _("Superseded by a correction") if run.superseded_at else ""

    def get_superseded_by_url(self, run: ReportRun) -> str | None:
        """The new run; for a brand's viewer only once it has been issued to them."""
        new = run.superseded_by
        if new is None:
            return None
        request = self.context.get("request")
        if request is not None and visible_client_ids(request.user) is not None and new.state != ReportState.ISSUED:
            return None
        path = f"/api/v1/report-runs/{new.pk}/"
        return request.build_absolute_uri(path) if request else path

    def get_pdf_url(self, run: ReportRun) -> str | None:
        if not run.pdf:
            return None
        request = self.context.get("request")
        path = f"/api/v1/report-runs/{run.pk}/pdf/"
        return request.build_absolute_uri(path) if request else path


class ReportRunRequestSerializer(serializers.Serializer):
    client = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=ReportKind.choices, default=ReportKind.MONTHLY)
    period_start = serializers.DateField()
    language = serializers.ChoiceField(choices=ReportLanguage.choices, default=ReportLanguage.ZH_HANS)


class ReportCommentarySerializer(serializers.Serializer):
    commentary = serializers.CharField(allow_blank=True, max_length=4000)
    actions = serializers.CharField(allow_blank=True, required=False, default="")


class ReportIssueSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class RenderedDocumentOutputSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.name", read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = RenderedDocument
        fields = [
            "id",
            "kind",
            "object_id",
            "number",
            "client",
            "client_name",
            "language",
            "page_count",
            "sha256",
            "rendered_at",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_pdf_url(self, doc: RenderedDocument) -> str:
        request = self.context.get("request")
        path = f"/api/v1/billing-documents/{doc.pk}/pdf/"
        return request.build_absolute_uri(path) if request else path
