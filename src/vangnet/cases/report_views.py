"""Pages of the Meldcode report of one case, and the yearly bundle for the board.

Access (:mod:`vangnet.core.access`):

* the report page: whoever may read the case's content (its owners and added colleagues,
  the school's director); only those who work on the case may save it (403 otherwise);
  the exports follow the page;
* the bundle of a school: the school's director, the board role for all its schools;
  everybody else gets 404. The board's list of schools: the board role only.

Every page that shows the report records a read event before rendering; every export an
export event before the file leaves the server.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from vangnet.cases import bundle, report
from vangnet.cases.actions import about_case
from vangnet.cases.models import Case, MeldcodeReport
from vangnet.cases.report_forms import MeldcodeReportForm
from vangnet.concerns.export import DOCX_TYPE, Item
from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.http import AuthedRequest, download
from vangnet.core.models import EventType
from vangnet.core.submissions import VERSION_CONFLICT, ConflictError, run_once
from vangnet.lib.dates import school_year_bounds
from vangnet.organisations.models import School

# What the writer adds; kept when the generated fields are filled in again from the case.
WRITTEN = ("description", "public_unrest", "non_professionals", "bottlenecks", "remarks")


def _meldcode_case(request: AuthedRequest, case_id: object, *, for_write: bool = False) -> Case:
    case = access.access_case(request.user, case_id, for_write=for_write)
    if case.protocol != report.MELDCODE:
        raise Http404
    return case


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error.messages)
    else:
        form.add_error(None, exc.messages)


def _initial(
    case: Case, saved: MeldcodeReport | None, names: report.Names, refill: bool
) -> dict[str, Any]:
    if saved is not None and not refill:
        values = report.values_of(saved)
    else:
        values = report.prefill(case, names)
        if saved is not None:
            values |= {name: getattr(saved, name) for name in WRITTEN}
    values["version"] = saved.version if saved is not None else 0
    return values


@login_required
@require_http_methods(["GET", "POST"])
def case_report(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = _meldcode_case(request, case_id, for_write=request.method == "POST")
    can_write = access.can_work_on_case(request.user, case)
    saved = report.saved_report(case)
    names = report.names_for(case)
    conflict = False
    shown: list[Item] | None = None
    if request.method == "POST":
        form = MeldcodeReportForm(request.POST, reference=case.reference)
        if form.is_valid():
            values = form.values()
            replaced = names.found_in_report(values, case.pupil)
            version = form.cleaned_data["version"]

            def save() -> str:
                report.do_save_report(
                    case, values, actor=Actor.from_request(request), version=version
                )
                return reverse("case_report", args=[case.pk])

            try:
                url, created = run_once(request.user, form.cleaned_data["submission_token"], save)
            except ConflictError:
                # Someone saved the report meanwhile: keep what this writer typed, show the
                # stored report beside it, and let a new submit replace that version.
                saved = report.saved_report(case)
                posted = request.POST.copy()
                posted["version"] = str(saved.version if saved else 0)
                form = MeldcodeReportForm(posted, reference=case.reference)
                form.is_valid()
                form.add_error(None, VERSION_CONFLICT)
                conflict = True
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                if created:
                    messages.success(request, _("Het meldcodeverslag is opgeslagen."))
                    if replaced:
                        messages.info(
                            request,
                            ngettext(
                                "Eén naam is vervangen door voorletters.",
                                "%(n)d namen zijn vervangen door voorletters.",
                                len(replaced),
                            )
                            % {"n": len(replaced)},
                        )
                return HttpResponseRedirect(url)
    else:
        refill = can_write and request.GET.get("opnieuw") == "1"
        initial = _initial(case, saved, names, refill=refill)
        form = MeldcodeReportForm(initial=initial, reference=case.reference)
        if not can_write:
            shown = report.display_items(initial)
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.CASE_VIEWED,
            **about_case(case),
            data={"page": "report", "method": request.method},
        )
    return render(
        request,
        "cases/report_form.html",
        {
            "case": case,
            "pupil": case.pupil,
            "form": form,
            "saved": saved,
            "can_write": can_write,
            "shown": shown,
            "conflict": conflict,
            "stored": report.display_items(report.values_of(saved)) if conflict and saved else [],
        },
    )


def _report_export(request: AuthedRequest, case_id: int, fmt: str) -> HttpResponse:
    case = _meldcode_case(request, case_id)
    saved = report.saved_report(case)
    out = report.report_out(case, saved, report.names_for(case))
    if fmt == "pdf":
        body, content_type = bundle.render_report_pdf(out), "application/pdf"
    else:
        body, content_type = bundle.render_report_docx(out), DOCX_TYPE
    # The event commits before any byte of the report leaves the server.
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.CASE_REPORT_EXPORTED,
            **about_case(case),
            data={
                "format": fmt,
                "saved": saved is not None,
                "version": saved.version if saved else 0,
            },
        )
    return download(body, content_type, f"meldcodeverslag-{case.reference}.{fmt}")


@login_required
@require_GET
def case_report_pdf(request: AuthedRequest, case_id: int) -> HttpResponse:
    return _report_export(request, case_id, "pdf")


@login_required
@require_GET
def case_report_docx(request: AuthedRequest, case_id: int) -> HttpResponse:
    return _report_export(request, case_id, "docx")


# --- the yearly bundle ------------------------------------------------------------------


def _chosen_year(request: AuthedRequest, years: list[str]) -> str:
    year = request.GET.get("jaar", "")
    return year if year in years else years[0]


@login_required
@require_GET
def meldcode_bundle(request: AuthedRequest, school_id: int) -> HttpResponse:
    school = access.access_meldcode_bundle(request.user, school_id)
    years = bundle.years_for([school.pk])
    year = _chosen_year(request, years)
    reports = list(
        bundle.reports_of(school, year).values_list("case_id", "report_date", "reported")
    )
    return render(
        request,
        "cases/bundle_school.html",
        {
            "school": school,
            "years": years,
            "year": year,
            "counts": bundle.counts(school, year),
            "reports": [
                {"reference": Case(pk=pk).reference, "date": day, "reported": reported}
                for pk, day, reported in reports
            ],
            "board_page": access.meldcode_bundle_boards(request.user)
            .filter(pk=school.board_id)
            .exists(),
        },
    )


def _bundle_export(request: AuthedRequest, school_id: str, year: str, fmt: str) -> HttpResponse:
    school = access.access_meldcode_bundle(request.user, school_id)
    try:
        school_year_bounds(year)
    except ValueError:
        raise Http404 from None
    made = bundle.build(school, year)
    if fmt == "pdf":
        body, content_type = bundle.render_pdf(made), "application/pdf"
    else:
        body, content_type = bundle.render_docx(made), DOCX_TYPE
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.MELDCODE_BUNDLE_EXPORTED,
            board_id=school.board_id,
            school_id=school.pk,
            object_type="school",
            object_id=str(school.pk),
            data={"school_year": year, "format": fmt, "reports": len(made.reports)},
        )
    return download(body, content_type, f"meldcode-jaarbundel-{school.code}-{year}.{fmt}")


@login_required
@require_GET
def meldcode_bundle_pdf(request: AuthedRequest, school_id: str, year: str) -> HttpResponse:
    return _bundle_export(request, school_id, year, "pdf")


@login_required
@require_GET
def meldcode_bundle_docx(request: AuthedRequest, school_id: str, year: str) -> HttpResponse:
    return _bundle_export(request, school_id, year, "docx")


@login_required
@require_GET
def board_meldcode_bundles(request: AuthedRequest, board_id: int) -> HttpResponse:
    board = access.access_meldcode_board(request.user, board_id)
    schools: list[School] = list(
        access.meldcode_bundle_schools(request.user).filter(board=board).order_by("name")
    )
    ids = [s.pk for s in schools]
    years = bundle.years_for(ids)
    year = _chosen_year(request, years)
    figures = bundle.board_overview(ids, year)
    return render(
        request,
        "cases/bundle_board.html",
        {
            "board": board,
            "years": years,
            "year": year,
            "rows": [(s, *figures[s.pk]) for s in schools],
            "today": timezone.localdate(),
        },
    )
