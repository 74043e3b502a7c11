from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.limits import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH, FreeTextField
from organisations.models import Body
from organisations.params import (
    FIRST_YEAR,
    LAST_YEAR,
    BoundedModelMultipleChoiceField,
    in_sane_years,
)

from .due import DueParseError, parse_due
from .models import Goal, Measure
from .recurrence import CHOICES, choice_for, rrule_for


class RevisionForm(forms.Form):
    """Carries the revision the person started from, to detect concurrent edits."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class GoalForm(RevisionForm):
    code = FreeTextField(
        label=_("Code"),
        max_length=20,
        required=False,
        help_text=_('A letter or number, e.g. "A" or "Delmål 1".'),
    )
    title = FreeTextField(label=_("Title"), max_length=500)
    description = FreeTextField(
        label=_("Description"),
        max_length=LONG_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-markdown": "1"}),
        help_text=_("Markdown: **bold**, *italic*, lists with -."),
    )
    lead_in = FreeTextField(
        label=_("Lead-in to measures"),
        max_length=300,
        required=False,
        help_text=_('E.g. "For å komme nærmere målet skal:".'),
    )

    @classmethod
    def for_goal(cls, goal: Goal, data=None) -> GoalForm:
        initial = {f: getattr(goal, f) for f in ("code", "title", "description", "lead_in")}
        return cls(data, initial={**initial, "revision": goal.revision}, prefix=f"goal-{goal.pk}")

    def values(self) -> dict:
        return {
            f: self.cleaned_data[f].strip() for f in ("code", "title", "description", "lead_in")
        }


class NewGoalForm(forms.Form):
    code = GoalForm.base_fields["code"]
    title = GoalForm.base_fields["title"]


class MeasureForm(RevisionForm):
    text = FreeTextField(
        label=_("Measure"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what is to be done.")},
    )
    responsible = BoundedModelMultipleChoiceField(
        label=_("Responsible"),
        queryset=Body.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    delegated = forms.BooleanField(
        label=_("Delegated to all organisations below"),
        required=False,
        help_text=_("Every organisation below carries the measure out and ticks its own."),
    )
    due = FreeTextField(
        label=_("Due"),
        max_length=100,
        required=False,
        help_text=_("As you would write it: 15.06.2026, juni 2026, våren 2026, høsten 2026, 2026."),
    )
    recurrence = forms.ChoiceField(label=_("Repeats"), choices=CHOICES, required=False)
    times_a_year = forms.IntegerField(
        label=_("Times a year"), min_value=1, max_value=12, required=False
    )
    tags = FreeTextField(
        label=_("Tags"),
        max_length=300,
        required=False,
        help_text=_("Separated by commas, e.g. training, recruitment."),
    )

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = bodies if bodies is not None else Body.objects.none()

    @classmethod
    def for_measure(cls, measure: Measure, bodies, data=None) -> MeasureForm:
        choice, times = choice_for(measure.recurrence)
        initial = {
            "revision": measure.revision,
            "text": measure.text,
            "responsible": [body.pk for body in measure.responsible.all()],
            "delegated": measure.delegated,
            "due": measure.due_text,
            "recurrence": choice,
            "times_a_year": times,
            "tags": ", ".join(tag.name for tag in measure.tags.all()),
        }
        return cls(data, initial=initial, bodies=bodies, prefix=f"measure-{measure.pk}")

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write what is to be done."))
        return text

    def clean_due(self) -> str:
        due = self.cleaned_data["due"].strip()
        if due:
            try:
                parse_due(due)
            except DueParseError as error:
                raise forms.ValidationError(str(error)) from None
        return due

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("recurrence") or ""
        times = cleaned.get("times_a_year")
        if choice == "times_a_year" and not times:
            self.add_error("times_a_year", _("How many times a year? Write a number from 1 to 12."))
        elif "recurrence" in cleaned:
            cleaned["rrule"] = rrule_for(choice, times)
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "responsible": list(data["responsible"]),
            "due": data["due"],
            "recurrence": data["rrule"],
            "delegated": data["delegated"],
            "tags": [t for t in (part.strip() for part in data["tags"].split(",")) if t],
        }


class MeasurementForm(forms.Form):
    value = forms.DecimalField(label=_("Value"), max_digits=12, decimal_places=2)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    source = FreeTextField(label=_("Source"), max_length=200, required=False)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A measurement cannot be from the future."))
        if not in_sane_years(day):
            raise forms.ValidationError(
                _("Choose a date between the years %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return day


class TickForm(forms.Form):
    """The note that comes with a tick; the status and the rest are the service's to check."""

    note = FreeTextField(label=_("Note"), max_length=SHORT_TEXT_MAX_LENGTH, required=False)
