"""Reads of stored rankings, the cached provisional board and the stored participation
statistics (nothing here computes a rank or a rate on the request path)."""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Min, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants.models import PERSONAL_DATA_PERMISSION, Participant, Unit, User
from participants.phones import mask_cccd, mask_phone, national_format
from participants.selectors import unit_tree_children, units_represented_ids
from quizzes.models import FINISHED_STATES, Attempt
from rounds.models import Contest, Disqualification, PrizeTier, Round

from .certificate_pdf import CertificateFacts, certificate_pdf_render
from .models import ActivityStat, Award, Certificate, ParticipationStat, RoundResult, ScoreStat
from .services import provisional_board_cache_key

REPORT_PERMISSION = "leaderboard.view_participationstat"


def user_is_organiser(*, user: User) -> bool:
    return bool(user.is_authenticated and user.is_staff and user.has_perm(REPORT_PERMISSION))


def report_unit_ids(*, user: User) -> set[int] | None:
    """The units whose reports the user may read: None for every unit (organisers), else
    the units they represent and their sub-units (empty: none)."""
    if user_is_organiser(user=user):
        return None
    return units_represented_ids(user=user)


def user_sees_personal_data(*, user: User) -> bool:
    return bool(user.is_authenticated and user.has_perm(PERSONAL_DATA_PERMISSION))


