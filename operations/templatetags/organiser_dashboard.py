"""The admin index's dashboard of the current contest (templates/admin/index.html)."""

from django import template

from ..selectors import admin_dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def current_contest_dashboard(context):
    """The dashboard for organisers who may see rounds; None for other staff."""
    request = context.get("request")
    if request is None or not request.user.has_perm("rounds.view_round"):
        return None
    return admin_dashboard()
