"""Carrying out deletion requests: the person's identity (participants) and the traces their
attempts keep of their device (quizzes) are erased in one transaction per person."""

from django.db import transaction

from participants.models import Participant, User
from participants.selectors import participants_due_for_anonymising
from participants.services import participant_anonymise
from quizzes.services import attempts_client_traces_clear


def participant_erase(*, participant: Participant, actor: User | None) -> None:
    """Anonymise one person who asked (refused with AnonymiseRefused otherwise)."""
    with transaction.atomic():
        participant_anonymise(participant=participant, actor=actor)
        attempts_client_traces_clear(participant_id=participant.pk)


def deletion_requests_process(*, participant_ids: list[int], actor: User | None = None) -> int:
    """Carry out the open, confirmed deletion requests of the people listed (the ones the
    organiser was shown); anybody listed who no longer qualifies is left alone. Returns how
    many people were anonymised."""
    count = 0
    for participant in participants_due_for_anonymising().filter(pk__in=participant_ids):
        participant_erase(participant=participant, actor=actor)
        count += 1
    return count
