"""Due dates as plans write them: bokmål, nynorsk, Swedish (and some English)."""

from datetime import date

import pytest

from goals.due import DueParseError, election_day, parse_due

ONE = (2026, 2026)  # a one-year plan
FOUR = (2025, 2028)  # a four-year plan
D = date

DUE_PHRASES = [
    # days
    ("15.06.2026", FOUR, D(2026, 6, 15), D(2026, 6, 15), "day"),
    ("15.6.2026", FOUR, D(2026, 6, 15), D(2026, 6, 15), "day"),
    ("15.06.26", FOUR, D(2026, 6, 15), D(2026, 6, 15), "day"),
    ("2026-06-15", FOUR, D(2026, 6, 15), D(2026, 6, 15), "day"),
    ("15. juni 2026", FOUR, D(2026, 6, 15), D(2026, 6, 15), "day"),
    ("1. juni 2025", None, D(2025, 6, 1), D(2025, 6, 1), "day"),
    ("innen 1. juni 2025", None, D(2025, 6, 1), D(2025, 6, 1), "day"),
    ("senest 15. mai 2026", FOUR, D(2026, 5, 15), D(2026, 5, 15), "day"),
    ("seinast 15. mai 2026", FOUR, D(2026, 5, 15), D(2026, 5, 15), "day"),
    ("senast 15 maj 2026", FOUR, D(2026, 5, 15), D(2026, 5, 15), "day"),
    ("innan 1 september 2026", FOUR, D(2026, 9, 1), D(2026, 9, 1), "day"),
    ("før 1. desember 2027", FOUR, D(2027, 12, 1), D(2027, 12, 1), "day"),
    ("8. mars", ONE, D(2026, 3, 8), D(2026, 3, 8), "day"),
    ("til 1. mai", ONE, D(2026, 5, 1), D(2026, 5, 1), "day"),
    ("15/6 2026", FOUR, D(2026, 6, 15), D(2026, 6, 15), "day"),
    ("June 15, 2026", FOUR, D(2026, 6, 15), D(2026, 6, 15), "day"),
    # weeks (ISO)
    ("uke 23", ONE, D(2026, 6, 1), D(2026, 6, 7), "week"),
    ("veke 23", ONE, D(2026, 6, 1), D(2026, 6, 7), "week"),
    ("vecka 23", ONE, D(2026, 6, 1), D(2026, 6, 7), "week"),
    ("uke 23 2026", FOUR, D(2026, 6, 1), D(2026, 6, 7), "week"),
    ("v. 23", ONE, D(2026, 6, 1), D(2026, 6, 7), "week"),
    ("i uke 1 2026", FOUR, D(2025, 12, 29), D(2026, 1, 4), "week"),
    ("uke 53 2026", FOUR, D(2026, 12, 28), D(2027, 1, 3), "week"),
    ("uke 23–25 2026", FOUR, D(2026, 6, 1), D(2026, 6, 21), "week"),
    # months
    ("juni 2026", FOUR, D(2026, 6, 1), D(2026, 6, 30), "month"),
    ("jun 2026", FOUR, D(2026, 6, 1), D(2026, 6, 30), "month"),
    ("februar 2028", FOUR, D(2028, 2, 1), D(2028, 2, 29), "month"),
    ("i løpet av mars 2027", FOUR, D(2027, 3, 1), D(2027, 3, 31), "month"),
    ("augusti 2026", FOUR, D(2026, 8, 1), D(2026, 8, 31), "month"),
    ("i oktober", ONE, D(2026, 10, 1), D(2026, 10, 31), "month"),
    ("mai/juni 2025", FOUR, D(2025, 5, 1), D(2025, 6, 30), "month"),
    ("mars–mai 2026", FOUR, D(2026, 3, 1), D(2026, 5, 31), "month"),
    ("mars til mai 2026", FOUR, D(2026, 3, 1), D(2026, 5, 31), "month"),
    # quarters
    ("1. kvartal 2026", FOUR, D(2026, 1, 1), D(2026, 3, 31), "quarter"),
    ("Q1 2026", FOUR, D(2026, 1, 1), D(2026, 3, 31), "quarter"),
    ("q4 2027", FOUR, D(2027, 10, 1), D(2027, 12, 31), "quarter"),
    ("første kvartal", ONE, D(2026, 1, 1), D(2026, 3, 31), "quarter"),
    ("kvartal 3 2026", FOUR, D(2026, 7, 1), D(2026, 9, 30), "quarter"),
    ("andra kvartalet 2026", FOUR, D(2026, 4, 1), D(2026, 6, 30), "quarter"),
    ("innen 3. kvartal 2027", FOUR, D(2027, 7, 1), D(2027, 9, 30), "quarter"),
    # half years
    ("første halvår 2026", FOUR, D(2026, 1, 1), D(2026, 6, 30), "half_year"),
    ("andre halvår 2026", FOUR, D(2026, 7, 1), D(2026, 12, 31), "half_year"),
    ("andra halvåret 2026", FOUR, D(2026, 7, 1), D(2026, 12, 31), "half_year"),
    ("fyrste halvår", ONE, D(2026, 1, 1), D(2026, 6, 30), "half_year"),
    ("H2 2027", FOUR, D(2027, 7, 1), D(2027, 12, 31), "half_year"),
    # seasons
    ("våren 2026", FOUR, D(2026, 1, 1), D(2026, 6, 30), "season"),
    ("Våren  2026", FOUR, D(2026, 1, 1), D(2026, 6, 30), "season"),
    ("høsten 2026", FOUR, D(2026, 8, 1), D(2026, 12, 31), "season"),
    ("høsten 26", FOUR, D(2026, 8, 1), D(2026, 12, 31), "season"),
    ("hösten 2026", FOUR, D(2026, 8, 1), D(2026, 12, 31), "season"),
    ("hausten 2027", FOUR, D(2027, 8, 1), D(2027, 12, 31), "season"),
    ("vår/sommer 2026", FOUR, D(2026, 1, 1), D(2026, 8, 31), "season"),
    ("i løpet av våren", ONE, D(2026, 1, 1), D(2026, 6, 30), "season"),
    ("sommaren 2026", FOUR, D(2026, 6, 1), D(2026, 8, 31), "season"),
    # years and ranges of years
    ("2026", FOUR, D(2026, 1, 1), D(2026, 12, 31), "year"),
    ("i løpet av 2026", FOUR, D(2026, 1, 1), D(2026, 12, 31), "year"),
    ("under 2026", FOUR, D(2026, 1, 1), D(2026, 12, 31), "year"),
    ("innen utgangen av 2027", FOUR, D(2027, 1, 1), D(2027, 12, 31), "year"),
    ("2025–2028", FOUR, D(2025, 1, 1), D(2028, 12, 31), "year"),
    ("2025-2028", FOUR, D(2025, 1, 1), D(2028, 12, 31), "year"),
    ("2025 - 2028", FOUR, D(2025, 1, 1), D(2028, 12, 31), "year"),
    ("2025 och 2026", FOUR, D(2025, 1, 1), D(2026, 12, 31), "year"),
    ("2025 og 2026", FOUR, D(2025, 1, 1), D(2026, 12, 31), "year"),
    ("fra 2025 til 2027", FOUR, D(2025, 1, 1), D(2027, 12, 31), "year"),
    ("2025/26", FOUR, D(2025, 1, 1), D(2026, 12, 31), "year"),
    # elections: Norway second Monday of September, Sweden second Sunday of September
    ("i valgkampen 2025", FOUR, D(2025, 8, 1), D(2025, 9, 8), "season"),
    ("valgkampen 2027", FOUR, D(2027, 8, 1), D(2027, 9, 13), "season"),
    ("i valkampen 2025", FOUR, D(2025, 8, 1), D(2025, 9, 8), "season"),
    ("i valrörelsen 2026", FOUR, D(2026, 8, 1), D(2026, 9, 13), "season"),
    ("under valrörelsen", ONE, D(2026, 8, 1), D(2026, 9, 13), "season"),
    ("inför valet 2026", FOUR, D(2026, 9, 13), D(2026, 9, 13), "day"),
    ("inför valet", FOUR, D(2026, 9, 13), D(2026, 9, 13), "day"),
    ("før valget 2025", FOUR, D(2025, 9, 8), D(2025, 9, 8), "day"),
    ("før valet 2025", FOUR, D(2025, 9, 8), D(2025, 9, 8), "day"),
    ("før stortingsvalget", FOUR, D(2025, 9, 8), D(2025, 9, 8), "day"),
    ("før kommunevalget", FOUR, D(2027, 9, 13), D(2027, 9, 13), "day"),
    ("før kommune- og fylkestingsvalget 2027", FOUR, D(2027, 9, 13), D(2027, 9, 13), "day"),
    ("innan riksdagsvalet", FOUR, D(2026, 9, 13), D(2026, 9, 13), "day"),
    ("valåret 2026", FOUR, D(2026, 1, 1), D(2026, 12, 31), "year"),
    ("valgåret", (2028, 2029), D(2029, 1, 1), D(2029, 12, 31), "year"),
    ("i valgåret 2025", FOUR, D(2025, 1, 1), D(2025, 12, 31), "year"),
    # meetings: the first half of that year
    ("før landsmøtet 2027", FOUR, D(2027, 1, 1), D(2027, 6, 30), "season"),
    ("til årsmøtet 2026", FOUR, D(2026, 1, 1), D(2026, 6, 30), "season"),
    ("fylkesårsmøtet 2027", FOUR, D(2027, 1, 1), D(2027, 6, 30), "season"),
    ("inför kongressen 2026", FOUR, D(2026, 1, 1), D(2026, 6, 30), "season"),
    ("innen årsmøtet", ONE, D(2026, 1, 1), D(2026, 6, 30), "season"),
    ("inför årsmötet 2027", FOUR, D(2027, 1, 1), D(2027, 6, 30), "season"),
    # the whole period
    ("løpende", FOUR, D(2025, 1, 1), D(2028, 12, 31), "period"),
    ("Løpende", ONE, D(2026, 1, 1), D(2026, 12, 31), "period"),
    ("fortløpende", FOUR, D(2025, 1, 1), D(2028, 12, 31), "period"),
    ("fortløpande", FOUR, D(2025, 1, 1), D(2028, 12, 31), "period"),
    ("hele perioden", FOUR, D(2025, 1, 1), D(2028, 12, 31), "period"),
    ("i perioden", FOUR, D(2025, 1, 1), D(2028, 12, 31), "period"),
    ("gjennom hele perioden", FOUR, D(2025, 1, 1), D(2028, 12, 31), "period"),
    ("kontinuerlig", FOUR, D(2025, 1, 1), D(2028, 12, 31), "period"),
    ("löpande", FOUR, D(2025, 1, 1), D(2028, 12, 31), "period"),
    ("under hela perioden", FOUR, D(2025, 1, 1), D(2028, 12, 31), "period"),
]


