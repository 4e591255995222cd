"""seed_demo for issue 11: a practice round and pool, announcements on the home page, and a
demo participant who can practise and download a certificate whose QR code opens its
verification page."""

import io
import re

import pytest
import zxingcpp
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from participants.demo import DEMO_PARTICIPANT_PHONE
from participants.models import User
from participants.phones import normalize_phone
from quizzes.models import Question
from rounds.demo import DEMO_SLUG
from rounds.models import Round

pytestmark = pytest.mark.django_db


def test_seed_demo_has_a_practice_round_and_both_pools_large_enough():
    call_command("seed_demo")
    call_command("seed_demo")
    practice = Round.objects.get(contest__slug=DEMO_SLUG, is_practice=True)
    assert practice.is_open
    questions = practice.contest.questions_per_attempt
    assert Question.objects.filter(is_active=True, is_practice=True).count() >= questions
    assert Question.objects.filter(is_active=True, is_practice=False).count() >= 20


def test_the_demo_participant_practises_and_verifies_a_certificate(client):
    call_command("seed_demo")
    home = client.get(reverse("operations:home")).content.decode()
    assert "announcements-latest" in home and "live-totals" in home and "practice-box" in home

    client.force_login(User.objects.get(phone=normalize_phone(DEMO_PARTICIPANT_PHONE)))
    practice = Round.objects.get(contest__slug=DEMO_SLUG, is_practice=True)
    started = client.post(reverse("quizzes:start", args=[practice.pk]))
    attempt_url = started["Location"]
    assert "Thi thử" in client.get(attempt_url).content.decode()
    result = client.post(attempt_url + "nop-bai/", follow=True).content.decode()
    assert "(đáp án đúng)" in result

    history = client.get(reverse("operations:history")).content.decode()
    link = re.search(r'href="(/chung-nhan/dot/\d+/tham-gia\.pdf)"', history).group(1)
    pdf = client.get(link).content
    image = PdfReader(io.BytesIO(pdf)).pages[0].images[0]
    url = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))[0].text
    assert url.startswith(settings.SITE_URL + "/verify/")
    page = client.get(url.removeprefix(settings.SITE_URL))
    assert page.status_code == 200 and "Chứng nhận hợp lệ" in page.content.decode()
