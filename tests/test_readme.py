"""What a newcomer reads first: README and docs/. Tables in one piece without repeated rows, no
link outside the repository, every docs/ path it names present, the demo logins and a unit link
that exist, and the rules in docs/rules.md stating the defaults the models really have."""

import re
import subprocess
from pathlib import Path

import pytest

from leaderboard.demo_participation import DEMO_REPRESENTATIVE_PHONE
from participants.demo import (
    CHILD_UNITS,
    DEMO_ORGANISER_PHONE,
    DEMO_PARTICIPANT_PHONE,
    DEMO_PASSWORD,
    GRANDCHILD_UNITS,
)
from rounds.models import Contest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
RULES = ROOT / "docs" / "rules.md"


def _tables(text: str) -> list[list[str]]:
    """Markdown tables as lists of rows; a table row after a blank line that follows a table
    starts a new table (which renders as a stray paragraph of pipes)."""
    tables: list[list[str]] = []
    previous = ""
    for line in text.splitlines():
        if line.startswith("|"):
            if previous.startswith("|"):
                tables[-1].append(line)
            else:
                tables.append([line])
        previous = line
    return tables


def test_every_table_has_a_header_and_no_repeated_row():
    for document in [README, *(p.read_text() for p in (ROOT / "docs").glob("*.md"))]:
        for table in _tables(document):
            assert len(table) >= 3 and re.fullmatch(r"\|( ?:?-+:? ?\|)+", table[1]), table[:2]
            assert len(set(table)) == len(table), [row for row in table if table.count(row) > 1]


def test_readme_points_inside_the_repository_and_its_docs_exist():
    assert "../shared" not in README and "DESIGN.md" not in README
    for path in set(re.findall(r"\(?`?(docs/[\w./-]+\.md)", README)):
        assert (ROOT / path).exists(), path
    assert "docs/rules.md" in README


def test_readme_gives_the_demo_logins_and_a_unit_link_that_exist():
    for phone in (DEMO_ORGANISER_PHONE, DEMO_PARTICIPANT_PHONE, DEMO_REPRESENTATIVE_PHONE):
        assert f"| `{phone}` | `{DEMO_PASSWORD}` |" in README
    assert "verified" in README
    codes = {code for code, *_rest in CHILD_UNITS}
    codes |= {code for children in GRANDCHILD_UNITS.values() for code, *_rest in children}
    links = re.findall(r"/u/([\w-]+)/", README)
    assert links and set(links) <= codes, links


@pytest.mark.parametrize(
    ("field", "stated"),
    [
        ("questions_per_attempt", "| questions per attempt (số câu hỏi mỗi lượt) | {} |"),
        ("time_limit_seconds", "| time limit (thời gian làm bài) | {} minutes |"),
        ("attempts_per_round", "| attempts per round (số lượt thi mỗi đợt) | {} |"),
        ("grace_seconds", "| grace for late saves (thời gian gia hạn) | {} seconds |"),
        ("collective_min_rate_percent", "| collective prizes: minimum participation rate | {} % |"),
        ("participation_target_percent", "| participation target drawn on every chart | {} % |"),
        ("collective_min_headcount", "| collective prizes: minimum headcount of a unit | {} |"),
    ],
)
def test_the_rules_state_the_defaults_a_new_contest_has(field, stated):
    default = Contest._meta.get_field(field).default
    if field == "time_limit_seconds":
        default //= 60
    assert stated.format(int(default)) in RULES.read_text(encoding="utf-8")


def test_the_package_metadata_of_an_install_is_ignored():
    result = subprocess.run(
        ["git", "check-ignore", "-q", "contest_platform.egg-info/PKG-INFO"], cwd=ROOT
    )
    assert result.returncode == 0
