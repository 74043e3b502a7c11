"""Fuzzy due dates as plans write them: "15.06.2026", "juni 2026", "våren 2026", "2026".

A due text becomes a window (first and last day) and a precision, and keeps the
words it was written in. Norwegian (bokmål and nynorsk), Swedish and English.

What is read (after an optional prefix such as "innen", "innan", "før", "för",
"före", "senest", "seinast", "senast", "inför", "under", "i løpet av", "i", "på",
"fra", "til"):

- days: "15.06.2026", "15.06.26", "2026-06-15", "15. juni 2026", "8. mars", "15/6 2026";
- weeks (ISO weeks, Monday to Sunday): "uke 23", "veke 23", "vecka 23", "v. 23 2026";
- months: "juni 2026", "jun 2026"; quarters: "1. kvartal 2026", "Q1 2026",
  "første kvartal", "kvartal 3 2026"; half years: "første halvår 2026",
  "andra halvåret 2026", "H2 2026";
- seasons: "våren 2026", "høsten 26", "hösten 2026" (spring January–June, summer
  June–August, autumn August–December, winter January–February);
- years: "2026", "i løpet av 2026";
- ranges of any of these: "2025–2028", "2025 og 2026", "2025 och 2026", "mars–mai 2026",
  "mai/juni 2025", "vår/sommer 2026" (the left side borrows the right side's year);
- elections (computed here, calendar_app is not imported): a campaign ("valgkampen
  2025", "i valrörelsen 2026") runs from 1 August to election day; the election itself
  ("før valget 2025", "inför valet 2026") is election day; an election year
  ("valåret 2026", "valgåret") is that year. Norway votes on the second Monday of
  September in odd years (parliament 2025, 2029 …; local 2023, 2027 …), Sweden on the
  second Sunday of September every fourth year from 2022 (2026, 2030 …). Swedish words
  mean Sweden; "valet"/"valåret" (both nynorsk and Swedish) are told apart by the
  prefix ("inför" or "før") or by the year (Sweden's election years are even).
- meetings ("før landsmøtet 2027", "til årsmøtet 2026", "fylkesårsmøtet 2027", "inför
  kongressen 2026"): the first half of that year, precision season. Annual meetings
  and congresses are held in winter and spring (branches in January–February,
  counties in February–March, the national congress in spring); the plan does not
  say the meeting's date, and a window ending 30 June does not call the measure
  overdue before the meeting can have been held;
- the whole period: "løpende", "fortløpende", "kontinuerlig", "hele perioden", "i
  perioden", "löpande" — needs the plan's period.

A day, week, month, quarter, half year, season or election without a year takes the
year from the plan's period when the period is one year; when it spans several
years, DueParseError asks which year is meant.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from organisations.params import FIRST_YEAR, LAST_YEAR

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
    "våras": "spring",
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
    "i løbet af",
    "innen utgangen av",
    "innan utgangen av",
    "innan utgången av",
    "före utgången av",
    "by the end of",
    "utgangen av",
    "utgången av",
    "gjennom hele",
    "gjennom heile",
    "gjennom",
    "igjennom",
    "fra og med",
    "frå og med",
    "innen",
    "innan",
    "inden",
    "før",
    "fore",
    "för",
    "före",
    "inför",
    "senest",
    "seinast",
    "seinest",
    "senast",
    "under",
    "fra",
    "frå",
    "från",
    "til",
    "till",
    "by",
    "before",
    "during",
    "until",
    "from",
    "within",
    "in",
    "i",
    "på",
    "år",
    "året",
)
# Prefixes that only Swedish uses, or only Norwegian: they tell whose election "valet" is.
SWEDISH_PREFIXES = {"inför", "före", "för", "senast", "från", "till", "före utgången av"}
NORWEGIAN_PREFIXES = {"før", "innen", "senest", "seinast", "seinest", "fra", "frå", "til"}

WHOLE_PERIOD = {
    "løpende",
    "fortløpende",
    "løpande",
    "fortløpande",
    "kontinuerlig",
    "kontinuerleg",
    "kontinuerligt",
    "löpande",
    "fortlöpande",
    "perioden",
    "hele perioden",
    "heile perioden",
    "hela perioden",
    "planperioden",
    "hele planperioden",
    "heile planperioden",
    "hela planperioden",
    "ongoing",
    "continuously",
    "continuous",
    "the period",
    "the whole period",
    "whole period",
}

ORDINALS = {
    "1": 1,
    "første": 1,
    "fyrste": 1,
    "första": 1,
    "first": 1,
    "2": 2,
    "andre": 2,
    "annen": 2,
    "anna": 2,
    "andra": 2,
    "second": 2,
    "3": 3,
    "tredje": 3,
    "third": 3,
    "4": 4,
    "fjerde": 4,
    "fjärde": 4,
    "fourth": 4,
    "siste": -1,
    "sista": -1,
    "last": -1,
}
_ORDINAL = (
    r"(første|fyrste|första|first|andre|annen|anna|andra|second|tredje|third|"
    r"fjerde|fjärde|fourth|siste|sista|last|[1-4])\.?"
)
_YEAR = r"(?:[ ,/-]+(?:i |of |år )?([0-9]{4}|[0-9]{2}))?"
_YEAR4 = r"(?: ([0-9]{4}))?"

ACCEPTED_FORMS = (
    "15.06.2026, juni 2026, uke 23 2026, 1. kvartal 2026, våren 2026, høsten 2026, "
    "2026, 2025–2028, valgkampen 2025"
)

# Precisions from finest to coarsest: a range takes the coarser of its two ends.
PRECISION_ORDER = [
    DuePrecision.DAY,
    DuePrecision.WEEK,
    DuePrecision.MONTH,
    DuePrecision.QUARTER,
    DuePrecision.SEASON,
    DuePrecision.HALF_YEAR,
    DuePrecision.YEAR,
    DuePrecision.PERIOD,
]

NORWAY, SWEDEN = "NO", "SE"
# The word before "valg"/"val" (its trailing "s" dropped) → (countries, which election).
ELECTION_KINDS = {
    "": ({NORWAY, SWEDEN}, "any"),
    "storting": ({NORWAY}, "parliament"),
    "lokal": ({NORWAY, SWEDEN}, "local"),
    "kommune": ({NORWAY}, "local"),
    "kommunestyre": ({NORWAY}, "local"),
    "fylke": ({NORWAY}, "local"),
    "fylkesting": ({NORWAY}, "local"),
    "riksdag": ({SWEDEN}, "any"),
    "kommunal": ({SWEDEN}, "any"),
    "region": ({SWEDEN}, "any"),
    "general": ({NORWAY, SWEDEN}, "any"),
}


class DueParseError(ValueError):
    """The text could not be read as a due date; the message says which forms work.

    ``needs_period`` is true when the text may well be readable once the plan's
    period is known (a date without a year, "løpende", an election without a year).
    """

    def __init__(self, message: str, *, needs_period: bool = False):
        super().__init__(message)
        self.needs_period = needs_period


@dataclass(frozen=True)
class Due:
    text: str
    start: date
    end: date
    precision: str


def election_day(country: str, year: int) -> date | None:
    """The general election day of Norway ("NO") or Sweden ("SE") in a year, or None.

    Norway: the second Monday of September in odd years (parliament 2025, 2029 …,
    county and municipal 2023, 2027 …). Sweden: the second Sunday of September every
    fourth year from 2022 (2026, 2030 …).
    """
    if country == NORWAY and year % 2 == 1:
        weekday = calendar.MONDAY
    elif country == SWEDEN and year % 4 == 2:
        weekday = calendar.SUNDAY
    else:
        return None
    first = date(year, 9, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _coarser(first: str, second: str) -> str:
    return max(first, second, key=PRECISION_ORDER.index)


class _Unreadable(ValueError):
    pass


@dataclass
class _Reader:
    text: str
    period: tuple[int, int] | None

    # -- years -------------------------------------------------------------------------

    def year(self, written: str | None, default: int | None = None) -> int:
        if written:
            year = int(written)
            return 2000 + year if len(written) == 2 else year
        if default is not None:
            return default
        if self.period and self.period[0] == self.period[1]:
            return self.period[0]
        example = f"{self.text} {self.period[0] if self.period else date.today().year}"
        if self.period:
            raise DueParseError(
                _(
                    "The plan covers several years (%(first)d–%(last)d): which year do you "
                    "mean? Write the year: «%(example)s»."
                )
                % {"first": self.period[0], "last": self.period[1], "example": example}
            )
        raise DueParseError(
            _("Which year? Write the year: «%(example)s».") % {"example": example},
            needs_period=True,
        )

    # -- reading -----------------------------------------------------------------------

    def read(self, words: str) -> tuple[date, date, str]:
        words, prefixes = _strip_prefixes(words)
        try:
            return self.single(words, prefixes)
        except _Unreadable:
            pass
        return self.range(words)

    def range(self, words: str) -> tuple[date, date, str]:
        separators = re.finditer(
            r"\s*(?:[-/]|–|—)\s*|\s+(?:og|och|and|til|till|to|until|tom|t\.o\.m\.?)\s+", words
        )
        for separator in separators:
            left, right = words[: separator.start()].strip(), words[separator.end() :].strip()
            if not left or not right:
                continue
            left, left_prefixes = _strip_prefixes(left)
            if re.fullmatch(r"[0-9]{4}", left) and re.fullmatch(r"[0-9]{2}", right):
                right = left[:2] + right  # 2025/26
            try:
                first_right = self.single(right, ())
            except _Unreadable:
                # "uke 23–25 2026": the right side borrows the left side's unit word.
                unit = re.match(r"([a-zæøåäö]+\.?) ", left)
                if not unit:
                    continue
                try:
                    first_right = self.single(f"{unit[1]} {right}", ())
                except _Unreadable:
                    continue
            start_right, end_right, precision_right = first_right
            try:
                start, _end, precision = self.single(left, left_prefixes, end_right.year)
            except _Unreadable:
                continue
            if start > end_right:
                raise DueParseError(_('"%(text)s" ends before it starts.') % {"text": self.text})
            return start, end_right, _coarser(precision, precision_right)
        raise _Unreadable(words)

    def single(
        self, words: str, prefixes, default_year: int | None = None
    ) -> tuple[date, date, str]:
        year = lambda written: self.year(written, default_year)  # noqa: E731

        if words in WHOLE_PERIOD:
            if not self.period:
                raise DueParseError(
                    _(
                        '"%(text)s" means the whole period of the plan, but the period is '
                        "not known here. Write the years instead, e.g. «2025–2028»."
                    )
                    % {"text": self.text},
                    needs_period=True,
                )
            return date(self.period[0], 1, 1), date(self.period[1], 12, 31), DuePrecision.PERIOD
        if match := re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", words):
            day = date(int(match[1]), int(match[2]), int(match[3]))
            return day, day, DuePrecision.DAY
        if match := re.fullmatch(r"([0-9]{1,2})\.([0-9]{1,2})\.(?:([0-9]{4}|[0-9]{2}))?", words):
            day = date(year(match[3]), int(match[2]), int(match[1]))
            return day, day, DuePrecision.DAY
        if match := re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})(?:[ -]([0-9]{4}))?", words):
            day = date(year(match[3]), int(match[2]), int(match[1]))
            return day, day, DuePrecision.DAY
        match = re.fullmatch(r"([0-9]{1,2})\.? ?([a-zæøåäö]+)\.?,?" + _YEAR4, words)
        if match and (month := MONTH_BY_NAME.get(match[2])):
            day = date(year(match[3]), month, int(match[1]))
            return day, day, DuePrecision.DAY
        match = re.fullmatch(r"([a-zæøåäö]+)\.? ([0-9]{1,2}),? ([0-9]{4})", words)
        if match and (month := MONTH_BY_NAME.get(match[1])):  # English: "june 15, 2026"
            day = date(int(match[3]), month, int(match[2]))
            return day, day, DuePrecision.DAY
        if match := re.fullmatch(
            r"(?:uke|veke|vecka|veckan|week|wk|v|u)\.? ?([0-9]{1,2})" + _YEAR, words
        ):
            week_year = year(match[2])
            monday = date.fromisocalendar(week_year, int(match[1]), 1)
            return monday, monday + timedelta(days=6), DuePrecision.WEEK
        if window := self.quarter_or_half(words, year):
            return window
        if match := re.fullmatch(r"([a-zæøåäö]+)\.?" + _YEAR, words):
            word = match[1]
            if month := MONTH_BY_NAME.get(word):
                if match[2] and len(match[2]) == 2:
                    raise _Unreadable(words)  # "juni 26" may be a day: refuse
                month_year = year(match[2])
                return date(month_year, month, 1), _month_end(month_year, month), DuePrecision.MONTH
            if season := SEASON_BY_WORD.get(word):
                first, last = SEASONS[season]
                season_year = year(match[2])
                return (
                    date(season_year, first, 1),
                    _month_end(season_year, last),
                    DuePrecision.SEASON,
                )
        if match := re.fullmatch(r"([0-9]{4})", words):
            number = int(match[1])
            return date(number, 1, 1), date(number, 12, 31), DuePrecision.YEAR
        if window := self.election(words, prefixes, year):
            return window
        if match := re.fullmatch(
            r"[a-zæøåäö]*(?:årsmøte|årsmöte|landsmøte|landsmöte|representantskapsmøte|"
            r"kongress)(?:t|n|en|et)?" + _YEAR4,
            words,
        ):
            meeting_year = year(match[1])
            return date(meeting_year, 1, 1), date(meeting_year, 6, 30), DuePrecision.SEASON
        raise _Unreadable(words)

    def quarter_or_half(self, words: str, year) -> tuple[date, date, str] | None:
        quarter = half = None
        written_year = None
        quarter_words = r" ?(?:kvartal|kvartalet|quarter)(?: of)?"
        half_words = r" ?(?:halvår|halvåret|half|half year|half of)"
        if match := re.fullmatch(_ORDINAL + quarter_words + _YEAR, words):
            quarter, written_year = ORDINALS[match[1]], match[2]
        elif match := re.fullmatch(r"(?:kvartal|kvartalet|quarter|q) ?([1-4])" + _YEAR, words):
            quarter, written_year = int(match[1]), match[2]
        elif match := re.fullmatch(_ORDINAL + half_words + _YEAR, words):
            half, written_year = ORDINALS[match[1]], match[2]
            if half not in (1, 2, -1):
                return None
        elif match := re.fullmatch(r"h([12])" + _YEAR, words):
            half, written_year = int(match[1]), match[2]
        elif match := re.fullmatch(r"(vår|høst|haust|höst)halvåret" + _YEAR, words):
            half, written_year = (1 if match[1] == "vår" else 2), match[2]
        else:
            return None
        the_year = year(written_year)
        if quarter:
            quarter = 4 if quarter == -1 else quarter
            return (
                date(the_year, quarter * 3 - 2, 1),
                _month_end(the_year, quarter * 3),
                DuePrecision.QUARTER,
            )
        half = 2 if half == -1 else half
        return (
            date(the_year, half * 6 - 5, 1),
            _month_end(the_year, half * 6),
            DuePrecision.HALF_YEAR,
        )

    def election(self, words: str, prefixes, year) -> tuple[date, date, str] | None:
        words = re.sub(r"kommune- og fylkestings?", "lokal", words)
        words = re.sub(r"kommun- och regions?", "lokal", words)
        patterns = (
            # (pattern, countries, what): campaign window, election year or election day
            (r"(?P<kind>[a-z]*?)valgkamp(?:en)?", {NORWAY}, "campaign"),
            (r"(?P<kind>[a-z]*?)valkamp(?:en)?", {NORWAY}, "campaign"),
            (r"(?P<kind>[a-z]*?)valrörelsen?", {SWEDEN}, "campaign"),
            (r"(?:the )?election campaign", {NORWAY, SWEDEN}, "campaign"),
            (r"valgåret|valgår", {NORWAY}, "year"),
            (r"valåret|valår", {NORWAY, SWEDEN}, "year"),
            (r"(?:the )?election year", {NORWAY, SWEDEN}, "year"),
            (r"(?P<kind>[a-z]*?)valg(?:et|dagen)?", {NORWAY}, "day"),
            (r"(?P<kind>[a-z]*?)val(?:et|dagen)", {NORWAY, SWEDEN}, "day"),
            (r"(?:the )?elections?(?: day)?", {NORWAY, SWEDEN}, "day"),
        )
        for pattern, countries, what in patterns:
            match = re.fullmatch(f"(?:{pattern})" + r"(?: (?P<year>[0-9]{4}|[0-9]{2}))?", words)
            if not match:
                continue
            kind = (match.groupdict().get("kind") or "").rstrip("s")
            if kind not in ELECTION_KINDS:
                continue
            kind_countries, election = ELECTION_KINDS[kind]
            countries = countries & kind_countries
            if len(countries) > 1:
                if set(prefixes) & SWEDISH_PREFIXES:
                    countries = {SWEDEN}
                elif set(prefixes) & NORWEGIAN_PREFIXES:
                    countries = {NORWAY}
            if not countries:
                continue
            day = self.election_day(countries, election, match["year"])
            if what == "campaign":
                return date(day.year, 8, 1), day, DuePrecision.SEASON
            if what == "year":
                return date(day.year, 1, 1), date(day.year, 12, 31), DuePrecision.YEAR
            return day, day, DuePrecision.DAY
        return None

    def election_day(self, countries: set[str], election: str, written_year: str | None) -> date:
        def held(country: str, year: int) -> date | None:
            day = election_day(country, year)
            if day and country == NORWAY and election == "parliament" and year % 4 != 1:
                return None
            if day and country == NORWAY and election == "local" and year % 4 != 3:
                return None
            return day

        if written_year:
            the_year = self.year(written_year)
            days = [day for country in sorted(countries) if (day := held(country, the_year))]
            if not days:
                names = {NORWAY: _("Norway"), SWEDEN: _("Sweden")}
                raise DueParseError(
                    _('There is no such election in %(country)s in %(year)d: "%(text)s".')
                    % {
                        "country": " / ".join(str(names[c]) for c in sorted(countries)),
                        "year": the_year,
                        "text": self.text,
                    }
                )
            return days[0]
        example = f"{self.text} {self.period[0] if self.period else date.today().year}"
        if not self.period:
            raise DueParseError(
                _("Which election? Write the year: «%(example)s».") % {"example": example},
                needs_period=True,
            )
        days = [
            day
            for the_year in range(self.period[0], self.period[1] + 1)
            for country in sorted(countries)
            if (day := held(country, the_year))
        ]
        if len(days) == 1:
            return days[0]
        if not days:
            raise DueParseError(
                _('There is no election in the plan\'s period (%(first)d–%(last)d): "%(text)s".')
                % {"first": self.period[0], "last": self.period[1], "text": self.text}
            )
        raise DueParseError(
            _(
                "The plan covers several years (%(first)d–%(last)d) with more than one "
                "election: which one? Write the year: «%(example)s»."
            )
            % {
                "first": self.period[0],
                "last": self.period[1],
                "example": f"{self.text} {days[0].year}",
            }
        )


def _normalise(text: str) -> str:
    words = text.lower().replace("\u2013", "–").replace("\u2014", "–").replace("\u2212", "-")
    words = re.sub(r"\s*–\s*", "–", words)
    words = words.rstrip(".!").strip()
    return " ".join(words.split())


def _strip_prefixes(words: str) -> tuple[str, tuple[str, ...]]:
    stripped = []
    changed = True
    while changed:
        changed = False
        for prefix in PREFIXES:
            if words.startswith(prefix + " "):
                words = words[len(prefix) + 1 :].strip()
                stripped.append(prefix)
                changed = True
                break
    return words, tuple(stripped)


def parse_due(raw: str, *, period: tuple[int, int] | None = None) -> Due:
    """Read a due text as a window and precision; raise DueParseError if it cannot be read.

    ``period`` is the plan's first and last year: it gives the year to a date written
    without one (when the plan is one year) and the window to "løpende".
    """
    text = " ".join((raw or "").split())
    if not text:
        raise DueParseError(
            _("Write when the measure is due, e.g. %(forms)s.") % {"forms": ACCEPTED_FORMS}
        )
    if period is not None:
        first, last = int(period[0]), int(period[1])
        period = (first, last) if first <= last else (last, first)
    reader = _Reader(text, period)
    try:
        start, end, precision = reader.read(_normalise(text))
    except DueParseError:
        raise
    except (ValueError, OverflowError, KeyError):
        pass
    else:
        if start.year >= FIRST_YEAR and end.year <= LAST_YEAR:
            return Due(text, start, end, precision)
    raise DueParseError(
        _('Could not read "%(text)s" as a date. Accepted forms: %(forms)s.')
        % {"text": text, "forms": ACCEPTED_FORMS}
    )
