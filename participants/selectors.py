from collections.abc import Iterator

from django.conf import settings
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Participant, Unit, UnitLinkVisit, UnitRepresentative, User

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


def unit_by_code(*, code: str) -> Unit | None:
    return Unit.objects.filter(code=code, is_active=True).first()


def unit_link_url(*, unit: Unit) -> str:
    """The absolute short link printed in the unit's QR code and banners."""
    return settings.SITE_URL + reverse("participants:unit_link", kwargs={"code": unit.code})


def contest_home_url() -> str:
    return settings.SITE_URL + "/"


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
            unit.kind,
            unit.headcount,
        )


def unit_link_visits_total(*, unit_ids: set[int] | None = None) -> dict[int, int]:
    queryset = UnitLinkVisit.objects.all()
    if unit_ids is not None:
        queryset = queryset.filter(unit_id__in=unit_ids)
    return dict(
        queryset.values("unit_id").annotate(total=Sum("count")).values_list("unit_id", "total")
    )
