"""The participant's own personal data: a page, a JSON download, a link to ask for deletion
(Nghị định 13/2023/NĐ-CP). Thin: the export is leaderboard.personal_data."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from participants.selectors import deletion_request_pending, participant_of

from .personal_data import participant_data_download, participant_data_export


def _participant_or_home(request):
    participant = participant_of(user=request.user)
    if participant is None:
        messages.info(request, _("Tài khoản của bạn chưa có hồ sơ người dự thi."))
    return participant


@never_cache
@login_required
@require_GET
def my_data(request):
    participant = _participant_or_home(request)
    if participant is None:
        return redirect("/")
    data = participant_data_export(participant=participant)
    context = {
        "participant": participant,
        "data": data,
        "pending": deletion_request_pending(participant=participant),
    }
    return render(request, "leaderboard/my_data.html", context)


@never_cache
@login_required
@require_GET
def my_data_download(request):
    participant = _participant_or_home(request)
    if participant is None:
        return redirect("/")
    data = participant_data_download(participant=participant, actor=request.user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="du-lieu-ca-nhan-{stamp}.json"'
    return response
