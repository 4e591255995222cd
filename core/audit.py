"""The audit log: semantic entries ("round_publish", "export_unit_people", …) written by the
service that carries the action out, in its transaction, like Zulip's RealmAuditLog. Kept
rather than django-auditlog: that library records field diffs of model saves, which would log
every autosave and miss what matters here (an export, a publication, who saw personal data)."""

import json
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import AuditLogEntry

# What organisers read in the log for each action code (the code stays in the database).
AUDIT_ACTION_LABELS = {
    "account_phone_change": _("Đổi số điện thoại đăng nhập"),
    "contest_banks_add": _("Gắn ngân hàng câu hỏi vào cuộc thi"),
    "contest_copy": _("Sao chép cuộc thi"),
    "contest_create": _("Tạo cuộc thi"),
    "contest_make_current": _("Đặt làm cuộc thi hiện tại"),
    "contest_publish": _("Công bố cuộc thi"),
    "contest_unpublish": _("Chuyển cuộc thi về bản nháp"),
    "questions_activate": _("Bật câu hỏi"),
    "season_create": _("Tạo các đợt thi của mùa thi"),
    "attempt_session_unlock": _("Mở khóa phiên làm bài"),
    "certificates_prize_zip": _("Tải chứng nhận đạt giải"),
    "disqualification_create": _("Loại khỏi cuộc thi"),
    "disqualification_change": _("Sửa quyết định loại"),
    "disqualification_delete": _("Hủy quyết định loại"),
    "export_round_ranking": _("Xuất bảng xếp hạng đợt"),
    "export_unit_people": _("Xuất danh sách người dự thi của đơn vị"),
    "export_winners": _("Xuất danh sách đạt giải"),
    "own_data_download": _("Người dự thi tải dữ liệu của mình"),
    "participant_anonymise": _("Ẩn danh người dự thi"),
    "participant_disqualify": _("Loại người dự thi"),
    "personal_data_view": _("Xem dữ liệu cá nhân"),
    "personal_data_search": _("Tìm theo số điện thoại hoặc CCCD"),
    "view_unit_people": _("Xem danh sách người dự thi của đơn vị"),
    "question_delete": _("Xóa câu hỏi"),
    "question_key_change": _("Đổi đáp án câu hỏi"),
    "question_rescore": _("Chấm lại câu hỏi"),
    "questions_deactivate": _("Ngừng dùng câu hỏi"),
    "questions_import": _("Nhập câu hỏi"),
    "report_committee_summary": _("Tạo báo cáo tổng kết"),
    "report_unit_document": _("Tạo báo cáo đơn vị"),
    "round_close": _("Đóng đợt thi"),
    "round_publish": _("Công bố kết quả"),
    "round_rank": _("Xếp hạng đợt thi"),
    "round_unpublish": _("Thu hồi công bố kết quả"),
    "tie_decision": _("Quyết định giải đồng hạng"),
    "units_import": _("Nhập danh sách đơn vị"),
}
# The details' keys, as organisers read them.
AUDIT_DETAIL_LABELS = {
    "answers_changed": _("Số câu trả lời thay đổi"),
    "attempt_ids": _("Các lượt thi"),
    "attempts": _("Số lượt thi"),
    "content": _("Nội dung"),
    "content_type": _("Loại nội dung"),
    "contest": _("Cuộc thi"),
    "contest_id": _("Cuộc thi"),
    "correct": _("Đáp án đúng"),
    "created": _("Số mục tạo mới"),
    "details": _("Chi tiết"),
    "file": _("Tệp"),
    "filename": _("Tên tệp"),
    "format": _("Định dạng"),
    "group": _("Nhóm đồng hạng"),
    "outcome": _("Quyết định"),
    "full_personal_data": _("Thấy đủ dữ liệu cá nhân"),
    "is_practice": _("Đợt thi thử"),
    "new_phone": _("Số điện thoại mới"),
    "participant_id": _("Người dự thi"),
    "previous_phone": _("Số điện thoại trước đó"),
    "prediction_actual": _("Đáp số câu dự đoán"),
    "previous_correct": _("Đáp án trước đó"),
    "reason": _("Lý do"),
    "reranked_rounds": _("Các đợt xếp hạng lại"),
    "results": _("Số kết quả"),
    "round": _("Đợt thi"),
    "target_id": _("Mã đối tượng"),
    "target_type": _("Loại đối tượng"),
    "ties_to_decide": _("Số trường hợp đồng hạng cần quyết định"),
    "tier": _("Giải"),
    "took_part_only": _("Chỉ người đã dự thi"),
    "unit_ids": _("Các đơn vị"),
    "updated": _("Số mục cập nhật"),
    "used_in_attempts": _("Đã dùng trong lượt thi"),
    "winners": _("Người nhận giải"),
}


def audit_action_label(code: str) -> str:
    """The action in Vietnamese ("round_publish" → "Công bố kết quả")."""
    label = AUDIT_ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def audit_target_label(target_type: str) -> str:
    """The kind of object acted on, by its model's name ("participants.Unit" → "Đơn vị")."""
    if not target_type:
        return ""
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return target_type
    return str(model._meta.verbose_name).capitalize()


def _detail_value(value: Any) -> str:
    if value is True:
        return gettext("Có")
    if value is False:
        return gettext("Không")
    if value is None:
        return "—"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def audit_details_lines(details: dict) -> list[tuple[str, str]]:
    """The details as (Vietnamese label, value) pairs."""
    return [
        (str(AUDIT_DETAIL_LABELS.get(key, key)), _detail_value(value))
        for key, value in (details or {}).items()
    ]


def audit_log_record(
    *, actor: Any | None, action: str, target: models.Model | None = None, **details: Any
) -> AuditLogEntry:
    """Record an organiser action or an export of personal data. `actor` is the account that
    acted (anonymous or None: recorded without one)."""
    return AuditLogEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=details,
    )
