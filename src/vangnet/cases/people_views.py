"""Who is in a case, what colleagues are asked to do, and the pupil page's "Zorgtrajecten".

Access (the rules live in :mod:`vangnet.core.access`, section "care cases"):

* the pupil page shows that a case exists (protocol, state, start, owner) to whoever may
  open the pupil, and links to the case only for those who may read its content;
* the members page: readers of the case (404 for anybody else); adding and removing
  colleagues: the case's owners and the school's director (403 for other readers);
* asking a colleague to do something: those who work on the case (403 for other readers);
* marking a task done: only tasks on the user's own list (404 for any other task).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vangnet.accounts.models import User
from vangnet.cases import actions, protocols
from vangnet.cases.models import Case, CaseMember, CaseTask
from vangnet.cases.people_forms import (
    MemberForm,
    PromoteForm,
    TaskDoneForm,
    TaskRequestForm,
    add_errors,
)
from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType
from vangnet.core.roles import SCHOOL_WIDE_ROLES, Role
from vangnet.core.submissions import run_once
from vangnet.organisations.models import Pupil, RoleAssignment, RoleTitle

MY_TASKS_PAGE = 100


# --- shared helpers ---------------------------------------------------------------------------


def protocol_title(case: Case) -> str:
    try:
        return str(case.definition.title)
    except KeyError:  # a definition that is no longer registered: still name the case
        return case.protocol


def step_title(case: Case, key: str) -> str:
    if not key:
        return ""
    try:
        return str(case.definition.step(key).title)
    except KeyError:
        return key


def _record_case_read(request: AuthedRequest, case: Case, page: str) -> None:
    """A page that shows a case (or its pupil's name with it) is a read."""
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.CASE_VIEWED,
            **actions.about_case(case),
            data={"page": page},
        )


