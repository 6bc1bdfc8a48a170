"""The case pages: starting a case, the case page, records, completing steps, the
afwegingskader and the acute route — for the owner, the director, the teacher and outsiders."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.test_case_engine import actor, consultation, kindcheck, observation, to_decision
from tests.world import World
from vangnet.cases import actions
from vangnet.cases.models import Case, CaseRecord, CaseStep
from vangnet.concerns.models import Concern
from vangnet.core.models import AuditEvent, EventType
from vangnet.lib.protocols import CLOSED

pytestmark = pytest.mark.django_db

OUTSIDERS = ["teacher_b", "board", "privacy", "admin", "other_board", "no_role", "adviser_a"]


def token(response) -> str:
    found = re.search(r'name="submission_token" value="([^"]+)"', response.content.decode())
    assert found, "no submission token on the page"
    return found.group(1)


def text(response) -> str:
    return response.content.decode()


def follow_messages(client, response) -> str:
    assert response.status_code == 302
    return text(client.get(response["Location"]))


def case_url(case: Case, rest: str = "") -> str:
    return f"/trajecten/{case.pk}/{rest}"


def events(kind: EventType, **filters: object) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=kind, **filters))


def open_case(world: World) -> Case:
    return actions.do_open_case(world.pupil_a5, "meldcode", actor=actor(world))


# --- starting a case ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("care_a", 200), ("director_a", 200), ("teacher_a", 200)] + [(p, 404) for p in OUTSIDERS],
)
def test_start_page_per_persona(world, client_for, persona, status):
    response = client_for(persona).get(f"/leerlingen/{world.pupil_a5.pk}/trajecten/nieuw/")
    assert response.status_code == status


def test_a_teacher_may_start_the_behaviour_ladder_but_not_the_meldcode(world, client_for):
    body = text(client_for("teacher_a").get(f"/leerlingen/{world.pupil_a5.pk}/trajecten/nieuw/"))
    assert "Stappenplan grensoverschrijdend gedrag" in body
    assert "Meldcode huiselijk geweld" not in body


def test_care_coordinator_starts_from_a_handed_over_concern(world, client_for):
    Concern.objects.filter(pk=world.concern.pk).update(handed_over_at=timezone.now())
    client = client_for("care_a")
    detail = client.get(f"/zorgen/{world.concern.pk}/")
    assert "Zorgtraject starten" in text(detail)
    url = f"/leerlingen/{world.pupil_a5.pk}/trajecten/nieuw/?zorg={world.concern.pk}"
    page = client.get(url)
    assert page.status_code == 200
    body = text(page)
    assert "gekoppeld aan het verslag" in body
    assert f"{timezone.localtime(world.concern.occurred_at):%-d}" in body  # Dutch date
    assert "Er loopt al een zorgtraject" in body  # world.case is open for this pupil
    assert events(EventType.CONCERN_VIEWED, object_id=str(world.concern.pk))
    response = client.post(
        url,
        {
            "submission_token": token(page),
            "protocol": "meldcode",
            "origin_concern": world.concern.pk,
        },
    )
    case = Case.objects.exclude(pk=world.case.pk).get(pupil=world.pupil_a5)
    assert response["Location"] == f"/trajecten/{case.pk}/"
    assert case.origin_concern == world.concern
    assert case.current_step == "signals" and not case.acute
    assert case.members.get().user == world["care_a"]


def test_start_button_only_for_those_who_may_start(world, client_for):
    # a teacher may start the behaviour ladder from an entry; the Meldcode is not offered
    for persona, shown in [("care_a", True), ("director_a", True), ("teacher_a", True)]:
        body = text(client_for(persona).get(f"/zorgen/{world.concern.pk}/"))
        assert ("Zorgtraject starten" in body) is shown, persona


def test_origin_concern_must_be_about_the_pupil_and_visible(world, client_for):
    other = Concern.objects.create(
        pupil=world.pupil_a6,
        school=world.school_a,
        author=world["care_a"],
        noticed_by="IB",
        occurred_at=timezone.now(),
    )
    foreign = Concern.objects.create(
        pupil=world.pupil_c,
        school=world.school_c,
        author=world["other_board"],
        noticed_by="IB",
        occurred_at=timezone.now(),
    )
    client = client_for("care_a")
    base = f"/leerlingen/{world.pupil_a5.pk}/trajecten/nieuw/"
    for concern_id in (other.pk, foreign.pk, 999999, "abc"):
        assert client.get(f"{base}?zorg={concern_id}").status_code == 404, concern_id
    page = client.get(base)
    response = client.post(
        base, {"submission_token": token(page), "protocol": "meldcode", "origin_concern": other.pk}
    )
    assert response.status_code == 404
    assert Case.objects.count() == 1


def test_acute_start_needs_a_reason_and_goes_straight_to_the_report(world, client_for):
    client = client_for("care_a")
    url = f"/leerlingen/{world.pupil_a5.pk}/trajecten/nieuw/"
    page = client.get(url)
    data = {"submission_token": token(page), "protocol": "meldcode", "acute": "on"}
    response = client.post(url, data | {"acute_reason": "kort"})
    assert response.status_code == 200
    assert "ten minste 15 tekens" in text(response)
    assert 'value="on"' in text(response) or "checked" in text(response)
    response = client.post(url, data | {"acute_reason": ""} | {"acute": ""})
    assert response.status_code == 302  # not acute: an ordinary start
    Case.objects.exclude(pk=world.case.pk).delete()
    page = client.get(url)
    reason = "Kind vertelt dat vader haar vanavond weer slaat."
    response = client.post(
        url,
        {
            "submission_token": token(page),
            "protocol": "meldcode",
            "acute": "on",
            "acute_reason": reason,
        },
    )
    case = Case.objects.exclude(pk=world.case.pk).get()
    assert response["Location"] == f"/trajecten/{case.pk}/"
    assert case.acute and case.current_step == "report"
    assert CaseStep.objects.get(case=case, step="report").reason == reason


def test_a_reason_without_the_acute_box_is_questioned(world, client_for):
    client = client_for("care_a")
    url = f"/leerlingen/{world.pupil_a5.pk}/trajecten/nieuw/"
    page = client.get(url)
    response = client.post(
        url,
        {
            "submission_token": token(page),
            "protocol": "meldcode",
            "acute_reason": "Vader dreigt vanavond.",
        },
    )
    assert response.status_code == 200
    assert "Vink acute onveiligheid aan" in text(response)
    assert "Vader dreigt vanavond." in text(response)
    assert Case.objects.count() == 1


# --- the case page ------------------------------------------------------------------------


def test_owner_sees_the_step_its_checklist_forms_and_the_dossier(world, client_for):
    response = client_for("care_a").get(case_url(world.case))
    assert response.status_code == 200
    body = text(response)
    assert "Stap 1: signalen in kaart brengen" in body
    assert "Intern begeleider / aandachtsfunctionaris" in body  # responsible role
    assert "Leg ten minste één signaal vast." in body and "nog te doen" in body
    assert "Vastleggen: Signaal" in body and "Vastleggen: Kindcheck" in body
    assert "Stap afronden" in body and "Acuut melden" in body and "0800-2000" in body
    assert "Eerder in het dossier" in body  # step 1 shows the dossier
    assert world.pupil_a5.full_name in body
    case_event = events(EventType.CASE_VIEWED, object_id=str(world.case.pk))
    assert case_event and case_event[0].actor_id == world["care_a"].pk
    assert events(EventType.DOSSIER_VIEWED, pupil_id=world.pupil_a5.pk)


def test_director_reads_but_gets_no_forms(world, client_for):
    response = client_for("director_a").get(case_url(world.case))
    assert response.status_code == 200
    body = text(response)
    assert "U kunt dit traject inzien" in body
    assert "Stap afronden" not in body and "Vastleggen: Signaal" not in body
    assert 'name="reason"' not in body


@pytest.mark.parametrize("persona", ["teacher_a", *OUTSIDERS])
def test_teacher_and_outsiders_do_not_see_the_case(world, client_for, persona):
    client = client_for(persona)
    for url in [
        case_url(world.case),
        case_url(world.case, "vastleggen/observation/"),
        case_url(world.case, "besluit/"),
        case_url(world.case, "acuut/"),
    ]:
        assert client.get(url).status_code == 404, url
    for url in ["stap-afronden/", "acuut/", "vastleggen/observation/", "besluit/"]:
        assert client.post(case_url(world.case, url)).status_code == 404, url
    assert not events(EventType.CASE_VIEWED)


def test_director_who_is_no_member_may_not_write(world, client_for):
    client = client_for("director_a")
    assert client.get(case_url(world.case, "vastleggen/observation/")).status_code == 403
    assert client.get(case_url(world.case, "acuut/")).status_code == 403
    assert client.get(case_url(world.case, "besluit/")).status_code == 403
    for url in ["stap-afronden/", "acuut/", "vastleggen/observation/", "besluit/"]:
        assert client.post(case_url(world.case, url)).status_code == 403, url


def test_foreign_and_malformed_case_ids_are_404(world, client_for):
    foreign = actions.do_open_case(world.pupil_c, "meldcode", actor=actor(world, "other_board"))
    client = client_for("care_a")
    for case_id in (foreign.pk, 999999, "99999999999999999999999"):
        assert client.get(f"/trajecten/{case_id}/").status_code == 404
    assert client.get(case_url(world.case, "vastleggen/onbekend/")).status_code == 404


def test_history_shows_every_value_and_the_decision(world, client_for):
    case = to_decision(world)
    actions.do_record_decision(
        case,
        {"q1": True, "q2_acute": False, "q2_structural": False, "q3": True, "q4": True},
        {
            "q1": "Signalen en gesprek wijzen erop.",
            "q2": "Geen direct gevaar.",
            "q3": "Wijkteam kan helpen.",
            "q4": "Moeder wil meewerken.",
        },
        discussed_with_partner={"q3": True, "q4": False},
        actor=actor(world),
    )
    body = text(client_for("care_a").get(case_url(case)))
    assert "Blauwe plek op de bovenarm" in body  # observation text
    assert "Eigen waarneming" in body  # a choice shown by its label
    assert "Broertje van 4" in body
    assert "Advies gevraagd zonder de naam van het kind te noemen" in body  # bool: Ja
    assert "Contextscore (0-10)" in body
    assert "Wijkteam kan helpen." in body and "Moeder wil meewerken." in body
    assert "besproken met Veilig Thuis" in body and "niet besproken met Veilig Thuis" in body
    assert "Uitkomst: Hulp organiseren en effecten volgen" in body
    assert "Hulp organiseren en volgen" in body  # the current step
    assert "Besluit nemen met het afwegingskader" in body


def test_closed_case_shows_no_forms(world, client_for):
    case = to_decision(world)
    actions.do_record_decision(case, {"q1": False}, {"q1": "Geen vermoeden."}, actor=actor(world))
    client = client_for("care_a")
    body = text(client.get(case_url(case)))
    assert "Dit traject is afgesloten op" in body
    assert "Stap afronden" not in body and "Acuut melden" not in body
    assert "Vastleggen:" not in body
    response = client.get(case_url(case, "vastleggen/observation/"))
    assert response.status_code == 302
    assert client.get(case_url(case, "besluit/")).status_code == 302


# --- records ------------------------------------------------------------------------------


def observation_post(page, **changes: str) -> dict[str, str]:
    data = {
        "submission_token": token(page),
        "step": "signals",
        "observed_on": timezone.localdate().isoformat(),
        "observed_by": "Juf A",
        "what": "Blauwe plek op de bovenarm.",
        "source": "own",
        "objectified": "",
    }
    return data | changes


def test_record_form_per_persona_and_with_the_dossier_beside_it(world, client_for):
    response = client_for("care_a").get(case_url(world.case, "vastleggen/observation/"))
    assert response.status_code == 200
    body = text(response)
    assert "Vastleggen: Signaal" in body
    assert 'type="date"' in body and 'max="' in body  # a date that may not lie ahead
    assert 'type="radio"' in body  # the source: a choice
    assert "Eerder in het dossier" in body
    assert "(niet verplicht)" in body  # "objectified" is optional
    assert events(EventType.CASE_VIEWED, object_id=str(world.case.pk))


def test_record_error_keeps_the_values(world, client_for):
    client = client_for("care_a")
    url = case_url(world.case, "vastleggen/observation/")
    page = client.get(url)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(url, observation_post(page, observed_on=future, observed_by=""))
    assert response.status_code == 200
    body = text(response)
    assert "Het formulier is nog niet opgeslagen." in body
    assert "Deze datum ligt in de toekomst." in body and "Dit veld is verplicht." in body
    assert "Blauwe plek op de bovenarm." in body and future in body
    assert not CaseRecord.objects.filter(case=world.case).exists()


def test_conditional_field_explains_when_it_is_needed(world, client_for):
    client = client_for("care_a")
    url = case_url(world.case, "vastleggen/kindcheck/")
    page = client.get(url)
    assert "Verplicht als het antwoord bij" in text(page)
    response = client.post(
        url, {"submission_token": token(page), "step": "signals", "other_children": "yes"}
    )
    assert response.status_code == 200
    assert "Dit veld is verplicht." in text(response)
    response = client.post(
        url,
        {
            "submission_token": token(page),
            "step": "signals",
            "other_children": "yes",
            "who": "Zusje van 6",
        },
    )
    assert response.status_code == 302
    assert CaseRecord.objects.get(case=world.case).data["who"] == "Zusje van 6"


def test_double_submit_creates_one_record(world, client_for):
    client = client_for("care_a")
    url = case_url(world.case, "vastleggen/observation/")
    data = observation_post(client.get(url))
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert CaseRecord.objects.filter(case=world.case).count() == 1
    item = CaseRecord.objects.get(case=world.case)
    assert first["Location"].endswith(f"#vastlegging-{item.pk}")
    assert item.data["observed_on"] == timezone.localdate().isoformat()


def test_required_yes_no_question_takes_no_as_an_answer(world, client_for):
    case = actions.do_open_case(
        world.pupil_a5,
        "meldcode",
        actor=actor(world),
        acute_reason="Kind vertelt dat vader haar vanavond weer slaat.",
    )
    client = client_for("care_a")
    url = case_url(case, "vastleggen/vt_report/")
    page = client.get(url)
    body = text(page)
    assert 'name="parents_told" value="no"' in body  # a yes/no radio, not a checkbox
    data = {
        "submission_token": token(page),
        "step": "report",
        "reported_on": timezone.localdate().isoformat(),
        "reference": "VT-1",
        "reported_by": "IB",
        "summary": "Acuut gevaar",
    }
    response = client.post(url, data)
    assert "Dit veld is verplicht." in text(response)  # no answer is not "no"
    response = client.post(url, data | {"parents_told": "no"})
    assert "Waarom zijn de ouders niet ingelicht?" in text(response)
    assert response.status_code == 200
    response = client.post(url, data | {"parents_told": "no", "parents_not_told_why": "Gevaar."})
    assert response.status_code == 302
    assert CaseRecord.objects.get(case=case).data["parents_told"] is False


def test_record_for_a_step_that_moved_on_keeps_the_input(world, client_for):
    client = client_for("care_a")
    url = case_url(world.case, "vastleggen/observation/")
    page = client.get(url)
    Case.objects.filter(pk=world.case.pk).update(current_step="consult")
    response = client.post(url, observation_post(page))
    assert response.status_code == 200
    assert "Het traject is intussen verder gegaan" in text(response)
    assert "Blauwe plek op de bovenarm." in text(response)
    assert not CaseRecord.objects.exists()


# --- completing a step ----------------------------------------------------------------


def step_post(client, case: Case, step: str):
    page = client.get(case_url(case))
    return client.post(
        case_url(case, "stap-afronden/"), {"submission_token": token(page), "step": step}
    )


def test_complete_step_with_missing_records_says_what_is_missing(world, client_for):
    client = client_for("care_a")
    actions.do_add_record(world.case, "observation", observation(), actor=actor(world))
    body = follow_messages(client, step_post(client, world.case, "signals"))
    assert "Deze stap kan nog niet worden afgerond." in body and "Doe de kindcheck." in body
    world.case.refresh_from_db()
    assert world.case.current_step == "signals"
    assert not events(EventType.CASE_STEP_COMPLETED)


def test_complete_step_moves_the_case_once(world, client_for):
    client = client_for("care_a")
    actions.do_add_record(world.case, "observation", observation(), actor=actor(world))
    actions.do_add_record(world.case, "kindcheck", kindcheck(), actor=actor(world))
    page = client.get(case_url(world.case))
    data = {"submission_token": token(page), "step": "signals"}
    first = client.post(case_url(world.case, "stap-afronden/"), data)
    body = follow_messages(client, first)
    assert "is afgerond. Het traject staat nu bij ‘Stap 2: collegiale consultatie en advies’" in (
        body.replace("&#x27;", "'")
    )
    second = client.post(case_url(world.case, "stap-afronden/"), data)  # the same click again
    assert second.status_code == 302
    world.case.refresh_from_db()
    assert world.case.current_step == "consult"
    assert CaseStep.objects.filter(case=world.case).count() == 1  # world's case had none
    assert len(events(EventType.CASE_STEP_COMPLETED)) == 1


def test_complete_step_on_a_stale_page_says_the_case_moved(world, client_for):
    client = client_for("care_a")
    actions.do_add_record(world.case, "observation", observation(), actor=actor(world))
    actions.do_add_record(world.case, "kindcheck", kindcheck(), actor=actor(world))
    actions.do_complete_step(world.case, actor=actor(world))
    body = follow_messages(client, step_post(client, world.case, "signals"))
    assert "Het traject is intussen verder gegaan" in body
    world.case.refresh_from_db()
    assert world.case.current_step == "consult"


# --- the decision ----------------------------------------------------------------------


def decision_page(client, case: Case):
    page = client.get(case_url(case, "besluit/"))
    assert page.status_code == 200
    return page


def decision_post(client, case: Case, page, answers: dict[str, str], **extra: str):
    data = {"submission_token": token(page), "step": case.current_step} | answers | extra
    return client.post(case_url(case, "besluit/"), data)


def test_decision_page_shows_the_tree(world, client_for):
    case = to_decision(world)
    body = text(decision_page(client_for("care_a"), case))
    for n in range(1, 6):
        assert f"Vraag {n}" in body
    assert body.count('class="badge partner"') == 3  # questions 3-5: with Veilig Thuis
    assert body.count("Besproken met Veilig Thuis") == 2  # question 5 is asked later
    assert 'name="q5"' not in body and "Deze vraag beantwoordt u later" in body
    assert 'name="q2_acute"' in body and 'name="q2_structural"' in body
    assert body.count('name="rationale_q2"') == 1  # one rationale for the two parts
    assert "Nee: uitkomst: Afsluiten en vastleggen." in body
    assert events(EventType.CASE_VIEWED, data__page="decision")


def test_decision_page_on_a_step_without_a_decision_goes_back(world, client_for):
    response = client_for("care_a").get(case_url(world.case, "besluit/"))
    assert response.status_code == 302 and response["Location"] == case_url(world.case)


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        # a missing answer the tree still needs
        (
            {"q1": "yes", "rationale_q1": "Signalen."},
            "q2_acute",
            "Beantwoord deze vraag: de beslisboom heeft het antwoord nodig.",
        ),
        # one part of a two-part question missing
        (
            {"q1": "yes", "rationale_q1": "Signalen.", "q2_acute": "no", "rationale_q2": "x"},
            "q2_structural",
            "Beantwoord deze vraag: de beslisboom heeft het antwoord nodig.",
        ),
        # an answer after the tree has ended
        (
            {"q1": "no", "rationale_q1": "Geen vermoeden.", "q3": "yes", "rationale_q3": "x"},
            "q3",
            "Deze vraag komt niet meer aan de orde",
        ),
        # an answer without a rationale
        ({"q1": "no", "rationale_q1": "   "}, "rationale_q1", "Onderbouw dit antwoord."),
        # nothing answered at all
        ({}, "q1", "Beantwoord deze vraag"),
    ],
)
def test_decision_errors_per_question(world, client_for, answers, field, message):
    case = to_decision(world)
    client = client_for("care_a")
    response = decision_post(client, case, decision_page(client, case), answers)
    assert response.status_code == 200
    body = text(response)
    errors = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', body, re.S)
    assert errors and message in errors.group(1), body[:0]
    for name, value in answers.items():
        if name.startswith("rationale") and value.strip():
            assert value in body  # what was typed stays
    case.refresh_from_db()
    assert case.current_step == "decide"
    assert not CaseRecord.objects.filter(case=case, kind="afwegingskader").exists()


def test_decision_shows_the_outcome_before_it_is_kept(world, client_for):
    case = to_decision(world)
    client = client_for("care_a")
    page = decision_page(client, case)
    answers = {
        "q1": "yes",
        "rationale_q1": "Signalen en gesprek wijzen erop.",
        "q2_acute": "no",
        "q2_structural": "yes",
        "rationale_q2": "Het herhaalt zich al maanden.",
    }
    review = decision_post(client, case, page, answers)
    assert review.status_code == 200
    body = text(review)
    assert "Uitkomst: Melden bij Veilig Thuis" in body
    assert "Het besluit is nog niet vastgelegd." in body
    assert "Het herhaalt zich al maanden." in body
    assert not CaseRecord.objects.filter(case=case, kind="afwegingskader").exists()
    # change the answers: the form comes back filled, nothing kept
    back = decision_post(client, case, page, answers, bevestigen="wijzigen")
    assert "Uitkomst bekijken" in text(back) and "Het herhaalt zich al maanden." in text(back)
    assert not CaseRecord.objects.filter(case=case, kind="afwegingskader").exists()
    saved = decision_post(client, case, page, answers, bevestigen="1")
    again = decision_post(client, case, page, answers, bevestigen="1")  # double click
    assert saved.status_code == 302 and again.status_code == 302
    assert "Uitkomst: Melden bij Veilig Thuis" in follow_messages(client, saved)
    case.refresh_from_db()
    assert (case.current_step, case.outcome) == ("report", "report")
    kept = CaseRecord.objects.get(case=case, kind="afwegingskader")
    assert kept.data["answers"] == {"q1": True, "q2_acute": False, "q2_structural": True}
    assert kept.data["rationale"]["q2"] == "Het herhaalt zich al maanden."


def test_help_step_keeps_earlier_answers_and_asks_question_five(world, client_for):
    case = to_decision(world)
    client = client_for("care_a")
    first = {
        "q1": "yes",
        "rationale_q1": "Signalen.",
        "q2_acute": "no",
        "q2_structural": "no",
        "rationale_q2": "Geen gevaar.",
        "q3": "yes",
        "rationale_q3": "Wijkteam.",
        "partner_q3": "on",
        "q4": "yes",
        "rationale_q4": "Moeder wil.",
        "partner_q4": "on",
    }
    page = decision_page(client, case)
    response = decision_post(client, case, page, first, bevestigen="1")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.current_step == "help"
    page = decision_page(client, case)
    body = text(page)
    assert 'name="q1"' not in body and 'name="q5"' in body
    assert "Wijkteam." in body and "dit antwoord blijft staan" in body
    # q5 still open: the case would stay in this step
    response = decision_post(client, case, page, {})
    assert "blijft het traject in deze stap" in text(response)
    # the help plan is missing
    q5 = {"q5": "yes", "rationale_q5": "Het gaat goed thuis.", "partner_q5": "on"}
    response = decision_post(client, case, page, q5)
    assert "Leg vast welke hulp er is georganiseerd." in text(response)
    actions.do_add_record(
        case,
        "help_plan",
        {
            "help": "Gezinscoach",
            "provided_by": "Wijkteam",
            "accepted": True,
            "agreed_with_vt": True,
            "review_on": timezone.localdate() + dt.timedelta(days=42),
        },
        actor=actor(world),
    )
    # question 5 comes after an evaluation of the help
    response = decision_post(client, case, page, q5)
    assert "Evalueer de hulp eerst" in text(response)
    review = {
        "held_on": timezone.localdate(),
        "participants": "IB, moeder, gezinscoach",
        "findings": "Rust in huis.",
        "next_review_on": None,
    }
    actions.do_add_record(case, "review", review, actor=actor(world))
    # an attempt to change an earlier answer is ignored: only q5 is open
    response = decision_post(client, case, page, q5 | {"q1": "no"})
    assert "Uitkomst: Hulp afsluiten met afspraken over volgen" in text(response)
    response = decision_post(client, case, page, q5 | {"q1": "no"}, bevestigen="1")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.current_step == "monitoring"
    kept = CaseRecord.objects.filter(case=case, kind="afwegingskader").latest("id")
    assert kept.data["answers"]["q1"] is True and kept.data["answers"]["q5"] is True
    assert kept.data["with_partner"] == {"q3": True, "q4": True, "q5": True}


def test_decision_on_a_stale_page_says_the_case_moved(world, client_for):
    case = to_decision(world)
    client = client_for("care_a")
    page = decision_page(client, case)
    actions.do_record_decision(case, {"q1": False}, {"q1": "Geen vermoeden."}, actor=actor(world))
    response = decision_post(
        client, case, page, {"q1": "no", "rationale_q1": "Toch niet."}, bevestigen="1"
    )
    assert response.status_code == 200
    assert "Het traject is intussen verder gegaan" in text(response)
    assert CaseRecord.objects.filter(case=case, kind="afwegingskader").count() == 1


# --- the acute route -------------------------------------------------------------------


def test_acute_route_needs_a_reason_and_moves_to_the_report(world, client_for):
    client = client_for("care_a")
    page = client.get(case_url(world.case))
    data = {"submission_token": token(page)}
    response = client.post(case_url(world.case, "acuut/"), data | {"reason": "nu!"})
    assert response.status_code == 200
    assert "ten minste 15 tekens" in text(response) and "nu!" in text(response)
    world.case.refresh_from_db()
    assert world.case.current_step == "signals"
    reason = "Kind durft niet naar huis, vader dreigt met slaan."
    response = client.post(case_url(world.case, "acuut/"), data | {"reason": reason})
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.current_step == "report" and world.case.acute
    body = follow_messages(client, response)
    assert "Acute route genomen op" in body and reason in body
    assert "Vastleggen: Melding bij Veilig Thuis" in body
    assert f'action="/trajecten/{world.case.pk}/acuut/"' not in body  # already there
    assert events(EventType.CASE_SHORTCUT_TAKEN, object_id=str(world.case.pk))


def test_acute_page_for_the_owner(world, client_for):
    client = client_for("care_a")
    response = client.get(case_url(world.case, "acuut/"))
    assert response.status_code == 200
    assert "0800-2000" in text(response)
    assert events(EventType.CASE_VIEWED, data__page="acute")


def test_walk_through_the_pages_to_closed(world, client_for):
    """Owner walks signals → consult → conversation → weigh → decide → report → monitoring
    → closed through the pages only."""
    client = client_for("care_a")
    case = world.case

    def add(kind: str, values: dict[str, str]) -> None:
        url = case_url(case, f"vastleggen/{kind}/")
        page = client.get(url)
        assert page.status_code == 200, kind
        case.refresh_from_db()
        data = {"submission_token": token(page), "step": case.current_step} | values
        response = client.post(url, data)
        assert response.status_code == 302, (kind, text(response))

    def complete() -> None:
        case.refresh_from_db()
        response = step_post(client, case, case.current_step)
        body = follow_messages(client, response)
        assert "is afgerond" in body or "Het traject is afgesloten." in body

    today = timezone.localdate().isoformat()
    add("observation", {k: str(v) for k, v in observation().items()})
    add("kindcheck", {"other_children": "no"})
    complete()
    add("consultation", {k: ("on" if v is True else str(v)) for k, v in consultation().items()})
    complete()
    add(
        "conversation_skipped",
        {"reason": "Vader is eerder gewelddadig geweest.", "decided_with": "Veilig Thuis"},
    )
    complete()
    add(
        "weighing",
        {
            "physical_danger": "no",
            "physical_danger_why": "Geen letsel.",
            "development_hindered": "yes",
            "development_hindered_why": "Spanning.",
            "future_risk": "yes",
            "future_risk_why": "Werkloosheid.",
            "risk_micro": "Ruzie",
            "protect_micro": "Oma",
            "context_score": "4",
            "goals": "Rust",
        },
    )
    complete()
    case.refresh_from_db()
    assert case.current_step == "decide"
    page = decision_page(client, case)
    answers = {
        "q1": "yes",
        "rationale_q1": "Ja.",
        "q2_acute": "yes",
        "q2_structural": "no",
        "rationale_q2": "Direct gevaar.",
    }
    assert decision_post(client, case, page, answers, bevestigen="1").status_code == 302
    add(
        "vt_report",
        {
            "reported_on": today,
            "reference": "VT-7",
            "reported_by": "IB",
            "summary": "Gevaar",
            "parents_told": "yes",
        },
    )
    complete()
    add("closing", {"agreements": "Leerkracht blijft letten op signalen.", "informed": "Moeder"})
    complete()
    case.refresh_from_db()
    assert case.is_closed and case.current_step == CLOSED


def test_a_record_of_an_unvisited_step_is_still_shown_in_the_history(world, client_for):
    """The history never leaves a record out: one whose step the case never entered
    (only possible after a repair by hand) appears under the latest step."""
    CaseStep.objects.create(case=world.case, step="signals", entered_by=world["care_a"])
    CaseRecord.objects.create(
        case=world.case,
        kind="weighing",
        step="weigh",
        data={"goals": "Rust in huis voor Anna"},
        created_by=world["care_a"],
    )
    page = client_for("care_a").get(f"/trajecten/{world.case.pk}/")
    assert page.status_code == 200
    assert "Rust in huis voor Anna" in page.content.decode()


def test_an_unknown_field_kind_is_refused_by_name():
    from vangnet.cases.forms import _record_field
    from vangnet.lib.protocols import Field, RecordKind

    spec = Field("x", "X", "colour")
    with pytest.raises(ValueError, match="unknown field kind 'colour'"):
        _record_field(spec, RecordKind("k", "K", (spec,)), dt.date(2026, 1, 5))
