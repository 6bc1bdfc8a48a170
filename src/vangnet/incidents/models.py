"""The school's register of incidents (docs/domain.md, module 2).

An :class:`Incident` happened at one school, at a date and time (and optionally until a
later time), at a location of the board's list, in a category of the board's list (each
with a fixed national code, :mod:`vangnet.lib.incidents`), with a severity. The people
involved are :class:`IncidentPerson` rows with a neutral role each — a known pupil or staff
member, or an outsider by initials. Edits keep the previous version
(:class:`IncidentVersion`); attachments are stored privately (:class:`IncidentAttachment`).
Who sees which incident is decided in :mod:`vangnet.core.access`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from vangnet.accounts.models import User


class IncidentCategory(models.Model):
    """A board's category; ``code`` is the fixed national code it maps to."""

    board = models.ForeignKey(
        "organisations.Board", on_delete=models.CASCADE, related_name="incident_categories"
    )
    code = models.CharField(_("landelijke categorie"), max_length=30)
    label = models.CharField(_("naam"), max_length=100)
    active = models.BooleanField(_("in gebruik"), default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["board", "label"], name="incident_category_label")
        ]

    def __str__(self) -> str:
        return self.label


class IncidentLocation(models.Model):
    board = models.ForeignKey(
        "organisations.Board", on_delete=models.CASCADE, related_name="incident_locations"
    )
    label = models.CharField(_("naam"), max_length=100)
    active = models.BooleanField(_("in gebruik"), default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["board", "label"], name="incident_location_label")
        ]

    def __str__(self) -> str:
        return self.label


class IncidentQuerySet(models.QuerySet["Incident"]):
    def visible_to(self, user: User) -> IncidentQuerySet:
        from vangnet.core import access

        return access.visible_incidents(user, self)  # type: ignore[return-value]


class Incident(models.Model):
    class Severity(models.TextChoices):
        MINOR = "minor", _("Licht")
        SERIOUS = "serious", _("Ernstig")
        VERY_SERIOUS = "very_serious", _("Zeer ernstig")

    school = models.ForeignKey(
        "organisations.School", on_delete=models.PROTECT, related_name="incidents"
    )
    occurred_at = models.DateTimeField(_("datum en tijd"))
    ended_at = models.DateTimeField(_("tot"), null=True, blank=True)
    location = models.ForeignKey(
        IncidentLocation, verbose_name=_("plaats"), on_delete=models.PROTECT
    )
    category = models.ForeignKey(
        IncidentCategory, verbose_name=_("soort incident"), on_delete=models.PROTECT
    )
    # the national code of the category at the time of registration: counts across boards
    # stay comparable even when a board renames or remaps its categories later
    national_code = models.CharField(max_length=30)
    severity = models.CharField(_("ernst"), max_length=15, choices=Severity.choices)
    description = models.TextField(_("wat is er gebeurd?"))
    unrest = models.BooleanField(_("onrust ontstaan"), default=False)
    unrest_among = models.CharField(_("onrust bij wie"), max_length=200, blank=True)
    measures = models.TextField(_("genomen maatregelen"), blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gemeld door"),
        on_delete=models.PROTECT,
        related_name="incidents_reported",
    )
    concerns = models.ManyToManyField("concerns.Concern", blank=True, related_name="incidents")
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="incidents")
    earlier = models.ManyToManyField("self", blank=True, symmetrical=False, related_name="later")
    flag_weighing = models.OneToOneField(
        "concerns.FlagWeighing",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incident",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["school", "occurred_at"], name="incident_school_time"),
            models.Index(fields=["national_code", "occurred_at"], name="incident_code_time"),
        ]

    def __str__(self) -> str:
        return f"incident {self.pk} ({self.occurred_at:%Y-%m-%d})"


class IncidentPerson(models.Model):
    """Someone involved, with a neutral role: a known pupil or staff member, or someone
    outside the school by initials."""

    class Role(models.TextChoices):
        INITIATOR = "initiator", _("Leerling die het initiatief nam")
        AFFECTED = "affected", _("Leerling die het overkwam")
        BYSTANDER = "bystander", _("Omstander")
        STAFF = "staff", _("Medewerker")
        PARENT = "parent", _("Ouder")
        OUTSIDER = "outsider", _("Iemand van buiten de school")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(_("rol"), max_length=15, choices=Role.choices)
    pupil = models.ForeignKey(
        "organisations.Pupil",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incident_roles",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incident_roles",
    )
    initials = models.CharField(_("initialen"), max_length=20, blank=True)
    note = models.CharField(_("toelichting"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["pupil", "role"], name="incidentperson_pupil_role")]

    def __str__(self) -> str:
        return f"{self.role} in {self.incident_id}"


class IncidentVersion(models.Model):
    """The incident as it was before an edit (fields and people), with who changed it."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "number"], name="incident_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} v{self.number}"


class IncidentAttachment(models.Model):
    """A photo, screenshot, PDF or e-mail, stored outside the web root and served only
    through an access-checked view."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="incidents/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
