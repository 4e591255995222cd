from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("dot-thi/<id:round_id>/vao-thi/", views.attempt_start_view, name="start"),
    path("dot-thi/<id:round_id>/hang-cho/", views.attempt_start_wait, name="start_wait"),
    path("bai-thi/<id:attempt_id>/", views.attempt_page, name="attempt"),
    path("bai-thi/<id:attempt_id>/luu/", views.answer_save_view, name="save"),
    path("bai-thi/<id:attempt_id>/nop-bai/", views.attempt_submit_view, name="submit"),
    path("bai-thi/<id:attempt_id>/ket-qua/", views.attempt_result, name="result"),
]
