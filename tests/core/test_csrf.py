"""core.csrf masks the CSRF secret as Django does: the middleware accepts its tokens."""

from django.middleware import csrf
from django.test import RequestFactory

from core.csrf import csrf_token_masked

SECRET = "benchcsrftoken0123456789abcdefgh"


def _request():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = SECRET
    return request


def test_the_token_unmasks_to_the_secret_and_changes_every_time():
    request = _request()
    tokens = {csrf_token_masked(request) for _ in range(50)}

    assert len(tokens) == 50
    for token in tokens:
        assert len(token) == csrf.CSRF_TOKEN_LENGTH
        assert set(token) <= set(csrf.CSRF_ALLOWED_CHARS)
        assert csrf._unmask_cipher_token(token) == SECRET
    # The browser's valid cookie is not sent again on each quiz page (no Set-Cookie).
    assert "CSRF_COOKIE_NEEDS_UPDATE" not in request.META


def test_without_a_cookie_django_makes_one():
    request = RequestFactory().get("/")

    token = csrf_token_masked(request)

    assert csrf._unmask_cipher_token(token) == request.META["CSRF_COOKIE"]


def test_the_mask_maps_random_bytes_evenly(monkeypatch):
    """Bytes 0-247 name characters (byte mod 62); 248-255, which would favour the first eight,
    are dropped and more are drawn."""
    draws = iter([bytes(range(248, 256)) * 5, bytes(range(62, 62 + 40))])
    monkeypatch.setattr("core.csrf.os.urandom", lambda n: next(draws))

    token = csrf_token_masked(_request())

    assert token[: csrf.CSRF_SECRET_LENGTH] == csrf.CSRF_ALLOWED_CHARS[:32]
    assert csrf._unmask_cipher_token(token) == SECRET
