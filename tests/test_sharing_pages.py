"""The sharing pages (issue 7): the case page's "Delen buiten de instelling", the guided
request form on the weighed and the acute route, the request page with the Executive
Board's decision, "Informatie is gedeeld" and the written confirmation, the board's list
and its start-page section, and the board's own role titles on a student's case — per
persona, with the refusals shown and the audit trail checked."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.world import World
from vangnet.cases.actions import do_open_case
from vangnet.cases.models import Case, CaseTask, ExternalExchange
from vangnet.core.audit import Actor, verify
from vangnet.core.models import AuditEvent, EventType
from vangnet.core.roles import Role
from vangnet.organisations.models import Partner, RoleTitle, Sector
from vangnet.sharing import actions
from vangnet.sharing.actions import SharingInput
from vangnet.sharing.models import SharingRequest

pytestmark = pytest.mark.django_db

Y, N = "yes", "no"
KEYS = ("all_options_used", "consent_sought", "necessary")
WHY = "Besproken in het multidisciplinair overleg van deze week."
WHAT = "De dreigende berichten van de afgelopen week."
PURPOSE = "Inschatten of er gevaar is voor medestudenten."


@pytest.fixture
def he(world: World) -> Case:
    """School A is a university of applied sciences; care_a owns a student's case."""
    world.school_a.sector = Sector.HBO
    world.school_a.save()
    return do_open_case(world.pupil_a5, "he_concern", actor=Actor(user=world["care_a"]))


@pytest.fixture
def police(world: World) -> Partner:
    return Partner.objects.create(
        board=world.board, kind=Partner.Kind.POLICE, organisation="Politie Noord"
    )


def client(world: World, persona: str) -> Client:
    c = Client()
    c.force_login(world[persona])
    return c


def text(response: Any) -> str:
    return response.content.decode()


def ask(world: World, case: Case, police: Partner, answers=(Y, Y, Y)) -> SharingRequest:
    return actions.do_request(
        case,
        SharingInput(
            route="weighed",
            recipient=police,
            what=WHAT,
            purpose=PURPOSE,
            answers=dict(zip(KEYS, answers, strict=True)),
            rationales=dict.fromkeys(KEYS, WHY),
        ),
        actor=Actor(user=world["care_a"]),
    )


def weighed_post(police: Partner, answers: dict[str, str], token: str = "t-weighed") -> dict:
    body = {"submission_token": token, "recipient": police.pk, "what": WHAT, "purpose": PURPOSE}
    for key, answer in answers.items():
        body[key] = answer
        body[f"rationale_{key}"] = WHY
    return body


def acute_post(police: Partner, token: str = "t-acute", **extra: Any) -> dict:
    return {
        "submission_token": token,
        "recipient": police.pk,
        "what": "Het bericht met de aankondiging.",
        "purpose": "Direct gevaar afwenden.",
        "acute_grounds": ["others"],
        "acute_explanation": "De student kondigde aan vandaag iemand iets aan te doen.",
        **extra,
    }


def create_url(case: Case, route: str = "") -> str:
    return f"/trajecten/{case.pk}/delen/nieuw/" + (f"?route={route}" if route else "")


# --- the case page --------------------------------------------------------------------------------


def test_the_case_page_lists_requests_and_offers_the_form_to_who_works_on_it(
    world: World, he: Case, police: Partner
) -> None:
    ask(world, he, police)
    page = text(client(world, "care_a").get(f"/trajecten/{he.pk}/"))
    section = page[page.index('id="h-sharing"') :]
    assert "Delen buiten de instelling" in page
    assert "Politie Noord" in section and "Wacht op het College van Bestuur" in section
    assert create_url(he) in section
    # the director reads the case, does not work on it: the list, no button
    director = text(client(world, "director_a").get(f"/trajecten/{he.pk}/"))
    assert 'id="h-sharing"' in director and "Politie Noord" in director
    assert create_url(he) not in director


def test_the_case_page_shows_the_decision_and_the_share(
    world: World, he: Case, police: Partner
) -> None:
    request = ask(world, he, police)
    actions.do_decide(request, approve=True, actor=Actor(user=world["board"]))
    actions.do_share(request, actor=Actor(user=world["care_a"]))
    page = text(client(world, "care_a").get(f"/trajecten/{he.pk}/"))
    today = timezone.localdate()
    assert "besloten door Board" in page
    assert f"gedeeld op {today.day} " in page


