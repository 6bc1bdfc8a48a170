"""Template helpers for the attachments partial (``incidents/partials/_attachments.html``),
so any page can include it with just ``incident`` and ``can_edit``."""

from __future__ import annotations

from django import template

from vangnet.incidents.attachments import ACCEPT, AttachmentForm, max_upload_mb

register = template.Library()


@register.simple_tag
def attachment_form() -> AttachmentForm:
    """A fresh upload form (with its own one-time token)."""
    return AttachmentForm()


@register.simple_tag
def attachment_limits() -> dict[str, object]:
    return {"mb": max_upload_mb(), "accept": ACCEPT}
