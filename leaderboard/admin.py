from django.contrib import admin

from .models import Award, RoundResult


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
