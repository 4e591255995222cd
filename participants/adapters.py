from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.ratelimit import wait_text

from .auth_backends import user_cache_forget
from .login_limits import known_device_remember, login_failure_record, login_guess_wait
from .models import User
from .phones import national_format, normalize_phone
from .sms import sms_send


class VietnamesePhoneField(forms.CharField):
    """Accepts 0912 345 678, +84 912 345 678, 84912345678…; cleans to +84912345678."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Số điện thoại di động"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "type": "tel",
                    "autocomplete": "tel",
                    "inputmode": "tel",
                    "placeholder": "0912 345 678",
                }
            ),
        )
        kwargs.pop("validators", None)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalize_phone(value) if value else value

    def prepare_value(self, value):
        # A stored number is shown as people write it (0912 345 678), not +84912345678.
        return national_format(value) if isinstance(value, str) else value


class ContestAccountAdapter(DefaultAccountAdapter):
    """Phone-number accounts: allauth's phone hooks backed by User.phone."""

    # allauth has no Vietnamese catalogue: the messages a participant can meet, in Vietnamese.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": gettext_lazy("Tài khoản này đang bị khóa."),
        "phone_password_mismatch": gettext_lazy("Số điện thoại hoặc mật khẩu không đúng."),
        "incorrect_code": gettext_lazy("Mã xác minh không đúng."),
        "incorrect_password": gettext_lazy("Mật khẩu không đúng."),
        "enter_current_password": gettext_lazy("Hãy nhập mật khẩu hiện tại."),
        "invalid_login": gettext_lazy("Thông tin đăng nhập không hợp lệ."),
        "phone_taken": gettext_lazy("Số điện thoại này đã được đăng ký. Hãy đăng nhập."),
        "unknown_phone": gettext_lazy("Số điện thoại này chưa đăng ký tài khoản."),
        "too_many_login_attempts": gettext_lazy(
            "Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút."
        ),
        "rate_limited": gettext_lazy("Bạn thao tác quá nhanh, vui lòng đợi một chút."),
        "same_as_current": gettext_lazy("Giá trị mới phải khác giá trị hiện tại."),
    }

    def phone_form_field(self, **kwargs):
        return VietnamesePhoneField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        return normalize_phone(phone)

    def set_phone(self, user, phone: str, verified: bool) -> None:
        user.phone = normalize_phone(phone)
        user.phone_verified = verified
        if user.pk:
            user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user):
        if not user.phone:
            return None
        return user.phone, user.phone_verified

    def set_phone_verified(self, user, phone: str) -> None:
        User.objects.filter(pk=user.pk, phone=phone).update(phone_verified=True)
        user.phone_verified = True
        user_cache_forget(user_id=user.pk)

    def pre_authenticate(self, request, **credentials) -> None:
        """Our guess limits (participants.login_limits) instead of allauth's "login_failed",
        which counted logins in progress as failures; the refusal says when to retry and the
        login view answers it with 429."""
        phone = credentials.get("phone")
        if not phone:
            return super().pre_authenticate(request, **credentials)
        wait = login_guess_wait(request, phone=phone)
        if wait:
            request.login_retry_after = wait
            raise forms.ValidationError(
                _(
                    "Bạn đã nhập sai mật khẩu quá nhiều lần. Vui lòng thử lại sau %(wait)s, "
                    "hoặc dùng chức năng Quên mật khẩu."
                )
                % {"wait": wait_text(wait)},
                code="too_many_login_attempts",
            )
        return None

    def authentication_failed(self, request, **credentials) -> None:
        if credentials.get("phone"):
            login_failure_record(request, phone=credentials["phone"])

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        if getattr(user, "phone", ""):
            known_device_remember(request, response, phone=user.phone)
        return response

    def get_user_by_phone(self, phone: str):
        return User.objects.filter(phone=phone).order_by("pk").first()

    def save_user(self, request, user, form, commit=True):
        # The phone is the login and a required, checked column: set it before the first save.
        phone = form.cleaned_data.get("phone")
        if phone:
            user.phone = normalize_phone(phone)
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Password reset by code goes to the phone (participants.forms.PhonePasswordResetForm
        # puts the phone where allauth expects an email address).
        if email.startswith("+84"):
            if template_prefix == "account/email/password_reset_code":
                sms_send(
                    phone=email,
                    message=_("Mã đặt lại mật khẩu Cuộc thi trực tuyến của bạn là %(code)s")
                    % {"code": context["code"]},
                    purpose="password_reset",
                )
            return
        super().send_mail(template_prefix, email, context)

    def send_account_already_exists_sms(self, phone: str) -> None:
        # Sign-up with a registered number: say so to the number's owner only (allauth's
        # enumeration prevention shows the stranger the same page as a new sign-up).
        sms_send(
            phone=phone,
            message=_(
                "Số điện thoại này đã có tài khoản Cuộc thi trực tuyến. Hãy đăng nhập, hoặc "
                "dùng chức năng Quên mật khẩu."
            ),
        )

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        sms_send(
            phone=phone,
            message=_("Mã xác minh tài khoản Cuộc thi trực tuyến của bạn là %(code)s")
            % {"code": code},
        )


class ContestMFAAdapter(DefaultMFAAdapter):
    """Two-factor authentication for staff (participants.staff_mfa), in Vietnamese."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": gettext_lazy(
            "Mã không đúng. Hãy nhập mã 6 số ứng dụng xác thực đang hiển thị, hoặc một mã khôi "
            "phục chưa dùng."
        ),
        "cannot_delete_authenticator": gettext_lazy(
            "Không thể tắt xác thực hai bước của tài khoản quản trị."
        ),
        "cannot_generate_recovery_codes": gettext_lazy(
            "Hãy bật xác thực hai bước trước khi tạo mã khôi phục."
        ),
        "unverified_email": gettext_lazy("Hãy xác minh thông tin tài khoản trước."),
        "add_email_blocked": gettext_lazy(
            "Không thể thêm email cho tài khoản đang bật xác thực hai bước."
        ),
    }

    def can_delete_authenticator(self, authenticator) -> bool:
        # Staff keep their second factor while the site requires it (they may replace it by
        # setting it up again after an organiser with user rights removes it in the admin).
        from django.conf import settings

        return not (settings.STAFF_MFA_REQUIRED and authenticator.user.is_staff)
