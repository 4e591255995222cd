from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import QuerySet

from participants.models import Participant
from rounds.models import Round

from .models import Attempt, AttemptAnswer, Question

QUESTION_CACHE_TIMEOUT = 6 * 3600
ATTEMPT_CONTEXT_TIMEOUT = 2 * 3600


@dataclass(frozen=True)
class QuestionContent:
    """What the quiz needs of a question; it does not change while a round runs, so it is
    cached. `correct_ids` never leaves the server."""

    id: int
    kind: str
    text: str
    choices: dict[int, str]
    correct_ids: frozenset[int]
    explanation: str
    source_reference: str


def _question_cache_key(question_id: int) -> str:
    return f"question-content:v1:{question_id}"


def question_contents(*, question_ids: Iterable[int]) -> dict[int, QuestionContent]:
    """The contents of these questions, from the cache, loading the missing ones in one query."""
    question_ids = list(question_ids)
    keys = {_question_cache_key(qid): qid for qid in question_ids}
    found = cache.get_many(keys)
    contents = {keys[key]: value for key, value in found.items()}
    missing = [qid for qid in question_ids if qid not in contents]
    if missing:
        loaded = {}
        for question in Question.objects.filter(id__in=missing).prefetch_related("choices"):
            choices = list(question.choices.all())
            loaded[question.id] = QuestionContent(
                id=question.id,
                kind=question.kind,
                text=question.text,
                choices={choice.id: choice.text for choice in choices},
                correct_ids=frozenset(choice.id for choice in choices if choice.is_correct),
                explanation=question.explanation,
                source_reference=question.source_reference,
            )
        cache.set_many(
            {_question_cache_key(qid): value for qid, value in loaded.items()},
            QUESTION_CACHE_TIMEOUT,
        )
        contents.update(loaded)
    return contents


def question_contents_forget(*, question_ids: Iterable[int]) -> None:
    cache.delete_many([_question_cache_key(qid) for qid in question_ids])


@dataclass(frozen=True)
class AttemptSaveContext:
    """The fixed facts an answer save checks before its one guarded write."""

    attempt_id: int
    participant_id: int
    round_id: int
    deadline_with_grace_seconds: float
    grace: timedelta


def _attempt_context_key(attempt_id: int) -> str:
    return f"attempt-save-context:v1:{attempt_id}"


def attempt_save_context(*, attempt_id: int) -> AttemptSaveContext | None:
    key = _attempt_context_key(attempt_id)
    context = cache.get(key)
    if context is None:
        row = (
            Attempt.objects.filter(pk=attempt_id)
            .values_list("participant_id", "round_id", "deadline", "round__contest__grace_seconds")
            .first()
        )
        if row is None:
            return None
        participant_id, round_id, deadline, grace_seconds = row
        grace = timedelta(seconds=grace_seconds)
        context = AttemptSaveContext(
            attempt_id=attempt_id,
            participant_id=participant_id,
            round_id=round_id,
            deadline_with_grace_seconds=(deadline + grace).timestamp(),
            grace=grace,
        )
        cache.set(key, context, ATTEMPT_CONTEXT_TIMEOUT)
    return context


def attempt_save_contexts_forget(*, attempt_ids: Iterable[int]) -> None:
    """Drop cached save contexts after their deadline changed (a round closed early)."""
    cache.delete_many([_attempt_context_key(attempt_id) for attempt_id in attempt_ids])


def attempt_in_progress(*, participant: Participant, round: Round) -> Attempt | None:
    return Attempt.objects.filter(
        participant=participant, round=round, state=Attempt.State.IN_PROGRESS
    ).first()


def attempt_answers(*, attempt: Attempt) -> QuerySet[AttemptAnswer]:
    return attempt.answers.order_by("position")


def participant_attempts(*, participant: Participant, round: Round) -> QuerySet[Attempt]:
    return Attempt.objects.filter(participant=participant, round=round).order_by("number")


def counted_attempt_ordering(*, rule: str) -> list[str]:
    """The order that puts a participant's counted attempt first (contest.counted_attempt).
    For "best" it is the ranking key without the prediction, which is the same for every
    attempt of a person only when they predicted the same; the rank service refines it."""
    if rule == "first":
        return ["number"]
    if rule == "last":
        return ["-number"]
    return ["-score", "duration_ms", "submitted_at"]
