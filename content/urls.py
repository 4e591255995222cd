from django.urls import path

from . import views

app_name = "content"

urlpatterns = [
    path("the-le/", views.rules, name="rules"),
    path("the-le/<slug:slug>/", views.rules, name="contest_rules"),
    path("tai-lieu/", views.material_list, name="material_list"),
    path("tai-lieu/<slug:slug>/", views.material_detail, name="material_detail"),
    path("thong-bao/", views.announcement_list, name="announcement_list"),
    path("thong-bao/<slug:slug>/", views.announcement_detail, name="announcement_detail"),
]
