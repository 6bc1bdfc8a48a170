"""Core actions: break-the-glass access."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core.audit import Actor, record
from vangnet.core.models import BreakGlassGrant, EventType
from vangnet.organisations.models import Pupil

MIN_REASON_LENGTH = 15


def do_break_glass(pupil: Pupil, *, reason: str, actor: Actor) -> BreakGlassGrant:
    """Give ``actor.user`` time-limited access to ``pupil`` for a stated reason.

    The caller has checked that the board allows it and the pupil is at the user's
    school (:func:`vangnet.core.access.access_break_glass`).
    """
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            _("Beschrijf de reden in minstens %(n)d tekens: waarom moet je deze leerling nu zien?")
            % {"n": MIN_REASON_LENGTH}
        )
    if actor.user is None:
        raise ValueError("break-the-glass needs a user")
    board = pupil.school.board
    if not board.break_glass_allowed:
        raise ValidationError(_("Het bestuur staat noodtoegang niet toe."))
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=actor.user,
            pupil=pupil,
            reason=reason,
            granted_at=now,
            expires_at=now + dt.timedelta(minutes=board.break_glass_minutes),
        )
        record(
            actor,
            EventType.BREAK_GLASS_GRANTED,
            board_id=board.pk,
            school_id=pupil.school_id,
            pupil_id=pupil.pk,
            object_type="break_glass",
            object_id=str(grant.pk),
            reason=reason,
            data={"expires_at": grant.expires_at.isoformat()},
        )
    return grant
