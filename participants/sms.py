"""Pluggable SMS senders for phone verification codes (settings.SMS_SENDER), and the limits
every SMS passes first: per number (nobody's phone is flooded), then per address, then the
site's budget per hour (SMS_BUDGET_PER_HOUR), so that no one can run up the SMS bill."""

import logging
from functools import cache

from allauth.core import context
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.ratelimit import RateLimitExceeded, client_ip, limits_consume

logger = logging.getLogger(__name__)

# Messages "sent" by OutboxSmsSender, like django.core.mail.outbox, for tests.
outbox: list[tuple[str, str]] = []


class ConsoleSmsSender:
    """Development sender: writes the message to the log instead of sending it."""

    def send(self, *, phone: str, message: str) -> None:
        logger.warning("SMS to %s: %s", phone, message)


class OutboxSmsSender:
    def send(self, *, phone: str, message: str) -> None:
        outbox.append((phone, message))


@cache
def _sender():
    return import_string(settings.SMS_SENDER)()


def _sms_limits_consume(*, phone: str, purpose: str) -> None:
    """Raise RateLimitExceeded (a 429 with the time to retry) when this SMS is over a limit:
    the number's first, then the address's (a password reset has a lower one), then the
    budget; an SMS refused by one limit is counted by none."""
    request = context.request
    identities = {"phone": phone, "all": "site"}
    if request is not None:
        identities["ip"] = client_ip(request)
    spec = settings.RATE_LIMITS.get("sms", "")
    if purpose == "password_reset":
        spec = ",".join(filter(None, [spec, settings.RATE_LIMITS.get("sms_password_reset", "")]))
    budget = settings.SMS_BUDGET_PER_HOUR
    spec = ",".join(filter(None, [spec, f"{budget}/h/all" if budget else ""]))
    wait = limits_consume(scope="sms", identities=identities, spec=spec)
    if wait:
        logger.warning("SMS to %s refused by a limit (%s); retry in %d s", phone, purpose, wait)
        raise RateLimitExceeded(
            retry_after=wait,
            message=_(
                "Chưa gửi được tin nhắn tới số này vì đã gửi nhiều tin trong thời gian ngắn. "
                "Nếu bạn vừa đăng ký, tài khoản đã được tạo: khi hết thời gian chờ, hãy đăng "
                "nhập để nhận mã xác minh."
            ),
        )


def sms_send(*, phone: str, message: str, purpose: str = "verification") -> None:
    """Send one SMS within the limits (settings.RATE_LIMITS "sms", "sms_password_reset" and
    SMS_BUDGET_PER_HOUR); raises RateLimitExceeded instead of sending when over one."""
    _sms_limits_consume(phone=phone, purpose=purpose)
    _sender().send(phone=phone, message=message)
