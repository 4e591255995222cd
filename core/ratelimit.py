"""Fixed-window rate limits counted in the shared cache (Redis), so every web process sees
the same counts. Limits read like allauth's: "120/m/user,6000/m/ip" (per user and per IP
address; offices behind one NAT share an IP, hence the generous IP figures).

When the cache is unreachable the limits fail open: a contest must not lock everyone out
because Redis restarted.

Why our own (evaluated for issue 19; behaviour unchanged). allauth's limiter keeps a list of
timestamps per key, read, trimmed and written back on every hit: two commands, a lost count
when two requests of one office interleave, and a list as long as the limit (6,000 entries for
"6000/m/ip"). Measured on the 2-core machine against a local Redis, CPU per hit: this module
(one `add`, then `incr`) 122–131 µs; the same list round trip 263–377 µs. django-ratelimit
counts the same way as this module (add, then incr) but resolves the client's address from
REMOTE_ADDR or a header of its own, not allauth's trusted-proxy count, and has its own rate
syntax: adopting it would change who is limited, for 40 lines saved.

Issue 14 moved login, sign-up and SMS limits here too: allauth counted every login in progress
as a failure per IP (20 colleagues logging in at once were refused), raised an exception that
answered 500, and gave no time to retry. Every refusal here says when to try again (429 with
Retry-After, a Vietnamese page or JSON); allauth's own RateLimited is answered the same way by
RateLimitedMiddleware. Besides "user" and "ip", a limit may be per any identity its caller
names ("phone", "phone_ip", "device", "all")."""

import contextlib
import functools
import time
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.adapter import get_adapter
from allauth.core.exceptions import RateLimited
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Limit:
    count: int
    period_seconds: int
    per: str  # "user" or "ip"


def limits_parse(spec: str) -> list[Limit]:
    limits = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        count, period, per = part.split("/")
        multiplier = int(period[:-1] or 1) if len(period) > 1 else 1
        limits.append(Limit(int(count), PERIODS[period[-1]] * multiplier, per))
    return limits


class RateLimitExceeded(RateLimited):
    """A limit refused the request; `retry_after` seconds until it lets it through. A subclass
    of allauth's RateLimited, so allauth's views that catch theirs catch ours too."""

    def __init__(self, *, retry_after: int, message: str | None = None):
        super().__init__(message or "")
        self.retry_after = max(int(retry_after), 1)
        self.message = message


