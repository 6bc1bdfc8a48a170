"""Pages of the care meeting (*zorgoverleg*): the overview, a series with its members and
dates, the meeting with its agenda and minutes, the minutes of one item, a case's request
for the meeting and a consent for naming a pupil. The two downloads of the minutes are in
:mod:`vangnet.meetings.export`.

Access (:mod:`vangnet.core.access`, "care meetings"):

* organisers — the school's care coordinator and director — see every series and meeting
  of their school, plan dates, build the agenda, keep the minutes, choose to name a pupil
  (only with a consent for naming on record) and export with names;
* a member with an account sees the meetings of their series read-only, always
  pseudonymised, without links to the cases behind the items (those stay need-to-know);
  they may download the pseudonymised minutes, the same text they see;
* everybody else gets 404; a member who tries to change something 403.

Every page that shows an agenda records its read (``MEETING_VIEWED``, one event for the
meeting and one per case item with its pupil) before it is rendered; every export its
``MEETING_EXPORTED`` events before the bytes leave the server. The views call the actions
of :mod:`vangnet.meetings.actions` and never decide what is allowed themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vangnet.accounts.models import User
from vangnet.cases.actions import about_case
from vangnet.core import access
from vangnet.core.audit import Actor, Entry, about_pupil, record, record_many
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType
from vangnet.core.roles import Role
from vangnet.core.submissions import VERSION_CONFLICT, ConflictError, run_once
from vangnet.lib import consent as consent_rules
from vangnet.lib.pseudonymise import Pseudonymiser
from vangnet.meetings import actions, agenda, export
from vangnet.meetings.actions import about_meeting
from vangnet.meetings.agenda import ItemView
from vangnet.meetings.forms import (
    MORE_ROWS,
    CloseForm,
    ItemForm,
    MinutesForm,
    NamingConsentForm,
    PlanForm,
    RequestForm,
    SeriesActiveForm,
    SeriesForm,
    initial_from_post,
    rows_in,
)
from vangnet.meetings.models import AgendaItem, CareMeeting, MeetingSeries
from vangnet.organisations.models import School

UPCOMING = 3  # next dates shown per series on the overview
HELD_SHOWN = 6  # earlier meetings shown per series on the overview
PLAN_AHEAD = 8  # dates of a series offered for planning


def _actor(request: AuthedRequest) -> Actor:
    return Actor.from_request(request)


def _add_errors(
    form: forms.Form, exc: ValidationError, rename: dict[str, str] | None = None
) -> None:
    """An action's ValidationError on the form field it names (else above the form)."""
    rename = rename or {}
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = rename.get(name, name)
            for error in errors:
                form.add_error(target if target in form.fields else None, error.messages)
    else:
        form.add_error(None, exc.messages)


def _meeting_url(meeting: CareMeeting | int, *, names: bool = False, anchor: str = "") -> str:
    pk = meeting if isinstance(meeting, int) else meeting.pk
    url = reverse("care_meeting_detail", args=[pk])
    if names:
        url += "?" + urlencode({"namen": "1"})
    return url + (f"#{anchor}" if anchor else "")


def _names_asked(request: AuthedRequest) -> bool:
    """The organiser asked for the view with names (a query or a posted field)."""
    return (request.POST.get("namen") or request.GET.get("namen")) == "1"


def _pseudonymised(request: AuthedRequest, meeting: CareMeeting, organiser: bool) -> bool:
    """Members: always. Organisers: the meeting's default (pseudonymised when anyone from
    outside the school's own care team attends), unless they ask for names (``namen=1``)
    or for none (``namen=0``)."""
    if not organiser:
        return True
    choice = request.POST.get("namen") or request.GET.get("namen")
    if choice == "1":
        return False
    if choice == "0":
        return True
    return agenda.default_pseudonymised(meeting)


def _read_entries(
    meeting: CareMeeting, views: list[ItemView], pseudonymised: bool, page: str
) -> list[Entry]:
    """One event for the meeting and one per case item, with its pupil (for the pupil's
    access log)."""
    base = about_meeting(meeting)
    entries = [
        Entry(
            EventType.MEETING_VIEWED,
            **base,
            data={"page": page, "pseudonymised": pseudonymised, "items": len(views)},
        )
    ]
    for view in views:
        case = view.item.case
        if case is not None:
            entries.append(
                Entry(
                    EventType.MEETING_VIEWED,
                    **base,
                    pupil_id=case.pupil_id,
                    data={"page": page, "item": view.item.pk, "named": view.named},
                )
            )
    return entries


