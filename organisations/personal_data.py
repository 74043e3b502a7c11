"""A person's own data: what each app holds about them, to download or to erase.

Each app describes its part in its own ``personal_data`` module (found the way
admin modules are) with ``register(key=…, label=…, collect=…, erase=…)``, so
this ground floor knows no other app. ``collect`` returns ``Records`` about the
person only; ``erase`` changes what must stay in the plan's record (free text of
the log) before the account is erased.

Rows that belong to the person alone, that is every ForeignKey to the user with
``on_delete=CASCADE`` (memberships, feed tokens, reminder deliveries, allauth
email addresses, MFA authenticators …), are deleted here for every app, our own
and third-party ones alike. The User row stays as a nameless tombstone, so
every ``SET_NULL`` reference (notes, ticks, the log) keeps pointing at "former
member" instead of turning into "system".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .accounts import person_sessions_end
from .models import Invitation, Language, User


def display(value: Any) -> str:
    """A recorded value as a person reads it, in the active language."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return formats.localize(value)
    return str(value)


# A field of a record: a model field's name, or (key, label, value of the object).
Field = str | tuple[str, Any, Callable[[Any], Any]]


@dataclass(frozen=True)
class Records:
    """One kind of record about the person: a table in the page, a list in the JSON."""

    key: str
    label: Any
    columns: tuple[tuple[str, Any], ...]  # (key, label)
    rows: list[dict[str, Any]]

    def table(self) -> list[list[str]]:
        """The rows as text in column order, for the page."""
        return [[display(row[key]) for key, _label in self.columns] for row in self.rows]


@dataclass(frozen=True)
class Part:
    key: str
    label: Any
    collect: Callable[[User], list[Records]]
    erase: Callable[[User], None] | None = None


_parts: dict[str, Part] = {}
_discovered = False


def register(
    *,
    key: str,
    label,
    collect: Callable[[User], list[Records]],
    erase: Callable[[User], None] | None = None,
) -> None:
    _parts[key] = Part(key=key, label=label, collect=collect, erase=erase)


def parts() -> list[Part]:
    """Every registered part, in the order of INSTALLED_APPS."""
    global _discovered
    if not _discovered:
        autodiscover_modules("personal_data")
        _discovered = True
    order = {config.name: index for index, config in enumerate(apps.get_app_configs())}

    def place(part: Part) -> int:
        config = apps.get_containing_app_config(part.collect.__module__)
        return order.get(config.name, len(order)) if config else len(order)

    return sorted(_parts.values(), key=place)


def _value(obj: models.Model, name: str) -> Any:
    field = obj._meta.get_field(name)
    if field.choices:
        return getattr(obj, f"get_{name}_display")()
    value = getattr(obj, name)
    if isinstance(value, models.Model):
        return str(value)
    return value


def records(key: str, label, objects: QuerySet, fields: Sequence[Field]) -> Records:
    """Records of a queryset, columns labelled as the model names its fields."""
    columns: list[tuple[str, Any, Callable[[Any], Any]]] = []
    for field in fields:
        if isinstance(field, str):
            verbose = objects.model._meta.get_field(field).verbose_name
            columns.append((field, verbose, lambda obj, name=field: _value(obj, name)))
        else:
            columns.append(field)
    rows = [{key: get(obj) for key, _label, get in columns} for obj in objects]
    return Records(
        key=key, label=label, columns=tuple((k, lbl) for k, lbl, _get in columns), rows=rows
    )


def collect(person: User) -> list[tuple[Part, list[Records]]]:
    return [(part, part.collect(person)) for part in parts()]


def as_json_data(person: User) -> dict[str, Any]:
    """Everything about the person, keyed by part and kind of record (for the download)."""
    data: dict[str, Any] = {"generated_at": timezone.now()}
    for part, found in collect(person):
        data[part.key] = {item.key: item.rows for item in found}
    return data


