"""What the official documents say, read from the stored tables through the selectors that
the report pages and the dashboard use (participation_rows, participation_overall,
collective_ranking, round_winners, dashboard_data): the documents carry the figures those
pages show at the moment of generation, and say when they were taken."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from participants.models import Participant, Unit
from participants.phones import mask_phone, national_format
from participants.selectors import unit_descendant_ids
from rounds.models import Contest, Round
from rounds.selectors import contest_rounds

from ..models import OfficialReportSettings, ParticipationStat
from ..participation import (
    CollectiveRow,
    ParticipationRow,
    collective_ranking,
    dashboard_data,
    participation_overall,
    participation_refreshed_at,
    participation_rows,
)
from ..results import round_winners
from ..templatetags.leaderboard_format import seconds
from .document import (
    Block,
    Figure,
    OfficialDocument,
    Table,
    Text,
    decree_date,
    place_date_line,
    recipients_lines,
    signer_lines,
)


class ReportUnavailable(Exception):
    """The figures a document needs have not been compiled yet."""


def report_settings(*, contest: Contest) -> OfficialReportSettings:
    """The contest's document settings, or the defaults (not saved) when it has none."""
    stored = OfficialReportSettings.objects.filter(contest=contest).first()
    return stored or OfficialReportSettings(contest=contest)


# --- How figures, dates and people are written ----------------------------------------------


def _count(value: int | None) -> str:
    return number_format(value or 0, force_grouping=True)


def _rate(value: float | None) -> str:
    """A rate as the report pages show it: one decimal, "62,7 %"."""
    return "—" if value is None else f"{floatformat(value, 1)}\u00a0%"


def _percent(value) -> str:
    return f"{floatformat(value, -2)}\u00a0%"


def _local(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE))


def _short_date(day: date) -> str:
    """09/9/2024, 04/10/2024, 05/02/2024: the decree's zeros, as the directive writes dates."""
    return "/".join(decree_date(day))


def _moment(moment: datetime) -> str:
    """ "14:05 ngày 27/9/2024"."""
    local = _local(moment)
    return _("%(time)s ngày %(date)s") % {
        "time": local.strftime("%H:%M"),
        "date": _short_date(local.date()),
    }


def _hour(moment: datetime) -> str:
    """ "00h ngày 09/9/2024" (minutes only when there are some), as the directive writes."""
    local = _local(moment)
    hour = f"{local:%H}h" + (f"{local:%M}" if local.minute else "")
    return _("%(hour)s ngày %(date)s") % {"hour": hour, "date": _short_date(local.date())}


def _window_short(round: Round) -> str:
    """ "00h 09/9/2024 – 00h 13/9/2024", for tables."""
    start, end = _local(round.starts_at), _local(round.ends_at)
    return f"{start:%H}h {_short_date(start.date())} – {end:%H}h {_short_date(end.date())}"


def _window(round: Round) -> str:
    return _("từ %(start)s đến %(end)s") % {
        "start": _hour(round.starts_at),
        "end": _hour(round.ends_at),
    }


def _phone(person: Participant, full_personal_data: bool) -> str:
    return (
        national_format(person.user.phone) if full_personal_data else mask_phone(person.user.phone)
    )


def _person_unit(person: Participant) -> str:
    return person.unit.name if person.unit else (person.locality or "—")


def _rules_reference(contest: Contest) -> str:
    if contest.rules_document_number and contest.rules_document_date:
        return _("Thể lệ số %(number)s ngày %(date)s của Ban Tổ chức %(contest)s") % {
            "number": contest.rules_document_number,
            "date": _short_date(contest.rules_document_date),
            "contest": contest.name,
        }
    return _("Thể lệ %(contest)s") % {"contest": contest.name}


def _abbreviation(unit: Unit) -> str:
    return unit.code.replace("-", "").upper()


def _number(pattern: str, *, abbreviation: str, year: int) -> str:
    # The number is left blank: the clerk (văn thư) writes it when the report is signed.
    number = pattern.format(so="\u00a0" * 6, ky_hieu=abbreviation, nam=year)
    return _("Số: %(number)s") % {"number": number}


def _data_note(*, taken_at: datetime, now: datetime) -> Text:
    return Text(
        _(
            "Số liệu trong báo cáo được trích từ hệ thống của Cuộc thi, tổng hợp lúc %(taken)s "
            "(số liệu trang Báo cáo tham gia hiển thị tại thời điểm lập báo cáo); báo cáo được "
            "lập lúc %(now)s."
        )
        % {"taken": _moment(taken_at), "now": _moment(now)},
        "note",
    )


