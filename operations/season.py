"""Setting up a season in one step: a contest (existing, new, or copied from last year's),
its weekly rounds with the directive's windows, the prize tiers and draw rules of a chosen
round, and the banks its rounds draw from. Each part is the service of its app."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import User
from quizzes.bank_changes import contest_banks_add
from quizzes.draw_rules import draw_rules_copy
from rounds.models import Contest, Round
from rounds.services import (
    RoundStateError,
    contest_copy,
    contest_draft_create,
    round_overlap_check,
    round_window_warnings,
    season_rounds_create,
    season_windows,
)


@dataclass(frozen=True)
class Season:
    contest: Contest
    rounds: list[Round]
    template: Round | None


def season_set_up(
    *,
    contest: Contest | None,
    new_name: str = "",
    new_slug: str = "",
    copy_from_contest: Contest | None = None,
    copy_from_round: Round | None = None,
    first_day: date,
    count: int,
    days_open: int,
    every_days: int,
    bank_ids: list[int],
    actor: User | None,
) -> Season:
    """Create the season, all or nothing (a window that overlaps refuses the whole season)."""
    with transaction.atomic():
        if contest is None:
            if copy_from_contest is not None:
                contest = contest_copy(
                    source=copy_from_contest, name=new_name, slug=new_slug, actor=actor
                )
            else:
                contest = contest_draft_create(name=new_name, slug=new_slug, actor=actor)
        template = copy_from_round
        if template is None and copy_from_contest is not None:
            template = copy_from_contest.rounds.filter(is_practice=False).order_by("number").first()
        rounds = season_rounds_create(
            contest=contest,
            first_day=first_day,
            count=count,
            days_open=days_open,
            every_days=every_days,
            prize_tiers_from=template,
            actor=actor,
        )
        if template is not None:
            draw_rules_copy(source=template, targets=rounds)
        if not bank_ids and copy_from_contest is not None:
            bank_ids = list(copy_from_contest.question_banks.values_list("pk", flat=True))
        contest_banks_add(contest_id=contest.pk, bank_ids=bank_ids, actor=actor)
    return Season(contest=contest, rounds=rounds, template=template)


def season_windows_preview(
    *,
    contest: Contest | None,
    first_day: date,
    count: int,
    days_open: int,
    every_days: int,
) -> list[dict]:
    """The windows the set-up would create, each with what is wrong with it (an overlap with
    a round of the contest, a start that is not a Monday)."""
    rows = []
    for starts, ends in season_windows(
        first_day=first_day, count=count, days_open=days_open, every_days=every_days
    ):
        problems = []
        if contest is not None:
            try:
                round_overlap_check(contest_id=contest.pk, starts_at=starts, ends_at=ends)
            except RoundStateError as error:
                problems.append(str(error))
        problems += round_window_warnings(starts_at=starts, ends_at=ends)
        if timezone.localtime(starts).weekday() != 0:
            problems.append(_("Đợt không bắt đầu vào thứ Hai."))
        rows.append({"starts_at": starts, "ends_at": ends, "problems": problems})
    return rows
