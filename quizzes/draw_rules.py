"""Draw rules (topic × difficulty × count) a round's active pool can satisfy and that add up to
the contest's questions per attempt."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rounds.models import Round

from .bank_selectors import question_pool_counts
from .models import Difficulty, DrawRule, Topic
from .selectors import revealed_question_ids

# --- draw rules ------------------------------------------------------------------------------


def draw_rules_validate(*, round: Round, rules: Sequence[tuple[Topic, int, int]]) -> None:
    """Refuse draw rules (topic, difficulty, count) the round's active pool cannot satisfy,
    or that do not add up to the contest's questions per attempt."""
    if not rules:
        return
    # The questions whose key an earlier round showed are not drawn (unless the round allows
    # them): the rules must be satisfiable without them.
    revealed = set() if round.allow_revealed_questions else revealed_question_ids(round=round)
    available = question_pool_counts(is_practice=round.is_practice, excluded_ids=revealed)
    pool_name = _("thi thử") if round.is_practice else _("thi chính thức")
    messages = []
    for topic, difficulty, count in rules:
        have = available.get((topic.pk, int(difficulty)), 0)
        if have < count:
            messages.append(
                _(
                    "Quy tắc “%(topic)s · %(difficulty)s” cần %(count)d câu nhưng ngân hàng "
                    "%(pool)s chỉ có %(have)d câu đang sử dụng."
                )
                % {
                    "topic": topic.name,
                    "difficulty": Difficulty(int(difficulty)).label,
                    "count": count,
                    "pool": pool_name,
                    "have": have,
                }
            )
    total = sum(count for _topic, _difficulty, count in rules)
    expected = round.contest.questions_per_attempt
    if total != expected:
        messages.append(
            _(
                "Tổng số câu của các quy tắc rút câu hỏi là %(total)d, phải bằng số câu hỏi "
                "mỗi lượt của cuộc thi (%(expected)d)."
            )
            % {"total": total, "expected": expected}
        )
    if messages and revealed:
        messages.append(
            _(
                "Không tính %(count)d câu đã lộ đáp án ở các đợt trước; đánh dấu “Cho phép rút "
                "câu hỏi đã lộ đáp án” nếu Ban Tổ chức chấp nhận rút lại các câu này."
            )
            % {"count": len(revealed)}
        )
    if messages:
        raise ValidationError(messages, code="draw_rules_unsatisfiable")


def draw_rules_current_validate(*, round: Round) -> None:
    """The stored rules of a round, checked against today's pool."""
    rules = [
        (rule.topic, rule.difficulty, rule.count)
        for rule in DrawRule.objects.filter(round=round).select_related("topic")
    ]
    draw_rules_validate(round=round, rules=rules)
