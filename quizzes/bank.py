"""Importing questions into the bank from a spreadsheet (.xlsx or .csv, the template's columns
or their usual aliases), with a dry run that reports every row's problems.

Import reads the whole file, checks every row against the bank and the other rows, and writes
nothing when one row is wrong. Imports run one at a time (a PostgreSQL advisory lock on
PostgreSQL), so two organisers loading the same file cannot both pass the duplicate check.
Exports are quizzes.bank_export; changes to questions in use, quizzes.bank_changes.

Why our own and not django-import-export or tablib (evaluated for issue 19): the reading is
core.spreadsheets (openpyxl, with the zip-bomb, formula and UTF-8 checks every import shares);
what is left here are the bank's rules, which django-import-export would take as Resource
hooks: a topic found by name or slug, options in columns A–F with the key as letters, single
or multiple choice, duplicates against the bank and within the file, one import at a time.
Its dry run keeps the upload in a temporary storage that defaults to the web container's local
disk (wrong with two web containers); ours keeps it in the shared cache for the account that
uploaded it (import_preview_keep). None of this is on a participant's path.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_log_record
from core.locks import advisory_lock_take
from core.spreadsheets import MAX_IMPORT_BYTES, SpreadsheetError, spreadsheet_rows_read
from participants.models import User

from .models import Choice, Difficulty, Question, Topic
from .questions import MAX_CHOICES, normalize_question_text, validate_choices

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


# --- between the dry run and the organiser's confirmation ------------------------------------

IMPORT_PREVIEW_TIMEOUT = 3600


@dataclass(frozen=True)
class ImportPreview:
    """An uploaded file whose dry run passed, waiting for the organiser's confirmation."""

    name: str
    content: bytes
    is_practice: bool


def _import_preview_key(*, user_id: int, token: str) -> str:
    return f"question-import:v1:{user_id}:{token}"


def import_preview_keep(*, user_id: int, preview: ImportPreview) -> str:
    """Keep the file (at most MAX_FILE_BYTES) for an hour, for this account only, in the shared
    cache rather than the session (which every later request of the organiser would carry);
    returns the token the confirmation posts back. The file is read and checked again then."""
    token = secrets.token_urlsafe(16)
    cache.set(_import_preview_key(user_id=user_id, token=token), preview, IMPORT_PREVIEW_TIMEOUT)
    return token


def import_preview_take(*, user_id: int, token: str) -> ImportPreview | None:
    """The file kept under this token for this account, once (None when expired, already
    imported, another account's, or the cache was unavailable)."""
    if not token or len(token) > 64:
        return None
    key = _import_preview_key(user_id=user_id, token=token)
    preview = cache.get(key)
    if preview is not None:
        cache.delete(key)
    return preview
