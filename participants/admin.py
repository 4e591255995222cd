from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import LinkRowsHiddenMixin, ReadOnlyAdminMixin
from core.collation import VietnameseOrder
from core.spreadsheets import EXPORT_FORMATS, export_filename, export_response

from .adapters import VietnamesePhoneField
from .models import (
    PERSONAL_DATA_PERMISSION,
    DataDeletionRequest,
    Participant,
    Unit,
    UnitLinkVisit,
    UnitRepresentative,
    User,
)
from .phones import mask_cccd, national_format
from .selectors import (
    account_login_changeable_by,
    account_manageable_by,
    account_password_settable_by,
    personal_search,
    units_export_rows,
)
from .services import (
    UNIT_COLUMNS,
    UnitImportError,
    account_phone_change,
    personal_data_search_record,
    personal_data_view_record,
    units_import,
)


def can_view_personal_data(request) -> bool:
    return request.user.has_perm(PERSONAL_DATA_PERMISSION)


class PersonalDataAdminMixin:
    """Full phone, CCCD and date of birth only for organisers with the explicit permission;
    every change page they open with full data is written to the audit log."""

    personal_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not can_view_personal_data(request):
            readonly += [f"{name}_masked" for name in self.personal_fields]
        return readonly

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and not can_view_personal_data(request):
            fields = [f"{f}_masked" if f in self.personal_fields else f for f in fields]
        # Django appends the read-only fields, the masked ones among them: each once, where
        # the field itself stands.
        return list(dict.fromkeys(fields))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and can_view_personal_data(request):
            obj = self.get_object(request, object_id)
            if obj is not None:
                personal_data_view_record(actor=request.user, target=obj)
        return super().change_view(request, object_id, form_url, extra_context)


class PhoneSearchAdminMixin:
    """Admin search by phone number or CCCD, in any spelling. `search_fields` name no phone
    or CCCD field: these are matched here, exactly for a whole number, by parts only for
    organisers allowed full personal data (participants.selectors.personal_search); every
    such search is audit-logged."""

    phone_search_field = "user__phone"
    cccd_search_field: str | None = None

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        full_access = can_view_personal_data(request)
        lookup = personal_search(
            term=search_term.strip(),
            phone_field=self.phone_search_field,
            cccd_field=self.cccd_search_field,
            partial_allowed=full_access,
        )
        if lookup is None:
            return results, may_have_duplicates
        found = queryset.filter(lookup.condition)
        personal_data_search_record(
            actor=request.user,
            model_label=self.model._meta.label,
            kind=lookup.kind,
            found_ids=list(found.values_list("pk", flat=True)[:50]),
            full_access=full_access,
        )
        return results | found, may_have_duplicates


class UnitImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh sách đơn vị (.xlsx hoặc .csv)"),
        help_text=_(
            "Các cột: Mã đơn vị, Tên đơn vị, Mã đơn vị cấp trên, Loại, Số người. "
            "Đơn vị đã có (cùng mã) được cập nhật. Tệp có lỗi sẽ không được nhập dòng nào."
        ),
    )


