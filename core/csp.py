"""django-csp's middleware, with the policy built once per process when nothing varies it.

django-csp builds the header from settings on every response, twice (the policy and the
report-only policy), though ours has no nonce and no view changes it: on the quiz page that
was a larger cost than filling in the page. A response whose policy can vary (a view's
csp_update/csp_replace/csp_exempt, a nonce used by the template) takes django-csp's own path."""

from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCspMiddleware
from django.conf import settings

_VARYING = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


class CSPMiddleware(DjangoCspMiddleware):
    _headers: dict[str, str] | None = None

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _VARYING)
            or _excludes_prefixes()
        ):
            return super().process_response(request, response)
        headers = CSPMiddleware._headers
        if headers is None or response.status_code >= 400:
            # Built by django-csp itself (the first time, or for an error page as it would).
            built = super().process_response(request, response)
            if response.status_code < 400:
                CSPMiddleware._headers = {
                    name: built[name]
                    for name in ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
                    if name in built
                }
            return built
        for name, value in headers.items():
            if name not in response:
                response[name] = value
        # As django-csp does: a nonce asked for after the header was written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


def _excludes_prefixes() -> bool:
    return any(
        (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
        for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
    )
