"""Changes to published results: a late disqualification first shows who would move, then
records a public correction notice; the published digest and the "Nhật ký công bố"."""

import datetime as dt
import hashlib
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from leaderboard.models import Certificate, PublicationEvent, RoundResult
from leaderboard.publication import round_results_file
from operations.pipeline import round_publish_and_announce, round_rank
from quizzes.models import AttemptAnswer
from rounds.models import Disqualification
from tests.factories import (
    AnsweredLaterAttemptFactory,
    FinishedAttemptFactory,
    ParticipantFactory,
    PrizeTierFactory,
    RoundFactory,
    published_round_in_finishing_order,
)


@pytest.fixture
def published_round(db):
    """Four full marks, predictions 5, 4, 3 and 100 (D, the cheat): actual 4, so B is first,
    A second (faster than C at the same distance), C third. Without D the actual is 3 and C
    moves from third to first (the issue's case)."""
    now = timezone.now()
    round = RoundFactory(starts_at=now - dt.timedelta(days=4), ends_at=now - dt.timedelta(hours=1))
    PrizeTierFactory(round=round, name="Giải Nhất", count=1, order=1)
    PrizeTierFactory(round=round, name="Giải Nhì", count=1, order=2)
    people = {}
    for name, prediction, seconds in (("A", 5, 100), ("B", 4, 200), ("C", 3, 300), ("D", 100, 50)):
        people[name] = ParticipantFactory(full_name=f"Người {name}")
        FinishedAttemptFactory(
            round=round,
            participant=people[name],
            prediction=prediction,
            duration_ms=seconds * 1000,
        )
    round_rank(round_id=round.pk)
    round_publish_and_announce(round_id=round.pk, actor=None)
    return round, people


def _ranks(round):
    return dict(
        RoundResult.objects.filter(round=round).values_list("participant__full_name", "rank")
    )


@pytest.mark.django_db
def test_a_late_disqualification_shows_who_would_move_then_posts_a_correction(
    published_round, organiser_client, client
):
    round, people = published_round
    assert _ranks(round) == {"Người A": 2, "Người B": 1, "Người C": 3, "Người D": 4}
    url = reverse("admin:participants_participant_changelist")
    form = {
        "action": "disqualify",
        "_selected_action": [people["D"].pk],
        "apply": "1",
        "contest": round.contest_id,
        "reason": "Thi hộ (biên bản số 12)",
    }
    preview = organiser_client.post(url, form)
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "Đính chính kết quả đã công bố" in text
    assert people["C"].public_name in text
    assert "<td>3</td><td>1</td><td>—</td><td>Giải Nhất</td>" in text
    # Nothing changed yet.
    assert not Disqualification.objects.exists()
    assert _ranks(round)["Người C"] == 3
    assert not PublicationEvent.objects.filter(kind=PublicationEvent.Kind.CORRECTION).exists()

    # Confirming without a public reason is refused; with one, the correction is posted.
    organiser_client.post(url, {**form, "confirm": "1", "public_reason": "  "})
    assert not Disqualification.objects.exists()
    organiser_client.post(
        url, {**form, "confirm": "1", "public_reason": "Loại 01 thí sinh thi hộ (QĐ 45/QĐ-BTC)"}
    )
    assert Disqualification.objects.get().participant == people["D"]
    assert _ranks(round) == {"Người C": 1, "Người B": 2, "Người A": 3}
    correction = PublicationEvent.objects.get(kind=PublicationEvent.Kind.CORRECTION)
    assert correction.reason == "Loại 01 thí sinh thi hộ (QĐ 45/QĐ-BTC)"
    moved = {move["name"]: move for move in correction.changes}
    assert moved[people["C"].public_name]["rank_before"] == 3
    assert moved[people["C"].public_name]["prize_after"] == "Giải Nhất"
    assert moved[people["D"].public_name]["rank_after"] is None

    page = client.get(reverse("leaderboard:round_results", args=[round.pk])).content.decode()
    day = timezone.localtime(correction.at).strftime("%d/%m/%Y")
    assert f"Đính chính ngày {day}" in page
    assert "Loại 01 thí sinh thi hộ (QĐ 45/QĐ-BTC)" in page
    assert correction.digest in page  # in the publication log
    assert page.index("Công bố kết quả") < page.index("Đính chính</strong>")


