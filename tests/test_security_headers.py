"""Security headers: a Content-Security-Policy with nonces and no inline code,
a Permissions-Policy, no caching of pages that show secrets, and HTTPS believed
only from a trusted proxy (checked against a real gunicorn)."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from goals.models import Measure
from plans.models import Plan
from tests.conftest import assert_accessible, give_admins_totp, login

AKERSHUS_PLAN = ("rodt-akershus", "Handlingsplan 2026")


def akershus_plan() -> Plan:
    slug, title = AKERSHUS_PLAN
    return Plan.objects.get(organisation__slug=slug, title=title)


def akershus_draft() -> Plan:
    return Plan.objects.filter(organisation__slug="rodt-akershus", status="draft").first()


def main_pages() -> list[str]:
    plan = akershus_plan()
    return [
        reverse("home"),
        reverse("organisations:detail", args=["rodt-akershus"]),
        plan.get_absolute_url(),
        reverse("calendar_app:month", args=["rodt-akershus"]),
        reverse("goals:list"),
        reverse("account_login"),
        reverse("calendar_app:feed_settings"),
    ]


class PageParts(HTMLParser):
    """The script tags, style elements, style attributes and inline handlers of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inline_scripts: list[dict[str, str | None]] = []
        self.style_elements = 0
        self.style_attributes: list[str] = []
        self.handlers: list[str] = []
        self.javascript_urls: list[str] = []
        self.links: set[str] = set()
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name == "style":
                self.style_attributes.append(f"<{tag} style={value!r}>")
            if name.startswith(("on", "hx-on", "data-hx-on")):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.javascript_urls.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self.scripts.append(attributes)
            self._in_script = attributes
        elif tag == "style":
            self.style_elements += 1
        elif tag == "a" and (attributes.get("href") or "").startswith("/"):
            self.links.add(attributes["href"].split("#")[0])

    def handle_data(self, data):
        # Data blocks (JSON) are not executed and need no nonce.
        if (
            self._in_script is not None
            and data.strip()
            and self._in_script.get("type") not in {"application/json", "application/ld+json"}
        ):
            self.inline_scripts.append(self._in_script)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


def parse(response) -> PageParts:
    parts = PageParts()
    parts.feed(response.content.decode())
    return parts


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for item in header.split(";"):
        name, *values = item.split()
        directives[name] = values
    return directives


