"""A participant's own data, as they may download it (Vietnam's personal data protection
rules: Nghị định 13/2023/NĐ-CP)."""

from typing import Any

from django.utils import timezone

from core.audit import audit_log_record
from participants.models import Participant, User
from quizzes.models import Attempt

from .models import Award, RoundResult


def _local(moment) -> str | None:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M:%S") if moment else None


def participant_data_export(*, participant: Participant) -> dict[str, Any]:
    """Everything stored about the person: account, profile, attempts, results, prizes."""
    user = participant.user
    attempts = (
        Attempt.objects.filter(participant=participant)
        .select_related("round__contest")
        .order_by("round__contest_id", "round__number", "number")
    )
    results = RoundResult.objects.filter(participant=participant).select_related("round")
    awards = Award.objects.filter(participant=participant).select_related("round", "tier")
    return {
        "tai_khoan": {
            "so_dien_thoai": user.phone_display,
            "email": user.email,
            "ngay_dang_ky": _local(user.date_joined),
            "dang_nhap_gan_nhat": _local(user.last_login),
        },
        "ho_so": {
            "ho_ten": participant.full_name,
            "ngay_sinh": participant.date_of_birth.strftime("%d/%m/%Y")
            if participant.date_of_birth
            else None,
            "gioi_tinh": participant.get_gender_display(),
            "cccd": participant.cccd,
            "don_vi": participant.unit.name if participant.unit else None,
            "noi_o": participant.locality,
            "dong_y_thong_bao_du_lieu": participant.privacy_consent_version,
            "dong_y_luc": _local(participant.privacy_consent_at),
        },
        "luot_thi": [
            {
                "cuoc_thi": attempt.round.contest.name,
                "dot_thi": attempt.round.name,
                "luot": attempt.number,
                "trang_thai": attempt.get_state_display(),
                "bat_dau": _local(attempt.started_at),
                "nop_bai": _local(attempt.submitted_at),
                "diem": attempt.score,
                "thoi_gian_ms": attempt.duration_ms,
                "du_doan": attempt.prediction,
                "dia_chi_ip": attempt.client_ip,
            }
            for attempt in attempts
        ],
        "ket_qua": [{"dot_thi": r.round.name, "hang": r.rank, "diem": r.score} for r in results],
        "giai_thuong": [{"dot_thi": a.round.name, "giai": a.tier.name} for a in awards],
    }


def participant_data_download(*, participant: Participant, actor: User) -> dict[str, Any]:
    """The person's data as they download it, logged (who downloaded whose data)."""
    audit_log_record(actor=actor, action="own_data_download", target=participant)
    return participant_data_export(participant=participant)
