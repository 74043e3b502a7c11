"""Recurrence as plans write it, the rules stored for it, and the editor that keeps them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from goals.forms import MeasureForm
from goals.models import Measure
from goals.recurrence import (
    RecurrenceParseError,
    describe_recurrence,
    find_recurrence,
    occurrences,
    parse_recurrence,
    validate_rule,
)
from goals.services import goal_create, measure_create, measure_update
from organisations.models import Organisation
from plans.services import plan_create

HTMX = {"HTTP_HX_REQUEST": "true"}
TEN = "FREQ=MONTHLY;BYMONTH=1,2,3,4,5,6,8,9,10,11"

RECURRENCE_PHRASES = [
    ("hver uke", "FREQ=WEEKLY", False),
    ("ukentlig", "FREQ=WEEKLY", False),
    ("kvar veke", "FREQ=WEEKLY", False),
    ("varje vecka", "FREQ=WEEKLY", False),
    ("veckovis", "FREQ=WEEKLY", False),
    ("annenhver uke", "FREQ=WEEKLY;INTERVAL=2", False),
    ("annakvar veke", "FREQ=WEEKLY;INTERVAL=2", False),
    ("varannan vecka", "FREQ=WEEKLY;INTERVAL=2", False),
    ("hver annen uke", "FREQ=WEEKLY;INTERVAL=2", False),
    ("hver 14. dag", "FREQ=WEEKLY;INTERVAL=2", False),
    ("hver fjerde uke", "FREQ=WEEKLY;INTERVAL=4", False),
    ("var fjärde vecka", "FREQ=WEEKLY;INTERVAL=4", False),
    ("hver måned", "FREQ=MONTHLY", False),
    ("månedlig", "FREQ=MONTHLY", False),
    ("en gang i måneden", "FREQ=MONTHLY", False),
    ("ein gong i månaden", "FREQ=MONTHLY", False),
    ("månadsvis", "FREQ=MONTHLY", False),
    ("en gång i månaden", "FREQ=MONTHLY", False),
    ("varje månad", "FREQ=MONTHLY", False),
    ("annenhver måned", "FREQ=MONTHLY;INTERVAL=2", False),
    ("kvartalsvis", "FREQ=MONTHLY;INTERVAL=3", False),
    ("hvert kvartal", "FREQ=MONTHLY;INTERVAL=3", False),
    ("varje kvartal", "FREQ=MONTHLY;INTERVAL=3", False),
    ("halvårlig", "FREQ=MONTHLY;INTERVAL=6", False),
    ("hvert halvår", "FREQ=MONTHLY;INTERVAL=6", False),
    ("10 ganger i året", TEN, False),
    ("ti ganger i året", TEN, False),
    ("Ti ganger i året.", TEN, False),
    ("fire gonger i året", "FREQ=MONTHLY;INTERVAL=3", False),
    ("4 gånger per år", "FREQ=MONTHLY;INTERVAL=3", False),
    ("fyra gånger om året", "FREQ=MONTHLY;INTERVAL=3", False),
    ("seks ganger i året", "FREQ=MONTHLY;INTERVAL=2", False),
    ("sju ganger i året", "FREQ=MONTHLY;BYMONTH=2,3,4,5,9,10,11", False),
    ("tolv ganger i året", "FREQ=MONTHLY", False),
    ("to ganger i halvåret", "FREQ=MONTHLY;INTERVAL=3", False),
    ("minst to åpne møter i halvåret", "FREQ=MONTHLY;INTERVAL=3", True),
    ("minst en gang i året", "FREQ=YEARLY", True),
    ("minst ett møte i kvartalet", "FREQ=MONTHLY;INTERVAL=3", True),
    ("årlig", "FREQ=YEARLY", False),
    ("hvert år", "FREQ=YEARLY", False),
    ("årleg", "FREQ=YEARLY", False),
    ("årligen", "FREQ=YEARLY", False),
    ("varje år", "FREQ=YEARLY", False),
    ("hvert andre år", "FREQ=YEARLY;INTERVAL=2", False),
    ("vartannat år", "FREQ=YEARLY;INTERVAL=2", False),
    ("once a month", "FREQ=MONTHLY", False),
    ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2", False),
    ("at least 4 times a year", "FREQ=MONTHLY;INTERVAL=3", True),
]


@pytest.mark.parametrize(("text", "rule", "minimum"), RECURRENCE_PHRASES)
def test_recurrence_phrases_become_rules(text, rule, minimum):
    recurrence = parse_recurrence(text)
    assert (recurrence.rule, recurrence.minimum) == (rule, minimum)
    assert recurrence.text == text
    assert validate_rule(recurrence.rule) == recurrence.rule
    assert occurrences(recurrence.rule, 2025, 2028)
    with translation.override("en"):
        described = describe_recurrence(recurrence.rule, minimum=recurrence.minimum)
    assert described and "FREQ" not in described
    assert described.startswith("at least") == minimum


def test_the_recurrence_table_is_large_enough():
    assert len(RECURRENCE_PHRASES) >= 25


@pytest.mark.parametrize(
    ("rule", "minimum", "words"),
    [
        ("FREQ=WEEKLY", False, "every week"),
        ("FREQ=WEEKLY;INTERVAL=2", False, "every 2 weeks"),
        ("FREQ=MONTHLY;INTERVAL=3", True, "at least 4 times a year"),
        ("FREQ=YEARLY", True, "at least 1 time a year"),
        (TEN, False, "10 times a year"),
        (TEN, True, "at least 10 times a year"),
        ("FREQ=YEARLY;INTERVAL=2", False, "every 2 years"),
    ],
)
def test_every_rule_parse_recurrence_makes_is_described(rule, minimum, words):
    with translation.override("en"):
        assert describe_recurrence(rule, minimum=minimum) == words
        # and the description reads back as the same rule
        again = parse_recurrence(words)
    assert (again.rule, again.minimum) == (rule, minimum)


@pytest.mark.parametrize(
    ("sentence", "rule", "minimum", "phrase"),
    [
        (
            "Fylkesleder kaller inn til lagsledermøter kvartalsvis.",
            "FREQ=MONTHLY;INTERVAL=3",
            False,
            "kvartalsvis",
        ),
        ("Fylkesstyremøte 10 ganger i året", TEN, False, "10 ganger i året"),
        ("Grasrotforum en gang i måneden.", "FREQ=MONTHLY", False, "en gang i måneden"),
        (
            "Alle lokallag skal ha minst ett åpent møte i året",
            "FREQ=YEARLY",
            True,
            "minst ett åpent møte i året",
        ),
        (
            "Lokallagene holder minst to åpne møter i halvåret.",
            "FREQ=MONTHLY;INTERVAL=3",
            True,
            "minst to åpne møter i halvåret",
        ),
        ("Distriktet ordnar studiecirklar varje månad.", "FREQ=MONTHLY", False, "varje månad"),
        (
            "Nyhetsbrev annenhver uke til alle medlemmer",
            "FREQ=WEEKLY;INTERVAL=2",
            False,
            "annenhver uke",
        ),
        ("Holde årlige samlinger for nye tillitsvalgte", "FREQ=YEARLY", False, "årlige"),
    ],
)
def test_a_recurrence_is_found_inside_a_measure_text(sentence, rule, minimum, phrase):
    found = find_recurrence(sentence)
    assert found is not None
    assert (found.rule, found.minimum, found.text) == (rule, minimum, phrase)


@pytest.mark.parametrize(
    "sentence",
    [
        "Stå på stand før valget",
        "Det var uke 23 da vi startet",
        "Verve to nye medlemmer",
        "Halvårlegheit er ikkje eit ord",
        "",
    ],
)
def test_no_recurrence_is_found_where_there_is_none(sentence):
    assert find_recurrence(sentence) is None


@pytest.mark.parametrize(
    "text",
    ["", "snart", "hver fullmåne", "daglig", "hver dag", "to ganger i uka", "20 ganger i året"],
)
def test_unreadable_recurrence_is_refused_with_a_message(text):
    with pytest.raises(RecurrenceParseError) as error:
        parse_recurrence(text)
    assert str(error.value)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY",
        "FREQ=HOURLY",
        "FREQ=SECONDLY",
        "FREQ=MINUTELY;INTERVAL=1",
        "FREQ=FORTNIGHTLY",
        "INTERVAL=2",
        "FREQ=WEEKLY;INTERVAL=0",
        "FREQ=WEEKLY;INTERVAL=-1",
        "FREQ=WEEKLY;INTERVAL=x",
        "FREQ=MONTHLY;INTERVAL=99999999999",
        "FREQ=YEARLY;INTERVAL=100",
        "FREQ=MONTHLY;COUNT=0",
        "FREQ=MONTHLY;COUNT=99999999",
        "FREQ=MONTHLY;UNTIL=tomorrow",
        "FREQ=MONTHLY;UNTIL=99991231",
        "FREQ=MONTHLY;UNTIL=20261231T000000Z",
        "FREQ=MONTHLY;COUNT=3;UNTIL=20261231",
        "FREQ=MONTHLY;BYMONTH=13",
        "FREQ=MONTHLY;BYMONTH=1,1",
        "FREQ=MONTHLY;BYMONTHDAY=0",
        "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=WEEKLY;BYDAY=1MO",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=MONTHLY;BYSETPOS=1",
        "FREQ=MONTHLY;BYHOUR=1,2,3",
        "FREQ=MONTHLY;FREQ=WEEKLY",
        "FREQ=MONTHLY;;INTERVAL",
        "FREQ=" + "X" * 300,
        "garbage",
    ],
)
def test_validate_rule_refuses_rules_occurrences_cannot_use(rule):
    with pytest.raises(RecurrenceParseError):
        validate_rule(rule)


@pytest.mark.parametrize(
    ("rule", "tidied"),
    [
        ("", ""),
        ("FREQ=MONTHLY;INTERVAL=3", "FREQ=MONTHLY;INTERVAL=3"),
        ("rrule:freq=weekly; interval=2", "FREQ=WEEKLY;INTERVAL=2"),
        ("FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("FREQ=MONTHLY;COUNT=4", "FREQ=MONTHLY;COUNT=4"),
        ("FREQ=YEARLY;UNTIL=20281231", "FREQ=YEARLY;UNTIL=20281231"),
    ],
)
def test_validate_rule_accepts_and_tidies_good_rules(rule, tidied):
    assert validate_rule(rule) == tidied
    assert occurrences(tidied, 2025, 2028) == occurrences(tidied, 2025, 2028)


# -- the editor ------------------------------------------------------------------------


@pytest.fixture
def plan(db):
    organisation = Organisation.objects.get(slug="rodt-akershus")
    return plan_create(
        organisation=organisation,
        title="Handlingsplan 2027–2028",
        kind="handlingsplan",
        first_year=2027,
        last_year=2028,
        language="nb",
        visibility="members",
    )


@pytest.fixture
def goal(plan):
    return goal_create(plan=plan, code="A", title="Flere aktive lag")


def _post_as_shown(measure: Measure, **changes) -> dict:
    """The edit form's values as the browser would send them back, with some changed."""
    form = MeasureForm.for_measure(measure, bodies=None)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "responsible":
            value = value or []
        elif name == "delegated":
            if not value:
                continue
        elif value is None:
            value = ""
        data[form.add_prefix(name)] = value
    data.update({form.add_prefix(name): value for name, value in changes.items()})
    return data