def test_a_meldcode_case_has_no_sharing_section_or_form(world: World) -> None:
    care = client(world, "care_a")
    assert 'id="h-sharing"' not in text(care.get(f"/trajecten/{world.case.pk}/"))
    assert care.get(create_url(world.case)).status_code == 404


def test_a_students_case_shows_the_boards_own_role_titles(world: World, he: Case) -> None:
    """The first step is for the first line (the teacher role): 'Leerkracht' by default,
    the institution's own title once it has one."""
    page = text(client(world, "care_a").get(f"/trajecten/{he.pk}/"))
    assert re.search(r"<dt>Verantwoordelijk</dt><dd>Leerkracht</dd>", page)
    RoleTitle.objects.create(board=world.board, role=Role.TEACHER, title="Studieloopbaancoach")
    page = text(client(world, "care_a").get(f"/trajecten/{he.pk}/"))
    assert re.search(r"<dt>Verantwoordelijk</dt><dd>Studieloopbaancoach</dd>", page)


def test_the_request_pages_use_the_boards_title_for_the_executive_board(
    world: World, he: Case, police: Partner
) -> None:
    RoleTitle.objects.create(board=world.board, role=Role.BOARD, title="College van Bestuur NHL")
    assert "College van Bestuur NHL" in text(client(world, "care_a").get(create_url(he)))
    request = ask(world, he, police)
    detail = text(client(world, "care_a").get(f"/delen/{request.pk}/"))
    assert "Besluit: College van Bestuur NHL" in detail


# --- who may open what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("care_a", 200),
        ("director_a", 403),
        ("teacher_a", 404),
        ("teacher_b", 404),
        ("board", 404),
        ("admin", 404),
        ("other_board", 404),
        ("no_role", 404),
    ],
)
def test_who_may_open_the_request_form(world: World, he: Case, persona: str, expected: int) -> None:
    c = client(world, persona)
    for route in ("", "weighed", "acute"):
        assert c.get(create_url(he, route)).status_code == expected, route


def test_anonymous_is_sent_to_the_login(world: World, he: Case, police: Partner) -> None:
    request = ask(world, he, police)
    for url in (create_url(he), f"/delen/{request.pk}/", "/delen/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("care_a", 200),
        ("director_a", 200),
        ("board", 200),
        ("teacher_a", 404),
        ("teacher_b", 404),
        ("privacy", 404),
        ("admin", 404),
        ("other_board", 404),
    ],
)
def test_who_may_open_a_request_and_every_look_is_audited(
    world: World, he: Case, police: Partner, persona: str, expected: int
) -> None:
    request = ask(world, he, police)
    response = client(world, persona).get(f"/delen/{request.pk}/")
    assert response.status_code == expected
    viewed = AuditEvent.objects.filter(
        event_type=EventType.SHARING_VIEWED, actor_id=world[persona].pk, object_id=str(request.pk)
    )
    assert viewed.count() == (1 if expected == 200 else 0)
    if expected == 200:
        assert viewed.get().pupil_id == world.pupil_a5.pk


def test_the_board_sees_the_request_but_not_the_case(
    world: World, he: Case, police: Partner
) -> None:
    request = ask(world, he, police)
    board = client(world, "board")
    page = text(board.get(f"/delen/{request.pk}/"))
    assert "Anna Visser" in page and WHY in page
    assert f'href="/trajecten/{he.pk}/"' not in page  # no link to a case it cannot open
    assert board.get(f"/trajecten/{he.pk}/").status_code == 404
    assert 'name="decision"' in page  # the board decides
    assert f'action="/delen/{request.pk}/gedeeld/"' not in page


@pytest.mark.parametrize(
    ("persona", "decide", "share", "confirm"),
    [
        ("care_a", 403, 200, 200),
        ("director_a", 403, 403, 403),
        ("board", 200, 403, 403),
        ("teacher_a", 404, 404, 404),
        ("other_board", 404, 404, 404),
    ],
)
def test_who_may_post_what(
    world: World, he: Case, police: Partner, persona: str, decide: int, share: int, confirm: int
) -> None:
    """An empty POST: who may act gets the page back with the form's errors (200)."""
    request = ask(world, he, police)
    c = client(world, persona)
    assert c.post(f"/delen/{request.pk}/besluit/").status_code == decide
    assert c.post(f"/delen/{request.pk}/gedeeld/").status_code == share
    assert c.post(f"/delen/{request.pk}/bevestigd/").status_code == confirm
    assert SharingRequest.objects.get(pk=request.pk).status == "awaiting_approval"


