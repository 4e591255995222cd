"""The question bank as organisers handle it: spreadsheet import and export, draw rules a round's
pool can satisfy, safe editing (deactivate instead of delete, re-score after a key change) and the
statistics workbook of a round.

Import reads the whole file, checks every row against the bank and the other rows, and writes
nothing when one row is wrong. Imports run one at a time (a PostgreSQL advisory lock on
PostgreSQL), so two organisers loading the same file cannot both pass the duplicate check.
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    OuterRef,
    ProtectedError,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.audit import audit_log_record
from core.locks import advisory_lock_take
from core.spreadsheets import MAX_IMPORT_BYTES, SpreadsheetError, spreadsheet_rows_read
from participants.models import User
from rounds.models import Round

from .models import Attempt, AttemptAnswer, Choice, Difficulty, DrawRule, Question, Topic
from .questions import MAX_CHOICES, normalize_question_text, validate_choices
from .selectors import (
    answers_to_remark,
    question_contents_forget,
    question_correct_ids,
    question_pool_counts,
    round_question_stats,
)

LETTERS = "ABCDEF"[:MAX_CHOICES]
SHEET_NAME = "Câu hỏi"
MAX_FILE_BYTES = MAX_IMPORT_BYTES
MAX_ROWS = 5000
IMPORT_LOCK_ID = 0x51_42_41_4E_4B  # "QBANK": one import at a time

# (key, Vietnamese header of the template, other headers accepted on import)
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("topic", "Chủ đề", ("topic", "mã chủ đề")),
    ("difficulty", "Độ khó", ("difficulty",)),
    ("kind", "Loại câu hỏi", ("type", "kind", "loại")),
    ("text", "Nội dung câu hỏi", ("question text", "question", "text", "câu hỏi")),
    *(
        (letter, f"Phương án {letter}", (f"option {letter.lower()}", letter.lower()))
        for letter in LETTERS
    ),
    ("correct", "Đáp án đúng", ("correct", "correct option", "correct options", "đáp án")),
    ("explanation", "Giải thích", ("explanation", "giải thích đáp án")),
    ("source", "Nguồn tham khảo", ("source", "source reference", "căn cứ, nguồn tham khảo")),
)
REQUIRED_COLUMNS = ("topic", "difficulty", "text", "A", "B", "correct")

DIFFICULTY_WORDS = {
    "dễ": Difficulty.EASY,
    "de": Difficulty.EASY,
    "easy": Difficulty.EASY,
    "1": Difficulty.EASY,
    "trung bình": Difficulty.MEDIUM,
    "trung binh": Difficulty.MEDIUM,
    "medium": Difficulty.MEDIUM,
    "2": Difficulty.MEDIUM,
    "khó": Difficulty.HARD,
    "kho": Difficulty.HARD,
    "hard": Difficulty.HARD,
    "3": Difficulty.HARD,
}
KIND_WORDS = {
    "một đáp án": Question.Kind.SINGLE,
    "một đáp án đúng": Question.Kind.SINGLE,
    "single": Question.Kind.SINGLE,
    "nhiều đáp án": Question.Kind.MULTIPLE,
    "nhiều đáp án đúng": Question.Kind.MULTIPLE,
    "multiple": Question.Kind.MULTIPLE,
}
KIND_LABELS = {Question.Kind.SINGLE: "một đáp án", Question.Kind.MULTIPLE: "nhiều đáp án"}
DIFFICULTY_LABELS = {Difficulty.EASY: "Dễ", Difficulty.MEDIUM: "Trung bình", Difficulty.HARD: "Khó"}


class ImportFileError(Exception):
    """The file as a whole is refused (not a spreadsheet, empty, too big, formulas, columns)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BankError(Exception):
    """An organiser's request on the bank that is refused, with a Vietnamese message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class SheetRow:
    """One data row of an uploaded file: its row number in the file and its cells by column key."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class RowError:
    row: int
    message: str


@dataclass(frozen=True)
class ImportedQuestion:
    row: int
    topic_id: int
    topic_name: str
    difficulty: int
    kind: str
    text: str
    choices: list[str]
    correct: list[int]  # indexes into `choices`
    explanation: str
    source_reference: str

    @property
    def correct_letters(self) -> str:
        return ", ".join(LETTERS[index] for index in self.correct)

    @property
    def difficulty_label(self) -> str:
        return DIFFICULTY_LABELS[Difficulty(self.difficulty)]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[Question.Kind(self.kind)]


@dataclass
class ImportReport:
    questions: list[ImportedQuestion] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


