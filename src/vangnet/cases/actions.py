"""Running a case through its protocol: every function is one transaction with its audit
event. The definition decides what is allowed (:mod:`vangnet.lib.protocols`); this module
only stores what happened.

Audit events carry kinds, steps and outcomes, never the free text of a record: the text
lives on the record, where access rules apply.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.cases import protocols
from vangnet.cases.models import Case, CaseMember, CaseRecord, CaseStep, CaseTask
from vangnet.core import access
from vangnet.core.audit import Actor, Entry, about_pupil, record, record_many
from vangnet.core.models import EventType
from vangnet.core.notify import notify
from vangnet.core.submissions import ConflictError
from vangnet.lib import protocols as engine
from vangnet.lib.protocols import CLOSED, Protocol

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.concerns.models import Concern
    from vangnet.organisations.models import Pupil

REASON_MIN = 15


def field_messages() -> dict[str, str]:
    return {
        "required": _("Dit veld is verplicht."),
        "range": _("Deze waarde valt buiten het toegestane bereik."),
        "choice": _("Kies een van de mogelijkheden."),
        "future": _("Deze datum ligt in de toekomst."),
        "too_old": _("Deze datum ligt te ver in het verleden. Controleer het jaartal."),
        "too_far": _("Deze datum ligt te ver in de toekomst. Controleer het jaartal."),
    }


def about_case(case: Case) -> dict[str, Any]:
    return {
        **about_pupil(case.pupil),
        "object_type": "case",
        "object_id": str(case.pk),
    }


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise ValueError("a case is changed by a person")
    return actor.user


def record_counts(case: Case) -> Counter[str]:
    """Records per kind, and (under ``FRESH + kind``) those added since the case last
    entered its current step: what a step's requirements are checked against."""
    rows = {
        pk: (kind, step, created_at, corrects_id)
        for pk, kind, step, created_at, corrects_id in case.records.values_list(
            "pk", "kind", "step", "created_at", "corrects_id"
        )
    }
    corrected = {row[3] for row in rows.values() if row[3] is not None}

    def fresh(pk: int) -> bool:
        # a correction is as fresh as the record it corrects (correcting an old report
        # is not a new report)
        _kind, step, created_at, corrects_id = rows[pk]
        while corrects_id is not None and corrects_id in rows:
            _kind, step, created_at, corrects_id = rows[corrects_id]
        return step == case.current_step and created_at >= case.step_entered_at

    counts: Counter[str] = Counter()
    for pk, (kind, _step, _created_at, _corrects) in rows.items():
        if pk in corrected:
            continue
        counts[kind] += 1
        if fresh(pk):
            counts[engine.FRESH + kind] += 1
    return counts


def _direct(case: Case, definition: Protocol, actor: Actor) -> None:
    """Completing, deciding and shortcuts need the step's responsible role."""
    role = definition.step(case.current_step).role
    if not access.can_direct_case(_user(actor), case, role):
        raise PermissionDenied


def _bump(case: Case, **changes: Any) -> None:
    """Optimistic lock: the case moves only from the version the caller read."""
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(
        version=F("version") + 1, **changes
    )
    if updated != 1:
        raise ConflictError
    case.version += 1
    for name, value in changes.items():
        setattr(case, name, value)


# --- opening and moving ---------------------------------------------------------------------


