"""The audit log, break-the-glass grants and one-time form tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventType(models.IntegerChoices):
    """What happened. Numbered ranges: 1xx login, 2xx reads, 3xx organisation data,
    4xx access and accounts, 5xx social map, 6xx concerns and dossier, 7xx care cases and
    consent, 8xx incidents, 9xx system."""

    LOGIN = 100, _("Ingelogd")
    LOGOUT = 101, _("Uitgelogd")
    LOGIN_FAILED = 102, _("Inloggen mislukt")
    LOCKED_OUT = 103, _("Account geblokkeerd na mislukte pogingen")
    MFA_ACTIVATED = 104, _("Tweede factor ingesteld")
    SESSION_EXPIRED = 105, _("Sessie verlopen")

    PUPIL_VIEWED = 200, _("Leerlingpagina bekeken")
    PUPILS_LISTED = 201, _("Leerlingen gezocht of opgevraagd")
    PUPIL_ACCESS_LOG_VIEWED = 202, _("Inzage in toegang tot leerling bekeken")
    AUDIT_LOG_VIEWED = 203, _("Auditlog bekeken")
    AUDIT_VERIFIED = 204, _("Auditketen gecontroleerd")

    PUPIL_CREATED = 300, _("Leerling aangemaakt")
    PUPIL_UPDATED = 301, _("Leerling gewijzigd")
    GUARDIAN_CREATED = 302, _("Ouder/verzorger aangemaakt")
    GUARDIAN_UPDATED = 303, _("Ouder/verzorger gewijzigd")
    GROUP_CREATED = 304, _("Groep aangemaakt")
    IMPORT_COMPLETED = 305, _("Import uitgevoerd")
    STAFF_CREATED = 306, _("Medewerker aangemaakt")
    GROUP_TEACHERS_CHANGED = 307, _("Leerkrachten van groep gewijzigd")

    BREAK_GLASS_GRANTED = 400, _("Noodtoegang gebruikt")
    ROLE_ASSIGNED = 401, _("Rol toegekend")
    ROLE_REVOKED = 402, _("Rol ingetrokken")
    API_TOKEN_CREATED = 403, _("API-sleutel aangemaakt")
    ROLE_TITLE_CHANGED = 404, _("Functienaam gewijzigd")
    BOARD_SETTINGS_CHANGED = 405, _("Instellingen bestuur gewijzigd")

    PARTNER_CREATED = 500, _("Partner toegevoegd aan sociale kaart")
    PARTNER_UPDATED = 501, _("Partner op sociale kaart gewijzigd")
    PARTNER_DELETED = 502, _("Partner van sociale kaart verwijderd")

    CONCERN_CREATED = 600, _("Zorg vastgelegd")
    CONCERN_UPDATED = 601, _("Zorg gewijzigd")
    CONCERN_DELETED = 602, _("Zorg verwijderd")
    CONCERN_SHARED = 603, _("Zorg gedeeld met collega")
    CONCERN_HANDED_OVER = 604, _("Zorg overgedragen aan intern begeleider")
    CONCERN_VIEWED = 605, _("Zorg bekeken")
    DOSSIER_VIEWED = 606, _("Dossier bekeken")
    DOSSIER_EXPORTED = 607, _("Dossier voor ouders geëxporteerd")
    DRAFT_SAVED = 608, _("Concept opgeslagen")
    DRAFT_DISCARDED = 609, _("Concept weggegooid")
    PARENT_VIEW_ADDED = 610, _("Zienswijze van ouders toegevoegd")
    CORRECTION_REQUESTED = 611, _("Correctieverzoek ontvangen")
    CORRECTION_DECIDED = 612, _("Besluit op correctieverzoek")
    FLAG_WEIGHED = 620, _("Vlaggensysteem ingevuld")

    CASE_OPENED = 700, _("Zorgtraject gestart")
    CASE_VIEWED = 701, _("Zorgtraject bekeken")
    CASE_RECORD_ADDED = 702, _("Vastlegging in zorgtraject")
    CASE_STEP_COMPLETED = 703, _("Stap van zorgtraject afgerond")
    CASE_DECISION_RECORDED = 704, _("Besluit met afwegingskader vastgelegd")
    CASE_SHORTCUT_TAKEN = 705, _("Zorgtraject via acute route")
    CASE_MEMBER_ADDED = 706, _("Collega toegevoegd aan zorgtraject")
    CASE_MEMBER_REMOVED = 707, _("Collega verwijderd uit zorgtraject")
    CASE_TASK_CREATED = 708, _("Taak in zorgtraject aangemaakt")
    CASE_TASK_DONE = 709, _("Taak in zorgtraject afgerond")
    CASE_CLOSED = 710, _("Zorgtraject afgesloten")
    CASE_REPORT_SAVED = 711, _("Meldcodeverslag opgeslagen")
    CASE_REPORT_EXPORTED = 712, _("Meldcodeverslag geëxporteerd")
    MELDCODE_BUNDLE_EXPORTED = 713, _("Jaarbundel meldcode geëxporteerd")
    CASES_LISTED = 714, _("Zorgtrajecten opgevraagd")
    CASE_REMINDER_SENT = 715, _("Herinnering zorgtraject verstuurd")
    CONSENT_RECORDED = 720, _("Toestemming vastgelegd")
    CONSENT_WITHDRAWN = 721, _("Toestemming ingetrokken")
    EXCHANGE_RECORDED = 722, _("Gegevensuitwisseling met externe partij vastgelegd")
    CONSENTS_VIEWED = 723, _("Toestemmingen en uitwisselingen bekeken")

    INCIDENT_CREATED = 800, _("Incident geregistreerd")
    INCIDENT_UPDATED = 801, _("Incident gewijzigd")
    INCIDENT_VIEWED = 802, _("Incident bekeken")
    INCIDENTS_LISTED = 803, _("Incidenten opgevraagd")
    INCIDENT_ATTACHMENT_ADDED = 804, _("Bijlage bij incident toegevoegd")
    INCIDENT_ATTACHMENT_VIEWED = 805, _("Bijlage bij incident bekeken")
    INCIDENT_LISTS_CHANGED = 806, _("Categorieën of locaties voor incidenten gewijzigd")
    INCIDENT_INSIGHTS_VIEWED = 807, _("Overzicht van incidenten bekeken")
    INCIDENT_PARENT_EXPORT = 808, _("Verslag van een incident voor ouders gemaakt")
    INCIDENT_ANNUAL_REPORT = 809, _("Jaarverslag incidenten gemaakt")

    MEASURE_PROPOSED = 1000, _("Maatregel voorgesteld")
    MEASURE_DECIDED = 1001, _("Besluit over een maatregel vastgelegd")
    MEASURE_UPDATED = 1002, _("Maatregel bijgewerkt")
    MEASURE_VIEWED = 1003, _("Maatregel bekeken")
    MEASURE_LETTER_CREATED = 1004, _("Brief bij een maatregel gemaakt")
    MEASURE_LETTER_VIEWED = 1005, _("Brief bij een maatregel geopend")
    EXTRA_RULES_SAVED = 1006, _("Aanvullende omgangsregels vastgelegd")
    EXTRA_RULES_EVALUATED = 1007, _("Aanvullende omgangsregels geëvalueerd")
    LETTER_TEMPLATE_CHANGED = 1008, _("Sjabloon voor een brief gewijzigd")

    SHARING_REQUESTED = 1100, _("Verzoek om informatie te delen ingediend")
    SHARING_DECIDED = 1101, _("Besluit over delen vastgelegd")
    SHARING_DONE = 1102, _("Informatie gedeeld buiten de instelling")
    SHARING_VIEWED = 1103, _("Verzoek om informatie te delen bekeken")
    SHARING_CONFIRMED = 1104, _("Schriftelijke bevestiging van het College vastgelegd")

    MEETING_CHANGED = 1200, _("Zorgoverleg ingepland of gewijzigd")
    MEETING_VIEWED = 1201, _("Agenda van een zorgoverleg bekeken")
    MEETING_ITEM_ADDED = 1202, _("Onderwerp op de agenda van een zorgoverleg gezet")
    MEETING_MINUTES_SAVED = 1203, _("Verslag van een zorgoverleg vastgelegd")
    MEETING_EXPORTED = 1204, _("Verslag van een zorgoverleg geëxporteerd")
    MEETING_REQUESTED = 1205, _("Traject aangemeld voor het zorgoverleg")
    MEETING_REMINDER_SENT = 1206, _("Herinnering aan een actie uit het zorgoverleg verstuurd")

    DEMO_LOADED = 900, _("Demogegevens geladen")
    CALENDAR_CHANGED = 910, _("Vakanties of vrije dagen gewijzigd")
    MEASURE_RULES_CHANGED = 911, _("Termijnen voor maatregelen gewijzigd")


class AuditEvent(models.Model):
    """One append-only, hash-chained event. Rows are never updated or deleted: database
    triggers refuse it, and ``vangnet audit verify`` proves the chain."""

    chain = models.CharField(max_length=40)
    seq = models.PositiveBigIntegerField()
    occurred_at = models.DateTimeField(default=timezone.now)
    # No `choices=`: new event types must not need a migration of the audit table.
    event_type = models.PositiveIntegerField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=254, blank=True)
    role = models.CharField(max_length=200, blank=True)  # all roles of the actor, comma-separated
    board_id = models.BigIntegerField(null=True, blank=True)
    school_id = models.BigIntegerField(null=True, blank=True)
    pupil_id = models.BigIntegerField(null=True, blank=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    channel = models.CharField(max_length=10, default="web")
    ip = models.GenericIPAddressField(null=True, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["chain", "seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq")]
        indexes = [
            models.Index(fields=["pupil_id", "occurred_at"], name="audit_pupil_time"),
            models.Index(fields=["board_id", "occurred_at"], name="audit_board_time"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.get_event_type_display()}"

    def get_event_type_display(self) -> str:
        try:
            return str(EventType(self.event_type).label)
        except ValueError:
            return str(self.event_type)


class AuditChainHead(models.Model):
    """The last sequence number and hash of one chain; locked while appending."""

    chain = models.CharField(max_length=40, primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.chain}@{self.seq}"


class BreakGlassGrant(models.Model):
    """Time-limited access to a pupil outside the user's normal scope, with a reason."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="break_glass_grants"
    )
    pupil = models.ForeignKey(
        "organisations.Pupil", on_delete=models.CASCADE, related_name="break_glass_grants"
    )
    reason = models.TextField(_("reden"))
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.pupil_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()


class SubmissionToken(models.Model):
    """A token per rendered form; claiming it twice means a double submit."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(default=timezone.now)
    result_url = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.token[:8]


class PeriodicJob(models.Model):
    """When a periodic job may run next; claimed with a conditional update so that two
    workers never run the same job twice."""

    name = models.CharField(max_length=60, primary_key=True)
    next_run_at = models.DateTimeField(default=timezone.now)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """An in-app message for one user (a reminder, an overdue step). ``key`` makes it
    idempotent: the worker can run twice without notifying twice. The text names no pupil
    when it is e-mailed; the page behind ``url`` checks access again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=120)
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"
