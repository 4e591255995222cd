from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _

import core.converters  # noqa: F401 (registers the <id:…> converter the apps' URLs use)
from core.ratelimit import rate_limited
from participants.views import ContestSignupView, admin_login_view, login_view

# The admin's titles name the contest platform, not Django.
admin.site.site_header = _("Quản trị cuộc thi trực tuyến")
admin.site.site_title = _("Quản trị cuộc thi")
admin.site.index_title = _("Ban Tổ chức")

urlpatterns = [
    # First: the participant's quiz page and autosave, the most frequent requests, resolve
    # without trying the patterns of every other page (their paths share no prefix with them).
    path("", include("quizzes.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Rate-limited before admin.site.urls, which would otherwise serve the login itself.
    path(
        f"{settings.ADMIN_URL_PATH}login/",
        rate_limited("admin_login")(admin_login_view),
        name="admin_login_limited",
    ),
    path(settings.ADMIN_URL_PATH, admin.site.urls),
    # The consent on sign-up links the rules page, which content serves.
    path(
        "accounts/signup/",
        rate_limited("signup", as_json=False)(
            ContestSignupView.as_view(rules_url=reverse_lazy("content:rules"))
        ),
        name="account_signup",
    ),
    # Our limits per address and per number (participants.login_limits), not allauth's.
    path("accounts/login/", login_view, name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("", include("participants.urls")),
    path("", include("content.urls")),
    path("", include("leaderboard.urls")),
    # The home page, /healthz and the other pages that span apps.
    path("", include("operations.urls")),
]

# Uploaded files (rules, materials, announcements) in development; the proxy serves them in
# production.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A Vietnamese error page (JSON for JSON requests); 503 while the database is unreachable.
handler500 = "contest_site.errors.server_error"
# allauth's remaining limits (ACCOUNT_RATE_LIMITS) answer with this: Vietnamese, Retry-After.
handler429 = "core.ratelimit.handler429"

# The load-test harness's reference view (bench/), only when BENCH_ENDPOINTS is on.
if settings.BENCH_ENDPOINTS:
    from contest_site.bench import empty

    urlpatterns += [path("bench/empty/", empty, name="bench_empty")]
