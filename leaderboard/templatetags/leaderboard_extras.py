from django import template

from ..selectors import participant_round_results

register = template.Library()


@register.inclusion_tag("leaderboard/includes/round_standing.html", takes_context=True)
def round_standing(context, round):
    """The participant's published rank in `round`, with its tie-break values. The results of
    all rounds are read once per page render."""
    cache = context.render_context
    if "round_results" not in cache:
        participant = context.get("participant")
        cache["round_results"] = (
            participant_round_results(participant=participant) if participant else {}
        )
    return {"result": cache["round_results"].get(round.pk), "round": round}
