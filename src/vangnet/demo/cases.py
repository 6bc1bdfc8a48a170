"""Demo care cases: how a demo case is told, and the cases of school B.

Every case is driven through the real actions (:mod:`vangnet.cases.actions`,
:mod:`vangnet.cases.consent`), so the audit chain, the step terms and the tasks are what
the app itself would have written. The dates a user types (observed on, held on, reported
on...) are set in the past and in order. The actions stamp their rows with "now"; to spread
the cases over the last months, each :class:`Story` call names its day and a
:class:`Clock` moves those demo timestamps (case opened, step entered and completed, record
and task created, task done, consent and exchange recorded, term due dates) back to that
day with one bulk update at the end. That touches no audited content: the audit events
keep the moment the demo was loaded.

The stories of school A are in :mod:`vangnet.demo.case_stories`. All texts are invented
for the demo; pupils, parents and staff come from the generated demo data
(:mod:`vangnet.demo.names`).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.utils import timezone

from vangnet.accounts.models import User
from vangnet.cases import actions
from vangnet.cases.consent import (
    ConsentInput,
    ExchangeInput,
    do_record_consent,
    do_record_exchange,
    do_withdraw_consent,
)
from vangnet.cases.models import (
    Case,
    CaseMember,
    CaseRecord,
    CaseStep,
    CaseTask,
    Consent,
    ExternalExchange,
)
from vangnet.concerns.models import Concern
from vangnet.core.audit import Actor
from vangnet.core.roles import Role
from vangnet.demo.concerns import _staff
from vangnet.demo.names import ADULT_FIRST_NAMES, LAST_NAMES
from vangnet.organisations.models import GuardianLink, Partner, Pupil, School

YES_ALL = {"q1": True, "q2_acute": False, "q2_structural": False, "q3": True, "q4": True}


def day(days_ago: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days_ago)


def adult(first: int, last: int) -> str:
    """A fictional adult's name from the demo name lists (initial and surname)."""
    prefix, surname = LAST_NAMES[last]
    return " ".join(p for p in (f"{ADULT_FIRST_NAMES[first][0]}.", prefix, surname) if p)


VT_ADVISER = f"{adult(3, 48)}, adviseur Veilig Thuis"


class Clock:
    """Remembers which demo moment each action belongs to, and moves the timestamps the
    actions wrote ("now") to those moments in one pass at the end (demo timestamps only)."""

    FIELDS: tuple[tuple[type[Any], tuple[str, ...]], ...] = (
        (Case, ("opened_at", "step_entered_at", "closed_at")),
        (CaseMember, ("added_at",)),
        (CaseStep, ("entered_at", "completed_at")),
        (CaseRecord, ("created_at",)),
        (CaseTask, ("created_at", "done_at")),
        (Consent, ("recorded_at",)),
        (ExternalExchange, ("recorded_at",)),
    )

    def __init__(self) -> None:
        self.since: list[dt.datetime] = []  # when each action started, in order
        self.moments: list[dt.datetime | None] = []  # its demo moment; None: keep "now"

    def mark(self, since: dt.datetime, moment: dt.datetime | None) -> None:
        self.since.append(since)
        self.moments.append(moment)

    def _moment(self, written: dt.datetime | None) -> dt.datetime | None:
        if written is None:
            return None
        index = bisect.bisect_right(self.since, written) - 1
        return self.moments[index] if index >= 0 else None

    def apply(self) -> None:
        if not self.since:
            return
        first = self.since[0]
        today = timezone.localdate()
        # a step's term runs from the day the step was entered, not from the day of loading
        terms = list(
            CaseTask.objects.filter(kind=CaseTask.Kind.TERM, created_at__gte=first).only(
                "pk", "created_at", "due_on"
            )
        )
        for task in terms:
            moment = self._moment(task.created_at)
            if moment is not None:
                task.due_on -= today - timezone.localtime(moment).date()
        CaseTask.objects.bulk_update(terms, ["due_on"], batch_size=200)
        for model, names in self.FIELDS:
            for name in names:
                rows = list(model.objects.filter(**{f"{name}__gte": first}).only("pk", name))
                changed = []
                for row in rows:
                    moment = self._moment(getattr(row, name))
                    if moment is not None:
                        setattr(row, name, moment)
                        changed.append(row)
                model.objects.bulk_update(changed, [name], batch_size=200)


