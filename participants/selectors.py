import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import DataDeletionRequest, Participant, Unit, UnitLinkVisit, UnitRepresentative, User
from .phones import normalize_phone

REQUIRED_PROFILE_FIELDS = ("full_name", "date_of_birth", "gender", "unit_id")


def participant_missing_fields(*, participant: Participant) -> list[str]:
    """Names (for people) of the profile fields still empty; an attempt needs them all."""
    labels = {
        "full_name": _("họ và tên"),
        "date_of_birth": _("ngày sinh"),
        "gender": _("giới tính"),
        "unit_id": _("đơn vị"),
    }
    return [labels[name] for name in REQUIRED_PROFILE_FIELDS if not getattr(participant, name)]


# The unit a visitor arrived through (unit link /u/<code>/ or ?don_vi=<code>), remembered in
# the session so that sign-up can pre-select it.
SIGNUP_UNIT_SESSION_KEY = "signup_unit_code"
UNIT_QUERY_PARAMETER = "don_vi"


def unit_link_url(*, unit: Unit) -> str:
    """The absolute short link printed in the unit's QR code and banners."""
    return settings.SITE_URL + reverse("participants:unit_link", kwargs={"code": unit.code})


def contest_home_url() -> str:
    return settings.SITE_URL + "/"


def contest_qr_caption() -> str:
    """Under the contest's QR code: the site's address as people type it (no scheme)."""
    return urlsplit(settings.SITE_URL).netloc


def unit_tree_children() -> dict[int | None, list[int]]:
    """Unit ids by parent id (None for roots), the whole tree in one query."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in Unit.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(unit_id)
    return children


def unit_descendant_ids(*, unit_ids: list[int]) -> set[int]:
    """The given units and every unit below them."""
    children = unit_tree_children()
    found: set[int] = set()
    stack = list(unit_ids)
    while stack:
        unit_id = stack.pop()
        if unit_id in found:
            continue
        found.add(unit_id)
        stack.extend(children.get(unit_id, []))
    return found


def units_represented_ids(*, user: User) -> set[int]:
    """Units a unit representative may see: theirs and their sub-units."""
    if not user.is_authenticated:
        return set()
    roots = list(UnitRepresentative.objects.filter(user=user).values_list("unit_id", flat=True))
    return unit_descendant_ids(unit_ids=roots) if roots else set()


def units_export_rows() -> Iterator[tuple]:
    """Rows of the unit export, in the import's column order (a file exported can be
    re-imported unchanged)."""
    queryset = Unit.objects.select_related("parent").order_by("parent_id", "sort_order", "code")
    for unit in queryset.iterator(chunk_size=2000):
        yield (
            unit.code,
            unit.name,
            unit.parent.code if unit.parent else "",
            unit.get_kind_display(),
            unit.headcount,
        )


def unit_link_visits_total(*, unit_ids: set[int] | None = None) -> dict[int, int]:
    queryset = UnitLinkVisit.objects.all()
    if unit_ids is not None:
        queryset = queryset.filter(unit_id__in=unit_ids)
    return dict(
        queryset.values("unit_id").annotate(total=Sum("count")).values_list("unit_id", "total")
    )


def unit_tree_choices() -> list:
    """Choices for a unit <select>: each top-level unit with sub-units becomes an option
    group (itself first, then its descendants indented by depth); one query."""
    units = list(Unit.objects.filter(is_active=True).order_by("sort_order", "name"))
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    known = {unit.pk for unit in units}
    # Units whose parent is inactive are shown at the top level rather than lost.
    roots = [unit for unit in units if unit.parent_id is None or unit.parent_id not in known]

    def descendants(unit: Unit, depth: int) -> list[tuple[int, str]]:
        rows = []
        for child in children.get(unit.pk, []):
            rows.append((child.pk, "\u2003" * (depth - 1) + "– " + child.name))
            rows.extend(descendants(child, depth + 1))
        return rows

    choices: list = []
    for root in roots:
        below = descendants(root, 1)
        if below:
            choices.append((root.name, [(root.pk, root.name), *below]))
        else:
            choices.append((root.pk, root.name))
    return choices


def unit_by_code(*, code: str) -> Unit | None:
    if not code or len(code) > 40:
        return None
    return Unit.objects.filter(code=code, is_active=True).first()


def participant_of(*, user) -> Participant | None:
    """The profile of a signed-in account (None for an organiser without one)."""
    if not user.is_authenticated:
        return None
    return Participant.objects.filter(user=user).select_related("unit").first()


def unit_contacts(*, participant: Participant) -> list[str]:
    """Who a participant can ask to correct locked data: their unit's representatives."""
    if participant.unit_id is None:
        return []
    reps = UnitRepresentative.objects.filter(unit_id=participant.unit_id).select_related(
        "user__participant"
    )
    contacts = []
    for rep in reps:
        profile = getattr(rep.user, "participant", None)
        name = profile.full_name if profile else ""
        contacts.append(f"{name} ({rep.user})".strip())
    return contacts


