"""Incidents over the API: register one, list the visible ones, count them.

* ``POST /incidents`` registers an incident at a school where the caller may register
  (:func:`vangnet.core.access.incident_schools`; any other school is 404). Times are ISO
  8601 with a time zone. Input the rules refuse is 422 with Dutch messages per field
  (``{"detail": {"occurred_at": ["..."], "people": ["Betrokkene 2: ..."]}}``); a body of
  the wrong JSON shape (a string where a number belongs) is 422 in django-ninja's format.
* ``GET /incidents`` lists the incidents the caller may see, newest first. ``category``
  filters by **national code** (``bullying``, ``sexual``, … — the same keys the insights
  return, and comparable across boards); ``category_id`` by the board's own category.
  ``from``/``to`` are dates, both included.
* ``GET /insights/incidents`` counts distinct incidents per month, category (national
  code), location, school, weekday or severity — over the incidents the caller may
  *count*: the board counts all incidents of its schools without seeing any of them, a
  teacher only the ones they can see (:mod:`vangnet.incidents.insights`). A school or board
  outside that reach is 404. Counts are exact: there are no names in them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType
from vangnet.incidents import insights
from vangnet.incidents.models import Incident
from vangnet.lib.incidents import NATIONAL_CODES

router = Router(tags=["incidents"])
insights_router = Router(tags=["insights"])

MAX_LIMIT = 500


def _actor(request: AuthedRequest) -> Actor:
    return Actor.from_request(request, channel="api")


# --- schemas ------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: Any


class PersonIn(Schema):
    model_config = ConfigDict(extra="forbid")

    role: str
    pupil: int | None = None
    staff: int | None = None
    initials: str = ""
    note: str = ""


class IncidentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    school: int
    # ISO 8601 with a time zone, e.g. "2025-03-04T10:15:00+01:00" (checked here, in Dutch)
    occurred_at: str
    ended_at: str | None = None
    location: int
    category: int
    severity: str
    description: str
    unrest: bool = False
    unrest_among: str = ""
    measures: str = ""
    people: list[PersonIn]
    concerns: list[int] = []
    cases: list[int] = []
    earlier: list[int] = []


class PersonOut(Schema):
    role: str
    pupil_id: int | None
    staff_id: int | None
    initials: str
    note: str


class RefOut(Schema):
    id: int
    label: str


class CategoryOut(RefOut):
    code: str  # the national code


class IncidentOut(Schema):
    id: int
    school_id: int
    occurred_at: dt.datetime
    ended_at: dt.datetime | None
    location: RefOut
    category: CategoryOut
    national_code: str  # at registration; counts use this
    severity: str
    description: str
    unrest: bool
    unrest_among: str
    measures: str
    reporter: str
    people: list[PersonOut]
    concerns: list[int]
    cases: list[int]
    earlier: list[int]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class IncidentFilter(Schema):
    school: int | None = None
    category: str | None = None  # national code
    category_id: int | None = None  # the board's category
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    limit: int = 100
    offset: int = 0


class InsightFilter(Schema):
    school: int | None = None
    board: int | None = None
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    group_by: str = "month"


class CountOut(Schema):
    key: str
    label: str
    count: int


class InsightOut(Schema):
    group_by: str
    school: int | None
    board: int | None
    date_from: dt.date | None
    date_to: dt.date | None
    total: int  # distinct incidents; equals the sum of the counts
    rows: list[CountOut]


# --- helpers ------------------------------------------------------------------------------


def _aware(value: str | None, field: str, errors: dict[str, list[str]]) -> dt.datetime | None:
    if value is None or value == "":
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        errors[field] = [_("Geen geldige datum en tijd; gebruik bijv. 2025-03-04T10:15:00+01:00.")]
        return None
    if parsed.tzinfo is None:
        errors[field] = [_("Geef de tijd met een tijdzone, bijv. 2025-03-04T10:15:00+01:00.")]
        return None
    return parsed


def _incident_out(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "school_id": incident.school_id,
        "occurred_at": incident.occurred_at,
        "ended_at": incident.ended_at,
        "location": {"id": incident.location_id, "label": incident.location.label},
        "category": {
            "id": incident.category_id,
            "label": incident.category.label,
            "code": incident.category.code,
        },
        "national_code": incident.national_code,
        "severity": incident.severity,
        "description": incident.description,
        "unrest": incident.unrest,
        "unrest_among": incident.unrest_among,
        "measures": incident.measures,
        "reporter": incident.reporter.full_name,
        "people": [
            {
                "role": p.role,
                "pupil_id": p.pupil_id,
                "staff_id": p.staff_id,
                "initials": p.initials,
                "note": p.note,
            }
            for p in incident.people.all()
        ],
        "concerns": sorted(c.pk for c in incident.concerns.all()),
        "cases": sorted(c.pk for c in incident.cases.all()),
        "earlier": sorted(e.pk for e in incident.earlier.all()),
        "version": incident.version,
        "created_at": incident.created_at,
        "updated_at": incident.updated_at,
    }


def _with_details(qs: Any) -> Any:
    return qs.select_related("location", "category", "reporter").prefetch_related(
        "people", "concerns", "cases", "earlier"
    )


def _board_for_audit(user: Any) -> int | None:
    scope = access.scope_of(user)
    return min(scope.all_board_ids) if scope.all_board_ids else None


# --- routes -------------------------------------------------------------------------------


@router.post(
    "",
    response={201: IncidentOut, 422: ErrorOut},
    summary="Register an incident",
)
def create_incident(request: AuthedRequest, payload: IncidentIn) -> Any:
    from vangnet.incidents.actions import IncidentInput, PersonInput, do_create_incident

    school = access.incident_schools(request.user).filter(pk=payload.school).first()
    if school is None:
        raise Http404
    errors: dict[str, list[str]] = {}
    occurred_at = _aware(payload.occurred_at, "occurred_at", errors)
    ended_at = _aware(payload.ended_at, "ended_at", errors)
    if occurred_at is None and "occurred_at" not in errors:
        errors["occurred_at"] = [_("Vul in wanneer het gebeurde.")]
    if errors:
        return Status(422, {"detail": errors})
    assert occurred_at is not None
    data = IncidentInput(
        occurred_at=occurred_at,
        ended_at=ended_at,
        location_id=payload.location,
        category_id=payload.category,
        severity=payload.severity,
        description=payload.description,
        unrest=payload.unrest,
        unrest_among=payload.unrest_among,
        measures=payload.measures,
        people=[
            PersonInput(
                role=p.role,
                pupil_id=p.pupil,
                staff_id=p.staff,
                initials=p.initials,
                note=p.note,
            )
            for p in payload.people
        ],
        concern_ids=list(payload.concerns),
        case_ids=list(payload.cases),
        earlier_ids=list(payload.earlier),
    )
    try:
        incident = do_create_incident(school, data, actor=_actor(request))
    except ValidationError as exc:
        detail = (
            {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else exc.messages
        )
        return Status(422, {"detail": detail})
    incident = _with_details(Incident.objects.filter(pk=incident.pk)).get()
    return Status(201, _incident_out(incident))


@router.get(
    "",
    response={200: list[IncidentOut], 422: ErrorOut},
    summary="Incidents the caller may see",
)
def list_incidents(request: AuthedRequest, filters: Query[IncidentFilter]) -> Any:
    if filters.category is not None and filters.category not in NATIONAL_CODES:
        message = _("Onbekende landelijke categorie. Mogelijk: %(codes)s.") % {
            "codes": ", ".join(sorted(NATIONAL_CODES))
        }
        return Status(422, {"detail": {"category": [message]}})
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        return Status(422, {"detail": {"to": [_("De einddatum ligt vóór de begindatum.")]}})
    limit = max(1, min(filters.limit, MAX_LIMIT))
    offset = max(0, filters.offset)
    user = request.user
    qs = insights.filtered_visible(
        user, school=filters.school, date_from=filters.date_from, date_to=filters.date_to
    )
    if filters.category is not None:
        qs = qs.filter(national_code=filters.category)
    if filters.category_id is not None:
        qs = qs.filter(category_id=filters.category_id)
    with transaction.atomic():
        rows = list(_with_details(qs.order_by("-occurred_at", "-id"))[offset : offset + limit])
        record(
            _actor(request),
            EventType.INCIDENTS_LISTED,
            board_id=_board_for_audit(user),
            object_type="incident_list",
            data={
                "school": filters.school,
                "category": filters.category,
                "category_id": filters.category_id,
                "from": filters.date_from.isoformat() if filters.date_from else None,
                "to": filters.date_to.isoformat() if filters.date_to else None,
                "offset": offset,
                "results": len(rows),
                "ids": [r.pk for r in rows],
            },
        )
    return [_incident_out(r) for r in rows]


@insights_router.get(
    "/incidents",
    response={200: InsightOut, 422: ErrorOut},
    summary="Incident counts per month, category, location, school, weekday or severity",
)
def incident_counts(request: AuthedRequest, filters: Query[InsightFilter]) -> Any:
    user = request.user
    if filters.group_by not in insights.GROUPS:
        message = _("Onbekende indeling. Mogelijk: %(groups)s.") % {
            "groups": ", ".join(insights.GROUPS)
        }
        return Status(422, {"detail": {"group_by": [message]}})
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        return Status(422, {"detail": {"to": [_("De einddatum ligt vóór de begindatum.")]}})
    reach = insights.countable_schools(user)
    board_id = filters.board
    if filters.school is not None:
        school = reach.filter(pk=filters.school).first()
        if school is None:
            raise Http404
        if board_id is None:
            board_id = school.board_id
    if filters.board is not None and not reach.filter(board_id=filters.board).exists():
        raise Http404
    with transaction.atomic():
        qs = insights.filtered(
            user,
            school=filters.school,
            board=filters.board,
            date_from=filters.date_from,
            date_to=filters.date_to,
        )
        rows = insights.grouped(qs, filters.group_by)
        total = sum(r.count for r in rows)
        record(
            _actor(request),
            EventType.INCIDENT_INSIGHTS_VIEWED,
            board_id=board_id if board_id is not None else _board_for_audit(user),
            school_id=filters.school,
            object_type="incident_insights",
            data={
                "group_by": filters.group_by,
                "school": filters.school,
                "board": filters.board,
                "from": filters.date_from.isoformat() if filters.date_from else None,
                "to": filters.date_to.isoformat() if filters.date_to else None,
                "total": total,
            },
        )
    return {
        "group_by": filters.group_by,
        "school": filters.school,
        "board": filters.board,
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "total": total,
        "rows": [{"key": r.key, "label": r.label, "count": r.count} for r in rows],
    }