class Story:
    """One demo case, told through the actions; every call is dated ``days_ago`` (``None``:
    keep the real moment)."""

    def __init__(self, clock: Clock, pupil: Pupil, owner: User) -> None:
        self.clock = clock
        self.pupil = pupil
        self.owner = owner
        self.actor = Actor(user=owner, role=Role.CARE_COORDINATOR, channel="system")
        self.first = pupil.first_name
        group = pupil.group
        teacher = group.teachers.order_by("pk").first() if group else None
        assert teacher is not None, "every demo group has a teacher"
        self.teacher = teacher
        self._case: Case | None = None
        self._tick = 0

    @property
    def case(self) -> Case:
        assert self._case is not None, "open the case first"
        return self._case

    def moment(self, days_ago: int) -> dt.datetime:
        """A time on that day, later than the story's previous moment on the same day."""
        self._tick += 1
        start = dt.datetime.combine(day(days_ago), dt.time(8, 10))
        return timezone.make_aware(start + dt.timedelta(minutes=9 * self._tick))

    @contextmanager
    def on(self, days_ago: int | None) -> Iterator[None]:
        self.clock.mark(timezone.now(), None if days_ago is None else self.moment(days_ago))
        yield

    # --- the case ------------------------------------------------------------------------

    def open(
        self, days_ago: int | None, *, origin: Concern | None = None, acute: str = ""
    ) -> Story:
        with self.on(days_ago):
            self._case = actions.do_open_case(
                self.pupil, "meldcode", actor=self.actor, origin_concern=origin, acute_reason=acute
            )
        return self

    def add(self, days_ago: int | None, kind: str, **data: Any) -> None:
        with self.on(days_ago):
            actions.do_add_record(self.case, kind, data, actor=self.actor)

    def next(self, days_ago: int | None) -> None:
        with self.on(days_ago):
            actions.do_complete_step(self.case, actor=self.actor)

    def observe(
        self,
        days_ago: int | None,
        on: int,
        what: str,
        *,
        source: str = "own",
        by: str = "",
        objectified: str = "",
    ) -> None:
        """A signal seen ``on`` days ago, by the pupil's teacher unless ``by`` says who."""
        self.add(
            days_ago,
            "observation",
            observed_on=day(on),
            observed_by=by or self.teacher.full_name,
            what=what,
            source=source,
            objectified=objectified,
        )

    def kindcheck(self, days_ago: int, other: str, who: str = "", action: str = "") -> None:
        self.add(days_ago, "kindcheck", other_children=other, who=who, action=action)

    def consult(
        self,
        days_ago: int,
        with_whom: str,
        name: str,
        question: str,
        advice: str,
        *,
        anonymous: bool = False,
    ) -> None:
        self.add(
            days_ago,
            "consultation",
            held_on=day(days_ago),
            with_whom=with_whom,
            name=name,
            anonymous=anonymous,
            question=question,
            advice=advice,
        )

    def talk(
        self,
        days_ago: int,
        participants: str,
        purpose: str,
        facts: str,
        response: str,
        agreements: str,
        *,
        signed_on: int | None = None,
    ) -> None:
        """The conversation with the parents and/or the child (step 3)."""
        self.add(
            days_ago,
            "conversation",
            held_on=day(days_ago),
            participants=participants,
            purpose=purpose,
            facts=facts,
            response=response,
            agreements=agreements,
            signed=signed_on is not None,
            signed_on=None if signed_on is None else day(signed_on),
        )

    def weigh(
        self,
        days_ago: int,
        *,
        danger: tuple[bool, str],
        hindered: tuple[bool, str],
        future: tuple[bool, str],
        micro: tuple[str, str],
        meso: tuple[str, str] = ("", ""),
        macro: tuple[str, str] = ("", ""),
        score: int,
        goals: str,
    ) -> None:
        """Step 4: the three questions (answer, why) and the Balansmodel (risk, protection)."""
        self.add(
            days_ago,
            "weighing",
            physical_danger=danger[0],
            physical_danger_why=danger[1],
            development_hindered=hindered[0],
            development_hindered_why=hindered[1],
            future_risk=future[0],
            future_risk_why=future[1],
            risk_micro=micro[0],
            protect_micro=micro[1],
            risk_meso=meso[0],
            protect_meso=meso[1],
            risk_macro=macro[0],
            protect_macro=macro[1],
            context_score=score,
            goals=goals,
        )

    def report(
        self, days_ago: int, reference: str, summary: str, *, not_told_why: str = ""
    ) -> None:
        """The report to Veilig Thuis, by the owner; the parents were told unless
        ``not_told_why`` says why not."""
        self.add(
            days_ago,
            "vt_report",
            reported_on=day(days_ago),
            reference=f"VT-{day(days_ago).year}-{reference}",
            reported_by=self.owner.full_name,
            summary=summary,
            parents_told=not not_told_why,
            parents_not_told_why=not_told_why,
        )

    def decide(
        self,
        days_ago: int,
        answers: Mapping[str, bool | None],
        rationale: Mapping[str, str],
        *,
        with_vt: tuple[str, ...] = (),
    ) -> None:
        with self.on(days_ago):
            actions.do_record_decision(
                self.case,
                dict(answers),
                dict(rationale),
                actor=self.actor,
                discussed_with_partner={key: True for key in with_vt},
            )

    def ask(self, days_ago: int | None, title: str, due_on: dt.date) -> CaseTask:
        """Ask the pupil's teacher to do something. The action refuses a due date in the
        past, so a task asked (and done) earlier gets its due date moved back afterwards."""
        self._case = Case.objects.select_related("pupil__school", "school").get(pk=self.case.pk)
        with self.on(days_ago):
            task = actions.do_request_task(
                self.case, self.teacher, title, max(due_on, day(0)), actor=self.actor
            )
        if due_on < task.due_on:
            CaseTask.objects.filter(pk=task.pk).update(due_on=due_on)  # demo date only
        return task

    def task_done(self, days_ago: int, task: CaseTask, note: str, by: User) -> None:
        role = Role.TEACHER if by == self.teacher else Role.CARE_COORDINATOR
        with self.on(days_ago):
            actions.do_complete_task(
                task, note=note, actor=Actor(user=by, role=role, channel="system")
            )

    # --- the consent register ------------------------------------------------------------

    def parent(self) -> tuple[GuardianLink, str]:
        """A parent with parental authority, and how the texts call them."""
        link = (
            self.pupil.guardian_links.filter(parental_authority=True)
            .select_related("guardian")
            .order_by("pk")
            .first()
        )
        assert link is not None, "every demo pupil has a parent with authority"
        word = {"mother": "moeder", "father": "vader"}.get(link.relation, "ouder")
        return link, word

    def consent(self, days_ago: int, data: ConsentInput) -> Consent:
        with self.on(days_ago):
            return do_record_consent(self.pupil, data, actor=self.actor)

    def withdraw(self, days_ago: int, consent: Consent, note: str) -> None:
        with self.on(days_ago):
            do_withdraw_consent(consent, on=day(days_ago), note=note, actor=self.actor)

    def exchange(
        self,
        days_ago: int,
        partner: Partner,
        what: str,
        purpose: str,
        consent: Consent | None = None,
    ) -> None:
        with self.on(days_ago):
            do_record_exchange(
                self.pupil,
                ExchangeInput(
                    partner=partner,
                    what=what,
                    purpose=purpose,
                    exchanged_on=day(days_ago),
                    consent=consent,
                    case=self.case,
                ),
                actor=self.actor,
            )


