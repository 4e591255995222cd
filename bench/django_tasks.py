"""The harness's work inside Django (run by bench/run.py with the bench stack's environment):
seeding, preparing the rush, the correctness check, the 1,000,000-attempt round, ranking it
and the close job. Bulk SQL throughout: seeding must take seconds, not minutes.

    python bench/django_tasks.py seed --participants 6000 --questions 600 --out state.json
    python bench/django_tasks.py rush-open --round ID --in-seconds 3
    python bench/django_tasks.py check --acks acks.jsonl --out check.json
    python bench/django_tasks.py big-round --attempts 1000000 --out big.json
    python bench/django_tasks.py rank --round ID --out rank.json
"""

import argparse
import json
import os
import secrets
import sys
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contest_site.settings.production")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.sessions.backends.cached_db import KEY_PREFIX, SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from participants.models import Participant, Unit, User  # noqa: E402
from quizzes.models import (  # noqa: E402
    Attempt,
    AttemptAnswer,
    Choice,
    Question,
    QuestionBank,
    Topic,
    question_bank_default_id,
)
from quizzes.selectors import choice_token  # noqa: E402
from quizzes.services import attempts_finalize_overdue  # noqa: E402
from rounds.models import Contest, Round  # noqa: E402

PASSWORD = "bench-password-2024"
BACKEND = "participants.auth_backends.AuthenticationBackend"


def _write(path: str, data) -> None:
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str))


