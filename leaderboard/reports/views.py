"""Downloads of the official documents, under the report pages' own access rules and scope
(`/bao-cao/`: a representative's units and their sub-units, organisers every unit)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..access import report_forbidden, user_is_organiser, user_sees_personal_data
from ..views import _scope, _unit_access
from .selectors import ReportUnavailable
from .services import (
    REPORT_FORMATS,
    GeneratedReport,
    committee_summary_generate,
    unit_report_generate,
)


def report_download(report: GeneratedReport, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(report.content, content_type=report.content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{report.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def report_unavailable(request, error: ReportUnavailable) -> HttpResponse:
    return render(
        request, "leaderboard/report_unavailable.html", {"message": str(error)}, status=409
    )


def _format(fmt: str) -> str:
    if fmt not in REPORT_FORMATS:
        raise Http404(_("Định dạng không hỗ trợ."))
    return fmt


@login_required
@require_GET
def unit_document(request, code: str, fmt: str):
    """A unit's report for a round (?dot=) or the contest so far."""
    unit, allowed = _unit_access(request, code)
    if not allowed:
        return report_forbidden(request)
    fmt = _format(fmt)
    contest, round = _scope(request)
    try:
        report = unit_report_generate(
            actor=request.user,
            contest=contest,
            round=round,
            unit=unit,
            file_format=fmt,
            full_personal_data=user_sees_personal_data(user=request.user),
        )
    except ReportUnavailable as error:
        return report_unavailable(request, error)
    return report_download(report)


@login_required
@require_GET
def committee_summary(request, fmt: str):
    """Organisers: the committee's summary of the whole contest."""
    if not user_is_organiser(user=request.user):
        return report_forbidden(request)
    fmt = _format(fmt)
    contest, _round = _scope(request)
    try:
        report = committee_summary_generate(
            actor=request.user,
            contest=contest,
            file_format=fmt,
            full_personal_data=user_sees_personal_data(user=request.user),
        )
    except ReportUnavailable as error:
        return report_unavailable(request, error)
    return report_download(report)
