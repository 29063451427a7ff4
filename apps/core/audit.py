"""audit_record: the one way services write the audit trail (inside their own transaction)."""

from __future__ import annotations

from django.db.models import Model

from apps.core.models import AuditEvent


def audit_record(
    *, actor, action: str, target: Model, reason: str = "", data: dict | None = None, client=None
) -> AuditEvent:
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        client=client,
        reason=reason,
        data=data or {},
    )
