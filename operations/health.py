"""The /healthz document: the backing services (core.health) and the rounds' lifecycle.

The sweep (operations.tasks) records its heartbeat every run; a sweep older than
HEALTH_LAG_ALERT, or a round still not ranked that long after its end, means the worker or
beat is down (docs/operations.md, "worker failed at 00h")."""

import logging
from datetime import UTC, datetime

from django.db import DatabaseError
from django.utils import timezone

from core.health import broker_check, cache_check, database_check, heartbeat_last
from rounds.selectors import HEALTH_LAG_ALERT, contest_current, contest_round_states

logger = logging.getLogger(__name__)

# The heartbeat the sweep records and /healthz reads.
SWEEP_HEARTBEAT = "sweep"
# When this process loaded the app: right after a start nobody has swept yet, and that is not
# a fault until the beat has had HEALTH_LAG_ALERT to send the first sweep.
PROCESS_STARTED_AT = timezone.now()


def health_report(*, now: datetime | None = None) -> dict:
    """The /healthz document. `status` is "down" when the database does not answer (the site
    cannot serve anyone), "degraded" when the cache, the broker, the sweep or a round's
    lifecycle is failing (participants are still served), else "ok"."""
    now = now or timezone.now()
    checks = {"database": database_check(), "cache": cache_check(), "broker": broker_check()}

    last_sweep = heartbeat_last(name=SWEEP_HEARTBEAT)
    sweep_age = (now - last_sweep).total_seconds() if last_sweep else None
    # No sweep recorded yet (and the cache answers): expected for HEALTH_LAG_ALERT after the
    # start, a fault after.
    waited = (now - PROCESS_STARTED_AT).total_seconds()
    if sweep_age is None and checks["cache"]["ok"]:
        sweep_ok = waited <= HEALTH_LAG_ALERT.total_seconds()
    else:
        sweep_ok = sweep_age is not None and sweep_age <= HEALTH_LAG_ALERT.total_seconds()
    checks["sweep"] = {
        "ok": sweep_ok,
        "last_at": last_sweep.astimezone(UTC).isoformat() if last_sweep else None,
        "age_seconds": round(sweep_age) if sweep_age is not None else None,
    }
    if last_sweep is None:
        checks["sweep"]["waiting_since_start_seconds"] = round(waited)

    contest_report = None
    if checks["database"]["ok"]:
        try:
            contest = contest_current()
            if contest is not None:
                contest_report = {
                    "slug": contest.slug,
                    "name": contest.name,
                    "rounds": contest_round_states(contest=contest, now=now),
                }
        except DatabaseError as error:  # the database went away between two queries
            logger.warning("healthz: cannot read the current contest: %r", error)
            checks["database"] = {"ok": False, "error": type(error).__name__}

    rounds_lagging = bool(contest_report) and any(r["lagging"] for r in contest_report["rounds"])
    if not checks["database"]["ok"]:
        status = "down"
    elif rounds_lagging or not all(check["ok"] for check in checks.values()):
        status = "degraded"
    else:
        status = "ok"
    return {
        "status": status,
        "time": now.astimezone(UTC).isoformat(),
        "checks": checks,
        "contest": contest_report,
    }