class _Numbering:
    """ "Bảng 1.", "Hình 1.": tables and figures are numbered in reading order."""

    def __init__(self) -> None:
        self.tables = 0
        self.figures = 0

    def table(self, title: str) -> str:
        self.tables += 1
        return _("Bảng %(n)d. %(title)s") % {"n": self.tables, "title": title}

    def figure(self, title: str) -> str:
        self.figures += 1
        return _("Hình %(n)d. %(title)s") % {"n": self.figures, "title": title}


@dataclass(frozen=True)
class WinnerLine:
    round: Round
    tier_name: str
    rank: int
    person: Participant
    score: int
    duration_ms: int


def _winners(*, round: Round, unit_ids: set[int] | None) -> list[WinnerLine]:
    """The round's prize winners (round_winners), limited to people of `unit_ids`."""
    lines = []
    for group in round_winners(round=round):
        for award in group.awards:
            person = award.participant
            if unit_ids is not None and person.unit_id not in unit_ids:
                continue
            lines.append(
                WinnerLine(
                    round=round,
                    tier_name=group.tier.name,
                    rank=award.result.rank,
                    person=person,
                    score=award.result.score,
                    duration_ms=award.result.duration_ms,
                )
            )
    return lines


def _evaluation(row: ParticipationRow) -> str:
    """The report page's "Còn thiếu" column in words."""
    if row.rate is None:
        return "—"
    if row.reached:
        return _("Đạt")
    return _("Còn thiếu %(n)s người") % {"n": _count(row.missing_people)}


# --- A unit's report -------------------------------------------------------------------------


def _own_row(row: ParticipationRow) -> ParticipationRow:
    """The unit's own people (not its sub-units'), through the same rate rule."""
    stat = row.stat
    own = ParticipationStat(
        headcount=stat.headcount,
        headcount_total=stat.headcount,
        registered_total=stat.registered,
        participants_total=stat.participants,
        attempts_total=stat.attempts,
    )
    return ParticipationRow(own, row.depth + 1, row.target_percent)


