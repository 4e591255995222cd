"""Pluggable SMS senders for phone verification codes (settings.SMS_SENDER)."""

import logging
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

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


def sms_send(*, phone: str, message: str) -> None:
    _sender().send(phone=phone, message=message)
