"""The attempt: start, autosave, submit, and finalising attempts left open past their deadline.

Races are settled by the database: the partial unique index allows one in-progress attempt per
participant and round; submit locks the attempt and its answer rows; a save is one guarded
UPDATE that a finished attempt's answers no longer match (their `is_correct` is set).
"""

import json
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_log_record
from core.db.prepared import execute_prepared
from participants.models import Participant, User
from participants.selectors import participant_missing_fields
from rounds.models import Contest, Round

from .models import Attempt, AttemptAnswer, Question, RoundDrawnQuestion
from .selectors import (
    AttemptSaveContext,
    QuestionContent,
    attempt_save_context,
    attempt_save_contexts_forget,
    attempt_save_facts,
    attempt_session_refused,
    choice_ids_from_tokens,
    participant_start_state,
    question_contents,
    round_question_pool,
)

_random = random.SystemRandom()
logger = logging.getLogger(__name__)

PREDICTION_MAX = 10_000_000
_PREDICTION_MESSAGE = gettext_lazy("Số dự đoán phải là số nguyên từ 0 đến 10.000.000.")


_SESSION_MESSAGE = gettext_lazy(
    "Bài thi này đang được làm trên một thiết bị hoặc phiên đăng nhập khác. Nếu bạn đã đổi "
    "thiết bị hoặc đăng nhập lại, hãy liên hệ Ban Tổ chức để được mở khóa bài thi."
)


class AttemptError(Exception):
    """A refusal the participant should read: a Vietnamese message, a stable code, a status."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class NewAnswer:
    """An answer row of an attempt just created, as inserted (no model instance: the 00h
    rush creates 20 a start)."""

    position: int
    question_id: int
    choice_order: list[int]
    selected: tuple = ()
    seq: int = 0
    is_correct: None = None


@dataclass(frozen=True)
class AttemptStart:
    attempt: Attempt
    resumed: bool
    shortened: bool  # less time than the contest's limit, because the round ends sooner
    # The answer rows of a new attempt, as created, and its questions' contents (its page is
    # built without reading either back); empty for a resumed one.
    answers: tuple[NewAnswer, ...] = ()
    contents: dict | None = None


def question_pool_draw(*, round: Round, count: int) -> list[int]:
    """Draw question ids at random by the round's draw rules (topic or any topic × difficulty
    × count); without rules, `count` questions from the round's whole pool."""
    drawn: list[int] = []
    for wanted, candidates, overlaps in round_question_pool(round=round, count=count):
        if overlaps and drawn:  # a rule "of any topic" skips what the topic rules drew
            taken = set(drawn)
            candidates = [qid for qid in candidates if qid not in taken]
        if len(candidates) < wanted:
            raise AttemptError(
                "pool_too_small",
                _("Ngân hàng câu hỏi của đợt thi chưa đủ câu. Vui lòng báo Ban Tổ chức."),
                status=503,
            )
        drawn.extend(_random.sample(candidates, wanted))
    _random.shuffle(drawn)
    return drawn


def _age_check(*, contest, participant: Participant, now: datetime) -> None:
    """The contest's minimum age, on the day of the attempt (sign-up cannot know the contest)."""
    if not contest.minimum_age or participant.date_of_birth is None:
        return
    today = timezone.localdate(now)
    born = participant.date_of_birth
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < contest.minimum_age:
        raise AttemptError(
            "too_young",
            _("Cuộc thi dành cho người từ %(age)d tuổi trở lên.") % {"age": contest.minimum_age},
            403,
        )


