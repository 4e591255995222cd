"""The CSRF token of a response, masked as Django masks it, at a fraction of the cost.

Django's `get_token` masks the secret with 32 characters drawn one by one from the system's
random source (`secrets.choice`: 32 calls into os.urandom): on the quiz page, filled in from a
kept copy in well under a millisecond, that was the largest single cost after the session. This
draws the mask from one os.urandom call, and both the mask and the sum with C loops (bytes
translate, a table lookup per character pair); the masking is Django's (a Vigenère sum over
CSRF_ALLOWED_CHARS), so CsrfViewMiddleware unmasks it as its own (tests/core/test_csrf.py)."""

import os

from django.middleware import csrf

_CHARS = csrf.CSRF_ALLOWED_CHARS
_COUNT = len(_CHARS)
_LENGTH = csrf.CSRF_SECRET_LENGTH
# A random byte below 248 (4 × 62) names a character (byte mod 62), each equally likely; the
# bytes from 248 up are dropped rather than folded in, which would favour the first eight.
_KEPT = 256 - 256 % _COUNT
_BYTE_TO_CHAR = bytes(ord(_CHARS[byte % _COUNT]) for byte in range(_KEPT)) + bytes(256 - _KEPT)
_DROPPED = bytes(range(_KEPT, 256))
# Secret character + mask character → their sum, Django's masked character.
_SUM = {
    secret_char + mask_char: _CHARS[(i + j) % _COUNT]
    for i, secret_char in enumerate(_CHARS)
    for j, mask_char in enumerate(_CHARS)
}


def _mask() -> str:
    """CSRF_SECRET_LENGTH characters drawn uniformly from CSRF_ALLOWED_CHARS."""
    mask = b""
    while len(mask) < _LENGTH:  # 40 bytes leave fewer than 32 three times in a million
        mask += os.urandom(_LENGTH + 8).translate(_BYTE_TO_CHAR, _DROPPED)
    return mask[:_LENGTH].decode("ascii")


def csrf_token_masked(request) -> str:
    """What `django.middleware.csrf.get_token` returns: the request's secret, masked anew."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret or len(secret) != _LENGTH:
        return csrf.get_token(request)  # no valid cookie yet: Django creates and sets it
    # Django also flags the cookie for sending again (to renew its year-long expiry): a
    # Set-Cookie on every quiz page and reload. The browser's valid cookie is kept as it is;
    # the other pages' forms (Django's get_token) still renew it.
    mask = _mask()
    return mask + "".join(map(_SUM.__getitem__, map(str.__add__, secret, mask)))
