"""The participant's attempt: start, quiz page, autosave, submit, result.
Thin: parse the request, call one service or selector, render."""

import json
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.admission import Admission, Place, place_due, place_read, place_take, start_rate
from core.ratelimit import client_ip, rate_limited, request_retry_after, too_many_requests
from participants.auth_backends import (
    session_auth_remember,
    session_claimed_user_id,
    session_claims,
    session_hash_matches,
)
from rounds.selectors import round_with_contest

from .page import page_html, page_shell_build, page_shell_cached, page_shell_key
from .save_pass import save_pass_read, save_pass_signed_in
from .selectors import (
    answers_revealed,
    attempt_counted,
    attempt_of_user,
    attempt_page_state,
    attempt_questions,
    choice_ids_from_tokens,
    participant_attempts,
    person_ranked_in,
)
from .services import (
    AttemptError,
    attempt_answer_record,
    attempt_finalize,
    attempt_session_check,
    attempt_start,
    attempt_submit,
)
from .waiting_page import waiting_page_html

# An autosave body is a few dozen bytes; anything much larger is refused before it is read.
SAVE_MAX_BYTES = 4096
# The longest a waiting page waits before it reloads itself.
WAIT_REFRESH_MAX_SECONDS = 60
# Row ids are 64-bit: SQLite's driver raises OverflowError on a larger number (500) where
# PostgreSQL merely finds nothing, so a bigger one is refused before any query.
ID_MAX = 2**63 - 1


def _refusal(request, error: AttemptError):
    return render(
        request,
        "quizzes/refused.html",
        {"message": str(error.message), "code": error.code},
        status=error.status,
    )


def _profile(request):
    """The participant profile loaded with the session's account (participants.auth_backends
    caches both): no query. Read-only here: profile edits go through participant_of."""
    return getattr(request.user, "participant", None)


def _json_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": str(message), "code": code}, status=status)


def _attempt_start(request, round_id: int):
    round = round_with_contest(round_id=round_id)
    if round is None:
        raise Http404(_("Không tìm thấy đợt thi."))
    participant = _profile(request)
    if participant is None:
        return _refusal(
            request,
            AttemptError(
                "no_profile", _("Tài khoản của bạn chưa có hồ sơ người dự thi."), status=403
            ),
        )
    try:
        started = attempt_start(
            participant=participant,
            round=round,
            session_key=request.session.session_key or "",
            client_ip=client_ip(request),
        )
    except AttemptError as error:
        return _refusal(request, error)
    if started.answers:
        # The new attempt's page, built now from the rows in hand: its first view reads no
        # more than a reload does.
        page_shell_build(
            request=request,
            attempt=started.attempt,
            questions=attempt_questions(
                attempt=started.attempt, rows=started.answers, contents=started.contents
            ),
        )
    if started.resumed:
        messages.info(request, _("Bạn đang có một lượt thi chưa nộp; tiếp tục làm bài."))
    elif started.shortened:
        messages.warning(
            request,
            _(
                "Lưu ý: đợt thi sắp kết thúc nên thời gian làm bài của bạn ngắn hơn "
                "thời gian quy định."
            ),
        )
    return redirect("quizzes:attempt", attempt_id=started.attempt.pk)


def _start_when_admitted(request, round_id: int, user_id: int, place: Place):
    """Start now if this place is due and the process has room, else (again) the waiting
    page, which keeps the place. The place was handed out on the session's word alone
    (session_claimed_user_id); starting makes Django's full check of the session first."""
    if place_due(place):
        if not request.user.is_authenticated or request.user.pk != user_id:
            return redirect_to_login(request.get_full_path())
        with Admission(scope="attempt_start", concurrency=settings.START_CONCURRENCY) as admitted:
            if admitted:
                return _attempt_start(request, round_id)
    now = time.time()
    seconds = max(int(place.seconds_left(now) + 0.999), 1)
    # At the slot (it is fixed: the figures on the page count down to it), and at least once
    # a minute in a long queue. Every refresh is a request at the busiest moment: refreshing
    # every 10 s made four to seven waiting pages per person in the 5,000-person rush (bench/).
    refresh_seconds = min(seconds, WAIT_REFRESH_MAX_SECONDS)
    response = HttpResponse(
        waiting_page_html(
            position=place.position(now, start_rate()),
            seconds=seconds,
            refresh_seconds=refresh_seconds,
            retry_url=reverse("quizzes:start_wait", args=[round_id])
            + "?"
            + urlencode({"cho": place.token}),
        )
    )
    response["Retry-After"] = str(refresh_seconds)
    return response


