"""Logging in: limits on wrong passwords that cannot lock the owner out, and second factors.

The two-process test needs Redis (REDIS_URL); in CI a missing Redis fails it.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib import messages
from django.test import Client
from django.urls import reverse

from tests.conftest import PERSONAS, missing_service, totp_code

PASSWORD = "demo-passord"
OWNER = PERSONAS["board"]


def login_post(client: Client, email: str, password: str, address: str = "127.0.0.1"):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def error_codes(response) -> list[str]:
    return [error.code for error in response.context["form"].errors.as_data().get("__all__", [])]


def is_logged_in(client: Client, email: str) -> bool:
    from organisations.models import User

    return client.session.get("_auth_user_id") == str(User.objects.get(email=email).pk)


# Wrong passwords, counted per address and per (address, account)


def test_wrong_passwords_block_the_guessing_address_but_not_the_owner_elsewhere(db):
    guesser = Client()
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        response = login_post(guesser, OWNER, f"gjetning-{n}", "10.0.0.66")
        assert error_codes(response) == ["email_password_mismatch"], n
    blocked = login_post(guesser, OWNER, PASSWORD, "10.0.0.66")
    assert error_codes(blocked) == ["too_many_login_attempts"]

    owner = Client()
    response = login_post(owner, OWNER, PASSWORD, "10.0.0.7")
    assert response.status_code == 302 and response.url == "/"
    assert is_logged_in(owner, OWNER)


def test_one_address_failing_many_accounts_is_blocked_for_every_account(db):
    guesser = Client()
    for n in range(4 * settings.LOGIN_FAILURE_LIMIT):
        response = login_post(guesser, f"ukjent-{n}@example.org", "feil", "10.0.0.66")
        assert error_codes(response) == ["email_password_mismatch"], n
    assert error_codes(login_post(guesser, OWNER, PASSWORD, "10.0.0.66")) == [
        "too_many_login_attempts"
    ]
    assert login_post(Client(), OWNER, PASSWORD, "10.0.0.7").status_code == 302


def test_a_password_reset_link_lets_a_blocked_owner_in(db, mailoutbox):
    client = Client()
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        login_post(client, OWNER, f"feiltastet-{n}", "10.0.0.8")
    assert error_codes(login_post(client, OWNER, PASSWORD, "10.0.0.8")) == [
        "too_many_login_attempts"
    ]

    client.post(reverse("account_reset_password"), {"email": OWNER}, REMOTE_ADDR="10.0.0.8")
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mailoutbox[-1].body)[0]
    set_password = client.get(urlsplit(link).path, REMOTE_ADDR="10.0.0.8").url
    new_password = "Nytt-og-langt-passord-2026"
    response = client.post(
        set_password, {"password1": new_password, "password2": new_password}, REMOTE_ADDR="10.0.0.8"
    )
    assert response.status_code == 302

    response = login_post(client, OWNER, new_password, "10.0.0.8")
    assert response.status_code == 302 and response.url == "/"


# Second factors


def test_an_organisation_admin_without_a_second_factor_is_sent_to_set_one_up(db, persona):
    admin = persona("admin")
    Authenticator.objects.filter(user=admin).delete()
    client = Client()
    client.force_login(admin)
    setup = reverse("mfa_index")
    page = client.get("/", follow=True)
    assert page.redirect_chain == [(setup, 302)]
    assert [m.level for m in page.context["messages"]] == [messages.WARNING]
    for url in (reverse("organisations:list"), reverse("goals:list"), reverse("admin:index")):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, setup), url
    htmx = client.get("/", HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == setup

    for name in ("account_security", "usersessions_list", "javascript-catalog", "mfa_index"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("account_change_password")).status_code == 200
    response = client.post(reverse("language"), {"language": "en", "next": "/"})
    assert response.url == "/"
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_members_and_boards_are_offered_but_not_asked_for_a_second_factor(client_for):
    for name in ("member", "board", "secretary"):
        client = client_for(name)
        assert client.get("/").status_code == 200, name
        page = client.get(reverse("account_security"))
        assert reverse("mfa_index") in page.content.decode()
        assert reverse("usersessions_list") in page.content.decode()


def test_an_admin_with_an_authenticator_app_works_as_before(client_for):
    assert client_for("admin").get("/").status_code == 200


def test_the_security_page_is_linked_from_every_page_for_a_logged_in_person(client_for):
    assert reverse("account_security") in client_for("member").get("/").content.decode()
    assert reverse("account_security") not in client_for(None).get("/").content.decode()


def test_logging_in_with_an_authenticator_app_asks_for_the_code(db):
    admin = PERSONAS["admin"]
    client = Client()
    response = login_post(client, admin, PASSWORD)
    assert response.url == reverse("mfa_authenticate")
    assert not is_logged_in(client, admin)

    right = totp_code(admin)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not is_logged_in(client, admin)

    response = client.post(reverse("mfa_authenticate"), {"code": right})
    assert (response.status_code, response.url) == (302, "/")
    assert is_logged_in(client, admin)
    assert client.get("/").status_code == 200


def test_a_recovery_code_works_once(db, persona):
    admin = persona("admin")
    first, second = RecoveryCodes.activate(admin).generate_codes()[:2]

    def log_in_with(code: str):
        client = Client()
        login_post(client, admin.email, PASSWORD)
        client.post(reverse("mfa_authenticate"), {"code": code})
        return is_logged_in(client, admin.email)

    assert log_in_with(first)
    assert not log_in_with(first)
    assert log_in_with(second)


def test_the_totp_secret_read_back_gives_the_code_an_app_would_show(db, persona):
    # The browser test and conftest.login() compute codes this way.
    authenticator = Authenticator.objects.get(user=persona("admin"), type="totp")
    code = totp_code(PERSONAS["admin"])  # leaves at least three seconds of its period
    assert pyotp.TOTP(decrypt(authenticator.data["secret"])).now() == code


# Two web processes sharing Redis, as in production


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Visitor:
    """An HTTP client at one source address that keeps its cookies, like a browser."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, data: dict | None = None):
        connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=30, source_address=(self.address, 0)
        )
        headers = {"Accept-Language": "en"}
        self.cookies.setdefault(settings.LANGUAGE_COOKIE_NAME, "en")  # the browser's is ignored
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode({**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                for key, morsel in SimpleCookie(header).items():
                    self.cookies[key] = morsel.value
            return response.status, response.getheader("Location"), response.read().decode()
        finally:
            connection.close()

    def login(self, port: int, email: str, password: str):
        self.request(port, "GET", "/accounts/login/")
        return self.request(
            port, "POST", "/accounts/login/", {"login": email, "password": password}
        )


@pytest.fixture
def two_web_processes(tmp_path):
    """Two gunicorn processes on one SQLite file and one Redis, mail written to files."""
    redis_url = os.environ.get("REDIS_URL") or settings.CELERY_BROKER_URL
    if not redis_url:
        missing_service("the login-limit test needs Redis (REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        missing_service(f"Redis at {redis_url} is not reachable")

    limit = 4  # not the default: the processes read it from the environment
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "HANDLINGSPLAN_", "TRUSTED_PROXY", "LOGIN_FAILURE"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL=redis_url,
        CELERY_BROKER_URL="",
        CACHE_KEY_PREFIX=f"test-login-{uuid.uuid4().hex}",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        LOGIN_FAILURE_LIMIT=str(limit),
    )
    base = Path(settings.BASE_DIR)
    subprocess.run(
        [sys.executable, "manage.py", "demo", "--no-serve"],
        cwd=base,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    ports = [_free_port(), _free_port()]
    logs = [(tmp_path / f"gunicorn-{port}.log").open("w") for port in ports]  # read on failure
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1"]
            + ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=base,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        for port, log in zip(ports, logs, strict=True)
    ]
    try:
        deadline = time.monotonic() + 60
        for port in ports:
            while True:
                try:
                    if Visitor("127.0.0.1").request(port, "GET", "/accounts/login/")[0] == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        yield ports, limit, tmp_path / "mail"
    finally:
        for process in processes:
            process.terminate()
        for process, log in zip(processes, logs, strict=True):
            process.wait(timeout=15)
            log.close()
        server = redis.Redis.from_url(redis_url)
        for key in server.scan_iter(f"{env['CACHE_KEY_PREFIX']}:*"):
            server.delete(key)


WRONG = "The email address and/or password you specified are not correct."
BLOCKED = "Too many failed login attempts."


@pytest.mark.redis
def test_two_processes_sharing_redis_block_at_the_configured_count_and_a_reset_lets_the_owner_in(
    two_web_processes,
):
    ports, limit, mail_dir = two_web_processes
    guesser = Visitor("127.0.0.3")
    for n in range(limit):  # alternating between the two processes
        status, _, page = guesser.login(ports[n % 2], OWNER, f"gjetning-{n}")
        assert status == 200 and WRONG in page, n
    for port in ports:  # the next attempt is refused by both, even with the right password
        status, _, page = guesser.login(port, OWNER, PASSWORD)
        assert status == 200 and BLOCKED in page and WRONG not in page

    owner = Visitor("127.0.0.2")  # the owner, at another address, is not locked out
    assert owner.login(ports[1], OWNER, PASSWORD)[:2] == (302, "/")

    # The blocked address asks for a reset link, sets a new password and gets in.
    guesser.request(ports[0], "GET", "/accounts/password/reset/")
    status, _, _ = guesser.request(ports[0], "POST", "/accounts/password/reset/", {"email": OWNER})
    assert status == 302
    mails = "".join(path.read_text() for path in mail_dir.iterdir())
    link = urlsplit(re.search(r"http://\S+/accounts/password/reset/key/\S+", mails)[0]).path
    status, set_password, _ = guesser.request(ports[1], "GET", link)
    assert status == 302
    new_password = "Nytt-og-langt-passord-2026"
    status, _, _ = guesser.request(
        ports[1], "POST", set_password, {"password1": new_password, "password2": new_password}
    )
    assert status == 302
    assert guesser.login(ports[0], OWNER, new_password)[:2] == (302, "/")


def test_passkeys_can_be_added_after_confirming_the_password(client_for):
    client = client_for("member")
    add = reverse("mfa_add_webauthn")
    response = client.get(add)
    assert response.url.startswith(reverse("account_reauthenticate"))
    client.post(response.url, {"password": PASSWORD})
    page = client.get(add)
    assert page.status_code == 200
    assert b'id="mfa_webauthn_add"' in page.content
    login_page = client_for(None).get(reverse("account_login"))
    assert b'id="passkey_login"' in login_page.content
