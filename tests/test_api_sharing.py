"""The sharing API (issue 7): ``POST /api/v1/cases`` with protocol ``he_concern``;
``POST /api/v1/cases/{id}/sharing-requests`` with the framework-2 answers, the recipient,
what is shared and the route, creating a request awaiting approval;
``POST /api/v1/sharing-requests/{id}/approve`` (the Executive Board only; others 403/404);
``POST /api/v1/sharing-requests/{id}/share`` — 409 while the request is not approved, 422
when a framework-2 answer on the weighed route is "no".

Table-driven over decision framework 2 and the acute route; the pure rules themselves are
in tests/test_sharing.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.world import World, make_user
from vangnet.accounts.actions import do_create_api_token
from vangnet.cases.actions import do_open_case
from vangnet.cases.models import Case, CaseTask, ExternalExchange
from vangnet.core.audit import Actor, verify
from vangnet.core.models import AuditEvent, EventType
from vangnet.core.roles import Role
from vangnet.organisations.models import Partner, RoleAssignment, Sector
from vangnet.sharing.models import SharingRequest

pytestmark = pytest.mark.django_db

Y, N = "yes", "no"
KEYS = ("all_options_used", "consent_sought", "necessary")
WHY = "Besproken in het multidisciplinair overleg van deze week."


@pytest.fixture
def api(world: World):
    def make(persona: str) -> Client:
        if persona == "anonymous":
            return Client()
        token = do_create_api_token(world[persona], actor=Actor.system("test"))
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


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


def weighed_body(police: Partner, answers: tuple[Any, ...] = (Y, Y, Y), **extra: Any) -> dict:
    return {
        "route": "weighed",
        "recipient": police.pk,
        "what": "De dreigende berichten van de afgelopen week.",
        "purpose": "Inschatten of er gevaar is voor medestudenten.",
        "answers": dict(zip(KEYS, answers, strict=True)),
        "rationales": dict.fromkeys(KEYS, WHY),
        **extra,
    }


def acute_body(police: Partner, grounds: list[str] | None = None, **extra: Any) -> dict:
    return {
        "route": "acute",
        "recipient": police.pk,
        "what": "Het bericht met de aankondiging.",
        "purpose": "Direct gevaar afwenden.",
        "acute_grounds": ["others"] if grounds is None else grounds,
        "acute_explanation": "De student kondigde aan vandaag iemand iets aan te doen.",
        **extra,
    }


def ask(api, case: Case, body: dict) -> Any:
    return post(api("care_a"), f"/api/v1/cases/{case.pk}/sharing-requests", body)


# --- POST /cases with protocol he_concern ---------------------------------------------------------


def test_a_student_case_starts_over_the_api(world: World, api) -> None:
    world.school_a.sector = Sector.HBO
    world.school_a.save()
    response = post(
        api("care_a"), "/api/v1/cases", {"pupil": world.pupil_a5.pk, "protocol": "he_concern"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["protocol"], body["current_step"]["key"]) == ("he_concern", "conversation")
    case = Case.objects.get(pk=body["id"])
    assert case.protocol == "he_concern" and case.pupil == world.pupil_a5


def test_a_pupil_at_a_primary_school_gets_no_student_case(world: World, api) -> None:
    """The protocol applies to MBO, HBO and WO only (Protocol.sectors / applies_to)."""
    response = post(
        api("care_a"), "/api/v1/cases", {"pupil": world.pupil_a5.pk, "protocol": "he_concern"}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == {
        "protocol": ["Dit protocol hoort niet bij de sector van deze school."]
    }
    assert not Case.objects.filter(protocol="he_concern").exists()


# --- decision framework 2 on the weighed route, table-driven --------------------------------------

# answers (all_options_used, consent_sought, necessary) → approve status, share status
FRAMEWORK = [
    ((Y, Y, Y), 200, 200),
    ((True, True, True), 200, 200),
    ((N, Y, Y), 422, 422),
    ((Y, N, Y), 422, 422),
    ((Y, Y, N), 422, 422),
    ((False, True, True), 422, 422),
    ((True, "yes", False), 422, 422),
    ((N, N, N), 422, 422),
]


@pytest.mark.parametrize(("answers", "approve", "share"), FRAMEWORK)
def test_framework_two_over_the_api(
    world: World, api, he: Case, police: Partner, answers: tuple, approve: int, share: int
) -> None:
    created = ask(api, he, weighed_body(police, answers))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "awaiting_approval"
    assert body["answers"] == {
        k: (Y if a in (Y, True) else N) for k, a in zip(KEYS, answers, strict=True)
    }
    url = f"/api/v1/sharing-requests/{body['id']}"
    # before any approval: a "no" is 422 (never possible), all "yes" is 409 (not yet)
    early = post(api("care_a"), f"{url}/share")
    assert early.status_code == (409 if share == 200 else 422)
    assert not ExternalExchange.objects.exists()
    approved = post(api("board"), f"{url}/approve")
    assert approved.status_code == approve, approved.content
    shared = post(api("care_a"), f"{url}/share")
    assert shared.status_code == share, shared.content
    if share == 200:
        assert shared.json()["status"] == "shared"
        exchange = ExternalExchange.objects.get()
        assert (exchange.basis, exchange.partner, exchange.case) == ("weighed", police, he)
    else:
        assert "alle drie de vragen met ja" in shared.json()["detail"]
        assert not ExternalExchange.objects.exists()
        assert SharingRequest.objects.get().status == "awaiting_approval"


def test_a_no_names_the_question_and_the_board_can_still_refuse(
    world: World, api, he: Case, police: Partner
) -> None:
    created = ask(api, he, weighed_body(police, (Y, N, Y))).json()
    url = f"/api/v1/sharing-requests/{created['id']}"
    assert "Is alles gedaan om toestemming van de student te krijgen?" in created["share_refusal"]
    refused = post(api("board"), f"{url}/refuse", {"note": "Eerst toestemming vragen."})
    assert refused.status_code == 200
    assert (refused.json()["status"], refused.json()["decided_by"]) == ("refused", "Board")


# --- the acute route, table-driven ----------------------------------------------------------------

# grounds, consent by / channel → status after asking, share at once?, confirmation needed?
ACUTE = [
    (["own_safety"], None, "awaiting_approval", 409, False),
    (["others", "offence"], None, "awaiting_approval", 409, False),
    (["offence"], "phone", "approved", 200, True),
    (["own_safety", "others"], "in_person", "approved", 200, True),
    (["others"], "writing", "approved", 200, False),
]


@pytest.mark.parametrize(("grounds", "channel", "status", "share", "confirm"), ACUTE)
def test_the_acute_route_over_the_api(
    world: World,
    api,
    he: Case,
    police: Partner,
    grounds: list[str],
    channel: str | None,
    status: str,
    share: int,
    confirm: bool,
) -> None:
    consent = {"consent_by": world["board"].pk, "consent_channel": channel} if channel else {}
    created = ask(api, he, acute_body(police, grounds, **consent))
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], sorted(body["acute_grounds"])) == (status, sorted(grounds))
    due = timezone.localdate() + dt.timedelta(days=2)
    assert body["confirmation_due"] == (due.isoformat() if confirm else None)
    url = f"/api/v1/sharing-requests/{body['id']}"
    assert post(api("care_a"), f"{url}/share").status_code == share
    if share == 409:  # the board consents in Vangnet, then it may go out at once
        assert post(api("board"), f"{url}/approve").status_code == 200
        assert post(api("care_a"), f"{url}/share").status_code == 200
    assert ExternalExchange.objects.get().basis == "acute"
    confirmed = post(api("care_a"), f"{url}/confirm")
    assert confirmed.status_code == (200 if confirm else 409)
    if confirm:
        assert confirmed.json()["confirmed_on"] == timezone.localdate().isoformat()
        assert CaseTask.objects.get(key=f"sharing:{body['id']}:confirm").done_at is not None


# --- bad input: 422 per field, nothing stored -----------------------------------------------------


def _no_rationale(w: World, police: Partner, other: Partner) -> dict:
    body = weighed_body(police)
    body["rationales"] = {"all_options_used": WHY, "consent_sought": WHY}
    return body


def _missing_answer(w: World, police: Partner, other: Partner) -> dict:
    body = weighed_body(police)
    del body["answers"]["necessary"]
    return body


def _unknown_question(w: World, police: Partner, other: Partner) -> dict:
    return weighed_body(police) | {"answers": {"curious": True}}


# (what is wrong, the body, the field the 422 names)
BAD_INPUT = [
    ("a rationale missing", _no_rationale, "necessary"),
    ("an answer missing", _missing_answer, "necessary"),
    (
        "an answer neither yes nor no",
        lambda w, p, o: weighed_body(p, (Y, "maybe", Y)),
        "consent_sought",
    ),
    ("an unknown question", _unknown_question, "answers.curious"),
    (
        "acute grounds on the weighed route",
        lambda w, p, o: weighed_body(p, acute_grounds=["others"]),
        "acute_grounds",
    ),
    (
        "consent on the weighed route",
        lambda w, p, o: weighed_body(p, consent_by=w["board"].pk, consent_channel="phone"),
        "consent_by",
    ),
    ("a partner of another board", lambda w, p, o: weighed_body(p, recipient=o.pk), "recipient"),
    ("no such partner", lambda w, p, o: weighed_body(p, recipient=999999), "recipient"),
    ("nothing to share", lambda w, p, o: weighed_body(p, what="   "), "what"),
    ("no purpose", lambda w, p, o: weighed_body(p, purpose=""), "purpose"),
    ("an unknown route", lambda w, p, o: weighed_body(p, route="maybe"), "route"),
    ("no acute ground", lambda w, p, o: acute_body(p, []), "acute_grounds"),
    ("an unknown acute ground", lambda w, p, o: acute_body(p, ["curiosity"]), "acute_grounds"),
    ("no explanation", lambda w, p, o: acute_body(p, acute_explanation=""), "acute_explanation"),
    (
        "answers on the acute route",
        lambda w, p, o: acute_body(p, answers={"necessary": True}),
        "answers",
    ),
    (
        "an unknown channel",
        lambda w, p, o: acute_body(p, consent_by=w["board"].pk, consent_channel="pigeon"),
        "consent_channel",
    ),
    (
        "consent by someone outside the Executive Board",
        lambda w, p, o: acute_body(p, consent_by=w["care_a"].pk, consent_channel="phone"),
        "consent_by",
    ),
    ("a channel without who", lambda w, p, o: acute_body(p, consent_channel="phone"), "consent_by"),
]


@pytest.mark.parametrize(("wrong", "build", "field"), BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
def test_bad_input_is_422_on_the_field_and_stores_nothing(
    world: World, api, he: Case, police: Partner, wrong: str, build: Any, field: str
) -> None:
    other = Partner.objects.create(
        board=world.other_board, kind=Partner.Kind.POLICE, organisation="Politie Zuid"
    )
    response = ask(api, he, build(world, police, other))
    assert response.status_code == 422, response.content
    assert field in response.json()["detail"], response.json()
    assert not SharingRequest.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.SHARING_REQUESTED).exists()


def test_unknown_fields_are_refused(world: World, api, he: Case, police: Partner) -> None:
    assert ask(api, he, weighed_body(police, status="approved")).status_code == 422


def test_only_a_concerning_behaviour_case_shares_this_way(
    world: World, api, police: Partner
) -> None:
    response = ask(api, world.case, weighed_body(police))  # a Meldcode case
    assert response.status_code == 422
    assert "zorgwekkend gedrag" in response.json()["detail"]


def test_a_closed_case_is_409(world: World, api, he: Case, police: Partner) -> None:
    Case.objects.filter(pk=he.pk).update(state=Case.State.CLOSED)
    assert ask(api, he, weighed_body(police)).status_code == 409


# --- who may do what ------------------------------------------------------------------------------


@pytest.fixture
def awaiting(api, he: Case, police: Partner) -> int:
    response = ask(api, he, weighed_body(police))
    assert response.status_code == 201
    return int(response.json()["id"])


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("care_a", 201),
        ("director_a", 403),  # reads the case (the school's director), is not in it
        ("teacher_a", 404),  # may open the student, not the case
        ("teacher_b", 404),
        ("board", 404),
        ("privacy", 404),
        ("other_board", 404),
        ("anonymous", 401),
    ],
)
def test_who_may_ask(
    world: World, api, he: Case, police: Partner, persona: str, expected: int
) -> None:
    response = post(api(persona), f"/api/v1/cases/{he.pk}/sharing-requests", weighed_body(police))
    assert response.status_code == expected
    assert SharingRequest.objects.exists() == (expected == 201)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("board", 200),
        ("care_a", 403),  # works on the case, does not approve
        ("director_a", 403),
        ("teacher_a", 404),
        ("teacher_b", 404),
        ("admin", 404),
        ("privacy", 404),
        ("other_board", 404),
        ("anonymous", 401),
    ],
)
def test_only_the_executive_board_approves(
    world: World, api, awaiting: int, persona: str, expected: int
) -> None:
    response = post(api(persona), f"/api/v1/sharing-requests/{awaiting}/approve")
    assert response.status_code == expected
    status = SharingRequest.objects.get(pk=awaiting).status
    assert status == ("approved" if expected == 200 else "awaiting_approval")


def test_the_board_of_another_board_gets_404(world: World, api, awaiting: int) -> None:
    other = make_user("cvb.zuid@test.invalid", "CvB Zuid")
    RoleAssignment.objects.create(user=other, role=Role.BOARD, board=world.other_board)
    token = do_create_api_token(other, actor=Actor.system("test"))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert post(client, f"/api/v1/sharing-requests/{awaiting}/approve").status_code == 404
    assert client.get(f"/api/v1/sharing-requests/{awaiting}").status_code == 404


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("care_a", 200), ("board", 403), ("director_a", 403), ("teacher_a", 404), ("no_role", 404)],
)
def test_who_marks_it_as_shared(
    world: World, api, awaiting: int, persona: str, expected: int
) -> None:
    assert post(api("board"), f"/api/v1/sharing-requests/{awaiting}/approve").status_code == 200
    response = post(api(persona), f"/api/v1/sharing-requests/{awaiting}/share")
    assert response.status_code == expected
    assert ExternalExchange.objects.exists() == (expected == 200)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("care_a", 200),
        ("director_a", 200),
        ("board", 200),
        ("teacher_a", 404),
        ("teacher_b", 404),
        ("privacy", 404),
        ("other_board", 404),
    ],
)
def test_who_reads_a_request(world: World, api, awaiting: int, persona: str, expected: int) -> None:
    response = api(persona).get(f"/api/v1/sharing-requests/{awaiting}")
    assert response.status_code == expected
    viewed = AuditEvent.objects.filter(
        event_type=EventType.SHARING_VIEWED, actor_id=world[persona].pk
    )
    assert viewed.exists() == (expected == 200)


# --- decisions and audit --------------------------------------------------------------------------


def test_a_decision_is_taken_once(world: World, api, awaiting: int) -> None:
    url = f"/api/v1/sharing-requests/{awaiting}"
    assert post(api("board"), f"{url}/approve").status_code == 200
    again = post(api("board"), f"{url}/refuse", {"note": "Toch maar niet."})
    assert again.status_code == 409
    assert again.json()["detail"] == "Over dit verzoek is al besloten."


def test_a_refusal_needs_a_note(world: World, api, awaiting: int) -> None:
    response = post(api("board"), f"/api/v1/sharing-requests/{awaiting}/refuse", {"note": ""})
    assert response.status_code == 422
    assert "note" in response.json()["detail"]


def test_a_stale_version_is_409(world: World, api, awaiting: int) -> None:
    response = post(api("board"), f"/api/v1/sharing-requests/{awaiting}/approve", {"version": 7})
    assert response.status_code == 409
    assert SharingRequest.objects.get(pk=awaiting).status == "awaiting_approval"


def test_shared_once_is_shared(world: World, api, awaiting: int) -> None:
    url = f"/api/v1/sharing-requests/{awaiting}"
    post(api("board"), f"{url}/approve")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    first = post(api("care_a"), f"{url}/share", {"shared_on": yesterday.isoformat()})
    assert first.status_code == 200
    assert ExternalExchange.objects.get().exchanged_on == yesterday
    second = post(api("care_a"), f"{url}/share")
    assert (second.status_code, second.json()["detail"]) == (409, "Deze informatie is al gedeeld.")


def test_a_date_in_the_future_is_422(world: World, api, awaiting: int) -> None:
    url = f"/api/v1/sharing-requests/{awaiting}"
    post(api("board"), f"{url}/approve")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = post(api("care_a"), f"{url}/share", {"shared_on": tomorrow.isoformat()})
    assert response.status_code == 422
    assert "shared_on" in response.json()["detail"]


def test_every_step_is_audited_on_the_api_channel(world: World, api, awaiting: int) -> None:
    url = f"/api/v1/sharing-requests/{awaiting}"
    post(api("board"), f"{url}/approve")
    post(api("care_a"), f"{url}/share")
    api("board").get(url)
    events = AuditEvent.objects.filter(object_type="sharing_request", object_id=str(awaiting))
    kinds = {(e.event_type, e.actor_id) for e in events}
    assert {
        (EventType.SHARING_REQUESTED, world["care_a"].pk),
        (EventType.SHARING_DECIDED, world["board"].pk),
        (EventType.SHARING_DONE, world["care_a"].pk),
        (EventType.SHARING_VIEWED, world["board"].pk),
    } <= kinds
    assert {e.channel for e in events} == {"api"}
    assert {e.pupil_id for e in events} == {world.pupil_a5.pk}
    assert all(report.ok for report in verify())


def test_the_detail_says_why_it_may_not_go_out_yet(world: World, api, awaiting: int) -> None:
    body = api("care_a").get(f"/api/v1/sharing-requests/{awaiting}").json()
    assert body["status"] == "awaiting_approval"
    assert "pas naar buiten na instemming van het College van Bestuur" in body["share_refusal"]
    assert (body["recipient"]["organisation"], body["rationales"]["necessary"]) == (
        "Politie Noord",
        WHY,
    )


def test_openapi_lists_the_sharing_routes() -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/cases/{case_id}/sharing-requests",
        "/api/v1/sharing-requests/{request_id}",
        "/api/v1/sharing-requests/{request_id}/approve",
        "/api/v1/sharing-requests/{request_id}/refuse",
        "/api/v1/sharing-requests/{request_id}/share",
        "/api/v1/sharing-requests/{request_id}/confirm",
    } <= set(paths)