@pytest.mark.parametrize(("text", "period", "start", "end", "precision"), DUE_PHRASES)
def test_fuzzy_due_text_becomes_a_window(text, period, start, end, precision):
    due = parse_due(text, period=period)
    assert (due.start, due.end, due.precision) == (start, end, precision)
    assert due.text == " ".join(text.split())


def test_the_phrase_table_is_large_enough():
    assert len(DUE_PHRASES) >= 70


def test_the_period_can_still_be_left_out():
    assert parse_due("våren 2026").precision == "season"
    assert parse_due("2026").end == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("country", "year", "day"),
    [
        ("NO", 2023, date(2023, 9, 11)),
        ("NO", 2025, date(2025, 9, 8)),
        ("NO", 2027, date(2027, 9, 13)),
        ("NO", 2029, date(2029, 9, 10)),
        ("SE", 2022, date(2022, 9, 11)),
        ("SE", 2026, date(2026, 9, 13)),
        ("SE", 2030, date(2030, 9, 8)),
        ("NO", 2026, None),
        ("SE", 2025, None),
        ("SE", 2028, None),
    ],
)
def test_election_days(country, year, day):
    assert election_day(country, year) == day


@pytest.mark.parametrize(
    "text", ["", "snart", "31.02.2026", "13.13.2026", "uke 54 2026", "5. kvartal 2026", "0001"]
)
def test_unreadable_due_text_is_refused_with_the_accepted_forms(text):
    with pytest.raises(DueParseError) as error:
        parse_due(text, period=FOUR)
    assert "2026" in str(error.value)  # the message shows examples of accepted forms
    assert text in str(error.value)  # and the text as it was written


