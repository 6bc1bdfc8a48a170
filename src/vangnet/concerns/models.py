"""The logbook of concerns and the pupil dossier.

A :class:`Concern` is one dated entry about one pupil: a noticed signal, a conversation
with parents, a consultation of colleagues, a follow-up that confirms or refutes an earlier
entry, or the hand-over to the care coordinator. Its content is a list of typed
:class:`Statement` rows (see :mod:`vangnet.lib.statements` for the rules). Entries are
never silently changed: every edit stores the previous version in :class:`ConcernVersion`.
Parents' rights live beside the entry: :class:`ParentView` and :class:`CorrectionRequest`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vangnet.lib import statements as rules
from vangnet.lib.dates import school_year_of

if TYPE_CHECKING:
    from vangnet.accounts.models import User


# The fields of an entry its author writes and may edit (the statements come separately).
EDITABLE_FIELDS = (
    "kind",
    "occurred_at",
    "location",
    "noticed_by",
    "reaction",
    "follow_up",
    "child_suffers",
    "signals",
    "is_working_note",
    "goal",
    "agreements",
    "follow_up_on",
    "copy_to_parents_on",
    "signature_required",
    "signed_by_parents_on",
)


class ConcernQuerySet(models.QuerySet["Concern"]):
    def visible_to(self, user: User) -> ConcernQuerySet:
        from vangnet.core import access

        return access.visible_concerns(user, self)  # type: ignore[return-value]


class Concern(models.Model):
    class Kind(models.TextChoices):
        SIGNAL = "signal", _("Signaal")
        CONVERSATION = "conversation", _("Gesprek met ouders")
        CONSULTATION = "consultation", _("Overleg met collega's")
        FOLLOW_UP = "follow_up", _("Vervolg")
        HANDOVER = "handover", _("Overdracht aan intern begeleider")

    class Suffers(models.TextChoices):
        YES = "yes", _("Ja")
        NO = "no", _("Nee")
        UNKNOWN = "unknown", _("Weet ik (nog) niet")

    class Settles(models.TextChoices):
        CONFIRMED = "confirmed", _("bevestigd")
        REFUTED = "refuted", _("weerlegd")

    pupil = models.ForeignKey(
        "organisations.Pupil", on_delete=models.PROTECT, related_name="concerns"
    )
    school = models.ForeignKey(
        "organisations.School", on_delete=models.PROTECT, related_name="concerns"
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.SIGNAL)
    occurred_at = models.DateTimeField(_("datum en tijd"))
    school_year = models.CharField(max_length=9, db_index=True)
    location = models.CharField(
        pgettext_lazy("where it happened", "plaats"), max_length=200, blank=True
    )
    noticed_by = models.CharField(_("opgemerkt door"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concerns_written"
    )
    reaction = models.TextField(_("mijn reactie"), blank=True)
    follow_up = models.TextField(_("vervolg en afspraken"), blank=True)
    child_suffers = models.CharField(
        _("heeft het kind er zelf last van?"),
        max_length=10,
        choices=Suffers.choices,
        default=Suffers.UNKNOWN,
    )
    signals = models.JSONField(_("signalen uit de lijst"), default=list, blank=True)
    is_working_note = models.BooleanField(
        _("interne werkaantekening"),
        default=False,
        help_text=_("Werkaantekeningen staan niet in het dossier dat ouders inzien."),
    )
    # conversation with parents
    goal = models.TextField(_("doel van het gesprek"), blank=True)
    agreements = models.TextField(_("afspraken (meetbaar)"), blank=True)
    follow_up_on = models.DateField(_("vervolgdatum"), null=True, blank=True, db_index=True)
    copy_to_parents_on = models.DateField(_("kopie aan ouders op"), null=True, blank=True)
    signature_required = models.BooleanField(_("ondertekening nodig"), default=False)
    signed_by_parents_on = models.DateField(_("ondertekend door ouders op"), null=True, blank=True)
    # follow-up that settles an earlier entry
    settles = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="settled_by"
    )
    settlement = models.CharField(max_length=10, choices=Settles.choices, blank=True)
    # hand-over to the care coordinator
    handed_over_at = models.DateTimeField(null=True, blank=True)
    handover_note = models.TextField(_("toelichting bij de overdracht"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        verbose_name = _("zorg")
        verbose_name_plural = _("zorgen")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["pupil", "-occurred_at"], name="concern_pupil_time"),
            models.Index(fields=["school", "handed_over_at"], name="concern_handover"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.school_year = school_year_of(timezone.localtime(self.occurred_at).date())
        super().save(*args, **kwargs)

    @property
    def deletable_until(self) -> Any:
        return self.created_at + dt.timedelta(days=1)

    def snapshot(self) -> dict[str, Any]:
        fields = [*EDITABLE_FIELDS, "handover_note"]
        data: dict[str, Any] = {f: getattr(self, f) for f in fields}
        data["occurred_at"] = self.occurred_at.isoformat()
        for f in ("follow_up_on", "copy_to_parents_on", "signed_by_parents_on"):
            data[f] = data[f].isoformat() if data[f] else None
        data["statements"] = [s.snapshot() for s in self.statements.all()]
        return data


class Statement(models.Model):
    class Kind(models.TextChoices):
        FACT = rules.FACT, _("Waargenomen feit")
        ACCOUNT = rules.ACCOUNT, _("Verhaal van een ander")
        SUSPICION = rules.SUSPICION, _("Vermoeden of interpretatie")
        DIAGNOSIS = rules.DIAGNOSIS, _("Diagnose")

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="statements")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("soort uitspraak"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("tekst"), blank=True)
    source = models.CharField(_("bron (wie vertelde het)"), max_length=200, blank=True)
    source_consent = models.BooleanField(
        _("bron geeft toestemming om vast te leggen"), default=True
    )
    professional = models.CharField(_("gesteld door (naam)"), max_length=200, blank=True)
    registration = models.CharField(_("BIG-registratienummer"), max_length=11, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"

    def snapshot(self) -> dict[str, Any]:
        return {
            f: getattr(self, f)
            for f in ("kind", "text", "source", "source_consent", "professional", "registration")
        }

    @property
    def withheld(self) -> bool:
        return self.kind == rules.ACCOUNT and not self.source_consent


class ConcernVersion(models.Model):
    """The entry as it was before an edit (or a granted correction)."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    data = models.JSONField()
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["concern", "version"], name="concern_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.concern_id} v{self.version}"


