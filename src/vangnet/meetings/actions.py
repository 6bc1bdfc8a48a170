"""Planning a care meeting, building its agenda, naming consent and the minutes.

Every function is one transaction with its audit event. The agenda is built from what is
there: cases that asked for the meeting, cases with an overdue step, the incident
register's early warnings for the school, and one trends item with the figures since the
previous meeting. Building again adds only what is new.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from vangnet.cases.actions import about_case
from vangnet.cases.models import Case, CaseTask
from vangnet.core import access
from vangnet.core.audit import Actor, about_pupil, record
from vangnet.core.models import EventType
from vangnet.core.notify import notify
from vangnet.core.submissions import ConflictError
from vangnet.incidents import insights
from vangnet.lib.consent import giver_problem
from vangnet.meetings.agenda import label_for, naming_allowed
from vangnet.meetings.models import (
    AgendaItem,
    CareMeeting,
    ItemAction,
    MeetingMember,
    MeetingRequest,
    MeetingSeries,
    NamingConsent,
)

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.organisations.models import Guardian, Pupil, School

MAX_TEXT = 10_000
TRENDS_DEFAULT_DAYS = 28


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise ValueError("a care meeting is changed by a person")
    return actor.user


def about_meeting(meeting: CareMeeting) -> dict[str, Any]:
    school = meeting.series.school
    return {
        "board_id": school.board_id,
        "school_id": school.pk,
        "object_type": "care_meeting",
        "object_id": str(meeting.pk),
    }


# --- the series and its dates --------------------------------------------------------------


@dataclass
class MemberInput:
    role_title: str
    user: User | None = None
    name: str = ""
    own_team: bool = True


def next_dates(series: MeetingSeries, after: dt.date, count: int = 4) -> list[dt.date]:
    """The series' next meeting dates on or after ``after``."""
    out: list[dt.date] = []
    day = series.first_on
    step = {"weekly": 7, "fortnightly": 14, "four_weekly": 28}.get(series.recurrence)
    index = 0
    while len(out) < count:
        if step is not None:
            day = series.first_on + dt.timedelta(days=step * index)
        else:  # monthly, on the same day of the month (or the month's last day)
            months = series.first_on.month - 1 + index
            year = series.first_on.year + months // 12
            month = months % 12 + 1
            last = calendar.monthrange(year, month)[1]
            day = dt.date(year, month, min(series.first_on.day, last))
        if day >= after:
            out.append(day)
        index += 1
    return out


def do_create_series(
    school: School,
    *,
    title: str,
    recurrence: str,
    first_on: dt.date,
    starts_at: dt.time,
    place: str,
    members: list[MemberInput],
    actor: Actor,
) -> MeetingSeries:
    user = _user(actor)
    if not access.can_organise_meetings(user, school):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Geef het overleg een naam.")
    if recurrence not in MeetingSeries.Recurrence.values:
        errors["recurrence"] = _("Kies hoe vaak het overleg is.")
    if first_on < timezone.localdate() - dt.timedelta(days=366):
        errors["first_on"] = _("De eerste keer ligt meer dan een jaar terug.")
    colleagues = set(access.colleagues_for_school(school).values_list("pk", flat=True))
    for i, member in enumerate(members):
        if not member.role_title.strip():
            errors[f"member_{i}"] = _("Vul de functie in het overleg in.")
        elif member.user is None and not member.name.strip():
            errors[f"member_{i}"] = _("Kies een collega of vul een naam in.")
        elif member.user is not None and member.user.pk not in colleagues:
            errors[f"member_{i}"] = _("Kies een collega van deze school.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        series = MeetingSeries.objects.create(
            school=school,
            title=title.strip(),
            recurrence=recurrence,
            first_on=first_on,
            starts_at=starts_at,
            place=place.strip(),
            created_by=user,
        )
        MeetingMember.objects.bulk_create(
            [
                MeetingMember(
                    series=series,
                    user=m.user,
                    name="" if m.user else m.name.strip(),
                    role_title=m.role_title.strip(),
                    own_team=m.own_team,
                )
                for m in members
            ]
        )
        record(
            actor,
            EventType.MEETING_CHANGED,
            board_id=school.board_id,
            school_id=school.pk,
            object_type="meeting_series",
            object_id=str(series.pk),
            data={"members": len(members), "recurrence": recurrence},
        )
    return series


