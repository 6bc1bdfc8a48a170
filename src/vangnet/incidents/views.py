"""The incident register: list, register, read and change an incident."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vangnet.accounts.models import User
from vangnet.core import access
from vangnet.core.audit import Actor, record, record_many
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType
from vangnet.core.submissions import VERSION_CONFLICT, ConflictError, run_once
from vangnet.incidents import actions, parent_export
from vangnet.incidents.forms import (
    MIN_ROWS,
    MORE_ROWS,
    IncidentForm,
    initial_from,
    initial_from_post,
    rows_in,
)
from vangnet.incidents.lists import ensure_lists
from vangnet.incidents.models import Incident, IncidentCategory, IncidentLocation, IncidentPerson
from vangnet.organisations.models import Pupil, School

PER_PAGE = 25
LINK_LIMIT = 200


def _initials(pupil: Pupil) -> str:
    parts = [pupil.first_name, pupil.last_name]
    return "".join(f"{p[0].upper()}." for p in parts if p)


# --- list ---------------------------------------------------------------------------------


def _parse_date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@login_required
@require_GET
def incident_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    schools = list(access.incident_schools(user).order_by("name"))
    if not schools:
        raise Http404
    school_ids = {s.pk for s in schools}
    categories = list(
        IncidentCategory.objects.filter(board_id__in={s.board_id for s in schools}).order_by(
            "position", "label"
        )
    )
    qs = access.visible_incidents(user).filter(school_id__in=school_ids)
    filters: dict[str, str] = {}
    school = request.GET.get("school", "")
    if school.isdigit() and int(school) in school_ids:
        qs = qs.filter(school_id=int(school))
        filters["school"] = school
    category = request.GET.get("soort", "")
    if category.isdigit() and int(category) in {c.pk for c in categories}:
        qs = qs.filter(category_id=int(category))
        filters["soort"] = category
    start = _parse_date(request.GET.get("van", ""))
    end = _parse_date(request.GET.get("tot", ""))
    if start:
        qs = qs.filter(occurred_at__date__gte=start)
        filters["van"] = start.isoformat()
    if end:
        qs = qs.filter(occurred_at__date__lte=end)
        filters["tot"] = end.isoformat()
    qs = (
        qs.select_related("school", "category", "location")
        .annotate(people_count=Count("people", distinct=True))
        .order_by("-occurred_at", "-id")
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("pagina"))
    rows = list(page.object_list)
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.INCIDENTS_LISTED,
            board_id=min(s.board_id for s in schools),
            object_type="incidents",
            data={**filters, "pagina": page.number, "results": len(rows)},
        )
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return render(
        request,
        "incidents/incident_list.html",
        {
            "incidents": rows,
            "page": page,
            "schools": schools,
            "categories": categories,
            "filters": filters,
            "query": query,
            "total": page.paginator.count,
        },
    )


# --- the form -----------------------------------------------------------------------------


def _choices(user: User, school: School, incident: Incident | None = None) -> dict[str, Any]:
    """Everything the form offers for ``school``: active categories and locations (plus
    the incident's own, even when switched off since), the pupils the user may open, the
    school's staff, and the concerns, cases and incidents the user may link to."""
    ensure_lists(school.board)
    categories = IncidentCategory.objects.filter(board_id=school.board_id)
    locations = IncidentLocation.objects.filter(board_id=school.board_id)
    if incident is not None:
        categories = categories.filter(active=True) | categories.filter(pk=incident.category_id)
        locations = locations.filter(active=True) | locations.filter(pk=incident.location_id)
    else:
        categories = categories.filter(active=True)
        locations = locations.filter(active=True)
    pupils_qs = (
        access.visible_pupils(user)
        .filter(school=school, left_on__isnull=True)
        .select_related("group")
        .order_by("group__name", "last_name", "first_name")
    )
    pupils: list[tuple[Any, Any]] = []
    grouped: dict[str, list[tuple[int, str]]] = {}
    for p in pupils_qs:
        grouped.setdefault(p.group.name if p.group else _("Zonder groep"), []).append(
            (p.pk, p.full_name)
        )
    pupils = [(name, items) for name, items in grouped.items()]
    if incident is not None:
        shown = {p.pk for p in pupils_qs}
        extra = [
            (person.pupil_id, _initials(person.pupil))
            for person in incident.people.select_related("pupil")
            if person.pupil is not None and person.pupil_id not in shown
        ]
        if extra:
            pupils.append((_("Al betrokken"), extra))
    staff = [
        (u.pk, u.full_name or u.email)
        for u in User.objects.filter(role_assignments__school_id=school.pk, is_active=True)
        .distinct()
        .order_by("full_name")
    ]
    concerns = (
        access.visible_concerns(user)
        .filter(school_id=school.pk)
        .select_related("pupil")
        .order_by("-occurred_at")[:LINK_LIMIT]
    )
    cases = (
        access.visible_cases(user)
        .filter(school_id=school.pk)
        .select_related("pupil")
        .order_by("-opened_at")[:LINK_LIMIT]
    )
    earlier = (
        access.visible_incidents(user)
        .filter(school_id=school.pk)
        .select_related("category")
        .order_by("-occurred_at")
    )
    if incident is not None:
        earlier = earlier.exclude(pk=incident.pk)
    return {
        "categories": [(c.pk, c.label) for c in categories.order_by("position", "label")],
        "locations": [(loc.pk, loc.label) for loc in locations.order_by("position", "label")],
        "pupils": pupils,
        "staff": staff,
        "links": {
            "concerns": [
                (c.pk, f"{timezone.localtime(c.occurred_at):%d-%m-%Y} · {c.pupil.full_name}")
                for c in concerns
            ],
            "cases": [
                (c.pk, f"{timezone.localtime(c.opened_at):%d-%m-%Y} · {c.pupil.full_name}")
                for c in cases
            ],
            "earlier": [
                (i.pk, f"{timezone.localtime(i.occurred_at):%d-%m-%Y %H:%M} · {i.category.label}")
                for i in earlier[:LINK_LIMIT]
            ],
        },
    }


def _form(
    request: AuthedRequest,
    school: School,
    incident: Incident | None = None,
    initial: dict[str, Any] | None = None,
) -> tuple[IncidentForm, bool]:
    """The form, bound to the POST unless the user asked for more person rows (then the
    posted values come back as initial values, without error messages)."""
    choices = _choices(request.user, school, incident)
    if request.method == "POST":
        rows = rows_in(request.POST)
        if "more_people" in request.POST:
            rows += MORE_ROWS
            data = initial_from_post(request.POST, rows)
            return IncidentForm(initial=data, rows=rows, **choices), False
        return IncidentForm(request.POST, rows=rows, **choices), True
    initial = initial or {}
    people = sum(1 for k in initial if k.endswith("_role"))
    return IncidentForm(initial=initial, rows=max(MIN_ROWS, people + 1), **choices), False


def _action_errors(form: IncidentForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        form.add_action_errors({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
    else:
        form.add_error(None, exc)


def _pick_school(request: AuthedRequest) -> School | None:
    schools = access.incident_schools(request.user).select_related("board")
    raw = request.GET.get("school", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        school = schools.filter(pk=int(raw)).first()
        if school is None:
            raise Http404
        return school
    options = list(schools[:2])
    if not options:
        raise Http404
    return options[0] if len(options) == 1 else None


@login_required
@require_http_methods(["GET", "POST"])
def incident_create(request: AuthedRequest) -> HttpResponse:
    school = _pick_school(request)
    if school is None:
        schools = access.incident_schools(request.user).order_by("name")
        return render(request, "incidents/incident_school.html", {"schools": schools})
    form, bound = _form(request, school)
    if request.method == "GET":
        with transaction.atomic():
            record(
                Actor.from_request(request),
                EventType.PUPILS_LISTED,
                board_id=school.board_id,
                school_id=school.pk,
                object_type="incident_form",
                data={"page": "incident_create"},
            )
    if bound and form.is_valid():

        def create() -> str:
            incident = actions.do_create_incident(
                school, form.to_input(), actor=Actor.from_request(request)
            )
            return reverse("incident_detail", args=[incident.pk])

        try:
            url, _created = run_once(request.user, form.cleaned_data["submission_token"], create)
        except ValidationError as exc:
            _action_errors(form, exc)
        else:
            messages.success(request, _("Het incident is geregistreerd."))
            return HttpResponseRedirect(url)
    return render(
        request,
        "incidents/incident_form.html",
        {"form": form, "school": school, "is_edit": False},
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_edit(request: AuthedRequest, incident_id: int) -> HttpResponse:
    incident = access.access_incident(request.user, incident_id, for_write=True)
    incident = Incident.objects.select_related("school__board", "category", "location").get(
        pk=incident.pk
    )
    people = list(incident.people.all())
    initial = initial_from(incident, people)
    initial["concerns"] = list(
        access.visible_concerns(request.user)
        .filter(incidents=incident)
        .values_list("pk", flat=True)
    )
    initial["cases"] = list(
        access.visible_cases(request.user).filter(incidents=incident).values_list("pk", flat=True)
    )
    initial["earlier"] = list(
        access.visible_incidents(request.user).filter(later=incident).values_list("pk", flat=True)
    )
    form, bound = _form(request, incident.school, incident, initial)
    raw_version = (
        request.POST.get("version", "") if request.method == "POST" else str(incident.version)
    )
    version = int(raw_version) if raw_version.isdigit() else 0
    if request.method == "GET":
        with transaction.atomic():
            record_many(
                Actor.from_request(request),
                actions.incident_entries(incident, EventType.INCIDENT_VIEWED, page="edit"),
            )
    if bound and form.is_valid():
        if not version:
            form.add_error(
                None, _("Dit formulier is verouderd. Open het incident opnieuw om het te wijzigen.")
            )
        else:
            try:
                actions.do_update_incident(
                    incident, form.to_input(), version=version, actor=Actor.from_request(request)
                )
            except ConflictError:
                form.add_error(None, VERSION_CONFLICT)
                incident.refresh_from_db()
            except ValidationError as exc:
                _action_errors(form, exc)
            else:
                messages.success(
                    request, _("De wijziging is opgeslagen; de vorige versie blijft bewaard.")
                )
                return HttpResponseRedirect(reverse("incident_detail", args=[incident.pk]))
    return render(
        request,
        "incidents/incident_form.html",
        {
            "form": form,
            "school": incident.school,
            "incident": incident,
            "is_edit": True,
            "version": version,
        },
    )


# --- detail -------------------------------------------------------------------------------


def _person_label(user: User, person: IncidentPerson) -> tuple[str, int | None]:
    """What the reader sees of a person: a pupil they may open by name (with a link), any
    other pupil by initials only; staff by name; others by initials."""
    if person.pupil is not None:
        if access.can_view_pupil(user, person.pupil):
            return person.pupil.full_name, person.pupil.pk
        return _initials(person.pupil), None
    if person.staff is not None:
        return person.staff.full_name or person.staff.email, None
    return person.initials, None


@login_required
@require_GET
def incident_detail(request: AuthedRequest, incident_id: int) -> HttpResponse:
    user = request.user
    incident = access.access_incident(user, incident_id)
    incident = (
        Incident.objects.select_related(
            "school", "category", "location", "reporter", "flag_weighing"
        )
        .prefetch_related(
            "attachments",
            Prefetch(
                "people",
                queryset=IncidentPerson.objects.select_related("pupil__group", "staff"),
            ),
            "versions__replaced_by",
        )
        .get(pk=incident.pk)
    )
    with transaction.atomic():
        record_many(
            Actor.from_request(request),
            actions.incident_entries(incident, EventType.INCIDENT_VIEWED),
        )
    people = []
    for person in incident.people.all():
        label, pupil_id = _person_label(user, person)
        people.append(
            {
                "role": person.get_role_display(),
                "label": label,
                "pupil_id": pupil_id,
                "group": person.pupil.group.name if person.pupil and person.pupil.group else "",
                "note": person.note,
            }
        )
    versions = [
        {
            "number": v.number,
            "replaced_at": v.replaced_at,
            "replaced_by": v.replaced_by,
            "occurred_at": _parse_dt(v.data.get("occurred_at")),
            "category": v.data.get("category_label", ""),
            "location": v.data.get("location_label", ""),
            "severity": Incident.Severity(v.data["severity"]).label
            if v.data.get("severity") in Incident.Severity.values
            else "",
            "description": v.data.get("description", ""),
            "measures": v.data.get("measures", ""),
            "people": len(v.data.get("people", [])),
        }
        for v in incident.versions.all()
    ]
    context = {
        "incident": incident,
        "people": people,
        "concerns": list(
            access.visible_concerns(user).filter(incidents=incident).select_related("pupil")
        ),
        "cases": list(
            access.visible_cases(user).filter(incidents=incident).select_related("pupil")
        ),
        "earlier": list(
            access.visible_incidents(user).filter(later=incident).select_related("category")
        ),
        "later": list(
            access.visible_incidents(user).filter(earlier=incident).select_related("category")
        ),
        "versions": versions,
        "can_edit": access.can_edit_incident(user, incident),
        "parent_exports": parent_export.export_links(user, incident),
    }
    return render(request, "incidents/incident_detail.html", context)


def _parse_dt(raw: object) -> dt.datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        return dt.datetime.fromisoformat(raw)
    except ValueError:
        return None
