"""The consent register and the record of exchanges with outside parties.

docs/domain.md, modules 3 and 12: consent for sharing information about a pupil with an
outside party is specific (what, purpose, who provides, who receives, given by whom, date,
withdrawal); parents with parental authority decide for a child under 16, from 16 the
pupil does; sharing with a partner without valid consent is blocked, except to Veilig
Thuis; internal sharing needs none; every exchange with an outside party is recorded.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from tests.world import World, make_user
from vangnet.cases import consent as actions
from vangnet.cases.actions import do_add_member
from vangnet.cases.models import Case, CaseMember, Consent, ExternalExchange
from vangnet.core import access
from vangnet.core.audit import Actor
from vangnet.core.models import AuditEvent, EventType
from vangnet.core.roles import Role
from vangnet.lib import consent as rules
from vangnet.organisations.models import Guardian, GuardianLink, Partner, RoleAssignment

pytestmark = pytest.mark.django_db

BORN = dt.date(2010, 5, 1)
DAY_BEFORE_16 = dt.date(2026, 4, 30)  # 15 years and 364 days
SIXTEENTH_BIRTHDAY = dt.date(2026, 5, 1)  # 16 years and 0 days


# --- the rules (lib/consent.py) ------------------------------------------------------------

# "Parents with parental authority exercise the rights of a child under 16; from 16 the
# pupil does." (domain.md, module 12)
GIVER_CASES = [
    # (given on, given by, parent has authority, problem)
    (DAY_BEFORE_16, rules.GUARDIAN, True, ""),
    (DAY_BEFORE_16, rules.GUARDIAN, False, "no_authority"),
    (DAY_BEFORE_16, rules.PUPIL, False, "pupil_too_young"),
    (SIXTEENTH_BIRTHDAY, rules.PUPIL, False, ""),
    (SIXTEENTH_BIRTHDAY, rules.GUARDIAN, True, "pupil_decides"),
    (SIXTEENTH_BIRTHDAY, rules.GUARDIAN, False, "pupil_decides"),
    (dt.date(2030, 1, 1), rules.PUPIL, False, ""),
    (dt.date(2016, 5, 1), rules.PUPIL, False, "pupil_too_young"),
]


@pytest.mark.parametrize(("given_on", "given_by", "authority", "problem"), GIVER_CASES)
def test_who_may_give_consent(
    given_on: dt.date, given_by: str, authority: bool, problem: str
) -> None:
    assert rules.giver_problem(BORN, given_on, given_by, has_authority=authority) == problem


def test_ages_around_the_sixteenth_birthday() -> None:
    assert rules.age_on(BORN, DAY_BEFORE_16) == 15
    assert rules.age_on(BORN, SIXTEENTH_BIRTHDAY) == 16
    assert rules.own_consent_from(BORN) == SIXTEENTH_BIRTHDAY


def test_born_on_29_february_decides_from_1_march_in_a_common_year() -> None:
    born = dt.date(2084, 2, 29)  # 2100 is not a leap year
    assert rules.own_consent_from(born) == dt.date(2100, 3, 1)
    assert rules.giver_problem(born, dt.date(2100, 2, 28), rules.PUPIL, has_authority=False)
    assert not rules.giver_problem(born, dt.date(2100, 3, 1), rules.PUPIL, has_authority=False)
    assert rules.own_consent_from(dt.date(2008, 2, 29)) == dt.date(2024, 2, 29)


# "Sharing with partners needs the parents' consent ... Veilig Thuis may receive
# information without consent." (domain.md, module 3)
SHARING_CASES = [
    # (recipient is Veilig Thuis, valid consent, allowed, basis, notice)
    (False, True, True, "consent", ""),
    (False, False, False, "", "consent_missing"),
    (True, False, True, "meldcode", "no_consent_needed"),
    (True, True, True, "consent", ""),
]


@pytest.mark.parametrize(("vt", "valid", "allowed", "basis", "notice"), SHARING_CASES)
def test_when_sharing_is_allowed(
    vt: bool, valid: bool, allowed: bool, basis: str, notice: str
) -> None:
    assert rules.sharing(vt, valid) == rules.SharingRule(allowed, basis, notice)


# --- helpers -------------------------------------------------------------------------------


def today() -> dt.date:
    return timezone.localdate()


def actor(world: World, persona: str = "care_a") -> Actor:
    return Actor(user=world[persona], role="test")


def youth_care(world: World, name: str = "Jeugdhulp Noord") -> Partner:
    return Partner.objects.create(
        board=world.board, kind=Partner.Kind.YOUTH_CARE, organisation=name
    )


def guardian_of(world: World) -> Guardian:
    return Guardian.objects.get(links__pupil=world.pupil_a5)


def give(
    world: World,
    partner: Partner,
    *,
    pupil: object = None,
    given_on: dt.date | None = None,
    valid_until: dt.date | None = None,
    what: str = "Verslag van het gesprek met moeder",
) -> Consent:
    target = pupil or world.pupil_a5
    if target != world.pupil_a5:
        guardian = Guardian.objects.create(board=world.board, name="Ouder B")
        GuardianLink.objects.create(pupil=target, guardian=guardian, relation="father")
    else:
        guardian = guardian_of(world)
    return actions.do_record_consent(
        target,  # type: ignore[arg-type]
        actions.ConsentInput(
            recipient=partner,
            what=what,
            purpose="Passende hulp thuis",
            provider="IB School A",
            given_by=Consent.GivenBy.GUARDIAN,
            guardian=guardian,
            given_on=given_on or today() - dt.timedelta(days=10),
            valid_until=valid_until,
        ),
        actor=actor(world),
    )


def share(
    world: World, partner: Partner, consent: Consent | None, **extra: object
) -> ExternalExchange:
    return actions.do_record_exchange(
        world.pupil_a5,
        actions.ExchangeInput(
            partner=partner,
            what="Verslag gesprek",
            purpose="Aanmelding jeugdhulp",
            exchanged_on=today(),
            consent=consent,
            **extra,  # type: ignore[arg-type]
        ),
        actor=actor(world),
    )


def events(kind: EventType) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=kind).order_by("seq"))


# --- recording exchanges (cases/consent.py) -------------------------------------------------


def assert_blocked(world: World, partner: Partner, consent: Consent | None) -> None:
    with pytest.raises(ValidationError) as exc:
        share(world, partner, consent)
    message = " ".join(exc.value.message_dict["consent"])
    assert "geen geldige toestemming" in message
    assert partner.organisation in message
    assert not ExternalExchange.objects.exists()
    assert not events(EventType.EXCHANGE_RECORDED)


def test_sharing_without_consent_is_blocked(world: World) -> None:
    assert_blocked(world, youth_care(world), None)


def test_a_withdrawn_consent_blocks(world: World) -> None:
    partner = youth_care(world)
    consent = give(world, partner)
    actions.do_withdraw_consent(consent, on=today(), note="", actor=actor(world))
    assert_blocked(world, partner, consent)


def test_an_expired_consent_blocks(world: World) -> None:
    partner = youth_care(world)
    consent = give(world, partner, valid_until=today() - dt.timedelta(days=1))
    assert_blocked(world, partner, consent)


def test_a_parents_consent_stops_counting_when_the_pupil_turns_16(world: World) -> None:
    """Rule: parents with parental authority exercise the rights of a child under 16; from
    16 the pupil does — a parent's consent given before then no longer carries sharing."""
    partner = youth_care(world)
    pupil = world.pupil_a5
    pupil.date_of_birth = today().replace(year=today().year - 16) + dt.timedelta(days=5)
    pupil.save(update_fields=["date_of_birth"])
    consent = give(world, partner)
    assert consent.is_valid_on(today())
    sixteenth = rules.own_consent_from(pupil.date_of_birth)
    assert consent.is_valid_on(sixteenth - dt.timedelta(days=1))
    assert not consent.is_valid_on(sixteenth)
    assert actions.valid_consents(pupil, partner, sixteenth) == []