def attempt_start(
    *,
    participant: Participant,
    round: Round,
    now: datetime | None = None,
    session_key: str = "",
    client_ip: str | None = None,
) -> AttemptStart:
    """Start an attempt, or give back the one in progress (never two)."""
    now = now or timezone.now()
    contest = round.contest
    if not contest.is_active:
        raise AttemptError("contest_draft", _("Cuộc thi chưa được công bố."), 409)
    if not round.is_open_at(now):
        raise AttemptError("round_not_open", _("Đợt thi không trong thời gian làm bài."), 409)
    missing = participant_missing_fields(participant=participant)
    if missing:
        raise AttemptError(
            "profile_incomplete",
            _("Bạn cần bổ sung thông tin cá nhân trước khi thi: %(fields)s.")
            % {"fields": ", ".join(missing)},
            409,
        )
    _age_check(contest=contest, participant=participant, now=now)
    state = participant_start_state(participant_id=participant.pk, round=round)
    if state.disqualified:
        raise AttemptError(
            "disqualified",
            _("Tài khoản của bạn đã bị Ban Tổ chức loại khỏi cuộc thi. Liên hệ Ban Tổ chức."),
            403,
        )
    if state.in_progress_id is not None:
        if now < state.in_progress_deadline + contest.grace:
            resumed = Attempt.objects.get(pk=state.in_progress_id)
            return AttemptStart(attempt=resumed, resumed=True, shortened=False)
        attempt_finalize(attempt_id=state.in_progress_id, now=now)

    next_number = state.last_number + 1
    # A practice round ("Thi thử") has no limit on attempts.
    if not round.is_practice and next_number > contest.attempts_per_round:
        raise AttemptError(
            "attempts_used_up",
            _("Bạn đã dùng hết %(n)d lượt thi của đợt này.") % {"n": contest.attempts_per_round},
            409,
        )

    question_ids = question_pool_draw(round=round, count=contest.questions_per_attempt)
    contents = question_contents(question_ids=question_ids)
    deadline = min(now + contest.time_limit, round.ends_at)
    answers = tuple(
        NewAnswer(
            position=position,
            question_id=qid,
            choice_order=_random.sample(list(contents[qid].choices), len(contents[qid].choices)),
        )
        for position, qid in enumerate(question_ids, start=1)
    )
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                participant=participant,
                round=round,
                number=next_number,
                started_at=now,
                deadline=deadline,
                question_count=len(question_ids),
                session_key=session_key or "",
                client_ip=client_ip,
            )
            _answers_insert(attempt_id=attempt.pk, answers=answers)
    except IntegrityError:
        # A parallel start won the race (same number, or the one-in-progress index).
        winner = Attempt.objects.filter(
            participant=participant, round=round, state=Attempt.State.IN_PROGRESS
        ).first()
        if winner is None:
            raise AttemptError(
                "start_conflict", _("Có lỗi khi bắt đầu lượt thi, vui lòng thử lại."), 409
            ) from None
        return AttemptStart(attempt=winner, resumed=True, shortened=False)
    return AttemptStart(
        attempt=attempt,
        resumed=False,
        shortened=deadline - now < contest.time_limit,
        answers=answers,
        contents=contents,
    )


def _answers_insert(*, attempt_id: int, answers: tuple[NewAnswer, ...]) -> None:
    """The attempt's answer rows in one multi-row INSERT. Plain SQL, portable to SQLite:
    bulk_create built a model instance and compiled the insert per start, a fifth of the
    start's CPU at the 00h rush (bench/)."""
    if not answers:
        return
    table = connection.ops.quote_name(AttemptAnswer._meta.db_table)
    row = "(%s, %s, %s, %s, '[]', 0)"
    params = []
    for answer in answers:
        params += [attempt_id, answer.question_id, answer.position, json.dumps(answer.choice_order)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (attempt_id, question_id, position, choice_order, selected, seq)"
            f" VALUES {', '.join([row] * len(answers))}",
            params,
        )


def _save_refusal(
    *, attempt_id: int, participant_id: int, bound_session_key: str = ""
) -> AttemptError:
    """Why a guarded save matched no row (only computed on the refusal path)."""
    attempt = Attempt.objects.filter(pk=attempt_id, participant_id=participant_id).first()
    if attempt is None:
        return AttemptError("attempt_not_found", _("Không tìm thấy lượt thi của bạn."), 404)
    if attempt.is_finished:
        return AttemptError("attempt_finished", _("Bài thi đã được nộp, không thể sửa."), 409)
    if bound_session_key and attempt.session_key != bound_session_key:
        return AttemptError("session_mismatch", str(_SESSION_MESSAGE), 403)
    return AttemptError(
        "deadline_passed", _("Đã hết thời gian làm bài, câu trả lời không được lưu."), 409
    )