def _edit(client, measure, **changes):
    url = reverse("goals:measure_edit", args=[measure.pk])
    return client.post(url, _post_as_shown(measure, **changes), **HTMX)


def test_saving_a_measure_never_drops_a_rule_the_menu_cannot_show(client_for, goal):
    measure = measure_create(goal=goal, text="Stand", recurrence="FREQ=WEEKLY;INTERVAL=2")
    response = _edit(client_for("board"), measure, text="Stand på torget")
    assert response.status_code == 200
    measure.refresh_from_db()
    assert measure.text == "Stand på torget"
    assert measure.recurrence == "FREQ=WEEKLY;INTERVAL=2"


def test_the_rule_is_kept_when_an_old_form_sends_no_words(client_for, goal):
    measure = measure_create(goal=goal, text="Stand", recurrence="FREQ=WEEKLY;INTERVAL=2")
    data = _post_as_shown(measure, text="Stand igjen")
    del data[f"measure-{measure.pk}-recurrence_text"]
    url = reverse("goals:measure_edit", args=[measure.pk])
    assert client_for("board").post(url, data, **HTMX).status_code == 200
    measure.refresh_from_db()
    assert (measure.text, measure.recurrence) == ("Stand igjen", "FREQ=WEEKLY;INTERVAL=2")


