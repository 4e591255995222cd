"""Request ids and JSON logs.

Every request gets an id: the proxy's X-Request-ID when it sent a well-formed one (nginx sets
it, so the access log, gunicorn and Django agree), else a new one. The id is returned in the
response header and attached to every log record written while the request runs, errors
included, so an operator can go from a participant's complaint to the log lines.
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

REQUEST_ID_HEADER = "X-Request-ID"
# nginx's $request_id is 32 hex digits; accept similar tokens, refuse anything that could
# inject into a log line or a header.
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
_current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def request_id_current() -> str:
    """The id of the request being handled by this thread, "-" outside a request."""
    return _current_request_id.get()


class RequestIdMiddleware:
    """First in MIDDLEWARE, so that errors logged by Django's handler carry the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # META, not request.headers: building the headers' mapping costs more than the rest
        # of this middleware, on every request.
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _WELL_FORMED.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record: the running request's, or the one of the request
    Django passes along when it logs a 4xx/5xx after the middleware returned."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or _current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors (Loki, ELK, journald, docker logs)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        status_code = getattr(record, "status_code", None)
        if status_code is not None:
            entry["status_code"] = status_code
        request = getattr(record, "request", None)
        if hasattr(request, "path") and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = request.path
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
