"""What a care meeting's agenda shows, pseudonymised where it must be.

A case item names the pupil only when the organiser chose to (``AgendaItem.named``) *and*
a consent for naming is on record for the day of the meeting (:func:`naming_allowed`);
otherwise the item reads "ZT-00012" (the case reference) and every known name of the
school's pupils, guardians and staff in its texts is replaced (:func:`people_of`).
Pseudonymised output is checked once more before it leaves (:func:`guard`): a known name
still present is replaced by "[naam]" — the check exists so that a bug can never leak a
name, not to do the work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from vangnet.cases.models import Case
from vangnet.lib.consent import giver_problem
from vangnet.lib.pseudonymise import Person, Pseudonymiser
from vangnet.meetings.models import AgendaItem, CareMeeting, NamingConsent

if TYPE_CHECKING:
    from vangnet.organisations.models import Pupil, School

RECENT_RECORDS = 3


def naming_allowed(pupil: Pupil, on: dt.date) -> bool:
    """A consent for naming that holds on ``on``: given by someone who may give it then
    (a parent with authority under 16, the pupil from 16), not withdrawn."""
    for consent in NamingConsent.objects.filter(pupil=pupil, given_on__lte=on).select_related(
        "guardian"
    ):
        if consent.withdrawn_on is not None and consent.withdrawn_on <= on:
            continue
        authority = True
        if consent.given_by == "guardian":
            authority = bool(
                consent.guardian_id
                and pupil.guardian_links.filter(
                    guardian_id=consent.guardian_id, parental_authority=True
                ).exists()
            )
        # a parent's consent stops counting when the pupil turns 16 (then they decide)
        if not giver_problem(pupil.date_of_birth, on, consent.given_by, has_authority=authority):
            return True
    return False


def default_pseudonymised(meeting: CareMeeting) -> bool:
    """Pseudonymised by default when anyone outside the school's own care team attends."""
    return meeting.series.members.filter(own_team=False).exists()


def label_for(case: Case) -> str:
    """The case reference. Not the initials: in a small school initials can be enough to
    recognise a pupil, and the pseudonymiser treats them as a name too."""
    return case.reference


def people_of(school: School, pupil: Pupil | None = None) -> Pseudonymiser:
    """Every pupil and guardian of the school's board and every staff member with a role at
    the board, each with a stand-in; ``pupil`` (the item's own) becomes "[de leerling]"."""
    return with_own_pupil(known_people(school), pupil)


def known_people(school: School) -> list[tuple[int | None, Person]]:
    """The people whose names must not appear, read once: (pupil id or None, person)."""
    from vangnet.accounts.models import User
    from vangnet.organisations.models import Guardian
    from vangnet.organisations.models import Pupil as PupilModel

    board_id = school.board_id
    people: list[tuple[int | None, Person]] = [
        (pk, Person(first, last, _("[een leerling]"), prefix))
        for pk, first, prefix, last in PupilModel.objects.filter(
            school__board_id=board_id
        ).values_list("pk", "first_name", "name_prefix", "last_name")
    ]
    people += [
        (None, Person.from_full_name(name, _("[een ouder]")))
        for name in Guardian.objects.filter(board_id=board_id)
        .values_list("name", flat=True)
        .distinct()
    ]
    people += [
        (None, Person.from_full_name(name, _("[een medewerker]")))
        for name in User.objects.filter(
            Q(role_assignments__board_id=board_id) | Q(teaching_groups__school_id=school.pk)
        )
        .values_list("full_name", flat=True)
        .distinct()
    ]
    return people


def with_own_pupil(people: list[tuple[int | None, Person]], pupil: Pupil | None) -> Pseudonymiser:
    """A pseudonymiser over ``people`` in which ``pupil`` reads "[de leerling]"."""
    own = _("[de leerling]")
    return Pseudonymiser(
        [
            replace(person, replacement=own) if pupil is not None and pk == pupil.pk else person
            for pk, person in people
        ],
        ambiguous=_("[naam]"),
    )


def guard(text: str, names: Pseudonymiser) -> str:
    """The last check: replace any known name still present (there should be none)."""
    return names.replace(text) if names.find(text) else text


