"""Boards, schools, groups, pupils, guardians, staff roles and the social map.

Personal-data models (Pupil, Guardian) are listed only through ``visible_to(user)``;
single records are fetched through the access functions in :mod:`vangnet.core.access`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.core.roles import BOARD_ROLES, Role
from vangnet.lib.dates import age_on

if TYPE_CHECKING:
    from vangnet.accounts.models import User


class Sector(models.TextChoices):
    PO = "PO", _("Primair onderwijs")
    SO = "SO", _("Speciaal onderwijs")
    VO = "VO", _("Voortgezet onderwijs")
    MBO = "MBO", _("Middelbaar beroepsonderwijs")
    HBO = "HBO", _("Hoger beroepsonderwijs")
    WO = "WO", _("Wetenschappelijk onderwijs")


HIGHER_EDUCATION = frozenset({Sector.HBO, Sector.WO})


class Board(models.Model):
    """A school board or higher-education institution (bevoegd gezag)."""

    name = models.CharField(_("naam"), max_length=200, unique=True)
    sector = models.CharField(_("sector"), max_length=3, choices=Sector.choices)
    break_glass_allowed = models.BooleanField(
        _("noodtoegang toegestaan"),
        default=True,
        help_text=_(
            "Leerkrachten mogen met opgave van reden een leerling van hun school buiten "
            "hun eigen groepen openen."
        ),
    )
    break_glass_minutes = models.PositiveIntegerField(_("duur noodtoegang (minuten)"), default=60)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("bestuur")
        verbose_name_plural = _("besturen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def role_title(self, role: str) -> str:
        titles = getattr(self, "_role_titles", None)
        if titles is None:
            titles = {t.role: t.title for t in self.role_titles.all()}
            self._role_titles = titles
        return titles.get(role) or str(Role(role).label)


class School(models.Model):
    """A school or location; in higher education a faculty or programme."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(_("naam"), max_length=200)
    code = models.CharField(
        _("code (BRIN/vestiging)"), max_length=20, help_text=_("Bijvoorbeeld 12AB00.")
    )
    sector = models.CharField(_("sector"), max_length=3, choices=Sector.choices)
    city = models.CharField(_("plaats"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("scholen")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "code"], name="school_code_unique_per_board")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_higher_education(self) -> bool:
        return self.sector in HIGHER_EDUCATION


class Group(models.Model):
    """A group or class in one school year (PO: groep 1-8)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(_("naam"), max_length=100)
    school_year = models.CharField(_("schooljaar"), max_length=9)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="teaching_groups", blank=True
    )

    class Meta:
        verbose_name = _("groep")
        verbose_name_plural = _("groepen")
        ordering = ["school_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "name"], name="group_unique_per_year"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PupilQuerySet(models.QuerySet["Pupil"]):
    def visible_to(self, user: User) -> PupilQuerySet:
        from vangnet.core import access

        return access.visible_pupils(user, self)  # type: ignore[return-value]


class Pupil(models.Model):
    """A pupil or student."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupils")
    group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="pupils"
    )
    student_number = models.CharField(_("leerlingnummer"), max_length=40)
    eck_id = models.CharField(_("ECK iD"), max_length=200, blank=True)
    first_name = models.CharField(_("roepnaam"), max_length=100)
    name_prefix = models.CharField(_("tussenvoegsel"), max_length=30, blank=True)
    last_name = models.CharField(_("achternaam"), max_length=100)
    date_of_birth = models.DateField(_("geboortedatum"))
    enrolled_on = models.DateField(_("ingeschreven op"), null=True, blank=True)
    left_on = models.DateField(_("uitgeschreven op"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = PupilQuerySet.as_manager()

    class Meta:
        verbose_name = _("leerling")
        verbose_name_plural = _("leerlingen")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "student_number"], name="pupil_number_unique_per_school"
            )
        ]
        indexes = [models.Index(fields=["school", "last_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.name_prefix, self.last_name) if p)

    @property
    def sort_name(self) -> str:
        prefix = f", {self.name_prefix}" if self.name_prefix else ""
        return f"{self.last_name}, {self.first_name}{prefix}"

    def age(self, on: dt.date | None = None) -> int:
        return age_on(self.date_of_birth, on or timezone.localdate())


class Guardian(models.Model):
    """A parent or guardian; linked to pupils with or without parental authority."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="guardians")
    name = models.CharField(_("naam"), max_length=200)
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=40, blank=True)
    pupils: models.ManyToManyField[Pupil, GuardianLink] = models.ManyToManyField(
        Pupil, through="GuardianLink", related_name="guardians"
    )

    class Meta:
        verbose_name = _("ouder/verzorger")
        verbose_name_plural = _("ouders/verzorgers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GuardianLink(models.Model):
    class Relation(models.TextChoices):
        MOTHER = "mother", _("moeder")
        FATHER = "father", _("vader")
        PARENT = "parent", _("ouder")
        GUARDIAN = "guardian", _("voogd")
        FOSTER = "foster", _("pleegouder")
        OTHER = "other", _("anders")

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="guardian_links")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="links")
    relation = models.CharField(_("relatie"), max_length=10, choices=Relation.choices)
    parental_authority = models.BooleanField(_("ouderlijk gezag"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pupil", "guardian"], name="guardian_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.guardian_id} → {self.pupil_id}"


class RoleAssignment(models.Model):
    """A user's role at one school, or for the whole board (school empty)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("rol"), max_length=30, choices=Role.choices)
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="role_assignments")
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="role_assignments"
    )

    class Meta:
        verbose_name = _("rol")
        verbose_name_plural = _("rollen")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "board", "school"], name="role_assignment_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "role", "board"],
                condition=models.Q(school__isnull=True),
                name="board_role_assignment_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.title}"

    @property
    def title(self) -> str:
        return self.board.role_title(self.role)

    @property
    def is_board_wide(self) -> bool:
        return self.role in BOARD_ROLES


