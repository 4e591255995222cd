from django.urls import path

from . import views

app_name = "leaderboard"

urlpatterns = [
    path("ket-qua/", views.results_index, name="results_index"),
    path("ket-qua/dot/<int:round_id>/", views.round_results_page, name="round_results"),
    path(
        "bang-xep-hang-tam-thoi/dot/<int:round_id>/",
        views.provisional_board_page,
        name="provisional_board",
    ),
]