def test_a_consent_for_another_partner_blocks(world: World) -> None:
    partner, other = youth_care(world), youth_care(world, "Wijkteam Oost")
    assert_blocked(world, partner, give(world, other))


def test_a_consent_about_another_pupil_blocks(world: World) -> None:
    partner = youth_care(world)
    assert_blocked(world, partner, give(world, partner, pupil=world.pupil_a6))


def test_a_consent_recorded_at_another_school_blocks(world: World) -> None:
    partner = youth_care(world)
    consent = give(world, partner)
    Consent.objects.filter(pk=consent.pk).update(school=world.school_b)
    consent.refresh_from_db()
    assert_blocked(world, partner, consent)


def test_a_valid_consent_allows_sharing(world: World) -> None:
    partner = youth_care(world)
    consent = give(world, partner)
    exchange = share(world, partner, consent, case=world.case)
    assert exchange.basis == ExternalExchange.Basis.CONSENT
    assert exchange.consent == consent
    assert exchange.case == world.case
    (event,) = events(EventType.EXCHANGE_RECORDED)
    assert event.pupil_id == world.pupil_a5.pk
    assert event.data == {
        "partner": partner.pk,
        "basis": "consent",
        "direction": "sent",
        "case": world.case.pk,
    }


def test_veilig_thuis_needs_no_consent(world: World) -> None:
    assert world.partner.kind == Partner.Kind.VEILIG_THUIS
    exchange = share(world, world.partner, None, case=world.case)
    assert exchange.basis == ExternalExchange.Basis.MELDCODE
    assert exchange.consent is None
    assert exchange.case == world.case


