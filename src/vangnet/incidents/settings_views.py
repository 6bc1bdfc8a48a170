"""The board's lists of incident categories and locations.

The board's administrator (like role titles: the lists are the board's, not one school's)
renames categories, switches them on or off and sets their order; a category is never
deleted (incidents keep it) and its national code never changes, so counts stay
comparable between boards. Locations can be added, renamed, reordered and switched off.
Others who know the board get 403, outsiders 404.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType, SubmissionToken
from vangnet.core.submissions import VERSION_CONFLICT, ConflictError, OnceFormMixin, run_once
from vangnet.incidents.lists import ensure_lists
from vangnet.incidents.models import IncidentCategory, IncidentLocation
from vangnet.lib.incidents import NATIONAL_CATEGORIES
from vangnet.organisations.models import Board

NEW_LOCATIONS = 3
MAX_LABEL = 100
NATIONAL_LABELS = dict(NATIONAL_CATEGORIES)

Row = IncidentCategory | IncidentLocation


def fingerprint(rows: Sequence[Row]) -> str:
    """What the lists looked like when the form was opened (optimistic locking)."""
    ordered = sorted(rows, key=lambda r: (type(r).__name__, r.pk))
    text = "|".join(
        f"{type(r).__name__}:{r.pk}:{r.label}:{int(r.active)}:{r.position}" for r in ordered
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class IncidentListsForm(OnceFormMixin):
    """Per category and location: name, in use, position; plus a few empty rows for new
    locations. The national code is shown, never posted."""

    state = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(
        self,
        *args: Any,
        categories: Sequence[IncidentCategory],
        locations: Sequence[IncidentLocation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        self.locations = list(locations)
        if not self.is_bound:
            self.initial["state"] = fingerprint([*self.categories, *self.locations])
        for prefix, rows in (("cat", self.categories), ("loc", self.locations)):
            for row in rows:
                self._row_fields(f"{prefix}_{row.pk}", row.label, row.active, row.position)
        start = max((loc.position for loc in self.locations), default=-1) + 1
        for n in range(NEW_LOCATIONS):
            self._row_fields(f"new_{n}", "", True, start + n, required=False)

    def _row_fields(
        self, key: str, label: str, active: bool, position: int, *, required: bool = True
    ) -> None:
        self.fields[f"{key}_label"] = forms.CharField(
            label=gettext_lazy("Naam"),
            max_length=MAX_LABEL,
            required=required,
            initial=label,
            error_messages={
                "required": gettext_lazy("Vul een naam in; uitzetten kan met ‘in gebruik’."),
                "max_length": gettext_lazy(
                    "De naam is te lang (hoogstens %(limit_value)d tekens)."
                ),
            },
        )
        self.fields[f"{key}_active"] = forms.BooleanField(
            label=gettext_lazy("In gebruik"), required=False, initial=active
        )
        self.fields[f"{key}_position"] = forms.IntegerField(
            label=gettext_lazy("Volgorde"),
            min_value=0,
            max_value=999,
            required=False,
            initial=position,
            widget=forms.NumberInput(attrs={"size": 3, "class": "narrow"}),
            error_messages={
                "invalid": gettext_lazy("Vul een heel getal in."),
                "min_value": gettext_lazy("Vul een getal van 0 tot en met 999 in."),
                "max_value": gettext_lazy("Vul een getal van 0 tot en met 999 in."),
            },
        )

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        """The bound fields per row, for the template."""

        def fields(key: str) -> dict[str, Any]:
            return {
                "label": self[f"{key}_label"],
                "active": self[f"{key}_active"],
                "position": self[f"{key}_position"],
            }

        return {
            "categories": [
                {
                    "row": c,
                    "national": _(NATIONAL_LABELS.get(c.code, c.code)),
                    **fields(f"cat_{c.pk}"),
                }
                for c in self.categories
            ],
            "locations": [{"row": loc, **fields(f"loc_{loc.pk}")} for loc in self.locations],
            "new": [fields(f"new_{n}") for n in range(NEW_LOCATIONS)],
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self._unique("cat", self.categories, [])
        self._unique("loc", self.locations, [f"new_{n}" for n in range(NEW_LOCATIONS)])
        if self.categories and not any(data.get(f"cat_{c.pk}_active") for c in self.categories):
            raise ValidationError(_("Laat minstens één soort incident in gebruik."))
        if not any(data.get(f"loc_{loc.pk}_active") for loc in self.locations) and not any(
            (data.get(f"new_{n}_label") or "").strip() and data.get(f"new_{n}_active")
            for n in range(NEW_LOCATIONS)
        ):
            raise ValidationError(_("Laat minstens één plaats in gebruik."))
        return data

    def _unique(self, prefix: str, rows: Sequence[Row], extra: list[str]) -> None:
        seen: dict[str, str] = {}
        for key in [f"{prefix}_{r.pk}" for r in rows] + extra:
            label = (self.cleaned_data.get(f"{key}_label") or "").strip()
            if not label:
                continue
            folded = label.casefold()
            if folded in seen:
                self.add_error(
                    f"{key}_label", _("Deze naam staat al in de lijst; kies een andere naam.")
                )
            else:
                seen[folded] = key

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data

        def row(key: str, current: Row) -> dict[str, Any]:
            position = data.get(f"{key}_position")
            return {
                "label": data[f"{key}_label"].strip(),
                "active": bool(data.get(f"{key}_active")),
                "position": current.position if position is None else position,
            }

        return {
            "categories": {c.pk: row(f"cat_{c.pk}", c) for c in self.categories},
            "locations": {loc.pk: row(f"loc_{loc.pk}", loc) for loc in self.locations},
            "new": [
                {
                    "label": (data.get(f"new_{n}_label") or "").strip(),
                    "active": bool(data.get(f"new_{n}_active")),
                    "position": data.get(f"new_{n}_position") or 0,
                }
                for n in range(NEW_LOCATIONS)
                if (data.get(f"new_{n}_label") or "").strip()
            ],
        }


def do_update_incident_lists(
    board: Board, changes: dict[str, Any], state: str, *, actor: Actor
) -> dict[str, Any]:
    """Apply the administrator's changes; raises :class:`ConflictError` when the lists
    changed since the form was opened. Returns what changed (also in the audit event)."""
    with transaction.atomic():
        categories = list(
            IncidentCategory.objects.select_for_update().filter(board=board).order_by("pk")
        )
        locations = list(
            IncidentLocation.objects.select_for_update().filter(board=board).order_by("pk")
        )
        if fingerprint([*categories, *locations]) != state:
            raise ConflictError
        done: dict[str, Any] = {"categories": [], "locations": [], "added": []}
        for kind, rows in (("categories", categories), ("locations", locations)):
            wanted = changes[kind]
            for current in rows:
                new = wanted.get(current.pk)
                if new is None:
                    continue
                old = {
                    "label": current.label,
                    "active": current.active,
                    "position": current.position,
                }
                if old == new:
                    continue
                # Two-step rename avoids tripping the unique label while names are swapped.
                type(current).objects.filter(pk=current.pk).update(label=f"~{current.pk}~")
                entry = {"id": current.pk, "old": old, "new": new}
                if isinstance(current, IncidentCategory):
                    entry["code"] = current.code
                done[kind].append((current, new, entry))
        for kind in ("categories", "locations"):
            for current, new, _entry in done[kind]:
                type(current).objects.filter(pk=current.pk).update(**new)
            done[kind] = [entry for _c, _n, entry in done[kind]]
        for new in changes["new"]:
            created = IncidentLocation.objects.create(board=board, **new)
            done["added"].append({"id": created.pk, **new})
        if any(done.values()):
            record(
                actor,
                EventType.INCIDENT_LISTS_CHANGED,
                board_id=board.pk,
                object_type="board",
                object_id=str(board.pk),
                data=done,
            )
    return done


def _lists(board: Board) -> tuple[list[IncidentCategory], list[IncidentLocation]]:
    return (
        list(IncidentCategory.objects.filter(board=board).order_by("position", "label")),
        list(IncidentLocation.objects.filter(board=board).order_by("position", "label")),
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_lists(request: AuthedRequest, board_id: int) -> HttpResponse:
    user = request.user
    board = access.access_board(user, board_id, for_write=True)
    if not access.can_manage_board(user, board):  # the same rule, said where it is used
        raise PermissionDenied
    ensure_lists(board)
    categories, locations = _lists(board)
    if request.method == "POST":
        # A repeated submit changed the rows the form is built from: answer it first.
        earlier = SubmissionToken.objects.filter(
            user=user, token=str(request.POST.get("submission_token", ""))[:64]
        ).first()
        if earlier is not None and earlier.result_url:
            messages.info(request, _("Dit formulier was al verstuurd; het is één keer opgeslagen."))
            return HttpResponseRedirect(earlier.result_url)
    form = IncidentListsForm(request.POST or None, categories=categories, locations=locations)
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            url, _created = run_once(
                user,
                data["submission_token"],
                lambda: _save(request, board, form),
            )
        except ConflictError:
            conflict = True
            categories, locations = _lists(board)
            form = IncidentListsForm(categories=categories, locations=locations)
        else:
            return HttpResponseRedirect(url)
    return render(
        request,
        "incidents/settings_lists.html",
        {
            "board": board,
            "form": form,
            "rows": form.rows(),
            "conflict": VERSION_CONFLICT if conflict else "",
        },
    )


def _save(request: AuthedRequest, board: Board, form: IncidentListsForm) -> str:
    done = do_update_incident_lists(
        board, form.changes(), form.cleaned_data["state"], actor=Actor.from_request(request)
    )
    if any(done.values()):
        messages.success(request, _("De lijsten voor incidenten zijn opgeslagen."))
    else:
        messages.info(request, _("Er was niets gewijzigd."))
    return reverse("incident_lists", args=[board.pk])
