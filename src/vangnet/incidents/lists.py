"""A board's lists of incident categories and locations, started from the national
defaults (:mod:`vangnet.lib.incidents`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from vangnet.incidents.models import IncidentCategory, IncidentLocation
from vangnet.lib.incidents import DEFAULT_LOCATIONS, NATIONAL_CATEGORIES

if TYPE_CHECKING:
    from vangnet.organisations.models import Board


def ensure_lists(board: Board) -> None:
    """Give the board every national category (Dutch default label) it does not have yet,
    and the default locations when it has no locations at all. Safe to call again: a
    category the board renamed or switched off stays as the board left it."""
    with transaction.atomic():
        have_codes = set(
            IncidentCategory.objects.filter(board=board).values_list("code", flat=True)
        )
        labels = set(IncidentCategory.objects.filter(board=board).values_list("label", flat=True))
        new = []
        for position, (code, label) in enumerate(NATIONAL_CATEGORIES):
            if code in have_codes:
                continue
            name = label if label not in labels else f"{label} ({code})"
            new.append(IncidentCategory(board=board, code=code, label=name, position=position))
        IncidentCategory.objects.bulk_create(new)
        if not IncidentLocation.objects.filter(board=board).exists():
            IncidentLocation.objects.bulk_create(
                [
                    IncidentLocation(board=board, label=label, position=position)
                    for position, label in enumerate(DEFAULT_LOCATIONS)
                ]
            )
