"""The JSON API, version 1: same access rules and audit as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import NinjaAPI, Query, Schema
from ninja.responses import Status
from ninja.security import HttpBearer

from vangnet.accounts.actions import user_for_token
from vangnet.api.cases import router as cases_router
from vangnet.api.incidents import insights_router as incident_insights_router
from vangnet.api.incidents import router as incidents_router
from vangnet.api.measures import router as measures_router
from vangnet.core import access
from vangnet.core.audit import Actor, about_pupil, record
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType
from vangnet.organisations.models import GuardianLink, Pupil


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Vangnet API",
    version="1",
    description="Vangnet's API. Authenticate with `Authorization: Bearer <token>` "
    "(create one with `vangnet token create EMAIL`).",
    auth=BearerToken(),
    urls_namespace="api-v1",
    docs_url=None,
)
api.add_router("/cases", cases_router)
api.add_router("/incidents", incidents_router)
api.add_router("/insights", incident_insights_router)
api.add_router("/measures", measures_router)
api.add_router("", "vangnet.api.sharing.router")  # /cases/{id}/sharing-requests, …
api.add_router("/care-meetings", "vangnet.api.meetings.router")


def _actor(request: AuthedRequest) -> Actor:
    return Actor.from_request(request, channel="api")


class RoleOut(Schema):
    role: str
    title: str
    board_id: int
    school_id: int | None


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    roles: list[RoleOut]


class SchoolOut(Schema):
    id: int
    name: str
    code: str
    sector: str
    city: str
    board_id: int


class GroupRef(Schema):
    id: int
    name: str
    school_year: str


class SchoolRef(Schema):
    id: int
    name: str


class PupilOut(Schema):
    id: int
    first_name: str
    name_prefix: str
    last_name: str
    full_name: str
    school_id: int
    group: GroupRef | None


class GuardianOut(Schema):
    name: str
    relation: str
    parental_authority: bool
    email: str
    phone: str


class PupilDetailOut(Schema):
    id: int
    student_number: str
    first_name: str
    name_prefix: str
    last_name: str
    full_name: str
    date_of_birth: dt.date
    school: SchoolRef
    group: GroupRef | None
    guardians: list[GuardianOut]


class PupilFilter(Schema):
    school: int | None = None
    q: str | None = None
    limit: int = 100
    offset: int = 0


@api.get("/me", response=MeOut, summary="The caller and their roles")
def me(request: AuthedRequest) -> dict[str, Any]:
    from vangnet.organisations.models import RoleAssignment

    user = request.user
    roles = (
        RoleAssignment.objects.filter(user=user)
        .select_related("board")
        .prefetch_related("board__role_titles")
    )
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "roles": [
            {"role": r.role, "title": r.title, "board_id": r.board_id, "school_id": r.school_id}
            for r in roles
        ],
    }


@api.get("/schools", response=list[SchoolOut], summary="Schools the caller works at or oversees")
def schools(request: AuthedRequest) -> Any:
    return access.visible_schools(request.user).order_by("name")


@api.get("/pupils", response=list[PupilOut], summary="Pupils the caller may see")
def pupils(request: AuthedRequest, filters: Query[PupilFilter]) -> Any:
    limit = max(1, min(filters.limit, 500))
    offset = max(0, filters.offset)
    qs = access.visible_pupils(request.user).select_related("group")
    if filters.school:
        qs = qs.filter(school_id=filters.school)
    if filters.q:
        from vangnet.organisations.views import _search

        qs = _search(qs, filters.q)
    rows = list(qs.order_by("last_name", "first_name", "id")[offset : offset + limit])
    scope = access.scope_of(request.user)
    with transaction.atomic():
        record(
            _actor(request),
            EventType.PUPILS_LISTED,
            board_id=min(scope.all_board_ids) if scope.all_board_ids else None,
            object_type="pupil_list",
            data={
                "school": filters.school,
                "query": bool(filters.q),
                "offset": offset,
                "results": len(rows),
            },
        )
    return rows


@api.get("/pupils/{pupil_id}", response=PupilDetailOut, summary="One pupil")
def pupil(request: AuthedRequest, pupil_id: int) -> dict[str, Any]:
    with transaction.atomic():
        p: Pupil = access.access_pupil(request.user, pupil_id)
        links = GuardianLink.objects.filter(pupil=p).select_related("guardian")
        record(
            _actor(request),
            EventType.PUPIL_VIEWED,
            **about_pupil(p),
            object_type="pupil",
            object_id=str(p.pk),
        )
        guardians = [
            {
                "name": link.guardian.name,
                "relation": link.relation,
                "parental_authority": link.parental_authority,
                "email": link.guardian.email,
                "phone": link.guardian.phone,
            }
            for link in links
        ]
    return {
        "id": p.pk,
        "student_number": p.student_number,
        "first_name": p.first_name,
        "name_prefix": p.name_prefix,
        "last_name": p.last_name,
        "full_name": p.full_name,
        "date_of_birth": p.date_of_birth,
        "school": p.school,
        "group": p.group,
        "guardians": guardians,
    }


# --- concerns and the dossier --------------------------------------------------------


class StatementIn(Schema):
    kind: str
    text: str = ""
    source: str = ""
    source_consent: bool = True
    professional: str = ""
    registration: str = ""


class ConcernIn(Schema):
    pupil: int
    occurred_at: dt.datetime
    kind: str = "signal"
    location: str = ""
    noticed_by: str = ""
    statements: list[StatementIn]
    reaction: str = ""
    follow_up: str = ""
    child_suffers: str = "unknown"
    is_working_note: bool = False


class StatementOut(Schema):
    kind: str
    text: str
    source: str
    source_consent: bool
    professional: str
    registration: str


class ConcernOut(Schema):
    id: int
    pupil_id: int
    kind: str
    occurred_at: dt.datetime
    school_year: str
    location: str
    noticed_by: str
    author: str
    statements: list[StatementOut]
    reaction: str
    follow_up: str
    child_suffers: str
    is_working_note: bool
    handed_over_at: dt.datetime | None
    settles_id: int | None
    settlement: str


class HandoverIn(Schema):
    note: str = ""


class ErrorOut(Schema):
    detail: Any


def _concern_out(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "pupil_id": c.pupil_id,
        "kind": c.kind,
        "occurred_at": c.occurred_at,
        "school_year": c.school_year,
        "location": c.location,
        "noticed_by": c.noticed_by,
        "author": c.author.full_name,
        "statements": list(c.statements.all()),
        "reaction": c.reaction,
        "follow_up": c.follow_up,
        "child_suffers": c.child_suffers,
        "is_working_note": c.is_working_note,
        "handed_over_at": c.handed_over_at,
        "settles_id": c.settles_id,
        "settlement": c.settlement,
    }


@api.post("/concerns", response={201: ConcernOut, 422: ErrorOut}, summary="Record a concern")
def create_concern(request: AuthedRequest, payload: ConcernIn) -> Any:
    from django.core.exceptions import ValidationError

    from vangnet.concerns.actions import ConcernInput, do_create_concern
    from vangnet.concerns.models import Concern
    from vangnet.lib.statements import Statement as Rule

    pupil_obj = access.access_pupil(request.user, payload.pupil)
    if payload.occurred_at.tzinfo is None:
        return Status(422, {"detail": "occurred_at moet een tijdzone hebben, bijv. +01:00"})
    if (
        payload.kind not in Concern.Kind.values
        or payload.child_suffers not in Concern.Suffers.values
    ):
        return Status(422, {"detail": "kind of child_suffers heeft een onbekende waarde"})
    data = ConcernInput(
        occurred_at=payload.occurred_at,
        statements=[Rule(**s.dict()) for s in payload.statements],
        kind=payload.kind,
        location=payload.location,
        noticed_by=payload.noticed_by,
        reaction=payload.reaction,
        follow_up=payload.follow_up,
        child_suffers=payload.child_suffers,
        is_working_note=payload.is_working_note,
    )
    try:
        concern = do_create_concern(pupil_obj, data, actor=_actor(request))
    except ValidationError as exc:
        return Status(
            422, {"detail": exc.message_dict if hasattr(exc, "error_dict") else exc.messages}
        )

    return Status(201, _concern_out(concern))


@api.get("/pupils/{pupil_id}/dossier", response=list[ConcernOut], summary="A pupil's dossier")
def pupil_dossier(request: AuthedRequest, pupil_id: int) -> Any:
    from vangnet.concerns.views import dossier_entries

    p = access.access_pupil(request.user, pupil_id)
    with transaction.atomic():
        record(
            _actor(request),
            EventType.DOSSIER_VIEWED,
            **about_pupil(p),
            object_type="pupil",
            object_id=str(p.pk),
        )
    return [_concern_out(c) for c in dossier_entries(request.user, p)]


@api.post(
    "/concerns/{concern_id}/handover",
    response=ConcernOut,
    summary="Hand a concern over to the care coordinator",
)
def handover_concern(request: AuthedRequest, concern_id: int, payload: HandoverIn) -> Any:
    from django.http import Http404

    from vangnet.concerns.actions import do_handover

    concern = access.access_concern(request.user, concern_id)
    if not access.can_view_pupil(request.user, concern.pupil):
        raise Http404
    concern = do_handover(concern, note=payload.note, actor=_actor(request))
    return _concern_out(concern)