def unit_report_document(
    *,
    contest: Contest,
    round: Round | None,
    unit: Unit,
    full_personal_data: bool,
    now: datetime,
    options: OfficialReportSettings | None = None,
) -> OfficialDocument:
    """A unit's report on its participation and results in a round, or in the contest so far:
    the unit with its sub-units, as /bao-cao/ shows them. `options` (the admin's preview of
    unsaved settings) replaces the contest's stored settings."""
    options = options or report_settings(contest=contest)
    subtree = unit_descendant_ids(unit_ids=[unit.pk])
    rows = participation_rows(contest=contest, round=round, unit_ids=subtree)
    taken_at = participation_refreshed_at(contest=contest)
    if not rows or rows[0].unit.pk != unit.pk or taken_at is None:
        raise ReportUnavailable(
            _("Số liệu tham gia chưa được tổng hợp; vui lòng thử lại sau ít phút.")
        )
    unit_row = rows[0]
    stat = unit_row.stat
    target = _percent(contest.participation_target_percent)
    minimum = _percent(contest.collective_min_rate_percent)
    rounds = [r for r in contest_rounds(contest=contest) if r.starts_at <= now]
    numbering = _Numbering()

    if round is not None:
        period = _("%(round)s (%(window)s)") % {"round": round.name, "window": _window(round)}
        period_subject = round.name
    else:
        period = _("từ khi bắt đầu đến %(moment)s") % {"moment": _moment(now)}
        period_subject = _("tính đến ngày %(date)s") % {"date": _short_date(_local(now).date())}

    blocks: list[Block] = [
        Text(
            _(
                "Thực hiện %(rules)s, %(unit)s báo cáo kết quả hưởng ứng Cuộc thi %(period)s "
                "như sau:"
            )
            % {"rules": _rules_reference(contest), "unit": unit.name, "period": period}
        ),
        _data_note(taken_at=taken_at, now=now),
        Text(_("I. KẾT QUẢ THAM GIA"), "heading"),
        Text(_("1. Số người tham gia"), "subheading"),
        Text(
            _(
                "Số cán bộ, công chức, viên chức, người lao động, đoàn viên, hội viên của đơn "
                "vị (gồm các đơn vị trực thuộc) theo chỉ tiêu: %(headcount)s người; đã đăng ký "
                "tài khoản dự thi: %(registered)s người; đã dự thi: %(participants)s người với "
                "%(attempts)s lượt thi; tỷ lệ tham gia: %(rate)s (chỉ tiêu %(target)s; tối "
                "thiểu để xét giải tập thể %(minimum)s)."
            )
            % {
                "headcount": _count(stat.headcount_total),
                "registered": _count(stat.registered_total),
                "participants": _count(stat.participants_total),
                "attempts": _count(stat.attempts_total),
                "rate": _rate(unit_row.rate),
                "target": target,
                "minimum": minimum,
            }
        ),
    ]
    if round is None and rounds:
        blocks.append(
            _unit_rounds_table(
                contest=contest, unit_row=unit_row, rounds=rounds, numbering=numbering
            )
        )
    sub_rows = rows[1:]
    blocks.append(Text(_("2. Kết quả của các đơn vị trực thuộc"), "subheading"))
    if sub_rows:
        blocks.append(_sub_units_table(unit_row=unit_row, sub_rows=sub_rows, numbering=numbering))
    else:
        blocks.append(Text(_("Đơn vị không có đơn vị trực thuộc.")))
    blocks.append(Text(_("3. Người đạt giải"), "subheading"))
    blocks.extend(
        _unit_winners(
            rounds=[round] if round is not None else rounds,
            unit_ids=subtree,
            numbering=numbering,
            full_personal_data=full_personal_data,
        )
    )
    blocks.append(Text(_("II. ĐÁNH GIÁ CHUNG"), "heading"))
    blocks.extend(
        _unit_assessment(
            contest=contest, round=round, unit_row=unit_row, sub_rows=sub_rows, now=now
        )
    )
    blocks.append(
        Text(
            _("Trên đây là báo cáo kết quả hưởng ứng %(contest)s của %(unit)s./.")
            % {"contest": contest.name, "unit": unit.name},
            "closing",
        )
    )
    issued = _local(now).date()
    return OfficialDocument(
        governing_body=unit.parent.name if unit.parent_id else options.governing_body,
        issuer=unit.name,
        number=_number(
            options.unit_number_pattern, abbreviation=_abbreviation(unit), year=issued.year
        ),
        place_date=place_date_line(place=options.place_name, day=issued),
        kind_title=_("BÁO CÁO"),
        subject=_("Kết quả hưởng ứng %(contest)s (%(period)s)")
        % {"contest": contest.name, "period": period_subject},
        addressee=_("Kính gửi: %(addressee)s")
        % {
            "addressee": options.unit_addressee
            or _("Ban Tổ chức %(contest)s") % {"contest": contest.name}
        },
        blocks=tuple(blocks),
        recipients=recipients_lines(options.unit_recipients),
        signer_lines=signer_lines(options.unit_signer_title),
        metadata_title=_("Báo cáo kết quả hưởng ứng Cuộc thi — %(unit)s") % {"unit": unit.name},
        metadata_author=unit.name,
        keywords=(contest.slug, unit.code, round.name if round else _("Cả cuộc thi")),
    )


def _unit_rounds_table(
    *,
    contest: Contest,
    unit_row: ParticipationRow,
    rounds: list[Round],
    numbering: _Numbering,
) -> Table:
    """The unit's people and attempts in each round, and in the whole contest."""
    stat = unit_row.stat
    table_rows = []
    for index, each in enumerate(rounds, start=1):
        found = participation_rows(contest=contest, round=each, unit_ids={unit_row.unit.pk})
        each_row = found[0] if found else None
        table_rows.append(
            (
                str(index),
                each.name,
                _window_short(each),
                _count(each_row.stat.participants_total if each_row else 0),
                _count(each_row.stat.attempts_total if each_row else 0),
                _rate(each_row.rate if each_row else None),
            )
        )
    table_rows.append(
        (
            "",
            _("Cả cuộc thi (mỗi người chỉ tính một lần)"),
            "",
            _count(stat.participants_total),
            _count(stat.attempts_total),
            _rate(unit_row.rate),
        )
    )
    return Table(
        headers=(
            _("STT"),
            _("Đợt thi"),
            _("Thời gian"),
            _("Đã dự thi"),
            _("Lượt thi"),
            _("Tỷ lệ tham gia"),
        ),
        rows=tuple(table_rows),
        widths=(7, 12, 36, 14, 12, 15),
        align=("center", "left", "left", "right", "right", "right"),
        caption=numbering.table(_("Số người dự thi theo từng đợt")),
        bold_rows=frozenset({len(table_rows) - 1}),
        spans=((len(table_rows) - 1, 1, 2),),
    )


