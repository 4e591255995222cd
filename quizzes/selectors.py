"""Reads on the participant's path: the cached question texts and attempt facts the start,
the quiz page and the autosave need, option tokens, an attempt's questions as its pages show
them, results and history. Query budgets are pinned by tests/quizzes/test_query_budgets.py."""

import functools
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.db.prepared import execute_prepared
from participants.models import Participant, User
from rounds.models import Contest, Disqualification, Round

from .models import FINISHED_STATES, Attempt, AttemptAnswer, DrawRule, Question, RoundDrawnQuestion
from .ranking_policy import candidate_of, counted_pick, person_is_eligible

QUESTION_CACHE_TIMEOUT = 6 * 3600
# The start rush reads a round's pool thousands of times a minute; an organiser's change to
# the bank or the draw rules reaches new attempts within this delay.
POOL_CACHE_TIMEOUT = 60
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
    user_id: int
    round_id: int
    deadline_with_grace_seconds: float
    grace: timedelta
    # The session the attempt is bound to (contest.bind_attempt_to_session), "" when unbound.
    bound_session_key: str = ""


def _attempt_context_key(attempt_id: int) -> str:
    return f"attempt-save-context:v3:{attempt_id}"


def _attempt_save_context_load(attempt_id: int) -> AttemptSaveContext | None:
    row = (
        Attempt.objects.filter(pk=attempt_id)
        .values_list(
            "participant_id",
            "participant__user_id",
            "round_id",
            "deadline",
            "round__contest__grace_seconds",
            "session_key",
            "round__contest__bind_attempt_to_session",
        )
        .first()
    )
    if row is None:
        return None
    participant_id, user_id, round_id, deadline, grace_seconds, session_key, bind = row
    grace = timedelta(seconds=grace_seconds)
    context = AttemptSaveContext(
        attempt_id=attempt_id,
        participant_id=participant_id,
        user_id=user_id,
        round_id=round_id,
        deadline_with_grace_seconds=(deadline + grace).timestamp(),
        grace=grace,
        bound_session_key=session_key if bind else "",
    )
    cache.set(_attempt_context_key(attempt_id), context, ATTEMPT_CONTEXT_TIMEOUT)
    return context


def attempt_save_context(*, attempt_id: int) -> AttemptSaveContext | None:
    context = cache.get(_attempt_context_key(attempt_id))
    return context if context is not None else _attempt_save_context_load(attempt_id)


def attempt_save_facts(
    *, attempt_id: int, question_id: int
) -> tuple[AttemptSaveContext | None, QuestionContent | None]:
    """The attempt's save context and the question's content in one cache round trip (the
    autosave reads both on every tap), each loaded from the database when missing."""
    context_key, question_key = _attempt_context_key(attempt_id), _question_cache_key(question_id)
    found = cache.get_many([context_key, question_key])
    context = found.get(context_key)
    if context is None:
        context = _attempt_save_context_load(attempt_id)
    content = found.get(question_key)
    if content is None:
        content = question_contents(question_ids=[question_id]).get(question_id)
    return context, content


def attempt_save_contexts_forget(*, attempt_ids: Iterable[int]) -> None:
    """Drop cached save contexts after their deadline changed (a round closed early)."""
    cache.delete_many([_attempt_context_key(attempt_id) for attempt_id in attempt_ids])


def attempt_session_refused(*, attempt: Attempt, session_key: str | None) -> bool:
    """True when the contest binds attempts to the session that started them and this request
    comes from another session (another browser or device, or a new login)."""
    return bool(
        attempt.round.contest.bind_attempt_to_session
        and not attempt.is_finished
        and attempt.session_key
        and attempt.session_key != (session_key or "")
    )


@dataclass(frozen=True)
class StartState:
    """What starting an attempt must know of a person in a round, read in one query."""

    disqualified: bool
    last_number: int  # 0 before the first attempt
    in_progress_id: int | None
    in_progress_deadline: datetime | None


