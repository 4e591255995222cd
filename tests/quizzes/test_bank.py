"""The question bank services: import, export, draw rules, deactivation, deletion, re-scoring."""

import csv
import io
from dataclasses import replace

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from core.models import AuditLogEntry
from quizzes.bank import COLUMNS, ImportFileError, question_file_read, question_import
from quizzes.bank_changes import (
    BankError,
    question_delete,
    question_edit_record,
    question_rescore,
    questions_deactivate,
)
from quizzes.bank_export import question_export
from quizzes.bank_selectors import question_rescore_preview
from quizzes.draw_rules import draw_rules_validate
from quizzes.models import Attempt, AttemptAnswer, Choice, Difficulty, Question
from quizzes.selectors import _question_cache_key, question_contents
from rounds.models import Round
from tests.factories import (
    AnsweredLaterAttemptFactory,
    ContestFactory,
    QuestionFactory,
    RoundFactory,
    TopicFactory,
)

HEADERS = [label for _key, label, _aliases in COLUMNS]


def _xlsx(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(
    topic="chu-de-a",
    difficulty="Dễ",
    kind="một đáp án",
    text="Ngày Chuyển đổi số quốc gia là ngày nào?",
    options=("10/10", "2/9", "", "", "", ""),
    correct="A",
    explanation="Quyết định 505/QĐ-TTg.",
    source="QĐ 505/QĐ-TTg",
):
    options = list(options) + [""] * (6 - len(options))
    return [topic, difficulty, kind, text, *options, correct, explanation, source]


def _snapshot(question: Question):
    return (
        question.topic.name,
        question.difficulty,
        question.kind,
        question.text,
        [(c.text, c.is_correct) for c in question.choices.all()],
        question.explanation,
        question.source_reference,
    )


@pytest.fixture
def topic(db):
    return TopicFactory(name="Chủ đề A", slug="chu-de-a")


# --- import ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_creates_questions_with_their_options_and_logs_it(topic):
    TopicFactory(name="Kinh tế số", slug="kinh-te-so")
    content = _xlsx(
        [
            _row(),
            _row(
                topic="kinh tế số",  # by name, any case
                difficulty="hard",
                kind="multiple",
                text="Những dịch vụ nào là dịch vụ công trực tuyến?",
                options=("Cấp hộ chiếu", "Mua vé xem phim", "Đăng ký khai sinh"),
                correct="A,C",
                explanation="",
                source="",
            ),
            _row(difficulty=2, text="Câu hỏi mức trung bình?", correct="b"),
        ]
    )
    report = question_import(name="cau-hoi.xlsx", content=content)
    assert report.ok and report.created == 3
    multiple = Question.objects.get(text__startswith="Những dịch vụ")
    assert multiple.topic.slug == "kinh-te-so"
    assert multiple.difficulty == Difficulty.HARD
    assert multiple.kind == Question.Kind.MULTIPLE
    assert [(c.text, c.is_correct) for c in multiple.choices.all()] == [
        ("Cấp hộ chiếu", True),
        ("Mua vé xem phim", False),
        ("Đăng ký khai sinh", True),
    ]
    medium = Question.objects.get(text="Câu hỏi mức trung bình?")
    assert medium.difficulty == Difficulty.MEDIUM
    assert [c.is_correct for c in medium.choices.all()] == [False, True]
    assert medium.normalized_text == "câu hỏi mức trung bình?"
    entry = AuditLogEntry.objects.get(action="questions_import")
    assert entry.details["created"] == 3


@pytest.mark.django_db
def test_dry_run_checks_everything_and_writes_nothing(topic):
    report = question_import(name="a.xlsx", content=_xlsx([_row()]), dry_run=True)
    assert report.ok and len(report.questions) == 1 and report.created == 0
    assert not Question.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_import_with_or_without_bom(topic, bom, delimiter):
    lines = [HEADERS, _row(), _row(text="Câu thứ hai, có dấu phẩy?", correct="B")]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(lines)
    report = question_import(name="cau-hoi.CSV", content=bom + buffer.getvalue().encode())
    assert report.ok, report.errors
    assert report.created == 2
    assert Question.objects.filter(text="Câu thứ hai, có dấu phẩy?").exists()


BAD_ROWS = [
    ("missing text", _row(text=""), "Thiếu nội dung câu hỏi."),
    ("one option", _row(options=("Chỉ một",)), "Câu hỏi cần ít nhất hai phương án trả lời."),
    ("no correct", _row(correct=""), "Câu hỏi chưa có phương án đúng."),
    ("letter to empty", _row(correct="C"), "Đáp án đúng C trỏ tới phương án bỏ trống."),
    ("bad letter", _row(correct="G"), "Đáp án đúng “G” không hợp lệ"),
    (
        "single with two",
        _row(options=("x", "y", "z"), correct="A,B"),
        "Câu hỏi một đáp án chỉ được có đúng một phương án đúng (đang có 2).",
    ),
    ("unknown topic", _row(topic="Không tồn tại"), "Không có chủ đề “Không tồn tại”"),
    ("unknown difficulty", _row(difficulty="rất khó"), "Độ khó “rất khó” không hợp lệ"),
    ("unknown kind", _row(kind="tự luận"), "Loại câu hỏi “tự luận” không hợp lệ"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "bad_row", "reason"), BAD_ROWS, ids=[c[0] for c in BAD_ROWS])
def test_a_bad_row_is_reported_with_its_row_number_and_nothing_is_written(
    topic, case, bad_row, reason
):
    rows = [_row(text="Câu hỏi tốt thứ nhất?"), bad_row, _row(text="Câu hỏi tốt thứ hai?")]
    report = question_import(name="a.xlsx", content=_xlsx(rows))
    assert not report.ok
    assert [error.row for error in report.errors] == [3]
    assert reason in report.errors[0].message
    assert report.created == 0
    assert not Question.objects.exists()
    assert not Choice.objects.exists()


@pytest.mark.django_db
def test_duplicates_of_the_bank_and_within_the_file_are_reported(topic):
    existing = QuestionFactory(topic=topic, text="Chuyển đổi số là gì?")
    rows = [
        _row(text="  CHUYỂN ĐỔI   số là gì?  "),  # same as the bank, once normalised
        _row(text="Câu mới?"),
        _row(text="câu mới?"),
    ]
    report = question_import(name="a.xlsx", content=_xlsx(rows))
    assert [(e.row, e.message) for e in report.errors] == [
        (2, f"Trùng với câu hỏi đã có trong ngân hàng (mã {existing.pk})."),
        (4, "Trùng với câu hỏi ở dòng 3 của tệp."),
    ]
    assert Question.objects.count() == 1


@pytest.mark.django_db
def test_every_error_of_a_row_is_listed(topic):
    report = question_import(
        name="a.xlsx", content=_xlsx([_row(topic="", difficulty="", text="", correct="")])
    )
    messages = [e.message for e in report.errors]
    assert {e.row for e in report.errors} == {2}
    assert "Thiếu chủ đề." in messages
    assert "Thiếu độ khó." in messages
    assert "Thiếu nội dung câu hỏi." in messages


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("a.xlsx", b"", "Tệp rỗng."),
        ("a.xlsx", b"not a zip at all", "không phải bảng tính Excel"),
        ("a.xlsx", b"PK\x03\x04broken", "không phải bảng tính Excel"),
        ("a.pdf", b"%PDF-1.4", "Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."),
        ("a.csv", "Chủ đề;Độ khó".encode("utf-16"), "UTF-8"),
        ("a.csv", b"x" * (5 * 1024 * 1024 + 1), "Tệp quá lớn"),
        ("a.csv", ",".join(HEADERS).encode(), "Tệp không có dòng câu hỏi nào."),
        ("a.csv", b"foo,bar\n1,2\n", "Dòng tiêu đề thiếu cột"),
    ],
)
def test_broken_files_are_refused_clearly(name, content, reason):
    with pytest.raises(ImportFileError) as error:
        question_file_read(name=name, content=content)
    assert reason in error.value.message