def test_what_goes_to_veilig_thuis_belongs_to_a_case_of_the_pupil(world: World) -> None:
    """Sending information about a named pupil to Veilig Thuis is a Meldcode matter: the
    exchange is linked to the pupil's case, where only its members read it."""
    with pytest.raises(ValidationError) as exc:
        share(world, world.partner, None)
    assert set(exc.value.message_dict) == {"case"}
    assert "zorgtraject (Meldcode)" in exc.value.message_dict["case"][0]
    assert not ExternalExchange.objects.exists()
    assert not events(EventType.EXCHANGE_RECORDED)


def test_information_received_from_veilig_thuis_needs_no_case(world: World) -> None:
    exchange = share(world, world.partner, None, direction=ExternalExchange.Direction.RECEIVED)
    assert exchange.case is None and exchange.consent is None


def test_information_received_needs_no_consent_and_links_none(world: World) -> None:
    partner = youth_care(world)
    other = give(world, youth_care(world, "Wijkteam Oost"))
    exchange = share(world, partner, other, direction=ExternalExchange.Direction.RECEIVED)
    assert exchange.consent is None  # a consent that did not apply is not linked
    # no consent of the school was needed: the basis says it was received
    assert exchange.basis == ExternalExchange.Basis.RECEIVED
    (event,) = events(EventType.EXCHANGE_RECORDED)
    assert event.data["basis"] == "received"


def test_information_received_under_a_valid_consent_keeps_it(world: World) -> None:
    partner = youth_care(world)
    consent = give(world, partner)
    exchange = share(world, partner, consent, direction=ExternalExchange.Direction.RECEIVED)
    assert exchange.basis == ExternalExchange.Basis.CONSENT and exchange.consent == consent


def test_a_consent_dated_before_the_pupils_birth_is_refused(world: World) -> None:
    born = world.pupil_a5.date_of_birth
    with pytest.raises(ValidationError) as exc:
        give(world, youth_care(world), given_on=born - dt.timedelta(days=1))
    assert exc.value.message_dict["given_on"] == [
        "Deze datum ligt vóór de geboortedatum van de leerling."
    ]
    assert not Consent.objects.exists()
    assert give(world, youth_care(world), given_on=born).given_on == born  # the day itself


def test_a_case_of_another_pupil_is_refused(world: World) -> None:
    case = Case.objects.create(
        pupil=world.pupil_a6,
        school=world.school_a,
        protocol="meldcode",
        protocol_version=1,
        current_step="signals",
        opened_by=world["care_a"],
    )
    with pytest.raises(ValidationError) as exc:
        share(world, world.partner, None, case=case)
    assert "case" in exc.value.message_dict


# --- pages: who sees what -------------------------------------------------------------------


def register_url(world: World) -> str:
    return f"/leerlingen/{world.pupil_a5.pk}/toestemming/"


def create_url(world: World) -> str:
    return f"/leerlingen/{world.pupil_a5.pk}/toestemming/nieuw/"


def exchange_url(world: World) -> str:
    return f"/leerlingen/{world.pupil_a5.pk}/uitwisseling/nieuw/"


