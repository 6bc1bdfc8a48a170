"""The case pages: starting a case, the case page (steps, records, history), adding a record,
completing a step, the decision with the afwegingskader, and the acute route.

Every page is built from the case's protocol definition; the views call the actions in
:mod:`vangnet.cases.actions` and never decide what the protocol allows themselves.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from vangnet.accounts.models import User
from vangnet.cases import actions, display, protocols
from vangnet.cases.forms import (
    AcuteForm,
    CaseRecordForm,
    CaseStartForm,
    DecisionForm,
    StepForm,
)
from vangnet.cases.models import Case, CaseRecord, CaseTask
from vangnet.cases.people_views import case_tasks_context
from vangnet.concerns.models import Concern
from vangnet.core import access
from vangnet.core.audit import Actor, Entry, about_pupil, record_many
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType
from vangnet.core.submissions import ConflictError, run_once
from vangnet.lib import protocols as engine
from vangnet.lib.protocols import DecisionTree, Protocol, Question, Step
from vangnet.measures.views import case_measures_context
from vangnet.organisations.models import Pupil

CASE_MOVED = gettext_lazy(
    "Het traject is intussen verder gegaan: iemand heeft een stap afgerond of een besluit "
    "vastgelegd nadat u deze pagina opende. Er is niets opgeslagen. Bekijk de stand van het "
    "traject en probeer het opnieuw."
)
ACUTE = "acute"


# --- shared helpers ---------------------------------------------------------------------


def _case_url(case: Case, anchor: str = "") -> str:
    return reverse("case_detail", args=[case.pk]) + (f"#{anchor}" if anchor else "")


def _add_errors(form: Form, exc: ValidationError, rename: dict[str, str] | None = None) -> None:
    """An action's ValidationError on the form: on the field it names when the form has
    that field, otherwise above the form."""
    rename = rename or {}
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = rename.get(name, name)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _record_read(
    request: AuthedRequest,
    *,
    page: str,
    case: Case | None = None,
    pupil: Pupil | None = None,
    concern: Concern | None = None,
    dossier: bool = False,
) -> None:
    """The page's read events, committed before the page is rendered."""
    entries: list[Entry] = []
    if case is not None:
        entries.append(
            Entry(EventType.CASE_VIEWED, **actions.about_case(case), data={"page": page})
        )
        pupil = case.pupil
    assert pupil is not None
    if concern is not None:
        entries.append(
            Entry(
                EventType.CONCERN_VIEWED,
                **about_pupil(pupil),
                object_type="concern",
                object_id=str(concern.pk),
                data={"page": page},
            )
        )
    if dossier or case is None:
        entries.append(
            Entry(
                EventType.DOSSIER_VIEWED if dossier else EventType.PUPIL_VIEWED,
                **about_pupil(pupil),
                object_type="pupil",
                object_id=str(pupil.pk),
                data={"page": page},
            )
        )
    with transaction.atomic():
        record_many(Actor.from_request(request), entries)


def _dossier(user: User, pupil: Pupil) -> dict[str, Any]:
    """The pupil's dossier, newest first, for the steps that show it beside the forms."""
    from vangnet.concerns.views import dossier_context

    context = dossier_context(user, pupil)
    return {"entries": context["entries"], "more": context["more"], "total": context["total"]}


def _role_title(case: Case, role: str) -> str:
    return case.pupil.school.board.role_title(role)


def _require_direct(user: User, case: Case) -> None:
    """Completing a step, deciding and the acute route are for members who hold the current
    step's responsible role (a teacher added to the case records, but does not decide).
    A closed case is left to the page, which says so."""
    if case.is_closed:
        return
    role = case.definition.step(case.current_step).role
    if not access.can_direct_case(user, case, role):
        raise PermissionDenied


# --- starting a case ----------------------------------------------------------------------


def _startable(user: User, pupil: Pupil) -> list[Protocol]:
    found = []
    for key in protocols.keys():  # noqa: SIM118 - a module function, not a dict
        definition = protocols.current(key)
        if not definition.applies_to(pupil.school.sector):
            continue
        if access.can_start_case(user, pupil, definition.starters):
            found.append(definition)
    return found


