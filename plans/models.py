"""Plans, their sections, and the activity log the services write."""

from __future__ import annotations

import contextlib
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organisations.limits import LONG_TEXT_MAX_LENGTH
from organisations.models import Body, Language, Organisation


class PlanKind(models.TextChoices):
    HANDLINGSPLAN = "handlingsplan", _("Action plan (handlingsplan)")
    ARBEIDSPLAN = "arbeidsplan", _("Work plan (arbeidsplan)")
    VERKSAMHETSPLAN = "verksamhetsplan", _("Activity plan (verksamhetsplan)")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed")
    ADOPTED = "adopted", _("Adopted")
    ARCHIVED = "archived", _("Archived")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members only")


class PlanQuerySet(models.QuerySet["Plan"]):
    def visible_to(self, user) -> PlanQuerySet:
        from organisations.permissions import access_for

        return access_for(user).filter_plans(self)


class Plan(models.Model):
    """A handlingsplan, arbeidsplan or verksamhetsplan of one organisation."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="plans",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=PlanKind.choices, default=PlanKind.HANDLINGSPLAN
    )
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.NB
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    preamble = models.TextField(
        _("preamble"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, help_text=_("Markdown.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PlanStatus.choices,
        default=PlanStatus.DRAFT,
        db_index=True,
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    proposal_public = models.BooleanField(
        _("proposal public"),
        default=False,
        help_text=_("A proposed public plan is shown to everyone, not only to the members."),
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        Body,
        verbose_name=_("adopted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_plans",
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    implements = models.ForeignKey(
        "self",
        verbose_name=_("implements"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="implementations",
        help_text=_("The parent organisation's plan that this plan carries out."),
    )
    previous_version = models.ForeignKey(
        "self",
        verbose_name=_("previous version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_versions",
    )
    version = models.PositiveSmallIntegerField(
        _("version"), default=1, help_text=_("1 for a first plan, one more for each new version.")
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The adopted version that took this one's place."),
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-first_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_year__gte=models.F("first_year")),
                name="plan_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", kwargs={"pk": self.pk})

    def get_edit_url(self) -> str:
        return reverse("plans:edit", kwargs={"pk": self.pk})

    @property
    def period(self) -> str:
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"

    @property
    def is_editable(self) -> bool:
        return self.status == PlanStatus.DRAFT

    def clean(self) -> None:
        super().clean()
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError({"last_year": _("The last year cannot be before the first.")})
        if self.adopted_by_id and self.adopted_by.organisation_id != self.organisation_id:
            raise ValidationError(
                {"adopted_by": _("The adopting body must belong to the plan's organisation.")}
            )


class Section(models.Model):
    """A chapter of a plan ("Politiske prioriteringer", "Partibygging")."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(_("title"), max_length=300)
    intro = models.TextField(
        _("introduction"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, help_text=_("Markdown.")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    key = models.UUIDField(_("lineage key"), default=uuid.uuid4, editable=False)
    revision = models.PositiveIntegerField(_("revision"), default=1)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#section-{self.pk}"


ACTION_LABELS = {
    "plan.create": _("created the plan"),
    "plan.update": _("changed the plan's settings"),
    "plan.propose": _("proposed the plan"),
    "plan.withdraw": _("took the plan back to draft"),
    "plan.adopt": _("recorded the adoption"),
    "plan.archive": _("archived the plan"),
    "plan.new_version": _("made a new version"),
    "plan.duplicate": _("duplicated a plan"),
    "plan.delete": _("deleted a plan"),
    "amendment.submit": _("sent an amendment"),
    "amendment.update": _("changed an amendment"),
    "amendment.withdraw": _("withdrew an amendment"),
    "amendment.recommend": _("recommended on an amendment"),
    "amendment.vote": _("recorded a vote"),
    "amendment.vote_undo": _("undid a vote"),
    "amendment.apply": _("merged an amendment into the plan"),
    "section.create": _("added a section"),
    "section.update": _("edited a section"),
    "section.delete": _("deleted a section"),
    "section.move": _("moved a section"),
    "goal.create": _("added a goal"),
    "goal.update": _("edited a goal"),
    "goal.delete": _("deleted a goal"),
    "goal.move": _("moved a goal"),
    "goal.reorder": _("reordered goals"),
    "measure.create": _("added a measure"),
    "measure.update": _("edited a measure"),
    "measure.delete": _("deleted a measure"),
    "measure.move": _("moved a measure"),
    "measure.reorder": _("reordered measures"),
    "target.create": _("added a target"),
    "measure.tick": _("recorded progress"),
    "measurement.create": _("recorded a measurement"),
    "event.create": _("added an event"),
    "event.update": _("edited an event"),
    "event.cancel": _("cancelled an event"),
    "cycle.create": _("added an entry to the annual wheel"),
    "cycle.delete": _("removed an entry from the annual wheel"),
    "cycle.generate": _("filled in the annual wheel"),
    "organisation.create": _("created an organisation"),
    "organisation.move": _("moved an organisation"),
    "organisation.rename": _("renamed an organisation"),
    "organisation.close": _("closed an organisation"),
    "body.create": _("added a body"),
    "body.rename": _("renamed a body"),
    "body.dissolve": _("dissolved a body"),
    "membership.add": _("added a member"),
    "membership.end": _("ended a membership"),
    "position.add": _("gave a position"),
    "position.end": _("ended a position"),
    "position.hand_over": _("handed over a position"),
    "admin.grant": _("made someone an admin"),
    "admin.revoke": _("removed an admin"),
    "invitation.create": _("sent an invitation"),
    "invitation.resend": _("sent an invitation again"),
    "invitation.withdraw": _("withdrew an invitation"),
    "invitation.accept": _("accepted an invitation"),
    "register.apply": _("applied the membership register"),
    "webhook.create": _("added a webhook"),
    "webhook.delete": _("removed a webhook"),
    "person.deactivate": _("deactivated an account"),
    "person.erase": _("deleted an account"),
}


class Activity(models.Model):
    """One entry of the activity log: who changed what, when, from what to what."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=50)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activity log")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor}: {self.action}"

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    def change_rows(self) -> list[tuple[str, object, object]]:
        """(field label, old, new) for each change, labelled as the model names the field."""
        model = self.target_type.model_class() if self.target_type_id else None
        rows = []
        for name, (old, new) in self.changes.items():
            label = name
            if model is not None:
                with contextlib.suppress(FieldDoesNotExist):
                    label = str(model._meta.get_field(name).verbose_name)
            rows.append((label, old, new))
        return rows


class PlanImport(models.Model):
    """An uploaded plan document: what was read from it, and the draft made from it.

    Nothing of the plan is written until a person confirms the review; the file
    is then kept with the draft so those who read the draft can download it.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="plan_imports",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    data = models.BinaryField(_("file"))
    read = models.JSONField(_("what was read"), default=dict)
    plan = models.OneToOneField(
        Plan,
        verbose_name=_("plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="source_document",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan import")
        verbose_name_plural = _("plan imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename


from .meeting.models import (  # noqa: E402  (models of this app, kept in their own module)
    Amendment,
    AmendmentAction,
    Outcome,
    Proposal,
    Recommendation,
)

__all__ = [
    "Activity",
    "Amendment",
    "AmendmentAction",
    "Outcome",
    "Plan",
    "PlanImport",
    "PlanKind",
    "PlanStatus",
    "Proposal",
    "Recommendation",
    "Section",
    "Visibility",
]