def test_the_words_win_over_the_menu_and_are_kept(client_for, goal):
    measure = measure_create(goal=goal, text="Åpne møter")
    _edit(
        client_for("board"),
        measure,
        recurrence_text="minst to åpne møter i halvåret",
        recurrence="yearly",
    )
    measure.refresh_from_db()
    assert measure.recurrence == "FREQ=MONTHLY;INTERVAL=3"
    assert measure.recurrence_minimum is True
    assert measure.recurrence_wording == "minst to åpne møter i halvåret"
    assert measure.recurrence_text == "minst to åpne møter i halvåret"
    page = client_for("board").get(reverse("goals:measure", args=[measure.pk]), **HTMX)
    assert "inst to åpne møter i halvåret" in page.content.decode()
    # Opening the form again shows the words; saving it unchanged keeps all of it.
    _edit(client_for("board"), measure, text="Åpne møter i lagene")
    measure.refresh_from_db()
    assert (measure.recurrence, measure.recurrence_minimum, measure.recurrence_wording) == (
        "FREQ=MONTHLY;INTERVAL=3",
        True,
        "minst to åpne møter i halvåret",
    )


def test_empty_words_leave_it_to_the_menu(client_for, goal):
    measure = measure_create(
        goal=goal, text="Møte", recurrence="FREQ=MONTHLY;INTERVAL=3", recurrence_text="kvartalsvis"
    )
    _edit(client_for("board"), measure, recurrence_text="", recurrence="monthly")
    measure.refresh_from_db()
    assert (measure.recurrence, measure.recurrence_wording) == ("FREQ=MONTHLY", "")


