"""Need-to-know: every route, every persona.

The matrix lists every URL of Vangnet with the status each persona must get. A route
that is added to urls.py without a row here fails `test_every_route_is_in_the_matrix`.
Outsiders get 404 (existence is not revealed), read-only users 403 on writes,
anonymous users the login page (pages) or 401 (API).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests.world import PERSONAS as world_personas
from tests.world import World
from vangnet.cases.models import Case, CaseMember, Consent
from vangnet.concerns.models import CorrectionRequest
from vangnet.incidents.models import Incident, IncidentCategory, IncidentLocation, IncidentPerson
from vangnet.measures.models import ExtraRulesPlan, Measure
from vangnet.meetings.models import CareMeeting
from vangnet.sharing.models import SharingRequest

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", *world_personas]
STAFF = [p for p in PERSONAS if p != "anonymous"]


@dataclass(frozen=True)
class Route:
    name: str
    url: Callable[[World], str]
    expect: dict[str, int]
    method: str = "get"


def only(allowed: dict[str, int], default: int, anonymous: int = 302) -> dict[str, int]:
    result = {p: default for p in STAFF}
    result.update(allowed)
    result["anonymous"] = anonymous
    return result


BOARD_MEMBERS = [
    "teacher_a",
    "care_a",
    "director_a",
    "adviser_a",
    "teacher_b",
    "board",
    "privacy",
    "admin",
]


def visible_but(allowed: dict[str, int]) -> dict[str, int]:
    """Members of the board may know the record (403 on writes); outsiders 404."""
    result = {p: 404 for p in STAFF}
    result.update({p: 403 for p in BOARD_MEMBERS})
    result.update(allowed)
    result["anonymous"] = 302
    return result


PUPIL_READERS = only({"teacher_a": 200, "care_a": 200, "director_a": 200}, 404)

# Parents' rights: the care coordinator and director; others who see the entry get 403.
PARENTS_RIGHTS = only({"teacher_a": 403, "care_a": 200, "director_a": 200}, 404)


def _correction(w: World) -> CorrectionRequest:
    return CorrectionRequest.objects.create(
        concern=w.concern,
        requested_by="moeder",
        what="a",
        why="b",
        received_on=dt.date(2026, 1, 5),
        due_on=dt.date(2026, 2, 2),
        recorded_by=w["care_a"],
    )


MELDCODE_REPORT = only({"care_a": 200, "director_a": 200}, 404)
MELDCODE_BUNDLE = only({"director_a": 200, "board": 200}, 404)
INCIDENT_REGISTRARS = only(
    {"teacher_a": 200, "care_a": 200, "director_a": 200, "teacher_b": 200, "other_board": 200},
    404,
)
INCIDENT_READERS = only({"teacher_a": 200, "care_a": 200, "director_a": 200}, 404)


def _incident(w: World, code: str = "bullying") -> Incident:
    """An incident at school A reported by teacher_a, about pupil_a5 (teacher_a's group)."""
    from vangnet.incidents.lists import ensure_lists

    ensure_lists(w.board)
    incident = Incident.objects.create(
        school=w.school_a,
        occurred_at=w.concern.occurred_at,
        location=IncidentLocation.objects.filter(board=w.board).first(),
        category=IncidentCategory.objects.get(board=w.board, code=code),
        national_code=code,
        severity="serious",
        description="Duwen bij de kapstok.",
        reporter=w["teacher_a"],
    )
    IncidentPerson.objects.create(incident=incident, role="affected", pupil=w.pupil_a5)
    return incident


def _measure(w: World, kind: str = "suspension") -> Measure:
    """A measure director_a proposed for pupil_a5 (on a ladder case the director owns)."""
    from vangnet.core.audit import Actor
    from vangnet.measures import actions
    from vangnet.organisations.calendar import calendar_for

    calendar = calendar_for(w.school_a)
    today = timezone.localdate()
    values: dict[str, object] = {"kind": kind, "reasons": "Bedreigde een klasgenoot."}
    if kind == "time_out":
        day = calendar.next_school_day(today)
        values |= {"start": day, "end": day, "taught_where": "Groep 7"}
    else:  # a suspension starts after today: the board approves first
        day = calendar.next_school_day(today + dt.timedelta(days=1))
        values |= {"start": day, "end": day, "learning_arrangements": "Werk via de leerkracht."}
    proposal = actions.Proposal(**values)  # type: ignore[arg-type]
    return actions.do_propose(w.pupil_a5, proposal, actor=Actor(w["director_a"]))


def _plan(w: World) -> ExtraRulesPlan:
    from vangnet.core.audit import Actor
    from vangnet.measures import actions

    return actions.do_create_plan(
        _measure(w).case,
        chosen=["breaks"],
        rules_note="",
        extra_teacher=False,
        starts_on=timezone.localdate(),
        parents_note="",
        actor=Actor(w["director_a"]),
    )


def _suspension(w: World) -> Measure:
    """An approved suspension of pupil_a5 (school A), proposed by its director."""
    from vangnet.core.audit import Actor
    from vangnet.measures import actions
    from vangnet.organisations.calendar import calendar_for

    start = calendar_for(w.school_a).next_school_day(timezone.localdate() + dt.timedelta(days=1))
    measure = actions.do_propose(
        w.pupil_a5,
        actions.Proposal(
            kind="suspension",
            reasons="Bedreigde een klasgenoot.",
            start=start,
            end=start,
            learning_arrangements="Werk via de leerkracht.",
        ),
        actor=Actor(user=w["director_a"]),
    )
    actions.do_decide(measure, approve=True, actor=Actor(user=w["board"]))
    return measure


def _letter_url(w: World) -> str:
    from vangnet.core.audit import Actor
    from vangnet.measures import letters

    measure = _suspension(w)
    document = letters.do_generate(measure, "suspension_letter", actor=Actor(user=w["director_a"]))
    return f"/maatregelen/{measure.pk}/brieven/{document.pk}.pdf"


SHARING_KEYS = ("all_options_used", "consent_sought", "necessary")


def _he_case(w: World) -> Case:
    """A concerning-behaviour case about pupil_a5 owned by care_a (school A an HBO)."""
    from vangnet.cases.actions import do_open_case
    from vangnet.core.audit import Actor
    from vangnet.organisations.models import Sector

    w.school_a.sector = Sector.HBO
    w.school_a.save()
    return do_open_case(w.pupil_a5, "he_concern", actor=Actor(user=w["care_a"]))


def _sharing_request(w: World) -> SharingRequest:
    """A weighed request (three times yes) in that case, awaiting the board."""
    from vangnet.core.audit import Actor
    from vangnet.sharing.actions import SharingInput, do_request

    return do_request(
        _he_case(w),
        SharingInput(
            route="weighed",
            recipient=w.partner,
            what="a",
            purpose="b",
            answers=dict.fromkeys(SHARING_KEYS, "yes"),
            rationales=dict.fromkeys(SHARING_KEYS, "c"),
        ),
        actor=Actor(user=w["care_a"]),
    )


def _meeting(w: World) -> CareMeeting:
    """A care meeting at school A today: the care coordinator organises it, teacher A is a
    member (not an organiser), someone from outside attends; world's case asked for it."""
    from django.utils import timezone

    from vangnet.core.audit import Actor
    from vangnet.meetings import actions as meetings
    from vangnet.meetings.actions import MemberInput

    care = Actor(user=w["care_a"])
    series = meetings.do_create_series(
        w.school_a,
        title="Zorgoverleg",
        recurrence="fortnightly",
        first_on=timezone.localdate(),
        starts_at=dt.time(14, 0),
        place="",
        members=[
            MemberInput("Intern begeleider", user=w["care_a"]),
            MemberInput("Leerkracht", user=w["teacher_a"]),
            MemberInput("Jeugdarts", name="Jeugdarts GGD", own_team=False),
        ],
        actor=care,
    )
    meeting = meetings.do_plan_meeting(series, timezone.localdate(), actor=care)
    meetings.do_request_meeting(w.case, reason="Graag meedenken over de volgende stap.", actor=care)
    meetings.do_build_agenda(meeting, actor=care)
    return meeting


def _meeting_item_url(w: World, tail: str = "") -> str:
    meeting = _meeting(w)
    item = meeting.items.get(kind="case")
    return f"/zorgoverleg/{meeting.pk}/onderwerp/{item.pk}/{tail}"


def _meeting_member_url(w: World) -> str:
    meeting = _meeting(w)
    member = meeting.series.members.get(name="Jeugdarts GGD")
    return f"/zorgoverleg/reeks/{meeting.series_id}/leden/{member.pk}/"


def _api_suspension(w: World) -> Measure:
    """A suspension of pupil_a5 proposed a month ahead on a ladder case owned by care_a."""
    case = Case.objects.create(
        pupil=w.pupil_a5,
        school=w.school_a,
        protocol="behaviour",
        protocol_version=1,
        current_step="suspension",
        opened_by=w["care_a"],
    )
    CaseMember.objects.create(
        case=case, user=w["care_a"], kind=CaseMember.Kind.OWNER, added_by=w["care_a"]
    )
    start = timezone.localdate() + dt.timedelta(days=30)
    return Measure.objects.create(
        case=case,
        pupil=w.pupil_a5,
        school=w.school_a,
        kind=Measure.Kind.SUSPENSION,
        start=start,
        end=start,
        school_days=1,
        reasons="Heeft een medeleerling ernstig bedreigd.",
        learning_arrangements="Werk via de leerkracht.",
        proposed_by=w["care_a"],
    )


def _incident_by_director(w: World) -> Incident:
    """The incident of :func:`_incident`, reported by the director: teacher_a sees it
    (pupil_a5 is in their group) but may not make the parents' report."""
    incident = _incident(w)
    Incident.objects.filter(pk=incident.pk).update(reporter=w["director_a"])
    return incident


def _attachment_url(w: World) -> str:
    from vangnet.core.audit import Actor
    from vangnet.incidents import attachments

    checked = attachments.Checked(
        data=b"%PDF-1.4\n%%EOF\n", content_type="application/pdf", name="a.pdf"
    )
    item = attachments.do_add_attachment(_incident(w), checked, actor=Actor(user=w["teacher_a"]))
    return f"/incidenten/{item.incident_id}/bijlagen/{item.pk}/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


CONSENTS = only({"teacher_a": 403, "care_a": 200, "director_a": 200}, 404)


def _consent(w: World) -> Consent:
    return Consent.objects.create(
        pupil=w.pupil_a5,
        school=w.school_a,
        recipient=w.partner,
        what="a",
        purpose="b",
        provider="c",
        given_by=Consent.GivenBy.GUARDIAN,
        guardian=w.pupil_a5.guardians.first(),
        given_on=dt.date(2026, 1, 5),
        recorded_by=w["care_a"],
    )


MEASURE_READERS = only({"director_a": 200, "board": 200}, 404)  # a suspension
MEASURE_WORKERS = only({"director_a": 200, "board": 403}, 404)  # empty POST: form again


LETTER_TEMPLATES = visible_but({"board": 200, "admin": 200})

MEETING_READERS = only({"care_a": 200, "director_a": 200, "teacher_a": 200}, 404)
MEETING_WRITERS = only({"care_a": 302, "director_a": 302, "teacher_a": 403}, 404)
MEETING_FORMS = only({"care_a": 200, "director_a": 200, "teacher_a": 403}, 404)


ROUTES = [
    Route("home", lambda w: "/", only({}, 200)),
    Route("healthz", lambda w: "/healthz", {p: 200 for p in PERSONAS}),
    Route(
        "pupil_search",
        lambda w: "/leerlingen/?q=a",
        only(
            {
                "teacher_a": 200,
                "care_a": 200,
                "director_a": 200,
                "teacher_b": 200,
                "other_board": 200,
            },
            404,
        ),
    ),
    Route(
        "pupil_detail",
        lambda w: f"/leerlingen/{w.pupil_a5.pk}/",
        only({"teacher_a": 200, "care_a": 200, "director_a": 200}, 404),
    ),
    Route(
        "break_glass",
        lambda w: f"/leerlingen/{w.pupil_a6.pk}/noodtoegang/",
        only({"teacher_a": 200}, 404),
    ),
    Route(
        "pupil_access_log",
        lambda w: f"/leerlingen/{w.pupil_a5.pk}/toegang/",
        only({"care_a": 200, "privacy": 200}, 404),
    ),
    Route("school_list", lambda w: "/scholen/", only({}, 200)),
    Route(
        "school_detail",
        lambda w: f"/scholen/{w.school_a.pk}/",
        only(
            {
                p: 200
                for p in [
                    "teacher_a",
                    "care_a",
                    "director_a",
                    "adviser_a",
                    "board",
                    "privacy",
                    "admin",
                ]
            },
            404,
        ),
    ),
    Route(
        "board_detail",
        lambda w: f"/besturen/{w.board.pk}/",
        only({"board": 200, "privacy": 200, "admin": 200}, 404),
    ),
    Route(
        "board_settings",
        lambda w: f"/besturen/{w.board.pk}/instellingen/",
        visible_but({"admin": 200}),
    ),
    Route(
        "role_titles",
        lambda w: f"/besturen/{w.board.pk}/functienamen/",
        visible_but({"admin": 200}),
    ),
    Route("pupil_import", lambda w: f"/besturen/{w.board.pk}/import/", visible_but({"admin": 200})),
    Route("staff", lambda w: f"/besturen/{w.board.pk}/medewerkers/", visible_but({"admin": 200})),
    Route(
        "revoke_role",
        lambda w: f"/besturen/{w.board.pk}/medewerkers/{w.assignment.pk}/intrekken/",
        visible_but({"admin": 302}),
        method="post",
    ),
    Route("partner_list", lambda w: "/sociale-kaart/", only({}, 200)),
    Route(
        "partner_create",
        lambda w: f"/besturen/{w.board.pk}/sociale-kaart/nieuw/",
        visible_but({"admin": 200, "care_a": 200, "director_a": 200}),
    ),
    Route(
        "partner_edit",
        lambda w: f"/sociale-kaart/{w.partner.pk}/",
        visible_but({"admin": 200, "care_a": 200, "director_a": 200}),
    ),
    Route(
        "partner_delete",
        lambda w: f"/sociale-kaart/{w.partner.pk}/verwijderen/",
        visible_but({"admin": 302, "care_a": 302, "director_a": 302}),
        method="post",
    ),
    Route(
        "concern_start",
        lambda w: f"/zorg/nieuw/?leerling={w.pupil_a5.pk}",
        only({"teacher_a": 302, "care_a": 302, "director_a": 302}, 404),
    ),
    Route("concern_create", lambda w: f"/leerlingen/{w.pupil_a5.pk}/zorg/nieuw/", PUPIL_READERS),
    Route(
        "concern_draft",
        lambda w: f"/leerlingen/{w.pupil_a5.pk}/zorg/concept/",
        PUPIL_READERS,
        method="post",
    ),
    Route(
        "concern_draft_discard",
        lambda w: f"/leerlingen/{w.pupil_a5.pk}/zorg/concept/weggooien/",
        only({"teacher_a": 302, "care_a": 302, "director_a": 302}, 404),
        method="post",
    ),
    Route("dossier", lambda w: f"/leerlingen/{w.pupil_a5.pk}/dossier/", PUPIL_READERS),
    Route("concern_detail", lambda w: f"/zorgen/{w.concern.pk}/", PUPIL_READERS),
    Route("concern_share", lambda w: f"/zorgen/{w.concern.pk}/delen/", PUPIL_READERS),
    Route("concern_handover", lambda w: f"/zorgen/{w.concern.pk}/overdragen/", PUPIL_READERS),
    Route("flag_weighing", lambda w: f"/zorgen/{w.concern.pk}/vlaggensysteem/", PUPIL_READERS),
    Route("parent_view_add", lambda w: f"/zorgen/{w.concern.pk}/zienswijze/", PARENTS_RIGHTS),
    Route(
        "correction_request_add",
        lambda w: f"/zorgen/{w.concern.pk}/correctieverzoek/",
        PARENTS_RIGHTS,
    ),
    Route(
        "correction_decide", lambda w: f"/correctieverzoeken/{_correction(w).pk}/", PARENTS_RIGHTS
    ),
    Route(
        "dossier_export_pdf",
        lambda w: f"/leerlingen/{w.pupil_a5.pk}/dossier-voor-ouders.pdf",
        PARENTS_RIGHTS,
    ),
    Route(
        "dossier_export_docx",
        lambda w: f"/leerlingen/{w.pupil_a5.pk}/dossier-voor-ouders.docx",
        PARENTS_RIGHTS,
    ),
    Route(
        "concern_edit",
        lambda w: f"/zorgen/{w.concern.pk}/wijzigen/",
        only({"teacher_a": 200, "care_a": 403, "director_a": 403}, 404),
    ),
    Route(
        "concern_delete",
        lambda w: f"/zorgen/{w.concern.pk}/verwijderen/",
        only({"teacher_a": 302, "care_a": 403, "director_a": 403}, 404),
        method="post",
    ),
    # the consent register and exchanges: care coordinator and director of the school
    Route("consent_register", lambda w: f"/leerlingen/{w.pupil_a5.pk}/toestemming/", CONSENTS),
    Route("consent_create", lambda w: f"/leerlingen/{w.pupil_a5.pk}/toestemming/nieuw/", CONSENTS),
    Route(
        "consent_withdraw",
        lambda w: f"/toestemming/{_consent(w).pk}/intrekken/",
        only({"care_a": 200, "director_a": 200}, 404),
    ),
    Route(
        "exchange_create",
        lambda w: f"/leerlingen/{w.pupil_a5.pk}/uitwisseling/nieuw/",
        CONSENTS,
    ),
    # care cases: starting, the case page, records, steps, decisions, the acute route
    Route(
        "case_start",
        lambda w: f"/leerlingen/{w.pupil_a5.pk}/trajecten/nieuw/",
        # a teacher may start the behaviour ladder (not the Meldcode)
        only({"teacher_a": 200, "care_a": 200, "director_a": 200}, 404),
    ),
    Route(
        "case_detail",
        lambda w: f"/trajecten/{w.case.pk}/",
        only({"care_a": 200, "director_a": 200}, 404),
    ),
    Route(
        "case_record_add",
        lambda w: f"/trajecten/{w.case.pk}/vastleggen/observation/",
        only({"care_a": 200, "director_a": 403}, 404),
    ),
    Route(
        "case_complete_step",
        lambda w: f"/trajecten/{w.case.pk}/stap-afronden/",
        only({"care_a": 302, "director_a": 403}, 404),
        method="post",
    ),
    Route(
        "case_decision",
        lambda w: f"/trajecten/{w.case.pk}/besluit/",
        # world.case is at step 1: back to the case page
        only({"care_a": 302, "director_a": 403}, 404),
    ),
    Route(
        "case_acute",
        lambda w: f"/trajecten/{w.case.pk}/acuut/",
        # an empty reason: the form comes back with its error
        only({"care_a": 200, "director_a": 403}, 404),
        method="post",
    ),
    # who is in a case, what colleagues are asked to do
    Route(
        "case_members",
        lambda w: f"/trajecten/{w.case.pk}/betrokkenen/",
        only({"care_a": 200, "director_a": 200}, 404),
    ),
    Route(
        "case_members",
        lambda w: f"/trajecten/{w.case.pk}/betrokkenen/",
        # an empty POST: the form comes back for those who manage members
        only({"care_a": 200, "director_a": 200}, 404),
        method="post",
    ),
    Route(
        "case_member_remove",
        # the last owner: refused with a message, nothing changes
        lambda w: f"/trajecten/{w.case.pk}/betrokkenen/{w.case.members.get().pk}/verwijderen/",
        only({"care_a": 302, "director_a": 302}, 404),
        method="post",
    ),
    Route(
        "case_task_request",
        lambda w: f"/trajecten/{w.case.pk}/verzoek/",
        only({"care_a": 200, "director_a": 403}, 404),
    ),
    Route("my_tasks", lambda w: "/taken/", only({}, 200)),
    Route(
        "case_task_done",
        lambda w: f"/taken/{w.task.pk}/gedaan/",
        only({"teacher_a": 302}, 404),
        method="post",
    ),
    # the Meldcode report of a case and the yearly bundle (no names)
    Route("case_report", lambda w: f"/trajecten/{w.case.pk}/verslag/", MELDCODE_REPORT),
    Route(
        "case_report",
        lambda w: f"/trajecten/{w.case.pk}/verslag/",
        # an empty POST: the owner gets the form back with errors
        only({"care_a": 200, "director_a": 403}, 404),
        method="post",
    ),
    Route("case_report_pdf", lambda w: f"/trajecten/{w.case.pk}/verslag.pdf", MELDCODE_REPORT),
    Route("case_report_docx", lambda w: f"/trajecten/{w.case.pk}/verslag.docx", MELDCODE_REPORT),
    Route(
        "meldcode_bundle",
        lambda w: f"/scholen/{w.school_a.pk}/meldcode-jaarbundel/",
        MELDCODE_BUNDLE,
    ),
    Route(
        "meldcode_bundle_pdf",
        lambda w: f"/scholen/{w.school_a.pk}/meldcode-jaarbundel/2025-2026.pdf",
        MELDCODE_BUNDLE,
    ),
    Route(
        "meldcode_bundle_docx",
        lambda w: f"/scholen/{w.school_a.pk}/meldcode-jaarbundel/2025-2026.docx",
        MELDCODE_BUNDLE,
    ),
    Route(
        "board_meldcode_bundles",
        lambda w: f"/besturen/{w.board.pk}/meldcode-jaarbundel/",
        only({"board": 200}, 404),
    ),
    Route("notifications", lambda w: "/meldingen/", only({}, 200)),
    Route("notifications_read", lambda w: "/meldingen/gelezen/", only({}, 302), method="post"),
    # incidents
    Route("incident_list", lambda w: "/incidenten/", INCIDENT_REGISTRARS),
    Route("incident_create", lambda w: "/incidenten/nieuw/", INCIDENT_REGISTRARS),
    # an empty POST: the form comes back with its errors
    Route("incident_create", lambda w: "/incidenten/nieuw/", INCIDENT_REGISTRARS, method="post"),
    Route("incident_detail", lambda w: f"/incidenten/{_incident(w).pk}/", INCIDENT_READERS),
    # insights: the school's care coordinator and director, the board; figures only
    Route(
        "incident_insights",
        lambda w: "/incidenten/inzicht/",
        only({"care_a": 200, "director_a": 200, "board": 200, "other_board": 200}, 404),
    ),
    Route(
        "incident_insights",
        lambda w: f"/incidenten/inzicht/?bestuur={w.board.pk}",
        only({"board": 200}, 404),
    ),
    # the annual report on incidents and the year in review (figures, no names)
    Route(
        "incident_annual_pdf",
        lambda w: f"/incidenten/jaarverslag/2025-2026.pdf?school={w.school_a.pk}",
        only({"care_a": 200, "director_a": 200, "board": 200}, 404),
    ),
    Route(
        "incident_annual_xlsx",
        lambda w: f"/incidenten/jaarverslag/2025-2026.xlsx?bestuur={w.board.pk}",
        only({"board": 200}, 404),
    ),
    Route(
        "incident_year_review",
        lambda w: f"/incidenten/jaaroverzicht/?school={w.school_a.pk}",
        only({"care_a": 200, "director_a": 200, "board": 200}, 404),
    ),
    Route(
        "incident_edit",
        lambda w: f"/incidenten/{_incident(w).pk}/wijzigen/",
        only({"teacher_a": 200, "director_a": 200, "care_a": 403}, 404),
    ),
    Route(
        "incident_edit",
        lambda w: f"/incidenten/{_incident(w).pk}/wijzigen/",
        only({"teacher_a": 200, "director_a": 200, "care_a": 403}, 404),
        method="post",
    ),
    Route(
        "incident_attachment_add",
        lambda w: f"/incidenten/{_incident(w).pk}/bijlagen/",
        INCIDENT_READERS,
    ),
    Route("incident_attachment", _attachment_url, INCIDENT_READERS),
    Route(
        "incident_flag",
        lambda w: f"/incidenten/{_incident(w, 'sexual').pk}/vlaggensysteem/",
        only({"teacher_a": 200, "director_a": 200, "care_a": 403}, 404),
    ),
    # measures: the ladder case's readers (the director who owns it) and, for a suspension,
    # the board; the director approves a time-out, the board everything else
    Route(
        "measure_list",
        lambda w: "/maatregelen/",
        only({"adviser_a": 404, "privacy": 404, "admin": 404, "no_role": 404}, 200),
    ),
    Route(
        "measure_propose",
        lambda w: f"/leerlingen/{w.pupil_a5.pk}/maatregelen/nieuw/?soort=suspension",
        # the care coordinator and the director may start the ladder; a teacher opens the
        # pupil but does not propose
        only({"care_a": 200, "director_a": 200, "teacher_a": 403}, 404),
    ),
    Route("measure_detail", lambda w: f"/maatregelen/{_measure(w).pk}/", MEASURE_READERS),
    Route(
        "measure_detail",
        lambda w: f"/maatregelen/{_measure(w, 'time_out').pk}/",
        only({"director_a": 200}, 404),  # a time-out stays with the school
    ),
    Route(
        "measure_decide",
        lambda w: f"/maatregelen/{_measure(w).pk}/besluit/",
        only({"board": 200, "director_a": 403}, 404),  # empty POST: the form again
        method="post",
    ),
    Route(
        "measure_decide",
        lambda w: f"/maatregelen/{_measure(w, 'time_out').pk}/besluit/",
        only({"director_a": 200}, 404),
        method="post",
    ),
    Route(
        "measure_record",
        lambda w: f"/maatregelen/{_measure(w).pk}/gegevens/",
        # no group posted: back to the measure page with a message
        only({"director_a": 302, "board": 403}, 404),
        method="post",
    ),
    Route(
        "measure_search",
        lambda w: f"/maatregelen/{_measure(w).pk}/zoeken/",
        MEASURE_WORKERS,
        method="post",
    ),
    Route(
        "measure_finalise",
        lambda w: f"/maatregelen/{_measure(w).pk}/definitief/",
        only({"board": 200, "director_a": 403}, 404),
        method="post",
    ),
    Route(
        "measure_deregister",
        lambda w: f"/maatregelen/{_measure(w).pk}/uitschrijven/",
        MEASURE_WORKERS,
        method="post",
    ),
    Route(
        "measure_withdraw",
        lambda w: f"/maatregelen/{_measure(w).pk}/vervallen/",
        MEASURE_WORKERS,
        method="post",
    ),
    # temporary extra rules: through the ladder case (its readers; writing: who works on it)
    Route(
        "extra_rules_create",
        lambda w: f"/trajecten/{_measure(w).case_id}/omgangsregels/nieuw/",
        only({"director_a": 200}, 404),
    ),
    Route(
        "extra_rules_detail",
        lambda w: f"/omgangsregels/{_plan(w).pk}/",
        only({"director_a": 200}, 404),
    ),
    Route(
        "extra_rules_evaluate",
        lambda w: f"/omgangsregels/{_plan(w).pk}/evaluatie/",
        only({"director_a": 200}, 404),
    ),
    Route(
        "measure_letter_create",
        lambda w: f"/maatregelen/{_suspension(w).pk}/brieven/",
        only({"director_a": 302, "board": 403}, 404),
        method="post",
    ),
    Route("measure_letter", _letter_url, only({"director_a": 200, "board": 200}, 404)),
    Route(
        "letter_templates", lambda w: f"/besturen/{w.board.pk}/briefsjablonen/", LETTER_TEMPLATES
    ),
    Route(
        "letter_template_edit",
        lambda w: f"/besturen/{w.board.pk}/briefsjablonen/suspension_letter/",
        LETTER_TEMPLATES,
    ),
    # sharing outside the institution (decision framework 2): the case's workers ask and
    # mark as shared; the Executive Board (board role) decides
    Route(
        "sharing_request_create",
        lambda w: f"/trajecten/{_he_case(w).pk}/delen/nieuw/",
        only({"care_a": 200, "director_a": 403}, 404),
    ),
    Route("sharing_request_list", lambda w: "/delen/", only({"board": 200}, 404)),
    Route(
        "sharing_request_detail",
        lambda w: f"/delen/{_sharing_request(w).pk}/",
        only({"care_a": 200, "director_a": 200, "board": 200}, 404),
    ),
    Route(
        "sharing_request_decide",
        lambda w: f"/delen/{_sharing_request(w).pk}/besluit/",
        only({"board": 200, "care_a": 403, "director_a": 403}, 404),
        method="post",
    ),
    Route(
        "sharing_request_share",
        lambda w: f"/delen/{_sharing_request(w).pk}/gedeeld/",
        only({"care_a": 200, "director_a": 403, "board": 403}, 404),
        method="post",
    ),
    Route(
        "sharing_request_confirm",
        lambda w: f"/delen/{_sharing_request(w).pk}/bevestigd/",
        only({"care_a": 200, "director_a": 403, "board": 403}, 404),
        method="post",
    ),
    # care meetings: organisers (care coordinator, director) and a member (teacher A)
    Route("meeting_list", lambda w: "/zorgoverleg/", only({}, 200)),
    Route(
        "meeting_series_create",
        lambda w: "/zorgoverleg/nieuw/",
        only({"care_a": 200, "director_a": 200, "other_board": 200}, 404),
    ),
    Route(
        "meeting_series_create",
        lambda w: f"/zorgoverleg/nieuw/?school={w.school_a.pk}",
        only({"care_a": 200, "director_a": 200}, 404),  # an empty POST: the form's messages
        method="post",
    ),
    Route(
        "meeting_series_detail",
        lambda w: f"/zorgoverleg/reeks/{_meeting(w).series_id}/",
        MEETING_READERS,
    ),
    Route(
        "meeting_series_detail",
        lambda w: f"/zorgoverleg/reeks/{_meeting(w).series_id}/",
        MEETING_FORMS,  # nothing chosen: the form's message
        method="post",
    ),
    Route("care_meeting_detail", lambda w: f"/zorgoverleg/{_meeting(w).pk}/", MEETING_READERS),
    Route(
        "care_meeting_build",
        lambda w: f"/zorgoverleg/{_meeting(w).pk}/agenda-opbouwen/",
        MEETING_WRITERS,
        method="post",
    ),
    Route(
        "care_meeting_item_add",
        lambda w: f"/zorgoverleg/{_meeting(w).pk}/onderwerp/",
        MEETING_FORMS,  # an empty POST: the meeting page with the form's message
        method="post",
    ),
    Route("care_meeting_item", lambda w: _meeting_item_url(w), MEETING_FORMS),
    Route(
        "care_meeting_item",
        lambda w: _meeting_item_url(w),
        MEETING_FORMS,  # an empty POST: the form's messages
        method="post",
    ),
    Route(
        "care_meeting_item_named",
        lambda w: _meeting_item_url(w, "naam/"),
        MEETING_WRITERS,
        method="post",
    ),
    Route(
        "care_meeting_close",
        lambda w: f"/zorgoverleg/{_meeting(w).pk}/afsluiten/",
        MEETING_WRITERS,
        method="post",
    ),
    Route(
        "care_meeting_pdf", lambda w: f"/zorgoverleg/{_meeting(w).pk}/verslag.pdf", MEETING_READERS
    ),
    Route(
        "care_meeting_docx",
        lambda w: f"/zorgoverleg/{_meeting(w).pk}/verslag.docx",
        MEETING_READERS,
    ),
    Route(
        "meeting_request_create",
        lambda w: f"/trajecten/{w.case.pk}/zorgoverleg/",
        only({"care_a": 200, "director_a": 403}, 404),
    ),
    Route(
        "meeting_request_create",
        lambda w: f"/trajecten/{w.case.pk}/zorgoverleg/",
        only({"care_a": 200, "director_a": 403}, 404),  # an empty POST: the form's message
        method="post",
    ),
    Route(
        "naming_consent_create",
        lambda w: f"/leerlingen/{w.pupil_a5.pk}/toestemming-naam/",
        MEETING_FORMS,
    ),
    Route(
        "naming_consent_create",
        lambda w: f"/leerlingen/{w.pupil_a5.pk}/toestemming-naam/",
        MEETING_FORMS,  # an empty POST: the form's messages
        method="post",
    ),
    Route(
        "meeting_series_edit",
        lambda w: f"/zorgoverleg/reeks/{_meeting(w).series_id}/wijzigen/",
        MEETING_FORMS,
    ),
    Route(
        "meeting_series_edit",
        lambda w: f"/zorgoverleg/reeks/{_meeting(w).series_id}/wijzigen/",
        MEETING_FORMS,  # an empty POST: the form's messages
        method="post",
    ),
    Route(
        "meeting_member_add",
        lambda w: f"/zorgoverleg/reeks/{_meeting(w).series_id}/leden/",
        MEETING_FORMS,
    ),
    Route(
        "meeting_member_add",
        lambda w: f"/zorgoverleg/reeks/{_meeting(w).series_id}/leden/",
        MEETING_FORMS,  # an empty POST: the form's messages
        method="post",
    ),
    Route("meeting_member_edit", _meeting_member_url, MEETING_FORMS),
    Route(
        "meeting_member_edit",
        _meeting_member_url,
        MEETING_FORMS,  # an empty POST: the form's messages
        method="post",
    ),
    Route(
        "meeting_series_active",
        lambda w: f"/zorgoverleg/reeks/{_meeting(w).series_id}/stoppen/",
        MEETING_WRITERS,  # an empty POST: "out of date", back to the series
        method="post",
    ),
    Route(
        "incident_parent_export",
        lambda w: f"/incidenten/{_incident(w).pk}/ouders/{w.pupil_a5.pk}/",
        INCIDENT_READERS,
    ),
    Route(
        "incident_parent_export",
        lambda w: f"/incidenten/{_incident_by_director(w).pk}/ouders/{w.pupil_a5.pk}/",
        only({"teacher_a": 403, "care_a": 200, "director_a": 200}, 404),
    ),
    Route(
        "board_calendar",
        lambda w: f"/besturen/{w.board.pk}/kalender/",
        visible_but({"admin": 200}),
    ),
    Route(
        "incident_lists",
        lambda w: f"/besturen/{w.board.pk}/incidentlijsten/",
        visible_but({"admin": 200}),
    ),
    Route("audit_log", lambda w: "/audit/", only({"privacy": 200, "other_board": 200}, 404)),
    Route(
        "audit_verify",
        lambda w: "/audit/controleren/",
        only({"privacy": 200, "other_board": 200}, 404),
        method="post",
    ),
]

API_ALL = {p: 200 for p in STAFF} | {"anonymous": 401}
API_ROUTES = [
    Route("api-v1:me", lambda w: "/api/v1/me", API_ALL),
    Route("api-v1:schools", lambda w: "/api/v1/schools", API_ALL),
    Route("api-v1:pupils", lambda w: "/api/v1/pupils", API_ALL),
    Route(
        "api-v1:pupil",
        lambda w: f"/api/v1/pupils/{w.pupil_a5.pk}",
        only({"teacher_a": 200, "care_a": 200, "director_a": 200}, 404, anonymous=401),
    ),
    Route(
        "api-v1:pupil_dossier",
        lambda w: f"/api/v1/pupils/{w.pupil_a5.pk}/dossier",
        only({"teacher_a": 200, "care_a": 200, "director_a": 200}, 404, anonymous=401),
    ),
    Route(
        "api-v1:create_concern",
        lambda w: "/api/v1/concerns",
        only({"teacher_a": 201, "care_a": 201, "director_a": 201}, 404, anonymous=401),
        method="post",
    ),
    Route(
        "api-v1:handover_concern",
        lambda w: f"/api/v1/concerns/{w.concern.pk}/handover",
        only({"teacher_a": 200, "care_a": 200, "director_a": 200}, 404, anonymous=401),
        method="post",
    ),
    Route(
        "api-v1:create_case",
        lambda w: "/api/v1/cases",
        only({"care_a": 201, "director_a": 201, "teacher_a": 403}, 404, anonymous=401),
        method="post",
    ),
    Route(
        "api-v1:case_detail",
        lambda w: f"/api/v1/cases/{w.case.pk}",
        only({"care_a": 200, "director_a": 200}, 404, anonymous=401),
    ),
    Route(
        "api-v1:case_decision",
        lambda w: f"/api/v1/cases/{w.case.pk}/decision",
        # world.case is at step 1: the owner gets 409 (not at a decision step)
        only({"care_a": 409, "director_a": 403}, 404, anonymous=401),
        method="post",
    ),
    Route(
        "api-v1:create_incident",
        lambda w: "/api/v1/incidents",
        only({"teacher_a": 201, "care_a": 201, "director_a": 201}, 404, anonymous=401),
        method="post",
    ),
    Route("api-v1:list_incidents", lambda w: "/api/v1/incidents", API_ALL),
    Route(
        "api-v1:incident_counts",
        lambda w: f"/api/v1/insights/incidents?school={w.school_a.pk}",
        only(
            {"teacher_a": 200, "care_a": 200, "director_a": 200, "board": 200}, 404, anonymous=401
        ),
    ),
    Route(
        "api-v1:create_measure",
        lambda w: "/api/v1/measures",
        only({"care_a": 201, "director_a": 201, "teacher_a": 403}, 404, anonymous=401),
        method="post",
    ),
    Route(
        "api-v1:measure_detail",
        lambda w: f"/api/v1/measures/{_api_suspension(w).pk}",
        only({"care_a": 200, "director_a": 200, "board": 200}, 404, anonymous=401),
    ),
    Route(
        "api-v1:approve_measure",
        lambda w: f"/api/v1/measures/{_api_suspension(w).pk}/approve",
        only({"board": 200, "care_a": 403, "director_a": 403}, 404, anonymous=401),
        method="post",
    ),
    Route(
        "api-v1:create_sharing_request",
        lambda w: f"/api/v1/cases/{_he_case(w).pk}/sharing-requests",
        only({"care_a": 201, "director_a": 403}, 404, anonymous=401),
        method="post",
    ),
    Route(
        "api-v1:get_sharing_request",
        lambda w: f"/api/v1/sharing-requests/{_sharing_request(w).pk}",
        only({"care_a": 200, "director_a": 200, "board": 200}, 404, anonymous=401),
    ),
    Route(
        "api-v1:approve_sharing_request",
        lambda w: f"/api/v1/sharing-requests/{_sharing_request(w).pk}/approve",
        only({"board": 200, "care_a": 403, "director_a": 403}, 404, anonymous=401),
        method="post",
    ),
    Route(
        "api-v1:refuse_sharing_request",
        lambda w: f"/api/v1/sharing-requests/{_sharing_request(w).pk}/refuse",
        # {"note": ""}: a refusal needs a note
        only({"board": 422, "care_a": 403, "director_a": 403}, 404, anonymous=401),
        method="post",
    ),
    Route(
        "api-v1:share_sharing_request",
        lambda w: f"/api/v1/sharing-requests/{_sharing_request(w).pk}/share",
        # not approved yet
        only({"care_a": 409, "director_a": 403, "board": 403}, 404, anonymous=401),
        method="post",
    ),
    Route(
        "api-v1:confirm_sharing_request",
        lambda w: f"/api/v1/sharing-requests/{_sharing_request(w).pk}/confirm",
        # nothing to confirm
        only({"care_a": 409, "director_a": 403, "board": 403}, 404, anonymous=401),
        method="post",
    ),
    Route(
        "api-v1:care_meeting_agenda",
        lambda w: f"/api/v1/care-meetings/{_meeting(w).pk}/agenda?pseudonymised=true",
        only({"care_a": 200, "director_a": 200, "teacher_a": 200}, 404, anonymous=401),
    ),
    Route("api-v1:openapi-json", lambda w: "/api/v1/openapi.json", {p: 200 for p in PERSONAS}),
    Route("api-v1:api-root", lambda w: "/api/v1/", {p: 404 for p in PERSONAS}),
]

# Third-party routes: allauth (login, MFA, password) and Django's language switch. They are
# not personal-data routes; test_allauth_routes_need_login checks the account pages.
EXEMPT_PREFIXES = ("account_", "mfa_", "set_language")


def _walk(patterns, ns=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, p.namespace or ns)
        elif isinstance(p, URLPattern):
            yield (f"{ns}:" if ns else "") + (p.name or f"<unnamed {p.pattern}>")


def test_every_route_is_in_the_matrix():
    known = {r.name for r in ROUTES + API_ROUTES}
    names = {n for n in _walk(get_resolver().url_patterns) if not n.startswith(EXEMPT_PREFIXES)}
    assert names - known == set(), "routes missing from the access matrix"
    assert known - names == set(), "matrix rows for routes that do not exist"


def _client(world: World, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(world[persona])
    return client


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
@pytest.mark.parametrize("persona", PERSONAS)
def test_page_matrix(world, route, persona):
    response = getattr(_client(world, persona), route.method)(route.url(world))
    expected = route.expect[persona]
    assert response.status_code == expected, f"{persona} {route.method.upper()} {route.url(world)}"
    if expected == 302 and persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.fixture
def api_token(world):
    from vangnet.accounts.actions import do_create_api_token
    from vangnet.core.audit import Actor

    def make(persona: str) -> dict[str, str]:
        if persona == "anonymous":
            return {}
        token = do_create_api_token(world[persona], actor=Actor.system("test"))
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    return make


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: r.name)
@pytest.mark.parametrize("persona", PERSONAS)
def test_api_matrix(world, api_token, route, persona):
    if route.method == "post":
        body = {"note": ""}
        if route.name == "api-v1:create_concern":
            body = {
                "pupil": world.pupil_a5.pk,
                "occurred_at": "2026-01-05T10:00:00+01:00",
                "statements": [{"kind": "fact", "text": "Zag iets."}],
            }
        if route.name == "api-v1:create_case":
            body = {"pupil": world.pupil_a5.pk, "protocol": "meldcode"}
        if route.name == "api-v1:create_incident":
            from vangnet.incidents.lists import ensure_lists

            ensure_lists(world.board)
            body = {
                "school": world.school_a.pk,
                "occurred_at": "2025-01-06T10:00:00+01:00",
                "location": IncidentLocation.objects.filter(board=world.board).first().pk,
                "category": IncidentCategory.objects.get(board=world.board, code="bullying").pk,
                "severity": "minor",
                "description": "Geduwd bij het hek.",
                "people": [{"role": "affected", "pupil": world.pupil_a5.pk}],
            }
        if route.name == "api-v1:case_decision":
            body = {"q1": False, "rationale": {"q1": "Geen vermoeden na stap 1 tot en met 4."}}
        if route.name == "api-v1:create_measure":
            # an expulsion has no dates: the same answer on any day
            body = {
                "pupil": world.pupil_a5.pk,
                "kind": "expulsion",
                "ground": "misconduct",
                "reasons": "Bedreigde herhaaldelijk klasgenoten en een leerkracht.",
            }
        if route.name == "api-v1:approve_measure":
            body = {"approve": True}
        if route.name == "api-v1:create_sharing_request":
            body = {
                "route": "weighed",
                "recipient": world.partner.pk,
                "what": "a",
                "purpose": "b",
                "answers": dict.fromkeys(SHARING_KEYS, True),
                "rationales": dict.fromkeys(SHARING_KEYS, "c"),
            }
        if route.name in ("api-v1:share_sharing_request", "api-v1:confirm_sharing_request"):
            body = {}  # these refuse unknown fields such as "note"
        response = Client().post(
            route.url(world), body, content_type="application/json", **api_token(persona)
        )
    else:
        response = Client().get(route.url(world), **api_token(persona))
    assert response.status_code == route.expect[persona], f"{persona} GET {route.url(world)}"


@pytest.mark.parametrize(
    "url", ["/accounts/2fa/", "/accounts/password/change/", "/accounts/2fa/totp/activate/"]
)
def test_allauth_routes_need_login(url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_foreign_and_malformed_ids_are_404(world, client_for):
    client = client_for("care_a")
    for url in [f"/leerlingen/{w}/" for w in (world.pupil_c.pk, world.pupil_b3.pk, 999999)] + [
        f"/scholen/{world.school_c.pk}/",
        "/sociale-kaart/999999/",
        f"/sociale-kaart/{world.other_partner.pk}/",
        "/leerlingen/99999999999999999999999/",
    ]:
        assert client.get(url).status_code == 404, url


def test_teacher_sees_only_own_group(world, client_for):
    client = client_for("teacher_a")
    assert client.get(f"/leerlingen/{world.pupil_a5.pk}/").status_code == 200
    assert client.get(f"/leerlingen/{world.pupil_a6.pk}/").status_code == 404
    listed = client.get("/leerlingen/").content.decode()
    assert world.pupil_a5.last_name in listed and world.pupil_a6.last_name not in listed


def test_group_of_an_earlier_school_year_gives_no_access(world, client_for):
    world.group_a5.school_year = "2001-2002"
    world.group_a5.save()
    assert client_for("teacher_a").get(f"/leerlingen/{world.pupil_a5.pk}/").status_code == 404


def test_single_pupil_check_agrees_with_the_list_rule(world):
    """access_pupil answers from the scope in Python; it must say what visible_pupils says,
    for every persona and pupil, with and without a break-the-glass grant."""
    from vangnet.core import access
    from vangnet.core.actions import do_break_glass
    from vangnet.core.audit import Actor
    from vangnet.organisations.models import Pupil

    def check() -> None:
        pupils = list(Pupil.objects.select_related("school", "group"))
        for persona in STAFF:
            user = type(world[persona]).objects.get(pk=world[persona].pk)  # fresh: no caches
            listed = set(access.visible_pupils(user).values_list("pk", flat=True))
            for p in pupils:
                assert access.can_view_pupil(user, p) == (p.pk in listed), (persona, p)

    check()
    do_break_glass(
        world.pupil_a6,
        reason="Incident op het plein, ouders bellen",
        actor=Actor(world["teacher_a"]),
    )
    check()
    world.group_a5.school_year = "2001-2002"
    world.group_a5.save()
    check()
