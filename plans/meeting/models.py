"""A plan's proposal to a meeting and the amendments the members send to it.

Imported by plans.models, so the models belong to the plans app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.limits import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from organisations.models import Body, Organisation


class Proposal(models.Model):
    """A plan sent to a meeting: when it meets, until when amendments come, from whom.

    ``lines`` is the line-numbered text, fixed when the plan is proposed: each
    line names the item and field it was cut from and where in that field.
    """

    plan = models.OneToOneField(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="proposal"
    )
    meeting = models.ForeignKey(
        Body, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="proposals"
    )
    meeting_on = models.DateField(_("meeting date"))
    deadline = models.DateField(
        _("deadline for amendments"), help_text=_("Amendments are taken until the end of the day.")
    )
    drafting_committee = models.ForeignKey(
        Body,
        verbose_name=_("drafting committee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="drafted_proposals",
        help_text=_("Recommends on each amendment. Without one, the board does."),
    )
    from_members = models.BooleanField(_("members may submit"), default=True)
    from_branches = models.BooleanField(_("branches may submit"), default=True)
    from_bodies = models.BooleanField(_("bodies may submit"), default=True)
    lines = models.JSONField(_("numbered lines"), default=list, blank=True)
    event = models.ForeignKey(
        "calendar_app.Event",
        verbose_name=_("calendar event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return f"{self.plan} → {self.meeting} {self.meeting_on}"

    @property
    def is_open(self) -> bool:
        """Amendments are taken while the plan is proposed, to the end of the deadline day."""
        return self.plan.status == "proposed" and timezone.localdate() <= self.deadline


class AmendmentAction(models.TextChoices):
    REPLACE = "replace", _("Replace the text")
    ADD_AFTER = "add_after", _("Add text after")
    DELETE = "delete", _("Delete")
    NEW_GOAL = "new_goal", _("New goal after")
    NEW_MEASURE = "new_measure", _("New measure after")


class Recommendation(models.TextChoices):
    ADOPT = "adopt", _("Adopt")
    REJECT = "reject", _("Reject")
    REWORDED = "reworded", _("Adopt as reworded")
    REFER = "refer", _("Refer to the board")


class Outcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    ADOPTED_REWORDED = "adopted_reworded", _("Adopted as reworded")
    FELL = "fell", _("Fell")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REFERRED = "referred", _("Referred to the board")


ADOPTED_OUTCOMES = (Outcome.ADOPTED, Outcome.ADOPTED_REWORDED)


class Amendment(models.Model):
    """An endringsforslag: what it changes, the proposed text, and what became of it."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="amendments"
    )
    number = models.PositiveIntegerField(_("number"))
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    for_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("on behalf of the organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    for_body = models.ForeignKey(
        Body,
        verbose_name=_("on behalf of the body"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("change"), max_length=20, choices=AmendmentAction.choices)
    first_line = models.PositiveIntegerField(_("from line"), null=True, blank=True)
    last_line = models.PositiveIntegerField(_("to line"), null=True, blank=True)
    goal = models.ForeignKey(
        "goals.Goal",
        verbose_name=_("goal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    measure = models.ForeignKey(
        "goals.Measure",
        verbose_name=_("measure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What the amendment changes, resolved when it is saved: the item, its field,
    # the characters of that field the cited lines cover, and their text.
    item_kind = models.CharField(max_length=10, blank=True)
    item_id = models.PositiveBigIntegerField(null=True, blank=True)
    item_key = models.UUIDField(null=True, blank=True)
    item_field = models.CharField(max_length=20, blank=True)
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    cited_text = models.TextField(_("cited text"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    text = models.TextField(_("proposed text"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH)
    justification = models.TextField(
        _("justification"), blank=True, max_length=LONG_TEXT_MAX_LENGTH
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation.choices, blank=True
    )
    reworded_text = models.TextField(
        _("reworded text"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH
    )
    recommendation_reason = models.TextField(
        _("reason"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH
    )
    outcome = models.CharField(_("vote"), max_length=20, choices=Outcome.choices, blank=True)
    voted_at = models.DateTimeField(_("voted at"), null=True, blank=True)
    applied = models.BooleanField(_("merged into the plan"), default=False)
    # The lineage key of the goal or measure the merge changed or made, so the
    # comparison of versions can say which amendment produced a change.
    result_key = models.UUIDField(null=True, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["proposal", "number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="amendment_unique_number"),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"

    @property
    def lines_label(self) -> str:
        if self.first_line is None:
            return ""
        if self.last_line in (None, self.first_line):
            return str(self.first_line)
        return f"{self.first_line}–{self.last_line}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None or self.outcome == Outcome.WITHDRAWN

    @property
    def adopted_text(self) -> str:
        """The text the meeting adopted: the committee's wording when it adopted that."""
        if self.outcome == Outcome.ADOPTED_REWORDED and self.reworded_text:
            return self.reworded_text
        return self.text
