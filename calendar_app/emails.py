"""The one email module: reminders, in the recipient's language, with one-click unsubscribe;
invitations, in the inviting organisation's language.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from goals.models import Assignment, Measure
from organisations.invitations import invitation_url
from organisations.models import Invitation, Organisation

from .models import Delivery, Event, ReminderKind

UNSUBSCRIBE_SALT = "handlingsplan.unsubscribe"


def unsubscribe_token(person_id: int, kinds: list[str]) -> str:
    return signing.dumps(
        {"p": person_id, "k": sorted(set(kinds))}, salt=UNSUBSCRIBE_SALT, compress=True
    )


def read_unsubscribe_token(token: str) -> tuple[int, list[str]]:
    """The person and kinds a token unsubscribes; BadSignature for anything forged."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    kinds = [kind for kind in data["k"] if kind in ReminderKind.values]
    return int(data["p"]), kinds


def reminder_targets(rows: list[Delivery]) -> dict[tuple[str, int], object]:
    """What the rows remind about, keyed by (model, id): one query per type present.

    The dispatcher calls it once per batch, not once per email.
    """
    ids: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        ids[row.object_type.model].add(row.object_id)
    querysets = {
        "measure": Measure.objects.select_related("goal__plan__organisation"),
        "event": Event.objects.select_related("organisation"),
        "assignment": Assignment.objects.select_related("measure__goal__plan", "organisation"),
        "organisation": Organisation.objects.all(),
    }
    return {
        (model, target.pk): target
        for model, queryset in querysets.items()
        if ids[model]
        for target in queryset.filter(pk__in=ids[model]).order_by()
    }


def _items(rows: list[Delivery], objects: dict[tuple[str, int], object]) -> list[dict]:
    """What each reminder is about, with a link."""
    items = []
    for row in rows:
        target = objects.get((row.object_type.model, row.object_id))
        if target is None:
            continue  # deleted since the scan: nothing to remind about
        if isinstance(target, Assignment):
            title, url = (
                f"{target.organisation}: {target.measure}",
                target.measure.get_absolute_url(),
            )
            due = target.measure.due_text
        elif isinstance(target, Organisation):
            title, url, due = (
                str(target),
                reverse("organisation_dashboard", args=[target.slug]),
                "",
            )
        elif isinstance(target, Event):
            title, url, due = target.title, target.get_absolute_url(), ""
            when = target.starts_at
            title = f"{title} ({when:%d.%m.%Y %H:%M})" if not target.all_day else title
        else:
            title, url, due = target.text, target.get_absolute_url(), target.due_text
        items.append(
            {
                "kind": row.kind,
                "kind_label": row.get_kind_display(),
                "title": title,
                "url": f"{settings.SITE_URL}{url}",
                "due": due,
            }
        )
    return items


def reminder_email(
    person, rows: list[Delivery], targets: dict[tuple[str, int], object] | None = None
) -> EmailMultiAlternatives:
    """``targets``: from reminder_targets, when the caller fetched them for many emails."""
    kinds = sorted({row.kind for row in rows})
    unsubscribe_url = settings.SITE_URL + reverse(
        "calendar_app:unsubscribe", args=[unsubscribe_token(person.pk, kinds)]
    )
    with translation.override(person.language or settings.LANGUAGE_CODE):
        items = _items(rows, reminder_targets(rows) if targets is None else targets)
        context = {
            "person": person,
            "items": items,
            "unsubscribe_url": unsubscribe_url,
            "settings_url": settings.SITE_URL + reverse("calendar_app:notifications"),
        }
        subject = render_to_string("emails/reminder-subject.txt", context).strip()
        body = render_to_string("emails/reminder-body.txt", context)
        html = render_to_string("emails/reminder-body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[person.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Content-Language": person.language or settings.LANGUAGE_CODE,
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def invitation_email(invitation: Invitation, *, to: str) -> EmailMultiAlternatives:
    """The invitation, in the organisation's language: the invitee may have no account yet."""
    organisation = invitation.organisation
    language = organisation.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "language": language,
            "organisation": organisation,
            "body": invitation.body,
            "role": invitation.get_role_display() if invitation.body_id else "",
            "starts_on": date_format(invitation.starts_on) if invitation.starts_on else "",
            "ends_on": date_format(invitation.ends_on) if invitation.ends_on else "",
            "name": invitation.name,
            "inviter": invitation.invited_by.get_full_name() if invitation.invited_by else "",
            "url": invitation_url(invitation),
            "expires_on": date_format(
                timezone.localtime(invitation.expires_at, organisation.zoneinfo)
            ),
        }
        subject = render_to_string("emails/invitation-subject.txt", context).strip()
        body = render_to_string("emails/invitation-body.txt", context)
        html = render_to_string("emails/invitation-body.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=body, to=[to], headers={"Content-Language": language}
    )
    message.attach_alternative(html, "text/html")
    return message