def _origin(user: User, pupil: Pupil, raw: str | None) -> Concern | None:
    """The handed-over concern a case starts from: one the user may open, about this pupil."""
    if not raw:
        return None
    concern = access.access_concern(user, raw)
    if concern.pupil_id != pupil.pk:
        raise Http404
    return concern


@login_required
@require_http_methods(["GET", "POST"])
def case_start(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    user = request.user
    pupil = access.access_pupil(user, pupil_id)
    startable = _startable(user, pupil)
    if not startable:
        raise PermissionDenied
    raw_origin = (
        request.POST.get("origin_concern") if request.method == "POST" else request.GET.get("zorg")
    )
    origin = _origin(user, pupil, raw_origin)
    form = CaseStartForm(
        request.POST or None,
        protocols=startable,
        initial={"origin_concern": origin.pk if origin else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reason = data["acute_reason"].strip() if data.get("acute") else ""

        def start() -> str:
            case = actions.do_open_case(
                pupil,
                data["protocol"],
                actor=Actor.from_request(request),
                origin_concern=origin,
                acute_reason=reason,
            )
            return _case_url(case)

        try:
            url, created = run_once(user, data["submission_token"], start)
        except ValidationError as exc:
            _add_errors(form, exc, {"reason": "acute_reason"})
        else:
            if created:
                messages.success(
                    request,
                    _(
                        "Het zorgtraject is gestart via de acute route. Meld nu bij Veilig "
                        "Thuis en leg de melding hieronder vast."
                    )
                    if reason
                    else _("Het zorgtraject is gestart. U bent de eigenaar."),
                )
            return HttpResponseRedirect(url)
    known = access.cases_known_for_pupil(user, pupil).exclude(state=Case.State.CLOSED)
    open_cases = list(access.visible_cases(user, known).order_by("-opened_at"))
    hidden_open = known.count() - len(open_cases)
    if request.method == "GET":
        _record_read(request, page="case_start", pupil=pupil, concern=origin)
    return render(
        request,
        "cases/case_start.html",
        {
            "pupil": pupil,
            "form": form,
            "origin": origin,
            "open_cases": open_cases,
            "hidden_open": hidden_open,
        },
    )


# --- the case page --------------------------------------------------------------------------


def _shortcut(definition: Protocol, key: str) -> engine.Shortcut | None:
    return next((s for s in definition.shortcuts if s.key == key), None)


def _shortcut_form(shortcut: engine.Shortcut, data: Any = None) -> AcuteForm:
    """The reason form of a shortcut; the acute route asks why it is acute, another
    shortcut (the behaviour ladder's) why the step is needed at once."""
    form = AcuteForm(data, auto_id=f"id_{shortcut.key}_%s")
    if shortcut.key != ACUTE:
        form.fields["reason"].label = _("Waarom is deze stap meteen nodig?")
    return form


def _case_context(user: User, case: Case) -> dict[str, Any]:
    definition = case.definition
    records = list(case.records.select_related("created_by"))
    visits = list(case.steps.select_related("entered_by"))
    counts = actions.record_counts(case)
    can_work = not case.is_closed and access.can_work_on_case(user, case)
    step: Step | None = None if case.is_closed else definition.step(case.current_step)
    context: dict[str, Any] = {
        "case": case,
        "pupil": case.pupil,
        "definition": definition,
        "step": step,
        "can_work": can_work,
        "progress": display.progress(definition, case, {v.step for v in visits}),
        "history": display.history(definition, visits, records),
        "owners": [m.user for m in case.members.select_related("user") if m.kind == "owner"],
        "outcome": _last_outcome(definition, case),
        "acute_visit": next((v for v in reversed(visits) if v.via == ACUTE), None),
        "can_manage_consent": access.can_manage_consent(user, case.pupil),
    }
    if step is None:
        return context
    waived = case.acute and any(s.waives_needs for s in definition.shortcuts)
    context |= {
        "step_number": definition.position(step.key),
        "role_title": _role_title(case, step.role),
        "requirements": [{"message": r.message, "met": r.met(counts)} for r in step.requires],
        "record_kinds": [
            {
                "kind": kind,
                "blocked": engine.blocked(kind, counts, waived=waived),
            }
            for kind in (definition.record_kind(k) for k in step.records)
        ],
        "tasks": list(
            case.tasks.filter(
                done_at__isnull=True, kind__in=[CaseTask.Kind.TERM, CaseTask.Kind.REVIEW]
            ).order_by("due_on", "id")
        ),
    }
    # completing, deciding and the acute route: only members who hold the step's role
    context["can_direct"] = can_work and access.can_direct_case(user, case, step.role)
    if context["can_direct"]:
        context |= {
            "step_form": None if step.decision else StepForm(initial={"step": step.key}),
            # every shortcut of the protocol that skips ahead; the acute route also later
            # (a new danger after the report), never to the step the case is at
            "shortcuts": [
                {"shortcut": s, "form": _shortcut_form(s)}
                for s in definition.shortcuts
                if s.target != step.key
                and (
                    s.key == ACUTE or definition.position(s.target) > definition.position(step.key)
                )
            ],
        }
    return context


def _last_outcome(definition: Protocol, case: Case) -> engine.Outcome | None:
    for tree in definition.trees:
        outcome = tree.outcome(case.outcome)
        if outcome is not None:
            return outcome
    return None


@login_required
def case_detail(request: AuthedRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = access.access_case(user, case_id)
    context = _case_context(user, case)
    step = context["step"]
    show_dossier = step is not None and step.shows_history
    if show_dossier:
        context["dossier"] = _dossier(user, case.pupil)
    context.update(case_tasks_context(user, case))
    context.update(case_measures_context(user, case))
    from vangnet.sharing.views import case_sharing_context

    context.update(case_sharing_context(user, case))  # concerning behaviour: sharing outside
    _record_read(request, page="case", case=case, dossier=show_dossier)
    return render(request, "cases/case_detail.html", context)


# --- adding a record ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_record_add(request: AuthedRequest, case_id: int, kind: str) -> HttpResponse:
    user = request.user
    case = access.access_case(user, case_id, for_write=True)
    definition = case.definition
    try:
        record_kind = definition.record_kind(kind)
    except KeyError:
        raise Http404 from None
    # ?corrigeert=<id>: a new record of the same kind that corrects an earlier one
    corrects = _corrected(case, kind, request.GET.get("corrigeert"))
    if request.method == "GET":
        # A stale link (the step moved on, or the case closed): back to the case page.
        if case.is_closed:
            messages.info(request, _("Dit traject is afgesloten; er kan niets meer bij."))
            return HttpResponseRedirect(_case_url(case))
        if corrects is not None and corrects.corrections.exists():
            messages.info(
                request,
                _("Deze vastlegging is al gecorrigeerd. Corrigeer zo nodig de correctie."),
            )
            return HttpResponseRedirect(_case_url(case, f"vastlegging-{corrects.pk}"))
        if corrects is None and kind not in definition.step(case.current_step).records:
            messages.info(
                request,
                _("‘%(kind)s’ kan in deze stap niet worden vastgelegd.")
                % {"kind": record_kind.label},
            )
            return HttpResponseRedirect(_case_url(case))
    initial: dict[str, Any] = {"step": case.current_step}
    if corrects is not None:
        initial |= CaseRecordForm.initial_from(record_kind, corrects.data)
    form = CaseRecordForm(request.POST or None, kind=record_kind, initial=initial)
    if request.method == "POST" and form.is_valid():

        def add() -> str:
            item = actions.do_add_record(
                case,
                kind,
                form.data_for_action(),
                actor=Actor.from_request(request),
                # a correction may be made in any step: a step moving on does not matter
                expected_step=None if corrects else form.cleaned_data["step"],
                corrects=corrects,
            )
            return _case_url(case, f"vastlegging-{item.pk}")

        try:
            url, created = run_once(user, form.cleaned_data["submission_token"], add)
        except ConflictError:
            form.add_error(None, CASE_MOVED)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if created:
                done = _("Gecorrigeerd: %(kind)s.") if corrects else _("Vastgelegd: %(kind)s.")
                messages.success(request, done % {"kind": record_kind.label})
            return HttpResponseRedirect(url)
    step = None if case.is_closed else definition.step(case.current_step)
    counts = actions.record_counts(case)
    waived = case.acute and any(s.waives_needs for s in definition.shortcuts)
    show_dossier = step is not None and step.shows_history
    context: dict[str, Any] = {
        "case": case,
        "pupil": case.pupil,
        "definition": definition,
        "step": step,
        "kind": record_kind,
        "form": form,
        "corrects": corrects,
        "blocked": [] if corrects else engine.blocked(record_kind, counts, waived=waived),
        "dossier": _dossier(user, case.pupil) if show_dossier else None,
    }
    if request.method == "GET":
        page = f"correct:{kind}" if corrects else f"record:{kind}"
        _record_read(request, page=page, case=case, dossier=show_dossier)
    return render(request, "cases/case_record_form.html", context)


def _corrected(case: Case, kind: str, raw: str | None) -> CaseRecord | None:
    """The record of this case and kind that ``?corrigeert=`` names; 404 for any other."""
    if raw is None:
        return None
    try:
        return case.records.select_related("created_by").get(pk=int(raw), kind=kind)
    except (ValueError, OverflowError, CaseRecord.DoesNotExist):
        raise Http404 from None


# --- completing a step -------------------------------------------------------------------


@login_required
@require_http_methods(["POST"])
def case_complete_step(request: AuthedRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = access.access_case(user, case_id, for_write=True)
    _require_direct(user, case)
    definition = case.definition
    back = _case_url(case)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Dit formulier is verouderd. Open het traject opnieuw."))
        return HttpResponseRedirect(back)
    step_key = form.cleaned_data["step"]

    def complete() -> str:
        actions.do_complete_step(case, actor=Actor.from_request(request), expected_step=step_key)
        return back

    try:
        _url, created = run_once(user, form.cleaned_data["submission_token"], complete)
    except ConflictError:
        messages.error(request, CASE_MOVED)
    except ValidationError as exc:
        messages.error(
            request,
            _("Deze stap kan nog niet worden afgerond. %(why)s") % {"why": " ".join(exc.messages)},
        )
    else:
        if created:
            case.refresh_from_db()
            if case.is_closed:
                messages.success(request, _("Het traject is afgesloten."))
            else:
                messages.success(
                    request,
                    _("‘%(done)s’ is afgerond. Het traject staat nu bij ‘%(now)s’.")
                    % {
                        "done": display.step_title(definition, step_key),
                        "now": display.step_title(definition, case.current_step),
                    },
                )
    return HttpResponseRedirect(back)


# --- the decision ------------------------------------------------------------------------


def _waiting_decision(case: Case, tree: DecisionTree) -> dict[str, Any] | None:
    """The earlier decision this step continues: it waited on a later question and its
    outcome led to the current step. Its answers are kept; only the rest is asked."""
    last = case.records.filter(kind=tree.key).order_by("-created_at", "-id").first()
    if last is None or not last.data.get("waiting"):
        return None
    outcome = tree.outcome(str(last.data.get("outcome", "")))
    if outcome is None or outcome.next_step != case.current_step:
        return None
    return dict(last.data)


def _target_label(tree: DecisionTree, key: str) -> str:
    for number, question in enumerate(tree.questions, 1):
        if question.key == key:
            return _("ga naar vraag %(n)d") % {"n": number}
    outcome = tree.outcome(key)
    return _("uitkomst: %(outcome)s") % {"outcome": outcome.label if outcome else key}


def _question_rows(
    definition: Protocol, form: DecisionForm, fixed: dict[str, Any] | None
) -> list[dict[str, Any]]:
    tree = form.tree
    shown = display.decision_view(tree, fixed) if fixed else {"rows": []}
    fixed_rows = {row["number"]: row for row in shown["rows"]}
    fixed_answers = (fixed or {}).get("answers", {})
    rows = []
    for number, question in enumerate(tree.questions, 1):
        open_question = question in form.open_questions
        row: dict[str, Any] = {
            "number": number,
            "question": question,
            "yes": _target_label(tree, question.yes),
            "no": _target_label(tree, question.no),
            "fixed": None if open_question else fixed_rows.get(number),
            "later": question.key in form.later,
            "answer": "",
        }
        if open_question:
            row |= {
                "fields": [form[k] for k in question.answer_keys],
                "rationale": form[f"rationale_{question.key}"],
                "partner": form[f"partner_{question.key}"] if question.with_partner else None,
            }
        elif row["fixed"] is not None:
            given = [fixed_answers.get(k) for k in question.answer_keys]
            row["answer"] = "yes" if any(given) else "no"
        if row["later"]:
            waits = tree.outcome(question.wait_outcome)
            row["later_step"] = display.step_title(definition, waits.next_step) if waits else ""
            row["later_outcome"] = waits.label if waits else ""
        rows.append(row)
    return rows


def _later_questions(tree: DecisionTree, step: Step) -> set[str]:
    """Questions that wait on an outcome leading to another step: they are answered there
    (the afwegingskader's question 5, once help runs), not in this step."""
    later = set()
    for question in tree.questions:
        waits = tree.outcome(question.wait_outcome) if question.wait_outcome else None
        if waits is not None and waits.next_step != step.key:
            later.add(question.key)
    return later


def _waiting_question(tree: DecisionTree, outcome_key: str) -> Question | None:
    return next((q for q in tree.questions if q.wait_outcome == outcome_key), None)


@login_required
@require_http_methods(["GET", "POST"])
def case_decision(request: AuthedRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = access.access_case(user, case_id, for_write=True)
    _require_direct(user, case)
    definition = case.definition
    posted = request.method == "POST"
    step_key = request.POST.get("step", "") if posted else case.current_step
    step = None
    if step_key and step_key != engine.CLOSED:
        try:
            step = definition.step(step_key)
        except KeyError:
            step = None
    if step is None or not step.decision:
        messages.info(request, _("In deze stap van het traject wordt geen besluit genomen."))
        return HttpResponseRedirect(_case_url(case))
    tree = definition.tree(step.decision)
    fixed = _waiting_decision(case, tree) if step.key == case.current_step else None
    form = DecisionForm(
        request.POST or None,
        tree=tree,
        fixed=fixed,
        later=_later_questions(tree, step),
        initial={"step": step.key},
    )
    outcome: engine.Outcome | None = None
    action = request.POST.get("bevestigen", "")
    if posted and form.is_valid() and action != "wijzigen":
        if action == "1":
            redirect = _keep_decision(request, case, step, form)
            if redirect is not None:
                return redirect
        elif case.is_closed or step.key != case.current_step:
            form.add_error(None, CASE_MOVED)
        else:
            outcome = _check_decision(case, step, form)
    if not posted:
        _record_read(request, page="decision", case=case)
    context = {
        "case": case,
        "pupil": case.pupil,
        "definition": definition,
        "step": step,
        "tree": tree,
        "form": form,
        "rows": _question_rows(definition, form, fixed),
        "outcome": outcome,
        "confirm": outcome is not None,
        "next_title": display.step_title(definition, outcome.next_step) if outcome else "",
        "summary": display.decision_view(
            tree,
            {
                "answers": {k: v for k, v in form.answers().items() if v is not None},
                "rationale": form.rationale(),
                "with_partner": form.partner(),
            },
        )
        if outcome is not None
        else None,
    }
    return render(request, "cases/case_decision.html", context)


class _NotReady(Exception):
    """The answers cannot be kept yet; the problems are on the form."""


def _keep_decision(
    request: AuthedRequest, case: Case, step: Step, form: DecisionForm
) -> HttpResponse | None:
    """Keep the confirmed decision once per form (a second click returns the first result);
    None when it could not be kept, with the reasons on the form."""
    kept: list[engine.Outcome] = []

    def decide() -> str:
        if case.is_closed or step.key != case.current_step:
            raise ConflictError
        outcome = _check_decision(case, step, form)
        if outcome is None:
            raise _NotReady
        actions.do_record_decision(
            case,
            form.answers(),
            form.rationale(),
            actor=Actor.from_request(request),
            discussed_with_partner=form.partner(),
            expected_step=step.key,
        )
        kept.append(outcome)
        return _case_url(case)

    try:
        url, created = run_once(request.user, form.cleaned_data["submission_token"], decide)
    except _NotReady:
        return None
    except ConflictError:
        form.add_error(None, CASE_MOVED)
        return None
    except ValidationError as exc:
        _add_errors(form, exc)
        return None
    if created:
        messages.success(
            request,
            _("Het besluit is vastgelegd. Uitkomst: %(outcome)s.") % {"outcome": kept[0].label},
        )
    return HttpResponseRedirect(url)


def _check_decision(case: Case, step: Step, form: DecisionForm) -> engine.Outcome | None:
    """The outcome the answers lead to, or None with the problems added to the form."""
    tree = form.tree
    evaluation, errors = actions.decision_errors(
        tree, form.answers(), form.rationale(), step=step.key
    )
    if errors:
        form.add_decision_errors(errors)
        return None
    outcome = tree.outcome(evaluation.outcome)
    assert outcome is not None
    if outcome.next_step == step.key:
        question = _waiting_question(tree, outcome.key)
        message = _(
            "Met deze antwoorden blijft het traject in deze stap (%(outcome)s). Beantwoord "
            "deze vraag als de hulp is geëvalueerd."
        ) % {"outcome": outcome.label}
        target = question.answer_keys[0] if question else None
        form.add_error(target if target in form.fields else None, message)
        return None
    unmet = engine.unmet(step, actions.record_counts(case))
    if unmet:
        form.add_error(
            None,
            _("Het besluit kan nog niet worden vastgelegd. %(why)s")
            % {"why": " ".join(str(m) for m in unmet)},
        )
        return None
    return outcome


# --- the acute route ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_acute(request: AuthedRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = access.access_case(user, case_id, for_write=True)
    _require_direct(user, case)
    definition = case.definition
    # the acute route, or another shortcut of the protocol (POST "shortcut", GET ?route=)
    key = (request.POST.get("shortcut") or request.GET.get("route") or ACUTE)[:40]
    shortcut = _shortcut(definition, key)
    if shortcut is None:
        raise Http404
    if request.method == "GET" and (case.is_closed or case.current_step == shortcut.target):
        messages.info(
            request,
            _("Dit traject is afgesloten.")
            if case.is_closed
            else _("Het traject staat al bij ‘%(step)s’.")
            % {"step": display.step_title(definition, shortcut.target)},
        )
        return HttpResponseRedirect(_case_url(case))
    form = _shortcut_form(shortcut, request.POST or None)
    if request.method == "POST" and form.is_valid():

        def take() -> str:
            actions.do_take_shortcut(
                case,
                shortcut.key,
                reason=form.cleaned_data["reason"],
                actor=Actor.from_request(request),
            )
            return _case_url(case)

        try:
            url, created = run_once(user, form.cleaned_data["submission_token"], take)
        except ConflictError:
            form.add_error(None, CASE_MOVED)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if created:
                step_title = display.step_title(definition, shortcut.target)
                messages.warning(
                    request,
                    _(
                        "Het traject staat nu bij ‘%(step)s’. Meld bij Veilig Thuis en leg de "
                        "melding vast."
                    )
                    % {"step": step_title}
                    if shortcut.key == ACUTE
                    else _("Het traject staat nu bij ‘%(step)s’.") % {"step": step_title},
                )
            return HttpResponseRedirect(url)
    if request.method == "GET":
        _record_read(request, page="acute", case=case)
    return render(
        request,
        "cases/case_acute.html",
        {
            "case": case,
            "pupil": case.pupil,
            "shortcut": shortcut,
            "form": form,
            "is_acute": shortcut.key == ACUTE,
            "target_title": display.step_title(definition, shortcut.target),
        },
    )
