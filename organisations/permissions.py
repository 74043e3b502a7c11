"""Who may do what: the one place that implements DESIGN.md §5.

A person's rights are computed once per request into an ``Access``: sets of
organisation ids per level of right. Scoped querysets (``visible_to(user)``) and
the per-object ``can_*`` checks below read only from it, so the number of
queries a page spends on permissions does not grow with the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .generations import PERSON, keep, stored
from .models import (
    BodyKind,
    Membership,
    Organisation,
    OrganisationAdmin,
    Position,
    Role,
    TokenScope,
)
from .selectors import with_ancestor_ids

BOARD_KINDS = (BodyKind.BOARD, BodyKind.EXECUTIVE)
READABLE_PLAN_STATUSES = ("proposed", "adopted", "archived")
PUBLIC_PLAN_STATUSES = ("adopted", "archived")  # a proposal is for the meeting, unless made public
ACCESS_TIMEOUT = 60 * 60 * 24  # the key names the day; an unused entry ages out


@dataclass(frozen=True)
class Access:
    """The organisations where a person holds each right (ids)."""

    authenticated: bool = False
    member: frozenset[int] = field(default_factory=frozenset)  # read members-only
    officer: frozenset[int] = field(default_factory=frozenset)  # read drafts, board events
    tick: frozenset[int] = field(default_factory=frozenset)  # tick any measure
    edit: frozenset[int] = field(default_factory=frozenset)  # edit draft plans, the wheel
    admin: frozenset[int] = field(default_factory=frozenset)  # life cycle, people
    bodies: frozenset[int] = field(default_factory=frozenset)  # bodies the person sits in

    def filter_plans(self, plans: QuerySet) -> QuerySet:
        public = Q(visibility="public") & (
            Q(status__in=PUBLIC_PLAN_STATUSES) | Q(status="proposed", proposal_public=True)
        )
        members = Q(status__in=READABLE_PLAN_STATUSES, organisation__in=self.member)
        return plans.filter(public | members | Q(organisation__in=self.officer))

    def reads_plan(self, plan) -> bool:
        """``filter_plans`` for one plan already fetched: the same rule, in Python."""
        if plan.visibility == "public" and (
            plan.status in PUBLIC_PLAN_STATUSES
            or (plan.status == "proposed" and plan.proposal_public)
        ):
            return True
        if plan.status in READABLE_PLAN_STATUSES and plan.organisation_id in self.member:
            return True
        return plan.organisation_id in self.officer

    def filter_events(self, events: QuerySet) -> QuerySet:
        return events.filter(
            Q(visibility="public")
            | Q(visibility="members", organisation__in=self.member)
            | Q(visibility="board", organisation__in=self.officer)
        )


ANONYMOUS = Access()


def _subtrees(org_ids: set[int]) -> set[int]:
    if not org_ids:
        return set()
    condition = reduce(or_, (Q(tree_path__contains=pk) for pk in org_ids))
    return set(
        Organisation.objects.with_tree_fields().filter(condition).values_list("pk", flat=True)
    )


def positions_in_force(on=None) -> QuerySet[Position]:
    """Positions that grant rights on the day: the term holds, the body and organisation too.

    A body dissolved or an organisation closed on a day still counts that day, its last.
    """
    on = on or timezone.localdate()
    return Position.objects.in_force(on).filter(
        Q(body__dissolved_on__isnull=True) | Q(body__dissolved_on__gte=on),
        Q(body__organisation__closed_on__isnull=True) | Q(body__organisation__closed_on__gte=on),
    )


def memberships_in_force(on=None) -> QuerySet[Membership]:
    """Memberships that grant rights on the day: not ended, in an organisation not closed."""
    on = on or timezone.localdate()
    return Membership.objects.in_force(on).filter(
        Q(organisation__closed_on__isnull=True) | Q(organisation__closed_on__gte=on)
    )


def compute_access(user, on=None) -> Access:
    """The person's rights on the day (today by default), from what is in force then."""
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    membership_orgs = set(
        memberships_in_force(on).filter(person=user).values_list("organisation_id", flat=True)
    )
    positions = list(
        positions_in_force(on)
        .filter(person=user)
        .values_list("body_id", "body__organisation_id", "body__kind", "role")
    )
    if user.is_superuser:
        # A superuser is an admin of every party: every root's subtree is every
        # organisation, one query like the admin grants' two it replaces.
        admin = set(Organisation.objects.values_list("pk", flat=True))
    else:
        admin_roots = set(
            OrganisationAdmin.objects.filter(person=user).values_list("organisation_id", flat=True)
        )
        admin = _subtrees(admin_roots)
    position_orgs = {org for _, org, _, _ in positions}
    board_orgs = {org for _, org, kind, _ in positions if kind in BOARD_KINDS}
    secretary_orgs = {org for _, org, _, role in positions if role == Role.SECRETARY}

    # A member of a branch is a member of all its ancestors.
    member = with_ancestor_ids(membership_orgs | position_orgs)
    below_boards = _subtrees(board_orgs)  # boards read everything below them

    return Access(
        authenticated=True,
        member=frozenset(member | admin | below_boards),
        officer=frozenset(board_orgs | secretary_orgs | below_boards | admin),
        tick=frozenset(board_orgs | secretary_orgs | admin),
        edit=frozenset(board_orgs | admin),
        admin=frozenset(admin),
        bodies=frozenset(body for body, _, _, _ in positions),
    )


