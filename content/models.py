from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from quizzes.models import Topic
from rounds.models import Contest, Round

from .sanitize import html_sanitize

ATTACHMENT_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png"]


class SanitizedHtmlModel(models.Model):
    """Stores `body` only after cleaning it: what is saved is what is shown."""

    body = models.TextField(
        _("nội dung"),
        blank=True,
        help_text=_("HTML đơn giản: đoạn văn, tiêu đề, danh sách, bảng, liên kết, hình ảnh."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.body = html_sanitize(self.body)
        super().save(*args, **kwargs)


class ContestRules(SanitizedHtmlModel):
    """The full rules (Thể lệ) of a contest; its number and date are the contest's."""

    contest = models.OneToOneField(
        Contest, verbose_name=_("cuộc thi"), on_delete=models.CASCADE, related_name="rules"
    )
    attachment = models.FileField(
        _("tệp thể lệ (PDF/DOCX)"),
        upload_to="the-le/",
        blank=True,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)],
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("thể lệ")
        verbose_name_plural = _("thể lệ")

    def __str__(self) -> str:
        return str(self.contest)


class StudyMaterial(SanitizedHtmlModel):
    """A study material (Tài liệu tham khảo), grouped by topic."""

    topic = models.ForeignKey(
        Topic,
        verbose_name=_("chủ đề"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="materials",
    )
    title = models.CharField(_("tiêu đề"), max_length=255)
    slug = models.SlugField(_("đường dẫn"), max_length=120, unique=True)
    summary = models.CharField(_("tóm tắt"), max_length=300, blank=True)
    attachment = models.FileField(
        _("tệp đính kèm"),
        upload_to="tai-lieu/",
        blank=True,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)],
    )
    is_published = models.BooleanField(_("hiển thị công khai"), default=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    created_at = models.DateTimeField(_("ngày đăng"), auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu tham khảo")
        verbose_name_plural = _("tài liệu tham khảo")
        ordering = ["topic__sort_order", "sort_order", "title"]

    def __str__(self) -> str:
        return self.title


class Announcement(SanitizedHtmlModel):
    """A dated announcement (Thông báo); pinned ones are listed first."""

    contest = models.ForeignKey(
        Contest,
        verbose_name=_("cuộc thi"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="announcements",
    )
    round = models.ForeignKey(
        Round,
        verbose_name=_("đợt thi (thông báo kết quả)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="announcements",
    )
    title = models.CharField(_("tiêu đề"), max_length=255)
    slug = models.SlugField(_("đường dẫn"), max_length=120, unique=True)
    attachment = models.FileField(
        _("tệp đính kèm"),
        upload_to="thong-bao/",
        blank=True,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)],
    )
    is_pinned = models.BooleanField(_("ghim lên đầu"), default=False)
    is_published = models.BooleanField(_("đã đăng"), default=False)
    published_at = models.DateTimeField(_("ngày đăng"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-is_pinned", "-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_published=False) | models.Q(published_at__isnull=False),
                name="announcement_published_has_date",
            ),
            models.UniqueConstraint(
                fields=["round"],
                condition=models.Q(round__isnull=False),
                name="announcement_one_results_draft_per_round",
            ),
        ]

    def __str__(self) -> str:
        return self.title
