"""Participation reports, exports, dashboards, the public board, the collective ranking and the
units' promotion ("Tuyên truyền") pages. Views parse input, check access, call selectors."""

import hashlib
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.spreadsheets import EXPORT_FORMATS, export_filename, export_response
from participants.banners import BannerText, banner_render
from participants.selectors import (
    unit_by_code,
    unit_descendant_ids,
    unit_link_url,
    unit_link_visits_total,
)
from rounds.models import Contest, Round
from rounds.selectors import contest_chosen, contest_rounds, contests_for_reports

from .access import (
    organiser_required,
    report_forbidden,
    report_unit_ids,
    user_sees_personal_data,
)
from .exports import (
    COLLECTIVE_HEADERS,
    PARTICIPATION_HEADERS,
    RANKING_HEADERS,
    UNIT_PEOPLE_HEADERS,
    WINNERS_HEADERS,
    collective_export_rows,
    participation_export_rows,
    round_ranking_export_open,
    unit_people_export_open,
    unit_people_page_rows,
    winners_export_open,
)
from .participation import (
    collective_ranking,
    dashboard_data,
    participation_overall,
    participation_refreshed_at,
    participation_rows,
)

PAGE_PEOPLE_LIMIT = 500
BANNER_CACHE_SECONDS = 600


def _scope(request) -> tuple[Contest, Round | None]:
    """The contest (?cuoc_thi=<slug>, else the current one) and round (?dot=<number>, else
    the whole contest) a page is about."""
    contest = contest_chosen(slug=request.GET.get("cuoc_thi", ""))
    if contest is None:
        raise Http404(_("Chưa có cuộc thi nào."))
    number = request.GET.get("dot", "")
    round = None
    if number:
        round = (
            contest_rounds(contest=contest).filter(number=number).first()
            if number.isascii() and number.isdigit()
            else None
        )
        if round is None:
            raise Http404(_("Không có đợt thi này."))
    return contest, round


def _scope_context(contest: Contest, round: Round | None, *, organiser: bool = False) -> dict:
    return {
        "contest": contest,
        "contests": list(contests_for_reports(organiser=organiser)),
        "round": round,
        "rounds": list(contest_rounds(contest=contest)),
        "refreshed_at": participation_refreshed_at(contest=contest),
    }


def _export_format(fmt: str) -> str:
    if fmt not in EXPORT_FORMATS:
        raise Http404(_("Định dạng không hỗ trợ."))
    return fmt


def _scope_filename(prefix: str, contest: Contest, round: Round | None) -> str:
    return export_filename(prefix, contest.slug, f"dot-{round.number}" if round else "")


@login_required
@require_GET
def report(request):
    """Participation per unit: every unit for organisers, a representative's own units."""
    unit_ids = report_unit_ids(user=request.user)
    if unit_ids is not None and not unit_ids:
        return report_forbidden(request)
    contest, round = _scope(request)
    rows = participation_rows(contest=contest, round=round, unit_ids=unit_ids)
    visits = unit_link_visits_total(unit_ids=unit_ids)
    for row in rows:
        row.visits = visits.get(row.unit.pk, 0)
    is_organiser = unit_ids is None
    context = {
        **_scope_context(contest, round, organiser=is_organiser),
        "rows": rows,
        "overall": participation_overall(contest=contest, round=round) if is_organiser else None,
        "is_organiser": is_organiser,
        # A representative's own top units get their report's buttons; organisers the summary.
        "document_units": [] if is_organiser else [row.unit for row in rows if row.depth == 0],
    }
    return render(request, "leaderboard/report.html", context)


def _unit_access(request, code: str):
    unit = unit_by_code(code=code)
    if unit is None:
        raise Http404(_("Không tìm thấy đơn vị."))
    allowed = report_unit_ids(user=request.user)
    if allowed is not None and unit.pk not in allowed:
        return unit, False
    return unit, True


