"""Proposing, deciding and following a measure, and temporary extra rules.

Every function is one transaction with its audit events; a refused step writes nothing and
raises ``ValidationError`` with a message per field that quotes the rule
(:mod:`vangnet.lib.measures`). Deadlines are stored as columns on the measure and as
:class:`~vangnet.cases.models.CaseTask` rows (kind ``measure``) on its case, so the worker
reminds the case's owners on the due date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from vangnet.cases import protocols
from vangnet.cases.actions import about_case, do_open_case
from vangnet.cases.models import Case, CaseStep, CaseTask
from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.models import EventType
from vangnet.core.submissions import ConflictError
from vangnet.lib import measures as rules
from vangnet.lib.measure_rules import MeasureRules
from vangnet.measures.models import (
    ExtraRulesEvaluation,
    ExtraRulesPlan,
    Measure,
    SearchAttempt,
)
from vangnet.organisations.calendar import calendar_for, rules_for

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.organisations.models import Pupil

LADDER = "behaviour"
HE_LADDER = "he_concern"
HE_KINDS = (Measure.Kind.ACCESS_DENIAL, Measure.Kind.ENROLMENT_END)
# the ladder step each measure belongs to
STEP_OF = {
    Measure.Kind.TIME_OUT: "time_out",
    Measure.Kind.SUSPENSION: "suspension",
    Measure.Kind.EXPULSION: "expulsion",
    Measure.Kind.ACCESS_DENIAL: "board",
    Measure.Kind.ENROLMENT_END: "board",
}
RESTRICTIONS = (
    ("gym", _("Geen gymles")),
    ("group_activities", _("Niet mee met groepsactiviteiten")),
    ("after_school_care", _("Geen buitenschoolse opvang op school")),
)
MAX_TEXT = 10_000


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise ValueError("a measure is changed by a person")
    return actor.user


def refusal_text(refusal: rules.Refusal) -> str:
    """A refused rule in the user's language, dates written out ("12 januari 2027")."""
    values: dict[str, object] = {}
    for name, value in refusal.values:
        if isinstance(value, tuple):
            values[name] = ", ".join(_(str(v)) for v in value)
        elif isinstance(value, dt.date):
            values[name] = formats.date_format(value, "l j F Y")
        else:
            values[name] = value
    text = _(refusal.rule)
    return text % values if values else text


def _refuse(refusals: Iterable[rules.Refusal]) -> None:
    found: dict[str, list[str]] = {}
    for refusal in refusals:
        found.setdefault(refusal.field, []).append(refusal_text(refusal))
    if found:
        raise ValidationError(found)


def about_measure(measure: Measure) -> dict[str, Any]:
    return {**about_case(measure.case), "object_type": "measure", "object_id": str(measure.pk)}


def _task(measure: Measure, name: str, title: str, due_on: dt.date, user: User) -> None:
    CaseTask.objects.create(
        case_id=measure.case_id,
        kind=CaseTask.Kind.MEASURE,
        key=f"measure:{measure.pk}:{name}",
        title=title,
        step=STEP_OF[Measure.Kind(measure.kind)],
        due_on=due_on,
        created_by=user,
    )


def _close_task(measure: Measure, name: str, user: User, note: str = "") -> None:
    CaseTask.objects.filter(key=f"measure:{measure.pk}:{name}", done_at__isnull=True).update(
        done_at=timezone.now(), done_by=user, done_note=note
    )


def _translated(message: str, **values: object) -> str:
    return _(message) % values if values else _(message)


# --- the ladder case ----------------------------------------------------------------------


