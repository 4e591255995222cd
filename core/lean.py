"""A shorter middleware stack for the hottest JSON endpoints (the autosave).

Every middleware of the site runs on every request; for the answer save most of them do
nothing useful (compressing a 40-byte JSON answer, a Content-Security-Policy or X-Frame-Options
header on a response no browser renders, the messages framework, allauth's login stages,
APPEND_SLASH). This middleware, placed early in MIDDLEWARE, sends the requests whose path
matches `LEAN_PATHS` through a second chain built from `LEAN_MIDDLEWARE` (sessions, CSRF,
authentication, language, security headers: all a JSON endpoint needs), the rest through the
full stack. The second chain is Django's own handler with another middleware list, so view
middleware (the CSRF check), exception handling and URL resolution are unchanged.
"""

import re

from django.conf import settings
from django.core.handlers.base import BaseHandler


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
        self.paths = re.compile("|".join(f"(?:{p})" for p in settings.LEAN_PATHS) or r"(?!)")
        self.lean = _LeanHandler(list(settings.LEAN_MIDDLEWARE))

    def __call__(self, request):
        if self.paths.match(request.path_info):
            # The chain only: the outer handler already set the URLconf and will log and
            # close the response (BaseHandler.get_response would do both a second time).
            return self.lean._middleware_chain(request)
        return self.get_response(request)
