"""The printed plan and report: every word of the seed, tagged, fonts embedded, safe."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from contextlib import contextmanager
from datetime import date
from unittest import mock

import pytest
from django.urls import reverse
from pypdf import PdfReader

from goals.models import Measure
from plans.models import Plan
from plans.pdf import BASE_URL, StaticFilesOnly, render_plan_pdf, render_report_pdf
from tests.conftest import missing_service
from tests.test_plan_page import seed_goals_and_measures

pytestmark = pytest.mark.django_db


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        missing_service(f"{tool} (Debian package poppler-utils) is not installed")
    return path


def run(tool: str, pdf: bytes, tmp_path, *args: str) -> str:
    source = tmp_path / "document.pdf"
    source.write_bytes(pdf)
    return subprocess.run(
        [poppler(tool), *args, str(source), "-"]
        if tool == "pdftotext"
        else [poppler(tool), *args, str(source)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


@contextmanager
def freeze_date(day: date):
    with mock.patch("plans.pdf.timezone.localdate", return_value=day):
        yield


def plain(text: str) -> str:
    """Text as read: hyphenation undone, lines joined, spaces collapsed."""
    text = re.sub("\u2010\\s*\n\\s*", "", text)
    return " ".join(text.split())


@pytest.fixture(scope="module")
def national_pdf(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        plan = Plan.objects.get(organisation__slug="rodt", title="Handlingsplan 2023–2025")
        return render_plan_pdf(plan)


def unbroken(text: str) -> str:
    """Plain text, also where a line broke after a hyphen or a slash.

    The printed plan is not hyphenated, so a line may break after the hyphen of
    "lhbt+-bevegelsen" or the slash of "og/eller"; pdftotext drops such a hyphen when
    it joins the lines, and plain() joins them with a space. Hyphens are left out and
    a slash is joined to the word after it, on both sides of the comparison.
    """
    return re.sub(r"/ ", "/", re.sub("[-\u2010]", "", plain(text)))


def test_national_plan_pdf_holds_every_goal_and_measure_of_the_seed(national_pdf, tmp_path):
    text = unbroken(run("pdftotext", national_pdf, tmp_path))
    missing = [item for item in seed_goals_and_measures() if unbroken(item) not in text]
    assert missing == []


def test_national_plan_pdf_has_cover_contents_running_header_page_numbers_and_wheel(
    national_pdf, tmp_path
):
    pages = [plain(page) for page in run("pdftotext", national_pdf, tmp_path).split("\f")[:-1]]
    cover, contents = pages[0], pages[1]
    assert cover.startswith("Rødt Handlingsplan 2023–2025") and "Vedtatt av Landsmøtet" in cover
    assert not re.search(r"side \d+ av", cover)  # neither header nor page number on the cover
    assert contents.startswith("Rødt · Handlingsplan 2023–2025 Innhold")
    for number, page in enumerate(pages[1:], start=2):
        assert page.startswith("Rødt · Handlingsplan 2023–2025"), page[:40]
        assert page.endswith(f"side {number} av {len(pages)}"), page[-40:]
    table = "Årshjul Måned 2023 2024 2025 Januar januar–februar: Årsmøter i lokallagene"
    wheel = next(number for number, page in enumerate(pages, start=1) if table in page)
    assert f"Årshjul {wheel} side 2 av" in contents  # the contents give each part its page
    assert re.search(r"Partibygging \d+ LM 2025 \d+", contents)


def test_pdf_is_tagged_and_embeds_every_font(national_pdf, tmp_path):
    info = run("pdfinfo", national_pdf, tmp_path)
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    fonts = run("pdffonts", national_pdf, tmp_path).splitlines()[2:]
    assert fonts, "the PDF lists its fonts"
    for line in fonts:
        assert line.split()[-5] == "yes", line  # the "emb" column


def test_the_pages_and_fonts_stay_compressed(national_pdf):
    # plans/pdf.py deflates the streams itself (at zlib's default level, not pydyf's 9).
    reader = PdfReader(io.BytesIO(national_pdf))
    for page in reader.pages:
        assert page["/Contents"].get_object()["/Filter"] == "/FlateDecode"
        assert page.extract_text()  # and reads back
    for font in reader.pages[1]["/Resources"]["/Font"].values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert descriptor.get_object()["/FontFile2"].get_object()["/Filter"] == "/FlateDecode"
    assert len(national_pdf) < 100_000


def test_a_draft_carries_the_draft_mark_and_the_adopted_plan_does_not(national_pdf, tmp_path):
    draft = Plan.objects.get(organisation__slug="rodt-akershus", title="Arbeidsutkast 2027")
    assert "UTKAST" in run("pdftotext", render_plan_pdf(draft), tmp_path)
    assert "UTKAST" not in run("pdftotext", national_pdf, tmp_path)
    swedish = Plan.objects.get(organisation__slug="v-uppsala")
    swedish.status = "draft"
    assert "UTKAST" in run("pdftotext", render_plan_pdf(swedish), tmp_path)


@pytest.mark.parametrize(
    ("language", "mark"),
    [("nb", "FORSLAG"), ("nn", "FORSLAG"), ("sv", "FÖRSLAG"), ("en", "PROPOSAL")],
)
def test_a_proposed_plan_carries_the_proposal_mark_in_its_language(language, mark, tmp_path):
    plan = Plan.objects.get(organisation__slug="rodt-akershus", title="Arbeidsutkast 2027")
    plan.status = "proposed"
    plan.language = language
    text = run("pdftotext", render_plan_pdf(plan), tmp_path)
    assert mark in text.split()
    assert "UTKAST" not in text and "DRAFT" not in text


def test_a_measure_without_responsible_bodies_prints_no_stray_separator(tmp_path):
    plan = Plan.objects.get(organisation__slug="rodt-akershus", title="Handlingsplan 2026")
    measure = (
        Measure.objects.filter(goal__plan=plan, delegated=False, recurrence="")
        .exclude(due_text="")
        .first()
    )
    measure.responsible.clear()
    raw = run("pdftotext", render_plan_pdf(plan), tmp_path)
    assert f"{plain(measure.text)} Frist: " in plain(raw)
    assert not re.search(r"^\s*·", raw, re.MULTILINE)  # no line of the PDF opens with a separator


def test_report_states_its_date_leaves_out_empty_sections_and_is_titled_as_report(tmp_path):
    plan = Plan.objects.get(organisation__slug="rodt-akershus", title="Handlingsplan 2026")
    empty = plan.sections.create(title="Seksjon uten tiltak", order=99)
    empty.goals.create(plan=plan, title="Mål uten tiltak", order=1)
    with freeze_date(date(2026, 3, 5)):
        pdf = render_report_pdf(plan, "public")
    text = plain(run("pdftotext", pdf, tmp_path))
    assert "Status per 5. mars 2026" in text
    assert "Seksjon uten tiltak" not in text and "Mål uten tiltak" not in text
    assert "Seksjon uten tiltak" in plain(run("pdftotext", render_plan_pdf(plan), tmp_path))
    title = PdfReader(io.BytesIO(pdf)).metadata.title
    assert "Årsberetning" in title and plan.organisation.name in title
    plan_title = PdfReader(io.BytesIO(render_plan_pdf(plan))).metadata.title
    assert plan_title == f"{plan.organisation.name}: {plan.title}"


def test_a_swedish_report_dates_its_status_in_swedish(tmp_path):
    plan = Plan.objects.get(organisation__slug="v-uppsala")
    with freeze_date(date(2026, 12, 4)):
        text = plain(run("pdftotext", render_report_pdf(plan, "public"), tmp_path))
    assert "Status per 4 december 2026" in text
    assert "Verksamhetsberättelse" in text


def test_report_lists_measures_notes_and_the_branch_matrix(tmp_path):
    plan = Plan.objects.get(organisation__slug="rodt-akershus", title="Handlingsplan 2026")
    text = plain(run("pdftotext", render_report_pdf(plan, "officers"), tmp_path))
    assert "Representantene inviteres til hvert styremøte." in text
    assert "Rødt Bærum" in text and "Rødt Asker" in text
    assert "10 av 12 gjennomført" in text


def test_members_only_pdfs_are_not_for_visitors_or_other_parties(client_for):
    plan = Plan.objects.get(organisation__slug="rodt-akershus", title="Handlingsplan 2026")
    for name in ("plans:pdf", "plans:report_pdf"):
        url = reverse(name, args=[plan.pk])
        assert client_for(None).get(url).status_code == 302
        assert client_for("outsider").get(url).status_code == 404
        response = client_for("member").get(url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_unchanged_plan_answers_304_and_a_change_makes_a_new_pdf(client_for):
    plan = Plan.objects.get(organisation__slug="rodt", title="Handlingsplan 2023–2025")
    client = client_for(None)
    first = client.get(reverse("plans:pdf", args=[plan.pk]))
    etag = first["ETag"]
    assert (
        client.get(reverse("plans:pdf", args=[plan.pk]), HTTP_IF_NONE_MATCH=etag).status_code == 304
    )
    Plan.objects.filter(pk=plan.pk).update(revision=plan.revision + 1)
    again = client.get(reverse("plans:pdf", args=[plan.pk]), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/logo.png",
        "file:///etc/passwd",
        f"{BASE_URL}static/../../config/settings.py",
        f"{BASE_URL}admin/",
        "https://handlingsplan.invalid.evil.example/static/css/print.css",
    ],
)
def test_the_renderer_refuses_everything_but_our_static_files(url):
    with pytest.raises(ValueError):
        StaticFilesOnly().fetch(url)


def test_the_renderer_parses_its_stylesheet_once_and_a_browser_gets_the_link():
    from plans.pdf import _print_stylesheet, plan_html

    plan = Plan.objects.get(organisation__slug="rodt", title="Handlingsplan 2023–2025")
    assert 'href="/static/css/print.css"' in plan_html(plan)
    assert "print.css" not in plan_html(plan, link_print_css=False)
    assert _print_stylesheet()[0] is _print_stylesheet()[0]


def test_the_renderer_serves_our_static_files():
    response = StaticFilesOnly().fetch(f"{BASE_URL}static/css/print.css")
    assert b"@page" in response.read()


def test_a_new_or_deleted_wheel_entry_of_the_plan_makes_a_new_pdf():
    from calendar_app.models import CycleEntry
    from calendar_app.services import cycle_entry_create, cycle_entry_delete
    from plans.pdf import fingerprint

    plan = Plan.objects.get(organisation__slug="rodt", title="Handlingsplan 2023–2025")
    before = fingerprint(plan, report=False)
    entry = cycle_entry_create(
        organisation=plan.organisation, plan=plan, title="Sommerskole", month=7, by=None
    )
    added = fingerprint(plan, report=False)
    assert added != before
    cycle_entry_delete(entry=CycleEntry.objects.get(pk=entry.pk), by=None)
    assert fingerprint(plan, report=False) not in (before, added)


def test_the_report_is_made_anew_each_day_it_is_dated():
    from plans.pdf import fingerprint

    plan = Plan.objects.get(organisation__slug="rodt-akershus", title="Handlingsplan 2026")
    today = fingerprint(plan, report=True)
    with mock.patch("django.utils.timezone.localdate", return_value=date(2031, 1, 2)):
        tomorrow = fingerprint(plan, report=True)
    assert today != tomorrow
    assert fingerprint(plan, report=False) == fingerprint(plan, report=False)