def _answer_guarded_update(
    *,
    attempt_id: int,
    question_id: int,
    participant_id: int,
    chosen: list[int],
    seq: int,
    now: datetime,
    deadline_after: datetime,
    bound_session_key: str = "",
) -> int:
    """The save's one statement: the answer row changes only if this save is newer than the
    stored one, the row is not marked yet (a finished attempt's rows are) and the attempt is
    this person's, in progress and within its deadline (plus grace). Written in SQL because
    it runs more than any other statement and the ORM's UPDATE with joined conditions costs
    more to compile than to run; the same conditions as
    `AttemptAnswer.objects.filter(…, attempt__state=…).update(…)`, portable to SQLite."""
    answer_table, attempt_table = AttemptAnswer._meta.db_table, Attempt._meta.db_table
    ops = connection.ops
    selected = AttemptAnswer._meta.get_field("selected").get_db_prep_save(chosen, connection)
    # An attempt bound to a session (the contest's rule) takes saves from that session only,
    # checked on the row: an organiser's unlock and a new session's claim end older passes.
    bound = " AND a.session_key = %s" if bound_session_key else ""
    with connection.cursor() as cursor:
        # Prepared once per connection on PostgreSQL (core.db.prepared): planning this
        # statement cost PostgreSQL more than running it, on the most frequent request.
        execute_prepared(
            cursor,
            f"""
            UPDATE {answer_table} SET selected = %s, seq = %s, saved_at = %s
            WHERE attempt_id = %s AND question_id = %s AND seq < %s AND is_correct IS NULL
              AND EXISTS (
                SELECT 1 FROM {attempt_table} a
                WHERE a.id = %s AND a.participant_id = %s AND a.state = %s AND a.deadline > %s
                {bound}
              )
            """,
            [
                selected,
                seq,
                ops.adapt_datetimefield_value(now),
                attempt_id,
                question_id,
                seq,
                attempt_id,
                participant_id,
                Attempt.State.IN_PROGRESS,
                ops.adapt_datetimefield_value(deadline_after),
                *([bound_session_key] if bound_session_key else []),
            ],
        )
        return cursor.rowcount


def _choices_checked(*, content: QuestionContent, choice_ids: list[int]) -> list[int]:
    """The chosen options, sorted and without repeats (stored so, so a full answer equals the
    sorted key), refused when one is not the question's or a single-choice question has two."""
    chosen = sorted(set(choice_ids))
    if any(choice_id not in content.choices for choice_id in chosen):
        raise AttemptError("invalid_choice", _("Phương án không thuộc câu hỏi này."), 400)
    if content.kind == Question.Kind.SINGLE and len(chosen) > 1:
        raise AttemptError("single_choice_only", _("Câu hỏi này chỉ chọn một phương án."), 400)
    return chosen


