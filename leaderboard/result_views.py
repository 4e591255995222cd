"""Public results of published rounds, the provisional board of open rounds, and certificates
(a person's own, by code for its owner or an organiser, and the public verification page)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from participants.selectors import (
    participant_of,
)
from rounds.models import Round

from .certificates import (
    CertificateError,
    certificate_by_code,
    certificate_can_download,
    certificate_facts,
    certificate_issue,
    certificate_pdf,
)
from .models import Certificate, PublicationEvent
from .provisional import provisional_board
from .publication import correction_rows, round_publication_log, round_results_file
from .results import round_results, round_winners, rounds_published

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
    log = round_publication_log(round=round)
    return render(
        request,
        "leaderboard/round_results.html",
        {
            "round": round,
            "winners": round_winners(round=round),
            "page": page,
            "results_file": round_results_file(round=round),
            "log": log,
            "corrections": [
                (event, correction_rows(moves=event.changes or []))
                for event in log
                if event.kind == PublicationEvent.Kind.CORRECTION
            ],
        },
    )


def round_results_download(request, round_id: int):
    """The published round's canonical results file (its SHA-256 is on the results page)."""
    round = get_object_or_404(Round.objects.select_related("contest"), pk=round_id)
    if round.state != Round.State.PUBLISHED or round.is_practice:
        return render(request, "leaderboard/not_published.html", {"round": round}, status=404)
    response = HttpResponse(
        round_results_file(round=round).content, content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="ket-qua-dot-{round.pk}.csv"'
    return response


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


CERTIFICATE_KINDS = {"tham-gia": Certificate.Kind.PARTICIPATION, "dat-giai": Certificate.Kind.PRIZE}


def _certificate_response(facts, *, download: bool) -> HttpResponse:
    response = HttpResponse(certificate_pdf(facts=facts), content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="chung-nhan-{facts.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _certificate_refused(request, message: str) -> HttpResponse:
    return render(
        request, "leaderboard/certificate_not_found.html", {"message": message}, status=404
    )


@login_required
@require_GET
def certificate_mine(request, round_id: int, kind: str):
    """The signed-in person's own certificate of a round (issued on the first download)."""
    participant = participant_of(user=request.user)
    round = get_object_or_404(Round.objects.select_related("contest"), pk=round_id)
    if participant is None or kind not in CERTIFICATE_KINDS:
        return _certificate_refused(request, _("Không tìm thấy chứng nhận."))
    try:
        certificate = certificate_issue(
            participant=participant, round=round, kind=CERTIFICATE_KINDS[kind]
        )
    except CertificateError as error:
        return _certificate_refused(request, str(error))
    facts = certificate_facts(certificate=certificate)
    if facts is None:
        return _certificate_refused(request, _("Không tìm thấy chứng nhận."))
    return _certificate_response(facts, download=bool(request.GET.get("tai-ve")))


@login_required
@require_GET
def certificate_download(request, code: str):
    """A certificate by its code: for its owner or an organiser; anyone else gets a 404, as
    for a code that does not exist (nothing tells them it does)."""
    certificate = certificate_by_code(code=code)
    if certificate is None or not certificate_can_download(
        user=request.user, certificate=certificate
    ):
        return _certificate_refused(request, _("Không tìm thấy chứng nhận."))
    facts = certificate_facts(certificate=certificate)
    if facts is None:
        return _certificate_refused(request, _("Không tìm thấy chứng nhận."))
    return _certificate_response(facts, download=True)


@require_GET
def certificate_verify(request, code: str):
    """Public: whether a certificate is genuine (masked name, unit, round, prize)."""
    certificate = certificate_by_code(code=code)
    facts = certificate_facts(certificate=certificate) if certificate else None
    if facts is None:
        return render(request, "leaderboard/certificate_verify.html", {"code": code}, status=404)
    return render(
        request,
        "leaderboard/certificate_verify.html",
        {"code": code, "certificate": certificate, "facts": facts},
    )
