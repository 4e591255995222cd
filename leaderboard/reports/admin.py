"""Admin of the official documents' settings, with a preview of both documents as PDF built
from the form as it is on screen (saved or not)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..access import user_sees_personal_data
from ..models import OfficialReportSettings
from ..participation import participation_rows
from .selectors import ReportUnavailable
from .services import committee_summary_generate, unit_report_generate
from .views import report_download

PREVIEW_KINDS = ("don-vi", "tong-ket")


@admin.register(OfficialReportSettings)
class OfficialReportSettingsAdmin(admin.ModelAdmin):
    list_display = ["contest", "place_name", "committee_name", "unit_number_pattern", "updated_at"]
    list_select_related = ["contest"]
    change_form_template = "admin/leaderboard/officialreportsettings/change_form.html"
    fieldsets = [
        (None, {"fields": ["contest", "place_name"]}),
        (
            gettext_lazy("Báo cáo của đơn vị"),
            {
                "fields": [
                    "governing_body",
                    "unit_number_pattern",
                    "unit_addressee",
                    "unit_recipients",
                    "unit_signer_title",
                ]
            },
        ),
        (
            gettext_lazy("Báo cáo tổng kết của Ban Tổ chức"),
            {
                "fields": [
                    "committee_governing_body",
                    "committee_name",
                    "summary_number_pattern",
                    "summary_recipients",
                    "summary_signer_title",
                    "summary_signer_name",
                ]
            },
        ),
    ]

    def get_urls(self):
        preview = path(
            "xem-truoc/<str:kind>.pdf",
            self.admin_site.admin_view(self.preview_view),
            name="leaderboard_officialreportsettings_preview",
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request, kind: str):
        """POST of the change form (formaction): the document as PDF, with the settings on
        screen, for the contest's first top-level unit or the whole contest."""
        if request.method != "POST" or kind not in PREVIEW_KINDS:
            raise Http404
        if not self.has_view_permission(request):
            raise PermissionDenied
        stored = None
        object_id = request.POST.get("object_id", "")
        if object_id.isascii() and object_id.isdigit():
            stored = OfficialReportSettings.objects.filter(pk=request.POST["object_id"]).first()
        form = self.get_form(request, stored)(request.POST, instance=stored)
        if not form.is_valid():
            message = "; ".join(
                f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errors)}"
                for name, errors in form.errors.items()
            )
            self.message_user(
                request, _("Chưa xem trước được: %(errors)s") % {"errors": message}, messages.ERROR
            )
            return redirect(self._back(stored))
        options = form.save(commit=False)
        contest = options.contest
        full = user_sees_personal_data(user=request.user)
        try:
            if kind == "don-vi":
                rows = participation_rows(contest=contest)
                if not rows:
                    raise ReportUnavailable(_("Cuộc thi chưa có số liệu của đơn vị nào."))
                report = unit_report_generate(
                    actor=request.user,
                    contest=contest,
                    round=None,
                    unit=rows[0].unit,
                    file_format="pdf",
                    full_personal_data=full,
                    options=options,
                )
            else:
                report = committee_summary_generate(
                    actor=request.user,
                    contest=contest,
                    file_format="pdf",
                    full_personal_data=full,
                    options=options,
                )
        except ReportUnavailable as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(self._back(stored))
        return report_download(report, inline=True)

    def _back(self, stored: OfficialReportSettings | None) -> str:
        if stored is None:
            return reverse("admin:leaderboard_officialreportsettings_add")
        return reverse("admin:leaderboard_officialreportsettings_change", args=[stored.pk])
