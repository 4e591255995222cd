import datetime
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import models, transaction

from .models import AuditLogEntry, Participant, Unit, User
from .selectors import SIGNUP_UNIT_SESSION_KEY, unit_by_code

ORGANISER_GROUP = "Ban Tổ chức"
PERSONAL_DATA_GROUP = "Ban Tổ chức — xem dữ liệu cá nhân"
ORGANISER_APPS = ("participants", "rounds", "quizzes", "leaderboard", "account")
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


def participant_register(
    *,
    user: User,
    full_name: str,
    date_of_birth: datetime.date,
    gender: str,
    unit: Unit,
    cccd: str | None = None,
    locality: str = "",
) -> Participant:
    """Create the profile of a newly signed-up account."""
    return Participant.objects.create(
        user=user,
        full_name=full_name,
        date_of_birth=date_of_birth,
        gender=gender,
        unit=unit,
        cccd=cccd or None,
        locality=locality,
    )


class ProfileLocked(Exception):
    pass


def participant_profile_update(
    *, participant: Participant, email: str = "", **fields: Any
) -> Participant:
    """Update a participant's own profile. Identifying fields cannot change once the profile
    is locked (after the first submitted attempt); the lock is re-read under a row lock, so a
    submit finishing at the same moment wins."""
    with transaction.atomic():
        locked = (
            Participant.objects.select_for_update()
            .filter(pk=participant.pk)
            .values_list("profile_locked_at", flat=True)
            .get()
        )
        changes = {name: value for name, value in fields.items() if name in EDITABLE_FIELDS}
        if locked is not None:
            blocked = [
                name
                for name in Participant.IDENTIFYING_FIELDS
                if name in changes and changes[name] != getattr(participant, name)
            ]
            if blocked:
                raise ProfileLocked(blocked)
            changes = {k: v for k, v in changes.items() if k not in Participant.IDENTIFYING_FIELDS}
        if "cccd" in changes:
            changes["cccd"] = changes["cccd"] or None
        for name, value in changes.items():
            setattr(participant, name, value)
        if changes:
            participant.save(update_fields=list(changes))
        if email != participant.user.email:
            participant.user.email = email
            participant.user.save(update_fields=["email"])
    return participant


EDITABLE_FIELDS = ("full_name", "date_of_birth", "gender", "cccd", "unit", "locality")


def signup_unit_remember(*, session, code: str) -> Unit | None:
    """Remember the unit a visitor came through (?don_vi=<code>) for sign-up."""
    unit = unit_by_code(code=code)
    if unit is not None:
        session[SIGNUP_UNIT_SESSION_KEY] = unit.code
    return unit
