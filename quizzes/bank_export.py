"""The question bank as workbooks: the questions in the import template's layout (export →
import gives back the same questions; an empty selection gives the template), and a round's
per-question statistics."""

import io

from django.db.models import (
    QuerySet,
)
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.spreadsheets import formula_like

from .bank import COLUMNS, DIFFICULTY_LABELS, KIND_LABELS, LETTERS, MAX_ROWS, SHEET_NAME
from .models import Difficulty, Question
from .question_stats import round_question_stats
from .questions import MAX_CHOICES

# --- exporting -------------------------------------------------------------------------------


def _text_cell(sheet, row: int, column: int, value) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    if formula_like(value):
        # Stored as text, never a formula (core's one rule); no apostrophe, so that the file
        # imports back to the same questions.
        cell.data_type = "s"


def _workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def question_export(*, questions: QuerySet[Question]) -> bytes:
    """The questions as an .xlsx in the import template's layout (an empty queryset gives the
    template itself): export → import gives back the same questions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    headers = [label for _key, label, _aliases in COLUMNS]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = {"topic": 30, "difficulty": 12, "kind": 14, "text": 60, "correct": 12}
    for column, (key, _label, _aliases) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = widths.get(key, 28)
    keys = [key for key, _label, _aliases in COLUMNS]
    difficulty_column = get_column_letter(keys.index("difficulty") + 1)
    kind_column = get_column_letter(keys.index("kind") + 1)
    difficulties = DataValidation(type="list", formula1='"Dễ,Trung bình,Khó"', allow_blank=True)
    kinds = DataValidation(type="list", formula1='"một đáp án,nhiều đáp án"', allow_blank=True)
    sheet.add_data_validation(difficulties)
    sheet.add_data_validation(kinds)
    difficulties.add(f"{difficulty_column}2:{difficulty_column}{MAX_ROWS + 1}")
    kinds.add(f"{kind_column}2:{kind_column}{MAX_ROWS + 1}")

    row_number = 1
    for question in (
        questions.select_related("topic")
        .prefetch_related("choices")
        .order_by("topic__sort_order", "topic__name", "difficulty", "id")
    ):
        choices = list(question.choices.all())[:MAX_CHOICES]
        values = {
            "topic": question.topic.name,
            "difficulty": DIFFICULTY_LABELS[Difficulty(question.difficulty)],
            "kind": KIND_LABELS[Question.Kind(question.kind)],
            "text": question.text,
            "correct": ", ".join(
                LETTERS[index] for index, choice in enumerate(choices) if choice.is_correct
            ),
            "explanation": question.explanation,
            "source": question.source_reference,
        }
        values.update({LETTERS[index]: choice.text for index, choice in enumerate(choices)})
        row_number += 1
        for column, key in enumerate(keys, start=1):
            _text_cell(sheet, row_number, column, values.get(key) or None)

    guide = workbook.create_sheet("Hướng dẫn")
    for line in (
        _("Mỗi dòng của trang “Câu hỏi” là một câu hỏi; giữ nguyên dòng tiêu đề."),
        _("Chủ đề: tên hoặc mã chủ đề đã có trong ngân hàng câu hỏi."),
        _("Độ khó: Dễ, Trung bình hoặc Khó (hoặc easy/medium/hard, 1/2/3)."),
        _("Loại câu hỏi: “một đáp án” hoặc “nhiều đáp án” (bỏ trống là một đáp án)."),
        _("Phương án A–F: ít nhất hai phương án."),
        _("Đáp án đúng: chữ cái của phương án đúng, ví dụ “B” hoặc “A, C”."),
        _("Không dùng công thức; tệp có lỗi ở bất kỳ dòng nào sẽ không được nhập."),
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 100
    return _workbook_bytes(workbook)


# --- statistics workbook ---------------------------------------------------------------------


def question_stats_export(*, round_id: int, order: str = "") -> bytes:
    """The per-question statistics of a round as an .xlsx."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Thống kê câu hỏi"
    headers = [
        _("Mã câu hỏi"),
        _("Câu hỏi"),
        _("Chủ đề"),
        _("Độ khó"),
        _("Đáp án đúng"),
        _("Số lần rút"),
        _("Trả lời đúng (%)"),
        _("Bỏ trống (%)"),
        *(_("Chọn %(letter)s (%%)") % {"letter": letter} for letter in LETTERS),
        _("Độ phân biệt"),
    ]
    sheet.append([str(header) for header in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"
    for number, stats in enumerate(round_question_stats(round_id=round_id, order=order), start=2):
        shares = {option.letter: option.percent for option in stats.options}
        values = [
            stats.question_id,
            stats.text,
            stats.topic,
            stats.difficulty,
            stats.correct_letters,
            stats.drawn,
            stats.correct_percent,
            stats.blank_percent,
            *(shares.get(letter) for letter in LETTERS),
            stats.discrimination,
        ]
        for column, value in enumerate(values, start=1):
            _text_cell(sheet, number, column, value)
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["C"].width = 30
    return _workbook_bytes(workbook)
