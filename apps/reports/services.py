"""Writes of the reports app: request, render, edit, issue and e-mail report runs; print invoices
and credit notes to stored PDFs."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.clients import selectors as clients_selectors
from apps.conversations import selectors as conversations_selectors
from apps.core import calendar
from apps.core.audit import audit_record
from apps.core.choices import RunStatus
from apps.core.errors import DomainError
from apps.core.runs import run_fail, run_start, run_succeed
from apps.reports import assembly, rendering
from apps.reports.choices import DocumentKind, ReportKind, ReportLanguage, ReportState
from apps.reports.documents import data_sha256
from apps.reports.models import RenderedDocument, ReportRun

if TYPE_CHECKING:
    from apps.clients.models import Client


def report_period_check(kind: str, period_start: date) -> tuple[date, date]:
    if kind not in ReportKind.values:
        raise DomainError(f"unknown report kind {kind!r}; use one of {', '.join(ReportKind.values)}", field="kind")
    start, end = calendar.period_for(kind, period_start)
    if start != period_start:
        if kind == ReportKind.QUARTERLY:
            message = _("%(day)s is not the first day of a quarter.")
        else:
            message = _("%(day)s is not the first day of a month.")
        raise DomainError(message % {"day": period_start.isoformat()}, field="period_start")
    if start >= timezone.localdate():
        raise DomainError(
            _("The period starting %(day)s has not begun yet.") % {"day": start.isoformat()}, field="period_start"
        )
    return start, end


@transaction.atomic
def report_run_request(
    *, client: Client, kind: str, period_start: date, language: str = ReportLanguage.ZH_HANS, actor=None
) -> ReportRun:
    """Create (or find) the run of a brand, kind, period and language and queue its rendering.

    Safe to call twice: the business key is unique. An issued report is never re-rendered.
    """
    if language not in ReportLanguage.values:
        raise DomainError(
            f"unknown language {language!r}; use one of {', '.join(ReportLanguage.values)}", field="language"
        )
    start, end = report_period_check(kind, period_start)
    key = {"client": client, "kind": kind, "period_start": start, "period_end": end, "language": language}
    current = ReportRun.objects.filter(superseded_at__isnull=True)  # a superseded run has its replacement
    try:
        with transaction.atomic():
            run, created = current.get_or_create(**key, defaults={"created_by": actor})
    except IntegrityError:
        run, created = current.get(**key), False
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    if run.state == ReportState.ISSUED:
        raise DomainError(
            _("This report has been issued and can no longer be rendered again."), field="state", code="issued"
        )
    if not created and run.status in (RunStatus.PENDING, RunStatus.RUNNING):
        return run  # one render per brand, kind and period at a time: a second request gets the queued one
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.PENDING, error="")
    run.status = RunStatus.PENDING
    audit_record(
        actor=actor,
        action="report.requested",
        target=run,
        client=client,
        data={"kind": kind, "period_start": start.isoformat(), "language": language, "created": created},
    )
    _enqueue_render(run.pk)
    return run


def _enqueue_render(run_id: int) -> None:
    from apps.reports.tasks import render_report_run_task

    transaction.on_commit(lambda: render_report_run_task.delay(run_id))


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def report_run_assemble(run: ReportRun):
    meta = {
        "by": _person(run.commentary_by),
        "on": calendar.local_day(run.commentary_at),
        "reviewed_by": _person(run.commentary_reviewed_by),
        "reviewed_on": calendar.local_day(run.commentary_reviewed_at),
    }
    return assembly.assemble_client_report(
        client=run.client,
        kind=run.kind,
        start=run.period_start,
        end=run.period_end,
        language=run.language,
        commentary=run.commentary,
        commentary_meta=meta,
        actions=run.action_list,
        state=run.state,
    )


def report_run_render(*, run_id: int, force: bool = False) -> ReportRun:
    """Assemble the figures, render the PDF and store it. Skips the rendering when a PDF made from
    the same figures already exists (unless forced). Failures are recorded on the run."""
    run = ReportRun.objects.select_related("client", "commentary_by", "commentary_reviewed_by").get(pk=run_id)
    if run.state == ReportState.ISSUED:
        return run
    run_start(run, total=3)
    try:
        report = report_run_assemble(run)
        # The generation date is not part of the figures: a re-run on another day changes nothing.
        report.generated_on = None
        digest = rendering.document_fingerprint(data_sha256(report))
        if not force and run.pdf and digest == run.data_sha256 and run.pdf.storage.exists(run.pdf.name):
            run_succeed(run)
            return run
        report.generated_on = timezone.localdate()
        pdf = rendering.render_report(report)
        old_name = run.pdf.name if run.pdf else ""
        run.pdf.save(run.file_name, ContentFile(pdf.content), save=False)
        if old_name and old_name != run.pdf.name:
            run.pdf.storage.delete(old_name)
        sections = [
            name
            for name in ("summary", "sla", "volume", "qa", "staffing", "promo", "topics", "billing")
            if name == "summary" or getattr(report, name) is not None
        ]
        run_succeed(
            run,
            pdf=run.pdf.name,
            sha256=pdf.sha256,
            data_sha256=digest,
            page_count=pdf.pages,
            sections=sections,
            left_out=report.left_out,
            rendered_at=timezone.now(),
        )
    except Exception as exc:
        run_fail(run, error=f"{type(exc).__name__}: {exc}")
        raise
    return run


@transaction.atomic
def report_run_update_commentary(*, run: ReportRun, commentary: str, actions: str, actor) -> ReportRun:
    """Edit the account manager's commentary and actions of a draft, then re-render it.

    The editor becomes the commentary's author (printed with it); a changed commentary needs a new
    review before the report can be issued."""
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    if run.state != ReportState.DRAFT:
        raise DomainError(_("An issued report cannot be edited."), field="state", code="issued")
    if len(commentary) > 4000:
        raise DomainError(_("The commentary is longer than 4,000 characters."), field="commentary")
    lines = [line.strip() for line in actions.splitlines() if line.strip()]
    if len(lines) > 20:
        raise DomainError(_("At most 20 actions, one per line."), field="actions")
    before = {"commentary": run.commentary, "actions": run.actions}
    changed = commentary.strip() != run.commentary or "\n".join(lines) != run.actions
    run.commentary = commentary.strip()
    run.actions = "\n".join(lines)
    fields = {"commentary": run.commentary, "actions": run.actions, "status": RunStatus.PENDING, "error": ""}
    if changed:
        fields.update(
            commentary_by=actor,
            commentary_at=timezone.now(),
            commentary_reviewed_by=None,
            commentary_reviewed_at=None,
        )
        for name, value in fields.items():
            setattr(run, name, value)
    ReportRun.objects.filter(pk=run.pk).update(**fields)
    audit_record(actor=actor, action="report.commentary_edited", target=run, client=run.client, data={"before": before})
    _enqueue_render(run.pk)
    return run


@transaction.atomic
def report_run_review_commentary(*, run: ReportRun, actor) -> ReportRun:
    """Record that `actor` reviewed the draft's commentary and actions (someone other than their
    author), then re-render it so the report names the reviewer. Required before issue."""
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    if run.state != ReportState.DRAFT:
        raise DomainError(_("An issued report cannot be edited."), field="state", code="issued")
    if not run.commentary and not run.actions:
        raise DomainError(_("There is no commentary to review."), field="commentary")
    if run.commentary_by_id is not None and actor is not None and run.commentary_by_id == actor.pk:
        raise DomainError(_("The commentary must be reviewed by someone other than its author."), field="commentary")
    now = timezone.now()
    ReportRun.objects.filter(pk=run.pk).update(
        commentary_reviewed_by=actor, commentary_reviewed_at=now, status=RunStatus.PENDING, error=""
    )
    run.commentary_reviewed_by, run.commentary_reviewed_at, run.status = actor, now, RunStatus.PENDING
    audit_record(actor=actor, action="report.commentary_reviewed", target=run, client=run.client, data={})
    _enqueue_render(run.pk)
    return run


def _render_issued(run: ReportRun):
    """The issued PDF: the reviewed draft's figures, with the cover's status reading 已签发 (Issued)
    instead of 草稿 (Draft). Refused when the figures changed after the draft was rendered (new
    conversations imported, a statement corrected): what the account manager checked is what the
    brand receives, so the draft must be rendered and checked again first."""
    report = report_run_assemble(run)
    report.generated_on = None
    if rendering.document_fingerprint(data_sha256(report)) != run.data_sha256:
        raise DomainError(
            _(
                "The figures changed after this draft was rendered. Render the draft again "
                "(save it on its edit page), check it, then issue it."
            ),
            field="status",
            code="stale",
        )
    with translation.override(run.language):
        report.status_label = assembly.status_label(ReportState.ISSUED)
    report.generated_on = timezone.localdate()
    pdf = rendering.render_report(report)
    old_name = run.pdf.name
    run.pdf.save(run.file_name, ContentFile(pdf.content), save=False)
    if old_name and old_name != run.pdf.name:
        transaction.on_commit(lambda: run.pdf.storage.delete(old_name))
    return pdf


@transaction.atomic
def report_run_issue(*, run: ReportRun, actor, reason: str = "") -> ReportRun:
    """Freeze a rendered draft as issued (its PDF re-rendered from the same figures, stamped issued)
    and e-mail it to the brand's report contacts (on commit)."""
    run = ReportRun.objects.select_for_update().select_related("client").get(pk=run.pk)
    if run.state == ReportState.ISSUED:
        raise DomainError(_("This report has already been issued."), field="state", code="issued")
    if run.status != RunStatus.SUCCEEDED or not run.pdf:
        raise DomainError(_("Only a successfully rendered report can be issued."), field="status")
    if (run.commentary or run.actions) and run.commentary_reviewed_at is None:
        raise DomainError(
            _("The account manager's commentary has not been reviewed; review it before issuing."),
            field="commentary",
        )
    pdf = _render_issued(run)
    recipients = clients_selectors.billing_contact_emails(client_id=run.client_id)
    now = timezone.now()
    ReportRun.objects.filter(pk=run.pk).update(
        state=ReportState.ISSUED,
        issued_at=now,
        issued_by=actor,
        emailed_to=recipients,
        pdf=run.pdf.name,
        sha256=pdf.sha256,
        page_count=pdf.pages,
    )
    run.state, run.issued_at, run.issued_by, run.emailed_to = ReportState.ISSUED, now, actor, recipients
    audit_record(
        actor=actor, action="report.issued", target=run, client=run.client, reason=reason, data={"to": recipients}
    )
    if recipients:
        run_id = run.pk
        transaction.on_commit(lambda: report_run_email(run_id=run_id))
    return run


