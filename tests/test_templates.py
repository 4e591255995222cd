"""Templates print no template syntax: Django's `{# #}` comment is one line only, and a two-line
one is printed as text on the page (it once showed on every quiz page). The pages themselves are
checked in Chromium by every browser test that visits them (tests/browser/test_interface.py,
PageChecker.check); this test reads every template of the project, and renders the pages of a
participant's attempt through the test client."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.browser.conftest import template_syntax_leaks

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"] + [
    path
    for path in Path(settings.BASE_DIR).glob("*/templates")
    if not str(path).startswith(str(Path(settings.BASE_DIR) / ".venv"))
]
OPEN_COMMENT = re.compile(r"\{#(?!.*?#\})")


def _templates() -> list[Path]:
    return sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html"))


def test_no_template_opens_a_comment_it_does_not_close_on_the_same_line():
    assert _templates(), "no template found"
    unclosed = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}"
        for path in _templates()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OPEN_COMMENT.search(line)
    ]
    assert unclosed == [], "use {% comment %}…{% endcomment %} for comments over lines:\n" + (
        "\n".join(unclosed)
    )


@pytest.mark.django_db
def test_participant_pages_render_without_template_text(client, participant, open_round):
    client.force_login(participant.user)
    pages = {"home": client.get("/")}
    started = client.post(reverse("quizzes:start", args=[open_round.pk]))
    quiz_url = started["Location"]
    pages["quiz"] = client.get(quiz_url)
    attempt_id = int(quiz_url.rstrip("/").split("/")[-1])
    pages["result"] = client.post(reverse("quizzes:submit", args=[attempt_id]), follow=True)
    for name, path in {
        "history": reverse("operations:history"),
        "profile": reverse("participants:profile"),
        "rules": "/the-le/",
        "results": "/ket-qua/",
        "not-found": "/khong-co-trang-nay/",
    }.items():
        pages[name] = client.get(path)
    for name, response in pages.items():
        assert response.status_code in (200, 404), (name, response.status_code)
        html = response.content.decode()
        assert template_syntax_leaks(html) == [], name
    assert "Ids, sequence numbers" not in pages["quiz"].content.decode()
    client.logout()
    for path in ("/", reverse("account_login"), reverse("account_signup")):
        response = client.get(path)
        assert (
            response.status_code == 200 and template_syntax_leaks(response.content.decode()) == []
        )
