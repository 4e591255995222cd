"""Request ids (header in, header out, on every log record of the request) and JSON logs."""

import json
import logging
import sys

import pytest
from django.test import Client, override_settings
from django.urls import path, reverse

from contest_site.request_logging import JsonFormatter, RequestIdFilter, request_id_current

UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


@pytest.mark.django_db
def test_a_new_id_is_given_and_returned(client):
    first = client.get(reverse("operations:healthz"))["X-Request-ID"]
    second = client.get(reverse("operations:healthz"))["X-Request-ID"]

    assert len(first) == 32
    assert first != second


@pytest.mark.django_db
def test_the_proxy_id_is_kept(client):
    response = client.get(reverse("operations:healthz"), headers={"X-Request-ID": "a1b2c3d4e5f6"})

    assert response["X-Request-ID"] == "a1b2c3d4e5f6"


@pytest.mark.django_db
@pytest.mark.parametrize("sent", ["short", "x" * 129, "abc def ghi", 'abc"\n{"level":"x"}'])
def test_a_malformed_id_is_replaced(client, sent):
    response = client.get(reverse("operations:healthz"), headers={"X-Request-ID": sent})

    assert response["X-Request-ID"] != sent
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_records_logged_during_a_request_carry_its_id(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with override_settings(CACHES=UNREACHABLE_CACHE), caplog.at_level(logging.WARNING):
        client.get(reverse("operations:healthz"), headers={"X-Request-ID": "req-0123456789"})

    warnings = [r for r in caplog.records if r.name == "core.health"]
    assert warnings
    assert {r.request_id for r in warnings} == {"req-0123456789"}
    assert request_id_current() == "-"


@pytest.mark.django_db
def test_a_4xx_logged_by_django_after_the_middleware_carries_the_id(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    client.post(reverse("operations:healthz"), headers={"X-Request-ID": "req-405-abcdef"})

    logged = [r for r in caplog.records if r.name == "django.request"]
    assert [r.request_id for r in logged] == ["req-405-abcdef"]


def test_json_lines_hold_the_id_and_the_traceback():
    try:
        raise ValueError("đáp án không hợp lệ")
    except ValueError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Lỗi %s", ("máy chủ",), sys.exc_info()
        )
    record.status_code = 500
    RequestIdFilter().filter(record)

    line = JsonFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "Lỗi máy chủ"
    assert entry["level"] == "ERROR"
    assert entry["request_id"] == "-"
    assert entry["status_code"] == 500
    assert "ValueError: đáp án không hợp lệ" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def _failing_view(request):
    raise RuntimeError("lỗi không lường trước")


urlpatterns = [path("loi/", _failing_view)]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_an_unhandled_error_is_logged_with_the_request_id_and_traceback(caplog):
    caplog.handler.addFilter(RequestIdFilter())
    client = Client(raise_request_exception=False)

    response = client.get("/loi/", headers={"X-Request-ID": "req-500-abcdef"})

    assert response.status_code == 500
    errors = [r for r in caplog.records if r.name == "django.request" and r.levelname == "ERROR"]
    assert len(errors) == 1
    assert errors[0].request_id == "req-500-abcdef"
    entry = json.loads(JsonFormatter().format(errors[0]))
    assert entry["request_id"] == "req-500-abcdef"
    assert entry["status_code"] == 500
    assert entry["path"] == "/loi/"
    assert "RuntimeError: lỗi không lường trước" in entry["exception"]
