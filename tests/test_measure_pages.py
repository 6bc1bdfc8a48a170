"""The measure pages: proposing each kind through its form, the measure page with its
deadlines, checklist and forms, the board's decision, the list of what waits, the extra
rules, and what the case page, the pupil page and the start page show — per persona.

The clock: Monday 2 March 2026, 9:00 in Amsterdam (the world is built on that day, so the
teacher's group is of the school year then); the board's spring holiday runs from Monday 16
to Friday 20 March 2026."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.world import World
from vangnet.cases.actions import do_open_case
from vangnet.cases.models import Case, CaseTask
from vangnet.core.audit import Actor
from vangnet.core.models import AuditEvent, EventType
from vangnet.measures import actions
from vangnet.measures.actions import Proposal
from vangnet.measures.models import ExtraRulesPlan, Measure, SearchAttempt
from vangnet.organisations.models import SchoolHoliday, Sector

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = dt.date(2026, 3, 2)  # a Monday
D = dt.date
PERSONAS = [
    "teacher_a",
    "care_a",
    "director_a",
    "adviser_a",
    "teacher_b",
    "board",
    "privacy",
    "admin",
    "other_board",
    "no_role",
]


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=AMS), tick=False) as t:
        yield t


@pytest.fixture
def w(frozen: time_machine.Coordinates, world: World) -> World:
    """The world, built on the frozen day, with the spring holiday."""
    SchoolHoliday.objects.create(
        board=world.board,
        name="Voorjaarsvakantie",
        first_day=D(2026, 3, 16),
        last_day=D(2026, 3, 20),
    )
    return world


def as_(world: World, persona: str) -> Actor:
    return Actor(user=world[persona])


def propose(world: World, kind: str = "suspension", persona: str = "director_a", **kw) -> Measure:
    values: dict[str, object] = {
        "kind": kind,
        "reasons": "Heeft een medeleerling ernstig bedreigd.",
    }
    if kind == "suspension":
        values |= {"start": D(2026, 3, 4), "end": D(2026, 3, 6)}
        values["learning_arrangements"] = "Werk via de leerkracht, dagelijks opgehaald."
    if kind == "time_out":
        values |= {"start": TODAY, "end": TODAY, "taught_where": "In groep 7"}
    if kind == "expulsion":
        values["ground"] = "misconduct"
    values.update(kw)
    return actions.do_propose(world.pupil_a5, Proposal(**values), actor=as_(world, persona))  # type: ignore[arg-type]


def text(response) -> str:
    return response.content.decode()


def token_after(body: str, marker: str) -> str:
    """The submission token of the form that follows ``marker`` in the page."""
    at = body.index(marker)
    found = re.search(r'name="submission_token" value="([^"]+)"', body[at:])
    assert found, f"no token after {marker}"
    return found.group(1)


def events(kind: EventType, **filters: object) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=kind, **filters))


def client(world: World, persona: str) -> Client:
    c = Client()
    c.force_login(world[persona])
    return c


def page(world: World, persona: str, url: str) -> tuple[Client, str]:
    c = client(world, persona)
    response = c.get(url)
    assert response.status_code == 200, (persona, url)
    return c, text(response)


def follow(c: Client, response) -> str:
    assert response.status_code == 302, text(response)
    return text(c.get(response["Location"]))


# --- every page, every persona ----------------------------------------------------------------


def only(allowed: dict[str, int], default: int) -> dict[str, int]:
    return {p: allowed.get(p, default) for p in PERSONAS}


def test_every_page_per_persona(w: World) -> None:
    """The rows proposed for tests/test_access_matrix.py, checked here with real measures."""
    time_out = propose(w, "time_out")
    suspension = propose(w)
    plan = actions.do_create_plan(
        suspension.case,
        chosen=["breaks"],
        rules_note="",
        extra_teacher=False,
        starts_on=TODAY,
        parents_note="",
        actor=as_(w, "director_a"),
    )
    pupil = w.pupil_a5.pk
    rows: list[tuple[str, str, str, dict[str, int]]] = [
        (
            "get",
            "/maatregelen/",
            "",
            only({"adviser_a": 404, "privacy": 404, "admin": 404, "no_role": 404}, 200),
        ),
        (
            "get",
            f"/leerlingen/{pupil}/maatregelen/nieuw/?soort=suspension",
            "",
            # care_a may start the ladder (the director's case is not theirs to see)
            only({"care_a": 200, "director_a": 200, "teacher_a": 403}, 404),
        ),
        ("get", f"/maatregelen/{suspension.pk}/", "", only({"director_a": 200, "board": 200}, 404)),
        ("get", f"/maatregelen/{time_out.pk}/", "", only({"director_a": 200}, 404)),
        # empty posts: the page comes back with the form's errors for who may act
        (
            "post",
            f"/maatregelen/{suspension.pk}/besluit/",
            "",
            only({"board": 200, "director_a": 403}, 404),
        ),
        ("post", f"/maatregelen/{time_out.pk}/besluit/", "", only({"director_a": 200}, 404)),
        (
            "post",
            f"/maatregelen/{suspension.pk}/gegevens/",
            "",
            only({"director_a": 302, "board": 403}, 404),
        ),
        (
            "post",
            f"/maatregelen/{suspension.pk}/zoeken/",
            "",
            only({"director_a": 200, "board": 403}, 404),
        ),
        (
            "post",
            f"/maatregelen/{suspension.pk}/definitief/",
            "",
            only({"board": 200, "director_a": 403}, 404),
        ),
        (
            "post",
            f"/maatregelen/{suspension.pk}/uitschrijven/",
            "",
            only({"director_a": 200, "board": 403}, 404),
        ),
        (
            "post",
            f"/maatregelen/{suspension.pk}/vervallen/",
            "",
            only({"director_a": 200, "board": 403}, 404),
        ),
        (
            "get",
            f"/trajecten/{suspension.case_id}/omgangsregels/nieuw/",
            "",
            only({"director_a": 200}, 404),
        ),
        ("get", f"/omgangsregels/{plan.pk}/", "", only({"director_a": 200}, 404)),
        ("get", f"/omgangsregels/{plan.pk}/evaluatie/", "", only({"director_a": 200}, 404)),
    ]
    for method, url, _note, expect in rows:
        for persona in PERSONAS:
            response = getattr(client(w, persona), method)(url)
            assert response.status_code == expect[persona], (persona, method, url)
        anonymous = getattr(Client(), method)(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_a_case_reader_who_does_not_work_on_it_cannot_write(w: World) -> None:
    """The teacher added to the ladder case reads the measure but does not decide it."""
    from vangnet.cases.models import CaseMember

    measure = propose(w, "time_out")
    CaseMember.objects.create(case=measure.case, user=w["teacher_a"], added_by=w["director_a"])
    c = client(w, "teacher_a")
    assert c.get(f"/maatregelen/{measure.pk}/").status_code == 200
    assert c.post(f"/maatregelen/{measure.pk}/besluit/").status_code == 403
    body = text(c.get(f"/maatregelen/{measure.pk}/"))
    assert "Uw besluit" not in body and "Toestemming geven voor de time-out" not in body


# --- proposing --------------------------------------------------------------------------------


def test_only_the_kinds_of_the_sector_are_offered(w: World) -> None:
    url = f"/leerlingen/{w.pupil_a5.pk}/maatregelen/nieuw/"
    _c, body = page(w, "director_a", url)
    for kind in ("time_out", "suspension", "expulsion"):
        assert f"?soort={kind}" in body
    assert "Time-out" in body and "Schorsing" in body and "Verwijdering" in body
    assert "access_denial" not in body and "Ontzegging" not in body
    # a kind of another sector: the choice again, not its form
    _c, body = page(w, "director_a", url + "?soort=access_denial")
    assert "Kies de maatregel" in body and 'name="reasons"' not in body
    assert events(EventType.PUPIL_VIEWED, data__page="measure_choose")


def test_higher_education_offers_the_executive_boards_measures(w: World) -> None:
    w.school_a.sector = Sector.HBO
    w.school_a.save()
    url = f"/leerlingen/{w.pupil_a5.pk}/maatregelen/nieuw/"
    # the measures come from the last step of a concerning-behaviour case
    assert client(w, "director_a").get(url).status_code == 403
    case = do_open_case(w.pupil_a5, "he_concern", actor=as_(w, "director_a"))
    Case.objects.filter(pk=case.pk).update(current_step="board")
    _c, body = page(w, "director_a", url)
    assert "?soort=access_denial" in body and "?soort=enrolment_end" in body
    assert "?soort=suspension" not in body
    c, body = page(w, "director_a", url + "?soort=access_denial")
    assert "Hoogstens 12 maanden." in body and "na het horen van de student" in body
    response = c.post(
        url + "?soort=access_denial",
        {
            "submission_token": token_after(body, "<form"),
            "start": "2026-03-03",
            "end": "2027-03-02",
            "reasons": "Herhaald ernstige overlast in het gebouw.",
        },
    )
    measure = Measure.objects.get(kind="access_denial")
    assert response["Location"] == f"/maatregelen/{measure.pk}/"
    assert measure.case_id == case.pk
    body = follow(c, response)
    assert "Student gehoord" in body and "nog te doen" in body


@pytest.mark.parametrize(
    ("kind", "fields", "expect"),
    [
        (
            "time_out",
            {
                "start": "2026-03-02",
                "end": "2026-03-03",
                "taught_where": "In groep 7 bij de leerkracht",
                "restrictions": ["gym", "after_school_care"],
            },
            {"school_days": 2, "restrictions": ["after_school_care", "gym"]},
        ),
        (
            "suspension",
            {
                "start": "2026-03-12",
                "end": "2026-03-25",  # over the spring holiday: 5 school days
                "learning_arrangements": "Werk wordt dagelijks opgehaald.",
                "tests_arrangements": "De rekentoets op vrijdag na de schorsing.",
            },
            {"school_days": 5, "start": D(2026, 3, 12)},
        ),
        ("expulsion", {"ground": "relation"}, {"ground": "relation", "start": None}),
    ],
)
def test_proposing_each_kind_through_its_form(w: World, kind: str, fields, expect) -> None:
    url = f"/leerlingen/{w.pupil_a5.pk}/maatregelen/nieuw/?soort={kind}"
    c, body = page(w, "director_a", url)
    assert events(EventType.PUPIL_VIEWED, data__page="measure_propose")
    if kind == "time_out":
        assert "Hoogstens 5 schooldagen, tot het einde van de week" in body
        assert 'type="checkbox" name="restrictions"' in body
        assert 'name="ground"' not in body
    if kind == "expulsion":
        assert 'type="radio" name="ground"' in body and 'name="start"' not in body
    data = {"submission_token": token_after(body, "<form"), "reasons": "Sloeg een klasgenoot."}
    response = c.post(url, data | fields)
    measure = Measure.objects.get()
    assert response["Location"] == f"/maatregelen/{measure.pk}/"
    assert measure.kind == kind and measure.status == Measure.Status.PROPOSED
    for name, value in expect.items():
        assert getattr(measure, name) == value, name
    assert measure.case.protocol == "behaviour" and measure.case.current_step == kind
    body = follow(c, response)
    assert "Het voorstel is opgeslagen" in body or "De time-out is voorgesteld" in body


def test_a_refused_proposal_quotes_the_rule_and_keeps_the_form(w: World) -> None:
    url = f"/leerlingen/{w.pupil_a5.pk}/maatregelen/nieuw/?soort=suspension"
    c, body = page(w, "director_a", url)
    reasons = "Gooide een stoel door het lokaal."
    response = c.post(
        url,
        {
            "submission_token": token_after(body, "<form"),
            "start": "2026-03-03",
            "end": "2026-03-10",
            "reasons": reasons,
            "learning_arrangements": "Werk via de mentor.",
        },
    )
    assert response.status_code == 200
    body = text(response)
    assert "Het formulier is nog niet opgeslagen." in body
    assert (
        "Een schorsing duurt hoogstens één week: niet meer dan 5 schooldagen. Deze schorsing "
        "telt 6 schooldagen (weekenden en vakanties tellen niet mee)."
    ) in body
    assert "dinsdag 3 maart 2026 tot en met dinsdag 10 maart 2026: 6 schooldagen" in body
    assert reasons in body and 'value="2026-03-10"' in body and "Werk via de mentor." in body
    assert not Measure.objects.exists()
    # the same form, corrected, is stored once
    response = c.post(
        url,
        {
            "submission_token": token_after(body, "<form"),
            "start": "2026-03-03",
            "end": "2026-03-09",
            "reasons": reasons,
            "learning_arrangements": "Werk via de mentor.",
        },
    )
    assert response.status_code == 302 and Measure.objects.count() == 1


def test_a_date_out_of_reach_is_refused_by_the_form(w: World) -> None:
    url = f"/leerlingen/{w.pupil_a5.pk}/maatregelen/nieuw/?soort=time_out"
    c, body = page(w, "director_a", url)
    response = c.post(
        url,
        {
            "submission_token": token_after(body, "<form"),
            "start": "1999-03-01",
            "end": "1999-03-01",
            "taught_where": "Groep 7",
            "reasons": "Sloeg een klasgenoot.",
        },
    )
    assert response.status_code == 200
    assert "Kies een datum tussen een jaar geleden en twee jaar vooruit." in text(response)
    assert not Measure.objects.exists()


def test_counting_school_days_saves_nothing(w: World) -> None:
    url = f"/leerlingen/{w.pupil_a5.pk}/maatregelen/nieuw/?soort=time_out"
    c, body = page(w, "director_a", url)
    response = c.post(
        url,
        {
            "submission_token": token_after(body, "<form"),
            "start": "2026-03-04",
            "end": "2026-03-09",
            "tellen": "1",
        },
    )
    body = text(response)
    assert response.status_code == 200
    assert "woensdag 4 maart 2026 tot en met maandag 9 maart 2026: 4 schooldagen" in body
    assert (
        "hoogstens tot het einde van de week waarin hij begint (hier vrijdag 6 maart 2026)" in body
    )
    assert "Het formulier is nog niet opgeslagen." not in body  # no errors for empty fields
    assert not Measure.objects.exists()


def test_a_double_submit_makes_one_measure(w: World) -> None:
    url = f"/leerlingen/{w.pupil_a5.pk}/maatregelen/nieuw/?soort=expulsion"
    c, body = page(w, "director_a", url)
    data = {
        "submission_token": token_after(body, "<form"),
        "ground": "misconduct",
        "reasons": "Herhaald ernstig geweld tegen klasgenoten.",
    }
    first = c.post(url, data)
    second = c.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Measure.objects.count() == 1
    assert len(events(EventType.MEASURE_PROPOSED)) == 1


def test_who_may_not_propose_gets_403(w: World) -> None:
    url = f"/leerlingen/{w.pupil_a5.pk}/maatregelen/nieuw/?soort=time_out"
    assert client(w, "teacher_a").get(url).status_code == 403
    assert client(w, "teacher_a").post(url, {"reasons": "x"}).status_code == 403
    assert not Measure.objects.exists()


# --- the measure page and the decision --------------------------------------------------------


def test_suspension_from_proposal_to_letter_by_clicks(w: World, settings, tmp_path) -> None:
    """The director proposes, the board finds it on its start page and approves it on the
    measure page; the director then makes the suspension letter there."""
    settings.MEDIA_ROOT = tmp_path
    url = f"/leerlingen/{w.pupil_a5.pk}/maatregelen/nieuw/?soort=suspension"
    director, body = page(w, "director_a", url)
    director.post(
        url,
        {
            "submission_token": token_after(body, "<form"),
            "start": "2026-03-04",
            "end": "2026-03-06",
            "reasons": "Bedreigde een klasgenoot met een schaar.",
            "learning_arrangements": "Werk via de leerkracht.",
        },
    )
    measure = Measure.objects.get()
    board, home = page(w, "board", "/")
    assert "Wacht op uw besluit" in home and f"/maatregelen/{measure.pk}/" in home
    assert "Anna Visser" in home
    assert events(EventType.MEASURE_VIEWED, data__page="home")
    _b, listing = page(w, "board", "/maatregelen/")
    assert f"/maatregelen/{measure.pk}/" in listing
    assert "Besluit van het bestuur: dinsdag 3 maart 2026" in listing
    before = len(events(EventType.MEASURE_VIEWED, object_id=str(measure.pk)))
    detail = text(board.get(f"/maatregelen/{measure.pk}/"))
    assert len(events(EventType.MEASURE_VIEWED, object_id=str(measure.pk))) == before + 1
    assert "Het bestuur beslist uiterlijk dinsdag 3 maart 2026" in detail
    assert "woensdag 4 maart 2026 tot en met vrijdag 6 maart 2026 · 3 schooldagen" in detail
    assert "Goedkeuren" in detail and "Besluit vastleggen" in detail
    response = board.post(
        f"/maatregelen/{measure.pk}/besluit/",
        {
            "submission_token": token_after(detail, 'action="/maatregelen/'),
            "version": str(measure.version),
            "decision": "approve",
            "note": "",
        },
    )
    body = follow(board, response)
    measure.refresh_from_db()
    assert measure.status == Measure.Status.APPROVED and measure.approved_by == w["board"]
    assert "Goedgekeurd: schorsing" in body
    assert "Melden bij de Inspectie: woensdag 4 maart 2026" in body
    # the director works on: the letter is ready, the facts can be recorded
    director, body = page(w, "director_a", f"/maatregelen/{measure.pk}/")
    assert 'id="gegevens-parents"' in body and 'id="gegevens-meeting"' in body
    letter_form = body[body.index(f'action="/maatregelen/{measure.pk}/brieven/"') :]
    letter_form = letter_form[: letter_form.index("</form>")]
    assert 'value="suspension_letter"' in letter_form
    response = director.post(
        f"/maatregelen/{measure.pk}/brieven/",
        {"submission_token": token_after(letter_form, "<"), "kind": "suspension_letter"},
    )
    assert response["Location"].startswith(f"/maatregelen/{measure.pk}/")
    body = follow(director, response)
    assert measure.documents.filter(kind="suspension_letter").count() == 1
    assert f"/maatregelen/{measure.pk}/brieven/" in body and ".pdf" in body


def test_refusing_needs_a_note_and_the_form_is_kept(w: World) -> None:
    measure = propose(w)
    board, detail = page(w, "board", f"/maatregelen/{measure.pk}/")
    data = {
        "submission_token": token_after(detail, 'action="/maatregelen/'),
        "version": str(measure.version),
        "decision": "refuse",
        "note": "",
    }
    response = board.post(f"/maatregelen/{measure.pk}/besluit/", data)
    assert response.status_code == 200
    assert "Schrijf kort waarom u niet goedkeurt." in text(response)
    assert 'value="refuse" id="id_decide_decision_1" required checked' in text(response)
    response = board.post(
        f"/maatregelen/{measure.pk}/besluit/", data | {"note": "Eerst een gesprek met de ouders."}
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == Measure.Status.REFUSED


def test_approval_on_the_start_day_is_refused_with_the_rule(
    w: World, frozen: time_machine.Coordinates
) -> None:
    measure = propose(w)
    frozen.move_to(dt.datetime(2026, 3, 4, 8, 0, tzinfo=AMS))
    board, detail = page(w, "board", f"/maatregelen/{measure.pk}/")
    assert "Goedkeuren kan nu niet:" in detail
    assert "goedkeuren kan tot en met dinsdag 3 maart 2026" in detail
    response = board.post(
        f"/maatregelen/{measure.pk}/besluit/",
        {
            "submission_token": token_after(detail, 'action="/maatregelen/'),
            "version": str(measure.version),
            "decision": "approve",
        },
    )
    assert response.status_code == 200
    assert "moet een schorsing goedkeuren vóór de dag waarop die ingaat" in text(response)
    measure.refresh_from_db()
    assert measure.status == Measure.Status.PROPOSED


def test_a_time_out_is_approved_by_the_director_then_parents_are_recorded(w: World) -> None:
    measure = propose(w, "time_out")
    director, detail = page(w, "director_a", f"/maatregelen/{measure.pk}/")
    assert 'id="gegevens-parents"' not in detail  # not before the approval
    assert "Toestemming geven voor de time-out" in detail
    response = director.post(
        f"/maatregelen/{measure.pk}/besluit/",
        {
            "submission_token": token_after(detail, 'action="/maatregelen/'),
            "version": str(measure.version),
            "decision": "approve",
        },
    )
    detail = follow(director, response)
    measure.refresh_from_db()
    response = director.post(
        f"/maatregelen/{measure.pk}/gegevens/",
        {
            "submission_token": token_after(detail, 'id="gegevens-parents"'),
            "group": "parents",
            "version": str(measure.version),
            "parents_written_on": "2026-03-02",
            "parents_phoned_on": "2026-03-02",
        },
    )
    assert response["Location"] == f"/maatregelen/{measure.pk}/#gegevens-parents"
    body = follow(director, response)
    measure.refresh_from_db()
    assert measure.parents_written_on == measure.parents_phoned_on == TODAY
    assert "Vastgelegd: Ouders ingelicht." in body
    assert "nog te doen" not in body.split('id="h-todo"')[1].split("</section>")[0]
    assert events(EventType.MEASURE_UPDATED, object_id=str(measure.pk))


def test_a_fact_in_the_future_is_refused_and_an_empty_form_says_so(w: World) -> None:
    measure = propose(w)
    actions.do_decide(measure, approve=True, actor=as_(w, "board"))
    measure.refresh_from_db()
    director, detail = page(w, "director_a", f"/maatregelen/{measure.pk}/")
    data = {
        "submission_token": token_after(detail, 'id="gegevens-copies"'),
        "group": "copies",
        "version": str(measure.version),
    }
    response = director.post(f"/maatregelen/{measure.pk}/gegevens/", data)
    assert "Vul ten minste één gegeven in." in text(response)
    response = director.post(
        f"/maatregelen/{measure.pk}/gegevens/", data | {"copies_sent_on": "2026-03-09"}
    )
    assert response.status_code == 200
    assert "Deze datum ligt in de toekomst." in text(response)
    assert 'value="2026-03-09"' in text(response)
    measure.refresh_from_db()
    assert measure.copies_sent_on is None


def test_a_version_conflict_is_shown_and_nothing_is_overwritten(w: World) -> None:
    measure = propose(w)
    actions.do_decide(measure, approve=True, actor=as_(w, "board"))
    measure.refresh_from_db()
    director, detail = page(w, "director_a", f"/maatregelen/{measure.pk}/")
    # a colleague records the meeting in the meantime
    actions.do_record(
        measure, {"meeting_report": "Gesprek gevoerd met moeder."}, actor=as_(w, "director_a")
    )
    response = director.post(
        f"/maatregelen/{measure.pk}/gegevens/",
        {
            "submission_token": token_after(detail, 'id="gegevens-meeting"'),
            "group": "meeting",
            "version": str(measure.version),
            "meeting_report": "Mijn eigen verslag.",
        },
    )
    assert response.status_code == 200
    body = text(response)
    assert "Iemand anders heeft deze maatregel intussen gewijzigd." in body
    assert "Nu vastgelegd: Gesprek gevoerd met moeder." in body
    assert "Mijn eigen verslag." in body  # the user's input is kept
    measure.refresh_from_db()
    assert measure.meeting_report == "Gesprek gevoerd met moeder."
    # the page now carries the new version: saving again works
    assert f'name="version" value="{measure.version}"' in body


def test_a_stale_decision_is_a_conflict(w: World) -> None:
    measure = propose(w)
    board, detail = page(w, "board", f"/maatregelen/{measure.pk}/")
    actions.do_record(measure, {"tests_arrangements": "Toets later."}, actor=as_(w, "director_a"))
    response = board.post(
        f"/maatregelen/{measure.pk}/besluit/",
        {
            "submission_token": token_after(detail, 'action="/maatregelen/'),
            "version": str(measure.version),
            "decision": "approve",
        },
    )
    assert "Iemand anders heeft deze maatregel intussen gewijzigd." in text(response)
    measure.refresh_from_db()
    assert measure.status == Measure.Status.PROPOSED


def test_expulsion_through_the_pages(w: World, frozen: time_machine.Coordinates) -> None:
    measure = propose(w, "expulsion")
    director, detail = page(w, "director_a", f"/maatregelen/{measure.pk}/")

    def record(group: str, values: dict[str, str]) -> str:
        nonlocal detail
        measure.refresh_from_db()
        response = director.post(
            f"/maatregelen/{measure.pk}/gegevens/",
            {
                "submission_token": token_after(detail, f'id="gegevens-{group}"'),
                "group": group,
                "version": str(measure.version),
            }
            | values,
        )
        detail = follow(director, response)
        return detail

    record("preparation", {"educational_report": "Ontwikkeling en geboden ondersteuning."})
    record("hearings", {"teacher_heard_on": "2026-03-02", "parents_heard_on": "2026-03-02"})
    board, detail_b = page(w, "board", f"/maatregelen/{measure.pk}/")
    assert "Goedkeuren kan nu niet:" not in detail_b
    measure.refresh_from_db()
    body = follow(
        board,
        board.post(
            f"/maatregelen/{measure.pk}/besluit/",
            {
                "submission_token": token_after(detail_b, 'action="/maatregelen/'),
                "version": str(measure.version),
                "decision": "approve",
            },
        ),
    )
    assert "Er wordt gezocht naar een andere school tot en met maandag 27 april 2026" in body
    assert "Definitief verwijderen" in body and "Dit kan nog niet:" in body
    detail = text(director.get(f"/maatregelen/{measure.pk}/"))
    assert "De ouders kunnen tot en met maandag 13 april 2026 bezwaar maken" in detail
    response = director.post(
        f"/maatregelen/{measure.pk}/zoeken/",
        {
            "submission_token": token_after(detail, f'action="/maatregelen/{measure.pk}/zoeken/"'),
            "contacted_on": "2026-03-02",
            "school_name": "De Regenboog",
            "outcome": "accepted",
            "note": "",
        },
    )
    assert response["Location"] == f"/maatregelen/{measure.pk}/#zoeken"
    assert SearchAttempt.objects.get().school_name == "De Regenboog"
    detail_b = text(board.get(f"/maatregelen/{measure.pk}/"))
    assert "Dit kan nog niet:" not in detail_b
    body = follow(
        board,
        board.post(
            f"/maatregelen/{measure.pk}/definitief/",
            {"submission_token": token_after(detail_b, 'action="/maatregelen/')},
        ),
    )
    measure.refresh_from_db()
    assert measure.status == Measure.Status.FINAL and "De verwijdering is definitief." in body
    detail = text(director.get(f"/maatregelen/{measure.pk}/"))
    assert "pas als de nieuwe school heeft laten weten" in detail  # de-registration waits
    refused = director.post(
        f"/maatregelen/{measure.pk}/uitschrijven/",
        {
            "submission_token": token_after(
                detail, f'action="/maatregelen/{measure.pk}/uitschrijven/"'
            )
        },
    )
    assert refused.status_code == 200 and "Uitschrijven mag pas" in text(refused)
    record("enrolment", {"enrolment_notice_on": "2026-03-02"})
    detail = text(director.get(f"/maatregelen/{measure.pk}/"))
    body = follow(
        director,
        director.post(
            f"/maatregelen/{measure.pk}/uitschrijven/",
            {
                "submission_token": token_after(
                    detail, f'action="/maatregelen/{measure.pk}/uitschrijven/"'
                )
            },
        ),
    )
    measure.refresh_from_db()
    assert measure.status == Measure.Status.DEREGISTERED and "De leerling is uitgeschreven." in body


def test_a_measure_is_withdrawn_with_a_reason(w: World) -> None:
    measure = propose(w)
    director, detail = page(w, "director_a", f"/maatregelen/{measure.pk}/")
    url = f"/maatregelen/{measure.pk}/vervallen/"
    response = director.post(url, {"submission_token": token_after(detail, f'action="{url}"')})
    assert response.status_code == 200 and "Schrijf kort waarom de maatregel vervalt." in text(
        response
    )
    body = follow(
        director,
        director.post(
            url,
            {
                "submission_token": token_after(detail, f'action="{url}"'),
                "reason": "Ouders en school spraken iets anders af.",
            },
        ),
    )
    measure.refresh_from_db()
    assert measure.status == Measure.Status.WITHDRAWN
    assert "Waarom vervallen" in body and "Ouders en school spraken iets anders af." in body


# --- lists, the start page, the pupil page, the case page --------------------------------------


def test_the_list_shows_what_waits_for_whom(w: World) -> None:
    time_out = propose(w, "time_out")
    suspension = propose(w)
    _c, body = page(w, "director_a", "/maatregelen/")
    waiting = body.split('id="h-waiting"')[1].split('id="h-running"')[0]
    assert f"/maatregelen/{time_out.pk}/" in waiting
    assert f"/maatregelen/{suspension.pk}/" not in waiting  # the board decides that one
    _c, body = page(w, "board", "/maatregelen/")
    waiting = body.split('id="h-waiting"')[1].split('id="h-running"')[0]
    assert (
        f"/maatregelen/{suspension.pk}/" in waiting and f"/maatregelen/{time_out.pk}/" not in body
    )
    assert events(EventType.MEASURE_VIEWED, data__page="measure_list")
    _c, body = page(w, "other_board", "/maatregelen/")
    assert "Anna" not in body
    actions.do_decide(suspension, approve=True, actor=as_(w, "board"))
    _c, body = page(w, "board", "/maatregelen/")
    running = body.split('id="h-running"')[1]
    assert f"/maatregelen/{suspension.pk}/" in running


def test_nav_and_start_page_for_director_and_board(w: World) -> None:
    measure = propose(w, "time_out")
    for persona, shown in [
        ("director_a", True),
        ("board", True),
        ("care_a", True),
        ("teacher_a", False),
    ]:
        nav = [n["label"] for n in client(w, persona).get("/").context["nav"]]
        assert ("Maatregelen" in nav) is shown, persona
    _c, home = page(w, "director_a", "/")
    assert "Wacht op uw besluit" in home and f"/maatregelen/{measure.pk}/" in home
    _c, home = page(w, "care_a", "/")
    assert "Wacht op uw besluit" not in home


def test_case_page_shows_measures_shortcuts_and_extra_rules(w: World) -> None:
    case = do_open_case(w.pupil_a5, "behaviour", actor=as_(w, "director_a"))
    director, body = page(w, "director_a", f"/trajecten/{case.pk}/")
    assert "Direct naar time-out" in body and "Direct naar schorsing" in body
    assert f"/leerlingen/{w.pupil_a5.pk}/maatregelen/nieuw/?soort=suspension" in body
    assert f"/trajecten/{case.pk}/omgangsregels/nieuw/" in body
    assert "Er zijn nog geen brieven gemaakt." in body
    # take "to_suspension" through the page
    marker = 'name="shortcut" value="to_suspension"'
    before = body[: body.index(marker)]
    token = re.findall(r'name="submission_token" value="([^"]+)"', before)[-1]
    response = director.post(
        f"/trajecten/{case.pk}/acuut/",
        {
            "submission_token": token,
            "shortcut": "to_suspension",
            "reason": "Bedreigde de leerkracht met een mes.",
        },
    )
    body = follow(director, response)
    case.refresh_from_db()
    assert case.current_step == "suspension"
    assert "Het traject staat nu bij ‘Stap 6: schorsing’." in body
    assert 'name="shortcut" value="to_suspension"' not in body  # it is there already
    assert 'name="shortcut" value="to_time_out"' not in body  # a shortcut only skips ahead
    assert "Direct naar schorsing — 2 maart 2026 09:00" in body  # the history says how
    measure = propose(w)
    body = text(director.get(f"/trajecten/{case.pk}/"))
    assert f"/maatregelen/{measure.pk}/" in body
    assert "Voorgesteld; wacht op het besluit van het bestuur" in body
    assert "Maatregel voorgesteld: Schorsing" not in body  # the case was already there


def test_a_proposal_moves_the_ladder_and_the_history_says_so(w: World) -> None:
    measure = propose(w, "time_out")
    _c, body = page(w, "director_a", f"/trajecten/{measure.case_id}/")
    assert "Maatregel voorgesteld: Time-out" in body


def test_pupil_page_lists_measures_for_who_may_open_them(w: World) -> None:
    measure = propose(w)
    _c, body = page(w, "director_a", f"/leerlingen/{w.pupil_a5.pk}/")
    assert 'id="h-measures"' in body and f"/maatregelen/{measure.pk}/" in body
    assert "Schorsing voorstellen" in body
    _c, body = page(w, "teacher_a", f"/leerlingen/{w.pupil_a5.pk}/")
    assert 'id="h-measures"' not in body and f"/maatregelen/{measure.pk}/" not in body
    _c, body = page(w, "care_a", f"/leerlingen/{w.pupil_a5.pk}/")
    assert f"/maatregelen/{measure.pk}/" not in body  # not in the director's case
    assert "Time-out voorstellen" in body  # may start the ladder


# --- temporary extra rules ---------------------------------------------------------------------


def test_extra_rules_created_and_evaluated_through_the_pages(
    w: World, frozen: time_machine.Coordinates
) -> None:
    case = do_open_case(w.pupil_a5, "behaviour", actor=as_(w, "director_a"))
    url = f"/trajecten/{case.pk}/omgangsregels/nieuw/"
    director, body = page(w, "director_a", url)
    assert "noem geen namen" in body
    assert events(EventType.CASE_VIEWED, data__page="extra_rules_create")
    data = {"submission_token": token_after(body, "<form"), "starts_on": "2026-03-02"}
    response = director.post(url, data)
    assert response.status_code == 200
    assert "Kies ten minste één regel of beschrijf de regels." in text(response)
    response = director.post(
        url,
        data
        | {
            "rules": ["breaks", "toilet"],
            "extra_teacher": "on",
            "parents_note": "Er is tijdelijk extra toezicht in de pauzes.",
        },
    )
    plan = ExtraRulesPlan.objects.get()
    assert response["Location"] == f"/omgangsregels/{plan.pk}/"
    assert director.post(url, data | {"rules": ["breaks"]})["Location"] == response["Location"]
    assert ExtraRulesPlan.objects.count() == 1  # a double submit makes one plan
    body = follow(director, response)
    assert "Toezicht in de pauzes" in body and "maandag 16 maart 2026" in body
    assert events(EventType.MEASURE_VIEWED, object_type="extra_rules", object_id=str(plan.pk))
    assert events(EventType.EXTRA_RULES_SAVED)
    frozen.move_to(dt.datetime(2026, 3, 16, 15, 0, tzinfo=AMS))
    eval_url = f"/omgangsregels/{plan.pk}/evaluatie/"
    director, body = page(w, "director_a", eval_url)
    response = director.post(
        eval_url,
        {
            "submission_token": token_after(body, "<form"),
            "held_on": "2026-03-16",
            "participants": "Leerkracht, intern begeleider, ouders",
            "findings": "De pauzes gaan beter.",
            "changes": "De toiletregel vervalt.",
            "continues": "yes",
            "rules": ["breaks"],
        },
    )
    body = follow(director, response)
    plan.refresh_from_db()
    assert plan.rules == ["breaks"] and plan.next_evaluation_on == D(2026, 4, 16)
    assert "donderdag 16 april 2026" in body and "De pauzes gaan beter." in body
    assert CaseTask.objects.get(key=f"extra_rules:{plan.pk}", done_at=None).due_on == D(2026, 4, 16)
    assert events(EventType.EXTRA_RULES_EVALUATED)
    # the case page and the pupil page list the plan with its next evaluation
    for url in (f"/trajecten/{case.pk}/", f"/leerlingen/{w.pupil_a5.pk}/"):
        body = text(director.get(url))
        assert f"/omgangsregels/{plan.pk}/" in body and "donderdag 16 april 2026" in body, url
    assert f"/omgangsregels/{plan.pk}/" not in text(
        client(w, "teacher_a").get(f"/leerlingen/{w.pupil_a5.pk}/")
    )


def test_extra_rules_only_on_a_ladder_case(w: World) -> None:
    # world.case is a Meldcode case: no extra rules there
    assert (
        client(w, "care_a").get(f"/trajecten/{w.case.pk}/omgangsregels/nieuw/").status_code == 404
    )


def test_pages_with_real_dates(world: World) -> None:
    """Without a frozen clock (the suite may run just after midnight): a time-out today is
    proposed, approved and shown with today's date."""
    from django.utils import timezone

    from vangnet.organisations.calendar import calendar_for

    today = timezone.localdate()
    calendar = calendar_for(world.school_a)
    if not calendar.is_school_day(today):
        today = calendar.next_school_day(today)
    url = f"/leerlingen/{world.pupil_a5.pk}/maatregelen/nieuw/?soort=time_out"
    c, body = page(world, "director_a", url)
    response = c.post(
        url,
        {
            "submission_token": token_after(body, "<form"),
            "start": today.isoformat(),
            "end": today.isoformat(),
            "taught_where": "Bij de intern begeleider",
            "reasons": "Sloeg een klasgenoot op het plein.",
        },
    )
    measure = Measure.objects.get()
    assert response["Location"] == f"/maatregelen/{measure.pk}/" and measure.school_days == 1


def test_times_just_after_midnight_are_dutch_time(
    w: World, frozen: time_machine.Coordinates
) -> None:
    """Approved at 0:30 on Tuesday in Amsterdam (Monday 23:30 UTC): the page says Tuesday."""
    measure = propose(w)
    frozen.move_to(dt.datetime(2026, 3, 3, 0, 30, tzinfo=AMS))
    actions.do_decide(measure, approve=True, actor=as_(w, "board"))
    _c, body = page(w, "director_a", f"/maatregelen/{measure.pk}/")
    assert "Goedkeuring van het bestuur vóór de eerste dag" in body
    assert "dinsdag 3 maart 2026 00:30" in body
    assert "dinsdag 3 maart 2026 door Board" in body
    assert "maandag 2 maart 2026 door Director A" in body  # proposed on Monday morning
