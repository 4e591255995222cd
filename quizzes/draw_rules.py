"""Draw rules (topic or any topic × difficulty × count) that a round's pool can satisfy and
that add up to the contest's questions per attempt."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rounds.models import Round

from .bank_selectors import question_pool_counts
from .models import Difficulty, DrawRule, Topic
from .selectors import revealed_question_ids

# A rule as a form or a copy gives it: (topic, or None for any topic; difficulty; count).
Rule = tuple[Topic | None, int, int]


@dataclass(frozen=True)
class RuleCheck:
    """One rule against the pool: how many it draws and how many it can draw from."""

    topic: str
    difficulty: str
    count: int
    have: int

    @property
    def ok(self) -> bool:
        return self.have >= self.count


def draw_rules_check(
    *, rules: Sequence[Rule], available: dict[tuple[int, int], int]
) -> list[RuleCheck]:
    """Each rule with the questions left for it: a topic's rule has its topic and difficulty;
    a rule of any topic has its difficulty, less what the topic rules of that difficulty take
    (an attempt never draws a question twice)."""
    taken_by_level: dict[int, int] = defaultdict(int)
    for topic, difficulty, count in rules:
        if topic is not None:
            have = available.get((topic.pk, int(difficulty)), 0)
            taken_by_level[int(difficulty)] += min(count, have)
    checks = []
    for topic, difficulty, count in rules:
        level = int(difficulty)
        if topic is not None:
            have = available.get((topic.pk, level), 0)
        else:
            have = sum(n for (_t, lvl), n in available.items() if lvl == level)
            have = max(have - taken_by_level[level], 0)
        checks.append(
            RuleCheck(
                topic=topic.name if topic is not None else _("Mọi chủ đề"),
                difficulty=str(Difficulty(level).label),
                count=count,
                have=have,
            )
        )
    return checks


def draw_rules_problems(
    *, round: Round, rules: Sequence[Rule], available: dict[tuple[int, int], int] | None = None
) -> list[str]:
    """Why a round's rules would fail an attempt: a rule its pool cannot satisfy, or a total
    other than the contest's questions per attempt. Empty when they are right."""
    if not rules:
        return []
    # The questions whose key an earlier round showed are not drawn (unless the round allows
    # them): the rules must be satisfiable without them.
    revealed = round_revealed_excluded(round=round)
    if available is None:
        available = question_pool_counts(round=round, excluded_ids=revealed)
    pool_name = _("thi thử") if round.is_practice else _("thi chính thức")
    problems = [
        _(
            "Quy tắc “%(topic)s · %(difficulty)s” cần %(count)d câu nhưng ngân hàng "
            "%(pool)s chỉ có %(have)d câu đang sử dụng."
        )
        % {
            "topic": check.topic,
            "difficulty": check.difficulty,
            "count": check.count,
            "pool": pool_name,
            "have": check.have,
        }
        for check in draw_rules_check(rules=rules, available=available)
        if not check.ok
    ]
    total = sum(count for _topic, _difficulty, count in rules)
    expected = round.contest.questions_per_attempt
    if total != expected:
        problems.append(
            _(
                "Tổng số câu của các quy tắc rút câu hỏi là %(total)d, phải bằng số câu hỏi "
                "mỗi lượt của cuộc thi (%(expected)d)."
            )
            % {"total": total, "expected": expected}
        )
    if problems and revealed:
        problems.append(
            _(
                "Không tính %(count)d câu đã lộ đáp án ở các đợt trước; đánh dấu “Cho phép rút "
                "câu hỏi đã lộ đáp án” nếu Ban Tổ chức chấp nhận rút lại các câu này."
            )
            % {"count": len(revealed)}
        )
    return problems


def round_revealed_excluded(*, round: Round) -> set[int]:
    """The questions the round does not draw because an earlier round showed their key."""
    return set() if round.allow_revealed_questions else revealed_question_ids(round=round)


def draw_rules_validate(*, round: Round, rules: Sequence[Rule]) -> None:
    """Refuse draw rules the round's pool cannot satisfy, or that do not add up to the
    contest's questions per attempt."""
    problems = draw_rules_problems(round=round, rules=rules)
    if problems:
        raise ValidationError(problems, code="draw_rules_unsatisfiable")


def draw_rules_stored(*, round: Round) -> list[Rule]:
    return [
        (rule.topic, rule.difficulty, rule.count)
        for rule in DrawRule.objects.filter(round=round).select_related("topic")
    ]


def draw_rules_current_validate(*, round: Round) -> None:
    """The stored rules of a round, checked against today's pool."""
    draw_rules_validate(round=round, rules=draw_rules_stored(round=round))


def round_pool_problems(
    *, round: Round, without_ids: Sequence[int] = (), with_ids: Sequence[int] = ()
) -> list[str]:
    """What an attempt of the round would meet with today's pool, or with the pool changed by
    (de)activating questions: short rules, a wrong total, or too few questions without
    rules."""
    available = question_pool_counts(
        round=round,
        without_ids=without_ids,
        with_ids=with_ids,
        excluded_ids=round_revealed_excluded(round=round),
    )
    rules = draw_rules_stored(round=round)
    if rules:
        return draw_rules_problems(round=round, rules=rules, available=available)
    have, wanted = sum(available.values()), round.contest.questions_per_attempt
    if have < wanted:
        return [
            _("Mỗi lượt cần %(count)d câu nhưng ngân hàng của cuộc thi chỉ có %(have)d câu.")
            % {"count": wanted, "have": have}
        ]
    return []


def draw_rules_copy(*, source: Round, targets: Sequence[Round]) -> int:
    """Give each target round the draw rules of `source` (replacing theirs)."""
    rules = list(DrawRule.objects.filter(round=source))
    DrawRule.objects.filter(round__in=targets).delete()
    created = DrawRule.objects.bulk_create(
        DrawRule(round=target, topic_id=rule.topic_id, difficulty=rule.difficulty, count=rule.count)
        for target in targets
        for rule in rules
    )
    return len(created)
