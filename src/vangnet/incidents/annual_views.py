"""The annual report on incidents (PDF and XLSX) and a school's year in review.

Both show figures only. Who may open them follows the insights
(:func:`vangnet.incidents.overview.scopes_for`): the director and the care coordinator of a
school, and the board for the board as a whole and each of its schools; anyone else, and any
scope that is not theirs, gets 404. The audit event commits before the page or the file
leaves the server.
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vangnet.core.audit import Actor, record
from vangnet.core.http import AuthedRequest, download
from vangnet.core.models import EventType
from vangnet.incidents import annual_report, overview
from vangnet.incidents.charts import month_chart
from vangnet.lib.dates import school_year_bounds, school_year_of
from vangnet.lib.insights import RULE_TEXT

YEAR = re.compile(r"^\d{4}-\d{4}$")


def started_year(raw: str, today: dt.date) -> str | None:
    """``raw`` when it is a school year ('2025-2026') that has begun, else None."""
    if not YEAR.match(raw):
        return None
    try:
        first, _last = school_year_bounds(raw)
    except ValueError:
        return None
    return raw if first <= today else None


def _annual_export(request: AuthedRequest, year: str, fmt: str) -> HttpResponse:
    user = request.user
    scope = overview.resolve_scope(
        user,
        school=request.GET.get("school", "").strip(),
        board=request.GET.get("bestuur", "").strip(),
    )
    today = timezone.localdate()
    if started_year(year, today) is None:
        raise Http404
    report = annual_report.build_report(user, scope, year, today=today)
    if fmt == "pdf":
        body, content_type = annual_report.render_pdf(report), "application/pdf"
    else:
        body, content_type = annual_report.render_xlsx(report), annual_report.XLSX_TYPE
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.INCIDENT_ANNUAL_REPORT,
            board_id=scope.board_id,
            school_id=None if scope.is_board else scope.id,
            object_type="incident_annual_report",
            object_id=str(scope.id),
            data=overview.audit_data(report.overview, format=fmt, school_year=year),
        )
    return download(body, content_type, annual_report.filename(report, fmt))


@login_required
@require_GET
def incident_annual_pdf(request: AuthedRequest, year: str) -> HttpResponse:
    return _annual_export(request, year, "pdf")


@login_required
@require_GET
def incident_annual_xlsx(request: AuthedRequest, year: str) -> HttpResponse:
    return _annual_export(request, year, "xlsx")


@login_required
@require_GET
def incident_year_review(request: AuthedRequest) -> HttpResponse:
    user = request.user
    schools = [s for s in overview.scopes_for(user) if not s.is_board]
    if not schools:
        raise Http404
    raw_school = request.GET.get("school", "").strip()
    scope = overview.resolve_scope(user, school=raw_school) if raw_school else schools[0]
    today = timezone.localdate()
    years = overview.recent_school_years(today)
    year = request.GET.get("jaar", "").strip() or school_year_of(today)
    errors: list[str] = []
    if year not in years:
        errors.append(_("Kies een van de schooljaren in de lijst; je ziet nu het lopende jaar."))
        year = school_year_of(today)
    period = overview.school_year_period(year, today)
    picture = overview.build(user, scope, period, today=today)
    signals = annual_report.year_signals(user, scope, period, today)
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.INCIDENT_INSIGHTS_VIEWED,
            board_id=scope.board_id,
            school_id=scope.id,
            object_type="incident_insights",
            object_id=str(scope.id),
            data=overview.audit_data(picture, page="year_review"),
        )
    changes = []
    for title, rows in (
        (_("Soort incident"), picture.by_category),
        (_("Plek"), picture.by_location),
    ):
        rises, falls = annual_report.largest_changes(rows)
        changes.append(
            (
                title,
                [(r, annual_report.signed_number(r.change)) for r in rises],
                [(r, annual_report.signed_number(r.change)) for r in falls],
            )
        )
    first = int(year[:4])
    return render(
        request,
        "incidents/year_review.html",
        {
            "o": picture,
            "schools": schools,
            "years": years,
            "year": year,
            "previous_year": f"{first - 1}-{first}",
            "running": today <= school_year_bounds(year)[1],
            "errors": errors,
            "chart": month_chart(picture.by_month),
            "changes": changes,
            "signals": signals,
            "rule_text": _(RULE_TEXT),
        },
    )
