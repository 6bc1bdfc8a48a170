"""Registering and changing incidents: every function is one transaction with its audit
events. Nothing is written when the input is refused (a ``ValidationError`` whose
message dict names the field: ``occurred_at``, ``ended_at``, ``location``, ``category``,
``severity``, ``description``, ``people``, ``concerns``, ``cases``, ``earlier``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core import access
from vangnet.core.audit import Actor, Entry, record_many
from vangnet.core.models import EventType
from vangnet.core.submissions import ConflictError
from vangnet.incidents.models import (
    Incident,
    IncidentCategory,
    IncidentLocation,
    IncidentPerson,
    IncidentVersion,
)
from vangnet.lib.incidents import PUPIL_ROLES, ROLES, SEVERITIES

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.organisations.models import School

FUTURE_TOLERANCE = dt.timedelta(minutes=5)
MAX_PEOPLE = 50
MAX_DESCRIPTION = 10_000

# The fields of an incident an edit can change (the audit event names the changed ones).
FIELDS = (
    "occurred_at",
    "ended_at",
    "location",
    "category",
    "severity",
    "description",
    "unrest",
    "unrest_among",
    "measures",
)


@dataclass
class PersonInput:
    """One person involved. Pupils of the school and staff by id; anyone else
    (a parent, someone from outside the school) by initials."""

    role: str
    pupil_id: int | None = None
    staff_id: int | None = None
    initials: str = ""
    note: str = ""


@dataclass
class IncidentInput:
    """What a form or the API hands to :func:`do_create_incident` / :func:`do_update_incident`."""

    occurred_at: dt.datetime
    location_id: int | None
    category_id: int | None
    severity: str
    description: str
    people: list[PersonInput]
    ended_at: dt.datetime | None = None
    unrest: bool = False
    unrest_among: str = ""
    measures: str = ""
    concern_ids: list[int] = field(default_factory=list)
    case_ids: list[int] = field(default_factory=list)
    earlier_ids: list[int] = field(default_factory=list)


@dataclass
class _Checked:
    location: IncidentLocation
    category: IncidentCategory
    people: list[IncidentPerson]
    concern_ids: set[int]
    case_ids: set[int]
    earlier_ids: set[int]


def _ids(values: list[int]) -> set[int]:
    return {int(v) for v in values if v is not None}


def _staff_ids(school: School, ids: set[int]) -> set[int]:
    from vangnet.accounts.models import User

    return set(
        User.objects.filter(
            pk__in=ids, is_active=True, role_assignments__school_id=school.pk
        ).values_list("pk", flat=True)
    )


def _check(
    school: School, data: IncidentInput, *, user: User, incident: Incident | None = None
) -> _Checked:
    """Validate everything; raise one ValidationError with all problems."""
    errors: dict[str, Any] = {}
    now = timezone.now()
    if data.occurred_at is None:
        errors["occurred_at"] = _("Vul in wanneer het gebeurde.")
    elif data.occurred_at > now + FUTURE_TOLERANCE:
        errors["occurred_at"] = _("Deze datum en tijd liggen in de toekomst.")
    if data.ended_at is not None:
        if data.ended_at > now + FUTURE_TOLERANCE:
            errors["ended_at"] = _("Het einde ligt in de toekomst.")
        elif data.occurred_at is not None and data.ended_at < data.occurred_at:
            errors["ended_at"] = _("Het einde ligt vóór het begin.")
    if data.severity not in SEVERITIES:
        errors["severity"] = _("Kies hoe ernstig het incident was.")
    if not data.description.strip():
        errors["description"] = _("Beschrijf wat er is gebeurd.")
    elif len(data.description) > MAX_DESCRIPTION:
        errors["description"] = _("De beschrijving is te lang (hoogstens 10.000 tekens).")
    if data.unrest and len(data.unrest_among) > 200:
        errors["unrest_among"] = _("Houd dit kort (hoogstens 200 tekens).")

    location = (
        IncidentLocation.objects.filter(pk=data.location_id, board_id=school.board_id).first()
        if data.location_id
        else None
    )
    keeps_location = (
        incident is not None and location is not None and (location.pk == incident.location_id)
    )
    if location is None:
        errors["location"] = _("Kies waar het gebeurde.")
    elif not location.active and not keeps_location:
        errors["location"] = _(
            "Deze plaats is door het bestuur uit de lijst gehaald. Kies een andere plaats."
        )

    category = (
        IncidentCategory.objects.filter(pk=data.category_id, board_id=school.board_id).first()
        if data.category_id
        else None
    )
    keeps_category = (
        incident is not None and category is not None and (category.pk == incident.category_id)
    )
    if category is None:
        errors["category"] = _("Kies wat voor incident het was.")
    elif not category.active and not keeps_category:
        errors["category"] = _(
            "Deze soort incident is door het bestuur uitgezet. Kies een andere soort."
        )

    people, person_errors = _check_people(school, data.people, user=user, incident=incident)
    if person_errors:
        errors["people"] = person_errors

    concern_ids, case_ids, earlier_ids = (
        _ids(data.concern_ids),
        _ids(data.case_ids),
        _ids(data.earlier_ids),
    )
    if concern_ids:
        known = set(
            access.visible_concerns(user)
            .filter(pk__in=concern_ids, school_id=school.pk)
            .values_list("pk", flat=True)
        )
        if concern_ids - known:
            errors["concerns"] = _("Een gekoppelde zorg is onbekend of niet voor jou zichtbaar.")
    if case_ids:
        known = set(
            access.visible_cases(user)
            .filter(pk__in=case_ids, school_id=school.pk)
            .values_list("pk", flat=True)
        )
        if case_ids - known:
            errors["cases"] = _("Een gekoppeld zorgtraject is onbekend of niet voor jou zichtbaar.")
    if earlier_ids:
        if incident is not None and incident.pk in earlier_ids:
            errors["earlier"] = _("Een incident kan niet naar zichzelf verwijzen.")
        else:
            known = set(
                access.visible_incidents(user)
                .filter(pk__in=earlier_ids, school_id=school.pk)
                .values_list("pk", flat=True)
            )
            if earlier_ids - known:
                errors["earlier"] = _("Een eerder incident is onbekend of niet voor jou zichtbaar.")
    if errors:
        raise ValidationError(errors)
    assert location is not None and category is not None
    return _Checked(location, category, people, concern_ids, case_ids, earlier_ids)


def _check_people(
    school: School, rows: list[PersonInput], *, user: User, incident: Incident | None
) -> tuple[list[IncidentPerson], list[str]]:
    errors: list[str] = []
    if not rows:
        return [], [_("Noem ten minste één betrokkene.")]
    if len(rows) > MAX_PEOPLE:
        return [], [_("Hoogstens %(n)d betrokkenen per incident.") % {"n": MAX_PEOPLE}]
    pupil_ids = {r.pupil_id for r in rows if r.pupil_id}
    staff_ids = {r.staff_id for r in rows if r.staff_id}
    known_pupils = set(
        access.visible_pupils(user)
        .filter(pk__in=pupil_ids, school_id=school.pk)
        .values_list("pk", flat=True)
    )
    if incident is not None:
        # Pupils already on the incident stay, also when the editor cannot open them
        # (a teacher editing their report after the director added a pupil of another group).
        known_pupils |= set(
            incident.people.filter(pupil_id__in=pupil_ids).values_list("pupil_id", flat=True)
        )
    known_staff = _staff_ids(school, {s for s in staff_ids if s})
    seen: set[tuple[str, str, int]] = set()
    people: list[IncidentPerson] = []
    for n, row in enumerate(rows, start=1):

        def problem(message: str, n: int = n) -> None:
            errors.append(_("Betrokkene %(n)d: %(message)s") % {"n": n, "message": message})

        initials = row.initials.strip()
        note = row.note.strip()
        if row.role not in ROLES:
            problem(_("kies een rol."))
            continue
        if len(note) > 300:
            problem(_("de toelichting is te lang (hoogstens 300 tekens)."))
            continue
        given = sum(bool(x) for x in (row.pupil_id, row.staff_id, initials))
        if given != 1:
            problem(_("kies één leerling of één medewerker, of vul initialen in (niet meer)."))
            continue
        if row.role in PUPIL_ROLES:
            if not row.pupil_id:
                problem(
                    _(
                        "kies een leerling van deze school. Iemand van een andere school noem "
                        "je als ‘iemand van buiten de school’ met initialen."
                    )
                )
                continue
            if row.pupil_id not in known_pupils:
                problem(_("deze leerling is onbekend of niet voor jou zichtbaar."))
                continue
            key = (row.role, "pupil", row.pupil_id)
        elif row.role == IncidentPerson.Role.STAFF:
            if not row.staff_id:
                problem(_("kies een medewerker van deze school."))
                continue
            if row.staff_id not in known_staff:
                problem(_("deze medewerker werkt niet op deze school."))
                continue
            key = (row.role, "staff", row.staff_id)
        else:
            if not initials:
                problem(_("vul de initialen in."))
                continue
            if len(initials) > 20:
                problem(_("initialen zijn hoogstens 20 tekens."))
                continue
            key = (row.role, "initials", len(people))  # two parents may share initials
        if key in seen:
            problem(_("deze persoon staat al met dezelfde rol in de lijst."))
            continue
        seen.add(key)
        people.append(
            IncidentPerson(
                role=row.role,
                pupil_id=row.pupil_id if row.role in PUPIL_ROLES else None,
                staff_id=row.staff_id if row.role == IncidentPerson.Role.STAFF else None,
                initials=initials if row.role not in PUPIL_ROLES | {"staff"} else "",
                note=note,
            )
        )
    return people, errors


def _entries(incident: Incident, event_type: EventType, **data: Any) -> list[Entry]:
    """One event per pupil involved (so each pupil's access log shows it), or one event
    without a pupil when no pupil is involved."""
    base = {
        "board_id": incident.school.board_id,
        "school_id": incident.school_id,
        "object_type": "incident",
        "object_id": str(incident.pk),
        "data": data,
    }
    pupil_ids = sorted(
        {p for p in incident.people.values_list("pupil_id", flat=True) if p is not None}
    )
    if not pupil_ids:
        return [Entry(event_type, **base)]  # type: ignore[arg-type]
    return [Entry(event_type, pupil_id=p, **base) for p in pupil_ids]  # type: ignore[arg-type]


def incident_entries(incident: Incident, event_type: EventType, **data: Any) -> list[Entry]:
    """The audit entries of an event about ``incident`` (also used by read views)."""
    return _entries(incident, event_type, **data)


def snapshot(incident: Incident) -> dict[str, Any]:
    """The incident's fields, people and links as plain JSON (kept in IncidentVersion)."""
    return {
        "occurred_at": incident.occurred_at.isoformat(),
        "ended_at": incident.ended_at.isoformat() if incident.ended_at else None,
        "location": incident.location_id,
        "location_label": incident.location.label,
        "category": incident.category_id,
        "category_label": incident.category.label,
        "national_code": incident.national_code,
        "severity": incident.severity,
        "description": incident.description,
        "unrest": incident.unrest,
        "unrest_among": incident.unrest_among,
        "measures": incident.measures,
        "people": [
            {
                "role": p.role,
                "pupil": p.pupil_id,
                "staff": p.staff_id,
                "initials": p.initials,
                "note": p.note,
            }
            for p in incident.people.order_by("id")
        ],
        "concerns": sorted(incident.concerns.values_list("pk", flat=True)),
        "cases": sorted(incident.cases.values_list("pk", flat=True)),
        "earlier": sorted(incident.earlier.values_list("pk", flat=True)),
    }


def _write_people(incident: Incident, people: list[IncidentPerson]) -> None:
    for person in people:
        person.incident = incident
    IncidentPerson.objects.bulk_create(people)


def do_create_incident(school: School, data: IncidentInput, *, actor: Actor) -> Incident:
    """Register an incident at ``school`` (the caller checked the user may register there,
    :func:`vangnet.core.access.incident_schools`)."""
    assert actor.user is not None
    checked = _check(school, data, user=actor.user)
    with transaction.atomic():
        now = timezone.now()
        incident = Incident.objects.create(
            school=school,
            occurred_at=data.occurred_at,
            ended_at=data.ended_at,
            location=checked.location,
            category=checked.category,
            national_code=checked.category.code,
            severity=data.severity,
            description=data.description.strip(),
            unrest=data.unrest,
            unrest_among=data.unrest_among.strip() if data.unrest else "",
            measures=data.measures.strip(),
            reporter=actor.user,
            created_at=now,
            updated_at=now,
        )
        _write_people(incident, checked.people)
        incident.concerns.set(checked.concern_ids)
        incident.cases.set(checked.case_ids)
        incident.earlier.set(checked.earlier_ids)
        record_many(
            actor,
            _entries(
                incident,
                EventType.INCIDENT_CREATED,
                category=incident.national_code,
                severity=incident.severity,
                people=len(checked.people),
            ),
        )
    return incident


def do_update_incident(
    incident: Incident, data: IncidentInput, *, version: int, actor: Actor
) -> Incident:
    """Change an incident; the previous version (fields and people) is kept."""
    assert actor.user is not None
    user = actor.user
    with transaction.atomic():
        current = (
            Incident.objects.select_for_update()
            .select_related("school", "location", "category")
            .get(pk=incident.pk)
        )
        if current.version != version:
            raise ConflictError
        checked = _check(current.school, data, user=user, incident=current)
        before = snapshot(current)
        IncidentVersion.objects.create(
            incident=current, number=current.version, data=before, replaced_by=user
        )
        if checked.category.pk != current.category_id:
            current.national_code = checked.category.code
        current.occurred_at = data.occurred_at
        current.ended_at = data.ended_at
        current.location = checked.location
        current.category = checked.category
        current.severity = data.severity
        current.description = data.description.strip()
        current.unrest = data.unrest
        current.unrest_among = data.unrest_among.strip() if data.unrest else ""
        current.measures = data.measures.strip()
        current.updated_at = timezone.now()
        current.version = F("version") + 1
        current.save()
        current.people.all().delete()
        _write_people(current, checked.people)
        # Links the editor cannot see stay as they were; the visible ones follow the input.
        current.concerns.set(
            checked.concern_ids
            | set(
                current.concerns.exclude(
                    pk__in=access.visible_concerns(user).values("pk")
                ).values_list("pk", flat=True)
            )
        )
        current.cases.set(
            checked.case_ids
            | set(
                current.cases.exclude(pk__in=access.visible_cases(user).values("pk")).values_list(
                    "pk", flat=True
                )
            )
        )
        current.earlier.set(
            checked.earlier_ids
            | set(
                current.earlier.exclude(
                    pk__in=access.visible_incidents(user).values("pk")
                ).values_list("pk", flat=True)
            )
        )
        current.refresh_from_db()
        after = snapshot(current)
        ignore = {"location_label", "category_label"}
        changed = sorted(k for k in after if k not in ignore and after[k] != before.get(k))
        record_many(
            actor,
            _entries(current, EventType.INCIDENT_UPDATED, changed=changed, from_version=version),
        )
    return current
