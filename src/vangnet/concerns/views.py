"""Logging a concern, the pupil's dossier, one entry, sharing and hand-over."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vangnet.accounts.models import User
from vangnet.concerns import actions, signals, timeline
from vangnet.concerns.forms import ConcernForm, HandoverForm, ShareForm, initial_from
from vangnet.concerns.models import Concern, ConcernDraft, Statement
from vangnet.core import access
from vangnet.core.audit import Actor, about_pupil, record
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType
from vangnet.core.submissions import VERSION_CONFLICT, ConflictError, run_once
from vangnet.lib.statements import names_in, replace_names
from vangnet.organisations.models import Pupil

DRAFT_FIELDS_SKIP = {"csrfmiddlewaretoken", "submission_token", "names_action"}


def known_names(pupil: Pupil) -> list[str]:
    """Full names of other pupils and of staff at the pupil's school."""
    pupils = (
        Pupil.objects.filter(school_id=pupil.school_id)
        .exclude(pk=pupil.pk)
        .values_list("first_name", "name_prefix", "last_name")
    )
    names = [" ".join(p for p in parts if p) for parts in pupils]
    staff = User.objects.filter(role_assignments__school_id=pupil.school_id).values_list(
        "full_name", flat=True
    )
    return sorted({*names, *staff})


def _earlier(pupil: Pupil) -> list[Concern]:
    return list(Concern.objects.filter(pupil=pupil).only("pk", "occurred_at", "kind")[:200])


