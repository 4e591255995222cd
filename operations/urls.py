from django.urls import path

from . import views

app_name = "operations"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("lich-su-thi/", views.history, name="history"),
    path("bao-cao/cap-nhat/", views.report_refresh, name="report_refresh"),
]