def assert_page_keeps_the_policy(response, path: str) -> None:
    """The page's CSP has a nonce and no 'unsafe-*', and the HTML has no inline code."""
    assert "Content-Security-Policy" in response, path
    directives = csp_directives(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"], path
    assert "unsafe-eval" not in response["Content-Security-Policy"], path
    nonces = [v for v in directives["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1, (path, directives["script-src"])
    nonce = nonces[0][len("'nonce-") : -1]
    parts = parse(response)
    assert parts.scripts, f"{path}: htmx at least is expected"
    for script in parts.scripts:
        if script.get("type") == "application/json":
            continue
        assert script.get("nonce") == nonce, (path, script)
    assert parts.inline_scripts == [], path
    assert parts.style_elements == 0, path
    assert parts.style_attributes == [], (path, parts.style_attributes[:3])
    assert parts.handlers == [], (path, parts.handlers[:3])
    assert parts.javascript_urls == [], (path, parts.javascript_urls[:3])


def test_every_main_page_has_a_csp_with_a_nonce_that_its_scripts_carry(client_for):
    board, anonymous = client_for("board"), client_for(None)
    for path in main_pages():
        # The login page sends a logged-in person home.
        client = anonymous if path == reverse("account_login") else board
        response = client.get(path)
        assert response.status_code == 200, path
        assert_page_keeps_the_policy(response, path)


def test_the_policy_is_the_one_we_mean(client_for):
    directives = csp_directives(client_for(None).get(reverse("account_login")))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"][0] == "'self'"
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_each_request_gets_a_new_nonce(client_for):
    client = client_for("board")
    first = csp_directives(client.get("/"))["script-src"]
    second = csp_directives(client.get("/"))["script-src"]
    assert first != second


SKIPPED_LINKS = re.compile(r"\.(ics|pdf|csv|xlsx)$|/export\.|^/admin/|^/accounts/logout/")


@pytest.mark.parametrize("name", [None, "member", "secretary", "board", "outsider"])
def test_no_served_page_has_inline_script_or_style(client_for, name):
    """The main pages and every page they link to, for several personas."""
    client = client_for(name)
    starts = main_pages()
    seen: set[str] = set()
    queue = list(starts)
    checked = 0
    while queue and checked < 80:
        path = queue.pop(0)
        if path in seen or SKIPPED_LINKS.search(path):
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        assert_page_keeps_the_policy(response, path)
        checked += 1
        if path in starts:
            queue.extend(sorted(parse(response).links - seen))
    assert checked >= 5


def test_htmx_fragment_carries_no_inline_code(client_for):
    """What htmx swaps in keeps the policy too: the editor's fragments and forms."""
    measure = Measure.objects.filter(goal__plan=akershus_draft()).order_by("pk").first()
    client = client_for("board")
    for name in ("goals:measure", "goals:measure_edit"):
        response = client.get(reverse(name, args=[measure.pk]), headers={"HX-Request": "true"})
        assert response.status_code == 200, name
        parts = parse(response)
        assert parts.scripts == [], name
        assert parts.style_elements == 0, name
        assert parts.style_attributes == [], name
        assert parts.handlers == [], name


def test_permissions_policy_denies_devices_but_allows_passkeys(client_for):
    policy = client_for(None).get(reverse("account_login"))["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
    assert "publickey-credentials-get=(self)" in policy
    assert "publickey-credentials-create=(self)" in policy


def test_feed_settings_page_is_never_stored(client_for):
    response = client_for("member").get(reverse("calendar_app:feed_settings"))
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control


def test_private_feed_is_not_kept_by_shared_caches(client_for):
    from calendar_app.services import feed_token_for
    from organisations.models import User

    token = feed_token_for(User.objects.get(email="medlem@example.org"))
    response = client_for(None).get(token.get_absolute_url())
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    # An unchanged feed answers 304, still private.
    again = client_for(None).get(
        token.get_absolute_url(), headers={"If-None-Match": response["ETag"]}
    )
    assert again.status_code == 304
    assert "private" in again["Cache-Control"]


def test_forwarded_proto_is_trusted_only_behind_a_trusted_proxy(client_for, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = None
    forged = client_for(None).get("/", headers={"X-Forwarded-Proto": "https"})
    assert forged.status_code == 301
    assert forged["Location"].startswith("https://")
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxied = client_for(None).get("/", headers={"X-Forwarded-Proto": "https"})
    assert proxied.status_code == 200


# A real gunicorn with DEBUG off, as in production.

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
        and not key.startswith(("SECURE_", "TRUSTED_PROXY"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_SETTINGS_MODULE="tests.production_settings",
        # gunicorn itself believes X-Forwarded-Proto from 127.0.0.1 by default; a
        # client on another machine is what this test plays, so trust no address.
        FORWARDED_ALLOW_IPS="192.0.2.1",
    )
    env.update(extra)
    return env


def run_manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, headers: dict[str, str] | None = None):
    """The response (status, headers, body) without following redirects."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=20) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {process.stderr.read().decode()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not listen on {port} within {timeout} s")


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "1"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, process)
    except BaseException:
        stop(process)
        raise
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    finally:
        process.stderr.close()


@pytest.fixture(scope="module")
def production_site(tmp_path_factory):
    """A migrated throwaway SQLite database and collected static files for DEBUG=0."""
    tmp_path = tmp_path_factory.mktemp("production")
    env = production_env(tmp_path)
    run_manage(env, "migrate", "--noinput")
    run_manage(env, "collectstatic", "--noinput")
    return tmp_path


def test_gunicorn_without_trusted_proxy_ignores_a_forged_https(production_site):
    # TRUSTED_PROXY off: SECURE_SSL_REDIRECT sends plain requests to HTTPS, and a
    # client's own X-Forwarded-Proto does not make them secure.
    port = free_port()
    process = start_gunicorn(production_env(production_site), port)
    try:
        for path in ("/", "/accounts/login/"):
            status, headers, _body = fetch(f"http://127.0.0.1:{port}{path}")
            assert status == 301, path
            assert headers["Location"] == f"https://127.0.0.1:{port}{path}"
        status, headers, _body = fetch(
            f"http://127.0.0.1:{port}/accounts/login/", {"X-Forwarded-Proto": "https"}
        )
        assert status == 301
        assert headers["Location"].startswith("https://")
        assert "Strict-Transport-Security" not in headers
    finally:
        stop(process)


def test_gunicorn_behind_the_trusted_proxy_serves_pages_with_the_policy(production_site):
    # With TRUSTED_PROXY=1 (docker-compose's web, only Caddy in front), the
    # proxy's X-Forwarded-Proto counts, and the pages carry every header.
    port = free_port()
    process = start_gunicorn(production_env(production_site, TRUSTED_PROXY="1"), port)
    try:
        for path in ("/", "/accounts/login/"):
            status, headers, body = fetch(
                f"http://127.0.0.1:{port}{path}", {"X-Forwarded-Proto": "https"}
            )
            assert status == 200, (path, status)
            policy = headers["Content-Security-Policy"]
            nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
            assert "unsafe-inline" not in policy
            assert f'nonce="{nonce}"' in body
            assert "Strict-Transport-Security" in headers
            assert "publickey-credentials-get=(self)" in headers["Permissions-Policy"]
    finally:
        stop(process)


# In Chromium: no console error (a CSP violation is one), axe is content, htmx works.

BROWSER_PAGES_ANONYMOUS = ["/", "/accounts/login/", "/org/", "/org/rodt-akershus/"]


def watch_console(page) -> list[str]:
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error":
            errors.append(f"{message.text} {message.location}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.mark.browser
def test_pages_run_under_the_policy_without_console_errors(browser_page):
    page = browser_page
    errors = watch_console(page)
    for path in BROWSER_PAGES_ANONYMOUS:
        page.goto(path)
        assert_accessible(page)
    assert errors == [], "\n".join(errors)

    login(page, "styre@example.org")
    for path in [*main_pages(), reverse("organisations:list")]:
        page.goto(path)
        page.wait_for_load_state("load")
        assert_accessible(page)
    assert errors == [], "\n".join(errors)

    # htmx still works: the Markdown preview of a draft plan's preamble.
    page.goto(reverse("plans:settings", args=[akershus_draft().pk]))
    preview = page.locator("[data-preview-for]").first
    field_id = preview.get_attribute("data-preview-for")
    page.locator(f"#{field_id}").fill("Dette er **viktig**")
    preview.click()
    page.locator(f"#{field_id}-preview strong").wait_for()
    assert page.locator(f"#{field_id}-preview strong").inner_text() == "viktig"
    assert errors == [], "\n".join(errors)

    # The copy button of the feed page is a static script now.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(reverse("calendar_app:feed_settings"))
    page.get_by_role("button", name="Kopier").first.click()
    page.locator("[aria-live=polite]", has_text="Kopiert").first.wait_for()
    assert errors == [], "\n".join(errors)


@pytest.mark.browser
def test_admin_works_under_the_policy(browser_page):
    """Django's admin, with the organisation tree of django-tree-queries."""
    from organisations.models import User

    page = browser_page
    errors = watch_console(page)
    login(page, "styre@example.org")
    person = User.objects.get(email="styre@example.org")
    person.is_staff = person.is_superuser = True
    person.save()  # as the admin or createsuperuser would: the cached account is renewed
    give_admins_totp()  # a superuser is an admin everywhere, with a second factor
    page.goto("/admin/")
    page.locator("#content").wait_for()
    page.goto("/admin/organisations/organisation/")
    page.locator("#result_list").wait_for()
    indent = page.locator(".box-text.depth-1").first.evaluate(
        "element => getComputedStyle(element).textIndent"
    )
    assert indent == "30px"
    page.goto("/admin/organisations/user/add/")
    page.locator("#id_email").wait_for()
    # The admin's pages name no icon, so Chromium asks for /favicon.ico (404).
    errors = [error for error in errors if "/favicon.ico" not in error]
    assert errors == [], "\n".join(errors)
