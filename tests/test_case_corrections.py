"""The case pages, continued: correcting a record, and who completes steps and decides.

* Records are never changed: "Vastleggingen worden niet gewijzigd: een correctie is een
  nieuwe vastlegging". A correction is a new record of the same kind that points to the one
  it corrects; both stay in the history, the old one marked as corrected.
* A colleague added to a case (a teacher) records, but completing a step, the decision and
  the acute route are for members who hold the step's responsible role (or the director).
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from tests.test_case_engine import actor, observation, to_decision
from tests.test_case_pages import case_url, events, follow_messages, open_case, text, token
from tests.world import World
from vangnet.cases import actions
from vangnet.cases.models import Case, CaseMember, CaseRecord
from vangnet.core.audit import Actor
from vangnet.core.models import EventType

pytestmark = pytest.mark.django_db

OLD = "Blauwe plek op de bovenarm, drie dagen achter elkaar."
NEW = "Blauwe plek op de linker bovenarm, twee dagen achter elkaar."


@pytest.fixture
def case(world: World) -> Case:
    """A case started through the actions (``world.case`` has no step history)."""
    return open_case(world)


def observed(world: World, case: Case) -> CaseRecord:
    return actions.do_add_record(case, "observation", observation(), actor=actor(world))


def correct_url(case: Case, item: CaseRecord, kind: str | None = None) -> str:
    return case_url(case, f"vastleggen/{kind or item.kind}/?corrigeert={item.pk}")


def correction_post(page, **changes: str) -> dict[str, str]:
    data = {
        "submission_token": token(page),
        "step": page.context["form"]["step"].value(),
        "observed_on": timezone.localdate().isoformat(),
        "observed_by": "Juf A",
        "what": NEW,
        "source": "own",
        "objectified": "",
    }
    return data | changes


def correct_links(body: str) -> set[int]:
    return {int(pk) for pk in re.findall(r"\?corrigeert=(\d+)", body)}


# --- correcting a record ------------------------------------------------------------------


def test_correction_is_a_new_record_and_both_stay_in_the_history(world, client_for, case):
    old = observed(world, case)
    client = client_for("care_a")
    assert correct_links(text(client.get(case_url(case)))) == {old.pk}
    page = client.get(correct_url(case, old))
    assert page.status_code == 200
    body = text(page)
    assert "Corrigeren: Signaal" in body
    assert "U corrigeert de vastlegging van" in body and "door Care A" in body
    assert OLD in body  # the old values are filled in
    assert page.context["form"]["source"].value() == "own"
    assert events(EventType.CASE_VIEWED, data__page="correct:observation")
    response = client.post(correct_url(case, old), correction_post(page))
    new = CaseRecord.objects.exclude(pk=old.pk).get(case=case)
    assert response["Location"] == case_url(case) + f"#vastlegging-{new.pk}"
    assert new.corrects_id == old.pk and new.kind == "observation"
    old.refresh_from_db()
    assert old.data["what"] == OLD  # never changed
    added = events(EventType.CASE_RECORD_ADDED, data__record=new.pk)
    assert added and added[0].data["corrects"] == old.pk
    body = follow_messages(client, response)
    assert "Gecorrigeerd: Signaal." in body
    assert OLD in body and NEW in body  # the old values stay readable
    assert "Gecorrigeerd op" in body and f'href="#vastlegging-{new.pk}">zie de correctie' in body
    assert "Correctie van de vastlegging van" in body
    assert f'href="#vastlegging-{old.pk}">zie de oude vastlegging' in body
    assert correct_links(body) == {new.pk}  # a corrected record is not corrected again


def test_double_submit_creates_one_correction(world, client_for, case):
    old = observed(world, case)
    client = client_for("care_a")
    page = client.get(correct_url(case, old))
    data = correction_post(page)
    first = client.post(correct_url(case, old), data)
    second = client.post(correct_url(case, old), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert CaseRecord.objects.filter(corrects=old).count() == 1


def test_a_record_of_an_earlier_step_is_corrected_in_a_later_one(world, client_for):
    case = to_decision(world)  # at the decision: a kindcheck is no longer offered
    kindcheck = case.records.get(kind="kindcheck")
    client = client_for("care_a")
    body = text(client.get(case_url(case)))
    assert kindcheck.pk in correct_links(body)
    assert client.get(case_url(case, "vastleggen/kindcheck/")).status_code == 302  # not offered
    page = client.get(correct_url(case, kindcheck))
    assert page.status_code == 200 and "Broertje van 4" in text(page)
    response = client.post(
        correct_url(case, kindcheck),
        {
            "submission_token": token(page),
            "step": case.current_step,
            "other_children": "yes",
            "who": "Broertje van 4 en zusje van 9",
            "action": "",
        },
    )
    assert response.status_code == 302
    new = CaseRecord.objects.get(corrects=kindcheck)
    assert new.step == case.current_step and new.data["who"] == "Broertje van 4 en zusje van 9"
    case.refresh_from_db()
    assert case.current_step == "decide"  # a correction does not move the case


def test_an_error_keeps_the_correction(world, client_for, case):
    old = observed(world, case)
    client = client_for("care_a")
    page = client.get(correct_url(case, old))
    response = client.post(correct_url(case, old), correction_post(page, what=""))
    assert response.status_code == 200
    body = text(response)
    assert "Dit veld is verplicht." in body
    assert "U corrigeert de vastlegging van" in body and "Correctie vastleggen" in body
    assert not CaseRecord.objects.filter(corrects=old).exists()


def test_a_record_is_corrected_once(world, client_for, case):
    old = observed(world, case)
    client = client_for("care_a")
    page = client.get(correct_url(case, old))  # a colleague corrects it meanwhile
    actions.do_add_record(
        case, "observation", observation() | {"what": NEW}, actor=actor(world), corrects=old
    )
    response = client.post(correct_url(case, old), correction_post(page))
    assert response.status_code == 200
    assert "Deze vastlegging is al gecorrigeerd." in text(response)
    assert CaseRecord.objects.filter(corrects=old).count() == 1
    again = client.get(correct_url(case, old))
    assert again.status_code == 302
    assert "al gecorrigeerd" in follow_messages(client, again)


@pytest.mark.parametrize("which", ["other_case", "other_kind", "decision", "junk"])
def test_foreign_and_malformed_record_ids_are_404(world, client_for, case, which):
    other_case = actions.do_open_case(world.pupil_a6, "meldcode", actor=actor(world))
    other = observed(world, other_case)  # care_a may even read that case: still 404 here
    mine = observed(world, case)
    urls = {
        "other_case": [correct_url(case, other, "observation")],
        "other_kind": [correct_url(case, mine, "kindcheck")],
        "decision": [correct_url(case, mine, "afwegingskader")],
        "junk": [
            case_url(case, f"vastleggen/observation/?corrigeert={value}")
            for value in ("", "abc", "-1", "99999999999999999999999", "999999")
        ],
    }[which]
    client = client_for("care_a")
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"submission_token": "x", "step": "signals"}).status_code == 404
    assert not CaseRecord.objects.filter(corrects__isnull=False).exists()


def test_decisions_are_not_corrected_here(world, client_for):
    case = to_decision(world)
    decision = actions.do_record_decision(
        case,
        {"q1": True, "q2_acute": False, "q2_structural": False, "q3": True, "q4": True},
        {k: "Onderbouwd." for k in ("q1", "q2", "q3", "q4")},
        actor=actor(world),
    )
    client = client_for("care_a")
    body = text(client.get(case_url(case)))
    assert decision.pk not in correct_links(body)
    assert correct_links(body)  # the other records can be corrected
    url = case_url(case, f"vastleggen/afwegingskader/?corrigeert={decision.pk}")
    assert client.get(url).status_code == 404


def test_readers_and_closed_cases_get_no_correction(world, client_for, case):
    old = observed(world, case)
    director = client_for("director_a")  # reads the case, is no member
    assert not correct_links(text(director.get(case_url(case))))
    assert director.get(correct_url(case, old)).status_code == 403
    assert client_for("teacher_a").get(correct_url(case, old)).status_code == 404
    closed = to_decision(world)
    actions.do_record_decision(closed, {"q1": False}, {"q1": "Geen vermoeden."}, actor=actor(world))
    client = client_for("care_a")
    assert not correct_links(text(client.get(case_url(closed))))
    item = closed.records.get(kind="observation")
    assert client.get(correct_url(closed, item)).status_code == 302


# --- who completes steps and decides ------------------------------------------------------


def with_teacher(world: World, case: Case | None = None) -> None:
    actions.do_add_member(
        case or world.case,
        world["teacher_a"],
        kind=CaseMember.Kind.MEMBER,
        actor=Actor(world["care_a"]),
    )


def test_added_teacher_records_but_does_not_complete_or_decide(world, client_for):
    with_teacher(world)
    client = client_for("teacher_a")
    response = client.get(case_url(world.case))
    assert response.status_code == 200
    body = text(response)
    assert "Vastleggen: Signaal" in body  # records
    # no step to complete, no acute route (the care-meeting request form has a reason too)
    assert "Stap afronden" not in body and 'id="id_acute_reason"' not in body
    assert "Intern begeleider / aandachtsfunctionaris (eigenaar) rondt stappen af" in body
    page = client.get(case_url(world.case, "vastleggen/observation/"))
    data = correction_post(page, what=OLD)
    assert client.post(case_url(world.case, "vastleggen/observation/"), data).status_code == 302
    assert world.case.records.get().created_by == world["teacher_a"]
    assert client.get(case_url(world.case, "acuut/")).status_code == 403
    for url in ["stap-afronden/", "acuut/", "besluit/"]:
        posted = client.post(
            case_url(world.case, url), {"submission_token": "t", "step": "signals"}
        )
        assert posted.status_code == 403, url
    world.case.refresh_from_db()
    assert world.case.current_step == "signals" and not world.case.acute


def test_added_teacher_gets_no_decision_page(world, client_for):
    case = to_decision(world)
    with_teacher(world, case)
    client = client_for("teacher_a")
    body = text(client.get(case_url(case)))
    assert "Besluit nemen met het afwegingskader" not in body
    assert "rondt stappen af en neemt het besluit" in body
    assert "Vastleggen:" in body  # the step's records: still for the teacher
    assert client.get(case_url(case, "besluit/")).status_code == 403
    posted = client.post(
        case_url(case, "besluit/"),
        {"submission_token": "t", "step": "decide", "q1": "no", "rationale_q1": "Niets."},
    )
    assert posted.status_code == 403
    assert not case.records.filter(kind="afwegingskader").exists()
    # the owner does decide
    owner = text(client_for("care_a").get(case_url(case)))
    assert "Besluit nemen met het afwegingskader" in owner
    assert "rondt stappen af en neemt het besluit" not in owner


def test_director_who_took_the_case_over_directs_it(world, client_for):
    actions.do_add_member(
        world.case,
        world["director_a"],
        kind=CaseMember.Kind.OWNER,
        actor=Actor(world["director_a"]),
    )
    body = text(client_for("director_a").get(case_url(world.case)))
    assert "Stap afronden" in body and 'name="reason"' in body
    assert "rondt stappen af en neemt het besluit" not in body
