"""The organiser dashboard in real Chromium: Chart.js loads from static/ and every chart
draws on its canvas; the public board draws its bar chart too."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from leaderboard.statistics import participation_refresh
from participants.services import ORGANISER_GROUP
from tests.factories import (
    ContestFactory,
    ParticipantFactory,
    RoundFactory,
    UnitFactory,
    UserFactory,
)
from tests.leaderboard.builders import finished_attempt

pytestmark = [pytest.mark.browser]

COUNT_DRAWN_PIXELS = """
() => Array.from(document.querySelectorAll('canvas[data-chart]')).map((canvas) => {
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) { drawn += 1; } }
  return drawn;
})
"""


@pytest.fixture
def dashboard_contest(transactional_db):
    contest = ContestFactory(slug="bieu-do")
    round1 = RoundFactory(contest=contest, number=1)
    round2 = RoundFactory(contest=contest, number=2)
    root = UnitFactory(code="so-bd", name="Sở Thông tin và Truyền thông", headcount=5)
    for index, headcount in enumerate((4, 6, 10)):
        unit = UnitFactory(
            code=f"phong-{index}", name=f"Phòng số {index}", parent=root, headcount=headcount
        )
        for number, person in enumerate(ParticipantFactory.create_batch(index + 2, unit=unit)):
            finished_attempt(participant=person, round=round1, score=number % 6)
            if number % 2:
                finished_attempt(participant=person, round=round2, score=5)
    participation_refresh(contest_id=contest.pk)
    return contest


def test_dashboard_charts_render(live_server, client, browser, dashboard_contest):
    organiser = UserFactory(is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISER_GROUP))
    client.force_login(organiser)
    context = browser.new_context(reduced_motion="reduce")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/bang-dieu-khien/?cuoc_thi=bieu-do")
    page.wait_for_function("document.documentElement.dataset.chartsDrawn === '4'")
    assert page.evaluate("typeof window.Chart") == "function"
    drawn = page.evaluate(COUNT_DRAWN_PIXELS)
    assert len(drawn) == 4
    assert all(count > 500 for count in drawn), drawn
    # The numbers are also there as a table.
    assert page.locator("table.data tbody tr").filter(has_text="Phòng số 2").count() == 1
    assert errors == []
    context.close()


def test_public_board_chart_renders_for_anyone(live_server, browser, dashboard_contest):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(f"{live_server.url}/tham-gia/?cuoc_thi=bieu-do&dot=1")
    page.wait_for_function("document.documentElement.dataset.chartsDrawn === '1'")
    assert page.evaluate(COUNT_DRAWN_PIXELS)[0] > 500
    context.close()
