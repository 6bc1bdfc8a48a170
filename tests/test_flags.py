"""The flag system: the rule (table-driven and property-based), the action and the page.

The rule (vangnet.lib.flags; the first that applies decides):
1. black  — "no" on consent AND "no" on voluntariness or on equality;
2. red    — "no" on consent, voluntariness or equality;
3. red    — "no" on all three other criteria (development, context, self-respect);
4. yellow — "no" on one or two of the other criteria;
5. yellow — no "no" at all, but some "unclear" (find out more, then weigh again);
6. green  — "yes" on all six.
The professional confirms the suggestion or chooses another flag with a reason.
"""

from __future__ import annotations

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from tests.world import World, make_user
from vangnet.concerns.actions import ConcernInput, do_create_concern, do_share_concern
from vangnet.concerns.flag_views import concern_url
from vangnet.concerns.flags import do_weigh_flags
from vangnet.concerns.models import Concern, FlagWeighing
from vangnet.core import access
from vangnet.core.audit import Actor, verify
from vangnet.core.models import AuditEvent, EventType
from vangnet.core.roles import Role
from vangnet.lib import flags as rules
from vangnet.lib.flags import NO, UNCLEAR, YES
from vangnet.lib.statements import Statement
from vangnet.organisations.models import RoleAssignment

ALL_YES = {key: YES for key in rules.CRITERIA_KEYS}


def answers(**changed: str) -> dict[str, str]:
    return {**ALL_YES, **changed}


# --- the rule, table-driven ---------------------------------------------------------------

CASES = [
    # (rule quoted, answers, suggested flag, rule code)
    ("green: 'yes' on all six criteria", answers(), rules.GREEN, rules.GREEN_ALL_YES),
    (
        "yellow: 'no' on one of the other criteria",
        answers(context=NO),
        rules.YELLOW,
        rules.YELLOW_OTHER,
    ),
    (
        "yellow: 'no' on two of the other criteria",
        answers(development=NO, self_respect=NO),
        rules.YELLOW,
        rules.YELLOW_OTHER,
    ),
    (
        "red: 'no' on all three other criteria",
        answers(development=NO, context=NO, self_respect=NO),
        rules.RED,
        rules.RED_OTHER,
    ),
    ("red: 'no' on consent", answers(consent=NO), rules.RED, rules.RED_CORE),
    ("red: 'no' on voluntariness", answers(voluntary=NO), rules.RED, rules.RED_CORE),
    ("red: 'no' on equality", answers(equality=NO), rules.RED, rules.RED_CORE),
    (
        "red: 'no' on voluntariness and equality, consent given",
        answers(voluntary=NO, equality=NO),
        rules.RED,
        rules.RED_CORE,
    ),
    (
        "black: 'no' on consent and on voluntariness",
        answers(consent=NO, voluntary=NO),
        rules.BLACK,
        rules.BLACK_CONSENT,
    ),
    (
        "black: 'no' on consent and on equality",
        answers(consent=NO, equality=NO),
        rules.BLACK,
        rules.BLACK_CONSENT,
    ),
    (
        "black: everything 'no'",
        {key: NO for key in rules.CRITERIA_KEYS},
        rules.BLACK,
        rules.BLACK_CONSENT,
    ),
    (
        "yellow: 'unclear' with otherwise 'yes'",
        answers(consent=UNCLEAR),
        rules.YELLOW,
        rules.YELLOW_UNCLEAR,
    ),
    (
        "yellow: 'unclear' everywhere never counts heavier than yellow",
        {key: UNCLEAR for key in rules.CRITERIA_KEYS},
        rules.YELLOW,
        rules.YELLOW_UNCLEAR,
    ),
    (
        "red: 'no' on consent with 'unclear' on voluntariness",
        answers(consent=NO, voluntary=UNCLEAR),
        rules.RED,
        rules.RED_CORE,
    ),
    (
        "yellow: one other 'no' with an 'unclear' elsewhere",
        answers(context=NO, equality=UNCLEAR),
        rules.YELLOW,
        rules.YELLOW_OTHER,
    ),
]


@pytest.mark.parametrize(
    ("rule", "given_answers", "flag", "code"), CASES, ids=[c[0] for c in CASES]
)
def test_flag_rule(rule, given_answers, flag, code):
    suggestion = rules.suggest(given_answers)
    assert (suggestion.flag, suggestion.rule) == (flag, code)
    assert suggestion.explanation == rules.RULE_TEXT[code]


def test_unclear_answers_ask_to_find_out_more():
    suggestion = rules.suggest(answers(equality=UNCLEAR, context=UNCLEAR))
    assert suggestion.find_out_more
    assert suggestion.unclear == (rules.EQUALITY, rules.CONTEXT)
    assert not rules.suggest(answers(context=NO)).find_out_more


