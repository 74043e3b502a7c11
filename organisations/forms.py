"""Forms of the ground floor: a person's own account."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .limits import FreeTextField
from .models import (
    TIME_ZONE_CHOICES,
    Body,
    BodyKind,
    Country,
    Language,
    Membership,
    Organisation,
    OrganisationAdmin,
    OrganisationKind,
    Position,
    Role,
    TokenScope,
    User,
)
from .params import FIRST_YEAR, LAST_YEAR, in_sane_years


class AccountDeleteForm(forms.Form):
    """The person proves it is them: their password, or their email where they have none."""

    confirmation = forms.CharField(strip=False)

    def __init__(self, person: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        field = self.fields["confirmation"]
        if person.has_usable_password():
            field.label = _("Your password")
            field.widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})
        else:
            field.label = _("Your email address")
            field.help_text = _("Type the email address you log in with.")
            field.widget = forms.EmailInput(attrs={"autocomplete": "off"})

    def clean_confirmation(self) -> str:
        value = self.cleaned_data["confirmation"]
        if self.person.has_usable_password():
            if not self.person.check_password(value):
                raise forms.ValidationError(_("That is not your password."))
        elif value.strip().lower() != self.person.email.lower():
            raise forms.ValidationError(_("That is not the email address you log in with."))
        return value


# The organisation admin's pages (views_manage.py).

# Which kinds of organisation go under which: a county holds regions, branches and its
# youth; a branch may hold a bydelslag or a studentlag.
CHILD_KINDS: dict[str, list[str]] = {
    OrganisationKind.NATIONAL: [OrganisationKind.COUNTY, OrganisationKind.YOUTH],
    OrganisationKind.COUNTY: [
        OrganisationKind.BRANCH,
        OrganisationKind.REGION,
        OrganisationKind.YOUTH,
    ],
    OrganisationKind.REGION: [OrganisationKind.BRANCH],
    OrganisationKind.BRANCH: [OrganisationKind.BRANCH],
    OrganisationKind.YOUTH: [OrganisationKind.YOUTH, OrganisationKind.BRANCH],
}
# Letters slugify() would drop: it keeps only what decomposes to ASCII.
_SLUG_LETTERS = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "ß": "ss"})


def slug_suggest(name: str) -> str:
    """An address from a name: "Rødt Bærum" → "rodt-baerum"."""
    return slugify(name.translate(_SLUG_LETTERS))[:100].strip("-")


def _sane_day(day):
    if day and not in_sane_years(day):
        raise forms.ValidationError(
            _("Choose a date between the years %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return day


class DayField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def clean(self, value):
        return _sane_day(super().clean(value))


def people_known_in(party: Organisation):
    """Everyone the party already knows: a membership, a position (in force or not) or an
    admin grant anywhere in its tree."""
    tree = Organisation.objects.descendants(party, include_self=True).values("pk")
    return User.objects.filter(
        Q(pk__in=Membership.objects.filter(organisation__in=tree).values("person"))
        | Q(pk__in=Position.objects.filter(body__organisation__in=tree).values("person"))
        | Q(pk__in=OrganisationAdmin.objects.filter(organisation__in=tree).values("person"))
    )


class PersonField(forms.EmailField):
    """An active account the party already knows, named by its exact email address.

    Party membership is special-category data: an admin of one party must not learn whether
    an address has an account, or whose it is, in another. Everyone outside the party gets
    the same answer, with or without an account here; the form sets ``party``.
    """

    widget = forms.EmailInput(attrs={"autocomplete": "off", "list": "people"})
    party: Organisation | None = None

    def clean(self, value):
        email = super().clean(value)
        if not email:
            return None
        if self.party is None:
            raise ImproperlyConfigured("PersonField looks people up in a party: set its party.")
        person = (
            people_known_in(self.party)
            .filter(email__iexact=email, is_active=True, erased_at__isnull=True)
            .first()
        )
        if person is None:
            raise forms.ValidationError(
                _("Nobody in %(party)s has this address. Invite the person instead.")
                % {"party": self.party.name}
            )
        return person


class _PersonForm(forms.Form):
    """A form with a ``person`` looked up in ``party``, the root of the managed tree."""

    def __init__(self, *args, party: Organisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].party = party


class NameForm(forms.Form):
    name = FreeTextField(label=_("Name"), max_length=200)


class OrganisationCreateForm(forms.Form):
    """A new organisation below ``parent``; language, country and time zone from the parent."""

    name = FreeTextField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Address name"),
        max_length=100,
        required=False,
        help_text=_("Part of the page address. Leave it empty to make one from the name."),
        widget=forms.TextInput(attrs={"data-slug-from": "id_name"}),
    )
    kind = forms.ChoiceField(label=_("Kind"))
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    country = forms.ChoiceField(label=_("Country"), choices=Country.choices)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)

    def __init__(self, parent: Organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = dict(OrganisationKind.choices)
        self.fields["kind"].choices = [(k, kinds[k]) for k in CHILD_KINDS[parent.kind]]
        self.fields["language"].initial = parent.language
        self.fields["country"].initial = parent.country
        self.fields["time_zone"].initial = parent.time_zone

    def clean(self):
        cleaned = super().clean()
        if "slug" in cleaned and cleaned.get("name"):
            slug = cleaned["slug"] or slug_suggest(cleaned["name"])
            if not slug:
                self.add_error("slug", _("Give an address name of letters a–z, digits and -."))
            elif Organisation.objects.filter(slug=slug).exists():
                self.add_error(
                    "slug",
                    _(
                        "The address name “%(slug)s” is taken by another organisation; "
                        "choose another."
                    )
                    % {"slug": slug},
                )
            else:
                cleaned["slug"] = slug
        return cleaned


class OrganisationMoveForm(forms.Form):
    parent = forms.ModelChoiceField(label=_("New place in the tree"), queryset=None)

    def __init__(self, organisation: Organisation, parents, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["parent"].queryset = parents.order_by("name")
        self.fields["parent"].initial = organisation.parent_id

    def clean_parent(self):
        parent = self.cleaned_data["parent"]
        candidate = Organisation.objects.get(pk=self.organisation.pk)
        candidate.parent = parent
        try:
            candidate.clean()  # the model refuses cycles, in its own words
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict.get("parent", error.messages)) from None
        if parent.pk == self.organisation.parent_id:
            raise forms.ValidationError(
                _("%(name)s is already there.") % {"name": self.organisation.name}
            )
        if self.organisation.kind not in CHILD_KINDS[parent.kind]:
            raise forms.ValidationError(
                _("A %(kind)s cannot be placed under a %(parent_kind)s.")
                % {
                    "kind": self.organisation.get_kind_display().lower(),
                    "parent_kind": parent.get_kind_display().lower(),
                }
            )
        return parent


class DayForm(forms.Form):
    """The day something ends: a close, a dissolution, the end of a term."""

    on = DayField(label=_("Last day"))

    def __init__(self, *args, not_before=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.not_before = not_before
        self.fields["on"].initial = timezone.localdate()

    def clean_on(self):
        on = self.cleaned_data["on"]
        if self.not_before and on < self.not_before:
            raise forms.ValidationError(
                _("The end cannot be before the start (%(start)s).")
                % {"start": date_format(self.not_before)}
            )
        return on


class BodyForm(forms.Form):
    name = FreeTextField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=BodyKind.choices)

    def __init__(self, organisation: Organisation, *args, body: Body | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.body = body
        if body is not None:  # renaming: the kind stays
            del self.fields["kind"]
            self.fields["name"].initial = body.name

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = self.organisation.bodies.filter(name__iexact=name)
        if self.body is not None:
            others = others.exclude(pk=self.body.pk)
        if others.exists():
            raise forms.ValidationError(
                _("%(organisation)s already has a body named %(name)s.")
                % {"organisation": self.organisation.name, "name": name}
            )
        return name


def _term_check(form: forms.Form, start: str, end: str) -> None:
    starts_on, ends_on = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if starts_on and ends_on and ends_on < starts_on:
        form.add_error(end, _("The term cannot end before it starts."))


class PositionAddForm(_PersonForm):
    person = PersonField(label=_("Email address of the person"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    starts_on = DayField(label=_("Term starts"))
    ends_on = DayField(
        label=_("Term ends"), required=False, help_text=_("The last day; empty if open.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        _term_check(self, "starts_on", "ends_on")
        return cleaned


class HolderForm(_PersonForm):
    """One row of a new board: an empty row is skipped."""

    person = PersonField(label=_("Email address"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


HolderFormSet = forms.formset_factory(HolderForm, extra=4, max_num=60, validate_max=True)


class HandOverForm(forms.Form):
    starts_on = DayField(label=_("The new board starts"))
    ends_on = DayField(
        label=_("Its term ends"), required=False, help_text=_("The last day; empty if open.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        _term_check(self, "starts_on", "ends_on")
        return cleaned


def holders_from(formset) -> list[tuple[User, str]]:
    """The (person, role) rows of a valid formset, without empty rows and repeats."""
    holders: list[tuple[User, str]] = []
    for row in formset.cleaned_data:
        pair = (row.get("person"), row.get("role"))
        if pair[0] is not None and pair not in holders:
            holders.append(pair)
    return holders


class MembershipAddForm(_PersonForm):
    person = PersonField(label=_("Email address of the person"))
    member_number = FreeTextField(label=_("Member number"), max_length=50, required=False)
    since = DayField(label=_("Member since"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["since"].initial = timezone.localdate()


class ApiTokenForm(forms.Form):
    """A new personal access token: what it is for, what it may do, how long it lasts."""

    name = FreeTextField(
        label=_("Name"),
        max_length=100,
        help_text=_('What the token is for, e.g. "Website" or "Membership register".'),
    )
    scope = forms.ChoiceField(
        label=pgettext_lazy("token scope", "May"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
    )
    days = forms.TypedChoiceField(
        label=_("Lasts"),
        coerce=int,
        choices=[(30, _("30 days")), (90, _("90 days")), (365, _("One year"))],
        initial=90,
    )
