"""Template helpers for the letters partial (``measures/partials/letters.html``), so the
measure page and the case page can include it with just the documents and the letters."""

from __future__ import annotations

from django import template

from vangnet.measures.letters import label_of

register = template.Library()


@register.simple_tag
def letter_form() -> object:
    """A fresh form for one "make this letter" button (with its own one-time token)."""
    from vangnet.measures.letter_views import LetterForm

    return LetterForm()


@register.filter
def letter_label(kind: str) -> str:
    """The Dutch name of a letter kind: "Brief over de schorsing"."""
    return label_of(kind)
