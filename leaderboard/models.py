from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from participants.models import Participant
from quizzes.models import Attempt
from rounds.models import PrizeTier, Round


class RoundResult(models.Model):
    """A stored ranking row: the participant's counted attempt, every tie-break value, the rank."""

    round = models.ForeignKey(
        Round, verbose_name=_("đợt thi"), on_delete=models.CASCADE, related_name="results"
    )
    participant = models.ForeignKey(
        Participant, verbose_name=_("người dự thi"), on_delete=models.CASCADE, related_name="+"
    )
    attempt = models.OneToOneField(
        Attempt, verbose_name=_("lượt thi được tính"), on_delete=models.CASCADE, related_name="+"
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
