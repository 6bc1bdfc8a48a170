"""Care cases over the API: start a case, read it (for those who may read its content) and
record the afwegingskader decision. Same access rules, actions and audit as the pages.

Statuses: outsiders get 404 (a case's existence is not revealed), someone who may see the
case or pupil but not do this 403, a case that is not at a decision step (or closed, or
moved on while the request ran) 409, input the rules refuse 422 with Dutch messages per
field (``{"detail": {"q3": ["..."], "rationale.q1": ["..."]}}``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, StrictBool

from vangnet.cases import actions, protocols
from vangnet.cases.actions import about_case
from vangnet.cases.models import Case, CaseRecord, CaseStep
from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType
from vangnet.core.submissions import ConflictError
from vangnet.lib import protocols as engine
from vangnet.lib.protocols import DecisionTree, Protocol

router = Router(tags=["cases"])


def _actor(request: AuthedRequest) -> Actor:
    return Actor.from_request(request, channel="api")


# --- schemas ------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: Any


class CaseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    pupil: int
    protocol: str
    origin_concern: int | None = None
    # Not empty: the case takes the acute route at once (straight to reporting); why, in at
    # least 15 characters.
    acute_reason: str = ""


class RequirementOut(Schema):
    message: str
    met: bool


class StepOut(Schema):
    key: str
    title: str
    role: str
    decision: str | None  # the decision tree that completes the step
    next: str | None  # without a decision: the following step ("closed" ends the case)
    requirements: list[RequirementOut]
    ready: bool  # every requirement is met


class CaseOut(Schema):
    id: int
    reference: str
    pupil_id: int
    school_id: int
    protocol: str
    version: int
    state: str
    acute: bool
    outcome: str  # the last decision's outcome, empty before the first decision
    current_step: StepOut | None  # None once the case is closed
    opened_at: dt.datetime
    closed_at: dt.datetime | None


class CaseStepOut(Schema):
    step: str
    title: str
    entered_at: dt.datetime
    entered_by: str
    completed_at: dt.datetime | None
    via: str  # "start", "next", a decision's outcome or a shortcut
    reason: str  # why a shortcut was taken


class RecordOut(Schema):
    id: int
    kind: str
    label: str
    step: str
    created_at: dt.datetime
    created_by: str
    data: dict[str, Any]
    corrects_id: int | None


class DecisionOut(Schema):
    id: int
    step: str
    created_at: dt.datetime
    created_by: str
    answers: dict[str, bool]
    rationale: dict[str, str]
    outcome: str
    outcome_label: str
    waiting: bool  # the outcome holds until a later question is answered (question 5)
    with_veilig_thuis: dict[str, bool]


class CaseDetailOut(CaseOut):
    opened_by: str
    origin_concern_id: int | None
    steps: list[CaseStepOut]
    records: list[RecordOut]
    decisions: list[DecisionOut]


class DecisionIn(Schema):
    """The afwegingskader's answers. Leave out (or send null) what the tree no longer asks."""

    model_config = ConfigDict(extra="forbid")

    q1: StrictBool | None = None
    q2_acute: StrictBool | None = None
    q2_structural: StrictBool | None = None
    q3: StrictBool | None = None
    q4: StrictBool | None = None
    q5: StrictBool | None = None
    # Per answered question; question 2 as "q2", or per part ("q2_acute", "q2_structural").
    rationale: dict[str, str] = {}
    # Questions 3-5: gone through together with Veilig Thuis.
    with_veilig_thuis: dict[str, StrictBool] = {}

    def answers(self) -> dict[str, bool | None]:
        return self.model_dump(exclude={"rationale", "with_veilig_thuis"})


class DecisionResultOut(Schema):
    outcome: str
    outcome_label: str
    path: list[str]  # the questions walked, in order
    waiting: bool
    case: CaseOut


# --- output -------------------------------------------------------------------------------


def _step_out(definition: Protocol, case: Case, counts: Counter[str]) -> dict[str, Any] | None:
    if case.is_closed:
        return None
    step = definition.step(case.current_step)
    requirements = [{"message": str(r.message), "met": r.met(counts)} for r in step.requires]
    return {
        "key": step.key,
        "title": str(step.title),
        "role": step.role,
        "decision": step.decision or None,
        "next": step.next or None,
        "requirements": requirements,
        "ready": all(r["met"] for r in requirements),
    }


def _case_out(case: Case, counts: Counter[str] | None = None) -> dict[str, Any]:
    definition = case.definition
    if counts is None:
        counts = actions.record_counts(case)
    return {
        "id": case.pk,
        "reference": case.reference,
        "pupil_id": case.pupil_id,
        "school_id": case.school_id,
        "protocol": case.protocol,
        "version": case.protocol_version,
        "state": case.state,
        "acute": case.acute,
        "outcome": case.outcome,
        "current_step": _step_out(definition, case, counts),
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
    }


def _step_title(definition: Protocol, key: str) -> str:
    try:
        return str(definition.step(key).title)
    except KeyError:
        return key


