"""The history page's rank slot (quizzes cannot import leaderboard): the person's rank, prize
and certificate links per round, read once for the whole page."""

from django import template

from leaderboard.selectors import RoundRecognition, participant_recognition

register = template.Library()


@register.simple_tag
def recognition_by_round(user) -> dict[int, RoundRecognition]:
    if not user.is_authenticated:
        return {}
    return participant_recognition(user_id=user.pk)


@register.inclusion_tag("leaderboard/_round_recognition.html")
def round_recognition(recognition: dict[int, RoundRecognition], round_id: int) -> dict:
    return {"item": recognition.get(round_id)}
