"""The organisation tree, its bodies, and the people in them."""

from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from tree_queries.models import TreeNode
from tree_queries.query import TreeQuerySet


class Language(models.TextChoices):
    NB = "nb", _("Norwegian Bokmål")
    NN = "nn", _("Norwegian Nynorsk")
    SV = "sv", _("Swedish")
    EN = "en", _("English")


class Country(models.TextChoices):
    NO = "NO", _("Norway")
    SE = "SE", _("Sweden")


TIME_ZONE_CHOICES = [(name, name) for name in ("Europe/Oslo", "Europe/Stockholm")]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The email address is the login."""

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.NB
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Set when the person deleted their account: the row stays as a nameless
    # tombstone so the plan's record (notes, ticks, the log) keeps its shape.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "email"]

    def __str__(self) -> str:
        return self.get_full_name()

    def get_full_name(self) -> str:
        if self.erased_at:
            return gettext("former member")
        return self.name or self.email

    def get_short_name(self) -> str:
        if self.erased_at:
            return gettext("former member")
        return (self.name.split() or [self.email])[0]


class OrganisationKind(models.TextChoices):
    NATIONAL = "national", _("National party")
    COUNTY = "county", _("County / district")
    REGION = "region", _("Region")
    BRANCH = "branch", _("Local branch")
    YOUTH = "youth", _("Youth wing")


class OrganisationQuerySet(TreeQuerySet):
    def visible_to(self, user) -> OrganisationQuerySet:
        """Organisations are public: their names and place in the tree are no secret."""
        return self.all()


class Organisation(TreeNode):
    """One node of a party's tree: the national party is the root."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.NB
    )
    country = models.CharField(
        _("country"), max_length=2, choices=Country.choices, default=Country.NO
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/Oslo"
    )
    closed_on = models.DateField(
        _("closed on"),
        null=True,
        blank=True,
        help_text=_("A closed organisation keeps its history but has no members or offices."),
    )
    reminder_days = models.JSONField(
        _("reminder days before due"),
        default=list,
        blank=True,
        help_text=_("Days before a measure's due window ends to remind; empty: 14 and 2."),
    )

    objects = OrganisationQuerySet.as_manager(with_tree_fields=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", kwargs={"slug": self.slug})

    @property
    def zoneinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def clean(self) -> None:
        try:
            super().clean()  # tree_queries refuses cycles
        except ValidationError:
            raise ValidationError(
                {
                    "parent": _(
                        "An organisation cannot be placed under itself or under one of the "
                        "organisations below it."
                    )
                }
            ) from None
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An organisation cannot be its own parent.")})
        if self.kind == OrganisationKind.NATIONAL and self.parent_id:
            parent = Organisation.objects.filter(pk=self.parent_id).first()
            raise ValidationError(
                {
                    "parent": _(
                        "A national party is the root of its tree and cannot be placed "
                        "under %(parent)s: that party already has its national organisation."
                    )
                    % {"parent": parent}
                }
            )
        if self.kind != OrganisationKind.NATIONAL and not self.parent_id:
            raise ValidationError(
                {"parent": _("Only a national party can be a root; choose a parent.")}
            )


class BodyKind(models.TextChoices):
    BOARD = "board", _("Board")
    EXECUTIVE = "executive", _("Executive committee")
    COMMITTEE = "committee", _("Committee / network")
    NOMINATION = "nomination", _("Nomination committee")
    ELECTED_GROUP = "elected_group", _("Elected representatives' group")
    OFFICE = "office", _("Office")
    MEETING = "meeting", _("Meeting")


class Body(models.Model):
    """An organ of one organisation: its board, a committee, an office, the annual meeting."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="bodies",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["organisation__name", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="body_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipSource(models.TextChoices):
    MANUAL = "manual", _("Added by an admin")
    REGISTER = "register", _("Membership register")
    INVITATION = "invitation", _("Invitation")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def in_force(self, on=None) -> MembershipQuerySet:
        """Memberships that hold on the day (today by default): not yet ended."""
        on = on or timezone.localdate()
        return self.filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=on))


class Membership(models.Model):
    """A person is a member of one organisation, and so of all its ancestors."""

    person = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    since = models.DateField(_("member since"), default=timezone.localdate)
    ends_on = models.DateField(
        _("ended on"), null=True, blank=True, help_text=_("The last day of the membership.")
    )
    member_number = models.CharField(_("member number"), max_length=50, blank=True)
    source = models.CharField(
        _("source"),
        max_length=20,
        choices=MembershipSource.choices,
        default=MembershipSource.MANUAL,
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"], name="membership_unique_person_org"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.organisation}"


class Role(models.TextChoices):
    LEADER = "leader", _("Leader")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class PositionQuerySet(models.QuerySet["Position"]):
    def in_force(self, on=None) -> PositionQuerySet:
        """Positions whose term holds on the day (today by default): rights come from these."""
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on).filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=on)
        )


class Position(models.Model):
    """A person's place in a body; positions are what grant rights."""

    person = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="positions"
    )
    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="positions"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    starts_on = models.DateField(_("term starts"), default=timezone.localdate)
    ends_on = models.DateField(
        _("term ends"), null=True, blank=True, help_text=_("The last day of the term.")
    )

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["body", "role", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "body", "role", "starts_on"],
                name="position_unique_person_body_role_start",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="position_term_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_role_display()}, {self.body}"

    def clean(self) -> None:
        super().clean()
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The term cannot end before it starts.")})

    def in_force(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)


class OrganisationAdmin(models.Model):
    """Administers an organisation and everything below it."""

    person = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="admin_grants"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="admin_grants",
    )

    class Meta:
        verbose_name = _("organisation admin")
        verbose_name_plural = _("organisation admins")
        constraints = [
            models.UniqueConstraint(fields=["person", "organisation"], name="admin_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.organisation}"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An invitation by email into an organisation, as a member or into a position."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("email address"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    body = models.ForeignKey(
        Body,
        verbose_name=_("body"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        help_text=_("Empty: invited as a member only."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    starts_on = models.DateField(_("term starts"), null=True, blank=True)
    ends_on = models.DateField(_("term ends"), null=True, blank=True)
    invited_by = models.ForeignKey(
        User,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(_("times sent"), default=0)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accepted_invitations",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


class RegisterImport(models.Model):
    """An uploaded membership register between its preview and its application.

    Only what the app needs is kept from the file (member number, name, email,
    organisation); the parsed rows are emptied once the import is applied.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="register_imports",
    )
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    rows = models.JSONField(_("rows"), default=list, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.filename} ({self.created_at:%Y-%m-%d})"


class TokenScope(models.TextChoices):
    READ = "read", _("Read")
    PROGRESS = "progress", _("Read and record progress")


class ApiToken(models.Model):
    """A person's personal access token for the API; only a hash of the secret is kept."""

    person = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(
        _("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ
    )
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person}: {self.name}"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
