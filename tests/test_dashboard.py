"""The dashboard of a county rolls up its branches with a fixed number of queries."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.models import Goal, Measure
from organisations.models import Organisation, OrganisationKind, User
from plans.models import Plan, Section


def build_county(slug: str, branches: int, measures_per_branch: int) -> Organisation:
    """A county with branches, each with an adopted plan; bulk-created for speed."""
    root = Organisation.objects.get(slug="rodt")
    county = Organisation.objects.create(
        name=f"Fylke {slug}", slug=slug, kind=OrganisationKind.COUNTY, parent=root
    )
    children = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Lag {slug} {n}",
                slug=f"{slug}-{n}",
                kind=OrganisationKind.BRANCH,
                parent=county,
            )
            for n in range(branches)
        ]
    )
    plans = Plan.objects.bulk_create(
        [
            Plan(
                organisation=child,
                title="Arbeidsplan",
                first_year=2026,
                last_year=2026,
                status="adopted",
                adopted_on=date(2026, 2, 1),
                visibility="members",
            )
            for child in [county, *children]
        ]
    )
    sections = Section.objects.bulk_create([Section(plan=plan, title="Del") for plan in plans])
    goals = Goal.objects.bulk_create(
        [
            Goal(plan=plan, section=section, code="A", title="Mål")
            for plan, section in zip(plans, sections, strict=True)
        ]
    )
    Measure.objects.bulk_create(
        [
            Measure(
                goal=goal,
                text=f"Tiltak {n}",
                order=n,
                status="done" if n % 3 == 0 else "planned",
                recurrence="FREQ=MONTHLY;INTERVAL=3" if n % 10 == 0 else "",
            )
            for goal in goals
            for n in range(measures_per_branch)
        ]
    )
    return county


def test_county_dashboard_query_count_does_not_grow_with_branches(db, client):
    admin = User.objects.get(email="admin@example.org")
    client.force_login(admin)
    small = build_county("lite", branches=5, measures_per_branch=4)
    large = build_county("stort", branches=50, measures_per_branch=40)  # 2,040 measures
    counts = []
    for county in (small, large):
        url = reverse("organisation_dashboard", args=[county.slug])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert "Lag stort 49" in response.content.decode()
    assert Measure.objects.filter(goal__plan__organisation__parent=large).count() == 2000
    assert counts[0] == counts[1], counts
