from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.audit import audit_log_record
from participants.admin import ParticipantAdmin
from participants.models import Participant
from quizzes.admin import RoundWithDrawRulesAdmin
from rounds.admin import DisqualificationAdmin
from rounds.models import Contest, Disqualification, Round
from rounds.services import (
    RoundStateError,
    disqualification_create,
    disqualification_delete,
    round_unpublish,
)
from rounds.tasks import round_close_now, round_rank_later

from .models import Award, Certificate, ParticipationStat, RoundResult
from .services import (
    CertificateError,
    round_prize_certificates_zip,
    round_publish_and_announce,
    round_rank_by_organiser,
)


@admin.register(RoundResult)
class RoundResultAdmin(admin.ModelAdmin):
    list_display = [
        "rank",
        "participant",
        "round",
        "score",
        "prediction",
        "prediction_error",
        "duration_ms",
        "submitted_at",
    ]
    list_filter = ["round__contest", "round"]
    search_fields = ["participant__full_name", "participant__user__phone"]
    list_select_related = ["participant", "round", "round__contest"]
    readonly_fields = [
        "round",
        "participant",
        "attempt",
        "score",
        "prediction",
        "prediction_error",
        "duration_ms",
        "submitted_at",
        "rank",
    ]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["round", "tier", "participant", "result", "needs_decision"]
    list_filter = ["round__contest", "round", "needs_decision"]
    search_fields = ["participant__full_name"]
    list_select_related = ["round", "tier", "participant", "result"]
    readonly_fields = ["round", "participant", "tier", "result", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Certificates are issued on download; organisers look them up here (read-only)."""

    list_display = ["code", "kind", "participant", "round", "issued_at"]
    list_filter = ["kind", "round__contest", "round"]
    search_fields = ["code", "participant__full_name"]
    list_select_related = ["participant", "round", "round__contest"]
    readonly_fields = ["participant", "round", "kind", "code", "issued_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ParticipationStat)
class ParticipationStatAdmin(admin.ModelAdmin):
    """Read-only: the figures are recomputed by the leaderboard.participation_refresh task."""

    list_display = [
        "unit",
        "round",
        "headcount_total",
        "registered_total",
        "participants_total",
        "attempts_total",
        "rate_percent",
        "refreshed_at",
    ]
    list_filter = ["contest", "round"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["unit", "round", "contest"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


admin.site.unregister(Round)


@admin.register(Round)
class RoundLifecycleAdmin(RoundWithDrawRulesAdmin):
    """The round admin with the organisers' lifecycle actions."""

    list_display = [*RoundWithDrawRulesAdmin.list_display, "results_count", "ties_to_decide"]
    actions = [
        *RoundWithDrawRulesAdmin.actions,
        "close_now",
        "recompute_ranking",
        "publish_results",
        "unpublish_results",
        "download_prize_certificates",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                results_total=Count("results", distinct=True),
                ties_total=Count("awards", filter=Q(awards__needs_decision=True), distinct=True),
            )
        )

    @admin.display(description=gettext_lazy("Số người được xếp hạng"))
    def results_count(self, round: Round) -> int:
        return round.results_total

    @admin.display(description=gettext_lazy("Giải đồng hạng cần quyết định"))
    def ties_to_decide(self, round: Round) -> int:
        return round.ties_total

    @admin.action(description=gettext_lazy("Đóng đợt thi ngay"), permissions=["change"])
    def close_now(self, request, queryset):
        for round in queryset:
            try:
                round_close_now(round_id=round.pk, actor=request.user)
            except RoundStateError as error:
                self.message_user(request, f"{round.name}: {error}", messages.ERROR)
                continue
            self.message_user(
                request,
                _("%(name)s: đã đóng; kết quả sẽ được xếp hạng trong vòng một phút.")
                % {"name": round.name},
                messages.SUCCESS,
            )

    @admin.action(description=gettext_lazy("Xếp hạng lại"), permissions=["change"])
    def recompute_ranking(self, request, queryset):
        for round in queryset:
            try:
                summary = round_rank_by_organiser(round_id=round.pk, actor=request.user)
            except RoundStateError as error:
                self.message_user(request, f"{round.name}: {error}", messages.ERROR)
                continue
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

    @admin.action(description=gettext_lazy("Công bố kết quả"), permissions=["change"])
    def publish_results(self, request, queryset):
        for round in queryset:
            try:
                announcement = round_publish_and_announce(round_id=round.pk, actor=request.user)
            except RoundStateError as error:
                self.message_user(request, str(error), messages.ERROR)
                continue
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

    @admin.action(
        description=gettext_lazy("Tải chứng nhận đạt giải (tệp zip)"), permissions=["view"]
    )
    def download_prize_certificates(self, request, queryset):
        try:
            content = round_prize_certificates_zip(
                round_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
            )
        except CertificateError as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="chung-nhan-dat-giai.zip"'
        return response

    @admin.action(description=gettext_lazy("Hủy công bố kết quả"), permissions=["change"])
    def unpublish_results(self, request, queryset):
        for round in queryset:
            round_unpublish(round_id=round.pk, actor=request.user)
        self.message_user(request, _("Đã hủy công bố kết quả các đợt đã chọn."))


class DisqualifyForm(forms.Form):
    contest = forms.ModelChoiceField(
        label=gettext_lazy("Cuộc thi"), queryset=Contest.objects.order_by("-created_at")
    )
    reason = forms.CharField(
        label=gettext_lazy("Lý do"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Ví dụ: nhiều tài khoản, khai man thông tin, thi hộ."),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Cần ghi rõ lý do loại khỏi cuộc thi."))
        return reason


admin.site.unregister(Participant)


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
            affected: set[int] = set()
            with transaction.atomic():
                for participant in queryset:
                    _decision, round_ids = disqualification_create(
                        contest=contest,
                        participant=participant,
                        reason=form.cleaned_data["reason"],
                        actor=request.user,
                    )
                    affected.update(round_ids)
                round_rank_later(round_ids=sorted(affected))
            self.message_user(
                request,
                _("Đã loại %(n)d người khỏi %(contest)s; %(rounds)d đợt sẽ được xếp hạng lại.")
                % {"n": queryset.count(), "contest": contest.name, "rounds": len(affected)},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/leaderboard/disqualify.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Loại khỏi cuộc thi"),
                "opts": self.model._meta,
                "form": form,
                "participants": queryset.select_related("user", "unit"),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


admin.site.unregister(Disqualification)


@admin.register(Disqualification)
class DisqualificationJudgingAdmin(DisqualificationAdmin):
    """Adding or removing a decision here also logs it and re-ranks the ranked rounds."""

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            audit_log_record(
                actor=request.user,
                action="disqualification_change",
                target=obj.participant,
                contest_id=obj.contest_id,
                reason=obj.reason,
            )
            return
        decision, round_ids = disqualification_create(
            contest=obj.contest, participant=obj.participant, reason=obj.reason, actor=request.user
        )
        obj.pk = decision.pk
        round_rank_later(round_ids=round_ids)

    def delete_queryset(self, request, queryset):
        for decision in queryset:
            self.delete_model(request, decision)

    def delete_model(self, request, obj):
        round_rank_later(
            round_ids=disqualification_delete(disqualification=obj, actor=request.user)
        )
