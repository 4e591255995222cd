"""Before a round opens ("Kiểm tra trước giờ mở đợt"): everything an organiser would check by
hand, from every app's rules, in one list; and the alert to the organisers when a round opens
within a day with a check failing."""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.fonts import FONT_BOLD, FONT_REGULAR, font_path
from participants.services import ORGANISER_GROUP
from quizzes.bank_selectors import question_pool_counts
from quizzes.draw_rules import (
    RuleCheck,
    draw_rules_check,
    draw_rules_stored,
    round_revealed_excluded,
)
from quizzes.selectors import round_pool_reveal
from rounds.models import Round
from rounds.services import RoundStateError, round_overlap_check, round_window_warnings

logger = logging.getLogger(__name__)

ALERT_AHEAD = timedelta(hours=24)


@dataclass(frozen=True)
class PreflightCheck:
    title: str
    ok: bool
    details: list[str] = field(default_factory=list)
    # A warning to look at (keys already shown) rather than a fault that harms the round.
    blocking: bool = True
    rules: list[RuleCheck] = field(default_factory=list)


def _window_check(round: Round) -> PreflightCheck:
    details = round_window_warnings(starts_at=round.starts_at, ends_at=round.ends_at)
    ok = not details
    if not round.is_practice:
        try:
            round_overlap_check(
                contest_id=round.contest_id,
                starts_at=round.starts_at,
                ends_at=round.ends_at,
                exclude_id=round.pk,
            )
        except RoundStateError as error:
            details.append(str(error))
            ok = False
    start, end = timezone.localtime(round.starts_at), timezone.localtime(round.ends_at)
    details.insert(
        0,
        _("Mở %(starts)s → đóng %(ends)s (giờ Việt Nam).")
        % {"starts": start.strftime("%d/%m/%Y %H:%M"), "ends": end.strftime("%d/%m/%Y %H:%M")},
    )
    return PreflightCheck(title=_("Thời gian đợt thi"), ok=ok, details=details)


def _pool_checks(round: Round) -> list[PreflightCheck]:
    banks = list(round.contest.question_banks.order_by("name"))
    checks = [
        PreflightCheck(
            title=_("Ngân hàng câu hỏi của cuộc thi"),
            ok=bool(banks),
            details=[", ".join(bank.name for bank in banks)]
            if banks
            else [_("Cuộc thi chưa chọn ngân hàng câu hỏi nào: không rút được câu hỏi.")],
        )
    ]
    available = question_pool_counts(round=round, excluded_ids=round_revealed_excluded(round=round))
    rules = draw_rules_stored(round=round)
    wanted = round.contest.questions_per_attempt
    if rules:
        rule_checks = draw_rules_check(rules=rules, available=available)
        total = sum(count for _t, _d, count in rules)
        details = []
        if total != wanted:
            details.append(
                _("Tổng số câu của các quy tắc là %(total)d, phải bằng %(wanted)d.")
                % {"total": total, "wanted": wanted}
            )
        checks.append(
            PreflightCheck(
                title=_("Đủ câu hỏi cho từng quy tắc rút câu hỏi"),
                ok=total == wanted and all(check.ok for check in rule_checks),
                details=details,
                rules=rule_checks,
            )
        )
    else:
        have = sum(available.values())
        checks.append(
            PreflightCheck(
                title=_("Đủ câu hỏi cho từng quy tắc rút câu hỏi"),
                ok=have >= wanted,
                details=[
                    _("Không có quy tắc: rút %(wanted)d câu bất kỳ từ %(have)d câu đang sử dụng.")
                    % {"wanted": wanted, "have": have}
                ],
            )
        )
    reveal = round_pool_reveal(round=round)
    if not reveal.revealed:
        revealed_details = []
    elif reveal.allowed:
        revealed_details = [
            _(
                "%(n)d câu trong ngân hàng của đợt đã lộ đáp án ở các đợt trước; đợt này được "
                "phép rút lại các câu này."
            )
            % {"n": reveal.revealed}
        ]
    else:
        revealed_details = [
            _(
                "%(n)d câu trong ngân hàng của đợt đã lộ đáp án ở các đợt trước và không được "
                "rút ở đợt này."
            )
            % {"n": reveal.revealed}
        ]
    checks.append(
        PreflightCheck(
            title=_("Câu hỏi đã lộ đáp án ở đợt trước"),
            ok=reveal.revealed == 0,
            blocking=False,
            details=revealed_details,
        )
    )
    return checks


