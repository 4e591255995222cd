"""The rows of a correction's preview (templates/admin/operations/_correction_preview.html)."""

from django import template

from ..selectors import CorrectionPreviewRows, correction_preview_rows

register = template.Library()


@register.filter
def preview_rows(moves: list[dict]) -> CorrectionPreviewRows:
    return correction_preview_rows(moves=moves)
