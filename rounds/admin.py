"""The rounds' admin. Contest is registered here; Round and Disqualification are exported as
base classes and registered once, by operations.admin, which adds what other apps bring (draw
rules, results) and the actions that span apps (close now, rank, publish, re-rank)."""

from django.contrib import admin
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from participants.admin import PhoneSearchAdminMixin

from .models import Contest, PrizeTier, Round
from .selectors import round_timing_label
from .services import round_unpublish


class PrizeTierInline(admin.TabularInline):
    model = PrizeTier
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
    list_display = ["name", "slug", "is_active", "questions_per_attempt", "attempts_per_round"]
    list_filter = ["is_active"]
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


class RoundAdmin(admin.ModelAdmin):
    """Base of the round admin (registered by operations.admin)."""

    list_display = ["name", "contest", "starts_local", "ends_local", "phase_display", "timing"]
    list_filter = ["contest", "state", "is_practice"]
    search_fields = ["name", "contest__name"]
    list_select_related = ["contest"]
    readonly_fields = [
        "state",
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
        "state",
        "timing",
        "prediction_actual",
        "closed_at",
        "ranked_at",
        "published_at",
    ]
    inlines = [PrizeTierInline]

    @admin.display(description=_("Bắt đầu"), ordering="starts_at")
    def starts_local(self, round: Round) -> str:
        return formats.date_format(timezone.localtime(round.starts_at), "d/m/Y H:i")

    @admin.display(description=_("Kết thúc"), ordering="ends_at")
    def ends_local(self, round: Round) -> str:
        return formats.date_format(timezone.localtime(round.ends_at), "d/m/Y H:i")

    @admin.display(description=_("Trạng thái"), ordering="state")
    def phase_display(self, round: Round) -> str:
        return round.get_phase_display()

    @admin.display(description=_("Thời gian"))
    def timing(self, round: Round) -> str:
        if round.pk is None:
            return "—"
        return round_timing_label(round=round)

    @admin.action(description=_("Hủy công bố kết quả"), permissions=["change"])
    def unpublish_results(self, request, queryset):
        for round in queryset:
            round_unpublish(round_id=round.pk, actor=request.user)
        self.message_user(request, gettext("Đã hủy công bố kết quả các đợt đã chọn."))


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