class Pupils:
    """Picks a different pupil of a group for each case."""

    def __init__(self, school: School) -> None:
        self.school = school
        self.used: set[int] = set()

    def take(self, group: int, pupil: Pupil | None = None) -> Pupil:
        if pupil is None:
            pupil = (
                Pupil.objects.filter(school=self.school, group__name=f"Groep {group}")
                .exclude(pk__in=self.used)
                .select_related("group", "school")
                .order_by("last_name", "first_name", "pk")
                .first()
            )
        assert pupil is not None, f"no pupil left in groep {group}"
        self.used.add(pupil.pk)
        return pupil


def partner(school: School, kind: str) -> Partner:
    return Partner.objects.filter(board_id=school.board_id, kind=kind).order_by("pk")[0]


def name_of(user: User | None, fallback: str) -> str:
    return user.full_name if user is not None else fallback


def build() -> int:
    """Create the demo cases; returns how many."""
    from vangnet.demo import case_stories

    schools = list(School.objects.filter(sector="PO").order_by("code")[:2])
    if not schools:
        return 0
    clock = Clock()
    created = case_stories.school_a(clock, schools[0])
    if len(schools) > 1:  # another care coordinator of the board, for the board's counts
        created += _school_b(clock, schools[1])
    clock.apply()
    return created


# --- school B: three cases of its own care coordinator, so the board has something to count ---


