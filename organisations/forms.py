"""Forms of the ground floor: a person's own account."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


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
