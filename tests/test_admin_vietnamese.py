"""No English on any admin page in Vietnamese: a crawler follows every link of the admin (one
page per URL pattern and query shape) from the index, as an organiser and as a superuser, with
a round ranked, published and audited so that every model has rows, and submits every add
form empty to see its errors. Each page's visible text (and its titles, placeholders, labels)
is searched for English admin phrases, developer codes and raw milliseconds."""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from content.models import Announcement, ContestRules, StudyMaterial
from core.audit import audit_log_record
from leaderboard.models import OfficialReportSettings
from leaderboard.statistics import participation_refresh
from operations.pipeline import round_rank
from participants.models import DataDeletionRequest, Participant, UnitRepresentative
from participants.services import unit_link_visit_record
from rounds.models import Disqualification
from rounds.services import round_publish
from tests.factories import (
    FinishedAttemptFactory,
    ParticipantFactory,
    PrizeTierFactory,
    RoundFactory,
    UnitFactory,
    UserFactory,
)

# Words and phrases of Django's, allauth's and our own admin that must not reach a
# Vietnamese page (matched case-sensitively on word boundaries).
ENGLISH = [
    "Django",
    "Add",
    "Change",
    "Delete",
    "Save",
    "Search",
    "Filter",
    "Show counts",
    "Hide counts",
    "Home",
    "Log out",
    "View site",
    "Welcome",
    "Recent actions",
    "My actions",
    "None available",
    "Please correct",
    "Select",
    "selected",
    "History",
    "Email address",
    "Email addresses",
    "Accounts",
    "verified",
    "primary",
    "Yes",
    "Unknown",
    "Today",
    "Clear",
    "Choose",
    "Remove",
    "results",
    "total",
    "Password",
    "password",
    "Currently",
    "Toggle",
    "Skip to main content",
    "Breadcrumbs",
    "Sidebar",
    "Any date",
    "Past 7 days",
    "This month",
    "This year",
    "All",
    "Start typing",
    "Run the selected action",
    "object",
    "objects",
    "Error",
    "Added",
    "Changed",
    "Deleted",
    "entry",
    "entries",
    "Model name",
    "Add link",
    "Close",
    "Rate",
    "RATE",
    "percent",
    "PERCENT",
    "Count",
    "count",
    "Duration",
    "Date",
    "Time",
    "Name",
    "name",
    "User",
    "user",
    "Group",
    "Groups",
    "Permissions",
    "permissions",
    "Content type",
    "content type",
    "Action",
    "action",
    "Go",
    "ID",
    "Id",
    "True",
    "False",
    "None",
    "Enabled",
    "Disabled",
    "Set password",
    "Reset password",
    "Forgotten",
    "Theme",
    "Summary",
    "Details",
    "details",
    "target",
    "Target",
    "actor",
    "Actor",
    "Created",
    "created",
    "Updated",
    "updated",
    "Sort",
    "sort",
    "Order",
    "order",
    "Active",
    "active",
    "Staff",
    "staff",
    "superuser",
    "group",
    "permission",
    "relationship",
]
ENGLISH_PATTERN = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ENGLISH)) + r")(?![\w-])")
# Developer text: snake_case codes (round_publish), "app.Model" labels (participants.Unit),
# milliseconds.
CODE_PATTERN = re.compile(
    r"(?<![\w/.{-])[a-z]+(?:_[a-z]+)+(?![\w/.}-])"
    r"|(?<![\w/.-])[a-z]+\.[A-Z][A-Za-z]+(?![\w/.-])"
    r"|\(ms\)|\d ?ms\b"
)
# Text that may stay as it is: the Python identifiers named on purpose in help texts.
ALLOWED = {"SITE_URL"}


class _VisibleText(HTMLParser):
    """The text a person reads or hears: data outside scripts and styles, and the titles,
    placeholders, labels and button values."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.HIDDEN:
            self.hidden += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        for name in ("title", "placeholder", "aria-label", "alt"):
            if attributes.get(name):
                self.parts.append(attributes[name])
        if (
            tag == "input"
            and attributes.get("type") in ("submit", "button")
            and attributes.get("value")
        ):
            self.parts.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def english_on(html: str) -> tuple[list[str], list[str]]:
    parser = _VisibleText()
    parser.feed(html)
    found = []
    for text in parser.parts:
        for match in (*ENGLISH_PATTERN.finditer(text), *CODE_PATTERN.finditer(text)):
            if match.group(0) not in ALLOWED:
                found.append(f"{match.group(0)!r} in {text[:120]!r}")
    return found, parser.links


def _pattern_key(url: str) -> tuple | None:
    """One page per URL pattern and query shape: /admin/x/1/change/ and /admin/x/2/change/
    are the same page."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    # Filters and sorting show the same page; facets and a search add their own text.
    query = tuple(sorted(key for key, _value in parse_qsl(parts.query) if key in QUERY_SHAPES))
    return (match.view_name, query)


QUERY_SHAPES = {"_facets", "q"}
SKIPPED_VIEWS = {"admin:logout", "admin:jsi18n", "admin:view_on_site"}