def test_changing_the_menu_under_unchanged_words_uses_the_menu(client_for, goal):
    measure = measure_create(
        goal=goal, text="Møte", recurrence="FREQ=MONTHLY;INTERVAL=3", recurrence_text="kvartalsvis"
    )
    _edit(client_for("board"), measure, recurrence="yearly")
    measure.refresh_from_db()
    assert (measure.recurrence, measure.recurrence_wording) == ("FREQ=YEARLY", "")


@pytest.mark.parametrize(
    ("words", "message"),
    [("hver fullmåne", "hver fullmåne"), ("hver dag", "hver uke"), ("30 ganger i året", "30")],
)
def test_unreadable_recurrence_words_re_render_the_form_with_a_message(
    client_for, goal, words, message
):
    measure = measure_create(goal=goal, text="Møte", recurrence="FREQ=YEARLY")
    response = _edit(client_for("board"), measure, recurrence_text=words)
    assert response.status_code == 200
    html = response.content.decode()
    assert "has-error" in html and message in html
    measure.refresh_from_db()
    assert measure.recurrence == "FREQ=YEARLY"


def test_a_bad_stored_rule_re_renders_the_form_with_a_message(client_for, goal):
    measure = measure_create(goal=goal, text="Møte")
    Measure.objects.filter(pk=measure.pk).update(recurrence="FREQ=SECONDLY")  # from long ago
    measure.refresh_from_db()
    response = _edit(client_for("board"), measure, text="Nytt møte")
    html = response.content.decode()
    assert "has-error" in html and "FREQ=SECONDLY" in html
    measure.refresh_from_db()
    assert measure.text == "Møte"


