from django.urls import path

from . import views

app_name = "rounds"

# The home page (`rounds:home`) reads rounds, content and leaderboard, so its view lives in
# leaderboard; contest_site/urls.py adds it to this namespace.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
