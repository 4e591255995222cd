"""The participant's attempt: start, quiz page, autosave, submit, result.
Thin: parse the request, call one service or selector, render."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.ratelimit import client_ip, rate_limited
from rounds.models import Round

from .selectors import (
    answers_revealed,
    attempt_counted,
    attempt_of_user,
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

# Autosave stops this long before the deadline, so it cannot race the final submit.
AUTOSAVE_STOP_SECONDS = 1
# An autosave body is a few dozen bytes; anything much larger is refused before it is read.
SAVE_MAX_BYTES = 4096


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


@require_POST
@login_required
@rate_limited("attempt_start", as_json=False)
def attempt_start_view(request, round_id: int):
    round = get_object_or_404(Round.objects.select_related("contest"), pk=round_id)
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


def _attempt_or_404(request, attempt_id: int):
    attempt = attempt_of_user(attempt_id=attempt_id, user_id=request.user.pk)
    if attempt is None:
        raise Http404(_("Không tìm thấy lượt thi của bạn."))
    # The page header shows the person's name: reuse the profile loaded with the attempt.
    request.user.participant = attempt.participant
    return attempt


@never_cache
@login_required
def attempt_page(request, attempt_id: int):
    attempt = _attempt_or_404(request, attempt_id)
    try:
        attempt_session_check(attempt=attempt, session_key=request.session.session_key)
    except AttemptError as error:
        return _refusal(request, error)
    now = timezone.now()
    if not attempt.is_finished and now >= attempt.deadline + attempt.round.contest.grace:
        attempt = attempt_finalize(attempt_id=attempt.pk, now=now)
    if attempt.is_finished:
        return redirect("quizzes:result", attempt_id=attempt.pk)
    remaining_ms = max(int((attempt.deadline - now).total_seconds() * 1000), 0)
    context = {
        "attempt": attempt,
        "contest": attempt.round.contest,
        "questions": attempt_questions(attempt=attempt),
        "remaining_ms": remaining_ms,
        "quiz_config": {
            "saveUrl": reverse("quizzes:save", kwargs={"attempt_id": attempt.pk}),
            "resultUrl": reverse("quizzes:result", kwargs={"attempt_id": attempt.pk}),
            "remainingMs": remaining_ms,
            "stopBeforeMs": AUTOSAVE_STOP_SECONDS * 1000,
            "predictionSeq": attempt.prediction_seq,
        },
    }
    return render(request, "quizzes/attempt.html", context)


@never_cache
@require_POST
@rate_limited("answer_save", as_json=True)
def answer_save_view(request, attempt_id: int):
    """JSON autosave: {"question": id, "choices": [token…], "seq": n} or
    {"prediction": n, "seq": n}."""
    if not request.user.is_authenticated:
        return _json_error("not_logged_in", _("Phiên đăng nhập đã hết, hãy đăng nhập lại."), 401)
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
    try:
        saved = attempt_answer_record(
            user_id=request.user.pk,
            attempt_id=attempt_id,
            seq=seq,
            question_id=question_id,
            choice_tokens=choices,
            prediction=prediction,
            session_key=request.session.session_key,
        )
    except AttemptError as error:
        return _json_error(error.code, error.message, error.status)
    return JsonResponse({"ok": True, "saved": saved, "seq": seq})


def _posted_answers(request, attempt_id: int) -> tuple[dict[int, list[int]], int | None]:
    """The answers a plain form submit carried: fields q<question id> = option tokens."""
    answers: dict[int, list[int]] = {}
    for key in request.POST:
        if not key.startswith("q") or not key[1:].isdigit():
            continue
        question_id = int(key[1:])
        ids = choice_ids_from_tokens(
            attempt_id=attempt_id, question_id=question_id, tokens=request.POST.getlist(key)
        )
        if ids is None:
            raise AttemptError("invalid_choice", _("Phương án không thuộc câu hỏi này."))
        answers[question_id] = ids
    raw = request.POST.get("prediction", "").strip().replace(".", "")
    prediction = None
    if raw:
        if not raw.isdigit():
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
