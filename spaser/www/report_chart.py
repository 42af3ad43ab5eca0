"""The objective chart of the steering report as inline SVG (vector in the PDF, no script), drawn from the same
`steering.chart_data` as the dashboard's DSFR Chart: bars for the measured values, a line with dots for the
trajectory, both from zero to the same top. Coordinates are written here, numbers for people by spaser.formatting."""

from dataclasses import dataclass
from itertools import groupby
from math import ceil, log10

from spaser.formatting import UNITS, number
from spaser.plans.steering import ChartData


WIDTH, HEIGHT = 520, 210
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 18, 26
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    label_x: str
    label_y: str
    label: str
    current: bool  # the report's year


@dataclass(frozen=True)
class Tick:
    y: str
    label: str


@dataclass(frozen=True)
class Year:
    x: str
    label: int
    current: bool


@dataclass(frozen=True)
class SvgChart:
    width: int
    height: int
    left: int
    right: str
    bars: list[Bar]
    lines: list[str]  # "x,y x,y …" of each unbroken stretch of the trajectory
    dots: list[tuple[str, str]]
    ticks: list[Tick]
    years: list[Year]
    years_y: str


def nice_top(top: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^n at or above `top`: ticks at its half read as round numbers."""
    scale = 10 ** ceil(log10(top)) / 10
    return next(scale * step for step in (1, 2, 2.5, 5, 10) if scale * step >= top)


def svg_chart(data: ChartData, unit: str, year: int) -> SvgChart:
    top = nice_top(data.top)
    decimals = UNITS[unit].decimals
    slot = PLOT_WIDTH / len(data.years)

    def y(value: float) -> float:
        return TOP + PLOT_HEIGHT * (1 - value / top)

    def centre(index: int) -> float:
        return LEFT + slot * (index + 0.5)

    bars = [
        Bar(
            _at(centre(i) - slot * 0.3),
            _at(y(value)),
            _at(slot * 0.6),
            _at(PLOT_HEIGHT * value / top),
            _at(centre(i)),
            _at(y(value) - 4),
            number(value, decimals),
            data.years[i] == year,
        )
        for i, value in enumerate(data.measured)
        if value is not None
    ]
    stretches = [
        [(_at(centre(i)), _at(y(value))) for i, value in group]
        for known, group in groupby(enumerate(data.trajectory), key=lambda point: point[1] is not None)
        if known
    ]
    return SvgChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=_at(WIDTH - RIGHT),
        bars=bars,
        lines=[" ".join(f"{x},{y}" for x, y in points) for points in stretches if len(points) > 1],
        dots=[point for points in stretches for point in points],
        ticks=[Tick(_at(y(value)), number(value, 0 if value == int(value) else 1)) for value in (0, top / 2, top)],
        years=[Year(_at(centre(i)), label, label == year) for i, label in enumerate(data.years)],
        years_y=_at(HEIGHT - 8),
    )


def _at(coordinate: float) -> str:
    """A coordinate as SVG reads it (a dot, never the page's decimal comma)."""
    return f"{coordinate:.1f}"