@transaction.atomic
def report_run_supersede(*, run: ReportRun, reason: str, actor=None) -> ReportRun:
    """Mark an issued run superseded and request its replacement: a new draft of the same brand,
    kind, period and language, rendered with today's figures (through `report_run_request`, so a
    second call finds the queued one). Returns the new run.

    The issued run keeps its PDF and stays visible to the brand (it was sent to them), marked
    superseded with a link to the new run. The new draft carries over the commentary, actions and
    their review: the words did not change, only the figures did. Superseding a superseded run
    again is refused; a draft is never superseded (it is simply re-rendered)."""
    run = ReportRun.objects.select_for_update().select_related("client").get(pk=run.pk)
    if run.state != ReportState.ISSUED:
        raise DomainError("only an issued report can be superseded; a draft is rendered again", field="state")
    if run.superseded_at is not None:
        raise DomainError("this report has already been superseded", field="state", code="superseded")
    now = timezone.now()
    reason = reason[:200]
    ReportRun.objects.filter(pk=run.pk).update(superseded_at=now, superseded_reason=reason)
    new = report_run_request(
        client=run.client, kind=run.kind, period_start=run.period_start, language=run.language, actor=actor
    )
    carried = {
        "commentary": run.commentary,
        "actions": run.actions,
        "commentary_by": run.commentary_by,
        "commentary_at": run.commentary_at,
        "commentary_reviewed_by": run.commentary_reviewed_by,
        "commentary_reviewed_at": run.commentary_reviewed_at,
    }
    if not new.commentary and not new.actions:
        ReportRun.objects.filter(pk=new.pk).update(**carried)
        for name, value in carried.items():
            setattr(new, name, value)
    ReportRun.objects.filter(pk=run.pk).update(superseded_by=new)
    run.superseded_at, run.superseded_by, run.superseded_reason = now, new, reason
    audit_record(
        actor=actor,
        action="report.superseded",
        target=run,
        client=run.client,
        reason=reason,
        data={"superseded_by": new.pk},
    )
    return new