# --- reading files ---------------------------------------------------------------------------


def _header_key(header: str) -> str | None:
    wanted = normalize_question_text(header)
    for key, label, aliases in COLUMNS:
        if wanted == normalize_question_text(label) or wanted in aliases:
            return key
    return None


def question_file_read(*, name: str, content: bytes) -> list[SheetRow]:
    """The data rows of an uploaded .xlsx or .csv file, keyed by column; refuses broken files."""
    try:
        raw_rows = spreadsheet_rows_read(
            content=content, filename=name, sheet_name=SHEET_NAME, max_rows=MAX_ROWS
        )
    except SpreadsheetError as error:
        raise ImportFileError(str(error)) from error
    keys: list[str | None] | None = None
    rows: list[SheetRow] = []
    for number, values in enumerate(raw_rows, start=1):
        if not any(values):
            continue
        if keys is None:
            keys = [_header_key(value) for value in values]
            missing = [
                label
                for key, label, _aliases in COLUMNS
                if key in REQUIRED_COLUMNS
                if key not in keys
            ]
            if missing:
                raise ImportFileError(
                    _("Dòng tiêu đề thiếu cột: %(columns)s. Hãy dùng tệp mẫu.")
                    % {"columns": ", ".join(missing)}
                )
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                _("Tệp có quá nhiều dòng (tối đa %(n)d câu hỏi mỗi lần nhập).") % {"n": MAX_ROWS}
            )
        cells = {key: value for key, value in zip(keys, values, strict=False) if key}
        rows.append(SheetRow(number=number, cells=cells))
    if keys is None or not rows:
        raise ImportFileError(_("Tệp không có dòng câu hỏi nào."))
    return rows


# --- validating and importing ----------------------------------------------------------------


def _topics_index() -> dict[str, Topic]:
    index: dict[str, Topic] = {}
    for topic in Topic.objects.all():
        index[normalize_question_text(topic.name)] = topic
        index[topic.slug.casefold()] = topic
    return index


def _letters_parse(value: str) -> list[str] | None:
    letters = [char for char in value.upper() if char.isalnum()]
    if any(letter not in LETTERS for letter in letters):
        return None
    return sorted(set(letters))


def _row_check(
    row: SheetRow, topics: dict[str, Topic]
) -> tuple[ImportedQuestion | None, list[str]]:
    cells = row.cells
    reasons: list[str] = []
    text = cells.get("text", "")
    if not text:
        reasons.append(_("Thiếu nội dung câu hỏi."))

    topic_value = cells.get("topic", "")
    topic = topics.get(normalize_question_text(topic_value)) if topic_value else None
    if not topic_value:
        reasons.append(_("Thiếu chủ đề."))
    elif topic is None:
        reasons.append(_("Không có chủ đề “%(topic)s” trong ngân hàng.") % {"topic": topic_value})

    difficulty_value = cells.get("difficulty", "")
    difficulty = DIFFICULTY_WORDS.get(normalize_question_text(difficulty_value))
    if not difficulty_value:
        reasons.append(_("Thiếu độ khó."))
    elif difficulty is None:
        reasons.append(
            _("Độ khó “%(value)s” không hợp lệ (dùng Dễ, Trung bình hoặc Khó).")
            % {"value": difficulty_value}
        )

    kind_value = cells.get("kind", "")
    kind = KIND_WORDS.get(normalize_question_text(kind_value)) if kind_value else None
    if kind_value and kind is None:
        reasons.append(
            _("Loại câu hỏi “%(value)s” không hợp lệ (dùng “một đáp án” hoặc “nhiều đáp án”).")
            % {"value": kind_value}
        )
    kind = kind or Question.Kind.SINGLE

    filled = [(letter, cells.get(letter, "")) for letter in LETTERS if cells.get(letter, "")]
    for letter, option in filled:
        if len(option) > Choice._meta.get_field("text").max_length:
            reasons.append(_("Phương án %(letter)s dài quá 500 ký tự.") % {"letter": letter})
    if len(cells.get("source", "")) > Question._meta.get_field("source_reference").max_length:
        reasons.append(_("Nguồn tham khảo dài quá 300 ký tự."))

    correct_value = cells.get("correct", "")
    letters = _letters_parse(correct_value)
    flags: list[bool] = []
    if letters is None:
        reasons.append(
            _("Đáp án đúng “%(value)s” không hợp lệ (ghi các chữ A–F, ví dụ “B” hoặc “A, C”).")
            % {"value": correct_value}
        )
    else:
        filled_letters = {letter for letter, _option in filled}
        empty = [letter for letter in letters if letter not in filled_letters]
        if empty:
            reasons.append(
                _("Đáp án đúng %(letters)s trỏ tới phương án bỏ trống.")
                % {"letters": ", ".join(empty)}
            )
        else:
            flags = [letter in letters for letter, _option in filled]
            try:
                validate_choices(kind=kind, correct_flags=flags)
            except ValidationError as error:
                reasons.extend(error.messages)

    if reasons:
        return None, reasons
    return (
        ImportedQuestion(
            row=row.number,
            topic_id=topic.pk,
            topic_name=topic.name,
            difficulty=int(difficulty),
            kind=str(kind),
            text=text,
            choices=[option for _letter, option in filled],
            correct=[index for index, flag in enumerate(flags) if flag],
            explanation=cells.get("explanation", ""),
            source_reference=cells.get("source", ""),
        ),
        [],
    )