def _kind_label(definition: Protocol, key: str) -> str:
    try:
        return str(definition.record_kind(key).label)
    except KeyError:
        return key


def _decision_out(definition: Protocol, item: CaseRecord) -> dict[str, Any]:
    data = item.data
    tree = definition.tree(item.kind)
    outcome = tree.outcome(data.get("outcome", ""))
    return {
        "id": item.pk,
        "step": item.step,
        "created_at": item.created_at,
        "created_by": item.created_by.full_name,
        "answers": data.get("answers", {}),
        "rationale": data.get("rationale", {}),
        "outcome": data.get("outcome", ""),
        "outcome_label": str(outcome.label) if outcome else "",
        "waiting": bool(data.get("waiting")),
        "with_veilig_thuis": data.get("with_partner", {}),
    }


def _detail_out(case: Case, steps: list[CaseStep], records: list[CaseRecord]) -> dict[str, Any]:
    definition = case.definition
    trees = {t.key for t in definition.trees}
    counts = actions.record_counts(case)
    return {
        **_case_out(case, counts),
        "opened_by": case.opened_by.full_name,
        "origin_concern_id": case.origin_concern_id,
        "steps": [
            {
                "step": s.step,
                "title": _step_title(definition, s.step),
                "entered_at": s.entered_at,
                "entered_by": s.entered_by.full_name,
                "completed_at": s.completed_at,
                "via": s.via,
                "reason": s.reason,
            }
            for s in steps
        ],
        "records": [
            {
                "id": r.pk,
                "kind": r.kind,
                "label": _kind_label(definition, r.kind),
                "step": r.step,
                "created_at": r.created_at,
                "created_by": r.created_by.full_name,
                "data": r.data,
                "corrects_id": r.corrects_id,
            }
            for r in records
            if r.kind not in trees
        ],
        "decisions": [_decision_out(definition, r) for r in records if r.kind in trees],
    }


def _errors(exc: ValidationError, rename: dict[str, str] | None = None) -> Any:
    if not hasattr(exc, "error_dict"):
        return exc.messages
    return {(rename or {}).get(k, k): v for k, v in exc.message_dict.items()}


# --- routes -------------------------------------------------------------------------------


@router.post(
    "",
    response={201: CaseOut, 403: ErrorOut, 422: ErrorOut},
    summary="Start a care case for a pupil",
)
def create_case(request: AuthedRequest, payload: CaseIn) -> Any:
    user = request.user
    pupil = access.access_pupil(user, payload.pupil)
    try:
        definition = protocols.current(payload.protocol)
    except KeyError:
        message = _("Onbekend protocol. Mogelijk: %(keys)s.") % {
            "keys": ", ".join(protocols.keys())
        }
        return Status(422, {"detail": {"protocol": [message]}})
    if not access.can_start_case(user, pupil, definition.starters):
        return Status(403, {"detail": _("U mag voor deze leerling geen zorgtraject starten.")})
    concern = None
    if payload.origin_concern is not None:
        concern = access.access_concern(user, payload.origin_concern)
        if concern.pupil_id != pupil.pk:
            message = _("Deze zorg gaat over een andere leerling.")
            return Status(422, {"detail": {"origin_concern": [message]}})
    try:
        case = actions.do_open_case(
            pupil,
            definition.key,
            actor=_actor(request),
            origin_concern=concern,
            acute_reason=payload.acute_reason,
        )
    except PermissionDenied:
        return Status(403, {"detail": _("U mag voor deze leerling geen zorgtraject starten.")})
    except ValidationError as exc:
        return Status(422, {"detail": _errors(exc, {"reason": "acute_reason"})})
    return Status(201, _case_out(case))


@router.get("/{case_id}", response=CaseDetailOut, summary="A care case: state, step, history")
def case_detail(request: AuthedRequest, case_id: int) -> Any:
    with transaction.atomic():
        case = access.access_case(request.user, case_id)
        steps = list(case.steps.select_related("entered_by"))
        records = list(case.records.select_related("created_by"))
        record(
            _actor(request),
            EventType.CASE_VIEWED,
            **about_case(case),
            data={"step": case.current_step},
        )
    return _detail_out(case, steps, records)