def withdraw_url(consent: Consent) -> str:
    return f"/toestemming/{consent.pk}/intrekken/"


PERSONA_STATUS = [
    ("care_a", 200, 200),
    ("director_a", 200, 200),
    ("teacher_a", 403, 404),  # sees the pupil, not the register
    ("teacher_b", 404, 404),
    ("other_board", 404, 404),
    ("adviser_a", 404, 404),
    ("board", 404, 404),
]


@pytest.mark.parametrize(("persona", "pupil_page", "consent_page"), PERSONA_STATUS)
def test_pages_per_persona(
    world: World, client_for, persona: str, pupil_page: int, consent_page: int
) -> None:
    consent = give(world, youth_care(world))
    client: Client = client_for(persona)
    for url in (register_url(world), create_url(world), exchange_url(world)):
        assert client.get(url).status_code == pupil_page, url
    assert client.get(withdraw_url(consent)).status_code == consent_page
    before = (Consent.objects.count(), ExternalExchange.objects.count())
    if pupil_page != 200:
        assert client.post(create_url(world), {}).status_code == pupil_page
        assert client.post(exchange_url(world), {}).status_code == pupil_page
    if consent_page != 200:
        assert client.post(withdraw_url(consent), {}).status_code == consent_page
    assert (Consent.objects.count(), ExternalExchange.objects.count()) == before


def test_malformed_ids_are_404(world: World, client_for) -> None:
    client = client_for("care_a")
    assert client.get(f"/toestemming/{10**12}/intrekken/").status_code == 404
    assert client.get(exchange_url(world) + "?traject=abc").status_code == 404


def test_register_lists_consents_with_status_and_exchanges(
    world: World, client_for, django_assert_max_num_queries
) -> None:
    partner = youth_care(world)
    valid = give(world, partner, what="Het groeidocument")
    give(world, partner, what="Het OPP", valid_until=today() - dt.timedelta(days=1))
    gone = give(world, youth_care(world, "Wijkteam Oost"), what="De toetsuitslagen")
    actions.do_withdraw_consent(gone, on=today(), note="", actor=actor(world))
    share(world, partner, valid, case=world.case)
    share(world, world.partner, None, case=world.case)
    client = client_for("care_a")
    with django_assert_max_num_queries(20):
        response = client.get(register_url(world))
    html = response.content.decode()
    assert "Het groeidocument" in html and "geldig" in html
    assert "verlopen" in html
    assert "ingetrokken op" in html
    assert world.case.reference in html
    assert "Meldcode: Veilig Thuis" in html
    assert "geen toestemming" in html.lower()
    (event,) = events(EventType.CONSENTS_VIEWED)
    assert event.pupil_id == world.pupil_a5.pk
    assert event.data == {"page": "register"}


def test_an_exchange_of_a_case_is_shown_only_to_who_reads_the_case(
    world: World, client_for
) -> None:
    """An exchange linked to a case (every report to Veilig Thuis is) is as confidential as
    the case: a second care coordinator of the school who is not in the case does not see
    it in the register; an exchange without a case stays visible school-wide."""
    other_care = make_user("care.two@test.invalid", "Care Twee")
    RoleAssignment.objects.create(
        user=other_care, role=Role.CARE_COORDINATOR, board=world.board, school=world.school_a
    )
    partner = youth_care(world)
    consent = give(world, partner)

    def exchange(what: str, case: Case | None, to: Partner, with_consent: bool) -> object:
        return actions.do_record_exchange(
            world.pupil_a5,
            actions.ExchangeInput(
                partner=to,
                what=what,
                purpose="Zorg",
                exchanged_on=today(),
                consent=consent if with_consent else None,
                case=case,
            ),
            actor=actor(world),
        )

    in_case = exchange("De melding over Anna", world.case, world.partner, False)
    loose = exchange("Het groeidocument", None, partner, True)
    assert set(access.visible_exchanges(world["care_a"])) == {in_case, loose}
    assert set(access.visible_exchanges(world["director_a"])) == {in_case, loose}
    assert set(access.visible_exchanges(other_care)) == {loose}
    client = client_for("care_a")
    client.force_login(other_care)
    html = client.get(register_url(world)).content.decode()
    assert "Het groeidocument" in html
    assert "De melding over Anna" not in html and world.case.reference not in html
    # once added to the case, they see it
    do_add_member(world.case, other_care, kind="member", actor=actor(world))
    assert set(access.visible_exchanges(other_care)) == {in_case, loose}


