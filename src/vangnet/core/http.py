"""Request types for views behind login, and the response for a downloaded document."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from vangnet.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request whose user is logged in (views decorated with ``login_required``)."""

    user: User


def download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    """A document to save (PDF, DOCX) that no browser or proxy keeps in its cache."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def posted_version(request: HttpRequest) -> int | None:
    """The record version a form was opened at (its hidden ``version`` field), or None when
    it is missing or not a plain number; actions compare it to refuse a stale form."""
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None