def access_for(user) -> Access:
    """The person's Access today: kept on the user object for the request, and in the
    cache for the day while no membership, position, grant, body or organisation changes
    (see organisations.generations)."""
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_handlingsplan_access", None)
    if cached is None:
        key = access_key(user.pk, timezone.localdate())
        cached, tokens = stored(key, *PERSON)
        if cached is None:
            cached = compute_access(user)
            keep(key, cached, tokens, ACCESS_TIMEOUT)
        user._handlingsplan_access = cached
    return cached


def access_key(person_id: int, day) -> str:
    return f"access:{person_id}:{day.isoformat()}"


def forget_access(user) -> None:
    """Drop the cached Access after the person's memberships or positions change."""
    if hasattr(user, "_handlingsplan_access"):
        del user._handlingsplan_access


# Per-object checks. Objects are fetched through visible_to() first, so these
# answer only "may this person do this to a thing they can already see".


def can_read_members_content(user, organisation: Organisation) -> bool:
    return organisation.pk in access_for(user).member


def can_see_people(user, organisation_id: int) -> bool:
    """Names, emails and positions of the organisation's people are members' content."""
    return organisation_id in access_for(user).member


def can_read_drafts(user, organisation: Organisation) -> bool:
    return organisation.pk in access_for(user).officer


def can_edit_plan(user, plan) -> bool:
    return plan.is_editable and plan.organisation_id in access_for(user).edit


def can_write_plans(user, organisation_id: int) -> bool:
    """Create, duplicate, version and delete draft plans of the organisation."""
    return organisation_id in access_for(user).edit


def can_manage_plan_lifecycle(user, plan) -> bool:
    return plan.organisation_id in access_for(user).admin


def can_submit_amendment(user, organisation_id: int) -> bool:
    """The members of an organisation (and of its branches) amend its proposals."""
    return organisation_id in access_for(user).member


def can_recommend_on_amendments(user, organisation_id: int, committee_id: int | None) -> bool:
    """The drafting committee recommends; without one, the board. Admins may always."""
    access = access_for(user)
    if organisation_id in access.admin:
        return True
    if committee_id is not None:
        return committee_id in access.bodies
    return organisation_id in access.edit


def can_record_votes(user, plan) -> bool:
    """The meeting's secretary records the votes and adopts: the life cycle's right."""
    return can_manage_plan_lifecycle(user, plan)


def can_tick_measure(user, measure, responsible_ids: Iterable[int] | None = None) -> bool:
    """Secretaries, boards and admins tick any measure; body members their own."""
    access = access_for(user)
    organisation_id = measure.goal.plan.organisation_id
    if organisation_id in access.tick:
        return True
    if responsible_ids is None:
        responsible_ids = [body.pk for body in measure.responsible.all()]
    return bool(access.bodies.intersection(responsible_ids))


def can_record_measurement(user, target) -> bool:
    """Measurements of an adopted plan's targets: those who tick any of its measures."""
    plan = target.goal.plan
    return plan.status == "adopted" and plan.organisation_id in access_for(user).tick


def token_allows_progress(token) -> bool:
    """A token acts with its person's rights, within its scope; a session has no scope."""
    return token is None or getattr(token, "scope", None) == TokenScope.PROGRESS


def can_tick_assignment(user, assignment) -> bool:
    return assignment.organisation_id in access_for(user).tick


def can_edit_calendar(user, organisation: Organisation) -> bool:
    access = access_for(user)
    return organisation.pk in access.edit or organisation.pk in access.tick


def can_manage_organisation(user, organisation: Organisation) -> bool:
    return organisation.pk in access_for(user).admin


def organisations_managed_by(user) -> QuerySet[Organisation]:
    """Every organisation the person administers: the subtrees of their admin grants."""
    return Organisation.objects.filter(pk__in=access_for(user).admin)


def move_parents_for(user) -> QuerySet[Organisation]:
    """Where the person may move a node to: open organisations of their own subtrees.

    A cycle (a node under itself or its descendants) is the model's to refuse.
    """
    return organisations_managed_by(user).filter(closed_on__isnull=True)


def must_use_mfa(user) -> bool:
    """Organisation admins (and superusers) manage people and adopt plans: a second factor."""
    return bool(access_for(user).admin)


class LoginRequired(Exception):
    """Raised for an anonymous visitor where a logged-in person might see more."""


def get_visible_or_404(request, queryset: QuerySet, **lookup):
    """Fetch through a scoped queryset: 404 for a person, the login page for a visitor."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        if not request.user.is_authenticated:
            raise LoginRequired from None
        raise Http404 from None


def require(allowed: bool) -> None:
    """Refuse with 403 when a person may see a thing but not do this to it."""
    if not allowed:
        raise PermissionDenied


def require_in(user, organisation: Organisation, allowed: bool) -> None:
    """Like require(), but an outsider to the organisation gets 404, not 403."""
    if allowed:
        return
    if not can_read_members_content(user, organisation):
        raise Http404
    raise PermissionDenied
