import contextlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .phones import mask_cccd, mask_phone, national_format, normalize_phone

# Full phone numbers, CCCD and dates of birth: granted explicitly (DESIGN §2, privacy).
PERSONAL_DATA_CODENAME = "view_personal_data"
PERSONAL_DATA_PERMISSION = f"participants.{PERSONAL_DATA_CODENAME}"


class PhoneUserManager(UserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        """The login as people type it (0912 345 678, 84912…, +84…): the admin's login form
        and every other username lookup find the account stored as +84912345678."""
        # Not a phone number (an anonymised account): looked up as it is.
        with contextlib.suppress(ValidationError):
            username = normalize_phone(username)
        return super().get_by_natural_key(username)

    def _create_user(self, phone, email, password, **extra_fields):
        user = self.model(phone=normalize_phone(phone), email=self.normalize_email(email or ""))
        for name, value in extra_fields.items():
            setattr(user, name, value)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, phone, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(phone, email, password, **extra_fields)

    def create_superuser(self, phone, email=None, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(phone, email, password, **extra_fields)


class User(AbstractUser):
    """An account. The login is the Vietnamese mobile number, stored in E.164 (+84…)."""

    username = None
    first_name = None
    last_name = None
    phone = models.CharField(_("số điện thoại"), max_length=16, unique=True)
    phone_verified = models.BooleanField(_("đã xác minh số điện thoại"), default=False)
    email = models.EmailField(_("email"), blank=True)

    USERNAME_FIELD = "phone"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = PhoneUserManager()

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")
        constraints = [
            models.CheckConstraint(
                # "anon-<id>" marks an account anonymised at its owner's request: it can never
                # collide with a real number somebody registers later.
                condition=Q(phone__regex=r"^\+84[35789][0-9]{8}$")
                | Q(phone__regex=r"^anon-[0-9]+$"),
                name="user_phone_vietnam_mobile_or_anonymised",
                violation_error_message=_("Số điện thoại phải là số di động Việt Nam."),
            )
        ]

    def __str__(self) -> str:
        # Masked: accounts are shown in many admin lists, full numbers only where permitted.
        return mask_phone(self.phone) if self.phone.startswith("+84") else self.phone

    @property
    def phone_display(self) -> str:
        return national_format(self.phone)

    def get_full_name(self) -> str:
        profile = getattr(self, "participant", None)
        return profile.full_name if profile else str(self)

    def get_short_name(self) -> str:
        return self.get_full_name()


# A province's largest bodies count tens of thousands; a typo of several extra digits is
# refused clearly (above 2,147,483,647 PostgreSQL itself refused it with a 500).
UNIT_HEADCOUNT_MAX = 10_000_000


class Unit(models.Model):
    """A node of the unit tree: the department, its offices, attached units, unions."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Sở, ban, ngành")
        OFFICE = "office", _("Phòng nghiệp vụ")
        ATTACHED = "attached", _("Đơn vị trực thuộc")
        UNION = "union", _("Tổ chức đoàn thể")
        LOCALITY = "locality", _("Địa phương")
        OTHER = "other", _("Khác")

    code = models.SlugField(_("mã đơn vị"), max_length=40, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    headcount = models.PositiveIntegerField(
        _("số người đăng ký chỉ tiêu"),
        default=0,
        validators=[
            MaxValueValidator(
                UNIT_HEADCOUNT_MAX,
                message=_("Số người của một đơn vị tối đa là 10.000.000."),
            )
        ],
        help_text=_("Số cán bộ, công chức, viên chức, người lao động, đoàn viên của đơn vị."),
    )
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="unit_not_its_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Participant(models.Model):
    """The profile of a person who takes part; one per account."""

    class Gender(models.TextChoices):
        MALE = "male", _("Nam")
        FEMALE = "female", _("Nữ")
        OTHER = "other", _("Khác")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="participant",
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices, blank=True)
    cccd = models.CharField(
        _("số CCCD"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Căn cước công dân, 12 chữ số (không bắt buộc)."),
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participants",
    )
    locality = models.CharField(_("nơi ở (xã/phường, huyện)"), max_length=200, blank=True)
    is_unranked = models.BooleanField(
        _("không xếp hạng"),
        default=False,
        help_text=_(
            "Tài khoản của Ban Tổ chức, người soạn câu hỏi: được thi nhưng không xét giải."
        ),
    )
    profile_locked_at = models.DateTimeField(
        _("khóa thông tin lúc"),
        null=True,
        blank=True,
        help_text=_("Thông tin định danh bị khóa sau bài thi đầu tiên đã nộp."),
    )
    privacy_consent_version = models.CharField(
        _("phiên bản thông báo bảo vệ dữ liệu đã đồng ý"), max_length=20, blank=True
    )
    privacy_consent_at = models.DateTimeField(_("đồng ý lúc"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("ẩn danh hóa lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày đăng ký"), auto_now_add=True)

    IDENTIFYING_FIELDS = ("full_name", "date_of_birth", "gender", "cccd", "unit")

    class Meta:
        verbose_name = _("người dự thi")
        verbose_name_plural = _("người dự thi")
        permissions = [
            (PERSONAL_DATA_CODENAME, _("Xem đầy đủ số điện thoại, CCCD, ngày sinh")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cccd__isnull=True) | Q(cccd__regex=r"^[0-9]{12}$"),
                name="participant_cccd_twelve_digits",
                violation_error_message=_("Số CCCD phải gồm đúng 12 chữ số."),
            )
        ]
        indexes = [models.Index(fields=["unit"], name="participant_unit_idx")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.user.phone)

    @property
    def masked_cccd(self) -> str:
        return mask_cccd(self.cccd or "")

    @property
    def public_name(self) -> str:
        """Name as public pages show it: 'Nguyễn Văn A · 09******23'."""
        return f"{self.full_name} · {self.masked_phone}"


class DataDeletionRequest(models.Model):
    """A participant's request to delete their account after the contest; organisers carry it
    out (anonymise_participants), keeping anonymised results."""

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("người dự thi"),
        on_delete=models.CASCADE,
        related_name="deletion_requests",
    )
    requested_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    # Only a request its owner confirmed (the confirmation box) is ever carried out.
    confirmed_at = models.DateTimeField(_("người dự thi xác nhận lúc"), null=True, blank=True)
    processed_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("yêu cầu xóa dữ liệu")
        verbose_name_plural = _("yêu cầu xóa dữ liệu")
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(processed_at__isnull=True),
                name="deletion_request_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} — {self.requested_at:%d/%m/%Y}"


class UnitRepresentative(models.Model):
    """A unit's contact person (đầu mối): sees the reports of the unit and its sub-units."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="represented_units",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="representatives"
    )

    class Meta:
        verbose_name = _("đầu mối đơn vị")
        verbose_name_plural = _("đầu mối đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="unit_representative_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.unit}"


class UnitLinkVisit(models.Model):
    """Visits through a unit's link (/u/<code>/), one counter per unit per local day."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="link_visits"
    )
    day = models.DateField(_("ngày"))
    count = models.PositiveIntegerField(_("số lượt truy cập"), default=0)

    class Meta:
        verbose_name = _("lượt truy cập liên kết đơn vị")
        verbose_name_plural = _("lượt truy cập liên kết đơn vị")
        ordering = ["-day", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="unit_link_visit_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.day:%d/%m/%Y}: {self.count}"
