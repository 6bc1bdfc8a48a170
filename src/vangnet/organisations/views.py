"""Pupil search and page, schools, boards, the social map and board settings."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vangnet.core import access
from vangnet.core.actions import do_break_glass
from vangnet.core.audit import Actor, about_pupil, record
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType
from vangnet.core.roles import Role
from vangnet.core.submissions import VERSION_CONFLICT, ConflictError, run_once
from vangnet.lib.dates import school_year_of
from vangnet.organisations import actions
from vangnet.organisations.forms import (
    BoardSettingsForm,
    BreakGlassForm,
    PartnerForm,
    PupilSearchForm,
    RoleTitlesForm,
)
from vangnet.organisations.models import Group, GuardianLink, Partner, Pupil, RoleAssignment

SEARCH_LIMIT = 50


def _search(queryset: QuerySet[Pupil], q: str) -> QuerySet[Pupil]:
    for word in q.split()[:4]:
        queryset = queryset.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(name_prefix__icontains=word)
            | Q(student_number__iexact=word)
        )
    return queryset


@login_required
def pupil_search(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope = access.scope_of(user)
    if not scope.has(Role.TEACHER, Role.CARE_COORDINATOR, Role.SAFETY_OFFICER):
        raise Http404  # roles without named pupils (board, privacy officer, adviser, admin)
    form = PupilSearchForm(request.GET or None)
    schools = access.visible_schools(user).filter(
        id__in=scope.schools(Role.TEACHER, Role.CARE_COORDINATOR, Role.SAFETY_OFFICER)
    )
    form.fields["school"].widget.choices = [
        ("", _("Alle scholen")),
        *schools.values_list("id", "name"),
    ]
    q, school_id, group_id = "", None, None
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        school_id = form.cleaned_data["school"]
        group_id = form.cleaned_data["groep"]
    pupils = access.visible_pupils(user).select_related("school", "group")
    if school_id:
        pupils = pupils.filter(school_id=school_id)
    if group_id:
        pupils = pupils.filter(group_id=group_id)
    others: list[Pupil] = []
    if q:
        pupils = _search(pupils, q)
        if scope.has(Role.TEACHER):
            candidates = _search(access.break_glass_candidates(user), q)
            if school_id:
                candidates = candidates.filter(school_id=school_id)
            others = list(
                candidates.exclude(id__in=pupils.values("id")).select_related("school", "group")[
                    :SEARCH_LIMIT
                ]
            )
    elif not school_id and not scope.has(Role.TEACHER):
        # School-wide roles search first; a teacher sees their own groups straight away.
        pupils = pupils.none()
    results = list(pupils.order_by("last_name", "first_name")[:SEARCH_LIMIT])
    if results or others or q or school_id:
        with transaction.atomic():
            record(
                Actor.from_request(request),
                EventType.PUPILS_LISTED,
                board_id=min(scope.all_board_ids) if scope.all_board_ids else None,
                object_type="pupil_search",
                # whether a name was searched, not the name: the log is kept for good
                data={"query": bool(q), "school": school_id, "results": len(results) + len(others)},
            )
    context = {
        "form": form,
        "q": q,
        "results": results,
        "others": others,
        "limit": SEARCH_LIMIT,
        "searched": bool(q or school_id),
        "is_teacher": scope.has(Role.TEACHER),
    }
    if getattr(request, "htmx", False):
        return render(request, "organisations/partials/_pupil_results.html", context)
    return render(request, "organisations/pupil_search.html", context)


@login_required
def pupil_detail(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    user = request.user
    pupil = access.access_pupil(user, pupil_id)
    links = list(
        GuardianLink.objects.filter(pupil=pupil)
        .select_related("guardian")
        .order_by("-parental_authority", "guardian__name")
    )
    teachers = list(pupil.group.teachers.all()) if pupil.group else []
    grant = access.active_break_glass_grant(user, pupil)
    from vangnet.cases.people_views import pupil_cases_context

    cases = pupil_cases_context(user, pupil)  # that cases exist; their content is elsewhere
    # Only the audit write needs the transaction: on SQLite (BEGIN IMMEDIATE) a wider one
    # holds the database's write lock during the reads above and queues every page view.
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.PUPIL_VIEWED,
            **about_pupil(pupil),
            object_type="pupil",
            object_id=str(pupil.pk),
            reason=grant.reason if grant else "",
        )
    from vangnet.concerns.views import dossier_context

    context = {
        **dossier_context(user, pupil),
        **cases,
        "pupil": pupil,
        "links": links,
        "teachers": teachers,
        "grant": grant,
        "age": pupil.age(),
        "can_see_access_log": access.can_see_access_log(user, pupil),
        "can_manage_dossier": access.can_manage_dossier(user, pupil),
    }
    return render(request, "organisations/pupil_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    user = request.user
    pupil = access.access_break_glass(user, pupil_id)
    if access.visible_pupils(user).filter(pk=pupil.pk).exists():
        return HttpResponseRedirect(reverse("pupil_detail", args=[pupil.pk]))
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            url, _created = run_once(
                user,
                form.cleaned_data["submission_token"],
                lambda: _grant(request, pupil, form.cleaned_data["reason"]),
            )
        except ValidationError as exc:
            form.add_error("reason", exc)
        else:
            return HttpResponseRedirect(url or reverse("pupil_detail", args=[pupil.pk]))
    return render(
        request,
        "organisations/break_glass.html",
        {"pupil": pupil, "form": form, "minutes": pupil.school.board.break_glass_minutes},
    )


def _grant(request: AuthedRequest, pupil: Pupil, reason: str) -> str:
    do_break_glass(pupil, reason=reason, actor=Actor.from_request(request))
    return reverse("pupil_detail", args=[pupil.pk])


@login_required
def school_list(request: AuthedRequest) -> HttpResponse:
    schools = (
        access.visible_schools(request.user)
        .select_related("board")
        .annotate(pupil_count=Count("pupils", filter=Q(pupils__left_on__isnull=True)))
        .order_by("board__name", "name")
    )
    return render(request, "organisations/school_list.html", {"schools": schools})


@login_required
def school_detail(request: AuthedRequest, school_id: int) -> HttpResponse:
    user = request.user
    school = access.access_school(user, school_id)
    year = school_year_of(timezone.localdate())
    groups = (
        Group.objects.filter(school=school, school_year=year)
        .annotate(pupil_count=Count("pupils"))
        .prefetch_related("teachers")
        .order_by("name")
    )
    staff = (
        RoleAssignment.objects.filter(school=school)
        .select_related("user", "board")
        .order_by("role", "user__full_name")
    )
    return render(
        request,
        "organisations/school_detail.html",
        {
            "school": school,
            "groups": groups,
            "staff": staff,
            "school_year": year,
            "meldcode_bundle": access.meldcode_bundle_schools(user).filter(pk=school.pk).exists(),
        },
    )


@login_required
def board_detail(request: AuthedRequest, board_id: int) -> HttpResponse:
    user = request.user
    board = access.access_board(user, board_id)
    if not access.can_see_board_overview(user, board):
        raise Http404
    year = school_year_of(timezone.localdate())
    schools = board.schools.annotate(
        pupil_count=Count("pupils", filter=Q(pupils__left_on__isnull=True), distinct=True),
        group_count=Count("groups", filter=Q(groups__school_year=year), distinct=True),
    ).order_by("name")
    board_staff = (
        RoleAssignment.objects.filter(board=board, school__isnull=True)
        .select_related("user")
        .order_by("role", "user__full_name")
    )
    return render(
        request,
        "organisations/board_detail.html",
        {
            "board": board,
            "schools": schools,
            "board_staff": board_staff,
            "can_manage": access.can_manage_board(user, board),
            "meldcode_bundles": access.meldcode_bundle_boards(user).filter(pk=board.pk).exists(),
            "letter_templates": access.can_edit_letter_templates(user, board),
            "totals": {
                "pupils": sum(s.pupil_count for s in schools),
                "groups": sum(s.group_count for s in schools),
            },
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def board_settings(request: AuthedRequest, board_id: int) -> HttpResponse:
    user = request.user
    board = access.access_board(user, board_id, for_write=True)
    form = BoardSettingsForm(
        request.POST or None,
        initial={
            "break_glass_allowed": board.break_glass_allowed,
            "break_glass_minutes": board.break_glass_minutes,
            "version": board.version,
        },
    )
    titles = RoleTitlesForm(board=board, prefix="titles")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run_once(
                user,
                data["submission_token"],
                lambda: _save_settings(request, board, data),
            )
        except ConflictError:
            messages.error(request, VERSION_CONFLICT)
            return HttpResponseRedirect(reverse("board_settings", args=[board.pk]))
        messages.success(request, _("De instellingen zijn opgeslagen."))
        return HttpResponseRedirect(reverse("board_detail", args=[board.pk]))
    return render(
        request,
        "organisations/board_settings.html",
        {"board": board, "form": form, "titles": titles},
    )


def _save_settings(request: AuthedRequest, board: Any, data: dict[str, Any]) -> str:
    actions.do_update_board_settings(
        board,
        break_glass_allowed=data["break_glass_allowed"],
        break_glass_minutes=data["break_glass_minutes"],
        version=data["version"],
        actor=Actor.from_request(request),
    )
    return reverse("board_detail", args=[board.pk])


@login_required
@require_http_methods(["GET", "POST"])
def role_titles(request: AuthedRequest, board_id: int) -> HttpResponse:
    user = request.user
    board = access.access_board(user, board_id, for_write=True)
    form = RoleTitlesForm(request.POST or None, board=board, prefix="titles")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run_once(
            user,
            data["submission_token"],
            lambda: _save_titles(request, board, data),
        )
        messages.success(request, _("De functienamen zijn opgeslagen."))
        return HttpResponseRedirect(reverse("board_detail", args=[board.pk]))
    settings_form = BoardSettingsForm(
        initial={
            "break_glass_allowed": board.break_glass_allowed,
            "break_glass_minutes": board.break_glass_minutes,
            "version": board.version,
        }
    )
    return render(
        request,
        "organisations/board_settings.html",
        {"board": board, "form": settings_form, "titles": form},
    )


def _save_titles(request: AuthedRequest, board: Any, data: dict[str, Any]) -> str:
    actions.do_set_role_titles(
        board, {r.value: data.get(r.value, "") for r in Role}, actor=Actor.from_request(request)
    )
    return reverse("board_detail", args=[board.pk])


# --- social map -------------------------------------------------------------------------------


@login_required
def partner_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    partners = access.visible_partners(user).select_related("board")
    boards = list(access.visible_boards(user))
    editable = {b.pk for b in boards if access.can_edit_partners(user, b)}
    return render(
        request,
        "organisations/partner_list.html",
        {"partners": partners, "editable_boards": editable, "boards": boards},
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_create(request: AuthedRequest, board_id: int) -> HttpResponse:
    user = request.user
    board = access.access_board(user, board_id)
    if not access.can_edit_partners(user, board):
        raise PermissionDenied
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> str:
            actions.do_create_partner(board, data, actor=Actor.from_request(request))
            return reverse("partner_list")

        url, created = run_once(user, data["submission_token"], create)
        if created:
            messages.success(request, _("De partner is toegevoegd aan de sociale kaart."))
        return HttpResponseRedirect(url or reverse("partner_list"))
    return render(request, "organisations/partner_form.html", {"form": form, "board": board})


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request: AuthedRequest, partner_id: int) -> HttpResponse:
    user = request.user
    partner: Partner = access.access_partner(user, partner_id, for_write=True)
    # A ModelForm writes cleaned values onto its instance; give it a copy so that
    # `partner` keeps showing what is stored.
    form = PartnerForm(request.POST or None, instance=copy.copy(partner))
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_update_partner(
                partner, data, version=data.get("version") or 0, actor=Actor.from_request(request)
            )
        except ConflictError:
            # Keep what the user typed, show what is stored now, and let them decide.
            conflict = partner
            conflict.refresh_from_db()
            posted = request.POST.copy()
            posted["version"] = str(conflict.version)
            form = PartnerForm(posted, instance=copy.copy(conflict))
            form.is_valid()
            form.add_error(None, VERSION_CONFLICT)
        else:
            messages.success(request, _("De wijziging is opgeslagen."))
            return HttpResponseRedirect(reverse("partner_list"))
    return render(
        request,
        "organisations/partner_form.html",
        {"form": form, "board": partner.board, "partner": partner, "conflict": conflict},
    )


@login_required
@require_http_methods(["POST"])
def partner_delete(request: AuthedRequest, partner_id: int) -> HttpResponse:
    user = request.user
    partner = access.access_partner(user, partner_id, for_write=True)
    actions.do_delete_partner(partner, actor=Actor.from_request(request))
    messages.success(
        request, _("%(name)s is van de sociale kaart verwijderd.") % {"name": partner.organisation}
    )
    return HttpResponseRedirect(reverse("partner_list"))
