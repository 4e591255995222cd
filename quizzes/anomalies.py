"""Flags on attempts for organisers to review (the attempts admin filters by them); nobody is
blocked automatically."""

from datetime import timedelta

from django.db.models import Count, F, OuterRef, QuerySet, Subquery

from .models import Attempt

# Below this many seconds per question a high score is implausible for a person reading the
# questions; organisers review such attempts (nobody is blocked automatically).
IMPLAUSIBLE_SECONDS_PER_QUESTION = 2.0
SHARED_IP_ACCOUNTS = 5
SHARED_IP_WINDOW_MINUTES = 30


def attempts_implausibly_fast(
    *, round_id: int | None = None, seconds_per_question: float = IMPLAUSIBLE_SECONDS_PER_QUESTION
) -> QuerySet[Attempt]:
    """Finished attempts with most answers right in less time than reading them takes."""
    attempts = Attempt.objects.exclude(state=Attempt.State.IN_PROGRESS).filter(
        duration_ms__lt=F("question_count") * int(seconds_per_question * 1000),
        score__gte=F("question_count") / 2,
    )
    return attempts.filter(round_id=round_id) if round_id else attempts


def attempts_from_crowded_ips(
    *,
    round_id: int | None = None,
    accounts: int = SHARED_IP_ACCOUNTS,
    window_minutes: int = SHARED_IP_WINDOW_MINUTES,
) -> QuerySet[Attempt]:
    """Attempts started from an IP address that started attempts for at least `accounts`
    different people within `window_minutes` of it. Offices share an IP, so this is a flag
    for review, not a verdict."""
    attempts = Attempt.objects.exclude(client_ip=None)
    if round_id:
        attempts = attempts.filter(round_id=round_id)
    window = timedelta(minutes=window_minutes)
    neighbours = (
        Attempt.objects.filter(
            client_ip=OuterRef("client_ip"),
            started_at__gte=OuterRef("started_at") - window,
            started_at__lte=OuterRef("started_at") + window,
        )
        .values("client_ip")
        .annotate(people=Count("participant", distinct=True))
        .values("people")
    )
    return attempts.annotate(people_on_ip=Subquery(neighbours)).filter(people_on_ip__gte=accounts)