# --- the guided request form ----------------------------------------------------------------------


def test_the_route_comes_first(world: World, he: Case) -> None:
    care = client(world, "care_a")
    page = text(care.get(create_url(he)))
    assert "Kies eerst de route" in page
    assert f"{create_url(he)}?route=weighed" in page and f"{create_url(he)}?route=acute" in page
    event = AuditEvent.objects.filter(event_type=EventType.CASE_VIEWED).latest("id")
    assert (event.data["page"], event.object_id) == ("sharing_choose", str(he.pk))
    assert care.post(create_url(he), {"submission_token": "x"}).status_code == 404


def test_the_weighed_form_is_a_guided_walk(world: World, he: Case, police: Partner) -> None:
    page = text(client(world, "care_a").get(create_url(he, "weighed")))
    assert 'data-decision-tree data-start="all_options_used"' in page
    for key, after in zip(KEYS, [*KEYS[1:], "allowed"], strict=True):
        assert f'data-question="{key}" data-yes="{after}" data-no="stop_{key}"' in page
        assert f'data-question="stop_{key}"' in page
    assert "Zijn alle mogelijkheden binnen de instelling benut?" in page
    assert "Probeer eerst toestemming van de student te krijgen." in page  # what instead
    assert "Politie Noord (Politie)" in page  # the social map
    # the recipient and the button come after three times "yes"
    allowed = page[page.index('data-question="allowed"') :]
    assert 'name="recipient"' in allowed and "Verzoek indienen" in allowed


def test_three_times_yes_asks_the_board_once(world: World, he: Case, police: Partner) -> None:
    care = client(world, "care_a")
    body = weighed_post(police, dict.fromkeys(KEYS, Y))
    response = care.post(create_url(he, "weighed"), body)
    request = SharingRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/delen/{request.pk}/"
    assert (request.status, request.route, request.answers) == (
        "awaiting_approval",
        "weighed",
        dict.fromkeys(KEYS, Y),
    )
    assert request.rationales == dict.fromkeys(KEYS, WHY)
    again = care.post(create_url(he, "weighed"), body)  # a double submit
    assert again["Location"] == f"/delen/{request.pk}/"
    assert SharingRequest.objects.count() == 1
    page = text(care.get(f"/delen/{request.pk}/"))
    assert "Pas na de instemming van het College mag de informatie naar buiten." in page
    assert "Nog niet delen." in page and "pas naar buiten na instemming" in page
    assert f'action="/delen/{request.pk}/gedeeld/"' not in page


@pytest.mark.parametrize(
    ("answers", "named"),
    [
        ({"all_options_used": N}, "Zijn alle mogelijkheden binnen de instelling benut?"),
        ({"all_options_used": Y, "consent_sought": N}, "Is alles gedaan om toestemming"),
        (dict(zip(KEYS, (Y, Y, N), strict=True)), "Is delen noodzakelijk"),
    ],
)
def test_a_no_ends_the_route_with_the_rule_and_keeps_the_form(
    world: World, he: Case, police: Partner, answers: dict[str, str], named: str
) -> None:
    """The questions after a "no" are not sent (the page hides them); nothing is saved."""
    response = client(world, "care_a").post(
        create_url(he, "weighed"), weighed_post(police, answers)
    )
    page = text(response)
    assert response.status_code == 200
    assert "Delen via de afweging mag alleen als alle drie de vragen met ja zijn beantwoord" in page
    rule = page[
        page.index('id="form-errors"') : page.index("</div>", page.index('id="form-errors"'))
    ]
    assert named in rule
    assert "Met ‘nee’ op deze vraag kan de informatie niet via de afweging naar buiten." in page
    assert "Beantwoord deze vraag met ja of nee." not in page  # no answer needed after a no
    assert WHAT in page  # what was typed stays
    assert not SharingRequest.objects.exists()


def test_missing_answers_and_rationales_are_named(world: World, he: Case, police: Partner) -> None:
    body = weighed_post(police, {"all_options_used": Y, "consent_sought": Y})
    body["rationale_consent_sought"] = "  "
    page = text(client(world, "care_a").post(create_url(he, "weighed"), body))
    assert page.count("Beantwoord deze vraag met ja of nee.") == 1
    assert page.count("Onderbouw het antwoord.") == 2
    assert not SharingRequest.objects.exists()