# --- recording a consent on the page ---------------------------------------------------------


def consent_post(world: World, client: Client, **changes: object) -> dict[str, object]:
    form = client.get(create_url(world)).context["form"]
    data: dict[str, object] = {
        "submission_token": form.initial["submission_token"],
        "recipient": youth_care(world).pk,
        "what": "Het verslag van het gesprek van 3 maart",
        "purpose": "Aanmelding bij jeugdhulp",
        "provider": "IB School A",
        "given_by": "guardian",
        "guardian": guardian_of(world).pk,
        "given_on": today().isoformat(),
        "valid_until": "",
    }
    data.update(changes)
    return data


def test_recording_a_consent(world: World, client_for) -> None:
    client = client_for("care_a")
    page = client.get(create_url(world)).content.decode()
    assert "Ellen Visser" in page and "met ouderlijk gezag" in page
    assert "jaar" in page and "16" in page
    data = consent_post(world, client)
    response = client.post(create_url(world), data)
    assert response.status_code == 302
    assert response["Location"] == register_url(world)
    consent = Consent.objects.get()
    assert consent.guardian == guardian_of(world)
    assert consent.is_valid_on(today())
    (event,) = events(EventType.CONSENT_RECORDED)
    blob = json.dumps(event.data)
    assert set(event.data) == {"recipient", "given_by"}
    assert "verslag" not in blob.lower() and "jeugdhulp" not in blob.lower()


