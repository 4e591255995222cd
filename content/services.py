from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import slugify_vi
from rounds.models import Round

from .models import Announcement


@dataclass(frozen=True)
class WinnerLine:
    tier: str
    name: str
    unit: str
    score: int
    duration_ms: int


def announcement_publish(*, announcement: Announcement, now: datetime | None = None) -> None:
    """Publish an announcement, dated now unless the organiser set its date."""
    announcement.is_published = True
    announcement.published_at = announcement.published_at or now or timezone.now()
    announcement.save()


def announcement_draft_results(*, round: Round, winners: list[WinnerLine]) -> Announcement:
    """Draft (or refresh the draft of) the announcement of a round's results, with the
    winners table, for the organiser to edit and publish. A published one is left as it is."""
    body = render_to_string(
        "content/results_announcement_body.html", {"round": round, "winners": winners}
    )
    title = _("Thông báo kết quả %(round)s — %(contest)s") % {
        "round": round.name,
        "contest": round.contest.name,
    }
    announcement = Announcement.objects.filter(round=round).first()
    if announcement is None:
        return Announcement.objects.create(
            contest=round.contest,
            round=round,
            title=title,
            slug=slugify_vi(f"ket-qua-{round.contest.slug}-dot-{round.number}", max_length=120),
            body=body,
        )
    if not announcement.is_published:
        announcement.title = title
        announcement.body = body
        announcement.save(update_fields=["title", "body"])
    return announcement
