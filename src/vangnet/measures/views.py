"""The measure pages: proposing a measure, the measure page with its deadlines, checklist
and forms (facts, the decision, the search for another school, the final expulsion,
de-registration, withdrawing), the list of what waits for a decision, and what measures
add to the start page, the pupil page and the ladder case page.

Every write goes through :mod:`vangnet.measures.actions`, whose refusals quote the rule;
the views put them on the fields they name and keep what was typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.forms import Form
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vangnet.core import access
from vangnet.core.audit import Actor, Entry, about_pupil, record, record_many
from vangnet.core.http import AuthedRequest, posted_version
from vangnet.core.models import EventType
from vangnet.core.roles import SCHOOL_WIDE_ROLES, Role
from vangnet.core.submissions import ConflictError, run_once
from vangnet.lib import measures as rules_lib
from vangnet.lib.measure_rules import MeasureRules
from vangnet.measures import actions, display
from vangnet.measures.forms import (
    COUNTED,
    DATED,
    ConfirmForm,
    DecideForm,
    FactsForm,
    ProposeForm,
    SearchForm,
    WithdrawForm,
    posted_dates,
    recordable_groups,
)
from vangnet.measures.models import ExtraRulesPlan, Measure
from vangnet.organisations.calendar import calendar_for, rules_for

if TYPE_CHECKING:
    import datetime as dt

    from vangnet.accounts.models import User
    from vangnet.cases.models import Case
    from vangnet.core.access import Scope
    from vangnet.organisations.models import Pupil

K = Measure.Kind
S = Measure.Status
SHOWN = 50
MEASURE_CHANGED = gettext_lazy(
    "Iemand anders heeft deze maatregel intussen gewijzigd. Er is niets opgeslagen. Hieronder "
    "staan de gegevens zoals ze nu zijn; wat u invulde, staat nog in het formulier. Controleer "
    "het en sla opnieuw op."
)


def measure_url(measure: Measure, anchor: str = "") -> str:
    return reverse("measure_detail", args=[measure.pk]) + (f"#{anchor}" if anchor else "")


def add_errors(form: Form, exc: ValidationError) -> None:
    """An action's refusal on the field it names, otherwise above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def kinds_offered(rules: MeasureRules) -> list[str]:
    """The measures of the school's sector (higher education: the Executive Board's)."""
    if rules.higher_education:
        offered = [
            (K.ACCESS_DENIAL, rules.access_denial_allowed),
            (K.ENROLMENT_END, rules.enrolment_ending_allowed),
        ]
    else:
        offered = [
            (K.TIME_OUT, rules.time_out_allowed),
            (K.SUSPENSION, rules.suspension_allowed),
            (K.EXPULSION, rules.expulsion_allowed),
        ]
    return [str(kind) for kind, allowed in offered if allowed]


def kind_summary(kind: str, rules: MeasureRules) -> str:
    """What a measure is, in one sentence, with the sector's terms."""
    if kind == K.TIME_OUT:
        return _(
            "Na een ernstig incident: de rest van de dag, hoogstens tot het einde van de week "
            "(%(n)d schooldagen). De leerling krijgt elders in school les. Alleen met "
            "toestemming van de directeur."
        ) % {"n": rules.time_out_max_school_days}
    if kind == K.SUSPENSION:
        return _(
            "Hoogstens %(n)d schooldagen. Het bestuur keurt vooraf goed; de ouders krijgen een "
            "aangetekende brief met de redenen en een uitnodiging voor een gesprek."
        ) % {"n": rules.suspension_max_school_days}
    if kind == K.EXPULSION:
        return _(
            "De directeur bereidt voor (onderwijskundig rapport, horen van leerkracht en "
            "ouders); het bestuur besluit en zoekt %(n)d weken naar een andere school."
        ) % {"n": rules.expulsion_search_weeks}
    if kind == K.ACCESS_DENIAL:
        return _(
            "Het College van Bestuur ontzegt de student de toegang tot gebouwen en terreinen, "
            "hoogstens %(n)d maanden, na het horen van de student."
        ) % {"n": rules.access_denial_max_months}
    return _("Het College van Bestuur beëindigt de inschrijving, na het horen van de student.")


