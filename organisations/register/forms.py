"""Forms of the register import: the file, and which column holds what."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .readers import FIELDS, MAX_BYTES, REQUIRED_FIELDS

FIELD_LABELS = {
    "member_number": _("Member number"),
    "name": _("Name"),
    "first_name": _("First name (if the name is in two columns)"),
    "last_name": _("Last name (if the name is in two columns)"),
    "email": _("Email address"),
    "branch": _("Branch or municipality"),
}


class RegisterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Register file (CSV or XLSX)"),
        help_text=_("An export of the membership register, at most 5 MB and 20,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is larger than %(size)d MB. "
                    "Split it, or export only the columns needed."
                )
                % {"size": MAX_BYTES // (1024 * 1024)}
            )
        return upload


class RegisterMappingForm(forms.Form):
    """One choice per field among the file's columns, pre-filled with the guess."""

    def __init__(self, columns: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —"))] + [
            (str(index), name) for index, name in enumerate(columns)
        ]
        for name in FIELDS:
            self.fields[name] = forms.TypedChoiceField(
                label=FIELD_LABELS[name],
                choices=choices,
                coerce=int,
                empty_value=None,
                required=name in REQUIRED_FIELDS,
            )

    def clean(self):
        cleaned = super().clean()
        chosen = [value for value in cleaned.values() if value is not None]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("Each column can hold only one thing; choose again."))
        return cleaned

    def mapping(self) -> dict[str, int | None]:
        return {name: self.cleaned_data.get(name) for name in FIELDS}
