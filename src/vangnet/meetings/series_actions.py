"""Changing a care-meeting series after it was set up: its settings, its members, stopping
and restarting it. Each function is one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.models import EventType
from vangnet.core.submissions import ConflictError
from vangnet.meetings.actions import MemberInput, _user
from vangnet.meetings.models import MeetingMember, MeetingSeries

if TYPE_CHECKING:
    from vangnet.accounts.models import User


# --- changing a series, its members, stopping it --------------------------------------------

SERIES_FIELDS = ("title", "recurrence", "first_on", "starts_at", "place")
NAME_MAX = 200  # the longest name, role title, series title or place


def about_series(series: MeetingSeries) -> dict[str, Any]:
    return {
        "board_id": series.school.board_id,
        "school_id": series.school_id,
        "object_type": "meeting_series",
        "object_id": str(series.pk),
    }


def has_been_held(series: MeetingSeries) -> bool:
    """Has a meeting of the series taken place (its date passed or its minutes closed)?
    Then the series' first date is history and stays as it is."""
    today = timezone.localdate()
    return series.meetings.filter(Q(held_on__lt=today) | Q(closed_at__isnull=False)).exists()


def _locked_series(series_id: int, user: User) -> MeetingSeries:
    """The series, locked until the transaction ends, for an organiser of its school."""
    series = (
        MeetingSeries.objects.select_for_update(of=("self",))
        .select_related("school")
        .get(pk=series_id)
    )
    if not access.can_organise_meetings(user, series.school):
        raise PermissionDenied
    return series


def _series_values(series: MeetingSeries) -> dict[str, str]:
    return {
        "title": series.title,
        "recurrence": series.recurrence,
        "first_on": series.first_on.isoformat(),
        "starts_at": series.starts_at.strftime("%H:%M"),
        "place": series.place,
    }


def do_update_series(
    series: MeetingSeries,
    *,
    title: str,
    recurrence: str,
    first_on: dt.date,
    starts_at: dt.time,
    place: str,
    actor: Actor,
    version: int,
) -> MeetingSeries:
    """Change the series' name, rhythm, time and place, and its first date while none of
    its meetings has been held. ``version`` is the one the form was opened with: a change
    saved meanwhile raises :class:`ConflictError`. Meetings already planned keep their
    dates; the next dates of the series follow the new rhythm."""
    user = _user(actor)
    with transaction.atomic():
        locked = _locked_series(series.pk, user)
        if locked.version != version:
            raise ConflictError
        errors: dict[str, str] = {}
        if not title.strip():
            errors["title"] = _("Geef het overleg een naam.")
        if recurrence not in MeetingSeries.Recurrence.values:
            errors["recurrence"] = _("Kies hoe vaak het overleg is.")
        for name, text in (("title", title), ("place", place)):
            if len(text.strip()) > NAME_MAX:
                errors[name] = _("Houd de tekst korter dan 200 tekens.")
        if first_on != locked.first_on:
            if has_been_held(locked):
                errors["first_on"] = _(
                    "Er is al een overleg van deze reeks geweest: de eerste keer ligt vast."
                )
            elif first_on < timezone.localdate() - dt.timedelta(days=366):
                errors["first_on"] = _("De eerste keer ligt meer dan een jaar terug.")
        if errors:
            raise ValidationError(errors)
        before = _series_values(locked)
        locked.title, locked.recurrence = title.strip(), recurrence
        locked.first_on, locked.starts_at, locked.place = first_on, starts_at, place.strip()
        after = _series_values(locked)
        changed = [name for name in SERIES_FIELDS if before[name] != after[name]]
        if not changed:
            return locked
        locked.version += 1
        locked.save(update_fields=[*changed, "version"])
        record(
            actor,
            EventType.MEETING_CHANGED,
            **about_series(locked),
            data={
                "old": {name: before[name] for name in changed},
                "new": {name: after[name] for name in changed},
            },
        )
    return locked


