"""Reads of the question bank for organisers: the active pool by topic and difficulty, whether
a question was drawn, its key, the answers a new key would re-mark, and what a re-score would
change."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rounds.models import Round

from .models import FINISHED_STATES, AttemptAnswer, Choice, Question
from .questions import CheckedQuestion


def question_pool_counts(
    *,
    round: Round,
    without_ids: Iterable[int] = (),
    with_ids: Iterable[int] = (),
    excluded_ids: Iterable[int] = (),
) -> dict[tuple[int, int], int]:
    """A round's pool (quizzes.selectors.round_pool_questions) by (topic id, difficulty); with
    `without_ids`/`with_ids`, as it would be once those questions are deactivated/activated;
    leaving out `excluded_ids` (questions whose key an earlier round showed)."""
    pool = Question.objects.filter(
        Q(is_active=True) | Q(pk__in=list(with_ids)),
        is_practice=round.is_practice,
        bank__contests=round.contest_id,
    ).exclude(pk__in=[*without_ids, *excluded_ids])
    rows = pool.order_by().values_list("topic_id", "difficulty").annotate(n=Count("id"))
    return {(topic_id, difficulty): n for topic_id, difficulty, n in rows}


def bank_questions_for_check(*, is_practice: bool) -> list[CheckedQuestion]:
    """A bank's active questions (official or practice) with their options in stored order, for
    the bank checks (quizzes.bank.bank_check). Two queries."""
    questions = (
        Question.objects.filter(is_active=True, is_practice=is_practice)
        .order_by("id")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("sort_order", "id")))
    )
    checked = []
    for question in questions:
        choices = list(question.choices.all())
        checked.append(
            CheckedQuestion(
                label=_("mã %(id)d") % {"id": question.pk},
                text=question.text,
                choices=[choice.text for choice in choices],
                correct=[index for index, choice in enumerate(choices) if choice.is_correct],
                kind=question.kind,
                question_id=question.pk,
            )
        )
    return checked


def question_is_used(*, question_id: int) -> bool:
    """Whether some attempt drew this question (then it can be deactivated, not deleted)."""
    return AttemptAnswer.objects.filter(question_id=question_id).exists()


def question_correct_ids(*, question_id: int) -> list[int]:
    return sorted(
        Choice.objects.filter(question_id=question_id, is_correct=True).values_list("id", flat=True)
    )


def answers_to_remark(*, question_id: int, correct_ids: list[int]) -> QuerySet[AttemptAnswer]:
    """Answers of finished attempts whose stored mark disagrees with this key. `selected` is
    stored sorted (answer_save), so a fully correct answer equals the sorted key."""
    return AttemptAnswer.objects.filter(
        Q(selected=correct_ids, is_correct=False) | (~Q(selected=correct_ids) & Q(is_correct=True)),
        question_id=question_id,
        attempt__state__in=FINISHED_STATES,
    )


@dataclass(frozen=True)
class RescorePreview:
    attempts: int
    rounds: list[Round]  # rounds of those attempts
    ranked_rounds: list[Round]  # the ones already ranked or published: they are re-ranked


def question_rescore_preview(*, question_id: int) -> RescorePreview:
    """What re-scoring this question by its current key would change."""
    answers = answers_to_remark(
        question_id=question_id, correct_ids=question_correct_ids(question_id=question_id)
    )
    attempt_ids = answers.values("attempt_id")
    rounds = list(
        Round.objects.filter(attempts__id__in=attempt_ids)
        .select_related("contest")
        .distinct()
        .order_by("contest_id", "number")
    )
    return RescorePreview(
        attempts=answers.count(),
        rounds=rounds,
        ranked_rounds=[r for r in rounds if r.state in (Round.State.RANKED, Round.State.PUBLISHED)],
    )


def rounds_live_drawing_from(
    *, bank_ids: Iterable[int], is_practice: bool | None = None, now: datetime | None = None
) -> list[Round]:
    """The rounds running now whose contest names one of these banks (of the official or the
    practice pool, or both): changing those banks changes what their next attempt draws."""
    now = now or timezone.now()
    rounds = Round.objects.filter(
        contest__question_banks__in=list(bank_ids),
        state__in=[Round.State.SCHEDULED, Round.State.OPEN],
        starts_at__lte=now,
        ends_at__gt=now,
    )
    if is_practice is not None:
        rounds = rounds.filter(is_practice=is_practice)
    return list(rounds.select_related("contest").distinct().order_by("ends_at", "pk"))


def rounds_live_for_questions(
    *, question_ids: Iterable[int], now: datetime | None = None
) -> list[Round]:
    """The running rounds that draw (or would draw, once active) any of these questions."""
    pairs = set(
        Question.objects.filter(pk__in=list(question_ids))
        .order_by()
        .values_list("bank_id", "is_practice")
        .distinct()
    )
    found: dict[int, Round] = {}
    for bank_id, is_practice in pairs:
        for round in rounds_live_drawing_from(bank_ids=[bank_id], is_practice=is_practice, now=now):
            found[round.pk] = round
    return sorted(found.values(), key=lambda round: (round.ends_at, round.pk))
