import pytest
from django.core.exceptions import ValidationError

from quizzes.questions import validate_choices


def test_at_most_six_options_the_template_can_hold():
    validate_choices(kind="single", correct_flags=[True] + [False] * 5)
    with pytest.raises(ValidationError) as error:
        validate_choices(kind="single", correct_flags=[True] + [False] * 6)
    assert error.value.code == "too_many_choices"
    assert error.value.messages == ["Câu hỏi có tối đa 6 phương án trả lời (A–F)."]