def answer_save(
    *,
    participant_id: int,
    attempt_id: int,
    question_id: int,
    choice_ids: list[int],
    seq: int,
    now: datetime | None = None,
    context: AttemptSaveContext | None = None,
    content: QuestionContent | None = None,
) -> bool:
    """Save the option(s) chosen for one question of an in-progress attempt, in one guarded
    write. Returns False when a newer save (higher `seq`) is already stored. `context` and
    `content` spare the cache reads when the caller already made them."""
    now = now or timezone.now()
    context = context or attempt_save_context(attempt_id=attempt_id)
    if context is None or context.participant_id != participant_id:
        raise AttemptError("attempt_not_found", _("Không tìm thấy lượt thi của bạn."), 404)
    if now.timestamp() >= context.deadline_with_grace_seconds:
        raise AttemptError(
            "deadline_passed", _("Đã hết thời gian làm bài, câu trả lời không được lưu."), 409
        )
    content = content or question_contents(question_ids=[question_id]).get(question_id)
    if content is None:
        raise AttemptError("question_not_in_attempt", _("Câu hỏi không thuộc bài thi này."), 400)
    chosen = _choices_checked(content=content, choice_ids=choice_ids)

    updated = _answer_guarded_update(
        attempt_id=attempt_id,
        question_id=question_id,
        participant_id=participant_id,
        chosen=chosen,
        seq=seq,
        now=now,
        deadline_after=now - context.grace,
        bound_session_key=context.bound_session_key,
    )
    if updated:
        return True
    stale = AttemptAnswer.objects.filter(
        attempt_id=attempt_id,
        question_id=question_id,
        seq__gte=seq,
        is_correct__isnull=True,
        attempt__participant_id=participant_id,
    ).exists()
    if stale:
        return False
    if not AttemptAnswer.objects.filter(attempt_id=attempt_id, question_id=question_id).exists():
        raise AttemptError("question_not_in_attempt", _("Câu hỏi không thuộc bài thi này."), 400)
    raise _save_refusal(
        attempt_id=attempt_id,
        participant_id=participant_id,
        bound_session_key=context.bound_session_key,
    )


def prediction_save(
    *,
    participant_id: int,
    attempt_id: int,
    prediction: int,
    seq: int,
    now: datetime | None = None,
    context: AttemptSaveContext | None = None,
) -> bool:
    """Save the prediction-question answer, guarded like an answer save."""
    now = now or timezone.now()
    context = context or attempt_save_context(attempt_id=attempt_id)
    if context is None or context.participant_id != participant_id:
        raise AttemptError("attempt_not_found", _("Không tìm thấy lượt thi của bạn."), 404)
    if prediction < 0 or prediction > PREDICTION_MAX:
        raise AttemptError("invalid_prediction", _PREDICTION_MESSAGE, 400)
    guarded = Attempt.objects.filter(
        pk=attempt_id,
        participant_id=participant_id,
        state=Attempt.State.IN_PROGRESS,
        deadline__gt=now - context.grace,
        prediction_seq__lt=seq,
    )
    if context.bound_session_key:
        guarded = guarded.filter(session_key=context.bound_session_key)
    updated = guarded.update(prediction=prediction, prediction_seq=seq)
    if updated:
        return True
    if Attempt.objects.filter(
        pk=attempt_id, state=Attempt.State.IN_PROGRESS, prediction_seq__gte=seq
    ).exists():
        return False
    raise _save_refusal(
        attempt_id=attempt_id,
        participant_id=participant_id,
        bound_session_key=context.bound_session_key,
    )


def _posted_answers_apply(
    *, rows: list[AttemptAnswer], answers: dict[int, list[int]], contents, now: datetime
) -> bool:
    """Store the answers a plain form submit carried (no JavaScript, or the last choices before
    the autosave ran), for the questions it names; validated before anything is written.
    Changes the rows in memory; the caller writes them (with their marks, in one statement).
    Returns whether one changed."""
    by_question = {row.question_id: row for row in rows}
    changed = []
    for question_id, choice_ids in answers.items():
        row = by_question.get(question_id)
        if row is None:
            raise AttemptError("question_not_in_attempt", _("Câu hỏi không thuộc bài thi này."))
        chosen = _choices_checked(content=contents[question_id], choice_ids=choice_ids)
        if chosen and chosen != sorted(row.selected):
            row.selected, row.seq, row.saved_at = chosen, row.seq + 1, now
            changed.append(row)
    return bool(changed)


