"""Forms of the meeting: the proposal, an amendment, a recommendation, the adoption."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goals.forms import RevisionForm
from organisations.limits import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH, FreeTextField
from organisations.models import BodyKind

from ..models import Visibility
from .models import AmendmentAction, Recommendation

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LINE_ATTRS = {"min": 1, "inputmode": "numeric"}


class ProposeForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=None)
    meeting_on = forms.DateField(label=_("Date of the meeting"), widget=DATE_INPUT)
    deadline = forms.DateField(
        label=_("Deadline for amendments"),
        widget=DATE_INPUT,
        help_text=_("Amendments are taken until the end of this day."),
    )
    drafting_committee = forms.ModelChoiceField(
        label=_("Drafting committee"),
        queryset=None,
        required=False,
        empty_label=_("— none: the board recommends —"),
    )
    from_members = forms.BooleanField(
        label=_("Members may send amendments on their own behalf"), required=False, initial=True
    )
    from_branches = forms.BooleanField(
        label=_("Branches may send amendments"), required=False, initial=True
    )
    from_bodies = forms.BooleanField(
        label=_("Committees and other bodies may send amendments"), required=False, initial=True
    )
    public = forms.BooleanField(
        label=_("Show the proposal to the public, not only to the members"), required=False
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = plan.organisation.bodies.filter(dissolved_on__isnull=True).order_by("name")
        self.fields["meeting"].queryset = bodies.filter(kind=BodyKind.MEETING)
        self.fields["drafting_committee"].queryset = bodies.exclude(kind=BodyKind.MEETING)
        if plan.visibility != Visibility.PUBLIC:
            del self.fields["public"]
        meetings = list(self.fields["meeting"].queryset[:2])
        if len(meetings) == 1:
            self.initial.setdefault("meeting", meetings[0])

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in ("from_members", "from_branches", "from_bodies")):
            raise forms.ValidationError(_("Let someone send amendments: tick at least one."))
        return cleaned


class AmendmentForm(RevisionForm):
    """What an amendment changes (lines or an item), the text, and for whom it is sent."""

    sender = forms.ChoiceField(label=_("Sent by"))
    action = forms.ChoiceField(label=_("What it changes"), choices=AmendmentAction.choices)
    first_line = forms.IntegerField(
        label=_("From line"),
        required=False,
        min_value=1,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs=LINE_ATTRS),
    )
    last_line = forms.IntegerField(
        label=_("To line"),
        required=False,
        min_value=1,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs=LINE_ATTRS),
        help_text=_("Empty: the same as the first line."),
    )
    item = forms.ChoiceField(
        label=_("Or a goal or measure"),
        required=False,
        help_text=_("Instead of lines: the whole goal or measure."),
    )
    text = FreeTextField(
        label=_("Proposed text"),
        required=False,
        max_length=SHORT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Not needed to delete. For a new goal: its title on the first line."),
    )
    justification = FreeTextField(
        label=_("Justification"),
        required=False,
        max_length=LONG_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, senders, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender"].choices = senders
        self.fields["item"].choices = [("", _("— cite lines instead —")), *items]
        self.fields["revision"].required = False

    def clean(self):
        cleaned = super().clean()
        first, last, item = (cleaned.get(k) for k in ("first_line", "last_line", "item"))
        if first is None and not item:
            raise forms.ValidationError(
                _("Give the lines the amendment changes, or choose an item.")
            )
        if first is not None and item:
            raise forms.ValidationError(_("Give either lines or an item, not both."))
        if last is not None and first is None:
            self.add_error("first_line", _("Give the first line too."))
        if first is not None and last is not None and last < first:
            self.add_error("last_line", _("The last line cannot come before the first."))
        if (
            cleaned.get("action") != AmendmentAction.DELETE
            and not (cleaned.get("text") or "").strip()
        ):
            self.add_error("text", _("Write the text you propose."))
        return cleaned


class RecommendForm(RevisionForm):
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=Recommendation.choices, widget=forms.RadioSelect
    )
    reworded_text = FreeTextField(
        label=_("Reworded text"),
        required=False,
        max_length=SHORT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('Only for "adopt as reworded".'),
    )
    reason = FreeTextField(
        label=_("Reason"),
        required=False,
        max_length=SHORT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("recommendation") == Recommendation.REWORDED
            and not (cleaned.get("reworded_text") or "").strip()
        ):
            self.add_error("reworded_text", _("Write the reworded text."))
        return cleaned


class MergeAdoptForm(forms.Form):
    """The adoption date, and for each conflict the amendment that applies."""

    on = forms.DateField(label=_("Date of adoption"), widget=DATE_INPUT)

    def __init__(self, *args, conflicts, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())
        for conflict in conflicts:
            self.fields[f"conflict-{conflict.ref}"] = forms.TypedChoiceField(
                label=_("Which of the conflicting amendments applies?"),
                choices=[
                    (a.number, _("Amendment %(number)s") % {"number": a.number})
                    for a in conflict.amendments
                ],
                coerce=int,
                widget=forms.RadioSelect,
            )

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("The adoption date cannot be in the future."))
        return on

    def choices(self) -> dict[str, int]:
        prefix = "conflict-"
        return {
            name[len(prefix) :]: value
            for name, value in self.cleaned_data.items()
            if name.startswith(prefix)
        }