@pytest.fixture
def admin_world(db, open_round, attempt_in_progress):
    """A ranked and published round with a prize, an audit trail, an announcement: every
    admin list has rows and every change page can be opened."""
    now = timezone.now()
    round = RoundFactory(
        contest=open_round.contest,
        number=open_round.number + 1,
        starts_at=now - timezone.timedelta(days=4),
        ends_at=now - timezone.timedelta(hours=1),
    )
    PrizeTierFactory(round=round, name="Giải Nhất", count=1, order=1)
    unit = UnitFactory(name="Văn phòng Sở")
    for index in range(3):
        person = ParticipantFactory(unit=unit, full_name=f"Nguyễn Văn {index}")
        FinishedAttemptFactory(round=round, participant=person, score=index)
    round_rank(round_id=round.pk)
    actor = UserFactory(is_staff=True)
    round_publish(round_id=round.pk, actor=actor)
    audit_log_record(actor=None, action="round_close", target=round)  # by the sweep
    audit_log_record(
        actor=actor,
        action="export_unit_people",
        target=unit,
        contest=round.contest.slug,
        round=round.number,
        format="xlsx",
        full_personal_data=False,
        took_part_only=True,
    )
    participation_refresh(contest_id=round.contest_id)
    # A row in every other list, so that its columns are read too.
    person = Participant.objects.filter(unit=unit).first()
    Disqualification.objects.create(
        contest=round.contest, participant=person, reason="Gian lận", decided_by=actor
    )
    DataDeletionRequest.objects.create(participant=person)
    UnitRepresentative.objects.create(user=actor, unit=unit)
    unit_link_visit_record(unit=unit)
    StudyMaterial.objects.create(title="Tài liệu", slug="tai-lieu", body="<p>Đọc</p>")
    ContestRules.objects.create(contest=round.contest, body="<p>Thể lệ</p>")
    OfficialReportSettings.objects.get_or_create(contest=round.contest)
    EmailAddress.objects.create(user=actor, email="btc@example.com", verified=True, primary=True)
    Announcement.objects.create(
        contest=round.contest, title="Thông báo", slug="thong-bao", body="<p>Nội dung</p>"
    )
    return round


def _crawl(client) -> dict[str, list[str]]:
    start = [reverse("admin:index"), reverse("admin:password_change")]
    for model in admin.site._registry:
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        start += [changelist, changelist + "?_facets=True", changelist + "?q=khong-co-ai"]
    problems: dict[str, list[str]] = {}
    seen: set[tuple] = set()
    queue = list(start)
    while queue:
        url = queue.pop(0)
        key = _pattern_key(url)
        if key is None or key in seen or key[0] in SKIPPED_VIEWS:
            continue
        seen.add(key)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        found, links = english_on(html)
        if found:
            problems[url] = found
        for link in links:
            if link.startswith("/admin/") or link.startswith("?"):
                queue.append(urlsplit(url).path + link if link.startswith("?") else link)
        if url.endswith("/add/"):
            # An empty add form shows its errors ("Please correct the errors below.").
            errors = client.post(url, {})
            if errors.status_code == 200:
                found, _links = english_on(errors.content.decode())
                if found:
                    problems[url + " (POST)"] = found
    assert len(seen) > 60, "the crawl should reach every admin page"
    return problems


def _report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}: {', '.join(sorted(set(found)))}" for url, found in problems.items())


@pytest.mark.django_db
def test_no_english_on_any_admin_page_for_organisers(organiser_client, admin_world):
    problems = _crawl(organiser_client)
    assert problems == {}, _report(problems)


@pytest.mark.django_db
def test_no_english_on_any_admin_page_for_superusers(client, admin_world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    problems = _crawl(client)
    assert problems == {}, _report(problems)


def test_the_crawler_finds_what_the_issue_saw():
    page = (
        "<title>Trang quản trị cho Django</title><h1>ACCOUNTS</h1><a href='/x'>Email addresses"
        "</a><a>Show counts</a><p class='errornote'>Please correct the errors below.</p>"
        "<th>RATE PERCENT</th><td>round_publish</td><td>participants.Unit</td>"
        "<th>thời gian (ms)</th><td>Đợt thi 1</td><script>var Add = 1;</script>"
    )
    found, links = english_on(page)
    words = {item.split("'")[1] for item in found}
    assert words >= {
        "Django",
        "Email addresses",
        "Show counts",
        "Please correct",
        "RATE",
        "PERCENT",
        "round_publish",
        "participants.Unit",
        "(ms)",
    }
    assert "Add" not in words
    assert links == ["/x"]


@pytest.mark.django_db
def test_the_admin_login_page_and_its_errors_are_in_vietnamese(client):
    page = client.get(reverse("admin:login"))
    assert english_on(page.content.decode())[0] == []
    refused = client.post(reverse("admin:login"), {"username": "0999999999", "password": "x"})
    assert english_on(refused.content.decode())[0] == []


@pytest.mark.django_db
def test_default_permissions_are_named_in_vietnamese():
    from django.contrib.auth.models import Permission

    assert Permission.objects.get(codename="add_unit").name == "Có thể thêm đơn vị"
    assert not Permission.objects.filter(name__startswith="Can ").exists()


@pytest.mark.django_db
def test_an_audit_entry_without_actor_is_the_systems():
    entry = audit_log_record(actor=None, action="round_close")
    assert str(entry).endswith(" Hệ thống Đóng đợt thi")
    assert english_on(f"<h1>{entry}</h1>")[0] == []