def do_open_case(
    pupil: Pupil,
    protocol_key: str,
    *,
    actor: Actor,
    origin_concern: Concern | None = None,
    acute_reason: str = "",
) -> Case:
    """Start a case with the current version of the protocol, the actor as its owner. With
    ``acute_reason`` the case takes the protocol's acute shortcut at once."""
    definition = protocols.current(protocol_key)
    user = _user(actor)
    if not access.can_start_case(user, pupil, definition.starters):
        raise PermissionDenied
    if not definition.applies_to(pupil.school.sector):
        raise ValidationError(
            {"protocol": _("Dit protocol hoort niet bij de sector van deze school.")}
        )
    if origin_concern is not None and origin_concern.pupil_id != pupil.pk:
        raise ValidationError({"origin_concern": _("Deze zorg gaat over een andere leerling.")})
    with transaction.atomic():
        first = definition.first_step
        case = Case.objects.create(
            pupil=pupil,
            school_id=pupil.school_id,
            protocol=definition.key,
            protocol_version=definition.version,
            current_step=first.key,
            origin_concern=origin_concern,
            opened_by=user,
            state=first.phase,
        )
        case.pupil = pupil
        CaseMember.objects.create(case=case, user=user, kind=CaseMember.Kind.OWNER, added_by=user)
        CaseStep.objects.create(case=case, step=first.key, entered_by=user, via="start")
        _create_terms(case, definition, first.key, user)
        record(
            actor,
            EventType.CASE_OPENED,
            **about_case(case),
            data={
                "protocol": definition.key,
                "version": definition.version,
                "origin_concern": origin_concern.pk if origin_concern else None,
            },
        )
        if acute_reason:
            shortcut = next(iter(definition.shortcuts), None)
            if shortcut is None:
                raise ValidationError(_("Dit protocol kent geen acute route."))
            _take_shortcut(case, definition, shortcut.key, acute_reason, actor)
    return case


def _create_terms(case: Case, definition: Protocol, step_key: str, user: User) -> None:
    step = definition.step(step_key)
    today = timezone.localdate()
    CaseTask.objects.bulk_create(
        [
            CaseTask(
                case=case,
                kind=CaseTask.Kind.TERM,
                title=str(term.label),
                step=step.key,
                due_on=engine.term_due(today, term),
                escalate_to=",".join(term.escalate_to),
                created_by=user,
            )
            for term in step.terms
        ]
    )


def _enter(
    case: Case, definition: Protocol, target: str, *, actor: Actor, via: str, reason: str = ""
) -> None:
    """Leave the current step and enter ``target`` (a step or CLOSED)."""
    user = _user(actor)
    now = timezone.now()
    CaseStep.objects.filter(case=case, completed_at__isnull=True).update(completed_at=now)
    # the terms of the step just left are met by leaving it
    CaseTask.objects.filter(case=case, kind=CaseTask.Kind.TERM, done_at__isnull=True).update(
        done_at=now, done_by=user
    )
    if target == CLOSED:
        CaseTask.objects.filter(case=case, done_at__isnull=True).update(
            done_at=now, done_by=user, done_note=_("Vervallen: het traject is afgesloten.")
        )
        _bump(
            case, state=Case.State.CLOSED, closed_at=now, current_step=CLOSED, step_entered_at=now
        )
        record(actor, EventType.CASE_CLOSED, **about_case(case), data={"via": via})
        return
    step = definition.step(target)
    CaseStep.objects.create(case=case, step=target, entered_by=user, via=via, reason=reason)
    _bump(case, current_step=target, step_entered_at=now, state=step.phase)
    _create_terms(case, definition, target, user)


def do_complete_step(case: Case, *, actor: Actor, expected_step: str | None = None) -> Case:
    """Complete a step without a decision: its required records must be there."""
    definition = case.definition
    with transaction.atomic():
        case = _locked(case, expected_step)
        _direct(case, definition, actor)
        step = definition.step(case.current_step)
        if step.decision:
            raise ValidationError(_("Deze stap wordt afgerond met een besluit."))
        missing = engine.unmet(step, record_counts(case))
        if missing:
            raise ValidationError([str(m) for m in missing])
        record(
            actor,
            EventType.CASE_STEP_COMPLETED,
            **about_case(case),
            data={"step": step.key, "next": step.next},
        )
        _enter(case, definition, step.next, actor=actor, via="next")
    return case