def _school_b(clock: Clock, school: School) -> int:
    owner = _staff(school, Role.CARE_COORDINATOR)
    if owner is None:
        return 0
    pupils = Pupils(school)
    me = owner.full_name

    # Reported to Veilig Thuis (the parents were told), now followed.
    s = Story(clock, pupils.take(4), owner)
    first = s.first
    s.open(120)
    s.observe(
        120,
        121,
        f"{first} vertelde dat de politie 's nachts bij hen thuis was omdat de ouders "
        "ruziemaakten en er iets kapot ging.",
        source="child",
        objectified="De wijkagent bevestigde een melding op dat adres.",
    )
    s.kindcheck(
        119, "yes", "Een tweeling van 8 op onze school.", "De leerkracht van de tweeling weet het."
    )
    s.next(117)
    s.consult(
        112,
        "veilig_thuis",
        "Dienstdoend adviseur Veilig Thuis",
        "Wat doen we als kinderen herhaald getuige zijn van geweld tussen de ouders?",
        "Bespreek het met de ouders en meld als het zich herhaalt.",
        anonymous=True,
    )
    s.next(110)
    s.talk(
        104,
        f"Beide ouders, {me}",
        "Bespreken wat de kinderen meemaken.",
        f"Wat {first} vertelde; de melding bij de wijkagent.",
        "De ouders zeiden dat het uit de hand liep en dat het niet meer gebeurt.",
        "De ouders zoeken hulp; de school houdt contact.",
    )
    s.next(102)
    s.weigh(
        96,
        danger=(False, "Geen letsel bij de kinderen."),
        hindered=(True, "De kinderen zijn herhaald getuige van geweld."),
        future=(True, "Het geweld herhaalde zich na het gesprek."),
        micro=("Geweld tussen de ouders; drie jonge kinderen.", "Een oma die vaak oppast."),
        score=4,
        goals="Geen geweld meer in het bijzijn van de kinderen.",
    )
    s.next(95)
    s.decide(
        92,
        {"q1": True, "q2_acute": False, "q2_structural": True},
        {
            "q1": "Kinderen zijn herhaald getuige van geweld tussen de ouders.",
            "q2": "Structureel: het herhaalde zich na het gesprek.",
        },
    )
    s.report(91, "27705", "Kinderen herhaald getuige van geweld tussen de ouders.")
    # the report is recorded in the register of exchanges by itself (vt_report)
    s.add(
        70,
        "vt_feedback",
        received_on=day(70),
        feedback="Veilig Thuis heeft het gezin overgedragen aan het wijkteam.",
        next_review_on=None,
    )
    s.next(70)
    s.add(
        30,
        "review",
        held_on=day(30),
        participants=f"{s.teacher.full_name}, {me}",
        findings="De kinderen zijn rustiger; het wijkteam komt elke week.",
        next_review_on=day(-20),
    )

    # Closed as unfounded.
    s = Story(clock, pupils.take(6), owner)
    first = s.first
    s.open(80)
    s.observe(
        80,
        81,
        f"{first} at drie dagen achter elkaar niets in de pauze en zei dat er thuis geen brood "
        "was.",
        source="child",
    )
    s.kindcheck(79, "no")
    s.next(78)
    s.consult(
        74,
        "colleague",
        s.teacher.full_name,
        f"Zie je dit vaker bij {first}?",
        "Nee, alleen deze week; eerst navragen bij de ouders.",
    )
    s.next(73)
    s.talk(
        70,
        f"Vader, {me}",
        "Navragen waarom er geen brood mee was.",
        "Drie dagen geen eten in de pauze.",
        "De ouders zaten die week bij een zieke grootouder in het ziekenhuis; een buurvrouw "
        "zorgde voor de kinderen en wist niet van het lunchpakket.",
        "Geen; bij nieuwe signalen belt de school.",
    )
    s.next(69)
    s.weigh(
        66,
        danger=(False, "Nee."),
        hindered=(False, "Een eenmalige situatie met een verklaring."),
        future=(False, "Geen."),
        micro=("Geen.", "Betrokken ouders en buren."),
        score=9,
        goals="Geen.",
    )
    s.next(65)
    s.decide(
        64, {"q1": False}, {"q1": "Geen vermoeden: een eenmalige situatie met een verklaring."}
    )

    # Step 2, opened last week.
    s = Story(clock, pupils.take(2), owner)
    first = s.first
    s.open(8)
    s.observe(
        8,
        9,
        f"{first} plast de laatste weken vaak in de broek en wil op school niet meer naar de wc.",
        objectified="Bijgehouden op een lijst: vijf keer in twee weken.",
    )
    s.kindcheck(7, "unknown", action="Navragen bij de ouders.")
    s.next(5)
    return 3
