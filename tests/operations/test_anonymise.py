"""`anonymise_participants`: only people with an open, confirmed deletion request, never staff,
listed first and confirmed by the operator (issue 14, point 1); their attempts forget the
address and session they were taken from (point 11)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from core.models import AuditLogEntry
from participants.models import DataDeletionRequest, Participant, User
from participants.services import AnonymiseRefused, participant_anonymise
from quizzes.models import Attempt
from tests.factories import FinishedAttemptFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


def _snapshot(participants):
    return {
        p.pk: (p.full_name, p.cccd, p.user.phone, p.user.is_active, p.user.password)
        for p in Participant.objects.filter(pk__in=[p.pk for p in participants]).select_related(
            "user"
        )
    }


@pytest.fixture
def population():
    """60 bystanders (some with attempts), staff and a superuser with profiles, and requests
    in every state: open+confirmed (2 participants, 1 staff, 1 superuser), open+unconfirmed,
    processed."""
    now = timezone.now()
    bystanders = ParticipantFactory.create_batch(60)
    for person in bystanders[:10]:
        FinishedAttemptFactory(participant=person, client_ip="10.0.0.9", session_key="s" * 32)
    organiser = ParticipantFactory(user=UserFactory(is_staff=True), full_name="Ban Tổ chức A")
    admin = ParticipantFactory(
        user=UserFactory(is_staff=True, is_superuser=True), full_name="Quản trị B"
    )
    askers = ParticipantFactory.create_batch(2)
    for person in askers:
        FinishedAttemptFactory(participant=person, client_ip="203.0.113.7", session_key="k" * 32)
    unconfirmed = ParticipantFactory(full_name="Chưa Xác Nhận")
    processed = ParticipantFactory(full_name="Đã Xử Lý Trước")
    for person in (*askers, organiser, admin):
        DataDeletionRequest.objects.create(participant=person, confirmed_at=now)
    DataDeletionRequest.objects.create(participant=unconfirmed)
    DataDeletionRequest.objects.create(
        participant=processed, confirmed_at=now - dt.timedelta(days=3), processed_at=now
    )
    untouched = [*bystanders, organiser, admin, unconfirmed, processed]
    return {"askers": askers, "untouched": untouched, "before": _snapshot(untouched)}


def test_only_open_confirmed_requests_of_non_staff_are_anonymised(population, capsys):
    call_command("anonymise_participants", "--yes")
    out = capsys.readouterr()
    for person in population["askers"]:
        person.refresh_from_db()
        assert person.anonymised_at is not None
        assert person.user.phone == f"anon-{person.user.pk}" and not person.user.is_active
        assert f"#{person.pk} " in out.out
    assert "Sẽ ẩn danh hóa 2 tài khoản" in out.out and "Đã ẩn danh hóa 2 tài khoản" in out.out
    assert _snapshot(population["untouched"]) == population["before"]
    assert User.objects.filter(is_active=True).count() == len(population["untouched"])
    assert "Ban Tổ chức A" in out.err and "Quản trị B" in out.err
    assert "Ban Tổ chức A" not in out.out.split("Sẽ ẩn danh hóa")[1]
    assert AuditLogEntry.objects.filter(action="participant_anonymise").count() == 2
    # The staff members' requests stay open; the unconfirmed one too.
    assert DataDeletionRequest.objects.filter(processed_at=None).count() == 3


def test_anonymised_attempts_forget_address_and_session(population):
    call_command("anonymise_participants", "--yes")
    askers = Attempt.objects.filter(participant__in=population["askers"])
    assert askers.count() == 2
    assert all(a.client_ip is None and a.session_key == "" for a in askers)
    assert all(a.score is not None for a in askers)  # results kept
    others = Attempt.objects.exclude(participant__in=population["askers"])
    assert others.count() == 10
    assert all(a.client_ip == "10.0.0.9" and a.session_key == "s" * 32 for a in others)


def test_without_yes_it_asks_and_a_wrong_answer_changes_nothing(population, monkeypatch):
    prompts = []
    monkeypatch.setattr("builtins.input", lambda prompt: prompts.append(prompt) or "y")
    with pytest.raises(CommandError, match="Đã hủy"):
        call_command("anonymise_participants")
    assert prompts and "2" in prompts[0]
    assert not Participant.objects.exclude(anonymised_at=None).exists()
    monkeypatch.setattr("builtins.input", lambda prompt: "2")
    call_command("anonymise_participants")
    assert Participant.objects.exclude(anonymised_at=None).count() == 2


def test_nothing_to_do_is_said_and_running_twice_is_harmless(population, capsys):
    call_command("anonymise_participants", "--yes")
    capsys.readouterr()
    call_command("anonymise_participants", "--yes")
    assert "Không có yêu cầu xóa" in capsys.readouterr().out
    assert Participant.objects.exclude(anonymised_at=None).count() == 2


def test_the_service_refuses_staff_superusers_and_people_who_did_not_ask(population):
    # Staff, superuser, unconfirmed, processed, and a bystander who never asked.
    refused = population["untouched"][-4:] + population["untouched"][:1]
    for person in refused:
        with pytest.raises(AnonymiseRefused):
            participant_anonymise(participant=person, actor=None)
    assert _snapshot(population["untouched"]) == population["before"]
