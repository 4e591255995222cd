"""What the question bank adds to the round admin (operations.admin composes it with the
rounds' base and the results): the draw rules inline, checked against the pool, a preview of
one draw, and the per-question statistics of a closed round."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.spreadsheets import export_filename, workbook_response
from rounds.forms import LIVE_CONFIRM_FIELD, live_round_confirm_message
from rounds.models import Round
from rounds.services import RoundStateError, round_edit_check, round_is_live

from .bank import question_bank_check
from .bank_export import question_stats_export
from .draw_rules import draw_rules_current_validate, draw_rules_problems
from .models import DrawRule, Question
from .question_stats import STATS_ORDERS, round_question_stats
from .selectors import round_pool_reveal
from .services import AttemptError, question_pool_draw


class DrawRuleFormSet(forms.BaseInlineFormSet):
    """Rules the pool can satisfy; a published round's rules are locked, and a running
    round's change needs the round form's confirmation that names it."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rules = [
            (
                form.cleaned_data.get("topic"),
                form.cleaned_data["difficulty"],
                form.cleaned_data["count"],
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        round = self.instance
        if getattr(round, "contest_id", None) is None:
            return  # the round form itself is invalid; its errors are shown
        problems = []
        if self.has_changed():
            try:
                round_edit_check(round=round, changed=(), prize_tiers_changed=True)
            except RoundStateError as error:
                problems.append(str(error))
            if round_is_live(round=round) and not self.data.get(LIVE_CONFIRM_FIELD):
                problems.append(live_round_confirm_message(round=round))
        problems += draw_rules_problems(round=round, rules=rules)
        if problems:
            raise ValidationError(problems)


class DrawRuleInline(admin.TabularInline):
    model = DrawRule
    formset = DrawRuleFormSet
    extra = 0
    fields = ["topic", "difficulty", "count"]


class RoundDrawRulesAdminMixin:
    """What the question bank adds to the round admin (operations.admin composes it): the draw
    rules inline (DrawRuleInline), the `question_tools` field, the actions `preview_draw` and
    `show_question_stats`, and the per-question statistics page."""

    @admin.display(description=_("Câu hỏi đã lộ đáp án"))
    def pool_revealed(self, round: Round) -> str:
        if round.pk is None:
            return "—"
        reveal = round_pool_reveal(round=round)
        if not reveal.revealed:
            return gettext("Không có câu nào trong ngân hàng của đợt đã lộ đáp án ở đợt trước.")
        if reveal.allowed:
            return gettext(
                "%(count)d câu trong ngân hàng của đợt đã lộ đáp án ở các đợt trước và VẪN "
                "được rút (đợt này cho phép)."
            ) % {"count": reveal.revealed}
        return gettext(
            "%(count)d câu trong ngân hàng của đợt đã lộ đáp án ở các đợt trước: không được "
            "rút vào đợt này."
        ) % {"count": reveal.revealed}

    @admin.display(description=_("Câu hỏi"))
    def question_tools(self, round: Round) -> str:
        if round.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:quizzes_round_question_stats", args=[round.pk]),
            gettext("Thống kê câu hỏi của đợt"),
        )

    def get_urls(self):
        own = [
            path(
                "<id:object_id>/question-stats/",
                self.admin_site.admin_view(self.question_stats_view),
                name="quizzes_round_question_stats",
            )
        ]
        return own + super().get_urls()

    @admin.action(description=_("Xem thử một lần rút câu hỏi"), permissions=["view"])
    def preview_draw(self, request, queryset):
        if queryset.count() != 1:
            messages.error(request, gettext("Hãy chọn đúng một đợt thi để xem thử."))
            return None
        round = queryset.select_related("contest").get()
        try:
            draw_rules_current_validate(round=round)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return None
        try:
            ids = question_pool_draw(round=round, count=round.contest.questions_per_attempt)
        except AttemptError as error:
            messages.error(request, error.message)
            return None
        questions = {
            q.pk: q
            for q in Question.objects.filter(pk__in=ids)
            .select_related("topic")
            .prefetch_related("choices")
        }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Xem thử một lần rút câu hỏi — %(round)s") % {"round": round},
            "round": round,
            "questions": [questions[pk] for pk in ids],
        }
        return TemplateResponse(request, "admin/quizzes/round_draw_preview.html", context)

    @admin.action(description=_("Thống kê câu hỏi của đợt thi"), permissions=["view"])
    def show_question_stats(self, request, queryset):
        if queryset.count() != 1:
            messages.error(request, gettext("Hãy chọn đúng một đợt thi."))
            return None
        return redirect("admin:quizzes_round_question_stats", queryset.get().pk)

    def question_stats_view(self, request, object_id):
        round = get_object_or_404(Round.objects.select_related("contest"), pk=object_id)
        if not self.has_view_permission(request, round):
            raise PermissionDenied
        order = request.GET.get("o", "")
        if order.lstrip("-") not in STATS_ORDERS:
            order = ""
        closed = round.phase not in (Round.State.SCHEDULED, Round.State.OPEN)
        if closed and request.GET.get("format") == "xlsx":
            return workbook_response(
                content=question_stats_export(round_id=round.pk, order=order),
                filename=export_filename(
                    "thong-ke-cau-hoi", round.contest.slug, f"dot-{round.number}"
                )
                + ".xlsx",
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Thống kê câu hỏi — %(round)s") % {"round": round},
            "round": round,
            "closed": closed,
            "order": order,
            "stats": round_question_stats(round_id=round.pk, order=order) if closed else [],
            # The bank the round draws from, checked for answer cues and near-duplicates.
            "bank_check": question_bank_check(is_practice=round.is_practice),
            "columns": [
                ("id", gettext("Mã")),
                ("topic", gettext("Chủ đề")),
                ("drawn", gettext("Số lần rút")),
                ("correct", gettext("Đúng (%)")),
                ("discrimination", gettext("Độ phân biệt")),
            ],
        }
        return TemplateResponse(request, "admin/quizzes/round_question_stats.html", context)
