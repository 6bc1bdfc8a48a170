"""The sharing pages (decision framework 2, docs/domain.md module 5): asking to share
information about a student outside the institution on the weighed or the acute route, the
request page with the Executive Board's decision, "the information was shared" and "the
written confirmation arrived", the board's list, and what sharing adds to the case page and
the start page.

Every write goes through :mod:`vangnet.sharing.actions`, which refuses what the rules
forbid (:class:`~vangnet.sharing.actions.SharingRefused`, quoting the rule); the views put
the refusals on the form and keep what was typed. Nothing is marked as shared without the
Executive Board's recorded approval.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vangnet.cases.actions import about_case
from vangnet.core import access
from vangnet.core.audit import Actor, Entry, record, record_many
from vangnet.core.http import AuthedRequest, posted_version
from vangnet.core.models import EventType
from vangnet.core.roles import Role
from vangnet.core.submissions import ConflictError, run_once
from vangnet.lib import sharing as rules
from vangnet.sharing import actions
from vangnet.sharing.actions import SharingRefused, about_request, refusal_text
from vangnet.sharing.forms import (
    ACUTE_HINT,
    AcuteForm,
    ConfirmForm,
    DecideForm,
    ShareForm,
    WeighedForm,
)
from vangnet.sharing.models import SharingRequest

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from vangnet.accounts.models import User
    from vangnet.cases.models import Case
    from vangnet.core.access import Scope

S = SharingRequest.Status
SHOWN = 50
REQUEST_CHANGED = gettext_lazy(
    "Iemand anders heeft dit verzoek intussen gewijzigd. Er is niets opgeslagen. Hieronder "
    "staat hoe het er nu voor staat."
)
STALE = gettext_lazy("Dit formulier is verouderd. Open het verzoek opnieuw.")


def request_url(sharing: SharingRequest, anchor: str = "") -> str:
    return reverse("sharing_request_detail", args=[sharing.pk]) + (f"#{anchor}" if anchor else "")


def add_errors(form: Form, exc: ValidationError) -> None:
    """An action's refusal on the field it names, otherwise above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _day(value: Any) -> str:
    return date_format(value, "j F Y") if value else ""


# --- asking to share ----------------------------------------------------------------------------


def _case_for_sharing(user: User, case_id: int) -> Case:
    """A concerning-behaviour case the user works on (others: 404, readers: 403)."""
    case = access.access_case(user, case_id, for_write=True)
    if case.protocol != actions.HE_PROTOCOL:
        raise Http404
    return case


def _record_case_read(request: AuthedRequest, case: Case, page: str) -> None:
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.CASE_VIEWED,
            **about_case(case),
            data={"page": page},
        )


def _created_message(sharing: SharingRequest) -> str:
    if sharing.status == S.APPROVED:
        text = _(
            "De instemming van het College van Bestuur is vastgelegd. U mag de informatie nu "
            "delen; leg daarna vast dat ze gedeeld is."
        )
        if sharing.confirmation_due:
            text += " " + _(
                "Leg de schriftelijke bevestiging van het College vast zodra die binnen is, "
                "uiterlijk %(day)s."
            ) % {"day": _day(sharing.confirmation_due)}
        return text
    if sharing.route == rules.ACUTE:
        return _(
            "Het verzoek staat klaar voor het College van Bestuur. Bel bij acuut gevaar het "
            "College en leg de instemming vast zodra die er is."
        )
    return _(
        "Het verzoek staat klaar voor het College van Bestuur. Pas na de instemming van het "
        "College mag de informatie naar buiten."
    )