def attempt_answer_record(
    *,
    user_id: int,
    attempt_id: int,
    seq: int,
    question_id: int | None = None,
    choice_tokens: list[str] | None = None,
    prediction: int | None = None,
    now: datetime | None = None,
    session_key: str | None = None,
    context: AttemptSaveContext | None = None,
    content: QuestionContent | None = None,
) -> bool:
    """The autosave endpoint's service: one answer (by the option tokens the page showed) or
    the prediction, for an attempt of this account. Reads only the cached attempt facts and
    makes one guarded write. `context` (the facts of the page's signed pass, quizzes.save_pass)
    and `content` (the question's, read with the session) spare the cache reads."""
    if context is None:
        if question_id is None:
            context = attempt_save_context(attempt_id=attempt_id)
        else:
            context, content = attempt_save_facts(attempt_id=attempt_id, question_id=question_id)
    elif question_id is not None and content is None:
        content = question_contents(question_ids=[question_id]).get(question_id)
    if context is None or context.user_id != user_id or context.attempt_id != attempt_id:
        raise AttemptError("attempt_not_found", _("Không tìm thấy lượt thi của bạn."), 404)
    if context.bound_session_key and context.bound_session_key != (session_key or ""):
        raise AttemptError("session_mismatch", str(_SESSION_MESSAGE), 403)
    if seq < 1 or seq > 2_000_000_000:
        raise AttemptError("invalid_seq", _("Số thứ tự lần lưu không hợp lệ."), 400)
    if question_id is None:
        if prediction is None:
            raise AttemptError("invalid_request", _("Thiếu câu hỏi hoặc số dự đoán."), 400)
        return prediction_save(
            participant_id=context.participant_id,
            attempt_id=attempt_id,
            prediction=prediction,
            seq=seq,
            now=now,
            context=context,
        )
    choice_ids = choice_ids_from_tokens(
        attempt_id=attempt_id, question_id=question_id, tokens=choice_tokens or [], content=content
    )
    if choice_ids is None:
        raise AttemptError("invalid_choice", _("Phương án không thuộc câu hỏi này."), 400)
    return answer_save(
        participant_id=context.participant_id,
        attempt_id=attempt_id,
        question_id=question_id,
        choice_ids=choice_ids,
        seq=seq,
        now=now,
        context=context,
        content=content,
    )


def attempt_finalize(
    *,
    attempt_id: int,
    now: datetime | None = None,
    by_participant: bool = False,
    participant_id: int | None = None,
    answers: dict[int, list[int]] | None = None,
    prediction: int | None = None,
    session_key: str | None = None,
) -> Attempt:
    """Submit an attempt and score it; idempotent. Submitted by the person before the deadline
    (plus grace): `submitted_at` is now, capped at the deadline, and the answers the submit
    carried are stored first. Otherwise it is auto-submitted with `submitted_at = deadline`,
    counting the answers saved until then. With `session_key`, the person's submit is refused
    from another session when the contest binds attempts to sessions (checked here, on the
    locked row, so the submit stays within its query budget)."""
    now = now or timezone.now()
    with transaction.atomic():
        # One statement locks the answer rows and, through the join, the attempt: saves in
        # flight finish first, and a save that comes after sees `is_correct` set and matches
        # nothing. Every finaliser (submit, sweep, close now) locks the same way.
        rows_query = AttemptAnswer.objects.select_for_update(of=("self", "attempt")).filter(
            attempt_id=attempt_id
        )
        if participant_id is not None:
            rows_query = rows_query.filter(attempt__participant_id=participant_id)
        rows = list(
            rows_query.select_related(
                "attempt", "attempt__round__contest", "attempt__participant"
            ).order_by("position")
        )
        if rows:
            attempt = rows[0].attempt
        else:  # an attempt without answer rows: lock it alone
            attempt_query = (
                Attempt.objects.select_for_update(of=("self",))
                .select_related("round__contest")
                .filter(pk=attempt_id)
            )
            if participant_id is not None:
                attempt_query = attempt_query.filter(participant_id=participant_id)
            attempt = attempt_query.first()
            if attempt is None:
                raise AttemptError("attempt_not_found", _("Không tìm thấy lượt thi của bạn."), 404)
        if attempt.is_finished:
            return attempt
        extra_fields = []
        if session_key is not None and attempt.round.contest.bind_attempt_to_session:
            if not attempt.session_key:  # never bound, or unlocked: this session claims it
                attempt.session_key = session_key
                extra_fields.append("session_key")
            elif attempt_session_refused(attempt=attempt, session_key=session_key):
                raise AttemptError("session_mismatch", str(_SESSION_MESSAGE), 403)
        grace = attempt.round.contest.grace
        contents = question_contents(question_ids=[row.question_id for row in rows])
        answers_changed = False
        if by_participant and now < attempt.deadline + grace:
            state = Attempt.State.SUBMITTED
            submitted_at = min(now, attempt.deadline)
            if answers:
                answers_changed = _posted_answers_apply(
                    rows=rows, answers=answers, contents=contents, now=now
                )
            if prediction is not None:
                if prediction < 0 or prediction > PREDICTION_MAX:
                    raise AttemptError("invalid_prediction", _PREDICTION_MESSAGE)
                attempt.prediction = prediction
        else:
            state = Attempt.State.AUTO_SUBMITTED
            submitted_at = attempt.deadline
        correct_ids = [
            row.id for row in rows if set(row.selected) == contents[row.question_id].correct_ids
        ]
        if answers_changed:
            # The posted answers and every mark in one statement (query budget: submit ≤ 4).
            for row in rows:
                row.is_correct = row.id in correct_ids
            AttemptAnswer.objects.bulk_update(rows, ["selected", "seq", "saved_at", "is_correct"])
        elif rows:
            AttemptAnswer.objects.filter(attempt_id=attempt_id).update(
                is_correct=Case(When(id__in=correct_ids, then=Value(True)), default=Value(False))
            )
        attempt.state = state
        attempt.submitted_at = submitted_at
        attempt.score = len(correct_ids)
        attempt.duration_ms = (submitted_at - attempt.started_at) // timedelta(milliseconds=1)
        attempt.save(
            update_fields=[
                "state",
                "submitted_at",
                "score",
                "duration_ms",
                "prediction",
                *extra_fields,
            ]
        )
        # The first finished attempt of a real round locks the profile (practising does not);
        # the rows' query already read whether it is locked.
        known_locked = rows and attempt.participant.profile_locked_at is not None
        if not attempt.round.is_practice and not known_locked:
            Participant.objects.filter(
                pk=attempt.participant_id, profile_locked_at__isnull=True
            ).update(profile_locked_at=submitted_at)
    return attempt


