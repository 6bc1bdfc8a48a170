"""Changing a care-meeting series after it was made: its name, rhythm, time and place (and
its first date while none of its meetings has been held), its members, and stopping it or
starting it again.

Only the series' organisers — the school's care coordinator and director — come here:
:func:`vangnet.core.access.access_meeting_series` with ``for_write=True`` gives 404 to who
does not see the series and 403 to a member who does not organise it; a member id of
another series is 404. Every change is an action of :mod:`vangnet.meetings.actions` with
its ``MEETING_CHANGED`` event; every form carries a one-time token, so a double submit
changes once. The series page itself (:func:`vangnet.meetings.views.meeting_series_detail`)
links here and carries the stop and start button.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vangnet.core import access
from vangnet.core.audit import Actor
from vangnet.core.http import AuthedRequest
from vangnet.core.submissions import VERSION_CONFLICT, ConflictError, run_once
from vangnet.meetings import series_actions
from vangnet.meetings.forms import (
    MemberAddForm,
    MemberEditForm,
    MemberRemoveForm,
    SeriesActiveForm,
    SeriesEditForm,
)
from vangnet.meetings.models import MeetingMember, MeetingSeries


def _series_url(series: MeetingSeries, anchor: str = "") -> str:
    url = reverse("meeting_series_detail", args=[series.pk])
    return url + (f"#{anchor}" if anchor else "")


def _member_url(series: MeetingSeries, member: MeetingMember) -> str:
    return reverse("meeting_member_edit", args=[series.pk, member.pk])


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    """An action's ValidationError on the form field it names (else above the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.error_dict.items():
        for error in errors:
            form.add_error(name if name in form.fields else None, error.messages)


def _member_of(series: MeetingSeries, member_id: object) -> MeetingMember | None:
    try:
        return series.members.select_related("user").filter(pk=int(str(member_id))).first()
    except (ValueError, OverflowError):
        return None


# --- the series' own fields -----------------------------------------------------------------


def _initial(series: MeetingSeries) -> dict[str, object]:
    return {
        "title": series.title,
        "recurrence": series.recurrence,
        "first_on": series.first_on,
        "starts_at": series.starts_at,
        "place": series.place,
        "version": series.version,
    }


@login_required
@require_http_methods(["GET", "POST"])
def meeting_series_edit(request: AuthedRequest, series_id: int) -> HttpResponse:
    user = request.user
    series = access.access_meeting_series(user, series_id, for_write=True)
    fixed = series_actions.has_been_held(series)
    posted = request.POST if request.method == "POST" else None
    form = SeriesEditForm(posted, initial=_initial(series), first_fixed=fixed)
    conflict: MeetingSeries | None = None
    if posted is not None and form.is_valid():
        data = form.cleaned_data

        def save() -> str:
            series_actions.do_update_series(
                series,
                title=data["title"],
                recurrence=data["recurrence"],
                first_on=data["first_on"],
                starts_at=data["starts_at"],
                place=data.get("place") or "",
                actor=Actor.from_request(request),
                version=data.get("version") or 0,
            )
            return _series_url(series)

        try:
            url, created = run_once(user, data["submission_token"], save)
        except ConflictError:
            # Someone changed the series meanwhile: keep what was typed, show what is
            # stored now, and let a new submit replace that version.
            conflict = access.access_meeting_series(user, series.pk, for_write=True)
            again = posted.copy()
            again["version"] = str(conflict.version)
            fixed = series_actions.has_been_held(conflict)
            form = SeriesEditForm(again, initial=_initial(conflict), first_fixed=fixed)
            form.is_valid()
            form.add_error(None, VERSION_CONFLICT)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if created:
                messages.success(request, _("De wijzigingen in het overleg zijn opgeslagen."))
            return HttpResponseRedirect(url)
    return render(
        request,
        "meetings/series_edit.html",
        {"series": series, "form": form, "conflict": conflict, "first_fixed": fixed},
    )