def _locked(case: Case, expected_step: str | None = None) -> Case:
    """The case as it is now (inside the caller's transaction), refusing closed cases and
    a step that moved on since the page was opened."""
    current = Case.objects.select_related("pupil__school", "school").get(pk=case.pk)
    if current.is_closed:
        raise ValidationError(_("Dit traject is afgesloten."))
    if expected_step is not None and current.current_step != expected_step:
        raise ConflictError
    return current


def do_take_shortcut(case: Case, key: str, *, reason: str, actor: Actor) -> Case:
    definition = case.definition
    with transaction.atomic():
        case = _locked(case)
        _direct(case, definition, actor)
        _take_shortcut(case, definition, key, reason, actor)
    return case


def _take_shortcut(case: Case, definition: Protocol, key: str, reason: str, actor: Actor) -> None:
    try:
        shortcut = definition.shortcut(key)
    except KeyError:
        raise ValidationError(_("Deze route bestaat niet in dit protocol.")) from None
    if len(reason.strip()) < REASON_MIN:
        raise ValidationError(
            {"reason": _("Beschrijf in ten minste %(n)d tekens waarom.") % {"n": REASON_MIN}}
        )
    if case.current_step == shortcut.target:
        raise ValidationError(_("Het traject staat al bij deze stap."))
    if shortcut.waives_needs:
        _bump(case, acute=True)
    record(
        actor,
        EventType.CASE_SHORTCUT_TAKEN,
        **about_case(case),
        data={"shortcut": key, "from": case.current_step, "to": shortcut.target},
    )
    _enter(case, definition, shortcut.target, actor=actor, via=key, reason=reason.strip())


# --- records and decisions -------------------------------------------------------------


def do_add_record(
    case: Case,
    kind_key: str,
    data: dict[str, Any],
    *,
    actor: Actor,
    expected_step: str | None = None,
    corrects: CaseRecord | None = None,
) -> CaseRecord:
    """Add a record the current step offers. ``data`` holds Python values (dates as
    ``datetime.date``); they are stored as JSON (dates as ISO strings).

    With ``corrects`` the record replaces an earlier one of the same kind (at any step
    while the case is open); the earlier one stays, marked as corrected."""
    definition = case.definition
    user = _user(actor)
    with transaction.atomic():
        case = _locked(case, expected_step)
        step = definition.step(case.current_step)
        if corrects is not None:
            if kind_key not in {k.key for k in definition.record_kinds}:
                raise ValidationError(
                    _("Een besluit wordt niet gecorrigeerd: neem een nieuw besluit.")
                )
            corrected = CaseRecord.objects.select_for_update().filter(pk=corrects.pk).first()
            if corrected is None or corrected.case_id != case.pk or corrected.kind != kind_key:
                raise ValidationError(_("Deze vastlegging hoort niet bij dit traject."))
            if corrected.corrections.exists():
                raise ValidationError(_("Deze vastlegging is al gecorrigeerd."))
        elif kind_key not in step.records:
            raise ValidationError(_("Dit kan in deze stap niet worden vastgelegd."))
        kind = definition.record_kind(kind_key)
        waived = case.acute and any(s.waives_needs for s in definition.shortcuts)
        blocked = [] if corrects else engine.blocked(kind, record_counts(case), waived=waived)
        if blocked:
            raise ValidationError([str(m) for m in blocked])
        errors = engine.field_errors(kind, data, timezone.localdate())
        if errors:
            messages = field_messages()
            raise ValidationError({name: messages[code] for name, code in errors.items()})
        stored = {f.name: _jsonable(data.get(f.name)) for f in kind.fields}
        item = CaseRecord.objects.create(
            case=case,
            kind=kind_key,
            step=step.key,
            data=stored,
            created_by=user,
            corrects=corrects,
        )
        if corrects is not None:
            # the corrected record's dates no longer stand: its open tasks lapse
            CaseTask.objects.filter(source=corrects, done_at__isnull=True).update(
                done_at=timezone.now(),
                done_by=user,
                done_note=_("Vervallen: de vastlegging is gecorrigeerd."),
            )
        scheduled = _schedule(case, kind, data, item, user)
        if kind.exchange is not None and corrects is None:
            _record_exchange(case, kind.exchange, data, actor)
        _bump(case)
        record(
            actor,
            EventType.CASE_RECORD_ADDED,
            **about_case(case),
            data={
                "kind": kind_key,
                "step": step.key,
                "record": item.pk,
                "corrects": corrects.pk if corrects else None,
                "tasks": scheduled,
            },
        )
    return item


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value


