"""The invitation form of an organisation's admins, and the sign-up form an invitation opens."""

from __future__ import annotations

from allauth.account.forms import SignupForm
from allauth.core import context
from django import forms
from django.utils.translation import gettext_lazy as _

from .invitations import invitation_in_session
from .limits import FreeTextField
from .models import Body, Organisation, Role
from .params import FIRST_YEAR, LAST_YEAR, in_sane_years


class TermDayField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def clean(self, value):
        day = super().clean(value)
        if day and not in_sane_years(day):
            raise forms.ValidationError(
                _("Choose a date between the years %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return day


class InvitationForm(forms.Form):
    """Whom to invite, and into what: as a member, or into a place in a body for a term."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("The invitation is sent here; the person signs up or logs in with it."),
    )
    name = FreeTextField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("For the greeting and the new account; the person can change it."),
    )
    body = forms.ModelChoiceField(
        label=_("Body"),
        queryset=Body.objects.none(),
        required=False,
        empty_label=_("None: invite as a member only"),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", _("None")), *Role.choices],
        required=False,
        help_text=_("Required when you choose a body."),
    )
    starts_on = TermDayField(
        label=_("Term starts"), required=False, help_text=_("Empty: the day it is accepted.")
    )
    ends_on = TermDayField(label=_("Term ends"), required=False, help_text=_("Empty: open."))

    def __init__(self, organisation: Organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = organisation.bodies.filter(dissolved_on__isnull=True)


class InvitationSignupForm(SignupForm):
    """allauth's sign-up form; from an invitation's link the address is the invited one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = context.request
        self.invitation = invitation_in_session(request) if request is not None else None
        if self.invitation is not None:
            field = self.fields["email"]
            field.initial = self.invitation.email
            field.widget.attrs["readonly"] = True
            field.help_text = _("The address the invitation was sent to.")
