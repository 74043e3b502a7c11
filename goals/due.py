"""Fuzzy due dates as plans write them: "15.06.2026", "juni 2026", "våren 2026", "2026".

A due text becomes a window (first and last day) and a precision, and keeps the
words it was written in. Norwegian (bokmål and nynorsk), Swedish and English.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from .models import DuePrecision

MONTHS = {
    1: ("januar", "januari", "january", "jan"),
    2: ("februar", "februari", "february", "feb"),
    3: ("mars", "march", "mar"),
    4: ("april", "apr"),
    5: ("mai", "maj", "may"),
    6: ("juni", "june", "jun"),
    7: ("juli", "july", "jul"),
    8: ("august", "augusti", "aug"),
    9: ("september", "sept", "sep"),
    10: ("oktober", "october", "okt", "oct"),
    11: ("november", "nov"),
    12: ("desember", "december", "des", "dec"),
}
MONTH_BY_NAME = {name: number for number, names in MONTHS.items() for name in names}

# Season words → (first month, last month) of the window.
SEASONS = {
    "spring": (1, 6),
    "summer": (6, 8),
    "autumn": (8, 12),
    "winter": (1, 2),
}
SEASON_BY_WORD = {
    # nb / nn
    "vår": "spring",
    "våren": "spring",
    "tidlig": "spring",
    "våres": "spring",
    "sommer": "summer",
    "sommeren": "summer",
    "sommaren": "summer",
    "høst": "autumn",
    "høsten": "autumn",
    "hausten": "autumn",
    "haust": "autumn",
    "vinter": "winter",
    "vinteren": "winter",
    "vintern": "winter",
    # sv
    "höst": "autumn",
    "hösten": "autumn",
    "sommar": "summer",
    # en
    "spring": "spring",
    "summer": "summer",
    "autumn": "autumn",
    "fall": "autumn",
    "winter": "winter",
    "early": "spring",
}
PREFIXES = (
    "i løpet av",
    "i løpet",
    "innen",
    "innan",
    "før",
    "fore",
    "senest",
    "seinast",
    "seinest",
    "senast",
    "före",
    "under",
    "by",
    "before",
    "during",
    "in",
    "i",
    "på",
)

ACCEPTED_FORMS = "15.06.2026, juni 2026, våren 2026, høsten 2026, 2026"


class DueParseError(ValueError):
    """The text could not be read as a due date; the message says which forms work."""


@dataclass(frozen=True)
class Due:
    text: str
    start: date
    end: date
    precision: str


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _strip_prefix(text: str) -> str:
    for prefix in PREFIXES:
        if text.startswith(prefix + " "):
            return text[len(prefix) + 1 :].strip()
    return text


def parse_due(raw: str) -> Due:
    text = " ".join((raw or "").split())
    if not text:
        raise DueParseError(
            _("Write when the measure is due, e.g. %(forms)s.") % {"forms": ACCEPTED_FORMS}
        )
    words = _strip_prefix(text.lower().rstrip("."))
    try:
        return _parse(text, words)
    except ValueError:
        pass
    raise DueParseError(
        _('Could not read "%(text)s" as a date. Accepted forms: %(forms)s.')
        % {"text": text, "forms": ACCEPTED_FORMS}
    )


def _parse(text: str, words: str) -> Due:
    if match := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", words):
        day = date(int(match[3]), int(match[2]), int(match[1]))
        return Due(text, day, day, DuePrecision.DAY)
    if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", words):
        day = date(int(match[1]), int(match[2]), int(match[3]))
        return Due(text, day, day, DuePrecision.DAY)
    if match := re.fullmatch(r"(\d{1,2})\.? ?([a-zæøåäö]+)\.? (\d{4})", words):
        month = MONTH_BY_NAME.get(match[2])
        if month:
            day = date(int(match[3]), month, int(match[1]))
            return Due(text, day, day, DuePrecision.DAY)
    if match := re.fullmatch(r"([a-zæøåäö]+)\.? (\d{4})", words):
        year = int(match[2])
        if month := MONTH_BY_NAME.get(match[1]):
            return Due(text, date(year, month, 1), _month_end(year, month), DuePrecision.MONTH)
        if season := SEASON_BY_WORD.get(match[1]):
            first, last = SEASONS[season]
            return Due(text, date(year, first, 1), _month_end(year, last), DuePrecision.SEASON)
    if match := re.fullmatch(r"(\d{4})", words):
        year = int(match[1])
        return Due(text, date(year, 1, 1), date(year, 12, 31), DuePrecision.YEAR)
    raise ValueError(words)
