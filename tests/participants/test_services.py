import pytest
from django.utils import timezone

from participants.selectors import unit_tree_choices
from participants.services import ProfileLocked, participant_profile_update
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_unit_tree_choices_group_children_under_their_top_unit():
    root = UnitFactory(name="Sở A", sort_order=1)
    child = UnitFactory(name="Phòng B", parent=root)
    grandchild = UnitFactory(name="Tổ C", parent=child)
    lone = UnitFactory(name="Đơn vị lẻ", sort_order=2)
    UnitFactory(name="Đã giải thể", is_active=False)
    choices = unit_tree_choices()
    assert choices == [
        ("Sở A", [(root.pk, "Sở A"), (child.pk, "– Phòng B"), (grandchild.pk, "\u2003– Tổ C")]),
        (lone.pk, "Đơn vị lẻ"),
    ]


def test_profile_update_refuses_identifying_changes_once_locked(participant):
    participant.profile_locked_at = timezone.now()
    participant.save()
    with pytest.raises(ProfileLocked):
        participant_profile_update(participant=participant, full_name="Tên Khác")
    participant.refresh_from_db()
    assert participant.full_name != "Tên Khác"
    participant_profile_update(
        participant=participant, full_name=participant.full_name, locality="Nga Sơn"
    )
    participant.refresh_from_db()
    assert participant.locality == "Nga Sơn"
