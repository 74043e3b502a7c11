"""Benchmark, run on demand: uv run pytest tests/benchmarks -s -k pdf

Prints, in one run, the render time of the national plan and of a synthetic plan
with 30 goals and 300 measures with WeasyPrint, beside headless Chromium printing
the same HTML to PDF, and the ratio WeasyPrint ÷ Chromium.
"""

import shutil
import statistics
import subprocess
import time
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from organisations.models import Organisation
from plans.models import Plan
from plans.pdf import BASE_URL, _wheel, render_plan_pdf
from plans.selectors import plan_document
from tests.conftest import CHROMIUM, missing_service
from tests.test_plan_page import _build_plan

ROUNDS = 3


def _weasyprint_seconds(plan: Plan) -> float:
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        render_plan_pdf(plan)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _chromium_seconds(plan: Plan, folder: Path) -> float:
    with translation.override(plan.language):
        html = render_to_string(
            "pdf/plan.html",
            {
                "plan": plan,
                "document": plan_document(plan),
                "wheel": _wheel(plan),
                "draft": False,
            },
        )
    static = Path(settings.BASE_DIR, "static").as_uri() + "/"
    page = folder / f"plan-{plan.pk}.html"
    page.write_text(
        html.replace(f"{BASE_URL}static/", static)
        .replace('href="/static/', f'href="{static}')
        .replace("url(/static/", f"url({static}")
    )
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                f"--user-data-dir={folder / 'profile'}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={folder / 'out.pdf'}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def test_pdf_render_times(db, tmp_path):
    if not shutil.which(CHROMIUM):
        missing_service("Chromium is needed for the comparison")
    national = Plan.objects.get(organisation__slug="rodt", title="Handlingsplan 2023–2025")
    synthetic = _build_plan(
        Organisation.objects.get(slug="rodt-akershus"),
        goals=30,
        measures=10,
        title="Syntetisk plan",
    )
    print(f"\nmedian of {ROUNDS} renders")
    for name, plan in (("national plan", national), ("30 goals, 300 measures", synthetic)):
        weasy = _weasyprint_seconds(plan)
        chromium = _chromium_seconds(plan, tmp_path)
        print(
            f"  {name:<24} WeasyPrint {weasy:.2f} s · Chromium {chromium:.2f} s · "
            f"ratio {weasy / chromium:.2f}"
        )
