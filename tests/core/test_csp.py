"""core.csp: the Content-Security-Policy header, built once, is django-csp's own."""

from csp.utils import build_policy
from django.test import Client
from django.urls import reverse


def test_every_page_has_django_csps_policy(db):
    client = Client()
    expected = build_policy()
    for _ in range(3):  # built the first time, reused after
        response = client.get(reverse("content:rules"))
        assert response["Content-Security-Policy"] == expected
        assert "script-src 'self'" in expected and "frame-ancestors 'none'" in expected
    missing = client.get("/khong-co-trang-nay/")
    assert missing.status_code == 404
    assert missing["Content-Security-Policy"] == expected
