"""Safe changes to questions already in use: deactivate instead of delete, record a changed
key, and re-score the finished attempts by a new key (returning the ranked rounds to rank
again: operations queues that). Every change is logged."""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    OuterRef,
    ProtectedError,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from core.audit import audit_log_record
from participants.models import User
from rounds.models import Round

from .bank_selectors import answers_to_remark, question_correct_ids, rounds_live_for_questions
from .models import Attempt, AttemptAnswer, Question, QuestionBank
from .selectors import question_contents_forget


class BankError(Exception):
    """An organiser's request on the bank that is refused, with a Vietnamese message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# --- editing safety --------------------------------------------------------------------------


def live_rounds_confirm(*, rounds: Sequence[Round], confirmed_round_ids: Collection[int]) -> None:
    """Refuse a change to what running rounds draw unless the organiser confirmed each of
    them by name."""
    missing = [round for round in rounds if round.pk not in set(confirmed_round_ids)]
    if missing:
        raise BankError(
            "live_round_unconfirmed",
            _(
                "Thay đổi này áp dụng ngay cho đợt thi đang diễn ra: %(rounds)s. Hãy xác nhận "
                "từng đợt thi trước khi lưu."
            )
            % {"rounds": "; ".join(str(round) for round in missing)},
        )


def questions_active_set(
    *,
    question_ids: Sequence[int],
    is_active: bool,
    actor: User | None = None,
    confirmed_round_ids: Collection[int] = (),
) -> int:
    """Put questions in (or take them out of) future draws; attempts that drew them keep them.
    A running round's pool changes only with the organiser's confirmation naming the round
    (live_rounds_confirm)."""
    question_ids = list(question_ids)
    with transaction.atomic():
        changing = list(
            Question.objects.select_for_update()
            .filter(id__in=question_ids, is_active=not is_active)
            .values_list("pk", flat=True)
        )
        live_rounds_confirm(
            rounds=rounds_live_for_questions(question_ids=changing),
            confirmed_round_ids=confirmed_round_ids,
        )
        count = Question.objects.filter(id__in=changing).update(is_active=is_active)
        audit_log_record(
            actor=actor,
            action="questions_activate" if is_active else "questions_deactivate",
            question_ids=changing,
            count=count,
            confirmed_round_ids=sorted(confirmed_round_ids),
        )
    question_contents_forget(question_ids=question_ids)
    return count


def questions_deactivate(
    *,
    question_ids: Sequence[int],
    actor: User | None = None,
    confirmed_round_ids: Collection[int] = (),
) -> int:
    """Take questions out of future draws (questions_active_set)."""
    return questions_active_set(
        question_ids=question_ids,
        is_active=False,
        actor=actor,
        confirmed_round_ids=confirmed_round_ids,
    )


def question_delete(*, question: Question, actor: User | None = None) -> None:
    """Delete a question no attempt has drawn; the database refuses the others (PROTECT)."""
    question_id = question.pk
    try:
        with transaction.atomic():
            question.delete()
    except ProtectedError as error:
        raise BankError(
            "question_in_use",
            _(
                "Không thể xóa câu hỏi này vì đã được rút vào bài thi của người dự thi. "
                "Bạn có thể ngừng sử dụng câu hỏi để không rút vào các lượt thi sau."
            ),
        ) from error
    question_contents_forget(question_ids=[question_id])
    audit_log_record(actor=actor, action="question_delete", question_id=question_id)


def question_edit_record(
    *, question: Question, previous_correct_ids: Iterable[int] | None, actor: User | None = None
) -> bool:
    """After an organiser saved a question and its options (`previous_correct_ids` None for a
    new question): forget the cached content, and log a changed key. True when the key changed
    on a question some attempt already drew."""
    question_contents_forget(question_ids=[question.pk])
    if previous_correct_ids is None:
        return False
    current = question_correct_ids(question_id=question.pk)
    previous = sorted(previous_correct_ids)
    if current == previous:
        return False
    used = AttemptAnswer.objects.filter(question_id=question.pk).exists()
    audit_log_record(
        actor=actor,
        action="question_key_change",
        target=question,
        previous_correct=previous,
        correct=current,
        used_in_attempts=used,
    )
    return used


@dataclass(frozen=True)
class RescoreResult:
    attempt_ids: list[int]
    answers_changed: int
    reranked_round_ids: list[int]


def question_rescore(*, question_id: int, actor: User | None = None) -> RescoreResult:
    """Re-mark this question in every finished attempt that drew it, by its current key, in SQL;
    re-score the attempts whose mark changed. Returns, with the attempts, the ranked or
    published rounds among them, which must be ranked again (operations queues that).
    `selected` is stored sorted (answer_save), so a fully correct answer is exactly the sorted
    list of correct option ids."""
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question_id)
        correct = question_correct_ids(question_id=question_id)
        changing = answers_to_remark(question_id=question_id, correct_ids=correct)
        attempt_ids = list(
            Attempt.objects.select_for_update()
            .filter(id__in=changing.values("attempt_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        answers_changed = AttemptAnswer.objects.filter(
            question_id=question_id, attempt_id__in=attempt_ids
        ).update(is_correct=Case(When(selected=correct, then=Value(True)), default=Value(False)))
        correct_count = (
            AttemptAnswer.objects.filter(attempt_id=OuterRef("pk"), is_correct=True)
            .values("attempt_id")
            .annotate(n=Count("id"))
            .values("n")
        )
        Attempt.objects.filter(pk__in=attempt_ids).update(
            score=Coalesce(Subquery(correct_count), Value(0))
        )
        round_ids = sorted(
            Round.objects.filter(
                attempts__id__in=attempt_ids,
                state__in=[Round.State.RANKED, Round.State.PUBLISHED],
            )
            .distinct()
            .values_list("pk", flat=True)
        )
        question_contents_forget(question_ids=[question_id])
        audit_log_record(
            actor=actor,
            action="question_rescore",
            target=question,
            correct=correct,
            attempts=len(attempt_ids),
            answers_changed=answers_changed,
            reranked_rounds=round_ids,
        )
    return RescoreResult(
        attempt_ids=attempt_ids, answers_changed=answers_changed, reranked_round_ids=round_ids
    )


def contest_banks_add(*, contest_id: int, bank_ids: Iterable[int], actor: User | None) -> None:
    """Let a contest's rounds draw from these banks too (logged)."""
    bank_ids = sorted(set(bank_ids))
    for bank in QuestionBank.objects.filter(pk__in=bank_ids):
        bank.contests.add(contest_id)
    if bank_ids:
        audit_log_record(
            actor=actor, action="contest_banks_add", contest_id=contest_id, bank_ids=bank_ids
        )
