"""The import page: pupils, guardians and staff from a CSV export, for administrators."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from vangnet.core import access
from vangnet.core.audit import Actor
from vangnet.core.http import AuthedRequest
from vangnet.core.models import AuditEvent, EventType
from vangnet.core.submissions import OnceFormMixin, run_once
from vangnet.organisations.importing import (
    COLUMNS,
    EXAMPLES,
    KINDS,
    MAX_BYTES,
    ImportResult,
    do_import,
    summary_lines,
)
from vangnet.organisations.models import Board


class ImportForm(OnceFormMixin):
    kind = forms.ChoiceField(
        label=gettext_lazy("Wat staat er in het bestand?"),
        choices=list(KINDS.items()),
        error_messages={
            "required": gettext_lazy("Kies wat je importeert."),
            "invalid_choice": gettext_lazy("Kies leerlingen, ouders/verzorgers of medewerkers."),
        },
    )
    file = forms.FileField(
        label=gettext_lazy("CSV-bestand"),
        help_text=gettext_lazy(
            "Een CSV-bestand van hoogstens 5 MB, met de kolomnamen in de eerste rij. Kolommen "
            "gescheiden door een puntkomma of een komma."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.txt,text/csv"}),
        error_messages={
            "required": gettext_lazy("Kies een CSV-bestand."),
            "empty": gettext_lazy("Het gekozen bestand is leeg."),
            "invalid": gettext_lazy("Kies een CSV-bestand."),
        },
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Het bestand is groter dan 5 MB. Splits het, bijvoorbeeld per school.")
            )
        return upload


class _ImportFailed(Exception):
    """Raised inside run_once so that a file with errors does not use up the token."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__(result.kind)
        self.result = result


@login_required
@require_http_methods(["GET", "POST"])
def pupil_import(request: AuthedRequest, board_id: int) -> HttpResponse:
    user = request.user
    board = access.access_board(user, board_id, for_write=True)
    if not access.can_import(user, board):
        raise PermissionDenied
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    result: ImportResult | None = None
    if posted and form.is_valid():
        data = form.cleaned_data

        def run() -> str:
            upload = data["file"]
            done = do_import(
                board,
                data["kind"],
                upload.read(),
                actor=Actor.from_request(request),
                filename=upload.name or "",
            )
            if not done.ok:
                raise _ImportFailed(done)
            return f"{reverse('pupil_import', args=[board.pk])}?import={done.event_id}#result"

        try:
            url, _created = run_once(user, data["submission_token"], run)
        except _ImportFailed as exc:
            result = exc.result
            form.add_error(
                None,
                _(
                    "Er is niets geïmporteerd: het bestand bevat fouten (zie de tabel hieronder). "
                    "Verbeter het bestand en kies het opnieuw; een browser kan een gekozen "
                    "bestand niet voor je bewaren."
                ),
            )
            form.add_error("file", _("Kies het verbeterde bestand opnieuw."))
        else:
            return HttpResponseRedirect(url or reverse("pupil_import", args=[board.pk]))
    return render(
        request,
        "organisations/import.html",
        {
            "board": board,
            "form": form,
            "result": result,
            "summary": _summary(board, request.GET.get("import", "")),
            "formats": [(k, label, COLUMNS[k], EXAMPLES[k]) for k, label in KINDS.items()],
        },
    )


def _summary(board: Board, event_id: str) -> dict[str, Any] | None:
    """The result of a finished import, read back from its audit event (counts only)."""
    if not event_id.isdigit() or len(event_id) > 18:  # keep within a 64-bit id
        return None
    event = AuditEvent.objects.filter(
        pk=int(event_id), board_id=board.pk, event_type=EventType.IMPORT_COMPLETED
    ).first()
    if event is None:
        return None
    data = event.data
    return {
        "kind": KINDS.get(data.get("kind", ""), ""),
        "rows": data.get("rows", 0),
        "filename": data.get("filename", ""),
        "at": event.occurred_at,
        "lines": summary_lines(data.get("counts", {}), data.get("unchanged", 0)),
    }
