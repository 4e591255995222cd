"""Sign-up, profile and password-reset forms of participants (Vietnamese, phone-first)."""

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .adapters import VietnamesePhoneField
from .models import Participant, Unit
from .selectors import unit_tree_choices
from .services import participant_register


class UnitChoiceField(forms.ModelChoiceField):
    """The unit tree as one <select>: top-level units as option groups, their sub-units
    indented; a small script (static/js/unit-select.js) adds a search box on phones."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Unit.objects.filter(is_active=True))
        kwargs.setdefault("label", _("Đơn vị công tác"))
        kwargs.setdefault("empty_label", _("— Chọn đơn vị —"))
        super().__init__(**kwargs)
        self.widget.attrs.update({"class": "unit-select", "data-unit-select": ""})

    def _get_choices(self):
        # Lazy: evaluated when the widget renders, not when the form class is defined.
        return CallableChoiceIterator(lambda: [("", self.empty_label), *unit_tree_choices()])

    choices = property(_get_choices, forms.ChoiceField.choices.fset)


class DateInput(forms.DateInput):
    """A text field shown and read as dd/mm/yyyy: a browser's date picker follows the phone's
    language (mm/dd/yyyy on a phone set to English), which misreads 06/05 as June 5th."""

    input_type = "text"

    def __init__(self, **kwargs):
        attrs = {
            "placeholder": "dd/mm/yyyy",
            "inputmode": "numeric",
            "autocomplete": "bday",
            "maxlength": "10",
            **kwargs.pop("attrs", {}),
        }
        super().__init__(format="%d/%m/%Y", attrs=attrs, **kwargs)


class DayMonthYearField(forms.DateField):
    """Day, month, year in that order, whatever separates them (/, ., -, a comma or a space: the number
    pad of some phones has no slash) or none (06051990); also the ISO form a browser's
    autofill may send (1990-05-06)."""

    widget = DateInput
    default_error_messages = {
        "invalid": _("Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 06/05/1990."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        parts = re.findall(r"\d+", text)
        if len(parts) == 1 and len(parts[0]) == 8:
            parts = [parts[0][:2], parts[0][2:4], parts[0][4:]]
        if len(parts) == 3 and len(parts[0]) == 4:  # ISO: year first
            parts = parts[::-1]
        if len(parts) != 3 or len(parts[2]) != 4 or re.search(r"[^\d\s/.,\-]", text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class ProfileFieldsMixin(forms.Form):
    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "words"}),
    )
    date_of_birth = DayMonthYearField(
        label=_("Ngày sinh"), help_text=_("Ngày/tháng/năm, ví dụ 06/05/1990.")
    )
    gender = forms.ChoiceField(
        label=_("Giới tính"), choices=Participant.Gender.choices, widget=forms.RadioSelect
    )
    unit = UnitChoiceField()
    cccd = forms.RegexField(
        label=_("Số CCCD (không bắt buộc)"),
        regex=r"^[0-9]{12}$",
        required=False,
        error_messages={"invalid": _("Số CCCD phải gồm đúng 12 chữ số.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "12"}),
    )
    locality = forms.CharField(label=_("Nơi ở (xã/phường, huyện)"), max_length=200, required=False)

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Hãy nhập đầy đủ họ và tên."))
        return name

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born >= today or born < dt.date(1900, 1, 1):
            raise forms.ValidationError(_("Ngày sinh không hợp lệ."))
        return born

    def clean_cccd(self):
        cccd = self.cleaned_data.get("cccd") or None
        if cccd:
            others = Participant.objects.filter(cccd=cccd)
            if self._participant_pk():
                others = others.exclude(pk=self._participant_pk())
            if others.exists():
                raise forms.ValidationError(
                    _("Số CCCD này đã được đăng ký. Nếu đó là bạn, hãy đăng nhập tài khoản cũ.")
                )
        return cccd

    def _participant_pk(self):
        return None


class SignupProfileForm(ProfileFieldsMixin):
    """ACCOUNT_SIGNUP_FORM_CLASS: allauth adds phone, email and passwords to these fields."""

    field_order = [
        "full_name",
        "phone",
        "date_of_birth",
        "gender",
        "unit",
        "cccd",
        "locality",
        "email",
        "password1",
        "password2",
        "consent",
    ]

    consent = forms.BooleanField(
        required=True,
        error_messages={
            "required": _(
                "Bạn cần đồng ý với Thể lệ cuộc thi và Thông báo xử lý dữ liệu cá nhân để đăng ký."
            )
        },
    )

    def __init__(self, *args, rules_url: str = "", **kwargs):
        """`rules_url`: the contest rules page, which another app serves; the site's URL
        configuration passes it in (participants names no page above it)."""
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = format_html(
            _(
                'Tôi đã đọc và đồng ý với <a href="{}" target="_blank">Thể lệ cuộc thi</a> và '
                '<a href="{}" target="_blank">Thông báo xử lý dữ liệu cá nhân</a> '
                "(phiên bản {})."
            ),
            rules_url or "/",
            reverse("participants:privacy_notice"),
            settings.PRIVACY_NOTICE_VERSION,
        )

    def signup(self, request, user) -> None:
        data = self.cleaned_data
        participant_register(
            user=user,
            full_name=data["full_name"],
            date_of_birth=data["date_of_birth"],
            gender=data["gender"],
            unit=data["unit"],
            cccd=data.get("cccd"),
            locality=data.get("locality", ""),
            privacy_consent_version=settings.PRIVACY_NOTICE_VERSION,
        )


class ProfileForm(ProfileFieldsMixin):
    """The participant's own profile; identifying fields are read-only once locked."""

    email = forms.EmailField(label=_("Email (không bắt buộc)"), required=False)

    def __init__(self, *args, participant: Participant, **kwargs):
        self.participant = participant
        initial = {
            "full_name": participant.full_name,
            "date_of_birth": participant.date_of_birth,
            "gender": participant.gender,
            "unit": participant.unit_id,
            "cccd": participant.cccd or "",
            "locality": participant.locality,
            "email": participant.user.email,
        }
        super().__init__(*args, initial=initial, **kwargs)
        if participant.profile_locked_at:
            for name in Participant.IDENTIFYING_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].required = False

    def _participant_pk(self):
        return self.participant.pk


class PhonePasswordResetForm(forms.Form):
    """Password reset by a code sent by SMS to the account's phone (allauth's reset-by-code
    flow, which speaks of "email": the phone number stands in for it)."""

    phone = VietnamesePhoneField()

    def clean(self):
        cleaned = super().clean()
        phone = cleaned.get("phone")
        if phone:
            from allauth.account.adapter import get_adapter

            self.users = [user] if (user := get_adapter().get_user_by_phone(phone)) else []
            cleaned["email"] = phone
        return cleaned

    def save(self, request, **kwargs) -> str:
        from allauth.account.internal.flows.password_reset_by_code import (
            PasswordResetVerificationProcess,
        )

        phone = self.cleaned_data["phone"]
        PasswordResetVerificationProcess.initiate(
            request=request, user=self.users[0] if self.users else None, email=phone
        )
        return phone
