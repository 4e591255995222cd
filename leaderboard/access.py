"""Who may read which report: organisers (staff with the report permission) read every unit,
unit representatives their own units and sub-units; full personal data needs its explicit
permission."""

import functools

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from participants.models import PERSONAL_DATA_PERMISSION, User
from participants.selectors import units_represented_ids

REPORT_PERMISSION = "leaderboard.view_participationstat"


def user_is_organiser(*, user: User) -> bool:
    return bool(user.is_authenticated and user.is_staff and user.has_perm(REPORT_PERMISSION))


def report_unit_ids(*, user: User) -> set[int] | None:
    """The units whose reports the user may read: None for every unit (organisers), else
    the units they represent and their sub-units (empty: none)."""
    if user_is_organiser(user=user):
        return None
    return units_represented_ids(user=user)


def user_sees_personal_data(*, user: User) -> bool:
    return bool(user.is_authenticated and user.has_perm(PERSONAL_DATA_PERMISSION))


def report_forbidden(request, message: str | None = None) -> HttpResponse:
    """The 403 page of a report the reader may not see, in Vietnamese."""
    return render(
        request,
        "leaderboard/forbidden.html",
        {"message": message or _("Bạn không có quyền xem báo cáo này.")},
        status=403,
    )


def organiser_required(view):
    """A page for organisers only: a visitor is sent to log in, anyone else gets the 403
    page (the check is `user_is_organiser`, written once)."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not user_is_organiser(user=request.user):
            return report_forbidden(request)
        return view(request, *args, **kwargs)

    return wrapper