def test_the_services_refuse_rules_occurrences_cannot_use(goal):
    with pytest.raises(ValidationError) as error:
        measure_create(goal=goal, text="Hvert sekund", recurrence="FREQ=SECONDLY")
    assert "recurrence" in error.value.message_dict
    measure = measure_create(goal=goal, text="Møte", recurrence="FREQ=YEARLY")
    with pytest.raises(ValidationError):
        measure_update(
            measure=measure,
            expected_revision=measure.revision,
            text="Møte",
            responsible=[],
            due="",
            recurrence="FREQ=WEEKLY;INTERVAL=0",
            delegated=False,
            tags=[],
            by=None,
        )
    measure.refresh_from_db()
    assert measure.recurrence == "FREQ=YEARLY"


def test_the_services_keep_the_wording_while_the_rule_stays(goal):
    measure = measure_create(
        goal=goal, text="Møte", recurrence="FREQ=MONTHLY;INTERVAL=3", recurrence_text="kvartalsvis"
    )
    arguments = {"text": "Møte", "responsible": [], "due": "", "delegated": False, "tags": []}
    measure = measure_update(
        measure=measure,
        expected_revision=measure.revision,
        recurrence="FREQ=MONTHLY;INTERVAL=3",
        by=None,
        **arguments,
    )
    assert measure.recurrence_wording == "kvartalsvis"
    measure = measure_update(
        measure=measure,
        expected_revision=measure.revision,
        recurrence="FREQ=YEARLY",
        by=None,
        **arguments,
    )
    assert (measure.recurrence_wording, measure.recurrence_minimum) == ("", False)


def test_due_is_read_with_the_plans_period(client_for, goal):
    measure = measure_create(goal=goal, text="Kurs", due="løpende")
    assert (measure.due_start.isoformat(), measure.due_end.isoformat()) == (
        "2027-01-01",
        "2028-12-31",
    )
    assert measure.due_precision == "period"
    response = _edit(client_for("board"), measure, due="8. mars")
    html = response.content.decode()
    assert "«8. mars 2027»" in html  # the plan covers two years: which one?
    _edit(client_for("board"), measure, due="uke 23 2028")
    measure.refresh_from_db()
    assert (measure.due_text, measure.due_precision) == ("uke 23 2028", "week")


def test_a_new_measure_reads_due_with_the_plans_period(client_for, goal):
    prefix = f"goal-{goal.pk}-add-measure"
    response = client_for("board").post(
        reverse("goals:measure_add", args=[goal.pk]),
        {
            f"{prefix}-revision": 1,
            f"{prefix}-text": "Skolering",
            f"{prefix}-due": "fortløpende",
            f"{prefix}-recurrence_text": "annenhver uke",
        },
        **HTMX,
    )
    assert response.status_code == 200
    measure = goal.measures.get(text="Skolering")
    assert (measure.due_precision, measure.due_end.isoformat()) == ("period", "2028-12-31")
    assert (measure.recurrence, measure.recurrence_wording) == (
        "FREQ=WEEKLY;INTERVAL=2",
        "annenhver uke",
    )
    form = MeasureForm.for_goal(
        goal,
        bodies=None,
        data={f"{prefix}-revision": 1, f"{prefix}-text": "x", f"{prefix}-due": "juni"},
    )
    assert not form.is_valid() and "«juni 2027»" in str(form.errors["due"])
