"""Demo data of this app for seed_demo: the question bank in demo_data/questions.json."""

import json
from pathlib import Path

from django.db import transaction

from rounds.demo import DEMO_SLUG, THANH_HOA_SLUG
from rounds.models import Contest

from .models import Choice, Difficulty, Question, QuestionBank, Topic, question_bank_default_id
from .questions import normalize_question_text, validate_choices

DEMO_QUESTIONS_FILE = Path(__file__).parent / "demo_data" / "questions.json"
# Every fourth demo question is in the practice pool ("Thi thử"): 32 of 128, the other 96
# make the official pool.
PRACTICE_EVERY = 4
DIFFICULTIES = {"easy": Difficulty.EASY, "medium": Difficulty.MEDIUM, "hard": Difficulty.HARD}


@transaction.atomic
def demo_questions_seed() -> int:
    """Create the demo topics and questions that do not exist yet (matched by normalised text)
    in the default bank, which every demo contest draws from; every fourth one belongs to the
    practice pool."""
    QuestionBank.objects.get(pk=question_bank_default_id()).contests.add(
        *Contest.objects.filter(slug__in=[THANH_HOA_SLUG, DEMO_SLUG])
    )
    data = json.loads(DEMO_QUESTIONS_FILE.read_text(encoding="utf-8"))
    topics = {}
    for order, item in enumerate(data["topics"], start=1):
        topics[item["slug"]], _ = Topic.objects.update_or_create(
            slug=item["slug"], defaults={"name": item["name"], "sort_order": order}
        )
    existing = set(Question.objects.values_list("normalized_text", flat=True))
    created = 0
    practice_texts = []
    for index, item in enumerate(data["questions"]):
        is_practice = index % PRACTICE_EVERY == PRACTICE_EVERY - 1
        if is_practice:
            practice_texts.append(normalize_question_text(item["text"]))
        if normalize_question_text(item["text"]) in existing:
            continue
        correct = set(item["correct"])
        flags = [index in correct for index in range(len(item["choices"]))]
        validate_choices(kind=item["kind"], correct_flags=flags)
        question = Question.objects.create(
            topic=topics[item["topic"]],
            difficulty=DIFFICULTIES[item["difficulty"]],
            kind=item["kind"],
            text=item["text"],
            explanation=item.get("explanation", ""),
            source_reference=item.get("source", ""),
            is_practice=is_practice,
        )
        Choice.objects.bulk_create(
            Choice(question=question, text=text, is_correct=flag, sort_order=index)
            for index, (text, flag) in enumerate(zip(item["choices"], flags, strict=True))
        )
        created += 1
    # Questions seeded before the practice pool existed join it too.
    Question.objects.filter(normalized_text__in=practice_texts, is_practice=False).update(
        is_practice=True
    )
    return created
