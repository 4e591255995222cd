import json

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse

from core.ratelimit import Limit, limits_parse, rate_limit_consume, rate_limited
from tests.core.test_cache import UNREACHABLE


def test_limits_parse_reads_allauth_style_specs():
    assert limits_parse("120/m/user, 6000/m/ip,5/5m/ip") == [
        Limit(120, 60, "user"),
        Limit(6000, 60, "ip"),
        Limit(5, 300, "ip"),
    ]


def test_consume_allows_up_to_the_limit_in_a_window():
    limit = Limit(3, 60, "ip")
    results = [rate_limit_consume(scope="t", identity="1.2.3.4", limit=limit) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert rate_limit_consume(scope="t", identity="5.6.7.8", limit=limit)  # others unaffected


@override_settings(CACHES=UNREACHABLE)
def test_limits_fail_open_when_the_cache_is_down(monkeypatch):
    monkeypatch.setattr("core.ratelimit.cache", caches.create_connection("default"))
    limit = Limit(1, 60, "ip")
    assert all(rate_limit_consume(scope="t", identity="ip", limit=limit) for _ in range(5))


@pytest.mark.django_db
@override_settings(RATE_LIMITS={"demo": "2/m/user,100/m/ip"})
def test_decorated_view_answers_429_with_a_vietnamese_json_message(participant):
    view = rate_limited("demo")(lambda request: HttpResponse("ok"))
    factory = RequestFactory()

    def post():
        request = factory.post("/", data="{}", content_type="application/json")
        request.user = participant.user
        return view(request)

    assert [post().status_code for _ in range(3)] == [200, 200, 429]
    refused = post()
    body = json.loads(refused.content)
    assert body["code"] == "rate_limited"
    assert "quá nhanh" in body["error"]
    assert refused["Retry-After"]


@pytest.mark.django_db
@override_settings(RATE_LIMITS={"admin_login": "3/m/ip"})
def test_admin_login_is_rate_limited(client):
    url = reverse("admin:login")
    codes = [
        client.post(url, {"username": "0912345678", "password": "sai"}).status_code
        for _ in range(4)
    ]
    # The admin's login page leads to the site's login (issue 14); posts to it still count.
    assert codes == [302, 302, 302, 429]
    assert "quá nhanh" in client.post(url, {"username": "x", "password": "y"}).content.decode()