def question_rows_check(*, rows: Sequence[SheetRow]) -> ImportReport:
    """Every row checked against the rules, the topics, the bank and the other rows."""
    topics = _topics_index()
    report = ImportReport()
    texts = {row.number: normalize_question_text(row.cells.get("text", "")) for row in rows}
    existing = dict(
        Question.objects.filter(normalized_text__in=[t for t in texts.values() if t])
        .order_by("id")
        .values_list("normalized_text", "id")
    )
    first_row: dict[str, int] = {}
    for row in rows:
        question, reasons = _row_check(row, topics)
        normalized = texts[row.number]
        if normalized:
            if normalized in existing:
                reasons.append(
                    _("Trùng với câu hỏi đã có trong ngân hàng (mã %(id)d).")
                    % {"id": existing[normalized]}
                )
            elif normalized in first_row:
                reasons.append(
                    _("Trùng với câu hỏi ở dòng %(row)d của tệp.") % {"row": first_row[normalized]}
                )
            else:
                first_row[normalized] = row.number
        if reasons:
            report.errors.extend(RowError(row=row.number, message=reason) for reason in reasons)
        else:
            report.questions.append(question)
    return report


def question_rows_import(
    *,
    rows: Sequence[SheetRow],
    dry_run: bool = False,
    is_practice: bool = False,
    actor: User | None = None,
    source_name: str = "",
) -> ImportReport:
    """Check all rows; when every row is right and this is not a dry run, create them all."""
    with transaction.atomic():
        advisory_lock_take(key=IMPORT_LOCK_ID)
        report = question_rows_check(rows=rows)
        if dry_run or not report.ok:
            return report
        questions = Question.objects.bulk_create(
            Question(
                topic_id=item.topic_id,
                difficulty=item.difficulty,
                kind=item.kind,
                text=item.text,
                normalized_text=normalize_question_text(item.text),
                explanation=item.explanation,
                source_reference=item.source_reference,
                is_practice=is_practice,
            )
            for item in report.questions
        )
        Choice.objects.bulk_create(
            Choice(
                question=question,
                text=option,
                is_correct=index in item.correct,
                sort_order=index,
            )
            for question, item in zip(questions, report.questions, strict=True)
            for index, option in enumerate(item.choices)
        )
        report.created = len(questions)
        audit_log_record(
            actor=actor,
            action="questions_import",
            file=source_name,
            created=report.created,
            is_practice=is_practice,
        )
    return report


def question_import(
    *,
    name: str,
    content: bytes,
    dry_run: bool = False,
    is_practice: bool = False,
    actor: User | None = None,
) -> ImportReport:
    """Read, check and (unless a dry run or any row is wrong) import a spreadsheet of questions.
    Raises ImportFileError for a file that cannot be read at all."""
    rows = question_file_read(name=name, content=content)
    return question_rows_import(
        rows=rows, dry_run=dry_run, is_practice=is_practice, actor=actor, source_name=name
    )


def sheet_rows_dump(rows: Sequence[SheetRow]) -> list[dict]:
    """Rows as plain data, to keep an upload in the session between preview and confirm."""
    return [asdict(row) for row in rows]


def sheet_rows_load(data: Iterable[dict]) -> list[SheetRow]:
    return [SheetRow(number=int(item["number"]), cells=dict(item["cells"])) for item in data]


# --- exporting -------------------------------------------------------------------------------


def _text_cell(sheet, row: int, column: int, value) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text that looks like a formula stays text


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


# --- draw rules ------------------------------------------------------------------------------


