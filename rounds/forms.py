from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Contest


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