def test_double_submit_records_one_consent(world: World, client_for) -> None:
    client = client_for("care_a")
    data = consent_post(world, client)
    first = client.post(create_url(world), data)
    second = client.post(create_url(world), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Consent.objects.count() == 1
    assert len(events(EventType.CONSENT_RECORDED)) == 1


def test_a_partner_of_another_board_is_a_form_error(world: World, client_for) -> None:
    client = client_for("care_a")
    response = client.post(
        create_url(world), consent_post(world, client, recipient=world.other_partner.pk)
    )
    assert response.status_code == 200
    assert "sociale kaart" in " ".join(response.context["form"].errors["recipient"])
    assert "Jeugdhulp Noord" in response.content.decode()  # the form is kept
    assert not Consent.objects.exists()


def test_veilig_thuis_is_not_offered_for_consent(world: World, client_for) -> None:
    client = client_for("care_a")
    response = client.post(
        create_url(world), consent_post(world, client, recipient=world.partner.pk)
    )
    assert response.status_code == 200
    assert "recipient" in response.context["form"].errors
    assert not Consent.objects.exists()


def test_a_parent_without_authority_cannot_consent(world: World, client_for) -> None:
    GuardianLink.objects.filter(pupil=world.pupil_a5).update(parental_authority=False)
    client = client_for("care_a")
    page = client.get(create_url(world)).content.decode()
    assert "zonder gezag" in page
    response = client.post(create_url(world), consent_post(world, client))
    assert response.status_code == 200
    assert "ouderlijk gezag" in " ".join(response.context["form"].errors["given_by"])
    assert not Consent.objects.exists()


def test_a_pupil_under_16_cannot_consent(world: World, client_for) -> None:
    client = client_for("care_a")
    response = client.post(create_url(world), consent_post(world, client, given_by="pupil"))
    assert response.status_code == 200
    assert "vanaf 16 jaar" in " ".join(response.context["form"].errors["given_by"])
    assert not Consent.objects.exists()


def test_a_pupil_of_16_consents_not_the_parent(world: World, client_for) -> None:
    world.pupil_a5.date_of_birth = dt.date(today().year - 17, 1, 1)  # 16 or 17 years old
    world.pupil_a5.save()
    client = client_for("care_a")
    form = client.get(create_url(world)).context["form"]
    assert form.initial["given_by"] == "pupil"
    response = client.post(create_url(world), consent_post(world, client))
    assert "niet de ouder" in " ".join(response.context["form"].errors["given_by"])
    response = client.post(
        create_url(world), consent_post(world, client, given_by="pupil", guardian="")
    )
    assert response.status_code == 302
    assert Consent.objects.get().guardian is None


def test_a_guardian_of_another_pupil_is_a_form_error(world: World, client_for) -> None:
    stranger = Guardian.objects.create(board=world.board, name="Iemand Anders")
    GuardianLink.objects.create(pupil=world.pupil_a6, guardian=stranger, relation="mother")
    client = client_for("care_a")
    response = client.post(create_url(world), consent_post(world, client, guardian=stranger.pk))
    assert response.status_code == 200
    assert "guardian" in response.context["form"].errors
    assert not Consent.objects.exists()


# --- withdrawing ------------------------------------------------------------------------------


def test_withdrawing_twice_gives_a_message_not_an_error(world: World, client_for) -> None:
    consent = give(world, youth_care(world))
    client = client_for("care_a")
    first_form = client.get(withdraw_url(consent)).context["form"]
    second_form = client.get(withdraw_url(consent)).context["form"]
    data = {"withdrawn_on": today().isoformat(), "note": "Moeder belde"}
    first = client.post(
        withdraw_url(consent), {**data, "submission_token": first_form.initial["submission_token"]}
    )
    assert first.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == today()
    second = client.post(
        withdraw_url(consent),
        {**data, "submission_token": second_form.initial["submission_token"]},
        follow=True,
    )
    assert second.status_code == 200
    assert "al ingetrokken" in second.content.decode()
    assert len(events(EventType.CONSENT_WITHDRAWN)) == 1
    page = client.get(withdraw_url(consent))
    assert page.status_code == 200 and page.context["form"] is None


def test_withdrawal_before_the_consent_is_a_form_error(world: World, client_for) -> None:
    consent = give(world, youth_care(world))
    client = client_for("care_a")
    token = client.get(withdraw_url(consent)).context["form"].initial["submission_token"]
    response = client.post(
        withdraw_url(consent),
        {"submission_token": token, "withdrawn_on": "2000-01-01", "note": ""},
    )
    assert response.status_code == 200
    assert "withdrawn_on" in response.context["form"].errors
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


# --- recording an exchange on the page --------------------------------------------------------


def exchange_post(world: World, client: Client, url: str, **changes: object) -> dict[str, object]:
    form = client.get(url).context["form"]
    data: dict[str, object] = {
        "submission_token": form.initial["submission_token"],
        "partner": "",
        "direction": "sent",
        "exchanged_on": today().isoformat(),
        "what": "Het verslag van het gesprek",
        "purpose": "Aanmelding bij jeugdhulp",
        "consent": "",
    }
    data.update(changes)
    return data


def test_exchange_blocked_without_consent_keeps_the_form(world: World, client_for) -> None:
    partner = youth_care(world)
    client = client_for("care_a")
    url = exchange_url(world)
    response = client.post(url, exchange_post(world, client, url, partner=partner.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "geen geldige toestemming" in html and "Jeugdhulp Noord" in html
    assert "Het verslag van het gesprek" in html  # what was typed is still there
    assert f"/leerlingen/{world.pupil_a5.pk}/toestemming/nieuw/" in html
    assert not ExternalExchange.objects.exists()


def test_exchange_block_lists_the_valid_consents_then_allows(world: World, client_for) -> None:
    partner = youth_care(world)
    consent = give(world, partner, what="Het groeidocument")
    wrong = give(world, youth_care(world, "Wijkteam Oost"), what="Iets anders")
    client = client_for("care_a")
    url = exchange_url(world)
    data = exchange_post(world, client, url, partner=partner.pk, consent=wrong.pk)
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "geen geldige toestemming" in html
    assert "Het groeidocument" in html  # the valid consent is listed to choose from
    assert not ExternalExchange.objects.exists()
    response = client.post(url, {**data, "consent": consent.pk})
    assert response.status_code == 302
    exchange = ExternalExchange.objects.get()
    assert exchange.consent == consent and exchange.basis == "consent"
    (event,) = events(EventType.EXCHANGE_RECORDED)
    blob = json.dumps(event.data).lower()
    assert "verslag" not in blob and "jeugdhulp" not in blob


def test_exchange_with_veilig_thuis_is_recorded_on_the_meldcode(world: World, client_for) -> None:
    client = client_for("care_a")
    url = exchange_url(world) + f"?traject={world.case.pk}"
    partial = client.get(url, {"partner": world.partner.pk}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "Voor Veilig Thuis is geen toestemming nodig" in partial.content.decode()
    assert "<html" not in partial.content.decode()
    response = client.post(
        url, exchange_post(world, client, url, partner=world.partner.pk), follow=True
    )
    assert "Voor Veilig Thuis is geen toestemming nodig" in response.content.decode()
    exchange = ExternalExchange.objects.get()
    assert exchange.basis == ExternalExchange.Basis.MELDCODE
    assert exchange.consent is None and exchange.case == world.case


def test_sending_to_veilig_thuis_outside_a_case_keeps_the_form(world: World, client_for) -> None:
    client = client_for("care_a")
    url = exchange_url(world)
    response = client.post(url, exchange_post(world, client, url, partner=world.partner.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "bij het zorgtraject (Meldcode) van de" in html  # the reason is shown
    assert "Het verslag van het gesprek" in html  # what was typed is still there
    assert not ExternalExchange.objects.exists()


def test_htmx_choice_lists_consents_of_the_partner(world: World, client_for) -> None:
    partner = youth_care(world)
    give(world, partner, what="Het groeidocument")
    give(world, youth_care(world, "Wijkteam Oost"), what="Iets anders")
    client = client_for("care_a")
    html = client.get(
        exchange_url(world), {"partner": partner.pk}, headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="consent-choice"' in html
    assert "Het groeidocument" in html and "Iets anders" not in html
    # a date before the consent was given: nothing valid yet
    early = (today() - dt.timedelta(days=30)).isoformat()
    html = client.get(
        exchange_url(world),
        {"partner": partner.pk, "exchanged_on": early},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Het groeidocument" not in html


def test_exchange_with_a_partner_of_another_board_is_a_form_error(world: World, client_for) -> None:
    client = client_for("care_a")
    url = exchange_url(world)
    response = client.post(url, exchange_post(world, client, url, partner=world.other_partner.pk))
    assert response.status_code == 200
    assert "partner" in response.context["form"].errors
    assert not ExternalExchange.objects.exists()


def test_exchange_double_submit_records_one(world: World, client_for) -> None:
    client = client_for("care_a")
    url = exchange_url(world) + f"?traject={world.case.pk}"
    data = exchange_post(world, client, url, partner=world.partner.pk)
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert ExternalExchange.objects.count() == 1


def test_exchange_linked_to_a_case(world: World, client_for) -> None:
    client = client_for("care_a")
    url = exchange_url(world) + f"?traject={world.case.pk}"
    page = client.get(url)
    assert world.case.reference in page.content.decode()
    response = client.post(url, exchange_post(world, client, url, partner=world.partner.pk))
    assert response.status_code == 302
    assert ExternalExchange.objects.get().case == world.case


def test_exchange_case_must_be_readable_and_about_the_pupil(world: World, client_for) -> None:
    other = Case.objects.create(
        pupil=world.pupil_a6,
        school=world.school_a,
        protocol="meldcode",
        protocol_version=1,
        current_step="signals",
        opened_by=world["care_a"],
    )
    CaseMember.objects.create(
        case=other, user=world["care_a"], kind="owner", added_by=world["care_a"]
    )
    client = client_for("care_a")
    assert client.get(exchange_url(world) + f"?traject={other.pk}").status_code == 404
    # a case the care coordinator is not in: not readable for them
    CaseMember.objects.filter(case=world.case).delete()
    assert client.get(exchange_url(world) + f"?traject={world.case.pk}").status_code == 404


def test_reads_are_audited_without_free_text(world: World, client_for) -> None:
    client = client_for("care_a")
    client.get(register_url(world))
    client.get(exchange_url(world))
    client.get(create_url(world))
    pages = [e.data for e in events(EventType.CONSENTS_VIEWED)]
    assert pages == [{"page": "register"}, {"page": "exchange_form"}]
    (form_read,) = [e for e in events(EventType.PUPIL_VIEWED) if e.data == {"page": "consent_form"}]
    assert form_read.pupil_id == world.pupil_a5.pk


def test_an_unknown_direction_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        share(world, world.partner, None, direction="sideways")
    assert "direction" in exc.value.message_dict
    assert not ExternalExchange.objects.exists()
