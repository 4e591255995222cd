"""Bank checks organisers see on import and in question statistics: the key as the only longest
option (always picking the longest nearly doubled a score in the demo bank), the key's stored
position, duplicate and near-duplicate questions; and the demo bank rewritten to pass them."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import Workbook

from quizzes.bank import COLUMNS, bank_check
from quizzes.demo import DEMO_QUESTIONS_FILE, PRACTICE_EVERY, demo_questions_seed
from quizzes.questions import CheckedQuestion
from tests.factories import QuestionFactory, RoundFactory, TopicFactory

HEADERS = [label for _key, label, _aliases in COLUMNS]
SHORT = ("Có", "Sai", "Không", "Chưa rõ")


def _question(n, *, correct=0, longest=None, text=None):
    choices = [f"{word} {n}" for word in SHORT]
    if longest is not None:
        choices[longest] = f"Phương án được viết dài hơn hẳn các phương án khác số {n}"
    return CheckedQuestion(
        label=f"mã {n}",
        text=text or f"Câu hỏi số {n} về một chủ đề riêng biệt {'x' * (n % 7)} {n * 7919}?",
        choices=choices,
        correct=[correct],
        kind="single",
    )


def test_the_key_as_the_only_longest_option_is_flagged_against_chance():
    # 46 of 100 questions give the key away by its length (the demo bank's share before).
    biased = [
        _question(n, correct=n % 4, longest=n % 4 if n < 46 else (n + 1) % 4) for n in range(100)
    ]
    check = bank_check(questions=biased)
    assert len(check.longest_correct) == 46
    assert (check.longest_percent, check.chance_percent) == (46.0, 25.0)
    assert any("dài nhất ở 46/100 câu" in warning for warning in check.warnings)
    fair = [
        _question(n, correct=n % 4, longest=n % 4 if n < 25 else (n + 1) % 4) for n in range(100)
    ]
    check = bank_check(questions=fair)
    assert check.longest_percent == 25.0
    assert not any("dài nhất" in warning for warning in check.warnings)


def test_the_keys_position_is_flagged_when_one_letter_holds_it_too_often():
    skewed = [_question(n, correct=1 if n < 20 else n % 4) for n in range(30)]
    check = bank_check(questions=skewed)
    shares = {share.letter: (share.count, share.percent) for share in check.positions}
    assert shares["B"] == (23, 76.7)
    assert any("phương án B trong 23/30 câu" in warning for warning in check.warnings)
    balanced = bank_check(questions=[_question(n, correct=n % 4) for n in range(40)])
    assert not any("nằm ở phương án" in warning for warning in balanced.warnings)


def test_duplicates_and_near_duplicates_are_listed_with_the_rest_of_the_bank():
    new = [
        _question(1, text="Ngày Chuyển đổi số quốc gia là ngày nào trong năm?"),
        _question(2, text="Chữ ký số được tạo lập dựa trên công nghệ nào?"),
    ]
    bank = [
        _question(3, text="Ngày Chuyển đổi số quốc gia là ngày nào hằng năm?"),
        _question(4, text="Luật An ninh mạng có hiệu lực từ ngày nào?"),
        _question(5, text="Chữ ký số được tạo lập dựa trên công nghệ nào?"),
    ]
    check = bank_check(questions=new, others=bank)
    pairs = {(pair.first.label, pair.second.label): pair.similarity for pair in check.similar}
    assert pairs[("mã 2", "mã 5")] == 100
    assert 90 <= pairs[("mã 1", "mã 3")] < 100
    assert len(pairs) == 2  # the unrelated question is not reported
    assert "Trùng: câu mã 2 và câu mã 5." in check.warnings


@pytest.mark.django_db
def test_the_import_preview_shows_the_checks(organiser_client):
    topic = TopicFactory(name="Chủ đề A", slug="chu-de-a")
    existing = QuestionFactory(
        topic=topic, text="Ngày nào hằng năm được chọn làm Ngày Chuyển đổi số quốc gia?"
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for n in range(12):  # the key always the long option, always in B
        sheet.append(
            [
                "chu-de-a",
                "Dễ",
                "một đáp án",
                f"Câu hỏi thử số {n} về {'chủ đề ' * (n % 5)}{n * 7919}?",
                f"Sai {n}",
                f"Phương án đúng được viết dài hơn hẳn số {n}",
                f"Không {n}",
                "",
                "",
                "",
                "B",
                "",
                "",
            ]
        )
    sheet.append(
        [
            "chu-de-a",
            "Dễ",
            "một đáp án",
            "Ngày nào hằng năm được lấy làm Ngày Chuyển đổi số quốc gia?",
            "10/10",
            "20/10",
            "",
            "",
            "",
            "",
            "A",
            "",
            "",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.name = "cau-hoi.xlsx"
    buffer.seek(0)
    response = organiser_client.post(reverse("admin:quizzes_question_import"), {"file": buffer})
    page = response.content.decode()
    assert response.status_code == 200 and "Xác nhận nhập" in page
    assert 'id="bank-check"' in page
    assert "Phương án đúng là phương án dài nhất ở 12/13 câu" in page
    assert "phương án B trong 12/13 câu" in page
    assert f"câu dòng 14 và câu mã {existing.pk}" in page


@pytest.mark.django_db
def test_question_statistics_show_the_checks_of_the_rounds_bank(organiser_client):
    demo_questions_seed()
    round = RoundFactory()
    page = organiser_client.get(
        reverse("admin:quizzes_round_question_stats", args=[round.pk])
    ).content.decode()
    assert 'id="bank-check-figures"' in page
    assert "Phương án đúng là phương án dài nhất" in page
    # The demo's parallel questions (2025 / 2030 targets) are listed as near-duplicates.
    assert 'id="bank-check-similar"' in page


def _only_longest_is_key(question) -> bool:
    lengths = [len(choice) for choice in question["choices"]]
    key = question["correct"][0]
    return lengths[key] == max(lengths) and lengths.count(max(lengths)) == 1


@pytest.mark.django_db
def test_the_demo_bank_gives_no_answer_away_by_length_or_position():
    data = json.loads(DEMO_QUESTIONS_FILE.read_text(encoding="utf-8"))
    official = [
        q
        for index, q in enumerate(data["questions"])
        if index % PRACTICE_EVERY != PRACTICE_EVERY - 1 and q["kind"] == "single"
    ]
    share = sum(map(_only_longest_is_key, official)) / len(official)
    assert share <= 0.25, f"the key is the only longest option in {share:.0%} of the questions"

    demo_questions_seed()
    from quizzes.bank import question_bank_check

    for is_practice in (False, True):
        check = question_bank_check(is_practice=is_practice)
        cues = [w for w in check.warnings if "dài nhất" in w or "nằm ở phương án" in w]
        assert cues == [], cues
        assert check.longest_percent <= check.chance_percent + 5