@require_POST
def attempt_start_view(request, round_id: int):
    """ "Vào thi": served at once while the site keeps up; beyond that, a place in the queue
    (core.admission) and the waiting page. At 00h most presses end on that page, so it is
    answered on the session's word and a Redis call, without loading the account."""
    user_id = session_claimed_user_id(request=request)
    if user_id is None:
        return redirect_to_login(request.get_full_path())
    wait = request_retry_after(request, scope="attempt_start", user_id=user_id)
    if wait:
        return too_many_requests(request, as_json=False, retry_after=wait)
    place = place_take(queue=f"start:{round_id}", owner=str(user_id), rate=start_rate())
    return _start_when_admitted(request, round_id, user_id, place)


@never_cache
def attempt_start_wait(request, round_id: int):
    """The waiting page's refresh (a GET, so that a meta refresh works without JavaScript):
    starts the attempt when the place carried in `cho` is due. Starting is idempotent (the
    attempt in progress is given back), and the place is signed for this account."""
    user_id = session_claimed_user_id(request=request)
    if user_id is None:
        return redirect_to_login(request.get_full_path())
    place = place_read(
        queue=f"start:{round_id}", owner=str(user_id), token=request.GET.get("cho", "")
    )
    if place is None:
        return _refusal(
            request,
            AttemptError(
                "queue_place_invalid",
                _("Lượt xếp hàng không hợp lệ hoặc đã hết hạn. Hãy bấm “Vào thi” lại."),
                status=400,
            ),
        )
    return _start_when_admitted(request, round_id, user_id, place)


def _attempt_or_404(request, attempt_id: int):
    attempt = attempt_of_user(attempt_id=attempt_id, user_id=request.user.pk)
    if attempt is None:
        raise Http404(_("Không tìm thấy lượt thi của bạn."))
    # The page header shows the person's name: reuse the profile loaded with the attempt.
    request.user.participant = attempt.participant
    return attempt


@never_cache
def attempt_page(request, attempt_id: int):
    """The quiz page: one cache round trip reads the session and the page rendered once for the
    attempt (quizzes/page.py); one query reads the attempt's changing values with its owner's
    password hash, against which the session is checked as Django checks it, without loading
    the account. When that cannot vouch for the session, Django's check (login_required's)."""
    shell_key = page_shell_key(attempt_id=attempt_id)
    claimed, session_hash, found = session_claims(
        session_key=request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""), keys=[shell_key]
    )
    state = attempt_page_state(attempt_id=attempt_id, user_id=claimed) if claimed else None
    if state is not None and session_hash_matches(
        session_hash=session_hash, password=state.account_password, is_active=state.account_active
    ):
        user_id, shell = claimed, found.get(shell_key)
    else:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        user_id = request.user.pk
        shell = page_shell_cached(attempt_id=attempt_id)
        if user_id != claimed or state is None:
            state = attempt_page_state(attempt_id=attempt_id, user_id=user_id)
    if state is None:
        raise Http404(_("Không tìm thấy lượt thi của bạn."))
    now = timezone.now()
    session_key = request.session.session_key
    settled = not state.bind_to_session or (
        state.session_key and state.session_key == (session_key or "")
    )
    if state.is_finished:
        return redirect("quizzes:result", attempt_id=attempt_id)
    if not settled or now >= state.deadline + state.grace or shell is None:
        # Rare: a session to bind or refuse, an attempt to finalise, or the page to render.
        attempt = _attempt_or_404(request, attempt_id)
        try:
            attempt_session_check(attempt=attempt, session_key=session_key)
        except AttemptError as error:
            return _refusal(request, error)
        if now >= attempt.deadline + attempt.round.contest.grace:
            attempt_finalize(attempt_id=attempt.pk, now=now)
            return redirect("quizzes:result", attempt_id=attempt.pk)
        if shell is None:
            shell = page_shell_build(request=request, attempt=attempt)
    return HttpResponse(
        page_html(request=request, shell=shell, state=state, now=now, user_id=user_id)
    )


def _save_payload(request):
    """The autosave's body: (seq, question id, option tokens, prediction), or a JSON error."""
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > SAVE_MAX_BYTES:
            raise RequestDataTooBig
        body = request.body
        if len(body) > SAVE_MAX_BYTES:
            raise RequestDataTooBig
    except RequestDataTooBig:  # refused before the body is read, when its length is declared
        return _json_error("too_large", _("Dữ liệu gửi lên quá lớn."), 413)
    except ValueError:  # a Content-Length that is not a number
        return _json_error("invalid_request", _("Dữ liệu gửi lên không hợp lệ."), 400)
    try:
        payload = json.loads(body or b"{}")
        if not isinstance(payload, dict):
            raise ValueError
        if any(isinstance(payload.get(k), bool) for k in ("seq", "question", "prediction")):
            raise ValueError
        seq = int(payload["seq"])
        question_id = payload.get("question")
        question_id = int(question_id) if question_id is not None else None
        if question_id is not None and not 0 < question_id <= ID_MAX:
            raise ValueError
        choices = payload.get("choices", [])
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            raise ValueError
        prediction = payload.get("prediction")
        if prediction is not None:
            if not isinstance(prediction, int | str):
                raise ValueError
            prediction = int(prediction)
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
        return _json_error("invalid_request", _("Dữ liệu gửi lên không hợp lệ."), 400)
    return seq, question_id, choices, prediction


