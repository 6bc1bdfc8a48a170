"""Protocol definitions are checked before they run, and a case keeps its version.

Issue 5: "a protocol definition that is inconsistent (unreachable step, branch to nowhere)
is refused at start-up with a clear message". Each broken definition below gives the one
sentence that names its fault. The checks run with the app's roles, as at start-up. Record
values are checked by ``field_errors``: a table at the end."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone

from tests.test_case_engine import actor, kindcheck, observation
from vangnet.accounts.actions import do_create_api_token
from vangnet.cases import actions, protocols
from vangnet.cases.models import Case, CaseTask
from vangnet.cases.protocols.meldcode import MELDCODE_V1
from vangnet.core.audit import Actor
from vangnet.core.roles import Role
from vangnet.lib.protocols import (
    CLOSED,
    OLDEST_DAYS,
    DecisionTree,
    Field,
    Outcome,
    Protocol,
    Question,
    RecordKind,
    Requirement,
    Shortcut,
    Step,
    Term,
    field_errors,
    problems,
)

ROLES = tuple(Role.values)  # what cases.protocols.check_all passes at start-up

NOTE = RecordKind(
    "note",
    "Aantekening",
    (
        Field("held_on", "Datum", "date"),
        Field("text", "Wat is er besproken?", "text"),
        Field("again", "Nog een gesprek?", "bool", required=False),
    ),
    summary="text",
)
TREE = DecisionTree(
    "choice",
    "Keuze",
    start="q1",
    questions=(
        Question("q1", "Is er zorg?", yes="q2", no="stop"),
        Question("q2", "Is het ernstig?", yes="go_on", no="stop"),
    ),
    outcomes=(
        Outcome("stop", "Stoppen", CLOSED),
        Outcome("go_on", "Doorgaan", "follow"),
    ),
)
NEEDS_NOTE = Requirement(("note",), "Leg een aantekening vast.")


def tiny(**changes: object) -> Protocol:
    """A small valid protocol: talk, decide, follow up (or close)."""
    base = Protocol(
        key="tiny",
        version=1,
        title="Klein",
        record_kinds=(NOTE,),
        trees=(TREE,),
        steps=(
            Step(
                "talk",
                "Gesprek",
                "care_coordinator",
                records=("note",),
                requires=(NEEDS_NOTE,),
                next="decide",
            ),
            Step("decide", "Besluit", "care_coordinator", decision="choice"),
            Step("follow", "Volgen", "care_coordinator", records=("note",), next=CLOSED),
        ),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def with_step(key: str, **changes: object) -> Protocol:
    protocol = tiny()
    steps = tuple(
        dataclasses.replace(s, **changes) if s.key == key else s  # type: ignore[arg-type]
        for s in protocol.steps
    )
    return dataclasses.replace(protocol, steps=steps)


def with_tree(**changes: object) -> Protocol:
    return tiny(trees=(dataclasses.replace(TREE, **changes),))  # type: ignore[arg-type]


def with_fields(*fields: Field) -> Protocol:
    return tiny(record_kinds=(dataclasses.replace(NOTE, fields=(*NOTE.fields, *fields)),))


def test_the_meldcode_is_consistent() -> None:
    assert problems(MELDCODE_V1, roles=ROLES) == []
    protocols.check_all()  # what CasesConfig.ready() runs at start-up


def test_the_small_example_is_consistent() -> None:
    assert problems(tiny(), roles=ROLES) == []


BROKEN: list[tuple[str, Callable[[], Protocol], str]] = [
    (
        "unreachable step",
        lambda: tiny(
            steps=(*tiny().steps, Step("orphan", "Wees", "care_coordinator", next=CLOSED))
        ),
        "tiny v1: step 'orphan' cannot be reached",
    ),
    (
        "branch to nowhere",
        lambda: with_tree(
            questions=(
                Question("q1", "Is er zorg?", yes="q2", no="stop"),
                Question("q2", "Is het ernstig?", yes="go_on", no="q9"),
            )
        ),
        "tiny v1: decision tree 'choice' question 'q2' branches to nowhere ('q9')",
    ),
    (
        "step leading to an unknown step",
        lambda: with_step("follow", next="archive"),
        "tiny v1: step 'follow' leads to unknown step 'archive'",
    ),
    (
        "step with no next and no decision",
        lambda: with_step("follow", next=""),
        "tiny v1: step 'follow' leads nowhere (no next step and no decision)",
    ),
    (
        "step with both a decision and a next step",
        lambda: with_step("decide", next="follow"),
        "tiny v1: step 'decide' has both a decision and a next step",
    ),
    (
        "step using an unknown decision tree",
        lambda: with_step("decide", decision="vote"),
        "tiny v1: step 'decide' uses unknown decision tree 'vote'",
    ),
    (
        "unknown record kind offered",
        lambda: with_step("talk", records=("note", "letter")),
        "tiny v1: step 'talk' offers unknown record kind 'letter'",
    ),
    (
        "unknown record kind required",
        lambda: with_step("talk", requires=(Requirement(("letter",), "Een brief."),)),
        "tiny v1: step 'talk' requires unknown record kind 'letter'",
    ),
    (
        "required record that no step offers",
        lambda: tiny(steps=tuple(dataclasses.replace(s, records=()) for s in tiny().steps)),
        "tiny v1: step 'talk' requires records no step offers",
    ),
    (
        "record kind needing an unknown kind",
        lambda: tiny(
            record_kinds=(dataclasses.replace(NOTE, needs=(Requirement(("letter",), "x"),)),)
        ),
        "tiny v1: record kind 'note' requires unknown record kind 'letter'",
    ),
    (
        "decision tree question unreachable",
        lambda: with_tree(
            questions=(*TREE.questions, Question("q3", "Vergeten vraag?", yes="stop", no="stop"))
        ),
        "tiny v1: decision tree 'choice' question 'q3' cannot be reached",
    ),
    (
        "outcome unreachable",
        lambda: with_tree(outcomes=(*TREE.outcomes, Outcome("wait", "Wachten", "follow"))),
        "tiny v1: decision tree 'choice' outcome 'wait' cannot be reached",
    ),
    (
        "loop in the tree",
        lambda: with_tree(
            questions=(
                Question("q1", "Is er zorg?", yes="q2", no="stop"),
                Question("q2", "Is het ernstig?", yes="go_on", no="q1"),
            )
        ),
        "tiny v1: decision tree 'choice' loops back to question 'q1'",
    ),
    (
        "tree starting at an unknown question",
        lambda: with_tree(start="q0"),
        "tiny v1: decision tree 'choice' starts at unknown question 'q0'",
    ),
    (
        "outcome leading to an unknown step",
        lambda: with_tree(outcomes=(TREE.outcomes[0], Outcome("go_on", "Doorgaan", "later"))),
        "tiny v1: decision tree 'choice' outcome 'go_on' leads to unknown step",
    ),
    (
        "question waiting on an unknown outcome",
        lambda: with_tree(
            questions=(
                TREE.questions[0],
                dataclasses.replace(TREE.questions[1], wait_outcome="pause"),
            )
        ),
        "tiny v1: decision tree 'choice' question 'q2' waits on unknown outcome",
    ),
    (
        "duplicate step",
        lambda: tiny(steps=(*tiny().steps, tiny().steps[2])),
        "tiny v1: step 'follow' is defined twice",
    ),
    (
        "duplicate record kind",
        lambda: tiny(record_kinds=(NOTE, NOTE)),
        "tiny v1: record kind 'note' is defined twice",
    ),
    (
        "duplicate field",
        lambda: with_fields(Field("text", "Nog eens", "text")),
        "tiny v1: record kind 'note' has field 'text' twice",
    ),
    (
        "field depending on an unknown field",
        lambda: with_fields(Field("why", "Waarom?", "text", required_if=("reason", True))),
        "tiny v1: field note.why depends on unknown field 'reason'",
    ),
    (
        "schedules on a non-date field",
        lambda: with_fields(Field("next", "Volgende keer", "line", schedules="Vervolg")),
        "tiny v1: field note.next schedules but is not a date",
    ),
    (
        "unknown field kind",
        lambda: with_fields(Field("mood", "Stemming", "emoji")),
        "tiny v1: field note.mood has unknown kind 'emoji'",
    ),
    (
        "choice without choices",
        lambda: with_fields(Field("who", "Wie", "choice")),
        "tiny v1: field note.who has no choices",
    ),
    (
        "summary of an unknown field",
        lambda: tiny(record_kinds=(dataclasses.replace(NOTE, summary="title"),)),
        "tiny v1: record kind 'note' summarises unknown field",
    ),
    (
        "shortcut to an unknown step",
        lambda: tiny(shortcuts=(Shortcut("acute", "Acuut", "report"),)),
        "tiny v1: shortcut 'acute' leads to unknown step",
    ),
    (
        "no path ends the case",
        lambda: dataclasses.replace(
            with_step("follow", next="talk"),
            trees=(
                dataclasses.replace(
                    TREE,
                    outcomes=tuple(
                        dataclasses.replace(o, next_step="follow") for o in TREE.outcomes
                    ),
                ),
            ),
        ),
        "tiny v1: no path ends the case",
    ),
    (
        "duplicate term in a step",
        lambda: with_step("talk", terms=(Term("step", "Praten", 7), Term("step", "Nog eens", 14))),
        "tiny v1: step 'talk' has term 'step' twice",
    ),
    (
        "no steps at all",
        lambda: tiny(steps=()),
        "tiny v1: has no steps",
    ),
    (
        "step for an unknown role",
        lambda: with_step("talk", role="ib"),
        "tiny v1: names unknown role 'ib'",
    ),
    (
        "started by an unknown role",
        lambda: tiny(starters=("care_coordinator", "janitor")),
        "tiny v1: names unknown role 'janitor'",
    ),
    (
        "term escalating to an unknown role",
        lambda: with_step("talk", terms=(Term("step", "Praten", 7, escalate_to=("principal",)),)),
        "tiny v1: names unknown role 'principal'",
    ),
    (
        "step with an unknown phase",
        lambda: with_step("follow", phase="closed"),
        "tiny v1: step 'follow' has unknown phase 'closed'",
    ),
    (
        "duplicate shortcut",
        lambda: tiny(
            shortcuts=(
                Shortcut("acute", "Acuut", "follow"),
                Shortcut("acute", "Nog eens", "follow"),
            )
        ),
        "tiny v1: shortcut 'acute' is defined twice",
    ),
    (
        "step requiring records only a later step offers",
        lambda: with_step("talk", records=()),
        "tiny v1: step 'talk' requires records only later steps offer",
    ),
]


@pytest.mark.parametrize(("fault", "make", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_definition_names_its_fault(
    fault: str, make: Callable[[], Protocol], message: str
) -> None:
    assert message in problems(make(), roles=ROLES), fault


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (
            lambda: with_step("follow", next="archive"),
            ["tiny v1: step 'follow' leads to unknown step 'archive'"],
        ),
        (
            lambda: tiny(
                steps=(*tiny().steps, Step("orphan", "Wees", "care_coordinator", next=CLOSED))
            ),
            ["tiny v1: step 'orphan' cannot be reached"],
        ),
        (
            lambda: tiny(steps=tuple(dataclasses.replace(s, role="ib") for s in tiny().steps)),
            ["tiny v1: names unknown role 'ib'"],  # once, however often it is named
        ),
        (
            lambda: with_step("talk", records=()),
            ["tiny v1: step 'talk' requires records only later steps offer"],
        ),
    ],
)
def test_a_single_fault_gives_a_single_message(
    make: Callable[[], Protocol], expected: list[str]
) -> None:
    assert problems(make(), roles=ROLES) == expected


def test_roles_are_only_checked_when_the_roles_are_given() -> None:
    """lib.protocols knows no roles of its own: the app passes them (check_all)."""
    assert problems(with_step("talk", role="ib")) == []
    assert problems(with_step("talk", role="ib"), roles=["ib", "care_coordinator"]) == []


def test_check_all_checks_the_roles_of_the_app() -> None:
    with pytest.raises(ImproperlyConfigured, match="names unknown role 'ib'"):
        protocols.check_all([with_step("talk", role="ib")])


def test_check_all_refuses_a_broken_definition_naming_each_problem() -> None:
    broken = with_step("follow", next="archive")
    also = tiny(key="other", steps=(*tiny().steps, Step("orphan", "Wees", "x", next=CLOSED)))
    with pytest.raises(ImproperlyConfigured) as caught:
        protocols.check_all([broken, also])
    text = str(caught.value)
    assert text.startswith("Inconsistent protocol definition:")
    assert "tiny v1: step 'follow' leads to unknown step 'archive'" in text
    assert "other v1: step 'orphan' cannot be reached" in text


def test_start_up_is_refused_with_a_broken_definition(monkeypatch) -> None:
    monkeypatch.setattr(protocols, "_definitions", lambda: [with_tree(start="q0")])
    with pytest.raises(ImproperlyConfigured, match="starts at unknown question 'q0'"):
        apps.get_app_config("cases").ready()


# --- versions -------------------------------------------------------------------------------


def meldcode_v2() -> Protocol:
    """A later Meldcode: step 1 gets 10 days instead of 14."""
    first, *rest = MELDCODE_V1.steps
    term = dataclasses.replace(first.terms[0], days=10)
    return dataclasses.replace(
        MELDCODE_V1, version=2, steps=(dataclasses.replace(first, terms=(term,)), *rest)
    )


@pytest.mark.django_db
def test_a_case_keeps_the_version_it_started_with(world, monkeypatch) -> None:
    old = actions.do_open_case(world.pupil_a5, "meldcode", actor=actor(world))
    assert old.protocol_version == 1

    v2 = meldcode_v2()
    assert problems(v2) == []
    monkeypatch.setattr(protocols, "REGISTRY", {})
    monkeypatch.setattr(protocols, "_definitions", lambda: [MELDCODE_V1, v2])
    assert protocols.current("meldcode") is v2

    new = actions.do_open_case(world.pupil_a5, "meldcode", actor=actor(world))
    assert new.protocol_version == 2 and new.definition is v2
    today = timezone.localdate()
    assert CaseTask.objects.get(case=new, kind="term").due_on == today + dt.timedelta(days=10)

    old = Case.objects.get(pk=old.pk)
    assert old.protocol_version == 1 and old.definition is MELDCODE_V1
    assert CaseTask.objects.get(case=old, kind="term").due_on == today + dt.timedelta(days=14)
    # the old case goes on under version 1
    actions.do_add_record(old, "observation", observation(), actor=actor(world))
    actions.do_add_record(old, "kindcheck", kindcheck(), actor=actor(world))
    old = actions.do_complete_step(old, actor=actor(world))
    assert old.current_step == "consult" and old.definition is MELDCODE_V1


@pytest.mark.django_db
def test_the_api_starts_new_cases_on_the_current_version(world, monkeypatch) -> None:
    old = actions.do_open_case(world.pupil_a5, "meldcode", actor=actor(world))
    monkeypatch.setattr(protocols, "REGISTRY", {})
    monkeypatch.setattr(protocols, "_definitions", lambda: [MELDCODE_V1, meldcode_v2()])
    token = do_create_api_token(world["care_a"], actor=Actor.system("test"))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {"pupil": world.pupil_a5.pk, "protocol": "meldcode"}
    created = client.post("/api/v1/cases", body, content_type="application/json").json()
    assert created["version"] == 2
    assert client.get(f"/api/v1/cases/{old.pk}").json()["version"] == 1


# --- record values (lib.protocols.field_errors) ----------------------------------------------

ON_DAY = dt.date(2026, 11, 21)
DATES = RecordKind(
    "dates",
    "Data",
    (
        Field("held_on", "Wanneer", "date", past_only=True),
        Field("review_on", "Evaluatie", "date", required=False),
        Field("score", "Score", "int", required=False, min_value=1, max_value=10),
        Field("who", "Wie", "choice", required=False, choices=(("a", "A"), ("b", "B"))),
    ),
)
FAR = dt.timedelta(days=OLDEST_DAYS)
DAY = dt.timedelta(days=1)

# "A date more than 20 years away is a typing error": too_old / too_far; a date that must
# lie in the past and lies in the future: future.
FIELD_CASES = [
    # (id, values, errors)
    ("all fine", {"held_on": ON_DAY, "review_on": ON_DAY + DAY, "score": 5}, {}),
    ("required date missing", {"review_on": ON_DAY}, {"held_on": "required"}),
    ("past-only date tomorrow", {"held_on": ON_DAY + DAY}, {"held_on": "future"}),
    ("past-only date far ahead: future", {"held_on": ON_DAY + FAR + DAY}, {"held_on": "future"}),
    ("20 years ago: fine", {"held_on": ON_DAY - FAR}, {}),
    ("more than 20 years ago", {"held_on": ON_DAY - FAR - DAY}, {"held_on": "too_old"}),
    ("a typo for this year", {"held_on": dt.date(1926, 11, 21)}, {"held_on": "too_old"}),
    ("20 years ahead: fine", {"held_on": ON_DAY, "review_on": ON_DAY + FAR}, {}),
    (
        "more than 20 years ahead",
        {"held_on": ON_DAY, "review_on": ON_DAY + FAR + DAY},
        {"review_on": "too_far"},
    ),
    (
        "far back in a future-allowed field",
        {"held_on": ON_DAY, "review_on": ON_DAY - FAR - DAY},
        {"review_on": "too_old"},
    ),
    ("out of range", {"held_on": ON_DAY, "score": 11}, {"score": "range"}),
    ("unknown choice", {"held_on": ON_DAY, "who": "c"}, {"who": "choice"}),
]


@pytest.mark.parametrize(
    ("values", "errors"), [c[1:] for c in FIELD_CASES], ids=[c[0] for c in FIELD_CASES]
)
def test_field_errors(values: dict[str, object], errors: dict[str, str]) -> None:
    assert field_errors(DATES, values, ON_DAY) == errors


def test_every_field_error_code_has_a_dutch_message() -> None:
    codes = {"required", "range", "choice", "future", "too_old", "too_far"}
    messages = actions.field_messages()
    assert codes <= set(messages)
    assert messages["too_old"] == "Deze datum ligt te ver in het verleden. Controleer het jaartal."
    assert messages["too_far"] == "Deze datum ligt te ver in de toekomst. Controleer het jaartal."


def test_steps_that_only_lead_to_each_other_are_unreachable_and_never_end() -> None:
    """a → b → a, and c → d → (c | closed): c and d cannot be reached from a, and a case
    started at a never ends."""
    looped = tiny(
        steps=(
            Step("a", "A", "care_coordinator", records=("note",), next="b"),
            Step("b", "B", "care_coordinator", next="a"),
            Step("c", "C", "care_coordinator", next="d"),
            Step("d", "D", "care_coordinator", decision="choice"),
        ),
        trees=(
            dataclasses.replace(
                TREE,
                outcomes=(Outcome("stop", "Stoppen", CLOSED), Outcome("go_on", "Door", "c")),
            ),
        ),
    )
    found = problems(looped, roles=ROLES)
    assert "tiny v1: step 'c' cannot be reached" in found
    assert "tiny v1: step 'd' cannot be reached" in found
    assert "tiny v1: from step 'a' no path ends the case" in found
    assert "tiny v1: no path ends the case" in found


def test_the_command_line_names_every_problem_of_a_broken_definition(monkeypatch, capsys):
    from vangnet import cli
    from vangnet.cases.protocols import check_all

    broken = with_step("follow", next="archive")
    orphan = tiny(
        key="other", steps=(*tiny().steps, Step("orphan", "Wees", "care_coordinator", next=CLOSED))
    )

    def start(argv: list[str]) -> None:  # what Django's set-up does: AppConfig.ready()
        check_all([broken, orphan])

    monkeypatch.setattr("django.core.management.execute_from_command_line", start)
    with pytest.raises(SystemExit) as stopped:
        cli.main(["check"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "vangnet: configuration error: Inconsistent protocol definition" in err
    assert "step 'follow' leads to unknown step 'archive'" in err
    assert "other v1: step 'orphan' cannot be reached" in err
