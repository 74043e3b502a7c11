"""Recurrence in plain words, stored as RFC 5545 RRULE values.

``parse_recurrence`` reads the words plans use ("kvartalsvis", "10 ganger i året",
"annenhver uke", "minst to åpne møter i halvåret", "varje månad") in bokmål, nynorsk,
Swedish and English; ``find_recurrence`` finds such words inside a longer measure
text; ``validate_rule`` refuses any rule ``occurrences`` could not compute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from itertools import islice, takewhile

from dateutil.rrule import rrulestr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# The plain-word choices a person picks from, and the RRULE each one stores.
CHOICES = [
    ("", gettext_lazy("Does not repeat")),
    ("monthly", gettext_lazy("Every month")),
    ("quarterly", gettext_lazy("Every quarter")),
    ("half_yearly", gettext_lazy("Every half year")),
    ("yearly", gettext_lazy("Every year")),
    ("times_a_year", gettext_lazy("A number of times a year")),
]
SIMPLE_RULES = {
    "monthly": "FREQ=MONTHLY",
    "quarterly": "FREQ=MONTHLY;INTERVAL=3",
    "half_yearly": "FREQ=MONTHLY;INTERVAL=6",
    "yearly": "FREQ=YEARLY",
}


def parse_rrule(value: str) -> dict[str, str]:
    parts = (part.split("=", 1) for part in value.split(";") if "=" in part)
    return {key.strip().upper(): val.strip().upper() for key, val in parts}


def months_for(times: int) -> list[int]:
    """Months for N meetings a year: the summer month (July) and then December go first."""
    skip_order = [7, 12, 8, 1, 6, 2, 11, 3, 10, 4, 9, 5]
    skipped = set(skip_order[: 12 - times])
    return [month for month in range(1, 13) if month not in skipped]


def rrule_for(choice: str, times_a_year: int | None = None) -> str:
    if not choice:
        return ""
    if choice in SIMPLE_RULES:
        return SIMPLE_RULES[choice]
    if choice == "times_a_year":
        if not times_a_year or not 1 <= times_a_year <= 12:
            raise ValueError("times_a_year must be 1–12")
        if times_a_year == 1:
            return "FREQ=YEARLY"
        if 12 % times_a_year == 0:
            return f"FREQ=MONTHLY;INTERVAL={12 // times_a_year}"
        months = ",".join(str(m) for m in months_for(times_a_year))
        return f"FREQ=MONTHLY;BYMONTH={months}"
    raise ValueError(choice)


def choice_for(rrule: str) -> tuple[str, int | None]:
    """The plain-word choice (and count) that stores this RRULE, for editing it again."""
    for choice, rule in SIMPLE_RULES.items():
        if rrule == rule:
            return choice, None
    if not rrule:
        return "", None
    rule = parse_rrule(rrule)
    if "BYMONTH" in rule:
        return "times_a_year", len(rule["BYMONTH"].split(","))
    interval = int(rule.get("INTERVAL", "1") or 1)
    if rule.get("FREQ") == "MONTHLY" and 12 % interval == 0:
        return "times_a_year", 12 // interval
    return "", None


def describe_recurrence(value: str, *, minimum: bool = False) -> str:
    """ "FREQ=MONTHLY;INTERVAL=3" -> "every quarter"; empty for no recurrence.

    With ``minimum`` the description says "at least …".
    """
    if not value:
        return ""
    words = _describe(value)
    if minimum:
        rule = parse_rrule(value)
        interval = int(rule.get("INTERVAL", "1") or 1)
        count = 0
        if rule.get("FREQ") == "MONTHLY" and "BYMONTH" not in rule and 12 % interval == 0:
            count = 12 // interval
        elif rule.get("FREQ") == "YEARLY" and interval == 1 and "BYMONTH" not in rule:
            count = 1
        if count:  # "at least 4 times a year" reads better than "at least every quarter"
            words = ngettext("%(count)d time a year", "%(count)d times a year", count) % {
                "count": count
            }
        return _("at least %(recurrence)s") % {"recurrence": words}
    return words


def _describe(value: str) -> str:
    rule = parse_rrule(value)
    freq = rule.get("FREQ", "")
    interval = int(rule.get("INTERVAL", "1") or 1)
    if freq == "MONTHLY" and "BYMONTH" in rule:
        count = len(rule["BYMONTH"].split(","))
        return ngettext("%(count)d time a year", "%(count)d times a year", count) % {"count": count}
    if freq == "MONTHLY":
        if interval == 1:
            return _("every month")
        if interval == 3:
            return _("every quarter")
        if interval == 6:
            return _("every half year")
        if 12 % interval == 0:
            count = 12 // interval
            return ngettext("%(count)d time a year", "%(count)d times a year", count) % {
                "count": count
            }
        return ngettext("every %(n)d month", "every %(n)d months", interval) % {"n": interval}
    if freq == "YEARLY":
        if interval == 1:
            return _("every year")
        return ngettext("every %(n)d year", "every %(n)d years", interval) % {"n": interval}
    if freq == "WEEKLY":
        if "BYDAY" in rule and interval == 1:
            count = len(rule["BYDAY"].split(","))
            if count > 1:
                return ngettext("%(count)d time a week", "%(count)d times a week", count) % {
                    "count": count
                }
        if interval == 1:
            return _("every week")
        return ngettext("every %(n)d week", "every %(n)d weeks", interval) % {"n": interval}
    return value


def occurrences(value: str, first_year: int, last_year: int) -> list[date]:
    """The dates a recurring measure falls on within a plan period (first to last year)."""
    if not value:
        return []
    start = datetime(first_year, 1, 1)
    end = datetime(last_year, 12, 31, 23, 59)
    rule = rrulestr(f"RRULE:{value}", dtstart=start)
    return [moment.date() for moment in rule.between(start, end, inc=True)] or [
        date(first_year, 1, 1)
    ]


# -- validating stored rules -------------------------------------------------------------

ALLOWED_FREQUENCIES = {"WEEKLY": 104, "MONTHLY": 60, "YEARLY": 10}  # → largest INTERVAL
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_A_YEAR = 400
SHORTEST_MONTH = dict(enumerate((31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), start=1))


class RecurrenceParseError(ValueError):
    """The words or the rule cannot be used as a recurrence; the message says why."""


def _numbers(value: str, low: int, high: int, *, zero: bool = False) -> list[int]:
    numbers = []
    for part in value.split(","):
        if not re.fullmatch(r"[+-]?[0-9]{1,3}", part):
            raise ValueError(part)
        number = int(part)
        if not (low <= number <= high) or (number == 0 and not zero):
            raise ValueError(part)
        numbers.append(number)
    if len(set(numbers)) != len(numbers):
        raise ValueError(value)
    return numbers


@lru_cache(maxsize=512)
def validate_rule(rule: str) -> str:
    """The rule, tidied (upper case, no "RRULE:"), if ``occurrences`` can safely use it.

    Only WEEKLY, MONTHLY and YEARLY with a sane INTERVAL, BYMONTH, BYMONTHDAY, BYDAY
    (weekdays without numbers), WKST, and COUNT or UNTIL (not both) are accepted, and at
    most 400 occurrences a year. Raises RecurrenceParseError otherwise; "" stays "".
    """
    value = "".join((rule or "").split()).upper()
    if value.startswith("RRULE:"):
        value = value[len("RRULE:") :]
    value = value.strip(";")
    if not value:
        return ""
    refused = RecurrenceParseError(
        _('"%(rule)s" is not a recurrence this application can use.') % {"rule": rule[:200]}
    )
    if len(value) > 200:
        raise refused
    parts: dict[str, str] = {}
    for part in value.split(";"):
        key, equals, val = part.partition("=")
        if not equals or not val or key in parts:
            raise refused
        parts[key] = val
    freq = parts.get("FREQ")
    if freq not in ALLOWED_FREQUENCIES:
        raise RecurrenceParseError(
            _("A measure can repeat every week, month or year, not %(freq)s.")
            % {"freq": (freq or "?").lower()}
        )
    try:
        for key, val in parts.items():
            if key == "FREQ":
                continue
            if key == "INTERVAL":
                _numbers(val, 1, ALLOWED_FREQUENCIES[freq])
            elif key == "COUNT":
                _numbers(val, 1, 1000)
            elif key == "UNTIL":
                if not re.fullmatch(r"[0-9]{8}(T[0-9]{6})?", val):
                    raise ValueError(val)
                until = datetime.strptime(val[:8], "%Y%m%d")
                if not 1900 <= until.year <= 2200:
                    raise ValueError(val)
            elif key == "BYMONTH":
                _numbers(val, 1, 12)
            elif key == "BYMONTHDAY":
                _numbers(val, -31, 31)
            elif key in ("BYDAY", "WKST"):
                days = val.split(",")
                if any(day not in WEEKDAYS for day in days) or len(set(days)) != len(days):
                    raise ValueError(val)
                if key == "WKST" and len(days) != 1:
                    raise ValueError(val)
            else:
                raise ValueError(key)
        if "COUNT" in parts and "UNTIL" in parts:
            raise ValueError("COUNT and UNTIL")
        if "BYDAY" in parts and (freq != "WEEKLY" or "BYMONTHDAY" in parts):
            raise ValueError("BYDAY")
        if "BYMONTHDAY" in parts:
            if freq == "WEEKLY":
                raise ValueError("BYMONTHDAY")
            # Some day must exist in some month every year, or the rule never happens
            # and computing it runs on to the year 9999.
            months = _numbers(parts.get("BYMONTH", "1,2,3,4,5,6,7,8,9,10,11,12"), 1, 12)
            days = _numbers(parts["BYMONTHDAY"], -31, 31)
            if not any(abs(day) <= SHORTEST_MONTH[month] for month in months for day in days):
                raise ValueError("BYMONTHDAY")
        start = datetime(2024, 1, 1)
        parsed = rrulestr(f"RRULE:{value}", dtstart=start)
        # Only the first year is walked: a monthly rule costs 12 steps, not 400.
        in_a_year = islice(
            takewhile(lambda moment: moment < datetime(2025, 1, 1), parsed.xafter(start, inc=True)),
            MAX_A_YEAR + 1,
        )
        if sum(1 for _ in in_a_year) > MAX_A_YEAR:
            raise ValueError("too often")
        occurrences(value, 2024, 2025)
    except (ValueError, TypeError, OverflowError, KeyError):
        raise refused from None
    return value


# -- reading plain words ---------------------------------------------------------------


@dataclass(frozen=True)
class Recurrence:
    rule: str
    minimum: bool
    text: str


NUMBER_WORDS = {
    "en": 1,
    "ett": 1,
    "ei": 1,
    "ein": 1,
    "eitt": 1,
    "én": 1,
    "éin": 1,
    "one": 1,
    "a": 1,
    "to": 2,
    "två": 2,
    "tvo": 2,
    "two": 2,
    "tre": 3,
    "three": 3,
    "fire": 4,
    "fyra": 4,
    "four": 4,
    "fem": 5,
    "five": 5,
    "seks": 6,
    "sex": 6,
    "six": 6,
    "sju": 7,
    "syv": 7,
    "seven": 7,
    "åtte": 8,
    "åtta": 8,
    "eight": 8,
    "ni": 9,
    "nio": 9,
    "nine": 9,
    "ti": 10,
    "tio": 10,
    "ten": 10,
    "elleve": 11,
    "elva": 11,
    "eleven": 11,
    "tolv": 12,
    "twelve": 12,
}
ORDINAL_WORDS = {
    "annen": 2,
    "andre": 2,
    "anna": 2,
    "annan": 2,
    "andra": 2,
    "other": 2,
    "second": 2,
    "tredje": 3,
    "third": 3,
    "fjerde": 4,
    "fjärde": 4,
    "fourth": 4,
    "femte": 5,
    "fifth": 5,
    "sjette": 6,
    "sjätte": 6,
    "sixth": 6,
    "syvende": 7,
    "sjuande": 7,
    "sjunde": 7,
    "åttende": 8,
    "åttande": 8,
    "åttonde": 8,
    "niende": 9,
    "niande": 9,
    "nionde": 9,
    "tiende": 10,
    "tiande": 10,
    "tionde": 10,
}
# Units: the word stems, and the unit each stands for.
UNIT_WORDS = {
    "day": r"dag|dagen|dagar|dager|day|days",
    "week": r"uke|uka|uken|veke|veka|vecka|veckan|veckor|uker|veker|week|weeks",
    "month": r"måned|måneden|måneder|månad|månaden|månader|månadar|mnd|month|months",
    "quarter": r"kvartal|kvartalet|kvartaler|kvartalar|quarter|quarters",
    "half": r"halvår|halvåret|halvårs|half year|half-year|half years",
    "year": r"år|året|åren|year|years",
}
EVERY = r"hver|hvert|kvar|kvart|varje|every|each"
TIMES = r"ganger|gonger|gånger|gang|gong|gång|times|time"
EVENTS = (
    r"møter?|møtet|möten?|mötet|samlinger|samlingar|samling|kurs|aksjoner|aksjonar|aksjon|"
    r"aksjonsdager|aksjonsdagar|arrangementer|arrangement|arrangemang|stands?|treff|"
    r"nyhetsbrev|nyheitsbrev|utskick|aktiviteter|aktivitetar|aktiviteter|meetings?|events?"
)
MINIMUM = r"minst|minimum|som minimum|at least|åtminstone|no less than"
ADVERBS = {
    "week": r"ukentlig|ukentleg|vekentleg|vekevis|ukevis|veckovis|veckovisa|weekly|kvar veke",
    "month": r"månedlig|månedleg|månadleg|månadlig|månatlig|månatligen|månedsvis|månadsvis|monthly",
    "quarter": r"kvartalsvis|kvartalsvise|kvartalsmessig|quarterly",
    "half": r"halvårlig|halvårleg|halvårsvis|halvårligen|half-yearly|biannually|semi-annually",
    "year": r"årlig|årleg|årligen|årsvis|yearly|annually|annual",
}
ALTERNATE = (
    r"annenhver|annahver|annakvar|annakvart|annethvert|annankvar|"
    r"varannan|vartannat|varannat|every other|every second"
)
DAILY = r"daglig|dagleg|dagligen|daily|hver dag|kvar dag|varje dag|every day"
PER_YEAR = {"week": 52, "month": 12, "quarter": 4, "half": 2, "year": 1}


def _unit_group(name: str) -> str:
    return "|".join(f"(?P<{name}_{unit}>{words})" for unit, words in UNIT_WORDS.items())


def _unit(match: re.Match, name: str) -> str:
    return next(unit for unit in UNIT_WORDS if match.group(f"{name}_{unit}"))


_NUMBER = r"[0-9]{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_ORDINAL_WORD = r"[0-9]{1,2}\.|" + "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True))
_B, _E = r"(?<![\wæøåäöé])", r"(?![\wæøåäöé])"
PATTERNS = [
    # "10 ganger i året", "minst to åpne møter i halvåret", "4 gånger per år", "once a month"
    re.compile(
        rf"{_B}(?:(?P<minimum>{MINIMUM})\s+)?(?:(?P<count>{_NUMBER})\s+(?:\S+\s+){{0,2}}?"
        rf"(?:{TIMES}|{EVENTS})|(?P<once>once|twice))\s+"
        rf"(?:i|om|per|pr\.?|a|an|hver|hvert|kvar|kvart|varje|each|every|in the|i løpet av)\s+"
        rf"(?:{_unit_group('per')}){_E}",
        re.IGNORECASE,
    ),
    # "hver fjerde uke", "var fjärde vecka", "hvert andre år", "hver 2. uke", "every 2 weeks"
    re.compile(
        rf"{_B}(?:(?P<minimum>{MINIMUM})\s+)?(?:(?:{EVERY})\s+(?:(?P<ordinal>{_ORDINAL_WORD}|[0-9]{{1,3}})\s+)?"
        rf"|(?:var|vart)\s+(?P<ordinal2>{_ORDINAL_WORD}|[0-9]{{1,3}})\s+)"
        rf"(?:{_unit_group('every')}){_E}",
        re.IGNORECASE,
    ),
    # "annenhver uke", "annakvar veke", "varannan vecka", "every other week"
    re.compile(
        rf"{_B}(?:(?P<minimum>{MINIMUM})\s+)?(?:{ALTERNATE})\s+(?:{_unit_group('other')}){_E}",
        re.IGNORECASE,
    ),
    # "kvartalsvis", "ukentlig", "årlig"
    re.compile(
        rf"{_B}(?:(?P<minimum>{MINIMUM})\s+)?(?:"
        + "|".join(f"(?P<adverb_{unit}>(?:{words})e?)" for unit, words in ADVERBS.items())
        + rf"){_E}",
        re.IGNORECASE,
    ),
]
_DAILY = re.compile(rf"{_B}(?:{DAILY}){_E}", re.IGNORECASE)


def _number(word: str) -> int:
    word = word.lower().rstrip(".")
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word) or ORDINAL_WORDS[word]


def _rule_every(unit: str, interval: int) -> str:
    if unit == "day":
        if interval % 7:
            raise RecurrenceParseError(
                _("Repeating every few days is too often; write it per week, e.g. «hver uke».")
            )
        unit, interval = "week", interval // 7
    if unit == "quarter":
        unit, interval = "month", interval * 3
    elif unit == "half":
        unit, interval = "month", interval * 6
    freq = {"week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}[unit]
    return f"FREQ={freq}" if interval == 1 else f"FREQ={freq};INTERVAL={interval}"


def _rule_times(count: int, unit: str) -> str:
    if count < 1:
        raise RecurrenceParseError(_("A recurrence happens at least once."))
    if unit == "day":
        raise RecurrenceParseError(
            _("Repeating every day is too often; write it per week, e.g. «hver uke».")
        )
    if unit == "week":
        if count == 1:
            return "FREQ=WEEKLY"
        raise RecurrenceParseError(
            _("More than once a week is too often to follow up; write e.g. «hver uke».")
        )
    if unit == "month" and count > 1:
        raise RecurrenceParseError(
            _(
                "More than once a month cannot be followed up month by month; write it "
                "per week, e.g. «annenhver uke»."
            )
        )
    per_year = count * PER_YEAR[unit]
    if per_year == 12:
        return "FREQ=MONTHLY"
    if per_year <= 12:
        return rrule_for("times_a_year", per_year)
    if per_year == 26:
        return "FREQ=WEEKLY;INTERVAL=2"
    if per_year == 52:
        return "FREQ=WEEKLY"
    raise RecurrenceParseError(
        _(
            "%(count)d times a year cannot be spread over the year; write up to 12 times a "
            "year, or per week, e.g. «hver uke» or «annenhver uke»."
        )
        % {"count": per_year}
    )


def _recurrence(match: re.Match, original: str) -> Recurrence:
    groups = match.groupdict()
    minimum = bool(groups.get("minimum"))
    if groups.get("count") or groups.get("once"):
        if groups.get("once"):
            count = 1 if groups["once"].lower() == "once" else 2
        else:
            count = _number(groups["count"])
        rule = _rule_times(count, _unit(match, "per"))
    elif any(key.startswith("every_") and value for key, value in groups.items()):
        ordinal = groups.get("ordinal") or groups.get("ordinal2")
        interval = _number(ordinal) if ordinal else 1
        if interval < 1:
            raise RecurrenceParseError(_("A recurrence happens at least once."))
        rule = _rule_every(_unit(match, "every"), interval)
    elif any(key.startswith("other_") and value for key, value in groups.items()):
        rule = _rule_every(_unit(match, "other"), 2)
    else:
        unit = next(
            key.removeprefix("adverb_")
            for key, value in groups.items()
            if value and key.startswith("adverb_")
        )
        rule = _rule_every(unit, 1)
    return Recurrence(rule=validate_rule(rule), minimum=minimum, text=original)


def _matches(text: str):
    found = []
    for pattern in PATTERNS:
        for match in pattern.finditer(text):
            found.append(match)
    return sorted(found, key=lambda m: (m.start(), -(m.end() - m.start())))


def parse_recurrence(text: str) -> Recurrence:
    """Read "hver uke", "kvartalsvis", "10 ganger i året", "minst to ganger i halvåret" …

    The whole text is kept as the wording. Raises RecurrenceParseError with a message
    that shows the accepted forms.
    """
    original = " ".join((text or "").split())
    if not original:
        raise RecurrenceParseError(_("Write how often, e.g. %(forms)s.") % {"forms": EXAMPLES})
    if len(original) > 200:
        raise RecurrenceParseError(_("Write how often in at most 200 characters."))
    words = original.lower().rstrip(".!")
    if _DAILY.search(words):
        raise RecurrenceParseError(
            _("Repeating every day is too often; write it per week, e.g. «hver uke».")
        )
    matches = _matches(words)
    if not matches:
        raise RecurrenceParseError(
            _('Could not read "%(text)s" as a recurrence. Write e.g. %(forms)s.')
            % {"text": original, "forms": EXAMPLES}
        )
    return _recurrence(matches[0], original)


def find_recurrence(sentence: str) -> Recurrence | None:
    """The first recurrence phrase in a longer text, with the phrase as its wording.

    "Fylkesleder kaller inn til lagsledermøter kvartalsvis." → every quarter, text
    "kvartalsvis". None when there is no such phrase, or it cannot be used.
    """
    text = " ".join((sentence or "").split())
    for match in _matches(text):
        try:
            return _recurrence(match, match.group(0))
        except (RecurrenceParseError, ValueError, KeyError):
            continue
    return None


EXAMPLES = "hver uke, en gang i måneden, kvartalsvis, 10 ganger i året, minst to ganger i halvåret"
