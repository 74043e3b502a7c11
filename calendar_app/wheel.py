"""The annual wheel as a circular SVG picture: twelve months around, entries labelled beside it.

Labels stand in two columns, right of the wheel for January–June and left of it for
July–December, each joined to its place on the ring by a thin line. In a column the
labels are stacked top to bottom, pushed apart where they would meet (a simple
collision pass) and wrapped, never cut, so every title can be read whole. The picture
grows taller when a column needs the room.
"""

from __future__ import annotations

import calendar as month_calendar
import math
import textwrap
from dataclasses import dataclass, field

from django.utils.dates import MONTHS_3

WIDTH = 1000
MIN_HEIGHT = 500
MARGIN = 24
RING_OUTER, RING_INNER = 200, 130
ARC_LANES = 3  # spans of months are drawn outside the ring, side by side where they meet
ELBOW = RING_OUTER + 28  # where a leader line turns towards its label, beyond the spans
COLUMN_GAP = 52  # from the ring to the labels' edge
FONT_SIZE = 15
LINE_HEIGHT = 18
LABEL_GAP = 6  # between two labels in a column
WRAP = 25  # characters per line: 25 × ~9 px fits the 248 px beside the ring


@dataclass
class Sector:
    path: str
    label: str
    label_x: float
    label_y: float
    shade: bool


@dataclass
class Line:
    x: float
    y: float  # the baseline
    text: str


@dataclass
class Placed:
    """One entry's label: its wrapped lines, the dot on the ring and the leader line."""

    lines: list[Line]
    anchor: str
    dot_x: float
    dot_y: float
    leader: str
    arc: str = ""
    top: float = 0.0
    bottom: float = 0.0
    side: str = "right"
    angle: float = field(default=0.0, repr=False)


def _point(centre: tuple[float, float], radius: float, angle: float) -> tuple[float, float]:
    cx, cy = centre
    return (
        round(cx + radius * math.sin(angle), 1),
        round(cy - radius * math.cos(angle), 1),
    )


def _angle(month: int, day: float) -> float:
    """Clockwise from the top: January 1st at 0, the middle of June at about 165°."""
    days = month_calendar.monthrange(2001, month)[1]
    return (month - 1 + min(day, days) / days) * math.tau / 12


def _entry_angles(entry) -> tuple[float, float, float]:
    """(where the label points, where a span starts, where it ends)."""
    if entry.day:
        at = _angle(entry.month, entry.day - 0.5)
        return at, at, at
    start = _angle(entry.month, 0)
    end_month = entry.end_month or entry.month
    end = _angle(end_month, 31)
    if end <= start:  # "November–February" goes over the new year
        end += math.tau
    if end_month == entry.month:
        return (start + end) / 2, start, end
    # A span of months points at its first month, where it begins.
    return _angle(entry.month, 15), start, end


def _lanes(spans: list[tuple[float, float]]) -> list[int]:
    """A lane for each span (start, end) so that spans in one lane do not meet."""
    taken: list[list[tuple[float, float]]] = [[] for _ in range(ARC_LANES)]
    lanes = []
    for span in spans:
        free = (
            lane for lane, used in enumerate(taken) if not any(_meet(span, other) for other in used)
        )
        lane = next(free, ARC_LANES - 1)
        taken[lane].append(span)
        lanes.append(lane)
    return lanes


def _meet(a: tuple[float, float], b: tuple[float, float]) -> bool:
    # Around the circle: compare b also a turn earlier and later.
    return any(a[0] < b[1] + turn and b[0] + turn < a[1] for turn in (-math.tau, 0, math.tau))


def _arc(centre, radius: float, start: float, end: float) -> str:
    (x1, y1), (x2, y2) = _point(centre, radius, start), _point(centre, radius, end)
    large = 1 if end - start > math.pi else 0
    return f"M{x1},{y1} A{radius},{radius} 0 {large} 1 {x2},{y2}"


def _stack(labels: list[Placed], height: float) -> None:
    """Push labels apart so none overlaps the next, keeping them inside the picture."""
    labels.sort(key=lambda label: (label.top, label.angle))
    floor = MARGIN
    for label in labels:  # downwards: each starts below the one before
        size = label.bottom - label.top
        label.top = max(label.top, floor)
        label.bottom = label.top + size
        floor = label.bottom + LABEL_GAP
    ceiling = height - MARGIN
    for label in reversed(labels):  # upwards: back inside the bottom edge
        size = label.bottom - label.top
        label.bottom = min(label.bottom, ceiling)
        label.top = label.bottom - size
        ceiling = label.top - LABEL_GAP


def _column_height(labels: list[Placed]) -> float:
    return sum(label.bottom - label.top + LABEL_GAP for label in labels) - LABEL_GAP


def _label_text(entry, note_years: bool) -> str:
    text = entry.label
    if entry.end_month and not entry.day and entry.end_month != entry.month:
        text = f"{entry.when_label}: {entry.title}"
    if note_years and entry.years_label:
        text = f"{text} ({entry.years_label})"
    return text


