"""HTML rendered once with named *slots*, filled in on every request by joining strings.

The quiz page (quizzes.page) and the 00h waiting page (quizzes.waiting_page) run their
template once (per attempt, per language) with a marker where each per-request value goes,
cut the result at the markers, and join the pieces with the values on each request: the
template language never runs on the hot path. The markers are private-use characters that no
text of ours contains, and every one is replaced before a byte leaves the server; the values
are built by the callers from digits, fixed strings and already-escaped HTML.
"""

import re

OPEN, CLOSE = "\ue000", "\ue001"
_SLOT = re.compile(f"{OPEN}([^{CLOSE}]*){CLOSE}")


def slot(name: str) -> str:
    """The marker of a slot, to put in the template's context or in HTML built in Python."""
    return f"{OPEN}{name}{CLOSE}"


def slots_cut(html: str) -> tuple[str, ...]:
    """The HTML cut at its slots: `parts[0::2]` are fixed HTML, `parts[1::2]` slot names."""
    return tuple(_SLOT.split(html))


def slots_fill(parts: tuple[str, ...], values: dict[str, str]) -> str:
    """The HTML with each slot replaced by its value ("" for a slot without one)."""
    out = list(parts)
    get = values.get
    for index in range(1, len(out), 2):
        out[index] = get(out[index], "")
    return "".join(out)