# --- members --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_member_add(request: AuthedRequest, series_id: int) -> HttpResponse:
    user = request.user
    series = access.access_meeting_series(user, series_id, for_write=True)
    colleagues = list(access.colleagues_for_school(series.school))
    taking_part = set(series.members.exclude(user=None).values_list("user_id", flat=True))
    form = MemberAddForm(
        request.POST if request.method == "POST" else None,
        colleagues=colleagues,
        taking_part=taking_part,
    )
    if request.method == "POST" and form.is_valid():

        def add() -> str:
            series_actions.do_add_member(series, form.member(), actor=Actor.from_request(request))
            return _series_url(series, "h-members")

        try:
            url, created = run_once(user, form.cleaned_data["submission_token"], add)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if created:
                messages.success(request, _("De deelnemer is aan het overleg toegevoegd."))
            return HttpResponseRedirect(url)
    return render(
        request, "meetings/member_form.html", {"series": series, "form": form, "member": None}
    )


def _member_page(
    request: AuthedRequest,
    series: MeetingSeries,
    member: MeetingMember,
    form: MemberEditForm | None = None,
) -> HttpResponse:
    if form is None:
        form = MemberEditForm(
            initial={"role_title": member.role_title, "own_team": member.own_team}
        )
    return render(
        request,
        "meetings/member_form.html",
        {
            "series": series,
            "member": member,
            "form": form,
            "remove_form": MemberRemoveForm(auto_id=False),  # ids unique on the page
            "only_member": series.members.count() <= 1,
        },
    )


def _remove_member(
    request: AuthedRequest, series: MeetingSeries, member: MeetingMember | None
) -> HttpResponse:
    form = MemberRemoveForm(request.POST)
    if not form.is_valid():
        if member is None:
            raise Http404
        messages.error(request, _("Dit formulier is verouderd. Probeer het opnieuw."))
        return HttpResponseRedirect(_member_url(series, member))

    def remove() -> str:
        if member is None:  # not of this series (or gone before this form was sent)
            raise Http404
        series_actions.do_remove_member(member, actor=Actor.from_request(request))
        return _series_url(series, "h-members")

    try:
        # a repeated submit answers like the first, even though the member is gone
        url, created = run_once(request.user, form.cleaned_data["submission_token"], remove)
    except ValidationError as exc:
        assert member is not None
        messages.error(request, " ".join(exc.messages))
        return _member_page(request, series, member)
    if created:
        messages.success(request, _("De deelnemer is uit het overleg gehaald."))
    return HttpResponseRedirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_member_edit(request: AuthedRequest, series_id: int, member_id: int) -> HttpResponse:
    """GET: the member's form. POST: change the role title and "own team", or, with
    ``remove``, take the member out of the series."""
    user = request.user
    series = access.access_meeting_series(user, series_id, for_write=True)
    member = _member_of(series, member_id)
    if request.method == "POST" and "remove" in request.POST:
        return _remove_member(request, series, member)
    if member is None:
        raise Http404
    if request.method == "GET":
        return _member_page(request, series, member)
    form = MemberEditForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data

        def save() -> str:
            series_actions.do_update_member(
                member,
                role_title=data["role_title"],
                own_team=data["own_team"],
                actor=Actor.from_request(request),
            )
            return _series_url(series, "h-members")

        try:
            url, created = run_once(user, data["submission_token"], save)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if created:
                messages.success(request, _("De gegevens van de deelnemer zijn opgeslagen."))
            return HttpResponseRedirect(url)
    return _member_page(request, series, member, form)


# --- stopping and starting again ------------------------------------------------------------


@login_required
@require_POST
def meeting_series_active(request: AuthedRequest, series_id: int) -> HttpResponse:
    series = access.access_meeting_series(request.user, series_id, for_write=True)
    back = _series_url(series)
    form = SeriesActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Dit formulier is verouderd. Probeer het opnieuw."))
        return HttpResponseRedirect(back)
    active: bool = form.cleaned_data["active"]

    def change() -> str:
        series_actions.do_set_series_active(
            series, active=active, actor=Actor.from_request(request)
        )
        return back

    url, created = run_once(request.user, form.cleaned_data["submission_token"], change)
    if created:
        messages.success(
            request,
            _("Het overleg loopt weer. Plan hieronder de volgende data.")
            if active
            else _(
                "Het overleg is gestopt. Er worden geen nieuwe data meer gepland; wat al "
                "gepland was, blijft staan."
            ),
        )
    return HttpResponseRedirect(url)
