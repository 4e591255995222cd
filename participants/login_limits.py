"""Password guesses at login. Limited per (number, address), so that strangers elsewhere
cannot lock a person out and 200 colleagues behind one office address all get in; slowed down,
never locked, per number across addresses (one try per LOGIN_SLOW_DOWN_SECONDS from unknown
devices once many failed); and a device where the person logged in before (a signed cookie
set at each successful login) has limits of its own, untouched by anyone else's failures.
Staff accounts also have a limit per account over every address (the admin's login).

Only failures are counted, after the fact: allauth counted every login in progress as a failure
until it succeeded, so simultaneous correct logins from one address were refused."""

import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

from core.ratelimit import (
    Limit,
    client_ip,
    limits_exceeded,
    limits_record,
    retry_after_seconds,
)

from .phones import normalize_phone

KNOWN_DEVICE_COOKIE = "thiet_bi_quen"
KNOWN_DEVICE_SALT = "participants.known-device"
KNOWN_DEVICE_MAX_AGE = 400 * 24 * 3600  # browsers keep a cookie at most 400 days
KNOWN_DEVICE_ACCOUNTS = 5  # a family's shared phone


def _phone_key(phone: str) -> str:
    try:
        return normalize_phone(phone)
    except ValidationError:
        return phone[:40]


def _phone_tag(phone: str) -> str:
    """The number as the cookie keeps it: a keyed hash, not the number itself."""
    return salted_hmac(KNOWN_DEVICE_SALT, _phone_key(phone)).hexdigest()[:20]


def _device(request: HttpRequest) -> tuple[str, list[str]]:
    """(device id, tags of the numbers that logged in here); a new id when there is none."""
    try:
        value = request.get_signed_cookie(
            KNOWN_DEVICE_COOKIE, salt=KNOWN_DEVICE_SALT, max_age=KNOWN_DEVICE_MAX_AGE
        )
        device_id, _, tags = value.partition("|")
        if device_id:
            return device_id, [tag for tag in tags.split(",") if tag]
    except (KeyError, signing.BadSignature):
        pass
    return secrets.token_urlsafe(12), []


def device_known_for(request: HttpRequest, *, phone: str) -> str | None:
    """The device id when `phone` logged in successfully on this device before."""
    device_id, tags = _device(request)
    return device_id if _phone_tag(phone) in tags else None


def known_device_remember(request: HttpRequest, response: HttpResponse, *, phone: str) -> None:
    """After a successful login: this device now knows the number."""
    device_id, tags = _device(request)
    tag = _phone_tag(phone)
    tags = [tag, *[other for other in tags if other != tag]][:KNOWN_DEVICE_ACCOUNTS]
    response.set_signed_cookie(
        KNOWN_DEVICE_COOKIE,
        f"{device_id}|{','.join(tags)}",
        salt=KNOWN_DEVICE_SALT,
        max_age=KNOWN_DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _identities(request: HttpRequest, *, phone: str) -> tuple[str, dict[str, str]]:
    """The scope and identities a login attempt is counted under."""
    phone = _phone_key(phone)
    device_id = device_known_for(request, phone=phone)
    if device_id:
        return "login_failed_known_device", {"device": f"{device_id}:{phone}"}
    address = client_ip(request)
    return "login_failed", {"phone_ip": f"{phone}|{address}", "ip": address}


def _is_staff(phone: str) -> bool:
    from .models import User

    return User.objects.filter(phone=phone, is_staff=True).exists()


def login_guess_wait(request: HttpRequest, *, phone: str) -> int:
    """Seconds this attempt must wait before its password is checked; 0 to check it now."""
    scope, identities = _identities(request, phone=phone)
    wait = limits_exceeded(scope=scope, identities=identities)
    if wait or scope == "login_failed_known_device":
        return wait
    phone = _phone_key(phone)
    if _is_staff(phone):
        # The admin's limit per account, over every address: an organiser's own device
        # (known) is not held by it.
        wait = limits_exceeded(scope="login_failed_staff", identities={"phone": phone})
        if wait:
            return wait
    if limits_exceeded(scope="login_failed_number", identities={"phone": phone}):
        # Many failures for this number from everywhere: slow down, do not lock out.
        slow = settings.LOGIN_SLOW_DOWN_SECONDS
        window = int(time.time() // slow)
        if not cache.add(f"login-slow:{phone}:{window}", 1, slow + 1):
            return retry_after_seconds(Limit(1, slow, "phone"))
    return 0


def login_failure_record(request: HttpRequest, *, phone: str) -> None:
    scope, identities = _identities(request, phone=phone)
    limits_record(scope=scope, identities=identities)
    if scope == "login_failed":
        phone = _phone_key(phone)
        limits_record(scope="login_failed_number", identities={"phone": phone})
        if _is_staff(phone):
            limits_record(scope="login_failed_staff", identities={"phone": phone})
