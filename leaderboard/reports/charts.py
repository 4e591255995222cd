"""The organiser dashboard's charts drawn on the server, as PNG, for the committee's summary.

matplotlib (object API, Agg, no pyplot state, no display) is the well-kept choice here: it
rasterises without system libraries (reportlab's own charts need Cairo to make a PNG, pygal
needs CairoSVG, Chart.js a browser), and the same PNG goes into both the .docx (python-docx
takes raster images only) and the PDF. Text is in the DejaVu Sans that matplotlib ships, which
has every Vietnamese glyph (a family name such as "Liberation Serif" could resolve to an older
system copy without them). The
dashboard draws these charts with Chart.js in the browser; both read `dashboard_data`, so the
figures are the same."""

from io import BytesIO

from django.utils.translation import gettext as _
from matplotlib import rc_context
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from .document import TEXT_WIDTH_MM, Figure

FONT_FAMILY = "DejaVu Sans"
DPI = 200
BLUE, ORANGE, GREEN, RED = "#0b57a4", "#e07b00", "#2e7d32", "#c62828"
PALETTE = (BLUE, ORANGE, GREEN, RED, "#6a1b9a", "#00838f")
MM_PER_INCH = 25.4


def _figure(height_mm: float) -> MplFigure:
    figure = MplFigure(
        figsize=(TEXT_WIDTH_MM / MM_PER_INCH, height_mm / MM_PER_INCH), dpi=DPI, layout="tight"
    )
    return figure


def _png(figure: MplFigure, caption: str) -> Figure:
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    width, height = figure.canvas.get_width_height(physical=True)
    return Figure(png=buffer.getvalue(), width_px=width, height_px=height, caption=caption)


def _style(axes) -> None:
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for label in (*axes.get_xticklabels(), *axes.get_yticklabels()):
        label.set_fontfamily(FONT_FAMILY)


def _rc() -> dict:
    return {"font.family": FONT_FAMILY, "font.size": 9}


def activity_chart(*, items: list[dict], labels: dict, caption: str, hourly: bool) -> Figure:
    """People (bars) and attempts (line) per day, or per hour."""

    with rc_context(_rc()):
        figure = _figure(75)
        axes = figure.subplots()
        positions = list(range(len(items)))
        people = [item["participants"] for item in items]
        attempts = [item["attempts"] for item in items]
        if hourly:
            axes.plot(positions, people, color=BLUE, linewidth=1, label=labels["participants"])
        else:
            axes.bar(positions, people, color=BLUE, label=labels["participants"])
        axes.plot(positions, attempts, color=ORANGE, linewidth=1.2, label=labels["attempts"])
        step = max(1, len(items) // 12)
        axes.set_xticks(positions[::step], [item["label"] for item in items][::step])
        axes.tick_params(axis="x", labelrotation=45, labelsize=7)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylim(bottom=0)
        axes.legend(frameon=False, loc="upper right")
        _style(axes)
        return _png(figure, caption)


def unit_rates_chart(*, data: dict, caption: str) -> Figure:
    """Each unit's participation rate (horizontal bars, green once the target is reached) with
    the target and the collective prizes' minimum as vertical lines."""

    units = data["units"]
    target, minimum = data["target"], data["minRate"]
    with rc_context(_rc()):
        figure = _figure(min(25 + 6.5 * len(units), 220))
        axes = figure.subplots()
        names = [unit["name"] for unit in units]
        rates = [unit["rate"] for unit in units]
        positions = list(range(len(units)))
        axes.barh(
            positions,
            rates,
            color=[GREEN if rate >= target else BLUE for rate in rates],
            height=0.7,
        )
        axes.set_yticks(positions, names, fontsize=8)
        axes.invert_yaxis()
        axes.axvline(
            target, color=RED, linestyle="--", linewidth=1.2, label=data["labels"]["target"]
        )
        axes.axvline(
            minimum,
            color=ORANGE,
            linestyle=":",
            linewidth=1.2,
            label=_("Tối thiểu xét giải tập thể %(rate)s%%") % {"rate": f"{minimum:g}"},
        )
        axes.set_xlim(0, max(100, *rates, 0) * 1.02)
        axes.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        axes.legend(
            frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8
        )
        _style(axes)
        axes.grid(axis="x", color="#dddddd", linewidth=0.6)
        axes.grid(axis="y", visible=False)
        return _png(figure, caption)


def scores_chart(*, data: dict, caption: str) -> Figure:
    """Attempts per score, one group of bars per score and one colour per round."""

    rounds = data["scores"]
    longest = max((len(item["counts"]) for item in rounds), default=0)
    with rc_context(_rc()):
        figure = _figure(70)
        axes = figure.subplots()
        width = 0.8 / max(len(rounds), 1)
        for index, item in enumerate(rounds):
            offsets = [score - 0.4 + width * (index + 0.5) for score in range(len(item["counts"]))]
            axes.bar(
                offsets,
                item["counts"],
                width=width,
                color=PALETTE[index % len(PALETTE)],
                label=item["name"],
            )
        axes.set_xticks(list(range(longest)))
        axes.set_xlabel(data["labels"]["score"])
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.legend(frameon=False, loc="upper left")
        _style(axes)
        return _png(figure, caption)