def _record_pupil_read(request: AuthedRequest, pupil: Pupil, page: str) -> None:
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.PUPIL_VIEWED,
            **about_pupil(pupil),
            object_type="pupil",
            object_id=str(pupil.pk),
            data={"page": page},
        )


# --- proposing --------------------------------------------------------------------------------


def _period(pupil: Pupil, kind: str, data: Any) -> dict[str, Any] | None:
    """The school days of the period as typed (time-out, suspension), shown after a submit."""
    start, end = posted_dates(data)
    if kind not in COUNTED or start is None or end is None or end < start:
        return None
    days = calendar_for(pupil.school).school_days_between(start, end)
    return {
        "text": ngettext(
            "Van %(start)s tot en met %(end)s: %(n)d schooldag.",
            "Van %(start)s tot en met %(end)s: %(n)d schooldagen.",
            days,
        )
        % {"start": display.day(start), "end": display.day(end), "n": days},
        "days": days,
    }


def _preview(form: ProposeForm, pupil: Pupil, data: Any) -> list[str]:
    """The rules the period as typed would break (the "count" button saves nothing)."""
    start, end = posted_dates(data)
    if form.kind not in DATED or start is None or end is None:
        return []
    refusals = rules_lib.check_period(
        form.kind,
        start,
        end,
        rules=form.rules,
        calendar=calendar_for(pupil.school),
        today=timezone.localdate(),
    )
    return [actions.refusal_text(r) for r in refusals]


