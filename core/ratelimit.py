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
syntax: adopting it would change who is limited, for 40 lines saved. The allauth limits on
login and sign-up (ACCOUNT_RATE_LIMITS) stay allauth's."""

import functools
import time
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

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


def rate_limit_consume(*, scope: str, identity: str, limit: Limit) -> bool:
    """Count one hit of `identity` in `scope`; False once it is over the limit."""
    key = _window_key(scope=scope, identity=identity, limit=limit, now=time.time())
    if cache.add(key, 1, limit.period_seconds + 1):
        return True
    try:
        return cache.incr(key) <= limit.count
    except ValueError:  # cache unreachable, or the key expired between add and incr
        return True


def client_ip(request: HttpRequest) -> str:
    """The visitor's address as allauth sees it: behind the reverse proxy, from
    X-Forwarded-For with ALLAUTH_TRUSTED_PROXY_COUNT, so our limits and allauth's agree."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):  # no usable address: never a 500
        return request.META.get("REMOTE_ADDR") or "unknown"


def _window_key(*, scope: str, identity: str, limit: Limit, now: float) -> str:
    window = int(now // limit.period_seconds)
    return f"rate:{scope}:{limit.per}:{identity}:{limit.period_seconds}:{window}"


def request_allowed(request: HttpRequest, *, scope: str, user_id: int | None = None) -> bool:
    """Count this request against every limit of `scope` (even after one refused, so bursts
    are all seen); False when one is exceeded. `user_id` names the account when the caller
    checked it without loading it (the autosave's pass); else the request's user. Every
    counter is hit in one cache round trip when the cache can (core.cache.counters_hit)."""
    spec = settings.RATE_LIMITS.get(scope, "")
    if not settings.RATE_LIMITS_ENABLED or not spec:
        return True
    hits = []
    for limit in limits_parse(spec):
        if limit.per == "user":
            if user_id is None:
                if not request.user.is_authenticated:
                    continue
                user_id = request.user.pk
            identity = str(user_id)
        else:
            identity = client_ip(request)
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
        return all(
            count is None or count <= limit.count
            for count, (_identity, limit) in zip(counts, hits, strict=True)
        )
    allowed = True
    for identity, limit in hits:
        allowed = rate_limit_consume(scope=scope, identity=identity, limit=limit) and allowed
    return allowed


def too_many_requests(request: HttpRequest, *, as_json: bool | None = None) -> HttpResponse:
    message = _("Bạn thao tác quá nhanh. Vui lòng đợi ít giây rồi thử lại.")
    wants_json = as_json
    if wants_json is None:
        wants_json = request.content_type == "application/json" or "json" in request.headers.get(
            "Accept", ""
        )
    if wants_json:
        response = JsonResponse({"error": message, "code": "rate_limited"}, status=429)
    else:
        response = render(request, "rate_limited.html", {"message": message}, status=429)
    response["Retry-After"] = "10"
    return response


def rate_limited(scope: str, *, methods: tuple[str, ...] = ("POST",), as_json: bool | None = None):
    """Refuse with 429 and a Vietnamese message when the scope's limits are exceeded: JSON
    {error, code} when `as_json` (a JSON endpoint), a page when False, by the request's
    Content-Type/Accept when None."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods and not request_allowed(request, scope=scope):
                return too_many_requests(request, as_json=as_json)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
