"""The annual wheel as a circular SVG picture: twelve months around, entries placed on them."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.dates import MONTHS

SIZE = 640
CENTRE = SIZE / 2
RING_OUTER, RING_INNER = 300, 230


@dataclass
class Sector:
    path: str
    label: str
    label_x: float
    label_y: float
    shade: bool


@dataclass
class Placed:
    title: str
    x: float
    y: float
    anchor: str


def _point(radius: float, angle: float) -> tuple[float, float]:
    return (
        round(CENTRE + radius * math.sin(angle), 1),
        round(CENTRE - radius * math.cos(angle), 1),
    )


def wheel_picture(entries) -> dict:
    sectors = []
    for month in range(12):
        start, end = month * math.tau / 12, (month + 1) * math.tau / 12
        (x1, y1), (x2, y2) = _point(RING_OUTER, start), _point(RING_OUTER, end)
        (x3, y3), (x4, y4) = _point(RING_INNER, end), _point(RING_INNER, start)
        path = (
            f"M{x1},{y1} A{RING_OUTER},{RING_OUTER} 0 0 1 {x2},{y2} L{x3},{y3} "
            f"A{RING_INNER},{RING_INNER} 0 0 0 {x4},{y4} Z"
        )
        label_x, label_y = _point((RING_OUTER + RING_INNER) / 2, (start + end) / 2)
        sectors.append(
            Sector(path, str(MONTHS[month + 1])[:3].capitalize(), label_x, label_y, month % 2 == 0)
        )
    placed = []
    per_month: dict[int, int] = {}
    for entry in entries:
        slot = per_month.get(entry.month, 0)
        per_month[entry.month] = slot + 1
        angle = (entry.month - 0.5) * math.tau / 12
        x, y = _point(RING_INNER - 18 - 16 * slot, angle)
        # Text runs from the ring towards the centre, so it stays inside the circle.
        side = math.sin(angle)
        anchor = "end" if side > 0.2 else "start" if side < -0.2 else "middle"
        title = entry.title if len(entry.title) <= 28 else f"{entry.title[:27]}…"
        placed.append(Placed(title, x, y, anchor))
    return {"size": SIZE, "centre": CENTRE, "sectors": sectors, "entries": placed}
