from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rounds.admin import RoundAdmin
from rounds.models import Round

from .models import Attempt, AttemptAnswer, Choice, DrawRule, Question, Topic
from .questions import validate_choices
from .selectors import attempts_from_crowded_ips, attempts_implausibly_fast


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ChoiceFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        flags = [
            form.cleaned_data.get("is_correct", False)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            validate_choices(kind=self.instance.kind, correct_flags=flags)
        except ValidationError as error:
            raise ValidationError(error.messages) from error


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 4
    fields = ["sort_order", "text", "is_correct"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["short_text", "topic", "difficulty", "kind", "is_active", "is_practice"]
    list_filter = ["topic", "difficulty", "kind", "is_active", "is_practice"]
    search_fields = ["text", "source_reference"]
    list_select_related = ["topic"]
    list_per_page = 50
    inlines = [ChoiceInline]
    fields = [
        "topic",
        "difficulty",
        "kind",
        "text",
        "explanation",
        "source_reference",
        "is_active",
        "is_practice",
    ]

    @admin.display(description=_("Câu hỏi"), ordering="text")
    def short_text(self, question: Question) -> str:
        return question.text[:120]


class AttemptAnswerInline(admin.TabularInline):
    model = AttemptAnswer
    extra = 0
    can_delete = False
    fields = ["position", "question", "selected", "seq", "saved_at", "is_correct"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AnomalyFilter(admin.SimpleListFilter):
    """Flags for organisers to review; nobody is blocked automatically."""

    title = _("dấu hiệu bất thường")
    parameter_name = "bat_thuong"

    def lookups(self, request, model_admin):
        return [
            ("nhanh", _("Làm bài nhanh bất thường")),
            ("cung-ip", _("Nhiều tài khoản cùng địa chỉ IP")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "nhanh":
            return queryset.filter(pk__in=attempts_implausibly_fast().values("pk"))
        if self.value() == "cung-ip":
            return queryset.filter(pk__in=attempts_from_crowded_ips().values("pk"))
        return queryset


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = [
        "participant",
        "round",
        "number",
        "state",
        "score",
        "duration_ms",
        "prediction",
        "started_at",
        "submitted_at",
    ]
    list_filter = ["state", AnomalyFilter, "round__contest", "round"]
    search_fields = ["participant__full_name", "participant__user__phone", "client_ip"]
    list_select_related = ["participant", "round", "round__contest"]
    date_hierarchy = "started_at"
    inlines = [AttemptAnswerInline]
    readonly_fields = [
        "participant",
        "round",
        "number",
        "state",
        "started_at",
        "deadline",
        "submitted_at",
        "question_count",
        "score",
        "duration_ms",
        "prediction",
        "client_ip",
    ]

    def has_add_permission(self, request) -> bool:
        return False


class DrawRuleInline(admin.TabularInline):
    model = DrawRule
    extra = 0
    fields = ["topic", "difficulty", "count"]


admin.site.unregister(Round)


@admin.register(Round)
class RoundWithDrawRulesAdmin(RoundAdmin):
    inlines = [*RoundAdmin.inlines, DrawRuleInline]
