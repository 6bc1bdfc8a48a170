"""Making and downloading a measure's letters, and the board's own letter texts.

Access (:mod:`vangnet.core.access`):

* making a letter (POST): who works on the measure (``access_measure(for_write=True)``):
  the school's director and the members of the ladder case who work on it; others who see
  the measure get 403, everybody else 404;
* downloading: everybody who sees the measure (``visible_measures``: the case's readers,
  and the board for the measures it decides). The read event commits before the file is
  sent; the file name never holds the pupil's name;
* the board's letter texts: the board's administrator and board role
  (``access_letter_templates``); other members of the board get 403, outsiders 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vangnet.core import access
from vangnet.core.audit import Actor
from vangnet.core.http import AuthedRequest
from vangnet.core.models import SubmissionToken
from vangnet.core.submissions import VERSION_CONFLICT, ConflictError, OnceFormMixin, run_once
from vangnet.measures import letter_texts as texts
from vangnet.measures import letters
from vangnet.measures.letter_render import sample_values
from vangnet.measures.models import Measure
from vangnet.organisations.models import Board

ALREADY_SENT = gettext_lazy("Dit formulier was al verstuurd; de brief is één keer gemaakt.")
ALREADY_SAVED = gettext_lazy("Dit formulier was al verstuurd; de tekst is één keer opgeslagen.")


def measure_page(measure: Measure) -> str:
    return reverse("measure_detail", args=[measure.pk])


class LetterForm(OnceFormMixin):
    """One button per letter: the kind and the form's one-time token."""

    kind = forms.ChoiceField(choices=letters.LETTER_KINDS)


@login_required
@require_POST
def measure_letter_create(request: AuthedRequest, measure_id: int) -> HttpResponse:
    measure = access.access_measure(request.user, measure_id, for_write=True)
    back = measure_page(measure) + "#brieven"
    form = LetterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies een brief om te maken."))
        return HttpResponseRedirect(back)
    token = form.cleaned_data["submission_token"]
    earlier = SubmissionToken.objects.filter(user=request.user, token=token).first()
    if earlier is not None:
        messages.info(request, ALREADY_SENT)
        return HttpResponseRedirect(earlier.result_url or back)
    kind = form.cleaned_data["kind"]
    try:
        document = letters.do_generate(
            measure, kind, actor=Actor.from_request(request), token=token, result_url=back
        )
    except letters.AlreadySubmitted as done:
        messages.info(request, ALREADY_SENT)
        return HttpResponseRedirect(done.url or back)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return HttpResponseRedirect(back)
    except ConflictError:
        messages.error(request, VERSION_CONFLICT)
        return HttpResponseRedirect(back)
    label = letters.label_of(kind)
    if document.number > 1:
        messages.success(
            request,
            _("%(letter)s is opnieuw gemaakt (versie %(n)d). U vindt de bestanden hieronder.")
            % {"letter": label, "n": document.number},
        )
    else:
        messages.success(
            request,
            _("%(letter)s is gemaakt. U vindt de bestanden hieronder.") % {"letter": label},
        )
    return HttpResponseRedirect(back)


@login_required
@require_GET
def measure_letter(
    request: AuthedRequest, measure_id: int, document_id: int, fmt: str
) -> FileResponse:
    measure = access.access_measure(request.user, measure_id)
    if fmt not in letters.CONTENT_TYPES:
        raise Http404
    document = letters.documents(measure).filter(pk=document_id).first()
    if document is None:
        raise Http404
    document.measure = measure
    stored = document.pdf if fmt == "pdf" else document.docx
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    # No byte of the letter leaves the server without its event.
    try:
        letters.record_view(document, fmt, actor=Actor.from_request(request))
    except BaseException:
        handle.close()
        raise
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=letters.download_name(document, fmt),
        content_type=letters.CONTENT_TYPES[fmt],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# --- the board's letter texts -------------------------------------------------------------


@login_required
@require_GET
def letter_templates(request: AuthedRequest, board_id: int) -> HttpResponse:
    board = access.access_letter_templates(request.user, board_id)
    own = {t.kind: t for t in board.letter_templates.select_related("updated_by").order_by("kind")}
    rows = [
        {"kind": kind, "label": label, "own": own.get(kind)} for kind, label in letters.LETTER_KINDS
    ]
    return render(request, "measures/letter_templates.html", {"board": board, "rows": rows})


