"""Pages for parents' rights: their view, correction requests and the parents' export.

Access: the entry (or pupil) must be within the user's reach, else 404; recording
anything for the parents needs :func:`vangnet.core.access.can_manage_dossier` (the care
coordinator and the director of the pupil's school), else 403.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vangnet.concerns import export, rights
from vangnet.concerns.models import Concern, CorrectionRequest
from vangnet.core import access
from vangnet.core.audit import Actor, about_pupil, record
from vangnet.core.http import AuthedRequest, download
from vangnet.core.models import EventType
from vangnet.core.submissions import VERSION_CONFLICT, ConflictError, run_once
from vangnet.lib import terms


def _concern_to_manage(request: AuthedRequest, concern_id: object) -> Concern:
    concern = access.access_concern(request.user, concern_id)
    if not access.can_manage_dossier(request.user, concern.pupil):
        raise PermissionDenied
    return concern


def _request_to_manage(request: AuthedRequest, request_id: int) -> CorrectionRequest:
    """The request through its entry: a request on an entry out of reach is 404."""
    concern_id = (
        CorrectionRequest.objects.filter(pk=request_id).values_list("concern_id", flat=True).first()
    )
    if concern_id is None:
        raise Http404
    concern = _concern_to_manage(request, concern_id)
    req = CorrectionRequest.objects.select_related("decided_by", "recorded_by").get(pk=request_id)
    req.concern = concern
    return req


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error.messages)
    else:
        form.add_error(None, exc.messages)


def _concern_url(concern: Concern) -> str:
    return reverse("concern_detail", args=[concern.pk]) + "#ouders"


def _submit(
    request: AuthedRequest,
    form: forms.Form,
    create: Callable[[], str],
    done: str,
) -> HttpResponse | None:
    """Run ``create`` once per form token; a redirect on success, None to show the form."""
    try:
        url, created = run_once(request.user, form.cleaned_data["submission_token"], create)
    except ValidationError as exc:
        _add_errors(form, exc)
        return None
    if created:
        messages.success(request, done)
    return HttpResponseRedirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def parent_view_add(request: AuthedRequest, concern_id: int) -> HttpResponse:
    concern = _concern_to_manage(request, concern_id)
    form = rights.ParentViewForm(
        request.POST or None, initial={"received_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> str:
            rights.do_add_parent_view(
                concern,
                data["text"],
                data["given_by"],
                data["received_on"],
                actor=Actor.from_request(request),
            )
            return _concern_url(concern)

        done = _("De zienswijze van de ouders staat nu bij het verslag.")
        if response := _submit(request, form, create, done):
            return response
    return render(
        request,
        "concerns/rights_parent_view.html",
        {"concern": concern, "pupil": concern.pupil, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def correction_request_add(request: AuthedRequest, concern_id: int) -> HttpResponse:
    concern = _concern_to_manage(request, concern_id)
    today = timezone.localdate()
    form = rights.CorrectionRequestForm(request.POST or None, initial={"received_on": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> str:
            req = rights.do_request_correction(
                concern,
                data["what"],
                data["why"],
                data["requested_by"],
                data["received_on"],
                actor=Actor.from_request(request),
            )
            return reverse("correction_decide", args=[req.pk])

        due = terms.correction_due_on(data["received_on"])
        done = _("Het correctieverzoek is vastgelegd. Beslis uiterlijk op %(due)s.") % {
            "due": date_format(due, "j F Y")
        }
        if response := _submit(request, form, create, done):
            return response
    return render(
        request,
        "concerns/rights_correction_request.html",
        {
            "concern": concern,
            "pupil": concern.pupil,
            "form": form,
            "term_days": terms.CORRECTION_TERM_DAYS,
            "due_if_today": terms.correction_due_on(today),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def correction_decide(request: AuthedRequest, request_id: int) -> HttpResponse:
    req = _request_to_manage(request, request_id)
    concern = req.concern
    statements = list(concern.statements.all())
    form = rights.CorrectionDecisionForm(
        request.POST or None, concern=concern, statements=statements
    )
    conflict = False
    if request.method == "POST":
        if not req.is_open:
            messages.info(request, _("Over dit verzoek is al beslist."))
            return HttpResponseRedirect(reverse("correction_decide", args=[req.pk]))
        if form.is_valid():
            data = form.cleaned_data

            def create() -> str:
                rights.do_decide_correction(
                    req,
                    data["decision"],
                    data["reasons"],
                    texts=form.texts(),
                    version=data["version"],
                    actor=Actor.from_request(request),
                )
                return _concern_url(concern)

            try:
                response = _submit(request, form, create, _("De beslissing is vastgelegd."))
            except ConflictError:
                # Someone changed the entry meanwhile: keep what the user typed, show the
                # entry as it is now, and let them submit again against the new version.
                concern.refresh_from_db()
                statements = list(concern.statements.all())
                posted = request.POST.copy()
                posted["version"] = str(concern.version)
                form = rights.CorrectionDecisionForm(posted, concern=concern, statements=statements)
                form.is_valid()
                form.add_error(None, VERSION_CONFLICT)
                conflict = True
            else:
                if response:
                    return response
    else:
        with transaction.atomic():
            record(
                Actor.from_request(request),
                EventType.CONCERN_VIEWED,
                board_id=concern.pupil.school.board_id,
                school_id=concern.school_id,
                pupil_id=concern.pupil_id,
                object_type="concern",
                object_id=str(concern.pk),
                data={"correction_request": req.pk},
            )
    today = timezone.localdate()
    return render(
        request,
        "concerns/rights_correction_decide.html",
        {
            "req": req,
            "concern": concern,
            "pupil": concern.pupil,
            "statements": statements,
            "form": form,
            "conflict": conflict,
            "overdue": terms.is_overdue(req.due_on, today, decided=not req.is_open),
            "days_left": terms.days_left(req.due_on, today),
        },
    )


def _export(request: AuthedRequest, pupil_id: int, fmt: str) -> HttpResponse:
    pupil = access.access_dossier_for_parents(request.user, pupil_id)
    dossier = export.build(request.user, pupil)
    if fmt == "pdf":
        body, content_type = export.render_pdf(dossier), "application/pdf"
    else:
        body, content_type = export.render_docx(dossier), export.DOCX_TYPE
    # The event commits before any byte of the dossier leaves the server.
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.DOSSIER_EXPORTED,
            **about_pupil(pupil),
            object_type="pupil",
            object_id=str(pupil.pk),
            data={"format": fmt, "entries": len(dossier.entries)},
        )
    return download(body, content_type, export.filename(pupil, fmt))


@login_required
@require_GET
def dossier_export_pdf(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    return _export(request, pupil_id, "pdf")


@login_required
@require_GET
def dossier_export_docx(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    return _export(request, pupil_id, "docx")
