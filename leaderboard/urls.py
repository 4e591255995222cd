from django.urls import path

from . import personal_data_views, result_views, views
from .reports import views as report_views

app_name = "leaderboard"

urlpatterns = [
    path("bao-cao/", views.report, name="report"),
    path("bao-cao/tham-gia.<str:fmt>", views.participation_export, name="participation_export"),
    path("bao-cao/don-vi/<slug:code>/", views.unit_report, name="unit_report"),
    path(
        "bao-cao/don-vi/<slug:code>/nguoi-du-thi.<str:fmt>",
        views.unit_people_export,
        name="unit_people_export",
    ),
    path(
        "bao-cao/don-vi/<slug:code>/van-ban-bao-cao.<str:fmt>",
        report_views.unit_document,
        name="unit_document",
    ),
    path("bao-cao/tong-ket.<str:fmt>", report_views.committee_summary, name="committee_summary"),
    path("bao-cao/xep-hang/<id:round_id>.<str:fmt>", views.ranking_export, name="ranking_export"),
    path("bao-cao/giai-thuong.<str:fmt>", views.winners_export, name="winners_export"),
    path("bao-cao/giai-tap-the.<str:fmt>", views.collective_export, name="collective_export"),
    path("bang-dieu-khien/", views.dashboard, name="dashboard"),
    path("tham-gia/", views.public_board, name="public_board"),
    path("giai-tap-the/", views.collective, name="collective"),
    path("tuyen-truyen/<slug:code>/", views.promotion, name="promotion"),
    path("tuyen-truyen/<slug:code>/banner-<str:kind>.png", views.banner, name="banner"),
    path("ket-qua/", result_views.results_index, name="results_index"),
    path("ket-qua/dot/<id:round_id>/", result_views.round_results_page, name="round_results"),
    path(
        "ket-qua/dot/<id:round_id>/ket-qua.csv",
        result_views.round_results_download,
        name="round_results_download",
    ),
    path(
        "bang-xep-hang-tam-thoi/dot/<id:round_id>/",
        result_views.provisional_board_page,
        name="provisional_board",
    ),
    path(
        "chung-nhan/dot/<id:round_id>/<slug:kind>.pdf",
        result_views.certificate_mine,
        name="certificate_mine",
    ),
    path(
        "chung-nhan/<slug:code>.pdf", result_views.certificate_download, name="certificate_download"
    ),
    path("verify/<slug:code>/", result_views.certificate_verify, name="certificate_verify"),
    path("tai-khoan/du-lieu-cua-toi/", personal_data_views.my_data, name="my_data"),
    path(
        "tai-khoan/du-lieu-cua-toi.json",
        personal_data_views.my_data_download,
        name="my_data_download",
    ),
]
