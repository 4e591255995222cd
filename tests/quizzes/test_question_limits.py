"""Question text and explanation have a length limit (model and database, admin, import) with a
row-numbered message; a CSV cell over the csv module's field limit is refused saying which row and
why; a file refused as a whole (formulas, a CSV cell too long) still lists the other bad rows."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import Workbook

from quizzes.bank import COLUMNS, ImportFileError, question_file_read, question_import
from quizzes.models import Question, question_bank_default_id
from quizzes.questions import EXPLANATION_MAX_LENGTH, QUESTION_TEXT_MAX_LENGTH
from tests.factories import QuestionFactory, TopicFactory

HEADERS = [label for _key, label, _aliases in COLUMNS]
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def topic():
    return TopicFactory(name="Chủ đề A", slug="chu-de-a")


def _row(text="Câu hỏi?", *, topic="chu-de-a", difficulty="Dễ", explanation=""):
    return [
        topic,
        difficulty,
        "một đáp án",
        text,
        "Đúng",
        "Sai",
        "",
        "",
        "",
        "",
        "A",
        explanation,
        "",
    ]


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def test_a_very_long_question_is_refused_with_its_row_and_length():
    rows = [
        _row("Câu hỏi bình thường?"),
        _row("x" * 30_017),  # an .xlsx cell holds at most 32,767 characters
        _row("Câu có lời giải thích quá dài?", explanation="y" * (EXPLANATION_MAX_LENGTH + 1)),
        _row("z" * QUESTION_TEXT_MAX_LENGTH, explanation="y" * EXPLANATION_MAX_LENGTH),
    ]
    report = question_import(name="a.xlsx", content=_xlsx(rows))
    errors = [(e.row, e.message) for e in report.errors]
    assert errors == [
        (3, "Nội dung câu hỏi dài 30.017 ký tự, tối đa 2.000 ký tự."),
        (4, "Giải thích dài 5.001 ký tự, tối đa 5.000 ký tự."),
    ]
    assert not Question.objects.exists()
    # At the limit exactly: accepted.
    report = question_import(name="a.xlsx", content=_xlsx([rows[0], rows[3]]))
    assert report.ok and report.created == 2


def test_the_model_and_the_database_refuse_a_text_over_the_limit():
    question = QuestionFactory.build(
        topic=TopicFactory(), text="x" * (QUESTION_TEXT_MAX_LENGTH + 1)
    )
    with pytest.raises(ValidationError) as error:
        question.full_clean()
    assert "text" in error.value.message_dict
    # A bulk write skips validators: the database still refuses it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.bulk_create([question])
    long_explanation = QuestionFactory.build(
        topic=TopicFactory(), explanation="y" * (EXPLANATION_MAX_LENGTH + 1)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.bulk_create([long_explanation])


def test_the_admin_form_refuses_a_text_over_the_limit(organiser_client, topic):
    form = {
        "bank": question_bank_default_id(),
        "topic": topic.pk,
        "difficulty": 1,
        "kind": "single",
        "text": "x" * (QUESTION_TEXT_MAX_LENGTH + 1),
        "explanation": "",
        "source_reference": "",
        "is_active": "on",
        "choices-TOTAL_FORMS": 2,
        "choices-INITIAL_FORMS": 0,
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
        "choices-0-sort_order": 0,
        "choices-0-text": "Đúng",
        "choices-0-is_correct": "on",
        "choices-1-sort_order": 1,
        "choices-1-text": "Sai",
    }
    page = organiser_client.get(reverse("admin:quizzes_question_add")).content.decode()
    assert f'maxlength="{QUESTION_TEXT_MAX_LENGTH}"' in page
    response = organiser_client.post(reverse("admin:quizzes_question_add"), form)
    assert response.status_code == 200
    assert "2000" in response.content.decode() and "2001" in response.content.decode()
    assert not Question.objects.exists()
    form["text"] = "Câu hỏi vừa đủ?"
    assert organiser_client.post(reverse("admin:quizzes_question_add"), form).status_code == 302


def test_a_csv_cell_over_the_field_limit_names_its_row_and_the_other_bad_rows():
    rows = [
        _row("Câu tốt?"),
        _row("Câu thiếu độ khó?", difficulty=""),
        _row("x" * 200_000),
        _row("Câu sau ô quá dài?"),
    ]
    with pytest.raises(ImportFileError) as error:
        question_file_read(name="a.csv", content=_csv(rows))
    assert error.value.message.startswith("Dòng 4 có một ô dài hơn 131.072 ký tự")
    assert "CSV hợp lệ" not in error.value.message
    assert [(e.row, e.message[:22]) for e in error.value.errors] == [
        (3, "Thiếu độ khó."),
        (4, "Dòng 4 có một ô dài hơ"),
    ]


def test_a_file_refused_for_its_formulas_still_lists_every_bad_row(organiser_client):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(_row("Câu tốt?"))
    sheet.append(_row("Câu không có chủ đề?", topic="khong-co"))
    sheet.append(_row("Câu có công thức?"))
    sheet["D4"] = '=CONCATENATE("Câu", " hỏi")'
    sheet.append(_row("w" * 2500))
    sheet["E5"] = "=1+1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportFileError) as error:
        question_import(name="a.xlsx", content=buffer.getvalue())
    assert "Ô D4, E5 chứa công thức" in error.value.message
    rows = [(e.row, e.message) for e in error.value.errors]
    assert (3, "Không có chủ đề “khong-co” trong ngân hàng.") in rows
    assert (4, "Ô D4 chứa công thức.") in rows
    assert (5, "Ô E5 chứa công thức.") in rows
    assert (5, "Nội dung câu hỏi dài 2.500 ký tự, tối đa 2.000 ký tự.") in rows
    assert {row for row, _message in rows} == {3, 4, 5}
    assert not Question.objects.exists()

    # The admin page shows the same list under the refusal.
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "cau-hoi.xlsx"
    response = organiser_client.post(reverse("admin:quizzes_question_import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400 and "chứa công thức" in page
    assert "<td>3</td><td>Không có chủ đề “khong-co” trong ngân hàng.</td>" in page
    assert "<td>5</td><td>Nội dung câu hỏi dài 2.500 ký tự, tối đa 2.000 ký tự.</td>" in page


def test_the_import_command_prints_the_rows_of_a_refused_file(tmp_path):
    path = tmp_path / "cau-hoi.csv"
    path.write_bytes(_csv([_row("Câu thiếu độ khó?", difficulty=""), _row("x" * 200_000)]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Dòng 3 có một ô dài hơn"):
        call_command("import_questions", str(path), stderr=err)
    assert "Dòng 2: Thiếu độ khó." in err.getvalue()
