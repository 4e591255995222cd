from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditLogEntry, Participant, Unit, UnitRepresentative, User
from .phones import national_format


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["phone"]
    list_display = [
        "display_phone",
        "email",
        "is_staff",
        "is_active",
        "phone_verified",
        "date_joined",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "phone_verified", "groups"]
    search_fields = ["phone", "email", "participant__full_name"]
    fieldsets = (
        (None, {"fields": ("phone", "phone_verified", "password")}),
        (_("Thông tin"), {"fields": ("email",)}),
        (
            _("Quyền"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Thời gian"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("phone", "email", "password1", "password2")}),
    )

    @admin.display(description=_("Số điện thoại"), ordering="phone")
    def display_phone(self, user: User) -> str:
        return national_format(user.phone)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        # Organisers manage accounts but cannot grant themselves or others more rights.
        return [fs for fs in fieldsets if "is_superuser" not in fs[1]["fields"]]


class SubUnitInline(admin.TabularInline):
    model = Unit
    fk_name = "parent"
    extra = 0
    fields = ["code", "name", "kind", "headcount", "sort_order", "is_active"]
    verbose_name = _("đơn vị cấp dưới")
    verbose_name_plural = _("đơn vị cấp dưới")
    show_change_link = True


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "headcount", "is_active"]
    list_filter = ["kind", "is_active", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    inlines = [SubUnitInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["full_name", "masked_phone", "unit", "gender", "is_unranked", "created_at"]
    list_filter = ["is_unranked", "gender", ("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["full_name", "user__phone", "cccd"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]
    readonly_fields = ["profile_locked_at", "created_at"]
    date_hierarchy = "created_at"

    @admin.display(description=_("Số điện thoại"), ordering="user__phone")
    def masked_phone(self, participant: Participant) -> str:
        return participant.masked_phone


@admin.register(UnitRepresentative)
class UnitRepresentativeAdmin(admin.ModelAdmin):
    list_display = ["user", "unit"]
    search_fields = ["user__phone", "unit__name", "unit__code"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "target_type", "target_id"]
    list_filter = ["action"]
    search_fields = ["action", "target_id", "actor__phone"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "actor", "action", "target_type", "target_id", "details"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