def do_plan_meeting(series: MeetingSeries, held_on: dt.date, *, actor: Actor) -> CareMeeting:
    """A meeting of the series on a date (one per date: planning it again returns it)."""
    user = _user(actor)
    if not access.can_organise_meetings(user, series.school):
        raise PermissionDenied
    if not series.active:
        raise ValidationError(
            _(
                "Dit overleg is gestopt: er worden geen nieuwe data gepland. Start het overleg "
                "weer om een datum te plannen."
            )
        )
    if held_on < timezone.localdate() - dt.timedelta(days=60):
        raise ValidationError({"held_on": _("Deze datum ligt meer dan twee maanden terug.")})
    with transaction.atomic():
        meeting, created = CareMeeting.objects.get_or_create(series=series, held_on=held_on)
        if created:
            record(
                actor,
                EventType.MEETING_CHANGED,
                **about_meeting(meeting),
                data={"held_on": held_on.isoformat()},
            )
    return meeting


# --- asking for the meeting -----------------------------------------------------------------


def do_request_meeting(case: Case, *, reason: str, actor: Actor) -> MeetingRequest:
    user = _user(actor)
    if not access.can_request_meeting(user, case):
        raise PermissionDenied
    if len(reason.strip()) < 10:
        raise ValidationError(
            {"reason": _("Beschrijf in ten minste 10 tekens wat het overleg moet bespreken.")}
        )
    if len(reason) > MAX_TEXT:
        raise ValidationError({"reason": _("Houd de tekst korter dan 10.000 tekens.")})
    with transaction.atomic():
        if case.is_closed:
            raise ValidationError(_("Dit traject is afgesloten."))
        existing = MeetingRequest.objects.filter(case=case, handled_in=None).first()
        if existing is not None:
            return existing  # asked already: one open request per case
        request = MeetingRequest.objects.create(case=case, reason=reason.strip(), requested_by=user)
        record(
            actor,
            EventType.MEETING_REQUESTED,
            **about_case(case),
            data={"request": request.pk},
        )
    return request


# --- the agenda -----------------------------------------------------------------------------


def _previous(meeting: CareMeeting) -> CareMeeting | None:
    return (
        CareMeeting.objects.filter(series=meeting.series, held_on__lt=meeting.held_on)
        .order_by("-held_on")
        .first()
    )


