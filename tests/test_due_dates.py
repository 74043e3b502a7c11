from datetime import date

import pytest

from goals.due import DueParseError, parse_due


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("15.06.2026", date(2026, 6, 15), date(2026, 6, 15), "day"),
        ("1. juni 2025", date(2025, 6, 1), date(2025, 6, 1), "day"),
        ("innen 1. juni 2025", date(2025, 6, 1), date(2025, 6, 1), "day"),
        ("juni 2026", date(2026, 6, 1), date(2026, 6, 30), "month"),
        ("februar 2028", date(2028, 2, 1), date(2028, 2, 29), "month"),
        ("våren 2026", date(2026, 1, 1), date(2026, 6, 30), "season"),
        ("høsten 2026", date(2026, 8, 1), date(2026, 12, 31), "season"),
        ("hösten 2026", date(2026, 8, 1), date(2026, 12, 31), "season"),
        ("Våren  2026", date(2026, 1, 1), date(2026, 6, 30), "season"),
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "year"),
        ("i løpet av 2026", date(2026, 1, 1), date(2026, 12, 31), "year"),
    ],
)
def test_fuzzy_due_text_becomes_a_window(text, start, end, precision):
    due = parse_due(text)
    assert (due.start, due.end, due.precision) == (start, end, precision)
    assert due.text == " ".join(text.split())


@pytest.mark.parametrize("text", ["", "snart", "31.02.2026", "våren", "juni", "13.13.2026"])
def test_unreadable_due_text_is_refused_with_the_accepted_forms(text):
    with pytest.raises(DueParseError) as error:
        parse_due(text)
    assert "2026" in str(error.value)  # the message shows examples of accepted forms
