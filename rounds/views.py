from django.shortcuts import render
from django.utils import timezone

from .selectors import contest_current, contest_rounds, round_timing_label


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
