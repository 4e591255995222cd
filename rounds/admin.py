"""The rounds' admin. Contest is registered here; Round and Disqualification are exported as
base classes and registered once, by operations.admin, which adds what other apps bring (draw
rules, results) and the actions that span apps (close now, rank, publish, re-rank)."""

from django.contrib import admin, messages
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from participants.admin import PhoneSearchAdminMixin

from .forms import LIVE_CONFIRM_FIELD, PrizeTierFormSet, RoundAdminForm
from .models import Contest, PrizeTier, Round
from .selectors import round_timing_label
from .services import (
    ContestStateError,
    contest_make_current,
    contest_publish,
    contest_unpublish,
    round_is_live,
    round_window_warnings,
)


class PrizeTierInline(admin.TabularInline):
    model = PrizeTier
    formset = PrizeTierFormSet
    extra = 0
    fields = ["order", "name", "count", "value"]


class RoundInline(admin.TabularInline):
    model = Round
    extra = 0
    fields = ["number", "name", "starts_at", "ends_at", "state", "is_practice"]
    readonly_fields = ["state"]
    show_change_link = True


@admin.register(Contest)
class ContestAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "is_active",
        "is_current",
        "questions_per_attempt",
        "attempts_per_round",
    ]
    list_filter = ["is_active", "is_current"]
    readonly_fields = ["is_current"]
    actions = ["publish_contests", "make_current", "unpublish_contests"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoundInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "slug",
                    "organiser_name",
                    "summary",
                    "rules_document_number",
                    "rules_document_date",
                    "is_active",
                    "is_current",
                )
            },
        ),
        (
            _("Thể lệ làm bài"),
            {
                "fields": (
                    "questions_per_attempt",
                    "time_limit_seconds",
                    "attempts_per_round",
                    "counted_attempt",
                    "grace_seconds",
                    "prediction_question",
                    "show_answers_after_close",
                    "bind_attempt_to_session",
                    "minimum_age",
                )
            },
        ),
        (
            _("Giải thưởng và chỉ tiêu"),
            {
                "fields": (
                    "prize_scope",
                    "participation_target_percent",
                    "collective_min_rate_percent",
                    "collective_min_headcount",
                )
            },
        ),
    )

    @admin.action(description=_("Công bố cuộc thi (hết bản nháp)"), permissions=["change"])
    def publish_contests(self, request, queryset):
        for contest in queryset:
            contest_publish(contest_id=contest.pk, actor=request.user)
        self.message_user(
            request,
            gettext(
                "Đã công bố %(n)d cuộc thi. Chọn “Đặt làm cuộc thi hiện tại” để hiện "
                "trên trang chủ."
            )
            % {"n": queryset.count()},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Đặt làm cuộc thi hiện tại (trang chủ, báo cáo)"), permissions=["change"]
    )
    def make_current(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, gettext("Hãy chọn đúng một cuộc thi."), messages.ERROR)
            return
        try:
            contest = contest_make_current(contest_id=queryset.get().pk, actor=request.user)
        except ContestStateError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(
            request,
            gettext("Trang chủ và các trang báo cáo hiện hiển thị “%(name)s”.")
            % {"name": contest.name},
            messages.SUCCESS,
        )

    @admin.action(description=_("Chuyển về bản nháp"), permissions=["change"])
    def unpublish_contests(self, request, queryset):
        for contest in queryset:
            try:
                contest_unpublish(contest_id=contest.pk, actor=request.user)
            except ContestStateError as error:
                self.message_user(request, str(error), messages.ERROR)


class RoundAdmin(admin.ModelAdmin):
    """Base of the round admin (registered by operations.admin)."""

    form = RoundAdminForm

    list_display = ["name", "contest", "starts_local", "ends_local", "phase_display", "timing"]
    list_filter = ["contest", "state", "is_practice"]
    search_fields = ["name", "contest__name"]
    list_select_related = ["contest"]
    # The phase, not the stored state: a round whose window has begun is open whether or not
    # the worker has moved its state yet (the change page said "Sắp diễn ra" while the list
    # said "Đang diễn ra").
    readonly_fields = [
        "phase_display",
        "timing",
        "prediction_actual",
        "closed_at",
        "ranked_at",
        "published_at",
    ]
    fields = [
        "contest",
        "number",
        "name",
        "starts_at",
        "ends_at",
        "is_practice",
        "allow_revealed_questions",
        "phase_display",
        "timing",
        "prediction_actual",
        "closed_at",
        "ranked_at",
        "published_at",
    ]
    inlines = [PrizeTierInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for warning in round_window_warnings(starts_at=obj.starts_at, ends_at=obj.ends_at):
            self.message_user(request, f"{obj.name}: {warning}", messages.WARNING)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and round_is_live(round=obj):
            fields.append(LIVE_CONFIRM_FIELD)
        return fields

    @admin.display(description=_("Bắt đầu"), ordering="starts_at")
    def starts_local(self, round: Round) -> str:
        return formats.date_format(timezone.localtime(round.starts_at), "d/m/Y H:i")

    @admin.display(description=_("Kết thúc"), ordering="ends_at")
    def ends_local(self, round: Round) -> str:
        return formats.date_format(timezone.localtime(round.ends_at), "d/m/Y H:i")

    @admin.display(description=_("Trạng thái"), ordering="state")
    def phase_display(self, round: Round) -> str:
        if round.pk is None:
            return "—"
        return round.get_phase_display()

    @admin.display(description=_("Thời gian"))
    def timing(self, round: Round) -> str:
        if round.pk is None:
            return "—"
        return round_timing_label(round=round)


class DisqualificationAdmin(PhoneSearchAdminMixin, admin.ModelAdmin):
    """Base of the disqualification admin (registered by operations.admin, which saves and
    deletes through the services and re-ranks)."""

    list_display = ["participant", "contest", "reason", "decided_by", "decided_at"]
    list_filter = ["contest"]
    search_fields = ["participant__full_name", "reason"]
    phone_search_field = "participant__user__phone"
    cccd_search_field = "participant__cccd"
    list_select_related = ["participant", "contest", "decided_by"]
    autocomplete_fields = ["participant"]
    readonly_fields = ["decided_by", "decided_at"]
