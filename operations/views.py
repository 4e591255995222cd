"""Pages that span apps: the home page, a participant's history (attempts from quizzes, rank
and certificates from leaderboard), /healthz, and the organisers' request to refresh the
stored figures (it queues a task). Thin: parse, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from content.selectors import announcements_latest
from leaderboard.access import organiser_required
from leaderboard.results import participant_recognition
from participants.selectors import UNIT_QUERY_PARAMETER, participant_of
from participants.services import signup_unit_remember
from quizzes.selectors import participant_history
from rounds.selectors import contest_chosen, contest_rounds, round_countdown, round_timing_label

from .health import health_report
from .selectors import contest_home, contest_totals
from .tasks import participation_refresh_task


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitoring: 200 while the database answers (even with the cache
    or broker down: "degraded"), 503 when it does not."""
    report = health_report()
    status = 503 if report["status"] == "down" else 200
    return JsonResponse(report, status=status, json_dumps_params={"ensure_ascii": False})


@organiser_required
@require_POST
def report_refresh(request):
    """Organisers: queue a refresh of the stored figures (the worker does the work)."""
    contest = contest_chosen(slug=request.GET.get("cuoc_thi", ""))
    if contest is None:
        raise Http404(_("Chưa có cuộc thi nào."))
    participation_refresh_task.delay(contest.pk)
    messages.success(
        request,
        _(
            "Đã gửi yêu cầu tổng hợp lại số liệu lúc %(time)s. Số liệu mới hiện trên trang "
            "khi tổng hợp xong, thường sau ít phút: tải lại trang và xem dòng “Số liệu cập "
            "nhật lúc”."
        )
        % {"time": timezone.localtime().strftime("%H:%M:%S")},
    )
    round_number = request.GET.get("dot", "")
    query = f"?cuoc_thi={contest.slug}" + (f"&dot={round_number}" if round_number.isdigit() else "")
    return redirect(reverse("leaderboard:report") + query)


def home(request):
    """The contest, its schedule with countdowns, the latest announcements, the live totals
    (computed on first need, then cached) and the practice round. Three queries for a
    visitor, four when the totals are recomputed (at most once a minute)."""
    code = request.GET.get(UNIT_QUERY_PARAMETER)
    if code:
        signup_unit_remember(session=request.session, code=code)
    now = timezone.now()
    contest = contest_home(now=now)
    rounds = []
    open_round = None
    if contest is not None:
        for round in contest_rounds(contest=contest):
            phase = round.phase_at(now)
            if phase == round.State.OPEN and open_round is None:
                open_round = round
            rounds.append(
                {
                    "round": round,
                    "phase": phase,
                    "phase_label": round.get_phase_display(),
                    "timing": round_timing_label(round=round, now=now),
                    "countdown": round_countdown(round=round, now=now),
                }
            )
    return render(
        request,
        "operations/home.html",
        {
            "contest": contest,
            "rounds": rounds,
            "open_round": open_round,
            "time_limit_minutes": contest.time_limit_seconds // 60 if contest else None,
            "announcements": announcements_latest(contest=contest) if contest else [],
            "totals": contest_totals(contest_id=contest.pk, now=now) if contest else None,
        },
    )


@never_cache
@login_required
def history(request):
    """Every attempt of the person by round, with the rank, prize and certificates of the
    published rounds."""
    participant = participant_of(user=request.user)
    groups = participant_history(participant=participant) if participant else []
    if groups:
        recognition = participant_recognition(user_id=request.user.pk)
        for group in groups:
            group["recognition"] = recognition.get(group["round"].pk)
    return render(
        request, "operations/history.html", {"groups": groups, "participant": participant}
    )
