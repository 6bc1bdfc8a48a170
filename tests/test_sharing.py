"""Decision framework 2 and the acute route (docs/domain.md, module 5), table-driven:

"Decision framework 2, for sharing outside: all options used? everything done to get
consent? necessary to reduce risk? — yes to all: share externally (police, care) with
the board's approval. Acute risk (own safety, third parties, a criminal offence): share
externally, with the Executive Board's consent."
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.world import World, make_user
from vangnet.cases.actions import do_open_case
from vangnet.cases.models import Case, CaseTask, ExternalExchange
from vangnet.core.audit import Actor
from vangnet.core.models import AuditEvent, EventType, Notification
from vangnet.core.roles import Role
from vangnet.lib import sharing as rules
from vangnet.organisations.models import Partner, RoleAssignment, Sector
from vangnet.sharing import actions
from vangnet.sharing.actions import SharingInput, SharingRefused
from vangnet.sharing.models import SharingRequest

Y, N = "yes", "no"

# --- the pure rule ----------------------------------------------------------------------------

# (route, answers all_options_used/consent_sought/necessary, status, expected refusal status)
SHARE = [
    # "yes to all: share externally … with the board's approval"
    ("weighed", (Y, Y, Y), rules.APPROVED, None),
    ("weighed", (Y, Y, Y), rules.AWAITING, 409),
    ("weighed", (Y, Y, Y), rules.REFUSED, 409),
    # any "no" on the weighed route: no sharing, whatever the status
    ("weighed", (N, Y, Y), rules.APPROVED, 422),
    ("weighed", (Y, N, Y), rules.APPROVED, 422),
    ("weighed", (Y, Y, N), rules.AWAITING, 422),
    ("weighed", (N, N, N), rules.APPROVED, 422),
    # "Acute risk …: share externally, with the Executive Board's consent"
    ("acute", (None, None, None), rules.APPROVED, None),
    ("acute", (None, None, None), rules.AWAITING, 409),
    # shared once is shared
    ("weighed", (Y, Y, Y), rules.SHARED, 409),
    ("acute", (None, None, None), rules.SHARED, 409),
]


@pytest.mark.parametrize(("route", "answers", "status", "expected"), SHARE)
def test_share_refusal(
    route: str, answers: tuple[str | None, ...], status: str, expected: int | None
) -> None:
    given = {k: v for k, v in zip(rules.QUESTION_KEYS, answers, strict=True) if v is not None}
    refusal = rules.share_refusal(route, given, status)
    assert (refusal.status if refusal else None) == expected


@pytest.mark.parametrize(
    ("route", "answers", "grounds", "fields"),
    [
        ("weighed", {"all_options_used": Y, "consent_sought": Y, "necessary": Y}, [], set()),
        ("weighed", {"all_options_used": Y, "consent_sought": Y}, [], {"necessary"}),
        ("acute", {}, ["own_safety"], set()),
        ("acute", {}, ["others", "offence"], set()),
        ("acute", {}, [], {"acute_grounds"}),
        ("acute", {}, ["curiosity"], {"acute_grounds"}),
        ("other", {}, [], {"route"}),
    ],
)
def test_answers_needed(
    route: str, answers: dict[str, str], grounds: list[str], fields: set[str]
) -> None:
    rationales = dict.fromkeys(answers, "Onderbouwd in het overleg.")
    assert set(rules.answer_problems(route, answers, rationales, grounds)) == fields


def test_model_values_are_the_rules_values() -> None:
    assert set(SharingRequest.Route.values) == set(rules.ROUTES)
    assert set(SharingRequest.Status.values) == {
        rules.AWAITING,
        rules.APPROVED,
        rules.REFUSED,
        rules.SHARED,
    }


# --- the flow -------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.fixture
def he(world: World) -> Case:
    world.school_a.sector = Sector.HBO
    world.school_a.save()
    return do_open_case(world.pupil_a5, "he_concern", actor=Actor(user=world["care_a"]))


@pytest.fixture
def police(world: World) -> Partner:
    return Partner.objects.create(
        board=world.board, kind=Partner.Kind.POLICE, organisation="Politie Noord"
    )


def weighed(police: Partner, *answers: str) -> SharingInput:
    values = dict(zip(rules.QUESTION_KEYS, answers or (Y, Y, Y), strict=True))
    return SharingInput(
        route="weighed",
        recipient=police,
        what="De dreigende berichten van de afgelopen week.",
        purpose="Inschatten of er gevaar is voor medestudenten.",
        answers=values,
        rationales=dict.fromkeys(values, "Besproken in het multidisciplinair overleg."),
    )


def test_weighed_route_waits_for_the_board_then_shares_once(
    world: World, he: Case, police: Partner, django_capture_on_commit_callbacks: Any
) -> None:
    care, board = Actor(user=world["care_a"]), Actor(user=world["board"])
    with django_capture_on_commit_callbacks(execute=True):
        request = actions.do_request(he, weighed(police), actor=care)
    assert request.status == rules.AWAITING
    # the Executive Board hears that a request waits, without the student's name
    note = Notification.objects.get(user=world["board"])
    assert he.reference in note.title and world.pupil_a5.first_name not in note.title
    assert note.url == f"/delen/{request.pk}/"
    with pytest.raises(SharingRefused) as exc:
        actions.do_share(request, actor=care)
    assert exc.value.status == 409
    assert "pas naar buiten na instemming van het College van Bestuur" in exc.value.message
    assert not ExternalExchange.objects.exists()  # without approval nothing is shared
    with pytest.raises(PermissionDenied):  # only the Executive Board approves
        actions.do_decide(request, approve=True, actor=care)
    actions.do_decide(request, approve=True, actor=board)
    shared = actions.do_share(request, actor=care)
    exchange = ExternalExchange.objects.get()
    assert (shared.status, exchange.basis, exchange.partner) == (rules.SHARED, "weighed", police)
    assert exchange.case == he
    with pytest.raises(SharingRefused) as again:
        actions.do_share(request, actor=care)
    assert again.value.status == 409
    assert ExternalExchange.objects.count() == 1
    kinds = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {
        EventType.SHARING_REQUESTED,
        EventType.SHARING_DECIDED,
        EventType.SHARING_DONE,
        EventType.EXCHANGE_RECORDED,
    } <= kinds


def test_a_no_on_the_weighed_route_is_422_and_the_board_cannot_approve_it(
    world: World, he: Case, police: Partner
) -> None:
    care, board = Actor(user=world["care_a"]), Actor(user=world["board"])
    request = actions.do_request(he, weighed(police, Y, N, Y), actor=care)
    with pytest.raises(SharingRefused) as exc:
        actions.do_share(request, actor=care)
    assert exc.value.status == 422
    assert "‘Is alles gedaan om toestemming van de student te krijgen?’" in exc.value.message
    with pytest.raises(SharingRefused) as approve:
        actions.do_decide(request, approve=True, actor=board)
    assert approve.value.status == 422
    refused = actions.do_decide(
        request, approve=False, note="Eerst toestemming vragen.", actor=board
    )
    assert refused.status == rules.REFUSED


def test_acute_route_with_consent_by_phone_needs_a_written_confirmation(
    world: World, he: Case, police: Partner, django_capture_on_commit_callbacks: Any
) -> None:
    care = Actor(user=world["care_a"])
    data = SharingInput(
        route="acute",
        recipient=police,
        what="Het bericht met de aankondiging.",
        purpose="Direct gevaar afwenden.",
        acute_grounds=["others"],
        acute_explanation="De student kondigde aan vandaag iemand iets aan te doen.",
        consent_by=world["board"],
        consent_channel="phone",
    )
    with django_capture_on_commit_callbacks(execute=True):
        request = actions.do_request(he, data, actor=care)
    assert request.status == rules.APPROVED
    # the Board member whose consent was recorded is told so
    note = Notification.objects.get(user=world["board"])
    assert "Uw instemming met acuut delen is vastgelegd door Care A" in note.title
    assert request.decided_by == world["board"]
    assert request.recorded_by == world["care_a"]
    task = CaseTask.objects.get(key=f"sharing:{request.pk}:confirm")
    assert task.due_on == timezone.localdate() + dt.timedelta(days=2)
    actions.do_share(request, actor=care)  # at once
    assert ExternalExchange.objects.get().basis == "acute"
    actions.do_confirm(request, confirmed_on=timezone.localdate(), actor=care)
    task.refresh_from_db()
    assert task.done_at is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"acute_grounds": []}, "acute_grounds"),
        ({"acute_explanation": ""}, "acute_explanation"),
        ({"consent_channel": "pigeon"}, "consent_channel"),
        ({"consent_by": "care_a"}, "consent_by"),  # not a member of the Executive Board
    ],
)
def test_acute_route_refusals(
    world: World, he: Case, police: Partner, change: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {
        "route": "acute",
        "recipient": police,
        "what": "Het bericht.",
        "purpose": "Gevaar afwenden.",
        "acute_grounds": ["own_safety"],
        "acute_explanation": "Uitspraken over zichzelf iets aandoen.",
        "consent_by": world["board"],
        "consent_channel": "phone",
    }
    if change.get("consent_by") == "care_a":
        change = {"consent_by": world["care_a"]}
    values.update(change)
    with pytest.raises(ValidationError) as exc:
        actions.do_request(he, SharingInput(**values), actor=Actor(user=world["care_a"]))  # type: ignore[arg-type]
    assert field in exc.value.message_dict
    assert not SharingRequest.objects.exists()


def test_only_a_concerning_behaviour_case_and_its_workers_may_ask(
    world: World, police: Partner
) -> None:
    with pytest.raises(ValidationError):
        actions.do_request(world.case, weighed(police), actor=Actor(user=world["care_a"]))
    other_board_user = make_user("cvb.zuid@test.invalid", "CvB Zuid")
    RoleAssignment.objects.create(user=other_board_user, role=Role.BOARD, board=world.other_board)
    world.school_a.sector = Sector.HBO
    world.school_a.save()
    case = do_open_case(world.pupil_a5, "he_concern", actor=Actor(user=world["care_a"]))
    with pytest.raises(PermissionDenied):
        actions.do_request(case, weighed(police), actor=Actor(user=world["teacher_a"]))
    request = actions.do_request(case, weighed(police), actor=Actor(user=world["care_a"]))
    with pytest.raises(PermissionDenied):
        actions.do_decide(request, approve=True, actor=Actor(user=other_board_user))
