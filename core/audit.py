"""The audit log: semantic entries ("round_publish", "export_unit_people", …) written by the
service that carries the action out, in its transaction, like Zulip's RealmAuditLog. Kept
rather than django-auditlog: that library records field diffs of model saves, which would log
every autosave and miss what matters here (an export, a publication, who saw personal data)."""

from typing import Any

from django.db import models

from .models import AuditLogEntry


def audit_log_record(
    *, actor: Any | None, action: str, target: models.Model | None = None, **details: Any
) -> AuditLogEntry:
    """Record an organiser action or an export of personal data. `actor` is the account that
    acted (anonymous or None: recorded without one)."""
    return AuditLogEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=details,
    )
