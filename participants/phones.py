"""Vietnamese mobile numbers: one normal form (E.164, +84xxxxxxxxx) for storage and login."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Mobile prefixes after the 2018 renumbering: 03x, 05x, 07x, 08x, 09x, then 8 digits. ASCII
# digits only: `\d` alone also matched "１" or "٨", which the database's check then refused (500).
_MOBILE_NATIONAL = re.compile(r"^0[35789][0-9]{8}$")
_SEPARATORS = re.compile(r"[\s.\-()]")

INVALID_PHONE_MESSAGE = _(
    "Số điện thoại không hợp lệ. Hãy nhập số di động Việt Nam gồm 10 chữ số, ví dụ 0912 345 678."
)


def normalize_phone(raw: str) -> str:
    """Return the E.164 form (+84…) of a Vietnamese mobile number, or raise ValidationError."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not _MOBILE_NATIONAL.match(digits):
        raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone")
    return "+84" + digits[1:]


def national_format(phone: str) -> str:
    """+84912345678 → 0912 345 678, as people write it."""
    if phone.startswith("+84") and len(phone) == 12:
        local = "0" + phone[3:]
        return f"{local[:4]} {local[4:7]} {local[7:]}"
    return phone


def mask_phone(phone: str) -> str:
    """+84912345678 → 09******78, for public pages."""
    if not phone:
        return ""
    local = "0" + phone[3:] if phone.startswith("+84") else phone
    return local[:2] + "*" * max(len(local) - 4, 0) + local[-2:]


def mask_cccd(cccd: str) -> str:
    if not cccd:
        return ""
    return cccd[:3] + "*" * max(len(cccd) - 5, 0) + cccd[-2:]