def participant_start_state(*, participant_id: int, round: Round) -> StartState:
    """Disqualification, attempts used and the attempt in progress, in one query (the opening
    rush runs this thousands of times a minute). Written in SQL, portable to SQLite: the ORM's
    version (three annotated subqueries) cost more CPU to compile than the rest of a start."""
    attempts, disqualifications = Attempt._meta.db_table, Disqualification._meta.db_table
    mine = f"FROM {attempts} WHERE participant_id = %s AND round_id = %s"
    in_progress = f"{mine} AND state = %s ORDER BY id LIMIT 1"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT
              EXISTS (SELECT 1 FROM {disqualifications}
                      WHERE contest_id = %s AND participant_id = %s),
              (SELECT MAX(number) {mine}),
              (SELECT id {in_progress}),
              (SELECT deadline {in_progress})
            """,
            [
                round.contest_id,
                participant_id,
                *(participant_id, round.pk),
                *(participant_id, round.pk, Attempt.State.IN_PROGRESS),
                *(participant_id, round.pk, Attempt.State.IN_PROGRESS),
            ],
        )
        disqualified, last_number, in_progress_id, deadline = cursor.fetchone()
    return StartState(
        bool(disqualified),
        last_number or 0,
        in_progress_id,
        _db_datetime(deadline) if deadline is not None else None,
    )


def participant_attempts(*, participant: Participant, round: Round) -> QuerySet[Attempt]:
    return Attempt.objects.filter(participant=participant, round=round).order_by("number")


def choice_token(*, attempt_id: int, choice_id: int) -> str:
    """The name an option has in one attempt's page. Database ids could give the correct
    option away (it is often written first, so it gets the lowest id); a keyed hash per
    attempt carries no order."""
    keyed = _choice_hmac.get(settings.SECRET_KEY)
    if keyed is None:  # the key's padding computed once per process, not per option
        keyed = _choice_hmac[settings.SECRET_KEY] = hmac.new(
            settings.SECRET_KEY.encode(), digestmod=hashlib.sha256
        )
    digest = keyed.copy()
    digest.update(f"choice:{attempt_id}:{choice_id}".encode())
    return digest.hexdigest()[:16]


_choice_hmac: dict[str, hmac.HMAC] = {}


@functools.lru_cache(maxsize=8192)
def _choices_by_token(secret: str, attempt_id: int, choice_ids: tuple[int, ...]) -> dict:
    """Token → option id for one question of one attempt, kept per process: every save of
    the question would compute the same HMACs again. 8,192 entries take a few MB. `secret`
    is part of the key so that a changed SECRET_KEY never reuses old tokens."""
    return {
        choice_token(attempt_id=attempt_id, choice_id=choice_id): choice_id
        for choice_id in choice_ids
    }


def choice_ids_from_tokens(
    *,
    attempt_id: int,
    question_id: int,
    tokens: Iterable[str],
    content: QuestionContent | None = None,
) -> list[int] | None:
    """The option ids behind the tokens of one question, or None if one is not its option.
    `content` (the question's, already read from the cache) spares a cache read."""
    if content is None or content.id != question_id:
        content = question_contents(question_ids=[question_id]).get(question_id)
    if content is None:
        return None
    by_token = _choices_by_token(settings.SECRET_KEY, attempt_id, tuple(content.choices))
    ids = []
    for token in tokens:
        if token not in by_token:
            return None
        ids.append(by_token[token])
    return ids


@dataclass(frozen=True)
class OptionView:
    token: str
    text: str
    selected: bool
    correct: bool | None  # None until answers may be shown


@dataclass(frozen=True)
class QuestionView:
    position: int
    question_id: int
    kind: str
    text: str
    seq: int
    options: list[OptionView]
    answered: bool
    is_correct: bool | None
    explanation: str
    # The options' ids, in the order of `options`: for the server only (quizzes/page.py),
    # never printed.
    choice_ids: tuple[int, ...] = ()


def attempt_questions(
    *,
    attempt: Attempt,
    reveal: bool = False,
    rows: Iterable[AttemptAnswer] | None = None,
    contents: dict[int, QuestionContent] | None = None,
) -> list[QuestionView]:
    """The questions of an attempt as its pages show them, options in the attempt's order.
    Correct answers and explanations are filled in only with `reveal` (after the round).
    `rows` (the attempt's answer rows, just created) and `contents` (their questions') spare
    reading them."""
    if rows is None:
        rows = attempt.answers.order_by("position")
    rows = sorted(rows, key=lambda row: row.position)
    if contents is None:
        contents = question_contents(question_ids=[row.question_id for row in rows])
    views = []
    for row in rows:
        content = contents[row.question_id]
        selected = set(row.selected)
        choice_ids = tuple(
            choice_id for choice_id in row.choice_order if choice_id in content.choices
        )
        views.append(
            QuestionView(
                position=row.position,
                question_id=row.question_id,
                kind=content.kind,
                text=content.text,
                seq=row.seq,
                options=[
                    OptionView(
                        token=choice_token(attempt_id=attempt.pk, choice_id=choice_id),
                        text=content.choices[choice_id],
                        selected=choice_id in selected,
                        correct=(choice_id in content.correct_ids) if reveal else None,
                    )
                    for choice_id in choice_ids
                ],
                answered=bool(selected),
                is_correct=row.is_correct if reveal else None,
                explanation=content.explanation if reveal else "",
                choice_ids=choice_ids,
            )
        )
    return views


@dataclass(frozen=True)
class AttemptPageState:
    """What the quiz page of an attempt shows that changes while it runs, with what the page
    checks before showing it (quizzes/page.py fills the rest from the cached page)."""

    attempt_id: int
    participant_id: int
    state: str
    deadline: datetime
    grace: timedelta
    bind_to_session: bool
    session_key: str
    prediction: int | None
    prediction_seq: int
    answers: dict[int, tuple[list[int], int]]  # question id → (chosen option ids, seq)
    # The owner's password hash and active flag, read with the attempt: the page checks the
    # session against them (participants.auth_backends.session_hash_matches) without another
    # cache round trip.
    account_password: str = ""
    account_active: bool = False

    @property
    def is_finished(self) -> bool:
        return self.state != Attempt.State.IN_PROGRESS


def _db_datetime(value) -> datetime:
    """A datetime from a raw query: aware already on PostgreSQL, text on SQLite."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


# The answers of an attempt as one JSON text, [[question id, seq, [chosen option ids]], ...]
# (NULL or "[]" when it has none): one row and one json.loads per page view, where a join gave
# a row per answer, each with its own json.loads of `selected`.
_ANSWERS_JSON = {
    "postgresql": "json_agg(json_build_array(aa.question_id, aa.seq, aa.selected))::text",
    "sqlite": "json_group_array(json_array(aa.question_id, aa.seq, json(aa.selected)))",
}


@functools.cache
def _attempt_page_state_sql(vendor: str) -> str:
    return f"""
        SELECT a.state, a.deadline, a.prediction, a.prediction_seq, a.session_key,
               c.grace_seconds, c.bind_attempt_to_session, a.participant_id,
               u.password, u.is_active,
               (SELECT {_ANSWERS_JSON[vendor]}
                FROM {AttemptAnswer._meta.db_table} aa WHERE aa.attempt_id = a.id)
        FROM {Attempt._meta.db_table} a
        JOIN {Participant._meta.db_table} p ON p.id = a.participant_id
        JOIN {User._meta.db_table} u ON u.id = p.user_id
        JOIN {Round._meta.db_table} r ON r.id = a.round_id
        JOIN {Contest._meta.db_table} c ON c.id = r.contest_id
        WHERE a.id = %s AND p.user_id = %s
        """


def attempt_page_state(*, attempt_id: int, user_id: int) -> AttemptPageState | None:
    """The attempt of this account as its quiz page needs it on every request, in one query:
    state, deadline, the contest's grace and session rule, the prediction, and each answer's
    chosen options and sequence number. Written in SQL because it runs on every page view and
    the ORM's four-table query costs more to compile and turn into objects than to run;
    prepared once per connection on PostgreSQL, whose planning of it cost more than running
    it."""
    with connection.cursor() as cursor:
        execute_prepared(cursor, _attempt_page_state_sql(connection.vendor), [attempt_id, user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    (
        state,
        deadline,
        prediction,
        prediction_seq,
        session_key,
        grace,
        bind,
        participant_id,
        password,
        is_active,
        answers_json,
    ) = row
    return AttemptPageState(
        attempt_id=attempt_id,
        participant_id=participant_id,
        state=state,
        deadline=_db_datetime(deadline),
        grace=timedelta(seconds=grace),
        bind_to_session=bool(bind),
        session_key=session_key or "",
        prediction=prediction,
        prediction_seq=prediction_seq,
        answers={
            question_id: (selected, seq)
            for question_id, seq, selected in json.loads(answers_json or "[]")
        },
        account_password=password,
        account_active=bool(is_active),
    )


def attempt_of_user(*, attempt_id: int, user_id: int) -> Attempt | None:
    """One attempt of this account, with its round and contest, in one query."""
    return (
        Attempt.objects.filter(pk=attempt_id, participant__user_id=user_id)
        .select_related("round__contest", "participant")
        .first()
    )


def answers_revealed(*, attempt: Attempt, now: datetime | None = None) -> bool:
    """Correct answers are shown only after the round has closed, if the contest says so;
    in a practice round ("Thi thử"), right after submit."""
    now = now or timezone.now()
    round = attempt.round
    if round.is_practice:
        return attempt.is_finished
    return (
        attempt.is_finished
        and round.contest.show_answers_after_close
        and round.phase_at(now) != Round.State.OPEN
        and now >= round.starts_at
    )


def participant_history(*, participant: Participant) -> list[dict]:
    """Every attempt of a person, grouped by round (newest round first), with the one that
    counts by the ranking policy (provisional until the round is ranked: the history page
    then reads it from the stored ranking)."""
    attempts = list(
        Attempt.objects.filter(participant=participant)
        .select_related("round__contest")
        .order_by("-round__starts_at", "number")
    )
    groups: dict[int, dict] = {}
    for attempt in attempts:
        group = groups.setdefault(
            attempt.round_id, {"round": attempt.round, "attempts": [], "counted": None}
        )
        group["attempts"].append(attempt)
    for group in groups.values():
        group["counted"] = attempt_counted(attempts=group["attempts"], round=group["round"])
    return list(groups.values())


def attempt_counted(*, attempts: list[Attempt], round: Round) -> Attempt | None:
    """Which of a person's finished attempts of the round counts, by the ranking policy: with
    the prediction's stored answer once the round is ranked, without it before."""
    finished = {a.pk: a for a in attempts if a.is_finished}
    if not finished:
        return None
    pick = counted_pick(
        [candidate_of(a) for a in finished.values()],
        counted_attempt=round.contest.counted_attempt,
        actual=round.prediction_actual if round.ranked_at else None,
    )
    return finished[pick.id]


def person_ranked_in(*, participant: Participant, is_staff: bool, round: Round) -> bool:
    """Whether the ranking policy ranks this person in the round's contest (not staff, not
    marked unranked, not disqualified). One query."""
    return person_is_eligible(
        is_staff=is_staff,
        is_unranked=participant.is_unranked,
        disqualified=Disqualification.objects.filter(
            contest_id=round.contest_id, participant=participant
        ).exists(),
    )


def round_pool_questions(*, round: Round) -> QuerySet[Question]:
    """The questions a round may draw: active, of the official or practice pool as the round
    is, in a bank its contest names (before leaving out revealed keys)."""
    return Question.objects.filter(
        is_active=True, is_practice=round.is_practice, bank__contests=round.contest_id
    )


def _rounds_revealing_before(*, round: Round) -> QuerySet[Round]:
    """The official rounds of the same contest that end no later than this one starts: their
    keys are shown (when the contest shows answers) before or while this round runs."""
    return Round.objects.filter(
        contest_id=round.contest_id, is_practice=False, ends_at__lte=round.starts_at
    ).exclude(pk=round.pk)


def revealed_question_ids(*, round: Round) -> set[int]:
    """Questions whose key earlier official rounds of the contest show: drawn in an attempt
    of such a round, while the contest shows answers after a round closes. Read from the
    rows recorded at each close (RoundDrawnQuestion); a round that ended without them (the
    worker was down) is read from its attempts. A practice round reveals only practice
    questions, never drawn by official rounds."""
    if round.is_practice or not round.contest.show_answers_after_close:
        return set()
    earlier = list(_rounds_revealing_before(round=round).values_list("pk", flat=True))
    if not earlier:
        return set()
    recorded = RoundDrawnQuestion.objects.filter(round_id__in=earlier)
    revealed = set(recorded.values_list("question_id", flat=True))
    missing = set(earlier) - set(recorded.values_list("round_id", flat=True).distinct())
    if missing:
        revealed |= set(
            AttemptAnswer.objects.filter(attempt__round_id__in=missing)
            .values_list("question_id", flat=True)
            .distinct()
        )
    return revealed


def round_drawable_questions(*, round: Round) -> QuerySet[Question]:
    """The round's pool (round_pool_questions) without the questions whose key an earlier
    round showed, unless the round allows them."""
    questions = round_pool_questions(round=round)
    if round.allow_revealed_questions:
        return questions
    revealed = revealed_question_ids(round=round)
    return questions.exclude(pk__in=revealed) if revealed else questions


def round_question_pool(*, round: Round, count: int) -> list[tuple[int, list[int], bool]]:
    """What an attempt of this round draws from: (how many, candidate question ids, whether
    the candidates overlap earlier rules') per draw rule, the rules of one topic first and
    those "of any topic" after; or (count, the whole pool, False) without rules. Never a
    question whose key an earlier round showed, unless the round allows it. A few queries,
    then cached briefly."""
    key = f"round-pool:v3:{round.pk}:{count}"
    pool = cache.get(key)
    if pool is None:
        questions = round_drawable_questions(round=round)
        rules = sorted(
            DrawRule.objects.filter(round=round).values_list("topic_id", "difficulty", "count"),
            key=lambda rule: (rule[0] is None, rule[0] or 0, rule[1]),
        )
        if rules:
            by_rule: dict[tuple[int | None, int], list[int]] = {}
            rows = questions.filter(difficulty__in={level for _, level, _ in rules}).values_list(
                "id", "topic_id", "difficulty"
            )
            for question_id, topic_id, difficulty in rows:
                by_rule.setdefault((topic_id, difficulty), []).append(question_id)
                by_rule.setdefault((None, difficulty), []).append(question_id)
            pool = [
                (n, by_rule.get((topic, level), []), topic is None) for topic, level, n in rules
            ]
        else:
            pool = [(count, list(questions.values_list("id", flat=True)), False)]
        cache.set(key, pool, POOL_CACHE_TIMEOUT)
        # The texts of the whole pool, in the cache at once (two queries) rather than bit by
        # bit by the first thousands of starts of the 00h rush.
        question_contents(question_ids={qid for _, ids, _ in pool for qid in ids})
    return pool


@dataclass(frozen=True)
class RoundPoolReveal:
    """What the round admin says about revealed keys in a round's pool."""

    revealed: int  # questions of the pool (active, matching the draw rules) already revealed
    allowed: bool  # the round may draw them anyway


def round_pool_reveal(*, round: Round) -> RoundPoolReveal:
    questions = round_pool_questions(round=round)
    rules = list(DrawRule.objects.filter(round=round).values_list("topic_id", "difficulty"))
    if rules:
        matching = Q()
        for topic_id, difficulty in rules:
            if topic_id is None:  # a rule of any topic
                matching |= Q(difficulty=difficulty)
            else:
                matching |= Q(topic_id=topic_id, difficulty=difficulty)
        questions = questions.filter(matching)
    revealed = revealed_question_ids(round=round)
    count = questions.filter(pk__in=revealed).count() if revealed else 0
    return RoundPoolReveal(revealed=count, allowed=round.allow_revealed_questions)


def contest_finished_attempts(*, contest_id: int) -> QuerySet[Attempt]:
    """The attempts that count as taking part in a contest: finished, in an official round
    (practice attempts never count)."""
    return Attempt.objects.filter(
        round__contest_id=contest_id, round__is_practice=False, state__in=FINISHED_STATES
    )