@dataclass
class ParticipationRow:
    stat: ParticipationStat
    depth: int
    target_percent: Decimal
    visits: int = 0

    @property
    def unit(self) -> Unit | None:
        return self.stat.unit

    @property
    def rate(self) -> float | None:
        return self.stat.rate_percent

    @property
    def gap(self) -> float | None:
        """Percentage points still missing to the target (0 once reached)."""
        if self.rate is None:
            return None
        return round(max(float(self.target_percent) - self.rate, 0.0), 2)

    @property
    def missing_people(self) -> int:
        """How many more people the unit needs to reach the target."""
        needed = -(-self.stat.headcount_total * int(self.target_percent * 100) // 10000)
        return max(needed - self.stat.participants_total, 0)

    @property
    def reached(self) -> bool:
        return self.rate is not None and self.rate >= float(self.target_percent)


def participation_rows(
    *, contest: Contest, round: Round | None = None, unit_ids: set[int] | None = None
) -> list[ParticipationRow]:
    """Stored figures per unit, in tree order (parents before their children) with their
    depth, limited to `unit_ids` when given. One query for the stats, one for the tree."""
    stats = {
        stat.unit_id: stat
        for stat in ParticipationStat.objects.filter(
            contest=contest, round=round, unit__isnull=False
        ).select_related("unit")
    }
    children = unit_tree_children()
    order: list[tuple[int, int]] = []

    def walk(unit_id: int, depth: int) -> None:
        order.append((unit_id, depth))
        kids = sorted(
            children.get(unit_id, []),
            key=lambda k: (stats[k].unit.sort_order, stats[k].unit.name) if k in stats else (0, ""),
        )
        for child in kids:
            walk(child, depth + 1)

    roots = sorted(
        children.get(None, []),
        key=lambda k: (stats[k].unit.sort_order, stats[k].unit.name) if k in stats else (0, ""),
    )
    for root in roots:
        walk(root, 0)
    target = contest.participation_target_percent
    rows = []
    if unit_ids is not None:
        # A representative's top unit is shown at depth 0.
        base = min((depth for unit_id, depth in order if unit_id in unit_ids), default=0)
    else:
        base = 0
    for unit_id, depth in order:
        if unit_id in stats and (unit_ids is None or unit_id in unit_ids):
            rows.append(ParticipationRow(stats[unit_id], depth - base, target))
    return rows


def participation_overall(
    *, contest: Contest, round: Round | None = None
) -> ParticipationRow | None:
    stat = ParticipationStat.objects.filter(contest=contest, round=round, unit__isnull=True).first()
    return ParticipationRow(stat, 0, contest.participation_target_percent) if stat else None


def participation_refreshed_at(*, contest: Contest):
    return (
        ParticipationStat.objects.filter(contest=contest)
        .order_by()
        .aggregate(at=Max("refreshed_at"))["at"]
    )


@dataclass
class CollectiveRow:
    rank: int | None
    row: ParticipationRow
    eligible: bool
    reason: str


def collective_ranking(*, contest: Contest, round: Round | None = None) -> list[CollectiveRow]:
    """Units ranked by participation rate (sub-units included) for the collective prizes:
    eligible units (headcount ≥ the contest's minimum and rate ≥ its minimum rate) first,
    ranked by rate then number of participants, equal keys sharing a rank; the others after,
    with the reason."""
    min_rate = float(contest.collective_min_rate_percent)
    min_headcount = contest.collective_min_headcount
    eligible, others = [], []
    for row in participation_rows(contest=contest, round=round):
        if row.stat.headcount_total < max(min_headcount, 1):
            others.append(
                CollectiveRow(
                    None,
                    row,
                    False,
                    _("Dưới %(n)d người") % {"n": max(min_headcount, 1)},
                )
            )
        elif (row.rate or 0) < min_rate:
            others.append(
                CollectiveRow(None, row, False, _("Tỷ lệ dưới %(rate)s%%") % {"rate": min_rate})
            )
        else:
            eligible.append(row)
    eligible.sort(key=lambda r: (-(r.rate or 0), -r.stat.participants_total, r.unit.name))
    ranked: list[CollectiveRow] = []
    previous_key = None
    rank = 0
    for position, row in enumerate(eligible, start=1):
        key = (row.rate, row.stat.participants_total)
        if key != previous_key:
            rank = position
            previous_key = key
        ranked.append(CollectiveRow(rank, row, True, ""))
    others.sort(key=lambda r: (-(r.row.rate or 0), r.row.unit.name))
    return ranked + others


def dashboard_data(*, contest: Contest, unit_ids: set[int] | None = None) -> dict:
    """Everything the organiser dashboard draws, from the stored tables; JSON-ready."""
    local = ZoneInfo(settings.TIME_ZONE)
    activity: dict[str, list] = {"hour": [], "day": []}
    for stat in ActivityStat.objects.filter(contest=contest).order_by("period", "starts_at"):
        moment = stat.starts_at.astimezone(local)
        label = (
            moment.strftime("%d/%m %Hh") if stat.period == "hour" else moment.strftime("%d/%m/%Y")
        )
        activity[stat.period].append(
            {
                "label": label,
                "participants": stat.participants,
                "attempts": stat.attempts,
                "registrations": stat.registrations,
            }
        )
    rows = participation_rows(contest=contest, unit_ids=unit_ids)
    units = [
        {
            "name": row.unit.name,
            "rate": row.rate or 0,
            "participants": row.stat.participants_total,
            "headcount": row.stat.headcount_total,
        }
        for row in rows
        if row.depth <= 1
    ]
    scores: dict[int, dict[int, int]] = {}
    for stat in ScoreStat.objects.filter(round__contest=contest):
        scores.setdefault(stat.round_id, {})[stat.score] = stat.attempts
    score_rounds = []
    for round in Round.objects.filter(contest=contest, is_practice=False).order_by("number"):
        counts = scores.get(round.pk, {})
        top = max([contest.questions_per_attempt, *counts.keys()])
        score_rounds.append(
            {"name": round.name, "counts": [counts.get(score, 0) for score in range(top + 1)]}
        )
    return {
        "target": float(contest.participation_target_percent),
        "minRate": float(contest.collective_min_rate_percent),
        "activity": activity,
        "units": units,
        "scores": score_rounds,
        "labels": {
            "participants": _("Người dự thi"),
            "attempts": _("Lượt thi"),
            "registrations": _("Đăng ký mới"),
            "rate": _("Tỷ lệ tham gia (%)"),
            "target": _("Chỉ tiêu %(target)s%%")
            % {"target": f"{contest.participation_target_percent.normalize():f}"},
            "score": _("Điểm"),
        },
    }


def _phone(user_phone: str, full: bool) -> str:
    return national_format(user_phone) if full else mask_phone(user_phone)


def _local(moment) -> str:
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%d/%m/%Y %H:%M")


UNIT_PEOPLE_HEADERS = (
    gettext_lazy("STT"),
    gettext_lazy("Họ và tên"),
    gettext_lazy("Số điện thoại"),
    gettext_lazy("Số CCCD"),
    gettext_lazy("Đơn vị"),
    gettext_lazy("Ngày đăng ký"),
    gettext_lazy("Số lượt thi"),
    gettext_lazy("Điểm cao nhất"),
    gettext_lazy("Nộp bài gần nhất"),
)


def unit_people_rows(
    *,
    unit_ids: set[int],
    contest: Contest,
    round: Round | None,
    full_personal_data: bool,
    took_part_only: bool = True,
) -> Iterator[tuple]:
    """The people registered in the units with their figures in the round (or the whole
    contest); by default only those who submitted an attempt there. Phone and CCCD masked
    unless allowed."""
    finished = Q(attempts__state__in=FINISHED_STATES, attempts__round__is_practice=False)
    if round is not None:
        finished &= Q(attempts__round=round)
    else:
        finished &= Q(attempts__round__contest=contest)
    queryset = (
        Participant.objects.filter(unit_id__in=unit_ids)
        .annotate(
            attempt_count=Count("attempts", filter=finished),
            best_score=Max("attempts__score", filter=finished),
            last_submitted=Max("attempts__submitted_at", filter=finished),
            first_submitted=Min("attempts__submitted_at", filter=finished),
        )
        .select_related("user", "unit")
        .order_by("unit__name", "full_name", "id")
    )
    if took_part_only:
        queryset = queryset.filter(attempt_count__gt=0)
    for index, person in enumerate(queryset.iterator(chunk_size=2000), start=1):
        yield (
            index,
            person.full_name,
            _phone(person.user.phone, full_personal_data),
            (person.cccd or "") if full_personal_data else mask_cccd(person.cccd or ""),
            person.unit.name if person.unit else "",
            _local(person.created_at),
            person.attempt_count,
            person.best_score,
            _local(person.last_submitted),
        )


PARTICIPATION_HEADERS = (
    gettext_lazy("Mã đơn vị"),
    gettext_lazy("Tên đơn vị"),
    gettext_lazy("Cấp"),
    gettext_lazy("Số người (gồm cấp dưới)"),
    gettext_lazy("Đã đăng ký"),
    gettext_lazy("Đã dự thi"),
    gettext_lazy("Số lượt thi"),
    gettext_lazy("Tỷ lệ tham gia (%)"),
    gettext_lazy("Chỉ tiêu (%)"),
    gettext_lazy("Còn thiếu (điểm %)"),
    gettext_lazy("Còn thiếu (người)"),
)


def participation_export_rows(rows: list[ParticipationRow]) -> Iterator[tuple]:
    for row in rows:
        yield (
            row.unit.code,
            "    " * row.depth + row.unit.name,
            row.depth + 1,
            row.stat.headcount_total,
            row.stat.registered_total,
            row.stat.participants_total,
            row.stat.attempts_total,
            row.rate,
            float(row.target_percent),
            row.gap,
            row.missing_people,
        )


COLLECTIVE_HEADERS = (
    gettext_lazy("Hạng"),
    gettext_lazy("Mã đơn vị"),
    gettext_lazy("Tên đơn vị"),
    gettext_lazy("Số người (gồm cấp dưới)"),
    gettext_lazy("Đã dự thi"),
    gettext_lazy("Tỷ lệ tham gia (%)"),
    gettext_lazy("Đủ điều kiện"),
    gettext_lazy("Ghi chú"),
)


def collective_export_rows(rows: list[CollectiveRow]) -> Iterator[tuple]:
    for item in rows:
        yield (
            item.rank or "",
            item.row.unit.code,
            item.row.unit.name,
            item.row.stat.headcount_total,
            item.row.stat.participants_total,
            item.row.rate,
            _("Có") if item.eligible else _("Không"),
            item.reason,
        )


RANKING_HEADERS = (
    gettext_lazy("Hạng"),
    gettext_lazy("Họ và tên"),
    gettext_lazy("Số điện thoại"),
    gettext_lazy("Đơn vị"),
    gettext_lazy("Điểm"),
    gettext_lazy("Dự đoán"),
    gettext_lazy("Sai số dự đoán"),
    gettext_lazy("Thời gian làm bài (giây)"),
    gettext_lazy("Nộp bài lúc"),
    gettext_lazy("Lượt thi được tính"),
)


def round_ranking_rows(*, round: Round, full_personal_data: bool) -> Iterator[tuple]:
    """Every stored ranking row of the round with every tie-break value, in rank order."""
    queryset = (
        RoundResult.objects.filter(round=round)
        .select_related("participant__user", "participant__unit", "attempt")
        .order_by("rank", "id")
    )
    for result in queryset.iterator(chunk_size=5000):
        person = result.participant
        yield (
            result.rank,
            person.full_name,
            _phone(person.user.phone, full_personal_data),
            person.unit.name if person.unit else "",
            result.score,
            result.prediction,
            result.prediction_error,
            f"{result.duration_ms / 1000:.3f}",
            _local(result.submitted_at),
            result.attempt.number,
        )


WINNERS_HEADERS = (
    gettext_lazy("Đợt thi"),
    gettext_lazy("Giải"),
    gettext_lazy("Hạng"),
    gettext_lazy("Họ và tên"),
    gettext_lazy("Số điện thoại"),
    gettext_lazy("Đơn vị"),
    gettext_lazy("Điểm"),
    gettext_lazy("Sai số dự đoán"),
    gettext_lazy("Thời gian làm bài (giây)"),
    gettext_lazy("Cần Ban Tổ chức quyết định"),
)


def winners_rows(*, contest: Contest, full_personal_data: bool) -> Iterator[tuple]:
    queryset = (
        Award.objects.filter(round__contest=contest)
        .select_related("round", "tier", "result", "participant__user", "participant__unit")
        .order_by("round__number", "tier__order", "result__rank", "id")
    )
    for award in queryset.iterator(chunk_size=2000):
        person = award.participant
        yield (
            award.round.name,
            award.tier.name,
            award.result.rank,
            person.full_name,
            _phone(person.user.phone, full_personal_data),
            person.unit.name if person.unit else "",
            award.result.score,
            award.result.prediction_error,
            f"{award.result.duration_ms / 1000:.3f}",
            _("Có") if award.needs_decision else "",
        )


def rounds_published(*, contest_id: int | None = None) -> QuerySet[Round]:
    rounds = Round.objects.filter(state=Round.State.PUBLISHED, is_practice=False).select_related(
        "contest"
    )
    if contest_id is not None:
        rounds = rounds.filter(contest_id=contest_id)
    return rounds.order_by("-contest__created_at", "contest_id", "number")


def round_results(*, round: Round) -> QuerySet[RoundResult]:
    """The stored ranking of a round, best first, with what a public row shows."""
    return (
        RoundResult.objects.filter(round=round)
        .select_related("participant__user", "participant__unit")
        .order_by("rank", "submitted_at", "id")
    )


@dataclass(frozen=True)
class TierWinners:
    tier: PrizeTier
    awards: list[Award]


def round_winners(*, round: Round) -> list[TierWinners]:
    """The prize winners of a round, tier by tier."""
    awards = list(
        Award.objects.filter(round=round)
        .select_related("tier", "result", "participant__user", "participant__unit")
        .order_by("tier__order", "result__rank", "result_id")
    )
    tiers: dict[int, TierWinners] = {}
    for award in awards:
        tiers.setdefault(award.tier_id, TierWinners(tier=award.tier, awards=[])).awards.append(
            award
        )
    return list(tiers.values())


@dataclass(frozen=True)
class ProvisionalBoard:
    computed_at: datetime
    rows: list[dict]


def provisional_board(*, round_id: int) -> ProvisionalBoard | None:
    """The provisional board of an open round as the periodic task last stored it, or None."""
    stored = cache.get(provisional_board_cache_key(round_id))
    if stored is None:
        return None
    return ProvisionalBoard(computed_at=stored["computed_at"], rows=stored["rows"])


# --- Certificates ---------------------------------------------------------------------------

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


@dataclass(frozen=True)
class RoundRecognition:
    """What the history page shows for one of a person's rounds: the stored result (rank and
    tie-break values), the prize, the certificates."""

    round_id: int
    result: RoundResult | None
    prize_name: str
    kinds: tuple[str, ...]


def participant_recognition(*, user_id: int) -> dict[int, RoundRecognition]:
    """For each published round where this account submitted an attempt: its rank, its prize
    and the certificates it may download (round id → RoundRecognition). Four queries."""
    played = set(
        Attempt.objects.filter(
            participant__user_id=user_id,
            state__in=FINISHED_STATES,
            round__state=Round.State.PUBLISHED,
            round__is_practice=False,
        )
        .values_list("round_id", "round__contest_id")
        .distinct()
    )
    if not played:
        return {}
    excluded = set(
        Disqualification.objects.filter(participant__user_id=user_id).values_list(
            "contest_id", flat=True
        )
    )
    results = {
        result.round_id: result
        for result in RoundResult.objects.filter(
            participant__user_id=user_id, round_id__in=[r for r, _c in played]
        ).select_related("round")
    }
    prizes = dict(
        Award.objects.filter(
            participant__user_id=user_id,
            round_id__in=[r for r, _c in played],
            needs_decision=False,
        ).values_list("round_id", "tier__name")
    )
    recognition = {}
    for round_id, contest_id in played:
        kinds: tuple[str, ...] = ()
        if contest_id not in excluded:
            kinds = (Certificate.Kind.PARTICIPATION,)
            if round_id in prizes:
                kinds += (Certificate.Kind.PRIZE,)
        recognition[round_id] = RoundRecognition(
            round_id=round_id,
            result=results.get(round_id),
            prize_name=prizes.get(round_id, "") if contest_id not in excluded else "",
            kinds=kinds,
        )
    return recognition