def _sub_units_table(
    *, unit_row: ParticipationRow, sub_rows: list[ParticipationRow], numbering: _Numbering
) -> Table:
    """The unit's own staff, each sub-unit (indented by level) and the total: the rows add up."""
    unit, stat = unit_row.unit, unit_row.stat
    own = _own_row(unit_row)
    entries = (
        [(own, _("%(unit)s (trực tiếp)") % {"unit": unit.name}, 1)]
        if own.stat.headcount or own.stat.participants_total
        else []
    )
    entries += [(row, row.unit.name, row.depth) for row in sub_rows]
    lines = [
        (
            str(index),
            name,
            _count(row.stat.headcount_total),
            _count(row.stat.registered_total),
            _count(row.stat.participants_total),
            _count(row.stat.attempts_total),
            _rate(row.rate),
            _evaluation(row),
        )
        for index, (row, name, _depth) in enumerate(entries, start=1)
    ]
    lines.append(
        (
            "",
            _("Tổng cộng"),
            _count(stat.headcount_total),
            _count(stat.registered_total),
            _count(stat.participants_total),
            _count(stat.attempts_total),
            _rate(unit_row.rate),
            _evaluation(unit_row),
        )
    )
    return Table(
        headers=(
            _("STT"),
            _("Đơn vị"),
            _("Số người"),
            _("Đã đăng ký"),
            _("Đã dự thi"),
            _("Lượt thi"),
            _("Tỷ lệ"),
            _("Đánh giá"),
        ),
        rows=tuple(lines),
        widths=(7, 35, 10, 11, 11, 10, 11, 20),
        align=("center", "left", "right", "right", "right", "right", "right", "left"),
        caption=numbering.table(_("Tỷ lệ tham gia của các đơn vị trực thuộc")),
        indents=(*(depth - 1 for _row, _name, depth in entries), 0),
        bold_rows=frozenset({len(lines) - 1}),
    )


def _unit_winners(
    *,
    rounds: list[Round],
    unit_ids: set[int],
    numbering: _Numbering,
    full_personal_data: bool,
) -> list[Block]:
    """The unit's prize winners in the published rounds; the others said to be pending."""
    published = [r for r in rounds if r.state == Round.State.PUBLISHED]
    pending = [r for r in rounds if r.state != Round.State.PUBLISHED]
    winners = [line for r in published for line in _winners(round=r, unit_ids=unit_ids)]
    blocks: list[Block] = []
    if winners:
        blocks.append(
            Text(_("Đơn vị có %(n)s lượt người đạt giải cá nhân:") % {"n": _count(len(winners))})
        )
        blocks.append(_winners_table(winners, numbering=numbering, full=full_personal_data))
        if not full_personal_data:
            blocks.append(
                Text(_("Số điện thoại được che một phần để bảo vệ dữ liệu cá nhân."), "note")
            )
    elif published:
        blocks.append(Text(_("Đơn vị chưa có người đạt giải cá nhân.")))
    if pending:
        blocks.append(
            Text(
                _("Kết quả của %(rounds)s chưa được Ban Tổ chức công bố.")
                % {"rounds": ", ".join(r.name for r in pending)}
            )
        )
    return blocks


