from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.limits import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH, FreeTextField
from organisations.models import Body, Organisation, OrganisationKind
from organisations.params import (
    FIRST_YEAR,
    LAST_YEAR,
    BoundedModelMultipleChoiceField,
    in_sane_years,
)

from .due import DueParseError, parse_due
from .models import Goal, Measure
from .recurrence import (
    CHOICES,
    RecurrenceParseError,
    choice_for,
    describe_recurrence,
    parse_recurrence,
    rrule_for,
    validate_rule,
)


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


DELEGATION_CHOICES = [
    ("", _("Not delegated")),
    ("branches", _("All local branches below")),
    ("kind", _("All organisations of one kind below")),
    ("chosen", _("Only the organisations I choose")),
]
DELEGATE_KINDS = [
    (OrganisationKind.REGION, _("Regions")),
    (OrganisationKind.COUNTY, _("Counties and districts")),
    (OrganisationKind.YOUTH, _("Youth organisations")),
]


def _delegation_initial(measure: Measure) -> dict:
    if not measure.delegated:
        choice = ""
    elif measure.delegate_kind == OrganisationKind.BRANCH:
        choice = "branches"
    else:
        choice = "kind" if measure.delegate_kind else "chosen"
    return {
        "delegated": choice,
        "delegate_kind": measure.delegate_kind if choice == "kind" else "",
        "delegate_to": [o.pk for o in measure.delegate_to.all()] if choice == "chosen" else [],
    }


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
    delegated = forms.ChoiceField(
        label=_("Carried out by the organisations below"),
        choices=DELEGATION_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Each of them ticks off its own share."),
    )
    delegate_kind = forms.ChoiceField(
        label=_("Which kind"),
        choices=[("", "—"), *DELEGATE_KINDS],
        required=False,
        help_text=_("Also the ones created later, at any depth below."),
    )
    delegate_to = BoundedModelMultipleChoiceField(
        label=_("Which organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only these: organisations created later are not added."),
    )
    due = FreeTextField(
        label=_("Due"),
        max_length=100,
        required=False,
        help_text=_(
            "As you would write it: 15.06.2026, juni 2026, uke 23 2026, 1. kvartal 2026, "
            "våren 2026, høsten 2026, 2026, 2025–2028, i valgkampen 2025, løpende."
        ),
    )
    recurrence_text = FreeTextField(
        label=_("Repeats"),
        max_length=200,
        required=False,
        help_text=_(
            "In plain words, e.g. hver uke, en gang i måneden, kvartalsvis, 10 ganger i året, "
            "minst to ganger i halvåret. Leave empty to use the list below."
        ),
    )
    recurrence = forms.ChoiceField(label=_("Or pick how often"), choices=CHOICES, required=False)
    times_a_year = forms.IntegerField(
        label=_("Times a year"), min_value=1, max_value=12, required=False
    )
    tags = FreeTextField(
        label=_("Tags"),
        max_length=300,
        required=False,
        help_text=_("Separated by commas, e.g. training, recruitment."),
    )

    def __init__(
        self,
        *args,
        bodies=None,
        period: tuple[int, int] | None = None,
        organisations=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = bodies if bodies is not None else Body.objects.none()
        # The organisations below the plan's: a measure is delegated to some of them.
        self.fields["delegate_to"].queryset = (
            organisations if organisations is not None else Organisation.objects.none()
        )
        # The plan's first and last year: due texts are read with it.
        self.period = period
        # The stored recurrence, kept as it is unless the person changes the words or menu.
        self.kept_recurrence: dict | None = None

    @classmethod
    def for_goal(cls, goal: Goal, bodies, data=None, prefix: str | None = None) -> MeasureForm:
        """The form for a new measure under a goal: due texts are read with its plan's period."""
        plan = goal.plan
        return cls(
            data,
            bodies=bodies,
            prefix=prefix or f"goal-{goal.pk}-add-measure",
            initial={"revision": 1},
            period=(plan.first_year, plan.last_year),
            organisations=plan.organisation.descendants(),
        )

    @classmethod
    def for_measure(cls, measure: Measure, bodies, data=None) -> MeasureForm:
        rule, minimum = measure.recurrence, measure.recurrence_minimum
        choice, times = choice_for(rule)
        try:
            menu_rule = rrule_for(choice, times)
        except ValueError:
            menu_rule = None
        menu_shows_it = menu_rule == rule and not minimum
        # A rule the menu cannot show is shown in words, so saving never drops it.
        words = measure.recurrence_wording if rule else ""
        if rule and not words and not menu_shows_it:
            words = describe_recurrence(rule, minimum=minimum)
        initial = {
            "revision": measure.revision,
            "text": measure.text,
            "responsible": [body.pk for body in measure.responsible.all()],
            **_delegation_initial(measure),
            "due": measure.due_text,
            "recurrence_text": words,
            "recurrence": choice if menu_shows_it or words else "",
            "times_a_year": times if menu_shows_it or words else None,
            "tags": ", ".join(tag.name for tag in measure.tags.all()),
        }
        plan = measure.goal.plan
        form = cls(
            data,
            initial=initial,
            bodies=bodies,
            prefix=f"measure-{measure.pk}",
            period=(plan.first_year, plan.last_year),
            organisations=plan.organisation.descendants(),
        )
        form.kept_recurrence = {
            "words": words,
            "rule": rule,
            "minimum": minimum,
            "wording": measure.recurrence_wording,
            "choice": initial["recurrence"],
            "times": initial["times_a_year"],
        }
        return form

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write what is to be done."))
        return text

    def clean_due(self) -> str:
        due = self.cleaned_data["due"].strip()
        if due:
            try:
                parse_due(due, period=self.period)
            except DueParseError as error:
                # Without the plan's period the service, which knows it, reads the text.
                if not (error.needs_period and self.period is None):
                    raise forms.ValidationError(str(error)) from None
        return due

    def clean(self):
        """Work out the rule: the words win when given; empty words leave it to the menu.

        Words left as they were shown keep the stored rule (even one the menu cannot
        show), unless the menu was changed.
        """
        cleaned = super().clean()
        self._clean_delegation(cleaned)
        if "recurrence" not in cleaned or "recurrence_text" not in cleaned:
            return cleaned
        words = cleaned["recurrence_text"].strip()
        choice = cleaned.get("recurrence") or ""
        times = cleaned.get("times_a_year")
        kept = self.kept_recurrence
        menu_changed = kept is not None and (
            choice != (kept["choice"] or "")
            or (choice == "times_a_year" and times != kept["times"])
        )
        words_sent = self.add_prefix("recurrence_text") in self.data
        if kept and not menu_changed and (words == kept["words"] if words else not words_sent):
            rule, minimum, wording = kept["rule"], kept["minimum"], kept["wording"]
        elif words and not (kept and words == kept["words"]):
            try:
                found = parse_recurrence(words)
            except RecurrenceParseError as error:
                self.add_error("recurrence_text", str(error))
                return cleaned
            rule, minimum, wording = found.rule, found.minimum, words
        elif choice == "times_a_year" and not times:
            self.add_error("times_a_year", _("How many times a year? Write a number from 1 to 12."))
            return cleaned
        else:
            rule, minimum, wording = rrule_for(choice, times), False, ""
        try:
            rule = validate_rule(rule)
        except RecurrenceParseError as error:
            self.add_error("recurrence_text", str(error))
            return cleaned
        cleaned["rrule"] = rule
        cleaned["recurrence_minimum"] = minimum if rule else False
        cleaned["recurrence_wording"] = wording if rule else ""
        return cleaned

    def _clean_delegation(self, cleaned: dict) -> None:
        choice = cleaned.get("delegated")
        if choice == "kind" and not cleaned.get("delegate_kind"):
            self.add_error("delegate_kind", _("Choose which kind of organisation."))
        if choice == "chosen" and not cleaned.get("delegate_to"):
            self.add_error("delegate_to", _("Choose at least one organisation."))

    def _delegation_arguments(self) -> dict:
        choice = self.cleaned_data["delegated"]
        kinds = {"branches": OrganisationKind.BRANCH, "kind": self.cleaned_data["delegate_kind"]}
        return {
            "delegated": bool(choice),
            "delegate_kind": kinds.get(choice, ""),
            "delegate_to": list(self.cleaned_data["delegate_to"]) if choice == "chosen" else [],
        }

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "responsible": list(data["responsible"]),
            "due": data["due"],
            "recurrence": data["rrule"],
            "recurrence_text": data["recurrence_wording"],
            "recurrence_minimum": data["recurrence_minimum"],
            **self._delegation_arguments(),
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
    """The note and date that come with a tick; the status and the rest are the service's to check.

    An empty date means today; the service keeps it within the plan's period and the past.
    """

    note = FreeTextField(label=_("Note"), max_length=SHORT_TEXT_MAX_LENGTH, required=False)
    done_on = forms.DateField(
        label=_("Done on"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("The date it was done is not a date (YYYY-MM-DD).")},
    )

    def clean_done_on(self):
        day = self.cleaned_data["done_on"]
        if day is not None and not in_sane_years(day):
            raise forms.ValidationError(_("The date it was done is not a date (YYYY-MM-DD)."))
        return day
