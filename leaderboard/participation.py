"""Reads of the stored participation statistics: per unit in tree order with the rate
against the target, the whole contest, the collective ranking of units and the dashboard's
data. Nothing here computes a rate from attempts on the request path."""

from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Max
from django.utils.translation import gettext as _

from participants.models import Unit
from participants.selectors import unit_tree_children
from rounds.models import Contest, Round

from .models import ActivityStat, ParticipationStat, ScoreStat


@dataclass
class ParticipationRow:
    stat: ParticipationStat
    depth: int
    target_percent: Decimal
    visits: int = 0

    @property
    def unit(self) -> Unit | None:
        return self.stat.unit

    @property
    def rate(self) -> float | None:
        return self.stat.rate_percent

    @property
    def gap(self) -> float | None:
        """Percentage points still missing to the target (0 once reached)."""
        if self.rate is None:
            return None
        return round(max(float(self.target_percent) - self.rate, 0.0), 2)

    @property
    def missing_people(self) -> int:
        """How many more people the unit needs to reach the target."""
        needed = -(-self.stat.headcount_total * int(self.target_percent * 100) // 10000)
        return max(needed - self.stat.participants_total, 0)

    @property
    def reached(self) -> bool:
        return self.rate is not None and self.rate >= float(self.target_percent)


def participation_rows(
    *, contest: Contest, round: Round | None = None, unit_ids: set[int] | None = None
) -> list[ParticipationRow]:
    """Stored figures per unit, in tree order (parents before their children) with their
    depth, limited to `unit_ids` when given. One query for the stats, one for the tree."""
    stats = {
        stat.unit_id: stat
        for stat in ParticipationStat.objects.filter(
            contest=contest, round=round, unit__isnull=False
        ).select_related("unit")
    }
    children = unit_tree_children()
    order: list[tuple[int, int]] = []

    def walk(unit_id: int, depth: int) -> None:
        order.append((unit_id, depth))
        kids = sorted(
            children.get(unit_id, []),
            key=lambda k: (stats[k].unit.sort_order, stats[k].unit.name) if k in stats else (0, ""),
        )
        for child in kids:
            walk(child, depth + 1)

    roots = sorted(
        children.get(None, []),
        key=lambda k: (stats[k].unit.sort_order, stats[k].unit.name) if k in stats else (0, ""),
    )
    for root in roots:
        walk(root, 0)
    target = contest.participation_target_percent
    rows = []
    if unit_ids is not None:
        # A representative's top unit is shown at depth 0.
        base = min((depth for unit_id, depth in order if unit_id in unit_ids), default=0)
    else:
        base = 0
    for unit_id, depth in order:
        if unit_id in stats and (unit_ids is None or unit_id in unit_ids):
            rows.append(ParticipationRow(stats[unit_id], depth - base, target))
    return rows


def participation_overall(
    *, contest: Contest, round: Round | None = None
) -> ParticipationRow | None:
    stat = ParticipationStat.objects.filter(contest=contest, round=round, unit__isnull=True).first()
    return ParticipationRow(stat, 0, contest.participation_target_percent) if stat else None


def participation_refreshed_at(*, contest: Contest):
    return (
        ParticipationStat.objects.filter(contest=contest)
        .order_by()
        .aggregate(at=Max("refreshed_at"))["at"]
    )


@dataclass
class CollectiveRow:
    rank: int | None
    row: ParticipationRow
    eligible: bool
    reason: str


def collective_ranking(*, contest: Contest, round: Round | None = None) -> list[CollectiveRow]:
    """Units ranked by participation rate (sub-units included) for the collective prizes:
    eligible units (headcount ≥ the contest's minimum and rate ≥ its minimum rate) first,
    ranked by rate then number of participants, equal keys sharing a rank; the others after,
    with the reason."""
    min_rate = float(contest.collective_min_rate_percent)
    min_headcount = contest.collective_min_headcount
    eligible, others = [], []
    for row in participation_rows(contest=contest, round=round):
        if row.stat.headcount_total < max(min_headcount, 1):
            others.append(
                CollectiveRow(
                    None,
                    row,
                    False,
                    _("Dưới %(n)d người") % {"n": max(min_headcount, 1)},
                )
            )
        elif (row.rate or 0) < min_rate:
            others.append(
                CollectiveRow(None, row, False, _("Tỷ lệ dưới %(rate)s%%") % {"rate": min_rate})
            )
        else:
            eligible.append(row)
    eligible.sort(key=lambda r: (-(r.rate or 0), -r.stat.participants_total, r.unit.name))
    ranked: list[CollectiveRow] = []
    previous_key = None
    rank = 0
    for position, row in enumerate(eligible, start=1):
        key = (row.rate, row.stat.participants_total)
        if key != previous_key:
            rank = position
            previous_key = key
        ranked.append(CollectiveRow(rank, row, True, ""))
    others.sort(key=lambda r: (-(r.row.rate or 0), r.row.unit.name))
    return ranked + others


def dashboard_data(*, contest: Contest, unit_ids: set[int] | None = None) -> dict:
    """Everything the organiser dashboard draws, from the stored tables; JSON-ready."""
    local = ZoneInfo(settings.TIME_ZONE)
    activity: dict[str, list] = {"hour": [], "day": []}
    for stat in ActivityStat.objects.filter(contest=contest).order_by("period", "starts_at"):
        moment = stat.starts_at.astimezone(local)
        label = (
            moment.strftime("%d/%m %Hh") if stat.period == "hour" else moment.strftime("%d/%m/%Y")
        )
        activity[stat.period].append(
            {
                "label": label,
                "participants": stat.participants,
                "attempts": stat.attempts,
                "registrations": stat.registrations,
            }
        )
    rows = participation_rows(contest=contest, unit_ids=unit_ids)
    units = [
        {
            "name": row.unit.name,
            "rate": row.rate or 0,
            "participants": row.stat.participants_total,
            "headcount": row.stat.headcount_total,
        }
        for row in rows
        if row.depth <= 1
    ]
    scores: dict[int, dict[int, int]] = {}
    for stat in ScoreStat.objects.filter(round__contest=contest):
        scores.setdefault(stat.round_id, {})[stat.score] = stat.attempts
    score_rounds = []
    for round in Round.objects.filter(contest=contest, is_practice=False).order_by("number"):
        counts = scores.get(round.pk, {})
        top = max([contest.questions_per_attempt, *counts.keys()])
        score_rounds.append(
            {"name": round.name, "counts": [counts.get(score, 0) for score in range(top + 1)]}
        )
    return {
        "target": float(contest.participation_target_percent),
        "minRate": float(contest.collective_min_rate_percent),
        "activity": activity,
        "units": units,
        "scores": score_rounds,
        "labels": {
            "participants": _("Người dự thi"),
            "attempts": _("Lượt thi"),
            "registrations": _("Đăng ký mới"),
            "rate": _("Tỷ lệ tham gia (%)"),
            "target": _("Chỉ tiêu %(target)s%%")
            % {"target": f"{contest.participation_target_percent.normalize():f}"},
            "score": _("Điểm"),
        },
    }
