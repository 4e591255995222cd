"""Admission to a saturated path (the 00h "Vào thi"): a queue in Redis that hands out start
slots in order of arrival at the rate the deployment can serve, and a bound on the starts a
process runs at once. Whoever cannot be served now gets a slot and waits on a light page that
refreshes itself; nobody gets an error or a timeout, and the order of arrival is kept.

The slot is a moment: the k-th person beyond capacity may start k / rate seconds from now.
It travels in a signed token (no session write, no database row), bound to the account and
the path, and is shown as a position and an estimate. Abandoned places simply pass.
"""

import math
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache

# A wait shorter than this is not worth a page: the request is served at once.
ADMIT_EARLY_SECONDS = 0.25
TOKEN_MAX_AGE_SECONDS = 3600

_salt = "core.admission"
_limits: dict[str, threading.BoundedSemaphore] = {}
_limits_lock = threading.Lock()


@dataclass(frozen=True)
class Place:
    slot: float  # epoch seconds when this person may be served
    token: str  # the signed slot, for the waiting page's refresh

    def seconds_left(self, now: float) -> float:
        return max(self.slot - now, 0.0)

    def position(self, now: float, rate: float) -> int:
        """How many people wait ahead (an estimate from the rate): the places between now
        and this one."""
        return max(math.ceil(round(self.seconds_left(now) * rate, 6)) - 1, 0)


def _limit(scope: str, size: int) -> threading.BoundedSemaphore:
    limit = _limits.get(scope)
    if limit is None:
        with _limits_lock:
            limit = _limits.setdefault(scope, threading.BoundedSemaphore(size))
    return limit


class Admission:
    """`with Admission(...) as admitted:` runs the guarded work only if `admitted`."""

    def __init__(self, *, scope: str, concurrency: int):
        self.limit = _limit(scope, concurrency)
        self.admitted = False

    def __enter__(self) -> bool:
        self.admitted = self.limit.acquire(blocking=False)
        return self.admitted

    def __exit__(self, *exc) -> None:
        if self.admitted:
            self.limit.release()


def place_take(*, queue: str, owner: str, rate: float, now: float | None = None) -> Place:
    """A new place in `queue` for `owner`: served now when nobody is waiting, else later."""
    now = time.time() if now is None else now
    take = getattr(cache, "slot_take", None)  # Redis only; the file cache of `make run` has
    slot = take(f"admission:{queue}", now=now, step=1.0 / rate) if take else now  # no queue
    return Place(slot=slot, token=signing.dumps([queue, owner, slot], salt=_salt, compress=False))


def place_read(*, queue: str, owner: str, token: str) -> Place | None:
    """The place a waiting page carries back, if it is this owner's, in this queue, and not
    older than an hour; None otherwise."""
    try:
        signed_queue, signed_owner, slot = signing.loads(
            token, salt=_salt, max_age=TOKEN_MAX_AGE_SECONDS
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if signed_queue != queue or signed_owner != owner:
        return None
    return Place(slot=float(slot), token=token)


def place_due(place: Place, now: float | None = None) -> bool:
    now = time.time() if now is None else now
    return place.slot - now <= ADMIT_EARLY_SECONDS


def start_rate() -> float:
    return float(settings.START_QUEUE_RATE)