def name_pattern(person: User) -> re.Pattern | None:
    """The person's name and email as whole words, to scrub them from recorded text."""
    words = [re.escape(w) for w in (person.email, person.name.strip()) if w]
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE)


def scrub(value: Any, pattern: re.Pattern, replacement: str) -> Any:
    """The value (text, or lists and dicts of texts) with the person's name replaced."""
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [scrub(item, pattern, replacement) for item in value]
    if isinstance(value, dict):
        return {key: scrub(item, pattern, replacement) for key, item in value.items()}
    return value


def _owned_relations() -> Iterable[models.ForeignObjectRel]:
    for relation in User._meta.related_objects:
        if relation.on_delete is models.CASCADE:
            yield relation


def _delete_owned_rows(person: User) -> None:
    for relation in _owned_relations():
        manager = relation.related_model._base_manager
        manager.filter(**{relation.field.name: person}).delete()
    person.groups.clear()
    person.user_permissions.clear()


def _tombstone(person: User) -> None:
    now = timezone.now()
    person.name = ""
    person.email = f"erased-{person.pk}@invalid"
    person.language = Language.NB
    person.set_unusable_password()
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    person.last_login = None
    person.date_joined = now
    person.erased_at = now
    person.save()


@transaction.atomic
def erase(person: User) -> None:
    """Erase the person: each app's part, their own rows, sessions, then the name."""
    for part in parts():
        if part.erase is not None:
            part.erase(person)
    _delete_owned_rows(person)
    person_sessions_end(person)
    _tombstone(person)


def _account(person: User) -> list[Records]:
    found = [
        records(
            "account",
            _("Account"),
            User.objects.filter(pk=person.pk),
            ["email", "name", "language", "date_joined", "last_login", "is_staff"],
        ),
        # That a token exists and what it may do; never its secret (only a hash is kept).
        records(
            "api_tokens",
            _("API tokens"),
            person.api_tokens.order_by("created_at"),
            ["name", "scope", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"],
        ),
    ]
    for relation in _owned_relations():
        model = relation.related_model
        if model._meta.app_label == "account" and model._meta.model_name == "emailaddress":
            found.append(
                records(
                    "email_addresses",
                    _("Email addresses"),
                    model.objects.filter(user=person),
                    ["email", "verified", "primary"],
                )
            )
        elif model._meta.app_label == "mfa" and model._meta.model_name == "authenticator":
            # That a second factor exists and since when; never its secret.
            found.append(
                records(
                    "authenticators",
                    _("Second factors"),
                    model.objects.filter(user=person),
                    ["type", "created_at", "last_used_at"],
                )
            )
    return found


def _organisations(person: User) -> list[Records]:
    return [
        records(
            "memberships",
            _("Memberships"),
            person.memberships.select_related("organisation").order_by("organisation__name"),
            ["organisation", "since"],
        ),
        records(
            "positions",
            _("Positions"),
            person.positions.select_related("body__organisation").order_by("body__name"),
            [
                ("organisation", _("organisation"), lambda p: str(p.body.organisation)),
                "body",
                "role",
            ],
        ),
        records(
            "admin_grants",
            _("Organisation admin"),
            person.admin_grants.select_related("organisation").order_by("organisation__name"),
            ["organisation"],
        ),
        records(
            "invitations",
            _("Invitations to your address"),
            _invitations(person).select_related("organisation", "body").order_by("created_at"),
            ["organisation", "body", "role", "created_at", "expires_at", "accepted_at"],
        ),
    ]


def _invitations(person: User) -> QuerySet:
    return Invitation.objects.filter(email__iexact=person.email)


def _organisations_erase(person: User) -> None:
    # Invitations name the address, not the account, so they do not go with it.
    _invitations(person).delete()


register(key="account", label=_("Account"), collect=_account)
register(
    key="organisations",
    label=_("Organisations"),
    collect=_organisations,
    erase=_organisations_erase,
)
