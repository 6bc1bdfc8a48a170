"""The measures of the behaviour ladder (docs/domain.md, module 4).

A :class:`Measure` — time-out, suspension, expulsion, or in higher education the
Executive Board's denial of access or ending of an enrolment — belongs to one behaviour
ladder case (:mod:`vangnet.cases.protocols.behaviour`) and so to one pupil. Its legal
rules are checked by :mod:`vangnet.measures.actions` with the pure rules of
:mod:`vangnet.lib.measures`; every deadline it gets is a date column here (shown by the
API) and a :class:`vangnet.cases.models.CaseTask` on the case (reminded by the worker).

Letters are :class:`MeasureDocument` rows (DOCX and PDF, stored privately), generated from
the board's :class:`LetterTemplate` or Vangnet's default text. Temporary extra rules are an
:class:`ExtraRulesPlan` with its :class:`ExtraRulesEvaluation` records.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Measure(models.Model):
    class Kind(models.TextChoices):
        TIME_OUT = "time_out", _("Time-out")
        SUSPENSION = "suspension", _("Schorsing")
        EXPULSION = "expulsion", _("Verwijdering")
        ACCESS_DENIAL = "access_denial", _("Ontzegging van de toegang")
        ENROLMENT_END = "enrolment_end", _("Beëindiging van de inschrijving")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Voorgesteld, wacht op toestemming")
        APPROVED = "approved", _("Goedgekeurd")
        REFUSED = "refused", _("Niet goedgekeurd")
        WITHDRAWN = "withdrawn", _("Ingetrokken")
        DECIDED = "decided", _("Besluit genomen; zoeken naar een andere school")
        FINAL = "final", _("Definitief verwijderd")
        DEREGISTERED = "deregistered", _("Uitgeschreven")

    class Ground(models.TextChoices):
        SUPPORT = (
            "support",
            _("De school kan de ondersteuning die de leerling nodig heeft niet bieden"),
        )
        MISCONDUCT = "misconduct", _("Ernstig wangedrag van de leerling")
        RELATION = (
            "relation",
            _(
                "Ernstig verstoorde relatie met de ouders, waardoor de orde op school in "
                "gevaar komt"
            ),
        )
        FOUNDATION = "foundation", _("Gedrag in strijd met de grondslag van de school")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="measures")
    pupil = models.ForeignKey(
        "organisations.Pupil", on_delete=models.PROTECT, related_name="measures"
    )
    school = models.ForeignKey(
        "organisations.School", on_delete=models.PROTECT, related_name="measures"
    )
    kind = models.CharField(_("maatregel"), max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    start = models.DateField(_("eerste dag"), null=True, blank=True)
    end = models.DateField(_("laatste dag"), null=True, blank=True)
    school_days = models.PositiveIntegerField(null=True, blank=True)
    reasons = models.TextField(_("redenen"))
    ground = models.CharField(_("grond"), max_length=20, choices=Ground.choices, blank=True)
    # time-out: where the pupil is taught, and the restrictions chosen
    taught_where = models.CharField(_("waar krijgt de leerling les?"), max_length=300, blank=True)
    restrictions = models.JSONField(default=list, blank=True)
    # suspension: learning goes on, tests stay possible
    learning_arrangements = models.TextField(_("afspraken over schoolwerk"), blank=True)
    tests_arrangements = models.TextField(_("afspraken over toetsen"), blank=True)

    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    # parents informed at once: in writing and by phone (time-out, suspension)
    parents_written_on = models.DateField(null=True, blank=True)
    parents_phoned_on = models.DateField(null=True, blank=True)
    # suspension: the meeting with the parents and its report
    meeting_at = models.DateTimeField(null=True, blank=True)
    meeting_report = models.TextField(blank=True)
    report_seen_by_parents_on = models.DateField(null=True, blank=True)
    copies_sent_on = models.DateField(null=True, blank=True)  # board, leerplicht, Inspectie
    inspectie_report_due = models.DateField(null=True, blank=True)
    inspectie_reported_on = models.DateField(null=True, blank=True)
    appeal_lodged_on = models.DateField(null=True, blank=True)
    appeal_decision_due = models.DateField(null=True, blank=True)
    appeal_decided_on = models.DateField(null=True, blank=True)
    appeal_outcome = models.TextField(blank=True)

    # expulsion
    educational_report = models.TextField(_("onderwijskundig rapport"), blank=True)
    teacher_heard_on = models.DateField(null=True, blank=True)
    parents_heard_on = models.DateField(null=True, blank=True)
    pupil_heard_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)  # the board's decision (intent)
    search_ends_on = models.DateField(null=True, blank=True)
    # the pupil may be kept away from school while another school is sought
    excluded_from = models.DateField(null=True, blank=True)
    excluded_until = models.DateField(null=True, blank=True)
    objection_deadline = models.DateField(null=True, blank=True)
    accepted_by_school = models.CharField(max_length=200, blank=True)
    accepted_on = models.DateField(null=True, blank=True)
    final_on = models.DateField(null=True, blank=True)
    objection_received_on = models.DateField(null=True, blank=True)
    objection_decision_due = models.DateField(null=True, blank=True)
    objection_heard_on = models.DateField(null=True, blank=True)
    objection_decided_on = models.DateField(null=True, blank=True)
    objection_outcome = models.TextField(blank=True)
    enrolment_notice_on = models.DateField(null=True, blank=True)
    deregistered_on = models.DateField(null=True, blank=True)
    # higher education: the student is heard before the Executive Board decides
    student_heard_on = models.DateField(null=True, blank=True)

    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [
            models.Index(fields=["school", "status"], name="measure_school_status"),
            models.Index(fields=["pupil", "kind"], name="measure_pupil_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def needs_board(self) -> bool:
        return self.kind != self.Kind.TIME_OUT

    def deadlines(self) -> dict[str, str | None]:
        """Every computed deadline, ISO dates (None when it does not apply yet)."""
        names = (
            "inspectie_report_due",
            "appeal_decision_due",
            "search_ends_on",
            "objection_deadline",
            "objection_decision_due",
        )
        return {
            name: value.isoformat() if (value := getattr(self, name)) else None for name in names
        }


class SearchAttempt(models.Model):
    """A recorded effort to find another school during an expulsion."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="attempts")
    contacted_on = models.DateField(_("datum"))
    school_name = models.CharField(_("school"), max_length=200)
    outcome = models.CharField(
        _("uitkomst"),
        max_length=20,
        choices=[
            ("pending", _("Nog geen antwoord")),
            ("refused", _("Kan de leerling niet plaatsen")),
            ("accepted", _("Laat de leerling toe")),
        ],
    )
    note = models.TextField(_("toelichting"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["contacted_on", "id"]

    def __str__(self) -> str:
        return f"{self.school_name} ({self.contacted_on})"


class LetterTemplate(models.Model):
    """A board's own wording of one letter; without it Vangnet's default text is used."""

    board = models.ForeignKey(
        "organisations.Board", on_delete=models.CASCADE, related_name="letter_templates"
    )
    kind = models.CharField(max_length=30)
    body = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["board", "kind"], name="letter_template_once")
        ]

    def __str__(self) -> str:
        return f"{self.board_id} {self.kind}"


