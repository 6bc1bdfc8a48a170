"""Temporary extra rules (*aanvullende omgangsregels*) on a behaviour-ladder case: agreeing
them, the plan with its evaluations and the next evaluation date, and evaluating.

Access goes through the case: its readers see the plan; those who work on the case agree
and evaluate the rules (:func:`vangnet.core.access.access_extra_rules`). The actions write
the audit events of changes; the plan page records its own read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vangnet.cases.actions import about_case
from vangnet.cases.models import Case
from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType
from vangnet.core.submissions import run_once
from vangnet.measures import actions
from vangnet.measures.forms import EvaluationForm, PlanForm
from vangnet.measures.models import ExtraRulesPlan
from vangnet.measures.views import add_errors
from vangnet.organisations.calendar import rules_for

RULE_LABELS = dict(ExtraRulesPlan.RULES)


def plan_url(plan: ExtraRulesPlan) -> str:
    return reverse("extra_rules_detail", args=[plan.pk])


def rule_labels(keys: list[str]) -> list[str]:
    return [str(RULE_LABELS.get(k, k)) for k in keys]


def _record_read(
    request: AuthedRequest, case: Case, page: str, plan: ExtraRulesPlan | None
) -> None:
    """A page with the pupil's name and the rules is a read, committed before it renders."""
    with transaction.atomic():
        if plan is None:
            record(
                Actor.from_request(request),
                EventType.CASE_VIEWED,
                **about_case(case),
                data={"page": page},
            )
        else:
            record(
                Actor.from_request(request),
                EventType.MEASURE_VIEWED,
                **{**about_case(case), "object_type": "extra_rules", "object_id": str(plan.pk)},
                data={"page": page},
            )


def _ladder_case(request: AuthedRequest, case_id: int) -> Case:
    user = request.user
    case = access.access_case(user, case_id)
    if case.protocol != actions.LADDER:
        raise Http404
    if not access.can_work_on_case(user, case):
        raise PermissionDenied
    return case


@login_required
@require_http_methods(["GET", "POST"])
def extra_rules_create(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = _ladder_case(request, case_id)
    if case.is_closed:
        messages.info(request, _("Dit traject is afgesloten; er kunnen geen regels bij."))
        return HttpResponseRedirect(reverse("case_detail", args=[case.pk]))
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> str:
            plan = actions.do_create_plan(
                case,
                chosen=list(data["rules"]),
                rules_note=data["rules_note"],
                extra_teacher=data["extra_teacher"],
                starts_on=data["starts_on"],
                parents_note=data["parents_note"],
                actor=Actor.from_request(request),
            )
            return plan_url(plan)

        try:
            url, created = run_once(request.user, data["submission_token"], create)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if created:
                messages.success(
                    request,
                    _(
                        "De aanvullende omgangsregels zijn vastgelegd. De eerste evaluatie "
                        "staat gepland."
                    ),
                )
            return HttpResponseRedirect(url)
    if request.method == "GET":
        _record_read(request, case, "extra_rules_create", None)
    rules = rules_for(case.school)
    return render(
        request,
        "measures/extra_rules_form.html",
        {
            "case": case,
            "pupil": case.pupil,
            "form": form,
            "first_days": rules.extra_rules_first_evaluation_days,
            "interval_months": rules.extra_rules_evaluation_interval_months,
        },
    )


def _plan_context(request: AuthedRequest, plan: ExtraRulesPlan) -> dict[str, Any]:
    case = plan.case
    evaluations = list(plan.evaluations.select_related("recorded_by").order_by("-held_on", "-id"))
    for evaluation in evaluations:
        evaluation.rule_labels = rule_labels(evaluation.rules)  # type: ignore[attr-defined]
    return {
        "plan": plan,
        "case": case,
        "pupil": case.pupil,
        "rules": rule_labels(plan.rules),
        "evaluations": evaluations,
        "can_evaluate": plan.ended_on is None
        and not case.is_closed
        and access.can_work_on_case(request.user, case),
    }


@login_required
@require_GET
def extra_rules_detail(request: AuthedRequest, plan_id: int) -> HttpResponse:
    plan = access.access_extra_rules(request.user, plan_id)
    context = _plan_context(request, plan)
    _record_read(request, plan.case, "extra_rules", plan)
    return render(request, "measures/extra_rules_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def extra_rules_evaluate(request: AuthedRequest, plan_id: int) -> HttpResponse:
    plan = access.access_extra_rules(request.user, plan_id, for_write=True)
    if plan.ended_on is not None or plan.case.is_closed:
        messages.info(request, _("Deze regels gelden niet meer; er valt niets te evalueren."))
        return HttpResponseRedirect(plan_url(plan))
    form = EvaluationForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def evaluate() -> str:
            actions.do_evaluate_plan(
                plan,
                held_on=data["held_on"],
                participants=data["participants"],
                findings=data["findings"],
                changes=data["changes"],
                chosen=list(data["rules"]),
                continues=data["continues"],
                actor=Actor.from_request(request),
            )
            return plan_url(plan)

        try:
            url, created = run_once(request.user, data["submission_token"], evaluate)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if created:
                messages.success(
                    request,
                    _("De evaluatie is vastgelegd.")
                    if data["continues"]
                    else _("De evaluatie is vastgelegd. De regels gelden niet meer."),
                )
            return HttpResponseRedirect(url)
    if request.method == "GET":
        _record_read(request, plan.case, "extra_rules_evaluate", plan)
    return render(
        request,
        "measures/extra_rules_evaluate.html",
        {**_plan_context(request, plan), "form": form},
    )