@dataclass
class ItemView:
    """One agenda item as the meeting sees it."""

    item: AgendaItem
    kind: str
    title: str
    who: str  # the pupil's name, or the case reference with initials
    named: bool
    may_name: bool  # a consent for naming is on record
    step: str = ""
    reason: str = ""
    recent: list[str] = field(default_factory=list)
    figures: dict[str, object] = field(default_factory=dict)
    analysis: str = ""
    risk: str = ""
    decision: str = ""
    actions: list[tuple[str, str, dt.date]] = field(default_factory=list)


def view(meeting: CareMeeting, *, pseudonymised: bool | None = None) -> tuple[bool, list[ItemView]]:
    """(pseudonymised?, the items). ``pseudonymised=None`` takes the meeting's default;
    ``False`` names a pupil only on items the organiser marked as named *and* whose naming
    consent holds — every other case item stays pseudonymised."""
    if pseudonymised is None:
        pseudonymised = default_pseudonymised(meeting)
    school = meeting.series.school
    items = list(
        meeting.items.select_related("case__pupil__school", "request").prefetch_related(
            "actions__owner", "case__records"
        )
    )
    roles = dict(meeting.series.members.exclude(user=None).values_list("user_id", "role_title"))
    school_names: Pseudonymiser | None = None
    people: list[tuple[int | None, Person]] | None = None  # read once per agenda
    out: list[ItemView] = []
    for item in items:
        case = item.case
        if case is None:
            if pseudonymised:
                people = people if people is not None else known_people(school)
                school_names = school_names or with_own_pupil(people, None)
            out.append(_plain(item, school_names if pseudonymised else None, roles))
            continue
        may_name = naming_allowed(case.pupil, meeting.held_on)
        named = bool(item.named and may_name and not pseudonymised)
        names = None
        if not named:
            people = people if people is not None else known_people(school)
            names = with_own_pupil(people, case.pupil)

        def clean(text: str, names: Pseudonymiser | None = names) -> str:
            return guard(names.replace(text), names) if names is not None else text

        definition = case.definition
        try:
            step = str(definition.step(case.current_step).title)
        except KeyError:
            step = _("Afgesloten")
        recent = []
        for record in sorted(case.records.all(), key=lambda r: r.created_at)[-RECENT_RECORDS:]:
            kind = definition.record_kind(record.kind)
            summary = str(record.data.get(kind.summary, "")) if kind.summary else ""
            recent.append(f"{kind.label}: {clean(summary)}" if summary else str(kind.label))
        out.append(
            ItemView(
                item=item,
                kind=item.kind,
                title=item.title if not named else f"{item.title} — {case.pupil.full_name}",
                who=case.pupil.full_name if named else label_for(case),
                named=named,
                may_name=may_name,
                step=step,
                reason=clean(item.request.reason) if item.request else "",
                recent=recent,
                analysis=clean(item.analysis),
                risk=clean(item.risk),
                decision=clean(item.decision),
                actions=[
                    (clean(a.what), _owner(a.owner_id, a.owner.full_name, roles, named), a.due_on)
                    for a in item.actions.all()
                ],
            )
        )
    return pseudonymised, out


def _owner(user_id: int, name: str, roles: dict[int, str], named: bool) -> str:
    """Who carries out an action: their name where names may be shown, else their role in
    the meeting (a staff member's name is a known name too)."""
    if named:
        return name
    return roles.get(user_id) or _("een medewerker van de school")


def _plain(item: AgendaItem, names: Pseudonymiser | None, roles: dict[int, str]) -> ItemView:
    def clean(text: str) -> str:
        return guard(names.replace(text), names) if names is not None else text

    return ItemView(
        item=item,
        kind=item.kind,
        title=clean(item.title),
        who="",
        named=False,
        may_name=False,
        figures=dict(item.detail),
        analysis=clean(item.analysis),
        risk=clean(item.risk),
        decision=clean(item.decision),
        actions=[
            (clean(a.what), _owner(a.owner_id, a.owner.full_name, roles, names is None), a.due_on)
            for a in item.actions.all()
        ],
    )
