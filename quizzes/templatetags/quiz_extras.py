from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration_ms(value) -> str:
    """125_430 → '2 phút 05,430 giây' (the precision the ranking uses)."""
    if value is None:
        return ""
    minutes, ms = divmod(int(value), 60_000)
    seconds, ms = divmod(ms, 1000)
    if minutes:
        return _("%(m)d phút %(s)02d,%(ms)03d giây") % {"m": minutes, "s": seconds, "ms": ms}
    return _("%(s)d,%(ms)03d giây") % {"s": seconds, "ms": ms}


@register.filter
def clock_ms(value) -> str:
    """The countdown as the quiz page first shows it, before its script runs: 905_400 → '15:06'
    (whole seconds rounded up, as the script does)."""
    if value is None:
        return ""
    total = -(-int(value) // 1000)
    return f"{total // 60:02d}:{total % 60:02d}"
