from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import models

from .models import AuditLogEntry, User

ORGANISER_GROUP = "Ban Tổ chức"
PERSONAL_DATA_GROUP = "Ban Tổ chức — xem dữ liệu cá nhân"
ORGANISER_APPS = ("participants", "rounds", "quizzes", "content", "leaderboard", "account")
PERSONAL_DATA_PERMISSION = "view_personal_data"


def organiser_groups_sync() -> None:
    """Create or refresh the organisers' groups: every permission of the contest apps,
    except full personal data, which has a group of its own (DESIGN §2, privacy)."""
    organisers, _ = Group.objects.get_or_create(name=ORGANISER_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=ORGANISER_APPS).exclude(
        codename=PERSONAL_DATA_PERMISSION
    )
    organisers.permissions.set(permissions)
    personal, _ = Group.objects.get_or_create(name=PERSONAL_DATA_GROUP)
    personal.permissions.set(Permission.objects.filter(codename=PERSONAL_DATA_PERMISSION))


def audit_log_record(
    *, actor: User | None, action: str, target: models.Model | None = None, **details: Any
) -> AuditLogEntry:
    """Record an organiser action or an export of personal data."""
    return AuditLogEntry.objects.create(
        actor=actor if actor and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=details,
    )
