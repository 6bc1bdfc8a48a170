"""Behaviour measures over the API: propose one, decide on it, read it with its deadlines
and letters. Same access rules, actions and audit as the pages.

* ``POST /measures`` proposes a time-out, suspension or expulsion (in higher education:
  ``access_denial`` or ``enrolment_end``) for a pupil, on the pupil's behaviour-ladder case
  (:func:`vangnet.measures.actions.do_propose` opens it or moves it up).
* ``POST /measures/{id}/approve`` is the decision: the school's director for a time-out,
  the board (bevoegd gezag) for everything else. ``{"approve": false}`` needs a ``note``.
* ``GET /measures/{id}`` gives the measure, its computed deadlines (the date columns of
  :meth:`vangnet.measures.models.Measure.deadlines`), the open tasks with their due dates,
  the facts recorded so far, the search for another school and the generated letters.

Statuses: a pupil or measure out of sight is 404 (its existence is not revealed); someone
who may see it but not do this 403; a proposal that was already decided (or changed while
the request ran) 409; input the rules refuse 422 with Dutch messages per field, the rule
quoted (``{"detail": {"end": ["Een schorsing duurt hoogstens één week: ..."]}}``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, StrictBool

from vangnet.cases.models import CaseTask
from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType
from vangnet.core.submissions import ConflictError
from vangnet.measures import actions, letters
from vangnet.measures.actions import Proposal, about_measure
from vangnet.measures.models import Measure, MeasureDocument, SearchAttempt
from vangnet.organisations.models import Pupil

router = Router(tags=["measures"])

DATE_HELP = "ISO date, e.g. 2026-03-04"


def _actor(request: AuthedRequest) -> Actor:
    return Actor.from_request(request, channel="api")


# --- schemas ------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: Any


class MeasureIn(Schema):
    model_config = ConfigDict(extra="forbid")

    pupil: int
    # time_out, suspension, expulsion; higher education: access_denial, enrolment_end
    kind: str = ""
    # dates as text so a wrong one gets a Dutch message for its field
    start: str | None = Field(None, description=DATE_HELP, json_schema_extra={"format": "date"})
    end: str | None = Field(None, description=DATE_HELP, json_schema_extra={"format": "date"})
    reasons: str = ""
    ground: str = ""  # expulsion: support, misconduct, relation, foundation
    taught_where: str = ""  # time-out: where the pupil is taught meanwhile
    restrictions: list[str] = []  # time-out: gym, group_activities, after_school_care
    learning_arrangements: str = ""  # suspension: how schoolwork goes on
    tests_arrangements: str = ""  # suspension: how tests stay possible


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    approve: StrictBool
    note: str = ""  # why not, when refusing (at least 5 characters)
    version: int | None = None  # the version read: a changed measure gives 409


class TaskOut(Schema):
    name: str  # inspectie, meeting, appeal, search, objection, objection_decision
    title: str
    due_on: dt.date


class DeadlinesOut(Schema):
    inspectie_report_due: dt.date | None  # a suspension longer than one day
    appeal_decision_due: dt.date | None  # the board decides on an appeal (14 days)
    search_ends_on: dt.date | None  # expulsion: 8 weeks to find another school
    objection_deadline: dt.date | None  # expulsion: the parents may object (6 weeks)
    objection_decision_due: dt.date | None  # the board decides on the objection (4 weeks)
    open_tasks: list[TaskOut]  # what is still to be done, with its due date


class AttemptOut(Schema):
    contacted_on: dt.date
    school_name: str
    outcome: str  # pending, refused, accepted
    note: str


class DocumentOut(Schema):
    id: int
    kind: str  # time_out_notice, suspension_letter, meeting_invitation, intent_letter, …
    label: str
    number: int  # a letter made again gets the next number
    created_at: dt.datetime
    pdf_url: str  # the download (a logged-in session of someone who may see the measure)
    docx_url: str


class MeasureOut(Schema):
    id: int
    pupil_id: int
    case_id: int
    school_id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    start: dt.date | None
    end: dt.date | None
    school_days: int | None
    reasons: str
    ground: str
    taught_where: str
    restrictions: list[str]
    learning_arrangements: str
    tests_arrangements: str
    proposed_by: str
    proposed_at: dt.datetime
    approved_by: str | None  # who decided (also on a refusal)
    approved_at: dt.datetime | None
    decision_note: str
    version: int
    deadlines: DeadlinesOut
    facts: dict[str, Any]  # what was recorded for this kind of measure (null: not yet)
    attempts: list[AttemptOut]  # expulsion: the search for another school
    documents: list[DocumentOut]


# --- output -------------------------------------------------------------------------------


def _url(measure: Measure, document: MeasureDocument, fmt: str) -> str:
    return reverse("measure_letter", args=[measure.pk, document.pk, fmt])


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _measure_out(
    measure: Measure,
    tasks: list[CaseTask],
    attempts: list[SearchAttempt],
    documents: list[MeasureDocument],
) -> dict[str, Any]:
    prefix = f"measure:{measure.pk}:"
    deadlines: dict[str, Any] = {name: getattr(measure, name) for name in measure.deadlines()}
    deadlines["open_tasks"] = [
        {"name": t.key.removeprefix(prefix), "title": t.title, "due_on": t.due_on} for t in tasks
    ]
    return {
        "id": measure.pk,
        "pupil_id": measure.pupil_id,
        "case_id": measure.case_id,
        "school_id": measure.school_id,
        "kind": measure.kind,
        "kind_label": str(measure.get_kind_display()),
        "status": measure.status,
        "status_label": str(measure.get_status_display()),
        "start": measure.start,
        "end": measure.end,
        "school_days": measure.school_days,
        "reasons": measure.reasons,
        "ground": measure.ground,
        "taught_where": measure.taught_where,
        "restrictions": list(measure.restrictions),
        "learning_arrangements": measure.learning_arrangements,
        "tests_arrangements": measure.tests_arrangements,
        "proposed_by": measure.proposed_by.full_name,
        "proposed_at": measure.proposed_at,
        "approved_by": measure.approved_by.full_name if measure.approved_by else None,
        "approved_at": measure.approved_at,
        "decision_note": measure.decision_note,
        "version": measure.version,
        "deadlines": deadlines,
        "facts": {
            name: _plain(getattr(measure, name)) for name in actions.FACTS.get(measure.kind, {})
        },
        "attempts": [
            {
                "contacted_on": a.contacted_on,
                "school_name": a.school_name,
                "outcome": a.outcome,
                "note": a.note,
            }
            for a in attempts
        ],
        "documents": [
            {
                "id": d.pk,
                "kind": d.kind,
                "label": letters.label_of(d.kind),
                "number": d.number,
                "created_at": d.created_at,
                "pdf_url": _url(measure, d, "pdf"),
                "docx_url": _url(measure, d, "docx"),
            }
            for d in documents
        ],
    }


def _read(measure: Measure) -> dict[str, Any]:
    """The measure's output, read fresh (inside the caller's transaction when there is one)."""
    measure = Measure.objects.select_related("proposed_by", "approved_by").get(pk=measure.pk)
    tasks = list(
        CaseTask.objects.filter(
            case_id=measure.case_id, key__startswith=f"measure:{measure.pk}:", done_at=None
        ).order_by("due_on", "id")
    )
    return _measure_out(
        measure, tasks, list(measure.attempts.all()), list(letters.documents(measure))
    )


def _errors(exc: ValidationError) -> Any:
    if not hasattr(exc, "error_dict"):
        return {"__all__": [str(m) for m in exc.messages]}
    return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}


def _date(value: str | None, name: str, errors: dict[str, list[str]]) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors[name] = [_("Geen geldige datum; gebruik bijv. 2026-03-04.")]
        return None


def _approver_text(measure: Measure) -> str:
    if measure.kind == Measure.Kind.TIME_OUT:
        return _("Een time-out gaat alleen in met toestemming van de directeur van de school.")
    return _("Over deze maatregel beslist het bestuur (bevoegd gezag).")


# --- routes -------------------------------------------------------------------------------


@router.post(
    "",
    response={201: MeasureOut, 403: ErrorOut, 422: ErrorOut},
    summary="Propose a measure for a pupil (time-out, suspension, expulsion, …)",
)
def create_measure(request: AuthedRequest, payload: MeasureIn) -> Any:
    user = request.user
    pupil = access.access_pupil(user, payload.pupil)
    if not access.can_propose_for_pupil(user, pupil):
        return Status(403, {"detail": _refused_proposal(pupil)})
    errors: dict[str, list[str]] = {}
    if payload.kind not in Measure.Kind.values:
        message = _("Onbekende maatregel. Mogelijk: %(kinds)s.") % {
            "kinds": ", ".join(Measure.Kind.values)
        }
        errors["kind"] = [message]
    start = _date(payload.start, "start", errors)
    end = _date(payload.end, "end", errors)
    if errors:
        return Status(422, {"detail": errors})
    proposal = Proposal(
        kind=payload.kind,
        reasons=payload.reasons,
        start=start,
        end=end,
        ground=payload.ground,
        taught_where=payload.taught_where,
        restrictions=list(payload.restrictions),
        learning_arrangements=payload.learning_arrangements,
        tests_arrangements=payload.tests_arrangements,
    )
    try:
        measure = actions.do_propose(pupil, proposal, actor=_actor(request))
    except PermissionDenied:
        return Status(403, {"detail": _refused_proposal(pupil)})
    except ValidationError as exc:
        return Status(422, {"detail": _errors(exc)})
    return Status(201, _read(measure))


def _refused_proposal(pupil: Pupil) -> str:
    if pupil.school.is_higher_education:
        return _(
            "U mag voor deze student geen maatregel voorstellen. Maatregelen van het College "
            "van Bestuur komen uit de laatste stap van het traject zorgwekkend gedrag en "
            "worden voorgesteld door wie aan dat traject werkt."
        )
    return _(
        "U mag voor deze leerling geen maatregel voorstellen. Dat doen de intern begeleider "
        "en de directeur die bij het stappenplan van de leerling betrokken zijn."
    )


@router.get("/{measure_id}", response=MeasureOut, summary="A measure with deadlines and letters")
def measure_detail(request: AuthedRequest, measure_id: int) -> Any:
    with transaction.atomic():
        measure = access.access_measure(request.user, measure_id)
        out = _read(measure)
        record(
            _actor(request),
            EventType.MEASURE_VIEWED,
            **about_measure(measure),
            data={"kind": measure.kind, "status": measure.status},
        )
    return out


@router.post(
    "/{measure_id}/approve",
    response={200: MeasureOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Approve or refuse a proposed measure (director: time-out; board: the rest)",
)
def approve_measure(request: AuthedRequest, measure_id: int, payload: DecisionIn) -> Any:
    user = request.user
    measure = access.access_measure(user, measure_id)
    if not access.can_approve_measure(user, measure):
        return Status(403, {"detail": _approver_text(measure)})
    decided = _("Over dit voorstel is al besloten.")
    if measure.status != Measure.Status.PROPOSED:
        return Status(409, {"detail": decided})
    try:
        measure = actions.do_decide(
            measure,
            approve=payload.approve,
            note=payload.note,
            actor=_actor(request),
            version=payload.version,
        )
    except PermissionDenied:  # the role was taken away meanwhile
        return Status(403, {"detail": _approver_text(measure)})
    except ConflictError:
        message = _("De maatregel is intussen gewijzigd. Haal hem opnieuw op.")
        return Status(409, {"detail": message})
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "status" in exc.error_dict:
            return Status(409, {"detail": decided})  # decided while this request ran
        return Status(422, {"detail": _errors(exc)})
    return _read(measure)
