"""The rows and headers of the report exports (streamed to .xlsx or .csv by
core.spreadsheets): people of units, participation per unit, the collective ranking, a round's
full ranking with every tie-break value, the winners. Phones and CCCD are masked unless the
reader may see personal data."""

import itertools
from collections.abc import Iterator

from django.db.models import Count, Max, Min, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_log_record
from core.collation import VietnameseOrder
from core.spreadsheets import Seconds
from participants.models import Participant, Unit, User
from participants.phones import mask_cccd, mask_phone, national_format
from participants.selectors import unit_descendant_ids
from quizzes.models import FINISHED_STATES
from rounds.models import Contest, Round

from .models import Award, RoundResult
from .participation import CollectiveRow, ParticipationRow


def _phone(user_phone: str, full: bool) -> str:
    return national_format(user_phone) if full else mask_phone(user_phone)


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
        .order_by(VietnameseOrder("unit__name"), VietnameseOrder("full_name"), "id")
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
            person.created_at,
            person.attempt_count,
            person.best_score,
            person.last_submitted,
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
            Seconds(result.duration_ms / 1000),
            result.submitted_at,
            result.attempt.number,
        )


WINNERS_HEADERS = (
    gettext_lazy("Đợt thi"),
    gettext_lazy("Giải"),
    gettext_lazy("Hạng"),
    gettext_lazy("Họ và tên"),
    gettext_lazy("Số điện thoại"),
    gettext_lazy("Email"),
    gettext_lazy("Số CCCD"),
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
            # Contacting winners: e-mail and CCCD in full only with the permission.
            person.user.email if full_personal_data else "",
            (person.cccd or "") if full_personal_data else mask_cccd(person.cccd or ""),
            person.unit.name if person.unit else "",
            award.result.score,
            award.result.prediction_error,
            Seconds(award.result.duration_ms / 1000),
            _("Có") if award.needs_decision else "",
        )


# --- Opening an export of personal data: logged (who, what, how much was visible) ------------


def unit_people_export_open(
    *,
    actor: User,
    unit: Unit,
    contest: Contest,
    round: Round | None,
    export_format: str,
    full_personal_data: bool,
    took_part_only: bool,
) -> Iterator[tuple]:
    """The rows of an export of the people of a unit and its sub-units, logged."""
    audit_log_record(
        actor=actor,
        action="export_unit_people",
        target=unit,
        contest=contest.slug,
        round=round.number if round else None,
        format=export_format,
        full_personal_data=full_personal_data,
        took_part_only=took_part_only,
    )
    return unit_people_rows(
        unit_ids=unit_descendant_ids(unit_ids=[unit.pk]),
        contest=contest,
        round=round,
        full_personal_data=full_personal_data,
        took_part_only=took_part_only,
    )


def unit_people_page_rows(
    *,
    actor: User,
    unit: Unit,
    contest: Contest,
    round: Round | None,
    full_personal_data: bool,
    limit: int,
) -> list[tuple]:
    """The first `limit` people of a unit's report page. Shown with full personal data, the
    page is logged like an export (who, which unit, how many people)."""
    rows = list(
        itertools.islice(
            unit_people_rows(
                unit_ids=unit_descendant_ids(unit_ids=[unit.pk]),
                contest=contest,
                round=round,
                full_personal_data=full_personal_data,
            ),
            limit,
        )
    )
    if full_personal_data and rows:
        audit_log_record(
            actor=actor,
            action="view_unit_people",
            target=unit,
            contest=contest.slug,
            round=round.number if round else None,
            people=len(rows),
            full_personal_data=True,
        )
    return rows


def round_ranking_export_open(
    *, actor: User, round: Round, export_format: str, full_personal_data: bool
) -> Iterator[tuple]:
    """The rows of an export of a round's full ranking, logged."""
    audit_log_record(
        actor=actor,
        action="export_round_ranking",
        target=round,
        format=export_format,
        full_personal_data=full_personal_data,
    )
    return round_ranking_rows(round=round, full_personal_data=full_personal_data)


def winners_export_open(
    *, actor: User, contest: Contest, export_format: str, full_personal_data: bool
) -> Iterator[tuple]:
    """The rows of an export of a contest's winners, logged."""
    audit_log_record(
        actor=actor,
        action="export_winners",
        target=contest,
        format=export_format,
        full_personal_data=full_personal_data,
    )
    return winners_rows(contest=contest, full_personal_data=full_personal_data)
