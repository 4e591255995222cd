"""The question bank's admin (topics, questions with import, export, safe deletion and
re-scoring; attempts with their review flags). QuestionAdmin is registered by operations.admin;
the round admin's part is quizzes.round_admin."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.spreadsheets import export_filename, workbook_response
from participants.admin import PhoneSearchAdminMixin
from rounds.selectors import duration_precise_label

from .anomalies import attempts_from_crowded_ips, attempts_implausibly_fast
from .bank import (
    MAX_FILE_BYTES,
    ImportFileError,
    ImportPreview,
    import_bank_check,
    import_preview_keep,
    import_preview_take,
    question_file_read,
    question_import,
    question_rows_import,
)
from .bank_changes import (
    RescoreResult,
    question_delete,
    question_edit_record,
    question_rescore,
    questions_deactivate,
)
from .bank_export import question_export
from .bank_selectors import question_correct_ids, question_is_used, question_rescore_preview
from .models import Attempt, AttemptAnswer, Choice, Question, Topic
from .questions import validate_choices
from .selectors import question_contents
from .services import attempts_session_unbind


class QuestionImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp câu hỏi (.xlsx hoặc .csv)"),
        help_text=_("Dùng tệp mẫu; tối đa 5 MB, 5.000 câu hỏi mỗi lần."),
    )
    is_practice = forms.BooleanField(label=_("Nhập vào ngân hàng câu hỏi thi thử"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:  # refused before it is read into memory
            raise ValidationError(
                gettext("Tệp quá lớn (tối đa %(mb)d MB). Hãy chia nhỏ tệp.")
                % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


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
        removed = any(form.cleaned_data.get("DELETE") and form.instance.pk for form in self.forms)
        if removed and self.instance.pk and question_is_used(question_id=self.instance.pk):
            # Answers store the ids of the options chosen: removing one would corrupt them.
            raise ValidationError(
                gettext(
                    "Không thể xóa phương án của câu hỏi đã được rút vào bài thi. Hãy sửa nội "
                    "dung phương án, hoặc ngừng sử dụng câu hỏi và tạo câu hỏi mới."
                )
            )
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


class QuestionAdmin(admin.ModelAdmin):
    """The question bank's admin, registered by operations.admin (a re-score re-ranks rounds,
    which only the orchestration layer queues)."""

    actions = ["export_selected", "deactivate_selected", "delete_unused_selected"]
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

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # replaced by delete_unused_selected
        return actions

    def get_urls(self):
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="quizzes_question_import",
            ),
            path(
                "import/confirm/",
                self.admin_site.admin_view(self.import_confirm_view),
                name="quizzes_question_import_confirm",
            ),
            path(
                "import/template/",
                self.admin_site.admin_view(self.template_view),
                name="quizzes_question_import_template",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="quizzes_question_export",
            ),
            path(
                "<int:object_id>/deactivate/",
                self.admin_site.admin_view(self.deactivate_view),
                name="quizzes_question_deactivate",
            ),
            path(
                "<int:object_id>/rescore/",
                self.admin_site.admin_view(self.rescore_view),
                name="quizzes_question_rescore",
            ),
        ]
        return own + super().get_urls()

    # --- import / export ---

    def _import_page(
        self,
        request,
        *,
        form,
        report=None,
        token="",
        status=200,
        file_error="",
        row_errors=(),
        bank_check=None,
    ):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Nhập câu hỏi từ tệp"),
            "form": form,
            "report": report,
            "token": token,
            "file_error": file_error,
            "row_errors": list(row_errors),
            "bank_check": bank_check,
        }
        return TemplateResponse(
            request, "admin/quizzes/question/import.html", context, status=status
        )

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return self._import_page(request, form=QuestionImportForm())
        form = QuestionImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._import_page(request, form=form, status=400)
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            rows = question_file_read(name=upload.name, content=content)
        except ImportFileError as error:
            return self._import_page(
                request,
                form=form,
                file_error=error.message,
                row_errors=error.errors,
                status=400,
            )
        report = question_rows_import(rows=rows, dry_run=True)
        checked = import_bank_check(report=report, is_practice=form.cleaned_data["is_practice"])
        if not report.ok:
            return self._import_page(
                request, form=form, report=report, status=400, bank_check=checked
            )
        token = import_preview_keep(
            user_id=request.user.pk,
            preview=ImportPreview(
                name=upload.name, content=content, is_practice=form.cleaned_data["is_practice"]
            ),
        )
        return self._import_page(request, form=form, report=report, token=token, bank_check=checked)

    def import_confirm_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return redirect("admin:quizzes_question_import")
        preview = import_preview_take(user_id=request.user.pk, token=request.POST.get("token", ""))
        if preview is None:
            messages.error(
                request, gettext("Bản xem trước đã hết hạn hoặc đã được nhập. Hãy tải tệp lên lại.")
            )
            return redirect("admin:quizzes_question_import")
        report = question_import(
            name=preview.name,
            content=preview.content,
            is_practice=preview.is_practice,
            actor=request.user,
        )
        if not report.ok:
            return self._import_page(request, form=QuestionImportForm(), report=report, status=409)
        messages.success(
            request, gettext("Đã nhập %(n)d câu hỏi vào ngân hàng.") % {"n": report.created}
        )
        return redirect("admin:quizzes_question_changelist")

    def template_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return workbook_response(
            content=question_export(questions=Question.objects.none()),
            filename="mau-nhap-cau-hoi.xlsx",
        )

    def _export_response(self, queryset):
        return workbook_response(
            content=question_export(questions=queryset),
            filename=export_filename("cau-hoi") + ".xlsx",
        )

    def export_view(self, request):
        """The questions the changelist shows with its current filters and search."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        return self._export_response(changelist.get_queryset(request))

    @admin.action(description=_("Xuất các câu hỏi đã chọn ra tệp Excel"), permissions=["view"])
    def export_selected(self, request, queryset):
        return self._export_response(queryset)

    # --- editing safety ---

    @admin.action(
        description=_("Ngừng sử dụng các câu hỏi đã chọn (không rút vào lượt thi mới)"),
        permissions=["change"],
    )
    def deactivate_selected(self, request, queryset):
        count = questions_deactivate(
            question_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        messages.success(request, gettext("Đã ngừng sử dụng %(n)d câu hỏi.") % {"n": count})

    @admin.action(description=_("Xóa các câu hỏi đã chọn"), permissions=["delete"])
    def delete_unused_selected(self, request, queryset):
        used = queryset.filter(answers__isnull=False).distinct().count()
        if used:
            messages.error(
                request,
                gettext(
                    "Không thể xóa: %(n)d câu hỏi đã chọn đã được rút vào bài thi của người dự "
                    "thi. Hãy dùng thao tác “Ngừng sử dụng các câu hỏi đã chọn”."
                )
                % {"n": used},
            )
            return None
        return delete_selected(self, request, queryset)

    def delete_view(self, request, object_id, extra_context=None):
        question = self.get_object(request, object_id)
        if question is not None and question_is_used(question_id=question.pk):
            if not self.has_delete_permission(request, question):
                raise PermissionDenied
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("Không thể xóa câu hỏi"),
                "question": question,
            }
            return TemplateResponse(
                request, "admin/quizzes/question/in_use.html", context, status=409
            )
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        question_delete(question=obj, actor=request.user)

    def deactivate_view(self, request, object_id):
        question = get_object_or_404(Question, pk=object_id)
        if not self.has_change_permission(request, question):
            raise PermissionDenied
        if request.method == "POST":
            questions_deactivate(question_ids=[question.pk], actor=request.user)
            messages.success(
                request,
                gettext("Đã ngừng sử dụng câu hỏi; câu hỏi không còn được rút vào lượt thi mới."),
            )
        return redirect("admin:quizzes_question_change", question.pk)

    def save_related(self, request, form, formsets, change):
        previous = question_correct_ids(question_id=form.instance.pk) if change else None
        super().save_related(request, form, formsets, change)
        key_changed_in_use = question_edit_record(
            question=form.instance, previous_correct_ids=previous, actor=request.user
        )
        if key_changed_in_use:
            url = reverse("admin:quizzes_question_rescore", args=[form.instance.pk])
            messages.warning(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext(
                        "Bạn vừa đổi đáp án đúng của một câu hỏi đã được rút vào bài thi. "
                        "Các bài đã nộp vẫn được chấm theo đáp án cũ."
                    ),
                    url,
                    gettext("Chấm lại các bài thi bị ảnh hưởng và xếp hạng lại…"),
                ),
            )

    def question_rescore(self, request, question: Question) -> RescoreResult:
        """Re-mark the question's answers by its current key; returns the ranked rounds to
        re-rank (operations.admin queues them)."""
        return question_rescore(question_id=question.pk, actor=request.user)

    def rescore_view(self, request, object_id):
        question = get_object_or_404(Question, pk=object_id)
        if not self.has_change_permission(request, question):
            raise PermissionDenied
        if request.method == "POST" and self.rescore_confirmed(request, question):
            result = self.question_rescore(request, question)
            messages.success(
                request,
                gettext(
                    "Đã chấm lại %(attempts)d bài thi; %(rounds)d đợt thi đã xếp hạng được đưa "
                    "vào hàng đợi xếp hạng lại."
                )
                % {
                    "attempts": len(result.attempt_ids),
                    "rounds": len(result.reranked_round_ids),
                },
            )
            return redirect("admin:quizzes_question_change", question.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Chấm lại theo đáp án mới"),
            "question": question,
            "content": question_contents(question_ids=[question.pk])[question.pk],
            "preview": question_rescore_preview(question_id=question.pk),
            **self.rescore_extra_context(request, question),
        }
        return TemplateResponse(request, "admin/quizzes/question/rescore.html", context)

    def rescore_confirmed(self, request, question: Question) -> bool:
        """Whether the POST may re-score (a subclass may ask for more, e.g. a reason)."""
        return True

    def rescore_extra_context(self, request, question: Question) -> dict:
        """What a subclass adds to the confirmation page (e.g. who would move)."""
        return {}


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
class AttemptAdmin(PhoneSearchAdminMixin, admin.ModelAdmin):
    list_display = [
        "participant",
        "round",
        "number",
        "state",
        "score",
        "time_taken",
        "prediction",
        "started_at",
        "submitted_at",
    ]
    list_filter = ["state", AnomalyFilter, "round__contest", "round"]
    actions = ["unlock_session"]
    search_fields = ["participant__full_name", "client_ip"]
    phone_search_field = "participant__user__phone"
    cccd_search_field = "participant__cccd"
    list_select_related = ["participant", "round", "round__contest"]
    date_hierarchy = "started_at"
    inlines = [AttemptAnswerInline]
    exclude = ["duration_ms"]  # shown as time_taken, in words
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
        "time_taken",
        "prediction",
        "client_ip",
    ]

    @admin.display(description=_("thời gian làm bài"), ordering="duration_ms")
    def time_taken(self, item: Attempt) -> str:
        return duration_precise_label(milliseconds=item.duration_ms)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(
        description=_("Mở khóa phiên làm bài (cho phép tiếp tục trên thiết bị khác)"),
        permissions=["change"],
    )
    def unlock_session(self, request, queryset):
        count = attempts_session_unbind(
            attempt_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        self.message_user(
            request, gettext("Đã mở khóa %(count)d lượt thi đang làm.") % {"count": count}
        )
