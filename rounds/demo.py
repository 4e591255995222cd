"""Demo data of this app for seed_demo: the Thanh Hóa 2024 contest exactly as its directive
sets it (Thể lệ số 227/TL-BTC ngày 29/8/2024), and a demo contest with a round open now."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from .models import DEFAULT_PRIZE_TIERS, Contest, PrizeTier, Round
from .services import contest_make_current

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

THANH_HOA_SLUG = "chuyen-doi-so-thanh-hoa-2024"
DEMO_SLUG = "thi-thu-nghiem-demo"

# Every round: Monday 00h → Friday 00h, Asia/Ho_Chi_Minh.
THANH_HOA_ROUNDS = [
    (1, dt.date(2024, 9, 9), dt.date(2024, 9, 13)),
    (2, dt.date(2024, 9, 16), dt.date(2024, 9, 20)),
    (3, dt.date(2024, 9, 23), dt.date(2024, 9, 27)),
    (4, dt.date(2024, 9, 30), dt.date(2024, 10, 4)),
]


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=VIETNAM)


def _prize_tiers_seed(round: Round) -> None:
    for order, name, count in DEFAULT_PRIZE_TIERS:
        PrizeTier.objects.update_or_create(
            round=round, order=order, defaults={"name": str(name), "count": count}
        )


@transaction.atomic
def demo_contests_seed(*, now: dt.datetime | None = None) -> tuple[Contest, Contest]:
    now = now or timezone.now()
    thanh_hoa, _ = Contest.objects.update_or_create(
        slug=THANH_HOA_SLUG,
        defaults={
            "name": "Cuộc thi trực tuyến tìm hiểu về chuyển đổi số tỉnh Thanh Hóa năm 2024",
            "organiser_name": "Ban Tổ chức Cuộc thi — Sở Thông tin và Truyền thông tỉnh Thanh Hóa",
            "summary": (
                "Cuộc thi nhằm lan tỏa sâu, rộng đến cán bộ, công chức, viên chức, người lao động, "
                "đoàn viên, hội viên và Nhân dân về chuyển đổi số, hưởng ứng Ngày Chuyển đổi số "
                "quốc gia 10/10. Cuộc thi tổ chức thành 04 đợt, mỗi đợt chấm và công bố giải riêng."
            ),
            "rules_document_number": "227/TL-BTC",
            "rules_document_date": dt.date(2024, 8, 29),
            "is_active": True,
        },
    )
    for number, start_day, end_day in THANH_HOA_ROUNDS:
        round, _ = Round.objects.update_or_create(
            contest=thanh_hoa,
            number=number,
            defaults={
                "name": f"Đợt {number}",
                "starts_at": local_midnight(start_day),
                "ends_at": local_midnight(end_day),
            },
        )
        _prize_tiers_seed(round)

    demo, _ = Contest.objects.get_or_create(
        slug=DEMO_SLUG,
        defaults={
            "name": "Cuộc thi trực tuyến tìm hiểu về chuyển đổi số (bản dùng thử)",
            "organiser_name": "Ban Tổ chức (dữ liệu mẫu)",
            "summary": (
                "Bản dùng thử của nền tảng: một đợt thi đang mở để bạn làm bài ngay, "
                "với ngân hàng câu hỏi về chuyển đổi số."
            ),
            "rules_document_number": "227/TL-BTC",
            "rules_document_date": dt.date(2024, 8, 29),
            "is_active": True,
        },
    )
    today = timezone.localtime(now, VIETNAM).date()
    round = Round.objects.filter(contest=demo, number=1).first()
    if round is None or not round.is_open_at(now):
        # Keep the demo round open whenever the demo is seeded again: today 00h → +28 days.
        round, _ = Round.objects.update_or_create(
            contest=demo,
            number=1,
            defaults={
                "name": "Đợt thi thử nghiệm",
                "starts_at": local_midnight(today),
                "ends_at": local_midnight(today + dt.timedelta(days=28)),
                "state": Round.State.SCHEDULED,
            },
        )
    _prize_tiers_seed(round)
    demo_practice_round_seed(contest=demo)
    if not Contest.objects.filter(is_current=True).exists():
        # The demo contest, with its round open, is the one the site shows.
        contest_make_current(contest_id=demo.pk, actor=None)
    return thanh_hoa, demo


# The practice round ("Thi thử") is always open: from before the contest to far ahead.
PRACTICE_NUMBER = 0
PRACTICE_STARTS = dt.date(2024, 8, 29)
PRACTICE_ENDS = dt.date(2099, 12, 31)


def demo_practice_round_seed(*, contest: Contest) -> Round:
    round, _ = Round.objects.update_or_create(
        contest=contest,
        number=PRACTICE_NUMBER,
        defaults={
            "name": "Thi thử",
            "is_practice": True,
            "starts_at": local_midnight(PRACTICE_STARTS),
            "ends_at": local_midnight(PRACTICE_ENDS),
        },
    )
    return round