def do_add_member(series: MeetingSeries, member: MemberInput, *, actor: Actor) -> MeetingMember:
    """Someone joins the series: a colleague of the school (once), or someone from outside
    the school by name. The audit event names the member by its ids only."""
    user = _user(actor)
    errors: dict[str, str] = {}
    role_title, name = member.role_title.strip(), member.name.strip()
    if not role_title:
        errors["role_title"] = _("Vul de functie in het overleg in.")
    elif len(role_title) > NAME_MAX:
        errors["role_title"] = _("Houd de tekst korter dan 200 tekens.")
    if member.user is None and not name:
        errors["user"] = _("Kies een collega of vul een naam in.")
    elif member.user is None and len(name) > NAME_MAX:
        errors["name"] = _("Houd de tekst korter dan 200 tekens.")
    with transaction.atomic():
        locked = _locked_series(series.pk, user)
        colleague = member.user
        if colleague is not None:
            if not access.colleagues_for_school(locked.school).filter(pk=colleague.pk).exists():
                errors["user"] = _("Kies een collega van deze school.")
            elif locked.members.filter(user=colleague).exists():
                errors["user"] = _("%(name)s neemt al deel aan dit overleg.") % {
                    "name": colleague.full_name or colleague.email
                }
        if errors:
            raise ValidationError(errors)
        added = MeetingMember.objects.create(
            series=locked,
            user=colleague,
            name="" if colleague else name,
            role_title=role_title,
            own_team=member.own_team,
        )
        record(
            actor,
            EventType.MEETING_CHANGED,
            **about_series(locked),
            data={
                "member_added": added.pk,
                "user": colleague.pk if colleague else None,
                "own_team": added.own_team,
            },
        )
    return added


def _locked_member(member: MeetingMember, user: User) -> tuple[MeetingSeries, MeetingMember]:
    series = _locked_series(member.series_id, user)
    current = series.members.filter(pk=member.pk).first()
    if current is None:
        raise ValidationError(_("Deze deelnemer is intussen uit het overleg gehaald."))
    return series, current


def do_update_member(
    member: MeetingMember, *, role_title: str, own_team: bool, actor: Actor
) -> MeetingMember:
    """A member's role title in the meeting and whether they belong to the school's own
    care team (who does not makes the agenda pseudonymised by default)."""
    user = _user(actor)
    role_title = role_title.strip()
    if not role_title:
        raise ValidationError({"role_title": _("Vul de functie in het overleg in.")})
    if len(role_title) > NAME_MAX:
        raise ValidationError({"role_title": _("Houd de tekst korter dan 200 tekens.")})
    with transaction.atomic():
        series, current = _locked_member(member, user)
        changed = [
            field
            for field, value in (("role_title", role_title), ("own_team", own_team))
            if getattr(current, field) != value
        ]
        if not changed:
            return current
        current.role_title, current.own_team = role_title, own_team
        current.save(update_fields=changed)
        record(
            actor,
            EventType.MEETING_CHANGED,
            **about_series(series),
            data={"member_changed": current.pk, "user": current.user_id, "changed": changed},
        )
    return current


def do_remove_member(member: MeetingMember, *, actor: Actor) -> None:
    """A member leaves the series; a colleague no longer sees its meetings (unless they
    organise them). The series keeps at least one member."""
    user = _user(actor)
    with transaction.atomic():
        series, current = _locked_member(member, user)
        if series.members.count() <= 1:
            raise ValidationError(
                _(
                    "Een overleg houdt ten minste één deelnemer. Voeg eerst iemand anders toe "
                    "en haal daarna deze deelnemer weg."
                )
            )
        user_id = current.user_id
        current.delete()
        record(
            actor,
            EventType.MEETING_CHANGED,
            **about_series(series),
            data={"member_removed": member.pk, "user": user_id},
        )


def do_set_series_active(series: MeetingSeries, *, active: bool, actor: Actor) -> MeetingSeries:
    """Stop the series (no new dates can be planned; what was planned stays) or start it
    again. Asking for the state it is in already changes nothing."""
    user = _user(actor)
    with transaction.atomic():
        locked = _locked_series(series.pk, user)
        if locked.active == active:
            return locked
        locked.active = active
        locked.save(update_fields=["active"])
        record(actor, EventType.MEETING_CHANGED, **about_series(locked), data={"active": active})
    return locked
