"""The autosave's pass: the attempt's fixed facts, signed into the quiz page for one session.

Every tap on an option is a save, the most frequent request of the site. Instead of reading the
attempt's facts (owner, deadline, grace, session rule) from the cache and loading the account
on each one, the quiz page gives its script a pass (`save_pass_issue`): those facts with an
HMAC over them and the page's session key. A save that carries it (header X-Attempt-Pass) is
checked by the HMAC, by the session cookie it was issued to, and by the session still being
signed in as its owner with the account's current password (`save_pass_signed_in`, one cache
round trip that also reads the question): a pass stolen without its cookie is useless, and a
logout, a password change or a deactivation ends it. The database still has the last word: the
save's one statement checks the owner, the state and the deadline on the attempt row itself
(and the bound session, when the contest binds attempts to sessions).
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache

from participants.auth_backends import session_auth_keys, session_auth_valid

from .selectors import AttemptSaveContext, QuestionContent, _question_cache_key

_SALT = b"quizzes.save_pass.v1"
_key_cache: dict[str, bytes] = {}


def _key() -> bytes:
    secret = settings.SECRET_KEY
    key = _key_cache.get(secret)
    if key is None:
        key = _key_cache[secret] = hashlib.sha256(_SALT + secret.encode()).digest()
    return key


def _signature(payload: str, session_key: str) -> str:
    message = f"{payload}|{session_key}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class SavePass:
    attempt_id: int
    participant_id: int
    user_id: int
    deadline_ms: int
    grace_ms: int
    bound: bool  # the contest binds the attempt to this session

    def context(self, *, session_key: str) -> AttemptSaveContext:
        grace = timedelta(milliseconds=self.grace_ms)
        return AttemptSaveContext(
            attempt_id=self.attempt_id,
            participant_id=self.participant_id,
            user_id=self.user_id,
            round_id=0,  # not needed by a save
            deadline_with_grace_seconds=(self.deadline_ms + self.grace_ms) / 1000,
            grace=grace,
            bound_session_key=session_key if self.bound else "",
        )


def save_pass_issue(
    *,
    attempt_id: int,
    participant_id: int,
    user_id: int,
    deadline,
    grace: timedelta,
    bound: bool,
    session_key: str,
) -> str:
    """The pass of one attempt's page for one session."""
    payload = (
        f"{attempt_id}.{participant_id}.{user_id}.{int(deadline.timestamp() * 1000)}."
        f"{int(grace.total_seconds() * 1000)}.{int(bound)}"
    )
    return f"{payload}.{_signature(payload, session_key)}"


def save_pass_read(*, token: str, attempt_id: int, session_key: str) -> SavePass | None:
    """The pass's facts if it was issued for this attempt to this session, else None."""
    if not session_key or len(token) > 200:
        return None
    payload, _, signature = token.rpartition(".")
    if not payload or not hmac.compare_digest(signature, _signature(payload, session_key)):
        return None
    try:
        attempt, participant, user, deadline_ms, grace_ms, bound = map(int, payload.split("."))
    except ValueError:
        return None
    if attempt != attempt_id:
        return None
    return SavePass(attempt, participant, user, deadline_ms, grace_ms, bool(bound))


def save_pass_signed_in(
    *, save_pass: SavePass, session_key: str, question_id: int | None
) -> tuple[bool, QuestionContent | None]:
    """Whether the session is still signed in as the pass's owner with the account's current
    password, and the question's content, in one cache round trip. False also when a value is
    missing from the cache: the caller then makes Django's full check."""
    keys = session_auth_keys(session_key=session_key, user_id=save_pass.user_id)
    if keys is None:
        return False, None
    wanted = [*keys]
    if question_id is not None:
        wanted.append(_question_cache_key(question_id))
    found = cache.get_many(wanted)
    signed_in = session_auth_valid(
        session_data=found.get(keys[0]), auth_hash=found.get(keys[1]), user_id=save_pass.user_id
    )
    content = found.get(wanted[2]) if question_id is not None else None
    return signed_in, content
