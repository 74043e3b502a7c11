from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goals.forms import RevisionForm
from goals.models import Goal
from organisations.limits import LONG_TEXT_MAX_LENGTH, FreeTextField
from organisations.models import Language
from organisations.params import BoundedModelMultipleChoiceField

from .models import Plan, PlanKind, Visibility

YEAR_ATTRS = {"min": 2000, "max": 2100, "inputmode": "numeric"}


class PlanFieldsForm(forms.Form):
    title = FreeTextField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanKind.choices)
    first_year = forms.IntegerField(
        label=_("First year"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs=YEAR_ATTRS),
    )
    last_year = forms.IntegerField(
        label=_("Last year"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs=YEAR_ATTRS),
    )
    language = forms.ChoiceField(label=_("Language of the plan"), choices=Language.choices)
    visibility = forms.ChoiceField(label=_("Who may read it"), choices=Visibility.choices)
    preamble = FreeTextField(
        label=_("Preamble"),
        max_length=LONG_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "data-markdown": "1"}),
        help_text=_("Markdown: **bold**, *italic*, lists with -."),
    )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first and last and last < first:
            self.add_error("last_year", _("The last year cannot be before the first."))
        if first and last and last - first > 10:
            self.add_error("last_year", _("A plan covers at most ten years."))
        return cleaned

    def values(self) -> dict:
        fields = ("title", "kind", "first_year", "last_year", "language", "visibility", "preamble")
        return {name: self.cleaned_data[name] for name in fields}


class PlanSettingsForm(RevisionForm, PlanFieldsForm):
    @classmethod
    def for_plan(cls, plan: Plan, data=None) -> PlanSettingsForm:
        initial = {name: getattr(plan, name) for name in PlanFieldsForm.base_fields}
        return cls(data, initial={**initial, "revision": plan.revision})


class GoalChoiceField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, goal: Goal) -> str:
        return str(goal)


class PlanCreateForm(PlanFieldsForm):
    implements = forms.ModelChoiceField(
        label=_("Carries out"),
        queryset=Plan.objects.none(),
        required=False,
        empty_label=_("— no plan above —"),
        help_text=_("An adopted plan of the organisation above that this plan carries out."),
    )
    derived_goals = GoalChoiceField(
        label=_("Goals to take over"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They are copied into the new plan, linked to the goals above."),
    )

    def __init__(self, *args, parent_plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        parent_plans = parent_plans if parent_plans is not None else Plan.objects.none()
        self.fields["implements"].queryset = parent_plans
        self.fields["derived_goals"].queryset = (
            Goal.objects.filter(plan__in=parent_plans, parent=None)
            .select_related("plan")
            .order_by("plan", "section__order", "order", "pk")
        )
        year = timezone.localdate().year + 1
        self.initial.setdefault("first_year", year)
        self.initial.setdefault("last_year", year)

    def clean(self):
        cleaned = super().clean()
        implements = cleaned.get("implements")
        goals = cleaned.get("derived_goals") or []
        if goals and implements is None:
            self.add_error("implements", _("Choose the plan the goals come from."))
        elif any(goal.plan_id != implements.pk for goal in goals):
            self.add_error("derived_goals", _("Choose goals of the plan this plan carries out."))
        return cleaned


class SectionForm(RevisionForm):
    title = FreeTextField(label=_("Title"), max_length=300)
    intro = FreeTextField(
        label=_("Introduction"),
        max_length=LONG_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-markdown": "1"}),
        help_text=_("Markdown: **bold**, *italic*, lists with -."),
    )

    @classmethod
    def for_section(cls, section, data=None) -> SectionForm:
        return cls(
            data,
            prefix=f"section-{section.pk}",
            initial={"title": section.title, "intro": section.intro, "revision": section.revision},
        )

    def values(self) -> dict:
        return {"title": self.cleaned_data["title"].strip(), "intro": self.cleaned_data["intro"]}


class NewSectionForm(forms.Form):
    title = FreeTextField(label=_("Title of the new section"), max_length=300)


class AdoptForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Adopted by"), queryset=None)
    on = forms.DateField(
        label=_("Date of adoption"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.initial.setdefault("on", timezone.localdate())

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("The adoption date cannot be in the future."))
        return on
