from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .selectors import contest_current, contest_rounds, health_report, round_timing_label


def home(request):
    now = timezone.now()
    contest = contest_current(now=now)
    rounds = []
    if contest is not None:
        for round in contest_rounds(contest=contest):
            rounds.append(
                {
                    "round": round,
                    "phase": round.phase_at(now),
                    "phase_label": round.get_phase_display(),
                    "timing": round_timing_label(round=round, now=now),
                }
            )
    return render(request, "rounds/home.html", {"contest": contest, "rounds": rounds})


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitoring: 200 while the database answers (even with the cache
    or broker down: "degraded"), 503 when it does not."""
    report = health_report()
    status = 503 if report["status"] == "down" else 200
    return JsonResponse(report, status=status, json_dumps_params={"ensure_ascii": False})
