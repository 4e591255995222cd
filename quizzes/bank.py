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
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from core.audit import audit_log_record
from core.locks import advisory_lock_take
from core.spreadsheets import MAX_IMPORT_BYTES, SpreadsheetError, spreadsheet_rows_read
from core.text import slugify_vi
from participants.models import User

from .bank_selectors import bank_questions_for_check
from .models import Choice, Difficulty, Question, QuestionBank, Topic, question_bank_default_id
from .questions import (
    MAX_CHOICES,
    CheckedQuestion,
    normalize_question_text,
    question_length_problems,
    validate_choices,
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
    """The file as a whole is refused (not a spreadsheet, empty, too big, formulas, columns).
    `errors`: where the file's rows could still be read, every bad row (the cells behind the
    refusal and the rows that would be refused anyway), so one correction fixes them all."""

    def __init__(self, message: str, errors: Sequence["RowError"] = ()):
        super().__init__(message)
        self.message = message
        self.errors = list(errors)


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
    """The data rows of an uploaded .xlsx or .csv file, keyed by column; refuses broken files,
    listing the other bad rows too when the rows could be read."""
    try:
        raw_rows = spreadsheet_rows_read(
            content=content, filename=name, sheet_name=SHEET_NAME, max_rows=MAX_ROWS
        )
    except SpreadsheetError as error:
        raise ImportFileError(error.message, _refusal_row_errors(error)) from error
    return _sheet_rows(raw_rows)


def _refusal_row_errors(error: SpreadsheetError) -> list[RowError]:
    """The rows behind a file-level refusal and the other rows that would be refused, when the
    reader could still read the file's rows."""
    located = [RowError(row=row, message=message) for row, message in error.problems]
    if not error.rows:
        return located
    try:
        rows = _sheet_rows(error.rows[: MAX_ROWS + 1])
    except ImportFileError:
        return located
    checked = question_rows_check(rows=rows).errors
    return sorted([*located, *checked], key=lambda item: item.row)


def _sheet_rows(raw_rows: list[list[str]]) -> list[SheetRow]:
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
    reasons.extend(question_length_problems(text=text, explanation=cells.get("explanation", "")))

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


def question_bank_for_import(*, bank_id: int | None, new_bank_name: str) -> QuestionBank:
    """The bank an import goes to: the one chosen, or a new one by that name (the existing
    bank of that name when there is one), else the default bank."""
    name = " ".join(new_bank_name.split())
    if name:
        bank = QuestionBank.objects.filter(name__iexact=name).first()
        if bank is not None:
            return bank
        base = slugify_vi(name, max_length=70) or "ngan-hang"
        slug, n = base, 1
        while QuestionBank.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return QuestionBank.objects.create(name=name, slug=slug)
    return QuestionBank.objects.get(pk=bank_id or question_bank_default_id())


def question_rows_import(
    *,
    rows: Sequence[SheetRow],
    dry_run: bool = False,
    is_practice: bool = False,
    actor: User | None = None,
    source_name: str = "",
    bank: QuestionBank | None = None,
    is_active: bool = True,
) -> ImportReport:
    """Check all rows; when every row is right and this is not a dry run, create them all in
    `bank` (the default bank when none), active or not."""
    with transaction.atomic():
        advisory_lock_take(key=IMPORT_LOCK_ID)
        report = question_rows_check(rows=rows)
        if dry_run or not report.ok:
            return report
        bank_id = bank.pk if bank is not None else question_bank_default_id()
        questions = Question.objects.bulk_create(
            Question(
                bank_id=bank_id,
                is_active=is_active,
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
            bank_id=bank_id,
            is_active=is_active,
        )
    return report


def question_import(
    *,
    name: str,
    content: bytes,
    dry_run: bool = False,
    is_practice: bool = False,
    actor: User | None = None,
    bank: QuestionBank | None = None,
    is_active: bool = True,
) -> ImportReport:
    """Read, check and (unless a dry run or any row is wrong) import a spreadsheet of questions.
    Raises ImportFileError for a file that cannot be read at all."""
    rows = question_file_read(name=name, content=content)
    return question_rows_import(
        rows=rows,
        dry_run=dry_run,
        is_practice=is_practice,
        actor=actor,
        source_name=name,
        bank=bank,
        is_active=is_active,
    )


# --- between the dry run and the organiser's confirmation ------------------------------------

IMPORT_PREVIEW_TIMEOUT = 3600


@dataclass(frozen=True)
class ImportPreview:
    """An uploaded file whose dry run passed, waiting for the organiser's confirmation."""

    name: str
    content: bytes
    is_practice: bool
    bank_id: int | None = None
    new_bank_name: str = ""
    is_active: bool = True


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


# --- bank checks -----------------------------------------------------------------------------

# Near-duplicate: this similarity (0–100, from the edit distance) of the normalised texts.
NEAR_DUPLICATE_SIMILARITY = 90
# Cues that give the key away: the correct option as the only longest one in this many points
# (percentage) more questions than chance; a position holding the key this many times more, or
# fewer, than its fair share.
LONGEST_BIAS_POINTS = 10
POSITION_BIAS_RATIO = 1.5
MIN_QUESTIONS_FOR_BIAS = 10


@dataclass(frozen=True)
class PositionShare:
    letter: str
    count: int
    percent: float
    fair_percent: float


@dataclass(frozen=True)
class SimilarPair:
    first: CheckedQuestion
    second: CheckedQuestion
    similarity: int


@dataclass
class BankCheck:
    """What could let a participant guess without knowing: the key as the only longest option
    (against chance), the key's stored position (options are shuffled per attempt, but exports
    and printed banks keep it), and duplicate or near-duplicate questions (one answers the
    other when both are drawn)."""

    single_count: int = 0
    longest_correct: list[CheckedQuestion] = field(default_factory=list)
    longest_percent: float | None = None
    chance_percent: float | None = None
    positions: list[PositionShare] = field(default_factory=list)
    similar: list[SimilarPair] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _percent(part: float, whole: float) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _only_longest(choices: Sequence[str]) -> int | None:
    lengths = [len(choice.strip()) for choice in choices]
    longest = max(lengths)
    return lengths.index(longest) if lengths.count(longest) == 1 else None


def bank_check(
    *, questions: Sequence[CheckedQuestion], others: Sequence[CheckedQuestion] = ()
) -> BankCheck:
    """Check `questions` for answer cues and for duplicates among themselves and with
    `others` (the rest of the bank: pairs within `others` are not reported)."""
    check = BankCheck()
    singles = [q for q in questions if q.kind == Question.Kind.SINGLE and len(q.choices) >= 2]
    check.single_count = len(singles)
    if singles:
        chance = 0.0
        for question in singles:
            longest = _only_longest(question.choices)
            if longest is not None:
                chance += 1 / len(question.choices)
                if longest == question.correct[0]:
                    check.longest_correct.append(question)
        check.longest_percent = _percent(len(check.longest_correct), len(singles))
        check.chance_percent = _percent(chance, len(singles))
        fair = [0.0] * MAX_CHOICES
        counts = [0] * MAX_CHOICES
        for question in singles:
            for index in range(len(question.choices)):
                fair[index] += 1 / len(question.choices)
            counts[question.correct[0]] += 1
        check.positions = [
            PositionShare(
                letter=LETTERS[index],
                count=counts[index],
                percent=_percent(counts[index], len(singles)),
                fair_percent=_percent(fair[index], len(singles)),
            )
            for index in range(MAX_CHOICES)
            if fair[index]
        ]
    if len(singles) >= MIN_QUESTIONS_FOR_BIAS:
        if (
            check.longest_percent - check.chance_percent >= LONGEST_BIAS_POINTS
            and len(check.longest_correct) >= 5
        ):
            check.warnings.append(
                _(
                    "Phương án đúng là phương án dài nhất ở %(n)d/%(total)d câu một đáp án "
                    "(%(percent)s %%; nếu độ dài không gợi ý gì thì khoảng %(chance)s %%): "
                    "người chỉ chọn phương án dài nhất sẽ được điểm cao hơn hẳn. Hãy viết lại "
                    "các phương án sai cho dài tương đương."
                )
                % {
                    "n": len(check.longest_correct),
                    "total": len(singles),
                    "percent": number_format(check.longest_percent, 1),
                    "chance": number_format(check.chance_percent, 1),
                }
            )
        for share in check.positions:
            expected = share.fair_percent * len(singles) / 100
            skewed = share.count >= POSITION_BIAS_RATIO * expected + 1 or (
                expected >= 5 and share.count <= expected / POSITION_BIAS_RATIO - 1
            )
            if skewed:
                check.warnings.append(
                    _(
                        "Đáp án đúng nằm ở phương án %(letter)s trong %(count)d/%(total)d câu "
                        "(%(percent)s %%, cân đối là khoảng %(fair)s %%). Thứ tự phương án được "
                        "xáo trộn khi thi, nhưng bản xuất và bản in vẫn giữ thứ tự này."
                    )
                    % {
                        "letter": share.letter,
                        "count": share.count,
                        "total": len(singles),
                        "percent": number_format(share.percent, 1),
                        "fair": number_format(share.fair_percent, 1),
                    }
                )
    check.similar = _similar_pairs(questions=questions, others=others)
    for pair in check.similar:
        kind = (
            _("Trùng")
            if pair.similarity == 100
            else _("Gần trùng (%(n)d %%)") % {"n": pair.similarity}
        )
        check.warnings.append(
            _("%(kind)s: câu %(first)s và câu %(second)s.")
            % {"kind": kind, "first": pair.first.label, "second": pair.second.label}
        )
    return check


def _similar_pairs(
    *, questions: Sequence[CheckedQuestion], others: Sequence[CheckedQuestion]
) -> list[SimilarPair]:
    """Pairs whose normalised texts are alike (rapidfuzz, edit distance), each pair once."""
    everyone = [*questions, *others]
    texts = [normalize_question_text(q.text) for q in everyone]
    pairs = []
    for index in range(len(questions)):
        for _text, score, other in process.extract(
            texts[index],
            texts[index + 1 :],
            scorer=fuzz.ratio,
            score_cutoff=NEAR_DUPLICATE_SIMILARITY,
            limit=None,
        ):
            pairs.append(
                SimilarPair(
                    first=everyone[index],
                    second=everyone[index + 1 + other],
                    similarity=int(score),
                )
            )
    return sorted(pairs, key=lambda pair: -pair.similarity)


def question_bank_check(*, is_practice: bool) -> BankCheck:
    """The checks over a bank's active questions (official or practice)."""
    return bank_check(questions=bank_questions_for_check(is_practice=is_practice))


def import_bank_check(*, report: ImportReport, is_practice: bool) -> BankCheck:
    """The checks over a file's valid questions, and their duplicates in the bank they join."""
    questions = [
        CheckedQuestion(
            label=_("dòng %(row)d") % {"row": item.row},
            text=item.text,
            choices=item.choices,
            correct=item.correct,
            kind=item.kind,
        )
        for item in report.questions
    ]
    return bank_check(questions=questions, others=bank_questions_for_check(is_practice=is_practice))