def _unit_assessment(
    *,
    contest: Contest,
    round: Round | None,
    unit_row: ParticipationRow,
    sub_rows: list[ParticipationRow],
    now: datetime,
) -> list[Text]:
    stat = unit_row.stat
    target = _percent(contest.participation_target_percent)
    texts = []
    if unit_row.rate is None:
        texts.append(
            Text(
                _("Đơn vị chưa khai báo số người theo chỉ tiêu nên chưa tính được tỷ lệ tham gia.")
            )
        )
    elif unit_row.reached:
        texts.append(
            Text(
                _(
                    "Đơn vị đạt chỉ tiêu %(target)s số người tham gia Cuộc thi: %(people)s/"
                    "%(headcount)s người, tỷ lệ %(rate)s."
                )
                % {
                    "target": target,
                    "people": _count(stat.participants_total),
                    "headcount": _count(stat.headcount_total),
                    "rate": _rate(unit_row.rate),
                }
            )
        )
    else:
        texts.append(
            Text(
                _(
                    "Đơn vị chưa đạt chỉ tiêu %(target)s số người tham gia Cuộc thi: %(people)s/"
                    "%(headcount)s người, tỷ lệ %(rate)s; còn thiếu %(missing)s người để đạt "
                    "chỉ tiêu."
                )
                % {
                    "target": target,
                    "people": _count(stat.participants_total),
                    "headcount": _count(stat.headcount_total),
                    "rate": _rate(unit_row.rate),
                    "missing": _count(unit_row.missing_people),
                }
            )
        )
    ranking = collective_ranking(contest=contest, round=round)
    standing = next((item for item in ranking if item.row.unit.pk == unit_row.unit.pk), None)
    if standing is not None and standing.eligible:
        texts.append(
            Text(
                _(
                    "Tỷ lệ tham gia đạt mức tối thiểu %(minimum)s để được xét giải tập thể; đơn vị "
                    "đang xếp thứ %(rank)s trong %(eligible)s đơn vị đủ điều kiện."
                )
                % {
                    "minimum": _percent(contest.collective_min_rate_percent),
                    "rank": standing.rank,
                    "eligible": sum(1 for item in ranking if item.eligible),
                }
            )
        )
    elif standing is not None:
        texts.append(
            Text(
                _("Đơn vị chưa đủ điều kiện xét giải tập thể (%(reason)s).")
                % {"reason": standing.reason.lower()}
            )
        )
    children = [row for row in sub_rows if row.depth == 1]
    if children:
        reached = [row for row in children if row.reached]
        below = [row for row in children if not row.reached and row.rate is not None]
        sentence = _("Có %(reached)s/%(total)s đơn vị trực thuộc đạt chỉ tiêu.") % {
            "reached": len(reached),
            "total": len(children),
        }
        if below:
            sentence += " " + _("Các đơn vị chưa đạt: %(units)s.") % {
                "units": "; ".join(
                    _("%(unit)s (%(rate)s, còn thiếu %(n)s người)")
                    % {
                        "unit": row.unit.name,
                        "rate": _rate(row.rate),
                        "n": _count(row.missing_people),
                    }
                    for row in below
                )
            }
        texts.append(Text(sentence))
    if round is not None and round.ends_at > now:
        texts.append(
            Text(
                _("%(round)s đang diễn ra; số liệu còn thay đổi đến khi đợt thi kết thúc.")
                % {"round": round.name}
            )
        )
    return texts


def _winners_table(lines: list[WinnerLine], *, numbering: _Numbering, full: bool) -> Table:
    return Table(
        headers=(
            _("STT"),
            _("Đợt thi"),
            _("Giải"),
            _("Họ và tên"),
            _("Số điện thoại"),
            _("Đơn vị / địa phương"),
            _("Điểm"),
            _("Thời gian (giây)"),
        ),
        rows=tuple(
            (
                str(index),
                line.round.name,
                line.tier_name,
                line.person.full_name,
                _phone(line.person, full),
                _person_unit(line.person),
                str(line.score),
                seconds(line.duration_ms),
            )
            for index, line in enumerate(lines, start=1)
        ),
        widths=(7, 9, 14, 22, 16, 23, 9, 15),
        align=("center", "left", "left", "left", "left", "left", "right", "right"),
        caption=numbering.table(_("Danh sách người đạt giải")),
    )


# --- The committee's summary -----------------------------------------------------------------


