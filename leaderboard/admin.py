from django.contrib import admin

from .models import Award, ParticipationStat, RoundResult


@admin.register(RoundResult)
class RoundResultAdmin(admin.ModelAdmin):
    list_display = [
        "rank",
        "participant",
        "round",
        "score",
        "prediction",
        "prediction_error",
        "duration_ms",
        "submitted_at",
    ]
    list_filter = ["round__contest", "round"]
    search_fields = ["participant__full_name", "participant__user__phone"]
    list_select_related = ["participant", "round", "round__contest"]
    readonly_fields = [
        "round",
        "participant",
        "attempt",
        "score",
        "prediction",
        "prediction_error",
        "duration_ms",
        "submitted_at",
        "rank",
    ]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["round", "tier", "participant", "result", "needs_decision"]
    list_filter = ["round__contest", "round", "needs_decision"]
    search_fields = ["participant__full_name"]
    list_select_related = ["round", "tier", "participant", "result"]
    readonly_fields = ["round", "participant", "tier", "result", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ParticipationStat)
class ParticipationStatAdmin(admin.ModelAdmin):
    """Read-only: the figures are recomputed by the leaderboard.participation_refresh task."""

    list_display = [
        "unit",
        "round",
        "headcount_total",
        "registered_total",
        "participants_total",
        "attempts_total",
        "rate_percent",
        "refreshed_at",
    ]
    list_filter = ["contest", "round"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["unit", "round", "contest"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
