from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from participants.models import Participant
from rounds.models import Contest, Round

from .questions import EXPLANATION_MAX_LENGTH, QUESTION_TEXT_MAX_LENGTH


class Difficulty(models.IntegerChoices):
    EASY = 1, _("Dễ")
    MEDIUM = 2, _("Trung bình")
    HARD = 3, _("Khó")


class Topic(models.Model):
    name = models.CharField(_("tên chủ đề"), max_length=200, unique=True)
    slug = models.SlugField(_("mã chủ đề"), max_length=80, unique=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("chủ đề")
        verbose_name_plural = _("chủ đề")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


DEFAULT_BANK_SLUG = "ngan-hang-chung"


class QuestionBank(models.Model):
    """A set of questions (one year's, one topic's) that the rounds of the contests it names
    draw from: preparing next year's bank never touches this year's draws."""

    name = models.CharField(_("tên ngân hàng câu hỏi"), max_length=200, unique=True)
    slug = models.SlugField(_("mã ngân hàng"), max_length=80, unique=True)
    description = models.TextField(_("ghi chú"), blank=True)
    contests = models.ManyToManyField(
        Contest,
        verbose_name=_("dùng cho cuộc thi"),
        related_name="question_banks",
        blank=True,
        help_text=_("Các đợt thi của những cuộc thi này rút câu hỏi từ ngân hàng."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ngân hàng câu hỏi")
        verbose_name_plural = _("ngân hàng câu hỏi")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def question_bank_default_id() -> int:
    """The bank a question goes to when none is named (the one existing contests use)."""
    bank, _created = QuestionBank.objects.get_or_create(
        slug=DEFAULT_BANK_SLUG, defaults={"name": "Ngân hàng câu hỏi chung"}
    )
    return bank.pk


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Một đáp án đúng")
        MULTIPLE = "multiple", _("Nhiều đáp án đúng")

    bank = models.ForeignKey(
        QuestionBank,
        verbose_name=_("ngân hàng câu hỏi"),
        on_delete=models.PROTECT,
        related_name="questions",
        default=question_bank_default_id,
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("chủ đề"), on_delete=models.PROTECT, related_name="questions"
    )
    difficulty = models.PositiveSmallIntegerField(
        _("độ khó"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    kind = models.CharField(
        _("loại câu hỏi"), max_length=10, choices=Kind.choices, default=Kind.SINGLE
    )
    text = models.TextField(
        _("nội dung câu hỏi"),
        max_length=QUESTION_TEXT_MAX_LENGTH,
        validators=[MaxLengthValidator(QUESTION_TEXT_MAX_LENGTH)],
    )
    normalized_text = models.CharField(
        _("nội dung chuẩn hóa"), max_length=500, db_index=True, editable=False
    )
    explanation = models.TextField(
        _("giải thích đáp án"),
        blank=True,
        max_length=EXPLANATION_MAX_LENGTH,
        validators=[MaxLengthValidator(EXPLANATION_MAX_LENGTH)],
    )
    source_reference = models.CharField(_("căn cứ, nguồn tham khảo"), max_length=300, blank=True)
    is_active = models.BooleanField(_("đang sử dụng"), default=True)
    is_practice = models.BooleanField(
        _("dùng cho thi thử"), default=False, help_text=_("Thuộc ngân hàng câu hỏi thi thử.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("câu hỏi")
        ordering = ["topic", "difficulty", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(difficulty__in=[1, 2, 3]), name="question_difficulty_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["single", "multiple"]), name="question_kind_valid"
            ),
            # Also for rows written in bulk (the import), which skip the validators above.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), QUESTION_TEXT_MAX_LENGTH),
                name="question_text_length",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("explanation"), EXPLANATION_MAX_LENGTH),
                name="question_explanation_length",
            ),
        ]
        indexes = [
            models.Index(fields=["topic", "difficulty", "is_active"], name="question_pool_idx")
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def save(self, *args, **kwargs):
        from .questions import normalize_question_text

        self.normalized_text = normalize_question_text(self.text)
        super().save(*args, **kwargs)


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("câu hỏi"), on_delete=models.CASCADE, related_name="choices"
    )
    text = models.CharField(_("phương án"), max_length=500)
    is_correct = models.BooleanField(_("đúng"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("phương án trả lời")
        verbose_name_plural = _("phương án trả lời")
        ordering = ["question", "sort_order", "id"]

    def __str__(self) -> str:
        return self.text


class DrawRule(models.Model):
    """How many questions of one topic (or of any topic) and one difficulty each attempt of a
    round draws."""

    round = models.ForeignKey(
        Round, verbose_name=_("đợt thi"), on_delete=models.CASCADE, related_name="draw_rules"
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("chủ đề"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Để trống: câu hỏi của mọi chủ đề."),
    )
    difficulty = models.PositiveSmallIntegerField(_("độ khó"), choices=Difficulty.choices)
    count = models.PositiveSmallIntegerField(_("số câu"))

    class Meta:
        verbose_name = _("quy tắc rút câu hỏi")
        verbose_name_plural = _("quy tắc rút câu hỏi")
        ordering = ["round", "topic", "difficulty"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "topic", "difficulty"], name="draw_rule_unique"
            ),
            models.UniqueConstraint(
                fields=["round", "difficulty"],
                condition=Q(topic__isnull=True),
                name="draw_rule_any_topic_unique",
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="draw_rule_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_label} · {self.get_difficulty_display()} × {self.count}"

    @property
    def topic_label(self) -> str:
        return self.topic.name if self.topic_id else str(_("Mọi chủ đề"))


class Attempt(models.Model):
    """One timed attempt (lượt thi) of a participant in a round."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("Đang làm bài")
        SUBMITTED = "submitted", _("Đã nộp bài")
        AUTO_SUBMITTED = "auto_submitted", _("Tự động nộp khi hết giờ")

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("người dự thi"),
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    round = models.ForeignKey(
        Round, verbose_name=_("đợt thi"), on_delete=models.PROTECT, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(_("lượt thứ"))
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=State.choices, default=State.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    deadline = models.DateTimeField(_("hạn nộp"))
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    question_count = models.PositiveSmallIntegerField(_("số câu hỏi"))
    score = models.PositiveSmallIntegerField(_("điểm"), null=True, blank=True)
    duration_ms = models.PositiveBigIntegerField(_("thời gian làm bài (ms)"), null=True, blank=True)
    prediction = models.PositiveIntegerField(_("dự đoán"), null=True, blank=True)
    prediction_seq = models.PositiveIntegerField(default=0, editable=False)
    session_key = models.CharField(max_length=64, blank=True, editable=False)
    client_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("lượt thi")
        verbose_name_plural = _("lượt thi")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "round", "number"], name="attempt_number_unique"
            ),
            models.UniqueConstraint(
                fields=["participant", "round"],
                condition=Q(state="in_progress"),
                name="attempt_one_in_progress_per_round",
                violation_error_message=_("Bạn đang có một lượt thi chưa nộp trong đợt này."),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="attempt_number_positive"),
            models.CheckConstraint(
                condition=Q(deadline__gt=F("started_at")), name="attempt_deadline_after_start"
            ),
            models.CheckConstraint(
                condition=(
                    Q(state="in_progress", submitted_at__isnull=True, score__isnull=True)
                    | Q(
                        state__in=["submitted", "auto_submitted"],
                        submitted_at__isnull=False,
                        score__isnull=False,
                        duration_ms__isnull=False,
                    )
                ),
                name="attempt_finished_has_result",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(submitted_at__lte=F("deadline")),
                name="attempt_submitted_by_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["round", "state", "deadline"], name="attempt_round_state_idx"),
            models.Index(fields=["participant", "round"], name="attempt_participant_round_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} — {self.round.name} — #{self.number}"

    @property
    def is_finished(self) -> bool:
        return self.state != self.State.IN_PROGRESS


# The states of a finished attempt (submitted by the person or auto-submitted at its deadline):
# the ones scored, ranked and counted in statistics.
FINISHED_STATES = (Attempt.State.SUBMITTED, Attempt.State.AUTO_SUBMITTED)


class AttemptAnswer(models.Model):
    """A question drawn for an attempt, the option order shown and the option(s) chosen."""

    attempt = models.ForeignKey(
        Attempt, verbose_name=_("lượt thi"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("câu hỏi"), on_delete=models.PROTECT, related_name="answers"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự câu"))
    choice_order = models.JSONField(_("thứ tự phương án hiển thị"))
    selected = models.JSONField(_("phương án đã chọn"), default=list, blank=True)
    seq = models.PositiveIntegerField(
        _("số thứ tự lần lưu"), default=0, help_text=_("Chỉ lần lưu mới hơn mới ghi đè.")
    )
    saved_at = models.DateTimeField(_("lưu lúc"), null=True, blank=True)
    is_correct = models.BooleanField(_("đúng"), null=True, blank=True)

    class Meta:
        verbose_name = _("câu trả lời")
        verbose_name_plural = _("câu trả lời")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="answer_position_unique"),
            models.UniqueConstraint(fields=["attempt", "question"], name="answer_question_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} · {self.position}"


class RoundDrawnQuestion(models.Model):
    """A question drawn in at least one attempt of a round, recorded when the round closes:
    once the round has ended, the contest may show its key to those people, so later official
    rounds of the contest do not draw it (quizzes.selectors.revealed_question_ids)."""

    round = models.ForeignKey(
        Round, verbose_name=_("đợt thi"), on_delete=models.CASCADE, related_name="+"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("câu hỏi"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("câu hỏi đã rút trong đợt")
        verbose_name_plural = _("câu hỏi đã rút trong đợt")
        constraints = [
            models.UniqueConstraint(fields=["round", "question"], name="round_drawn_question_once")
        ]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.question_id}"
