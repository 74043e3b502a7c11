"""Reading values a request brings: query parameters, posted choices, ids, months and dates.

Each function returns the value, or the default when the input is malformed or out
of bounds; none raises (the one form field here gives a form error instead). Only
ASCII digits count ("²" and "١" pass str.isdigit but are no number a link of ours
writes), and years stay within FIRST_YEAR..LAST_YEAR, so no date read here overflows
when it is converted to UTC, shown, or shifted a month.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date
from typing import TypeVar

from django import forms

FIRST_YEAR = 1900
LAST_YEAR = 2200
# The largest value a PostgreSQL bigint (and SQLite INTEGER) holds.
MAX_ID = 2**63 - 1

_INTEGER = re.compile(r"-?[0-9]{1,19}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,128}")

T = TypeVar("T")


def _text(params: Mapping, name: str) -> str | None:
    value = params.get(name)
    return value if isinstance(value, str) else None


def int_value(
    value: object,
    default: T = None,
    *,
    min_value: int | None = None,
    max_value: int | None = None,
    clamp: bool = False,
) -> int | T:
    """A plain decimal integer within the bounds; out of bounds it is clamped or the default."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _INTEGER.fullmatch(value):
        number = int(value)
    else:
        return default
    if min_value is not None and number < min_value:
        return min_value if clamp else default
    if max_value is not None and number > max_value:
        return max_value if clamp else default
    return number


def int_param(
    params: Mapping,
    name: str,
    default: T = None,
    *,
    min_value: int | None = None,
    max_value: int | None = None,
    clamp: bool = False,
) -> int | T:
    """int_value of one query or form parameter (request.GET, request.POST)."""
    return int_value(
        _text(params, name), default, min_value=min_value, max_value=max_value, clamp=clamp
    )


def id_list_param(params, name: str) -> list[int] | None:
    """Every value of a repeated parameter as database ids, or None if any is not one."""
    ids = [int_value(value, min_value=1, max_value=MAX_ID) for value in params.getlist(name)]
    return None if None in ids else ids


def choice_param(value: object, choices: Collection[str], default: T) -> str | T:
    """The value if it is one of the choices, else the default; safe to put in a header."""
    return value if isinstance(value, str) and value in choices else default


def token_value(value: object) -> str | None:
    """A secret from secrets.token_urlsafe (or token_hex), else None."""
    return value if isinstance(value, str) and _TOKEN.fullmatch(value) else None


def _year_ok(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def month_param(params: Mapping, name: str, default: T = None) -> date | T:
    """The first day of the month a "YYYY-MM" value names, in years FIRST_YEAR..LAST_YEAR."""
    match = _MONTH.fullmatch(_text(params, name) or "")
    if not match:
        return default
    year, month = int(match[1]), int(match[2])
    if not _year_ok(year) or not 1 <= month <= 12:
        return default
    return date(year, month, 1)


def month_shift(first: date, months: int) -> date | None:
    """The first day of the month that many months away, or None outside the years we show."""
    index = first.year * 12 + first.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, 1) if _year_ok(year) else None


def date_value(value: object, default: T = None) -> date | T:
    """An ISO date ("YYYY-MM-DD") in years FIRST_YEAR..LAST_YEAR, else the default."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return default
    try:
        day = date.fromisoformat(value)
    except ValueError:  # 2026-02-30
        return default
    return day if _year_ok(day.year) else default


def date_param(params: Mapping, name: str, default: T = None) -> date | T:
    """date_value of one query or form parameter."""
    return date_value(_text(params, name), default)


def in_sane_years(day: date) -> bool:
    """Whether a date (or datetime) a person typed is one we can store, convert and show."""
    return _year_ok(day.year)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of objects where an id beyond a database integer is invalid.

    Django checks such ids with an IN query, which SQLite cannot even send.
    """

    def clean(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue  # not a number at all: Django's own check refuses it
            if not -MAX_ID - 1 <= number <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)
