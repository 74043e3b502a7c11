"""Personal access tokens: made on the settings page, shown once, hashed, scoped, revocable."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.settings import api_settings

from organisations.accounts import person_deactivate
from organisations.models import ApiToken, User
from organisations.tokens import api_token_create, api_token_revoke
from tests.test_permission_matrix import asker_measure, asker_target

pytestmark = pytest.mark.django_db

SECRETARY = "sekretaer@example.org"


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def new_token(email: str = SECRETARY, scope: str = "progress", days: int = 30):
    return api_token_create(
        person=User.objects.get(email=email), name="Nettside", scope=scope, days=days
    )


def tick(client: Client, **data):
    url = reverse("api:measure-tick", kwargs={"pk": asker_measure().pk})
    return client.post(url, {"status": "done", **data}, content_type="application/json")


def test_a_person_makes_a_token_on_the_settings_page_and_sees_it_once(client_for):
    client = client_for("secretary")
    assert reverse("api_tokens") in client.get(reverse("account_security")).content.decode()
    response = client.post(
        reverse("api_tokens"), {"name": "Nettsida vår", "scope": "read", "days": "90"}
    )
    page = response.content.decode()
    token = ApiToken.objects.get(person__email=SECRETARY, name="Nettsida vår")
    secret = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert secret.startswith("hp_") and token.prefix in secret
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())  # only a hash
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert secret not in client.get(reverse("api_tokens")).content.decode()  # shown once
    assert token.scope == "read"
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    me = bearer(secret).get(reverse("api:plan-list"))
    assert me.status_code == 200


def test_a_person_revokes_a_token_and_it_gets_401_at_once(client_for):
    token, raw = new_token()
    assert bearer(raw).get(reverse("api:plan-list")).status_code == 200
    response = client_for("secretary").post(reverse("api_token_revoke", kwargs={"pk": token.pk}))
    assert response.status_code == 302
    refused = bearer(raw).get(reverse("api:plan-list"))
    assert refused.status_code == 401
    assert "trukket tilbake" in refused.json()["detail"]
    assert refused["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_gets_401():
    token, raw = new_token()
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert bearer(raw).get(reverse("api:plan-list")).status_code == 401
    assert tick(bearer(raw)).status_code == 401


def test_a_made_up_or_malformed_token_gets_401():
    for header in ("Bearer hp_made-up", "Bearer", "Bearer a b", "Token hp_x", "Bearer ø"):
        response = Client(HTTP_AUTHORIZATION=header).get(reverse("api:plan-list"))
        assert response.status_code == 401, header


def test_a_deactivated_persons_token_stops_working():
    token, raw = new_token()
    person_deactivate(person=token.person)
    assert bearer(raw).get(reverse("api:plan-list")).status_code == 401


def test_a_read_token_cannot_write_but_reads_what_its_person_reads():
    _token, raw = new_token(scope="read")
    client = bearer(raw)
    assert (
        client.get(reverse("api:measure-detail", kwargs={"pk": asker_measure().pk})).status_code
        == 200
    )
    refused = tick(client)
    assert refused.status_code == 403 and "bare lese" in refused.json()["detail"]
    url = reverse("api:target-measurements", kwargs={"pk": asker_target().pk})
    assert client.post(url, {"value": 1}, content_type="application/json").status_code == 403
    assert asker_measure().status == "planned"


def test_a_revoked_token_is_not_revoked_twice_and_others_stay():
    first, raw_first = new_token()
    _second, raw_second = new_token()
    api_token_revoke(token=first)
    revoked_at = ApiToken.objects.get(pk=first.pk).revoked_at
    api_token_revoke(token=first)
    assert ApiToken.objects.get(pk=first.pk).revoked_at == revoked_at
    assert bearer(raw_first).get(reverse("api:plan-list")).status_code == 401
    assert bearer(raw_second).get(reverse("api:plan-list")).status_code == 200


def test_nobody_revokes_another_persons_token(client_for):
    token, raw = new_token()
    response = client_for("member").post(reverse("api_token_revoke", kwargs={"pk": token.pk}))
    assert response.status_code == 404
    assert bearer(raw).get(reverse("api:plan-list")).status_code == 200


def test_the_token_page_refuses_a_name_missing_or_full_of_control_characters(client_for):
    client = client_for("member")
    for name in ("", "web\x07site"):
        response = client.post(reverse("api_tokens"), {"name": name, "scope": "read", "days": "30"})
        assert response.status_code == 200
        assert 'id="new-token"' not in response.content.decode()
        assert not ApiToken.objects.filter(person__email="medlem@example.org").exists()
    refused = client.post(reverse("api_tokens"), {"name": "x", "scope": "admin", "days": "7"})
    assert 'id="new-token"' not in refused.content.decode()


def _rates(token: str, address: str):
    rates = {"token": token, "address": address}
    return override_settings(REST_FRAMEWORK={**_settings(), "DEFAULT_THROTTLE_RATES": rates})


def _settings() -> dict:
    from django.conf import settings

    return settings.REST_FRAMEWORK


def test_throttling_per_token():
    _token, raw = new_token()
    _other, raw_other = new_token()
    with _rates("3/minute", "1000/minute"):
        assert api_settings.DEFAULT_THROTTLE_RATES["token"] == "3/minute"
        codes = [bearer(raw).get(reverse("api:plan-list")).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert bearer(raw_other).get(reverse("api:plan-list")).status_code == 200


def test_throttling_per_address_without_a_token():
    with _rates("1000/minute", "2/minute"):
        visitor = Client(REMOTE_ADDR="203.0.113.9")
        codes = [visitor.get(reverse("api:plan-list")).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert Client(REMOTE_ADDR="203.0.113.10").get(reverse("api:plan-list")).status_code == 200
        # A forged X-Forwarded-For does not make a new address.
        forged = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
        assert forged.get(reverse("api:plan-list")).status_code == 429


def test_a_persons_data_lists_their_tokens_never_the_secret_and_erasure_removes_them(client_for):
    from organisations.erasure import person_erase

    token, raw = new_token()
    response = client_for("secretary").get(reverse("personal_data:download"))
    data = response.json()
    assert [t["name"] for t in data["account"]["api_tokens"]] == ["Nettside"]
    assert raw not in response.content.decode() and token.digest not in response.content.decode()
    person_erase(person=token.person, by=None)
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert bearer(raw).get(reverse("api:plan-list")).status_code == 401
