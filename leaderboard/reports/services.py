"""Generating an official document: build its description, render it, and record who
generated what (the documents list people, so they are logged like the exports)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation

from core.audit import audit_log_record
from participants.models import Unit, User
from rounds.models import Contest, Round

from ..models import OfficialReportSettings
from .document import OfficialDocument
from .docx_render import document_docx
from .pdf_render import document_pdf
from .selectors import committee_summary_document, unit_report_document

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REPORT_FORMATS: dict[str, tuple[Callable[[OfficialDocument], bytes], str]] = {
    "docx": (document_docx, DOCX_TYPE),
    "pdf": (document_pdf, "application/pdf"),
}


@dataclass(frozen=True)
class GeneratedReport:
    content: bytes
    filename: str
    content_type: str


def _render(document: OfficialDocument, file_format: str) -> tuple[bytes, str]:
    render, content_type = REPORT_FORMATS[file_format]
    return render(document), content_type


def unit_report_generate(
    *,
    actor: User,
    contest: Contest,
    round: Round | None,
    unit: Unit,
    file_format: str,
    full_personal_data: bool,
    now: datetime | None = None,
    options: OfficialReportSettings | None = None,
) -> GeneratedReport:
    """A unit's report (.docx or PDF), logged. Always in Vietnamese: it is an official
    document under Nghị định 30/2020/NĐ-CP, whatever language the reader's pages use.
    Raises selectors.ReportUnavailable before the figures are first compiled."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        document = unit_report_document(
            contest=contest,
            round=round,
            unit=unit,
            full_personal_data=full_personal_data,
            now=now,
            options=options,
        )
        content, content_type = _render(document, file_format)
    audit_log_record(
        actor=actor,
        action="report_unit_document",
        target=unit,
        contest=contest.slug,
        round=round.number if round else None,
        format=file_format,
        full_personal_data=full_personal_data,
    )
    period = f"-dot-{round.number}" if round else ""
    return GeneratedReport(
        content=content,
        filename=f"bao-cao-{unit.code}-{contest.slug}{period}.{file_format}",
        content_type=content_type,
    )


def committee_summary_generate(
    *,
    actor: User,
    contest: Contest,
    file_format: str,
    full_personal_data: bool,
    now: datetime | None = None,
    options: OfficialReportSettings | None = None,
) -> GeneratedReport:
    """The committee's summary of the contest (.docx or PDF), logged; in Vietnamese."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        document = committee_summary_document(
            contest=contest, full_personal_data=full_personal_data, now=now, options=options
        )
        content, content_type = _render(document, file_format)
    audit_log_record(
        actor=actor,
        action="report_committee_summary",
        target=contest,
        format=file_format,
        full_personal_data=full_personal_data,
    )
    return GeneratedReport(
        content=content,
        filename=f"bao-cao-tong-ket-{contest.slug}.{file_format}",
        content_type=content_type,
    )
