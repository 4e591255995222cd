"""The ranking policy of a round, written once: who is eligible, which attempt of a person
counts, and the ranking key (DESIGN §2): score desc → |prediction − actual| asc (no prediction:
last) → duration asc → submitted_at asc; equal keys share a rank (1, 1, 3).

Each rule is data (`KeyPart` tuples, the eligibility's columns) from which both forms are
produced: the SQL the stored ranking is computed with (leaderboard.ranking, the provisional
board) and the Python key that the pages, `verify_round` and the tests apply to attempts. It
lives here, beside the attempts it orders, because the quiz result page (quizzes) needs it as
much as leaderboard does.

`ranking_compute` is the independent, plain-Python ranking of a round's raw attempts: no SQL,
no window function, only this module's definitions. `verify_round` compares the stored ranking
with it, and the property test proves the two agree."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from participants.models import Participant, User
from rounds.models import Contest, Disqualification

from .models import FINISHED_STATES, Attempt


@dataclass(frozen=True)
class KeyPart:
    """One level of an ordering, over a column of the `eligible` set (SQL) or an attribute of
    a `Candidate` (Python)."""

    column: str
    descending: bool = False
    nulls_last: bool = False


# The ranking key.
RANKING_KEY: tuple[KeyPart, ...] = (
    KeyPart("score", descending=True),
    KeyPart("prediction_error", nulls_last=True),
    KeyPart("duration_ms"),
    KeyPart("submitted_at"),
)
# While a round is open the prediction's answer is unknown: the same key without it.
PROVISIONAL_KEY: tuple[KeyPart, ...] = tuple(
    p for p in RANKING_KEY if p.column != "prediction_error"
)

# Which attempt of a person counts (contest.counted_attempt); the id makes the pick
# deterministic between attempts equal on the whole key.
COUNTED_ORDER: dict[str, tuple[KeyPart, ...]] = {
    Contest.CountedAttempt.BEST: (*RANKING_KEY, KeyPart("id")),
    Contest.CountedAttempt.FIRST: (KeyPart("number"), KeyPart("id")),
    Contest.CountedAttempt.LAST: (
        KeyPart("number", descending=True),
        KeyPart("id", descending=True),
    ),
}


def order_sql(parts: Iterable[KeyPart], *, alias: str = "") -> str:
    """The SQL ORDER BY list of a key (portable: PostgreSQL and SQLite)."""
    prefix = f"{alias}." if alias else ""
    terms = []
    for part in parts:
        column = prefix + part.column
        if part.nulls_last:
            terms.append(f"CASE WHEN {column} IS NULL THEN 1 ELSE 0 END")
        terms.append(f"{column} DESC" if part.descending else column)
    return ", ".join(terms)


def order_key(parts: Iterable[KeyPart]) -> Callable[[object], tuple]:
    """The Python sort key of the same ordering (ascending `sorted`/`min`)."""
    parts = tuple(parts)

    def key(row: object) -> tuple:
        values: list = []
        for part in parts:
            value = getattr(row, part.column)
            if part.nulls_last:
                values.append(value is None)
                if value is None:
                    values.append(0)
                    continue
            if part.descending:
                # Only numbers are ordered descending (score, number, id).
                value = -value
            values.append(value)
        return tuple(values)

    return key


# Eligibility: a finished attempt of the round, by a person who is not staff, not marked
# unranked, and not disqualified from the contest.
def eligible_sql() -> str:
    """A WITH clause `eligible` of the round's eligible attempts with their key columns.
    Parameters, in order: actual (may be NULL), round id, contest id."""
    attempt = Attempt._meta.db_table
    participant = Participant._meta.db_table
    user = User._meta.db_table
    disqualification = Disqualification._meta.db_table
    finished = ", ".join(f"'{state.value}'" for state in FINISHED_STATES)
    return f"""
        WITH eligible AS (
            SELECT a.id, a.participant_id, a.number, a.score, a.question_count, a.prediction,
                   ABS(a.prediction - %s) AS prediction_error, a.duration_ms, a.submitted_at
            FROM {attempt} a
            JOIN {participant} p ON p.id = a.participant_id
            JOIN {user} u ON u.id = p.user_id
            WHERE a.round_id = %s AND a.state IN ({finished})
              AND NOT u.is_staff AND NOT p.is_unranked
              AND NOT EXISTS (
                  SELECT 1 FROM {disqualification} d
                  WHERE d.contest_id = %s AND d.participant_id = a.participant_id
              )
        )"""


def counted_sql(*, counted_attempt: str, key: tuple[KeyPart, ...] | None = None) -> str:
    """`eligible` (above), then `counted`: each eligible attempt with its place among its
    person's attempts (pick = 1 is the counted one). `key` replaces the ranking key in the
    "best" rule (the provisional board's key, without the prediction)."""
    order = COUNTED_ORDER[counted_attempt]
    if key is not None and counted_attempt == Contest.CountedAttempt.BEST:
        order = (*key, KeyPart("id"))
    return (
        eligible_sql()
        + f""",
        counted AS (
            SELECT eligible.*, ROW_NUMBER() OVER (
                PARTITION BY participant_id ORDER BY {order_sql(order)}
            ) AS pick
            FROM eligible
        )
    """
    )


def person_is_eligible(*, is_staff: bool, is_unranked: bool, disqualified: bool) -> bool:
    return not is_staff and not is_unranked and not disqualified


@dataclass(frozen=True)
class Candidate:
    """An eligible attempt as the ranking sees it."""

    id: int
    participant_id: int
    number: int
    score: int
    question_count: int
    prediction: int | None
    duration_ms: int
    submitted_at: datetime
    prediction_error: int | None = None

    @property
    def full_marks(self) -> bool:
        return self.score == self.question_count


def candidate_of(attempt: Attempt, *, actual: int | None = None) -> Candidate:
    return Candidate(
        id=attempt.pk,
        participant_id=attempt.participant_id,
        number=attempt.number,
        score=attempt.score,
        question_count=attempt.question_count,
        prediction=attempt.prediction,
        duration_ms=attempt.duration_ms,
        submitted_at=attempt.submitted_at,
        prediction_error=_error(attempt.prediction, actual),
    )


def _error(prediction: int | None, actual: int | None) -> int | None:
    if prediction is None or actual is None:
        return None
    return abs(prediction - actual)


def counted_pick(
    candidates: Iterable[Candidate], *, counted_attempt: str, actual: int | None
) -> Candidate | None:
    """A person's counted attempt among their eligible finished attempts. Without the
    prediction's answer (`actual` None: the round is not ranked yet), the best is picked by
    the key without the prediction, as the provisional board does."""
    with_error = [replace(c, prediction_error=_error(c.prediction, actual)) for c in candidates]
    if not with_error:
        return None
    order = COUNTED_ORDER[counted_attempt]
    if actual is None and counted_attempt == Contest.CountedAttempt.BEST:
        order = (*PROVISIONAL_KEY, KeyPart("id"))
    return min(with_error, key=order_key(order))


@dataclass(frozen=True)
class RankedRow:
    """A row of a computed ranking (the same fields as a stored RoundResult)."""

    participant_id: int
    attempt_id: int
    score: int
    prediction: int | None
    prediction_error: int | None
    duration_ms: int
    submitted_at: datetime
    rank: int


@dataclass(frozen=True)
class ComputedRanking:
    prediction_actual: int
    rows: list[RankedRow]


def ranking_compute(*, attempts: Iterable[Candidate], counted_attempt: str) -> ComputedRanking:
    """Rank a round in plain Python from its eligible attempts: the prediction's answer (how
    many people's counted attempt has full marks), each person's counted attempt, the ranking
    key, shared ranks (1, 1, 3)."""
    by_person: dict[int, list[Candidate]] = {}
    for candidate in attempts:
        by_person.setdefault(candidate.participant_id, []).append(candidate)
    # Score comes first in the "best" key, so whether the counted attempt has full marks does
    # not depend on the prediction; the other rules do not involve the prediction at all.
    actual = sum(
        1
        for mine in by_person.values()
        if counted_pick(mine, counted_attempt=counted_attempt, actual=None).full_marks
    )
    counted = [
        counted_pick(mine, counted_attempt=counted_attempt, actual=actual)
        for mine in by_person.values()
    ]
    key = order_key(RANKING_KEY)
    counted.sort(key=lambda c: (key(c), c.participant_id))
    rows: list[RankedRow] = []
    previous_key = None
    rank = 0
    for position, candidate in enumerate(counted, start=1):
        if key(candidate) != previous_key:
            rank, previous_key = position, key(candidate)
        rows.append(
            RankedRow(
                participant_id=candidate.participant_id,
                attempt_id=candidate.id,
                score=candidate.score,
                prediction=candidate.prediction,
                prediction_error=candidate.prediction_error,
                duration_ms=candidate.duration_ms,
                submitted_at=candidate.submitted_at,
                rank=rank,
            )
        )
    return ComputedRanking(prediction_actual=actual, rows=rows)


def round_candidates(*, round_id: int, contest_id: int) -> list[Candidate]:
    """A round's eligible attempts read through the ORM (not the ranking's SQL), filtered by
    the eligibility rule in Python."""
    disqualified = set(
        Disqualification.objects.filter(contest_id=contest_id).values_list(
            "participant_id", flat=True
        )
    )
    rows = (
        Attempt.objects.filter(round_id=round_id)
        .values_list(
            "id",
            "participant_id",
            "number",
            "state",
            "score",
            "question_count",
            "prediction",
            "duration_ms",
            "submitted_at",
            "participant__is_unranked",
            "participant__user__is_staff",
        )
        .order_by("id")
    )
    finished = {state.value for state in FINISHED_STATES}
    return [
        Candidate(
            id=pk,
            participant_id=participant_id,
            number=number,
            score=score,
            question_count=question_count,
            prediction=prediction,
            duration_ms=duration_ms,
            submitted_at=submitted_at,
        )
        for (
            pk,
            participant_id,
            number,
            state,
            score,
            question_count,
            prediction,
            duration_ms,
            submitted_at,
            is_unranked,
            is_staff,
        ) in rows.iterator(chunk_size=2000)
        if state in finished
        and person_is_eligible(
            is_staff=is_staff, is_unranked=is_unranked, disqualified=participant_id in disqualified
        )
    ]
