import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from plans.demo import DEMO_LOGINS, load_demo

DEMO_APPS = ("organisations", "plans", "goals", "calendar_app", "account")


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in DEMO_APPS
    }


def test_loading_the_demo_again_leaves_the_same_row_counts(db):
    before = row_counts()
    assert before["plans.Plan"] >= 5 and before["goals.Measure"] > 150
    load_demo()
    assert row_counts() == before


def test_demo_command_prints_the_logins(db, capsys, settings):
    settings.DEBUG = True
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    for email, _ in DEMO_LOGINS:
        assert email in out
    assert "demo-passord" in out


def test_demo_command_refuses_to_run_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo", "--no-serve")


def test_demo_logins_work_with_the_printed_password(db, client):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.all().delete()  # the demo has none; the test setup gives admins one
    for email, _ in DEMO_LOGINS:
        response = client.post("/accounts/login/", {"login": email, "password": "demo-passord"})
        assert response.status_code == 302, email
        assert response.url == "/"
        client.post("/accounts/logout/")


def test_choosing_a_language_keeps_it_for_the_persons_emails(client_for, persona):
    client = client_for("member")
    response = client.post("/language/", {"language": "sv", "next": "/"})
    assert response.status_code == 302
    assert persona("member").language == "sv"
    assert "Mina organisationer" in client.get("/").content.decode()
