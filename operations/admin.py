"""Admin registrations of the models whose admin spans apps, each registered once here, built
from the bases and mixins the apps export: Round (rounds + quizzes' draw rules + leaderboard's
results), Participant and Disqualification (a decision re-ranks rounds), Question (a re-score
re-ranks rounds). The actions that run a flow across apps live here; they call one service
each and queue re-rankings with operations.tasks.rounds_rerank_queue."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from leaderboard.admin import RoundResultsAdminMixin
from leaderboard.publication import round_open_ties
from participants.admin import ParticipantAdmin
from participants.models import Participant
from quizzes.admin import QuestionAdmin
from quizzes.bank_changes import question_rescore
from quizzes.bank_selectors import question_rescore_preview
from quizzes.models import Question
from quizzes.round_admin import DrawRuleInline, RoundDrawRulesAdminMixin
from rounds import admin as rounds_admin
from rounds.forms import DisqualifyForm
from rounds.models import Disqualification, Round
from rounds.services import (
    RoundStateError,
    disqualification_change,
    disqualification_create,
    disqualification_delete,
    participants_disqualify,
    rounds_published_ids,
)

from .forms import SeasonForm
from .pipeline import (
    published_rounds_change_confirm,
    published_rounds_change_preview,
    round_close_now,
    round_publish_and_announce,
    round_rank_by_organiser,
    round_unpublish_and_log,
)
from .preflight import preflight_failures, round_preflight
from .season import season_set_up, season_windows_preview
from .selectors import round_action_impact
from .tasks import rounds_rerank_queue, sweep_queue_at


def _next_monday():
    today = timezone.localdate()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def ranking_change_apply(*, published: list[int], apply, public_reason: str, actor) -> list[int]:
    """Apply a decision that changes rankings (`apply` returns the rounds to rank again): the
    published rounds are ranked again at once with a public correction, the others queued.
    Returns the rounds queued."""
    if published:
        round_ids = published_rounds_change_confirm(
            round_ids=published, apply=apply, reason=public_reason, actor=actor
        )
    else:
        round_ids = apply()
    rounds_rerank_queue(round_ids=round_ids)
    return round_ids


def correction_confirm_page(
    model_admin, request, *, form, participants, preview, public_reason: str, action: str = ""
) -> TemplateResponse:
    """The page that shows who a change to published results would move, and asks for the
    public correction's reason (again, with a message, when it was confirmed without one).
    `action`: the changelist action the page posts back to, else the change form's URL."""
    if "confirm" in request.POST:
        model_admin.message_user(
            request, _("Cần ghi rõ lý do đính chính công khai."), messages.ERROR
        )
    return TemplateResponse(
        request,
        "admin/operations/correction_confirm.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": _("Đính chính kết quả đã công bố"),
            "opts": model_admin.model._meta,
            "form": form,
            "participants": participants,
            "preview": preview,
            "public_reason": public_reason,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


@admin.register(Round)
class RoundAdmin(RoundResultsAdminMixin, RoundDrawRulesAdminMixin, rounds_admin.RoundAdmin):
    """The round: its window and prizes (rounds), draw rules and question statistics
    (quizzes), results and certificates (leaderboard), and the lifecycle actions."""

    inlines = [*rounds_admin.RoundAdmin.inlines, DrawRuleInline]
    list_display = [*rounds_admin.RoundAdmin.list_display, "results_count", "ties_to_decide"]
    readonly_fields = [
        *rounds_admin.RoundAdmin.readonly_fields,
        "pool_revealed",
        "question_tools",
        "preflight_link",
    ]
    fields = [*rounds_admin.RoundAdmin.fields, "pool_revealed", "question_tools", "preflight_link"]
    actions = [
        "preview_draw",
        "show_question_stats",
        "close_now",
        "recompute_ranking",
        "decide_ties",
        "publish_results",
        "publish_results_shared_ties",
        "unpublish_results",
        "download_prize_certificates",
    ]

    def get_urls(self):
        own = [
            path(
                "season/",
                self.admin_site.admin_view(self.season_view),
                name="rounds_round_season",
            ),
            path(
                "<id:object_id>/preflight/",
                self.admin_site.admin_view(self.preflight_view),
                name="rounds_round_preflight",
            ),
        ]
        return own + super().get_urls()

    @admin.display(description=_("Kiểm tra trước giờ mở đợt"))
    def preflight_link(self, round: Round) -> str:
        if round.pk is None:
            return "—"
        failing = preflight_failures(checks=round_preflight(round=round))
        return format_html(
            '<a href="{}" id="preflight-link">{}</a> {}',
            reverse("admin:rounds_round_preflight", args=[round.pk]),
            _("Kiểm tra trước giờ mở đợt"),
            ngettext("(%(n)d mục chưa đạt)", "(%(n)d mục chưa đạt)", len(failing))
            % {"n": len(failing)}
            if failing
            else _("(đã đạt)"),
        )

    def preflight_view(self, request, object_id):
        round = get_object_or_404(Round.objects.select_related("contest"), pk=object_id)
        if not self.has_view_permission(request, round):
            raise PermissionDenied
        checks = round_preflight(round=round)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Kiểm tra trước giờ mở đợt — %(round)s") % {"round": round},
            "round": round,
            "checks": checks,
            "failing": preflight_failures(checks=checks),
        }
        return TemplateResponse(request, "admin/operations/preflight.html", context)

    def season_view(self, request):
        """The season set-up: preview the windows, then create the rounds in one step."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = SeasonForm(request.POST or None, initial={"first_day": _next_monday()})
        windows = []
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if "create" in request.POST:
                try:
                    season = season_set_up(
                        contest=data["contest"],
                        new_name=data.get("new_name", ""),
                        new_slug=data.get("new_slug", ""),
                        copy_from_contest=data["copy_from_contest"],
                        copy_from_round=data["copy_from_round"],
                        first_day=data["first_day"],
                        count=data["count"],
                        days_open=data["days_open"],
                        every_days=data["every_days"],
                        bank_ids=[bank.pk for bank in data["banks"]],
                        actor=request.user,
                    )
                except RoundStateError as error:
                    form.add_error(None, str(error))
                else:
                    self.message_user(
                        request,
                        ngettext(
                            "Đã tạo %(n)d đợt thi cho “%(contest)s”.",
                            "Đã tạo %(n)d đợt thi cho “%(contest)s”.",
                            len(season.rounds),
                        )
                        % {"n": len(season.rounds), "contest": season.contest.name},
                        messages.SUCCESS,
                    )
                    url = reverse("admin:rounds_round_changelist")
                    return redirect(f"{url}?contest__id__exact={season.contest.pk}")
            windows = season_windows_preview(
                contest=data["contest"],
                first_day=data["first_day"],
                count=data["count"],
                days_open=data["days_open"],
                every_days=data["every_days"],
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Tạo các đợt thi của mùa thi"),
            "form": form,
            "windows": windows,
        }
        return TemplateResponse(request, "admin/operations/season.html", context)

    def _confirm_then_each(
        self,
        request,
        queryset,
        *,
        action: str,
        title: str,
        act,
        confirmed: bool = False,
        errors_name_the_round: bool = False,
    ):
        """A round action's "confirm, then act": the page that says what `action` will do,
        round by round and to how many people, until the organiser confirmed; then `act(round)`
        for each round chosen, a round refused (RoundStateError) reported and the rest carried
        on. Returns the page, or None once the action ran."""
        if not (confirmed or request.POST.get("confirm") == "yes"):
            rounds = queryset.select_related("contest").order_by("contest_id", "number")
            return TemplateResponse(
                request,
                "admin/operations/round_action_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": title,
                    "button": title,
                    "action": action,
                    "rounds": [
                        {"round": round, "impact": round_action_impact(round=round, action=action)}
                        for round in rounds
                    ],
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for round in queryset:
            try:
                act(round)
            except RoundStateError as error:
                message = str(error) if errors_name_the_round else f"{round.name}: {error}"
                self.message_user(request, message, messages.ERROR)
        return None

    @admin.action(description=gettext_lazy("Đóng đợt thi ngay"), permissions=["change"])
    def close_now(self, request, queryset):
        def act(round: Round) -> None:
            closed = round_close_now(round_id=round.pk, actor=request.user)
            if not closed.is_practice:
                sweep_queue_at(moment=closed.ends_at + closed.contest.grace)
            self.message_user(
                request,
                _("%(name)s: đã đóng; kết quả sẽ được xếp hạng trong vòng một phút.")
                % {"name": round.name},
                messages.SUCCESS,
            )

        return self._confirm_then_each(
            request, queryset, action="close_now", title=_("Đóng đợt thi ngay"), act=act
        )

    @admin.action(description=gettext_lazy("Xếp hạng lại"), permissions=["change"])
    def recompute_ranking(self, request, queryset):
        def act(round: Round) -> None:
            summary = round_rank_by_organiser(round_id=round.pk, actor=request.user)
            self.message_user(
                request,
                _(
                    "%(name)s: %(results)d người được xếp hạng, đáp án câu dự đoán "
                    "%(actual)d, %(awards)d giải."
                )
                % {
                    "name": round.name,
                    "results": summary.results,
                    "actual": summary.prediction_actual,
                    "awards": summary.awards,
                },
                messages.SUCCESS,
            )
            if not summary.verified:
                self.message_user(
                    request,
                    _(
                        "%(name)s: kết quả lưu không khớp với phép tính lại độc lập "
                        "(%(n)d điểm khác), chưa thể công bố: %(first)s"
                    )
                    % {
                        "name": round.name,
                        "n": len(summary.differences),
                        "first": summary.differences[0],
                    },
                    messages.ERROR,
                )
            if summary.ties_to_decide:
                self.message_user(
                    request,
                    ngettext(
                        "%(name)s: %(n)d người đồng hạng ở suất giải cuối, "
                        "cần Ban Tổ chức quyết định.",
                        "%(name)s: %(n)d người đồng hạng ở suất giải cuối, "
                        "cần Ban Tổ chức quyết định.",
                        summary.ties_to_decide,
                    )
                    % {"name": round.name, "n": summary.ties_to_decide},
                    messages.WARNING,
                )

        return self._confirm_then_each(
            request, queryset, action="recompute_ranking", title=_("Xếp hạng lại"), act=act
        )

    @admin.action(description=gettext_lazy("Công bố kết quả"), permissions=["change"])
    def publish_results(self, request, queryset, share_open_ties_reason: str = ""):
        def act(round: Round) -> None:
            announcement = round_publish_and_announce(
                round_id=round.pk,
                actor=request.user,
                share_open_ties_reason=share_open_ties_reason,
            )
            link = reverse("admin:content_announcement_change", args=[announcement.pk])
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("%(name)s: đã công bố kết quả.") % {"name": round.name},
                    link,
                    _("Sửa và đăng thông báo kết quả (bản nháp)")
                    if not announcement.is_published
                    else _("Xem thông báo kết quả"),
                ),
            )

        return self._confirm_then_each(
            request,
            queryset,
            action="publish_results",
            title=_("Công bố kết quả"),
            act=act,
            # Publishing open ties as shared prizes has its own page, with the reason, instead.
            confirmed=bool(share_open_ties_reason),
            errors_name_the_round=True,  # the publication's refusals name the round already
        )

    @admin.action(
        description=gettext_lazy("Công bố kết quả, đồng hạng chưa quyết định là đồng giải"),
        permissions=["change"],
    )
    def publish_results_shared_ties(self, request, queryset):
        reason = request.POST.get("reason", "").strip() if "apply" in request.POST else ""
        if reason:
            return self.publish_results(request, queryset, share_open_ties_reason=reason)
        if "apply" in request.POST:
            self.message_user(request, _("Cần ghi rõ lý do của quyết định."), messages.ERROR)
        return TemplateResponse(
            request,
            "admin/operations/publish_shared_ties.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Công bố kết quả, đồng hạng chưa quyết định là đồng giải"),
                "opts": self.model._meta,
                "rounds": [
                    (round, round_open_ties(round=round))
                    for round in queryset.select_related("contest")
                ],
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=gettext_lazy("Hủy công bố kết quả"), permissions=["change"])
    def unpublish_results(self, request, queryset):
        page = self._confirm_then_each(
            request,
            queryset,
            action="unpublish_results",
            title=_("Hủy công bố kết quả"),
            act=lambda round: round_unpublish_and_log(round_id=round.pk, actor=request.user),
        )
        if page is not None:
            return page
        self.message_user(request, _("Đã hủy công bố kết quả các đợt đã chọn."))
        return None


@admin.register(Participant)
class ParticipantJudgingAdmin(ParticipantAdmin):
    """The participant admin with "disqualify (with reason)", which re-ranks ranked rounds."""

    actions = ["disqualify"]

    @admin.action(
        description=gettext_lazy("Loại khỏi cuộc thi (ghi rõ lý do)"), permissions=["change"]
    )
    def disqualify(self, request, queryset):
        form = DisqualifyForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            contest = form.cleaned_data["contest"]

            def apply() -> list[int]:
                return participants_disqualify(
                    contest=contest,
                    participants=queryset,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )

            published = rounds_published_ids(contest_id=contest.pk)
            public_reason = request.POST.get("public_reason", "").strip()
            if published and not ("confirm" in request.POST and public_reason):
                # A published round changes: first show who would move and how.
                return correction_confirm_page(
                    self,
                    request,
                    form=form,
                    participants=queryset.select_related("user", "unit"),
                    preview=published_rounds_change_preview(round_ids=published, apply=apply),
                    public_reason=public_reason,
                    action="disqualify",
                )
            round_ids = ranking_change_apply(
                published=published, apply=apply, public_reason=public_reason, actor=request.user
            )
            self.message_user(
                request,
                _("Đã loại %(n)d người khỏi %(contest)s; %(rounds)d đợt sẽ được xếp hạng lại.")
                % {"n": queryset.count(), "contest": contest.name, "rounds": len(round_ids)},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/operations/disqualify.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Loại khỏi cuộc thi"),
                "opts": self.model._meta,
                "form": form,
                "participants": queryset.select_related("user", "unit"),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


class DisqualificationCorrectionForm(forms.ModelForm):
    """The decision, with the public correction's reason when a published round changes."""

    public_reason = forms.CharField(
        label=gettext_lazy("Lý do đính chính (đăng công khai)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Cần khi cuộc thi đã công bố kết quả: đăng trong thông báo đính chính trên trang "
            "kết quả. Trước khi lưu, trang xác nhận cho xem ai thay đổi thứ hạng, giải thưởng."
        ),
    )

    class Meta:
        model = Disqualification
        fields = ["contest", "participant", "reason"]

    def moves_decision(self) -> bool:
        """A new decision, or one moved to another person or contest, changes rankings; a
        corrected reason alone does not."""
        return self.instance.pk is None or bool({"contest", "participant"} & set(self.changed_data))


