"""The rows of a correction's preview (templates/admin/operations/_correction_preview.html)."""

from django import template

from leaderboard.publication import CorrectionRows, correction_rows

register = template.Library()


@register.filter
def preview_rows(moves: list[dict]) -> CorrectionRows:
    return correction_rows(moves=moves)