@pytest.mark.django_db
def test_a_file_with_too_many_rows_is_refused(topic):
    rows = "\n".join(",".join(_row(text=f"Câu {n}?")) for n in range(5001))
    with pytest.raises(ImportFileError) as error:
        question_file_read(name="a.csv", content=(",".join(HEADERS) + "\n" + rows).encode())
    assert "quá nhiều dòng" in error.value.message


@pytest.mark.django_db
def test_a_spreadsheet_with_formulas_is_refused(topic):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(_row())
    sheet["D2"] = '=CONCATENATE("Câu", " hỏi")'
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportFileError) as error:
        question_import(name="a.xlsx", content=buffer.getvalue())
    assert "Ô D2 chứa công thức" in error.value.message
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_import_command_dry_run_then_import_and_errors(topic, tmp_path):
    good = tmp_path / "tot.xlsx"
    good.write_bytes(_xlsx([_row()]))
    out = io.StringIO()
    call_command("import_questions", str(good), "--dry-run", stdout=out)
    assert "1 câu hỏi sẽ được nhập" in out.getvalue()
    assert not Question.objects.exists()
    call_command("import_questions", str(good), "--practice", stdout=out)
    assert Question.objects.get().is_practice

    bad = tmp_path / "loi.xlsx"
    bad.write_bytes(_xlsx([_row(text="Mới?", correct="")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_questions", str(bad), stderr=err)
    assert "Dòng 2: Câu hỏi chưa có phương án đúng." in err.getvalue()
    with pytest.raises(CommandError, match="không phải bảng tính"):
        bad.write_bytes(b"garbage")
        call_command("import_questions", str(bad))


# --- export and round-trip -------------------------------------------------------------------


def _bank():
    """Two topics, every difficulty and kind, option counts from 2 to 6, text looking like a
    formula."""
    first = TopicFactory(name="Chính phủ số", slug="chinh-phu-so")
    second = TopicFactory(name="An toàn thông tin", slug="an-toan-thong-tin")
    specs = [
        (first, Difficulty.EASY, "single", "Cổng Dịch vụ công quốc gia là gì?", 4, [1]),
        (first, Difficulty.HARD, "multiple", "Chọn các nền tảng số quốc gia.", 6, [0, 3, 5]),
        (second, Difficulty.MEDIUM, "single", "=1+1 bằng bao nhiêu?", 2, [0]),
        (second, Difficulty.MEDIUM, "multiple", "Mật khẩu mạnh cần gì?", 5, [1, 2]),
    ]
    for topic, difficulty, kind, text, n_choices, correct in specs:
        question = Question.objects.create(
            topic=topic,
            difficulty=difficulty,
            kind=kind,
            text=text,
            explanation=f"Giải thích: {text}",
            source_reference="Luật Giao dịch điện tử 2023",
        )
        for index in range(n_choices):
            Choice.objects.create(
                question=question,
                text=f"{text[:10]} — phương án {index + 1}",
                is_correct=index in correct,
                sort_order=index,
            )


@pytest.mark.django_db
def test_export_then_import_into_the_same_bank_gives_only_duplicate_errors():
    _bank()
    content = question_export(questions=Question.objects.all())
    report = question_import(name="xuat.xlsx", content=content)
    assert len(report.errors) == 4
    assert all("Trùng với câu hỏi đã có" in e.message for e in report.errors)
    assert Question.objects.count() == 4


@pytest.mark.django_db
def test_export_then_import_into_an_empty_bank_recreates_the_same_questions():
    _bank()
    before = sorted(_snapshot(q) for q in Question.objects.all())
    content = question_export(questions=Question.objects.all())
    AttemptAnswer.objects.all().delete()
    Choice.objects.all().delete()
    Question.objects.all().delete()

    report = question_import(name="xuat.xlsx", content=content)
    assert report.ok, report.errors
    assert report.created == 4
    assert sorted(_snapshot(q) for q in Question.objects.all()) == before


@pytest.mark.django_db
def test_export_of_a_filtered_part_and_the_template():
    _bank()
    content = question_export(questions=Question.objects.filter(topic__slug="chinh-phu-so"))
    sheet = load_workbook(io.BytesIO(content))["Câu hỏi"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert [row[3] for row in rows[1:]] == [
        "Cổng Dịch vụ công quốc gia là gì?",
        "Chọn các nền tảng số quốc gia.",
    ]
    assert rows[1][1:3] == ("Dễ", "một đáp án")
    assert rows[2][1:3] == ("Khó", "nhiều đáp án")
    assert rows[2][10] == "A, D, F"

    template = load_workbook(io.BytesIO(question_export(questions=Question.objects.none())))
    assert template.sheetnames == ["Câu hỏi", "Hướng dẫn"]
    assert [list(r) for r in template["Câu hỏi"].iter_rows(values_only=True)] == [HEADERS]


@pytest.mark.django_db
def test_export_command_filters(tmp_path):
    _bank()
    target = tmp_path / "bank.xlsx"
    call_command(
        "export_questions", str(target), "--topic", "an-toan-thong-tin", stdout=io.StringIO()
    )
    rows = list(load_workbook(target)["Câu hỏi"].iter_rows(values_only=True))
    assert len(rows) == 3


# --- draw rules ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_draw_rules_the_pool_can_satisfy_pass_and_others_are_refused():
    topic = TopicFactory(name="Chủ đề rút", slug="chu-de-rut")
    QuestionFactory.create_batch(3, topic=topic, difficulty=Difficulty.EASY)
    QuestionFactory(topic=topic, difficulty=Difficulty.EASY, is_active=False)
    QuestionFactory(topic=topic, difficulty=Difficulty.EASY, is_practice=True)
    QuestionFactory.create_batch(2, topic=topic, difficulty=Difficulty.HARD)
    round = RoundFactory(contest=ContestFactory(questions_per_attempt=5))

    draw_rules_validate(round=round, rules=[(topic, 1, 3), (topic, 3, 2)])
    draw_rules_validate(round=round, rules=[])

    with pytest.raises(ValidationError) as error:
        draw_rules_validate(round=round, rules=[(topic, 1, 4), (topic, 3, 1)])
    assert error.value.messages == [
        "Quy tắc “Chủ đề rút · Dễ” cần 4 câu nhưng ngân hàng thi chính thức chỉ có 3 câu "
        "đang sử dụng."
    ]
    with pytest.raises(ValidationError) as error:
        draw_rules_validate(round=round, rules=[(topic, 1, 3)])
    assert error.value.messages == [
        "Tổng số câu của các quy tắc rút câu hỏi là 3, phải bằng số câu hỏi mỗi lượt của "
        "cuộc thi (5)."
    ]
    practice = RoundFactory(contest=ContestFactory(questions_per_attempt=2), is_practice=True)
    with pytest.raises(ValidationError, match="ngân hàng thi thử chỉ có 1 câu"):
        draw_rules_validate(round=practice, rules=[(topic, 1, 2)])


# --- deactivation and deletion ---------------------------------------------------------------


def _answer(attempt: Attempt, question: Question, letters: str, position: int) -> AttemptAnswer:
    """A marked answer of a finished attempt (the attempt's score follows)."""
    choices = list(question.choices.all())
    selected = sorted(choices["ABCDEF".index(letter)].pk for letter in letters)
    correct = sorted(c.pk for c in choices if c.is_correct)
    answer = AttemptAnswer.objects.create(
        attempt=attempt,
        question=question,
        position=position,
        choice_order=[c.pk for c in choices],
        selected=selected,
        is_correct=None if attempt.state == Attempt.State.IN_PROGRESS else selected == correct,
    )
    if answer.is_correct is not None:
        attempt.question_count = position
        attempt.score = AttemptAnswer.objects.filter(attempt=attempt, is_correct=True).count()
        attempt.save(update_fields=["question_count", "score"])
    return answer


@pytest.mark.django_db
def test_a_used_question_cannot_be_deleted_but_can_be_deactivated(question_bank):
    used, unused = question_bank[0], question_bank[1]
    attempt = AnsweredLaterAttemptFactory()
    _answer(attempt, used, "A", 1)

    with pytest.raises(BankError) as error:
        question_delete(question=used)
    assert error.value.code == "question_in_use"
    assert "ngừng sử dụng" in error.value.message
    assert Question.objects.filter(pk=used.pk).exists()

    question_delete(question=unused)
    assert not Question.objects.filter(pk=unused.pk).exists()

    running = attempt.round  # open now: deactivating its question needs its confirmation
    with pytest.raises(BankError) as error:
        questions_deactivate(question_ids=[used.pk])
    assert error.value.code == "live_round_unconfirmed"
    assert questions_deactivate(question_ids=[used.pk], confirmed_round_ids=[running.pk]) == 1
    used.refresh_from_db()
    assert not used.is_active
    assert AuditLogEntry.objects.filter(action="questions_deactivate").exists()


# --- key change and re-scoring ---------------------------------------------------------------


@pytest.mark.django_db
def test_an_edit_forgets_the_cached_content_and_reports_a_key_change_in_use(question_bank):
    question = question_bank[0]
    assert question_contents(question_ids=[question.pk])[question.pk].text == question.text
    Question.objects.filter(pk=question.pk).update(text="Nội dung đã sửa?")
    previous = [c.pk for c in question.choices.filter(is_correct=True)]
    assert question_edit_record(question=question, previous_correct_ids=previous) is False
    assert question_contents(question_ids=[question.pk])[question.pk].text == "Nội dung đã sửa?"

    choices = list(question.choices.all())
    Choice.objects.filter(pk=choices[0].pk).update(is_correct=False)
    Choice.objects.filter(pk=choices[1].pk).update(is_correct=True)
    # Not drawn by any attempt yet: nothing to re-score.
    assert question_edit_record(question=question, previous_correct_ids=previous) is False
    AnsweredLaterAttemptFactory().answers.create(
        question=question, position=1, choice_order=[], selected=[], is_correct=False
    )
    Choice.objects.filter(pk=choices[2].pk).update(is_correct=True)
    Choice.objects.filter(pk=choices[1].pk).update(is_correct=False)
    assert question_edit_record(question=question, previous_correct_ids=[choices[1].pk]) is True
    assert AuditLogEntry.objects.filter(action="question_key_change").count() == 2


@pytest.fixture
def key_change(db, question_bank):
    """Question `q` (key A) is drawn in: a ranked round (one answer turns right with key B, one
    turns wrong), another ranked round (an answer that stays wrong), a closed round not ranked
    yet (an answer that turns right), and an attempt still in progress."""
    q, other = question_bank[0], question_bank[1]
    contest = ContestFactory()
    ranked = RoundFactory(contest=contest, state=Round.State.RANKED)
    ranked_untouched = RoundFactory(contest=contest, state=Round.State.PUBLISHED)
    closed = RoundFactory(contest=contest, state=Round.State.CLOSED)
    x1 = AnsweredLaterAttemptFactory(round=ranked)
    _answer(x1, other, "A", 1)
    _answer(x1, q, "B", 2)
    x2 = AnsweredLaterAttemptFactory(round=ranked)
    _answer(x2, q, "A", 1)
    _answer(x2, other, "A", 2)
    y1 = AnsweredLaterAttemptFactory(round=ranked_untouched)
    _answer(y1, q, "C", 1)
    z1 = AnsweredLaterAttemptFactory(round=closed)
    _answer(z1, q, "B", 1)
    w = AnsweredLaterAttemptFactory(
        round=closed,
        state=Attempt.State.IN_PROGRESS,
        submitted_at=None,
        score=None,
        duration_ms=None,
    )
    _answer(w, q, "B", 1)
    choices = list(q.choices.all())
    Choice.objects.filter(pk=choices[0].pk).update(is_correct=False)
    Choice.objects.filter(pk=choices[1].pk).update(is_correct=True)
    return {"q": q, "x1": x1, "x2": x2, "y1": y1, "z1": z1, "w": w, "ranked": ranked}


@pytest.mark.django_db
def test_the_rescore_preview_counts_the_attempts_a_new_key_changes(key_change):
    preview = question_rescore_preview(question_id=key_change["q"].pk)
    assert preview.attempts == 3
    assert [r.pk for r in preview.ranked_rounds] == [key_change["ranked"].pk]


@pytest.mark.django_db
def test_a_changed_key_rescores_only_the_affected_attempts_and_reranks_only_their_ranked_rounds(
    key_change, django_capture_on_commit_callbacks
):
    q = key_change["q"]
    scores_before = {name: key_change[name].score for name in ("x1", "x2", "y1", "z1")}
    assert scores_before == {"x1": 1, "x2": 2, "y1": 0, "z1": 0}

    with django_capture_on_commit_callbacks() as callbacks:
        result = question_rescore(question_id=q.pk)
    # The service says what to re-rank; it queues nothing (operations does).
    assert callbacks == []

    assert sorted(result.attempt_ids) == sorted(key_change[n].pk for n in ("x1", "x2", "z1"))
    assert result.answers_changed == 3
    assert result.reranked_round_ids == [key_change["ranked"].pk]
    scores = {n: Attempt.objects.get(pk=key_change[n].pk).score for n in ("x1", "x2", "y1", "z1")}
    assert scores == {"x1": 2, "x2": 1, "y1": 0, "z1": 1}
    marks = dict(AttemptAnswer.objects.filter(question=q).values_list("attempt_id", "is_correct"))
    assert marks[key_change["x1"].pk] is True
    assert marks[key_change["x2"].pk] is False
    assert marks[key_change["y1"].pk] is False
    assert marks[key_change["w"].pk] is None  # still in progress: marked at submit
    entry = AuditLogEntry.objects.get(action="question_rescore")
    assert entry.details["attempts"] == 3
    assert entry.details["reranked_rounds"] == [key_change["ranked"].pk]
    # Nothing more to do the second time.
    again = question_rescore(question_id=q.pk)
    assert (again.attempt_ids, again.reranked_round_ids) == ([], [])


@pytest.mark.django_db
def test_rescoring_forgets_the_cached_key(key_change):
    q = key_change["q"]
    new_key = frozenset({q.choices.get(sort_order=1).pk})
    content = question_contents(question_ids=[q.pk])[q.pk]
    assert content.correct_ids == new_key
    # What the quiz had cached before the organiser changed the key.
    old_key = frozenset({q.choices.get(sort_order=0).pk})
    cache.set(_question_cache_key(q.pk), replace(content, correct_ids=old_key))
    assert question_contents(question_ids=[q.pk])[q.pk].correct_ids == old_key
    question_rescore(question_id=q.pk)
    assert question_contents(question_ids=[q.pk])[q.pk].correct_ids == new_key


@pytest.mark.django_db
def test_the_demo_bank_exported_imports_back_as_duplicates_only_or_whole_into_an_empty_bank():
    from quizzes.demo import demo_questions_seed

    total = demo_questions_seed()
    content = question_export(questions=Question.objects.all())
    report = question_import(name="ngan-hang.xlsx", content=content)
    assert len(report.errors) == total
    assert {e.message.split(" (")[0] for e in report.errors} == {
        "Trùng với câu hỏi đã có trong ngân hàng"
    }
    assert Question.objects.count() == total

    before = sorted(_snapshot(q) for q in Question.objects.prefetch_related("choices"))
    Choice.objects.all().delete()
    Question.objects.all().delete()
    report = question_import(name="ngan-hang.xlsx", content=content)
    assert report.created == total
    assert sorted(_snapshot(q) for q in Question.objects.prefetch_related("choices")) == before


@pytest.mark.django_db
def test_question_export_stores_formula_like_text_as_text_and_imports_it_back(topic):
    """Issue 14.9: the question export follows the exports' one rule (formula_like): such
    text is stored as text, never a formula, and comes back unchanged."""
    texts = ["=1+1 là bao nhiêu?", "+84 là mã nước nào?", "-5 độ C là gì?", "@ là ký tự gì?"]
    for text in texts:
        QuestionFactory(topic=topic, text=text)
    content = question_export(questions=Question.objects.all())
    sheet = load_workbook(io.BytesIO(content))["Câu hỏi"]
    cells = [row[3] for row in sheet.iter_rows(min_row=2)]
    assert sorted(cell.value for cell in cells) == sorted(texts)
    assert all(cell.data_type == "s" for cell in cells)
    AttemptAnswer.objects.all().delete()
    Choice.objects.all().delete()
    Question.objects.all().delete()
    report = question_import(name="xuat.xlsx", content=content)
    assert report.ok, report.errors
    assert sorted(Question.objects.values_list("text", flat=True)) == sorted(texts)
