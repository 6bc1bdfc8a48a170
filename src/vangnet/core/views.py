"""Start page, health check and the audit pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from vangnet.concerns.models import CorrectionRequest
from vangnet.core import access
from vangnet.core.audit import Actor, about_pupil, record, verify
from vangnet.core.http import AuthedRequest
from vangnet.core.models import AuditEvent, EventType
from vangnet.core.roles import Role
from vangnet.lib import terms
from vangnet.lib.dates import school_year_of
from vangnet.organisations.models import Board, Group, Partner, Pupil, School

if TYPE_CHECKING:
    from vangnet.accounts.models import User


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope = access.scope_of(user)
    year = school_year_of(timezone.localdate())
    context: dict[str, Any] = {"scope": scope, "school_year": year, "Role": Role}
    if scope.has(Role.TEACHER, Role.CARE_COORDINATOR, Role.SAFETY_OFFICER):
        from vangnet.concerns.home import home_sections

        context |= home_sections(user, scope)
        from vangnet.cases.home import home_sections as case_sections
        from vangnet.cases.home import record_listed

        context |= case_sections(user, scope)
        record_listed(request, scope, context)
    from vangnet.measures.views import home_waiting

    context |= home_waiting(request, scope)  # directors and the board: measures to decide
    from vangnet.sharing.views import home_waiting as sharing_waiting

    context |= sharing_waiting(request, scope)  # the Executive Board: requests to share

    if scope.has(Role.TEACHER):
        context["my_groups"] = (
            Group.objects.filter(teachers=user, school_year=year)
            .select_related("school")
            .annotate(pupil_count=Count("pupils", filter=Q(pupils__left_on__isnull=True)))
        )
        context["my_grants"] = (
            access.visible_break_glass_grants(user)
            .filter(user=user, expires_at__gt=timezone.now())
            .select_related("pupil")
        )
    coordinator_schools = scope.schools(Role.CARE_COORDINATOR, Role.SAFETY_OFFICER)
    if coordinator_schools:
        context["my_schools"] = School.objects.filter(id__in=coordinator_schools).annotate(
            pupil_count=Count("pupils", filter=Q(pupils__left_on__isnull=True), distinct=True),
            group_count=Count("groups", filter=Q(groups__school_year=year), distinct=True),
        )
        context["open_corrections"] = _open_corrections(coordinator_schools)
    if scope.has(Role.CARE_COORDINATOR, Role.PRIVACY_OFFICER):
        since = timezone.now() - dt.timedelta(days=30)
        context["recent_grants"] = (
            access.visible_break_glass_grants(user)
            .filter(granted_at__gte=since)
            .exclude(user=user)
            .select_related("user", "pupil__school")[:20]
        )
    board_ids = scope.boards(Role.BOARD, Role.PRIVACY_OFFICER, Role.ADMINISTRATOR)
    if board_ids:
        context["my_boards"] = Board.objects.filter(id__in=board_ids).annotate(
            school_count=Count("schools", distinct=True)
        )
    if scope.has(Role.PRIVACY_OFFICER):
        from vangnet.organisations.models import RoleAssignment

        own = RoleAssignment.objects.filter(
            board_id__in=scope.boards(Role.PRIVACY_OFFICER)
        ).values_list("user__email", flat=True)
        context["recent_failed_logins"] = AuditEvent.objects.filter(
            event_type__in=[EventType.LOGIN_FAILED, EventType.LOCKED_OUT],
            occurred_at__gte=timezone.now() - dt.timedelta(days=7),
            data__login__in=list(own),
        ).count()
    context["emergency_partners"] = access.visible_partners(user).filter(
        kind__in=[Partner.Kind.VEILIG_THUIS, Partner.Kind.CONFIDENTIAL_INSPECTOR]
    )
    return render(request, "core/home.html", context)


OPEN_CORRECTIONS_SHOWN = 50


def _open_corrections(school_ids: frozenset[int]) -> list[CorrectionRequest]:
    """Parents' correction requests still to be decided at the user's schools (the schools
    where they may manage the dossier), soonest due first; overdue ones are marked."""
    today = timezone.localdate()
    requests = list(
        CorrectionRequest.objects.filter(decision="", concern__pupil__school_id__in=school_ids)
        .select_related("concern__pupil")
        .order_by("due_on", "id")[:OPEN_CORRECTIONS_SHOWN]
    )
    for req in requests:
        req.overdue = terms.is_overdue(req.due_on, today, decided=False)  # type: ignore[attr-defined]
        req.days_left = terms.days_left(req.due_on, today)  # type: ignore[attr-defined]
        req.days_late = -req.days_left  # type: ignore[attr-defined]
    return requests


EVENT_FILTERS = {
    "reads": range(200, 300),
    "writes": range(300, 400),
    "access": range(400, 500),
    "login": range(100, 200),
}


@login_required
def audit_log(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not access.can_see_audit_log(user):
        raise Http404
    events = access.visible_audit_events(user).order_by("-occurred_at", "-id")
    kind = request.GET.get("soort", "")
    if kind in EVENT_FILTERS:
        span = EVENT_FILTERS[kind]
        events = events.filter(event_type__gte=span.start, event_type__lt=span.stop)
    who = request.GET.get("wie", "").strip()
    if who:
        events = events.filter(actor_label__icontains=who)
    pupil = request.GET.get("leerling", "").strip()
    if pupil.isdigit():
        events = events.filter(pupil_id=int(pupil))
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.AUDIT_LOG_VIEWED,
            board_id=min(access.scope_of(user).boards(Role.PRIVACY_OFFICER)),
            object_type="audit_log",
            data={"filters": {"soort": kind, "wie": who, "leerling": pupil}},
        )
        page = Paginator(events, 50).get_page(request.GET.get("pagina"))
        list(page.object_list)
    return render(
        request,
        "core/audit_log.html",
        {"page": page, "kind": kind, "who": who, "pupil": pupil, "filters": EVENT_FILTERS},
    )


@login_required
@require_http_methods(["POST"])
def audit_verify(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not access.can_see_audit_log(user):
        raise Http404
    board_ids = sorted(access.scope_of(user).boards(Role.PRIVACY_OFFICER))
    reports = verify([f"board:{b}" for b in board_ids])
    with transaction.atomic():
        for board_id in board_ids:
            record(
                Actor.from_request(request),
                EventType.AUDIT_VERIFIED,
                board_id=board_id,
                object_type="audit_chain",
                data={"ok": all(r.ok for r in reports)},
            )
    return render(request, "core/partials/_verify_result.html", {"reports": reports})


@login_required
def pupil_access_log(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    user = request.user
    with transaction.atomic():
        pupil: Pupil = access.access_pupil_access_log(user, pupil_id)
        record(
            Actor.from_request(request),
            EventType.PUPIL_ACCESS_LOG_VIEWED,
            **about_pupil(pupil),
            object_type="pupil",
            object_id=str(pupil.pk),
        )
        # Paginate after recording: this look at the log is part of the log.
        events = AuditEvent.objects.filter(
            pupil_id=pupil.pk, board_id=pupil.school.board_id
        ).order_by("-occurred_at", "-id")
        page = Paginator(events, 50).get_page(request.GET.get("pagina"))
        list(page.object_list)
    _mask_case_events(user, pupil, page.object_list)
    return render(request, "core/pupil_access_log.html", {"pupil": pupil, "page": page})


def _mask_case_events(user: User, pupil: Pupil, events: Iterable[AuditEvent]) -> None:
    """What happened inside a care case (a decision, the acute route, a report) tells its
    phase: a care coordinator who is not in the case sees only that something happened in
    a care case. The privacy officer, who audits, sees every event as it is."""
    if pupil.school.board_id in access.scope_of(user).boards(Role.PRIVACY_OFFICER):
        return
    readable = {
        str(pk)
        for pk in access.visible_cases(user).filter(pupil=pupil).values_list("pk", flat=True)
    }
    for event in events:
        case_id = event.object_id if event.object_type == "case" else event.data.get("case")
        if case_id is not None and str(case_id) not in readable and 700 <= event.event_type < 730:
            event.masked = True  # type: ignore[attr-defined]
