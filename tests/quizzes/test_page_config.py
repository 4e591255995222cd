"""The quiz page's configuration script is exactly what Django's json_script prints."""

from django.utils.html import json_script

from quizzes.page import _config_script


def test_config_script_matches_django_json_script():
    config = {
        "saveUrl": "/bai-thi/12/luu/",
        "savePass": "0a1b.<script>&",
        "resultUrl": "/bai-thi/12/ket-qua/",
        "remainingMs": 1_234_567,
        "stopBeforeMs": 1000,
        "predictionSeq": 0,
        "name": "Lê Thị Ánh </script>",
    }
    assert _config_script(config) == str(json_script(config, "quiz-config"))