@router.post(
    "/{case_id}/decision",
    response={200: DecisionResultOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Record the afwegingskader decision of a case",
)
def case_decision(request: AuthedRequest, case_id: int, payload: DecisionIn) -> Any:
    try:
        case = access.access_case(request.user, case_id, for_write=True)
    except PermissionDenied:
        message = _("Alleen wie aan dit traject werkt, legt het besluit vast.")
        return Status(403, {"detail": message})
    definition = case.definition
    if case.is_closed:
        return Status(409, {"detail": _("Dit traject is afgesloten.")})
    step = definition.step(case.current_step)
    if not access.can_direct_case(request.user, case, step.role):
        return Status(403, {"detail": _direct_refused(case, step.role)})
    if not step.decision:
        message = _("Het traject staat bij ‘%(step)s’; in die stap wordt geen besluit genomen.")
        return Status(409, {"detail": message % {"step": step.title}})
    tree = definition.tree(step.decision)
    rename = {f"rationale_{q.key}": f"rationale.{q.key}" for q in tree.questions}
    try:
        # at the help step the answers of the decision that led there stand: they may be
        # left out, and changing one is refused per field
        answers, rationale = actions.with_fixed_answers(
            case, tree, payload.answers(), dict(payload.rationale)
        )
    except ValidationError as exc:
        return Status(422, {"detail": _errors(exc, rename)})
    evaluation, errors = decision_input_errors(tree, answers, rationale, payload.with_veilig_thuis)
    if errors:
        return Status(422, {"detail": errors})
    try:
        actions.do_record_decision(
            case,
            answers,
            {k: v for k, v in rationale.items() if v.strip()},
            actor=_actor(request),
            discussed_with_partner=dict(payload.with_veilig_thuis),
            expected_step=case.current_step,
        )
    except PermissionDenied:  # the role was taken away meanwhile
        return Status(403, {"detail": _direct_refused(case, step.role)})
    except ConflictError:
        message = _("Het traject is intussen gewijzigd. Haal het opnieuw op.")
        return Status(409, {"detail": message})
    except ValidationError as exc:
        return Status(422, {"detail": _errors(exc, rename)})
    case.refresh_from_db()
    outcome = tree.outcome(evaluation.outcome)
    return {
        "outcome": evaluation.outcome,
        "outcome_label": str(outcome.label) if outcome else "",
        "path": list(evaluation.path),
        "waiting": evaluation.waiting,
        "case": _case_out(case),
    }


def _direct_refused(case: Case, role: str) -> str:
    return _(
        "Het besluit in deze stap neemt wie de rol ‘%(role)s’ heeft, of de directeur. U kunt "
        "in dit traject wel vastleggen."
    ) % {"role": case.pupil.school.board.role_title(role)}


def decision_input_errors(
    tree: DecisionTree,
    answers: dict[str, bool | None],
    rationale: dict[str, str],
    with_partner: dict[str, bool],
) -> tuple[engine.Evaluation, dict[str, list[str]]]:
    """The tree's walk over the answers and everything wrong with the request, per field
    (answers by key, ``rationale.<key>``, ``with_veilig_thuis.<key>``), in Dutch.

    On top of the action's checks (missing answers, answers after the end, a rationale per
    walked question) the API refuses what it would otherwise drop silently: a rationale or
    a Veilig Thuis mark for a question the walk does not reach or that has no answer."""
    filled = {k: v for k, v in rationale.items() if v.strip()}
    given = {k for k, v in answers.items() if v is not None}
    owners = {k: q for q in tree.questions for k in {q.key, *q.answer_keys}}
    # A multi-part question (question 2) may be justified per part instead of as a whole.
    merged = dict(filled)
    for question in tree.questions:
        parts = [k for k, _label in question.parts if k in filled]
        if parts and question.key not in filled:
            merged[question.key] = " ".join(filled[k] for k in parts)
    evaluation, found = actions.decision_errors(tree, answers, merged)
    errors: dict[str, str] = {
        (f"rationale.{k.removeprefix('rationale_')}" if k.startswith("rationale_") else k): v
        for k, v in found.items()
    }
    walked = set(evaluation.path) if not evaluation.missing else None
    not_reached = _("Deze vraag komt niet aan de orde: een eerder antwoord bepaalt de uitkomst al.")
    no_answer = _("Bij deze vraag is geen antwoord gegeven.")
    for question in tree.questions:
        parts = [k for k, _label in question.parts if k in filled]
        if parts and question.key not in filled and walked and question.key in walked:
            for k, _label in question.parts:
                # a part left out (one "yes" answers the question) needs no rationale
                if k not in filled and answers.get(k) is not None:
                    errors[f"rationale.{k}"] = _("Onderbouw ook dit deel van de vraag.")
    for key in filled:
        owner = owners.get(key)
        if owner is None:
            errors[f"rationale.{key}"] = _("Deze vraag bestaat niet in het afwegingskader.")
        elif not any(k in given for k in owner.answer_keys):
            errors.setdefault(f"rationale.{key}", no_answer)
        elif walked is not None and owner.key not in walked:
            errors[f"rationale.{key}"] = not_reached
    for key in with_partner:
        owner = owners.get(key)
        if owner is None or owner.key != key or not owner.with_partner:
            errors[f"with_veilig_thuis.{key}"] = _(
                "Deze vraag wordt niet samen met Veilig Thuis doorgelopen."
            )
        elif key not in given:
            errors[f"with_veilig_thuis.{key}"] = no_answer
        elif walked is not None and key not in walked:
            errors[f"with_veilig_thuis.{key}"] = not_reached
    return evaluation, {k: [str(v)] for k, v in errors.items()}
