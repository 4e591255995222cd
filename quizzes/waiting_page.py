"""The waiting page of the 00h queue, rendered once per language and filled per request.

At the opening every press of "Vào thi" beyond what the site serves gets this page, and every
waiting person reloads it: thousands a second for the first seconds. The template runs once per
process and language with markers where the figures and the address go; a request only fills
them (the person's position with ngettext, the seconds, the refresh and the signed address),
so the page costs about what an empty view does. The markers are private-use characters, and
the values are digits or an escaped URL of our own.
"""

import re

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

_frames: dict[str, tuple[str, ...]] = {}
_FIGURES, _REFRESH, _URL = "\ue010", "\ue011", "\ue012"


def _frame() -> tuple[str, ...]:
    """The page in the active language cut at its three markers (figures, refresh, url)."""
    language = translation.get_language()
    frame = _frames.get(language)
    if frame is None:
        html = render_to_string(
            "quizzes/waiting.html",
            {
                "language": language,
                "figures": _FIGURES,
                "refresh_seconds": _REFRESH,
                "retry_url": _URL,
            },
        )
        frame = _frames[language] = _cut(html)
    return frame


def _cut(html: str) -> tuple[str, ...]:
    """Fixed pieces and the markers between them, in order."""
    return tuple(re.split(f"([{_FIGURES}{_REFRESH}{_URL}])", html))


def waiting_page_html(*, position: int, seconds: int, refresh_seconds: int, retry_url: str) -> str:
    """The page for one waiting person, in the active language."""
    if position:
        ahead = ngettext(
            "Còn khoảng %(n)s người trước bạn.", "Còn khoảng %(n)s người trước bạn.", position
        ) % {"n": position}
    else:
        ahead = gettext("Bạn sắp đến lượt.")
    expected = ngettext("Dự kiến khoảng %(s)s giây.", "Dự kiến khoảng %(s)s giây.", seconds) % {
        "s": seconds
    }
    values = {
        _FIGURES: f"{escape(ahead)}\n      {escape(expected)}",
        _REFRESH: str(refresh_seconds),
        _URL: escape(retry_url),
    }
    return "".join(values.get(part, part) for part in _frame())