def test_incomplete_or_invalid_answers_are_refused():
    partial = {key: YES for key in rules.CRITERIA_KEYS[:5]}
    assert rules.problems(partial) == {rules.SELF_RESPECT: "missing"}
    assert rules.problems(answers(consent="maybe")) == {rules.CONSENT: "invalid"}
    assert rules.problems({**ALL_YES, "mood": YES}) == {"mood": "unknown"}
    with pytest.raises(ValueError):
        rules.suggest(partial)


def test_every_flag_and_criterion_has_its_texts():
    assert [c.key for c in rules.CRITERIA] == list(rules.CRITERIA_KEYS)
    assert set(rules.FLAG_INFO) == set(rules.FLAGS)
    for info in rules.FLAG_INFO.values():
        assert info.name and info.meaning and info.reaction
    assert {flag for _code, flag, _text in rules.RULES} == set(rules.FLAGS)


# --- the rule, property-based -------------------------------------------------------------

ANSWER_SETS = st.fixed_dictionaries(
    {key: st.sampled_from(rules.ANSWERS) for key in rules.CRITERIA_KEYS}
)


def severity(given_answers: dict[str, str]) -> int:
    return rules.SEVERITY[rules.suggest(given_answers).flag]


@given(base=ANSWER_SETS, key=st.sampled_from(rules.CRITERIA_KEYS))
def test_one_more_no_never_gives_a_milder_flag(base, key):
    assert severity({**base, key: NO}) >= severity(base)


@given(
    base=ANSWER_SETS, raised=st.fixed_dictionaries({k: st.booleans() for k in rules.CRITERIA_KEYS})
)
def test_more_negative_answers_never_give_a_milder_flag(base, raised):
    """Monotonic in yes < unclear < no, criterion by criterion."""
    worse = {
        key: (NO if base[key] == UNCLEAR else UNCLEAR)
        if raised[key] and base[key] != NO
        else base[key]
        for key in rules.CRITERIA_KEYS
    }
    assert severity(worse) >= severity(base)
    all_no = {
        key: NO if base[key] == NO or raised[key] else base[key] for key in rules.CRITERIA_KEYS
    }
    assert severity(all_no) >= severity(base)


@given(given_answers=ANSWER_SETS)
def test_green_exactly_when_all_yes_and_any_no_is_at_least_yellow(given_answers):
    flag = rules.suggest(given_answers).flag
    assert (flag == rules.GREEN) == (given_answers == ALL_YES)
    if NO not in given_answers.values():
        assert flag in (rules.GREEN, rules.YELLOW)  # 'unclear' alone is never above yellow


def test_all_yes_is_green():
    assert rules.suggest(ALL_YES).flag == rules.GREEN


# --- the texts shown by the templates equal the library's ---------------------------------


@pytest.mark.parametrize("flag", rules.FLAGS)
def test_badge_and_advice_templates_say_what_the_library_says(flag):
    info = rules.FLAG_INFO[flag]
    assert render_to_string("concerns/flag_advice.html", {"flag": flag}).strip() == info.reaction
    badge = render_to_string("concerns/flag_badge.html", {"flag": flag})
    assert info.name in badge and f"flag-{flag}" in badge


# --- the action ---------------------------------------------------------------------------


@pytest.fixture
def concern(world: World) -> Concern:
    return do_create_concern(
        world.pupil_a5,
        ConcernInput(
            occurred_at=timezone.now(),
            statements=[Statement("fact", "Twee kinderen in de wc, A. huilde na afloop.")],
        ),
        actor=Actor(world["teacher_a"]),
    )


def form_answers(**changed: str) -> dict[str, dict[str, str]]:
    return {key: {"answer": value, "note": ""} for key, value in answers(**changed).items()}


def flag_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=EventType.FLAG_WEIGHED))


def test_weighing_stores_the_suggestion_and_the_choice(world, concern):
    given_answers = form_answers(consent=NO)
    given_answers["consent"]["note"] = "B. zei: ik wilde het niet."
    weighing = do_weigh_flags(concern, given_answers, rules.RED, actor=Actor(world["teacher_a"]))
    assert (weighing.suggested_flag, weighing.flag, weighing.override_reason) == ("red", "red", "")
    assert weighing.answers["consent"] == {"answer": "no", "note": "B. zei: ik wilde het niet."}
    assert weighing.weighed_by == world["teacher_a"]
    [event] = flag_events()
    assert event.board_id == world.board.pk
    assert event.school_id == world.school_a.pk
    assert event.pupil_id == world.pupil_a5.pk
    assert (event.object_type, event.object_id) == ("flag_weighing", str(weighing.pk))
    assert event.data["suggested"] == "red" and event.data["flag"] == "red"
    assert event.data["overridden"] is False
    assert "ik wilde" not in json.dumps(event.data) + event.reason  # no free text in the log
    assert all(report.ok for report in verify())


