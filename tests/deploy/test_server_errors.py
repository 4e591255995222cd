"""handler500: Vietnamese, JSON for JSON requests, 503 + Retry-After when the database is
unreachable (what gunicorn answered during the fault run's PostgreSQL restart)."""

import json

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import path

from contest_site.errors import server_error


def _handled(request, error: Exception):
    try:
        raise error
    except Exception:
        return server_error(request)


def test_database_down_is_503_with_retry_after_in_vietnamese():
    request = RequestFactory().get("/")
    response = _handled(request, OperationalError("the database system is shutting down"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "đang khởi động lại" in response.content.decode()


def test_database_down_on_the_autosave_is_json():
    request = RequestFactory().post("/bai-thi/1/luu/", data="{}", content_type="application/json")
    response = _handled(request, OperationalError("connection refused"))
    assert response.status_code == 503
    assert json.loads(response.content)["code"] == "unavailable"


def test_other_errors_stay_500_in_vietnamese():
    response = _handled(RequestFactory().get("/"), ZeroDivisionError())
    assert response.status_code == 500 and "Retry-After" not in response
    assert "Máy chủ gặp lỗi" in response.content.decode()


def _boom(request):
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [path("boom/", _boom)]
handler500 = "contest_site.errors.server_error"


@pytest.mark.urls("tests.deploy.test_server_errors")
def test_the_handler_is_used_for_uncaught_database_errors():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 503
    assert "Vui lòng thử lại sau" in response.content.decode()


def test_the_site_urls_install_the_handler():
    from contest_site import urls

    assert urls.handler500 == "contest_site.errors.server_error"
