"""Goals, measures and what tracks their progress."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.limits import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from organisations.models import Body, Organisation, OrganisationKind
from plans.models import Plan, Section

from .recurrence import describe_recurrence, occurrences


class GoalQuerySet(models.QuerySet["Goal"]):
    def visible_to(self, user) -> GoalQuerySet:
        return self.filter(plan__in=Plan.objects.visible_to(user))


class Goal(models.Model):
    """A goal of a plan ("A. Rødt er et nytt arbeiderparti"); may have sub-goals."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="goals"
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="goals",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent goal"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subgoals",
    )
    code = models.CharField(_("code"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(
        _("description"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, help_text=_("Markdown.")
    )
    lead_in = models.CharField(
        _("lead-in to measures"),
        max_length=300,
        blank=True,
        help_text=_('As written, e.g. "For å komme nærmere målet skal:".'),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    derived_from = models.ForeignKey(
        "self",
        verbose_name=_("derived from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="derived_goals",
        help_text=_("The goal of the parent organisation's plan that this goal carries out."),
    )
    # The key survives copying into a new version, so versions can be compared.
    key = models.UUIDField(_("lineage key"), default=uuid.uuid4, editable=False)
    revision = models.PositiveIntegerField(_("revision"), default=1)

    objects = GoalQuerySet.as_manager()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["plan", "section__order", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}" if self.code else self.title

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#goal-{self.pk}"


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DuePrecision(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    SEASON = "season", _("Season")
    HALF_YEAR = "half_year", _("Half year")
    YEAR = "year", _("Year")
    PERIOD = "period", _("The whole period")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class MeasureQuerySet(models.QuerySet["Measure"]):
    def visible_to(self, user) -> MeasureQuerySet:
        return self.filter(goal__plan__in=Plan.objects.visible_to(user))


def _fetched(instance: models.Model, attr: str, relation: str) -> list:
    """The list goals.prefetch put into ``attr``, else what the relation holds."""
    cached = instance.__dict__.get(attr)
    return cached if cached is not None else list(getattr(instance, relation).all())


# How a delegation to every organisation of a kind below reads on the page.
DELEGATION_WORDS = {
    OrganisationKind.BRANCH: _("All local branches below"),
    OrganisationKind.REGION: _("All regions below"),
    OrganisationKind.COUNTY: _("All counties and districts below"),
    OrganisationKind.YOUTH: _("All youth organisations below"),
    "": _("All organisations below"),
}
STATUS_LABELS = dict(MeasureStatus.choices)  # Django's get_status_display rebuilds them per call


class Measure(models.Model):
    """Something a plan says will be done (tiltak)."""

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="measures"
    )
    text = models.TextField(_("text"), max_length=SHORT_TEXT_MAX_LENGTH)
    order = models.PositiveIntegerField(_("order"), default=0)
    responsible = models.ManyToManyField(
        Body, verbose_name=_("responsible"), blank=True, related_name="measures"
    )
    responsible_text = models.CharField(
        _("responsible, as written"),
        max_length=300,
        blank=True,
        help_text=_('As the document had it, e.g. "Styret i samarbeid med AU".'),
    )
    delegated = models.BooleanField(
        _("delegated to organisations below"),
        default=False,
        help_text=_("Organisations below carry the measure out, each ticking its own share."),
    )
    delegate_kind = models.CharField(
        _("delegated to every organisation of this kind below"),
        max_length=20,
        choices=OrganisationKind.choices,
        blank=True,
        default=OrganisationKind.BRANCH,
        help_text=_(
            "At any depth below, including ones created later. "
            "Empty: only the organisations chosen by name."
        ),
    )
    delegate_to = models.ManyToManyField(
        Organisation,
        verbose_name=_("delegated to these organisations"),
        blank=True,
        related_name="delegated_measures",
    )
    due_text = models.CharField(_("due"), max_length=100, blank=True)
    due_start = models.DateField(_("due window start"), null=True, blank=True)
    due_end = models.DateField(_("due window end"), null=True, blank=True)
    due_precision = models.CharField(
        _("due precision"), max_length=10, choices=DuePrecision.choices, blank=True
    )
    recurrence = models.CharField(
        _("recurrence"), max_length=200, blank=True, help_text=_("An RFC 5545 RRULE.")
    )
    recurrence_wording = models.CharField(
        _("recurrence as written"),
        max_length=200,
        blank=True,
        help_text=_('The words the recurrence was written in, e.g. "kvartalsvis".'),
    )
    recurrence_minimum = models.BooleanField(
        _("at least"),
        default=False,
        help_text=_('The recurrence is a minimum ("minst to ganger i halvåret").'),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MeasureStatus.choices,
        default=MeasureStatus.PLANNED,
        db_index=True,
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="measures")
    key = models.UUIDField(_("lineage key"), default=uuid.uuid4, editable=False)
    revision = models.PositiveIntegerField(_("revision"), default=1)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["goal", "order", "pk"]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else f"{self.text[:79]}…"

    def get_absolute_url(self) -> str:
        return f"{self.goal.plan.get_absolute_url()}#measure-{self.pk}"

    def get_status_display(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def recurrence_text(self) -> str:
        """The recurrence as it was written, or else in plain words."""
        if not self.recurrence:
            return ""
        return self.recurrence_wording or describe_recurrence(
            self.recurrence, minimum=self.recurrence_minimum
        )

    @recurrence_text.setter
    def recurrence_text(self, value: str) -> None:
        self.recurrence_wording = value or ""

    @property
    def bodies(self) -> list[Body]:
        """The responsible bodies."""
        return _fetched(self, "_bodies", "responsible")

    @property
    def tag_list(self) -> list[Tag]:
        return _fetched(self, "_tags", "tags")

    @property
    def tick_list(self) -> list[OccurrenceTick]:
        return _fetched(self, "_ticks", "ticks")

    @property
    def assignment_list(self) -> list[Assignment]:
        return _fetched(self, "_assignments", "assignments")

    @property
    def delegate_list(self) -> list[Organisation]:
        """The organisations chosen by name for a delegation."""
        return _fetched(self, "_delegates", "delegate_to")

    def occurrences(self) -> list:
        """The dates this recurring measure falls on within its plan's period."""
        plan = self.goal.plan
        return occurrences(self.recurrence, plan.first_year, plan.last_year)

    def delegates(self) -> models.QuerySet[Organisation]:
        """The organisations below that carry this measure out, each with its own share."""
        if not self.delegated:
            return Organisation.objects.none()
        if self.delegate_kind:
            below = self.goal.plan.organisation.descendants()
            return below.filter(kind=self.delegate_kind, closed_on__isnull=True)
        return self.delegate_to.all()  # a queryset: callers filter it further

    @property
    def delegation_text(self) -> str:
        """Whom the measure is delegated to, in plain words."""
        if not self.delegated:
            return ""
        if self.delegate_kind:
            return str(DELEGATION_WORDS.get(self.delegate_kind, DELEGATION_WORDS[""]))
        return ", ".join(organisation.name for organisation in self.delegate_list)

    @property
    def is_overdue(self) -> bool:
        return (
            self.due_end is not None
            and self.status in (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)
            and self.due_end < timezone.localdate()
        )


class Assignment(models.Model):
    """A delegated measure as carried out by one organisation below."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="assignments"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["measure", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "organisation"], name="assignment_unique_measure_org"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.measure}"


class OccurrenceTick(models.Model):
    """One occurrence of a recurring measure, done (by the organisation or one branch)."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="ticks"
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ticks",
    )
    occurrence = models.DateField(_("occurrence"))
    done_at = models.DateTimeField(_("done at"), default=timezone.now)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("done occurrence")
        verbose_name_plural = _("done occurrences")
        ordering = ["measure", "occurrence"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "occurrence"],
                condition=models.Q(assignment=None),
                name="tick_unique_measure_occurrence",
            ),
            models.UniqueConstraint(
                fields=["assignment", "occurrence"],
                condition=models.Q(assignment__isnull=False),
                name="tick_unique_assignment_occurrence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} – {self.occurrence}"


class ProgressNote(models.Model):
    """A note on a measure's progress; every status change leaves one."""

    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        related_name="progress_notes",
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="progress_notes",
    )
    occurrence = models.DateField(_("occurrence"), null=True, blank=True)
    done_on = models.DateField(
        _("done on"),
        null=True,
        blank=True,
        help_text=_("The day the work was done, when it was recorded later."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    text = models.TextField(_("note"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH)
    status_before = models.CharField(
        _("status before"), max_length=20, choices=MeasureStatus.choices, blank=True
    )
    status_after = models.CharField(
        _("status after"), max_length=20, choices=MeasureStatus.choices, blank=True
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.author}: {self.text[:60]}"


class TargetKind(models.TextChoices):
    MEMBERS = "members", _("Members")
    PERCENT = "percent", _("Percentage")
    COUNT = "count", _("Count")


class Direction(models.TextChoices):
    INCREASE = "increase", _("Increase")
    DECREASE = "decrease", _("Decrease")


class Target(models.Model):
    """A numeric target of a goal ("vokse til 16 000 medlemmer")."""

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="targets"
    )
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=10, choices=TargetKind.choices, default=TargetKind.COUNT
    )
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["goal", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.goal.get_absolute_url()


class Measurement(models.Model):
    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="measurements"
    )
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    date = models.DateField(_("date"), default=timezone.localdate)
    source = models.CharField(_("source"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["target", "-date"]

    def __str__(self) -> str:
        return f"{self.target}: {self.value} ({self.date})"