def _prize_check(round: Round) -> PreflightCheck:
    if round.is_practice:
        return PreflightCheck(title=_("Cơ cấu giải"), ok=True, details=[_("Đợt thi thử.")])
    tiers = list(round.prize_tiers.order_by("order"))
    return PreflightCheck(
        title=_("Cơ cấu giải"),
        ok=bool(tiers),
        details=[", ".join(f"{tier.name} × {tier.count}" for tier in tiers)]
        if tiers
        else [_("Đợt chưa có cơ cấu giải: sẽ không có giải nào được trao.")],
    )


def _site_url_problem() -> str | None:
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme != "https":
        return _("SITE_URL (%(url)s) không dùng https.") % {"url": settings.SITE_URL}
    host = (parts.hostname or "").lower()
    if host in {"localhost", "127.0.0.1", "0.0.0.0"} or host.endswith((".local", "example.com")):
        return _("SITE_URL (%(url)s) không phải địa chỉ công khai.") % {"url": settings.SITE_URL}
    return None


def _certificate_check(round: Round) -> PreflightCheck:
    details = []
    if not round.contest.organiser_name.strip():
        details.append(_("Chưa nhập “đơn vị tổ chức” của cuộc thi (in trên giấy chứng nhận)."))
    try:
        font_path(FONT_REGULAR), font_path(FONT_BOLD)
    except FileNotFoundError:
        details.append(_("Thiếu phông chữ tiếng Việt để in giấy chứng nhận."))
    problem = _site_url_problem()
    if problem:
        details.append(
            problem + " " + _("Mã QR và đường dẫn xác minh trên giấy chứng nhận sẽ sai.")
        )
    return PreflightCheck(
        title=_("Giấy chứng nhận và địa chỉ trang (SITE_URL)"),
        ok=not details,
        details=details or [settings.SITE_URL],
    )


def round_preflight(*, round: Round) -> list[PreflightCheck]:
    """Every check of a round before it opens, in the order an organiser reads them."""
    contest = round.contest
    published = PreflightCheck(
        title=_("Cuộc thi đã công bố"),
        ok=contest.is_active,
        details=[]
        if contest.is_active
        else [_("Cuộc thi còn là bản nháp: người dự thi không vào thi được.")],
    )
    return [
        published,
        _window_check(round),
        *_pool_checks(round),
        _prize_check(round),
        _certificate_check(round),
    ]


def preflight_failures(*, checks: list[PreflightCheck]) -> list[PreflightCheck]:
    return [check for check in checks if not check.ok and check.blocking]


def preflight_alerts_send(*, now: datetime | None = None) -> list[int]:
    """Tell the organisers, once a day per round and per set of failures, about each round
    opening within ALERT_AHEAD with a failing check: by e-mail to the organisers' group and
    in the log. Returns the ids of the rounds alerted."""
    now = now or timezone.now()
    alerted = []
    soon = Round.objects.filter(
        state=Round.State.SCHEDULED, starts_at__gt=now, starts_at__lte=now + ALERT_AHEAD
    ).select_related("contest")
    for round in soon.order_by("starts_at"):
        failures = preflight_failures(checks=round_preflight(round=round))
        if not failures:
            continue
        titles = sorted(check.title for check in failures)
        digest = hashlib.sha256("|".join(titles).encode()).hexdigest()[:16]
        key = f"preflight-alert:v1:{round.pk}:{digest}"
        if not cache.add(key, 1, timeout=24 * 3600):
            continue
        lines = [f"- {check.title}: {' '.join(check.details)}" for check in failures]
        link = settings.SITE_URL + reverse("admin:rounds_round_preflight", args=[round.pk])
        subject = _("[Cảnh báo] %(round)s mở lúc %(starts)s nhưng chưa sẵn sàng") % {
            "round": round,
            "starts": timezone.localtime(round.starts_at).strftime("%d/%m/%Y %H:%M"),
        }
        body = "\n".join([*lines, "", _("Kiểm tra trước giờ mở đợt: %(link)s") % {"link": link}])
        logger.warning("preflight: %s\n%s", subject, body)
        recipients = list(
            get_user_model()
            .objects.filter(groups__name=ORGANISER_GROUP, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
            .distinct()
        )
        if recipients:
            # The log line above is the alert of record; a mail server down must not stop
            # the other rounds' alerts.
            send_mail(subject, body, None, recipients, fail_silently=True)
        alerted.append(round.pk)
    return alerted
