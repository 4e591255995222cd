"""The results' admin: stored rankings, awards, certificates and statistics (read-only), and
RoundResultsAdminMixin, what results add to the round admin (operations.admin composes it)."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import ReadOnlyAdminMixin, RecordAdminMixin
from core.spreadsheets import export_filename
from participants.admin import PhoneSearchAdminMixin, can_view_personal_data
from participants.phones import national_format
from participants.services import personal_data_list_record
from rounds.models import Round
from rounds.selectors import duration_precise_label

from .certificates import CertificateError, round_prize_certificates_zip
from .models import (
    Award,
    Certificate,
    ParticipationStat,
    PublicationEvent,
    RoundResult,
    TieDecision,
)
from .publication import TieDecisionError, round_open_ties, tie_decision_record
from .reports.admin import OfficialReportSettingsAdmin  # noqa: F401 (registers itself)


@admin.register(RoundResult)
class RoundResultAdmin(PhoneSearchAdminMixin, admin.ModelAdmin):
    list_display = [
        "rank",
        "participant",
        "round",
        "score",
        "prediction",
        "prediction_error",
        "time_taken",
        "submitted_at",
    ]
    list_filter = ["round__contest", "round"]
    search_fields = ["participant__full_name"]
    phone_search_field = "participant__user__phone"
    cccd_search_field = "participant__cccd"
    list_select_related = ["participant", "round", "round__contest"]
    exclude = ["duration_ms"]  # shown as time_taken, in words
    readonly_fields = [
        "round",
        "participant",
        "attempt",
        "score",
        "prediction",
        "prediction_error",
        "time_taken",
        "submitted_at",
        "rank",
    ]

    @admin.display(description=gettext_lazy("thời gian làm bài"), ordering="duration_ms")
    def time_taken(self, item: RoundResult) -> str:
        return duration_precise_label(milliseconds=item.duration_ms)

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Award)
class AwardAdmin(RecordAdminMixin, PhoneSearchAdminMixin, admin.ModelAdmin):
    list_display = [
        "round",
        "tier",
        "participant",
        "contact_masked",
        "result",
        "needs_decision",
        "shared",
    ]
    list_filter = ["round__contest", "round", "needs_decision", "shared"]
    search_fields = ["participant__full_name"]
    phone_search_field = "participant__user__phone"
    cccd_search_field = "participant__cccd"
    list_select_related = ["round", "tier", "participant__user", "result"]
    readonly_fields = [
        "round",
        "participant",
        "tier",
        "result",
        "needs_decision",
        "shared",
        "awarded_at",
    ]

    @admin.display(description=gettext_lazy("thời điểm trao"))
    def awarded_at(self, award: Award):
        return award.created_at

    # Awards are given by the ranking; a tie is decided by a recorded decision (the round
    # list's "Quyết định giải đồng hạng"), which re-ranking applies again: an edited or deleted
    # award would be recreated by the next re-ranking.
    def get_list_display(self, request):
        if can_view_personal_data(request):
            return [
                "contact_full" if name == "contact_masked" else name for name in self.list_display
            ]
        return self.list_display

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        full = can_view_personal_data(request)
        if full and changelist is not None and changelist.result_list:
            # The winners' full contact details were on screen: logged.
            personal_data_list_record(
                actor=request.user,
                model_label=self.model._meta.label,
                ids=[award.participant_id for award in changelist.result_list],
            )
        return response

    @admin.display(description=gettext_lazy("Liên hệ"))
    def contact_masked(self, award: Award) -> str:
        return str(award.participant.user)

    @admin.display(description=gettext_lazy("Liên hệ"))
    def contact_full(self, award: Award) -> str:
        user = award.participant.user
        return " · ".join(filter(None, [national_format(user.phone), user.email]))


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Certificates are issued on download; organisers look them up here (read-only)."""

    list_display = ["code", "kind", "participant", "round", "issued_at"]
    list_filter = ["kind", "round__contest", "round"]
    search_fields = ["code", "participant__full_name"]
    list_select_related = ["participant", "round", "round__contest"]
    readonly_fields = ["participant", "round", "kind", "code", "issued_at"]


@admin.register(ParticipationStat)
class ParticipationStatAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the figures are recomputed by the operations.participation_refresh task."""

    list_display = [
        "unit",
        "round",
        "headcount_total",
        "registered_total",
        "participants_total",
        "attempts_total",
        "rate",
        "refreshed_at",
    ]
    list_filter = ["contest", "round"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["unit", "round", "contest"]

    @admin.display(description=gettext_lazy("tỷ lệ tham gia"))
    def rate(self, stat: ParticipationStat) -> str:
        return "—" if stat.rate_percent is None else f"{stat.rate_percent:.1f} %".replace(".", ",")


@admin.register(TieDecision)
class TieDecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Decisions are recorded from the round list ("Quyết định giải đồng hạng"); read here."""

    list_display = ["round", "tier", "outcome", "status", "reason", "decided_by", "decided_at"]
    list_filter = ["status", "outcome", "round__contest", "round"]
    list_select_related = ["round", "tier", "decided_by"]
    readonly_fields = [
        "round",
        "tier",
        "group",
        "places",
        "outcome",
        "winners",
        "reason",
        "status",
        "reopened_note",
        "decided_by",
        "decided_at",
    ]


@admin.register(PublicationEvent)
class PublicationEventAdmin(RecordAdminMixin, admin.ModelAdmin):
    list_display = ["round", "kind", "at", "reason", "digest", "actor"]
    list_filter = ["kind", "round__contest", "round"]
    list_select_related = ["round", "actor"]
    readonly_fields = ["round", "kind", "at", "reason", "changes", "digest", "actor"]


class RoundResultsAdminMixin:
    """Columns `results_count` and `ties_to_decide` (annotated in one query) and the actions
    `download_prize_certificates` and `decide_ties`."""

    @admin.action(
        description=gettext_lazy("Quyết định giải đồng hạng (ghi rõ lý do)"),
        permissions=["change"],
    )
    def decide_ties(self, request, queryset):
        round = queryset.select_related("contest").first()
        if round is None:
            return None
        if "apply" in request.POST:
            try:
                tie_decision_record(
                    round=round,
                    tier_id=int(request.POST.get("tier", "0") or 0),
                    outcome=request.POST.get("outcome", ""),
                    winner_ids=[int(v) for v in request.POST.getlist("winners") if v.isdigit()],
                    reason=request.POST.get("reason", ""),
                    actor=request.user,
                )
            except TieDecisionError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(name)s: đã ghi quyết định và trao lại giải.") % {"name": round.name},
                    messages.SUCCESS,
                )
        ties = round_open_ties(round=round)
        if not ties and "apply" in request.POST:
            return None
        return TemplateResponse(
            request,
            "admin/leaderboard/decide_ties.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Quyết định giải đồng hạng — %(name)s") % {"name": round.name},
                "opts": self.model._meta,
                "round": round,
                "ties": ties,
                "decisions": TieDecision.objects.filter(round=round).select_related(
                    "tier", "decided_by"
                ),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

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
        rounds = list(queryset.select_related("contest").order_by("number"))
        name = export_filename(
            "chung-nhan-dat-giai",
            rounds[0].contest.slug,
            f"dot-{rounds[0].number}" if len(rounds) == 1 else "",
        )
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
        return response
