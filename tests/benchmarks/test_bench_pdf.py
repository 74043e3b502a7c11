"""Benchmark, run on demand: uv run pytest tests/benchmarks -s -k pdf

Prints, in one run, the render time of the national plan and of a synthetic plan
with 30 goals and 300 measures with WeasyPrint, beside headless Chromium printing
the same HTML to PDF, and the ratio WeasyPrint ÷ Chromium.
"""

import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from django.conf import settings

from organisations.models import Organisation
from plans.models import Plan
from plans.pdf import BASE_URL, plan_html, render_plan_pdf
from tests.conftest import CHROMIUM, missing_service
from tests.test_plan_page import _build_plan

ROUNDS = 7


def _chromium_command(plan: Plan, folder: Path) -> list[str]:
    html = plan_html(plan)
    static = Path(settings.BASE_DIR, "static").as_uri() + "/"
    page = folder / f"plan-{plan.pk}.html"
    page.write_text(
        html.replace(f"{BASE_URL}static/", static)
        .replace('href="/static/', f'href="{static}')
        .replace("url(/static/", f"url({static}")
    )
    return [
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
    ]


def _timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


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
    # Chromium uses both cores and WeasyPrint one: a busy machine slows Chromium more,
    # and the ratio then flatters WeasyPrint.
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"\nPDF of the plan, whole render (queries, template, WeasyPrint) beside headless "
        f"Chromium printing the same HTML (process start included); median of {ROUNDS}; "
        f"load average {load}"
    )
    for name, plan, target in (
        ("national plan", national, 0.5),
        ("30 goals, 300 measures", synthetic, 1.0),
    ):
        command = _chromium_command(plan, tmp_path)
        render_plan_pdf(plan)  # print.css and its fonts are parsed once per thread
        # One after the other, not in turn: Chromium's helper processes outlive its main
        # one for a moment and would take the CPU from the next WeasyPrint render.
        weasy = [_timed(lambda plan=plan: render_plan_pdf(plan)) for _ in range(ROUNDS)]
        chromium = [
            _timed(
                lambda command=command: subprocess.run(
                    command, check=True, capture_output=True, timeout=120
                )
            )
            for _ in range(ROUNDS)
        ]
        ratio = statistics.median(weasy) / statistics.median(chromium)
        print(
            f"  {name:<24} WeasyPrint {statistics.median(weasy):.2f} s (best {min(weasy):.2f})"
            f" · Chromium {statistics.median(chromium):.2f} s (best {min(chromium):.2f})"
            f" · ratio {ratio:.2f} (target ≤ {target})"
        )