@admin.register(Disqualification)
class DisqualificationJudgingAdmin(rounds_admin.DisqualificationAdmin):
    """Adding, changing or lifting a decision goes through the rounds' services (which log
    it) and re-ranks the ranked rounds it touches; when published rounds change, a page first
    shows who would move (like the participant list's "disqualify"), then they are ranked
    again at once with a public correction notice."""

    form = DisqualificationCorrectionForm

    def _apply(self, request, *, published: list[int], apply, public_reason: str) -> None:
        ranking_change_apply(
            published=published, apply=apply, public_reason=public_reason, actor=request.user
        )

    @staticmethod
    def _published_round_ids(form) -> list[int]:
        """The published rounds a saved decision changes: its contest's, and those of the
        contest it is moved away from (the person is back in that ranking)."""
        previous = form.initial.get("contest") if form.instance.pk is not None else None
        contest_ids = {form.cleaned_data["contest"].pk, previous} - {None}
        return sorted(
            {
                round_id
                for contest_id in contest_ids
                for round_id in rounds_published_ids(contest_id=contest_id)
            }
        )

    def _decision_apply(self, request, decision: Disqualification, *, change: bool):
        """The service call that saves `decision` (returning the rounds to rank again), for
        the real save and for the rolled-back preview."""
        if change:
            return lambda: disqualification_change(disqualification=decision, actor=request.user)

        def apply() -> list[int]:
            created, round_ids = disqualification_create(
                contest=decision.contest,
                participant=decision.participant,
                reason=decision.reason,
                actor=request.user,
            )
            decision.pk = created.pk
            return round_ids

        return apply

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            page = self._correction_confirmation(request, object_id)
            if page is not None:
                return page
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _correction_confirmation(self, request, object_id):
        """The preview of the correction a new or moved decision makes to published rounds,
        until the organiser confirms it with a public reason; None: save as usual (the
        admin's own checks of permission and form follow)."""
        decision = self.get_object(request, unquote(object_id)) if object_id else None
        change = decision is not None
        if object_id and not change:
            return None
        allowed = (
            self.has_change_permission(request, decision)
            if change
            else self.has_add_permission(request)
        )
        form = self.get_form(request, decision, change=change)(request.POST, instance=decision)
        if not (allowed and form.is_valid() and form.moves_decision()):
            return None
        decision = form.save(commit=False)
        published = self._published_round_ids(form)
        public_reason = form.cleaned_data["public_reason"].strip()
        confirmed = "confirm" in request.POST
        if not published or (confirmed and public_reason):
            return None
        return correction_confirm_page(
            self,
            request,
            form=form,
            participants=[decision.participant],
            preview=published_rounds_change_preview(
                round_ids=published,
                apply=self._decision_apply(request, decision, change=change),
            ),
            public_reason=public_reason,
        )

    def save_model(self, request, obj, form, change):
        if not form.moves_decision():
            disqualification_change(disqualification=obj, actor=request.user)  # the reason
            return
        self._apply(
            request,
            published=self._published_round_ids(form),
            apply=self._decision_apply(request, obj, change=change),
            public_reason=form.cleaned_data.get("public_reason", ""),
        )

    def delete_queryset(self, request, queryset):
        for decision in queryset:
            self.delete_model(request, decision)

    def delete_model(self, request, obj):
        self._apply(
            request,
            published=rounds_published_ids(contest_id=obj.contest_id),
            apply=lambda: disqualification_delete(disqualification=obj, actor=request.user),
            public_reason=_(
                "Khôi phục thí sinh vào bảng xếp hạng theo quyết định của Ban Tổ chức."
            ),
        )