@login_required
@require_http_methods(["GET", "POST"])
def sharing_request_create(request: AuthedRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = _case_for_sharing(user, case_id)
    if case.is_closed:
        messages.info(request, _("Dit traject is afgesloten; er kan niets meer bij."))
        return HttpResponseRedirect(reverse("case_detail", args=[case.pk]))
    route = request.GET.get("route", "")
    context: dict[str, Any] = {
        "case": case,
        "pupil": case.pupil,
        "board_title": case.school.board.role_title(Role.BOARD),
        "can_manage_consent": access.can_manage_consent(user, case.pupil),
    }
    if route not in rules.ROUTES:
        if request.method == "POST":
            raise Http404
        _record_case_read(request, case, "sharing_choose")
        return render(request, "sharing/request_choose.html", context)
    partners = access.visible_partners(user).filter(board_id=case.school.board_id)
    form: WeighedForm | AcuteForm
    if route == rules.WEIGHED:
        form = WeighedForm(request.POST or None, partners=partners)
    else:
        form = AcuteForm(
            request.POST or None,
            partners=partners,
            board_members=access.sharing_boards_users(case.school),
        )
    if request.method == "POST" and form.is_valid():
        data = form.sharing_input()
        made: list[SharingRequest] = []

        def create() -> str:
            sharing = actions.do_request(case, data, actor=Actor.from_request(request))
            made.append(sharing)
            return request_url(sharing)

        try:
            url, created = run_once(user, form.cleaned_data["submission_token"], create)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if created:
                messages.success(request, _created_message(made[0]))
            return HttpResponseRedirect(url)
    if request.method == "GET":
        _record_case_read(request, case, f"sharing_{route}")
    context |= {
        "route": route,
        "route_label": SharingRequest.Route(route).label,
        "form": form,
        "acute_hint": ACUTE_HINT,
        "has_partners": partners.exists(),
    }
    return render(request, "sharing/request_form.html", context)


# --- the request page ---------------------------------------------------------------------------


def _load(user: User, request_id: object) -> SharingRequest:
    sharing = access.access_sharing_request(user, request_id)
    sharing.case.pupil = sharing.pupil  # the events' ids without another query
    sharing.pupil.school = sharing.school
    return sharing


def _answers(sharing: SharingRequest) -> list[dict[str, Any]]:
    if sharing.route != rules.WEIGHED:
        return []
    shown = {rules.YES: _("Ja"), rules.NO: _("Nee")}
    return [
        {
            "number": number,
            "text": _(text),
            "answer": shown.get(sharing.answers.get(key, ""), "—"),
            "no": sharing.answers.get(key) != rules.YES,
            "rationale": sharing.rationales.get(key, ""),
        }
        for number, (key, text) in enumerate(rules.QUESTIONS, 1)
    ]


def _detail_context(
    user: User, sharing: SharingRequest, bound: dict[str, Form] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    can_work = access.can_work_on_case(user, sharing.case)
    can_approve = access.can_approve_sharing(user, sharing)
    framework = rules.framework_refusal(sharing.route, sharing.answers)
    blocked = rules.share_refusal(sharing.route, sharing.answers, sharing.status)
    grounds = dict(rules.ACUTE_GROUNDS)
    context: dict[str, Any] = {
        "sharing": sharing,
        "case": sharing.case,
        "pupil": sharing.pupil,
        "board_title": sharing.school.board.role_title(Role.BOARD),
        "answers": _answers(sharing),
        "grounds": [_(grounds[k]) for k in sharing.acute_grounds if k in grounds],
        "framework_refusal": refusal_text(framework) if framework else "",
        "share_blocker": refusal_text(blocked)
        if blocked is not None and sharing.status != S.SHARED
        else "",
        "can_work": can_work,
        "can_approve": can_approve,
        "can_read_case": access.visible_cases(user).filter(pk=sharing.case_id).exists(),
        "can_open_pupil": access.can_view_pupil(user, sharing.pupil),
    }
    if can_approve and (sharing.status == S.AWAITING or "decide" in bound):
        context["decide_form"] = bound.get("decide") or DecideForm()
    if can_work and (blocked is None or "share" in bound):
        context["share_form"] = bound.get("share") or ShareForm()
    if can_work and ((sharing.confirmation_due and not sharing.confirmed_on) or "confirm" in bound):
        context["confirm_form"] = bound.get("confirm") or ConfirmForm()
    return context


def _render_detail(
    request: AuthedRequest, sharing: SharingRequest, bound: dict[str, Form]
) -> HttpResponse:
    """The request page again after a refused form: that form keeps what was typed."""
    fresh = _load(request.user, sharing.pk)
    return render(
        request, "sharing/request_detail.html", _detail_context(request.user, fresh, bound)
    )


@login_required
@require_GET
def sharing_request_detail(request: AuthedRequest, request_id: int) -> HttpResponse:
    user = request.user
    sharing = _load(user, request_id)
    context = _detail_context(user, sharing)
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.SHARING_VIEWED,
            **about_request(sharing),
            data={"page": "sharing_request"},
        )
    return render(request, "sharing/request_detail.html", context)


@login_required
@require_POST
def sharing_request_decide(request: AuthedRequest, request_id: int) -> HttpResponse:
    """The Executive Board approves or refuses (board role only; others who see it: 403)."""
    user = request.user
    sharing = _load(user, request_id)
    if not access.can_approve_sharing(user, sharing):
        raise PermissionDenied
    form = DecideForm(request.POST)
    version = posted_version(request)
    if form.is_valid() and version is None:
        form.add_error(None, STALE)
    elif form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        note = form.cleaned_data["note"]

        def decide() -> str:
            actions.do_decide(
                sharing,
                approve=approve,
                note=note,
                actor=Actor.from_request(request),
                version=version,
            )
            return request_url(sharing)

        try:
            url, created = run_once(user, form.cleaned_data["submission_token"], decide)
        except ConflictError:
            form.add_error(None, REQUEST_CHANGED)
        except SharingRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if created:
                messages.success(
                    request,
                    _("Het College stemt in. De aanvrager kan de informatie nu delen.")
                    if approve
                    else _("Het College stemt niet in. De aanvrager leest uw toelichting."),
                )
            return HttpResponseRedirect(url)
    return _render_detail(request, sharing, {"decide": form})


@login_required
@require_POST
def sharing_request_share(request: AuthedRequest, request_id: int) -> HttpResponse:
    """ "Informatie is gedeeld": only an approved request whose weighing allows it."""
    user = request.user
    sharing = _load(user, request_id)
    if not access.can_work_on_case(user, sharing.case):
        raise PermissionDenied
    form = ShareForm(request.POST)
    if form.is_valid():
        shared_on = form.day()

        def share() -> str:
            actions.do_share(
                sharing,
                shared_on=shared_on,
                actor=Actor.from_request(request),
                version=posted_version(request),
            )
            return request_url(sharing)

        try:
            url, created = run_once(user, form.cleaned_data["submission_token"], share)
        except ConflictError:
            form.add_error(None, REQUEST_CHANGED)
        except SharingRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if created:
                messages.success(
                    request,
                    _(
                        "Vastgelegd: de informatie is gedeeld met %(partner)s. De uitwisseling "
                        "staat in het register, met de grondslag."
                    )
                    % {"partner": sharing.recipient.organisation},
                )
            return HttpResponseRedirect(url)
    return _render_detail(request, sharing, {"share": form})


@login_required
@require_POST
def sharing_request_confirm(request: AuthedRequest, request_id: int) -> HttpResponse:
    """The Executive Board's written confirmation of a consent given by phone arrived."""
    user = request.user
    sharing = _load(user, request_id)
    if not access.can_work_on_case(user, sharing.case):
        raise PermissionDenied
    form = ConfirmForm(request.POST)
    if form.is_valid():
        confirmed_on = form.day()

        def confirm() -> str:
            actions.do_confirm(
                sharing, confirmed_on=confirmed_on, actor=Actor.from_request(request)
            )
            return request_url(sharing)

        try:
            url, created = run_once(user, form.cleaned_data["submission_token"], confirm)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if created:
                messages.success(request, _("De schriftelijke bevestiging is vastgelegd."))
            return HttpResponseRedirect(url)
    return _render_detail(request, sharing, {"confirm": form})


# --- the Executive Board's list and the start page ----------------------------------------------


def _board_requests(user: User, scope: Scope) -> QuerySet[SharingRequest]:
    return access.visible_sharing_requests(user).filter(
        school__board_id__in=scope.boards(Role.BOARD)
    )


def _rows(queryset: QuerySet[SharingRequest]) -> tuple[list[SharingRequest], bool]:
    rows = list(queryset.select_related("pupil", "school", "recipient", "decided_by")[: SHOWN + 1])
    return rows[:SHOWN], len(rows) > SHOWN


def _record_listed(request: AuthedRequest, page: str, rows: list[SharingRequest]) -> None:
    """The list names students: one read event per listed request, with its student (so
    the student's access log shows it), before the page renders."""
    if not rows:
        return
    with transaction.atomic():
        record_many(
            Actor.from_request(request),
            [
                Entry(
                    EventType.SHARING_VIEWED,
                    board_id=r.school.board_id,
                    school_id=r.school_id,
                    pupil_id=r.pupil_id,
                    object_type="sharing_request",
                    object_id=str(r.pk),
                    data={"page": page},
                )
                for r in rows
            ],
        )


@login_required
@require_GET
def sharing_request_list(request: AuthedRequest) -> HttpResponse:
    """The Executive Board's list: what waits for its decision, and what it decided."""
    user = request.user
    scope = access.scope_of(user)
    if not scope.boards(Role.BOARD):
        raise Http404
    requests = _board_requests(user, scope)
    waiting, waiting_more = _rows(requests.filter(status=S.AWAITING).order_by("requested_at", "id"))
    decided, decided_more = _rows(
        requests.exclude(status=S.AWAITING).order_by("-decided_at", "-requested_at", "-id")
    )
    _record_listed(request, "sharing_list", waiting + decided)
    return render(
        request,
        "sharing/request_list.html",
        {
            "waiting": waiting,
            "waiting_more": waiting_more,
            "decided": decided,
            "decided_more": decided_more,
        },
    )


def _shares_outside(user: User) -> bool:
    """Whether one of the user's schools follows the concerning-behaviour ladder."""
    from vangnet.cases import protocols

    sectors = protocols.current(actions.HE_PROTOCOL).sectors
    return access.visible_schools(user).filter(sector__in=sectors).exists()


def home_waiting(request: AuthedRequest, scope: Scope) -> dict[str, Any]:
    """The start page's "Wacht op het College van Bestuur" for board members whose
    institution shares outside (a read event when it names students)."""
    if not scope.boards(Role.BOARD):
        return {}
    user = request.user
    requests = _board_requests(user, scope)
    waiting, more = _rows(requests.filter(status=S.AWAITING).order_by("requested_at", "id"))
    if not waiting and not _shares_outside(user):
        return {}
    _record_listed(request, "home", waiting)
    return {"sharing_waiting": waiting, "sharing_waiting_more": more}


# --- what the case page shows -------------------------------------------------------------------


def case_sharing_context(user: User, case: Case) -> dict[str, Any]:
    """The concerning-behaviour case page's "Delen buiten de instelling": the case's
    requests and, for who works on the case, the button to ask."""
    if case.protocol != actions.HE_PROTOCOL:
        return {}
    return {
        "sharing_section": True,
        "sharing_requests": list(
            access.visible_sharing_requests(user)
            .filter(case_id=case.pk)
            .select_related("recipient", "decided_by")
        ),
        "can_request_sharing": not case.is_closed and access.can_request_sharing(user, case),
    }
