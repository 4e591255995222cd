import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from participants.models import Participant
from quizzes.models import Attempt
from rounds.models import PrizeTier, Round


class RoundResult(models.Model):
    """A stored ranking row: the participant's counted attempt, every tie-break value, the rank.

    The foreign keys have no database constraint (db_constraint=False): the ranking writes a
    round's 10^5–10^6 rows in one INSERT … SELECT, and PostgreSQL's deferred checks of three
    constraints (a locking lookup per row and key at commit) took longer than the ranking itself
    (bench/: 9 s of 19 s for 400,000 rows). Every row is copied from an attempt and a participant
    that the same statement joins, under the round's lock, and Django cascades deletions
    itself (on_delete), so the references cannot dangle. The invariants stay in the database:
    one row per person and round, one per attempt, ranks ≥ 1. The round's own index is left out:
    both composite indexes below start with the round."""

    round = models.ForeignKey(
        Round,
        verbose_name=_("đợt thi"),
        on_delete=models.CASCADE,
        related_name="results",
        db_constraint=False,
        db_index=False,
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("người dự thi"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    attempt = models.OneToOneField(
        Attempt,
        verbose_name=_("lượt thi được tính"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    score = models.PositiveSmallIntegerField(_("điểm"))
    prediction = models.PositiveIntegerField(_("dự đoán"), null=True, blank=True)
    prediction_error = models.BigIntegerField(
        _("sai số dự đoán"), null=True, blank=True, help_text=_("|dự đoán − đáp án|")
    )
    duration_ms = models.PositiveBigIntegerField(_("thời gian làm bài (ms)"))
    submitted_at = models.DateTimeField(_("nộp lúc"))
    rank = models.PositiveIntegerField(_("hạng"))

    class Meta:
        verbose_name = _("kết quả xếp hạng")
        verbose_name_plural = _("kết quả xếp hạng")
        ordering = ["round", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "participant"], name="result_one_per_person"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="result_rank_positive"),
        ]
        indexes = [models.Index(fields=["round", "rank"], name="result_round_rank_idx")]

    def __str__(self) -> str:
        return f"#{self.rank} {self.participant}"


class Award(models.Model):
    """An individual prize given down a round's ranking."""

    round = models.ForeignKey(
        Round, verbose_name=_("đợt thi"), on_delete=models.CASCADE, related_name="awards"
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("người đạt giải"),
        on_delete=models.CASCADE,
        related_name="awards",
    )
    tier = models.ForeignKey(
        PrizeTier, verbose_name=_("giải"), on_delete=models.PROTECT, related_name="awards"
    )
    result = models.OneToOneField(
        RoundResult, verbose_name=_("kết quả"), on_delete=models.CASCADE, related_name="award"
    )
    needs_decision = models.BooleanField(
        _("cần Ban Tổ chức quyết định"),
        default=False,
        help_text=_("Đồng hạng tại suất cuối của mức giải: không tự động cắt."),
    )
    shared = models.BooleanField(
        _("đồng giải"),
        default=False,
        help_text=_("Ban Tổ chức quyết định những người đồng hạng cùng chia sẻ giải."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giải thưởng")
        verbose_name_plural = _("giải thưởng")
        ordering = ["round", "tier__order", "result__rank"]
        constraints = [
            models.UniqueConstraint(fields=["round", "participant"], name="award_one_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.tier.name} — {self.participant}"


class TieDecision(models.Model):
    """An organiser's decision on a tie at a prize cut: who of the tied group takes the tier's
    places, or that they share the prize, with the reason. Re-ranking applies it again while
    the tied group (and the places left for it) is unchanged, and re-opens it, saying why,
    when the group changed or the tie is gone."""

    class Outcome(models.TextChoices):
        CHOOSE = "choose", _("Chọn người nhận giải")
        SHARE = "share", _("Cùng chia sẻ giải")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang áp dụng")
        REOPENED = "reopened", _("Đã mở lại (nhóm đồng hạng thay đổi)")

    round = models.ForeignKey(
        Round, verbose_name=_("đợt thi"), on_delete=models.CASCADE, related_name="tie_decisions"
    )
    tier = models.ForeignKey(
        PrizeTier, verbose_name=_("giải"), on_delete=models.CASCADE, related_name="+"
    )
    group = models.JSONField(_("nhóm đồng hạng (mã người dự thi)"))
    places = models.PositiveSmallIntegerField(_("số suất còn lại cho nhóm"))
    outcome = models.CharField(_("quyết định"), max_length=8, choices=Outcome.choices)
    winners = models.JSONField(_("người nhận giải (mã người dự thi)"), default=list, blank=True)
    reason = models.TextField(_("lý do"))
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    reopened_note = models.TextField(_("lý do mở lại"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định đồng hạng")
        verbose_name_plural = _("quyết định đồng hạng")
        ordering = ["round", "tier__order", "-decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "tier"],
                condition=Q(status="active"),
                name="tie_decision_one_active_per_tier",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["choose", "share"]), name="tie_decision_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} — {self.tier.name}: {self.get_outcome_display()}"


class PublicationEvent(models.Model):
    """The public log of a round's results ("Nhật ký công bố"): publication, corrections,
    re-publications, withdrawals, each with its time, reason and the results' digest then."""

    class Kind(models.TextChoices):
        PUBLISH = "publish", _("Công bố kết quả")
        CORRECTION = "correction", _("Đính chính")
        REPUBLISH = "republish", _("Công bố lại")
        UNPUBLISH = "unpublish", _("Tạm rút kết quả")

    round = models.ForeignKey(
        Round, verbose_name=_("đợt thi"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("thời điểm"))
    reason = models.TextField(_("lý do"), blank=True)
    changes = models.JSONField(
        _("thay đổi thứ hạng, giải"),
        default=list,
        blank=True,
        help_text=_("Người bị ảnh hưởng (tên đã che) với hạng và giải trước, sau."),
    )
    digest = models.CharField(_("mã SHA-256 của tệp kết quả"), max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("nhật ký công bố")
        verbose_name_plural = _("nhật ký công bố")
        ordering = ["round", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["publish", "correction", "republish", "unpublish"]),
                name="publication_event_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} — {self.get_kind_display()}"


class ParticipationStat(models.Model):
    """Stored participation figures, refreshed off the request path by
    leaderboard.statistics.participation_refresh: one row per (round or whole contest) ×
    (unit or every participant). `*_total` fields include the sub-units (each unit declares
    its own headcount, excluding sub-units; a parent's total adds its children's)."""

    contest = models.ForeignKey(
        "rounds.Contest", verbose_name=_("cuộc thi"), on_delete=models.CASCADE, related_name="+"
    )
    round = models.ForeignKey(
        Round,
        verbose_name=_("đợt thi"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Trống: cả cuộc thi."),
    )
    unit = models.ForeignKey(
        "participants.Unit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Trống: toàn bộ người dự thi."),
    )
    headcount = models.PositiveIntegerField(_("số người của đơn vị"), default=0)
    headcount_total = models.PositiveIntegerField(_("số người (gồm đơn vị cấp dưới)"), default=0)
    registered = models.PositiveIntegerField(_("đã đăng ký"), default=0)
    registered_total = models.PositiveIntegerField(_("đã đăng ký (gồm cấp dưới)"), default=0)
    participants = models.PositiveIntegerField(_("đã dự thi"), default=0)
    participants_total = models.PositiveIntegerField(_("đã dự thi (gồm cấp dưới)"), default=0)
    attempts = models.PositiveIntegerField(_("lượt thi"), default=0)
    attempts_total = models.PositiveIntegerField(_("lượt thi (gồm cấp dưới)"), default=0)
    refreshed_at = models.DateTimeField(_("cập nhật lúc"))

    class Meta:
        verbose_name = _("thống kê tham gia")
        verbose_name_plural = _("thống kê tham gia")
        ordering = ["contest", "round", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "round", "unit"],
                condition=Q(round__isnull=False, unit__isnull=False),
                name="participation_stat_round_unit",
            ),
            models.UniqueConstraint(
                fields=["contest", "unit"],
                condition=Q(round__isnull=True, unit__isnull=False),
                name="participation_stat_contest_unit",
            ),
            models.UniqueConstraint(
                fields=["contest", "round"],
                condition=Q(round__isnull=False, unit__isnull=True),
                name="participation_stat_round_all",
            ),
            models.UniqueConstraint(
                fields=["contest"],
                condition=Q(round__isnull=True, unit__isnull=True),
                name="participation_stat_contest_all",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit or _('Tất cả')} — {self.round or self.contest}"

    @property
    def rate_percent(self) -> float | None:
        """Participants (with sub-units) ÷ declared headcount (with sub-units), in %."""
        if not self.headcount_total:
            return None
        return round(100 * self.participants_total / self.headcount_total, 2)


class ActivityStat(models.Model):
    """Stored activity per hour and per local day: people who started an attempt, attempts
    started and submitted (practice rounds excluded). Read by the organiser dashboard."""

    class Period(models.TextChoices):
        HOUR = "hour", _("Giờ")
        DAY = "day", _("Ngày")

    contest = models.ForeignKey(
        "rounds.Contest", verbose_name=_("cuộc thi"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(_("chu kỳ"), max_length=4, choices=Period.choices)
    starts_at = models.DateTimeField(_("bắt đầu"))
    participants = models.PositiveIntegerField(_("người dự thi"), default=0)
    attempts = models.PositiveIntegerField(_("lượt thi"), default=0)
    registrations = models.PositiveIntegerField(_("đăng ký mới"), default=0)

    class Meta:
        verbose_name = _("thống kê hoạt động")
        verbose_name_plural = _("thống kê hoạt động")
        ordering = ["contest", "period", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "period", "starts_at"], name="activity_stat_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.starts_at}"


class ScoreStat(models.Model):
    """Stored score distribution of a round's submitted attempts."""

    round = models.ForeignKey(
        Round, verbose_name=_("đợt thi"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("điểm"))
    attempts = models.PositiveIntegerField(_("số lượt thi"))

    class Meta:
        verbose_name = _("phân bố điểm")
        verbose_name_plural = _("phân bố điểm")
        ordering = ["round", "score"]
        constraints = [models.UniqueConstraint(fields=["round", "score"], name="score_stat_unique")]

    def __str__(self) -> str:
        return f"{self.round}: {self.score} × {self.attempts}"


def certificate_code_new() -> str:
    """The code printed in a certificate's QR link: 128 random bits, unguessable."""
    return secrets.token_urlsafe(16)


class Certificate(models.Model):
    """A certificate issued to a participant for a round (participation, or a prize). It is
    created on the first download; the unique (participant, round, kind) settles two downloads
    racing. Its `code` is the one public handle: the verification page `/verify/<code>/`."""

    class Kind(models.TextChoices):
        PARTICIPATION = "participation", _("Chứng nhận tham gia")
        PRIZE = "prize", _("Chứng nhận đạt giải")

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("người được cấp"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    round = models.ForeignKey(
        Round, verbose_name=_("đợt thi"), on_delete=models.CASCADE, related_name="certificates"
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    code = models.CharField(
        _("mã xác thực"), max_length=40, unique=True, default=certificate_code_new, editable=False
    )
    issued_at = models.DateTimeField(_("cấp lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("chứng nhận")
        verbose_name_plural = _("chứng nhận")
        ordering = ["round", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "round", "kind"], name="certificate_one_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["participation", "prize"]), name="certificate_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.participant} — {self.round.name}"


OFFICIAL_NUMBER_PLACEHOLDERS = {"so": "", "ky_hieu": "", "nam": ""}


def official_number_pattern_validate(pattern: str) -> None:
    """A number pattern may use {so}, {ky_hieu} and {nam} and nothing else."""
    try:
        pattern.format(**OFFICIAL_NUMBER_PLACEHOLDERS)
    except (AttributeError, KeyError, IndexError, ValueError) as error:
        raise ValidationError(
            _("Mẫu số hiệu chỉ được dùng {so}, {ky_hieu} và {nam} (lỗi ở: %(error)s).")
            % {"error": error}
        ) from error


class OfficialReportSettings(models.Model):
    """How a contest's official documents (layout of Nghị định 30/2020/NĐ-CP) are headed,
    numbered, addressed and signed: the units' reports and the committee's summary. A contest
    without a row uses the field defaults, which are the Thanh Hóa contest's. Kept out of
    rounds.Contest so that the report's settings change without a migration of rounds."""

    contest = models.OneToOneField(
        "rounds.Contest",
        verbose_name=_("cuộc thi"),
        on_delete=models.CASCADE,
        related_name="official_report_settings",
    )
    place_name = models.CharField(
        _("địa danh"),
        max_length=80,
        default="Thanh Hóa",
        help_text=_("Dòng địa danh, ngày tháng: “Thanh Hóa, ngày … tháng … năm …”."),
    )
    governing_body = models.CharField(
        _("cơ quan chủ quản của đơn vị cấp cao nhất"),
        max_length=200,
        default="UBND TỈNH THANH HÓA",
        blank=True,
        help_text=_(
            "In phía trên tên đơn vị khi đơn vị không có đơn vị cấp trên; đơn vị cấp dưới "
            "in tên đơn vị cấp trên của mình."
        ),
    )
    unit_number_pattern = models.CharField(
        _("số, ký hiệu báo cáo của đơn vị"),
        max_length=80,
        default="{so}/BC-{ky_hieu}",
        validators=[official_number_pattern_validate],
        help_text=_(
            "{so}: để trống cho văn thư ghi số; {ky_hieu}: chữ viết tắt tên đơn vị (mã đơn vị "
            "viết hoa); {nam}: năm."
        ),
    )
    unit_addressee = models.CharField(
        _("kính gửi (báo cáo của đơn vị)"),
        max_length=255,
        blank=True,
        help_text=_("Để trống: “Ban Tổ chức” và tên cuộc thi."),
    )
    unit_recipients = models.TextField(
        _("nơi nhận (báo cáo của đơn vị)"),
        default="Như trên;\nLãnh đạo đơn vị;\nLưu: VT.",
        help_text=_("Mỗi dòng một nơi nhận; dấu “-” đầu dòng được thêm khi in."),
    )
    unit_signer_title = models.TextField(
        _("chức vụ người ký (báo cáo của đơn vị)"),
        default="THỦ TRƯỞNG ĐƠN VỊ",
        help_text=_("Mỗi dòng một dòng của khối chữ ký, ví dụ “KT. GIÁM ĐỐC” rồi “PHÓ GIÁM ĐỐC”."),
    )
    committee_governing_body = models.CharField(
        _("cơ quan chủ quản của Ban Tổ chức"),
        max_length=200,
        default="UBND TỈNH THANH HÓA",
        blank=True,
    )
    committee_name = models.CharField(
        _("cơ quan ban hành báo cáo tổng kết"),
        max_length=200,
        default="BAN TỔ CHỨC CUỘC THI",
    )
    summary_number_pattern = models.CharField(
        _("số, ký hiệu báo cáo tổng kết"),
        max_length=80,
        default="{so}/BC-BTC",
        validators=[official_number_pattern_validate],
        help_text=_("{so}: để trống cho văn thư ghi số; {nam}: năm."),
    )
    summary_recipients = models.TextField(
        _("nơi nhận (báo cáo tổng kết)"),
        default=(
            "Thường trực Tỉnh ủy, HĐND tỉnh (để b/c);\nChủ tịch, các PCT UBND tỉnh (để b/c);\n"
            "Các sở, ban, ngành, đoàn thể cấp tỉnh;\nUBND các huyện, thị xã, thành phố;\n"
            "Thành viên Ban Tổ chức;\nLưu: VT, BTC."
        ),
        help_text=_("Mỗi dòng một nơi nhận; dấu “-” đầu dòng được thêm khi in."),
    )
    summary_signer_title = models.TextField(
        _("chức vụ người ký (báo cáo tổng kết)"),
        default="TM. BAN TỔ CHỨC\nTRƯỞNG BAN",
    )
    summary_signer_name = models.CharField(
        _("họ tên người ký (báo cáo tổng kết)"),
        max_length=120,
        blank=True,
        help_text=_("Để trống nếu người ký ghi tay."),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("mẫu báo cáo (văn bản hành chính)")
        verbose_name_plural = _("mẫu báo cáo (văn bản hành chính)")

    def __str__(self) -> str:
        return _("Mẫu báo cáo — %(contest)s") % {"contest": self.contest}
