from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from participants.views import signup

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_URL_PATH, admin.site.urls),
    path("accounts/signup/", signup, name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("", include("participants.urls")),
    path("", include("quizzes.urls")),
    path("", include("leaderboard.urls")),
    path("", include("rounds.urls")),
]
