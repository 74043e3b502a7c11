"""The printed documents: the plan and its status report, as PDF (WeasyPrint).

One renderer per document, each returning bytes, rendered in the plan's
language. The renderer fetches only the app's own static files.
"""

from __future__ import annotations

import gc
import hashlib
import mimetypes
import os
import threading
import zlib
from collections import defaultdict
from contextlib import contextmanager
from datetime import date
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db.models import Max, Prefetch
from django.template.loader import render_to_string
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext
from pydyf import Stream
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from calendar_app.models import elections_between, year_types
from calendar_app.wheel import _label_text
from goals.charts import target_chart, target_progress
from goals.models import Assignment, Measure
from goals.notes import notes_by_measure
from goals.rollup import rollup
from organisations.permissions import can_read_drafts, can_read_members_content

from .models import Plan, PlanStatus
from .selectors import plan_document

BASE_URL = "https://handlingsplan.invalid/"


class StaticFilesOnly(URLFetcher):
    """Serves the app's static files to the renderer and refuses everything else."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        base = urlsplit(BASE_URL)
        static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(
            static_prefix
        ):
            raise ValueError(f"The PDF renderer only reads the app's static files: {url}")
        relative = parts.path[len(static_prefix) :]
        if ".." in relative.split("/"):
            raise ValueError(f"No such static file: {relative}")
        path = finders.find(relative)
        if not path:
            raise ValueError(f"No such static file: {relative}")
        with open(path, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


# Who reads which status report: visitors get the progress, the organisation's
# members also its notes, its officers also the branch matrix (as on the pages:
# the dashboard's notes are for members, the delegation page for officers).
PUBLIC, MEMBERS, OFFICERS = "public", "members", "officers"


def report_audience(user, plan: Plan) -> str:
    if can_read_drafts(user, plan.organisation):
        return OFFICERS
    if can_read_members_content(user, plan.organisation):
        return MEMBERS
    return PUBLIC


# What the printed plan does not show: progress (ticks, measurements), amendments
# until they are merged into the text, and events. These activities neither change
# the plan PDF's fingerprint nor render it again; every other one does.
NOT_IN_PLAN_PDF = frozenset(
    {
        "measure.tick",
        "measurement.create",
        "amendment.submit",
        "amendment.update",
        "amendment.withdraw",
        "amendment.recommend",
        "amendment.vote",
        "amendment.vote_undo",
        "event.create",
        "event.update",
        "event.cancel",
    }
)


def fingerprint(plan: Plan, report: bool, audience: str = PUBLIC) -> str:
    """Changes whenever what the document shows changes (its text, progress or reader)."""
    activities = plan.activities.all()
    if not report:
        activities = activities.exclude(action__in=NOT_IN_PLAN_PDF)
    last = activities.aggregate(last=Max("pk"))["last"]
    audience = audience if report else PUBLIC  # the plan itself reads the same for everyone
    # The report says "Status per <today>" and counts occurrences up to today.
    day = timezone.localdate().isoformat() if report else ""
    key = (
        f"{plan.pk}:{plan.revision}:{plan.status}:{plan.updated_at}:{last}:{report}:{plan.language}"
        f":{audience}:{day}"
    )
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _wheel(plan: Plan) -> dict:
    """The annual wheel as the plan prints it: a table, month by month and year by year.

    The wheel picture is left out of the PDF. WeasyPrint lays out SVG text one letter at
    a time, and the picture was 9 % of the national plan's render (31 ms) even with its
    shapes joined into five paths; its labels set as HTML text cost about the same. The
    table says what the picture said: an entry that spans months names them, as the
    picture's label does ("januar–juni: …"), and each year has its column.
    """
    years = list(range(plan.first_year, plan.last_year + 1))
    elections = elections_between(plan.first_year, plan.last_year)
    country = plan.organisation.country
    types = {year: year_types(country, year, elections) for year in years}
    entries = list(plan.cycle_entries.order_by("month", "day", "pk"))
    rows = []
    for month in range(1, 13):
        in_month = [e for e in entries if e.month == month]
        if in_month:
            rows.append(
                (
                    date(2000, month, 1),
                    [
                        [
                            _label_text(e, note_years=False)
                            for e in in_month
                            if e.applies_to(y, types[y])
                        ]
                        for y in years
                    ],
                )
            )
    return {"years": years, "rows": rows, "entries": entries}


@contextmanager
def _cyclic_gc_paused():
    """WeasyPrint makes millions of short-lived objects, and each of the collector's many
    passes during a render would walk the whole heap of the process (Django, the app):
    about a fifth of a render's time in a web or Celery process. Its garbage is freed by
    the first collection after the render instead."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


