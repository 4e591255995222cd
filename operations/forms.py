from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.text import slugify_vi
from quizzes.models import QuestionBank
from rounds.models import Contest, Round
from rounds.services import SEASON_DAYS_OPEN, SEASON_EVERY_DAYS


class SeasonForm(forms.Form):
    """The season set-up: which contest, from which day, how many rounds, copied from what."""

    contest = forms.ModelChoiceField(
        label=gettext_lazy("Cuộc thi"),
        queryset=Contest.objects.order_by("-created_at"),
        required=False,
        empty_label=gettext_lazy("— Tạo cuộc thi mới (bản nháp) —"),
    )
    new_name = forms.CharField(
        label=gettext_lazy("Tên cuộc thi mới"), max_length=255, required=False
    )
    copy_from_contest = forms.ModelChoiceField(
        label=gettext_lazy("Sao chép thể lệ, ngân hàng câu hỏi và đợt mẫu từ cuộc thi"),
        queryset=Contest.objects.order_by("-created_at"),
        required=False,
        help_text=gettext_lazy(
            "Cuộc thi mới lấy các thiết lập làm bài và giải thưởng; các đợt lấy cơ cấu giải và "
            "quy tắc rút câu hỏi của đợt đầu tiên của cuộc thi này."
        ),
    )
    copy_from_round = forms.ModelChoiceField(
        label=gettext_lazy("Sao chép cơ cấu giải và quy tắc rút câu hỏi từ đợt"),
        queryset=Round.objects.filter(is_practice=False).select_related("contest"),
        required=False,
        help_text=gettext_lazy("Để trống: cơ cấu giải mặc định (1 Nhất, 2 Nhì, 3 Ba, 5 KK)."),
    )
    first_day = forms.DateField(
        label=gettext_lazy("Ngày bắt đầu đợt đầu tiên"),
        help_text=gettext_lazy("Đợt mở lúc 00:00 (giờ Việt Nam) của ngày này, thường là thứ Hai."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    count = forms.IntegerField(
        label=gettext_lazy("Số đợt thi"), min_value=1, max_value=52, initial=4
    )
    days_open = forms.IntegerField(
        label=gettext_lazy("Số ngày mở mỗi đợt"),
        min_value=1,
        max_value=28,
        initial=SEASON_DAYS_OPEN,
        help_text=gettext_lazy("4 ngày: thứ Hai 00:00 → thứ Sáu 00:00, như chỉ đạo của tỉnh."),
    )
    every_days = forms.IntegerField(
        label=gettext_lazy("Số ngày giữa hai đợt"),
        min_value=1,
        max_value=56,
        initial=SEASON_EVERY_DAYS,
    )
    banks = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Rút câu hỏi từ các ngân hàng"),
        queryset=QuestionBank.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("contest") is None:
            name = " ".join(cleaned.get("new_name", "").split())
            if not name:
                self.add_error("new_name", _("Chọn một cuộc thi hoặc nhập tên cuộc thi mới."))
                return cleaned
            slug = slugify_vi(name, max_length=70) or "cuoc-thi"
            base, n = slug, 1
            while Contest.objects.filter(slug=slug).exists():
                n += 1
                slug = f"{base}-{n}"
            cleaned["new_name"], cleaned["new_slug"] = name, slug
        if (cleaned.get("days_open") or 0) > (cleaned.get("every_days") or 0):
            self.add_error("days_open", _("Số ngày mở không được lớn hơn số ngày giữa hai đợt."))
        return cleaned
