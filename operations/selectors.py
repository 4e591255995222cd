"""Reads for the pages that span apps."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from leaderboard.models import Award, RoundResult
from leaderboard.participation import ParticipationRow, participation_overall, participation_rows
from leaderboard.results import counted_attempts_stored, participant_recognition
from participants.models import Participant
from quizzes.models import FINISHED_STATES, Attempt
from quizzes.selectors import contest_finished_attempts, participant_history
from rounds.models import Contest, Round
from rounds.selectors import contest_current, contest_rounds, round_timing_label


@dataclass(frozen=True)
class ContestTotals:
    participants: int
    attempts: int
    computed_at: datetime


HOME_TOTALS_FRESH_SECONDS = 60


def contest_totals(*, contest_id: int, now: datetime | None = None) -> ContestTotals:
    """The home page's live totals: people who took part in the contest's official rounds and
    their finished attempts. Computed on first need (one aggregate query), then kept in the
    cache and recomputed at most once a minute by one request while the others read the last
    figures: right from the first attempt on, not only after the periodic refresh of the
    participation tables (which the reports read)."""
    now = now or timezone.now()
    key = f"operations:contest-totals:{contest_id}"
    totals = cache.get(key)
    stale = totals is None or (now - totals.computed_at).total_seconds() > HOME_TOTALS_FRESH_SECONDS
    if stale and (totals is None or cache.add(f"{key}:computing", 1, timeout=30)):
        counts = contest_finished_attempts(contest_id=contest_id).aggregate(
            people=Count("participant_id", distinct=True), attempts=Count("id")
        )
        totals = ContestTotals(
            participants=counts["people"], attempts=counts["attempts"], computed_at=now
        )
        cache.set(key, totals, timeout=24 * 3600)
        cache.delete(f"{key}:computing")
    return totals


def contest_home(*, now: datetime) -> Contest | None:
    """The contest of the home page (rounds.selectors.contest_current) in the same one query
    with its practice round open now (`practice_round_id`)."""
    practice = Round.objects.filter(
        contest=OuterRef("pk"),
        is_practice=True,
        starts_at__lte=now,
        ends_at__gt=now,
        state__in=[Round.State.SCHEDULED, Round.State.OPEN],
    ).order_by("number")
    return contest_current(
        contests=Contest.objects.annotate(practice_round_id=Subquery(practice.values("pk")[:1])),
    )


def participant_history_page(*, participant: Participant) -> list[dict]:
    """A person's attempts by round for the history page: the counted attempt as the stored
    ranking has it once the round is ranked (none when the ranking left the person out),
    the ranking policy's provisional pick before; and the rank, prize and certificates of
    the published rounds."""
    groups = participant_history(participant=participant)
    if not groups:
        return groups
    stored = counted_attempts_stored(participant_id=participant.pk)
    recognition = participant_recognition(user_id=participant.user_id)
    for group in groups:
        round = group["round"]
        if round.state in (Round.State.RANKED, Round.State.PUBLISHED) and not round.is_practice:
            attempt_id = stored.get(round.pk)
            group["counted"] = next((a for a in group["attempts"] if a.pk == attempt_id), None)
        group["recognition"] = recognition.get(round.pk)
    return groups


# --- what a round action will do, for its confirmation page ----------------------------------

ROUND_ACTIONS = ("close_now", "recompute_ranking", "publish_results", "unpublish_results")


def round_action_impact(*, round: Round, action: str, now: datetime | None = None) -> list[str]:
    """What the action will do to this round, in the organiser's words, with how many people
    it touches; the first line says it will be refused when the round's state does not allow
    it."""
    now = now or timezone.now()
    attempts = Attempt.objects.filter(round=round)
    in_progress = attempts.filter(state=Attempt.State.IN_PROGRESS).count()
    finished = attempts.filter(state__in=FINISHED_STATES)
    people = finished.values("participant_id").distinct().count()
    results = RoundResult.objects.filter(round=round).count()
    awards = Award.objects.filter(round=round)
    ties = awards.filter(needs_decision=True).count()
    if action == "close_now":
        if not round.is_open_at(now):
            return [_("Đợt thi không đang diễn ra: sẽ không có gì thay đổi.")]
        return [
            _("Đợt thi kết thúc ngay bây giờ thay vì %(ends)s.")
            % {"ends": timezone.localtime(round.ends_at).strftime("%d/%m/%Y %H:%M")},
            ngettext(
                "%(n)d người đang làm bài: bài được nộp tự động với các câu đã lưu.",
                "%(n)d người đang làm bài: bài được nộp tự động với các câu đã lưu.",
                in_progress,
            )
            % {"n": in_progress},
            ngettext(
                "%(n)d người đã nộp bài sẽ được xếp hạng sau thời gian gia hạn.",
                "%(n)d người đã nộp bài sẽ được xếp hạng sau thời gian gia hạn.",
                people,
            )
            % {"n": people},
            _("Không ai vào thi được nữa trong đợt này."),
        ]
    if action == "recompute_ranking":
        return [
            ngettext(
                "Bảng xếp hạng của %(n)d người được tính lại từ bài thi đã lưu.",
                "Bảng xếp hạng của %(n)d người được tính lại từ bài thi đã lưu.",
                people,
            )
            % {"n": people},
            ngettext(
                "%(n)d giải hiện có có thể đổi người nhận.",
                "%(n)d giải hiện có có thể đổi người nhận.",
                awards.count(),
            )
            % {"n": awards.count()},
        ] + (
            [_("Kết quả đang công khai sẽ được cập nhật ngay.")]
            if round.state == "published"
            else []
        )
    if action == "publish_results":
        lines = [
            ngettext(
                "Kết quả của %(n)d người và %(awards)d giải được công khai trên trang kết quả.",
                "Kết quả của %(n)d người và %(awards)d giải được công khai trên trang kết quả.",
                results,
            )
            % {"n": results, "awards": awards.count()},
            _("Người đạt giải và người tham gia tải được giấy chứng nhận."),
            _("Một bản nháp thông báo kết quả được tạo để Ban Tổ chức sửa và đăng."),
        ]
        if ties:
            lines.append(
                ngettext(
                    "Còn %(n)d người đồng hạng ở suất giải cuối chờ Ban Tổ chức quyết định.",
                    "Còn %(n)d người đồng hạng ở suất giải cuối chờ Ban Tổ chức quyết định.",
                    ties,
                )
                % {"n": ties}
            )
        return lines
    if action == "unpublish_results":
        return [
            ngettext(
                "Kết quả của %(n)d người và %(awards)d giải bị gỡ khỏi trang công khai.",
                "Kết quả của %(n)d người và %(awards)d giải bị gỡ khỏi trang công khai.",
                results,
            )
            % {"n": results, "awards": awards.count()},
            _("Giấy chứng nhận của đợt không tải và không xác minh được cho đến khi công bố lại."),
            _("Sau khi hủy công bố, có thể sửa thời gian, cơ cấu giải và quy tắc rút câu hỏi."),
        ]
    raise ValueError(action)


@dataclass(frozen=True)
class DashboardRound:
    round: Round
    phase: str
    phase_label: str
    timing: str


@dataclass(frozen=True)
class AdminDashboard:
    """What the admin index shows of the current contest: its rounds with their state and
    countdown, participation against the target, how many top-level units reached it."""

    contest: Contest
    rounds: list[DashboardRound]
    overall: ParticipationRow | None
    units_total: int
    units_reached: int


def admin_dashboard(*, now: datetime | None = None) -> AdminDashboard | None:
    """The current contest (the one the home page shows) for the admin index; None when
    there is none. Reads the stored participation figures only (five queries)."""
    now = now or timezone.now()
    contest = contest_current()
    if contest is None:
        return None
    rounds = [
        DashboardRound(
            round=round,
            phase=round.phase_at(now),
            phase_label=str(Round.State(round.phase_at(now)).label),
            timing=round_timing_label(round=round, now=now),
        )
        for round in contest_rounds(contest=contest)
    ]
    top_units = [row for row in participation_rows(contest=contest) if row.depth == 0]
    return AdminDashboard(
        contest=contest,
        rounds=rounds,
        overall=participation_overall(contest=contest),
        units_total=len(top_units),
        units_reached=sum(1 for row in top_units if row.reached),
    )