def _record_exchange(
    case: Case, exchange: engine.Exchange, data: dict[str, Any], actor: Actor
) -> None:
    """A record that went to (or came from) an outside party is also an exchange in the
    pupil's register (to whom, on which basis, for what), when that party is on the
    board's social map."""
    from vangnet.cases.consent import ExchangeInput, store_exchange
    from vangnet.cases.models import ExternalExchange
    from vangnet.organisations.models import Partner

    partner = (
        Partner.objects.filter(board_id=case.school.board_id, kind=exchange.partner_kind)
        .order_by("pk")
        .first()
    )
    on = data.get(exchange.date_field)
    if partner is None or not isinstance(on, dt.date):
        return
    sent = exchange.direction == ExternalExchange.Direction.SENT
    store_exchange(
        case.pupil,
        ExchangeInput(
            partner=partner,
            what=str(exchange.what),
            purpose=str(exchange.purpose),
            exchanged_on=on,
            direction=exchange.direction,
            case=case,
        ),
        basis=ExternalExchange.Basis.MELDCODE if sent else ExternalExchange.Basis.RECEIVED,
        consent=None,
        actor=actor,
    )


def _schedule(
    case: Case, kind: engine.RecordKind, data: dict[str, Any], item: CaseRecord, user: User
) -> int:
    tasks = [
        CaseTask(
            case=case,
            kind=CaseTask.Kind.REVIEW,
            title=str(f.schedules),
            step=item.step,
            due_on=data[f.name],
            source=item,
            created_by=user,
        )
        for f in kind.fields
        if f.schedules and isinstance(data.get(f.name), dt.date)
    ]
    CaseTask.objects.bulk_create(tasks)
    return len(tasks)


def decision_errors(
    tree: engine.DecisionTree,
    answers: dict[str, bool | None],
    rationale: dict[str, str],
    *,
    step: str | None = None,
) -> tuple[engine.Evaluation, dict[str, str]]:
    """The tree's walk and, per answer key, what is wrong (Dutch). With ``step`` (the
    case's current step), a question that waits on an outcome (the afwegingskader's
    question 5 waits on help being organised) may only be answered at that outcome's step."""
    evaluation = engine.evaluate(tree, answers)
    errors: dict[str, str] = {}
    if step is not None:
        for waiting in tree.questions:
            waits = tree.outcome(waiting.wait_outcome) if waiting.wait_outcome else None
            if waits is None or waits.next_step == step:
                continue
            for key in waiting.answer_keys:
                if answers.get(key) is not None:
                    errors[key] = _(
                        "Deze vraag beantwoordt u pas in de stap ‘%(outcome)s’, als de "
                        "hulp loopt en geëvalueerd is."
                    ) % {"outcome": waits.label}
    for key in evaluation.missing:
        errors[key] = _("Beantwoord deze vraag: de beslisboom heeft het antwoord nodig.")
    for key in evaluation.extra:
        errors[key] = _(
            "Deze vraag komt niet meer aan de orde: een eerder antwoord bepaalt de uitkomst al."
        )
    for key in evaluation.path:
        question = tree.question(key)
        if question is None or key in evaluation.missing:
            continue
        if any(k in evaluation.missing for k in question.answer_keys):
            continue
        if not (rationale.get(key) or "").strip():
            errors[f"rationale_{key}"] = _("Onderbouw dit antwoord.")
    return evaluation, errors


