"""Small builders for finished attempts and stored results, shared by the leaderboard tests."""

import datetime as dt

from quizzes.models import Attempt


def finished_attempt(*, participant, round, number=1, score=5, started_at=None, seconds=300):
    started_at = started_at or round.starts_at + dt.timedelta(hours=1)
    submitted_at = started_at + dt.timedelta(seconds=seconds)
    return Attempt.objects.create(
        participant=participant,
        round=round,
        number=number,
        state=Attempt.State.SUBMITTED,
        started_at=started_at,
        deadline=started_at + dt.timedelta(minutes=20),
        submitted_at=submitted_at,
        question_count=5,
        score=score,
        duration_ms=seconds * 1000,
    )


# 09:30 on Saturday 5 October 2024 in Thanh Hóa: after the two rounds of `report_contest`.
REPORT_NOW = dt.datetime(2024, 10, 5, 2, 30, tzinfo=dt.UTC)


def report_contest():
    """A contest for the official reports, with figures simple enough to compute by hand.

    Sở Thông tin và Truyền thông (so-tt, 4 people of its own)
    ├─ Phòng Chuyển đổi số (p-cds, 10)
    │   └─ Tổ Hạ tầng số (to-hts, 5)
    └─ Văn phòng Sở (vp-so, 6)
    Sở Y tế (so-yt, 8): a bystander, with the round's first prize.

    Đợt 1 (09/9–13/9/2024, ranked and published; Nhất 1, Nhì 2): so-tt 2 people, p-cds 7 (one
    of them twice), to-hts 3, vp-so 1, so-yt 5. Đợt 2 (16/9–20/9/2024, not published): p-cds 4
    (one new), to-hts 1. Call it under time_machine at REPORT_NOW or later."""
    from leaderboard.statistics import participation_refresh
    from operations.pipeline import round_rank
    from rounds.services import round_publish
    from tests.factories import (
        ContestFactory,
        ParticipantFactory,
        PrizeTierFactory,
        RoundFactory,
        UnitFactory,
        UserFactory,
    )

    local = dt.timezone(dt.timedelta(hours=7))
    contest = ContestFactory(
        slug="bao-cao-mau",
        name="Cuộc thi trực tuyến tìm hiểu về chuyển đổi số năm 2024",
        participation_target_percent=80,
        collective_min_rate_percent=50,
        rules_document_number="227/TL-BTC",
        rules_document_date=dt.date(2024, 8, 29),
    )
    round1 = RoundFactory(
        contest=contest,
        number=1,
        starts_at=dt.datetime(2024, 9, 9, tzinfo=local),
        ends_at=dt.datetime(2024, 9, 13, tzinfo=local),
    )
    round2 = RoundFactory(
        contest=contest,
        number=2,
        starts_at=dt.datetime(2024, 9, 16, tzinfo=local),
        ends_at=dt.datetime(2024, 9, 20, tzinfo=local),
    )
    PrizeTierFactory(round=round1, name="Giải Nhất", count=1, order=1)
    PrizeTierFactory(round=round1, name="Giải Nhì", count=2, order=2)
    root = UnitFactory(code="so-tt", name="Sở Thông tin và Truyền thông", headcount=4)
    office = UnitFactory(code="p-cds", name="Phòng Chuyển đổi số", parent=root, headcount=10)
    team = UnitFactory(code="to-hts", name="Tổ Hạ tầng số", parent=office, headcount=5)
    secretariat = UnitFactory(code="vp-so", name="Văn phòng Sở", parent=root, headcount=6)
    health = UnitFactory(code="so-yt", name="Sở Y tế", headcount=8)

    root_people = ParticipantFactory.create_batch(2, unit=root)
    office_people = [
        ParticipantFactory(
            unit=office, full_name="Lê Thị Chuyển", user=UserFactory(phone="+84912345678")
        ),
        *ParticipantFactory.create_batch(7, unit=office),
    ]
    team_people = [
        ParticipantFactory(
            unit=team, full_name="Trịnh Văn Hạ", user=UserFactory(phone="+84987654321")
        ),
        *ParticipantFactory.create_batch(2, unit=team),
    ]
    secretariat_person = ParticipantFactory(unit=secretariat)
    health_people = [
        ParticipantFactory(
            unit=health, full_name="Hoàng Văn Y", user=UserFactory(phone="+84911112222")
        ),
        *ParticipantFactory.create_batch(4, unit=health),
    ]
    ParticipantFactory.create_batch(2, unit=secretariat)  # registered, never took part

    def take(person, round, *, score, seconds, number=1):
        finished_attempt(
            participant=person, round=round, number=number, score=score, seconds=seconds
        )

    # Đợt 1: first prize Hoàng Văn Y (so-yt), second prizes Lê Thị Chuyển (p-cds, 5 points,
    # slower) and Trịnh Văn Hạ (to-hts, 4 points).
    take(health_people[0], round1, score=5, seconds=100)
    take(office_people[0], round1, score=5, seconds=200)
    take(team_people[0], round1, score=4, seconds=100)
    for index, person in enumerate(health_people[1:]):
        take(person, round1, score=3, seconds=300 + index)
    for index, person in enumerate(office_people[1:7]):
        take(person, round1, score=2, seconds=400 + index)
    take(office_people[1], round1, score=1, seconds=900, number=2)
    for index, person in enumerate(team_people[1:]):
        take(person, round1, score=2, seconds=500 + index)
    for index, person in enumerate(root_people):
        take(person, round1, score=1, seconds=600 + index)
    take(secretariat_person, round1, score=1, seconds=700)
    # Đợt 2: three who took part in Đợt 1 and the one person of p-cds who had not; to-hts 1.
    for index, person in enumerate([*office_people[:3], office_people[7]]):
        take(person, round2, score=3, seconds=300 + index)
    take(team_people[0], round2, score=3, seconds=350)

    round_rank(round_id=round1.pk)
    round_publish(round_id=round1.pk, actor=None)
    participation_refresh(contest_id=contest.pk)
    units = {
        "root": root,
        "office": office,
        "team": team,
        "secretariat": secretariat,
        "health": health,
    }
    return contest, units, round1, round2
