"""Rules about a question's content, shared by the admin, the importer and the seed data."""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

_SPACES = re.compile(r"\s+")
MAX_CHOICES = 6  # options A–F: what the spreadsheet template holds
# A question is read on a phone in a timed attempt: a long paragraph at most. The explanation
# may quote a legal text. Enforced by the model (and the database), the admin and the import.
QUESTION_TEXT_MAX_LENGTH = 2000
EXPLANATION_MAX_LENGTH = 5000


def question_length_problems(*, text: str, explanation: str) -> list[str]:
    """Why a question's text or explanation is too long (empty when they fit)."""
    problems = []
    for label, value, limit in (
        (_("Nội dung câu hỏi"), text, QUESTION_TEXT_MAX_LENGTH),
        (_("Giải thích"), explanation, EXPLANATION_MAX_LENGTH),
    ):
        if len(value) > limit:
            problems.append(
                _("%(field)s dài %(n)s ký tự, tối đa %(max)s ký tự.")
                % {
                    "field": label,
                    "n": number_format(len(value), force_grouping=True),
                    "max": number_format(limit, force_grouping=True),
                }
            )
    return problems


def normalize_question_text(text: str) -> str:
    """Case-, space- and Unicode-form-insensitive text, to find the same question twice."""
    text = unicodedata.normalize("NFC", text or "").casefold()
    return _SPACES.sub(" ", text).strip()[:500]


def validate_choices(*, kind: str, correct_flags: Sequence[bool]) -> None:
    """Refuse a question that cannot be answered correctly."""
    if len(correct_flags) < 2:
        raise ValidationError(
            _("Câu hỏi cần ít nhất hai phương án trả lời."), code="too_few_choices"
        )
    if len(correct_flags) > MAX_CHOICES:
        raise ValidationError(
            _("Câu hỏi có tối đa %(n)d phương án trả lời (A–F).") % {"n": MAX_CHOICES},
            code="too_many_choices",
        )
    correct = sum(1 for flag in correct_flags if flag)
    if correct == 0:
        raise ValidationError(_("Câu hỏi chưa có phương án đúng."), code="no_correct_choice")
    if kind == "single" and correct > 1:
        raise ValidationError(
            _("Câu hỏi một đáp án chỉ được có đúng một phương án đúng (đang có %(n)d).")
            % {"n": correct},
            code="single_with_many_correct",
        )


@dataclass(frozen=True)
class CheckedQuestion:
    """A question as the bank checks see it (quizzes.bank.bank_check): `label` says where it is
    ("mã 12" in the bank, "dòng 5" in a file)."""

    label: str
    text: str
    choices: Sequence[str]
    correct: Sequence[int]
    kind: str
    question_id: int | None = None