def attempt_submit(
    *,
    participant_id: int,
    attempt_id: int,
    now: datetime | None = None,
    answers: dict[int, list[int]] | None = None,
    prediction: int | None = None,
    session_key: str | None = None,
) -> Attempt:
    """The participant's own submit: idempotent, one state change under parallel submits.
    `answers` (question id → choice ids) and `prediction` are what a plain form submit carried;
    they are stored only when the submit arrives in time."""
    return attempt_finalize(
        attempt_id=attempt_id,
        now=now,
        by_participant=True,
        participant_id=participant_id,
        answers=answers,
        prediction=prediction,
        session_key=session_key or "",
    )


def attempts_finalize_overdue(
    *, now: datetime | None = None, round_id: int | None = None, batch_size: int = 1000
) -> int:
    """Auto-submit every attempt past `deadline + grace` (the sweep), each with
    `submitted_at = deadline`; optionally only those of one round. Works through all of them in
    batches, so it catches up after downtime. Returns how many it submitted."""
    now = now or timezone.now()
    finalized = 0
    # Grace is a contest setting: one query per contest that has attempts in progress.
    contests = Contest.objects.filter(
        rounds__attempts__state=Attempt.State.IN_PROGRESS,
        rounds__attempts__deadline__lt=now,
    ).distinct()
    if round_id is not None:
        contests = contests.filter(rounds__id=round_id)
    for contest in contests:
        overdue = Attempt.objects.filter(
            state=Attempt.State.IN_PROGRESS,
            round__contest=contest,
            deadline__lte=now - contest.grace,
        )
        if round_id is not None:
            overdue = overdue.filter(round_id=round_id)
        last_id = 0
        while True:
            batch = list(
                overdue.filter(id__gt=last_id)
                .order_by("id")
                .values_list("id", flat=True)[:batch_size]
            )
            if not batch:
                break
            for attempt_id in batch:
                try:
                    attempt_finalize(attempt_id=attempt_id, now=now)
                except Exception:
                    # One broken attempt must not hold back the others (nor the ranking);
                    # it stays in progress and the next sweep tries again.
                    logger.exception("auto-submitting attempt %s failed", attempt_id)
                    continue
                finalized += 1
            last_id = batch[-1]
    return finalized


