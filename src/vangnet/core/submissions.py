"""One record per rendered form: double submits are answered with the first result."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

from django import forms
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from vangnet.core.models import SubmissionToken

if TYPE_CHECKING:
    from vangnet.accounts.models import User


class ConflictError(Exception):
    """Somebody else changed the record since the form was opened (optimistic locking)."""


class OnceFormMixin(forms.Form):
    """Adds the hidden per-render token that makes a submit idempotent."""

    submission_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            self.initial.setdefault("submission_token", secrets.token_urlsafe(24))


def run_once(user: User, token: str, create: Callable[[], str]) -> tuple[str, bool]:
    """Run ``create`` (which returns the URL of what it made) once per token.

    Returns ``(url, created)``. A repeated token returns the first submit's URL without
    running ``create`` again. Everything happens in one transaction: when ``create``
    fails, the token is not used up and the user can try again.
    """
    if not token:
        raise ValueError("missing submission token")
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = SubmissionToken.objects.create(token=token, user=user)
        except IntegrityError:
            existing = SubmissionToken.objects.filter(token=token, user=user).first()
            return (existing.result_url if existing else ""), False
        url = create()
        claim.result_url = url[:300]
        claim.save(update_fields=["result_url"])
        return url, True


VERSION_CONFLICT = _(
    "Iemand anders heeft dit intussen gewijzigd. Bekijk de nieuwe gegevens hieronder en "
    "voer je wijziging opnieuw in."
)
