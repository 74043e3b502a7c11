"""What applying a register file to an organisation would change.

The plan is computed from the mapped rows and the memberships of the
organisation's subtree in a fixed number of queries, and computed again when
the import is applied: what was previewed is what is written (see ``digest``).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..limits import validate_no_control_characters
from ..models import Membership, MembershipSource, Organisation, User

NUMBER_MAX_LENGTH = Membership._meta.get_field("member_number").max_length
NAME_MAX_LENGTH = User._meta.get_field("name").max_length
EMAIL_MAX_LENGTH = 254


@dataclass
class RowError:
    row: int
    number: str
    name: str
    reasons: list[str]


@dataclass
class RowWarning:
    row: int
    number: str
    name: str
    message: str


@dataclass
class NewMember:
    row: int
    number: str
    name: str
    email: str
    organisation: Organisation
    person_id: int | None  # an account that already has this email


@dataclass
class Change:
    """A member in the file whose membership (or account) differs from it."""

    row: int
    number: str
    name: str
    membership: Membership  # the membership that holds the register's data afterwards
    organisation: Organisation
    shown: list[tuple[str, str, str]]  # (what, before, after) for the preview
    person_fields: dict[str, str] = field(default_factory=dict)  # on accounts nobody uses yet
    leaves: Membership | None = None  # moved into a membership the person already had


@dataclass
class RegisterPlan:
    rows: int = 0
    new: list[NewMember] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    ended: list[Membership] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed or self.ended)

    @property
    def digest(self) -> str:
        """A fingerprint of what would be written: the apply step refuses a plan that moved."""
        content = {
            "new": [(m.number, m.email, m.organisation.pk, m.person_id) for m in self.new],
            "changed": [
                (
                    c.membership.pk,
                    c.organisation.pk,
                    c.number,
                    sorted(c.person_fields.items()),
                    c.leaves.pk if c.leaves else None,
                )
                for c in self.changed
            ],
            "ended": sorted(m.pk for m in self.ended),
        }
        encoded = json.dumps(content, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()[:32]

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
            "ended": len(self.ended),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[^\w]+", text.casefold()) if word]


def _same_word(word: str, other: str) -> bool:
    # "arbeiderparti" in "Asker Arbeiderparti" is the party "Arbeiderpartiet".
    return word == other or (
        min(len(word), len(other)) >= 5 and (word.startswith(other) or other.startswith(word))
    )


class BranchIndex:
    """Finds an organisation of the subtree by what a register calls it.

    "Rødt Asker", "rodt-asker", "Asker" and "asker" all find Rødt Asker: the
    exact name or slug first, then the name without the party's own words.
    """

    def __init__(self, organisations: list[Organisation], party: Organisation):
        self.exact: dict[str, Organisation | None] = {}
        self.short: dict[str, Organisation | None] = {}
        party_words = _words(party.name) + _words(party.slug)
        for organisation in organisations:
            for key in {" ".join(_words(organisation.name)), " ".join(_words(organisation.slug))}:
                self._add(self.exact, key, organisation)
            for text in (organisation.name, organisation.slug):
                words = [
                    word
                    for word in _words(text)
                    if not any(_same_word(word, own) for own in party_words)
                ]
                if words:
                    self._add(self.short, " ".join(words), organisation)

    @staticmethod
    def _add(index: dict, key: str, organisation: Organisation) -> None:
        if key in index and index[key] is not None and index[key].pk != organisation.pk:
            index[key] = None  # two organisations answer to it: ambiguous
        elif key not in index:
            index[key] = organisation

    def find(self, text: str) -> tuple[Organisation | None, bool]:
        """(organisation, ambiguous)."""
        key = " ".join(_words(text))
        for index in (self.exact, self.short):
            if key in index:
                return index[key], index[key] is None
        return None, False


def _uses_own_account(person: User) -> bool:
    """A person who has signed in, or can, keeps the name and email they chose."""
    return person.last_login is not None or person.has_usable_password()


def _preference(membership: Membership) -> tuple:
    # The membership in force wins; among ended ones, the latest.
    return (membership.ends_on is None, membership.ends_on or date.min, membership.pk)


def plan_register(
    *, organisation: Organisation, rows: list[dict], today: date | None = None
) -> RegisterPlan:
    """Compare the mapped rows with the memberships of the organisation and all below it."""
    today = today or timezone.localdate()
    plan = RegisterPlan(rows=len(rows))
    subtree = list(Organisation.objects.descendants(organisation, include_self=True))
    party = (
        subtree[0]
        if organisation.parent_id is None
        else (Organisation.objects.ancestors(organisation).first())
    )
    branches = BranchIndex(subtree, party)
    memberships = list(
        Membership.objects.filter(organisation__in=[o.pk for o in subtree]).select_related(
            "person", "organisation"
        )
    )
    by_number: dict[str, Membership] = {}
    by_email: dict[str, list[Membership]] = {}
    by_person_org: dict[tuple[int, int], Membership] = {}
    for membership in memberships:
        number = membership.member_number
        if number and (
            number not in by_number or _preference(membership) > _preference(by_number[number])
        ):
            by_number[number] = membership
        by_email.setdefault(membership.person.email.lower(), []).append(membership)
        by_person_org[(membership.person_id, membership.organisation_id)] = membership

    valid: list[tuple[dict, Organisation]] = []
    first_number: dict[str, int] = {}
    first_email: dict[str, int] = {}
    for row in rows:
        reasons, target = _check(row, first_number, first_email, branches, organisation, today)
        if reasons:
            plan.errors.append(RowError(row["row"], row["number"], row["name"], reasons))
        else:
            valid.append((row, target))

    emails = {row["email"] for row, _target in valid}
    accounts = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    matched: set[int] = set()
    for row, target in valid:
        membership = by_number.get(row["number"])
        if membership is None:
            candidates = by_email.get(row["email"], [])
            unnumbered = [c for c in candidates if not c.member_number]
            if candidates and not unnumbered:
                plan.errors.append(
                    RowError(
                        row["row"],
                        row["number"],
                        row["name"],
                        [
                            _("The email address belongs to member number %(number)s.")
                            % {"number": candidates[0].member_number}
                        ],
                    )
                )
                continue
            if unnumbered:
                membership = max(
                    unnumbered,
                    key=lambda c: (c.organisation_id == target.pk, *_preference(c)),
                )
        if membership is None:
            plan.new.append(
                NewMember(
                    row["row"],
                    row["number"],
                    row["name"],
                    row["email"],
                    target,
                    accounts.get(row["email"]),
                )
            )
            continue
        change = _compare(row, target, membership, by_person_org, accounts, plan)
        matched.add(membership.pk)
        if change.leaves:
            matched.add(change.membership.pk)
        if change.shown or change.person_fields:
            plan.changed.append(change)
        else:
            plan.unchanged += 1

    # A member stays whatever their row's fault: only one absent from the file ends.
    numbers = {row["number"] for row in rows if row["number"]}
    all_emails = {row["email"] for row in rows if row["email"]}
    plan.ended = sorted(
        (
            m
            for m in memberships
            if m.source == MembershipSource.REGISTER
            and m.ends_on is None
            and m.pk not in matched
            and m.member_number not in numbers
            and m.person.email.lower() not in all_emails
        ),
        key=lambda m: (m.organisation.name, m.person.name, m.member_number),
    )
    return plan


def _check(row, first_number, first_email, branches, organisation, today):
    reasons: list[str] = []
    number, email, name = row["number"], row["email"], row["name"]
    if not number:
        reasons.append(_("The member number is missing."))
    elif len(number) > NUMBER_MAX_LENGTH:
        reasons.append(
            _("The member number is longer than %(max)d characters.") % {"max": NUMBER_MAX_LENGTH}
        )
    elif number in first_number:
        reasons.append(
            _("The member number %(number)s is also on row %(row)d.")
            % {"number": number, "row": first_number[number]}
        )
    else:
        first_number[number] = row["row"]
    if not email:
        reasons.append(_("The email address is missing: the app keeps a member by their email."))
    else:
        try:
            if len(email) > EMAIL_MAX_LENGTH:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            reasons.append(_("“%(email)s” is not an email address.") % {"email": email[:100]})
        else:
            if email in first_email:
                reasons.append(
                    _("The email address is also on row %(row)d.") % {"row": first_email[email]}
                )
            else:
                first_email[email] = row["row"]
    if len(name) > NAME_MAX_LENGTH:
        reasons.append(_("The name is longer than %(max)d characters.") % {"max": NAME_MAX_LENGTH})
    else:
        try:
            validate_no_control_characters(name)
        except ValidationError as error:
            reasons.extend(error.messages)
    target = organisation
    if row["branch"]:
        found, ambiguous = branches.find(row["branch"])
        if ambiguous:
            reasons.append(
                _("“%(branch)s” matches more than one organisation; write its full name.")
                % {"branch": row["branch"][:100]}
            )
        elif found is None:
            reasons.append(
                _("There is no organisation called “%(branch)s” in %(organisation)s.")
                % {"branch": row["branch"][:100], "organisation": organisation.name}
            )
        elif found.closed_on and found.closed_on <= today:
            reasons.append(
                _("%(organisation)s was closed on %(date)s.")
                % {"organisation": found.name, "date": date_format(found.closed_on)}
            )
        else:
            target = found
    return reasons, target


def _compare(row, target, membership, by_person_org, accounts, plan) -> Change:
    person = membership.person
    holder, leaves = membership, None
    if target.pk != membership.organisation_id:
        existing = by_person_org.get((person.pk, target.pk))
        if existing is not None:
            # The person already has a membership there: it takes the register's
            # data, and the one they moved from ends (the pair must stay unique).
            holder = existing
            leaves = membership if membership.ends_on is None else None
    change = Change(row["row"], row["number"], row["name"], holder, target, shown=[])
    change.leaves = leaves
    if holder.organisation_id != target.pk or leaves is not None:
        change.shown.append((_("Organisation"), membership.organisation.name, target.name))
    if holder.member_number != row["number"]:
        change.shown.append((_("Member number"), holder.member_number, row["number"]))
    if holder.ends_on is not None:
        change.shown.append(
            (
                _("Membership"),
                _("ended %(date)s") % {"date": date_format(holder.ends_on)},
                _("rejoins"),
            )
        )
    if holder.source != MembershipSource.REGISTER and not change.shown:
        change.shown.append((_("Kept by"), holder.get_source_display(), _("Membership register")))
    own_account = _uses_own_account(person)
    if row["name"] and row["name"] != person.name:
        if own_account:
            plan.warnings.append(
                RowWarning(
                    row["row"],
                    row["number"],
                    row["name"],
                    _("The name in the app is kept: the person uses their own account."),
                )
            )
        else:
            change.person_fields["name"] = row["name"]
            change.shown.append((_("Name"), person.name, row["name"]))
    if row["email"] != person.email.lower():
        taken = accounts.get(row["email"]) not in (None, person.pk)
        if own_account or taken:
            plan.warnings.append(
                RowWarning(
                    row["row"],
                    row["number"],
                    row["name"],
                    _(
                        "The email address in the app is kept: the person uses their own "
                        "account, or another account has this address."
                    ),
                )
            )
        else:
            change.person_fields["email"] = row["email"]
            change.shown.append((_("Email"), person.email, row["email"]))
    return change