@admin.register(Question)
class QuestionRescoringAdmin(QuestionAdmin):
    """The question bank's admin; a re-score by a changed key re-ranks the ranked rounds."""

    def _published_rounds(self, question) -> list[int]:
        return [
            round.pk
            for round in question_rescore_preview(question_id=question.pk).rounds
            if round.state == Round.State.PUBLISHED and not round.is_practice
        ]

    def rescore_confirmed(self, request, question) -> bool:
        """A re-score that changes published results needs the public correction's reason."""
        if not self._published_rounds(question) or request.POST.get("public_reason", "").strip():
            return True
        self.message_user(request, _("Cần ghi rõ lý do đính chính công khai."), messages.ERROR)
        return False

    def rescore_extra_context(self, request, question) -> dict:
        published = self._published_rounds(question)
        if not published:
            return {}
        return {
            "correction_preview": published_rounds_change_preview(
                round_ids=published,
                apply=lambda: (
                    question_rescore(question_id=question.pk, actor=request.user).reranked_round_ids
                ),
            )
        }

    def question_rescore(self, request, question):
        published = self._published_rounds(question)
        if not published:
            result = super().question_rescore(request, question)
            rounds_rerank_queue(round_ids=result.reranked_round_ids)
            return result
        results = []

        def apply() -> list[int]:
            results.append(super(QuestionRescoringAdmin, self).question_rescore(request, question))
            return results[0].reranked_round_ids

        rest = published_rounds_change_confirm(
            round_ids=published,
            apply=apply,
            reason=request.POST.get("public_reason", ""),
            actor=request.user,
        )
        rounds_rerank_queue(round_ids=rest)
        return results[0]
