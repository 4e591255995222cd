"""Production settings: the Docker image runs with these (DJANGO_SETTINGS_MODULE).

Behind the reverse proxy (deploy/nginx.conf) that terminates TLS, serves /static/ and /media/
and sets X-Forwarded-Proto and X-Request-ID. Everything secret or site-specific comes from the
environment (.env.example); a missing essential variable stops the start with a clear message
instead of running half-configured. `python manage.py check --deploy` reports no warning.
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ADMIN_URL_PATH, CACHES, LOGGING, SITE_URL, env_bool, env_list


def _required(name: str, hint: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. {hint} See .env.example and docs/operations.md."
        )
    return value


DEBUG = False
# Every staff account uses two-factor authentication for the admin, whatever the environment says.
STAFF_MFA_REQUIRED = True
SECRET_KEY = _required(
    "SECRET_KEY",
    'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))".',
)
_required("ALLOWED_HOSTS", "List the site's host names, comma-separated.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
# Scaling out needs shared state: the database, and Redis for cache, sessions, rate limits
# and the Celery broker. SQLite or an in-process cache would silently split them per process.
_required("DATABASE_URL", "Production runs on PostgreSQL: postgres://user:password@host:5432/db.")
_required(
    "REDIS_URL", "Production needs Redis for cache, sessions and Celery: redis://host:6379/0."
)

# The admin's address is the first thing scanners try: Django's default and the example's value
# (.env.example) are refused, so that each site has its own.
ADMIN_URL_PATHS_REFUSED = ("admin/", "quan-tri/")
if ADMIN_URL_PATH in ADMIN_URL_PATHS_REFUSED or ADMIN_URL_PATH == "/":
    raise ImproperlyConfigured(
        f"ADMIN_URL_PATH is {ADMIN_URL_PATH!r}, a path every scanner tries. Choose one of your "
        'own, e.g. quan-tri-<random>/ with: python -c "import secrets; '
        "print('quan-tri-' + secrets.token_hex(4) + '/')\". See .env.example."
    )

_site = urlsplit(SITE_URL)
# Django already trusts its own https origin behind the proxy; add the public address (and
# any other origin the operator lists) for forms posted from another name of the site.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or [f"{_site.scheme}://{_site.netloc}"]

# TLS ends at the proxy, which sets X-Forwarded-Proto; only it can reach gunicorn.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Load balancers and container health checks probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

# Hashed file names (cache-busting); the image runs collectstatic at build and the proxy
# serves STATIC_ROOT, so gunicorn never serves a static file.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

# A Redis that stops answering must not hold a request (or /healthz) for minutes.
CACHES["default"].setdefault("OPTIONS", {}).update(
    {"socket_connect_timeout": 2, "socket_timeout": 2}
)

# JSON lines on stdout, with the request id; Celery logs through the same handler.
LOGGING["handlers"]["console"]["formatter"] = os.environ.get("LOG_FORMAT") or "json"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The client's address for allauth's per-IP rate limits: the last X-Forwarded-For entry added
# by our nginx (1). Add one per proxy in front of it (a load balancer: 2). With 0, every
# participant would share the proxy's address and one limit.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT") or 1)

# Celery worker processes per worker container; each holds one database connection.
CELERY_WORKER_CONCURRENCY = int(os.environ.get("CELERY_WORKER_CONCURRENCY") or 2)
