"""Phone numbers as people write them: {{ user.phone|phone_national }} → 0912 345 678."""

from django import template

from participants.phones import national_format

register = template.Library()


@register.filter
def phone_national(phone) -> str:
    return national_format(str(phone or ""))