def attempts_deadline_cut(*, round_id: int, moment: datetime) -> int:
    """When an organiser closes a round early, no attempt in progress may run past that moment:
    their deadline becomes `moment` (the database guard of every save reads it)."""
    with transaction.atomic():
        cut = Attempt.objects.select_for_update().filter(
            round_id=round_id,
            state=Attempt.State.IN_PROGRESS,
            deadline__gt=moment,
            started_at__lt=moment,
        )
        attempt_ids = list(cut.values_list("id", flat=True))
        Attempt.objects.filter(id__in=attempt_ids).update(deadline=moment)
    attempt_save_contexts_forget(attempt_ids=attempt_ids)
    return len(attempt_ids)


def attempt_session_check(*, attempt: Attempt, session_key: str | None) -> None:
    """Refuse another session's request on an attempt bound to the session that started it
    (contest.bind_attempt_to_session). An attempt without a session (never bound, or unlocked
    by an organiser) is claimed by the first session that opens it."""
    contest = attempt.round.contest
    if not contest.bind_attempt_to_session or attempt.is_finished:
        return
    if not attempt.session_key and session_key:
        claimed = Attempt.objects.filter(
            pk=attempt.pk, session_key="", state=Attempt.State.IN_PROGRESS
        ).update(session_key=session_key)
        if claimed:
            attempt.session_key = session_key
            attempt_save_contexts_forget(attempt_ids=[attempt.pk])
            return
        attempt.session_key = (
            Attempt.objects.filter(pk=attempt.pk).values_list("session_key", flat=True).get()
        )
    if attempt_session_refused(attempt=attempt, session_key=session_key):
        raise AttemptError("session_mismatch", str(_SESSION_MESSAGE), 403)


def attempts_session_unbind(*, attempt_ids: list[int], actor: User | None) -> int:
    """An organiser's unlock: the attempts' session binding is cleared (the next session that
    opens each one takes it over), with one audit entry per attempt."""
    with transaction.atomic():
        attempts = list(
            Attempt.objects.select_for_update()
            .filter(pk__in=attempt_ids, state=Attempt.State.IN_PROGRESS)
            .exclude(session_key="")
        )
        for attempt in attempts:
            Attempt.objects.filter(pk=attempt.pk).update(session_key="")
            audit_log_record(
                actor=actor,
                action="attempt_session_unlock",
                target=attempt,
                participant_id=attempt.participant_id,
            )
    attempt_save_contexts_forget(attempt_ids=[attempt.pk for attempt in attempts])
    return len(attempts)


def attempts_client_traces_clear(*, participant_id: int) -> int:
    """Anonymisation: forget the address and session each of the person's attempts was taken
    from (they identify a device); scores, answers and times stay."""
    attempt_ids = list(
        Attempt.objects.filter(participant_id=participant_id).values_list("pk", flat=True)
    )
    Attempt.objects.filter(pk__in=attempt_ids).update(client_ip=None, session_key="")
    attempt_save_contexts_forget(attempt_ids=attempt_ids)
    return len(attempt_ids)


def round_drawn_questions_record(*, round_id: int) -> int:
    """Record which questions the round's attempts drew (once it has closed no attempt can
    start, so the list is final): later official rounds of the contest read it to leave out
    questions whose key this round shows. Idempotent."""
    drawn = (
        AttemptAnswer.objects.filter(attempt__round_id=round_id)
        .values_list("question_id", flat=True)
        .distinct()
    )
    created = RoundDrawnQuestion.objects.bulk_create(
        [RoundDrawnQuestion(round_id=round_id, question_id=qid) for qid in drawn],
        ignore_conflicts=True,
        batch_size=2000,
    )
    return len(created)
