"""Server-rendered SVG chart of a target's measurements (no JavaScript, prints well)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

WIDTH, HEIGHT, PAD = 480, 200, 36


@dataclass
class Chart:
    width: int
    height: int
    points: str  # "x,y x,y" for a <polyline>
    dots: list[tuple[float, float, str, str]]  # x, y, value, date
    target_y: float
    baseline_y: float | None
    top_label: str
    bottom_label: str


def target_chart(target, measurements) -> Chart | None:
    """Measurements over time, with the target (and baseline) as horizontal lines."""
    series = sorted((m.date, m.value) for m in measurements)
    if target.baseline_value is not None and target.baseline_date:
        series.insert(0, (target.baseline_date, target.baseline_value))
    if not series:
        return None
    values = [value for _, value in series] + [target.target_value]
    if target.baseline_value is not None:
        values.append(target.baseline_value)
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    first = series[0][0]
    last = max(series[-1][0], target.target_date or series[-1][0])
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return round(PAD + (WIDTH - 2 * PAD) * (day - first).days / span, 1)

    def y(value: Decimal) -> float:
        return round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * float((value - low) / (high - low)), 1)

    return Chart(
        width=WIDTH,
        height=HEIGHT,
        points=" ".join(f"{x(day)},{y(value)}" for day, value in series),
        dots=[
            (x(day), y(value), f"{value.normalize():f}", day.isoformat()) for day, value in series
        ],
        target_y=y(target.target_value),
        baseline_y=y(target.baseline_value) if target.baseline_value is not None else None,
        top_label=f"{high.normalize():f}",
        bottom_label=f"{low.normalize():f}",
    )


def target_progress(target, latest) -> int | None:
    """Percent of the way from baseline (or zero) to the target."""
    if latest is None:
        return None
    start = target.baseline_value if target.baseline_value is not None else Decimal(0)
    distance = target.target_value - start
    if distance == 0:
        return 100
    return round(100 * float((latest.value - start) / distance))
