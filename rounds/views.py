from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from participants.selectors import UNIT_QUERY_PARAMETER
from participants.services import signup_unit_remember

from .selectors import (
    contest_current,
    contest_rounds,
    health_report,
    round_countdown,
    round_timing_label,
)


def home(request):
    code = request.GET.get(UNIT_QUERY_PARAMETER)
    if code:
        signup_unit_remember(session=request.session, code=code)
    now = timezone.now()
    contest = contest_current(now=now)
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
        "rounds/home.html",
        {
            "contest": contest,
            "rounds": rounds,
            "open_round": open_round,
            "time_limit_minutes": contest.time_limit_seconds // 60 if contest else None,
        },
    )


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitoring: 200 while the database answers (even with the cache
    or broker down: "degraded"), 503 when it does not."""
    report = health_report()
    status = 503 if report["status"] == "down" else 200
    return JsonResponse(report, status=status, json_dumps_params={"ensure_ascii": False})
