"""The measures list and its exports never show a row the person may not see."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from goals.models import Measure
from organisations.models import Organisation, User
from plans.models import Plan


def visible_texts(email: str | None) -> set[str]:
    user = User.objects.get(email=email) if email else None
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    return set(Measure.objects.visible_to(user).values_list("text", flat=True))


def exported_texts(response) -> list[str]:
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    return [row[3].lstrip("'") for row in rows[1:]]


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
    expected = set(
        Measure.objects.filter(
            goal__plan__organisation=asker, goal__plan__status="adopted"
        ).values_list("text", flat=True)
    )
    assert texts and set(texts) == expected


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
