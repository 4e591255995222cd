"""Django draws the admin's yes/no icons with alt="True"/"False" (not translated): the
overridden admin templates pass cells and read-only values through `boolean_alt`."""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.filter
def boolean_alt(html: str) -> str:
    if not isinstance(html, SafeString) or 'alt="' not in html:
        return html
    for english, vietnamese in (
        ('alt="True"', gettext("Có")),
        ('alt="False"', gettext("Không")),
        ('alt="None"', gettext("Chưa rõ")),
    ):
        html = html.replace(english, f'alt="{vietnamese}"')
    return mark_safe(html)  # only the fixed alt texts were replaced
