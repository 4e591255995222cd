"""A shorter way through the middleware for the hottest JSON endpoint (the autosave).

Every middleware of the site runs on every request; for the answer save most of them do
nothing useful (compressing a 40-byte JSON answer, a Content-Security-Policy or X-Frame-Options
header on a response no browser renders, the messages framework, allauth's login stages,
APPEND_SLASH). This middleware, placed early in MIDDLEWARE, takes the requests whose path
matches one of `LEAN_PATHS`:

- first to the path's *fast handler*, when it names one: a function that answers the usual
  case from the request alone (the autosave with a valid pass: quizzes.views.answer_save_fast)
  or returns None (or raises, logged): the request then goes on as below. Its answer passes
  Django's SecurityMiddleware (the HTTPS redirect, the security headers) and skips the rest of
  the stack and URL resolution (figures in bench/results/, issue 18);
- otherwise through a second chain built from `LEAN_MIDDLEWARE` (sessions, CSRF,
  authentication, language, security headers: all a JSON endpoint needs) to the view. That
  chain is Django's own handler with another middleware list, so view middleware (the CSRF
  check), exception handling and URL resolution are unchanged.

The rest of the site goes through the full stack.
"""

import logging
import re

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.middleware.security import SecurityMiddleware
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class _LeanHandler(BaseHandler):
    def __init__(self, middleware: list[str]):
        super().__init__()
        full = settings.MIDDLEWARE
        # load_middleware reads settings.MIDDLEWARE; it runs once, at start-up.
        settings.MIDDLEWARE = middleware
        try:
            self.load_middleware()
        finally:
            settings.MIDDLEWARE = full


class LeanPathsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.routes = [
            (re.compile(path), import_string(fast) if fast else None)
            for path, fast in settings.LEAN_PATHS.items()
        ]
        self.lean = _LeanHandler(list(settings.LEAN_MIDDLEWARE))
        self.security = SecurityMiddleware(lambda request: None)

    def route(self, path: str):
        """(match, fast handler or None) of the first lean path matching, else None."""
        for pattern, fast in self.routes:
            match = pattern.match(path)
            if match:
                return match, fast
        return None

    def __call__(self, request):
        route = self.route(request.path_info)
        if route is None:
            return self.get_response(request)
        match, fast = route
        if fast is not None:
            redirect = self.security.process_request(request)
            if redirect is not None:
                return self.security.process_response(request, redirect)
            try:
                response = fast(request, **{k: int(v) for k, v in match.groupdict().items()})
            except Exception:
                # The database unreachable, say: the view meets it again and answers as it
                # would (a 503 with Retry-After, in the person's language).
                logger.warning("fast handler failed, the view answers", exc_info=True)
                response = None
            if response is not None:
                return self.security.process_response(request, response)
        # The chain only: the outer handler already set the URLconf and will log and
        # close the response (BaseHandler.get_response would do both a second time).
        return self.lean._middleware_chain(request)
