"""The fault run's data, inside Django (run with the fault stack's environment):

    python bench/faults/scenario.py setup  --participants N --ends-in SECONDS --out FILE
    python bench/faults/scenario.py verify --acked FILE --round ID --out FILE

`setup` creates a contest whose round ends SECONDS from now, a question bank, N participants
and a signed-in session for each (written straight to the session store: the run measures
faults, not password hashing). `verify` checks what the load client was told against what
PostgreSQL holds."""

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contest_site.settings.production")

import django  # noqa: E402

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.cached_db import SessionStore  # noqa: E402
from django.db.models import Count, F, Q  # noqa: E402
from django.utils import timezone  # noqa: E402

from leaderboard.models import RoundResult  # noqa: E402
from participants.models import Participant, Unit, User  # noqa: E402
from quizzes.models import (  # noqa: E402
    Attempt,
    AttemptAnswer,
    Choice,
    Question,
    QuestionBank,
    Topic,
)
from quizzes.selectors import choice_token  # noqa: E402
from rounds.models import Contest, Round  # noqa: E402


def setup(*, participants: int, ends_in: int, questions_per_attempt: int) -> dict:
    now = timezone.now()
    contest = Contest.objects.create(
        name="Cuộc thi thử lỗi",
        slug=f"thu-loi-{int(now.timestamp())}",
        questions_per_attempt=questions_per_attempt,
        time_limit_seconds=max(ends_in * 2, 60),
        attempts_per_round=3,
        grace_seconds=3,
        is_active=True,  # published: people can take it
    )
    round = Round.objects.create(
        contest=contest,
        number=1,
        name="Đợt thử lỗi",
        starts_at=now - dt.timedelta(minutes=1),
        ends_at=now + dt.timedelta(seconds=ends_in),
    )
    topic = Topic.objects.create(name="Chủ đề thử lỗi", slug=f"thu-loi-{round.pk}")
    bank = QuestionBank.objects.create(name=f"Thử lỗi {round.pk}", slug=f"thu-loi-{round.pk}")
    bank.contests.add(contest)
    for n in range(questions_per_attempt * 3):
        question = Question.objects.create(
            bank=bank, topic=topic, text=f"Câu hỏi thử lỗi số {n}?", explanation="—"
        )
        Choice.objects.bulk_create(
            Choice(
                question=question, text=f"Phương án {'ABCD'[i]}", is_correct=i == 0, sort_order=i
            )
            for i in range(4)
        )
    unit = Unit.objects.create(code=f"thu-loi-{round.pk}", name="Đơn vị thử lỗi", headcount=10)
    users = User.objects.bulk_create(
        User(phone=f"+8497{round.pk % 100:02d}{n:05d}", password="!", phone_verified=True)
        for n in range(participants)
    )
    Participant.objects.bulk_create(
        Participant(
            user=user,
            full_name=f"Người thử lỗi {n}",
            date_of_birth=dt.date(1990, 1, 1),
            gender=Participant.Gender.FEMALE,
            unit=unit,
        )
        for n, user in enumerate(users)
    )
    sessions = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    return {
        "round_id": round.pk,
        "ends_at": round.ends_at.timestamp(),
        "grace_seconds": contest.grace_seconds,
        "sessions": sessions,
    }


