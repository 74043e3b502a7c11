"""The activity log's part of a person's data: what they did, and their name in its text."""

from __future__ import annotations

import json

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organisations.models import Membership, OrganisationAdmin, Position, User
from organisations.personal_data import name_pattern, records, register, scrub

from .models import Activity, Amendment

# Entries about people: their summary names someone else, so a person's own
# download shows only that they did it.
ABOUT_PEOPLE = ("membership.", "position.", "admin.", "person.", "invitation.")


def _summary(entry: Activity) -> str:
    return "" if entry.action.startswith(ABOUT_PEOPLE) else entry.summary


def collect(person: User):
    entries = (
        Activity.objects.filter(actor=person)
        .select_related("organisation", "plan")
        .order_by("created_at", "pk")
    )
    amendments = (
        Amendment.objects.filter(submitter=person)
        .select_related("proposal__plan__organisation", "for_organisation", "for_body")
        .order_by("created_at", "pk")
    )
    return [
        records(
            "amendments",
            _("Amendments you sent"),
            amendments,
            [
                "created_at",
                ("plan", _("plan"), lambda a: str(a.proposal.plan)),
                "number",
                ("action", _("change"), lambda a: a.get_action_display()),
                ("lines", _("lines"), lambda a: a.lines_label),
                "text",
                "justification",
                ("for", _("on behalf of"), lambda a: str(a.for_organisation or a.for_body or "")),
                "withdrawn_at",
                ("outcome", _("vote"), lambda a: a.get_outcome_display()),
            ],
        ),
        records(
            "activity",
            _("Activity log entries you made"),
            entries,
            [
                "created_at",
                "organisation",
                "plan",
                ("action", _("action"), lambda entry: entry.action_label),
                ("summary", _("summary"), _summary),
            ],
        ),
    ]


def _former_member(language: str) -> str:
    with translation.override(language):
        return gettext("former member")


def _own_rows(person: User) -> Q:
    """Log entries about the person: their account, membership, position or admin grant."""
    condition = Q(target_type=ContentType.objects.get_for_model(User), target_id=person.pk)
    for model, manager in (
        (Membership, person.memberships),
        (Position, person.positions),
        (OrganisationAdmin, person.admin_grants),
    ):
        ids = list(manager.values_list("pk", flat=True))
        if ids:
            condition |= Q(target_type=ContentType.objects.get_for_model(model), target_id__in=ids)
    return condition


def erase(person: User) -> None:
    """Replace the person's name and email in the log's recorded text with "former member".

    Only the text the services wrote (summaries, changes); who did what stays as
    a reference to the erased account, which reads "former member" by itself.
    """
    pattern = name_pattern(person)
    if pattern is None:
        return
    mentions = Q()
    for word in {w for w in (person.email, person.name.strip()) if w}:
        escaped = json.dumps(word)[1:-1]  # how JSON text stores it where it is not UTF-8
        mentions |= (
            Q(summary__icontains=word) | Q(changes__icontains=word) | Q(changes__icontains=escaped)
        )
    own = set(Activity.objects.filter(_own_rows(person)).values_list("pk", flat=True))
    entries = Activity.objects.filter(mentions | Q(pk__in=own)).select_related("organisation")
    changed = []
    for entry in entries:
        replacement = _former_member(entry.organisation.language)
        summary = scrub(entry.summary, pattern, replacement)
        if entry.pk in own and summary == entry.summary:
            # Written under a name the person has since changed: the summary of
            # an entry about their own membership or position starts with it.
            rest = summary.partition(": ")[2]
            summary = f"{replacement}: {rest}" if rest else replacement
        entry.summary = summary[:300]
        entry.changes = scrub(entry.changes, pattern, replacement)
        changed.append(entry)
    Activity.objects.bulk_update(changed, ["summary", "changes"], batch_size=500)


register(key="plans", label=_("Activity log"), collect=collect, erase=erase)
