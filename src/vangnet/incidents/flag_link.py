"""Weighing an incident of sexual behaviour with the flag system.

The form, the validation and the rule that suggests a flag are the concerns module's
(:mod:`vangnet.concerns.flags`, :mod:`vangnet.lib.flags`); here the weighing is stored
without a concern (``concern=None``) and linked through ``Incident.flag_weighing``. A new
weighing replaces the link; the earlier weighing row stays (and its id is in the audit
event of the new one). Only for an incident whose national code is the flag category;
only who may change the incident (its reporter, the school's director) may weigh.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vangnet.concerns.flag_views import (
    _flag_info,
    _suggestion,
    _suggestion_info,
    _weighing_row,
    flag_form_step,
)
from vangnet.concerns.flags import Answers, FlagWeighingForm, check_weighing, flag_name
from vangnet.concerns.models import FlagWeighing
from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType
from vangnet.incidents.attachment_views import incident_url
from vangnet.incidents.models import Incident
from vangnet.lib import flags as rules
from vangnet.lib.incidents import FLAG_CATEGORY


def do_weigh_incident(
    incident: Incident,
    answers: Answers,
    flag: str,
    override_reason: str = "",
    *,
    actor: Actor,
) -> FlagWeighing:
    """Store a weighing for ``incident`` and link it (the caller checked access).
    Raises :class:`ValidationError` like :func:`vangnet.concerns.flags.do_weigh_flags`."""
    assert actor.user is not None
    checked = check_weighing(answers, flag, override_reason)
    with transaction.atomic():
        previous = (
            Incident.objects.select_for_update()
            .filter(pk=incident.pk)
            .values_list("flag_weighing_id", flat=True)
            .first()
        )
        weighing = FlagWeighing.objects.create(
            concern=None, weighed_by=actor.user, **checked.fields()
        )
        # Only this column: an edit form open elsewhere keeps its version.
        Incident.objects.filter(pk=incident.pk).update(flag_weighing=weighing)
        incident.flag_weighing = weighing
        record(
            actor,
            EventType.FLAG_WEIGHED,
            board_id=incident.school.board_id,
            school_id=incident.school_id,
            object_type="flag_weighing",
            object_id=str(weighing.pk),
            data={"incident": incident.pk, "replaces": previous, **checked.audit_data()},
        )
    return weighing


def _incident_for_weighing(request: AuthedRequest, incident_id: int) -> Incident:
    incident = access.access_incident(request.user, incident_id)
    if incident.national_code != FLAG_CATEGORY:
        raise Http404
    if not access.can_edit_incident(request.user, incident):
        raise PermissionDenied
    return incident


@login_required
@require_http_methods(["GET", "POST"])
def incident_flag(request: AuthedRequest, incident_id: int) -> HttpResponse:
    incident = _incident_for_weighing(request, incident_id)
    form, url = flag_form_step(request, lambda f: _save(request, incident, f))
    if url is not None:
        return HttpResponseRedirect(url)
    return _render(request, incident, form)


def _save(request: AuthedRequest, incident: Incident, form: FlagWeighingForm) -> str:
    weighing = do_weigh_incident(
        incident,
        form.answers(),
        form.cleaned_data["flag"],
        form.cleaned_data.get("override_reason", ""),
        actor=Actor.from_request(request),
    )
    messages.success(
        request,
        _("De weging met het vlaggensysteem is opgeslagen: %(flag)s.")
        % {"flag": flag_name(weighing.flag).lower()},
    )
    return reverse("incident_flag", args=[incident.pk])


def _render(request: AuthedRequest, incident: Incident, form: FlagWeighingForm) -> HttpResponse:
    current = (
        FlagWeighing.objects.select_related("weighed_by")
        .filter(pk=incident.flag_weighing_id)
        .first()
        if incident.flag_weighing_id
        else None
    )
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.INCIDENT_VIEWED,
            board_id=incident.school.board_id,
            school_id=incident.school_id,
            object_type="incident",
            object_id=str(incident.pk),
            data={"page": "flag_weighing"},
        )
    suggestion = _suggestion(form)
    flag_value = form["flag"].value() if form.is_bound else ""
    context: dict[str, Any] = {
        "incident": incident,
        "incident_url": incident_url(incident.pk),
        "form": form,
        "criteria": form.criteria(),
        "suggestion": suggestion,
        "suggestion_info": _suggestion_info(suggestion) if suggestion else None,
        "show_decision": bool(suggestion or flag_value),
        "flags": [_flag_info(f) for f in rules.FLAGS],
        "rules": [_(text) for _code, _flag, text in rules.RULES],
        "rule_summary": _(rules.RULE_SUMMARY),
        "current": _weighing_row(current) if current else None,
    }
    return render(request, "incidents/flag_weighing.html", context)
