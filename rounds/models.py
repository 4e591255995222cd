from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Participant


class Contest(models.Model):
    """A contest and its rules; every rule is a setting, with the defaults of DESIGN §2."""

    class CountedAttempt(models.TextChoices):
        BEST = "best", _("Bài tốt nhất")
        FIRST = "first", _("Bài đầu tiên")
        LAST = "last", _("Bài cuối cùng")

    class PrizeScope(models.TextChoices):
        ROUND = "round", _("Mỗi người tối đa một giải cá nhân mỗi đợt")
        CONTEST = "contest", _("Mỗi người tối đa một giải cá nhân cả cuộc thi")

    name = models.CharField(_("tên cuộc thi"), max_length=255)
    slug = models.SlugField(_("mã cuộc thi"), max_length=80, unique=True)
    organiser_name = models.CharField(_("đơn vị tổ chức"), max_length=255, blank=True)
    summary = models.TextField(_("giới thiệu ngắn"), blank=True)
    rules_document_number = models.CharField(_("số thể lệ"), max_length=80, blank=True)
    rules_document_date = models.DateField(_("ngày ban hành thể lệ"), null=True, blank=True)
    # A contest is a draft, seen only in the admin, until the organiser publishes it; the site
    # shows the one contest marked current (at most one: a partial unique constraint).
    is_active = models.BooleanField(
        _("đã công bố"),
        default=False,
        help_text=_(
            "Bản nháp (chưa công bố) chỉ Ban Tổ chức thấy; người dự thi không vào thi được."
        ),
    )
    is_current = models.BooleanField(
        _("cuộc thi hiện tại"),
        default=False,
        editable=False,
        help_text=_("Cuộc thi trang chủ và các trang báo cáo hiển thị."),
    )

    questions_per_attempt = models.PositiveSmallIntegerField(_("số câu hỏi mỗi lượt"), default=20)
    time_limit_seconds = models.PositiveIntegerField(_("thời gian làm bài (giây)"), default=20 * 60)
    attempts_per_round = models.PositiveSmallIntegerField(_("số lượt thi mỗi đợt"), default=3)
    counted_attempt = models.CharField(
        _("lượt thi được tính"),
        max_length=10,
        choices=CountedAttempt.choices,
        default=CountedAttempt.BEST,
    )
    grace_seconds = models.PositiveSmallIntegerField(
        _("thời gian gia hạn lưu câu trả lời (giây)"), default=3
    )
    prize_scope = models.CharField(
        _("phạm vi giải cá nhân"),
        max_length=10,
        choices=PrizeScope.choices,
        default=PrizeScope.ROUND,
    )
    participation_target_percent = models.DecimalField(
        _("chỉ tiêu tham gia (%)"), max_digits=5, decimal_places=2, default=80
    )
    collective_min_rate_percent = models.DecimalField(
        _("tỷ lệ tối thiểu xét giải tập thể (%)"), max_digits=5, decimal_places=2, default=50
    )
    collective_min_headcount = models.PositiveIntegerField(
        _("số người tối thiểu xét giải tập thể"), default=10
    )
    minimum_age = models.PositiveSmallIntegerField(_("tuổi tối thiểu"), null=True, blank=True)
    prediction_question = models.TextField(
        _("câu hỏi dự đoán"),
        default=_(
            "Theo bạn, có bao nhiêu người dự thi có bài thi được tính đạt điểm tuyệt đối "
            "trong đợt thi này?"
        ),
    )
    show_answers_after_close = models.BooleanField(
        _("hiện đáp án sau khi đợt thi kết thúc"), default=True
    )
    bind_attempt_to_session = models.BooleanField(
        _("gắn bài thi với phiên đăng nhập đã bắt đầu"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cuộc thi")
        verbose_name_plural = _("cuộc thi")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(questions_per_attempt__gte=1), name="contest_questions_at_least_one"
            ),
            models.CheckConstraint(
                condition=Q(time_limit_seconds__gte=60), name="contest_time_limit_at_least_minute"
            ),
            models.CheckConstraint(
                condition=Q(attempts_per_round__gte=1), name="contest_attempts_at_least_one"
            ),
            models.CheckConstraint(
                condition=Q(participation_target_percent__gte=0)
                & Q(participation_target_percent__lte=100)
                & Q(collective_min_rate_percent__gte=0)
                & Q(collective_min_rate_percent__lte=100),
                name="contest_percentages_in_range",
            ),
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="contest_one_current",
                violation_error_message=_("Chỉ một cuộc thi được là cuộc thi hiện tại."),
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(is_active=True),
                name="contest_current_is_published",
                violation_error_message=_("Cuộc thi hiện tại phải là cuộc thi đã công bố."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def time_limit_minutes(self) -> int:
        return self.time_limit_seconds // 60

    @property
    def time_limit(self) -> timedelta:
        return timedelta(seconds=self.time_limit_seconds)

    @property
    def grace(self) -> timedelta:
        return timedelta(seconds=self.grace_seconds)


class Round(models.Model):
    """One round (Đợt) of a contest, open in the half-open window [starts_at, ends_at)."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Sắp diễn ra")
        OPEN = "open", _("Đang diễn ra")
        CLOSED = "closed", _("Đã kết thúc, đang chấm")
        RANKED = "ranked", _("Đã xếp hạng")
        PUBLISHED = "published", _("Đã công bố kết quả")

    contest = models.ForeignKey(
        Contest, verbose_name=_("cuộc thi"), on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("đợt số"))
    name = models.CharField(_("tên đợt"), max_length=120)
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"))
    state = models.CharField(
        _("trạng thái"), max_length=12, choices=State.choices, default=State.SCHEDULED
    )
    is_practice = models.BooleanField(
        _("thi thử"),
        default=False,
        help_text=_("Đợt thi thử: không xếp hạng, không tính vào thống kê tham gia."),
    )
    allow_revealed_questions = models.BooleanField(
        _("cho phép rút câu hỏi đã lộ đáp án"),
        default=False,
        help_text=_(
            "Khi cuộc thi hiện đáp án sau mỗi đợt, câu hỏi đã có trong bài thi của một đợt "
            "chính thức trước (đã kết thúc) không được rút vào đợt này, trừ khi đánh dấu ô này."
        ),
    )
    prediction_actual = models.PositiveIntegerField(
        _("đáp án câu dự đoán"),
        null=True,
        blank=True,
        help_text=_("Số người có bài được tính đạt điểm tuyệt đối, tính khi xếp hạng."),
    )
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    ranked_at = models.DateTimeField(_("xếp hạng lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("đợt thi")
        verbose_name_plural = _("đợt thi")
        ordering = ["contest", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="round_number_unique"),
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")),
                name="round_starts_before_it_ends",
                violation_error_message=_("Thời điểm bắt đầu phải trước thời điểm kết thúc."),
            ),
        ]
        indexes = [models.Index(fields=["state", "ends_at"], name="round_state_ends_idx")]

    def __str__(self) -> str:
        return f"{self.name} — {self.contest}"

    def is_open_at(self, moment: datetime) -> bool:
        """The window check made on every request: [starts_at, ends_at), whatever the worker did."""
        return (
            self.state in (self.State.SCHEDULED, self.State.OPEN)
            and self.starts_at <= moment < self.ends_at
        )

    @property
    def is_open(self) -> bool:
        return self.is_open_at(timezone.now())

    def phase_at(self, moment: datetime) -> str:
        """The state a visitor sees: the stored lifecycle state, corrected by the clock."""
        if self.state in (self.State.SCHEDULED, self.State.OPEN):
            if moment < self.starts_at:
                return self.State.SCHEDULED
            if moment < self.ends_at:
                return self.State.OPEN
            return self.State.CLOSED
        return self.state

    @property
    def phase(self) -> str:
        return self.phase_at(timezone.now())

    def get_phase_display(self) -> str:
        return str(self.State(self.phase).label)


class PrizeTier(models.Model):
    """A prize level of a round: 1 Nhất, 2 Nhì, 3 Ba, 5 Khuyến khích by default."""

    round = models.ForeignKey(
        Round, verbose_name=_("đợt thi"), on_delete=models.CASCADE, related_name="prize_tiers"
    )
    name = models.CharField(_("tên giải"), max_length=80)
    count = models.PositiveSmallIntegerField(_("số giải"))
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    value = models.CharField(_("giá trị giải"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("cơ cấu giải")
        verbose_name_plural = _("cơ cấu giải")
        ordering = ["round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "order"], name="prize_tier_order_unique"),
            models.CheckConstraint(condition=Q(count__gte=1), name="prize_tier_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.count})"


DEFAULT_PRIZE_TIERS = (
    (1, _("Giải Nhất"), 1),
    (2, _("Giải Nhì"), 2),
    (3, _("Giải Ba"), 3),
    (4, _("Giải Khuyến khích"), 5),
)


class Disqualification(models.Model):
    """An organiser's decision to exclude a person from a contest's ranking, with its reason."""

    contest = models.ForeignKey(
        Contest, verbose_name=_("cuộc thi"), on_delete=models.CASCADE, related_name="+"
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("người dự thi"),
        on_delete=models.CASCADE,
        related_name="disqualifications",
    )
    reason = models.TextField(_("lý do"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("loại khỏi cuộc thi")
        verbose_name_plural = _("loại khỏi cuộc thi")
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "participant"], name="disqualification_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} — {self.contest}"
