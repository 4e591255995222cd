"""verify_round (an independent recomputation of the stored results), tie decisions that
survive re-ranking, and publishing refused while results do not verify or a tie is open."""

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from leaderboard.models import Award, PublicationEvent, RoundResult, TieDecision
from leaderboard.publication import (
    TieDecisionError,
    round_open_ties,
    round_results_csv,
    tie_decision_record,
)
from operations.pipeline import round_publish_and_announce, round_rank
from rounds.models import Disqualification, Round
from rounds.services import RoundStateError, disqualification_create
from tests.factories import FinishedAttemptFactory, PrizeTierFactory, RoundFactory


def _verify(round_id: int, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_round", str(round_id), *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.mark.django_db
def test_verify_round_passes_every_demo_round_and_fails_after_a_row_is_altered():
    call_command("seed_demo", stdout=io.StringIO())
    rounds = list(
        Round.objects.filter(state__in=[Round.State.RANKED, Round.State.PUBLISHED]).order_by("pk")
    )
    assert len(rounds) >= 4
    for round in rounds:
        code, out = _verify(round.pk)
        assert code == 0, out
    round = rounds[0]
    code, out = _verify(round.pk, "--digest")
    digest_before = out.splitlines()[0]
    assert digest_before == hashlib.sha256(round_results_csv(round=round)).hexdigest()

    altered = RoundResult.objects.filter(round=round).order_by("rank").last()
    RoundResult.objects.filter(pk=altered.pk).update(duration_ms=altered.duration_ms + 1)
    code, out = _verify(round.pk, "--digest")
    assert code == 1
    assert f"Người dự thi {altered.participant_id}:" in out
    assert out.splitlines()[0] != digest_before
    # Publishing (again, after a withdrawal) is refused until it verifies.
    Round.objects.filter(pk=round.pk).update(state=Round.State.RANKED)
    with pytest.raises(RoundStateError, match="không khớp"):
        round_publish_and_announce(round_id=round.pk, actor=None)
    round_rank(round_id=round.pk)
    assert _verify(round.pk)[0] == 0
    round_publish_and_announce(round_id=round.pk, actor=None)


@pytest.fixture
def tied_round(db):
    """Nhất 1, Nhì 1: A first; B and C tied for the single Nhì place; D and E below."""
    now = timezone.now()
    round = RoundFactory(starts_at=now - dt.timedelta(days=4), ends_at=now - dt.timedelta(hours=1))
    first = PrizeTierFactory(round=round, name="Giải Nhất", count=1, order=1)
    second = PrizeTierFactory(round=round, name="Giải Nhì", count=1, order=2)
    third = PrizeTierFactory(round=round, name="Giải Ba", count=1, order=3)
    start = round.starts_at + dt.timedelta(hours=1)

    def take(score):
        return FinishedAttemptFactory(round=round, score=score, started_at=start).participant

    people = {
        "a": take(5),
        "b": take(4),
        "c": take(4),
        "d": take(3),
        "e": take(2),
    }
    round_rank(round_id=round.pk)
    return round, people, (first, second, third)


def _prizes(round) -> dict[int, tuple[str, bool, bool]]:
    return {
        a.participant_id: (a.tier.name, a.needs_decision, a.shared)
        for a in Award.objects.filter(round=round).select_related("tier")
    }


@pytest.mark.django_db
def test_a_tie_decision_survives_reranking_after_an_unrelated_disqualification(tied_round):
    round, people, (_first, second, _third) = tied_round
    assert _prizes(round)[people["b"].pk] == ("Giải Nhì", True, False)
    [tie] = round_open_ties(round=round)
    assert {p.pk for p in tie.people} == {people["b"].pk, people["c"].pk}
    assert tie.places == 1

    tie_decision_record(
        round=round,
        tier_id=second.pk,
        outcome=TieDecision.Outcome.CHOOSE,
        winner_ids=[people["c"].pk],
        reason="Bốc thăm công khai ngày 14/9",
        actor=None,
    )
    decided = _prizes(round)
    assert decided[people["c"].pk] == ("Giải Nhì", False, False)
    # B, passed over, is first in line for the next tier.
    assert decided[people["b"].pk] == ("Giải Ba", False, False)
    assert people["d"].pk not in decided
    assert _verify(round.pk)[0] == 0

    # An unrelated disqualification (E, below every prize) re-ranks the round.
    _decision, round_ids = disqualification_create(
        contest=round.contest, participant=people["e"], reason="Nhiều tài khoản", actor=None
    )
    assert round_ids == [round.pk]
    summary = round_rank(round_id=round.pk)
    assert summary.verified
    assert _prizes(round) == decided
    assert TieDecision.objects.get().status == TieDecision.Status.ACTIVE

    # Disqualifying C changes the tied group: the decision is re-opened, saying why.
    Disqualification.objects.create(contest=round.contest, participant=people["c"], reason="x")
    round_rank(round_id=round.pk)
    decision = TieDecision.objects.get()
    assert decision.status == TieDecision.Status.REOPENED
    assert "Không còn đồng hạng" in decision.reopened_note
    assert _prizes(round)[people["b"].pk] == ("Giải Nhì", False, False)


@pytest.mark.django_db
def test_publishing_with_an_open_tie_is_refused_unless_published_as_shared(tied_round, client):
    round, people, _tiers = tied_round
    with pytest.raises(RoundStateError, match="đồng hạng"):
        round_publish_and_announce(round_id=round.pk, actor=None)
    round.refresh_from_db()
    assert round.state == Round.State.RANKED
    assert not PublicationEvent.objects.exists()

    round_publish_and_announce(
        round_id=round.pk, actor=None, share_open_ties_reason="Hai người cùng nhận Giải Nhì"
    )
    round.refresh_from_db()
    assert round.state == Round.State.PUBLISHED
    prizes = _prizes(round)
    assert prizes[people["b"].pk] == ("Giải Nhì", False, True)
    assert prizes[people["c"].pk] == ("Giải Nhì", False, True)
    assert PublicationEvent.objects.get().kind == PublicationEvent.Kind.PUBLISH
    page = client.get(reverse("leaderboard:round_results", args=[round.pk])).content.decode()
    assert page.count("Đồng giải") == 2


@pytest.mark.django_db
def test_a_wrong_tie_decision_is_refused(tied_round):
    round, people, (_first, second, _third) = tied_round

    for winners in ([], [people["b"].pk, people["c"].pk], [people["d"].pk]):
        with pytest.raises(TieDecisionError):
            tie_decision_record(
                round=round,
                tier_id=second.pk,
                outcome=TieDecision.Outcome.CHOOSE,
                winner_ids=winners,
                reason="x",
                actor=None,
            )
    with pytest.raises(TieDecisionError):
        tie_decision_record(
            round=round,
            tier_id=second.pk,
            outcome=TieDecision.Outcome.SHARE,
            winner_ids=[],
            reason="  ",
            actor=None,
        )


@pytest.mark.django_db
def test_an_organiser_records_a_tie_decision_from_the_round_list(tied_round, organiser_client):
    round, people, (_first, second, _third) = tied_round
    url = reverse("admin:rounds_round_changelist")
    page = organiser_client.post(url, {"action": "decide_ties", "_selected_action": [round.pk]})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Giải Nhì: 2 người đồng hạng cho 1 suất" in text
    assert people["b"].full_name in text
    organiser_client.post(
        url,
        {
            "action": "decide_ties",
            "_selected_action": [round.pk],
            "apply": "1",
            "tier": second.pk,
            "outcome": "share",
            "reason": "Hai người cùng nhận giải theo biên bản họp BTC",
        },
    )
    decision = TieDecision.objects.get()
    assert (decision.outcome, decision.status) == (TieDecision.Outcome.SHARE, "active")
    assert _prizes(round)[people["c"].pk] == ("Giải Nhì", False, True)
    assert round_open_ties(round=round) == []


@pytest.mark.django_db
def test_a_tied_persons_history_says_the_prize_waits_for_the_decision(tied_round, client):
    round, people, _tiers = tied_round
    # (Published before the tie appeared, e.g. by a later correction.)
    Round.objects.filter(pk=round.pk).update(state=Round.State.PUBLISHED)
    client.force_login(people["b"].user)
    page = client.get(reverse("operations:history")).content.decode()
    assert "Giải Nhì: bạn đồng hạng ở suất cuối của giải, chờ Ban Tổ chức quyết định." in page
    assert "dat-giai" not in page  # no prize certificate until decided
