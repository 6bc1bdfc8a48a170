"""The multidisciplinary care meeting (*zorgoverleg*) of a school or institution.

A :class:`MeetingSeries` is the recurring meeting with its members (each institution names
its own roles); a :class:`CareMeeting` is one meeting on a date with its agenda
(:class:`AgendaItem`: cases that asked for it, overdue steps, early warnings from the
incident register, the trends since the last meeting) and, per item, its minutes and
actions (:class:`ItemAction`, which become tasks on the case). Case items are shown
pseudonymised — initials and the case reference instead of names, other known names in the
text replaced — unless a consent for naming is on record (:class:`NamingConsent`) and the
meeting's organiser chose to name the pupil.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MeetingSeries(models.Model):
    class Recurrence(models.TextChoices):
        WEEKLY = "weekly", _("Elke week")
        FORTNIGHTLY = "fortnightly", _("Elke twee weken")
        FOUR_WEEKLY = "four_weekly", _("Elke vier weken")
        MONTHLY = "monthly", _("Elke maand")

    school = models.ForeignKey(
        "organisations.School", on_delete=models.PROTECT, related_name="meeting_series"
    )
    title = models.CharField(_("naam van het overleg"), max_length=200)
    recurrence = models.CharField(_("hoe vaak"), max_length=15, choices=Recurrence.choices)
    first_on = models.DateField(_("eerste keer"))
    starts_at = models.TimeField(_("begintijd"))
    place = models.CharField(_("plaats"), max_length=200, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["school", "title"]

    def __str__(self) -> str:
        return self.title


class MeetingMember(models.Model):
    """Someone who takes part: a colleague with an account, or someone from outside the
    school by name (they attend, they do not log in). ``own_team`` marks the school's own
    care team; when anyone else attends, case items are pseudonymised by default."""

    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meeting_memberships",
    )
    name = models.CharField(_("naam"), max_length=200, blank=True)
    role_title = models.CharField(_("functie in het overleg"), max_length=200)
    own_team = models.BooleanField(_("hoort bij het eigen zorgteam van de school"), default=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "user"],
                condition=models.Q(user__isnull=False),
                name="meeting_member_once",
            )
        ]

    def __str__(self) -> str:
        return self.role_title


class CareMeeting(models.Model):
    """One meeting of a series on a date."""

    series = models.ForeignKey(MeetingSeries, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("datum"))
    agenda_built_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # minutes finished
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "held_on"], name="care_meeting_once")
        ]

    def __str__(self) -> str:
        return f"{self.series_id} {self.held_on}"


class MeetingRequest(models.Model):
    """A case asks to be discussed in the school's next care meeting."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="meeting_requests"
    )
    reason = models.TextField(_("wat moet het overleg bespreken?"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    handled_in = models.ForeignKey(
        CareMeeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"request {self.pk} for case {self.case_id}"


class NamingConsent(models.Model):
    """Consent to discuss a pupil by name in the care meeting: the parents (under 16) or
    the pupil or student (16 and over), until withdrawn."""

    pupil = models.ForeignKey(
        "organisations.Pupil", on_delete=models.CASCADE, related_name="naming_consents"
    )
    given_by = models.CharField(
        _("gegeven door"),
        max_length=10,
        choices=[("guardian", _("Ouder met gezag")), ("pupil", _("De leerling of student zelf"))],
    )
    guardian = models.ForeignKey(
        "organisations.Guardian", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    given_on = models.DateField(_("datum"))
    withdrawn_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"naming consent {self.pk}"


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        CASE = "case", _("Aangemeld traject")
        OVERDUE = "overdue", _("Stap die achterloopt")
        WARNING = "warning", _("Vroeg signaal uit de incidenten")
        TRENDS = "trends", _("Trends sinds het vorige overleg")
        OTHER = "other", _("Ander onderwerp")

    meeting = models.ForeignKey(CareMeeting, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    position = models.PositiveIntegerField(default=0)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    request = models.ForeignKey(
        MeetingRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    title = models.CharField(max_length=300)  # never a name: a reference, a category
    detail = models.JSONField(default=dict, blank=True)  # figures of a warning or trends
    named = models.BooleanField(default=False)  # the organiser chose to name the pupil
    # the minutes
    analysis = models.TextField(_("analyse"), blank=True)
    risk = models.TextField(_("weging van het risico"), blank=True)
    decision = models.TextField(_("besluit"), blank=True)
    minuted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minuted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class ItemAction(models.Model):
    """An action agreed on an item: who does what by when. On a case item it becomes a
    task on the case (reminded like every task)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField(_("wat"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_actions"
    )
    due_on = models.DateField(_("uiterlijk op"))
    task = models.OneToOneField(
        "cases.CaseTask", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # an action on a warning, the trends or another topic has no case task: the worker
    # reminds its owner once on the due date
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.what