def do_record_decision(
    case: Case,
    answers: dict[str, bool | None],
    rationale: dict[str, str],
    *,
    actor: Actor,
    discussed_with_partner: dict[str, bool] | None = None,
    expected_step: str | None = None,
) -> CaseRecord:
    """Walk the step's decision tree over the answers, keep answers, rationale and outcome,
    and move the case to where the outcome leads."""
    definition = case.definition
    user = _user(actor)
    with transaction.atomic():
        case = _locked(case, expected_step)
        _direct(case, definition, actor)
        step = definition.step(case.current_step)
        if not step.decision:
            raise ValidationError(_("In deze stap wordt geen besluit genomen."))
        tree = definition.tree(step.decision)
        answers, rationale = with_fixed_answers(case, tree, dict(answers), dict(rationale))
        # a multi-part question is justified once, under the question's key
        for question in tree.questions:
            if question.parts and not rationale.get(question.key):
                parts = [rationale.get(k, "") for k, _label in question.parts]
                rationale[question.key] = " ".join(p for p in parts if p)
        evaluation, errors = decision_errors(tree, answers, rationale, step=step.key)
        if errors:
            raise ValidationError(errors)
        outcome = tree.outcome(evaluation.outcome)
        assert outcome is not None  # a complete walk ends in an outcome (checked at start-up)
        if outcome.next_step == step.key:
            raise ValidationError(
                _("Met deze antwoorden blijft het traject in deze stap: %(outcome)s.")
                % {"outcome": outcome.label}
            )
        missing = engine.unmet(step, record_counts(case))
        if missing:
            raise ValidationError([str(m) for m in missing])
        given = {k: v for k, v in answers.items() if v is not None}
        kept_rationale = {k: rationale[k].strip() for k in evaluation.path}
        fixed = fixed_decision(case, tree)
        marks = dict(fixed.data.get("with_partner", {})) if fixed else {}
        marks.update(discussed_with_partner or {})
        partner = {
            k: bool(v)
            for k, v in marks.items()
            if k in evaluation.path and (q := tree.question(k)) is not None and q.with_partner
        }
        item = CaseRecord.objects.create(
            case=case,
            kind=tree.key,
            step=step.key,
            data={
                "answers": given,
                "rationale": kept_rationale,
                "outcome": outcome.key,
                "waiting": evaluation.waiting,
                "with_partner": partner,
            },
            created_by=user,
        )
        _bump(case, outcome=outcome.key)
        record(
            actor,
            EventType.CASE_DECISION_RECORDED,
            **about_case(case),
            data={"step": step.key, "answers": given, "outcome": outcome.key},
        )
        _enter(case, definition, outcome.next_step, actor=actor, via=outcome.key)
    return item


def fixed_decision(case: Case, tree: engine.DecisionTree) -> CaseRecord | None:
    """The decision that brought the case to its current step and waits on a later
    question (the afwegingskader's help outcome): its answers stand."""
    last = case.records.filter(kind=tree.key).order_by("-created_at", "-id").first()
    if last is None or not last.data.get("waiting"):
        return None
    outcome = tree.outcome(last.data.get("outcome", ""))
    return last if outcome is not None and outcome.next_step == case.current_step else None


def with_fixed_answers(
    case: Case,
    tree: engine.DecisionTree,
    answers: dict[str, bool | None],
    rationale: dict[str, str],
) -> tuple[dict[str, bool | None], dict[str, str]]:
    """Fill in the answers of the decision the case waits on; refuse changed ones."""
    fixed = fixed_decision(case, tree)
    if fixed is None:
        return answers, rationale
    errors: dict[str, str] = {}
    for key, value in fixed.data.get("answers", {}).items():
        if answers.get(key) is not None and answers[key] != value:
            errors[key] = _(
                "Deze vraag is al beantwoord in het besluit van %(date)s; dat antwoord blijft "
                "staan. Beantwoord alleen de vraag die nog open is."
            ) % {"date": timezone.localtime(fixed.created_at).strftime("%d-%m-%Y")}
        answers[key] = value
    for key, text in fixed.data.get("rationale", {}).items():
        rationale.setdefault(key, text)
        if not (rationale.get(key) or "").strip():
            rationale[key] = text
    if errors:
        raise ValidationError(errors)
    return answers, rationale


