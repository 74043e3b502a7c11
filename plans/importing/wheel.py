"""The annual wheel (årshjul) as plans write it: a "Tid/Tema" table or a month × year grid.

Rows may run over several lines and cells may hold two items; an item found in
some years only keeps those years.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .text import join_cell

YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
WHEN_COLUMN = re.compile(r"^(tid|når|när|måned|måneder|månad|månader|periode|month|dato)", re.I)
SEASON_MONTHS = {
    "vår": (1, 6),
    "våren": (1, 6),
    "vår/sommer": (1, 8),
    "sommer": (6, 8),
    "sommar": (6, 8),
    "høst": (8, 12),
    "høsten": (8, 12),
    "haust": (8, 12),
    "höst": (8, 12),
    "hösten": (8, 12),
    "vinter": (11, 12),
    "vinteren": (11, 12),
    "vintern": (11, 12),
    "hele året": (1, 12),
    "heile året": (1, 12),
    "hela året": (1, 12),
}
MONTH_NAMES = {
    "jan": 1,
    "januar": 1,
    "januari": 1,
    "feb": 2,
    "februar": 2,
    "februari": 2,
    "mar": 3,
    "mars": 3,
    "apr": 4,
    "april": 4,
    "mai": 5,
    "maj": 5,
    "jun": 6,
    "juni": 6,
    "jul": 7,
    "juli": 7,
    "aug": 8,
    "august": 8,
    "augusti": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "okt": 10,
    "oktober": 10,
    "nov": 11,
    "november": 11,
    "des": 12,
    "dec": 12,
    "desember": 12,
    "december": 12,
}
CELL_ITEMS = re.compile(r"\s*(?:;|\n|•|\s\|\s)\s*")


def is_wheel(header: list[str]) -> bool:
    """A "Tid/Tema" table of months and seasons, or a month × year grid."""
    year_columns = [cell for cell in header[1:] if YEAR.fullmatch(cell.strip())]
    if len(year_columns) >= 2:
        return True
    return bool(WHEN_COLUMN.match(header[0].strip())) and len(header) >= 2


def read_wheel(rows: list[list[str]]) -> tuple[list[dict], list[str]]:
    """The wheel's entries from its table, and a warning for each row it cannot place."""
    warnings: list[str] = []
    header = rows[0]
    years = [int(cell) if YEAR.fullmatch(cell.strip()) else None for cell in header]
    grid = sum(1 for year in years if year) >= 2
    body: list[list[str]] = []
    for row in rows[1:]:
        cells = [*row, *[""] * (len(header) - len(row))]
        if body and not cells[0].strip():  # a row continued on the next line
            body[-1] = [join_cell(old, new) for old, new in zip(body[-1], cells, strict=False)]
        else:
            body.append(cells)
    entries: dict[tuple, dict] = {}
    for cells in body:
        when = cells[0].strip()
        months = _months(when)
        if months is None:
            warnings.append(
                _('Annual wheel: "%(when)s" is not a month or season; the row is left out.')
                % {"when": when}
            )
            continue
        columns = range(1, len(cells)) if grid else range(1, 2)
        for column in columns:
            for title in CELL_ITEMS.split(cells[column]):
                title = title.strip().rstrip(".") if grid else title.strip()
                if not title:
                    continue
                key = (title.lower(), months)
                entry = entries.setdefault(
                    key,
                    {
                        "title": title[:200],
                        "month": months[0],
                        "end_month": months[1],
                        "day": months[2],
                        "when_text": when[:60],
                        "years": [],
                        "source": "\t".join(cells),
                    },
                )
                if grid and years[column]:
                    entry["years"].append(years[column])
    all_years = sorted({year for year in years if year})
    for entry in entries.values():
        if grid and sorted(set(entry["years"])) == all_years:
            entry["years"] = []
        entry["years"] = sorted(set(entry["years"]))
    return list(entries.values()), warnings


def _months(when: str) -> tuple[int, int | None, int | None] | None:
    """(month, until month, day) for a wheel row's "when": "Vår", "Januar–februar", "8. mars"."""
    text = when.strip().lower().rstrip(".")
    if match := re.fullmatch(r"(\d{1,2})\.\s*([a-zæøåäö]+)", text):
        month = MONTH_NAMES.get(match[2])
        return (month, None, int(match[1])) if month else None
    if text in MONTH_NAMES:
        return MONTH_NAMES[text], None, None
    parts = [p for p in re.split(r"\s*[–\-/]\s*|\s+og\s+|\s+och\s+", text) if p]
    spans = []
    for part in parts:
        if part in MONTH_NAMES:
            spans.append((MONTH_NAMES[part], MONTH_NAMES[part]))
        elif part in SEASON_MONTHS:
            spans.append(SEASON_MONTHS[part])
        else:
            return None
    if not spans:
        return None
    first, last = spans[0][0], spans[-1][1]
    if len(spans) == 1 and first == last:
        return first, None, None
    return first, last, None
