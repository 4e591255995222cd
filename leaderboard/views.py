from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from rounds.models import Round

from .selectors import provisional_board, round_results, round_winners, rounds_published

RESULTS_PER_PAGE = 50


def results_index(request):
    return render(request, "leaderboard/results_index.html", {"rounds": rounds_published()})


def round_results_page(request, round_id: int):
    round = get_object_or_404(Round.objects.select_related("contest"), pk=round_id)
    if round.state != Round.State.PUBLISHED or round.is_practice:
        # Before publication nothing of the ranking is public.
        return render(request, "leaderboard/not_published.html", {"round": round}, status=404)
    page = Paginator(round_results(round=round), RESULTS_PER_PAGE).get_page(
        request.GET.get("trang")
    )
    return render(
        request,
        "leaderboard/round_results.html",
        {"round": round, "winners": round_winners(round=round), "page": page},
    )


def provisional_board_page(request, round_id: int):
    round = get_object_or_404(Round.objects.select_related("contest"), pk=round_id)
    is_open = not round.is_practice and round.is_open_at(timezone.now())
    board = provisional_board(round_id=round.pk) if is_open else None
    return render(
        request,
        "leaderboard/provisional_board.html",
        {"round": round, "is_open": is_open, "board": board},
        status=200 if is_open else 404,
    )