def test_an_override_needs_a_reason(world, concern):
    with pytest.raises(ValidationError) as caught:
        do_weigh_flags(concern, form_answers(), rules.YELLOW, "  ", actor=Actor(world["care_a"]))
    message = caught.value.message_dict["override_reason"][0]
    assert "voorgestelde vlag is groen" in message and "waarom" in message
    assert not FlagWeighing.objects.exists() and not flag_events()

    reason = "Het gebeurde al voor de derde keer deze maand."
    weighing = do_weigh_flags(
        concern, form_answers(), rules.YELLOW, reason, actor=Actor(world["care_a"])
    )
    assert (weighing.suggested_flag, weighing.flag, weighing.override_reason) == (
        "green",
        "yellow",
        reason,
    )
    [event] = flag_events()
    assert event.data["overridden"] is True and "derde keer" not in json.dumps(event.data)


def test_every_criterion_must_be_answered(world, concern):
    given_answers = form_answers()
    del given_answers["equality"]
    given_answers["context"] = {"answer": "perhaps", "note": ""}
    with pytest.raises(ValidationError) as caught:
        do_weigh_flags(concern, given_answers, rules.GREEN, actor=Actor(world["teacher_a"]))
    errors = caught.value.message_dict
    assert set(errors) == {"equality", "context"}
    assert errors["equality"] == ["Kies ja, nee of weet ik (nog) niet."]
    assert not FlagWeighing.objects.exists()


def test_the_flag_must_be_one_of_four(world, concern):
    with pytest.raises(ValidationError) as caught:
        do_weigh_flags(concern, form_answers(), "purple", actor=Actor(world["teacher_a"]))
    assert "flag" in caught.value.message_dict


def test_bare_answer_strings_are_accepted(world, concern):
    weighing = do_weigh_flags(
        concern, answers(context=NO), rules.YELLOW, actor=Actor(world["teacher_a"])
    )
    assert weighing.answers["context"] == {"answer": "no", "note": ""}


# --- the page -----------------------------------------------------------------------------


def url(concern: Concern) -> str:
    return reverse("flag_weighing", args=[concern.pk])


def post_data(
    token: str = "tok-1", step: str = "save", flag: str = "", reason: str = "", **changed
):
    data = {"submission_token": token, "step": step, "flag": flag, "override_reason": reason}
    for key, value in answers(**changed).items():
        data[key] = value
        data[f"{key}_note"] = ""
    return data


def checked(html: str, name: str) -> str | None:
    """The value of the checked radio button ``name`` in the page."""
    for tag in re.findall(rf'<input type="radio" name="{name}"[^>]*>', html):
        if re.search(r"\schecked\b", tag):
            return re.search(r'value="([^"]*)"', tag).group(1)  # type: ignore[union-attr]
    return None


def test_page_shows_six_criteria_flags_and_rule(world, client_for, concern):
    response = client_for("teacher_a").get(url(concern))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<fieldset") == 6 and html.count("<legend>") == 6
    for criterion in rules.CRITERIA:
        assert criterion.name in html
        assert f'aria-describedby="id_{criterion.key}_helptext"' in html
    for info in rules.FLAG_INFO.values():
        assert info.name in html and info.reaction in html
    for _code, _flag, text in rules.RULES:
        assert text in html
    assert 'name="flag"' not in html  # the choice follows the suggestion
    assert AuditEvent.objects.filter(
        event_type=EventType.CONCERN_VIEWED, object_id=str(concern.pk)
    ).exists()


@pytest.mark.parametrize("persona", ["care_a", "director_a"])
def test_school_wide_roles_can_weigh(world, client_for, concern, persona):
    assert client_for(persona).get(url(concern)).status_code == 200


@pytest.mark.parametrize(
    "persona", ["teacher_b", "adviser_a", "board", "privacy", "admin", "other_board"]
)
def test_outsiders_get_404(world, client_for, concern, persona):
    client = client_for(persona)
    assert client.get(url(concern)).status_code == 404
    assert client.post(url(concern), post_data(flag="green")).status_code == 404
    assert not FlagWeighing.objects.exists()


