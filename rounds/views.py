from django.shortcuts import render
from django.utils import timezone

from participants.selectors import UNIT_QUERY_PARAMETER
from participants.services import signup_unit_remember

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
