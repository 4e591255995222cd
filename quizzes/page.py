"""The quiz page of an attempt in progress, rendered once and filled in on every request.

What an attempt shows does not change after it starts (its questions, their texts, the
options in the attempt's order, the person's name, the round), except the options chosen,
the sequence numbers, the prediction, the time left, the CSRF token and any message. The
template is therefore rendered once per attempt and language with a marker in each of those
places (a *slot*), split at the markers and kept in the cache (`PageShell`); every request
reads the attempt's changing values from the database (`attempt_page_state`, one query: the
database stays the source of truth, so a reload shows exactly what is saved) and joins the
pieces with them. The template language never runs on the hot path (bench/: the page cost
seven empty views when its context was built and rendered on each request).

Slot values are built here from digits, fixed strings and already-escaped HTML; a slot never
carries text from a person. The markers are private-use characters, replaced before any byte
leaves the server; slots name choice ids, which never reach the page.
"""

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from html import escape as html_escape

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from core.a11y import page_classes
from core.csrf import csrf_token_masked
from core.slots import CLOSE, OPEN, slot, slots_cut, slots_fill

from .models import Attempt
from .save_pass import save_pass_issue
from .selectors import AttemptPageState, attempt_questions
from .templatetags.quiz_extras import clock_ms

# Autosave stops this long before the deadline, so it cannot race the final submit.
AUTOSAVE_STOP_SECONDS = 1
# Kept a little longer than the attempt can last; a missing shell is simply built again.
SHELL_EXTRA_SECONDS = 600
FRAME_CACHE_SECONDS = 300

_static_version = ""


def _shell_version() -> str:
    """Changes with every deployment that changes the static files (their hashed names are
    in the shell), so a new release never serves an old release's page."""
    global _static_version
    if not _static_version:
        # hashlib, not hash(): the same on every process and host (hash() is salted per run).
        names = f"{static('js/quiz.js')}|{static('css/site.css')}".encode()
        _static_version = hashlib.sha256(names).hexdigest()[:12]
    return _static_version


def _shell_key(attempt_id: int, language: str) -> str:
    return f"quiz-page:v3:{_shell_version()}:{attempt_id}:{language}"


@dataclass(frozen=True)
class PageShell:
    """The page cut at its slots: `parts[0::2]` are fixed HTML, `parts[1::2]` slot names."""

    parts: tuple[str, ...]
    saved_text: str  # "đã lưu" in the page's language
    save_url: str
    result_url: str

    def fill(self, values: dict[str, str]) -> str:
        return slots_fill(self.parts, values)


class _FrameUser:
    """The account as the frame's header sees it: its name is a slot (the frame is shared by
    every attempt of the round), whether it is an organiser is part of the frame's key."""

    is_authenticated = True

    def __init__(self, is_staff: bool):
        self.is_staff = is_staff

    def get_full_name(self) -> str:
        return slot("user_name")


class _FrameRequest:
    COOKIES: dict = {}

    def get_full_path(self) -> str:
        return slot("path")


_PER_REQUEST = (
    "html_class",
    "messages",
    "remaining_ms",
    "clock",
    "config",
    "prediction",
    "prediction_state",
    "prediction_text",
)
_PER_ATTEMPT = ("number", "submit_url", "questions", "user_name", "path")


def _frame(*, request, round, is_staff: bool) -> str:
    """The page of a round's attempts with every per-attempt and per-request value as a slot:
    rendered by the template once per round, language and kind of account, kept briefly (an
    organiser's change of the round's name or prediction question shows within minutes on
    pages built afterwards)."""
    key = (
        f"quiz-frame:v1:{_shell_version()}:{round.pk}:{translation.get_language()}:{int(is_staff)}"
    )
    html = cache.get(key)
    if html is None:
        context = {
            "round": round,
            "contest": round.contest,
            "slot": {name: slot(name) for name in (*_PER_REQUEST, *_PER_ATTEMPT)},
            "csrf_token": slot("csrf"),
            "user": _FrameUser(is_staff),
            "request": _FrameRequest(),
        }
        html = render_to_string("quizzes/attempt.html", context, request=request)
        cache.set(key, html, FRAME_CACHE_SECONDS)
    return html


@functools.lru_cache(maxsize=8192)
def _question_text_html(text: str) -> str:
    return str(linebreaksbr(text, autoescape=True))


@functools.lru_cache(maxsize=32768)
def _text_html(text: str) -> str:
    return html_escape(text)


