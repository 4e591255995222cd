from celery import shared_task

from .services import participation_refresh, participation_refresh_all


@shared_task(name="leaderboard.participation_refresh", ignore_result=True)
def participation_refresh_task(contest_id: int | None = None) -> int:
    """Refresh the stored participation statistics of one contest, or of every active one
    (the periodic run passes no argument)."""
    if contest_id is None:
        return participation_refresh_all()
    return participation_refresh(contest_id=contest_id)