PRINT_CSS = "css/print.css"
_parsed = threading.local()


def _print_stylesheet() -> tuple[CSS, FontConfiguration]:
    """print.css, parsed once per thread together with the fonts its @font-face rules load.

    Parsing the sheet and loading the five fonts took about 17 ms of every render. The
    font configuration goes with the sheet that loaded its fonts, and neither is shared
    between threads. The sheet is read again when the file changes (in development).
    """
    path = finders.find(PRINT_CSS)
    changed = os.stat(path).st_mtime_ns
    cached = getattr(_parsed, "print_css", None)
    if cached is None or cached[0] != changed:
        font_config = FontConfiguration()
        stylesheet = CSS(
            filename=path,
            base_url=BASE_URL,
            url_fetcher=StaticFilesOnly(),
            font_config=font_config,
        )
        cached = _parsed.print_css = (changed, stylesheet, font_config)
    return cached[1], cached[2]


def _compress_streams(document, pdf) -> None:
    """Deflates the pages' and fonts' streams at zlib's default level rather than pydyf's 9.

    pydyf compresses every stream at level 9: 12 ms of the national plan's render, where
    level 6 takes 4 ms and the streams come out 2 % larger. WeasyPrint calls this (its
    ``finisher``) just before pydyf writes the PDF; what pydyf still compresses at level
    9 is what it makes while writing, the object and cross-reference streams.
    """
    for stream in pdf.objects:
        if isinstance(stream, Stream) and stream.compress:
            # Stream.data is the dictionary, "stream", the joined content, "endstream".
            raw = Stream(stream.stream).data.partition(b"\nstream\n")[2][: -len(b"\nendstream")]
            stream.stream = [zlib.compress(raw)]
            stream.extra["Filter"] = "/FlateDecode"
            stream.compress = False


def _write(html: str) -> bytes:
    """The PDF of a document whose HTML does not link print.css: the renderer adds it."""
    stylesheet, font_config = _print_stylesheet()
    # Given here, print.css is a user stylesheet: above WeasyPrint's defaults, below the
    # documents' own <style> (which only sets the page labels).
    with _cyclic_gc_paused():
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly())
        return document.write_pdf(
            stylesheets=[stylesheet],
            font_config=font_config,
            pdf_variant="pdf/ua-1",
            pdf_tags=True,
            finisher=_compress_streams,
        )


def _render(template: str, context: dict, plan: Plan) -> bytes:
    return _write(render_to_string(template, context))


# The mark on a plan that is not adopted yet, in the plan's language: these are
# the words a Nordic annual meeting prints on its papers, fixed per language
# rather than left to the UI translation (Swedish "DRAFT" reads FÖRSLAG there).
STATUS_MARKS = {
    PlanStatus.DRAFT: {"nb": "UTKAST", "nn": "UTKAST", "sv": "UTKAST", "en": "DRAFT"},
    PlanStatus.PROPOSED: {"nb": "FORSLAG", "nn": "FORSLAG", "sv": "FÖRSLAG", "en": "PROPOSAL"},
}

# Dates as written in the Nordic countries (day first), month names in the plan's language.
NORDIC_DATE_FORMATS = {"nb": "j. F Y", "nn": "j. F Y", "sv": "j F Y", "en": "j F Y"}


def status_mark(plan: Plan) -> str:
    """UTKAST / FORSLAG (or their Swedish and English words) until the plan is adopted."""
    marks = STATUS_MARKS.get(plan.status)
    if marks is None:
        return ""
    return marks.get(plan.language, marks["en"])


def nordic_date(day: date, language: str) -> str:
    """``day`` written as people in the plan's language write it (call under its override)."""
    return dateformat.format(day, NORDIC_DATE_FORMATS.get(language, "j. F Y"))


