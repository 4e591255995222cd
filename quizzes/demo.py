"""Demo data of this app for seed_demo: the question bank in demo_data/questions.json."""

import json
from pathlib import Path

from django.db import transaction

from .models import Choice, Difficulty, Question, Topic
from .questions import normalize_question_text, validate_choices

DEMO_QUESTIONS_FILE = Path(__file__).parent / "demo_data" / "questions.json"
DIFFICULTIES = {"easy": Difficulty.EASY, "medium": Difficulty.MEDIUM, "hard": Difficulty.HARD}


@transaction.atomic
def demo_questions_seed() -> int:
    """Create the demo topics and questions that do not exist yet (matched by normalised text)."""
    data = json.loads(DEMO_QUESTIONS_FILE.read_text(encoding="utf-8"))
    topics = {}
    for order, item in enumerate(data["topics"], start=1):
        topics[item["slug"]], _ = Topic.objects.update_or_create(
            slug=item["slug"], defaults={"name": item["name"], "sort_order": order}
        )
    existing = set(Question.objects.values_list("normalized_text", flat=True))
    created = 0
    for item in data["questions"]:
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
        )
        Choice.objects.bulk_create(
            Choice(question=question, text=text, is_correct=flag, sort_order=index)
            for index, (text, flag) in enumerate(zip(item["choices"], flags, strict=True))
        )
        created += 1
    return created
