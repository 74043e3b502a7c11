"""The measures list and its exports never show a row the person may not see."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from goals.models import Assignment, Measure
from organisations.models import Organisation, User
from plans.models import Plan


def visible_texts(email: str | None) -> set[str]:
    user = User.objects.get(email=email) if email else None
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    return set(Measure.objects.visible_to(user).values_list("text", flat=True))


def exported_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))[1:]


def exported_texts(response) -> list[str]:
    return [row[3].lstrip("'") for row in exported_rows(response)]


@pytest.mark.parametrize("persona", [None, "member", "outsider", "board"])
@pytest.mark.parametrize(
    "forged",
    [
        {},
        {"organisation": "rodt-akershus"},
        {"status": "planned", "organisation": "rodt-asker"},
        {"goal": "akershus-goal"},
        {"responsible": "fylkesstyret"},
        {"organisation": "999999"},
        {"overdue": "true"},
    ],
)
def test_export_never_leaks_a_row(client_for, persona, forged):
    params = dict(forged)
    if params.get("organisation") in ("rodt-akershus", "rodt-asker"):
        params["organisation"] = Organisation.objects.get(slug=params["organisation"]).pk
    if params.get("goal") == "akershus-goal":
        plan = Plan.objects.get(organisation__slug="rodt-akershus", title="Handlingsplan 2026")
        params["goal"] = plan.goals.first().pk
    if params.get("responsible") == "fylkesstyret":
        from organisations.models import Body

        params["responsible"] = Body.objects.get(
            organisation__slug="rodt-akershus", name="Fylkesstyret"
        ).pk
    email = {
        None: None,
        "member": "medlem@example.org",
        "outsider": "ap@example.org",
        "board": "styre@example.org",
    }[persona]
    allowed = visible_texts(email)
    client = client_for(persona)
    response = client.get(reverse("goals:export", args=["csv"]), params)
    assert response.status_code == 200
    assert set(exported_texts(response)) <= allowed
    page = client.get(reverse("goals:list"), params)
    assert page.status_code == 200
    for measure in Measure.objects.exclude(text__in=allowed)[:50]:
        assert f"#measure-{measure.pk}" not in page.content.decode()


def test_outsider_forging_an_organisation_filter_gets_no_rows(client_for):
    akershus = Organisation.objects.get(slug="rodt-akershus")
    response = client_for("outsider").get(
        reverse("goals:export", args=["csv"]), {"organisation": akershus.pk}
    )
    assert exported_texts(response) == []


def test_filters_narrow_the_list(client_for):
    asker = Organisation.objects.get(slug="rodt-asker")
    response = client_for("member").get(
        reverse("goals:export", args=["csv"]), {"organisation": asker.pk}
    )
    texts = exported_texts(response)
    own = set(
        Measure.objects.filter(
            goal__plan__organisation=asker, goal__plan__status="adopted"
        ).values_list("text", flat=True)
    )
    # The branch's own shares of measures delegated from the plans above come along.
    shares = set(
        Assignment.objects.filter(
            organisation=asker, measure__goal__plan__status__in=["adopted", "archived"]
        ).values_list("measure__text", flat=True)
    )
    assert own and shares
    assert set(texts) == own | shares


def list_organisations(response) -> set[str]:
    """The organisation cell of every row of the measures list."""
    import re

    return set(re.findall(r'<td class="col-organisation">([^<]+)<br>', response.content.decode()))


def test_list_opens_on_the_persons_own_organisations(client_for):
    response = client_for("member").get(reverse("goals:list"))
    assert list_organisations(response) == {"Rødt Asker"}
    page = response.content.decode()
    assert '<option value="mine" selected>' in page
    assert "scope=all" in page  # the way to widen it

    wider = client_for("member").get(reverse("goals:list"), {"scope": "all"})
    assert "Rødt" in list_organisations(wider)  # the list is ordered by organisation name
    assert '<option value="all" selected>' in wider.content.decode()
    member = User.objects.get(email="medlem@example.org")
    assert wider.context["page"].paginator.count == Measure.objects.visible_to(member).count()
    everything = exported_rows(
        client_for("member").get(reverse("goals:export", args=["csv"]), {"scope": "all"})
    )
    assert {"Rødt Asker", "Rødt Akershus", "Rødt", "Arbeiderpartiet"} <= {
        row[0] for row in everything
    }


def test_board_member_opens_on_membership_and_board_organisations(client_for):
    # Siri Styre: a member of Rødt Bærum, on the board of Rødt Akershus.
    response = client_for("board").get(reverse("goals:list"))
    assert list_organisations(response) == {"Rødt Bærum", "Rødt Akershus"} & set(
        Measure.objects.visible_to(User.objects.get(email="styre@example.org")).values_list(
            "goal__plan__organisation__name", flat=True
        )
    )
    assert "Rødt Akershus" in list_organisations(response)


def test_export_follows_the_same_opening_scope(client_for):
    rows = exported_rows(client_for("member").get(reverse("goals:export", args=["csv"])))
    assert {row[0] for row in rows} == {"Rødt Asker"}


def test_visitor_keeps_the_public_view_of_every_party(client_for):
    response = client_for(None).get(reverse("goals:list"))
    page = response.content.decode()
    assert 'name="scope"' not in page
    assert "scope=all" not in page
    organisations = list_organisations(response)
    assert {"Rødt", "Arbeiderpartiet"} <= organisations


def test_filter_form_reads_all_labels_and_groups_goals_by_plan(client_for):
    page = client_for("member").get(reverse("goals:list"), {"scope": "all"}).content.decode()
    assert "---------" not in page
    assert page.count('<option value="" selected>Alle</option>') >= 4
    assert '<optgroup label="Rødt Akershus: Handlingsplan 2026">' in page
    # Each date input of the due window has a label of its own.
    assert '<label for="id_due_after">' in page and 'id="id_due_after"' in page
    assert '<label for="id_due_before">' in page and 'id="id_due_before"' in page


def test_due_window_filter_keeps_its_dates(client_for):
    response = client_for("member").get(
        reverse("goals:list"), {"due_after": "2026-01-01", "due_before": "2026-06-30"}
    )
    page = response.content.decode()
    assert 'name="due_after" id="id_due_after" value="2026-01-01"' in page
    assert 'name="due_before" id="id_due_before" value="2026-06-30"' in page


def test_cells_that_look_like_formulas_are_escaped(client_for):
    measure = Measure.objects.filter(
        goal__plan__organisation__slug="rodt", goal__plan__status="adopted"
    ).first()
    Measure.objects.filter(pk=measure.pk).update(text='=HYPERLINK("http://x","klikk")')
    client = client_for(None)
    csv_text = client.get(reverse("goals:export", args=["csv"])).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    assert ";=HYPERLINK" not in csv_text
    workbook = load_workbook(io.BytesIO(client.get(reverse("goals:export", args=["xlsx"])).content))
    values = [row[3] for row in workbook.active.iter_rows(values_only=True)]
    assert '\'=HYPERLINK("http://x","klikk")' in values
    assert not any(str(v).startswith("=") for v in values if v)


def test_person_without_organisations_opens_on_everything_they_may_see(db, client):
    newcomer = User.objects.create_user(email="ny@example.org", password="x")
    client.force_login(newcomer)
    response = client.get(reverse("goals:list"))
    assert '<option value="all" selected>' in response.content.decode()
    assert response.context["page"].paginator.count == Measure.objects.visible_to(newcomer).count()
    assert response.context["page"].paginator.count > 0


def test_a_recurring_measure_shows_its_status_from_its_occurrences(client_for):
    from goals.export import list_states
    from goals.models import Measure

    recurring = (
        Measure.objects.filter(
            goal__plan__organisation__slug="rodt-asker", goal__plan__status="adopted"
        )
        .exclude(recurrence="")
        .filter(ticks__isnull=False)
        .distinct()
        .first()
    )
    measures = [recurring]
    list_states(measures)
    assert recurring.occurrences_done
    page = client_for("secretary").get(
        "/goals/measures/", {"organisation": recurring.goal.plan.organisation_id}
    )
    html = page.content.decode()
    assert recurring.occurrences_done in html
    assert f"status-{recurring.reported_status}" in html