def test_anonymous_goes_to_login(concern):
    response = Client().get(url(concern))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_colleague_the_entry_was_only_shared_with_cannot_weigh(world, concern):
    colleague = make_user("teacher.a6@test.invalid", "Teacher A6")
    RoleAssignment.objects.create(
        user=colleague, role=Role.TEACHER, board=world.board, school=world.school_a
    )
    world.group_a6.teachers.add(colleague)
    do_share_concern(
        concern, [colleague], question="Herken je dit?", actor=Actor(world["teacher_a"])
    )
    assert access.access_concern(colleague, concern.pk) == concern  # they do see the entry
    client = Client()
    client.force_login(colleague)
    assert client.get(url(concern)).status_code == 404
    assert client.post(url(concern), post_data(flag="green")).status_code == 404
    assert not FlagWeighing.objects.exists()


def test_missing_answers_are_explained_in_dutch(world, client_for, concern):
    data = post_data(step="suggest")
    del data["voluntary"]
    response = client_for("teacher_a").post(url(concern), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Het formulier is nog niet opgeslagen." in html
    assert "Kies ja, nee of weet ik (nog) niet." in html
    assert 'id="id_voluntary_error"' in html
    assert 'aria-describedby="id_voluntary_helptext id_voluntary_error"' in html
    assert not FlagWeighing.objects.exists()


def test_suggest_then_confirm(world, client_for, concern):
    client = client_for("teacher_a")
    response = client.post(url(concern), post_data(step="suggest", consent=NO, voluntary=NO))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Voorgestelde vlag: zwarte vlag" in html
    assert "bevestig deze vlag of kies een andere" in html
    assert rules.FLAG_INFO[rules.BLACK].reaction in html
    assert checked(html, "flag") == "black"  # the choice starts at the suggestion
    assert not FlagWeighing.objects.exists()

    response = client.post(url(concern), post_data(flag="black", consent=NO, voluntary=NO))
    assert response.status_code == 302
    assert response["Location"] == (concern_url(concern.pk) or url(concern))
    weighing = FlagWeighing.objects.get()
    assert (weighing.concern, weighing.flag, weighing.suggested_flag) == (concern, "black", "black")
    page = client.get(url(concern)).content.decode()
    assert "De weging met het vlaggensysteem is opgeslagen: zwarte vlag." in page
    assert "Teacher A" in page and "voorstel bevestigd" in page


def test_double_submit_creates_one_weighing(world, client_for, concern):
    client = client_for("teacher_a")
    data = post_data(token="same-token", flag="yellow", context=NO)
    first = client.post(url(concern), data)
    second = client.post(url(concern), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert FlagWeighing.objects.count() == 1
    assert len(flag_events()) == 1


def test_override_without_reason_keeps_the_form_filled(world, client_for, concern):
    data = post_data(flag="red", context=NO)
    data["context_note"] = "Op het schoolplein, tijdens de pauze."
    response = client_for("teacher_a").post(url(concern), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "De voorgestelde vlag is gele vlag. Kies je een andere vlag, schrijf dan op waarom." in html
    )
    assert 'id="id_override_reason_error"' in html
    assert 'aria-describedby="id_override_reason_helptext id_override_reason_error"' in html
    assert "Op het schoolplein, tijdens de pauze." in html
    assert checked(html, "context") == "no" and checked(html, "consent") == "yes"
    assert checked(html, "flag") == "red"
    assert "Voorgestelde vlag: gele vlag" in html
    assert not FlagWeighing.objects.exists() and not flag_events()

    data["override_reason"] = "Derde keer deze week, ouders al eerder gesproken."
    assert client_for("teacher_a").post(url(concern), data).status_code == 302
    weighing = FlagWeighing.objects.get()
    assert (weighing.suggested_flag, weighing.flag) == ("yellow", "red")


def test_partial_shows_latest_flag_with_words_advice_and_link(world, concern):
    actor = Actor(world["teacher_a"])
    do_weigh_flags(concern, answers(), rules.GREEN, actor=actor)
    do_weigh_flags(
        concern, answers(), rules.YELLOW, "Het kind zelf voelde zich er niet goed bij.", actor=actor
    )
    weighings = list(concern.flag_weighings.all())
    html = render_to_string(
        "concerns/partials/_flags_for_concern.html",
        {"concern": concern, "flag_weighings": weighings},
    )
    assert "Gele vlag" in html and "flag-yellow" in html
    assert rules.FLAG_INFO[rules.YELLOW].reaction in html
    assert "Groene vlag" in html  # what was suggested
    assert "niet goed bij" in html
    assert url(concern) in html
    hidden = render_to_string(
        "concerns/partials/_flags_for_concern.html",
        {"concern": concern, "flag_weighings": weighings, "can_weigh_flags": False},
    )
    assert url(concern) not in hidden
    empty = render_to_string(
        "concerns/partials/_flags_for_concern.html", {"concern": concern, "flag_weighings": []}
    )
    assert "Wegen met het vlaggensysteem" in empty