@login_required
@require_http_methods(["GET", "POST"])
def measure_propose(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    user = request.user
    pupil = access.access_pupil(user, pupil_id)
    if not access.can_propose_for_pupil(user, pupil):
        raise PermissionDenied
    sector_rules = rules_for(pupil.school)
    offered = kinds_offered(sector_rules)
    kind = request.GET.get("soort", "")
    context: dict[str, Any] = {"pupil": pupil}
    if kind not in offered:
        if request.method == "POST":
            raise Http404
        _record_pupil_read(request, pupil, "measure_choose")
        context["kinds"] = [
            {"kind": k, "label": Measure.Kind(k).label, "summary": kind_summary(k, sector_rules)}
            for k in offered
        ]
        return render(request, "measures/measure_choose.html", context)
    form = ProposeForm(request.POST or None, kind=kind, rules=sector_rules)
    preview: list[str] = []
    if request.method == "POST" and "tellen" in request.POST:
        # count the school days and check the period; nothing is saved, nothing is refused
        initial = {
            name: request.POST.getlist(name) if name == "restrictions" else request.POST.get(name)
            for name in form.fields
        }
        preview = _preview(form, pupil, request.POST)
        form = ProposeForm(initial=initial, kind=kind, rules=sector_rules)
    elif request.method == "POST" and form.is_valid():
        proposal = form.proposal()

        def propose() -> str:
            measure = actions.do_propose(pupil, proposal, actor=Actor.from_request(request))
            return measure_url(measure)

        try:
            url, created = run_once(user, form.cleaned_data["submission_token"], propose)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if created:
                messages.success(
                    request,
                    _("De time-out is voorgesteld. De directeur beslist.")
                    if kind == K.TIME_OUT
                    else _("Het voorstel is opgeslagen. Het bestuur beslist."),
                )
            return HttpResponseRedirect(url)
    if request.method == "GET":
        _record_pupil_read(request, pupil, "measure_propose")
    context |= {
        "kind": kind,
        "kind_label": Measure.Kind(kind).label,
        "summary": kind_summary(kind, sector_rules),
        "form": form,
        "counted": kind in COUNTED,
        "period": _period(pupil, kind, request.POST) if request.method == "POST" else None,
        "preview": preview,
        "higher_education": sector_rules.higher_education,
    }
    return render(request, "measures/measure_propose.html", context)


# --- the measure page -------------------------------------------------------------------------


def _load(user: User, measure_id: object, *, for_write: bool = False) -> Measure:
    measure = access.access_measure(user, measure_id, for_write=for_write)
    measure.case.pupil = measure.pupil  # the events' ids without another query
    measure.pupil.school = measure.school
    return measure


def _decision_blockers(measure: Measure, rules: MeasureRules, today: dt.date) -> list[str]:
    """What stands in the way of approving now, quoting the rule (the action refuses it)."""
    m = measure
    found: list[rules_lib.Refusal] = []
    if m.kind == K.SUSPENSION and m.start is not None:
        found = rules_lib.check_suspension_approval(m.start, today)
    elif m.kind == K.EXPULSION:
        hearings = rules_lib.Hearings(
            teacher_heard=m.teacher_heard_on is not None,
            parents_heard=m.parents_heard_on is not None,
            pupil_heard=m.pupil_heard_on is not None,
            pupil_age=m.pupil.age(today),
            educational_report=bool(m.educational_report.strip()),
        )
        found = rules_lib.check_expulsion_decision(hearings, rules)
    elif m.kind in (K.ACCESS_DENIAL, K.ENROLMENT_END):
        found = rules_lib.check_student_heard(m.student_heard_on is not None)
    return [actions.refusal_text(r) for r in found]


def _letters(user: User, measure: Measure) -> dict[str, Any]:
    """The context of the letters partial (:mod:`vangnet.measures.letters`)."""
    from vangnet.measures import letters

    return {
        "letters": letters.available(measure),
        "documents": letters.documents(measure),
        "can_generate": access.can_work_on_measure(user, measure),
    }


def _detail_context(
    user: User, measure: Measure, bound: dict[str, Form] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    m = measure
    today = timezone.localdate()
    rules = rules_for(m.school)
    can_work = access.can_work_on_measure(user, m)
    can_approve = access.can_approve_measure(user, m)
    attempts = list(m.attempts.select_related("recorded_by")) if m.kind == K.EXPULSION else []
    context: dict[str, Any] = {
        "measure": m,
        "pupil": m.pupil,
        "summary": display.summary(m),
        "deadlines": display.deadlines(m, rules, today),
        "checklist": display.checklist(m, rules, today, attempts=len(attempts)),
        "attempts": attempts,
        "decider": display.decider(m),
        "can_work": can_work,
        "can_approve": can_approve,
        "can_open_pupil": access.can_view_pupil(user, m.pupil),
        "can_read_case": access.visible_cases(user).filter(pk=m.case_id).exists(),
        "facts_forms": [
            bound.get(group) or FactsForm(measure=m, group=group)
            for group in (recordable_groups(m) if can_work else [])
        ],
    }
    decided = m.kind == K.EXPULSION and m.status == S.DECIDED
    if can_approve and m.status == S.PROPOSED:
        context["decide_form"] = bound.get("decide") or DecideForm(measure=m)
        context["blockers"] = _decision_blockers(m, rules, today)
    if can_work and decided:
        context["search_form"] = bound.get("search") or SearchForm()
    if can_approve and decided:
        context["final_form"] = bound.get("final") or ConfirmForm(prefix_id="final")
        context["final_blockers"] = [
            actions.refusal_text(r)
            for r in rules_lib.check_expulsion_final(
                accepted=m.accepted_on is not None,
                search_ends_on=m.search_ends_on,
                attempts=len(attempts),
                today=today,
                rules=rules,
            )
        ]
    if can_work and m.status == S.FINAL:
        context["deregister_form"] = bound.get("deregister") or ConfirmForm(prefix_id="deregister")
        context["deregister_blockers"] = [
            actions.refusal_text(r)
            for r in rules_lib.check_deregistration(m.enrolment_notice_on is not None)
        ]
    if can_work and m.status in (S.PROPOSED, S.APPROVED):
        context["withdraw_form"] = bound.get("withdraw") or WithdrawForm()
    context |= _letters(user, m)
    return context


def _render_detail(
    request: AuthedRequest, measure: Measure, bound: dict[str, Form] | None = None
) -> HttpResponse:
    """The measure page again after a refused form: that form keeps what was typed."""
    fresh = _load(request.user, measure.pk)
    return render(
        request, "measures/measure_detail.html", _detail_context(request.user, fresh, bound)
    )


@login_required
@require_GET
def measure_detail(request: AuthedRequest, measure_id: int) -> HttpResponse:
    user = request.user
    measure = _load(user, measure_id)
    context = _detail_context(user, measure)
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.MEASURE_VIEWED,
            **actions.about_measure(measure),
            data={"page": "measure"},
        )
    return render(request, "measures/measure_detail.html", context)


def _stale(form: Form) -> None:
    form.add_error(None, _("Dit formulier is verouderd. Open de maatregel opnieuw."))


@login_required
@require_POST
def measure_record(request: AuthedRequest, measure_id: int) -> HttpResponse:
    """Record one group of facts with the version the page showed."""
    user = request.user
    measure = _load(user, measure_id, for_write=True)
    group = request.POST.get("group", "")
    if group not in recordable_groups(measure):
        messages.error(request, _("Dit formulier hoort niet (meer) bij deze maatregel."))
        return HttpResponseRedirect(measure_url(measure))
    form = FactsForm(request.POST, measure=measure, group=group)
    version = posted_version(request)
    if not form.is_valid():
        return _render_detail(request, measure, {group: form})
    changes = form.changes()
    if version is None:
        _stale(form)
    elif not changes:
        form.add_error(None, _("Vul ten minste één gegeven in."))
    else:

        def save() -> str:
            actions.do_record(measure, changes, actor=Actor.from_request(request), version=version)
            return measure_url(measure, f"gegevens-{group}")

        try:
            url, created = run_once(user, form.cleaned_data["submission_token"], save)
        except ConflictError:
            form.add_error(None, MEASURE_CHANGED)
            fresh = _load(user, measure.pk)
            form.stored = {n: getattr(fresh, n) for n in form.names}
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if created:
                messages.success(request, _("Vastgelegd: %(what)s.") % {"what": form.title})
            return HttpResponseRedirect(url)
    return _render_detail(request, measure, {group: form})


@login_required
@require_POST
def measure_decide(request: AuthedRequest, measure_id: int) -> HttpResponse:
    user = request.user
    measure = _load(user, measure_id)
    if not access.can_approve_measure(user, measure):
        raise PermissionDenied
    form = DecideForm(request.POST, measure=measure)
    version = posted_version(request)
    if form.is_valid() and version is None:
        _stale(form)
    elif form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        note = form.cleaned_data["note"]

        def decide() -> str:
            actions.do_decide(
                measure,
                approve=approve,
                note=note,
                actor=Actor.from_request(request),
                version=version,
            )
            return measure_url(measure)

        try:
            url, created = run_once(user, form.cleaned_data["submission_token"], decide)
        except ConflictError:
            form.add_error(None, MEASURE_CHANGED)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if created:
                measure.refresh_from_db()
                messages.success(request, _decided_message(measure, approve))
            return HttpResponseRedirect(url)
    return _render_detail(request, measure, {"decide": form})


def _decided_message(measure: Measure, approve: bool) -> str:
    if not approve:
        return _("U hebt het voorstel niet goedgekeurd. De school ziet uw toelichting.")
    if measure.kind == K.EXPULSION:
        return _(
            "Het besluit tot verwijdering is vastgelegd. Er wordt gezocht naar een andere "
            "school tot en met %(day)s."
        ) % {"day": display.day(measure.search_ends_on)}
    return _("Goedgekeurd: %(kind)s. De school kan nu de brief maken.") % {
        "kind": Measure.Kind(measure.kind).label.lower()
    }


@login_required
@require_POST
def measure_search(request: AuthedRequest, measure_id: int) -> HttpResponse:
    user = request.user
    measure = _load(user, measure_id, for_write=True)
    form = SearchForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data

        def add() -> str:
            actions.do_add_search_attempt(
                measure,
                contacted_on=data["contacted_on"],
                school_name=data["school_name"],
                outcome=data["outcome"],
                note=data["note"],
                actor=Actor.from_request(request),
            )
            return measure_url(measure, "zoeken")

        try:
            url, created = run_once(user, data["submission_token"], add)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if created:
                messages.success(request, _("De poging is vastgelegd."))
            return HttpResponseRedirect(url)
    return _render_detail(request, measure, {"search": form})


def _confirmed(
    request: AuthedRequest,
    measure: Measure,
    name: str,
    do: Any,
    done: str,
    **kwargs: Any,
) -> HttpResponse:
    """A one-button action (final expulsion, de-registration, withdrawing), run once."""
    form: Form = (
        WithdrawForm(request.POST)
        if name == "withdraw"
        else ConfirmForm(request.POST, prefix_id=name)
    )
    if form.is_valid():
        extra = {"reason": form.cleaned_data["reason"]} if name == "withdraw" else {}

        def run() -> str:
            do(measure, actor=Actor.from_request(request), **extra, **kwargs)
            return measure_url(measure)

        try:
            url, created = run_once(request.user, form.cleaned_data["submission_token"], run)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if created:
                messages.success(request, done)
            return HttpResponseRedirect(url)
    return _render_detail(request, measure, {name: form})


@login_required
@require_POST
def measure_finalise(request: AuthedRequest, measure_id: int) -> HttpResponse:
    measure = _load(request.user, measure_id)
    if not access.can_approve_measure(request.user, measure):
        raise PermissionDenied
    done = _(
        "De verwijdering is definitief. Na het bericht van inschrijving schrijft de school uit."
    )
    return _confirmed(request, measure, "final", actions.do_finalise_expulsion, done)


@login_required
@require_POST
def measure_deregister(request: AuthedRequest, measure_id: int) -> HttpResponse:
    measure = _load(request.user, measure_id, for_write=True)
    done = _("De leerling is uitgeschreven.")
    return _confirmed(request, measure, "deregister", actions.do_deregister, done)


@login_required
@require_POST
def measure_withdraw(request: AuthedRequest, measure_id: int) -> HttpResponse:
    measure = _load(request.user, measure_id, for_write=True)
    done = _("De maatregel is vervallen. De termijnen ervan zijn afgesloten.")
    return _confirmed(request, measure, "withdraw", actions.do_withdraw, done)


# --- what waits for a decision ----------------------------------------------------------------


def _running(user: User, today: dt.date) -> QuerySet[Measure]:
    """Measures still under way: approved and not yet over (or with an appeal to decide),
    or an expulsion decided and not yet de-registered."""
    return access.visible_measures(user).filter(
        Q(status__in=[S.DECIDED, S.FINAL])
        | Q(status=S.APPROVED, end__gte=today)
        | Q(status=S.APPROVED, appeal_lodged_on__isnull=False, appeal_decided_on__isnull=True)
    )


def _ready_to_finalise(user: User, today: dt.date) -> QuerySet[Measure]:
    """Expulsions the board may now make final: accepted elsewhere, or the search is over."""
    boards = access.scope_of(user).boards(Role.BOARD)
    return access.visible_measures(user).filter(
        Q(accepted_on__isnull=False) | Q(search_ends_on__lt=today),
        kind=K.EXPULSION,
        status=S.DECIDED,
        school__board_id__in=boards,
    )


def _rows(queryset: QuerySet[Measure], today: dt.date) -> tuple[list[Measure], bool]:
    rows = list(
        queryset.select_related("pupil", "school__board").order_by("start", "proposed_at", "id")[
            : SHOWN + 1
        ]
    )
    terms: dict[tuple[int, str], MeasureRules] = {}  # one look-up per board and sector
    for m in rows:
        key = (m.school.board_id, m.school.sector)
        if key not in terms:
            terms[key] = rules_for(m.school)
        m.status_text = display.status_text(m)  # type: ignore[attr-defined]
        m.period_text = display.period_text(m)  # type: ignore[attr-defined]
        upcoming = [d for d in display.deadlines(m, terms[key], today) if not d.done]
        m.next_deadline = upcoming[0] if upcoming else None  # type: ignore[attr-defined]
    return rows[:SHOWN], len(rows) > SHOWN


def _record_listed(request: AuthedRequest, page: str, rows: list[Measure]) -> None:
    """The list names pupils: one read event per listed measure, with its pupil (so the
    pupil's access log shows it), before the page renders."""
    if not rows:
        return
    with transaction.atomic():
        record_many(
            Actor.from_request(request),
            [
                Entry(
                    EventType.MEASURE_VIEWED,
                    board_id=m.school.board_id,
                    school_id=m.school_id,
                    pupil_id=m.pupil_id,
                    object_type="measure",
                    object_id=str(m.pk),
                    data={"page": page},
                )
                for m in rows
            ],
        )


def may_list_measures(scope: Scope) -> bool:
    return bool(scope.schools(Role.TEACHER, *SCHOOL_WIDE_ROLES) or scope.boards(Role.BOARD))


@login_required
@require_GET
def measure_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope = access.scope_of(user)
    if not may_list_measures(scope):
        raise Http404
    today = timezone.localdate()
    waiting, waiting_more = _rows(access.measures_to_decide(user), today)
    final, _more = _rows(_ready_to_finalise(user, today), today)
    running, running_more = _rows(
        _running(user, today).exclude(pk__in=[m.pk for m in waiting + final]), today
    )
    _record_listed(request, "measure_list", waiting + final + running)
    return render(
        request,
        "measures/measure_list.html",
        {
            "waiting": waiting,
            "waiting_more": waiting_more,
            "final": final,
            "running": running,
            "running_more": running_more,
            "is_board": bool(scope.boards(Role.BOARD)),
            "is_director": bool(scope.schools(Role.SAFETY_OFFICER)),
        },
    )


def home_waiting(request: AuthedRequest, scope: Scope) -> dict[str, Any]:
    """The start page's "Wacht op uw besluit" for directors and the board (read event when
    it names a pupil)."""
    if not (scope.schools(Role.SAFETY_OFFICER) or scope.boards(Role.BOARD)):
        return {}
    user = request.user
    today = timezone.localdate()
    waiting, more = _rows(access.measures_to_decide(user), today)
    final, _more = _rows(_ready_to_finalise(user, today), today)
    _record_listed(request, "home", waiting + final)
    return {"measures_waiting": waiting + final, "measures_waiting_more": more}


# --- what the pupil page and the ladder case page show ------------------------------------------


def _offer(user: User, pupil: Pupil, allowed: bool) -> list[dict[str, Any]]:
    if not allowed:
        return []
    return [
        {"kind": k, "label": Measure.Kind(k).label, "url": _propose_url(pupil, k)}
        for k in kinds_offered(rules_for(pupil.school))
    ]


def _propose_url(pupil: Pupil, kind: str) -> str:
    return reverse("measure_propose", args=[pupil.pk]) + f"?soort={kind}"


def _listed(measures: QuerySet[Measure]) -> list[Measure]:
    rows = list(measures.order_by("-proposed_at", "-id"))
    for m in rows:
        m.status_text = display.status_text(m)  # type: ignore[attr-defined]
        m.period_text = display.period_text(m)  # type: ignore[attr-defined]
    return rows


def pupil_measures_context(user: User, pupil: Pupil, has_ladder: bool) -> dict[str, Any]:
    """The pupil page's "Maatregelen": the measures the user may open and, for who may
    propose, the buttons. Without a ladder case (``has_ladder``) there is nothing to list."""
    measures: list[Measure] = []
    plans: list[ExtraRulesPlan] = []
    if has_ladder:
        measures = _listed(access.visible_measures(user).filter(pupil_id=pupil.pk))
        plans = list(access.visible_extra_rules(user).filter(pupil_id=pupil.pk, ended_on=None))
    offer = _offer(user, pupil, access.can_propose_for_pupil(user, pupil))
    return {
        "pupil_measures": measures,
        "pupil_extra_rules": plans,
        "measure_offer": offer,
        "show_measures": bool(measures or plans or offer),
    }


def case_measures_context(user: User, case: Case) -> dict[str, Any]:
    """The ladder case page's "Maatregelen": the case's measures, the buttons to propose
    one, and the temporary extra rules."""
    if case.protocol not in (actions.LADDER, actions.HE_LADDER):
        return {}
    behaviour = case.protocol == actions.LADDER
    open_case = not case.is_closed
    may_propose = open_case and access.can_propose_measure(user, case)
    if not behaviour:  # the Executive Board's measures: only at the case's last step
        may_propose = may_propose and case.current_step == actions.STEP_OF[K.ACCESS_DENIAL]
    from vangnet.measures import letters

    return {
        "ladder": True,
        "case_documents": letters.case_documents(case),
        "case_measures": _listed(access.visible_measures(user).filter(case_id=case.pk)),
        "measure_offer": _offer(user, case.pupil, may_propose),
        "extra_rules": list(access.visible_extra_rules(user).filter(case_id=case.pk))
        if behaviour
        else None,
        "can_add_extra_rules": behaviour and open_case and access.can_work_on_case(user, case),
    }
