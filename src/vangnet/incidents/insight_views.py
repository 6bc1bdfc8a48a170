"""The insights page: a school's or a board's incidents over a period, compared with a year
earlier, with the early-warning signals and the rule behind them. Figures only."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vangnet.core.audit import Actor, record
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType
from vangnet.incidents import overview
from vangnet.incidents.charts import month_chart
from vangnet.lib.dates import school_year_bounds, school_year_of
from vangnet.lib.insights import RULE_TEXT, SMALL_NUMBER

MAX_DAYS = 5 * 366


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _period(
    params: dict[str, str], today: dt.date, errors: list[str]
) -> tuple[overview.Period, str]:
    """The period asked for: a school year (``jaar``), or ``van``/``tot``; else the running
    school year. Bad input falls back to the running year with a message."""
    years = overview.recent_school_years(today)
    year = params.get("jaar", "")
    start, end = _date(params.get("van", "")), _date(params.get("tot", ""))
    if params.get("van") or params.get("tot"):
        if start is None or end is None:
            errors.append(_("Vul bij een eigen periode een geldige begin- en einddatum in."))
        elif end < start:
            errors.append(_("De einddatum ligt voor de begindatum."))
        elif start > today:
            errors.append(_("De periode begint in de toekomst."))
        elif (end - start).days > MAX_DAYS:
            errors.append(_("Kies een periode van hoogstens vijf jaar."))
        else:
            return overview.Period(start, min(end, today)), ""
    if year:
        try:
            school_year_bounds(year)
        except ValueError:
            errors.append(_("Dat schooljaar bestaat niet; je ziet het lopende schooljaar."))
        else:
            if year in years:
                return overview.school_year_period(year, today), year
            errors.append(_("Kies een van de schooljaren in de lijst."))
    current = school_year_of(today)
    return overview.school_year_period(current, today), current


@login_required
@require_GET
def incident_insights(request: AuthedRequest) -> HttpResponse:
    user = request.user
    params = {
        k: request.GET.get(k, "").strip() for k in ("school", "bestuur", "jaar", "van", "tot")
    }
    scope = overview.resolve_scope(user, school=params["school"], board=params["bestuur"])
    today = timezone.localdate()
    errors: list[str] = []
    period, year = _period(params, today, errors)
    picture = overview.build(user, scope, period, today=today)
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.INCIDENT_INSIGHTS_VIEWED,
            board_id=scope.board_id,
            object_type="incident_insights",
            object_id=str(scope.id),
            data=overview.audit_data(picture, page="insights"),
        )
    scope_param = ("bestuur" if scope.is_board else "school", scope.id)
    return render(
        request,
        "incidents/insights.html",
        {
            "o": picture,
            "scopes": overview.scopes_for(user),
            "scope_param": scope_param,
            "years": overview.recent_school_years(today),
            "year": year,
            "params": params,
            "errors": errors,
            "chart": month_chart(picture.by_month),
            "rule_text": _(RULE_TEXT),
            "small_number": SMALL_NUMBER,
            "today": today,
        },
    )
