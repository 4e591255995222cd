"""The question bank's admin (topics, questions with import, export, safe deletion and
re-scoring; attempts with their review flags). QuestionAdmin is registered by operations.admin;
the round admin's part is quizzes.round_admin."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
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
    question_bank_for_import,
    question_file_read,
    question_import,
    question_rows_import,
)
from .bank_changes import (
    BankError,
    RescoreResult,
    live_rounds_confirm,
    question_delete,
    question_edit_record,
    question_rescore,
    questions_active_set,
)
from .bank_export import question_export
from .bank_selectors import (
    question_correct_ids,
    question_is_used,
    question_rescore_preview,
    rounds_live_drawing_from,
    rounds_live_for_questions,
)
from .draw_rules import round_pool_problems
from .models import (
    Attempt,
    AttemptAnswer,
    Choice,
    Question,
    QuestionBank,
    Topic,
    question_bank_default_id,
)
from .questions import validate_choices
from .selectors import question_contents
from .services import attempts_session_unbind


class QuestionImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp câu hỏi (.xlsx hoặc .csv)"),
        help_text=_("Dùng tệp mẫu; tối đa 5 MB, 5.000 câu hỏi mỗi lần."),
    )
    bank = forms.ModelChoiceField(
        label=_("Ngân hàng câu hỏi"),
        queryset=QuestionBank.objects.order_by("name"),
        required=False,
        empty_label=_("— Ngân hàng câu hỏi chung —"),
    )
    new_bank_name = forms.CharField(
        label=_("hoặc tạo ngân hàng mới, tên"),
        max_length=200,
        required=False,
        help_text=_(
            "Ví dụ: “Ngân hàng câu hỏi năm 2027”. Ngân hàng mới chưa dùng cho cuộc thi nào."
        ),
    )
    as_inactive = forms.BooleanField(
        label=_("Nhập ở trạng thái ngừng sử dụng (chưa rút vào lượt thi nào)"),
        required=False,
        initial=True,
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


@admin.register(QuestionBank)
class QuestionBankAdmin(admin.ModelAdmin):
    """Banks and the contests that draw from them (a new contest names its banks here or in
    the season set-up)."""

    list_display = ["name", "question_count", "contest_names"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["contests"]
    fields = ["name", "slug", "description", "contests"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_count=Count("questions", filter=Q(questions__is_active=True), distinct=True),
                total_count=Count("questions", distinct=True),
            )
            .prefetch_related("contests")
        )

    @admin.display(description=_("Số câu (đang sử dụng / tổng)"))
    def question_count(self, bank: QuestionBank) -> str:
        return f"{bank.active_count} / {bank.total_count}"

    @admin.display(description=_("Dùng cho cuộc thi"))
    def contest_names(self, bank: QuestionBank) -> str:
        return "; ".join(contest.name for contest in bank.contests.all()) or "—"


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


# The fields that decide which rounds draw a question.
POOL_FIELDS = ("bank", "is_active", "is_practice", "topic", "difficulty")


class QuestionAdminForm(forms.ModelForm):
    """A question's form: a change that moves it in or out of a running round's pool (made
    active or inactive, moved to another bank, topic or difficulty) needs the confirmation
    naming the round (quizzes.bank_changes.live_rounds_confirm)."""

    confirm_live_change = forms.BooleanField(
        label=_("Tôi xác nhận thay đổi câu hỏi được rút của các đợt thi đang diễn ra"),
        required=False,
    )

    class Meta:
        model = Question
        fields = [*POOL_FIELDS, "kind", "text", "explanation", "source_reference"]

    def clean(self):
        cleaned = super().clean()
        if not set(POOL_FIELDS).intersection(self.changed_data) or self.errors:
            return cleaned
        live = {}
        if self.instance.pk is not None and self.instance.is_active:
            live |= {r.pk: r for r in rounds_live_for_questions(question_ids=[self.instance.pk])}
        if cleaned.get("is_active") and cleaned.get("bank") is not None:
            live |= {
                r.pk: r
                for r in rounds_live_drawing_from(
                    bank_ids=[cleaned["bank"].pk], is_practice=bool(cleaned.get("is_practice"))
                )
            }
        confirmed = list(live) if cleaned.get("confirm_live_change") else []
        try:
            live_rounds_confirm(rounds=list(live.values()), confirmed_round_ids=confirmed)
        except BankError as error:
            raise ValidationError(error.message) from error
        return cleaned


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

    actions = [
        "export_selected",
        "deactivate_selected",
        "activate_selected",
        "delete_unused_selected",
    ]
    list_display = [
        "short_text",
        "bank",
        "topic",
        "difficulty",
        "kind",
        "is_active",
        "is_practice",
    ]
    list_filter = ["bank", "topic", "difficulty", "kind", "is_active", "is_practice"]
    search_fields = ["text", "source_reference"]
    list_select_related = ["topic", "bank"]
    list_per_page = 50
    inlines = [ChoiceInline]
    form = QuestionAdminForm
    fields = [
        "bank",
        "topic",
        "difficulty",
        "kind",
        "text",
        "explanation",
        "source_reference",
        "is_active",
        "is_practice",
        "confirm_live_change",
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
                "<id:object_id>/deactivate/",
                self.admin_site.admin_view(self.deactivate_view),
                name="quizzes_question_deactivate",
            ),
            path(
                "<id:object_id>/rescore/",
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
        live_rounds=(),
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
            "live_rounds": list(live_rounds),
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
        bank = form.cleaned_data["bank"]
        preview = ImportPreview(
            name=upload.name,
            content=content,
            is_practice=form.cleaned_data["is_practice"],
            bank_id=bank.pk if bank else None,
            new_bank_name=form.cleaned_data["new_bank_name"],
            is_active=not form.cleaned_data["as_inactive"],
        )
        token = import_preview_keep(user_id=request.user.pk, preview=preview)
        return self._import_page(
            request,
            form=form,
            report=report,
            token=token,
            bank_check=checked,
            live_rounds=self._import_live_rounds(preview),
        )

    def _import_live_rounds(self, preview: ImportPreview) -> list:
        """The running rounds an active import would change at once (none for a new bank or
        an import as inactive)."""
        if not preview.is_active or preview.new_bank_name.strip():
            return []
        return rounds_live_drawing_from(
            bank_ids=[preview.bank_id or question_bank_default_id()],
            is_practice=preview.is_practice,
        )

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
        live = self._import_live_rounds(preview)
        confirmed = {int(v) for v in request.POST.getlist("confirm_round") if v.isdigit()}
        try:
            live_rounds_confirm(rounds=live, confirmed_round_ids=confirmed)
        except BankError as error:
            messages.error(request, error.message)
            token = import_preview_keep(user_id=request.user.pk, preview=preview)
            report = question_rows_import(
                rows=question_file_read(name=preview.name, content=preview.content), dry_run=True
            )
            return self._import_page(
                request,
                form=QuestionImportForm(),
                report=report,
                token=token,
                live_rounds=live,
                status=409,
            )
        report = question_import(
            name=preview.name,
            content=preview.content,
            is_practice=preview.is_practice,
            actor=request.user,
            bank=question_bank_for_import(
                bank_id=preview.bank_id, new_bank_name=preview.new_bank_name
            ),
            is_active=preview.is_active,
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

    def _pool_change(self, request, *, question_ids: list[int], is_active: bool, action: str):
        """The confirmation page of (de)activating questions: how many, which running rounds
        it changes at once (each confirmed by name), and which rules it leaves short. Applies
        the change on "apply"; returns None once applied."""
        if "apply" in request.POST:
            confirmed = [int(v) for v in request.POST.getlist("confirm_round") if v.isdigit()]
            try:
                count = questions_active_set(
                    question_ids=question_ids,
                    is_active=is_active,
                    actor=request.user,
                    confirmed_round_ids=confirmed,
                )
            except BankError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    (
                        gettext("Đã đưa %(n)d câu hỏi vào sử dụng.")
                        if is_active
                        else gettext("Đã ngừng sử dụng %(n)d câu hỏi.")
                    )
                    % {"n": count},
                )
                return None
        changing = Question.objects.filter(pk__in=question_ids, is_active=not is_active)
        changing_ids = list(changing.values_list("pk", flat=True))
        live = rounds_live_for_questions(question_ids=changing_ids)
        change = {"with_ids": changing_ids} if is_active else {"without_ids": changing_ids}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Đưa câu hỏi vào sử dụng")
            if is_active
            else gettext("Ngừng sử dụng câu hỏi"),
            "is_active": is_active,
            "count": len(changing_ids),
            "unchanged": len(question_ids) - len(changing_ids),
            "questions": changing.select_related("topic", "bank")[:50],
            "live_rounds": [
                {"round": round, "problems": round_pool_problems(round=round, **change)}
                for round in live
            ],
            "question_ids": question_ids,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/quizzes/question/pool_change.html", context)

    @admin.action(
        description=_("Ngừng sử dụng các câu hỏi đã chọn (không rút vào lượt thi mới)"),
        permissions=["change"],
    )
    def deactivate_selected(self, request, queryset):
        return self._pool_change(
            request,
            question_ids=list(queryset.values_list("pk", flat=True)),
            is_active=False,
            action="deactivate_selected",
        )

    @admin.action(
        description=_("Đưa các câu hỏi đã chọn vào sử dụng (rút vào lượt thi mới)"),
        permissions=["change"],
    )
    def activate_selected(self, request, queryset):
        return self._pool_change(
            request,
            question_ids=list(queryset.values_list("pk", flat=True)),
            is_active=True,
            action="activate_selected",
        )

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
        if request.method != "POST":
            return redirect("admin:quizzes_question_change", question.pk)
        page = self._pool_change(request, question_ids=[question.pk], is_active=False, action="")
        return page or redirect("admin:quizzes_question_change", question.pk)

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
