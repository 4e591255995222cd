from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Announcement, ContestRules, StudyMaterial
from .services import announcement_publish


@admin.register(ContestRules)
class ContestRulesAdmin(admin.ModelAdmin):
    list_display = ["contest", "updated_at"]
    fields = ["contest", "body", "attachment"]


@admin.register(StudyMaterial)
class StudyMaterialAdmin(admin.ModelAdmin):
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
class AnnouncementAdmin(admin.ModelAdmin):
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
