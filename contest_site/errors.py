"""The server-error handler (handler500): a Vietnamese page, or JSON {error, code} for the
JSON endpoints; 503 with Retry-After when the cause is the database being unreachable (a
restart, a failover), so the quiz's retry queue and load balancers know to try again.
Rendered without the request's context processors: it must work while the database is down.

The CSRF failure view (CSRF_FAILURE_VIEW): a Vietnamese 403 page, or for the JSON endpoints
{error, code: "csrf_failed", csrfToken}: the token the page should have sent, so the quiz's
autosave retries by itself after the person logged out and in again in another tab (which
rotates the token). Only the site's own pages can read a JSON response (same-origin policy),
so handing the token back gives an attacker nothing a form page does not."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def _wants_json(request) -> bool:
    return (
        request.content_type == "application/json"
        or "json" in request.headers.get("Accept", "")
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def csrf_failure(request, reason: str = "") -> HttpResponse:
    message = _(
        "Phiên làm việc của trang đã thay đổi (bạn vừa đăng nhập lại hoặc mở trang ở thẻ khác). "
        "Hãy tải lại trang rồi thao tác lại; các câu trả lời đã lưu không bị mất."
    )
    if _wants_json(request):
        return JsonResponse(
            {"error": message, "code": "csrf_failed", "csrfToken": get_token(request)},
            status=403,
        )
    # Back to the page the form was on (the quiz: a reload gives it a fresh token), when it is ours.
    referer = request.headers.get("Referer", "")
    safe = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    back = referer if safe else "/"
    return render(request, "403_csrf.html", {"message": message, "back": back}, status=403)


def server_error(request) -> HttpResponse:
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        status, code = 503, "unavailable"
        message = _("Hệ thống đang bận hoặc đang khởi động lại. Vui lòng thử lại sau ít giây.")
    else:
        status, code = 500, "server_error"
        message = _("Máy chủ gặp lỗi. Ban Tổ chức đã được thông báo; vui lòng thử lại sau.")
    if _wants_json(request):
        response = JsonResponse({"error": message, "code": code}, status=status)
    else:
        html = loader.get_template("500.html").render({"message": message, "status": status})
        response = HttpResponse(html, status=status)
    if status == 503:
        response["Retry-After"] = "5"
    return response
