from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from .audit import audit_action_label, audit_details_lines, audit_target_label
from .models import AuditLogEntry


class ReadOnlyAdminMixin:
    """Rows the application writes (results, statistics, logs): organisers read them in the
    admin, never add or change them there."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RecordAdminMixin(ReadOnlyAdminMixin):
    """A record of what happened (an audit log, a publication): not deleted from the admin
    either."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LinkRowsHiddenMixin:
    """The delete confirmation lists what goes with an object; the rows of Django's own
    many-to-many link tables ("User_groups object (1)") mean nothing to an organiser."""

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        hidden = {
            str(field.remote_field.through._meta.verbose_name): field.remote_field.through
            for model in {type(obj) for obj in objs}
            for field in model._meta.many_to_many
            if field.remote_field.through._meta.auto_created
        }

        def keep(items):
            kept = []
            for item in items:
                if isinstance(item, list):
                    kept.append(keep(item))
                elif not any(str(item).startswith(f"{label.capitalize()}:") for label in hidden):
                    kept.append(item)
            return kept

        model_count = {
            name: count
            for name, count in model_count.items()
            if not any(
                str(name) == str(through._meta.verbose_name_plural) for through in hidden.values()
            )
        }
        return keep(to_delete), model_count, perms_needed, protected


class AuditActionFilter(admin.SimpleListFilter):
    """The actions found in the log, by their Vietnamese names."""

    title = _("hành động")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes = AuditLogEntry.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((code, audit_action_label(code)) for code in codes), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(RecordAdminMixin, admin.ModelAdmin):
    """Read-only: entries are written by the services, never edited. Actions, objects and
    details are shown in Vietnamese (the codes stay in the database)."""

    list_display = ["created_at", "actor", "action_label", "target_label", "target_id"]
    list_filter = [AuditActionFilter]
    search_fields = ["action", "target_id"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
    fields = ["created_at", "actor", "action_label", "target_label", "target_id", "details_list"]
    readonly_fields = fields

    @admin.display(description=_("hành động"), ordering="action")
    def action_label(self, entry: AuditLogEntry) -> str:
        return audit_action_label(entry.action)

    @admin.display(description=_("loại đối tượng"), ordering="target_type")
    def target_label(self, entry: AuditLogEntry) -> str:
        return audit_target_label(entry.target_type)

    @admin.display(description=_("chi tiết"))
    def details_list(self, entry: AuditLogEntry) -> str:
        lines = audit_details_lines(entry.details)
        if not lines:
            return "—"
        return format_html_join("", "<div><strong>{}:</strong> {}</div>", lines)

    def get_search_results(self, request, queryset, search_term):
        """The actor by their whole login as typed (0912 345 678, +84…), never by a part of
        it: a "contains" search would spell out a masked phone number digit by digit."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            actor = get_user_model()._default_manager.get_by_natural_key(search_term.strip())
        except (get_user_model().DoesNotExist, ValueError):
            return results, may_have_duplicates
        return results | queryset.filter(actor=actor), may_have_duplicates
