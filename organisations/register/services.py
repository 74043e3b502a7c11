"""Writes of the register import: upload, mapping, apply.

Applying writes in bulk, a fixed number of queries for any number of rows,
rather than calling ``membership_add`` once per member: a county's register
has thousands of rows, and one log entry with the counts says more to the
admins than thousands of "added a member" entries would.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..audit import audit
from ..generations import names_changed, rights_changed
from ..models import Membership, MembershipSource, Organisation, RegisterImport, User
from .plan import RegisterPlan, plan_register
from .readers import (
    FIELDS,
    REQUIRED_FIELDS,
    ReadError,
    Table,
    guess_mapping,
    is_sensitive,
    mapped_rows,
    read_table,
    without_sensitive_columns,
)

BATCH_SIZE = 500


def is_mapped(register_import: RegisterImport) -> bool:
    return "fields" in register_import.mapping


def register_import_start(
    *, organisation: Organisation, by: User, filename: str, data: bytes
) -> RegisterImport:
    """Read the file and keep its rows, without the columns the app never stores.

    Raises ReadError with a message for the person when the file cannot be used.
    """
    full = read_table(filename, data)
    ignored = [name for name in full.header if name and is_sensitive(name)]
    table = without_sensitive_columns(full)
    del full  # the birth dates and addresses go no further than this
    if not table.header:
        raise ReadError(_("The file has no columns the app can use."))
    # An import left half-way by the same person is replaced, not kept.
    RegisterImport.objects.filter(
        organisation=organisation, uploaded_by=by, applied_at__isnull=True
    ).delete()
    return RegisterImport.objects.create(
        organisation=organisation,
        uploaded_by=by,
        filename=filename[:255],
        mapping={
            "columns": table.header,
            "guess": guess_mapping(table.header),
            "ignored": ignored,
        },
        rows=[
            {"row": number, "cells": cells}
            for number, cells in zip(table.numbers, table.rows, strict=True)
        ],
    )


def register_import_map(
    *, register_import: RegisterImport, mapping: dict[str, int | None]
) -> RegisterImport:
    """Keep only the mapped fields of each row; the other columns are gone from here on."""
    if is_mapped(register_import) or register_import.applied_at:
        raise ValidationError(_("The columns of this file are already chosen."))
    columns = register_import.mapping["columns"]
    for field_name in REQUIRED_FIELDS:
        if mapping.get(field_name) is None:
            raise ValidationError(_("Choose the column for the member number and the email."))
    table = Table(
        header=columns,
        rows=[row["cells"] for row in register_import.rows],
        numbers=[row["row"] for row in register_import.rows],
    )
    register_import.rows = mapped_rows(table, mapping)
    register_import.mapping = {
        "ignored": register_import.mapping.get("ignored", []),
        "fields": {
            name: columns[mapping[name]] for name in FIELDS if mapping.get(name) is not None
        },
    }
    register_import.save(update_fields=["rows", "mapping"])
    return register_import


def register_import_plan(register_import: RegisterImport) -> RegisterPlan:
    return plan_register(organisation=register_import.organisation, rows=register_import.rows)


@transaction.atomic
def register_import_apply(
    *,
    register_import: RegisterImport,
    by: User | None,
    end_missing: bool = False,
    digest: str = "",
) -> dict[str, int]:
    """Write the plan: new members, changes, and (when confirmed) the ends; one log entry.

    ``digest`` is the plan the person saw; if the register moved since, nothing is written.
    """
    register_import = (
        RegisterImport.objects.select_for_update()
        .select_related("organisation")
        .get(pk=register_import.pk)
    )
    if register_import.applied_at or not is_mapped(register_import):
        raise ValidationError(_("This file has already been applied."))
    organisation = register_import.organisation
    plan = register_import_plan(register_import)
    if digest and digest != plan.digest:
        raise ValidationError(
            _("The members changed since you saw the preview. Look at it again, then apply.")
        )
    today = timezone.localdate()
    before = _register_members(organisation, today)

    # New accounts: no password and no login until the person is invited or asks
    # for a new password; the membership needs a person to belong to.
    accounts = User.objects.bulk_create(
        [
            User(
                email=member.email,
                name=member.name,
                language=organisation.language,
                password=make_password(None),
            )
            for member in plan.new
            if member.person_id is None
        ],
        batch_size=BATCH_SIZE,
    )
    account_ids = {account.email: account.pk for account in accounts}
    Membership.objects.bulk_create(
        [
            Membership(
                person_id=member.person_id or account_ids[member.email],
                organisation=member.organisation,
                member_number=member.number,
                source=MembershipSource.REGISTER,
                since=today,
            )
            for member in plan.new
        ],
        batch_size=BATCH_SIZE,
    )

    leaving = [change.leaves.pk for change in plan.changed if change.leaves]
    if leaving:
        Membership.objects.filter(pk__in=leaving).update(ends_on=today)
    changed = []
    people = []
    for change in plan.changed:
        membership = change.membership
        membership.organisation = change.organisation
        membership.member_number = change.number
        membership.source = MembershipSource.REGISTER
        membership.ends_on = None
        changed.append(membership)
        if change.person_fields:
            person = membership.person
            for name, value in change.person_fields.items():
                setattr(person, name, value)
            people.append(person)
    Membership.objects.bulk_update(
        changed, ["organisation", "member_number", "source", "ends_on"], batch_size=BATCH_SIZE
    )
    User.objects.bulk_update(people, ["name", "email"], batch_size=BATCH_SIZE)
    if people:
        names_changed()  # bulk_update sends no signal; cached pages show these names

    ended = [membership.pk for membership in plan.ended] if end_missing else []
    if ended:
        Membership.objects.filter(pk__in=ended).update(ends_on=today)
    rights_changed()  # memberships written in bulk send no signal; cached rights depend on them

    summary = {
        **plan.counts(),
        "ended": len(ended),
        "not_ended": len(plan.ended) - len(ended),
    }
    register_import.rows = []
    register_import.applied_at = timezone.now()
    register_import.summary = summary
    register_import.save(update_fields=["rows", "applied_at", "summary"])
    if plan.new or plan.changed or ended:
        with translation.override(organisation.language):
            text = _(
                "%(file)s: %(new)d new, %(changed)d changed, %(ended)d ended, "
                "%(errors)d rows with errors"
            ) % {
                "file": register_import.filename,
                "new": summary["new"],
                "changed": summary["changed"],
                "ended": summary["ended"],
                "errors": summary["errors"],
            }
        audit(
            organisation=organisation,
            actor=by,
            action="register.apply",
            target=register_import,
            summary=text,
            changes={"members": [before, _register_members(organisation, today)]},
        )
    return summary


def _register_members(organisation: Organisation, today) -> int:
    """Members from the register in the organisation and below, in force after today."""
    subtree = Organisation.objects.descendants(organisation, include_self=True)
    return (
        Membership.objects.filter(
            organisation__in=list(subtree.values_list("pk", flat=True)),
            source=MembershipSource.REGISTER,
        )
        .exclude(ends_on__lte=today)
        .count()
    )
