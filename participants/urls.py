from django.urls import path

from . import views

app_name = "participants"

urlpatterns = [
    path("u/<slug:code>/", views.unit_link, name="unit_link"),
    path("qr/cuoc-thi.<str:fmt>", views.contest_qr, name="contest_qr"),
    path("qr/don-vi/<slug:code>.<str:fmt>", views.unit_qr, name="unit_qr"),
    path("tai-khoan/ho-so/", views.profile, name="profile"),
    path("tai-khoan/yeu-cau-xoa/", views.deletion_request, name="deletion_request"),
    path("bao-ve-du-lieu-ca-nhan/", views.privacy_notice, name="privacy_notice"),
]
