"""seed_demo: every app's demo data, in dependency order, then the history of the 2024 rounds
ranked and published by the real pipeline. Idempotent.

The history of the four 2024 Thanh Hóa rounds is synthetic: a few thousand participants
(deterministic names, units, localities; phones +84 980 xxx xxx; unusable passwords, so nobody
can log in as them), their submitted attempts with realistic scores, durations and predictions,
then the real ranking and prize services, and publication. Every synthetic attempt has its
answer rows, consistent with its score (easier questions are more often right), so the
organisers' per-question statistics of these rounds have something to show. The demo
participant account also gets attempts in rounds 1 and 2, so its history shows ranks.
"""

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from content.demo import demo_content_seed
from leaderboard.demo_participation import demo_participation_seed
from participants.demo import DEMO_PARTICIPANT_PHONE, demo_accounts_seed, demo_units_seed
from participants.models import Participant, Unit, User
from participants.phones import normalize_phone
from quizzes.demo import demo_questions_seed
from quizzes.models import Attempt, AttemptAnswer, Difficulty, Question
from rounds.demo import THANH_HOA_SLUG, demo_contests_seed
from rounds.models import Round

from .pipeline import round_publish_and_announce, round_rank

SYNTHETIC_PHONE_PREFIX = "+84980"
CITIZENS = 1900  # people of the province with no unit (the contest is open to everyone)
ROUND_TURNOUT = {1: 0.78, 2: 0.64, 3: 0.58, 4: 0.70}

FAMILY_NAMES = [
    ("Nguyễn", 30),
    ("Lê", 14),
    ("Trần", 9),
    ("Hoàng", 6),
    ("Phạm", 6),
    ("Lê Đình", 2),
    ("Trịnh", 4),
    ("Vũ", 3),
    ("Đỗ", 3),
    ("Bùi", 3),
    ("Mai", 3),
    ("Lường", 2),
    ("Đặng", 2),
    ("Ngô", 2),
    ("Hà", 2),
    ("Cao", 1),
    ("Quách", 1),
    ("Tống", 1),
]
MIDDLE_NAMES = {
    Participant.Gender.MALE: ["Văn", "Đức", "Minh", "Hữu", "Quang", "Xuân", "Ngọc", "Trọng"],
    Participant.Gender.FEMALE: ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hải", "Phương", "Thùy"],
}
GIVEN_NAMES = {
    Participant.Gender.MALE: [
        "Anh", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khánh",
        "Long", "Mạnh", "Nam", "Phong", "Phúc", "Quân", "Sơn", "Thắng", "Thành", "Trung", "Tuấn",
        "Tùng", "Việt", "Vinh",
    ],
    Participant.Gender.FEMALE: [
        "An", "Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hoa", "Hương", "Huyền",
        "Lan", "Linh", "Loan", "Mai", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo",
        "Trang", "Vân", "Yến",
    ],
}  # fmt: skip
LOCALITIES = [
    "Phường Điện Biên, TP Thanh Hóa",
    "Phường Đông Thọ, TP Thanh Hóa",
    "Phường Quảng Thắng, TP Thanh Hóa",
    "Thị xã Bỉm Sơn",
    "Thị xã Nghi Sơn",
    "TP Sầm Sơn",
    "Huyện Hoằng Hóa",
    "Huyện Hậu Lộc",
    "Huyện Nga Sơn",
    "Huyện Quảng Xương",
    "Huyện Thọ Xuân",
    "Huyện Triệu Sơn",
    "Huyện Yên Định",
    "Huyện Thiệu Hóa",
    "Huyện Đông Sơn",
    "Huyện Nông Cống",
    "Huyện Ngọc Lặc",
    "Huyện Cẩm Thủy",
    "Huyện Thạch Thành",
    "Huyện Như Thanh",
    "Huyện Bá Thước",
    "Huyện Lang Chánh",
    "Huyện Thường Xuân",
    "Huyện Quan Hóa",
    "Huyện Mường Lát",
]

# Busy hours of a working day (local time) as weights: people take part from the office and in
# the evening, so the dashboard's activity per hour looks like a real round.
BUSY_HOURS = {7: 2, 8: 6, 9: 8, 10: 7, 11: 4, 13: 3, 14: 6, 15: 6, 16: 4, 20: 5, 21: 6, 22: 3}


def demo_seed() -> dict[str, int]:
    demo_units_seed()
    demo_accounts_seed()
    demo_contests_seed()
    created_questions = demo_questions_seed()
    demo_content_seed()
    history = demo_history_seed()
    demo_participation_seed()
    return {"questions_created": created_questions, **history}