@login_required
@require_http_methods(["GET", "POST"])
def concern_create(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    pupil = access.access_pupil(request.user, pupil_id)
    draft = ConcernDraft.objects.filter(user=request.user, pupil=pupil).first()
    earlier = _earlier(pupil)
    if request.method == "POST":
        form = ConcernForm(request.POST, pupil=pupil, earlier=earlier)
    else:
        initial: dict[str, Any] = {}
        if request.GET.get("vervolg", "").isdigit():
            initial |= {"kind": Concern.Kind.FOLLOW_UP, "settles": int(request.GET["vervolg"])}
        if draft:
            # The draft fills the form as initial values: no error messages before saving.
            form = ConcernForm(initial=draft.data | initial, pupil=pupil, earlier=earlier)
        else:
            form = ConcernForm(initial=initial, pupil=pupil, earlier=earlier)
        _record_read(request, pupil, "concern_form")
    found_names: list[str] = []
    if request.method == "POST" and form.is_valid():
        choice = request.POST.get("names_action", "")
        texts = {f: form.cleaned_data.get(f) or "" for f in form.free_text_fields()}
        names = known_names(pupil)
        found_names = sorted({n for t in texts.values() for n in names_in(t, names)})
        if found_names and choice == "replace":
            for f, text in texts.items():
                form.cleaned_data[f] = replace_names(text, found_names)
            found_names = []
        if not found_names or choice == "keep":
            try:
                url, _created = run_once(
                    request.user,
                    form.cleaned_data["submission_token"],
                    lambda: _create(request, pupil, form),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Het verslag is vastgelegd."))
                return HttpResponseRedirect(url)
    return render(
        request,
        "concerns/concern_form.html",
        {
            "pupil": pupil,
            "form": form,
            "draft": draft if request.method == "GET" else None,
            "found_names": found_names,
            "is_edit": False,
        },
    )


def _create(request: AuthedRequest, pupil: Pupil, form: ConcernForm) -> str:
    concern = actions.do_create_concern(pupil, form.to_input(), actor=Actor.from_request(request))
    return reverse("concern_detail", args=[concern.pk])


@login_required
def concern_start(request: AuthedRequest) -> HttpResponse:
    """The start page's quick form: choose one of your pupils, go to the concern form."""
    pupil_id = request.GET.get("leerling", "")
    pupil = access.access_pupil(request.user, pupil_id)
    return HttpResponseRedirect(reverse("concern_create", args=[pupil.pk]))


def _record_read(
    request: AuthedRequest, pupil: Pupil, page: str, concern: Concern | None = None
) -> None:
    """A form that shows pupil data is a read too."""
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.CONCERN_VIEWED if concern else EventType.PUPIL_VIEWED,
            **about_pupil(pupil),
            object_type="concern" if concern else "pupil",
            object_id=str(concern.pk if concern else pupil.pk),
            data={"page": page},
        )


@login_required
@require_http_methods(["POST"])
def concern_draft_discard(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    pupil = access.access_pupil(request.user, pupil_id)
    actions.do_discard_draft(pupil, actor=Actor.from_request(request))
    return HttpResponseRedirect(reverse("concern_create", args=[pupil.pk]))


@login_required
@require_http_methods(["POST"])
def concern_draft(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    """Autosave (htmx): the half-filled form is kept per user and pupil."""
    pupil = access.access_pupil(request.user, pupil_id)
    data = {k: v for k, v in request.POST.lists() if k not in DRAFT_FIELDS_SKIP}
    flat = {k: (v if k == "signals" else v[-1]) for k, v in data.items()}
    actions.do_save_draft(pupil, flat, actor=Actor.from_request(request))
    return render(request, "concerns/partials/_draft_saved.html", {})


def _prefetched(qs: QuerySet[Concern]) -> QuerySet[Concern]:
    return qs.select_related("author", "settles").prefetch_related(
        Prefetch("statements", queryset=Statement.objects.order_by("position", "id")),
        "settled_by",
    )


DOSSIER_PAGE = 40


def dossier_entries(
    user: User,
    pupil: Pupil,
    *,
    kind: str = "",
    year: str = "",
    offset: int = 0,
    limit: int | None = None,
) -> list[Concern]:
    qs = access.dossier_concerns(user, pupil)
    if kind in Concern.Kind.values:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(school_year=year)
    qs = _prefetched(qs).order_by("-occurred_at", "-id")
    return list(qs[offset : offset + limit] if limit is not None else qs[offset:])


@login_required
def dossier(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    """The chronology (htmx partial for the filters on the pupil page)."""
    pupil = access.access_pupil(request.user, pupil_id)
    kind, year = request.GET.get("soort", ""), request.GET.get("jaar", "")
    if kind not in Concern.Kind.values:
        kind = ""
    if not re.fullmatch(r"\d{4}-\d{4}", year):
        year = ""
    page = request.GET.get("pagina", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.DOSSIER_VIEWED,
            **about_pupil(pupil),
            object_type="pupil",
            object_id=str(pupil.pk),
            data={"soort": kind, "jaar": year, "pagina": number},
        )
    context = dossier_context(request.user, pupil, kind=kind, year=year, page=number)
    template = (
        "concerns/partials/_dossier_page.html" if number > 1 else "concerns/partials/_dossier.html"
    )
    return render(request, template, context)


def dossier_context(
    user: User, pupil: Pupil, *, kind: str = "", year: str = "", page: int = 1
) -> dict[str, Any]:
    """Newest first across all school years, DOSSIER_PAGE entries at a time ("show older"
    loads the next page in place); the year list with counts shows how far back it goes."""
    years = (
        list(
            Concern.objects.filter(pupil=pupil)
            .values("school_year")
            .annotate(n=Count("id"))
            .order_by("-school_year")
        )
        if access.can_view_pupil(user, pupil)
        else []
    )
    offset = (page - 1) * DOSSIER_PAGE
    qs = access.dossier_concerns(user, pupil)
    if kind in Concern.Kind.values:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(school_year=year)
    entries = timeline.rows(qs, offset=offset, limit=DOSSIER_PAGE + 1)
    return {
        "pupil": pupil,
        "entries": entries[:DOSSIER_PAGE],
        "more": len(entries) > DOSSIER_PAGE,
        "next_page": page + 1,
        "total": sum(y["n"] for y in years),
        "kinds": Concern.Kind.choices,
        "years": years,
        "kind": kind,
        "year": year,
    }


def _can_start_case(user: User, pupil: Pupil) -> bool:
    from vangnet.cases import protocols

    return any(
        access.can_start_case(user, pupil, protocols.current(key).starters)
        for key in protocols.keys()  # noqa: SIM118 - a module function, not a dict
    )


@login_required
def concern_detail(request: AuthedRequest, concern_id: int) -> HttpResponse:
    user = request.user
    with transaction.atomic():
        concern = access.access_concern(user, concern_id)
        record(
            Actor.from_request(request),
            EventType.CONCERN_VIEWED,
            board_id=concern.pupil.school.board_id,
            school_id=concern.school_id,
            pupil_id=concern.pupil_id,
            object_type="concern",
            object_id=str(concern.pk),
        )
    may_see_pupil = access.can_view_pupil(user, concern.pupil)
    context = {
        "concern": concern,
        "pupil": concern.pupil,
        "statements": list(concern.statements.all()),
        "versions": list(concern.versions.select_related("replaced_by")),
        "shares": list(concern.shares.select_related("user", "shared_by")),
        "settled_by": list(concern.settled_by.all()) if may_see_pupil else [],
        "signal_labels": [signals.label(s) for s in concern.signals],
        "may_see_pupil": may_see_pupil,
        "can_edit": concern.author_id == user.pk,
        "can_delete": access.can_delete_concern(user, concern),
        "flag_weighings": list(concern.flag_weighings.select_related("weighed_by")),
        "parent_views": list(concern.parent_views.all()),
        "correction_requests": list(concern.correction_requests.all()),
        "can_manage": access.can_manage_dossier(user, concern.pupil),
        "can_start_case": may_see_pupil and _can_start_case(user, concern.pupil),
        "seen_before": Concern.objects.filter(
            pupil=concern.pupil, occurred_at__lt=concern.occurred_at
        ).count()
        if may_see_pupil
        else 0,
    }
    return render(request, "concerns/concern_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def concern_edit(request: AuthedRequest, concern_id: int) -> HttpResponse:
    concern = access.access_concern(request.user, concern_id, for_write=True)
    pupil = concern.pupil
    earlier = [c for c in _earlier(pupil) if c.pk != concern.pk]
    form = ConcernForm(
        request.POST or None, initial=initial_from(concern), pupil=pupil, earlier=earlier
    )
    # What an entry confirms or refutes is fixed when it is written; a new entry changes it.
    for name in ("settles", "settlement"):
        form.fields[name].disabled = True
    raw_version = (
        request.POST.get("version", "") if request.method == "POST" else str(concern.version)
    )
    version = int(raw_version) if raw_version.isdigit() else 0
    reason = request.POST.get("reason", "").strip()
    if request.method == "GET":
        _record_read(request, pupil, "concern_edit", concern)
    if request.method == "POST" and form.is_valid():
        if not version:
            form.add_error(
                None, _("Dit formulier is verouderd. Open het verslag opnieuw om het te wijzigen.")
            )
        elif not reason:
            form.add_error(None, _("Geef aan waarom je het verslag wijzigt."))
        else:
            try:
                actions.do_update_concern(
                    concern,
                    form.to_input(),
                    version=version,
                    actor=Actor.from_request(request),
                    reason=reason,
                )
            except ConflictError:
                form.add_error(None, VERSION_CONFLICT)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("De wijziging is opgeslagen; de vorige versie blijft zichtbaar.")
                )
                return HttpResponseRedirect(reverse("concern_detail", args=[concern.pk]))
    return render(
        request,
        "concerns/concern_form.html",
        {
            "pupil": pupil,
            "form": form,
            "is_edit": True,
            "concern": concern,
            "version": version,
            "reason": reason,
            "found_names": [],
        },
    )


@login_required
@require_http_methods(["POST"])
def concern_delete(request: AuthedRequest, concern_id: int) -> HttpResponse:
    concern = access.access_concern(request.user, concern_id, for_write=True)
    pupil_id = concern.pupil_id
    try:
        actions.do_delete_concern(concern, actor=Actor.from_request(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("concern_detail", args=[concern.pk]))
    messages.success(request, _("Het verslag is verwijderd."))
    return HttpResponseRedirect(reverse("pupil_detail", args=[pupil_id]))


def _pupil_concern(request: AuthedRequest, concern_id: int) -> Concern:
    """An entry whose pupil the user may open (sharing and hand-over need that)."""
    concern = access.access_concern(request.user, concern_id)
    if not access.can_view_pupil(request.user, concern.pupil):
        raise Http404
    return concern


@login_required
@require_http_methods(["GET", "POST"])
def concern_share(request: AuthedRequest, concern_id: int) -> HttpResponse:
    concern = _pupil_concern(request, concern_id)
    colleagues = list(access.colleagues_for_sharing(request.user, concern.pupil))
    form = ShareForm(request.POST or None, colleagues=colleagues)
    if request.method == "POST" and form.is_valid():
        chosen = [u for u in colleagues if str(u.pk) in form.cleaned_data["colleagues"]]

        def share() -> str:
            actions.do_share_concern(
                concern,
                chosen,
                question=form.cleaned_data["question"],
                actor=Actor.from_request(request),
            )
            return reverse("concern_detail", args=[concern.pk])

        url, created = run_once(request.user, form.cleaned_data["submission_token"], share)
        if created:
            messages.success(
                request, _("Gedeeld. Je collega's zien dit verslag nu op hun startpagina.")
            )
        return HttpResponseRedirect(url)
    return render(request, "concerns/concern_share.html", {"concern": concern, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def concern_handover(request: AuthedRequest, concern_id: int) -> HttpResponse:
    concern = _pupil_concern(request, concern_id)
    if concern.handed_over_at:
        # Already handed over (also a second click on the button): show the entry.
        messages.info(request, _("Dit verslag is al overgedragen aan de intern begeleider."))
        return HttpResponseRedirect(reverse("concern_detail", args=[concern.pk]))
    form = HandoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def handover() -> str:
            actions.do_handover(
                concern, note=form.cleaned_data["note"], actor=Actor.from_request(request)
            )
            return reverse("concern_detail", args=[concern.pk])

        url, _created = run_once(request.user, form.cleaned_data["submission_token"], handover)
        messages.success(request, _("Overgedragen aan de intern begeleider."))
        return HttpResponseRedirect(url)
    return render(request, "concerns/concern_handover.html", {"concern": concern, "form": form})
