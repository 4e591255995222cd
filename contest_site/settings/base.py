"""Settings for every environment, read from environment variables (see .env.example).

With nothing set the app runs on SQLite, a file cache in var/ and a filesystem Celery
transport, so a newcomer needs no server. DATABASE_URL and REDIS_URL switch to
PostgreSQL and Redis.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Files the app writes (SQLite, file cache, Celery beat's schedule, the filesystem broker),
# created at start whatever the database: beat crashed on a fresh clone with DATABASE_URL set.
VAR_DIR = Path(os.environ.get("VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "dev-only-insecure-key-do-not-use-in-production" if DEBUG else ""
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public address, in QR codes, banners and certificates; `make run` sets it to the address
# it serves (scripts/run-dev.sh).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ADMIN_URL_PATH = os.environ.get("ADMIN_URL_PATH", "admin/").strip("/") + "/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "core",
    "participants",
    "rounds",
    "quizzes",
    "content",
    "leaderboard",
    "operations",
]

MIDDLEWARE = [
    "contest_site.request_logging.RequestIdMiddleware",
    # The autosave (LEAN_PATHS) takes the shorter LEAN_MIDDLEWARE stack (core.lean).
    "core.lean.LeanPathsMiddleware",
    # Compresses HTML and JSON (first, so that it runs last on the response); Django's
    # GZipMiddleware pads each response at random against BREACH ("Heal The Breach").
    "core.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # django-csp's, with the constant policy built once per process (core.csp).
    "core.csp.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "contest_site.locale_middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A 429 with the time to retry for RateLimited raised anywhere (allauth's flows included).
    "core.ratelimit.RateLimitedMiddleware",
    # Staff reach the admin only after two-factor authentication (STAFF_MFA_REQUIRED).
    "participants.staff_mfa.StaffTwoFactorMiddleware",
]
# What a JSON endpoint needs of the stack above, in the same order; tests/core/test_lean.py
# checks that the autosave's URL matches LEAN_PATHS. Each lean path may name a fast handler
# (core.lean): named groups of the path are passed to it as integers.
LEAN_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "contest_site.locale_middleware.JsonLocaleMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
LEAN_PATHS = {r"/bai-thi/(?P<attempt_id>[0-9]{1,18})/luu/\Z": "quizzes.views.answer_save_fast"}

# The load-test harness (bench/) only: an empty reference view at /bench/empty/ and a count of
# SQL statements per response (contest_site/bench.py). Never on in production.
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)
if BENCH_ENDPOINTS:
    MIDDLEWARE = ["contest_site.bench.QueryCountMiddleware", *MIDDLEWARE]

# Content-Security-Policy (django-csp), the same in development, tests and production so that
# an inline script or style attribute fails everywhere, not only after deployment: scripts,
# styles and fonts come from static/ only; images may also be data: URLs (QR codes).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "contest_site.urls"
# A Vietnamese 403 page, or JSON with a fresh token for the autosave (contest_site/errors.py).
CSRF_FAILURE_VIEW = "contest_site.errors.csrf_failure"
WSGI_APPLICATION = "contest_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.a11y.accessibility",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL (or any dj-database-url URL) from DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # The same, with the health check made at most once a second per connection.
        DATABASES["default"]["ENGINE"] = "core.db.postgresql"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # A small contest on one file (tests/deploy/test_sqlite_default.py): WAL lets
            # readers run beside the writer; every transaction takes the write lock when it
            # begins (a deferred one that reads, then writes, fails at once with "database is
            # locked" when another wrote meanwhile); a writer waits up to 20 s for its turn.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache, sessions and the Celery broker: Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Degrades to misses when Redis is down (core.cache), with short socket
            # timeouts so a hung Redis cannot stall requests.
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "contest"),
            "TIMEOUT": 3600,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # A remembered login lasts until the contest's last round ends (rounds.sessions).
    SESSION_ENGINE = "rounds.sessions"
else:
    # A file cache, not an in-process one: the web server must read what the Celery worker
    # stores (the provisional boards, the time of the last sweep).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "TIMEOUT": 3600,
        }
    }
    SESSION_ENGINE = "rounds.sessions_db"

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    CELERY_QUEUE_DIR = VAR_DIR / "celery-queue"
    for sub in ("in", "processed", "control"):
        (CELERY_QUEUE_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "in"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "in"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        # Broadcast (pidbox) exchanges; by default kombu writes them to ./control.
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
else:
    # Longer than the longest task (the hard time limit below), so a slow task is not
    # redelivered to a second worker while the first still runs it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_ENABLE_UTC = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Round tasks are idempotent: acknowledge after they ran, so a worker killed mid-task has the
# message redelivered instead of lost. One message at a time per worker process.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest task (ranking a round of 1,000,000 attempts) takes seconds; these are safety nets,
# both well under the broker's visibility timeout above (documented in .env.example).
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", 600))
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", 900))
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Beat: the sweep every minute (it also catches up after downtime), plus a tick at 00:00
# local time when the rounds end, and the provisional boards of open rounds.
CELERY_BEAT_SCHEDULE = {
    "rounds-sweep-every-minute": {"task": "operations.sweep", "schedule": 60.0},
    "rounds-sweep-at-midnight": {
        "task": "operations.sweep",
        "schedule": crontab(minute=0, hour=0),
    },
    "rounds-provisional-boards": {
        "task": "operations.provisional_boards_refresh",
        "schedule": 60.0,
    },
    # Units' participation figures (reports, dashboards, boards) are read from stored tables.
    # Rounds opening within 24 h with a failing pre-flight check: the organisers are told.
    "preflight-alerts": {"task": "operations.preflight_alerts", "schedule": 3600.0},
    "participation-statistics": {
        "task": "operations.participation_refresh",
        "schedule": float(os.environ.get("PARTICIPATION_REFRESH_SECONDS", 300)),
    },
}

# Accounts: the phone number is the login (see participants.adapters).
AUTH_USER_MODEL = "participants.User"
# Django's and allauth's backends, reading the session's account from the cache
# (participants.auth_backends: no query per request for it).
AUTHENTICATION_BACKENDS = [
    "participants.auth_backends.ModelBackend",
    "participants.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "participants.hashers.ContestArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "participants.adapters.ContestAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"phone"}
ACCOUNT_SIGNUP_FIELDS = ["phone*", "email", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_USER_MODEL_EMAIL_FIELD = "email"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PHONE_VERIFICATION_ENABLED = env_bool("PHONE_VERIFICATION_ENABLED", True)
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = True
# Our own limits (core.ratelimit) count logins, sign-ups, failed passwords and SMS (RATE_LIMITS
# below): allauth's counted every login in progress as a failure per IP and answered its
# exceptions with a 500. What is left to allauth is per account or a flood guard per IP; with
# RATE_LIMITS_ENABLED=false none of them applies (False switches all of allauth's off).
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", True)
ACCOUNT_RATE_LIMITS = (
    {
        "login": "",
        # Only the two-factor codes count here (per account); passwords: participants.login_limits.
        "login_failed": "5/5m/key",
        "signup": "",
        # Every SMS passes participants.sms's limits; each code accepts
        # PHONE_VERIFICATION_MAX_ATTEMPTS wrong entries, then a new one is needed.
        "verify_phone": "",
        "change_phone": "1/m/user,5/h/user",
        "reset_password": "60/m/ip",
        "reset_password_from_key": "60/m/ip",
        "change_password": "5/m/user",
    }
    if RATE_LIMITS_ENABLED
    else False
)
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 3
# SMS codes are six digits, typed on a phone's number pad (letters were awkward there); three
# wrong entries end a code, so a guess succeeds once in 333,333 tries.
SMS_CODE_FORMAT = {"length": 6, "numeric": True, "dashed": False}
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = SMS_CODE_FORMAT
ACCOUNT_PASSWORD_RESET_BY_CODE_CODE_FORMAT = SMS_CODE_FORMAT
ACCOUNT_PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS = 3
# Our own limits (core.ratelimit): count/period/per. "ip" is the client's address (offices
# and mobile carriers put hundreds of people behind one: the figures per IP are generous);
# "phone" a number, "phone_ip" a number from one address, "device" a number on a device where
# it logged in before (participants.login_limits), "all" the whole site.
RATE_LIMITS = {
    "attempt_start": os.environ.get("RATE_LIMIT_ATTEMPT_START", "10/m/user,600/m/ip"),
    "answer_save": os.environ.get("RATE_LIMIT_ANSWER_SAVE", "120/m/user,6000/m/ip"),
    "attempt_submit": os.environ.get("RATE_LIMIT_ATTEMPT_SUBMIT", "20/m/user,600/m/ip"),
    "admin_login": os.environ.get("RATE_LIMIT_ADMIN_LOGIN", "10/m/ip,30/h/ip"),
    # Wrong passwords of one staff account from every address together (except on a device
    # where it logged in before): the admin's own limit per account.
    "login_failed_staff": os.environ.get("RATE_LIMIT_LOGIN_FAILED_STAFF", "10/h/phone"),
    # Login and sign-up requests from one address: a whole office at once gets through.
    "login": os.environ.get("RATE_LIMIT_LOGIN", "200/m/ip,2000/h/ip"),
    "signup": os.environ.get("RATE_LIMIT_SIGNUP", "100/m/ip,1000/h/ip"),
    # Wrong passwords, counted after the fact: per number from one address (others elsewhere
    # are not locked out), and per address over all numbers (guessing many accounts).
    "login_failed": os.environ.get("RATE_LIMIT_LOGIN_FAILED", "5/15m/phone_ip,100/15m/ip"),
    # On a device where the number logged in before: its own count, nobody else's.
    "login_failed_known_device": os.environ.get("RATE_LIMIT_LOGIN_FAILED_DEVICE", "10/15m/device"),
    # Past this many failures of a number from everywhere, unknown devices get one try per
    # LOGIN_SLOW_DOWN_SECONDS (slowed down, never locked out).
    "login_failed_number": os.environ.get("RATE_LIMIT_LOGIN_FAILED_NUMBER", "20/h/phone"),
    # SMS: per number first (one every 30 s, 5 an hour), then per address (≥ 300 sign-ups an
    # hour from one office), password-reset SMS lower per address.
    "sms": os.environ.get("RATE_LIMIT_SMS", "1/30s/phone,5/h/phone,400/h/ip"),
    "sms_password_reset": os.environ.get("RATE_LIMIT_SMS_PASSWORD_RESET", "30/h/ip"),
}
LOGIN_SLOW_DOWN_SECONDS = int(os.environ.get("LOGIN_SLOW_DOWN_SECONDS") or 30)
# At most this many SMS a site sends per hour (0: no cap), whatever their purpose: the bill's
# ceiling when someone scripts sign-ups or password resets from many addresses.
SMS_BUDGET_PER_HOUR = int(os.environ.get("SMS_BUDGET_PER_HOUR") or 2000)
# Two-factor authentication (allauth's mfa): an authenticator app (TOTP) with recovery codes.
# Staff must set it up before they can use the admin (participants.staff_mfa); off by default
# only in development (DEBUG, `make run`'s demo logins; see README), always on in production.
STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", not DEBUG)
MFA_ADAPTER = "participants.adapters.ContestMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# A code of the previous or next 30 s is accepted too: phones' clocks drift.
MFA_TOTP_TOLERANCE = 1
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER") or "Cuoc thi truc tuyen"
MFA_FORMS = {
    "authenticate": "participants.account_forms.MfaAuthenticateForm",
    "reauthenticate": "participants.account_forms.MfaReauthenticateForm",
    "activate_totp": "participants.account_forms.ActivateTotpForm",
}
# The 00h rush (core.admission): "Vào thi" beyond what the site can serve gets a place in a
# queue and a waiting page that refreshes itself. START_QUEUE_RATE: starts a second the whole
# deployment serves (bench/ measures it: docs/operations.md); START_CONCURRENCY: starts one
# web process runs at once (the others wait their turn on the waiting page).
START_QUEUE_RATE = float(os.environ.get("START_QUEUE_RATE") or 80)
START_CONCURRENCY = int(os.environ.get("START_CONCURRENCY") or 2)
# The privacy notice participants consent to at sign-up; a new text gets a new version.
PRIVACY_NOTICE_VERSION = os.environ.get("PRIVACY_NOTICE_VERSION", "2024-08-29")
ACCOUNT_SIGNUP_FORM_CLASS = "participants.forms.SignupProfileForm"
# Password reset by a code sent by SMS (allauth's reset-by-code flow, fed a phone number).
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_FORMS = {
    "reset_password": "participants.forms.PhonePasswordResetForm",
    "login": "participants.account_forms.LoginForm",
    "signup": "participants.account_forms.SignupForm",
    "verify_phone": "participants.account_forms.VerifyPhoneForm",
    "confirm_password_reset_code": "participants.account_forms.ConfirmPasswordResetCodeForm",
    "reset_password_from_key": "participants.account_forms.ResetPasswordKeyForm",
    "change_password": "participants.account_forms.ChangePasswordForm",
}
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
# Where phone verification codes go: "console" logs them; a real SMS gateway plugs in here.
SMS_SENDER = os.environ.get("SMS_SENDER", "participants.sms.ConsoleSmsSender")

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
# The project's catalogue (English), then Vietnamese for what Django's and allauth's own
# catalogues lack (the admin's newer strings, allauth's models): no English in the admin.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "contest_site" / "locale_vi"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# dd/mm/yyyy and 24-hour times in both languages; Vietnamese number separators (contest_site/formats).
FORMAT_MODULE_PATH = ["contest_site.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or VAR_DIR / "media")

DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "contest_site.request_logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "contest_site.request_logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": os.environ.get("LOG_FORMAT") or "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