@login_required
@require_GET
def unit_report(request, code: str):
    """A unit and its sub-units: figures, and the people who took part."""
    unit, allowed = _unit_access(request, code)
    if not allowed:
        return report_forbidden(request)
    contest, round = _scope(request)
    subtree = unit_descendant_ids(unit_ids=[unit.pk])
    full = user_sees_personal_data(user=request.user)
    people = unit_people_page_rows(
        actor=request.user,
        unit=unit,
        contest=contest,
        round=round,
        full_personal_data=full,
        limit=PAGE_PEOPLE_LIMIT,
    )
    context = {
        **_scope_context(contest, round, organiser=report_unit_ids(user=request.user) is None),
        "unit": unit,
        "rows": participation_rows(contest=contest, round=round, unit_ids=subtree),
        "people": people,
        "people_limit": PAGE_PEOPLE_LIMIT,
        "people_headers": UNIT_PEOPLE_HEADERS,
        "full_personal_data": full,
        "document_units": [unit],
    }
    return render(request, "leaderboard/unit_report.html", context)


@login_required
@require_GET
def participation_export(request, fmt: str):
    unit_ids = report_unit_ids(user=request.user)
    if unit_ids is not None and not unit_ids:
        return report_forbidden(request)
    contest, round = _scope(request)
    rows = participation_rows(contest=contest, round=round, unit_ids=unit_ids)
    return export_response(
        export_format=_export_format(fmt),
        filename=_scope_filename("ty-le-tham-gia", contest, round),
        title=_("Tỷ lệ tham gia"),
        headers=PARTICIPATION_HEADERS,
        rows=participation_export_rows(rows),
        widths=[16, 50, 6, 14, 12, 12, 12, 14, 12, 14, 14],
    )


@login_required
@require_GET
def unit_people_export(request, code: str, fmt: str):
    """Personal data: logged with who, what and how much was visible."""
    unit, allowed = _unit_access(request, code)
    if not allowed:
        return report_forbidden(request)
    fmt = _export_format(fmt)
    contest, round = _scope(request)
    # ?tat_ca=1: everyone registered in the unit, not only those who took part.
    everyone = bool(request.GET.get("tat_ca"))
    prefix = f"nguoi-dang-ky-{unit.code}" if everyone else f"nguoi-du-thi-{unit.code}"
    return export_response(
        export_format=fmt,
        filename=_scope_filename(prefix, contest, round),
        title=_("Người dự thi"),
        headers=UNIT_PEOPLE_HEADERS,
        rows=unit_people_export_open(
            actor=request.user,
            unit=unit,
            contest=contest,
            round=round,
            export_format=fmt,
            full_personal_data=user_sees_personal_data(user=request.user),
            took_part_only=not everyone,
        ),
        widths=[6, 30, 16, 16, 40, 18, 10, 10, 18],
    )


@organiser_required
@require_GET
def ranking_export(request, round_id: int, fmt: str):
    fmt = _export_format(fmt)
    round = get_object_or_404(Round.objects.select_related("contest"), pk=round_id)
    return export_response(
        export_format=fmt,
        filename=_scope_filename("xep-hang", round.contest, round),
        title=_("Xếp hạng"),
        headers=RANKING_HEADERS,
        rows=round_ranking_export_open(
            actor=request.user,
            round=round,
            export_format=fmt,
            full_personal_data=user_sees_personal_data(user=request.user),
        ),
        widths=[8, 30, 16, 40, 8, 12, 14, 14, 18, 10],
    )


@organiser_required
@require_GET
def winners_export(request, fmt: str):
    fmt = _export_format(fmt)
    contest, _round = _scope(request)
    return export_response(
        export_format=fmt,
        filename=export_filename("giai-thuong", contest.slug),
        title=_("Giải thưởng"),
        headers=WINNERS_HEADERS,
        rows=winners_export_open(
            actor=request.user,
            contest=contest,
            export_format=fmt,
            full_personal_data=user_sees_personal_data(user=request.user),
        ),
        widths=[10, 20, 8, 30, 16, 30, 16, 40, 8, 14, 14, 14],
    )


@require_GET
def collective(request):
    """Public: units ranked for the collective prizes (no personal data)."""
    contest, round = _scope(request)
    context = {
        **_scope_context(contest, round),
        "ranking": collective_ranking(contest=contest, round=round),
        "can_export": report_unit_ids(user=request.user) is None,
    }
    return render(request, "leaderboard/collective.html", context)


