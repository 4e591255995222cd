"""Demo participation for seed_demo: people of every unit taking part in the Thanh Hóa 2024
rounds at realistic hours, a unit representative account, then the stored statistics, so the
reports, dashboard and boards have something to show. Idempotent."""

import datetime as dt
import random

from django.db import transaction

from participants.demo import DEMO_PASSWORD
from participants.models import Participant, Unit, UnitRepresentative, User
from participants.phones import normalize_phone
from quizzes.models import Attempt
from rounds.demo import THANH_HOA_SLUG
from rounds.models import Round

from .services import participation_refresh_all

DEMO_REPRESENTATIVE_PHONE = "0922222222"
DEMO_REPRESENTATIVE_UNIT = "tt-dvvl"
# Demo people get numbers +84 86x xxx xxx, out of the way of the named demo accounts.
_PHONE_PREFIX = "+84860"
_SURNAMES = ["Nguyễn", "Lê", "Trần", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô"]
_MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Hữu"]
_GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hương", "Lan", "Long", "Mai"]
# Busy hours of a working day (local time), as weights.
_HOURS = {7: 2, 8: 6, 9: 8, 10: 7, 11: 4, 13: 3, 14: 6, 15: 6, 16: 4, 20: 5, 21: 6, 22: 3}


def _demo_representative_seed() -> User:
    phone = normalize_phone(DEMO_REPRESENTATIVE_PHONE)
    user = User.objects.filter(phone=phone).first()
    if user is None:
        user = User.objects.create_user(phone, password=DEMO_PASSWORD)
    unit = Unit.objects.get(code=DEMO_REPRESENTATIVE_UNIT)
    Participant.objects.get_or_create(
        user=user,
        defaults={"full_name": "Phạm Thị Đầu Mối", "unit": unit, "gender": "female"},
    )
    UnitRepresentative.objects.get_or_create(user=user, unit=unit)
    return user


@transaction.atomic
def demo_participation_seed() -> int:
    """Create the demo people and their submitted attempts once; refresh the statistics
    every time. Returns the number of demo attempts."""
    _demo_representative_seed()
    rounds = list(
        Round.objects.filter(contest__slug=THANH_HOA_SLUG, is_practice=False).order_by("number")
    )
    existing = Attempt.objects.filter(participant__user__phone__startswith=_PHONE_PREFIX)
    if rounds and not existing.exists():
        _demo_people_and_attempts_seed(rounds)
    participation_refresh_all()
    return existing.count()


def _demo_people_and_attempts_seed(rounds: list[Round]) -> None:
    generator = random.Random(2024)
    hours, weights = list(_HOURS), list(_HOURS.values())
    people: list[tuple[Participant, float]] = []
    serial = 0
    for unit in Unit.objects.filter(headcount__gt=0).order_by("code"):
        rate = generator.uniform(0.35, 1.0)
        for _ in range(round(unit.headcount * rate)):
            serial += 1
            user = User(phone=f"{_PHONE_PREFIX}{serial:06d}", phone_verified=True)
            user.set_unusable_password()
            user.save()
            name = " ".join(
                (
                    generator.choice(_SURNAMES),
                    generator.choice(_MIDDLE),
                    generator.choice(_GIVEN),
                )
            )
            person = Participant.objects.create(
                user=user,
                full_name=name,
                unit=unit,
                gender=generator.choice(["male", "female"]),
                date_of_birth=dt.date(generator.randint(1965, 2000), 1, 1)
                + dt.timedelta(days=generator.randint(0, 364)),
            )
            people.append((person, generator.uniform(0.55, 1.0)))
    attempts: list[Attempt] = []
    first_attempt: dict[int, dt.datetime] = {}
    for demo_round in rounds:
        days = max((demo_round.ends_at - demo_round.starts_at).days, 1)
        questions = demo_round.contest.questions_per_attempt
        for person, keenness in people:
            if generator.random() > keenness:
                continue
            for number in range(1, generator.choice([1, 1, 2, 3]) + 1):
                started = demo_round.starts_at + dt.timedelta(
                    days=generator.randrange(days),
                    hours=generator.choices(hours, weights)[0],
                    minutes=generator.randrange(60),
                )
                seconds = generator.randint(240, demo_round.contest.time_limit_seconds - 5)
                attempts.append(
                    Attempt(
                        participant=person,
                        round=demo_round,
                        number=number,
                        state=Attempt.State.SUBMITTED,
                        started_at=started,
                        deadline=started + demo_round.contest.time_limit,
                        submitted_at=started + dt.timedelta(seconds=seconds),
                        question_count=questions,
                        score=min(questions, max(0, _demo_score(generator, questions))),
                        duration_ms=seconds * 1000 + generator.randrange(1000),
                        prediction=generator.randint(5, 400),
                    )
                )
                first = first_attempt.get(person.pk)
                if first is None or started < first:
                    first_attempt[person.pk] = started
    Attempt.objects.bulk_create(attempts, batch_size=2000)
    # Registration shortly before each person's first attempt, so charts show sign-ups.
    for person, _keenness in people:
        first = first_attempt.get(person.pk, rounds[0].starts_at)
        Participant.objects.filter(pk=person.pk).update(
            created_at=first - dt.timedelta(hours=generator.randint(1, 72))
        )


def _demo_score(generator: random.Random, questions: int) -> int:
    return round(generator.gauss(questions * 0.72, questions * 0.15))
