"""Staff and their roles, for the board's administrator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vangnet.core import access
from vangnet.core.audit import Actor
from vangnet.core.http import AuthedRequest
from vangnet.core.submissions import run_once
from vangnet.organisations import actions
from vangnet.organisations.forms import RoleAssignmentForm
from vangnet.organisations.models import RoleAssignment


@login_required
@require_http_methods(["GET", "POST"])
def staff(request: AuthedRequest, board_id: int) -> HttpResponse:
    board = access.access_board(request.user, board_id, for_write=True)
    form = RoleAssignmentForm(request.POST or None, board=board, acting_email=request.user.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        school = board.schools.filter(pk=data["school"]).first() if data["school"] else None

        def assign() -> str:
            actions.do_assign_role(
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                board=board,
                school=school,
                actor=Actor.from_request(request),
            )
            return reverse("staff", args=[board.pk])

        url, created = run_once(request.user, data["submission_token"], assign)
        if created:
            messages.success(request, _("De rol is toegekend."))
        return HttpResponseRedirect(url or reverse("staff", args=[board.pk]))
    assignments = (
        RoleAssignment.objects.filter(board=board)
        .select_related("user", "school")
        .order_by("user__full_name", "role")
    )
    return render(
        request,
        "organisations/staff.html",
        {"board": board, "form": form, "assignments": assignments},
    )


@login_required
@require_http_methods(["POST"])
def revoke_role(request: AuthedRequest, board_id: int, assignment_id: int) -> HttpResponse:
    board = access.access_board(request.user, board_id, for_write=True)
    assignment = (
        RoleAssignment.objects.filter(board=board, pk=assignment_id)
        .select_related("user", "school")
        .first()
    )
    if assignment is None:
        raise Http404
    try:
        actions.do_revoke_role(assignment, actor=Actor.from_request(request))
    except actions.LastAdministratorError:
        messages.error(
            request,
            _("Dit is de laatste beheerder van het bestuur. Wijs eerst een andere beheerder aan."),
        )
    else:
        messages.success(
            request,
            _("%(name)s is niet langer %(role)s.")
            % {"name": assignment.user.full_name, "role": board.role_title(assignment.role)},
        )
    return HttpResponseRedirect(reverse("staff", args=[board.pk]))