# The CSRF check of a save made without a valid pass (quizzes.save_pass): Django's own.
_csrf_check = CsrfViewMiddleware(lambda request: None)


def _save_pass_vouched(request, *, attempt_id: int, question_id: int | None):
    """The save's pass (quizzes.save_pass) and the question's content when the pass was issued
    to this request's session for this attempt and the cache vouches that the session is still
    signed in as its owner; (None, None) otherwise."""
    token = request.META.get("HTTP_X_ATTEMPT_PASS")
    if not token:
        return None, None
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    save_pass = save_pass_read(token=token, attempt_id=attempt_id, session_key=session_key)
    if save_pass is None:
        return None, None
    signed_in, content = save_pass_signed_in(
        save_pass=save_pass, session_key=session_key, question_id=question_id
    )
    return (save_pass, content) if signed_in else (None, None)


def _answer_recorded(request, *, attempt_id: int, parsed, user_id: int, context, content) -> bool:
    """The save of a parsed body (_save_payload) for this account: True if stored, False if a
    newer one was; AttemptError when refused, with nothing written."""
    seq, question_id, choices, prediction = parsed
    return attempt_answer_record(
        user_id=user_id,
        attempt_id=attempt_id,
        seq=seq,
        question_id=question_id,
        choice_tokens=choices,
        prediction=prediction,
        session_key=request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""),
        context=context,
        content=content,
    )


def _save_answered(saved: bool, seq: int) -> HttpResponse:
    # What JsonResponse writes, without its encoder class: the most frequent answer of the site.
    return HttpResponse(
        b'{"ok": true, "saved": %s, "seq": %d}' % (b"true" if saved else b"false", seq),
        content_type="application/json",
    )


def answer_save_fast(request, *, attempt_id: int) -> HttpResponse | None:
    """The autosave's usual case, answered ahead of the middleware stack and URL resolution
    (core.lean, settings.LEAN_PATHS): a well-formed body with a valid pass of a session that
    the cache vouches for, within the rate limits, saved or found stale. None for anything
    else, and the view below answers with Django's checks, in the person's language; nothing
    is written before None (every AttemptError is raised before the save's one statement, or
    by a statement that changed nothing)."""
    if request.method != "POST" or attempt_id > ID_MAX:
        return None
    parsed = _save_payload(request)
    if isinstance(parsed, HttpResponse):
        return None
    seq, question_id = parsed[:2]
    save_pass, content = _save_pass_vouched(request, attempt_id=attempt_id, question_id=question_id)
    if save_pass is None:
        return None
    wait = request_retry_after(request, scope="answer_save", user_id=save_pass.user_id)
    # Counted once: the view answers a refusal (or an error) without counting it again.
    request.save_rate_counted = wait
    if wait:
        return None
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    try:
        saved = _answer_recorded(
            request,
            attempt_id=attempt_id,
            parsed=parsed,
            user_id=save_pass.user_id,
            context=save_pass.context(session_key=session_key),
            content=content,
        )
    except AttemptError:
        return None
    return _save_answered(saved, seq)