# --- the overview ---------------------------------------------------------------------------


@dataclass
class SeriesRow:
    series: MeetingSeries
    organiser: bool
    next_dates: list[dt.date]
    planned: list[CareMeeting]
    held: list[CareMeeting]


@login_required
@require_GET
def meeting_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    organised = access.meeting_schools(user)
    every = list(
        access.visible_meeting_series(user)
        .select_related("school")
        .order_by("school__name", "title", "pk")
    )
    series = [s for s in every if s.active]
    meetings = (
        access.visible_care_meetings(user)
        .filter(series__in=[s.pk for s in series])
        .annotate(n_items=Count("items"))
        .order_by("held_on", "pk")
    )
    by_series: dict[int, list[CareMeeting]] = {}
    for meeting in meetings:
        by_series.setdefault(meeting.series_id, []).append(meeting)
    rows = []
    for s in series:
        mine = by_series.get(s.pk, [])
        planned = [m for m in mine if m.held_on >= today and m.closed_at is None]
        planned_ids = {m.pk for m in planned}
        held = [m for m in reversed(mine) if m.pk not in planned_ids][:HELD_SHOWN]
        taken = {m.held_on for m in mine}
        upcoming = [d for d in actions.next_dates(s, today, UPCOMING + len(mine)) if d not in taken]
        rows.append(SeriesRow(s, s.school_id in organised, upcoming[:UPCOMING], planned, held))
    schools = list(access.visible_schools(user).filter(pk__in=organised).order_by("name"))
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "rows": rows,
            "stopped": [s for s in every if not s.active],
            "schools": schools,
            "organiser": bool(organised),
        },
    )


# --- a series -------------------------------------------------------------------------------


def _organiser_schools(user: User) -> QuerySet[School]:
    return access.visible_schools(user).filter(pk__in=access.meeting_schools(user))


def _pick_school(request: AuthedRequest) -> School | None:
    """The school of ``?school=`` the user organises meetings for; None when they must
    choose; 404 when they organise none (or name another school)."""
    schools = _organiser_schools(request.user).select_related("board")
    raw = request.GET.get("school", "")
    if raw:
        if not raw.isdigit() or len(raw) > 12:
            raise Http404
        school = schools.filter(pk=int(raw)).first()
        if school is None:
            raise Http404
        return school
    options = list(schools.order_by("name")[:2])
    if not options:
        raise Http404
    return options[0] if len(options) == 1 else None


def _first_member(user: User, school: School, colleagues: list[User]) -> dict[str, Any]:
    """The organiser as the first member, with the board's title for their role."""
    if user not in colleagues:
        return {}
    scope = access.scope_of(user)
    role = (
        Role.CARE_COORDINATOR
        if school.pk in scope.schools(Role.CARE_COORDINATOR)
        else Role.SAFETY_OFFICER
    )
    return {"m0_user": user.pk, "m0_role": school.board.role_title(role), "m0_own_team": True}