@organiser_required
@require_GET
def collective_export(request, fmt: str):
    contest, round = _scope(request)
    return export_response(
        export_format=_export_format(fmt),
        filename=_scope_filename("giai-tap-the", contest, round),
        title=_("Giải tập thể"),
        headers=COLLECTIVE_HEADERS,
        rows=collective_export_rows(collective_ranking(contest=contest, round=round)),
        widths=[8, 16, 50, 14, 12, 14, 12, 24],
    )


@organiser_required
@require_GET
def dashboard(request):
    """Organisers: activity per day and hour, unit rates against the target, scores."""
    contest, _round = _scope(request)
    data = dashboard_data(contest=contest)
    context = {
        **_scope_context(contest, None, organiser=True),
        "data": data,
        "overall": participation_overall(contest=contest),
        "rows": participation_rows(contest=contest),
    }
    return render(request, "leaderboard/dashboard.html", context)


@require_GET
def public_board(request):
    """Public: each unit's participation rate against the target (no personal data)."""
    contest, round = _scope(request)
    rows = participation_rows(contest=contest, round=round)
    data = {
        "target": float(contest.participation_target_percent),
        "units": [{"name": row.unit.name, "rate": row.rate or 0} for row in rows if row.depth <= 1],
        "labels": {
            "rate": _("Tỷ lệ tham gia (%)"),
            "target": _("Chỉ tiêu %(target)s%%")
            % {"target": f"{contest.participation_target_percent.normalize():f}"},
        },
    }
    context = {
        **_scope_context(contest, round),
        "rows": rows,
        "overall": participation_overall(contest=contest, round=round),
        "data": data,
    }
    return render(request, "leaderboard/public_board.html", context)


def _banner_text(contest: Contest, unit) -> BannerText:
    local = ZoneInfo(settings.TIME_ZONE)
    dates = [
        _("%(name)s: %(start)s – %(end)s")
        % {
            "name": round.name,
            "start": round.starts_at.astimezone(local).strftime("%Hh %d/%m"),
            "end": round.ends_at.astimezone(local).strftime("%Hh %d/%m/%Y"),
        }
        for round in contest_rounds(contest=contest)
    ]
    return BannerText(
        title=contest.name,
        dates=tuple(dates),
        url=unit_link_url(unit=unit),
        unit_name=unit.name,
        call_to_action=_("Quét mã QR hoặc truy cập"),
    )


@require_GET
def promotion(request, code: str):
    """'Tuyên truyền': banners, QR codes and the HTML embed snippet for a unit's website."""
    unit = unit_by_code(code=code)
    if unit is None:
        return render(request, "participants/unit_not_found.html", {"code": code}, status=404)
    contest, _round = _scope(request)
    link = unit_link_url(unit=unit)
    wide_url = settings.SITE_URL + reverse("leaderboard:banner", args=[unit.code, "ngang"])
    context = {
        "contest": contest,
        "unit": unit,
        "link": link,
        "banner_text": _banner_text(contest, unit),
        "embed_snippet": (
            f'<a href="{link}" target="_blank" rel="noopener">'
            f'<img src="{wide_url}" alt="{contest.name}" width="1200" height="300" '
            f'style="max-width:100%;height:auto"></a>'
        ),
    }
    return render(request, "leaderboard/promotion.html", context)


@require_GET
def banner(request, code: str, kind: str):
    kinds = {"ngang": "wide", "vuong": "square"}
    unit = unit_by_code(code=code)
    if unit is None or kind not in kinds:
        raise Http404(_("Không tìm thấy biểu ngữ."))
    contest, _round = _scope(request)
    text = _banner_text(contest, unit)
    key = "banner:" + hashlib.sha256(repr((kinds[kind], text)).encode()).hexdigest()
    content = cache.get(key)
    if content is None:
        content = banner_render(kind=kinds[kind], text=text)
        cache.set(key, content, BANNER_CACHE_SECONDS)
    response = HttpResponse(content, content_type="image/png")
    response["Cache-Control"] = f"public, max-age={BANNER_CACHE_SECONDS}"
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="banner-{kind}-{unit.code}.png"'
    return response
