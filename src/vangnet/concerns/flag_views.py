"""The flag-system page of a concern: answer six criteria, see the suggested flag, confirm
it or choose another with a reason; earlier weighings below."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vangnet.concerns.flags import FlagWeighingForm, do_weigh_flags, flag_name
from vangnet.concerns.models import Concern, FlagWeighing
from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType
from vangnet.core.submissions import run_once
from vangnet.lib import flags as rules

SUGGEST = "suggest"
SAVE = "save"


def concern_url(concern_id: int) -> str | None:
    """The concern's own page, once it exists."""
    try:
        return reverse("concern_detail", args=[concern_id])
    except NoReverseMatch:
        return None


def _concern_for_weighing(request: AuthedRequest, concern_id: int) -> Concern:
    """Who may open the pupil may weigh; a colleague who only got this entry shared for
    consultation does not (404, like everyone outside reach)."""
    concern = access.access_concern(request.user, concern_id)
    if not access.can_view_pupil(request.user, concern.pupil):
        raise Http404
    return concern


def _suggestion(form: FlagWeighingForm) -> rules.Suggestion | None:
    """The suggestion for the submitted answers, when all six are valid."""
    if not form.is_bound:
        return None
    values = {key: str(form.data.get(key, "")) for key in rules.CRITERIA_KEYS}
    return None if rules.problems(values) else rules.suggest(values)


def _save(request: AuthedRequest, concern: Concern, form: FlagWeighingForm) -> str:
    weighing = do_weigh_flags(
        concern,
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
    return concern_url(concern.pk) or reverse("flag_weighing", args=[concern.pk])


def flag_form_step(
    request: AuthedRequest, save: Callable[[FlagWeighingForm], str]
) -> tuple[FlagWeighingForm, str | None]:
    """One round of the flag form, for a concern or an incident: a suggestion first (the
    form comes back with the suggested flag), then the save through ``save`` once per
    form token. Returns the form to show, or the URL to go to after saving."""
    form = FlagWeighingForm(request.POST or None)
    if request.method != "POST":
        return form, None
    step = request.POST.get("step", SAVE)
    if step != SUGGEST and not request.POST.get("flag"):
        step = SUGGEST
    if step == SUGGEST:
        suggestion = _suggestion(form)
        if suggestion is not None:
            # Start the choice from the (new) suggestion; the reason typed so far stays.
            data = request.POST.copy()
            data["flag"] = suggestion.flag
            form = FlagWeighingForm(data)
        form.is_valid()  # show what is still missing
        return form, None
    if not form.is_valid():
        return form, None
    try:
        url, created = run_once(
            request.user, form.cleaned_data["submission_token"], lambda: save(form)
        )
    except ValidationError as exc:
        form.add_action_errors(exc)
        return form, None
    if not created:
        messages.info(
            request, _("Dit formulier was al verstuurd; de weging is één keer opgeslagen.")
        )
    return form, url


@login_required
@require_http_methods(["GET", "POST"])
def flag_weighing(request: AuthedRequest, concern_id: int) -> HttpResponse:
    concern = _concern_for_weighing(request, concern_id)
    form, url = flag_form_step(request, lambda f: _save(request, concern, f))
    if url is not None:
        return HttpResponseRedirect(url or reverse("flag_weighing", args=[concern.pk]))
    return _render(request, concern, form)


def _render(request: AuthedRequest, concern: Concern, form: FlagWeighingForm) -> HttpResponse:
    weighings = list(concern.flag_weighings.select_related("weighed_by"))
    # The page shows the pupil and earlier notes: its read is in the log before it is sent.
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.CONCERN_VIEWED,
            board_id=concern.pupil.school.board_id,
            school_id=concern.school_id,
            pupil_id=concern.pupil_id,
            object_type="concern",
            object_id=str(concern.pk),
            data={"page": "flag_weighing"},
        )
    suggestion = _suggestion(form)
    flag_value = form["flag"].value() if form.is_bound else ""
    context: dict[str, Any] = {
        "concern": concern,
        "pupil": concern.pupil,
        "concern_url": concern_url(concern.pk),
        "form": form,
        "criteria": form.criteria(),
        "suggestion": suggestion,
        "suggestion_info": _suggestion_info(suggestion) if suggestion else None,
        "show_decision": bool(suggestion or flag_value),
        "flags": [_flag_info(f) for f in rules.FLAGS],
        "rules": [_(text) for _code, _flag, text in rules.RULES],
        "rule_summary": _(rules.RULE_SUMMARY),
        "weighings": [_weighing_row(w) for w in weighings],
    }
    return render(request, "concerns/flag_weighing.html", context)


def _flag_info(flag: str) -> dict[str, str]:
    info = rules.FLAG_INFO[flag]
    return {
        "key": flag,
        "name": _(info.name),
        "meaning": _(info.meaning),
        "reaction": _(info.reaction),
    }


def _criterion_names(keys: tuple[str, ...]) -> list[str]:
    return [_(rules.CRITERIA_BY_KEY[k].name) for k in keys]


def _suggestion_info(suggestion: rules.Suggestion) -> dict[str, Any]:
    return {
        **_flag_info(suggestion.flag),
        "explanation": _(suggestion.explanation),
        "no": _criterion_names(suggestion.no),
        "unclear": _criterion_names(suggestion.unclear),
        "find_out_more": _(rules.FIND_OUT_MORE) if suggestion.find_out_more else "",
    }


def _weighing_row(weighing: FlagWeighing) -> dict[str, Any]:
    answers = []
    for criterion in rules.CRITERIA:
        item = weighing.answers.get(criterion.key) or {}
        answer = item.get("answer", "")
        answers.append(
            {
                "name": _(criterion.name),
                "answer": _(rules.ANSWER_LABELS[answer]) if answer in rules.ANSWER_LABELS else "—",
                "note": item.get("note", ""),
            }
        )
    return {
        "weighing": weighing,
        "overridden": weighing.flag != weighing.suggested_flag,
        "answers": answers,
    }
