from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .qrcodes import qr_png_render, qr_svg_render
from .selectors import SIGNUP_UNIT_SESSION_KEY, contest_home_url, unit_by_code, unit_link_url
from .services import unit_link_visit_record

QR_CACHE_SECONDS = 3600


@require_GET
def unit_link(request, code: str):
    """/u/<code>/: count the visit, remember the unit for sign-up, land on the home page."""
    unit = unit_by_code(code=code)
    if unit is None:
        return render(request, "participants/unit_not_found.html", {"code": code}, status=404)
    unit_link_visit_record(unit=unit)
    if request.session.get(SIGNUP_UNIT_SESSION_KEY) != unit.code:
        request.session[SIGNUP_UNIT_SESSION_KEY] = unit.code  # written only when it changes
    return redirect("rounds:home")


def _qr_response(request, *, url: str, caption: str, fmt: str, filename: str) -> HttpResponse:
    if fmt == "png":
        response = HttpResponse(qr_png_render(url=url, caption=caption), content_type="image/png")
    elif fmt == "svg":
        response = HttpResponse(
            qr_svg_render(url=url, caption=caption), content_type="image/svg+xml"
        )
    else:
        raise Http404(_("Định dạng không hỗ trợ."))
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}.{fmt}"'
    response["Cache-Control"] = f"public, max-age={QR_CACHE_SECONDS}"
    return response


@require_GET
def contest_qr(request, fmt: str):
    caption = request.GET.get("caption", "")[:120]
    return _qr_response(
        request, url=contest_home_url(), caption=caption, fmt=fmt, filename="qr-cuoc-thi"
    )


@require_GET
def unit_qr(request, code: str, fmt: str):
    unit = unit_by_code(code=code)
    if unit is None:
        return render(request, "participants/unit_not_found.html", {"code": code}, status=404)
    return _qr_response(
        request,
        url=unit_link_url(unit=unit),
        caption=unit.name,
        fmt=fmt,
        filename=f"qr-{slugify(unit.code)}",
    )