class RoleTitle(models.Model):
    """A board's own name for a role ("in elke instelling andere functienamen")."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="role_titles")
    role = models.CharField(max_length=30, choices=Role.choices)
    title = models.CharField(_("functienaam"), max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["board", "role"], name="role_title_unique")]

    def __str__(self) -> str:
        return self.title


class Partner(models.Model):
    """An organisation on the board's social map (sociale kaart)."""

    class Kind(models.TextChoices):
        VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis")
        GGD = "ggd", _("GGD")
        YOUTH_FAMILY = "youth_family", _("Jeugd- en gezinsteam / CJG")
        NEIGHBOURHOOD = "neighbourhood", _("Wijkteam")
        POLICE = "police", _("Politie")
        CONFIDENTIAL_INSPECTOR = "confidential_inspector", _("Vertrouwensinspecteur")
        COMPULSORY_EDUCATION = "compulsory_education", _("Leerplichtambtenaar")
        YOUTH_CARE = "youth_care", _("Jeugdhulp / jeugd-GGZ")
        EXTERNAL_CONFIDENTIAL_ADVISER = "external_adviser", _("Externe vertrouwenspersoon")
        OTHER = "other", _("Anders")

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="partners")
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    organisation = models.CharField(_("organisatie"), max_length=200)
    contact_name = models.CharField(_("contactpersoon"), max_length=200, blank=True)
    phone = models.CharField(_("telefoon"), max_length=40, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    opening_hours = models.CharField(_("bereikbaarheid"), max_length=200, blank=True)
    notes = models.TextField(_("toelichting"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("sociale kaart")
        ordering = ["kind", "organisation"]

    def __str__(self) -> str:
        return self.organisation

    def snapshot(self) -> dict[str, Any]:
        return {
            f: getattr(self, f)
            for f in (
                "kind",
                "organisation",
                "contact_name",
                "phone",
                "email",
                "opening_hours",
                "notes",
            )
        }


class SchoolHoliday(models.Model):
    """A period the school is closed: a holiday, a study day. ``school`` empty: every
    school of the board. Weekends and public holidays are not entered (the calendar
    knows them, see :mod:`vangnet.lib.schooldays`)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="holidays")
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="holidays"
    )
    name = models.CharField(_("naam"), max_length=100)
    first_day = models.DateField(_("eerste dag"))
    last_day = models.DateField(_("laatste dag"))

    class Meta:
        verbose_name = _("vakantie of vrije dag")
        verbose_name_plural = _("vakanties en vrije dagen")
        ordering = ["first_day", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="school_holiday_last_not_before_first",
            ),
            models.UniqueConstraint(
                fields=["board", "school", "name", "first_day", "last_day"],
                name="school_holiday_unique_per_school",
            ),
            models.UniqueConstraint(
                fields=["board", "name", "first_day", "last_day"],
                condition=models.Q(school__isnull=True),
                name="school_holiday_unique_board_wide",
            ),
        ]
        indexes = [models.Index(fields=["board", "first_day"])]

    def __str__(self) -> str:
        return self.name

    def snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "school_id": self.school_id,
        }


class MeasureRuleOverride(models.Model):
    """A board's own values for the terms of one sector (only SO, VO and MBO may differ
    from the defaults; see :mod:`vangnet.lib.measure_rules`). ``values`` holds only the
    fields that differ."""

    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, related_name="measure_rule_overrides"
    )
    sector = models.CharField(_("sector"), max_length=3, choices=Sector.choices)
    values = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("termijnen van het bestuur")
        verbose_name_plural = _("termijnen van het bestuur")
        constraints = [
            models.UniqueConstraint(fields=["board", "sector"], name="measure_rules_per_sector")
        ]

    def __str__(self) -> str:
        return f"{self.board_id} · {self.sector}"
