"""Care meetings over the API: the agenda of one meeting, as the meeting page shows it.

``GET /care-meetings/{id}/agenda?pseudonymised=true`` gives the items in their order as
:func:`vangnet.meetings.agenda.view` gives them: a case item by its case reference, with
known names in its texts replaced. ``pseudonymised=false`` is for the meeting's organisers
(the school's care coordinator and director): a pupil is then named only on the items
marked to be discussed by name *and* with a consent for naming on record. A member of the
meeting who is not an organiser always gets the pseudonymised agenda (the response says
which it is). A meeting the caller does not see is 404. Every call records its read
(``MEETING_VIEWED``: one event for the meeting, one per case item with its pupil) in the
same transaction as the reads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from ninja import Router, Schema

from vangnet.core import access
from vangnet.core.audit import Actor, Entry, record_many
from vangnet.core.http import AuthedRequest
from vangnet.core.models import EventType
from vangnet.meetings import agenda
from vangnet.meetings.actions import about_meeting

router = Router(tags=["care meetings"])


class ActionOut(Schema):
    what: str
    owner: str  # a name where names may be shown, else the role in the meeting
    due_on: dt.date


class ItemOut(Schema):
    id: int
    position: int
    kind: str  # case, overdue, warning, trends, other
    title: str
    who: str  # the case reference, or the pupil's name on a named item
    named: bool
    step: str  # the case's current step
    reason: str  # what the case asked the meeting
    recent: list[str]  # the case's latest records, in short
    figures: dict[str, Any]  # the figures of a warning or trends item
    analysis: str
    risk: str
    decision: str
    actions: list[ActionOut]


class AgendaOut(Schema):
    meeting_id: int
    series_id: int
    school_id: int
    held_on: dt.date
    closed: bool
    pseudonymised: bool
    items: list[ItemOut]


@router.get(
    "/{meeting_id}/agenda",
    response=AgendaOut,
    url_name="care_meeting_agenda",
    summary="The agenda of a care meeting, pseudonymised unless an organiser asks otherwise",
)
def care_meeting_agenda(
    request: AuthedRequest, meeting_id: int, pseudonymised: bool = True
) -> dict[str, Any]:
    user = request.user
    with transaction.atomic():
        meeting = access.access_care_meeting(user, meeting_id)
        organiser = access.can_organise_meetings(user, meeting.series.school)
        shown, views = agenda.view(
            meeting, pseudonymised=pseudonymised or not organiser, reader=user
        )
        base = about_meeting(meeting)
        entries = [
            Entry(
                EventType.MEETING_VIEWED,
                **base,
                data={"page": "api_agenda", "pseudonymised": shown, "items": len(views)},
            )
        ]
        entries += [
            Entry(
                EventType.MEETING_VIEWED,
                **base,
                pupil_id=v.item.case.pupil_id,
                data={"page": "api_agenda", "item": v.item.pk, "named": v.named},
            )
            for v in views
            if v.item.case is not None
        ]
        record_many(Actor.from_request(request, channel="api"), entries)
    return {
        "meeting_id": meeting.pk,
        "series_id": meeting.series_id,
        "school_id": meeting.series.school_id,
        "held_on": meeting.held_on,
        "closed": meeting.closed_at is not None,
        "pseudonymised": shown,
        "items": [
            {
                "id": v.item.pk,
                "position": v.item.position,
                "kind": v.kind,
                "title": v.title,
                "who": v.who,
                "named": v.named,
                "step": v.step,
                "reason": v.reason,
                "recent": v.recent,
                "figures": v.figures,
                "analysis": v.analysis,
                "risk": v.risk,
                "decision": v.decision,
                "actions": [
                    {"what": what, "owner": owner, "due_on": due} for what, owner, due in v.actions
                ],
            }
            for v in views
        ],
    }