@pytest.mark.django_db
def test_the_digest_on_the_page_is_the_sha256_of_the_file_and_follows_every_row(
    published_round, client
):
    round, _people = published_round
    page = client.get(reverse("leaderboard:round_results", args=[round.pk])).content.decode()
    download = client.get(reverse("leaderboard:round_results_download", args=[round.pk]))
    assert download.status_code == 200
    content = b"".join(download.streaming_content) if download.streaming else download.content
    digest = hashlib.sha256(content).hexdigest()
    assert f'<code id="results-digest" class="digest">{digest}</code>' in page
    lines = content.decode().splitlines()
    assert lines[0] == (
        "rank,masked_id,score,prediction_distance,duration_ms,submitted_at_utc,prize"
    )
    assert len(lines) == 5
    assert lines[1].startswith("1,09") and lines[1].endswith(",Giải Nhất")
    publish = PublicationEvent.objects.get(round=round, kind=PublicationEvent.Kind.PUBLISH)
    assert publish.digest == digest

    RoundResult.objects.filter(round=round, rank=4).update(duration_ms=49_999)
    cache.clear()
    assert round_results_file(round=round).digest != digest


@pytest.mark.django_db
def test_the_results_file_is_not_served_before_publication(db, client):
    round = RoundFactory()
    response = client.get(reverse("leaderboard:round_results_download", args=[round.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_disqualification_added_in_its_admin_shows_who_would_move_before_saving(
    published_round, organiser_client
):
    """The add page, like the participant list's "disqualify", previews the correction on
    the same confirmation page, then asks for the public reason before anything is saved."""
    round, people = published_round
    url = reverse("admin:rounds_disqualification_add")
    form = {"contest": round.contest_id, "participant": people["D"].pk, "reason": "Thi hộ"}

    preview = organiser_client.post(url, {**form, "public_reason": "Loại thí sinh D"})

    assert preview.status_code == 200
    text = preview.content.decode()
    assert "Đính chính kết quả đã công bố" in text
    assert people["D"].public_name in text
    assert "<td>3</td><td>1</td><td>—</td><td>Giải Nhất</td>" in text  # C moves up
    assert ">Loại thí sinh D</textarea>" in text  # what was typed is kept
    assert 'name="confirm"' in text and 'name="participant"' in text
    assert not Disqualification.objects.exists()  # the preview saved nothing
    assert _ranks(round) == {"Người A": 2, "Người B": 1, "Người C": 3, "Người D": 4}
    assert not PublicationEvent.objects.filter(kind=PublicationEvent.Kind.CORRECTION).exists()

    refused = organiser_client.post(url, {**form, "confirm": "1", "public_reason": " "})
    assert refused.status_code == 200
    assert "Cần ghi rõ lý do đính chính công khai." in refused.content.decode()
    assert not Disqualification.objects.exists()

    saved = organiser_client.post(
        url, {**form, "confirm": "1", "public_reason": "Loại 01 thí sinh vi phạm Thể lệ"}
    )
    assert saved.status_code == 302
    decision = Disqualification.objects.get()
    assert (decision.participant, decision.reason) == (people["D"], "Thi hộ")
    assert _ranks(round) == {"Người C": 1, "Người B": 2, "Người A": 3}
    correction = PublicationEvent.objects.get(kind=PublicationEvent.Kind.CORRECTION)
    assert correction.reason == "Loại 01 thí sinh vi phạm Thể lệ"


@pytest.mark.django_db
def test_moving_a_decision_in_its_admin_previews_the_correction(published_round, organiser_client):
    round, people = published_round
    decision = Disqualification.objects.create(
        contest=round.contest, participant=people["A"], reason="Nhầm người"
    )
    round_rank(round_id=round.pk)
    before = _ranks(round)
    assert "Người A" not in before
    url = reverse("admin:rounds_disqualification_change", args=[decision.pk])
    form = {"contest": round.contest_id, "participant": people["D"].pk, "reason": "Thi hộ"}

    preview = organiser_client.post(url, form)

    assert preview.status_code == 200
    text = preview.content.decode()
    assert "Đính chính kết quả đã công bố" in text and people["D"].public_name in text
    decision.refresh_from_db()
    assert (decision.participant, decision.reason) == (people["A"], "Nhầm người")
    assert _ranks(round) == before

    # Only the reason corrected: no ranking moves, saved at once.
    reason_only = {**form, "participant": people["A"].pk, "reason": "Nhầm người (đã xác minh)"}
    assert organiser_client.post(url, reason_only).status_code == 302
    decision.refresh_from_db()
    assert decision.reason == "Nhầm người (đã xác minh)"

    organiser_client.post(url, {**form, "confirm": "1", "public_reason": "Đổi người bị loại"})
    decision.refresh_from_db()
    assert decision.participant == people["D"]
    assert "Người A" in _ranks(round) and "Người D" not in _ranks(round)
    assert PublicationEvent.objects.get(kind=PublicationEvent.Kind.CORRECTION).reason == (
        "Đổi người bị loại"
    )


@pytest.mark.django_db
def test_a_rescore_of_a_published_round_shows_who_would_move_then_posts_a_correction(
    organiser_client, question_bank
):
    now = timezone.now()
    round = RoundFactory(starts_at=now - dt.timedelta(days=4), ends_at=now - dt.timedelta(hours=1))
    PrizeTierFactory(round=round, name="Giải Nhất", count=1, order=1)
    question = question_bank[0]
    choices = list(question.choices.order_by("sort_order"))
    people = {}
    for name, chosen, score in (("A", choices[0], 1), ("B", choices[1], 0)):
        people[name] = ParticipantFactory(full_name=f"Người {name}")
        attempt = AnsweredLaterAttemptFactory(
            round=round,
            participant=people[name],
            question_count=1,
            score=score,
            started_at=round.starts_at + dt.timedelta(hours=1),
        )
        AttemptAnswer.objects.create(
            attempt=attempt,
            question=question,
            position=1,
            choice_order=[c.pk for c in choices],
            selected=[chosen.pk],
            is_correct=score == 1,
        )
    round_rank(round_id=round.pk)
    round_publish_and_announce(round_id=round.pk, actor=None)
    # The key was wrong: option B is the right one.
    question.choices.update(is_correct=False)
    choices[1].__class__.objects.filter(pk=choices[1].pk).update(is_correct=True)

    url = reverse("admin:quizzes_question_rescore", args=[question.pk])
    page = organiser_client.get(url).content.decode()
    assert people["B"].public_name in page
    assert "<td>2</td><td>1</td><td>—</td><td>Giải Nhất</td>" in page
    assert _ranks(round) == {"Người A": 1, "Người B": 2}  # the preview changed nothing

    organiser_client.post(url, {"public_reason": ""})
    assert _ranks(round) == {"Người A": 1, "Người B": 2}
    organiser_client.post(url, {"public_reason": "Câu 1 có đáp án đúng là B (đính chính)"})
    assert _ranks(round) == {"Người B": 1, "Người A": 2}
    correction = PublicationEvent.objects.get(kind=PublicationEvent.Kind.CORRECTION)
    assert correction.reason == "Câu 1 có đáp án đúng là B (đính chính)"


@pytest.mark.django_db
def test_every_certificate_of_the_round_prints_the_results_digest(published_round, client):
    round, people = published_round
    client.force_login(people["B"].user)
    digest = round_results_file(round=round).digest
    for kind in ("tham-gia", "dat-giai"):
        response = client.get(f"/chung-nhan/dot/{round.pk}/{kind}.pdf")
        assert response.status_code == 200
        text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
        assert digest in text.replace("\n", "")
    code = Certificate.objects.filter(round=round, participant=people["B"]).first().code
    page = client.get(reverse("leaderboard:certificate_verify", args=[code])).content.decode()
    assert digest in page


@pytest.mark.django_db
def test_the_preview_lists_every_prize_change_and_counts_the_long_tail(organiser_client):
    """Disqualifying the winner of a round of 40 moves everyone: the page lists who leaves,
    who takes the prize and the first 20 who only move up a place, and counts the rest."""
    round, people = published_round_in_finishing_order(people=40)
    form = {"contest": round.contest_id, "participant": people[0].pk, "reason": "Thi hộ"}

    page = organiser_client.post(reverse("admin:rounds_disqualification_add"), form)

    text = page.content.decode()
    rows = text.count("<tr><td>")
    assert rows == 2 + 20  # the winner leaving, the new winner, 20 moving up
    assert f"<td>{people[0].public_name}</td><td>1</td><td>—</td><td>Giải Nhất</td>" in text
    assert f"<td>{people[1].public_name}</td><td>2</td><td>1</td><td>—</td><td>Giải Nhất</td>" in (
        text
    )
    assert people[21].public_name in text and people[22].public_name not in text
    assert "… và 18 người khác chỉ thay đổi thứ hạng, không thay đổi giải" in text
    assert RoundResult.objects.get(round=round, participant=people[0]).rank == 1  # unchanged


@pytest.mark.django_db
def test_moving_a_decision_away_from_a_published_contest_corrects_that_contest(
    published_round, organiser_client
):
    """The decision was entered against the wrong contest: moving it puts the person back in
    the published ranking they were taken out of, which is a public correction too."""
    round, people = published_round
    decision = Disqualification.objects.create(
        contest=round.contest, participant=people["D"], reason="Nhầm cuộc thi"
    )
    round_rank(round_id=round.pk)
    assert "Người D" not in _ranks(round)
    other_contest = RoundFactory(number=2).contest  # no published round
    url = reverse("admin:rounds_disqualification_change", args=[decision.pk])
    form = {"contest": other_contest.pk, "participant": people["D"].pk, "reason": "Thi hộ"}

    preview = organiser_client.post(url, form)

    assert preview.status_code == 200
    assert people["D"].public_name in preview.content.decode()
    assert "Người D" not in _ranks(round)
    organiser_client.post(url, {**form, "confirm": "1", "public_reason": "Chuyển quyết định"})
    decision.refresh_from_db()
    assert decision.contest == other_contest
    assert _ranks(round) == {"Người A": 2, "Người B": 1, "Người C": 3, "Người D": 4}
    correction = PublicationEvent.objects.get(round=round, kind=PublicationEvent.Kind.CORRECTION)
    assert correction.reason == "Chuyển quyết định"


@pytest.mark.django_db
def test_the_public_notice_lists_every_move_with_the_long_tail_folded(organiser_client, client):
    """The correction on the public results page: who leaves, who takes the prize and the first
    20 who only move up a place in the table; the 18 others under a summary that opens without
    JavaScript (<details>), so every move stays published."""
    round, people = published_round_in_finishing_order(people=40)
    form = {"contest": round.contest_id, "participant": people[0].pk, "reason": "Thi hộ"}
    organiser_client.post(reverse("admin:rounds_disqualification_add"), form)
    organiser_client.post(
        reverse("admin:rounds_disqualification_add"),
        {**form, "public_reason": "Loại một bài thi hộ", "confirm": "yes"},
    )
    assert PublicationEvent.objects.filter(round=round, kind="correction").exists()

    text = client.get(reverse("leaderboard:round_results", args=[round.pk])).content.decode()
    notice = text[text.index('class="notice correction"') : text.index("Danh sách đạt giải")]
    listed, _, folded = notice.partition("<details")
    assert listed.count("<tr><td>") == 2 + 20 and folded.count("<tr><td>") == 18
    assert "Xem thêm 18 người chỉ thay đổi thứ hạng, không thay đổi giải" in folded
    for person in people[1:]:
        assert person.public_name in notice  # every move is published