def test_a_recipient_of_another_board_is_refused(world: World, he: Case, police: Partner) -> None:
    other = Partner.objects.create(
        board=world.other_board, kind=Partner.Kind.POLICE, organisation="Politie Zuid"
    )
    body = weighed_post(police, dict.fromkeys(KEYS, Y)) | {"recipient": other.pk}
    page = text(client(world, "care_a").post(create_url(he, "weighed"), body))
    assert "Kies de organisatie van de sociale kaart die het ontvangt." in page
    assert "Politie Zuid" not in page
    assert not SharingRequest.objects.exists()


def test_the_acute_route_with_consent_by_phone(world: World, he: Case, police: Partner) -> None:
    care = client(world, "care_a")
    page = text(care.get(create_url(he, "acute")))
    assert "Het College van Bestuur stemde al in" in page
    assert "schriftelijke bevestiging" in page and "Board" in page  # who may have consented
    body = acute_post(
        police, board_consented="on", consent_by=world["board"].pk, consent_channel="phone"
    )
    response = care.post(create_url(he, "acute"), body, follow=True)
    request = SharingRequest.objects.get()
    assert (request.status, request.decided_by, request.recorded_by) == (
        "approved",
        world["board"],
        world["care_a"],
    )
    due = timezone.localdate() + dt.timedelta(days=2)
    assert CaseTask.objects.get(key=f"sharing:{request.pk}:confirm").due_on == due
    page = text(response)
    assert "De instemming van het College van Bestuur is vastgelegd." in page
    assert "Telefonisch" in page and "vastgelegd door Care A" in page
    assert f'action="/delen/{request.pk}/gedeeld/"' in page  # it may go out at once
    assert f'action="/delen/{request.pk}/bevestigd/"' in page


def test_the_acute_route_without_consent_waits_for_the_board(
    world: World, he: Case, police: Partner
) -> None:
    client(world, "care_a").post(create_url(he, "acute"), acute_post(police))
    request = SharingRequest.objects.get()
    assert (request.status, request.acute_grounds, request.decided_by) == (
        "awaiting_approval",
        ["others"],
        None,
    )
    assert not CaseTask.objects.filter(key__startswith="sharing:").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"acute_grounds": []}, "Kies ten minste één van die gronden."),
        ({"acute_grounds": ["curiosity"]}, "Kies ten minste één van die gronden."),
        ({"acute_explanation": ""}, "Beschrijf kort wat er acuut aan de hand is."),
        ({"board_consented": "on"}, "Kies het lid van het College van Bestuur dat instemde."),
        ({"board_consented": "on", "consent_by": "WHO"}, "Kies hoe het College instemde."),
        ({"consent_channel": "phone"}, "Vink aan dat het College al instemde"),
        ({"recipient": ""}, "Kies de organisatie van de sociale kaart die het ontvangt."),
    ],
)
def test_acute_refusals_keep_the_form(
    world: World, he: Case, police: Partner, change: dict[str, Any], message: str
) -> None:
    if change.get("consent_by") == "WHO":
        change["consent_by"] = world["board"].pk
    body = acute_post(police) | change
    page = text(client(world, "care_a").post(create_url(he, "acute"), body))
    assert message in page
    assert "Het formulier is nog niet opgeslagen." in page
    assert "Direct gevaar afwenden." in page  # kept
    assert not SharingRequest.objects.exists()


def test_only_a_board_member_can_be_named_as_consenting(
    world: World, he: Case, police: Partner
) -> None:
    body = acute_post(
        police, board_consented="on", consent_by=world["care_a"].pk, consent_channel="phone"
    )
    page = text(client(world, "care_a").post(create_url(he, "acute"), body))
    assert "Kies het lid van het College van Bestuur dat instemde." in page
    assert not SharingRequest.objects.exists()


def test_a_closed_case_sends_back_to_the_case(world: World, he: Case) -> None:
    Case.objects.filter(pk=he.pk).update(state=Case.State.CLOSED)
    response = client(world, "care_a").get(create_url(he, "weighed"))
    assert response.status_code == 302 and response["Location"] == f"/trajecten/{he.pk}/"


# --- approve, share, confirm through the pages ----------------------------------------------------