class ConcernShare(models.Model):
    """A colleague the concern was shared with for consultation; they see this entry."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shared_concerns"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)
    question = models.TextField(_("vraag aan de collega"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["concern", "user"], name="concern_share_unique")
        ]

    def __str__(self) -> str:
        return f"{self.concern_id} → {self.user_id}"


class ConcernDraft(models.Model):
    """A half-filled concern form, kept per user and pupil until it is saved."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    pupil = models.ForeignKey("organisations.Pupil", on_delete=models.CASCADE)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "pupil"], name="concern_draft_unique")
        ]

    def __str__(self) -> str:
        return f"draft {self.user_id}/{self.pupil_id}"


class ParentView(models.Model):
    """The parents' own view on an entry, stored beside it (never replacing it)."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="parent_views")
    text = models.TextField(_("zienswijze van de ouders"))
    given_by = models.CharField(_("gegeven door"), max_length=200)
    received_on = models.DateField(_("ontvangen op"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"view on {self.concern_id}"


class CorrectionRequest(models.Model):
    """A request by parents (or the pupil from 16) to correct an entry: answered in
    writing within 4 weeks of receipt; a refusal gives reasons."""

    class Decision(models.TextChoices):
        GRANTED = "granted", _("toegekend")
        PARTLY = "partly", _("gedeeltelijk toegekend")
        REFUSED = "refused", _("afgewezen")

    concern = models.ForeignKey(
        Concern, on_delete=models.PROTECT, related_name="correction_requests"
    )
    requested_by = models.CharField(_("aangevraagd door"), max_length=200)
    what = models.TextField(_("wat moet er anders"))
    why = models.TextField(_("waarom"))
    received_on = models.DateField(_("ontvangen op"))
    due_on = models.DateField(_("beslissen uiterlijk op"), db_index=True)
    decision = models.CharField(
        _("beslissing"), max_length=10, choices=Decision.choices, blank=True
    )
    reasons = models.TextField(_("motivering"), blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["decision", "due_on"], name="correction_open_due")]

    def __str__(self) -> str:
        return f"correction {self.pk} on {self.concern_id}"

    @property
    def is_open(self) -> bool:
        return not self.decision


class FlagWeighing(models.Model):
    """A weighing of sexual behaviour with the flag system (six criteria, four flags).
    Linked to a concern now; the incident module links its own."""

    class Flag(models.TextChoices):
        GREEN = "green", _("groen")
        YELLOW = "yellow", _("geel")
        RED = "red", _("rood")
        BLACK = "black", _("zwart")

    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, null=True, blank=True, related_name="flag_weighings"
    )
    answers = models.JSONField(default=dict)  # criterion -> {"answer": yes|no|unclear, "note": str}
    suggested_flag = models.CharField(max_length=10, choices=Flag.choices)
    flag = models.CharField(_("vlag"), max_length=10, choices=Flag.choices)
    override_reason = models.TextField(_("reden voor een andere vlag"), blank=True)
    weighed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    weighed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-weighed_at"]

    def __str__(self) -> str:
        return f"{self.get_flag_display()} ({self.concern_id})"