def _users_create(
    *, count: int, phone_prefix: str, password_hash: str, first: int = 1
) -> list[int]:
    """`count` accounts with their participant profiles in two INSERT … SELECT statements."""
    now = timezone.now()
    unit = Unit.objects.get(code="BENCH")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO participants_user (password, is_superuser, is_staff, is_active,
                date_joined, phone, phone_verified, email)
            SELECT %s, false, false, true, %s, %s || lpad(i::text, 7, '0'), true, ''
            FROM generate_series(%s, %s) AS i
            RETURNING id
            """,
            [password_hash, now, phone_prefix, first, first + count - 1],
        )
        user_ids = sorted(row[0] for row in cursor.fetchall())
        cursor.execute(
            """
            INSERT INTO participants_participant (full_name, date_of_birth, gender, locality,
                is_unranked, created_at, user_id, unit_id, privacy_consent_at,
                privacy_consent_version)
            SELECT 'Người thi ' || u.id, DATE '1990-01-01' + (u.id %% 9000)::int,
                CASE WHEN u.id %% 2 = 0 THEN 'male' ELSE 'female' END, 'Tỉnh Thử nghiệm',
                false, %s, u.id, %s, %s, '2024-08-29'
            FROM participants_user u WHERE u.id = ANY(%s)
            """,
            [now, unit.pk, now, user_ids],
        )
    return user_ids


def _sessions_create(*, user_ids: list[int], password_hash: str) -> list[str]:
    """Logged-in sessions for these accounts, in the database and in the cache (cached_db), as
    a login would leave them: the load runs on ready sessions, logins are measured apart."""
    probe = User(password=password_hash)
    auth_hash = probe.get_session_auth_hash()
    store = SessionStore()
    expire = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    keys, rows, cached = [], [], {}
    for user_id in user_ids:
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user_id),
            BACKEND_SESSION_KEY: BACKEND,
            HASH_SESSION_KEY: auth_hash,
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        cached[KEY_PREFIX + key] = data
        keys.append(key)
    Session.objects.bulk_create(rows, batch_size=5000)
    items = list(cached.items())
    for start in range(0, len(items), 5000):
        cache.set_many(dict(items[start : start + 5000]), settings.SESSION_COOKIE_AGE)
    return keys


def seed(args) -> None:
    started = time.monotonic()
    now = timezone.now()
    password_hash = make_password(PASSWORD)  # the contest's Argon2 hasher
    with transaction.atomic():
        Unit.objects.create(code="BENCH", name="Đơn vị thử tải", kind="other", headcount=1)
        contest = Contest.objects.create(
            name="Cuộc thi thử tải",
            slug="thu-tai",
            organiser_name="Ban Tổ chức",
            is_active=True,
            is_current=True,
            questions_per_attempt=args.questions_per_attempt,
            time_limit_seconds=3 * 3600,
            attempts_per_round=100,
            grace_seconds=10,
            prediction_question="Có bao nhiêu người dự thi?",
            bind_attempt_to_session=False,
        )
        main = Round.objects.create(
            contest=contest,
            number=1,
            name="Đợt 1",
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=2),
            state=Round.State.OPEN,
        )
        rush = Round.objects.create(
            contest=contest,
            number=2,
            name="Đợt 2",
            starts_at=now + timedelta(days=3),
            ends_at=now + timedelta(days=5),
            state=Round.State.SCHEDULED,
        )
        topic = Topic.objects.create(name="Pháp luật", slug="phap-luat")
        body = (
            "Theo quy định hiện hành, cơ quan nào có thẩm quyền quyết định nội dung được nêu "
            "trong câu hỏi số {n} của bộ đề thi tìm hiểu pháp luật năm nay?"
        )
        questions = Question.objects.bulk_create(
            Question(
                topic=topic,
                difficulty=1 + n % 3,
                kind=Question.Kind.SINGLE,
                text=body.format(n=n),
                normalized_text=f"bench question {n}",
                explanation="Căn cứ văn bản quy phạm pháp luật liên quan.",
                is_active=True,
            )
            for n in range(1, args.questions + 1)
        )
        Choice.objects.bulk_create(
            Choice(
                question=question,
                text=f"Phương án {letter} của câu {question.pk}",
                is_correct=index == 0,
                sort_order=index,
            )
            for question in questions
            for index, letter in enumerate("ABCD")
        )
        # The questions went to the default bank; the contest's rounds draw from it.
        QuestionBank.objects.get(pk=question_bank_default_id()).contests.add(contest)
        participants = _users_create(
            count=args.participants, phone_prefix="+8490", password_hash=password_hash
        )
        staff = User.objects.create_superuser(phone="+84889999999", password=PASSWORD)
        # Accounts that log in during the login scenario (no session made for them).
        login_ids = _users_create(
            count=args.login_accounts, phone_prefix="+8491", password_hash=password_hash
        )
    sessions = _sessions_create(user_ids=participants, password_hash=password_hash)
    staff_session = _sessions_create(user_ids=[staff.pk], password_hash=staff.password)[0]
    phones = dict(User.objects.filter(id__in=login_ids).values_list("id", "phone"))
    _write(
        args.out,
        {
            "contest": contest.pk,
            "main_round": main.pk,
            "rush_round": rush.pk,
            "questions": len(questions),
            "participants": [
                {"user": user_id, "session": key}
                for user_id, key in zip(participants, sessions, strict=True)
            ],
            "staff_session": staff_session,
            "login_phones": [phones[i] for i in login_ids],
            "password": PASSWORD,
            "seconds": round(time.monotonic() - started, 2),
        },
    )


def attempts_prestart(args) -> None:
    """Attempts in progress for the first `count` participants of the seed (the ceiling
    scenarios save into them and reload them), with the option tokens each page shows."""
    from quizzes.services import attempt_start

    state = json.loads(Path(args.state).read_text())
    round = Round.objects.select_related("contest").get(pk=state["main_round"])
    people = state["participants"][: args.count]
    by_user = {
        p.user_id: p for p in Participant.objects.filter(user_id__in=[p["user"] for p in people])
    }
    from quizzes.save_pass import save_pass_issue

    out = []
    for person in people:
        attempt = attempt_start(participant=by_user[person["user"]], round=round).attempt
        rows = AttemptAnswer.objects.filter(attempt=attempt).order_by("position")
        questions = [
            {
                "id": row.question_id,
                "tokens": [
                    choice_token(attempt_id=attempt.pk, choice_id=c) for c in row.choice_order
                ],
            }
            for row in rows
        ]
        # The autosave's pass, as the quiz page gives it to its script (quizzes.save_pass).
        save_pass = save_pass_issue(
            attempt_id=attempt.pk,
            participant_id=attempt.participant_id,
            user_id=person["user"],
            deadline=attempt.deadline,
            grace=round.contest.grace,
            bound=round.contest.bind_attempt_to_session,
            session_key=person["session"],
        )
        out.append(
            {
                "session": person["session"],
                "attempt": attempt.pk,
                "questions": questions,
                "pass": save_pass,
            }
        )
    _write(args.out, out)


def rush_open(args) -> None:
    """The rush round opens in a few seconds (its start is then "just reached")."""
    starts = timezone.now() + timedelta(seconds=args.in_seconds)
    Round.objects.filter(pk=args.round).update(
        starts_at=starts, ends_at=starts + timedelta(days=1), state=Round.State.SCHEDULED
    )
    print(json.dumps({"starts_at": starts.timestamp()}))


def check(args) -> None:
    """After a load run: every acknowledged save is stored with its latest value; nobody has
    two attempts in progress in a round; after the sweep, no attempt past its deadline is
    still in progress."""
    latest: dict[tuple[int, int], tuple[int, list[str]]] = {}
    acks = 0
    for path in args.acks:
        if not Path(path).exists():
            continue
        for line in Path(path).read_text().splitlines():
            ack = json.loads(line)
            acks += 1
            key = (ack["attempt"], ack["question"])
            if key not in latest or ack["seq"] > latest[key][0]:
                latest[key] = (ack["seq"], ack["choices"])
    stored = {}
    attempt_ids = sorted({a for a, _ in latest})
    for start in range(0, len(attempt_ids), 5000):
        rows = AttemptAnswer.objects.filter(
            attempt_id__in=attempt_ids[start : start + 5000]
        ).values_list("attempt_id", "question_id", "seq", "selected")
        for attempt_id, question_id, seq, selected in rows:
            stored[(attempt_id, question_id)] = (seq, selected)
    lost = []
    newer = 0
    for (attempt_id, question_id), (seq, tokens) in latest.items():
        row = stored.get((attempt_id, question_id))
        db_tokens = sorted(
            choice_token(attempt_id=attempt_id, choice_id=c) for c in (row[1] if row else [])
        )
        if row is not None and row[0] > seq:
            # A later save the server applied but whose response the client never read: it was
            # in flight when the load stopped. Not a loss: the newest choice is stored.
            newer += 1
        elif row is None or row[0] != seq or db_tokens != sorted(tokens):
            lost.append({"attempt": attempt_id, "question": question_id, "ack_seq": seq, "db": row})
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT COUNT(*) FROM (SELECT participant_id, round_id FROM quizzes_attempt
               WHERE state = 'in_progress' GROUP BY participant_id, round_id
               HAVING COUNT(*) > 1) AS doubled"""
        )
        doubled = cursor.fetchone()[0]
    now = timezone.now()
    swept = attempts_finalize_overdue(now=now)
    overdue_left = Attempt.objects.filter(
        state=Attempt.State.IN_PROGRESS, deadline__lt=now - timedelta(seconds=10)
    ).count()
    result = {
        "acknowledged_saves": acks,
        "answers_checked": len(latest),
        "answers_lost_or_stale": len(lost),
        "answers_newer_than_acknowledged": newer,
        "lost_examples": lost[:5],
        "participants_with_two_in_progress": doubled,
        "overdue_submitted_by_sweep": swept,
        "overdue_left_in_progress": overdue_left,
        "ok": not lost and doubled == 0 and overdue_left == 0,
    }
    _write(args.out, result)
    print(json.dumps(result))