def _window_key(*, scope: str, identity: str, limit: Limit, now: float) -> str:
    # The count is part of the key: two limits of one scope with the same period (the SMS
    # limit per address and the lower one for password resets) are counted apart.
    window = int(now // limit.period_seconds)
    return f"rate:{scope}:{limit.per}:{identity}:{limit.count}/{limit.period_seconds}:{window}"


def retry_after_seconds(limit: Limit, *, now: float | None = None) -> int:
    """Seconds until the current window of `limit` ends (fixed windows)."""
    now = time.time() if now is None else now
    return max(int(limit.period_seconds - now % limit.period_seconds) + 1, 1)


def rate_limit_consume(*, scope: str, identity: str, limit: Limit) -> bool:
    """Count one hit of `identity` in `scope`; False once it is over the limit."""
    key = _window_key(scope=scope, identity=identity, limit=limit, now=time.time())
    if cache.add(key, 1, limit.period_seconds + 1):
        return True
    try:
        return cache.incr(key) <= limit.count
    except ValueError:  # cache unreachable, or the key expired between add and incr
        return True


def rate_limit_count(*, scope: str, identity: str, limit: Limit) -> int:
    """Hits counted so far in the current window (0 when the cache is unreachable)."""
    key = _window_key(scope=scope, identity=identity, limit=limit, now=time.time())
    return int(cache.get(key) or 0)


def rate_limit_release(*, scope: str, identity: str, limit: Limit) -> None:
    """Give back one hit counted by rate_limit_consume in the current window."""
    key = _window_key(scope=scope, identity=identity, limit=limit, now=time.time())
    with contextlib.suppress(ValueError):  # expired, or the cache is unreachable
        cache.decr(key)


def limits_consume(*, scope: str, identities: dict[str, str], spec: str | None = None) -> int:
    """Count one hit against each limit of the scope (settings.RATE_LIMITS[scope], or `spec`)
    whose `per` is in `identities`, in the spec's order. At the first limit over its count,
    the hits just counted are given back and the seconds until that limit lets a hit through
    are returned; 0 when every limit allowed it. Off with RATE_LIMITS_ENABLED=false."""
    spec = settings.RATE_LIMITS.get(scope, "") if spec is None else spec
    if not settings.RATE_LIMITS_ENABLED or not spec:
        return 0
    counted: list[tuple[str, Limit]] = []
    for limit in limits_parse(spec):
        identity = identities.get(limit.per)
        if identity is None:
            continue
        allowed = rate_limit_consume(scope=scope, identity=identity, limit=limit)
        counted.append((identity, limit))
        if not allowed:
            for counted_identity, counted_limit in counted:
                rate_limit_release(scope=scope, identity=counted_identity, limit=counted_limit)
            return retry_after_seconds(limit)
    return 0


def limits_record(*, scope: str, identities: dict[str, str], spec: str | None = None) -> None:
    """Count one event (a failed password, say) against every limit of the scope whose `per`
    is in `identities`; limits_exceeded reads the counts before the next attempt."""
    spec = settings.RATE_LIMITS.get(scope, "") if spec is None else spec
    if not settings.RATE_LIMITS_ENABLED or not spec:
        return
    for limit in limits_parse(spec):
        if limit.per in identities:
            rate_limit_consume(scope=scope, identity=identities[limit.per], limit=limit)


def limits_exceeded(*, scope: str, identities: dict[str, str], spec: str | None = None) -> int:
    """Like limits_consume, without counting: the seconds to wait when one of the limits is
    already used up (failures recorded by limits_consume after the fact), else 0."""
    spec = settings.RATE_LIMITS.get(scope, "") if spec is None else spec
    if not settings.RATE_LIMITS_ENABLED or not spec:
        return 0
    waits = [
        retry_after_seconds(limit)
        for limit in limits_parse(spec)
        if limit.per in identities
        and rate_limit_count(scope=scope, identity=identities[limit.per], limit=limit)
        >= limit.count
    ]
    return max(waits, default=0)


def wait_text(seconds: int) -> str:
    """ "45 giây", "3 phút (lúc 10:35)": how long to wait, and until when past a minute."""
    seconds = max(int(seconds), 1)
    if seconds < 60:
        return ngettext("%(n)d giây", "%(n)d giây", seconds) % {"n": seconds}
    minutes = -(-seconds // 60)
    until = timezone.localtime(timezone.now() + timedelta(seconds=seconds))
    if minutes < 120:
        text = ngettext("%(n)d phút", "%(n)d phút", minutes) % {"n": minutes}
    else:
        hours = -(-minutes // 60)
        text = ngettext("%(n)d giờ", "%(n)d giờ", hours) % {"n": hours}
    return _("%(wait)s (lúc %(time)s)") % {"wait": text, "time": until.strftime("%H:%M")}


def client_ip(request: HttpRequest) -> str:
    """The visitor's address as allauth sees it: behind the reverse proxy, from
    X-Forwarded-For with ALLAUTH_TRUSTED_PROXY_COUNT, so our limits and allauth's agree."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):  # no usable address: never a 500
        return request.META.get("REMOTE_ADDR") or "unknown"


def request_retry_after(request: HttpRequest, *, scope: str, user_id: int | None = None) -> int:
    """Count the request against the scope's limits per user and per IP address; the seconds
    to wait when one refused it, else 0. Every limit counts the hit, even after one refused,
    so that bursts are all seen. `user_id` names the account when the caller checked it
    without loading it (the autosave's pass), else the request's user. The counters are hit
    in one cache round trip when the cache can (core.cache.counters_hit)."""
    spec = settings.RATE_LIMITS.get(scope, "")
    if not settings.RATE_LIMITS_ENABLED or not spec:
        return 0
    hits: list[tuple[str, Limit]] = []
    for limit in limits_parse(spec):
        if limit.per == "user":
            if user_id is None:
                if not request.user.is_authenticated:
                    continue
                user_id = request.user.pk
            identity = str(user_id)
        elif limit.per == "ip":
            identity = client_ip(request)
        else:
            continue
        hits.append((identity, limit))
    counters_hit = getattr(cache, "counters_hit", None)
    if counters_hit is not None:
        now = time.time()
        counts = counters_hit(
            [
                (_window_key(scope=scope, identity=identity, limit=limit, now=now),
                 limit.period_seconds + 1)
                for identity, limit in hits
            ]
        )  # fmt: skip
        # None: the cache is unreachable (fail open).
        refused = [
            limit
            for count, (_identity, limit) in zip(counts, hits, strict=True)
            if count is not None and count > limit.count
        ]
    else:
        refused = [
            limit
            for identity, limit in hits
            if not rate_limit_consume(scope=scope, identity=identity, limit=limit)
        ]
    return max((retry_after_seconds(limit) for limit in refused), default=0)


def request_allowed(request: HttpRequest, *, scope: str, user_id: int | None = None) -> bool:
    return request_retry_after(request, scope=scope, user_id=user_id) == 0


def _wants_json(request: HttpRequest) -> bool:
    return request.content_type == "application/json" or "json" in request.headers.get("Accept", "")


def too_many_requests(
    request: HttpRequest,
    *,
    as_json: bool | None = None,
    retry_after: int = 10,
    message: str | None = None,
) -> HttpResponse:
    """429 with Retry-After: a Vietnamese page, or JSON {error, code, retry_after}."""
    retry_after = max(int(retry_after), 1)
    text = message or _("Bạn thao tác quá nhanh.")
    text = f"{text} " + _("Vui lòng thử lại sau %(wait)s.") % {"wait": wait_text(retry_after)}
    wants_json = _wants_json(request) if as_json is None else as_json
    if wants_json:
        response = JsonResponse(
            {"error": text, "code": "rate_limited", "retry_after": retry_after}, status=429
        )
    else:
        response = render(request, "rate_limited.html", {"message": text}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def handler429(request: HttpRequest) -> HttpResponse:
    """allauth's own limits (ROOT_URLCONF.handler429): their windows slide over a minute at
    most for the ones still configured (settings.ACCOUNT_RATE_LIMITS)."""
    return too_many_requests(request, retry_after=60)


class RateLimitedMiddleware:
    """Answers a RateLimited raised anywhere (allauth raises it from inside its flows, e.g.
    sending a phone code at sign-up: that was a 500) with the 429 of too_many_requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RateLimited):
            return None
        return too_many_requests(
            request,
            retry_after=getattr(exception, "retry_after", 60),
            message=getattr(exception, "message", None),
        )


def rate_limited(scope: str, *, methods: tuple[str, ...] = ("POST",), as_json: bool | None = None):
    """Refuse with 429 and a Vietnamese message when the scope's limits are exceeded: JSON
    {error, code} when `as_json` (a JSON endpoint), a page when False, by the request's
    Content-Type/Accept when None."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                wait = request_retry_after(request, scope=scope)
                if wait:
                    return too_many_requests(request, as_json=as_json, retry_after=wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