@csrf_exempt
@require_POST
def answer_save_view(request, attempt_id: int):
    """JSON autosave: {"question": id, "choices": [token…], "seq": n} or
    {"prediction": n, "seq": n}, with the page's signed pass in X-Attempt-Pass
    (quizzes.save_pass): the session is then checked from the cache without loading the
    account, and the attempt's facts come from the pass (the usual case is answered by
    answer_save_fast before the middleware; this view answers the rest). Without a pass, or
    when the cache cannot vouch for the session, Django's full check. No never_cache: a POST's
    answer is never stored by a cache without explicit freshness information (RFC 9110
    §9.3.3), and the headers cost CPU on the most frequent request of the site."""
    counted = getattr(request, "save_rate_counted", None)
    parsed = _save_payload(request)
    if isinstance(parsed, JsonResponse):
        # A bad body counts against the limits too (Django's check names the account).
        wait = request_retry_after(request, scope="answer_save")
        return too_many_requests(request, as_json=True, retry_after=wait) if wait else parsed
    seq, question_id = parsed[:2]
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    save_pass, content = _save_pass_vouched(request, attempt_id=attempt_id, question_id=question_id)
    context = None
    if save_pass is not None:
        user_id = save_pass.user_id
        context = save_pass.context(session_key=session_key)
    else:
        # No pass, a pass of another session (a login in another tab) or one the cache
        # cannot vouch for: Django's checks of the request (CSRF) and of the session, and
        # the cached attempt facts. A valid pass is itself the CSRF proof: a secret bound to
        # the session, printed only in the quiz page, sent in a header that no other site's
        # page can read or send (no CORS here).
        refused = _csrf_check.process_view(request, None, (), {})
        if refused is not None:
            return refused
        if not request.user.is_authenticated:
            return _json_error(
                "not_logged_in", _("Phiên đăng nhập đã hết, hãy đăng nhập lại."), 401
            )
        user_id = request.user.pk
        session_auth_remember(user=request.user)
    wait = (
        counted
        if counted is not None
        else request_retry_after(request, scope="answer_save", user_id=user_id)
    )
    if wait:
        return too_many_requests(request, as_json=True, retry_after=wait)
    try:
        saved = _answer_recorded(
            request,
            attempt_id=attempt_id,
            parsed=parsed,
            user_id=user_id,
            context=context,
            content=content,
        )
    except AttemptError as error:
        return _json_error(error.code, error.message, error.status)
    return _save_answered(saved, seq)


def _posted_answers(request, attempt_id: int) -> tuple[dict[int, list[int]], int | None]:
    """The answers a plain form submit carried: fields q<question id> = option tokens."""
    answers: dict[int, list[int]] = {}
    for key in request.POST:
        if not key.startswith("q") or not (key[1:].isascii() and key[1:].isdigit()):
            continue
        question_id = int(key[1:])
        if question_id > ID_MAX:
            raise AttemptError("invalid_choice", _("Phương án không thuộc câu hỏi này."))
        ids = choice_ids_from_tokens(
            attempt_id=attempt_id, question_id=question_id, tokens=request.POST.getlist(key)
        )
        if ids is None:
            raise AttemptError("invalid_choice", _("Phương án không thuộc câu hỏi này."))
        answers[question_id] = ids
    raw = request.POST.get("prediction", "").strip().replace(".", "")
    prediction = None
    if raw:
        # isdigit() alone accepts "²" and "١", which int() then refuses or reads.
        if not (raw.isascii() and raw.isdigit()):
            raise AttemptError(
                "invalid_prediction", _("Số dự đoán phải là số nguyên từ 0 đến 10.000.000.")
            )
        prediction = int(raw)
    return answers, prediction


@require_POST
@login_required
@rate_limited("attempt_submit", as_json=False)
def attempt_submit_view(request, attempt_id: int):
    participant = _profile(request)
    if participant is None:
        raise Http404(_("Không tìm thấy lượt thi của bạn."))
    try:
        answers, prediction = _posted_answers(request, attempt_id)
        # The service finds the attempt among this person's (404 otherwise) as it locks it.
        attempt_submit(
            participant_id=participant.pk,
            attempt_id=attempt_id,
            answers=answers,
            prediction=prediction,
            session_key=request.session.session_key,
        )
    except AttemptError as error:
        return _refusal(request, error)
    return redirect("quizzes:result", attempt_id=attempt_id)


@never_cache
@login_required
def attempt_result(request, attempt_id: int):
    attempt = _attempt_or_404(request, attempt_id)
    now = timezone.now()
    if not attempt.is_finished:
        if now < attempt.deadline + attempt.round.contest.grace:
            return redirect("quizzes:attempt", attempt_id=attempt.pk)
        attempt = attempt_finalize(attempt_id=attempt.pk, now=now)
        attempt = _attempt_or_404(request, attempt_id)
    reveal = answers_revealed(attempt=attempt, now=now)
    attempts = list(
        participant_attempts(participant=attempt.participant, round=attempt.round).select_related(
            "round__contest"
        )
    )
    counted = attempt_counted(attempts=attempts, round=attempt.round)
    if (
        counted
        and attempt.round.ranked_at
        and not person_ranked_in(
            participant=attempt.participant, is_staff=request.user.is_staff, round=attempt.round
        )
    ):
        counted = None  # not in the ranking at all
    context = {
        "attempt": attempt,
        "round": attempt.round,
        "contest": attempt.round.contest,
        "counted": counted,
        "attempts_left": (
            None  # unlimited in a practice round
            if attempt.round.is_practice
            else max(attempt.round.contest.attempts_per_round - len(attempts), 0)
        ),
        "round_open": attempt.round.is_open_at(now),
        "reveal": reveal,
        "questions": attempt_questions(attempt=attempt, reveal=reveal) if reveal else [],
    }
    return render(request, "quizzes/result.html", context)