def big_round(args) -> None:
    """An ended round of `attempts` submitted attempts by `people` people (1 to 4 attempts
    each until the total), generated in SQL."""
    started = time.monotonic()
    contest = Contest.objects.get(slug="thu-tai")
    people = args.people or max(1, int(args.attempts / 2.5))
    now = timezone.now()
    big = Round.objects.create(
        contest=contest,
        number=Round.objects.filter(contest=contest).count() + 1,
        name=f"Đợt lớn {args.attempts}",
        starts_at=now - timedelta(days=7),
        ends_at=now - timedelta(minutes=5),
        state=Round.State.OPEN,
    )
    existing = Participant.objects.count()
    if existing < people:
        password_hash = (
            User.objects.filter(phone__startswith="+8490")
            .values_list("password", flat=True)
            .first()
        )
        _users_create(
            count=people - existing,
            phone_prefix="+8492",
            password_hash=password_hash,
            first=User.objects.filter(phone__startswith="+8492").count() + 1,
        )
    timings = {"people": round(time.monotonic() - started, 2)}
    with connection.cursor() as cursor:
        # Person k makes attempts 1..n (n = 1, 2, 3 or 4, 2.5 on average) until the total.
        cursor.execute(
            """
            WITH people AS (
                SELECT id, row_number() OVER (ORDER BY id) AS k
                FROM participants_participant ORDER BY id LIMIT %s
            ), made AS (
                SELECT p.id AS participant_id, n
                FROM people p, generate_series(1, CASE WHEN %s THEN 1 ELSE 1 + (p.k %% 4)::int END) AS n
                LIMIT %s
            )
            INSERT INTO quizzes_attempt (number, state, started_at, deadline, submitted_at,
                question_count, score, duration_ms, prediction, prediction_seq, session_key,
                participant_id, round_id)
            SELECT n, 'submitted', %s - interval '2 days' + (participant_id %% 1000) * interval '1 minute',
                %s, %s - interval '2 days' + (participant_id %% 1000) * interval '1 minute'
                    + ((participant_id * 7 + n * 13) %% 1800000) * interval '1 millisecond',
                20, (participant_id * 31 + n * 17) %% 21, (participant_id * 7 + n * 13) %% 1800000,
                (participant_id * 101 + n) %% 1000000, 1, '', participant_id, %s
            FROM made
            """,
            [people, people >= args.attempts, args.attempts, now, big.ends_at, now, big.pk],
        )
        inserted = cursor.rowcount
        cursor.execute("ANALYZE quizzes_attempt")
    timings["attempts"] = round(time.monotonic() - started - timings["people"], 2)
    _write(args.out, {"round": big.pk, "attempts": inserted, "people": people, "seconds": timings})


