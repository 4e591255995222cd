"""Demo data of this app for seed_demo: the unit tree of the department that issued the
directive (Sở Lao động - Thương binh và Xã hội tỉnh Thanh Hóa) and the demo accounts."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import Participant, Unit, User
from .phones import normalize_phone
from .services import ORGANISER_GROUP, organiser_groups_sync

ROOT_UNIT = (
    "so-ldtbxh",
    "Sở Lao động - Thương binh và Xã hội tỉnh Thanh Hóa",
    Unit.Kind.DEPARTMENT,
    0,
)

# (code, name, kind, headcount)
CHILD_UNITS = [
    ("vp-so", "Văn phòng Sở", Unit.Kind.OFFICE, 46),
    ("thanh-tra", "Thanh tra Sở", Unit.Kind.OFFICE, 18),
    ("p-khtc", "Phòng Kế hoạch - Tài chính", Unit.Kind.OFFICE, 14),
    ("p-ldtlbhxh", "Phòng Lao động - Tiền lương - Bảo hiểm xã hội", Unit.Kind.OFFICE, 12),
    ("p-vlatld", "Phòng Việc làm - An toàn lao động", Unit.Kind.OFFICE, 11),
    ("p-gdnn", "Phòng Giáo dục nghề nghiệp", Unit.Kind.OFFICE, 12),
    ("p-ncc", "Phòng Người có công", Unit.Kind.OFFICE, 15),
    ("p-btxh", "Phòng Bảo trợ xã hội", Unit.Kind.OFFICE, 13),
    ("p-tebdg", "Phòng Trẻ em - Bình đẳng giới", Unit.Kind.OFFICE, 10),
    ("p-pctnxh", "Phòng Phòng, chống tệ nạn xã hội", Unit.Kind.OFFICE, 10),
    ("tt-dvvl", "Trung tâm Dịch vụ việc làm Thanh Hóa", Unit.Kind.ATTACHED, 62),
    ("tt-btxh", "Trung tâm Bảo trợ xã hội tỉnh Thanh Hóa", Unit.Kind.ATTACHED, 85),
    ("tt-ctxh", "Trung tâm Công tác xã hội tỉnh Thanh Hóa", Unit.Kind.ATTACHED, 48),
    ("tt-dd-ncc", "Trung tâm Điều dưỡng người có công tỉnh Thanh Hóa", Unit.Kind.ATTACHED, 54),
    (
        "tt-cs-ptcn",
        "Trung tâm Chăm sóc và phục hồi chức năng người tâm thần",
        Unit.Kind.ATTACHED,
        72,
    ),
    ("cscn-1", "Cơ sở cai nghiện ma túy số 1", Unit.Kind.ATTACHED, 70),
    ("cscn-2", "Cơ sở cai nghiện ma túy số 2", Unit.Kind.ATTACHED, 66),
    ("cd-so", "Công đoàn cơ sở Sở Lao động - Thương binh và Xã hội", Unit.Kind.UNION, 120),
    ("doan-tn", "Đoàn Thanh niên Sở", Unit.Kind.UNION, 68),
    ("hoi-ccb", "Hội Cựu chiến binh Sở", Unit.Kind.UNION, 22),
    ("ban-nu-cong", "Ban Nữ công Công đoàn Sở", Unit.Kind.UNION, 55),
]

# Sub-units of the attached centres, so the tree has three levels and roll-ups show.
GRANDCHILD_UNITS = {
    "tt-dvvl": [
        ("tt-dvvl-gtvl", "Phòng Giới thiệu việc làm", Unit.Kind.OFFICE, 24),
        ("tt-dvvl-bhtn", "Phòng Bảo hiểm thất nghiệp", Unit.Kind.OFFICE, 21),
    ],
    "tt-btxh": [
        ("tt-btxh-cs", "Phòng Chăm sóc, nuôi dưỡng", Unit.Kind.OFFICE, 40),
        ("tt-btxh-hc", "Phòng Hành chính - Tổng hợp", Unit.Kind.OFFICE, 15),
    ],
}

DEMO_ORGANISER_PHONE = "0900000001"
DEMO_PARTICIPANT_PHONE = "0911111111"
DEMO_PASSWORD = "thidemo2024"


@transaction.atomic
def demo_units_seed() -> Unit:
    code, name, kind, headcount = ROOT_UNIT
    root, _ = Unit.objects.update_or_create(
        code=code, defaults={"name": name, "kind": kind, "headcount": headcount, "parent": None}
    )
    for order, (code, name, kind, headcount) in enumerate(CHILD_UNITS, start=1):
        unit, _ = Unit.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "headcount": headcount,
                "parent": root,
                "sort_order": order,
            },
        )
        for sub_order, (sub_code, sub_name, sub_kind, sub_headcount) in enumerate(
            GRANDCHILD_UNITS.get(code, []), start=1
        ):
            Unit.objects.update_or_create(
                code=sub_code,
                defaults={
                    "name": sub_name,
                    "kind": sub_kind,
                    "headcount": sub_headcount,
                    "parent": unit,
                    "sort_order": sub_order,
                },
            )
    return root


def _demo_account(*, phone: str, full_name: str, unit: Unit, staff: bool) -> User:
    user = User.objects.filter(phone=normalize_phone(phone)).first()
    if user is None:
        user = User.objects.create_user(phone, password=DEMO_PASSWORD, is_staff=staff)
    user.phone_verified = True
    user.is_staff = staff
    user.save(update_fields=["phone_verified", "is_staff"])
    Participant.objects.update_or_create(
        user=user,
        defaults={
            "full_name": full_name,
            "unit": unit,
            "gender": Participant.Gender.FEMALE if staff else Participant.Gender.MALE,
            "date_of_birth": "1985-05-19" if staff else "1990-10-10",
            "locality": "Phường Điện Biên, TP Thanh Hóa",
            "is_unranked": staff,
        },
    )
    return user


@transaction.atomic
def demo_accounts_seed() -> tuple[User, User]:
    organiser_groups_sync()
    office = Unit.objects.get(code="vp-so")
    organiser = _demo_account(
        phone=DEMO_ORGANISER_PHONE, full_name="Lê Thị Ban Tổ Chức", unit=office, staff=True
    )
    organiser.groups.add(Group.objects.get(name=ORGANISER_GROUP))
    participant = _demo_account(
        phone=DEMO_PARTICIPANT_PHONE,
        full_name="Nguyễn Văn Dự Thi",
        unit=Unit.objects.get(code="tt-dvvl"),
        staff=False,
    )
    return organiser, participant