def wheel_picture(entries, *, note_years: bool = False) -> dict:
    """The picture's parts, in SVG user units; ``note_years`` adds "(2028)" to such entries."""
    entries = list(entries)
    wrapped = [
        textwrap.wrap(_label_text(entry, note_years), WRAP, break_on_hyphens=False) or [""]
        for entry in entries
    ]
    # As tall as the fuller column needs, and never less than the wheel itself.
    per_side = {"right": 0.0, "left": 0.0}
    for entry, lines in zip(entries, wrapped, strict=True):
        side = "right" if _entry_angles(entry)[0] < math.pi else "left"
        per_side[side] += len(lines) * LINE_HEIGHT + LABEL_GAP
    height = max(MIN_HEIGHT, 2 * (RING_OUTER + MARGIN), max(per_side.values()) + 2 * MARGIN)
    height = math.ceil(height)
    centre = (WIDTH / 2, height / 2)

    sectors = []
    for month in range(12):
        start, end = month * math.tau / 12, (month + 1) * math.tau / 12
        (x1, y1), (x2, y2) = _point(centre, RING_OUTER, start), _point(centre, RING_OUTER, end)
        (x3, y3), (x4, y4) = _point(centre, RING_INNER, end), _point(centre, RING_INNER, start)
        path = (
            f"M{x1},{y1} A{RING_OUTER},{RING_OUTER} 0 0 1 {x2},{y2} L{x3},{y3} "
            f"A{RING_INNER},{RING_INNER} 0 0 0 {x4},{y4} Z"
        )
        label_x, label_y = _point(centre, (RING_OUTER + RING_INNER) / 2, (start + end) / 2)
        sectors.append(
            Sector(path, str(MONTHS_3[month + 1]).capitalize(), label_x, label_y, month % 2 == 0)
        )

    angles = [_entry_angles(entry) for entry in entries]
    # Only a span of several months gets an arc; one month is its sector already.
    spans = [end - start > math.tau / 12 + 0.01 for _at, start, end in angles]
    lanes = iter(
        _lanes(
            [(start, end) for (_at, start, end), span in zip(angles, spans, strict=True) if span]
        )
    )
    placed: list[Placed] = []
    for lines, (angle, start, end), span in zip(wrapped, angles, spans, strict=True):
        side = "right" if angle < math.pi else "left"
        _elbow_x, elbow_y = _point(centre, ELBOW, angle)
        top = elbow_y - LINE_HEIGHT / 2
        dot_x, dot_y = _point(centre, RING_OUTER + 2, angle)
        placed.append(
            Placed(
                lines=[Line(0, 0, line) for line in lines],
                anchor="start" if side == "right" else "end",
                dot_x=dot_x,
                dot_y=dot_y,
                leader="",
                arc=_arc(centre, RING_OUTER + 8 + 6 * next(lanes), start, end) if span else "",
                top=top,
                bottom=top + len(lines) * LINE_HEIGHT,
                side=side,
                angle=angle,
            )
        )
    for side in ("right", "left"):
        _stack([label for label in placed if label.side == side], height)

    cx, _cy = centre
    for label in placed:
        sign = 1 if label.side == "right" else -1
        text_x = cx + sign * (RING_OUTER + COLUMN_GAP)
        for number, line in enumerate(label.lines):
            line.x = text_x
            # The baseline sits about a third of a line below the middle of its line box.
            line.y = round(label.top + number * LINE_HEIGHT + LINE_HEIGHT * 0.75, 1)
        elbow_x, elbow_y = _point(centre, ELBOW, label.angle)
        start_x, start_y = _point(centre, RING_OUTER + 4, label.angle)
        end_x, end_y = round(text_x - sign * 5, 1), round(label.top + LINE_HEIGHT / 2, 1)
        points = [(start_x, start_y), (elbow_x, elbow_y)]
        if _crosses_ring(centre, (elbow_x, elbow_y), (end_x, end_y)):
            # Round the ring: out sideways first, then to the label.
            points.append((round(text_x - sign * 14, 1), elbow_y))
        points.append((end_x, end_y))
        label.leader = " ".join(f"{x},{y}" for x, y in points)
    return {
        "width": WIDTH,
        "height": height,
        "centre_x": cx,
        "centre_y": centre[1],
        "sectors": sectors,
        "entries": placed,
        "font_size": FONT_SIZE,
    }


def _crosses_ring(centre, a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether the straight line from ``a`` to ``b`` cuts into the ring."""
    (cx, cy), (ax, ay), (bx, by) = centre, a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if not length else max(0.0, min(1.0, ((cx - ax) * dx + (cy - ay) * dy) / length))
    nearest = math.hypot(ax + t * dx - cx, ay + t * dy - cy)
    return nearest < RING_OUTER + 6


def label_boxes(picture: dict, char_width: float = 0.6) -> list[tuple[float, float, float, float]]:
    """Each label's box (left, top, right, bottom), with text as wide as ``char_width`` em."""
    boxes = []
    for label in picture["entries"]:
        width = max(len(line.text) for line in label.lines) * FONT_SIZE * char_width
        x = label.lines[0].x
        left, right = (x, x + width) if label.anchor == "start" else (x - width, x)
        boxes.append((left, label.top, right, label.bottom))
    return boxes