def do_build_agenda(meeting: CareMeeting, *, actor: Actor) -> list[AgendaItem]:
    """Add what belongs on the agenda and is not on it yet; returns the new items."""
    user = _user(actor)
    with transaction.atomic():
        meeting = (
            CareMeeting.objects.select_for_update()
            .select_related("series__school")
            .get(pk=meeting.pk)
        )
        school = meeting.series.school
        if not access.can_organise_meetings(user, school):
            raise PermissionDenied
        if meeting.closed_at is not None:
            raise ValidationError(_("Het verslag van dit overleg is al afgesloten."))
        position = (meeting.items.aggregate(m=Max("position"))["m"] or 0) + 1
        on_agenda = set(meeting.items.exclude(case=None).values_list("case_id", flat=True))
        new: list[AgendaItem] = []

        def add(**fields: Any) -> None:
            nonlocal position
            new.append(AgendaItem(meeting=meeting, position=position, **fields))
            position += 1

        # 1. cases that asked for the meeting
        requests = MeetingRequest.objects.filter(
            case__school=school, handled_in=None, case__state__in=("open", "monitoring")
        ).select_related("case__pupil")
        for request in requests:
            if request.case_id in on_agenda:
                continue
            add(
                kind=AgendaItem.Kind.CASE,
                case=request.case,
                request=request,
                title=_("Aangemeld: %(case)s") % {"case": label_for(request.case)},
            )
            on_agenda.add(request.case_id)
        # 2. cases with a step that is behind
        overdue = (
            CaseTask.objects.filter(
                case__school=school,
                case__state__in=("open", "monitoring"),
                kind=CaseTask.Kind.TERM,
                done_at=None,
                due_on__lt=meeting.held_on,
            )
            .values("case_id")
            .annotate(n=Count("id"))
        )
        for row in overdue:
            if row["case_id"] in on_agenda:
                continue
            case = Case.objects.select_related("pupil").get(pk=row["case_id"])
            add(
                kind=AgendaItem.Kind.OVERDUE,
                case=case,
                title=_("Stap loopt achter: %(case)s") % {"case": label_for(case)},
            )
            on_agenda.add(case.pk)
        # 3. the incident register's early warnings for this school
        known = set(
            meeting.items.filter(kind=AgendaItem.Kind.WARNING).values_list("title", flat=True)
        )
        for by in ("category", "location"):
            for key, signal in insights.early_warnings(
                user, by, school=school.pk, today=meeting.held_on
            ):
                from vangnet.incidents.overview import _label  # the page's own label

                title = _("Vroeg signaal: %(what)s") % {"what": _label(by, key)}
                if title in known:
                    continue
                add(
                    kind=AgendaItem.Kind.WARNING,
                    title=title,
                    detail={
                        "by": by,
                        "key": key,
                        "latest": signal.latest,
                        "mean": round(signal.mean, 1),
                        "threshold": round(signal.threshold, 1),
                    },
                )
        # 4. the trends since the previous meeting
        if not meeting.items.filter(kind=AgendaItem.Kind.TRENDS).exists():
            add(
                kind=AgendaItem.Kind.TRENDS,
                title=_("Trends sinds het vorige overleg"),
                detail=_trends(user, meeting),
            )
        AgendaItem.objects.bulk_create(new)
        MeetingRequest.objects.filter(
            pk__in=[i.request.pk for i in new if i.request is not None]
        ).update(handled_in=meeting)
        meeting.agenda_built_at = timezone.now()
        meeting.version += 1
        meeting.save(update_fields=["agenda_built_at", "version"])
        record(
            actor,
            EventType.MEETING_ITEM_ADDED,
            **about_meeting(meeting),
            data={"added": len(new), "kinds": sorted({i.kind for i in new})},
        )
    return new


def _trends(user: User, meeting: CareMeeting) -> dict[str, Any]:
    """Figures since the previous meeting (or the last four weeks): incidents per category,
    cases opened and closed. Counts only."""
    previous = _previous(meeting)
    since = (
        previous.held_on if previous else meeting.held_on - dt.timedelta(days=TRENDS_DEFAULT_DAYS)
    )
    until = meeting.held_on - dt.timedelta(days=1)
    school = meeting.series.school
    qs = insights.filtered(user, school=school.pk, date_from=since, date_to=until)
    by_category = [(r.label, r.count) for r in insights.grouped(qs, "category")]
    cases = Case.objects.filter(school=school)
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min))
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "incidents": insights.total(qs),
        "by_category": by_category,
        "cases_opened": cases.filter(opened_at__gte=start, opened_at__lt=end).count(),
        "cases_closed": cases.filter(closed_at__gte=start, closed_at__lt=end).count(),
    }


def do_add_item(meeting: CareMeeting, *, title: str, actor: Actor) -> AgendaItem:
    user = _user(actor)
    if not title.strip():
        raise ValidationError({"title": _("Vul het onderwerp in.")})
    with transaction.atomic():
        meeting = (
            CareMeeting.objects.select_for_update()
            .select_related("series__school")
            .get(pk=meeting.pk)
        )
        if not access.can_organise_meetings(user, meeting.series.school):
            raise PermissionDenied
        position = (meeting.items.aggregate(m=Max("position"))["m"] or 0) + 1
        item = AgendaItem.objects.create(
            meeting=meeting,
            kind=AgendaItem.Kind.OTHER,
            title=title.strip()[:300],
            position=position,
        )
        record(
            actor,
            EventType.MEETING_ITEM_ADDED,
            **about_meeting(meeting),
            data={"added": 1, "kinds": ["other"]},
        )
    return item


# --- naming ---------------------------------------------------------------------------------


