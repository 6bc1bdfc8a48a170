"""Care cases run through a protocol definition, and the consent register.

A :class:`Case` is one pupil's case under one protocol version (the Meldcode, later the
behaviour ladder and others): its current step, its members, the records added at each
step (:class:`CaseRecord`, values as the definition describes them), the steps it went
through (:class:`CaseStep`) and its dated tasks (:class:`CaseTask`: step terms, review
dates, what a colleague is asked to do). The rules about who sees a case live in
:mod:`vangnet.core.access`; the engine that moves a case lives in
:mod:`vangnet.cases.engine`.

Sharing with outside parties: :class:`Consent` (what may be shared with whom, given by
whom) and :class:`ExternalExchange` (every exchange, with its basis).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.lib.protocols import Protocol

if TYPE_CHECKING:
    from vangnet.accounts.models import User


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User) -> CaseQuerySet:
        from vangnet.core import access

        return access.visible_cases(user, self)  # type: ignore[return-value]


class Case(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Lopend")
        MONITORING = "monitoring", _("Volgen")
        CLOSED = "closed", _("Afgesloten")

    pupil = models.ForeignKey("organisations.Pupil", on_delete=models.PROTECT, related_name="cases")
    school = models.ForeignKey(
        "organisations.School", on_delete=models.PROTECT, related_name="cases"
    )
    protocol = models.CharField(max_length=40)
    protocol_version = models.PositiveIntegerField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    current_step = models.CharField(max_length=40)
    step_entered_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=40, blank=True)  # the last decision's outcome
    acute = models.BooleanField(default=False)  # started or continued on the acute route
    origin_concern = models.ForeignKey(
        "concerns.Concern",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["school", "state"], name="case_school_state"),
            models.Index(fields=["pupil", "state"], name="case_pupil_state"),
        ]

    def __str__(self) -> str:
        return f"{self.protocol} #{self.pk}"

    @property
    def definition(self) -> Protocol:
        from vangnet.cases import protocols

        return protocols.get(self.protocol, self.protocol_version)

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    @property
    def reference(self) -> str:
        """A number that names the case without naming the pupil (reports, e-mail)."""
        return f"ZT-{self.pk:05d}"


class CaseMember(models.Model):
    class Kind(models.TextChoices):
        OWNER = "owner", _("Eigenaar")
        MEMBER = "member", _("Toegevoegd")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_memberships"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MEMBER)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_member_once")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.case_id} ({self.kind})"


class CaseStep(models.Model):
    """A step the case entered; ``completed_at`` once it moved on."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=40)
    entered_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    via = models.CharField(max_length=40, blank=True)  # "start", "next", an outcome, a shortcut
    reason = models.TextField(blank=True)  # why a shortcut was taken
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["entered_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.step}"


class CaseRecord(models.Model):
    """One record added to a case (a signal, a consultation, a decision...). Records are
    not edited; a correction is a new record that says what it corrects."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(max_length=40)
    step = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "kind"], name="caserecord_kind")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}#{self.pk}"


class CaseTask(models.Model):
    """A dated task of a case: the term of a step, a review date, or what a colleague is
    asked to do. Open while ``done_at`` is empty; the worker reminds once
    (``reminded_at``) and escalates once (``escalated_at``), each claimed with a
    conditional update."""

    class Kind(models.TextChoices):
        TERM = "term", _("Termijn van een stap")
        REVIEW = "review", _("Evaluatie")
        REQUEST = "request", _("Verzoek aan collega")
        MEASURE = "measure", _("Termijn van een maatregel")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    # what a measure's task is about ("measure:<id>:<deadline>"), to close it when done
    key = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(_("wat"), max_length=300)
    step = models.CharField(max_length=40, blank=True)
    due_on = models.DateField(_("uiterlijk op"))
    # Empty: the case's owners. Set: the colleague who is asked (they see this task, the
    # pupil's name and that a case exists; nothing of its content).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="case_tasks",
    )
    escalate_to = models.CharField(max_length=100, blank=True)  # roles, comma-separated
    source = models.ForeignKey(
        CaseRecord, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_note = models.TextField(_("toelichting"), blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["done_at", "due_on"], name="casetask_open_due"),
            models.Index(fields=["assignee", "done_at"], name="casetask_assignee"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_on})"

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    def is_overdue(self, today: object = None) -> bool:
        return self.done_at is None and self.due_on < (today or timezone.localdate())  # type: ignore[operator]


class Consent(models.Model):
    """Consent to share information about a pupil with one outside party, for one purpose."""

    class GivenBy(models.TextChoices):
        GUARDIAN = "guardian", _("Ouder met gezag")
        PUPIL = "pupil", _("De leerling (16 jaar of ouder)")

    pupil = models.ForeignKey(
        "organisations.Pupil", on_delete=models.PROTECT, related_name="consents"
    )
    school = models.ForeignKey(
        "organisations.School", on_delete=models.PROTECT, related_name="consents"
    )
    recipient = models.ForeignKey(
        "organisations.Partner",
        verbose_name=_("ontvanger"),
        on_delete=models.PROTECT,
        related_name="consents",
    )
    what = models.TextField(_("welke informatie"))
    purpose = models.TextField(_("met welk doel"))
    provider = models.CharField(
        _("wie verstrekt de informatie"),
        max_length=200,
        help_text=_("Bijvoorbeeld de intern begeleider van de school."),
    )
    given_by = models.CharField(
        _("toestemming gegeven door"), max_length=10, choices=GivenBy.choices
    )
    guardian = models.ForeignKey(
        "organisations.Guardian",
        verbose_name=_("ouder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
    )
    given_on = models.DateField(_("datum toestemming"))
    valid_until = models.DateField(_("geldig tot en met"), null=True, blank=True)
    withdrawn_on = models.DateField(_("ingetrokken op"), null=True, blank=True)
    withdrawn_note = models.TextField(_("toelichting bij intrekking"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["pupil", "recipient"], name="consent_pupil_recipient")]

    def __str__(self) -> str:
        return f"consent {self.pk} pupil {self.pupil_id} → {self.recipient_id}"

    def is_valid_on(self, day: object) -> bool:
        return (
            self.given_on <= day  # type: ignore[operator]
            and (self.valid_until is None or day <= self.valid_until)  # type: ignore[operator]
            and (self.withdrawn_on is None or day < self.withdrawn_on)  # type: ignore[operator]
            and not self.superseded_on(day)
        )

    def superseded_on(self, day: object) -> bool:
        """A parent's consent stops counting when the pupil turns 16: from then on the
        pupil decides (docs/domain.md, module 12); the pupil is asked again."""
        from vangnet.lib.consent import own_consent_from

        return (
            self.given_by == self.GivenBy.GUARDIAN
            and day >= own_consent_from(self.pupil.date_of_birth)  # type: ignore[operator]
        )


class ExternalExchange(models.Model):
    """Information about a pupil that went to (or came from) an outside party, with the
    basis on which it was allowed."""

    class Basis(models.TextChoices):
        CONSENT = "consent", _("Toestemming")
        MELDCODE = "meldcode", _("Meldcode: Veilig Thuis (geen toestemming nodig)")
        RECEIVED = "received", _("Ontvangen van de partner (geen toestemming van de school nodig)")
        WEIGHED = "weighed", _("Afwegingskader 2, met instemming van het College van Bestuur")
        ACUTE = "acute", _("Acuut risico, met instemming van het College van Bestuur")

    class Direction(models.TextChoices):
        SENT = "sent", _("Verstrekt")
        RECEIVED = "received", _("Ontvangen")

    pupil = models.ForeignKey(
        "organisations.Pupil", on_delete=models.PROTECT, related_name="exchanges"
    )
    school = models.ForeignKey(
        "organisations.School", on_delete=models.PROTECT, related_name="exchanges"
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="exchanges"
    )
    partner = models.ForeignKey(
        "organisations.Partner",
        verbose_name=_("met wie"),
        on_delete=models.PROTECT,
        related_name="exchanges",
    )
    direction = models.CharField(
        _("richting"), max_length=10, choices=Direction.choices, default=Direction.SENT
    )
    basis = models.CharField(_("grondslag"), max_length=20, choices=Basis.choices)
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="exchanges"
    )
    what = models.TextField(_("welke informatie"))
    purpose = models.TextField(_("met welk doel"))
    exchanged_on = models.DateField(_("datum"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-exchanged_on", "-id"]

    def __str__(self) -> str:
        return f"exchange {self.pk} pupil {self.pupil_id} ({self.basis})"


class MeldcodeReport(models.Model):
    """The short report of a significant Meldcode case, bundled once a year for the board.
    It names no pupil: the case reference stands in for the name."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="report")
    report_date = models.DateField(_("datum"))
    contact_person = models.CharField(_("contactpersoon"), max_length=200)
    subject = models.CharField(_("onderwerp"), max_length=300)
    description = models.TextField(_("omschrijving"))
    public_unrest = models.BooleanField(_("maatschappelijke onrust"), default=False)
    non_professionals = models.TextField(_("betrokken niet-professionals"), blank=True)
    activities = models.TextField(_("ondernomen activiteiten"))
    reported = models.BooleanField(_("gemeld bij Veilig Thuis"), default=False)
    informed = models.TextField(_("wie zijn ingelicht"), blank=True)
    external_consultation = models.TextField(_("extern overleg"), blank=True)
    bottlenecks = models.TextField(_("knelpunten"), blank=True)
    remarks = models.TextField(_("opmerkingen"), blank=True)
    school_year = models.CharField(max_length=9)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["school_year"], name="meldcodereport_year")]

    def __str__(self) -> str:
        return f"report {self.case_id}"