def _series_errors(
    form: SeriesForm, exc: ValidationError, members: list[actions.MemberInput], rows: list[int]
) -> None:
    """The action names a member by its place in the list it was given: back to its row."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.error_dict.items():
        if key.startswith("member_"):
            k = int(key.removeprefix("member_"))
            field = "role" if not members[k].role_title.strip() else "user"
            for error in errors:
                form.add_error(f"m{rows[k]}_{field}", error.messages)
        else:
            for error in errors:
                form.add_error(key if key in form.fields else None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_series_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    school = _pick_school(request)
    if school is None:
        schools = _organiser_schools(user).order_by("name")
        return render(request, "meetings/series_school.html", {"schools": schools})
    colleagues = list(access.colleagues_for_school(school))
    bound = False
    if request.method == "POST":
        rows = rows_in(request.POST, "member_rows")
        if "more_members" in request.POST:
            form = SeriesForm(
                initial=initial_from_post(request.POST),
                rows=rows + MORE_ROWS,
                colleagues=colleagues,
            )
        else:
            form, bound = SeriesForm(request.POST, rows=rows, colleagues=colleagues), True
    else:
        form = SeriesForm(initial=_first_member(user, school, colleagues), colleagues=colleagues)
    if bound and form.is_valid():
        members, member_rows = form.members()
        data = form.cleaned_data

        def create() -> str:
            series = actions.do_create_series(
                school,
                title=data["title"],
                recurrence=data["recurrence"],
                first_on=data["first_on"],
                starts_at=data["starts_at"],
                place=data.get("place") or "",
                members=members,
                actor=_actor(request),
            )
            return reverse("meeting_series_detail", args=[series.pk])

        try:
            url, created = run_once(user, data["submission_token"], create)
        except ValidationError as exc:
            _series_errors(form, exc, members, member_rows)
        else:
            if created:
                messages.success(
                    request, _("Het overleg is aangemaakt. Plan hieronder de eerste data.")
                )
            return HttpResponseRedirect(url)
    return render(request, "meetings/series_form.html", {"form": form, "school": school})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_series_detail(request: AuthedRequest, series_id: int) -> HttpResponse:
    user = request.user
    series = access.access_meeting_series(user, series_id, for_write=request.method == "POST")
    organiser = access.can_organise_meetings(user, series.school)
    today = timezone.localdate()
    meetings = list(
        access.visible_care_meetings(user)
        .filter(series=series)
        .annotate(n_items=Count("items"))
        .order_by("-held_on", "-pk")
    )
    taken = {m.held_on for m in meetings}
    ahead = actions.next_dates(series, today, PLAN_AHEAD)
    form = (
        PlanForm(request.POST if request.method == "POST" else None, dates=ahead)
        if organiser
        else None
    )
    if request.method == "POST" and form is not None and form.is_valid():
        chosen = form.chosen()
        try:
            with transaction.atomic():  # all dates or none
                for day in chosen:
                    actions.do_plan_meeting(series, day, actor=_actor(request))
        except ValidationError as exc:
            _add_errors(form, exc, {"held_on": "other"})
        else:
            messages.success(
                request,
                ngettext(
                    "Het overleg is ingepland.",
                    "%(n)d overleggen zijn ingepland.",
                    len(chosen),
                )
                % {"n": len(chosen)},
            )
            return HttpResponseRedirect(reverse("meeting_series_detail", args=[series.pk]))
    posted = set(request.POST.getlist("dates")) if request.method == "POST" else set()
    return render(
        request,
        "meetings/series_detail.html",
        {
            "series": series,
            "organiser": organiser,
            "members": list(series.members.select_related("user")),
            "planned": [m for m in meetings if m.held_on >= today and m.closed_at is None],
            "held": [m for m in meetings if m.held_on < today or m.closed_at is not None],
            "form": form,
            "open_dates": [(d, d.isoformat() in posted) for d in ahead if d not in taken][:4],
            "active_form": SeriesActiveForm(initial={"active": "0" if series.active else "1"})
            if organiser
            else None,
        },
    )


# --- the meeting ----------------------------------------------------------------------------


@dataclass
class ItemRow:
    view: ItemView
    facts: list[tuple[str, str]]
    categories: list[tuple[str, int]]
    is_case: bool
    marked_named: bool  # the organiser marked it to be discussed by name
    case_url: str = ""  # organisers who may open the case
    consent_url: str = ""  # organisers: record a consent for naming the item's pupil


def _rows(
    user: User,
    meeting: CareMeeting,
    views: list[ItemView],
    organiser: bool,
    names: Pseudonymiser | None,
) -> list[ItemRow]:
    readable: set[int] = set()
    if organiser:
        case_ids = [v.item.case_id for v in views if v.item.case_id]
        readable = set(
            access.visible_cases(user).filter(pk__in=case_ids).values_list("pk", flat=True)
        )
    rows = []
    for view in views:
        facts, categories = export.figures(view, names)
        case = view.item.case
        row = ItemRow(view, facts, categories, case is not None, view.item.named)
        if organiser and case is not None:
            if case.pk in readable:
                row.case_url = reverse("case_detail", args=[case.pk])
            if not view.may_name and access.can_manage_consent(user, case.pupil):
                query = urlencode({"overleg": meeting.pk, "onderwerp": view.item.pk})
                row.consent_url = (
                    reverse("naming_consent_create", args=[case.pupil_id]) + "?" + query
                )
        rows.append(row)
    return rows


def _meeting_page(
    request: AuthedRequest,
    meeting: CareMeeting,
    *,
    item_form: ItemForm | None = None,
) -> HttpResponse:
    """The meeting page; its read events commit before it is rendered."""
    user = request.user
    series = meeting.series
    organiser = access.can_organise_meetings(user, series.school)
    asked = _pseudonymised(request, meeting, organiser)
    shown, views = agenda.view(meeting, pseudonymised=asked, reader=user)
    names = export.header_cleaner(meeting, shown)
    closed = meeting.closed_at is not None
    context: dict[str, Any] = {
        "meeting": meeting,
        "series": series,
        "school": series.school,
        "title": export.clean(series.title, names),
        "place": export.clean(series.place, names),
        "attendees": export.attendees(meeting, names),
        "organiser": organiser,
        "pseudonymised": shown,
        "default_pseudonymised": agenda.default_pseudonymised(meeting),
        "names": organiser and not shown,
        "rows": _rows(user, meeting, views, organiser, names),
        "closed": closed,
    }
    if organiser and not closed:
        context |= {
            "item_form": item_form or ItemForm(),
            "close_form": CloseForm(),
            "without_decision": sum(1 for v in views if not v.item.decision),
        }
    with transaction.atomic():
        record_many(_actor(request), _read_entries(meeting, views, shown, "meeting"))
    return render(request, "meetings/meeting_detail.html", context)


@login_required
@require_GET
def care_meeting_detail(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access.access_care_meeting(request.user, meeting_id)
    return _meeting_page(request, meeting)


@login_required
@require_POST
def care_meeting_build(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access.access_care_meeting(request.user, meeting_id, for_write=True)
    try:
        added = actions.do_build_agenda(meeting, actor=_actor(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if added:
            messages.success(
                request,
                ngettext(
                    "Eén onderwerp op de agenda gezet.",
                    "%(n)d onderwerpen op de agenda gezet.",
                    len(added),
                )
                % {"n": len(added)},
            )
        else:
            messages.info(request, _("Er was niets nieuws voor de agenda."))
    return HttpResponseRedirect(_meeting_url(meeting, names=_names_asked(request)))


@login_required
@require_POST
def care_meeting_item_add(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access.access_care_meeting(request.user, meeting_id, for_write=True)
    form = ItemForm(request.POST)
    if meeting.closed_at is not None:
        messages.error(request, _("Het verslag van dit overleg is al afgesloten."))
        return HttpResponseRedirect(_meeting_url(meeting))
    if form.is_valid():

        def create() -> str:
            item = actions.do_add_item(
                meeting, title=form.cleaned_data["title"], actor=_actor(request)
            )
            return _meeting_url(meeting, names=_names_asked(request), anchor=f"onderwerp-{item.pk}")

        try:
            url, created = run_once(request.user, form.cleaned_data["submission_token"], create)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if created:
                messages.success(request, _("Het onderwerp staat op de agenda."))
            return HttpResponseRedirect(url)
    return _meeting_page(request, meeting, item_form=form)


def _item_of(meeting: CareMeeting, item_id: object) -> AgendaItem:
    try:
        item = meeting.items.filter(pk=int(str(item_id))).first()
    except (ValueError, OverflowError):
        raise Http404 from None
    if item is None:
        raise Http404
    return item


@login_required
@require_POST
def care_meeting_item_named(request: AuthedRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = access.access_care_meeting(request.user, meeting_id, for_write=True)
    item = _item_of(meeting, item_id)
    named = request.POST.get("named") == "1"
    try:
        actions.do_set_named(item, named=named, actor=_actor(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "Dit onderwerp wordt met naam besproken. De naam staat alleen in de weergave "
                "en het verslag met namen."
            )
            if named
            else _("Dit onderwerp wordt zonder naam besproken."),
        )
    return HttpResponseRedirect(
        _meeting_url(meeting, names=_names_asked(request), anchor=f"onderwerp-{item.pk}")
    )


@login_required
@require_POST
def care_meeting_close(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access.access_care_meeting(request.user, meeting_id, for_write=True)
    back = _meeting_url(meeting, names=_names_asked(request))
    if meeting.closed_at is not None:
        messages.info(request, _("Het verslag was al afgesloten."))
        return HttpResponseRedirect(back)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Dit formulier is verouderd. Probeer het opnieuw."))
        return HttpResponseRedirect(back)

    def close() -> str:
        actions.do_close_minutes(meeting, actor=_actor(request))
        return back

    try:
        url, created = run_once(request.user, form.cleaned_data["submission_token"], close)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(back)
    if created:
        messages.success(request, _("Het verslag is afgesloten. Het kan nu worden gedownload."))
    return HttpResponseRedirect(url)


# --- the minutes of one item ----------------------------------------------------------------


def _action_errors(form: MinutesForm, exc: ValidationError, rows: list[int]) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.error_dict.items():
        target: str | None = key if key in form.fields else None
        if key.startswith("action_"):
            target = f"a{rows[int(key.removeprefix('action_'))]}_what"
        for error in errors:
            form.add_error(target, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def care_meeting_item(request: AuthedRequest, meeting_id: int, item_id: int) -> HttpResponse:
    user = request.user
    meeting = access.access_care_meeting(user, meeting_id, for_write=True)
    item = _item_of(meeting, item_id)
    asked = _pseudonymised(request, meeting, True)
    shown, views = agenda.view(meeting, pseudonymised=asked, reader=user)
    view = next(v for v in views if v.item.pk == item.pk)
    colleagues = list(access.colleagues_for_school(meeting.series.school))
    closed = meeting.closed_at is not None
    back = _meeting_url(meeting, names=not shown, anchor=f"onderwerp-{item.pk}")
    form: MinutesForm | None = None
    bound = False
    if request.method == "POST":
        rows = rows_in(request.POST, "action_rows")
        if "more_actions" in request.POST:
            form = MinutesForm(
                initial=initial_from_post(request.POST),
                rows=rows + MORE_ROWS,
                colleagues=colleagues,
            )
        else:
            form, bound = MinutesForm(request.POST, rows=rows, colleagues=colleagues), True
    elif not closed:
        initial = {
            "analysis": view.analysis,
            "risk": view.risk,
            "decision": view.decision,
            "version": view.item.version,
        }
        form = MinutesForm(initial=initial, colleagues=colleagues)
    if bound and form is not None and form.is_valid():
        data = form.cleaned_data
        inputs, action_rows = form.actions()

        def save() -> str:
            actions.do_save_minutes(
                item,
                analysis=data["analysis"],
                risk=data["risk"],
                decision=data["decision"],
                actions=inputs,
                actor=_actor(request),
                version=data.get("version"),
            )
            return back

        try:
            url, created = run_once(user, data["submission_token"], save)
        except ConflictError:
            # Someone saved these minutes meanwhile: keep what was typed, show the stored
            # minutes above it, and let a new submit replace that version.
            posted = request.POST.copy()
            posted["version"] = str(AgendaItem.objects.get(pk=item.pk).version)
            form = MinutesForm(posted, rows=form.rows, colleagues=colleagues)
            form.is_valid()
            form.add_error(None, VERSION_CONFLICT)
        except ValidationError as exc:
            _action_errors(form, exc, action_rows)
        else:
            if created:
                n = len(inputs)
                done = _("Het verslag van dit onderwerp is opgeslagen.")
                if n:
                    done += " " + ngettext(
                        "Eén actie is als taak klaargezet.",
                        "%(n)d acties zijn als taak klaargezet.",
                        n,
                    ) % {"n": n}
                messages.success(request, done)
            return HttpResponseRedirect(url)
    row = _rows(user, meeting, [view], True, export.header_cleaner(meeting, shown))[0]
    with transaction.atomic():
        record_many(_actor(request), _read_entries(meeting, [view], shown, "item"))
    return render(
        request,
        "meetings/item_minutes.html",
        {
            "meeting": meeting,
            "series": meeting.series,
            "row": row,
            "form": form,
            "closed": closed,
            "pseudonymised": shown,
            "names": not shown,
            "back": back,
        },
    )


# --- a case asks for the meeting ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_request_create(request: AuthedRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = access.access_case(user, case_id, for_write=True)
    open_request = case.meeting_requests.filter(handled_in=None).first()
    form = RequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            made = actions.do_request_meeting(
                case, reason=form.cleaned_data["reason"], actor=_actor(request)
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if open_request is not None and made.pk == open_request.pk:
                messages.info(
                    request,
                    _(
                        "Dit traject stond al aangemeld voor het volgende zorgoverleg; die "
                        "aanmelding blijft staan."
                    ),
                )
            else:
                messages.success(
                    request,
                    _(
                        "Het traject is aangemeld. Het komt op de agenda van het volgende "
                        "zorgoverleg van de school."
                    ),
                )
            return HttpResponseRedirect(reverse("case_detail", args=[case.pk]))
    with transaction.atomic():
        record(
            _actor(request),
            EventType.CASE_VIEWED,
            **about_case(case),
            data={"page": "meeting_request", "method": request.method},
        )
    return render(
        request,
        "meetings/request_form.html",
        {"case": case, "pupil": case.pupil, "form": form, "open_request": open_request},
    )


# --- a consent for naming -------------------------------------------------------------------


def _back_to_item(request: AuthedRequest) -> str:
    """``?overleg=<id>&onderwerp=<id>``: the agenda item the user came from (a meeting
    they may see; 404 otherwise)."""
    raw = request.GET.get("overleg", "")
    if not raw:
        return ""
    meeting = access.access_care_meeting(request.user, raw)
    item = request.GET.get("onderwerp", "")
    anchor = ""
    if item.isdigit() and len(item) <= 12 and meeting.items.filter(pk=int(item)).exists():
        anchor = f"onderwerp-{item}"
    return _meeting_url(meeting, anchor=anchor)


@login_required
@require_http_methods(["GET", "POST"])
def naming_consent_create(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    user = request.user
    pupil = access.access_consents_of(user, pupil_id)
    back = _back_to_item(request)
    today = timezone.localdate()
    links = list(
        pupil.guardian_links.select_related("guardian").order_by(
            "-parental_authority", "guardian__name"
        )
    )
    older = pupil.age(today) >= consent_rules.OWN_CONSENT_AGE
    form = NamingConsentForm(
        request.POST if request.method == "POST" else None, links=links, older=older
    )
    withdraw = request.POST.get("withdraw", "") if request.method == "POST" else ""
    if withdraw:
        consent = pupil.naming_consents.filter(
            pk=int(withdraw) if withdraw.isdigit() else 0
        ).first()
        if consent is None:
            raise Http404
        actions.do_withdraw_naming_consent(consent, actor=_actor(request))
        messages.success(
            request,
            _("De toestemming is ingetrokken: de leerling wordt weer zonder naam besproken."),
        )
        return HttpResponseRedirect(request.get_full_path())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> str:
            actions.do_record_naming_consent(
                pupil,
                given_by=data["given_by"],
                guardian=data.get("guardian"),
                given_on=data["given_on"],
                actor=_actor(request),
            )
            return back or reverse("naming_consent_create", args=[pupil.pk])

        try:
            url, created = run_once(user, data["submission_token"], create)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if created:
                messages.success(
                    request,
                    _(
                        "De toestemming om de leerling met naam te bespreken is vastgelegd. "
                        "Kies bij het onderwerp ‘Met naam bespreken’."
                    )
                    if back
                    else _("De toestemming om de leerling met naam te bespreken is vastgelegd."),
                )
            return HttpResponseRedirect(url)
    consents = list(pupil.naming_consents.select_related("guardian", "recorded_by"))
    with transaction.atomic():
        record(
            _actor(request),
            EventType.CONSENTS_VIEWED,
            **about_pupil(pupil),
            object_type="pupil",
            object_id=str(pupil.pk),
            data={"page": "naming_consent"},
        )
    return render(
        request,
        "meetings/naming_consent.html",
        {
            "pupil": pupil,
            "form": form,
            "links": links,
            "consents": consents,
            "age": pupil.age(today),
            "decides_self": older,
            "own_consent_from": consent_rules.own_consent_from(pupil.date_of_birth),
            "allowed_now": agenda.naming_allowed(pupil, today),
            "back": back,
        },
    )
