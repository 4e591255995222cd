"""The migrations of issue 15 keep an existing contest running: the contest the home page
showed becomes the current one, every question goes to a default bank, and every existing
contest draws from it."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("rounds", "0002_revealed_questions"), ("quizzes", "0003_revealed_questions")]


@pytest.mark.django_db(transaction=True)
def test_existing_contests_and_questions_keep_drawing_after_the_migrations():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Contest, Round = old.get_model("rounds", "Contest"), old.get_model("rounds", "Round")
    Topic, Question = old.get_model("quizzes", "Topic"), old.get_model("quizzes", "Question")
    now = timezone.now()
    running = Contest.objects.create(name="Đang chạy", slug="dang-chay", is_active=True)
    Round.objects.create(
        contest=running,
        number=1,
        name="Đợt 1",
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=2),
    )
    Contest.objects.create(name="Năm sau (mới hơn)", slug="nam-sau", is_active=True)
    topic = Topic.objects.create(name="Chủ đề", slug="chu-de")
    for n in range(3):
        Question.objects.create(topic=topic, text=f"Câu {n}?", normalized_text=f"cau {n}")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)
    new = executor.loader.project_state(latest).apps
    Contest = new.get_model("rounds", "Contest")
    QuestionBank = new.get_model("quizzes", "QuestionBank")
    Question = new.get_model("quizzes", "Question")
    assert list(Contest.objects.filter(is_current=True).values_list("slug", flat=True)) == [
        "dang-chay"
    ]
    bank = QuestionBank.objects.get()
    assert bank.slug == "ngan-hang-chung"
    assert set(bank.contests.values_list("slug", flat=True)) == {"dang-chay", "nam-sau"}
    assert Question.objects.filter(bank=bank).count() == 3