def _questions_html(questions) -> str:
    """The attempt's questions, options in its order, with slots for what each request fills
    in. Written in Python, not in the template: it runs once per attempt (20 questions × 4
    options), at the 00h rush thousands of times a minute; the escaped texts of a bank are
    kept per process (a few hundred questions)."""
    kind_note = (
        f'          <span class="qkind">{_text_html(_("(chọn tất cả phương án đúng)"))}</span>\n'
    )
    number_format = _("Câu %(n)s")
    out = []
    for q in questions:
        multiple = q.kind == "multiple"
        qid = q.question_id
        number = html_escape(number_format % {"n": q.position})
        out.append(
            f'    <li class="question" id="cau-{q.position}" data-question="{qid}" '
            f'data-seq="{OPEN}seq:{qid}{CLOSE}">\n      <fieldset>\n'
            f'        <legend><span class="qnum">{number}.</span> '
            f"{_question_text_html(q.text)}\n"
            + (kind_note if multiple else "")
            + "        </legend>\n"
        )
        kind = "checkbox" if multiple else "radio"
        for option, choice_id in zip(q.options, q.choice_ids, strict=True):
            out.append(
                f'          <label class="option">\n            <input type="{kind}" '
                f'name="q{qid}" value="{option.token}"{OPEN}c:{choice_id}{CLOSE}>\n'
                f"            <span>{_text_html(option.text)}</span>\n          </label>\n"
            )
        out.append(
            f'        <p class="save-state" data-save-state{OPEN}saved:{qid}{CLOSE}>'
            f"{OPEN}savedtext:{qid}{CLOSE}</p>\n      </fieldset>\n    </li>\n"
        )
    return "".join(out)


def page_shell_build(*, request, attempt: Attempt, questions=None) -> PageShell:
    """The page of this attempt in the request's language, kept for the attempt's lifetime.
    `attempt` comes with its round, contest and participant; `questions` (its
    `attempt_questions`) spares their query when the caller has them."""
    user = request.user
    html = _frame(request=request, round=attempt.round, is_staff=user.is_staff)
    name = attempt.participant.full_name or _("Hồ sơ của tôi")
    per_attempt = {
        "number": str(attempt.number),
        "submit_url": reverse("quizzes:submit", args=[attempt.pk]),
        "questions": _questions_html(
            questions if questions is not None else attempt_questions(attempt=attempt)
        ),
        "user_name": escape(name),
        "path": escape(request.get_full_path()),
    }
    for name, value in per_attempt.items():
        html = html.replace(slot(name), value)
    shell = PageShell(
        parts=slots_cut(html),
        saved_text=_("đã lưu"),
        save_url=reverse("quizzes:save", kwargs={"attempt_id": attempt.pk}),
        result_url=reverse("quizzes:result", kwargs={"attempt_id": attempt.pk}),
    )
    lifetime = (attempt.deadline - attempt.started_at).total_seconds() + SHELL_EXTRA_SECONDS
    cache.set(_shell_key(attempt.pk, translation.get_language()), shell, max(int(lifetime), 600))
    return shell


def page_shell_cached(*, attempt_id: int) -> PageShell | None:
    return cache.get(page_shell_key(attempt_id=attempt_id))


def page_shell_key(*, attempt_id: int) -> str:
    """The cache key of the attempt's page in the request's language (read by the caller
    together with the session, in one round trip)."""
    return _shell_key(attempt_id, translation.get_language())


def _messages_html(request) -> str:
    messages = list(get_messages(request))
    if not messages:
        return ""
    return render_to_string("includes/messages.html", {"messages": messages})


def _config_script(config: dict) -> str:
    """What Django's json_script(config, "quiz-config") prints, with the C JSON encoder: its
    DjangoJSONEncoder (a subclass) falls back to the pure-Python one, a tenth of the page's
    CPU for six plain values (numbers and ASCII strings). The three escapes by str.replace, a
    C scan each: str.translate with a dict looks every character up, as long as the encoding."""
    body = (
        json.dumps(config).replace(">", "\\u003E").replace("<", "\\u003C").replace("&", "\\u0026")
    )
    return f'<script id="quiz-config" type="application/json">{body}</script>'


def page_html(
    *, request, shell: PageShell, state: AttemptPageState, now: datetime, user_id: int
) -> str:
    """The page of an attempt in progress for this request: the shell with the attempt's
    saved answers, sequence numbers, prediction and time left."""
    remaining_ms = max(int((state.deadline - now).total_seconds() * 1000), 0)
    session_key = request.session.session_key or ""
    config = {
        "saveUrl": shell.save_url,
        # The autosave's pass for this session (quizzes.save_pass): no key, no secret, only
        # the attempt's own facts and a signature.
        "savePass": save_pass_issue(
            attempt_id=state.attempt_id,
            participant_id=state.participant_id,
            user_id=user_id,
            deadline=state.deadline,
            grace=state.grace,
            bound=state.bind_to_session,
            session_key=session_key,
        )
        if session_key
        else "",
        "resultUrl": shell.result_url,
        "remainingMs": remaining_ms,
        "stopBeforeMs": AUTOSAVE_STOP_SECONDS * 1000,
        "predictionSeq": state.prediction_seq,
    }
    saved_state, saved_text = ' data-state="saved"', shell.saved_text
    values = {
        "csrf": csrf_token_masked(request),
        "html_class": page_classes(request.COOKIES),
        "messages": _messages_html(request),
        "remaining_ms": str(remaining_ms),
        "clock": clock_ms(remaining_ms),
        "config": _config_script(config),
    }
    if state.prediction is not None:
        values["prediction"] = str(state.prediction)
        values["prediction_state"] = saved_state
        values["prediction_text"] = saved_text
    for question_id, (selected, seq) in state.answers.items():
        values[f"seq:{question_id}"] = str(seq)
        if selected:
            values[f"saved:{question_id}"] = saved_state
            values[f"savedtext:{question_id}"] = saved_text
            for choice_id in selected:
                values[f"c:{choice_id}"] = " checked"
    return shell.fill(values)
