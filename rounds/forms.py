from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Contest, Round
from .services import RoundStateError, round_edit_check, round_is_live, round_overlap_check


class DisqualifyForm(forms.Form):
    """An organiser's decision to exclude people from a contest's ranking, with its reason."""

    contest = forms.ModelChoiceField(
        label=gettext_lazy("Cuộc thi"), queryset=Contest.objects.order_by("-created_at")
    )
    reason = forms.CharField(
        label=gettext_lazy("Lý do"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Ví dụ: nhiều tài khoản, khai man thông tin, thi hộ."),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Cần ghi rõ lý do loại khỏi cuộc thi."))
        return reason


# The round form's checkbox that confirms a change to what a running round draws; the draw
# rules' formset (quizzes) reads it from the same POST.
LIVE_CONFIRM_FIELD = "confirm_live_change"


def live_round_confirm_message(*, round: Round) -> str:
    return _(
        "“%(round)s” đang diễn ra: thay đổi câu hỏi được rút áp dụng ngay cho người đang thi. "
        "Đánh dấu ô xác nhận có tên đợt thi để lưu."
    ) % {"round": round}


def live_round_confirm_label(*, round: Round) -> str:
    return _("Tôi xác nhận thay đổi câu hỏi được rút của “%(round)s” đang diễn ra") % {
        "round": round
    }


class RoundAdminForm(forms.ModelForm):
    """The round's form: a published round's results fields are locked
    (rounds.services.round_edit_check); a running round shows the confirmation checkbox."""

    confirm_live_change = forms.BooleanField(required=False)

    class Meta:
        model = Round
        fields = ["contest", "number", "name", "starts_at", "ends_at", "is_practice"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if LIVE_CONFIRM_FIELD in self.fields:
            if round_is_live(round=self.instance):
                self.fields[LIVE_CONFIRM_FIELD].label = live_round_confirm_label(
                    round=self.instance
                )
            else:
                del self.fields[LIVE_CONFIRM_FIELD]

    def clean(self):
        cleaned = super().clean()
        try:
            round_edit_check(
                round=self.instance, changed=self.changed_data, prize_tiers_changed=False
            )
            contest, starts, ends = (cleaned.get(k) for k in ("contest", "starts_at", "ends_at"))
            if contest and starts and ends and not cleaned.get("is_practice"):
                round_overlap_check(
                    contest_id=contest.pk,
                    starts_at=starts,
                    ends_at=ends,
                    exclude_id=self.instance.pk,
                )
        except RoundStateError as error:
            raise forms.ValidationError(str(error)) from error
        return cleaned


class PrizeTierFormSet(forms.BaseInlineFormSet):
    """A published round's prize tiers are locked (rounds.services.round_edit_check)."""

    def clean(self):
        super().clean()
        if self.has_changed() and self.instance.pk is not None:
            try:
                round_edit_check(round=self.instance, changed=(), prize_tiers_changed=True)
            except RoundStateError as error:
                raise forms.ValidationError(str(error)) from error
