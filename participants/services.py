from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AuditLogEntry, DataDeletionRequest, Participant, User

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


def deletion_request_create(*, participant: Participant) -> DataDeletionRequest:
    """Record a participant's request to delete their account (one pending at a time)."""
    pending = DataDeletionRequest.objects.filter(participant=participant, processed_at=None)
    try:
        with transaction.atomic():
            return pending.first() or DataDeletionRequest.objects.create(participant=participant)
    except IntegrityError:  # a parallel request won: the partial unique index
        return pending.get()


@transaction.atomic
def participant_anonymise(
    *, participant: Participant, actor: User | None, now: datetime | None = None
) -> None:
    """Erase what identifies a person, keep their (now anonymous) attempts and results."""
    now = now or timezone.now()
    user = participant.user
    user.phone = f"anon-{user.pk}"
    user.email = ""
    user.is_active = False
    user.phone_verified = False
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.filter(user=user).delete()
    participant.full_name = _("Người dự thi đã ẩn danh #%(id)d") % {"id": participant.pk}
    participant.date_of_birth = None
    participant.gender = ""
    participant.cccd = None
    participant.locality = ""
    participant.anonymised_at = now
    participant.save()
    DataDeletionRequest.objects.filter(participant=participant, processed_at=None).update(
        processed_at=now, processed_by=actor
    )
    audit_log_record(actor=actor, action="participant_anonymise", target=participant)


def deletion_requests_process(*, actor: User | None = None) -> int:
    """Carry out every pending deletion request. Returns how many people were anonymised."""
    pending = Participant.objects.filter(
        deletion_requests__processed_at=None, anonymised_at=None
    ).select_related("user")
    count = 0
    for participant in pending:
        participant_anonymise(participant=participant, actor=actor)
        count += 1
    return count
