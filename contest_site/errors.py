"""The server-error handler (handler500): a Vietnamese page, or JSON {error, code} for the
JSON endpoints; 503 with Retry-After when the cause is the database being unreachable (a
restart, a failover), so the quiz's retry queue and load balancers know to try again.

Rendered without the request's context processors: it must work while the database is down."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _


def _wants_json(request) -> bool:
    return request.content_type == "application/json" or "json" in request.headers.get("Accept", "")


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
