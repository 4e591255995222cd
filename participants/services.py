import datetime as dt
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log_record
from core.locks import advisory_lock_take
from core.spreadsheets import SpreadsheetError, spreadsheet_rows_read

from .models import (
    PERSONAL_DATA_CODENAME,
    UNIT_HEADCOUNT_MAX,
    DataDeletionRequest,
    Participant,
    Unit,
    UnitLinkVisit,
    User,
)
from .phones import mask_phone
from .selectors import (
    SIGNUP_UNIT_SESSION_KEY,
    account_login_changeable_by,
    participants_due_for_anonymising,
    unit_by_code,
)

ORGANISER_GROUP = "Ban Tổ chức"
PERSONAL_DATA_GROUP = "Ban Tổ chức — dữ liệu cá nhân"
_PERSONAL_DATA_GROUP_OLD_NAMES = ("Ban Tổ chức — xem dữ liệu cá nhân",)
ORGANISER_APPS = ("core", "participants", "rounds", "quizzes", "content", "leaderboard", "account")

_ALL = ("view", "add", "change", "delete")
_WRITE = ("add", "change", "delete")
# What the organisers' group must not do; it gets every other permission of the contest apps
# (a model added later works for organisers at once, and the test listing the group's
# permissions, tests/participants/test_admin_rights.py, makes its review explicit). Rows
# written only by the services (results, awards, statistics, certificates, the audit log,
# deletion requests, visits, answers) are read-only; nobody deletes a person or an account
# (deletion is anonymisation, at the person's request); attempts are changed only by the
# admin's "unlock" action. The user admin keeps rights, passwords and staff accounts to
# superusers (participants.selectors.account_manageable_by).
ORGANISER_DENIED: dict[str, tuple[str, ...]] = {
    "account.emailaddress": _WRITE,
    "account.emailconfirmation": _ALL,
    "core.auditlogentry": _WRITE,
    "leaderboard.activitystat": _WRITE,
    "leaderboard.award": _WRITE,
    "leaderboard.certificate": _WRITE,
    "leaderboard.officialreportsettings": ("delete",),
    "leaderboard.participationstat": _WRITE,
    "leaderboard.publicationevent": _WRITE,
    "leaderboard.roundresult": _WRITE,
    "leaderboard.scorestat": _WRITE,
    "leaderboard.tiedecision": _WRITE,
    "participants.datadeletionrequest": _WRITE,
    "participants.participant": ("delete",),
    "participants.unitlinkvisit": _WRITE,
    "participants.user": ("delete",),
    "quizzes.attempt": ("add", "delete"),
    "quizzes.attemptanswer": _WRITE,
    "quizzes.rounddrawnquestion": _ALL,
}