def monthly_reports_refresh(*, client_id: int, period_start: date, reason: str, actor=None) -> list[str]:
    """Billing changed what the brand's monthly report of the month starting `period_start` shows
    (a correction or a supplementary statement): every language's current run is brought up to
    date — a draft is rendered again, an issued one is superseded by a new draft. Returns what was
    done, one line per run ("report <id> re-rendered" / "report <id> superseded by <new id>")."""
    out = []
    runs = ReportRun.objects.filter(
        client_id=client_id, kind=ReportKind.MONTHLY, period_start=period_start, superseded_at__isnull=True
    ).select_related("client")
    for run in runs.order_by("language", "pk"):
        if run.state == ReportState.ISSUED:
            new = report_run_supersede(run=run, reason=reason, actor=actor)
            out.append(f"report {run.pk} superseded by {new.pk}")
            continue
        report_run_request(
            client=run.client, kind=run.kind, period_start=run.period_start, language=run.language, actor=actor
        )
        out.append(f"report {run.pk} re-rendered")
    return out


def report_run_email(*, run_id: int) -> int:
    """Send the issued report's PDF to its recorded recipients. Returns the number of messages sent."""
    run = ReportRun.objects.select_related("client").get(pk=run_id)
    if not run.emailed_to:
        return 0
    with translation.override(run.language):
        subject = _("%(client)s · %(kind)s · %(period)s") % {
            "client": run.client.name,
            "kind": run.get_kind_display(),
            "period": assembly.period_label(run.kind, run.period_start, run.language),
        }
        body = _(
            "Dear %(client)s team,\n\nplease find attached your customer service report for %(period)s.\n\n"
            "Kind regards,\nyour Tideline account manager"
        ) % {"client": run.client.name, "period": assembly.period_label(run.kind, run.period_start, run.language)}
    message = EmailMessage(subject=subject, body=body, to=list(run.emailed_to))
    with run.pdf.open("rb") as handle:
        message.attach(run.file_name, handle.read(), "application/pdf")
    return message.send()


