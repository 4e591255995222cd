from django.contrib import admin
from django.contrib.auth import get_user_model

from .models import AuditLogEntry


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are written by the services, never edited."""

    list_display = ["created_at", "actor", "action", "target_type", "target_id"]
    list_filter = ["action"]
    search_fields = ["action", "target_id"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "actor", "action", "target_type", "target_id", "details"]

    def get_search_results(self, request, queryset, search_term):
        """The actor by their whole login as typed (0912 345 678, +84…), never by a part of
        it: a "contains" search would spell out a masked phone number digit by digit."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            actor = get_user_model()._default_manager.get_by_natural_key(search_term.strip())
        except (get_user_model().DoesNotExist, ValueError):
            return results, may_have_duplicates
        return results | queryset.filter(actor=actor), may_have_duplicates

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
