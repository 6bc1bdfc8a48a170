"""Demo dossiers: a few years of entries for a handful of pupils per primary school.

Written through the real actions, so every entry has its audit event. All texts are
invented for the demo.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from vangnet.accounts.models import User
from vangnet.concerns.actions import (
    ConcernInput,
    do_create_concern,
    do_handover,
    do_share_concern,
)
from vangnet.concerns.models import Concern
from vangnet.concerns.rights import do_add_parent_view, do_request_correction
from vangnet.core.audit import Actor
from vangnet.core.roles import Role
from vangnet.lib.statements import ACCOUNT, FACT, SUSPICION, Statement
from vangnet.organisations.models import Pupil, RoleAssignment, School

SIGNALS = [
    (
        "klas",
        [
            Statement(
                FACT,
                "Kwam zonder ontbijt en zonder jas binnen; het was 3 graden. Zei dat er thuis geen brood was.",
            )
        ],
        "Een boterham uit de voorraad gegeven.",
        "Morgen weer even vragen hoe het ging.",
        ["neglect_care"],
    ),
    (
        "plein",
        [
            Statement(
                FACT,
                "Zat de hele pauze alleen bij het hek en huilde toen een klasgenoot (J.B.) de bal afpakte.",
            ),
            Statement(SUSPICION, "Mogelijk wordt zij buitengesloten door een groepje uit de klas."),
        ],
        "Erbij gaan zitten en gevraagd wat er was.",
        "Met de groep een kringgesprek over samen spelen.",
        ["no_friends"],
    ),
    (
        "gymzaal",
        [
            Statement(FACT, "Blauwe plekken op beide bovenarmen gezien bij het omkleden."),
            Statement(ACCOUNT, "Zei: ik ben van de trap gevallen.", source="de leerling zelf"),
        ],
        "Gevraagd of het pijn deed; niet verder doorgevraagd.",
        "Overleggen met de intern begeleider.",
        ["injuries_unexplained"],
    ),
    (
        "klas",
        [
            Statement(
                FACT, "Drie dagen deze week te laat, elke keer rond 9:20. Moeder belde niet af."
            )
        ],
        "",
        "Moeder gebeld; voicemail ingesproken.",
        ["absent_often"],
    ),
    (
        "klas",
        [
            Statement(
                FACT,
                "Reageert heftig op kleine tegenslagen: gooide vandaag twee keer een schrift door de klas.",
            ),
            Statement(
                ACCOUNT,
                "Moeder vertelde bij het ophalen dat het thuis onrustig is sinds vader vertrokken is.",
                source="moeder",
            ),
        ],
        "Rustig apart genomen; daarna kon hij weer meedoen.",
        "Gesprek met moeder plannen.",
        ["sudden_change", "aggressive"],
    ),
    (
        "online",
        [
            Statement(
                ACCOUNT,
                "Een klasgenoot liet berichten zien in de groepsapp waarin zij werd uitgescholden.",
                source="klasgenoot S.K.",
            ),
            Statement(
                FACT,
                "De berichten zelf gezien op de telefoon van de klasgenoot; geen kopie gemaakt.",
            ),
        ],
        "Met de leerling besproken dat dit niet oké is en dat we helpen.",
        "Groepsapp bespreken met de ouders van de groep.",
        [],
    ),
]


def _staff(school: School, role: Role) -> User | None:
    ra = RoleAssignment.objects.filter(school=school, role=role).select_related("user").first()
    return ra.user if ra else None


def _when(rng: random.Random, years_ago: int) -> dt.datetime:
    today = timezone.localdate()
    start = dt.date(today.year - years_ago - (1 if today.month < 8 else 0), 9, 1)
    day = start + dt.timedelta(days=rng.randrange(0, 280))
    if day >= today:
        day = today - dt.timedelta(days=rng.randrange(1, 20))
    moment = dt.datetime.combine(
        day, dt.time(rng.choice([8, 10, 12, 14]), rng.choice([5, 20, 35, 50]))
    )
    return timezone.make_aware(moment)


def _past(moment: dt.datetime) -> dt.datetime:
    """Demo dates never lie in the future, whatever day the demo is loaded."""
    return min(moment, timezone.now() - dt.timedelta(hours=2))


def build(rng: random.Random) -> int:
    """Create the demo dossiers; returns the number of entries."""
    created = 0
    for school in School.objects.filter(sector="PO").order_by("code"):
        care = _staff(school, Role.CARE_COORDINATOR)
        pupils = [
            p
            for name in ("Groep 5", "Groep 7", "Groep 4")
            for p in Pupil.objects.filter(school=school, group__name=name)
            .select_related("group", "school")
            .order_by("last_name", "first_name")[:2]
        ]
        for index, pupil in enumerate(pupils):
            teacher = pupil.group.teachers.first() if pupil.group else None
            if teacher is None:
                continue
            actor = Actor(user=teacher, role=Role.TEACHER, channel="system")
            entries: list[Concern] = []
            for years_ago in (2, 1, 0)[: 2 + index % 2]:
                place, statements, reaction, follow_up, signals = rng.choice(SIGNALS)
                entries.append(
                    do_create_concern(
                        pupil,
                        ConcernInput(
                            occurred_at=_when(rng, years_ago),
                            statements=statements,
                            location=place,
                            reaction=reaction,
                            follow_up=follow_up,
                            signals=signals,
                            child_suffers=rng.choice(["yes", "unknown"]),
                        ),
                        actor=actor,
                    )
                )
            if index == 0:
                latest = entries[-1]
                entries.append(
                    do_create_concern(
                        pupil,
                        ConcernInput(
                            occurred_at=_past(latest.occurred_at + dt.timedelta(days=3)),
                            kind=Concern.Kind.CONVERSATION,
                            statements=[
                                Statement(
                                    FACT,
                                    "Gesprek met moeder op school over wat we de afgelopen weken zagen.",
                                ),
                                Statement(
                                    ACCOUNT,
                                    "Moeder herkent het: ook thuis is hij snel boos en slaapt hij slecht.",
                                    source="moeder",
                                ),
                            ],
                            goal="Samen zicht krijgen op wat hij nodig heeft, thuis en op school.",
                            agreements="1. Elke vrijdag een kort telefoontje tussen leerkracht en moeder.\n"
                            "2. Moeder meldt zich bij het jeugd- en gezinsteam voor opvoedadvies.\n"
                            "3. Op school een rustplek in de klas; we tellen het aantal uitbarstingen per week.",
                            follow_up_on=timezone.localdate() + dt.timedelta(days=5),
                            copy_to_parents_on=latest.occurred_at.date() + dt.timedelta(days=4),
                            signature_required=True,
                        ),
                        actor=actor,
                    )
                )
                entries.append(
                    do_create_concern(
                        pupil,
                        ConcernInput(
                            occurred_at=_past(latest.occurred_at + dt.timedelta(days=10)),
                            kind=Concern.Kind.FOLLOW_UP,
                            statements=[
                                Statement(
                                    FACT,
                                    "Bij het volgende gesprek bevestigde moeder dat de situatie thuis onrustig is.",
                                )
                            ],
                            settles_id=latest.pk,
                            settlement=Concern.Settles.CONFIRMED,
                        ),
                        actor=actor,
                    )
                )
                if care:
                    do_share_concern(
                        latest,
                        [care],
                        question="Zie jij dit ook bij andere kinderen uit dit gezin?",
                        actor=actor,
                    )
                    do_handover(
                        latest,
                        note="De zorg blijft; graag samen de volgende stap zetten.",
                        actor=actor,
                    )
                    care_actor = Actor(user=care, role=Role.CARE_COORDINATOR, channel="system")
                    conversation = entries[-2]
                    do_add_parent_view(
                        conversation,
                        "Wij herkennen de zorgen, maar het gaat thuis juist beter sinds hij op voetbal zit.",
                        "moeder",
                        _past(conversation.occurred_at + dt.timedelta(days=6)).date(),
                        actor=care_actor,
                    )
                    do_request_correction(
                        latest,
                        "Er staat dat hij zonder jas kwam; dat klopt niet, de jas hing al aan de kapstok.",
                        "De beschrijving is feitelijk onjuist.",
                        "vader",
                        timezone.localdate() - dt.timedelta(days=3),
                        actor=care_actor,
                    )
            if index == 1:
                do_create_concern(
                    pupil,
                    ConcernInput(
                        occurred_at=_when(rng, 0),
                        is_working_note=True,
                        statements=[
                            Statement(
                                SUSPICION,
                                "Eigen aantekening: nagaan of er een broertje op een andere school zit (Kindcheck).",
                            )
                        ],
                    ),
                    actor=actor,
                )
                created += 1
            created += len(entries)
    return created
