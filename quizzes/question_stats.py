"""How each question did in a round's finished attempts: times drawn, share correct, share of
each option chosen, and the discrimination index (top 27 % − bottom 27 %), from SQL
aggregates."""

from dataclasses import dataclass

from django.db import connection

from .models import FINISHED_STATES, Attempt, AttemptAnswer, Difficulty, Question

OPTION_LETTERS = "ABCDEF"


@dataclass(frozen=True)
class OptionShare:
    letter: str
    text: str
    is_correct: bool
    chosen: int
    percent: float | None


@dataclass(frozen=True)
class QuestionStats:
    """How one question did in a round's finished attempts."""

    question_id: int
    text: str
    topic: str
    difficulty: str
    kind: str
    is_active: bool
    drawn: int
    correct: int
    correct_percent: float | None
    blank: int
    blank_percent: float | None
    options: list[OptionShare]
    upper_drawn: int
    upper_correct: int
    lower_drawn: int
    lower_correct: int
    discrimination: float | None  # share correct in the top 27 % − in the bottom 27 %

    @property
    def correct_letters(self) -> str:
        return ", ".join(option.letter for option in self.options if option.is_correct)


STATS_ORDERS = {
    "id": lambda s: (s.question_id,),
    "topic": lambda s: (s.topic, s.difficulty, s.question_id),
    "drawn": lambda s: (s.drawn, s.question_id),
    "correct": lambda s: (s.correct_percent is None, s.correct_percent or 0, s.question_id),
    "discrimination": lambda s: (
        s.discrimination is None,
        s.discrimination or 0,
        s.question_id,
    ),
}


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def stats_group_size(*, attempts: int) -> int:
    """How many attempts make the top (and the bottom) 27 %: rounded half up, at least one
    when there are two attempts to compare."""
    if attempts < 2:
        return 0
    return max(1, (attempts * 27 + 50) // 100)


def round_question_stats(*, round_id: int, order: str = "") -> list[QuestionStats]:
    """Per question of a round's finished attempts: times drawn, share fully correct, share of
    each option chosen, and the discrimination index, from SQL aggregates. Attempts are ordered
    by score (then shorter duration, then id) to form the top and bottom 27 % groups.
    `order` is a key of STATS_ORDERS, "-" in front for descending."""
    attempt_table = Attempt._meta.db_table
    answer_table = AttemptAnswer._meta.db_table
    states = list(FINISHED_STATES)
    finished = Attempt.objects.filter(round_id=round_id, state__in=states).count()
    group = stats_group_size(attempts=finished)
    postgres = connection.vendor == "postgresql"
    json_length = "jsonb_array_length" if postgres else "json_array_length"
    ranked = f"""
        WITH ranked AS (
            SELECT a.id, ROW_NUMBER() OVER (
                ORDER BY a.score DESC, a.duration_ms ASC, a.id ASC
            ) AS pos
            FROM {attempt_table} a
            WHERE a.round_id = %s AND a.state IN (%s, %s)
        )
    """
    with connection.cursor() as cursor:
        cursor.execute(
            ranked
            + f"""
            SELECT aa.question_id,
                COUNT(*),
                SUM(CASE WHEN aa.is_correct THEN 1 ELSE 0 END),
                SUM(CASE WHEN {json_length}(aa.selected) = 0 THEN 1 ELSE 0 END),
                SUM(CASE WHEN r.pos <= %s THEN 1 ELSE 0 END),
                SUM(CASE WHEN r.pos <= %s AND aa.is_correct THEN 1 ELSE 0 END),
                SUM(CASE WHEN r.pos > %s THEN 1 ELSE 0 END),
                SUM(CASE WHEN r.pos > %s AND aa.is_correct THEN 1 ELSE 0 END)
            FROM {answer_table} aa JOIN ranked r ON r.id = aa.attempt_id
            GROUP BY aa.question_id
            """,
            [round_id, *states, group, group, finished - group, finished - group],
        )
        totals = {row[0]: [int(value or 0) for value in row[1:]] for row in cursor.fetchall()}
        exploded = (
            "CROSS JOIN LATERAL jsonb_array_elements_text(aa.selected) AS opt(value)"
            if postgres
            else ", json_each(aa.selected) AS opt"
        )
        cursor.execute(
            f"""
            SELECT aa.question_id, CAST(opt.value AS INTEGER), COUNT(*)
            FROM {answer_table} aa JOIN {attempt_table} a ON a.id = aa.attempt_id
            {exploded}
            WHERE a.round_id = %s AND a.state IN (%s, %s)
            GROUP BY aa.question_id, CAST(opt.value AS INTEGER)
            """,
            [round_id, *states],
        )
        chosen = {(question_id, choice_id): n for question_id, choice_id, n in cursor.fetchall()}

    questions = Question.objects.filter(id__in=totals).select_related("topic")
    questions = questions.prefetch_related("choices")
    stats = []
    for question in questions:
        drawn, correct, blank, upper_n, upper_ok, lower_n, lower_ok = totals[question.id]
        discrimination = None
        if upper_n and lower_n:
            discrimination = round(upper_ok / upper_n - lower_ok / lower_n, 2)
        stats.append(
            QuestionStats(
                question_id=question.id,
                text=question.text,
                topic=question.topic.name,
                difficulty=str(Difficulty(question.difficulty).label),
                kind=question.kind,
                is_active=question.is_active,
                drawn=drawn,
                correct=correct,
                correct_percent=_percent(correct, drawn),
                blank=blank,
                blank_percent=_percent(blank, drawn),
                options=[
                    OptionShare(
                        letter=OPTION_LETTERS[index] if index < len(OPTION_LETTERS) else "?",
                        text=choice.text,
                        is_correct=choice.is_correct,
                        chosen=chosen.get((question.id, choice.id), 0),
                        percent=_percent(chosen.get((question.id, choice.id), 0), drawn),
                    )
                    for index, choice in enumerate(question.choices.all())
                ],
                upper_drawn=upper_n,
                upper_correct=upper_ok,
                lower_drawn=lower_n,
                lower_correct=lower_ok,
                discrimination=discrimination,
            )
        )
    key = STATS_ORDERS.get(order.lstrip("-"), STATS_ORDERS["id"])
    stats.sort(key=key, reverse=order.startswith("-"))
    return stats