class TemplateForm(OnceFormMixin):
    body = forms.CharField(
        label=gettext_lazy("Tekst van de brief"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 26, "spellcheck": "true"}),
        help_text=gettext_lazy(
            "Zet een lege regel tussen twee alinea’s. Een invulveld staat tussen accolades, "
            "zoals {leerling}; Vangnet vult het in met de gegevens van de maatregel."
        ),
        error_messages={"required": gettext_lazy("De tekst is leeg.")},
    )
    based_on = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["body"].widget.attrs["aria-describedby"] = "id_body_helptext placeholders"

    def clean_body(self) -> str:
        body = str(self.cleaned_data["body"]).replace("\r\n", "\n")
        problems = texts.template_problems(self.kind, body)
        if problems:
            raise ValidationError(problems)
        return body.strip()


def _template_kind(kind: str) -> str:
    if kind not in letters.LABELS:
        raise Http404
    return kind


def _templates_page(board: Board, kind: str) -> str:
    return reverse("letter_template_edit", args=[board.pk, kind])


@login_required
@require_http_methods(["GET", "POST"])
def letter_template_edit(request: AuthedRequest, board_id: int, kind: str) -> HttpResponse:
    board = access.access_letter_templates(request.user, board_id)
    kind = _template_kind(kind)
    own = letters.board_template(board.pk, kind)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    preview: list[str] = []
    conflict = False
    if action in ("save", "preview", "reset"):
        if action == "reset":
            return _reset(request, board, kind)
        form = TemplateForm(request.POST, kind=kind)
        if form.is_valid():
            body = form.cleaned_data["body"]
            if action == "preview":
                preview = texts.fill(body, sample_values(board, kind, timezone.localdate()))
            else:
                outcome = _save(request, board, kind, form)
                if isinstance(outcome, HttpResponse):
                    return outcome
                conflict = outcome
                own = letters.board_template(board.pk, kind)
    else:
        body = own.body if own is not None else texts.default_body(kind)
        form = TemplateForm(initial={"body": body, "based_on": letters.fingerprint(own)}, kind=kind)
        preview = texts.fill(body, sample_values(board, kind, timezone.localdate()))
    return render(
        request,
        "measures/letter_template_edit.html",
        {
            "board": board,
            "kind": kind,
            "label": letters.label_of(kind),
            "own": own,
            "form": form,
            "preview": preview,
            "conflict": conflict,
            "stored": own.body if own is not None else texts.default_body(kind),
            "placeholders": [(n, texts.PLACEHOLDERS[n]) for n in texts.PLACEHOLDERS_OF[kind]],
            "reset_form": OnceFormMixin(),
        },
    )


def _save(
    request: AuthedRequest, board: Board, kind: str, form: TemplateForm
) -> HttpResponse | bool:
    """Store the text and go back to the list; otherwise the form is kept with its errors
    and the answer says whether somebody changed the text meanwhile."""

    def save() -> str:
        letters.do_save_template(
            board,
            kind,
            form.cleaned_data["body"],
            actor=Actor.from_request(request),
            based_on=form.cleaned_data.get("based_on") or "",
        )
        return reverse("letter_templates", args=[board.pk])

    try:
        url, created = run_once(request.user, form.cleaned_data["submission_token"], save)
    except ConflictError:
        posted = request.POST.copy()
        posted["based_on"] = letters.fingerprint(letters.board_template(board.pk, kind))
        form.data = posted
        form.add_error(None, VERSION_CONFLICT)
        return True
    except ValidationError as exc:
        form.add_error("body", exc.messages)
        return False
    if created:
        messages.success(
            request,
            _("De tekst van ‘%(letter)s’ is opgeslagen; nieuwe brieven gebruiken deze tekst.")
            % {"letter": letters.label_of(kind)},
        )
    else:
        messages.info(request, ALREADY_SAVED)
    return HttpResponseRedirect(url)


def _reset(request: AuthedRequest, board: Board, kind: str) -> HttpResponse:
    token = str(request.POST.get("submission_token", ""))
    if not token:
        raise Http404

    def reset() -> str:
        letters.do_reset_template(
            board,
            kind,
            actor=Actor.from_request(request),
            based_on=str(request.POST.get("based_on", "")),
        )
        return reverse("letter_templates", args=[board.pk])

    try:
        url, created = run_once(request.user, token, reset)
    except ConflictError:
        messages.error(request, VERSION_CONFLICT)
        return HttpResponseRedirect(_templates_page(board, kind))
    if created:
        messages.success(
            request,
            _("‘%(letter)s’ gebruikt weer de tekst van Vangnet.")
            % {"letter": letters.label_of(kind)},
        )
    return HttpResponseRedirect(url)
