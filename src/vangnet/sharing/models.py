"""A request to share information about a student outside the institution (decision
framework 2, docs/domain.md module 5), approved by the Executive Board before anything goes
out; the exchange itself is recorded in the register
(:class:`vangnet.cases.models.ExternalExchange`) when it is marked as shared."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SharingRequest(models.Model):
    """Values of route and status are those of :mod:`vangnet.lib.sharing`."""

    class Route(models.TextChoices):
        WEIGHED = "weighed", _("Na afweging (afwegingskader 2)")
        ACUTE = "acute", _("Acuut risico")

    class Status(models.TextChoices):
        AWAITING = "awaiting_approval", _("Wacht op het College van Bestuur")
        APPROVED = "approved", _("Goedgekeurd door het College van Bestuur")
        REFUSED = "refused", _("Niet goedgekeurd")
        SHARED = "shared", _("Gedeeld")

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In Vangnet")
        PHONE = "phone", _("Telefonisch")
        IN_PERSON = "in_person", _("Mondeling")
        WRITING = "writing", _("Schriftelijk")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="sharing")
    pupil = models.ForeignKey(
        "organisations.Pupil", on_delete=models.PROTECT, related_name="sharing_requests"
    )
    school = models.ForeignKey(
        "organisations.School", on_delete=models.PROTECT, related_name="sharing_requests"
    )
    route = models.CharField(_("route"), max_length=10, choices=Route.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING)
    recipient = models.ForeignKey(
        "organisations.Partner",
        verbose_name=_("aan wie"),
        on_delete=models.PROTECT,
        related_name="sharing_requests",
    )
    what = models.TextField(_("welke informatie"))
    purpose = models.TextField(_("met welk doel"))
    # framework 2: {"all_options_used": "yes"|"no", ...} and a rationale per question
    answers = models.JSONField(default=dict, blank=True)
    rationales = models.JSONField(default=dict, blank=True)
    # the acute route: which danger(s), explained
    acute_grounds = models.JSONField(default=list, blank=True)
    acute_explanation = models.TextField(blank=True)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    # the Executive Board's decision: who, when, how it was given
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    decision_note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(  # who recorded a consent given by phone or in person
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmation_due = models.DateField(null=True, blank=True)
    confirmed_on = models.DateField(null=True, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    exchange = models.OneToOneField(
        "cases.ExternalExchange",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sharing_request",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["school", "status"], name="sharing_school_status")]

    def __str__(self) -> str:
        return f"sharing {self.pk} ({self.status})"
