"""The right to erasure: a person deletes their account, the plans keep their record."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from . import personal_data
from .audit import audit
from .models import Organisation, User
from .permissions import forget_access
from .selectors import organisations_left_without_admin


@transaction.atomic
def person_erase(*, person: User, by: User | None) -> None:
    """Erase the account; notes, ticks and the log stay, signed "former member".

    Refused while the person is the only admin of an organisation: it would be
    left without anyone who can appoint its people.
    """
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.erased_at:
        return
    alone = organisations_left_without_admin(person)
    if alone:
        raise ValidationError(
            _("You are the only administrator of %(organisations)s.")
            % {"organisations": ", ".join(org.name for org in alone)}
        )
    organisations = list(
        Organisation.objects.filter(
            Q(memberships__person=person)
            | Q(bodies__positions__person=person)
            | Q(admin_grants__person=person)
        ).distinct()
    )
    personal_data.erase(person)
    forget_access(person)
    for organisation in organisations:
        # The erased account as actor when the person erased themselves: it reads
        # "former member", and the entry names nobody.
        audit(
            organisation=organisation,
            actor=by if by is not None and by.pk != person.pk else person,
            action="person.erase",
        )
