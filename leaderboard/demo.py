"""seed_demo: every app's demo data, in dependency order. Idempotent."""

from content.demo import demo_content_seed
from participants.demo import demo_accounts_seed, demo_units_seed
from quizzes.demo import demo_questions_seed
from rounds.demo import demo_contests_seed

from .demo_participation import demo_participation_seed


def demo_seed() -> dict[str, int]:
    demo_units_seed()
    demo_accounts_seed()
    demo_contests_seed()
    created_questions = demo_questions_seed()
    demo_content_seed()
    demo_attempts = demo_participation_seed()
    return {"questions_created": created_questions, "demo_attempts": demo_attempts}
