from itertools import groupby

from django.db.models import Q, QuerySet

from rounds.models import Contest

from .models import Announcement, ContestRules, StudyMaterial


def announcements_published(*, contest: Contest | None = None) -> QuerySet[Announcement]:
    announcements = Announcement.objects.filter(is_published=True)
    if contest is not None:
        # (Not `contest__in=[pk, None]`: an IN list drops None, so announcements for every
        # contest would be lost.)
        announcements = announcements.filter(Q(contest=contest) | Q(contest__isnull=True))
    return announcements.order_by("-is_pinned", "-published_at")


def announcements_latest(*, contest: Contest | None = None, limit: int = 3) -> list[Announcement]:
    return list(
        announcements_published(contest=contest).only("title", "slug", "is_pinned", "published_at")[
            :limit
        ]
    )


def materials_by_topic() -> list[tuple[str, list[StudyMaterial]]]:
    """Published materials grouped under their topic's name (ungrouped ones last)."""
    materials = StudyMaterial.objects.filter(is_published=True).select_related("topic")
    ordered = sorted(
        materials,
        key=lambda m: (m.topic is None, m.topic.sort_order if m.topic else 0, m.topic_id or 0),
    )
    return [
        (group_topic.name if group_topic else "", list(items))
        for group_topic, items in groupby(ordered, key=lambda m: m.topic)
    ]


def contest_rules(*, contest: Contest) -> ContestRules | None:
    return ContestRules.objects.filter(contest=contest).first()