def deletion_request_pending(*, participant: Participant):
    """The person's confirmed request to delete their account that organisers have not carried
    out yet (an unconfirmed one is confirmed by submitting the page's form)."""
    return participant.deletion_requests.filter(
        processed_at=None, confirmed_at__isnull=False
    ).first()


def _open_confirmed_requests():
    return DataDeletionRequest.objects.filter(processed_at=None, confirmed_at__isnull=False)


def participants_due_for_anonymising() -> QuerySet[Participant]:
    """People whose own open, confirmed deletion request is waiting, not yet anonymised, and
    whose account is neither staff nor superuser: the only people anonymisation may touch.
    (A subquery on the requests, not a filter through the reverse relation, which would
    also match people who never asked.)"""
    return (
        Participant.objects.filter(
            pk__in=_open_confirmed_requests().values("participant_id"),
            anonymised_at=None,
            user__is_staff=False,
            user__is_superuser=False,
        )
        .select_related("user", "unit")
        .order_by("pk")
    )


def deletion_requests_refused() -> QuerySet[Participant]:
    """People with an open, confirmed deletion request whose account is staff or superuser:
    never anonymised by the command; an administrator removes their rights first."""
    return (
        Participant.objects.filter(
            pk__in=_open_confirmed_requests().values("participant_id"), anonymised_at=None
        )
        .filter(Q(user__is_staff=True) | Q(user__is_superuser=True))
        .select_related("user")
        .order_by("pk")
    )


def account_manageable_by(*, actor: User, account: User | None) -> bool:
    """Whether `actor` may change `account` in the admin. Staff and superuser accounts
    (organisers, administrators) are changed only by a superuser: an organiser who could edit
    them could take one over (password, phone) or raise their own rights."""
    if account is None or actor.is_superuser:
        return True
    return not (account.is_staff or account.is_superuser)


def account_login_changeable_by(*, actor: User) -> bool:
    """Only a superuser changes an account's login identity (its phone number, or the
    profile's account): password resets go by SMS to that number, so whoever sets it can take
    the account over."""
    return actor.is_superuser


def account_password_settable_by(*, actor: User, account: User) -> bool:
    """Only a superuser sets a password in the admin, and only a staff account's: a
    participant resets their own with the code sent to their phone."""
    return actor.is_superuser and account.is_staff


@dataclass(frozen=True)
class PersonalSearch:
    """How an admin search term is matched against phone numbers and CCCD."""

    condition: Q
    kind: str  # "phone", "cccd" (a whole number, exact) or "partial" (digits, contains)


_SEARCH_SEPARATORS = re.compile(r"[\s.\-()]")
_PARTIAL_DIGITS = re.compile(r"^\+?\d{3,12}$")


def personal_search(
    *, term: str, phone_field: str, cccd_field: str | None, partial_allowed: bool
) -> PersonalSearch | None:
    """The phone/CCCD condition of an admin search, whatever the spelling (0987650001,
    84987650001, +84987650001, 0987 650 001). A whole number matches exactly; parts of
    numbers ("contains") only for readers allowed full personal data, since 26 "contains"
    searches recovered a masked number (issue 14.5). None: the term is not a number."""
    with contextlib.suppress(ValidationError):
        return PersonalSearch(Q(**{phone_field: normalize_phone(term)}), "phone")
    digits = _SEARCH_SEPARATORS.sub("", term or "")
    if cccd_field and len(digits) == 12 and digits.isascii() and digits.isdigit():
        return PersonalSearch(Q(**{cccd_field: digits}), "cccd")
    if partial_allowed and _PARTIAL_DIGITS.match(digits):
        digits = digits.lstrip("+")
        national = digits[1:] if digits.startswith("0") else digits
        condition = Q(**{f"{phone_field}__contains": national})
        if cccd_field:
            condition |= Q(**{f"{cccd_field}__contains": digits})
        return PersonalSearch(condition, "partial")
    return None