def plan_html(plan: Plan, *, link_print_css: bool = True) -> str:
    """The plan as the HTML the renderer prints (the benchmark prints it with Chromium too).

    With ``link_print_css`` the page links its stylesheet, as a browser needs; the
    renderer leaves the link out and adds the stylesheet it has parsed already.
    """
    with translation.override(plan.language):
        context = {
            "plan": plan,
            "document": plan_document(plan),
            "wheel": _wheel(plan),
            "draft": status_mark(plan),
            "document_title": f"{plan.organisation.name}: {plan.title}",
            "link_print_css": link_print_css,
        }
        return render_to_string("pdf/plan.html", context)


def render_plan_pdf(plan: Plan) -> bytes:
    return _write(plan_html(plan, link_print_css=False))


def _branch_matrix(plan: Plan) -> tuple[list, list]:
    """The organisations below and, per delegated measure, each one's assignment."""
    delegated = list(
        Measure.objects.filter(goal__plan=plan, delegated=True)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            )
        )
        .order_by("goal__section__order", "goal__order", "order")
    )
    organisations = sorted(
        {a.organisation for m in delegated for a in m.assignments.all()}, key=lambda o: o.name
    )
    matrix = [
        (
            m,
            [
                next((a for a in m.assignments.all() if a.organisation_id == o.pk), None)
                for o in organisations
            ],
        )
        for m in delegated
    ]
    return organisations, matrix


def _sections_with_measures(document: list) -> list:
    """The report leaves out the sections (and goals) that hold no measure at any depth."""

    def has_measures(goal_node) -> bool:
        return bool(goal_node.goal.measures.all()) or any(
            has_measures(sub) for sub in goal_node.subgoals
        )

    return [node for node in document if any(has_measures(g) for g in node.goals)]


def render_report_pdf(plan: Plan, audience: str = PUBLIC) -> bytes:
    """The status report (årsberetning): what was done, goal by goal, for ``audience``."""
    with translation.override(plan.language):
        document = _sections_with_measures(plan_document(plan))
        report_title = gettext("Status report")
        measures = Measure.objects.filter(goal__plan=plan)
        progress = rollup(measures)
        show_notes = audience in (MEMBERS, OFFICERS)
        # Members read every written note, newest first, with its count and its authors
        # (names are members' content, and so is the whole notes column).
        notes = (
            notes_by_measure(measures.values_list("pk", flat=True))
            if show_notes
            else defaultdict(list)
        )
        organisations, matrix = _branch_matrix(plan) if audience == OFFICERS else ([], [])
        targets = []
        for section_node in document:
            for node in section_node.goals:
                for target in node.goal.targets.all():
                    measurements = list(target.measurements.order_by("-date"))
                    targets.append(
                        {
                            "target": target,
                            "chart": target_chart(target, measurements),
                            "latest": measurements[0] if measurements else None,
                            "progress": target_progress(
                                target, measurements[0] if measurements else None
                            ),
                        }
                    )
        context = {
            "plan": plan,
            "document": document,
            "progress": progress,
            "show_notes": show_notes,
            "notes": notes,
            "organisations": organisations,
            "matrix": matrix,
            "targets": targets,
            "draft": "",
            "report_title": report_title,
            "document_title": f"{plan.organisation.name}: {report_title} – {plan.title}",
            "status_date": nordic_date(timezone.localdate(), plan.language),
        }
        return _render("pdf/report.html", context, plan)


def plan_pdf(plan: Plan, *, report: bool = False, audience: str = PUBLIC) -> tuple[bytes, str]:
    """The PDF and its fingerprint, from the cache when the plan and reader are the same."""
    etag = fingerprint(plan, report, audience)
    key = f"plan-pdf:{etag}"
    body = cache.get(key)
    if body is None:
        body = render_report_pdf(plan, audience) if report else render_plan_pdf(plan)
        # The report is dated by the day; the plan's fingerprint changes only with its
        # text, so the one rendered in the background on adoption may stay for long.
        cache.set(key, body, timeout=60 * 60 * 24 * (1 if report else 30))
    return body, etag