def do_set_named(item: AgendaItem, *, named: bool, actor: Actor) -> AgendaItem:
    """Name the pupil on a case item: only with a consent for naming on record."""
    user = _user(actor)
    with transaction.atomic():
        item = (
            AgendaItem.objects.select_for_update(of=("self",))
            .select_related("meeting__series__school", "case__pupil")
            .get(pk=item.pk)
        )
        if not access.can_organise_meetings(user, item.meeting.series.school):
            raise PermissionDenied
        if item.case is None:
            raise ValidationError(_("Alleen een traject kan met naam besproken worden."))
        if named and not naming_allowed(item.case.pupil, item.meeting.held_on):
            raise ValidationError(
                {
                    "named": _(
                        "Een leerling wordt alleen met naam besproken als er toestemming is: "
                        "van de ouders met gezag, of van de leerling of student zelf vanaf 16 "
                        "jaar. Die toestemming staat niet geregistreerd."
                    )
                }
            )
        item.named = named
        item.version += 1
        item.save(update_fields=["named", "version"])
        record(
            actor,
            EventType.MEETING_CHANGED,
            **about_meeting(item.meeting),
            data={"item": item.pk, "named": named},
        )
    return item


def do_record_naming_consent(
    pupil: Pupil,
    *,
    given_by: str,
    guardian: Guardian | None,
    given_on: dt.date,
    actor: Actor,
) -> NamingConsent:
    user = _user(actor)
    if not access.can_manage_consent(user, pupil):
        raise PermissionDenied
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("Deze datum ligt in de toekomst.")})
    authority = True
    if given_by == "guardian":
        link = pupil.guardian_links.filter(guardian=guardian).first() if guardian else None
        if link is None:
            raise ValidationError({"guardian": _("Kies een ouder of verzorger van deze leerling.")})
        authority = link.parental_authority
    elif given_by != "pupil":
        raise ValidationError({"given_by": _("Kies wie de toestemming gaf.")})
    problem = giver_problem(pupil.date_of_birth, given_on, given_by, has_authority=authority)
    if problem:
        raise ValidationError(
            {
                "given_by": {
                    "pupil_too_young": _(
                        "Onder de 16 geven de ouders met gezag toestemming, niet de leerling zelf."
                    ),
                    "pupil_decides": _(
                        "Vanaf 16 jaar geeft de leerling of student zelf toestemming."
                    ),
                    "no_authority": _("Deze ouder heeft geen gezag en kan geen toestemming geven."),
                }[problem]
            }
        )
    with transaction.atomic():
        consent = NamingConsent.objects.create(
            pupil=pupil,
            given_by=given_by,
            guardian=guardian if given_by == "guardian" else None,
            given_on=given_on,
            recorded_by=user,
        )
        record(
            actor,
            EventType.CONSENT_RECORDED,
            **about_pupil(pupil),
            object_type="naming_consent",
            object_id=str(consent.pk),
            data={"given_by": given_by, "purpose": "care_meeting_naming"},
        )
    return consent


def do_withdraw_naming_consent(consent: NamingConsent, *, actor: Actor) -> NamingConsent:
    """The parents (or the pupil from 16) withdraw their consent for naming: from today
    the pupil is discussed without a name again."""
    user = _user(actor)
    with transaction.atomic():
        consent = (
            NamingConsent.objects.select_for_update(of=("self",))
            .select_related("pupil__school")
            .get(pk=consent.pk)
        )
        if not access.can_manage_consent(user, consent.pupil):
            raise PermissionDenied
        if consent.withdrawn_on is not None:
            return consent  # withdrawn already (a double click)
        consent.withdrawn_on = timezone.localdate()
        consent.save(update_fields=["withdrawn_on"])
        record(
            actor,
            EventType.CONSENT_WITHDRAWN,
            **about_pupil(consent.pupil),
            object_type="naming_consent",
            object_id=str(consent.pk),
            data={"purpose": "care_meeting_naming"},
        )
    return consent


# --- the minutes ----------------------------------------------------------------------------


@dataclass
class ActionInput:
    what: str
    owner: User | None
    due_on: dt.date | None