def ladder_case_for(pupil: Pupil, kind: str, *, actor: Actor) -> Case:
    """The pupil's open ladder case at the measure's step: the most recent open one (moved
    up to that step when it is lower), or a new one. Inside the caller's transaction.

    The Executive Board's measures (higher education) come only from the last step of an
    open concerning-behaviour case (:mod:`vangnet.cases.protocols.he_concern`)."""
    user = _user(actor)
    if kind in HE_KINDS:
        found = (
            access.visible_cases(user, Case.objects.select_for_update())
            .filter(pupil=pupil, protocol=HE_LADDER, current_step=STEP_OF[Measure.Kind(kind)])
            .exclude(state=Case.State.CLOSED)
            .order_by("-opened_at", "-id")
            .first()
        )
        if found is None:
            raise ValidationError(
                {
                    "kind": _(
                        "De maatregelen van het College van Bestuur komen pas in beeld bij de "
                        "laatste stap van het traject zorgwekkend gedrag (stap 5: College van "
                        "Bestuur)."
                    )
                }
            )
        return found
    definition = protocols.current(LADDER)
    order = [s.key for s in definition.steps]
    target = STEP_OF[Measure.Kind(kind)]
    case = (
        access.visible_cases(user, Case.objects.select_for_update())
        .filter(pupil=pupil, protocol=LADDER)
        .exclude(state=Case.State.CLOSED)
        .order_by("-opened_at", "-id")
        .first()
    )
    if case is None:
        case = do_open_case(pupil, LADDER, actor=actor)
    if order.index(case.current_step) < order.index(target):
        now = timezone.now()
        CaseStep.objects.filter(case=case, completed_at__isnull=True).update(completed_at=now)
        CaseStep.objects.create(case=case, step=target, entered_by=user, via=f"measure:{kind}")
        Case.objects.filter(pk=case.pk).update(
            current_step=target, step_entered_at=now, version=F("version") + 1
        )
        case.refresh_from_db()
        record(
            actor,
            EventType.CASE_STEP_COMPLETED,
            **about_case(case),
            data={"step": target, "via": f"measure:{kind}"},
        )
    return case


# --- proposing ----------------------------------------------------------------------------


@dataclass
class Proposal:
    kind: str
    reasons: str
    start: dt.date | None = None
    end: dt.date | None = None
    ground: str = ""
    taught_where: str = ""
    restrictions: list[str] = field(default_factory=list)
    learning_arrangements: str = ""
    tests_arrangements: str = ""