def draw_rules_validate(*, round: Round, rules: Sequence[tuple[Topic, int, int]]) -> None:
    """Refuse draw rules (topic, difficulty, count) the round's active pool cannot satisfy,
    or that do not add up to the contest's questions per attempt."""
    if not rules:
        return
    available = question_pool_counts(is_practice=round.is_practice)
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
    if messages:
        raise ValidationError(messages, code="draw_rules_unsatisfiable")


def draw_rules_current_validate(*, round: Round) -> None:
    """The stored rules of a round, checked against today's pool."""
    rules = [
        (rule.topic, rule.difficulty, rule.count)
        for rule in DrawRule.objects.filter(round=round).select_related("topic")
    ]
    draw_rules_validate(round=round, rules=rules)


# --- editing safety --------------------------------------------------------------------------


def questions_deactivate(*, question_ids: Sequence[int], actor: User | None = None) -> int:
    """Take questions out of future draws; attempts that drew them keep them."""
    question_ids = list(question_ids)
    count = Question.objects.filter(id__in=question_ids, is_active=True).update(is_active=False)
    question_contents_forget(question_ids=question_ids)
    audit_log_record(
        actor=actor, action="questions_deactivate", question_ids=question_ids, count=count
    )
    return count


def question_delete(*, question: Question, actor: User | None = None) -> None:
    """Delete a question no attempt has drawn; the database refuses the others (PROTECT)."""
    question_id = question.pk
    try:
        with transaction.atomic():
            question.delete()
    except ProtectedError as error:
        raise BankError(
            "question_in_use",
            _(
                "Không thể xóa câu hỏi này vì đã được rút vào bài thi của người dự thi. "
                "Bạn có thể ngừng sử dụng câu hỏi để không rút vào các lượt thi sau."
            ),
        ) from error
    question_contents_forget(question_ids=[question_id])
    audit_log_record(actor=actor, action="question_delete", question_id=question_id)


def question_edit_record(
    *, question: Question, previous_correct_ids: Iterable[int] | None, actor: User | None = None
) -> bool:
    """After an organiser saved a question and its options (`previous_correct_ids` None for a
    new question): forget the cached content, and log a changed key. True when the key changed
    on a question some attempt already drew."""
    question_contents_forget(question_ids=[question.pk])
    if previous_correct_ids is None:
        return False
    current = question_correct_ids(question_id=question.pk)
    previous = sorted(previous_correct_ids)
    if current == previous:
        return False
    used = AttemptAnswer.objects.filter(question_id=question.pk).exists()
    audit_log_record(
        actor=actor,
        action="question_key_change",
        target=question,
        previous_correct=previous,
        correct=current,
        used_in_attempts=used,
    )
    return used


@dataclass(frozen=True)
class RescoreResult:
    attempt_ids: list[int]
    answers_changed: int
    reranked_round_ids: list[int]


def question_rescore(*, question_id: int, actor: User | None = None) -> RescoreResult:
    """Re-mark this question in every finished attempt that drew it, by its current key, in SQL;
    re-score the attempts whose mark changed. Returns, with the attempts, the ranked or
    published rounds among them, which must be ranked again (operations queues that).
    `selected` is stored sorted (answer_save), so a fully correct answer is exactly the sorted
    list of correct option ids."""
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question_id)
        correct = question_correct_ids(question_id=question_id)
        changing = answers_to_remark(question_id=question_id, correct_ids=correct)
        attempt_ids = list(
            Attempt.objects.select_for_update()
            .filter(id__in=changing.values("attempt_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        answers_changed = AttemptAnswer.objects.filter(
            question_id=question_id, attempt_id__in=attempt_ids
        ).update(is_correct=Case(When(selected=correct, then=Value(True)), default=Value(False)))
        correct_count = (
            AttemptAnswer.objects.filter(attempt_id=OuterRef("pk"), is_correct=True)
            .values("attempt_id")
            .annotate(n=Count("id"))
            .values("n")
        )
        Attempt.objects.filter(pk__in=attempt_ids).update(
            score=Coalesce(Subquery(correct_count), Value(0))
        )
        round_ids = sorted(
            Round.objects.filter(
                attempts__id__in=attempt_ids,
                state__in=[Round.State.RANKED, Round.State.PUBLISHED],
            )
            .distinct()
            .values_list("pk", flat=True)
        )
        question_contents_forget(question_ids=[question_id])
        audit_log_record(
            actor=actor,
            action="question_rescore",
            target=question,
            correct=correct,
            attempts=len(attempt_ids),
            answers_changed=answers_changed,
            reranked_rounds=round_ids,
        )
    return RescoreResult(
        attempt_ids=attempt_ids, answers_changed=answers_changed, reranked_round_ids=round_ids
    )


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