def do_save_minutes(
    item: AgendaItem,
    *,
    analysis: str,
    risk: str,
    decision: str,
    actions: list[ActionInput],
    actor: Actor,
    version: int | None = None,
) -> AgendaItem:
    """The minutes of one item. Each action gets an owner (a colleague at the school) and a
    due date; on a case item it becomes a task on the case, reminded like every task."""
    user = _user(actor)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    for name, text in (("analysis", analysis), ("risk", risk), ("decision", decision)):
        if len(text) > MAX_TEXT:
            errors[name] = _("Houd de tekst korter dan 10.000 tekens.")
    if not decision.strip():
        errors["decision"] = _("Vul het besluit in.")
    with transaction.atomic():
        item = (
            AgendaItem.objects.select_for_update(of=("self",))
            .select_related("meeting__series__school", "case__pupil__school")
            .get(pk=item.pk)
        )
        if version is not None and item.version != version:
            raise ConflictError
        school = item.meeting.series.school
        if not access.can_organise_meetings(user, school):
            raise PermissionDenied
        if item.meeting.closed_at is not None:
            raise ValidationError(_("Het verslag van dit overleg is al afgesloten."))
        colleagues = set(access.colleagues_for_school(school).values_list("pk", flat=True))
        for i, action in enumerate(actions):
            if not action.what.strip():
                errors[f"action_{i}"] = _("Beschrijf de actie.")
            elif action.owner is None or action.owner.pk not in colleagues:
                errors[f"action_{i}"] = _(
                    "Kies wie de actie uitvoert: een collega van deze school."
                )
            elif action.due_on is None or action.due_on < today:
                errors[f"action_{i}"] = _("Kies een datum vanaf vandaag.")
        if errors:
            raise ValidationError(errors)
        item.analysis, item.risk, item.decision = analysis.strip(), risk.strip(), decision.strip()
        item.minuted_by = user
        item.minuted_at = timezone.now()
        item.version += 1
        item.save()
        for action in actions:
            assert action.owner is not None and action.due_on is not None
            task = None
            if item.case is not None and not item.case.is_closed:
                task = CaseTask.objects.create(
                    case=item.case,
                    kind=CaseTask.Kind.REQUEST,
                    key=f"meeting:{item.meeting_id}:{item.pk}",
                    title=action.what.strip()[:300],
                    step=item.case.current_step,
                    due_on=action.due_on,
                    assignee=action.owner,
                    created_by=user,
                )
            created = ItemAction.objects.create(
                item=item,
                what=action.what.strip()[:300],
                owner=action.owner,
                due_on=action.due_on,
                task=task,
                created_by=user,
            )
            # after commit: the owner hears of the action (no pupil's name, a date only)
            notify(
                action.owner,
                f"meeting-action:{created.pk}:asked",
                _("Nieuwe actie uit het zorgoverleg van %(date)s, uiterlijk %(due)s")
                % {
                    "date": formats.date_format(item.meeting.held_on, "j F Y"),
                    "due": formats.date_format(action.due_on, "j F Y"),
                },
                reverse("my_tasks")
                if task
                else reverse("care_meeting_detail", args=[item.meeting_id]),
            )
        record(
            actor,
            EventType.MEETING_MINUTES_SAVED,
            **about_meeting(item.meeting),
            data={"item": item.pk, "actions": len(actions), "case": item.case_id},
        )
    return item


def do_close_minutes(meeting: CareMeeting, *, actor: Actor) -> CareMeeting:
    user = _user(actor)
    with transaction.atomic():
        meeting = (
            CareMeeting.objects.select_for_update()
            .select_related("series__school")
            .get(pk=meeting.pk)
        )
        if not access.can_organise_meetings(user, meeting.series.school):
            raise PermissionDenied
        missing = meeting.items.filter(decision="").count()
        if missing:
            raise ValidationError(
                _("Nog %(n)s onderwerp(en) zonder besluit. Leg bij elk onderwerp een besluit vast.")
                % {"n": missing}
            )
        meeting.closed_at = timezone.now()
        meeting.version += 1
        meeting.save(update_fields=["closed_at", "version"])
        record(
            actor, EventType.MEETING_MINUTES_SAVED, **about_meeting(meeting), data={"closed": True}
        )
    return meeting
