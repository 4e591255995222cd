from django.urls import path

from . import views

app_name = "participants"

urlpatterns = [
    path("tai-khoan/ho-so/", views.profile, name="profile"),
]
