"""Certificates of participation and of prizes: what entitles a person to one, what it
prints (from today's data, so a lost prize is no longer confirmed), its PDF (rendered once,
then cached), issuing on first download and the organisers' zip of a round's prize
certificates."""

import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext as _

from core.audit import audit_log_record
from core.text import slugify_vi
from participants.models import Participant, User
from quizzes.models import FINISHED_STATES, Attempt
from rounds.models import Disqualification, Round

from .access import user_is_organiser
from .certificate_pdf import CertificateFacts, certificate_pdf_render
from .models import Award, Certificate, RoundResult

CERTIFICATE_CACHE_TIMEOUT = 7 * 24 * 3600


@dataclass(frozen=True)
class CertificateGrounds:
    """Why a person is entitled to a certificate of a round: the score it prints, and the
    prize for a prize certificate."""

    score: int
    question_count: int
    prize_name: str = ""


def certificate_grounds(
    *, participant_id: int, round: Round, kind: str
) -> CertificateGrounds | None:
    """What entitles the person to this certificate, or None. Only for a published
    (not practice) round, and not for a person disqualified from the contest. Participation:
    a submitted attempt (the counted one's score when ranked, else the best). Prize: an award
    of the round that is not waiting for the organisers' decision on a tie."""
    if round.state != Round.State.PUBLISHED or round.is_practice:
        return None
    if Disqualification.objects.filter(
        contest_id=round.contest_id, participant_id=participant_id
    ).exists():
        return None
    if kind == Certificate.Kind.PRIZE:
        award = (
            Award.objects.filter(round=round, participant_id=participant_id, needs_decision=False)
            .select_related("tier", "result__attempt")
            .first()
        )
        if award is None:
            return None
        return CertificateGrounds(
            score=award.result.score,
            question_count=award.result.attempt.question_count,
            prize_name=award.tier.name,
        )
    if kind != Certificate.Kind.PARTICIPATION:
        return None
    result = (
        RoundResult.objects.filter(round=round, participant_id=participant_id)
        .select_related("attempt")
        .first()
    )
    if result is not None:
        return CertificateGrounds(score=result.score, question_count=result.attempt.question_count)
    best = (
        Attempt.objects.filter(
            round=round, participant_id=participant_id, state__in=FINISHED_STATES
        )
        .order_by("-score", "duration_ms")
        .only("score", "question_count")
        .first()
    )
    if best is None:
        return None
    return CertificateGrounds(score=best.score, question_count=best.question_count)


def certificate_by_code(*, code: str) -> Certificate | None:
    if not code or len(code) > 40:
        return None
    return (
        Certificate.objects.filter(code=code)
        .select_related("participant__user", "participant__unit", "round__contest")
        .first()
    )


def certificate_verify_url(*, certificate: Certificate) -> str:
    return settings.SITE_URL + reverse("leaderboard:certificate_verify", args=[certificate.code])


def _date_label(moment: datetime) -> str:
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    return _("ngày %(d)s tháng %(m)s năm %(y)s") % {
        "d": local.day,
        "m": local.month,
        "y": local.year,
    }


def certificate_facts(*, certificate: Certificate) -> CertificateFacts | None:
    """What the certificate prints, from today's data; None when the person is no longer
    entitled to it (a prize lost in a re-ranking, a disqualification, results unpublished):
    then it is neither downloaded nor confirmed by the verification page."""
    round = certificate.round
    grounds = certificate_grounds(
        participant_id=certificate.participant_id, round=round, kind=certificate.kind
    )
    if grounds is None:
        return None
    person = certificate.participant
    return CertificateFacts(
        code=certificate.code,
        kind=certificate.kind,
        contest_name=round.contest.name,
        organiser_name=round.contest.organiser_name,
        person_name=person.full_name,
        unit_name=person.unit.name if person.unit else person.locality,
        round_name=round.name,
        prize_name=grounds.prize_name,
        score=grounds.score,
        question_count=grounds.question_count,
        date_label=_date_label(round.published_at or certificate.issued_at),
        verify_url=certificate_verify_url(certificate=certificate),
    )


def certificate_pdf(*, facts: CertificateFacts) -> bytes:
    """The PDF of a certificate, rendered on the first request and then served from the cache
    (the key is everything printed, so a change of name or prize renders it again)."""
    key = "certificate-pdf:v1:" + hashlib.sha256(repr(facts).encode()).hexdigest()
    content = cache.get(key)
    if content is None:
        content = certificate_pdf_render(facts=facts)
        cache.set(key, content, CERTIFICATE_CACHE_TIMEOUT)
    return content


def certificate_can_download(*, user: User, certificate: Certificate) -> bool:
    """Only its owner, or an organiser."""
    if not user.is_authenticated:
        return False
    return certificate.participant.user_id == user.pk or user_is_organiser(user=user)


# Sign-ups shown on the dashboard: from a week before the first round to the last round's end.


class CertificateError(Exception):
    """A certificate the person is not entitled to; the message is for them."""


def certificate_issue(*, participant: Participant, round: Round, kind: str) -> Certificate:
    """The person's certificate of this kind for the round, created on first request with a
    new unguessable code. Two requests racing get the same row (the unique constraint)."""
    if certificate_grounds(participant_id=participant.pk, round=round, kind=kind) is None:
        raise CertificateError(_("Bạn chưa đủ điều kiện nhận chứng nhận này."))
    certificate, _created = Certificate.objects.get_or_create(
        participant=participant, round=round, kind=kind
    )
    certificate.participant, certificate.round = participant, round
    return certificate


def round_prize_certificates_zip(*, round_ids: list[int], actor: User | None) -> bytes:
    """Every prize certificate of these published rounds as one zip (a folder per round),
    issuing the missing ones; logged per round. A round not published is refused."""
    rounds = list(Round.objects.filter(pk__in=round_ids).select_related("contest").order_by("pk"))
    for round in rounds:
        if round.state != Round.State.PUBLISHED or round.is_practice:
            raise CertificateError(
                _("Chỉ tải được chứng nhận của đợt thi đã công bố kết quả (%(name)s).")
                % {"name": round.name}
            )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for round in rounds:
            awards = (
                Award.objects.filter(round=round, needs_decision=False)
                .select_related("participant__user", "participant__unit", "tier", "result")
                .order_by("tier__order", "result__rank", "id")
            )
            count = 0
            for position, award in enumerate(awards, start=1):
                certificate, _created = Certificate.objects.get_or_create(
                    participant=award.participant, round=round, kind=Certificate.Kind.PRIZE
                )
                certificate.participant, certificate.round = award.participant, round
                facts = certificate_facts(certificate=certificate)
                if facts is None:
                    continue
                name = slugify_vi(f"{position:02d} {award.tier.name} {award.participant.full_name}")
                archive.writestr(
                    f"{slugify_vi(round.contest.slug)}-dot-{round.number}/{name}.pdf",
                    certificate_pdf(facts=facts),
                )
                count += 1
            audit_log_record(
                actor=actor, action="certificates_prize_zip", target=round, certificates=count
            )
    return buffer.getvalue()