def committee_summary_document(
    *,
    contest: Contest,
    full_personal_data: bool,
    now: datetime,
    options: OfficialReportSettings | None = None,
) -> OfficialDocument:
    """The organising committee's summary for the closing programme: totals per round, the
    dashboard's charts, participation per unit ranked, the units at the target, the
    collective prizes' ranking, each round's winners with their units."""
    options = options or report_settings(contest=contest)
    taken_at = participation_refreshed_at(contest=contest)
    overall = participation_overall(contest=contest)
    if overall is None or taken_at is None:
        raise ReportUnavailable(
            _("Số liệu tham gia chưa được tổng hợp; vui lòng thử lại sau ít phút.")
        )
    rounds = list(contest_rounds(contest=contest))
    numbering = _Numbering()
    target = _percent(contest.participation_target_percent)

    blocks: list[Block] = [
        Text(
            _("Thực hiện %(rules)s, Ban Tổ chức báo cáo tổng kết kết quả Cuộc thi như sau:")
            % {"rules": _rules_reference(contest)}
        ),
        _data_note(taken_at=taken_at, now=now),
        Text(_("I. KẾT QUẢ CHUNG"), "heading"),
    ]
    if rounds:
        blocks.append(
            Text(
                _(
                    "Cuộc thi được tổ chức thành %(count)s đợt, %(window)s. Tổng số người dự thi: "
                    "%(everyone)s người với %(attempts)s lượt thi; trong đó %(in_units)s người "
                    "thuộc các đơn vị, đạt %(rate)s số người theo chỉ tiêu của các đơn vị "
                    "(%(headcount)s người; chỉ tiêu %(target)s)."
                )
                % {
                    "count": f"{len(rounds):02d}",
                    "window": _("từ %(start)s đến %(end)s")
                    % {"start": _hour(rounds[0].starts_at), "end": _hour(rounds[-1].ends_at)},
                    "everyone": _count(overall.stat.participants),
                    "attempts": _count(overall.stat.attempts),
                    "in_units": _count(overall.stat.participants_total),
                    "rate": _rate(overall.rate),
                    "headcount": _count(overall.stat.headcount_total),
                    "target": target,
                }
            )
        )
    winners = {
        r.pk: _winners(round=r, unit_ids=None) for r in rounds if r.state == Round.State.PUBLISHED
    }
    blocks.append(
        _summary_rounds_table(
            contest=contest, overall=overall, rounds=rounds, winners=winners, numbering=numbering
        )
    )
    blocks.extend(_dashboard_figures(contest=contest, numbering=numbering))
    blocks.append(Text(_("II. KẾT QUẢ THAM GIA CỦA CÁC ĐƠN VỊ"), "heading"))
    ranking = collective_ranking(contest=contest)
    eligible = [item for item in ranking if item.eligible]
    reached = [item.row for item in ranking if item.row.reached]
    blocks.extend(
        _summary_units(contest=contest, ranking=ranking, reached=reached, numbering=numbering)
    )
    blocks.append(Text(_("III. KẾT QUẢ CÁC ĐỢT THI"), "heading"))
    blocks.extend(
        _summary_rounds(
            rounds=rounds, winners=winners, numbering=numbering, full=full_personal_data
        )
    )
    blocks.append(Text(_("IV. ĐÁNH GIÁ CHUNG"), "heading"))
    blocks.append(
        Text(
            (
                _("Tỷ lệ tham gia chung của các đơn vị đạt chỉ tiêu %(target)s (%(rate)s).")
                if overall.reached
                else _(
                    "Tỷ lệ tham gia chung của các đơn vị chưa đạt chỉ tiêu %(target)s (%(rate)s)."
                )
            )
            % {"target": target, "rate": _rate(overall.rate)}
            + " "
            + _(
                "%(reached)s/%(total)s đơn vị đạt chỉ tiêu; %(eligible)s đơn vị đủ điều kiện xét giải tập thể."
            )
            % {"reached": len(reached), "total": len(ranking), "eligible": len(eligible)}
        )
    )
    blocks.append(
        Text(
            _("Trên đây là báo cáo tổng kết %(contest)s./.") % {"contest": contest.name},
            "closing",
        )
    )
    issued = _local(now).date()
    return OfficialDocument(
        governing_body=options.committee_governing_body,
        issuer=options.committee_name,
        number=_number(options.summary_number_pattern, abbreviation="BTC", year=issued.year),
        place_date=place_date_line(place=options.place_name, day=issued),
        kind_title=_("BÁO CÁO"),
        subject=_("Tổng kết %(contest)s") % {"contest": contest.name},
        addressee="",
        blocks=tuple(blocks),
        recipients=recipients_lines(options.summary_recipients),
        signer_lines=signer_lines(options.summary_signer_title),
        signer_name=options.summary_signer_name,
        metadata_title=_("Báo cáo tổng kết — %(contest)s") % {"contest": contest.name},
        metadata_author=options.committee_name,
        keywords=(contest.slug,),
    )