def _synthetic_people() -> list[tuple[str, str, str, int | None, str, dt.date]]:
    """(phone, full name, gender, unit id, locality, date of birth), the same on every run."""
    rng = random.Random(2024)
    units = list(
        Unit.objects.filter(is_active=True, parent__isnull=False)
        .order_by("code")
        .values_list("id", "headcount")
    )
    members: list[int | None] = []
    for unit_id, headcount in units:
        # Units reach 45 %–100 % of their headcount: some meet the 80 % target, some do not.
        members += [unit_id] * round(headcount * rng.uniform(0.45, 1.0))
    members += [None] * CITIZENS
    families = [name for name, _weight in FAMILY_NAMES]
    weights = [weight for _name, weight in FAMILY_NAMES]
    people = []
    for index, unit_id in enumerate(members):
        gender = rng.choice([Participant.Gender.MALE, Participant.Gender.FEMALE])
        name = " ".join(
            [
                rng.choices(families, weights)[0],
                rng.choice(MIDDLE_NAMES[gender]),
                rng.choice(GIVEN_NAMES[gender]),
            ]
        )
        birth = dt.date(rng.randint(1962, 2006), rng.randint(1, 12), rng.randint(1, 28))
        phone = f"{SYNTHETIC_PHONE_PREFIX}{index:06d}"
        people.append((phone, name, gender, unit_id, rng.choice(LOCALITIES), birth))
    return people


def _synthetic_participants_seed() -> list[int]:
    """Create the synthetic people that do not exist yet; return all their participant ids."""
    people = _synthetic_people()
    existing = set(
        User.objects.filter(phone__startswith=SYNTHETIC_PHONE_PREFIX).values_list(
            "phone", flat=True
        )
    )
    missing = [person for person in people if person[0] not in existing]
    if missing:
        unusable = make_password(None)
        User.objects.bulk_create(
            User(phone=phone, password=unusable, phone_verified=True) for phone, *_rest in missing
        )
        users = dict(
            User.objects.filter(phone__in=[person[0] for person in missing]).values_list(
                "phone", "id"
            )
        )
        Participant.objects.bulk_create(
            Participant(
                user_id=users[phone],
                full_name=name,
                gender=gender,
                unit_id=unit_id,
                locality=locality,
                date_of_birth=birth,
            )
            for phone, name, gender, unit_id, locality, birth in missing
        )
    return list(
        Participant.objects.filter(user__phone__startswith=SYNTHETIC_PHONE_PREFIX)
        .order_by("user__phone")
        .values_list("id", flat=True)
    )


def _round_attempts(
    *, round: Round, participant_ids: list[int], questions: int, time_limit: dt.timedelta
) -> list[Attempt]:
    """Realistic finished attempts: skill-driven scores (a tenth or so reach full marks),
    4–20 minute durations, predictions scattered around a plausible count."""
    rng = random.Random(round.number * 7919)
    limit_ms = time_limit // dt.timedelta(milliseconds=1)
    attempts = []
    for participant_id in participant_ids:
        if rng.random() > ROUND_TURNOUT.get(round.number, 0.6):
            continue
        skill = rng.betavariate(7, 1.6)
        prediction = None if rng.random() < 0.04 else int(rng.lognormvariate(5.4, 0.6))
        for number in range(1, rng.choice([1, 1, 1, 2, 2, 3]) + 1):
            started_at = round.starts_at + dt.timedelta(
                days=rng.randrange(4),  # Monday to Thursday: the round ends Friday 00h
                hours=rng.choices(list(BUSY_HOURS), list(BUSY_HOURS.values()))[0],
                seconds=rng.uniform(0, 3600),
            )
            score = sum(rng.random() < skill for _ in range(questions))
            timed_out = rng.random() < 0.05
            duration = dt.timedelta(
                milliseconds=limit_ms if timed_out else rng.randint(240_000, limit_ms - 1)
            )
            attempts.append(
                Attempt(
                    participant_id=participant_id,
                    round=round,
                    number=number,
                    state=Attempt.State.AUTO_SUBMITTED if timed_out else Attempt.State.SUBMITTED,
                    started_at=started_at,
                    deadline=started_at + time_limit,
                    submitted_at=started_at + duration,
                    question_count=questions,
                    score=score,
                    duration_ms=duration // dt.timedelta(milliseconds=1),
                    prediction=prediction,
                )
            )
    return attempts