@admin.register(User)
class UserAdmin(LinkRowsHiddenMixin, PhoneSearchAdminMixin, DjangoUserAdmin):
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
    search_fields = ["email", "participant__full_name"]
    phone_search_field = "phone"
    cccd_search_field = "participant__cccd"
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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "phone":
            # Typed and shown as people write it (0912 345 678); stored as +84912345678.
            return VietnamesePhoneField(label=db_field.verbose_name.capitalize())
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_list_display(self, request):
        if can_view_personal_data(request):
            return ["phone_full", *self.list_display[1:]]
        return self.list_display

    @admin.display(description=_("Số điện thoại"), ordering="phone")
    def display_phone(self, user: User) -> str:
        return str(user)

    @admin.display(description=_("Số điện thoại"), ordering="phone")
    def phone_full(self, user: User) -> str:
        return national_format(user.phone)

    @admin.display(description=_("Số điện thoại"))
    def phone_masked(self, user: User) -> str:
        return str(user)

    @admin.display(description=_("Số điện thoại"))
    def phone_locked(self, user: User) -> str:
        return format_html(
            '{}<br><small class="quiet">{}</small>',
            national_format(user.phone),
            gettext(
                "Số điện thoại là tên đăng nhập và nơi nhận mã đặt lại mật khẩu: "
                "chỉ quản trị viên cấp cao (superuser) được đổi."
            ),
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and account_manageable_by(
            actor=request.user, account=obj
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and account_manageable_by(
            actor=request.user, account=obj
        )

    def user_change_password(self, request, id, form_url=""):
        account = self.get_object(request, unquote(id))
        if account is not None and not account_password_settable_by(
            actor=request.user, account=account
        ):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not can_view_personal_data(request):
            readonly.append("phone_masked")
        if obj is not None and not account_login_changeable_by(actor=request.user):
            # The login number is out of the form (a posted "phone" is ignored): whoever
            # changes it receives the password-reset SMS and takes the account over.
            readonly += ["phone", "phone_locked"]
        if obj is not None and not request.user.is_superuser:
            # Rights an organiser sees but never changes, on any account (issue 14.2).
            readonly += ["is_staff", "groups"]
        return readonly

    def save_model(self, request, obj, form, change):
        if change and "phone" in form.changed_data:
            account_phone_change(account=obj, phone=obj.phone, actor=request.user)
        super().save_model(request, obj, form, change)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        hidden = set()
        if not request.user.is_superuser:
            # Organisers see whether an account is staff and its groups; nothing more.
            hidden |= {"is_superuser", "user_permissions"}
        if not account_password_settable_by(actor=request.user, account=obj):
            hidden.add("password")
        if not can_view_personal_data(request):
            phone_shown = "phone_masked"
        elif not account_login_changeable_by(actor=request.user):
            phone_shown = "phone_locked"
        else:
            phone_shown = "phone"
        fieldsets = [
            (name, {**opts, "fields": [
                phone_shown if f == "phone" else f
                for f in opts["fields"] if f not in hidden
            ]})
            for name, opts in fieldsets
        ]  # fmt: skip
        return [(name, opts) for name, opts in fieldsets if opts["fields"]]


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
    list_display = ["name", "code", "kind", "parent", "headcount", "is_active", "qr_links"]
    ordering = ["sort_order", VietnameseOrder("name")]
    list_filter = ["kind", "is_active", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    inlines = [SubUnitInline]
    change_list_template = "admin/participants/unit/change_list.html"

    @admin.display(description=_("Mã QR"))
    def qr_links(self, unit: Unit) -> str:
        return format_html(
            '<a href="{}">PNG</a> · <a href="{}">SVG</a>',
            reverse("participants:unit_qr", args=[unit.code, "png"]),
            reverse("participants:unit_qr", args=[unit.code, "svg"]),
        )

    def get_urls(self):
        own = [
            path(
                "nhap/",
                self.admin_site.admin_view(self.import_view),
                name="participants_unit_import",
            ),
            path(
                "xuat.<str:fmt>",
                self.admin_site.admin_view(self.export_view),
                name="participants_unit_export",
            ),
        ]
        return own + super().get_urls()

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        errors: list[str] = []
        form = UnitImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = units_import(
                    content=upload.read(), filename=upload.name, actor=request.user
                )
            except UnitImportError as error:
                errors = error.errors
            else:
                self.message_user(
                    request,
                    gettext("Đã nhập: %(created)d đơn vị mới, %(updated)d đơn vị cập nhật.")
                    % {"created": result.created, "updated": result.updated},
                    messages.SUCCESS,
                )
                return redirect("admin:participants_unit_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Nhập danh sách đơn vị"),
            "form": form,
            "errors": errors,
        }
        return TemplateResponse(
            request, "admin/participants/unit/import.html", context, status=400 if errors else 200
        )

    def export_view(self, request, fmt: str):
        if not self.has_view_permission(request) or fmt not in EXPORT_FORMATS:
            raise PermissionDenied
        return export_response(
            export_format=fmt,
            filename=export_filename("don-vi"),
            title=gettext("Đơn vị"),
            headers=[header for _key, header in UNIT_COLUMNS],
            rows=units_export_rows(),
            widths=[18, 50, 20, 14, 12],
        )


class ParticipantAdmin(PhoneSearchAdminMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    """Base of the participant admin, registered by operations.admin (which adds the
    disqualification decided against a contest)."""

    personal_fields = ("cccd", "date_of_birth")
    list_display = ["name", "masked_phone", "unit", "gender", "is_unranked", "created_at"]
    ordering = [VietnameseOrder("full_name"), "pk"]
    list_filter = ["is_unranked", "gender", ("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["full_name"]
    cccd_search_field = "cccd"
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]
    readonly_fields = [
        "profile_locked_at",
        "privacy_consent_version",
        "privacy_consent_at",
        "anonymised_at",
        "created_at",
    ]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not account_login_changeable_by(actor=request.user):
            # Moving the profile onto another account (one whose number an organiser holds)
            # would hand that account the person's results: superusers only.
            readonly.append("user")
        return readonly

    def get_fields(self, request, obj=None):
        # The account first, as on a superuser's page, even where it is read-only.
        fields = list(super().get_fields(request, obj))
        return ["user", *(f for f in fields if f != "user")] if "user" in fields else fields

    @admin.display(description=_("họ và tên"), ordering=VietnameseOrder("full_name"))
    def name(self, participant: Participant) -> str:
        return participant.full_name

    @admin.display(description=_("Số điện thoại"), ordering="user__phone")
    def masked_phone(self, participant: Participant) -> str:
        return participant.masked_phone

    @admin.display(description=_("số CCCD"))
    def cccd_masked(self, participant: Participant) -> str:
        return mask_cccd(participant.cccd or "") or "—"

    @admin.display(description=_("ngày sinh"))
    def date_of_birth_masked(self, participant: Participant) -> str:
        return f"**/**/{participant.date_of_birth:%Y}" if participant.date_of_birth else "—"


@admin.register(DataDeletionRequest)
class DataDeletionRequestAdmin(admin.ModelAdmin):
    list_display = ["participant", "requested_at", "confirmed_at", "processed_at", "processed_by"]
    list_filter = ["processed_at", "confirmed_at"]
    list_select_related = ["participant", "processed_by"]
    readonly_fields = [
        "participant",
        "requested_at",
        "confirmed_at",
        "processed_at",
        "processed_by",
    ]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(UnitRepresentative)
class UnitRepresentativeAdmin(PhoneSearchAdminMixin, admin.ModelAdmin):
    list_display = ["user", "unit"]
    search_fields = ["user__participant__full_name", "unit__name", "unit__code"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]


@admin.register(UnitLinkVisit)
class UnitLinkVisitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["day", "unit", "count"]
    list_filter = [("unit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["unit"]
    date_hierarchy = "day"


# allauth's own admin for authenticators names its columns from the field names, in English.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Staff members' two-factor methods. Deleting a member's authenticators is the recovery
    path for a lost phone (the member sets 2FA up again at the next login): superusers only."""

    list_display = ["owner", "kind", "added_at", "last_used"]
    list_filter = [("type", admin.ChoicesFieldListFilter)]
    list_select_related = ["user"]
    fields = ["owner", "kind", "added_at", "last_used"]
    readonly_fields = fields

    @admin.display(description=_("tài khoản"), ordering="user")
    def owner(self, authenticator: Authenticator):
        return authenticator.user

    @admin.display(description=_("loại"), ordering="type")
    def kind(self, authenticator: Authenticator) -> str:
        return authenticator.get_type_display()

    @admin.display(description=_("thêm lúc"), ordering="created_at")
    def added_at(self, authenticator: Authenticator):
        return authenticator.created_at

    @admin.display(description=_("dùng lần cuối"), ordering="last_used_at")
    def last_used(self, authenticator: Authenticator):
        return authenticator.last_used_at

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
