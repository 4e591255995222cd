"""The CSRF token of a response, masked as Django masks it, at a fraction of the cost.

Django's `get_token` masks the secret with 32 characters drawn one by one from the system's
random source (`secrets.choice`: 32 calls into os.urandom): on the quiz page, filled in from a
kept copy in well under a millisecond, that was the largest single cost after the session. This
draws the mask from one os.urandom call; the masking is Django's (a Vigenère sum over
CSRF_ALLOWED_CHARS), so CsrfViewMiddleware unmasks it as its own (tests/core/test_csrf.py)."""

import os

from django.middleware import csrf

_CHARS = csrf.CSRF_ALLOWED_CHARS
_COUNT = len(_CHARS)
_INDEX = {char: index for index, char in enumerate(_CHARS)}


def csrf_token_masked(request) -> str:
    """What `django.middleware.csrf.get_token` returns: the request's secret, masked anew."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret or len(secret) != csrf.CSRF_SECRET_LENGTH:
        return csrf.get_token(request)  # no valid cookie yet: Django creates and sets it
    # Django also flags the cookie for sending again (to renew its year-long expiry): a
    # Set-Cookie on every quiz page and reload. The browser's valid cookie is kept as it is;
    # the other pages' forms (Django's get_token) still renew it.
    noise = os.urandom(2 * csrf.CSRF_SECRET_LENGTH)
    # Two bytes per character: 65,536 mod 62 leaves a bias of 0.003 %.
    mask = [int.from_bytes(noise[i : i + 2], "big") % _COUNT for i in range(0, len(noise), 2)]
    cipher = "".join(_CHARS[(_INDEX[c] + m) % _COUNT] for c, m in zip(secret, mask, strict=True))
    return "".join(_CHARS[m] for m in mask) + cipher
