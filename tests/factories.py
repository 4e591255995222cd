"""factory_boy factories for every model the tests build."""

import datetime as dt

import factory
from django.utils import timezone

from participants.models import Participant, Unit, User
from quizzes.models import Choice, Difficulty, Question, Topic, question_bank_default_id
from rounds.models import Contest, PrizeTier, Round


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"don-vi-{n}")
    name = factory.Sequence(lambda n: f"Đơn vị số {n}")
    kind = Unit.Kind.OFFICE
    headcount = 20


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"+8491{n:07d}")
    password = factory.django.Password("mat-khau-an-toan-2024")
    phone_verified = True


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    user = factory.SubFactory(UserFactory)
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thí Sinh {n}")
    date_of_birth = dt.date(1990, 1, 1)
    gender = Participant.Gender.MALE
    unit = factory.SubFactory(UnitFactory)


class ContestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contest
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Cuộc thi tìm hiểu số {n}")
    slug = factory.Sequence(lambda n: f"cuoc-thi-{n}")
    questions_per_attempt = 5
    is_active = True  # published; the first contest of a test is the current one
    is_current = factory.LazyAttribute(
        lambda o: o.is_active and not Contest.objects.filter(is_current=True).exists()
    )

    @factory.post_generation
    def banks(self, create, extracted, **kwargs):
        """The contest draws from the default bank (QuestionFactory's), unless told others."""
        if not create:
            return
        for bank in extracted if extracted is not None else [question_bank_default_id()]:
            self.question_banks.add(bank)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    contest = factory.SubFactory(ContestFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"Đợt {o.number}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))


class PrizeTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrizeTier

    round = factory.SubFactory(RoundFactory)
    name = factory.Sequence(lambda n: f"Giải {n}")
    count = 1
    order = factory.Sequence(lambda n: n + 1)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Chủ đề {n}")
    slug = factory.Sequence(lambda n: f"chu-de-{n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    """A single-choice question with four options; option 0 is correct."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    topic = factory.SubFactory(TopicFactory)
    difficulty = Difficulty.MEDIUM
    kind = Question.Kind.SINGLE
    text = factory.Sequence(lambda n: f"Câu hỏi số {n} về chuyển đổi số?")
    explanation = "Giải thích."

    @factory.post_generation
    def choices(self, create, extracted, **kwargs):
        if not create:
            return
        correct = set(extracted or [0])
        for index in range(4):
            Choice.objects.create(
                question=self,
                text=f"Phương án {'ABCD'[index]}",
                is_correct=index in correct,
                sort_order=index,
            )


class FinishedAttemptFactory(factory.django.DjangoModelFactory):
    """A submitted attempt with its result set directly (ranking tests need no answer rows)."""

    class Meta:
        model = "quizzes.Attempt"

    participant = factory.SubFactory(ParticipantFactory)
    round = factory.SubFactory(RoundFactory)
    number = 1
    state = "submitted"
    started_at = factory.LazyAttribute(lambda o: o.round.starts_at + dt.timedelta(hours=1))
    deadline = factory.LazyAttribute(lambda o: o.started_at + dt.timedelta(minutes=20))
    submitted_at = factory.LazyAttribute(
        lambda o: o.started_at + dt.timedelta(milliseconds=o.duration_ms)
    )
    question_count = 5
    score = 5
    duration_ms = 300_000
    prediction = None


class AnsweredLaterAttemptFactory(FinishedAttemptFactory):
    """A submitted attempt whose answers (and score) the test adds itself."""

    started_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(minutes=30))
    duration_ms = 60_000
    question_count = 0
    score = 0


def published_round_in_finishing_order(*, people: int, name: str = "Người số"):
    """A round that ended an hour ago with one prize (Giải Nhất) and `people` full marks with
    the same prediction, in finishing order (the first is the fastest), ranked and published:
    disqualifying the first moves everyone else up a place. Returns (round, participants)."""
    from operations.pipeline import round_publish_and_announce, round_rank

    now = timezone.now()
    round = RoundFactory(starts_at=now - dt.timedelta(days=4), ends_at=now - dt.timedelta(hours=1))
    PrizeTierFactory(round=round, name="Giải Nhất", count=1, order=1)
    participants = [ParticipantFactory(full_name=f"{name} {n:02d}") for n in range(people)]
    for n, person in enumerate(participants):
        FinishedAttemptFactory(
            round=round, participant=person, prediction=1, duration_ms=(n + 1) * 1000
        )
    round_rank(round_id=round.pk)
    round_publish_and_announce(round_id=round.pk, actor=None)
    return round, participants
