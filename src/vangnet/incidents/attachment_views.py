"""Adding an attachment to an incident and downloading it.

Upload: who may change the incident (its reporter, the school's director); others who see
it get 403, everyone else 404. Download: everyone who sees the incident; the file is
always offered as a download with the stored (checked) content type, never shown inline.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType
from vangnet.core.submissions import run_once
from vangnet.incidents.attachments import (
    AttachmentForm,
    do_add_attachment,
    download_name,
    record_download,
)
from vangnet.incidents.models import Incident, IncidentAttachment


def incident_url(incident_id: int) -> str:
    """The incident's own page (registration's), or the attachments page without it."""
    try:
        return reverse("incident_detail", args=[incident_id])
    except NoReverseMatch:
        return reverse("incident_attachment_add", args=[incident_id])


@login_required
@require_http_methods(["GET", "POST"])
def incident_attachment_add(request: AuthedRequest, incident_id: int) -> HttpResponse:
    """GET: the incident's attachments and the upload form; POST: add one."""
    user = request.user
    incident = access.access_incident(user, incident_id, for_write=request.method == "POST")
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        checked = form.checked
        assert checked is not None

        def save() -> str:
            do_add_attachment(incident, checked, actor=Actor.from_request(request))
            return incident_url(incident.pk)

        try:
            url, created = run_once(user, form.cleaned_data["submission_token"], save)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            if created:
                messages.success(
                    request,
                    _("De bijlage %(name)s is toegevoegd.") % {"name": checked.name},
                )
            else:
                messages.info(
                    request,
                    _("Dit formulier was al verstuurd; de bijlage is één keer bewaard."),
                )
            return HttpResponseRedirect(url)
    return _render(request, incident, form)


def _render(request: AuthedRequest, incident: Incident, form: AttachmentForm) -> HttpResponse:
    attachments = list(incident.attachments.select_related("uploaded_by"))
    # File names can name pupils: the look is in the log before the page is sent.
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.INCIDENT_VIEWED,
            board_id=incident.school.board_id,
            school_id=incident.school_id,
            object_type="incident",
            object_id=str(incident.pk),
            data={"page": "attachments"},
        )
    return render(
        request,
        "incidents/attachment_list.html",
        {
            "incident": incident,
            "incident_url": incident_url(incident.pk),
            "attachments": attachments,
            "attachment_form": form,
            "can_edit": access.can_edit_incident(request.user, incident),
        },
    )


@login_required
@require_GET
def incident_attachment(
    request: AuthedRequest, incident_id: int, attachment_id: int
) -> FileResponse:
    incident = access.access_incident(request.user, incident_id)
    try:
        attachment = incident.attachments.get(pk=attachment_id)
    except IncidentAttachment.DoesNotExist:
        raise Http404 from None
    attachment.incident = incident
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    # No byte leaves the server without its event.
    try:
        record_download(attachment, actor=Actor.from_request(request))
    except BaseException:
        handle.close()
        raise
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(attachment),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
