"""A person's own data: they read and download it, delete their account; the record stays."""

from __future__ import annotations

import io
import itertools
import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from calendar_app.models import (
    Delivery,
    DeliveryStatus,
    FeedToken,
    NotificationSettings,
    ReminderKind,
)
from calendar_app.personal_data import deliveries_prune
from calendar_app.services import feed_token_for, notifications_set
from calendar_app.tasks import prune_deliveries
from goals.models import Measure, ProgressNote
from goals.progress import measure_tick
from organisations.erasure import person_erase
from organisations.models import Membership, Organisation, OrganisationAdmin, Position, User
from plans.demo import DEMO_PASSWORD
from plans.models import ACTION_LABELS, Activity, Plan
from tests.test_pdf import plain, run

pytestmark = pytest.mark.django_db

SECRETARY_NAME = "Sander Sekretær"
SECRETARY_EMAIL = "sekretaer@example.org"
NOTE = "Stand på Asker torg med 40 nye underskrifter"


def asker_plan() -> Plan:
    return Plan.objects.get(organisation__slug="rodt-asker", title="Arbeidsplan 2026")


def asker_measure() -> Measure:
    return (
        Measure.objects.filter(
            goal__plan=asker_plan(), recurrence="", delegated=False, status="planned"
        )
        .order_by("pk")
        .first()
    )


def secretary_ticks(secretary: User) -> Measure:
    measure = asker_measure()
    measure_tick(measure=measure, by=secretary, status="done", note=NOTE)
    return measure


def former_member() -> str:
    with translation.override("nb"):
        return gettext("former member")


def download(client: Client) -> dict:
    response = client.get(reverse("personal_data:download"))
    assert response.status_code == 200
    return json.loads(response.content)


# Reading and downloading ----------------------------------------------------------