class MeasureDocument(models.Model):
    """A generated letter, as DOCX (editable) and PDF, kept with the measure."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30)
    number = models.PositiveIntegerField(default=1)  # a letter generated again gets n+1
    docx = models.FileField(upload_to="letters/%Y/%m/")
    pdf = models.FileField(upload_to="letters/%Y/%m/")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "kind", "number"], name="measure_document_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number} ({self.measure_id})"


class ExtraRulesPlan(models.Model):
    """Temporary extra rules for one pupil after transgressive behaviour."""

    RULES = (
        ("arrival", _("Toezicht bij aankomst en vertrek")),
        ("breaks", _("Toezicht in de pauzes")),
        ("toilet", _("Afspraken over toiletbezoek")),
        ("gym", _("Afspraken bij gym en omkleden")),
        ("computer", _("Afspraken over computergebruik")),
        ("independent_work", _("Afspraken bij zelfstandig werken")),
        ("trips", _("Afspraken bij uitstapjes en schoolreis")),
    )

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="extra_rules")
    pupil = models.ForeignKey(
        "organisations.Pupil", on_delete=models.PROTECT, related_name="extra_rules"
    )
    school = models.ForeignKey(
        "organisations.School", on_delete=models.PROTECT, related_name="extra_rules"
    )
    rules = models.JSONField(default=list)
    rules_note = models.TextField(_("de regels in het kort"), blank=True)
    extra_teacher = models.BooleanField(_("een extra leerkracht of begeleider"), default=False)
    starts_on = models.DateField(_("ingangsdatum"))
    next_evaluation_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    parents_note = models.TextField(_("bericht aan andere ouders (in grote lijnen)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"extra rules {self.pk}"


class ExtraRulesEvaluation(models.Model):
    plan = models.ForeignKey(ExtraRulesPlan, on_delete=models.CASCADE, related_name="evaluations")
    held_on = models.DateField(_("datum"))
    participants = models.CharField(_("wie waren erbij?"), max_length=500)
    findings = models.TextField(_("hoe gaat het?"))
    changes = models.TextField(_("wat verandert er?"), blank=True)
    rules = models.JSONField(default=list)  # the rules in force after this evaluation
    continues = models.BooleanField(_("de regels blijven gelden"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"evaluation {self.pk} of {self.plan_id}"