def _organiser_permissions() -> models.QuerySet[Permission]:
    denied = Q(codename=PERSONAL_DATA_CODENAME)
    for label, actions in ORGANISER_DENIED.items():
        app_label, model = label.split(".")
        denied |= Q(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    return Permission.objects.filter(content_type__app_label__in=ORGANISER_APPS).exclude(denied)


def organiser_groups_sync() -> None:
    """Create or refresh the organisers' groups: "Ban Tổ chức" gets the least it needs
    (ORGANISER_DENIED); full personal data has a group of its own (DESIGN §2, privacy).
    The personal-data group's earlier name is renamed, its members kept."""
    organisers, _ = Group.objects.get_or_create(name=ORGANISER_GROUP)
    organisers.permissions.set(_organiser_permissions())
    if not Group.objects.filter(name=PERSONAL_DATA_GROUP).exists():
        Group.objects.filter(name__in=_PERSONAL_DATA_GROUP_OLD_NAMES).update(
            name=PERSONAL_DATA_GROUP
        )
    personal, _ = Group.objects.get_or_create(name=PERSONAL_DATA_GROUP)
    personal.permissions.set(Permission.objects.filter(codename=PERSONAL_DATA_CODENAME))


def personal_data_view_record(*, actor: User, target: models.Model) -> None:
    """An organiser opened a record with its full personal data: logged (Nghị định
    13/2023/NĐ-CP asks who saw what, when)."""
    audit_log_record(actor=actor, action="personal_data_view", target=target)


def personal_data_list_record(*, actor: User, model_label: str, ids: list[int]) -> None:
    """An organiser saw a list with people's full contact details (e.g. the winners)."""
    audit_log_record(
        actor=actor, action="personal_data_view", model=model_label, shown=len(ids), ids=ids
    )


def personal_data_search_record(
    *, actor: User, model_label: str, kind: str, found_ids: list[int], full_access: bool
) -> None:
    """An organiser looked people up by phone or CCCD in the admin: logged with the ids
    found (never the number itself: the log is read by organisers without the permission)."""
    audit_log_record(
        actor=actor,
        action="personal_data_search",
        model=model_label,
        kind=kind,
        found=len(found_ids),
        found_ids=found_ids[:50],
        full_personal_data=full_access,
    )


def account_phone_change(*, account: User, phone: str, actor: User) -> bool:
    """Change the phone number an account logs in with (and gets password-reset codes on):
    a superuser's correction, audit-logged with both numbers masked (organisers without the
    personal-data permission read the log). False: the number was already this one."""
    if not account_login_changeable_by(actor=actor):
        raise PermissionDenied
    with transaction.atomic():
        previous = (
            User.objects.select_for_update().values_list("phone", flat=True).get(pk=account.pk)
        )
        if previous == phone:
            return False
        account.phone = phone
        account.save(update_fields=["phone"])
        audit_log_record(
            actor=actor,
            action="account_phone_change",
            target=account,
            previous_phone=mask_phone(previous),
            new_phone=mask_phone(phone),
        )
    return True


def deletion_request_create(*, participant: Participant) -> DataDeletionRequest:
    """Record a participant's confirmed request to delete their account (one pending at a
    time). Called once the person ticked the confirmation box; an older pending request that
    was never confirmed is confirmed now."""
    now = timezone.now()
    pending = DataDeletionRequest.objects.filter(participant=participant, processed_at=None)
    try:
        with transaction.atomic():
            request = pending.select_for_update().first()
            if request is None:
                return DataDeletionRequest.objects.create(participant=participant, confirmed_at=now)
    except IntegrityError:  # a parallel request won: the partial unique index
        request = pending.get()
    if request.confirmed_at is None:
        pending.filter(pk=request.pk, confirmed_at=None).update(confirmed_at=now)
        request.refresh_from_db()
    return request


class AnonymiseRefused(Exception):
    """The person may not be anonymised: staff, superuser, or no open confirmed request."""


@transaction.atomic
def participant_anonymise(
    *, participant: Participant, actor: User | None, now: datetime | None = None
) -> None:
    """Erase what identifies a person, keep their (now anonymous) attempts and results.
    Only a participant with an open, confirmed deletion request, who is neither staff nor
    superuser, is ever touched: checked here, under the profile's row lock, whoever calls."""
    now = now or timezone.now()
    eligible = participants_due_for_anonymising().select_for_update(of=("self",))
    if not eligible.filter(pk=participant.pk).exists():
        raise AnonymiseRefused(
            _("Không ẩn danh hóa %(name)s: không có yêu cầu xóa đã xác nhận đang chờ, "
              "hoặc đây là tài khoản quản trị.") % {"name": participant.full_name}
        )  # fmt: skip
    user = User.objects.select_for_update().get(pk=participant.user_id)
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


# Columns of the unit import/export file, in order: (key, Vietnamese header).
UNIT_COLUMNS = (
    ("code", "Mã đơn vị"),
    ("name", "Tên đơn vị"),
    ("parent_code", "Mã đơn vị cấp trên"),
    ("kind", "Loại"),
    ("headcount", "Số người"),
)
_UNIT_HEADER_ALIASES = {
    "code": "code",
    "ma don vi": "code",
    "mã đơn vị": "code",
    "name": "name",
    "tên đơn vị": "name",
    "parent_code": "parent_code",
    "parent": "parent_code",
    "mã đơn vị cấp trên": "parent_code",
    "kind": "kind",
    "loại": "kind",
    "headcount": "headcount",
    "số người": "headcount",
}
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
# One unit import at a time: the cycle check reads the whole tree.
_UNIT_IMPORT_LOCK = 0x756E6974  # "unit"


class UnitImportError(Exception):
    """The file was refused as a whole; `errors` says which rows and why."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class UnitImportRow:
    row: int
    code: str
    name: str
    parent_code: str
    kind: str
    headcount: int


@dataclass(frozen=True)
class UnitImportResult:
    created: int
    updated: int


def _unit_kind_parse(raw: str) -> str | None:
    if not raw:
        return Unit.Kind.OTHER
    for value, label in Unit.Kind.choices:
        if raw.lower() in (value, str(label).lower()):
            return value
    return None


def _unit_rows_parse(rows: list[list[str]]) -> tuple[list[UnitImportRow], list[str]]:
    errors: list[str] = []
    if not rows:
        return [], [_("Tệp không có dữ liệu.")]
    columns = {}
    for index, header in enumerate(rows[0]):
        key = _UNIT_HEADER_ALIASES.get(header.strip().lower())
        if key:
            columns[key] = index
    missing = [header for key, header in UNIT_COLUMNS if key not in columns and key != "kind"]
    if missing:
        return [], [_("Thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)}]
    parsed: list[UnitImportRow] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(key: str, row=row) -> str:
            index = columns.get(key)
            return row[index].strip() if index is not None and index < len(row) else ""

        code, name, parent_code = cell("code"), cell("name"), cell("parent_code")
        row_errors = []
        if not code:
            row_errors.append(_("thiếu mã đơn vị"))
        elif not _SLUG.match(code) or len(code) > 40:
            row_errors.append(
                _("mã đơn vị “%(code)s” chỉ được gồm chữ không dấu, số, gạch ngang (tối đa 40)")
                % {"code": code}
            )
        if not name:
            row_errors.append(_("thiếu tên đơn vị"))
        elif len(name) > 255:
            row_errors.append(_("tên đơn vị dài quá 255 ký tự"))
        kind = _unit_kind_parse(cell("kind"))
        if kind is None:
            row_errors.append(_("loại đơn vị “%(kind)s” không hợp lệ") % {"kind": cell("kind")})
        raw_headcount = cell("headcount") or "0"
        try:
            headcount = int(raw_headcount)
        except ValueError:
            headcount = 0
            row_errors.append(
                _("số người “%(value)s” không phải số nguyên") % {"value": raw_headcount}
            )
        else:
            if headcount < 0:
                row_errors.append(_("số người không được âm"))
            elif headcount > UNIT_HEADCOUNT_MAX:
                row_errors.append(_("số người tối đa là 10.000.000"))
        if parent_code and parent_code == code:
            row_errors.append(_("đơn vị không thể là cấp trên của chính nó"))
        if row_errors:
            errors.append(
                _("Dòng %(row)d: %(reasons)s.") % {"row": number, "reasons": "; ".join(row_errors)}
            )
            continue
        parsed.append(UnitImportRow(number, code, name, parent_code, kind or "", headcount))
    return parsed, errors


def _unit_tree_check(*, rows: list[UnitImportRow], existing: dict[str, str | None]) -> list[str]:
    """Duplicate codes, unknown parents and cycles in the tree the import would leave."""
    errors: list[str] = []
    first_row: dict[str, int] = {}
    for item in rows:
        if item.code in first_row:
            errors.append(
                _("Dòng %(row)d: mã đơn vị “%(code)s” trùng với dòng %(first)d.")
                % {"row": item.row, "code": item.code, "first": first_row[item.code]}
            )
        else:
            first_row[item.code] = item.row
    parents: dict[str, str | None] = dict(existing)
    for item in rows:
        parents[item.code] = item.parent_code or None
    for item in rows:
        if item.parent_code and item.parent_code not in parents:
            errors.append(
                _("Dòng %(row)d: không có đơn vị cấp trên mã “%(parent)s”.")
                % {"row": item.row, "parent": item.parent_code}
            )
    reported: set[str] = set()
    for item in rows:
        seen = [item.code]
        current = parents.get(item.code)
        while current is not None and current in parents:
            if current == item.code:
                if item.code not in reported:
                    reported.update(seen)
                    errors.append(
                        _("Dòng %(row)d: vòng lặp cấp trên – cấp dưới: %(path)s.")
                        % {"row": item.row, "path": " → ".join([*seen, item.code])}
                    )
                break
            if current in seen:
                break  # a cycle not through this row; reported on its own rows
            seen.append(current)
            current = parents.get(current)
    return errors


def units_import(*, content: bytes, filename: str, actor: User | None) -> UnitImportResult:
    """Create or update units from an .xlsx/.csv file (code, name, parent code, kind,
    headcount). The file is checked as a whole; on any bad row nothing is written and
    UnitImportError lists every row with its reason."""
    try:
        raw_rows = spreadsheet_rows_read(content=content, filename=filename)
    except SpreadsheetError as error:
        raise UnitImportError([str(error)]) from error
    rows, errors = _unit_rows_parse(raw_rows)
    with transaction.atomic():
        advisory_lock_take(key=_UNIT_IMPORT_LOCK)
        existing = {
            code: parent for code, parent in Unit.objects.values_list("code", "parent__code")
        }
        errors += _unit_tree_check(rows=rows, existing=existing)
        if not rows and not errors:
            errors.append(_("Tệp không có dòng dữ liệu nào."))
        if errors:
            raise UnitImportError(errors)
        units = {unit.code: unit for unit in Unit.objects.select_for_update()}
        created = updated = 0
        for item in rows:
            unit = units.get(item.code)
            if unit is None:
                unit = Unit.objects.create(
                    code=item.code, name=item.name, kind=item.kind, headcount=item.headcount
                )
                units[item.code] = unit
                created += 1
            else:
                unit.name, unit.kind, unit.headcount = item.name, item.kind, item.headcount
                unit.save(update_fields=["name", "kind", "headcount"])
                updated += 1
        for item in rows:
            unit = units[item.code]
            parent = units[item.parent_code] if item.parent_code else None
            if unit.parent_id != (parent.pk if parent else None):
                unit.parent = parent
                unit.save(update_fields=["parent"])
        audit_log_record(
            actor=actor,
            action="units_import",
            filename=filename,
            created=created,
            updated=updated,
        )
    return UnitImportResult(created=created, updated=updated)


def unit_link_visit_record(*, unit: Unit, day: dt.date | None = None) -> None:
    """Count one visit through the unit's link: an atomic upsert-increment in the database,
    so simultaneous scans never lose a count."""
    day = day or timezone.localdate()
    updated = UnitLinkVisit.objects.filter(unit=unit, day=day).update(count=F("count") + 1)
    if updated:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {UnitLinkVisit._meta.db_table} (unit_id, day, count) VALUES (%s, %s, 1) "
            "ON CONFLICT (unit_id, day) DO UPDATE SET count = "
            f"{UnitLinkVisit._meta.db_table}.count + 1",
            [unit.pk, day],
        )


# Visitors who bring no cookie of ours (a first visit, or a client that keeps none) are
# counted at most this many times per unit, day and address: an office behind one address
# scanning a poster is counted, a script hammering the link costs at most this many writes.
UNIT_VISITS_WITHOUT_COOKIE_PER_ADDRESS = 300
_UNIT_VISIT_CODES_KEPT = 30


def unit_link_visit_count(
    *, unit: Unit, counted: str, address: str, day: dt.date | None = None
) -> str:
    """Count a visit through the unit's link once per visitor per day. `counted` is what the
    visitor's signed cookie says was counted already ("<day>|code.code", characters a cookie
    holds unquoted; empty for none); returns the cookie's new value."""
    day = day or timezone.localdate()
    stamp, _sep, codes = counted.partition("|")
    seen = [code for code in codes.split(".") if code] if stamp == day.isoformat() else []
    if unit.code in seen:
        return counted
    if not counted:
        key = f"unit-visit:{unit.pk}:{day.isoformat()}:{address}"
        cache.add(key, 0, timeout=2 * 24 * 3600)
        try:
            over = cache.incr(key) > UNIT_VISITS_WITHOUT_COOKIE_PER_ADDRESS
        except ValueError:  # the cache is down: count, as before
            over = False
        if over:
            return counted
    unit_link_visit_record(unit=unit, day=day)
    seen = [*seen, unit.code][-_UNIT_VISIT_CODES_KEPT:]
    return f"{day.isoformat()}|{'.'.join(seen)}"


def participant_register(
    *,
    user: User,
    full_name: str,
    date_of_birth: dt.date,
    gender: str,
    unit: Unit,
    cccd: str | None = None,
    locality: str = "",
    privacy_consent_version: str = "",
) -> Participant:
    """Create the profile of a newly signed-up account, with the version of the privacy notice
    the person consented to (and when)."""
    return Participant.objects.create(
        user=user,
        full_name=full_name,
        date_of_birth=date_of_birth,
        gender=gender,
        unit=unit,
        cccd=cccd or None,
        locality=locality,
        privacy_consent_version=privacy_consent_version,
        privacy_consent_at=timezone.now() if privacy_consent_version else None,
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