def _summary_rounds_table(
    *,
    contest: Contest,
    overall: ParticipationRow,
    rounds: list[Round],
    winners: dict[int, list[WinnerLine]],
    numbering: _Numbering,
) -> Table:
    """People, attempts and prizes of each round, and of the whole contest (everyone counted,
    citizens with no unit too, as the home page counts them)."""
    lines = []
    for index, each in enumerate(rounds, start=1):
        each_overall = participation_overall(contest=contest, round=each)
        lines.append(
            (
                str(index),
                each.name,
                _window_short(each),
                _count(each_overall.stat.participants if each_overall else 0),
                _count(each_overall.stat.attempts if each_overall else 0),
                _count(len(winners[each.pk])) if each.pk in winners else _("Chưa công bố"),
            )
        )
    lines.append(
        (
            "",
            _("Cả cuộc thi (mỗi người chỉ tính một lần)"),
            "",
            _count(overall.stat.participants),
            _count(overall.stat.attempts),
            _count(sum(len(items) for items in winners.values())),
        )
    )
    return Table(
        headers=(
            _("STT"),
            _("Đợt thi"),
            _("Thời gian"),
            _("Người dự thi"),
            _("Lượt thi"),
            _("Giải cá nhân"),
        ),
        rows=tuple(lines),
        widths=(7, 12, 36, 15, 12, 14),
        align=("center", "left", "left", "right", "right", "right"),
        caption=numbering.table(_("Kết quả tham gia theo từng đợt")),
        bold_rows=frozenset({len(lines) - 1}),
        spans=((len(lines) - 1, 1, 2),),
    )


def _summary_units(
    *,
    contest: Contest,
    ranking: list[CollectiveRow],
    reached: list[ParticipationRow],
    numbering: _Numbering,
) -> list[Block]:
    """Units ranked by rate (the collective ranking), those at the target, the leaders."""
    target = _percent(contest.participation_target_percent)
    eligible = [item for item in ranking if item.eligible]
    names = {item.row.unit.pk: item.row.unit.name for item in ranking}
    roots = sum(1 for item in ranking if item.row.depth == 0)
    blocks: list[Block] = [
        Text(_("1. Tỷ lệ tham gia của các đơn vị"), "subheading"),
        Text(
            _(
                "Các đơn vị được xếp theo tỷ lệ người tham gia trên số người theo chỉ tiêu (gồm "
                "đơn vị trực thuộc); được xét giải tập thể là đơn vị có tỷ lệ từ %(minimum)s và "
                "từ %(headcount)s người trở lên."
            )
            % {
                "minimum": _percent(contest.collective_min_rate_percent),
                "headcount": _count(max(contest.collective_min_headcount, 1)),
            }
        ),
        Table(
            headers=(
                _("Hạng"),
                _("Đơn vị"),
                _("Số người"),
                _("Đã dự thi"),
                _("Tỷ lệ"),
                _("Chỉ tiêu %(target)s") % {"target": target},
                _("Xét giải tập thể"),
            ),
            rows=tuple(
                (
                    str(item.rank) if item.rank else "—",
                    _unit_label(item.row, names=names, roots=roots),
                    _count(item.row.stat.headcount_total),
                    _count(item.row.stat.participants_total),
                    _rate(item.row.rate),
                    _("Đạt") if item.row.reached else _("Chưa đạt"),
                    _("Đủ điều kiện") if item.eligible else item.reason,
                )
                for item in ranking
            ),
            widths=(8, 40, 10, 10, 11, 12, 17),
            align=("center", "left", "right", "right", "right", "center", "left"),
            caption=numbering.table(_("Xếp hạng tỷ lệ tham gia của các đơn vị")),
        ),
        Text(_("2. Các đơn vị đạt chỉ tiêu %(target)s") % {"target": target}, "subheading"),
    ]
    if reached:
        blocks.append(
            Text(
                _("Có %(reached)s/%(total)s đơn vị đạt chỉ tiêu: %(units)s.")
                % {
                    "reached": len(reached),
                    "total": len(ranking),
                    "units": "; ".join(
                        f"{row.unit.name} ({_rate(row.rate)})"
                        for row in sorted(reached, key=lambda r: (-(r.rate or 0), r.unit.name))
                    ),
                }
            )
        )
    else:
        blocks.append(Text(_("Chưa có đơn vị nào đạt chỉ tiêu %(target)s.") % {"target": target}))
    blocks.append(Text(_("3. Giải tập thể"), "subheading"))
    if not eligible:
        blocks.append(Text(_("Chưa có đơn vị nào đủ điều kiện xét giải tập thể.")))
        return blocks
    blocks.append(
        Text(
            _(
                "Có %(count)s đơn vị đủ điều kiện xét giải tập thể (Bảng %(table)s); dẫn "
                "đầu: %(leaders)s."
            )
            % {
                "count": len(eligible),
                "table": numbering.tables,
                "leaders": "; ".join(
                    _("hạng %(rank)s: %(unit)s (%(rate)s)")
                    % {"rank": item.rank, "unit": item.row.unit.name, "rate": _rate(item.row.rate)}
                    for item in eligible
                    if item.rank <= 3
                ),
            }
        )
    )
    return blocks


