"""Targets: measurements, progress from baseline to target, chart and the register."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from goals.charts import target_progress
from goals.models import Measurement, Target
from organisations.models import Membership, Organisation


def asker_target() -> Target:
    return Target.objects.get(goal__plan__organisation__slug="rodt-asker", kind="members")


def test_target_page_shows_progress_number_and_an_svg_chart(client_for):
    target = asker_target()
    response = client_for("member").get(reverse("goals:target", args=[target.pk]))
    html = response.content.decode()
    latest = target.measurements.order_by("-date").first()
    expected = round(
        100 * (latest.value - target.baseline_value) / (target.target_value - target.baseline_value)
    )
    assert f"{expected} %" in html
    assert "<svg" in html and "<polyline" in html
    assert "Registrer en måling" not in html  # members look; they do not record


def test_members_target_takes_its_value_from_the_register(client_for):
    target = asker_target()
    asker = Organisation.objects.get(slug="rodt-asker")
    expected = (  # current members: the demo has one who left Rødt Asker in 2026
        Membership.objects.in_force()
        .filter(organisation__in=Organisation.objects.descendants(asker, include_self=True))
        .values("person")
        .distinct()
        .count()
    )
    response = client_for("secretary").post(reverse("goals:from_register", args=[target.pk]))
    assert response.status_code == 302
    latest = target.measurements.order_by("-pk").first()
    assert latest.value == expected and latest.source == "Medlemsregister"


def test_bad_measurements_re_render_with_a_message(client_for):
    target = asker_target()
    before = Measurement.objects.count()
    secretary = client_for("secretary")
    url = reverse("goals:measurement_add", args=[target.pk])
    for data, message in [
        ({"value": "mange", "date": "2026-05-01"}, "tall"),
        ({"value": "10", "date": "2099-05-01"}, "fremtiden"),
        ({"value": "10", "date": ""}, "påkrevet"),
    ]:
        response = secretary.post(url, data)
        assert response.status_code == 200 and message in response.content.decode()
    assert Measurement.objects.count() == before


def test_progress_handles_a_falling_target():
    target = Target(baseline_value=Decimal(40), target_value=Decimal(20), name="x")
    assert target_progress(target, Measurement(value=Decimal(30))) == 50


def test_chart_coordinates_are_not_written_with_a_decimal_comma(client_for):
    import re

    html = (
        client_for("member").get(reverse("goals:target", args=[asker_target().pk])).content.decode()
    )
    assert "<circle" in html
    assert not re.search(r'(cx|cy|y1|y2)="-?\d+,\d', html)
    assert not re.search(r'points="[^"]*\d,\d+,', html)