def proposal_errors(
    pupil: Pupil, proposal: Proposal, sector_rules: MeasureRules, today: dt.date
) -> dict[str, list[str]]:
    """Everything wrong with a proposal, per field (empty when it may be stored)."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if proposal.kind not in Measure.Kind.values:
        add("kind", _("Kies een maatregel."))
        return errors
    if len(proposal.reasons.strip()) < 10:
        add("reasons", _("Beschrijf de redenen (ten minste 10 tekens)."))
    if len(proposal.reasons) > MAX_TEXT:
        add("reasons", _("Houd de redenen korter dan 10.000 tekens."))
    kind = proposal.kind
    if kind == Measure.Kind.EXPULSION and proposal.ground not in Measure.Ground.values:
        add("ground", _("Kies de grond voor verwijdering."))
    if kind in (Measure.Kind.TIME_OUT, Measure.Kind.SUSPENSION, Measure.Kind.ACCESS_DENIAL):
        if proposal.start is None:
            add("start", _("Vul de eerste dag in."))
        if proposal.end is None:
            add("end", _("Vul de laatste dag in."))
    if kind == Measure.Kind.TIME_OUT and not proposal.taught_where.strip():
        add("taught_where", _("Vul in waar de leerling intussen les krijgt."))
    unknown = set(proposal.restrictions) - {k for k, _label in RESTRICTIONS}
    if unknown:
        add("restrictions", _("Kies beperkingen uit de lijst."))
    if kind == Measure.Kind.SUSPENSION and not proposal.learning_arrangements.strip():
        add(
            "learning_arrangements",
            _("Spreek af hoe de leerling tijdens de schorsing schoolwerk doet."),
        )
    if errors:
        return errors
    if (proposal.start is not None and proposal.end is not None) or kind in (
        Measure.Kind.EXPULSION,
        Measure.Kind.ENROLMENT_END,
    ):
        start = proposal.start or today
        end = proposal.end or start
        calendar = calendar_for(pupil.school)
        for refusal in rules.check_period(
            kind, start, end, rules=sector_rules, calendar=calendar, today=today
        ):
            add(refusal.field, refusal_text(refusal))
        if not errors and proposal.start is not None and proposal.end is not None:
            others: list[tuple[dt.date, dt.date]] = list(
                Measure.objects.filter(  # type: ignore[arg-type]
                    pupil=pupil,
                    kind=kind,
                    status__in=(Measure.Status.PROPOSED, Measure.Status.APPROVED),
                    start__isnull=False,
                    end__isnull=False,
                ).values_list("start", "end")
            )
            for refusal in rules.check_neighbours(
                kind, start, end, others, rules=sector_rules, calendar=calendar
            ):
                add(refusal.field, refusal_text(refusal))
    return errors


def do_propose(pupil: Pupil, proposal: Proposal, *, actor: Actor) -> Measure:
    """Store a proposed measure on the pupil's ladder case (opened or moved up when
    needed). The director (time-out) or the board (everything else) decides next."""
    user = _user(actor)
    today = timezone.localdate()
    sector_rules = rules_for(pupil.school)
    errors = proposal_errors(pupil, proposal, sector_rules, today)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = ladder_case_for(pupil, proposal.kind, actor=actor)
        if not access.can_propose_measure(user, case):
            raise PermissionDenied
        days = None
        if (
            proposal.start
            and proposal.end
            and proposal.kind
            in (
                Measure.Kind.TIME_OUT,
                Measure.Kind.SUSPENSION,
            )
        ):
            days = calendar_for(pupil.school).school_days_between(proposal.start, proposal.end)
        measure = Measure.objects.create(
            case=case,
            pupil=pupil,
            school_id=pupil.school_id,
            kind=proposal.kind,
            start=proposal.start,
            end=proposal.end,
            school_days=days,
            reasons=proposal.reasons.strip(),
            ground=proposal.ground,
            taught_where=proposal.taught_where.strip(),
            restrictions=sorted(set(proposal.restrictions)),
            learning_arrangements=proposal.learning_arrangements.strip(),
            tests_arrangements=proposal.tests_arrangements.strip(),
            proposed_by=user,
        )
        measure.case = case
        record(
            actor,
            EventType.MEASURE_PROPOSED,
            **about_measure(measure),
            data={
                "kind": measure.kind,
                "start": measure.start.isoformat() if measure.start else None,
                "end": measure.end.isoformat() if measure.end else None,
                "school_days": days,
            },
        )
    return measure


# --- deciding -----------------------------------------------------------------------------


def _locked(measure: Measure, version: int | None = None) -> Measure:
    current = Measure.objects.select_for_update().select_related(
        "case__pupil__school", "pupil__school", "school__board"
    )
    fresh = current.get(pk=measure.pk)
    if version is not None and fresh.version != version:
        raise ConflictError
    return fresh


def _bump(measure: Measure, **changes: Any) -> None:
    for name, value in changes.items():
        setattr(measure, name, value)
    measure.version += 1
    measure.save(update_fields=[*changes, "version"])


def do_decide(
    measure: Measure,
    *,
    approve: bool,
    note: str = "",
    actor: Actor,
    version: int | None = None,
) -> Measure:
    """The director (time-out) or the board (suspension, expulsion, higher-education
    measures) approves or refuses a proposal. For an expulsion the approval is the board's
    decision to expel: the search for another school and the objection term start."""
    user = _user(actor)
    today = timezone.localdate()
    with transaction.atomic():
        measure = _locked(measure, version)
        if not access.can_approve_measure(user, measure):
            raise PermissionDenied
        if measure.status != Measure.Status.PROPOSED:
            raise ValidationError({"status": _("Over dit voorstel is al besloten.")})
        sector_rules = rules_for(measure.school)
        if not approve:
            if len(note.strip()) < 5:
                raise ValidationError({"note": _("Schrijf kort waarom u niet goedkeurt.")})
            _bump(
                measure,
                status=Measure.Status.REFUSED,
                approved_by=user,
                approved_at=timezone.now(),
                decision_note=note.strip(),
            )
        else:
            _approve(measure, sector_rules, note.strip(), user, today)
        record(
            actor,
            EventType.MEASURE_DECIDED,
            **about_measure(measure),
            data={"kind": measure.kind, "approved": approve, "status": measure.status},
        )
    return measure


def _approve(
    measure: Measure, sector_rules: MeasureRules, note: str, user: User, today: dt.date
) -> None:
    kind = measure.kind
    changes: dict[str, Any] = {
        "approved_by": user,
        "approved_at": timezone.now(),
        "decision_note": note,
    }
    if kind == Measure.Kind.SUSPENSION:
        assert measure.start is not None and measure.school_days is not None
        _refuse(rules.check_suspension_approval(measure.start, today))
        due = rules.inspectie_report_due(measure.start, measure.school_days, sector_rules)
        changes.update(status=Measure.Status.APPROVED, inspectie_report_due=due)
        _bump(measure, **changes)
        if due is not None:
            _task(measure, "inspectie", _("Schorsing melden bij de Inspectie"), due, user)
        _task(
            measure,
            "meeting",
            _("Gesprek met de ouders over de schorsing"),
            measure.end or measure.start,
            user,
        )
        return
    if kind == Measure.Kind.EXPULSION:
        pupil = measure.pupil
        hearings = rules.Hearings(
            teacher_heard=measure.teacher_heard_on is not None,
            parents_heard=measure.parents_heard_on is not None,
            pupil_heard=measure.pupil_heard_on is not None,
            pupil_age=pupil.age(today),
            educational_report=bool(measure.educational_report.strip()),
        )
        _refuse(rules.check_expulsion_decision(hearings, sector_rules))
        search_end = rules.search_ends_on(today, sector_rules)
        objection = rules.objection_deadline(today, sector_rules)
        changes.update(
            status=Measure.Status.DECIDED,
            decided_on=today,
            start=today,
            search_ends_on=search_end,
            objection_deadline=objection,
        )
        _bump(measure, **changes)
        _task(measure, "search", _("Einde zoektermijn: andere school gevonden?"), search_end, user)
        _task(measure, "objection", _("Einde bezwaartermijn van de ouders"), objection, user)
        return
    if kind == Measure.Kind.TIME_OUT and measure.start is not None:
        _refuse(rules.check_time_out_approval(measure.start, today))
    if kind in (Measure.Kind.ACCESS_DENIAL, Measure.Kind.ENROLMENT_END):
        _refuse(rules.check_student_heard(measure.student_heard_on is not None))
    changes["status"] = Measure.Status.APPROVED
    _bump(measure, **changes)


# --- recording what happened ---------------------------------------------------------------

# The facts that can be recorded later, per kind: field -> (may be in the future?)
FACTS: dict[str, dict[str, bool]] = {
    Measure.Kind.TIME_OUT: {
        "parents_written_on": False,
        "parents_phoned_on": False,
    },
    Measure.Kind.SUSPENSION: {
        "parents_written_on": False,
        "parents_phoned_on": False,
        "meeting_at": True,
        "meeting_report": False,
        "report_seen_by_parents_on": False,
        "copies_sent_on": False,
        "inspectie_reported_on": False,
        "appeal_lodged_on": False,
        "appeal_decided_on": False,
        "appeal_outcome": False,
        "learning_arrangements": False,
        "tests_arrangements": False,
    },
    Measure.Kind.EXPULSION: {
        "meeting_at": True,  # the next meeting with the parents (their hearing)
        "educational_report": False,
        "teacher_heard_on": False,
        "parents_heard_on": False,
        "pupil_heard_on": False,
        "excluded_from": True,
        "excluded_until": True,
        "parents_written_on": False,
        "copies_sent_on": False,
        "objection_received_on": False,
        "objection_heard_on": False,
        "objection_decided_on": False,
        "objection_outcome": False,
        "enrolment_notice_on": False,
    },
    Measure.Kind.ACCESS_DENIAL: {"student_heard_on": False},
    Measure.Kind.ENROLMENT_END: {"student_heard_on": False},
}
TEXT_FACTS = {
    "meeting_report",
    "appeal_outcome",
    "learning_arrangements",
    "tests_arrangements",
    "educational_report",
    "objection_outcome",
}


def fact_errors(measure: Measure, changes: Mapping[str, Any], today: dt.date) -> dict[str, str]:
    allowed = FACTS.get(measure.kind, {})
    errors: dict[str, str] = {}
    for name, value in changes.items():
        if name not in allowed:
            errors[name] = _("Dit gegeven hoort niet bij deze maatregel.")
            continue
        if name in TEXT_FACTS:
            if not isinstance(value, str) or len(value) > MAX_TEXT:
                errors[name] = _("Houd de tekst korter dan 10.000 tekens.")
            continue
        if value is None:
            continue
        day = value.date() if isinstance(value, dt.datetime) else value
        if not isinstance(day, dt.date):
            errors[name] = _("Vul een geldige datum in.")
        elif not allowed[name] and day > today:
            errors[name] = _("Deze datum ligt in de toekomst.")
        elif day < measure.proposed_at.date() - dt.timedelta(days=366):
            errors[name] = _("Deze datum ligt meer dan een jaar voor het voorstel.")
    if changes.get("appeal_decided_on"):
        lodged = changes.get("appeal_lodged_on", measure.appeal_lodged_on)
        if lodged is None:
            errors["appeal_decided_on"] = _("Leg eerst vast wanneer het beroep is ingesteld.")
    if changes.get("objection_decided_on"):
        received = changes.get("objection_received_on", measure.objection_received_on)
        if received is None:
            errors["objection_decided_on"] = _("Leg eerst vast wanneer het bezwaar binnenkwam.")
    approved_on = timezone.localtime(measure.approved_at).date() if measure.approved_at else None
    lodged_on = changes.get("appeal_lodged_on")
    if isinstance(lodged_on, dt.date) and (approved_on is None or lodged_on < approved_on):
        errors["appeal_lodged_on"] = _(
            "Beroep kan pas worden ingesteld nadat het bestuur de schorsing heeft goedgekeurd."
        )
    received = changes.get("objection_received_on")
    if (
        isinstance(received, dt.date)
        and measure.decided_on is not None
        and received < measure.decided_on
    ):
        errors["objection_received_on"] = _(
            "Het bezwaar kan niet eerder zijn binnengekomen dan het besluit tot verwijdering."
        )
    excluded_from = changes.get("excluded_from", measure.excluded_from)
    excluded_until = changes.get("excluded_until", measure.excluded_until)
    if ("excluded_from" in changes or "excluded_until" in changes) and measure.decided_on is None:
        errors["excluded_from"] = _(
            "Tijdelijk de toegang ontzeggen kan pas na het besluit tot verwijdering, terwijl "
            "het bestuur een andere school zoekt."
        )
    elif (
        isinstance(excluded_from, dt.date)
        and isinstance(excluded_until, dt.date)
        and excluded_until < excluded_from
    ):
        errors["excluded_until"] = _("De einddatum ligt voor de begindatum.")
    if changes.get("objection_received_on") and measure.decided_on is None:
        errors["objection_received_on"] = _(
            "Bezwaar kan pas als het bestuur tot verwijdering heeft besloten."
        )
    return errors


def do_record(
    measure: Measure,
    changes: Mapping[str, Any],
    *,
    actor: Actor,
    version: int | None = None,
) -> Measure:
    """Record facts (parents informed, the meeting, the appeal, the hearings…); the
    deadlines that follow from them are computed and become tasks."""
    user = _user(actor)
    today = timezone.localdate()
    with transaction.atomic():
        measure = _locked(measure, version)
        if not access.can_work_on_measure(user, measure):
            raise PermissionDenied
        if measure.status in (Measure.Status.REFUSED, Measure.Status.WITHDRAWN):
            raise ValidationError({"status": _("Deze maatregel loopt niet (meer).")})
        if measure.kind == Measure.Kind.TIME_OUT:
            # the written notice and the call are the time-out itself: not before approval
            _refuse(rules.check_time_out_start(measure.status == Measure.Status.APPROVED))
        errors = fact_errors(measure, changes, today)
        if errors:
            raise ValidationError(errors)
        cleaned = {k: v.strip() if isinstance(v, str) else v for k, v in changes.items()}
        updates: dict[str, Any] = {k: v for k, v in cleaned.items() if getattr(measure, k) != v}
        if not updates:
            return measure
        sector_rules = rules_for(measure.school)
        if updates.get("appeal_lodged_on"):
            updates["appeal_decision_due"] = rules.appeal_decision_due(
                updates["appeal_lodged_on"], sector_rules
            )
        if updates.get("objection_received_on"):
            updates["objection_decision_due"] = rules.objection_decision_due(
                updates["objection_received_on"], sector_rules
            )
        _bump(measure, **updates)
        _follow_tasks(measure, updates, user)
        record(
            actor,
            EventType.MEASURE_UPDATED,
            **about_measure(measure),
            data={"fields": sorted(updates)},
        )
    return measure


def _follow_tasks(measure: Measure, updates: Mapping[str, Any], user: User) -> None:
    if updates.get("inspectie_reported_on"):
        _close_task(measure, "inspectie", user)
    if updates.get("meeting_report"):
        _close_task(measure, "meeting", user)
    if updates.get("appeal_decision_due"):
        _task(
            measure,
            "appeal",
            _("Het bestuur beslist op het beroep tegen de schorsing"),
            updates["appeal_decision_due"],
            user,
        )
    if updates.get("appeal_decided_on"):
        _close_task(measure, "appeal", user)
    if updates.get("objection_decision_due"):
        _close_task(measure, "objection", user, _("Het bezwaar is binnengekomen."))
        _task(
            measure,
            "objection_decision",
            _("Het bestuur beslist op het bezwaar tegen de verwijdering"),
            updates["objection_decision_due"],
            user,
        )
    if updates.get("objection_decided_on"):
        _close_task(measure, "objection_decision", user)


# --- expulsion: the search, the final decision, de-registration ---------------------------


def do_add_search_attempt(
    measure: Measure,
    *,
    contacted_on: dt.date,
    school_name: str,
    outcome: str,
    note: str = "",
    actor: Actor,
) -> SearchAttempt:
    user = _user(actor)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if contacted_on > today:
        errors["contacted_on"] = _("Deze datum ligt in de toekomst.")
    if not school_name.strip():
        errors["school_name"] = _("Vul de naam van de school in.")
    if outcome not in ("pending", "refused", "accepted"):
        errors["outcome"] = _("Kies de uitkomst.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        measure = _locked(measure)
        if not access.can_work_on_measure(user, measure):
            raise PermissionDenied
        if measure.kind != Measure.Kind.EXPULSION or measure.status != Measure.Status.DECIDED:
            raise ValidationError(
                {"status": _("Zoeken naar een school hoort bij een besluit tot verwijdering.")}
            )
        if measure.decided_on is not None and contacted_on < measure.decided_on:
            raise ValidationError(
                {
                    "contacted_on": _(
                        "Het zoeken begint met het besluit tot verwijdering (%(day)s); een "
                        "poging van daarvoor telt niet mee."
                    )
                    % {"day": formats.date_format(measure.decided_on, "j F Y")}
                }
            )
        attempt = SearchAttempt.objects.create(
            measure=measure,
            contacted_on=contacted_on,
            school_name=school_name.strip(),
            outcome=outcome,
            note=note.strip(),
            recorded_by=user,
        )
        changes: dict[str, Any] = {}
        if outcome == "accepted":
            changes = {"accepted_by_school": attempt.school_name, "accepted_on": contacted_on}
            _bump(measure, **changes)
            _close_task(measure, "search", user, _("Een andere school laat de leerling toe."))
        else:
            _bump(measure)
        record(
            actor,
            EventType.MEASURE_UPDATED,
            **about_measure(measure),
            data={"search_attempt": attempt.pk, "outcome": outcome},
        )
    return attempt


def do_finalise_expulsion(measure: Measure, *, actor: Actor) -> Measure:
    user = _user(actor)
    today = timezone.localdate()
    with transaction.atomic():
        measure = _locked(measure)
        if not access.can_approve_measure(user, measure):
            raise PermissionDenied
        if measure.kind != Measure.Kind.EXPULSION or measure.status != Measure.Status.DECIDED:
            raise ValidationError({"status": _("Eerst besluit het bestuur tot verwijdering.")})
        _refuse(
            rules.check_expulsion_final(
                accepted=measure.accepted_on is not None,
                search_ends_on=measure.search_ends_on,
                attempts=measure.attempts.count(),
                today=today,
                rules=rules_for(measure.school),
            )
        )
        _bump(measure, status=Measure.Status.FINAL, final_on=today)
        _close_task(measure, "search", user)
        record(
            actor,
            EventType.MEASURE_DECIDED,
            **about_measure(measure),
            data={"kind": measure.kind, "final": True},
        )
    return measure


def do_deregister(measure: Measure, *, actor: Actor) -> Measure:
    user = _user(actor)
    today = timezone.localdate()
    with transaction.atomic():
        measure = _locked(measure)
        if not access.can_work_on_measure(user, measure):
            raise PermissionDenied
        if measure.status != Measure.Status.FINAL:
            raise ValidationError({"status": _("Uitschrijven kan na de definitieve verwijdering.")})
        _refuse(rules.check_deregistration(measure.enrolment_notice_on is not None))
        _bump(measure, status=Measure.Status.DEREGISTERED, deregistered_on=today)
        pupil = measure.pupil
        if pupil.left_on is None:
            type(pupil).objects.filter(pk=pupil.pk).update(left_on=today, version=F("version") + 1)
        record(
            actor,
            EventType.MEASURE_UPDATED,
            **about_measure(measure),
            data={"deregistered": today.isoformat()},
        )
    return measure


def do_withdraw(measure: Measure, *, reason: str, actor: Actor) -> Measure:
    user = _user(actor)
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Schrijf kort waarom de maatregel vervalt.")})
    with transaction.atomic():
        measure = _locked(measure)
        if not access.can_work_on_measure(user, measure):
            raise PermissionDenied
        if measure.status not in (Measure.Status.PROPOSED, Measure.Status.APPROVED):
            raise ValidationError({"status": _("Deze maatregel kan niet meer vervallen.")})
        _bump(measure, status=Measure.Status.WITHDRAWN, decision_note=reason.strip())
        CaseTask.objects.filter(
            key__startswith=f"measure:{measure.pk}:", done_at__isnull=True
        ).update(done_at=timezone.now(), done_by=user, done_note=_("De maatregel is vervallen."))
        record(
            actor,
            EventType.MEASURE_UPDATED,
            **about_measure(measure),
            data={"withdrawn": True},
        )
    return measure


# --- temporary extra rules ----------------------------------------------------------------


def _rule_errors(chosen: Iterable[str], note: str) -> dict[str, str]:
    known = {k for k, _label in ExtraRulesPlan.RULES}
    chosen = list(chosen)
    if not chosen and not note.strip():
        return {"rules": _("Kies ten minste één regel of beschrijf de regels.")}
    if set(chosen) - known:
        return {"rules": _("Kies regels uit de lijst.")}
    return {}


def do_create_plan(
    case: Case,
    *,
    chosen: list[str],
    rules_note: str,
    extra_teacher: bool,
    starts_on: dt.date,
    parents_note: str,
    actor: Actor,
) -> ExtraRulesPlan:
    user = _user(actor)
    today = timezone.localdate()
    errors = _rule_errors(chosen, rules_note)
    if starts_on < today - dt.timedelta(days=30):
        errors["starts_on"] = _("De ingangsdatum ligt meer dan een maand terug.")
    if starts_on > today + dt.timedelta(days=60):
        errors["starts_on"] = _("De ingangsdatum ligt meer dan twee maanden vooruit.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("pupil__school").get(pk=case.pk)
        if case.protocol != LADDER or case.is_closed:
            raise ValidationError(_("Aanvullende regels horen bij een lopend stappenplan."))
        if not access.can_work_on_case(user, case) and not access.can_propose_measure(user, case):
            raise PermissionDenied
        first = rules.first_evaluation(starts_on, rules_for(case.school))
        plan = ExtraRulesPlan.objects.create(
            case=case,
            pupil=case.pupil,
            school_id=case.school_id,
            rules=sorted(set(chosen)),
            rules_note=rules_note.strip(),
            extra_teacher=extra_teacher,
            starts_on=starts_on,
            next_evaluation_on=first,
            parents_note=parents_note.strip(),
            created_by=user,
        )
        _plan_task(plan, first, user)
        record(
            actor,
            EventType.EXTRA_RULES_SAVED,
            **about_case(case),
            data={"plan": plan.pk, "rules": plan.rules, "starts_on": starts_on.isoformat()},
        )
    return plan


def _plan_task(plan: ExtraRulesPlan, due_on: dt.date, user: User) -> None:
    CaseTask.objects.create(
        case_id=plan.case_id,
        kind=CaseTask.Kind.REVIEW,
        key=f"extra_rules:{plan.pk}",
        title=_("Aanvullende omgangsregels evalueren"),
        step="",
        due_on=due_on,
        created_by=user,
    )


def do_evaluate_plan(
    plan: ExtraRulesPlan,
    *,
    held_on: dt.date,
    participants: str,
    findings: str,
    changes: str,
    chosen: list[str],
    continues: bool,
    actor: Actor,
) -> ExtraRulesEvaluation:
    user = _user(actor)
    today = timezone.localdate()
    errors = _rule_errors(chosen, "x") if continues else {}
    if held_on > today:
        errors["held_on"] = _("Deze datum ligt in de toekomst.")
    if held_on < plan.starts_on:
        errors["held_on"] = _("De evaluatie ligt voor de ingangsdatum van de regels.")
    if not participants.strip():
        errors["participants"] = _("Vul in wie erbij waren.")
    if not findings.strip():
        errors["findings"] = _("Beschrijf hoe het gaat.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan = (
            ExtraRulesPlan.objects.select_for_update()
            .select_related("case__pupil__school")
            .get(pk=plan.pk)
        )
        if plan.ended_on is not None:
            raise ValidationError(_("Deze regels gelden niet meer."))
        if not access.can_work_on_case(user, plan.case) and not access.can_propose_measure(
            user, plan.case
        ):
            raise PermissionDenied
        evaluation = ExtraRulesEvaluation.objects.create(
            plan=plan,
            held_on=held_on,
            participants=participants.strip(),
            findings=findings.strip(),
            changes=changes.strip(),
            rules=sorted(set(chosen)) if continues else [],
            continues=continues,
            recorded_by=user,
        )
        CaseTask.objects.filter(key=f"extra_rules:{plan.pk}", done_at__isnull=True).update(
            done_at=timezone.now(), done_by=user
        )
        if continues:
            following = rules.next_evaluation(held_on, rules_for(plan.school))
            plan.rules = evaluation.rules
            plan.next_evaluation_on = following
            _plan_task(plan, following, user)
        else:
            plan.ended_on = held_on
            plan.next_evaluation_on = None
        plan.version += 1
        plan.save(update_fields=["rules", "next_evaluation_on", "ended_on", "version"])
        record(
            actor,
            EventType.EXTRA_RULES_EVALUATED,
            **about_case(plan.case),
            data={"plan": plan.pk, "continues": continues, "rules": evaluation.rules},
        )
    return evaluation