def test_the_download_is_an_uncached_json_attachment(client_for):
    response = client_for("member").get(reverse("personal_data:download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="handlingsplan-')
    assert "no-store" in response["Cache-Control"]


def test_secretary_downloads_memberships_positions_notes_and_ticks(client_for, persona):
    secretary = persona("secretary")
    measure = secretary_ticks(secretary)
    data = download(client_for("secretary"))

    assert data["account"]["account"][0]["email"] == SECRETARY_EMAIL
    assert data["account"]["account"][0]["name"] == SECRETARY_NAME
    assert {"email": SECRETARY_EMAIL, "verified": True, "primary": True} in data["account"][
        "email_addresses"
    ]
    assert [m["organisation"] for m in data["organisations"]["memberships"]] == ["Rødt Asker"]
    assert {(p["organisation"], p["body"]) for p in data["organisations"]["positions"]} == {
        ("Rødt Asker", "Styret"),
        ("Rødt Asker", "Sekretær"),
    }
    notes = data["goals"]["progress_notes"]
    assert any(n["text"] == NOTE and n["measure"] == measure.text for n in notes)
    assert any(m["measure"] == measure.text for m in data["goals"]["measures_completed"])
    assert any(a["summary"] == str(measure) for a in data["plans"]["activity"])


def test_the_download_holds_nothing_of_other_people(client_for, persona):
    secretary_ticks(persona("secretary"))
    text = client_for("secretary").get(reverse("personal_data:download")).content.decode()
    others = User.objects.exclude(email=SECRETARY_EMAIL).filter(is_active=True)
    leaked = [p.email for p in others if p.email in text or (p.name and p.name in text)]
    assert leaked == []


def test_own_log_entries_do_not_name_the_people_one_appointed(client_for, persona):
    from organisations.services import membership_add

    newcomer = User.objects.create_user("ny@example.org", name="Nina Nykommer")
    asker = Organisation.objects.get(slug="rodt-asker")
    membership_add(person=newcomer, organisation=asker, by=persona("board"))
    data = download(client_for("board"))
    with translation.override("nb"):
        added = str(ACTION_LABELS["membership.add"])  # the download reads in the person's language
    assert any(entry["action"] == added for entry in data["plans"]["activity"])
    text = json.dumps(data, ensure_ascii=False)
    assert "Nina Nykommer" not in text and "ny@example.org" not in text


def test_own_log_entries_do_not_name_the_people_one_invited(client_for, persona):
    from organisations.invitations import invitation_create

    asker = Organisation.objects.get(slug="rodt-asker")
    invitation_create(
        organisation=asker, email="invitert@example.org", name="Ivar Invitert", by=persona("admin")
    )
    text = json.dumps(download(client_for("admin")), ensure_ascii=False)
    assert "Ivar Invitert" not in text and "invitert@example.org" not in text


def test_the_page_shows_the_same_data_readably(client_for, persona):
    secretary_ticks(persona("secretary"))
    response = client_for("secretary").get(reverse("personal_data:mine"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert NOTE in page and "Rødt Asker" in page and SECRETARY_EMAIL in page
    assert reverse("personal_data:download") in page


def test_a_feed_token_is_listed_but_never_its_secret(client_for, persona):
    token = feed_token_for(persona("member")).token
    data = download(client_for("member"))
    assert len(data["calendar"]["feed_token"]) == 1
    assert token not in json.dumps(data)
    assert token not in client_for("member").get(reverse("personal_data:mine")).content.decode()


def test_reminder_settings_and_deliveries_are_in_the_download(client_for, persona):
    member = persona("member")
    notifications_set(person=member, kinds=[], event_reminders=True, weekly_digest=False)
    make_delivery(member, status=DeliveryStatus.SENT, age_days=3)
    data = download(client_for("member"))
    assert data["calendar"]["notification_settings"][0]["event_reminders"] is True
    assert len(data["calendar"]["reminder_deliveries"]) == 1


@pytest.mark.parametrize(
    "name", ["personal_data:mine", "personal_data:download", "personal_data:delete"]
)
def test_a_visitor_is_sent_to_the_login_page(client_for, name):
    response = client_for(None).get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_privacy_page_is_public_states_the_retention_and_is_in_the_footer(client_for, settings):
    settings.REMINDER_DELIVERY_RETENTION_DAYS = 45
    response = client_for(None).get(reverse("personal_data:privacy"))
    assert response.status_code == 200
    assert "45" in response.content.decode()
    home = client_for(None).get(reverse("home")).content.decode()
    assert reverse("personal_data:privacy") in home
    assert (
        reverse("personal_data:mine") in client_for("member").get(reverse("home")).content.decode()
    )


# Deleting the account --------------------------------------------------------------


def test_deleting_asks_for_the_password_and_never_happens_on_get(client_for, persona):
    client = client_for("member")
    url = reverse("personal_data:delete")
    assert client.get(url).status_code == 200
    response = client.post(url, {"confirmation": "wrong"})
    assert response.status_code == 200
    member = persona("member")
    assert member.erased_at is None and member.is_active


def test_the_only_admin_of_a_party_cannot_delete_their_account(persona):
    admin = persona("admin")
    with pytest.raises(ValidationError):
        person_erase(person=admin, by=admin)
    admin.refresh_from_db()
    assert admin.erased_at is None
    assert OrganisationAdmin.objects.filter(person=admin).exists()


def test_an_admin_with_another_admin_above_may_delete_their_account(persona):
    from django.apps import apps

    jonas = User.objects.get(email="jonas.berg@example.org")  # admin of the county, below Ada
    person_erase(person=jonas, by=jonas)
    assert not OrganisationAdmin.objects.filter(person=jonas).exists()
    if apps.is_installed("allauth.mfa"):  # second factors go with the account
        authenticators = apps.get_model("mfa", "Authenticator").objects
        assert not authenticators.filter(user=jonas).exists()


def test_erasing_deletes_the_account_rows_and_logs_the_person_out_everywhere(persona):
    secretary = persona("secretary")
    client = Client()
    client.post(reverse("account_login"), {"login": SECRETARY_EMAIL, "password": DEMO_PASSWORD})
    assert client.get(reverse("personal_data:mine")).status_code == 200
    feed_token_for(secretary)
    notifications_set(person=secretary, kinds=[], event_reminders=True, weekly_digest=True)
    make_delivery(secretary, status=DeliveryStatus.PENDING, age_days=0)
    sessions_before = Session.objects.count()

    response = client.post(reverse("personal_data:delete"), {"confirmation": DEMO_PASSWORD})

    assert response.status_code == 302
    secretary.refresh_from_db()
    assert secretary.erased_at is not None and not secretary.is_active
    assert secretary.name == "" and secretary.email == f"erased-{secretary.pk}@invalid"
    assert not secretary.has_usable_password()
    for model, field in [
        (Membership, "person"),
        (Position, "person"),
        (OrganisationAdmin, "person"),
        (FeedToken, "person"),
        (NotificationSettings, "person"),
        (Delivery, "recipient"),
        (EmailAddress, "user"),
    ]:
        assert not model.objects.filter(**{field: secretary}).exists(), model
    assert Session.objects.count() < sessions_before
    assert client.get(reverse("personal_data:mine")).status_code == 302
    again = Client()
    again.post(reverse("account_login"), {"login": SECRETARY_EMAIL, "password": DEMO_PASSWORD})
    assert again.get(reverse("personal_data:mine")).status_code == 302
    assert str(secretary) == gettext("former member")


def test_the_deleted_persons_name_appears_nowhere_and_the_plans_history_still_reads(
    client_for, persona, tmp_path
):
    secretary = persona("secretary")
    measure = secretary_ticks(secretary)
    plan = asker_plan()
    history_before = plan.activities.count()
    dashboard = reverse("organisation_dashboard", kwargs={"slug": "rodt-asker"})
    before = client_for("board").get(dashboard).content.decode()
    assert SECRETARY_NAME in before and NOTE in before  # the name is there to be erased
    notes = ProgressNote.objects.filter(author=secretary).values_list("pk", "text")
    ticks_before = list(notes.order_by("pk"))
    assert Activity.objects.filter(summary__contains=SECRETARY_NAME).exists()  # membership.add
    confirm = {"confirmation": DEMO_PASSWORD}
    response = client_for("secretary").post(reverse("personal_data:delete"), confirm)
    assert response.status_code == 302

    # The record is whole: every note, tick and log entry is still there.
    assert plan.activities.count() == history_before
    notes = ProgressNote.objects.filter(author=secretary).values_list("pk", "text")
    assert list(notes.order_by("pk")) == ticks_before
    measure.refresh_from_db()
    assert measure.status == "done" and measure.completed_by_id == secretary.pk
    assert not Activity.objects.filter(summary__icontains="Sander").exists()
    assert not Activity.objects.filter(summary__icontains=SECRETARY_EMAIL).exists()
    assert Activity.objects.filter(action="person.erase", summary="").exists()

    board = client_for("board")
    former = former_member()
    pages = {}
    with translation.override("nb"):
        for name, kwargs in [
            ("plans:detail", {"pk": plan.pk}),
            ("plans:history", {"pk": plan.pk}),
            ("organisation_dashboard", {"slug": "rodt-asker"}),
            ("organisations:detail", {"slug": "rodt-asker"}),
            ("goals:list", {}),
            ("goals:export", {"fmt": "csv"}),
        ]:
            response = board.get(reverse(name, kwargs=kwargs))
            assert response.status_code == 200, name
            pages[name] = response.content.decode("utf-8-sig")
        xlsx = board.get(reverse("goals:export", kwargs={"fmt": "xlsx"}))
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        pages["xlsx"] = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
        pdf = board.get(reverse("plans:report_pdf", kwargs={"pk": plan.pk}))
        assert pdf.status_code == 200
        pages["pdf"] = plain(run("pdftotext", pdf.content, tmp_path))
        member_download = client_for("member").get(reverse("personal_data:download"))
        pages["export"] = member_download.content.decode()

    for where, text in pages.items():
        assert "Sander" not in text, where
        assert SECRETARY_EMAIL not in text, where
    assert former in pages["plans:history"]
    assert former in pages["plans:detail"]  # "done … by former member"
    assert NOTE in pages["organisation_dashboard"] and former in pages["organisation_dashboard"]
    assert NOTE in pages["pdf"]


# Reminder deliveries are kept no longer than the privacy page says ----------------


_object_ids = itertools.count(1_000_000)


def make_delivery(person: User, *, status: str, age_days: int) -> Delivery:
    when = timezone.now() - timedelta(days=age_days)
    delivery = Delivery.objects.create(
        recipient=person,
        kind=ReminderKind.EVENT_TOMORROW,
        object_type=ContentType.objects.get_for_model(Organisation),
        object_id=next(_object_ids),  # a fresh key each time
        date=when.date(),
        send_after=when.date(),
        status=status,
        sent_at=when if status == DeliveryStatus.SENT else None,
    )
    Delivery.objects.filter(pk=delivery.pk).update(created_at=when)
    return delivery


def test_sent_and_failed_deliveries_are_pruned_after_the_retention(persona, settings):
    settings.REMINDER_DELIVERY_RETENTION_DAYS = 90
    member = persona("member")
    Delivery.objects.all().delete()
    old_sent = make_delivery(member, status=DeliveryStatus.SENT, age_days=91)
    old_failed = make_delivery(member, status=DeliveryStatus.FAILED, age_days=120)
    new_sent = make_delivery(member, status=DeliveryStatus.SENT, age_days=10)
    old_pending = make_delivery(member, status=DeliveryStatus.PENDING, age_days=200)
    old_sending = make_delivery(member, status=DeliveryStatus.SENDING, age_days=200)

    assert deliveries_prune() == 2

    left = set(Delivery.objects.values_list("pk", flat=True))
    assert left == {new_sent.pk, old_pending.pk, old_sending.pk}
    assert old_sent.pk not in left and old_failed.pk not in left
    assert prune_deliveries() == 0  # the daily task: a second run finds nothing


def test_the_retention_is_a_setting(persona, settings):
    member = persona("member")
    Delivery.objects.all().delete()
    make_delivery(member, status=DeliveryStatus.SENT, age_days=40)
    settings.REMINDER_DELIVERY_RETENTION_DAYS = 60
    assert deliveries_prune() == 0
    settings.REMINDER_DELIVERY_RETENTION_DAYS = 30
    assert deliveries_prune() == 1


def test_pruning_and_session_clearing_are_on_the_beat_schedule(settings):
    tasks = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "expires" in tasks["calendar_app.tasks.prune_deliveries"]["options"]
    assert "expires" in tasks["organisations.tasks.clear_expired_sessions"]["options"]


def test_ended_sessions_and_allauths_record_of_them_are_cleared_daily(client_for, persona):
    from django.apps import apps

    from organisations.tasks import clear_expired_sessions

    client = client_for("member")
    live_key = client.session.session_key
    past = timezone.now() - timedelta(days=1)
    Session.objects.create(session_key="e" * 32, session_data="", expire_date=past)
    installed = apps.is_installed("allauth.usersessions")
    if installed:
        records = apps.get_model("usersessions", "UserSession").objects
        for key in (live_key, "e" * 32):
            records.create(user=persona("member"), session_key=key, ip="192.0.2.1")

    clear_expired_sessions()

    assert set(
        Session.objects.filter(session_key__in=[live_key, "e" * 32]).values_list("pk", flat=True)
    ) == {live_key}
    if installed:
        assert set(records.values_list("session_key", flat=True)) >= {live_key}
        assert not records.filter(session_key="e" * 32).exists()