def verify(*, acked: dict, round_id: int) -> dict:
    round = Round.objects.select_related("contest").get(pk=round_id)
    attempts = Attempt.objects.filter(round=round)
    # 1. Every acknowledged save is stored: the row holds that save or a newer one.
    saves = acked["saves"]  # [attempt_id, question_id, seq, [token…]] (the last ack of each)
    rows = {
        (a, q): (seq, sorted(selected))
        for a, q, seq, selected in AttemptAnswer.objects.filter(
            attempt_id__in={s[0] for s in saves}
        ).values_list("attempt_id", "question_id", "seq", "selected")
    }
    choice_ids = {}
    for question_id, choice_id in Choice.objects.filter(
        question_id__in={s[1] for s in saves}
    ).values_list("question_id", "id"):
        choice_ids.setdefault(question_id, []).append(choice_id)
    lost = []
    for attempt_id, question_id, seq, tokens in saves:
        by_token = {
            choice_token(attempt_id=attempt_id, choice_id=c): c for c in choice_ids[question_id]
        }
        wanted = sorted(by_token[t] for t in tokens)
        stored = rows.get((attempt_id, question_id))
        if stored is None or stored[0] < seq or (stored[0] == seq and stored[1] != wanted):
            lost.append([attempt_id, question_id, seq, stored])
    predictions_lost = [
        [attempt_id, seq]
        for attempt_id, seq, value in acked["predictions"]
        if not attempts.filter(pk=attempt_id, prediction_seq__gte=seq).exists()
        or (
            attempts.filter(pk=attempt_id, prediction_seq=seq).exists()
            and not attempts.filter(pk=attempt_id, prediction=value).exists()
        )
    ]
    # 2. A submit acknowledged and sent before the deadline is the person's submit; one sent
    # after it finds the attempt due and auto-submits it at the deadline (the rules).
    deadlines = dict(
        attempts.filter(pk__in=[a for a, _ in acked["submits"]]).values_list("pk", "deadline")
    )
    states = dict(
        attempts.filter(pk__in=[a for a, _ in acked["submits"]]).values_list("pk", "state")
    )
    submits_lost = [
        a
        for a, sent_at in acked["submits"]
        if sent_at < deadlines[a].timestamp() and states[a] != Attempt.State.SUBMITTED
    ]
    submits_late = sum(sent_at >= deadlines[a].timestamp() for a, sent_at in acked["submits"])
    # 3. No duplicate and no half-finished attempts.
    per_person = attempts.values("participant_id").annotate(n=Count("id"))
    duplicates = [row["participant_id"] for row in per_person if row["n"] > 1]
    in_progress = attempts.filter(state=Attempt.State.IN_PROGRESS).count()
    incomplete_rows = (
        attempts.annotate(rows=Count("answers")).exclude(rows=F("question_count")).count()
    )
    badly_scored = (
        attempts.exclude(state=Attempt.State.IN_PROGRESS)
        .annotate(correct=Count("answers", filter=Q(answers__is_correct=True)))
        .exclude(score=F("correct"))
        .count()
    )
    unscored_answers = AttemptAnswer.objects.filter(
        attempt__round=round, attempt__state__in=["submitted", "auto_submitted"], is_correct=None
    ).count()
    started_unknown = attempts.exclude(pk__in=acked["attempts"]).count()
    round.refresh_from_db()
    return {
        "acknowledged_saves": len(saves),
        "acknowledged_saves_lost": len(lost),
        "lost_examples": lost[:10],
        "acknowledged_predictions": len(acked["predictions"]),
        "acknowledged_predictions_lost": len(predictions_lost),
        "acknowledged_submits": len(acked["submits"]),
        "acknowledged_submits_lost": len(submits_lost),
        "submits_sent_after_deadline": submits_late,
        "attempts": attempts.count(),
        "attempts_never_acknowledged_to_the_client": started_unknown,
        "participants_with_duplicate_attempts": len(duplicates),
        "attempts_in_progress_after_ranking": in_progress,
        "attempts_with_missing_answer_rows": incomplete_rows,
        "finished_attempts_with_wrong_score": badly_scored,
        "finished_answers_not_scored": unscored_answers,
        "submitted": attempts.filter(state=Attempt.State.SUBMITTED).count(),
        "auto_submitted": attempts.filter(state=Attempt.State.AUTO_SUBMITTED).count(),
        "round_state": round.state,
        "round_ends_at": round.ends_at.timestamp(),
        "round_ranked_at": round.ranked_at.timestamp() if round.ranked_at else None,
        "round_results": RoundResult.objects.filter(round=round).count(),
        "participants_with_finished_attempts": attempts.exclude(state=Attempt.State.IN_PROGRESS)
        .values("participant_id")
        .distinct()
        .count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p_setup = sub.add_parser("setup")
    p_setup.add_argument("--participants", type=int, required=True)
    p_setup.add_argument("--ends-in", type=int, required=True)
    p_setup.add_argument("--questions", type=int, default=10)
    p_setup.add_argument("--out", required=True)
    p_verify = sub.add_parser("verify")
    p_verify.add_argument("--acked", required=True)
    p_verify.add_argument("--round", type=int, required=True)
    p_verify.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.command == "setup":
        result = setup(
            participants=args.participants,
            ends_in=args.ends_in,
            questions_per_attempt=args.questions,
        )
    else:
        acked = json.loads(Path(args.acked).read_text())
        result = verify(acked=acked, round_id=args.round)
    Path(args.out).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