def _demo_participant_attempts(
    *, round: Round, questions: int, time_limit: dt.timedelta
) -> list[Attempt]:
    participant = Participant.objects.get(user__phone=normalize_phone(DEMO_PARTICIPANT_PHONE))
    started_at = round.starts_at + dt.timedelta(days=1, hours=20, minutes=round.number * 7)
    duration = dt.timedelta(minutes=9, seconds=round.number * 13, milliseconds=420)
    return [
        Attempt(
            participant=participant,
            round=round,
            number=1,
            state=Attempt.State.SUBMITTED,
            started_at=started_at,
            deadline=started_at + time_limit,
            submitted_at=started_at + duration,
            question_count=questions,
            score=questions - round.number,
            duration_ms=duration // dt.timedelta(milliseconds=1),
            prediction=230 + 15 * round.number,
        )
    ]


# How likely a question of each difficulty is to be answered right, before the person's skill.
EASINESS = {Difficulty.EASY: 1.0, Difficulty.MEDIUM: 0.6, Difficulty.HARD: 0.25}


def _official_pool() -> list[tuple[int, float, list[int], list[int]]]:
    """(question id, easiness, choice ids, correct choice ids) of the official bank."""
    pool = []
    questions = Question.objects.filter(is_active=True, is_practice=False).prefetch_related(
        "choices"
    )
    for question in questions.order_by("id"):
        choices = [choice.pk for choice in question.choices.all()]
        correct = sorted(choice.pk for choice in question.choices.all() if choice.is_correct)
        pool.append((question.pk, EASINESS[question.difficulty], choices, correct))
    return pool


def _answer_rows(*, attempts: list[Attempt], round: Round) -> list[AttemptAnswer]:
    """Answer rows for synthetic attempts: a random draw, options shuffled, and exactly
    `score` of them right, the easier ones (with some luck) first."""
    rng = random.Random(round.number * 104729)
    pool = _official_pool()
    rows = []
    for attempt in attempts:
        drawn = rng.sample(pool, min(attempt.question_count, len(pool)))
        by_ease = sorted(drawn, key=lambda q: q[1] + rng.uniform(0, 0.9), reverse=True)
        right = {question_id for question_id, *_rest in by_ease[: attempt.score]}
        for position, (question_id, _ease, choices, correct) in enumerate(drawn, start=1):
            if question_id in right:
                selected = correct
            elif rng.random() < 0.03:
                selected = []  # left blank
            else:
                wrong = [choice for choice in choices if choice not in correct]
                selected = [rng.choice(wrong)] if wrong else []
            rows.append(
                AttemptAnswer(
                    attempt=attempt,
                    question_id=question_id,
                    position=position,
                    choice_order=rng.sample(choices, len(choices)),
                    selected=selected,
                    seq=1,
                    saved_at=attempt.started_at,
                    is_correct=question_id in right,
                )
            )
    return rows


def demo_history_seed(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Fill the four 2024 rounds with synthetic attempts, rank them and publish them. A round
    that already has attempts is left as it is, so seeding twice changes nothing."""
    now = now or timezone.now()
    participant_ids = _synthetic_participants_seed()
    rounds = Round.objects.filter(
        contest__slug=THANH_HOA_SLUG, is_practice=False, ends_at__lt=now
    ).select_related("contest")
    ranked = 0
    for round in rounds.order_by("number"):
        contest = round.contest
        with transaction.atomic():
            if not Attempt.objects.filter(round=round).exists():
                attempts = _round_attempts(
                    round=round,
                    participant_ids=participant_ids,
                    questions=contest.questions_per_attempt,
                    time_limit=contest.time_limit,
                )
                if round.number <= 2:
                    attempts += _demo_participant_attempts(
                        round=round,
                        questions=contest.questions_per_attempt,
                        time_limit=contest.time_limit,
                    )
                Attempt.objects.bulk_create(attempts, batch_size=2000)
                AttemptAnswer.objects.bulk_create(
                    _answer_rows(attempts=attempts, round=round), batch_size=5000
                )
        if round.state not in (Round.State.RANKED, Round.State.PUBLISHED):
            round_rank(round_id=round.pk, now=now)
            ranked += 1
        if round.state != Round.State.PUBLISHED:
            round_publish_and_announce(
                round_id=round.pk,
                actor=None,
                now=now,
                share_open_ties_reason="Dữ liệu mẫu: những người đồng hạng cùng chia sẻ giải.",
            )
    return {"history_participants": len(participant_ids), "history_rounds_ranked": ranked}
