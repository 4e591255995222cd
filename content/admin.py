from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .models import Announcement, ContestRules, StudyMaterial
from .sanitize import html_sanitize
from .services import announcement_publish

# What a preview may be asked to clean (an announcement is far shorter).
PREVIEW_MAX_CHARS = 200_000


class HtmlPreviewAdminMixin:
    """The body's preview under the editor: the cleaned HTML as the site will show it, saved
    or being typed (static/js/admin_html_preview.js asks the preview view as one types)."""

    class Media:
        js = ["js/admin_html_preview.js"]
        css = {"all": ["css/admin_html_preview.css"]}

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "xem-truoc/",
                self.admin_site.admin_view(self.preview_view),
                name=f"{opts.app_label}_{opts.model_name}_preview",
            ),
            *super().get_urls(),
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "body_preview"]

    def get_fields(self, request, obj=None):
        fields = [field for field in super().get_fields(request, obj) if field != "body_preview"]
        position = fields.index("body") + 1 if "body" in fields else len(fields)
        return [*fields[:position], "body_preview", *fields[position:]]

    @admin.display(description=_("Xem trước (như trên trang web)"))
    def body_preview(self, obj=None):
        opts = self.model._meta
        body = html_sanitize(obj.body) if obj is not None and obj.pk else ""
        return format_html(
            '<div class="rich-text-preview" data-preview-url="{}" aria-live="polite">{}</div>',
            reverse(f"admin:{opts.app_label}_{opts.model_name}_preview"),
            # Cleaned by the same allow-list the model applies before saving.
            mark_safe(body),
        )

    def preview_view(self, request):
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        return _preview(request)


@require_POST
def _preview(request):
    body = request.POST.get("body", "")
    if len(body) > PREVIEW_MAX_CHARS:
        return JsonResponse({"error": str(_("Nội dung quá dài để xem trước."))}, status=400)
    return JsonResponse({"html": html_sanitize(body)})


@admin.register(ContestRules)
class ContestRulesAdmin(HtmlPreviewAdminMixin, admin.ModelAdmin):
    list_display = ["contest", "updated_at"]
    fields = ["contest", "body", "attachment"]


@admin.register(StudyMaterial)
class StudyMaterialAdmin(HtmlPreviewAdminMixin, admin.ModelAdmin):
    list_display = ["title", "topic", "is_published", "sort_order", "created_at"]
    list_filter = ["is_published", "topic"]
    search_fields = ["title", "summary"]
    list_select_related = ["topic"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "title",
        "slug",
        "topic",
        "summary",
        "body",
        "attachment",
        "is_published",
        "sort_order",
    ]


@admin.register(Announcement)
class AnnouncementAdmin(HtmlPreviewAdminMixin, admin.ModelAdmin):
    list_display = ["title", "contest", "is_pinned", "is_published", "published_at"]
    list_filter = ["is_published", "is_pinned", "contest"]
    search_fields = ["title"]
    list_select_related = ["contest"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "title",
        "slug",
        "contest",
        "round",
        "body",
        "attachment",
        "is_pinned",
        "is_published",
        "published_at",
    ]
    actions = ["publish"]

    @admin.action(description=_("Đăng các thông báo đã chọn"))
    def publish(self, request, queryset):
        for announcement in queryset:
            announcement_publish(announcement=announcement)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("Đã đăng %(n)d thông báo.", "Đã đăng %(n)d thông báo.", count) % {"n": count},
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        if obj.is_published:
            announcement_publish(announcement=obj)
        else:
            super().save_model(request, obj, form, change)