def decide_post(request: SharingRequest, decision: str, note: str = "", token: str = "t-d") -> dict:
    return {
        "submission_token": token,
        "version": request.version,
        "decision": decision,
        "note": note,
    }


def test_from_request_to_shared_by_clicks(world: World, he: Case, police: Partner) -> None:
    care, board = client(world, "care_a"), client(world, "board")
    care.post(create_url(he, "weighed"), weighed_post(police, dict.fromkeys(KEYS, Y)))
    request = SharingRequest.objects.get()
    url = f"/delen/{request.pk}/"
    # sharing before the board's approval: refused, with the rule quoted
    early = care.post(url + "gedeeld/", {"submission_token": "t-s0", "shared_on": "2026-01-05"})
    assert early.status_code == 200
    assert "Informatie gaat pas naar buiten na instemming van het College van Bestuur" in text(
        early
    )
    assert not ExternalExchange.objects.exists()
    # the board finds it on its start page and in its list, and approves
    assert url in text(board.get("/")) and url in text(board.get("/delen/"))
    response = board.post(url + "besluit/", decide_post(request, "approve"), follow=True)
    assert "Het College stemt in." in text(response)
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decision_channel) == (
        "approved",
        world["board"],
        "in_app",
    )
    # the case worker shares, with the date it went out
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    body = {"submission_token": "t-s1", "shared_on": yesterday.isoformat(), "version": 2}
    response = care.post(url + "gedeeld/", body, follow=True)
    assert "de informatie is gedeeld met Politie Noord" in text(response)
    exchange = ExternalExchange.objects.get()
    assert (exchange.exchanged_on, exchange.basis, exchange.case) == (yesterday, "weighed", he)
    request.refresh_from_db()
    assert (request.status, request.exchange) == ("shared", exchange)
    assert care.post(url + "gedeeld/", body).status_code == 302  # a double submit: once
    assert ExternalExchange.objects.count() == 1
    kinds = list(
        AuditEvent.objects.filter(object_type="sharing_request", object_id=str(request.pk))
        .exclude(event_type=EventType.SHARING_VIEWED)
        .order_by("id")
        .values_list("event_type", flat=True)
    )
    assert kinds == [EventType.SHARING_REQUESTED, EventType.SHARING_DECIDED, EventType.SHARING_DONE]
    assert all(report.ok for report in verify())


def test_refusing_needs_a_note_and_is_shown(world: World, he: Case, police: Partner) -> None:
    request = ask(world, he, police)
    board = client(world, "board")
    page = text(board.post(f"/delen/{request.pk}/besluit/", decide_post(request, "refuse")))
    assert "Schrijf kort waarom het College niet instemt." in page
    assert SharingRequest.objects.get().status == "awaiting_approval"
    note = "Eerst opnieuw toestemming vragen."
    board.post(f"/delen/{request.pk}/besluit/", decide_post(request, "refuse", note, "t-d2"))
    page = text(client(world, "care_a").get(f"/delen/{request.pk}/"))
    assert "Niet ingestemd" in page and note in page
    assert "Het College van Bestuur heeft dit verzoek niet goedgekeurd." in page


def test_a_stale_decision_is_not_taken(world: World, he: Case, police: Partner) -> None:
    request = ask(world, he, police)
    body = decide_post(request, "approve") | {"version": request.version + 3}
    page = text(client(world, "board").post(f"/delen/{request.pk}/besluit/", body))
    assert "Iemand anders heeft dit verzoek intussen gewijzigd." in page
    assert SharingRequest.objects.get().status == "awaiting_approval"


def test_a_request_with_a_no_cannot_be_approved_or_shared(
    world: World, he: Case, police: Partner
) -> None:
    """A request with a "no" (asked over the API) is shown with the rule; the board can
    only refuse it, and it never goes out."""
    request = ask(world, he, police, (Y, N, Y))
    board = client(world, "board")
    page = text(board.get(f"/delen/{request.pk}/"))
    assert "Instemmen kan niet:" in page
    assert "‘Is alles gedaan om toestemming van de student te krijgen?’" in page
    refused = text(board.post(f"/delen/{request.pk}/besluit/", decide_post(request, "approve")))
    assert "alle drie de vragen met ja" in refused
    care = client(world, "care_a")
    shared = text(care.post(f"/delen/{request.pk}/gedeeld/", {"submission_token": "t-s"}))
    assert "alle drie de vragen met ja" in shared
    assert SharingRequest.objects.get().status == "awaiting_approval"
    assert not ExternalExchange.objects.exists()


