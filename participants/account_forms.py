"""allauth's forms with Vietnamese labels (allauth ships no Vietnamese catalogue), plugged in
through ACCOUNT_FORMS."""

from allauth.account import forms as allauth_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django.utils.translation import gettext_lazy as _

CODE_LABEL = _("Mã xác minh (trong tin nhắn SMS)")


def _relabel(form, labels: dict) -> None:
    for name, label in labels.items():
        if name in form.fields:
            form.fields[name].label = label
            form.fields[name].widget.attrs.pop("placeholder", None)


def _code_field(form) -> None:
    field = form.fields["code"]
    field.label = CODE_LABEL
    # Six digits (settings.SMS_CODE_FORMAT): the number pad, and the phone offers the code
    # from the SMS it just received.
    field.widget.attrs.update(
        {
            "placeholder": "",
            "inputmode": "numeric",
            "autocomplete": "one-time-code",
        }
    )
    field.widget.attrs.pop("autocapitalize", None)


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self, {"login": _("Số điện thoại"), "password": _("Mật khẩu")})
        self.fields["login"].widget.attrs["placeholder"] = "0912 345 678"
        self.fields["password"].help_text = ""


class SignupForm(allauth_forms.SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(
            self,
            {
                "phone": _("Số điện thoại di động (dùng để đăng nhập)"),
                "email": _("Email (không bắt buộc)"),
                "password1": _("Mật khẩu (ít nhất 8 ký tự)"),
                "password2": _("Nhập lại mật khẩu"),
            },
        )
        if "phone" in self.fields:
            self.fields["phone"].widget.attrs["placeholder"] = "0912 345 678"
        if "password1" in self.fields:
            self.fields["password1"].help_text = ""


class VerifyPhoneForm(allauth_forms.VerifyPhoneForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field(self)


class ConfirmPasswordResetCodeForm(allauth_forms.ConfirmPasswordResetCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field(self)


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self, {"password1": _("Mật khẩu mới"), "password2": _("Nhập lại mật khẩu mới")})


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(
            self,
            {
                "oldpassword": _("Mật khẩu hiện tại"),
                "password1": _("Mật khẩu mới"),
                "password2": _("Nhập lại mật khẩu mới"),
            },
        )
        # allauth's English "Forgot your password?" link (the profile links the reset page).
        self.fields["oldpassword"].help_text = ""


def _totp_code_field(form) -> None:
    field = form.fields["code"]
    field.label = _("Mã 6 số trong ứng dụng xác thực (hoặc một mã khôi phục)")
    field.widget.attrs.update(
        {"placeholder": "", "inputmode": "numeric", "autocomplete": "one-time-code"}
    )


class MfaAuthenticateForm(mfa_forms.AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _totp_code_field(self)


class MfaReauthenticateForm(mfa_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _totp_code_field(self)


class ActivateTotpForm(totp_forms.ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _totp_code_field(self)
        self.fields["code"].label = _("Mã 6 số ứng dụng đang hiển thị")
