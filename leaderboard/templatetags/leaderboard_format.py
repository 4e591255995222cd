from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def seconds(duration_ms: int | None) -> str:
    """A duration in milliseconds as seconds with the millisecond the ranking uses: 312,045."""
    if duration_ms is None:
        return "—"
    return number_format(duration_ms / 1000, decimal_pos=3)