def _summary_rounds(
    *,
    rounds: list[Round],
    winners: dict[int, list[WinnerLine]],
    numbering: _Numbering,
    full: bool,
) -> list[Block]:
    """Each round: its window, publication, the prediction's answer and its winners."""
    blocks: list[Block] = []
    for index, each in enumerate(rounds, start=1):
        blocks.append(
            Text(
                _("%(n)s. %(round)s (%(window)s)")
                % {"n": index, "round": each.name, "window": _window(each)},
                "subheading",
            )
        )
        if each.pk not in winners:
            blocks.append(Text(_("Kết quả đợt thi chưa được Ban Tổ chức công bố.")))
            continue
        sentence = _("Kết quả đã công bố ngày %(date)s; %(count)s người đạt giải cá nhân.") % {
            "date": _short_date(_local(each.published_at).date()) if each.published_at else "—",
            "count": _count(len(winners[each.pk])),
        }
        if each.prediction_actual is not None:
            sentence += " " + _(
                "Đáp án câu hỏi dự đoán: %(actual)s người có bài thi đạt điểm tuyệt đối."
            ) % {"actual": _count(each.prediction_actual)}
        blocks.append(Text(sentence))
        if winners[each.pk]:
            blocks.append(
                _round_winners_table(each, winners[each.pk], numbering=numbering, full=full)
            )
    if winners and not full:
        blocks.append(Text(_("Số điện thoại được che một phần để bảo vệ dữ liệu cá nhân."), "note"))
    return blocks


def _unit_label(row: ParticipationRow, *, names: dict[int, str], roots: int) -> str:
    """A unit's name in a flat list, with its parent's where the name alone is ambiguous
    ("Văn phòng" of which department): below the second level, or below one of several
    top-level units."""
    parent = names.get(row.unit.parent_id)
    if parent and (row.depth >= 2 or roots > 1):
        return _("%(unit)s (thuộc %(parent)s)") % {"unit": row.unit.name, "parent": parent}
    return row.unit.name


def _round_winners_table(
    round: Round, lines: list[WinnerLine], *, numbering: _Numbering, full: bool
) -> Table:
    return Table(
        headers=(
            _("Giải"),
            _("Hạng"),
            _("Họ và tên"),
            _("Số điện thoại"),
            _("Đơn vị / địa phương"),
            _("Điểm"),
            _("Thời gian (giây)"),
        ),
        rows=tuple(
            (
                line.tier_name,
                str(line.rank),
                line.person.full_name,
                _phone(line.person, full),
                _person_unit(line.person),
                str(line.score),
                seconds(line.duration_ms),
            )
            for line in lines
        ),
        widths=(14, 9, 22, 16, 25, 9, 15),
        align=("left", "center", "left", "left", "left", "right", "right"),
        caption=numbering.table(_("Người đạt giải %(round)s") % {"round": round.name}),
    )


def _dashboard_figures(*, contest: Contest, numbering: _Numbering) -> list[Figure]:
    """The dashboard's four charts, from the data the dashboard draws (dashboard_data)."""
    # matplotlib is imported here, not with the URL configuration: only the summary needs it.
    from . import charts

    data = dashboard_data(contest=contest)
    labels = data["labels"]
    figures = []
    if data["activity"]["day"]:
        figures.append(
            charts.activity_chart(
                items=data["activity"]["day"],
                labels=labels,
                hourly=False,
                caption=numbering.figure(_("Người dự thi và lượt thi theo ngày")),
            )
        )
    if data["activity"]["hour"]:
        figures.append(
            charts.activity_chart(
                items=data["activity"]["hour"],
                labels=labels,
                hourly=True,
                caption=numbering.figure(_("Người dự thi và lượt thi theo giờ")),
            )
        )
    if data["units"]:
        figures.append(
            charts.unit_rates_chart(
                data=data,
                caption=numbering.figure(
                    _("Tỷ lệ tham gia của các đơn vị (đường chỉ tiêu %(target)s)")
                    % {"target": _percent(contest.participation_target_percent)}
                ),
            )
        )
    if any(sum(item["counts"]) for item in data["scores"]):
        figures.append(
            charts.scores_chart(data=data, caption=numbering.figure(_("Phân bố điểm theo đợt")))
        )
    return figures
