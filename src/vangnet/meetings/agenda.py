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
    from vangnet.accounts.models import User
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


PUPIL, GUARDIAN, STAFF = "pupil", "guardian", "staff"
Known = list[tuple[str, int | None, Person]]


def known_people(school: School) -> Known:
    """The people whose names must not appear, read once: (kind, pupil id, person)."""
    from vangnet.accounts.models import User
    from vangnet.organisations.models import Guardian
    from vangnet.organisations.models import Pupil as PupilModel

    board_id = school.board_id
    people: Known = [
        (PUPIL, pk, Person(first, last, _("[een leerling]"), prefix))
        for pk, first, prefix, last in PupilModel.objects.filter(
            school__board_id=board_id
        ).values_list("pk", "first_name", "name_prefix", "last_name")
    ]
    people += [
        (GUARDIAN, None, Person.from_full_name(name, _("[een ouder]")))
        for name in Guardian.objects.filter(board_id=board_id)
        .values_list("name", flat=True)
        .distinct()
    ]
    people += [
        (STAFF, None, Person.from_full_name(name, _("[een medewerker]")))
        for name in User.objects.filter(
            Q(role_assignments__board_id=board_id) | Q(teaching_groups__school_id=school.pk)
        )
        .values_list("full_name", flat=True)
        .distinct()
    ]
    return people


def with_own_pupil(people: Known, pupil: Pupil | None) -> Pseudonymiser:
    """A pseudonymiser over ``people`` in which ``pupil`` reads "[de leerling]"."""
    own = _("[de leerling]")
    return Pseudonymiser(
        [
            replace(person, replacement=own) if pupil is not None and pk == pupil.pk else person
            for _kind, pk, person in people
        ],
        ambiguous=_("[naam]"),
    )


def all_but(people: Known, pupil_ids: set[int], *, staff: bool = True) -> Pseudonymiser:
    """A pseudonymiser over ``people`` except the pupils in ``pupil_ids`` (those named with
    consent), and without staff when ``staff`` is false. The named pupils' own name forms
    are kept, also where a parent shares their surname."""
    keep: list[str] = []
    for kind, pk, person in people:
        if kind == PUPIL and pk in pupil_ids:
            last = " ".join(p for p in (person.prefix, person.last_name) if p)
            keep += [f"{person.first_name} {last}", person.first_name, last]
    return Pseudonymiser(
        [
            person
            for kind, pk, person in people
            if not (kind == PUPIL and pk in pupil_ids) and (staff or kind != STAFF)
        ],
        ambiguous=_("[naam]"),
        keep=keep,
    )


def unconsented_names(school: School, named_pupils: set[int]) -> Pseudonymiser:
    """For the last check of an export with names: every pupil and guardian of the board
    except the pupils named with consent."""
    return all_but(known_people(school), named_pupils, staff=False)


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


def view(
    meeting: CareMeeting, *, pseudonymised: bool | None = None, reader: User | None = None
) -> tuple[bool, list[ItemView]]:
    """(pseudonymised?, the items). ``pseudonymised=None`` takes the meeting's default;
    ``False`` names a pupil only on items the organiser marked as named *and* whose naming
    consent holds — every other case item stays pseudonymised. Other people named in the
    texts are replaced in every view, also on a named item and in plain items.

    What the case itself holds (its step, its latest records) is shown only to a
    ``reader`` who may open the case; other members discuss what the meeting was asked
    (the request) and its own minutes."""
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
    people: Known = known_people(school)  # read once per agenda
    readable: set[int] = set()
    if reader is not None:
        from vangnet.core import access

        ids = [i.case_id for i in items if i.case_id]
        readable = set(access.visible_cases(reader).filter(pk__in=ids).values_list("pk", flat=True))
    out: list[ItemView] = []
    for item in items:
        case = item.case
        if case is None:
            school_names = school_names or with_own_pupil(people, None)
            out.append(_plain(item, school_names, roles, names_shown=not pseudonymised))
            continue
        may_name = naming_allowed(case.pupil, meeting.held_on)
        named = bool(item.named and may_name and not pseudonymised)
        # named: only this pupil keeps their name; pseudonymised: they read "[de leerling]"
        names = all_but(people, {case.pupil_id}) if named else with_own_pupil(people, case.pupil)

        def clean(text: str, names: Pseudonymiser = names) -> str:
            return guard(names.replace(text), names)

        definition = case.definition
        step = ""
        recent = []
        if case.pk in readable:
            try:
                step = str(definition.step(case.current_step).title)
            except KeyError:
                step = _("Afgesloten")
        records = (
            sorted(case.records.all(), key=lambda r: r.created_at) if case.pk in readable else []
        )
        for record in records[-RECENT_RECORDS:]:
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


def _plain(
    item: AgendaItem, names: Pseudonymiser, roles: dict[int, str], *, names_shown: bool
) -> ItemView:
    """A warning, the trends or another topic: no pupil is named here in any view."""

    def clean(text: str) -> str:
        return guard(names.replace(text), names)

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
            (clean(a.what), _owner(a.owner_id, a.owner.full_name, roles, names_shown), a.due_on)
            for a in item.actions.all()
        ],
    )
