"""README pictures of the official reports: the first page of the demo representative's unit
report (whole contest) and of the committee's summary, rendered from the PDFs with pypdfium2
(a dev dependency: no system package needed). Needs the demo data (`make run` or
`manage.py seed_demo`); writes docs/screenshots/bao-cao-*.png.

    .venv/bin/python scripts/report_screenshots.py
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contest_site.settings.base")

import django  # noqa: E402

django.setup()

import pypdfium2  # noqa: E402

from leaderboard.demo_participation import DEMO_REPRESENTATIVE_UNIT  # noqa: E402
from leaderboard.reports.services import (  # noqa: E402
    committee_summary_generate,
    unit_report_generate,
)
from participants.models import Unit  # noqa: E402
from rounds.demo import THANH_HOA_SLUG  # noqa: E402
from rounds.models import Contest  # noqa: E402

SCALE = 1.5  # 595 pt wide → 893 px


def first_page_png(pdf: bytes, target: Path) -> None:
    document = pypdfium2.PdfDocument(pdf)
    # Grey levels are enough for a black-on-white page, at a third of the size.
    document[0].render(scale=SCALE, grayscale=True).to_pil().save(target, optimize=True)
    print(target.relative_to(ROOT), f"({len(document)} pages)")


def main() -> None:
    contest = Contest.objects.get(slug=THANH_HOA_SLUG)
    unit = Unit.objects.get(code=DEMO_REPRESENTATIVE_UNIT)
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    unit_report = unit_report_generate(
        actor=None,
        contest=contest,
        round=None,
        unit=unit,
        file_format="pdf",
        full_personal_data=False,
    )
    first_page_png(unit_report.content, out / "bao-cao-don-vi.png")
    summary = committee_summary_generate(
        actor=None, contest=contest, file_format="pdf", full_personal_data=False
    )
    first_page_png(summary.content, out / "bao-cao-tong-ket.png")


if __name__ == "__main__":
    main()
