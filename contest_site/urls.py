from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_URL_PATH, admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("participants.urls")),
    path("", include("quizzes.urls")),
    path("", include("content.urls")),
    path("", include("leaderboard.urls")),
    path("", include("rounds.urls")),
]

# Uploaded files (rules, materials, announcements) in development; the proxy serves them in
# production.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
