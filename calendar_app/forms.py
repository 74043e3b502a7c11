from __future__ import annotations

import re
from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organisations.limits import LONG_TEXT_MAX_LENGTH, FreeTextField
from organisations.params import FIRST_YEAR, LAST_YEAR, in_sane_years

from .models import EventVisibility, ReminderKind, YearType
from .models_webhooks import WebhookEvent

MONTHS = [
    (n, _(name))
    for n, name in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
]


class EventForm(forms.Form):
    title = FreeTextField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    all_day = forms.BooleanField(label=_("All day"), required=False)
    start_time = forms.TimeField(
        label=_("Starts at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_time = forms.TimeField(
        label=_("Ends at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    location = FreeTextField(label=_("Place"), max_length=200, required=False)
    description = FreeTextField(
        label=_("Description"),
        max_length=LONG_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown: **bold**, *italic*, lists with -."),
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"), choices=EventVisibility.choices, initial=EventVisibility.MEMBERS
    )
    is_annual_meeting = forms.BooleanField(
        label=_("This is the annual meeting"),
        required=False,
        help_text=_("The board is reminded of the status report four weeks before."),
    )
    for_descendants = forms.BooleanField(
        label=_("For all organisations below"),
        required=False,
        help_text=_("Shown in the calendars of every organisation below, e.g. action days."),
    )

    def __init__(self, *args, organisation, instance=None, **kwargs):
        self.organisation = organisation
        if instance is not None:
            zone = organisation.zoneinfo
            start = instance.starts_at.astimezone(zone)
            end = instance.ends_at.astimezone(zone) if instance.ends_at else None
            kwargs["initial"] = {
                "title": instance.title,
                "date": start.date(),
                "all_day": instance.all_day,
                "start_time": None if instance.all_day else start.time(),
                "end_date": end.date() if end else None,
                "end_time": end.time() if end and not instance.all_day else None,
                "location": instance.location,
                "description": instance.description,
                "visibility": instance.visibility,
                "for_descendants": instance.for_descendants,
                "is_annual_meeting": instance.is_annual_meeting,
            }
        super().__init__(*args, **kwargs)

    def _sane(self, name: str):
        # Year 1 or 9999 overflows when converted to UTC or shown a day later.
        day = self.cleaned_data.get(name)
        if day and not in_sane_years(day):
            raise forms.ValidationError(
                _("Choose a date between the years %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return day

    def clean_date(self):
        return self._sane("date")

    def clean_end_date(self):
        return self._sane("end_date")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("all_day") and not cleaned.get("start_time") and cleaned.get("date"):
            self.add_error("start_time", _("Give a start time, or tick all day."))
        start, end = self._moment("date", "start_time"), self._end()
        if start and end and end < start:
            if cleaned.get("end_date"):
                self.add_error("end_date", _("The end cannot be before the start."))
            else:
                # 22:00–01:00 without an end date: the end would be before the start that day.
                self.add_error(
                    "end_time",
                    _(
                        "The end cannot be before the start. For an event past midnight, "
                        "give the end date as well."
                    ),
                )
        return cleaned

    def _moment(self, day_field: str, time_field: str):
        day = self.cleaned_data.get(day_field)
        if not day:
            return None
        at = self.cleaned_data.get(time_field) if not self.cleaned_data.get("all_day") else None
        return timezone.make_aware(datetime.combine(day, at or time()), self.organisation.zoneinfo)

    def _end(self):
        """The end: its own date (and time), or the end time on the start date."""
        data = self.cleaned_data
        end = self._moment("end_date", "end_time")
        if end is None and data.get("end_time") and not data.get("all_day") and data.get("date"):
            end = timezone.make_aware(
                datetime.combine(data["date"], data["end_time"]), self.organisation.zoneinfo
            )
        return end

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "starts_at": self._moment("date", "start_time"),
            "ends_at": self._end(),
            "all_day": data["all_day"],
            "location": data["location"],
            "description": data["description"],
            "visibility": data["visibility"],
            "for_descendants": data["for_descendants"],
            "is_annual_meeting": data["is_annual_meeting"],
        }


class YearsField(forms.CharField):
    """Years typed as people write them: "2026 2028", "2026, 2028"; a list of ints."""

    def to_python(self, value):
        text = super().to_python(value)
        words = [word for word in re.split(r"[\s,;]+", text) if word]
        if not all(re.fullmatch(r"[0-9]{4}", word) for word in words):
            raise forms.ValidationError(_("Write the years as four digits, e.g. 2026 2028."))
        years = sorted({int(word) for word in words})
        if any(not FIRST_YEAR <= year <= LAST_YEAR for year in years):
            raise forms.ValidationError(
                _("Choose years between %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return years


class CycleEntryForm(forms.Form):
    title = FreeTextField(label=_("What"), max_length=200)
    month = forms.TypedChoiceField(label=_("Month"), choices=MONTHS, coerce=int)
    end_month = forms.TypedChoiceField(
        label=_("Until month"),
        choices=[("", "–"), *MONTHS],
        coerce=int,
        required=False,
        empty_value=None,
    )
    day = forms.IntegerField(label=_("Day (if known)"), min_value=1, max_value=31, required=False)
    year_types = forms.MultipleChoiceField(
        label=_("Only in these kinds of years"),
        choices=YearType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for every year."),
    )
    years = YearsField(
        label=_("Only in these years"),
        required=False,
        max_length=200,
        help_text=_("E.g. 2026 2028. Leave empty for every year."),
    )
    for_descendants = forms.BooleanField(
        label=_("For the branches"),
        required=False,
        help_text=_("Shown in the annual wheel and calendar of every organisation below."),
    )

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "month": data["month"],
            "end_month": data["end_month"],
            "day": data["day"],
            "year_types": list(data["year_types"]),
            "years": data["years"] or [],
            "for_descendants": data["for_descendants"],
        }


class WheelRangeForm(forms.Form):
    first = forms.IntegerField(label=_("From year"), min_value=2000, max_value=2100)
    last = forms.IntegerField(label=_("To year"), min_value=2000, max_value=2100)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last and not 0 <= last - first <= 10:
            self.add_error("last", _("Choose up to ten years, the last after the first."))
        return cleaned


class WheelGenerateForm(WheelRangeForm):
    """Which years go into the calendar, and who may see the events made."""

    visibility = forms.ChoiceField(
        label=_("Who may see the events"),
        choices=EventVisibility.choices,
        # Members by default: publishing the wheel is a choice, not an accident.
        initial=EventVisibility.MEMBERS,
        help_text=_(
            "Public events are in the public feed. Measures of a members-only plan "
            "stay for members."
        ),
    )


class NotificationForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Send me these reminders"),
        choices=ReminderKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    event_reminders = forms.BooleanField(
        label=_("Remind me of my organisations' events the day before"),
        required=False,
    )
    weekly_digest = forms.BooleanField(
        label=_("Collect my reminders in one email on Mondays"), required=False
    )


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("Address (HTTPS)"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where your website or membership register receives the events."),
    )
    events = forms.MultipleChoiceField(
        label=pgettext_lazy("webhook", "Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
    )