# --- people and tasks -----------------------------------------------------------------------


def do_add_member(case: Case, user: User, *, kind: str, actor: Actor) -> CaseMember:
    if not access.colleagues_for_case(case).filter(pk=user.pk).exists():
        raise ValidationError({"user": _("Deze collega werkt niet op de school van de leerling.")})
    with transaction.atomic():
        member, created = CaseMember.objects.get_or_create(
            case=case, user=user, defaults={"kind": kind, "added_by": _user(actor)}
        )
        if not created and member.kind != kind:
            member.kind = kind
            member.save(update_fields=["kind"])
        record(
            actor,
            EventType.CASE_MEMBER_ADDED,
            **about_case(case),
            data={"user": user.pk, "kind": kind},
        )
    return member


def do_remove_member(case: Case, member: CaseMember, *, actor: Actor) -> None:
    with transaction.atomic():
        # lock the case: two removals at once must not leave it without an owner
        Case.objects.select_for_update().filter(pk=case.pk).first()
        owners = case.members.filter(kind=CaseMember.Kind.OWNER)
        if member.kind == CaseMember.Kind.OWNER and owners.count() <= 1:
            raise ValidationError(
                _("Een traject heeft altijd een eigenaar. Maak eerst een ander eigenaar.")
            )
        member.delete()
        record(
            actor,
            EventType.CASE_MEMBER_REMOVED,
            **about_case(case),
            data={"user": member.user_id, "kind": member.kind},
        )


def do_request_task(
    case: Case, assignee: User, title: str, due_on: dt.date, *, actor: Actor
) -> CaseTask:
    """Ask a colleague to do something; they see this title and the pupil's name only."""
    errors: dict[str, str] = {}
    if not access.colleagues_for_case(case).filter(pk=assignee.pk).exists():
        errors["assignee"] = _("Deze collega werkt niet op de school van de leerling.")
    if not title.strip():
        errors["title"] = _("Beschrijf wat u van uw collega vraagt.")
    if due_on < timezone.localdate():
        errors["due_on"] = _("Deze datum ligt in het verleden.")
    if case.is_closed:
        errors["__all__"] = _("Dit traject is afgesloten.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        task = CaseTask.objects.create(
            case=case,
            kind=CaseTask.Kind.REQUEST,
            title=title.strip(),
            step=case.current_step,
            due_on=due_on,
            assignee=assignee,
            created_by=_user(actor),
        )
        record(
            actor,
            EventType.CASE_TASK_CREATED,
            **about_case(case),
            data={"task": task.pk, "assignee": assignee.pk, "due_on": due_on.isoformat()},
        )
        # after commit: the colleague hears of the request (title and first name only)
        notify(
            assignee,
            f"case-task-asked:{task.pk}",
            _("Gevraagd door %(who)s: %(title)s (%(pupil)s)")
            % {
                "who": _user(actor).full_name,
                "title": task.title,
                "pupil": case.pupil.first_name,
            },
            reverse("my_tasks"),
        )
    return task


def do_complete_task(task: CaseTask, *, note: str, actor: Actor) -> CaseTask:
    with transaction.atomic():
        updated = CaseTask.objects.filter(pk=task.pk, done_at__isnull=True).update(
            done_at=timezone.now(), done_by=_user(actor), done_note=note.strip()
        )
        if updated:
            task.refresh_from_db()
            record_many(
                actor,
                [
                    Entry(
                        EventType.CASE_TASK_DONE,
                        **about_pupil(task.case.pupil),
                        object_type="case",
                        object_id=str(task.case_id),
                        data={"task": task.pk, "kind": task.kind},
                    )
                ],
            )
    return task
