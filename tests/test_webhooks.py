"""Webhooks: signed posts through the outbox to a receiver on this machine, each event once."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from calendar_app.models_webhooks import WebhookDelivery, WebhookEndpoint
from calendar_app.outbox import MAX_ATTEMPTS
from calendar_app.webhooks import webhook_create, webhooks_dispatch
from organisations.models import Body, Organisation, User
from organisations.tokens import api_token_create
from plans.services import plan_adopt
from tests.test_permission_matrix import asker_measure, asker_target, fresh_plan

pytestmark = pytest.mark.django_db

ALL_EVENTS = ["plan.adopted", "measure.done", "measurement.added"]


class Receiver:
    """A website's webhook receiver on 127.0.0.1: keeps what it is sent, answers 200."""

    def __init__(self, port: int):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((dict(self.headers), body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def local_receiver_allowed():
    with override_settings(WEBHOOK_INSECURE_HOSTS=["127.0.0.1"]):
        yield


def admin() -> User:
    return User.objects.get(email="admin@example.org")


def register(url: str, organisation: str = "rodt-akershus", events=ALL_EVENTS):
    return webhook_create(
        organisation=Organisation.objects.get(slug=organisation), url=url, events=events, by=admin()
    )


def secretary_api() -> Client:
    person = User.objects.get(email="sekretaer@example.org")
    _token, raw = api_token_create(person=person, name="Nettside", scope="progress", days=30)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def verified(endpoint: WebhookEndpoint, headers: dict, body: bytes) -> dict:
    expected = "sha256=" + hmac.new(endpoint.secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Handlingsplan-Signature"], expected)
    return json.loads(body)


def test_a_receiver_down_for_a_while_gets_each_event_once_when_it_is_back(local_receiver_allowed):
    port = free_port()
    endpoint = register(f"http://127.0.0.1:{port}/hooks")  # nothing listens there yet
    api = secretary_api()
    measure = asker_measure()  # of Rødt Asker, below Rødt Akershus
    tick = api.post(
        reverse("api:measure-tick", kwargs={"pk": measure.pk}),
        {"status": "done", "note": "Holdt"},
        content_type="application/json",
    )
    assert tick.status_code == 200
    added = api.post(
        reverse("api:target-measurements", kwargs={"pk": asker_target().pk}),
        {"value": "210", "date": "2026-03-01"},
        content_type="application/json",
    )
    assert added.status_code == 201
    assert endpoint.deliveries.count() == 2

    down = webhooks_dispatch()
    assert (down.sent, down.retrying) == (0, 2)
    rows = list(endpoint.deliveries.all())
    assert all(r.status == "pending" and r.attempts == 1 and r.last_error for r in rows)
    assert all(r.next_attempt_at > timezone.now() for r in rows)
    assert webhooks_dispatch().sent == 0  # not before the backoff is over

    receiver = Receiver(port)
    try:
        later = timezone.now() + timedelta(hours=2)
        assert webhooks_dispatch(now=later).sent == 2
        assert webhooks_dispatch(now=later + timedelta(hours=2)).sent == 0  # nothing twice
    finally:
        receiver.stop()
    bodies = [verified(endpoint, headers, body) for headers, body in receiver.received]
    assert sorted(b["event"] for b in bodies) == ["measure.done", "measurement.added"]
    assert len({b["id"] for b in bodies}) == 2
    done = next(b for b in bodies if b["event"] == "measure.done")
    assert done["organisation"] == "rodt-asker" and done["data"]["measure"] == measure.pk
    assert "Sander" not in json.dumps(bodies)  # no names go out
    headers = dict(receiver.received[0][0])
    assert headers["X-Handlingsplan-Delivery"] in {b["id"] for b in bodies}
    assert set(endpoint.deliveries.values_list("status", flat=True)) == {"sent"}
    assert set(endpoint.deliveries.values_list("attempts", flat=True)) == {2}


def test_adopting_a_plan_posts_plan_adopted_signed(local_receiver_allowed):
    port = free_port()
    receiver = Receiver(port)
    try:
        endpoint = register(f"http://127.0.0.1:{port}/", events=["plan.adopted"])
        plan = fresh_plan("proposed")
        meeting = Body.objects.get(organisation=plan.organisation, kind="meeting")
        plan_adopt(plan=plan, meeting=meeting, on=timezone.localdate(), by=admin())
        asker_tick = secretary_api().post(
            reverse("api:measure-tick", kwargs={"pk": asker_measure().pk}),
            {"status": "done"},
            content_type="application/json",
        )
        assert asker_tick.status_code == 200  # not an event this endpoint asked for
        assert webhooks_dispatch().sent == 1
    finally:
        receiver.stop()
    ((headers, body),) = receiver.received
    sent = verified(endpoint, headers, body)
    assert sent["event"] == "plan.adopted" and sent["data"]["plan"] == plan.pk
    assert headers["X-Handlingsplan-Event"] == "plan.adopted"


def test_the_dispatch_is_asked_for_after_commit(
    local_receiver_allowed, django_capture_on_commit_callbacks
):
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the worker's part runs here, whatever broker is set
    port = free_port()
    receiver = Receiver(port)
    try:
        register(f"http://127.0.0.1:{port}/")
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            secretary_api().post(
                reverse("api:target-measurements", kwargs={"pk": asker_target().pk}),
                {"value": "205"},
                content_type="application/json",
            )
        assert callbacks  # the eager Celery task ran after the commit
    finally:
        receiver.stop()
        app.conf.task_always_eager = eager
    assert len(receiver.received) == 1


def test_a_receiver_that_never_comes_back_is_marked_failed(local_receiver_allowed):
    endpoint = register(f"http://127.0.0.1:{free_port()}/")
    secretary_api().post(
        reverse("api:target-measurements", kwargs={"pk": asker_target().pk}),
        {"value": "205"},
        content_type="application/json",
    )
    now = timezone.now()
    for attempt in range(MAX_ATTEMPTS):
        webhooks_dispatch(now=now + timedelta(days=attempt))
    row = endpoint.deliveries.get()
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS
    assert "Connection" in row.last_error or "refused" in row.last_error


def test_events_of_another_branch_or_party_do_not_go_to_an_endpoint(local_receiver_allowed):
    endpoint = register("http://127.0.0.1:9/", organisation="rodt-oslo")
    secretary_api().post(
        reverse("api:measure-tick", kwargs={"pk": asker_measure().pk}),
        {"status": "done"},
        content_type="application/json",
    )
    assert not endpoint.deliveries.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/hook",
        "https://127.0.0.1/hook",
        "https://10.0.0.5/hook",
        "https://[::1]/hook",
        "https://localhost/hook",
        "https://printer.local/hook",
        "ftp://example.org/",
    ],
)
def test_only_https_addresses_on_the_internet_are_taken(url):
    with pytest.raises(ValidationError):
        register(url)


def test_the_webhook_page_shows_the_deliveries_with_their_status(
    client_for, local_receiver_allowed
):
    endpoint = register(f"http://127.0.0.1:{free_port()}/")
    secretary_api().post(
        reverse("api:target-measurements", kwargs={"pk": asker_target().pk}),
        {"value": "205"},
        content_type="application/json",
    )
    webhooks_dispatch()
    url = reverse("organisation_webhook", kwargs={"slug": "rodt-akershus", "pk": endpoint.pk})
    page = client_for("admin").get(url).content.decode()
    assert endpoint.secret in page
    assert 'class="delivery-pending"' in page and "Connection refused" in page
    WebhookDelivery.objects.filter(endpoint=endpoint).update(status="failed")
    assert 'class="delivery-failed"' in client_for("admin").get(url).content.decode()
    assert client_for("board").get(url).status_code == 403
    assert client_for("other_admin").get(url).status_code == 404


def test_an_admin_registers_a_webhook_on_the_page(client_for):
    client = client_for("admin")
    url = reverse("organisation_webhooks", kwargs={"slug": "rodt-akershus"})
    refused = client.post(url, {"url": "http://example.org/hook", "events": ["measure.done"]})
    assert refused.status_code == 200 and "https://" in refused.content.decode()
    response = client.post(url, {"url": "https://example.org/hook", "events": ["measure.done"]})
    endpoint = WebhookEndpoint.objects.get(url="https://example.org/hook")
    assert response.status_code == 302 and str(endpoint.pk) in response.url
    assert endpoint.events == ["measure.done"] and len(endpoint.secret) == 64


def test_old_posts_are_pruned_with_the_emails_pending_ones_stay(local_receiver_allowed):
    from calendar_app.personal_data import deliveries_prune

    endpoint = register(f"http://127.0.0.1:{free_port()}/")
    for value in ("201", "202"):
        secretary_api().post(
            reverse("api:target-measurements", kwargs={"pk": asker_target().pk}),
            {"value": value},
            content_type="application/json",
        )
    old, pending = endpoint.deliveries.order_by("pk")
    WebhookDelivery.objects.filter(pk=old.pk).update(
        status="sent", sent_at=timezone.now() - timedelta(days=400)
    )
    deliveries_prune()
    assert list(endpoint.deliveries.values_list("pk", flat=True)) == [pending.pk]


def test_a_name_that_points_inside_the_network_is_not_posted_to():
    endpoint = register("https://hooks.example.org/")
    # As if the name had come to point at this machine after it was registered.
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url="https://localhost/hook")
    secretary_api().post(
        reverse("api:target-measurements", kwargs={"pk": asker_target().pk}),
        {"value": "205"},
        content_type="application/json",
    )
    assert webhooks_dispatch().retrying == 1
    assert "inside the network" in endpoint.deliveries.get().last_error