# --- invoices and credit notes -------------------------------------------------------------------


def _document_source(kind: str, object_id: int):
    from apps.contracts import selectors as contracts_selectors
    from apps.reports import invoices

    if kind == DocumentKind.INVOICE:
        invoice = contracts_selectors.invoice_for_print(invoice_id=object_id)
        if invoice is None:
            raise DomainError(f"invoice {object_id} does not exist", field="object_id")
        if invoice.status not in ("issued", "paid") or not invoice.number:
            raise DomainError("only an issued invoice is printed; this one is still a draft", field="status")
        return invoice.contract.client, invoice.number, lambda lang: invoices.invoice_document(invoice, language=lang)
    if kind == DocumentKind.CREDIT_NOTE:
        note = contracts_selectors.credit_note_for_print(credit_note_id=object_id)
        if note is None:
            raise DomainError(f"credit note {object_id} does not exist", field="object_id")
        return (
            note.invoice.contract.client,
            note.number,
            lambda lang: invoices.credit_note_document(note, language=lang),
        )
    raise DomainError(f"unknown document kind {kind!r}", field="kind")


def document_render(*, kind: str, object_id: int, language: str = ReportLanguage.ZH_HANS) -> RenderedDocument:
    """Print an issued invoice or a credit note to a stored PDF; a no-op when its data is unchanged."""
    client, number, build = _document_source(kind, object_id)
    doc = build(language)
    digest = rendering.document_fingerprint(data_sha256(doc))
    existing = RenderedDocument.objects.filter(kind=kind, object_id=object_id, language=language).first()
    if existing is not None and existing.data_sha256 == digest and existing.pdf.storage.exists(existing.pdf.name):
        return existing
    pdf = rendering.render_invoice(doc)
    with transaction.atomic():
        document, _created = RenderedDocument.objects.select_for_update().get_or_create(
            kind=kind,
            object_id=object_id,
            language=language,
            defaults={"client": client, "sha256": pdf.sha256, "data_sha256": digest},
        )
        old_name = document.pdf.name if document.pdf else ""
        document.client, document.number = client, number
        document.sha256, document.data_sha256, document.page_count = pdf.sha256, digest, pdf.pages
        document.pdf.save(document.file_name, ContentFile(pdf.content), save=False)
        document.save()
        if old_name and old_name != document.pdf.name:
            transaction.on_commit(lambda: document.pdf.storage.delete(old_name))
    return document


def issued_documents_pending(*, since: date | None = None) -> list[tuple[str, int]]:
    """(kind, id) of every issued invoice and credit note that has no stored PDF yet."""
    done = set(RenderedDocument.objects.values_list("kind", "object_id"))
    return [item for item in issued_documents(since=since) if item not in done]


def issued_documents(*, since: date | None = None) -> list[tuple[str, int]]:
    """(kind, id) of every issued (or paid) invoice and every credit note."""
    from apps.contracts import selectors as contracts_selectors

    invoice_ids, note_ids = contracts_selectors.printable_document_ids(
        issued_since=calendar.day_start(since) if since is not None else None
    )
    out = [(DocumentKind.INVOICE.value, pk) for pk in invoice_ids]
    out += [(DocumentKind.CREDIT_NOTE.value, pk) for pk in note_ids]
    return out


def monthly_report_clients(*, start: date, end: date) -> list[Client]:
    """Brands with conversations in [start, end): the ones that get a report for the period."""
    ids = conversations_selectors.client_ids_with_conversations(start=start, end=end)
    return list(clients_selectors.clients_by_ids(ids).order_by("code"))