def _safe_next(request: AuthedRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _can_complete(task: CaseTask) -> bool:
    """A step's term is met by completing the step, not by ticking it off."""
    return task.done_at is None and task.kind != CaseTask.Kind.TERM


# --- the pupil page -----------------------------------------------------------------------------


def pupil_cases_context(user: User, pupil: Pupil) -> dict[str, Any]:
    """The pupil page's "Zorgtrajecten": which cases exist, what the user is asked to do,
    and whether they may start one. At most three queries, whatever the number of cases."""
    readable = access.visible_cases(user).filter(pk=OuterRef("pk"))
    owners = Prefetch(
        "members",
        queryset=CaseMember.objects.filter(kind=CaseMember.Kind.OWNER)
        .select_related("user")
        .order_by("added_at", "id"),
        to_attr="owners",
    )
    cases = list(
        access.cases_known_for_pupil(user, pupil)
        .annotate(readable=Exists(readable))
        .prefetch_related(owners)
        .order_by("-opened_at", "-id")
    )
    tasks: list[CaseTask] = []
    if cases:  # a task belongs to a case: without cases there is nothing to ask
        titles = {}
        for case in cases:
            case.protocol_title = protocol_title(case)  # type: ignore[attr-defined]
            titles[case.pk] = case.protocol_title  # type: ignore[attr-defined]
        tasks = list(
            access.visible_case_tasks(user)
            .filter(case__pupil=pupil, assignee_id=user.pk, done_at__isnull=True)
            .order_by("due_on", "id")
        )
        for task in tasks:
            task.protocol_title = titles.get(task.case_id, "")  # type: ignore[attr-defined]
    startable = any(
        access.can_start_case(user, pupil, protocols.current(key).starters)
        for key in protocols.keys()  # noqa: SIM118 (a function of the registry)
    )
    from vangnet.measures.views import pupil_measures_context

    ladders = ("behaviour", "he_concern")  # the cases that hold measures
    measures = pupil_measures_context(user, pupil, any(c.protocol in ladders for c in cases))
    return {
        "pupil_cases": cases,
        "pupil_case_tasks": tasks,
        "case_content_hidden": any(not c.readable for c in cases),
        "can_start_case": startable,
        **measures,
    }


# --- the case's task list (included on the case page) -----------------------------------------


def case_tasks_context(user: User, case: Case) -> dict[str, Any]:
    """Context for ``cases/partials/_case_tasks.html`` (the partial also uses ``case``):
    ``case_tasks`` (open, by due date), ``case_tasks_done`` (newest first) and
    ``can_request_task``. One query for the tasks plus the membership check."""
    mine = access.visible_case_tasks(user).filter(pk=OuterRef("pk"))
    tasks = list(
        case.tasks.select_related("assignee", "done_by")
        .annotate(on_my_list=Exists(mine))
        .order_by("due_on", "id")
    )
    for task in tasks:
        task.step_title = step_title(case, task.step)  # type: ignore[attr-defined]
        task.can_complete = task.on_my_list and _can_complete(task)  # type: ignore[attr-defined]
    done = sorted(
        (t for t in tasks if t.done_at is not None),
        key=lambda t: t.done_at or t.created_at,
        reverse=True,
    )
    return {
        "case_tasks": [t for t in tasks if t.done_at is None],
        "case_tasks_done": done,
        "can_request_task": access.can_work_on_case(user, case) and not case.is_closed,
    }


# --- members ------------------------------------------------------------------------------------


def _role_titles(case: Case, user_ids: set[int]) -> dict[int, list[str]]:
    """user id -> their role titles at the case's school (the board's own names)."""
    titles = dict(
        RoleTitle.objects.filter(board_id=case.school.board_id).values_list("role", "title")
    )
    result: dict[int, list[str]] = {}
    rows = RoleAssignment.objects.filter(
        school_id=case.school_id,
        user_id__in=user_ids,
        role__in=[Role.TEACHER, *SCHOOL_WIDE_ROLES],
    ).values_list("user_id", "role")
    for user_id, role in rows:
        result.setdefault(user_id, []).append(titles.get(role) or str(Role(role).label))
    return {k: sorted(v) for k, v in result.items()}


class _People:
    """Who is in a case and who could be added, with their role titles (three queries)."""

    def __init__(self, case: Case, *, can_manage: bool) -> None:
        self.members = list(
            case.members.select_related("user").order_by("-kind", "user__full_name", "id")
        )
        self.member_user_ids = {m.user_id for m in self.members}
        self.colleagues = list(access.colleagues_for_case(case)) if can_manage else []
        titles = _role_titles(case, self.member_user_ids | {u.pk for u in self.colleagues})
        for member in self.members:
            member.role_titles = titles.get(member.user_id, [])  # type: ignore[attr-defined]
        self.choices = [
            (u.pk, f"{u.full_name} ({', '.join(titles.get(u.pk, []))})")
            for u in self.colleagues
            if u.pk not in self.member_user_ids
        ]


def _members_page(
    request: AuthedRequest, case: Case, people: _People, form: MemberForm | None = None
) -> HttpResponse:
    user = request.user
    can_manage = access.can_manage_case_members(user, case)
    if can_manage:
        for member in people.members:
            if member.kind == CaseMember.Kind.MEMBER:
                member.promote_form = PromoteForm(  # type: ignore[attr-defined]
                    initial={"member": member.pk}, member_ids=[member.pk]
                )
        if form is None:
            form = MemberForm(colleagues=people.choices)
    takeover = None
    if can_manage and any(pk == user.pk for pk, _label in people.choices):
        # the director takes the case over: adds themselves as owner in one click
        takeover = MemberForm(colleagues=people.choices)
    _record_case_read(request, case, "members")
    return render(
        request,
        "cases/people_members.html",
        {
            "case": case,
            "pupil": case.pupil,
            "protocol_title": protocol_title(case),
            "members": people.members,
            "owner_count": sum(1 for m in people.members if m.kind == CaseMember.Kind.OWNER),
            "can_manage": can_manage,
            "form": form,
            "takeover": takeover,
            "can_request_task": access.can_work_on_case(user, case) and not case.is_closed,
            "may_see_pupil": access.can_view_pupil(user, case.pupil),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_members(request: AuthedRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = access.access_case(user, case_id)
    if request.method == "GET":
        can_manage = access.can_manage_case_members(user, case)
        return _members_page(request, case, _People(case, can_manage=can_manage))
    if not access.can_manage_case_members(user, case):
        raise PermissionDenied
    actor = Actor.from_request(request)
    url = reverse("case_members", args=[case.pk])
    if request.POST.get("action") == "promote":
        non_owners = list(case.members.filter(kind=CaseMember.Kind.MEMBER).select_related("user"))
        promote = PromoteForm(request.POST, member_ids=[m.pk for m in non_owners])
        if not promote.is_valid():
            messages.error(request, _("Deze collega is niet (meer) bij het traject betrokken."))
            return HttpResponseRedirect(url)
        member = next(m for m in non_owners if m.pk == promote.cleaned_data["member"])

        def make_owner() -> str:
            actions.do_add_member(case, member.user, kind=CaseMember.Kind.OWNER, actor=actor)
            return url

        try:
            run_once(user, promote.cleaned_data["submission_token"], make_owner)
        except ValidationError as exc:  # e.g. the colleague no longer works at the school
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(url)
        messages.success(
            request, _("%(name)s is nu eigenaar van het traject.") % {"name": member.user.full_name}
        )
        return HttpResponseRedirect(url)
    people = _People(case, can_manage=True)
    form = MemberForm(request.POST, colleagues=people.choices)
    if form.is_valid():
        data = form.cleaned_data
        colleague = next(u for u in people.colleagues if u.pk == data["user"])

        def add() -> str:
            actions.do_add_member(case, colleague, kind=data["kind"], actor=actor)
            return url

        try:
            run_once(user, data["submission_token"], add)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if data["kind"] == CaseMember.Kind.OWNER:
                text = _("%(name)s is toegevoegd als eigenaar.")
            else:
                text = _("%(name)s is toegevoegd en kan het traject nu lezen.")
            messages.success(request, text % {"name": colleague.full_name})
            return HttpResponseRedirect(url)
    return _members_page(request, case, people, form)


@login_required
@require_POST
def case_member_remove(request: AuthedRequest, case_id: int, member_id: int) -> HttpResponse:
    user = request.user
    case = access.access_case(user, case_id)
    if not access.can_manage_case_members(user, case):
        raise PermissionDenied
    url = reverse("case_members", args=[case.pk])
    member = case.members.select_related("user").filter(pk=member_id).first()
    if member is None:
        if CaseMember.objects.filter(pk=member_id).exists():
            raise Http404  # someone in another case: not to be touched from here
        # a second click on "verwijderen" (or a stale page): the membership is gone
        messages.info(request, _("Deze collega was al verwijderd."))
        return HttpResponseRedirect(url)
    try:
        actions.do_remove_member(case, member, actor=Actor.from_request(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(url)
    messages.success(
        request,
        _("%(name)s is niet meer bij het traject betrokken.") % {"name": member.user.full_name},
    )
    if not access.visible_cases(user).filter(pk=case.pk).exists():
        # the user took themselves off the case and can no longer read it
        if access.can_view_pupil(user, case.pupil):
            return HttpResponseRedirect(reverse("pupil_detail", args=[case.pupil_id]))
        return HttpResponseRedirect(reverse("home"))
    return HttpResponseRedirect(url)


# --- asking colleagues and ticking tasks off ------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_task_request(request: AuthedRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = access.access_case(user, case_id, for_write=True)
    people = {u.pk: u for u in access.colleagues_for_case(case) if u.pk != user.pk}
    choices = [(pk, u.full_name) for pk, u in people.items()]
    form = TaskRequestForm(request.POST or None, colleagues=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assignee = people[data["assignee"]]

        def ask() -> str:
            actions.do_request_task(
                case, assignee, data["title"], data["due_on"], actor=Actor.from_request(request)
            )
            return reverse("case_detail", args=[case.pk]) + "#taken"

        try:
            url, _created = run_once(user, data["submission_token"], ask)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Je verzoek staat nu op de takenlijst van %(name)s.")
                % {"name": assignee.full_name},
            )
            return HttpResponseRedirect(url)
    _record_case_read(request, case, "task_request")
    return render(
        request,
        "cases/people_task_request.html",
        {
            "case": case,
            "pupil": case.pupil,
            "protocol_title": protocol_title(case),
            "form": form,
            "may_see_pupil": access.can_view_pupil(user, case.pupil),
            "on_request_page": True,
            **case_tasks_context(user, case),
        },
    )


@login_required
@require_POST
def case_task_done(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = access.access_case_task(request.user, task_id)
    target = _safe_next(request, reverse("my_tasks"))
    form = TaskDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form["note"].errors))
        return HttpResponseRedirect(target)
    if task.done_at is not None:
        messages.info(request, _("Deze taak was al afgerond."))
        return HttpResponseRedirect(target)
    if task.kind == CaseTask.Kind.TERM:
        messages.error(
            request,
            _("Een termijn van een stap is gehaald zodra de stap is afgerond; vink hem niet af."),
        )
        return HttpResponseRedirect(target)
    actions.do_complete_task(
        task, note=form.cleaned_data["note"], actor=Actor.from_request(request)
    )
    messages.success(request, _("Gedaan: “%(title)s”.") % {"title": task.title})
    return HttpResponseRedirect(target)


@login_required
@require_GET
def my_tasks(request: AuthedRequest) -> HttpResponse:
    """The user's open tasks across cases, by due date; the case's content only for those
    who may read it."""
    user = request.user
    readable = access.visible_cases(user).filter(pk=OuterRef("case_id"))
    tasks = (
        access.visible_case_tasks(user)
        .filter(done_at__isnull=True)
        .select_related("case__pupil__school", "assignee")
        .annotate(readable=Exists(readable))
        .order_by("due_on", "id")
    )
    page = Paginator(tasks, MY_TASKS_PAGE).get_page(request.GET.get("pagina"))
    rows = list(page.object_list)
    for task in rows:
        task.protocol_title = protocol_title(task.case)
        task.step_title = step_title(task.case, task.step)
        task.may_see_pupil = access.can_view_pupil(user, task.case.pupil)
        task.can_complete = _can_complete(task)
    if rows:
        scope = access.scope_of(user)
        with transaction.atomic():
            record(
                Actor.from_request(request),
                EventType.CASES_LISTED,
                board_id=min(scope.all_board_ids) if scope.all_board_ids else None,
                object_type="case_tasks",
                data={"page": "my_tasks", "pagina": page.number, "results": len(rows)},
            )
    return render(request, "cases/people_my_tasks.html", {"tasks": rows, "page": page})
