from django.urls import path

from . import views

app_name = "rounds"

urlpatterns = [
    path("", views.home, name="home"),
    path("the-le/", views.rules, name="rules"),
]