def rank(args) -> None:
    """Rank the big round the way it happens after 00h: first `round_rank` alone (timed), then,
    from the same unranked state, the whole close job (the sweep: close, auto-submit overdue,
    rank, prizes), then a re-rank (what a disqualification triggers: the stored rows replaced)."""
    from leaderboard.models import Award, RoundResult
    from operations.pipeline import round_rank, rounds_sweep

    def unranked() -> None:
        Award.objects.filter(round_id=args.round)._raw_delete(connection.alias)
        RoundResult.objects.filter(round_id=args.round)._raw_delete(connection.alias)
        Round.objects.filter(pk=args.round).update(
            state=Round.State.OPEN, ranked_at=None, closed_at=None, prediction_actual=None
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE leaderboard_roundresult")

    out = {}
    unranked()
    started = time.monotonic()
    summary = round_rank(round_id=args.round)
    out["rank_seconds"] = round(time.monotonic() - started, 2)
    out["results"] = summary.results
    unranked()
    started = time.monotonic()
    swept = rounds_sweep(now=timezone.now())
    out["close_job_seconds"] = round(time.monotonic() - started, 2)
    out["close_job"] = swept
    started = time.monotonic()
    round_rank(round_id=args.round)
    out["rerank_seconds"] = round(time.monotonic() - started, 2)
    out["stored_results"] = RoundResult.objects.filter(round_id=args.round).count()
    _write(args.out, out)
    print(json.dumps(out))


def storage(args) -> None:
    """Disk taken by attempts with their answer rows (tables, indexes, TOAST)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT pg_total_relation_size('quizzes_attempt'),
                      pg_total_relation_size('quizzes_attemptanswer'),
                      (SELECT COUNT(*) FROM quizzes_attempt),
                      (SELECT COUNT(*) FROM quizzes_attemptanswer)"""
        )
        attempt_bytes, answer_bytes, attempts, answers = cursor.fetchone()
    per_answer = answer_bytes / max(answers, 1)
    per_attempt = attempt_bytes / max(attempts, 1)
    out = {
        "attempt_bytes": round(per_attempt),
        "answer_bytes": round(per_answer),
        "answers_counted": answers,
        "gb_per_100k_attempts_of_20": round((per_attempt + 20 * per_answer) * 100_000 / 2**30, 2),
    }
    _write(args.out, out)


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("seed")
    p.add_argument("--participants", type=int, default=6000)
    p.add_argument("--login-accounts", type=int, default=2000)
    p.add_argument("--questions", type=int, default=600)
    p.add_argument("--questions-per-attempt", type=int, default=20)
    p.add_argument("--out", required=True)
    p.set_defaults(run=seed)
    p = sub.add_parser("prestart")
    p.add_argument("--state", required=True)
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--out", required=True)
    p.set_defaults(run=attempts_prestart)
    p = sub.add_parser("rush-open")
    p.add_argument("--round", type=int, required=True)
    p.add_argument("--in-seconds", type=float, default=3)
    p.set_defaults(run=rush_open)
    p = sub.add_parser("check")
    p.add_argument("--acks", nargs="*", default=[])
    p.add_argument("--out", required=True)
    p.set_defaults(run=check)
    p = sub.add_parser("big-round")
    p.add_argument("--attempts", type=int, default=1_000_000)
    p.add_argument("--people", type=int, default=0)
    p.add_argument("--out", required=True)
    p.set_defaults(run=big_round)
    p = sub.add_parser("rank")
    p.add_argument("--round", type=int, required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(run=rank)
    p = sub.add_parser("storage")
    p.add_argument("--out", required=True)
    p.set_defaults(run=storage)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