@pytest.mark.parametrize(
    ("text", "example"),
    [
        ("8. mars", "«8. mars 2025»"),
        ("uke 23", "«uke 23 2025»"),
        ("juni", "«juni 2025»"),
        ("våren", "«våren 2025»"),
        ("første kvartal", "«første kvartal 2025»"),
        ("i valgkampen", "«i valgkampen 2025»"),
        ("før landsmøtet", "«før landsmøtet 2025»"),
    ],
)
def test_a_date_without_a_year_in_a_several_year_plan_asks_which_year(text, example):
    with pytest.raises(DueParseError) as error:
        parse_due(text, period=FOUR)
    assert "2025–2028" in str(error.value) and example in str(error.value)
    assert not error.value.needs_period


@pytest.mark.parametrize("text", ["løpende", "hele perioden", "löpande", "våren", "8. mars"])
def test_without_the_period_the_whole_period_and_yearless_dates_are_refused(text):
    with pytest.raises(DueParseError) as error:
        parse_due(text)
    assert error.value.needs_period
    assert text in str(error.value)


@pytest.mark.parametrize(
    "text",
    [
        "valgkampen 2026",  # no Norwegian election in 2026
        "i valrörelsen 2025",  # no Swedish election in 2025
        "før stortingsvalget 2027",  # 2027 is a local election
        "2028–2025",  # backwards
        "i valgkampen",  # a one-year plan without a Norwegian election
    ],
)
def test_impossible_elections_and_backwards_ranges_are_refused(text):
    with pytest.raises(DueParseError) as error:
        parse_due(text, period=ONE)
    assert text in str(error.value)
