from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from participants.selectors import UNIT_QUERY_PARAMETER
from participants.services import signup_unit_remember

from .models import Contest
from .selectors import contest_current, contest_rounds, round_countdown, round_timing_label


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


def rules(request, slug: str | None = None):
    now = timezone.now()
    if slug:
        contest = get_object_or_404(Contest, slug=slug, is_active=True)
    else:
        contest = contest_current(now=now)
    rounds = list(contest_rounds(contest=contest)) if contest else []
    minutes = contest.time_limit_seconds // 60 if contest else None
    return render(
        request,
        "rounds/rules.html",
        {"contest": contest, "rounds": rounds, "time_limit_minutes": minutes},
    )