def test_the_written_confirmation_through_the_page(world: World, he: Case, police: Partner) -> None:
    request = actions.do_request(
        he,
        SharingInput(
            route="acute",
            recipient=police,
            what="Het bericht.",
            purpose="Gevaar afwenden.",
            acute_grounds=["own_safety"],
            acute_explanation="Uitspraken over zichzelf iets aandoen.",
            consent_by=world["board"],
            consent_channel="in_person",
        ),
        actor=Actor(user=world["care_a"]),
    )
    care = client(world, "care_a")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    url = f"/delen/{request.pk}/bevestigd/"
    page = text(care.post(url, {"submission_token": "t-c0", "confirmed_on": tomorrow.isoformat()}))
    assert "Deze datum ligt in de toekomst." in page
    today = timezone.localdate().isoformat()
    response = care.post(url, {"submission_token": "t-c1", "confirmed_on": today}, follow=True)
    assert "De schriftelijke bevestiging is vastgelegd." in text(response)
    request.refresh_from_db()
    assert request.confirmed_on == timezone.localdate()
    assert CaseTask.objects.get(key=f"sharing:{request.pk}:confirm").done_at is not None
    assert AuditEvent.objects.filter(event_type=EventType.SHARING_CONFIRMED).count() == 1
    page = text(care.get(f"/delen/{request.pk}/"))
    assert "ontvangen op" in page and 'action="' + url + '"' not in page


# --- the board's list and start page --------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("board", 200),
        ("care_a", 404),
        ("director_a", 404),
        ("teacher_a", 404),
        ("privacy", 404),
        ("admin", 404),
        ("other_board", 404),
    ],
)
def test_the_list_is_for_the_board(
    world: World, he: Case, police: Partner, persona: str, expected: int
) -> None:
    ask(world, he, police)
    assert client(world, persona).get("/delen/").status_code == expected


def test_the_list_shows_what_waits_and_what_was_decided(
    world: World, he: Case, police: Partner
) -> None:
    waiting = ask(world, he, police)
    decided = ask(world, he, police)
    actions.do_decide(decided, approve=True, actor=Actor(user=world["board"]))
    page = text(client(world, "board").get("/delen/"))
    before, after = page.split('id="h-decided"')
    assert f"/delen/{waiting.pk}/" in before and f"/delen/{decided.pk}/" not in before
    assert f"/delen/{decided.pk}/" in after and "Goedgekeurd door het College van Bestuur" in after
    # one read event per listed request, with the student (for their access log)
    events = AuditEvent.objects.filter(
        event_type=EventType.SHARING_VIEWED, data__page="sharing_list"
    )
    assert {(e.object_id, e.pupil_id) for e in events} == {
        (str(waiting.pk), waiting.pupil_id),
        (str(decided.pk), decided.pupil_id),
    }


def test_the_list_runs_a_fixed_number_of_queries(world: World, he: Case, police: Partner) -> None:
    board = client(world, "board")
    ask(world, he, police)
    board.get("/delen/")  # warm the session
    with CaptureQueriesContext(connection) as one:
        board.get("/delen/")
    for _ in range(4):
        actions.do_decide(ask(world, he, police), approve=True, actor=Actor(user=world["board"]))
    with CaptureQueriesContext(connection) as five:
        board.get("/delen/")
    assert len(five) == len(one)


def test_the_start_page_for_the_board(world: World, he: Case, police: Partner) -> None:
    board = client(world, "board")
    page = text(board.get("/"))
    assert "Wacht op het College van Bestuur" in page  # an institution that shares
    assert "Er wacht geen verzoek om te delen op een besluit." in page
    request = ask(world, he, police)
    page = text(board.get("/"))
    assert f"/delen/{request.pk}/" in page and "Delen over Anna Visser met Politie Noord" in page
    event = AuditEvent.objects.filter(object_type="sharing_request").latest("id")
    assert (event.data, event.pupil_id) == ({"page": "home"}, request.pupil_id)
    # who is not on the Executive Board sees no such section
    assert "Wacht op het College van Bestuur" not in text(client(world, "care_a").get("/"))


def test_a_primary_school_board_sees_no_sharing_section(world: World) -> None:
    assert "Wacht op het College van Bestuur" not in text(client(world, "board").get("/"))
    assert not AuditEvent.objects.filter(object_type="sharing_request").exists()
