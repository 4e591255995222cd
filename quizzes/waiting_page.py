"""The waiting page of the 00h queue, rendered once per language and filled per request.

At the opening every press of "Vào thi" beyond what the site serves gets this page, and every
waiting person reloads it: thousands a second for the first seconds. The template runs once per
process and language with markers where the figures and the address go; a request only fills
them (core.slots: the person's position with ngettext, the seconds, the refresh and the
signed address), so the page costs about what an empty view does.
"""

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from core.slots import slot, slots_cut, slots_fill

_frames: dict[str, tuple[str, ...]] = {}


def _frame() -> tuple[str, ...]:
    """The page in the active language cut at its slots (core.slots)."""
    language = translation.get_language()
    frame = _frames.get(language)
    if frame is None:
        html = render_to_string(
            "quizzes/waiting.html",
            {
                "language": language,
                "figures": slot("figures"),
                "refresh_seconds": slot("refresh"),
                "retry_url": slot("url"),
            },
        )
        frame = _frames[language] = slots_cut(html)
    return frame


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
    return slots_fill(
        _frame(),
        {
            "figures": f"{escape(ahead)}\n      {escape(expected)}",
            "refresh": str(refresh_seconds),
            "url": escape(retry_url),
        },
    )
