"""The afwegingskader (Meldcode step 5): every path through its five questions, as a table.

Each row quotes the rule it checks: the questions from docs/domain.md (module 3) and the
outcomes the API promises in issue 5. The same table runs on the pure tree walk
(``lib.protocols.evaluate``) and through ``POST /api/v1/cases/{id}/decision`` on a case
driven to step 5 (rows that answer question 5 go through the help step with a help plan and
an evaluation, where question 5 belongs). At the help step the earlier answers stand: that
has its own table at the end."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from tests.test_case_engine import to_decision
from vangnet.accounts.actions import do_create_api_token
from vangnet.api.cases import decision_input_errors
from vangnet.cases import actions
from vangnet.cases.models import Case, CaseRecord
from vangnet.cases.protocols.meldcode import AFWEGINGSKADER
from vangnet.core.audit import Actor
from vangnet.lib.protocols import CLOSED, evaluate

# The rules, quoted. Questions: docs/domain.md, module 3 (the afwegingskader's five
# questions). Outcomes: issue 5, "API".
Q1 = (
    "1. Do I, based on steps 1-4, suspect (threat of) domestic violence or child abuse? "
    "No → close and record. Yes → 2."
)
Q2 = (
    "2. Is there acute unsafety (direct physical danger, safety not guaranteed in the coming "
    "days) and/or structural unsafety (repetition or continuation)? Yes → report to Veilig "
    "Thuis. No → 3."
)
Q3 = "3. Can I organise effective help to avert the threat? No → report. Yes → 4."
Q4 = (
    "4. Do those involved accept that help and commit to it? No → report. Yes → organise "
    "help, go to 5."
)
Q5 = (
    "5. Does the help lead to the necessary results on safety and well-being within the "
    "desired term? No → (again) report. Yes → close the help with agreements on following "
    "future (un)safety."
)
API_Q1 = "q1 false → `close`"
API_Q2 = "q2_acute or q2_structural true → `report`"
# A question in parts is answered by one "yes" (the other part may be left out); "no" needs
# every part.
PARTS = "one part true answers question 2; false needs both parts"
API_Q3 = "q3 false → `report`"
API_Q4 = "q4 false → `report`; q4 true with q5 not yet answered → `help`"
API_Q5 = "q5 false → `report`; q5 true → `close_with_monitoring`"
REFUSED = (
    "Missing answers the tree still needs, or answers after the tree ended, are refused with 422."
)

T, F = True, False
YES_Q1 = {"q1": T}
NO_Q2 = {"q1": T, "q2_acute": F, "q2_structural": F}
YES_Q3 = NO_Q2 | {"q3": T}
YES_Q4 = YES_Q3 | {"q4": T}
ALL_LATER = {"q2_acute": F, "q2_structural": F, "q3": T, "q4": T, "q5": T}


@dataclass(frozen=True)
class Row:
    id: str
    rule: str
    answers: dict[str, bool | None]
    outcome: str = ""  # the tree's outcome (also on rows refused for extra answers)
    path: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    waiting: bool = False
    next_step: str = field(default="", compare=False)  # where an accepted row moves the case

    @property
    def accepted(self) -> bool:
        return bool(self.outcome) and not self.missing and not self.extra


OUTCOMES = [
    Row("no suspicion: close", f"{Q1} / {API_Q1}", {"q1": F}, "close", ("q1",), next_step=CLOSED),
    Row(
        "acute unsafety: report",
        f"{Q2} / {API_Q2}",
        YES_Q1 | {"q2_acute": T, "q2_structural": F},
        "report",
        ("q1", "q2"),
        next_step="report",
    ),
    Row(
        "structural unsafety: report",
        f"{Q2} / {API_Q2}",
        YES_Q1 | {"q2_acute": F, "q2_structural": T},
        "report",
        ("q1", "q2"),
        next_step="report",
    ),
    Row(
        "acute and structural unsafety: report",
        f"{Q2} / {API_Q2}",
        YES_Q1 | {"q2_acute": T, "q2_structural": T},
        "report",
        ("q1", "q2"),
        next_step="report",
    ),
    Row(
        "question 2: structural yes, acute part left out: report",
        f"{Q2} / {API_Q2} / {PARTS}",
        YES_Q1 | {"q2_structural": T},
        "report",
        ("q1", "q2"),
        next_step="report",
    ),
    Row(
        "question 2: acute yes, structural part left out: report",
        f"{Q2} / {API_Q2} / {PARTS}",
        YES_Q1 | {"q2_acute": T},
        "report",
        ("q1", "q2"),
        next_step="report",
    ),
    Row(
        "no effective help possible: report",
        f"{Q3} / {API_Q3}",
        NO_Q2 | {"q3": F},
        "report",
        ("q1", "q2", "q3"),
        next_step="report",
    ),
    Row(
        "help not accepted: report",
        f"{Q4} / {API_Q4}",
        YES_Q3 | {"q4": F},
        "report",
        ("q1", "q2", "q3", "q4"),
        next_step="report",
    ),
    Row(
        "help accepted, question 5 not yet answered: help",
        f"{Q4} / {API_Q4}",
        YES_Q4,
        "help",
        ("q1", "q2", "q3", "q4"),
        waiting=True,
        next_step="help",
    ),
    Row(
        "help accepted, question 5 explicitly open (null): help",
        f"{Q4} / {API_Q4}",
        YES_Q4 | {"q5": None},
        "help",
        ("q1", "q2", "q3", "q4"),
        waiting=True,
        next_step="help",
    ),
    Row(
        "help without results: report (again)",
        f"{Q5} / {API_Q5}",
        YES_Q4 | {"q5": F},
        "report",
        ("q1", "q2", "q3", "q4", "q5"),
        next_step="report",
    ),
    Row(
        "help works: close with monitoring",
        f"{Q5} / {API_Q5}",
        YES_Q4 | {"q5": T},
        "close_with_monitoring",
        ("q1", "q2", "q3", "q4", "q5"),
        next_step="monitoring",
    ),
]

MISSING = [
    Row("nothing answered", f"{Q1} / {REFUSED}", {}, path=("q1",), missing=("q1",)),
    Row("question 1 null", f"{Q1} / {REFUSED}", {"q1": None}, path=("q1",), missing=("q1",)),
    Row(
        "question 2 not answered",
        f"{Q1} Yes → 2. / {REFUSED}",
        YES_Q1,
        path=("q1", "q2"),
        missing=("q2_acute", "q2_structural"),
    ),
    Row(
        "question 2: acute no, structural part missing",
        f"{Q2} / {PARTS} / {REFUSED}",
        YES_Q1 | {"q2_acute": F},
        path=("q1", "q2"),
        missing=("q2_structural",),
    ),
    Row(
        "question 2: structural no, acute part missing",
        f"{Q2} / {PARTS} / {REFUSED}",
        YES_Q1 | {"q2_structural": F},
        path=("q1", "q2"),
        missing=("q2_acute",),
    ),
    Row(
        "question 2: acute no, structural null",
        f"{Q2} / {PARTS} / {REFUSED}",
        YES_Q1 | {"q2_acute": F, "q2_structural": None},
        path=("q1", "q2"),
        missing=("q2_structural",),
    ),
    Row(
        "question 3 not answered",
        f"{Q2} No → 3. / {REFUSED}",
        NO_Q2,
        path=("q1", "q2", "q3"),
        missing=("q3",),
    ),
    Row(
        "question 4 not answered",
        f"{Q3} Yes → 4. / {REFUSED}",
        YES_Q3,
        path=("q1", "q2", "q3", "q4"),
        missing=("q4",),
    ),
    Row(
        "question 2 skipped, later ones answered",
        f"{Q1} Yes → 2. / {REFUSED}",
        YES_Q1 | {"q3": T, "q4": T},
        path=("q1", "q2"),
        missing=("q2_acute", "q2_structural"),
    ),
    Row(
        "question 4 skipped, question 5 answered",
        f"{Q3} Yes → 4. / {REFUSED}",
        YES_Q3 | {"q5": T},
        path=("q1", "q2", "q3", "q4"),
        missing=("q4",),
    ),
    Row(
        "question 1 skipped, everything else answered",
        f"{Q1} / {REFUSED}",
        ALL_LATER,
        path=("q1",),
        missing=("q1",),
    ),
]

EXTRA = [
    Row(
        "no suspicion, question 2 answered anyway",
        f"{Q1} No → close. / {REFUSED}",
        {"q1": F, "q2_acute": F},
        "close",
        ("q1",),
        extra=("q2_acute",),
    ),
    Row(
        "no suspicion, everything answered anyway",
        f"{Q1} No → close. / {REFUSED}",
        {"q1": F} | ALL_LATER,
        "close",
        ("q1",),
        extra=("q2_acute", "q2_structural", "q3", "q4", "q5"),
    ),
    Row(
        "no suspicion, question 5 answered",
        f"{Q1} No → close. / {REFUSED}",
        {"q1": F, "q5": T},
        "close",
        ("q1",),
        extra=("q5",),
    ),
    Row(
        "unsafe, question 3 answered anyway",
        f"{Q2} Yes → report. / {REFUSED}",
        YES_Q1 | {"q2_acute": T, "q2_structural": F, "q3": T},
        "report",
        ("q1", "q2"),
        extra=("q3",),
    ),
    Row(
        "structural yes alone, question 3 answered anyway",
        f"{Q2} Yes → report. / {PARTS} / {REFUSED}",
        YES_Q1 | {"q2_structural": T, "q3": F},
        "report",
        ("q1", "q2"),
        extra=("q3",),
    ),
    Row(
        "unsafe, questions 3-5 answered anyway",
        f"{Q2} Yes → report. / {REFUSED}",
        YES_Q1 | {"q2_acute": F, "q2_structural": T, "q3": T, "q4": T, "q5": F},
        "report",
        ("q1", "q2"),
        extra=("q3", "q4", "q5"),
    ),
    Row(
        "no help possible, question 4 answered anyway",
        f"{Q3} No → report. / {REFUSED}",
        NO_Q2 | {"q3": F, "q4": T},
        "report",
        ("q1", "q2", "q3"),
        extra=("q4",),
    ),
    Row(
        "help refused, question 5 answered anyway",
        f"{Q4} No → report. / {REFUSED}",
        YES_Q3 | {"q4": F, "q5": T},
        "report",
        ("q1", "q2", "q3", "q4"),
        extra=("q5",),
    ),
    Row(
        "an answer to a question the framework does not have",
        f"{Q1} / {REFUSED}",
        {"q1": F, "q6": T},
        "close",
        ("q1",),
        extra=("q6",),
    ),
]

ROWS = OUTCOMES + MISSING + EXTRA


# --- the tree walk --------------------------------------------------------------------------


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_evaluate(row: Row) -> None:
    result = evaluate(AFWEGINGSKADER, row.answers)
    assert (result.outcome, result.path, result.missing, result.extra, result.waiting) == (
        row.outcome,
        row.path,
        row.missing,
        row.extra,
        row.waiting,
    ), row.rule
    assert result.complete == row.accepted, row.rule


def test_the_table_covers_every_path_through_the_tree() -> None:
    """Walk every combination of yes / no / not answered and collect the distinct complete
    paths: the table's accepted rows must be exactly these."""
    keys = AFWEGINGSKADER.answer_keys
    found = set()
    for values in itertools.product((True, False, None), repeat=len(keys)):
        result = evaluate(AFWEGINGSKADER, dict(zip(keys, values, strict=True)))
        if result.complete:
            found.add((result.path, result.outcome, result.waiting))
    table = {(r.path, r.outcome, r.waiting) for r in OUTCOMES}
    assert table == found
    assert {r.outcome for r in OUTCOMES} == {o.key for o in AFWEGINGSKADER.outcomes}


def test_every_outcome_leads_where_the_meldcode_says() -> None:
    for row in OUTCOMES:
        outcome = AFWEGINGSKADER.outcome(row.outcome)
        assert outcome is not None and outcome.next_step == row.next_step, row.rule


def test_questions_three_to_five_are_gone_through_with_veilig_thuis() -> None:
    """domain.md: "Questions 3–5 are gone through together with Veilig Thuis." """
    partner = {q.key: str(q.with_partner) for q in AFWEGINGSKADER.questions}
    assert partner == {
        "q1": "",
        "q2": "",
        "q3": "Veilig Thuis",
        "q4": "Veilig Thuis",
        "q5": "Veilig Thuis",
    }


def oracle(answers: dict[str, bool | None]) -> str:
    """The outcome rules of issue 5, written out independently of the tree."""
    if answers.get("q1") is False:
        return "close"
    if answers.get("q2_acute") or answers.get("q2_structural"):
        return "report"
    if answers.get("q3") is False or answers.get("q4") is False:
        return "report"
    if answers.get("q5") is None:
        return "help"
    return "close_with_monitoring" if answers["q5"] else "report"


ANSWERS = st.dictionaries(
    st.sampled_from([*AFWEGINGSKADER.answer_keys, "q2", "q6", "x"]),
    st.none() | st.booleans(),
)


@given(ANSWERS)
def test_evaluate_gives_an_outcome_or_what_is_missing_never_both(answers) -> None:
    result = evaluate(AFWEGINGSKADER, answers)
    given_keys = {k for k, v in answers.items() if v is not None}
    assert bool(result.outcome) != bool(result.missing)
    if result.missing:
        assert not result.extra
        assert set(result.missing) <= set(AFWEGINGSKADER.answer_keys) - given_keys
        # one "yes" answers question 2: a part is only missing while no part says yes
        if set(result.missing) & {"q2_acute", "q2_structural"}:
            assert not (answers.get("q2_acute") or answers.get("q2_structural"))
    else:
        assert result.outcome in {o.key for o in AFWEGINGSKADER.outcomes}
        assert set(result.extra) <= given_keys
        if not result.extra:
            assert result.outcome == oracle(answers)
            assert result.complete


# --- rationale: one per answered question -------------------------------------------------


def _rationale(path: tuple[str, ...]) -> dict[str, str]:
    return {q: f"Waarom {q}." for q in path}


@pytest.mark.parametrize(
    ("row", "dropped"),
    [(r, q) for r in OUTCOMES for q in r.path],
    ids=lambda v: v.id if isinstance(v, Row) else v,
)
def test_each_walked_question_needs_its_rationale(row: Row, dropped: str) -> None:
    """Issue 5: "the decision cannot be saved without a rationale per answered question"."""
    rationale = _rationale(row.path)
    del rationale[dropped]
    _result, errors = decision_input_errors(AFWEGINGSKADER, row.answers, rationale, {})
    assert errors == {f"rationale.{dropped}": ["Onderbouw dit antwoord."]}
    _result, errors = decision_input_errors(AFWEGINGSKADER, row.answers, _rationale(row.path), {})
    assert errors == {}


# --- the same table through the API -------------------------------------------------------


@pytest.fixture
def care(world) -> Client:
    token = do_create_api_token(world["care_a"], actor=Actor.system("test"))
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _answered(row: Row) -> dict[str, str]:
    """A rationale for each walked question that is answered: all its parts given, or one
    of them "yes"."""
    given_keys = {k for k, v in row.answers.items() if v is not None}
    return {
        q.key: f"Waarom {q.key}."
        for q in AFWEGINGSKADER.questions
        if q.key in row.path
        and (set(q.answer_keys) <= given_keys or any(row.answers.get(k) for k in q.answer_keys))
    }


def _post(client: Client, case: Case, answers: dict[str, Any], rationale: dict[str, str]) -> Any:
    return client.post(
        f"/api/v1/cases/{case.pk}/decision",
        {**answers, "rationale": rationale},
        content_type="application/json",
    )


def _to_help_step(world, client: Client, *, evaluated: bool = True) -> Case:
    """Decide on help at step 5, then record the help plan and (``evaluated``) an
    evaluation of the help: question 5 comes after both."""
    case = to_decision(world)
    first = evaluate(AFWEGINGSKADER, YES_Q4)
    assert _post(client, case, YES_Q4, _rationale(first.path)).status_code == 200
    plan = {
        "help": "Gezinscoach via het wijkteam",
        "provided_by": "Wijkteam",
        "accepted": True,
        "agreed_with_vt": True,
        "review_on": timezone.localdate() + dt.timedelta(days=42),
    }
    actions.do_add_record(case, "help_plan", plan, actor=Actor(world["care_a"]))
    if evaluated:
        review = {
            "held_on": timezone.localdate(),
            "participants": "IB, moeder, gezinscoach",
            "findings": "Rust in huis.",
            "next_review_on": None,
        }
        actions.do_add_record(case, "review", review, actor=Actor(world["care_a"]))
    case.refresh_from_db()
    assert case.current_step == "help"
    return case


@pytest.mark.django_db
@pytest.mark.parametrize("row", OUTCOMES, ids=lambda r: r.id)
def test_api_outcomes(world, care, row: Row) -> None:
    at_help = "q5" in row.path
    case = _to_help_step(world, care) if at_help else to_decision(world)
    response = _post(care, case, row.answers, _answered(row))
    assert response.status_code == 200, (row.rule, response.json())
    body = response.json()
    assert (body["outcome"], tuple(body["path"]), body["waiting"]) == (
        row.outcome,
        row.path,
        row.waiting,
    ), row.rule
    case.refresh_from_db()
    assert case.current_step == row.next_step and case.outcome == row.outcome, row.rule
    if row.next_step == CLOSED:
        assert body["case"]["state"] == "closed" and body["case"]["current_step"] is None
    else:
        assert body["case"]["current_step"]["key"] == row.next_step
    decision = CaseRecord.objects.filter(case=case, kind="afwegingskader").latest("id")
    assert decision.step == ("help" if at_help else "decide")
    assert decision.data["answers"] == {k: v for k, v in row.answers.items() if v is not None}
    assert set(decision.data["rationale"]) == set(row.path)


@pytest.mark.django_db
@pytest.mark.parametrize("row", MISSING + EXTRA, ids=lambda r: r.id)
def test_api_refuses_missing_and_extra_answers(world, care, row: Row) -> None:
    case = to_decision(world)
    response = _post(care, case, row.answers, _answered(row))
    assert response.status_code == 422, row.rule
    detail = response.json()["detail"]
    if any(k not in AFWEGINGSKADER.answer_keys for k in row.answers):
        assert isinstance(detail, list)  # refused by the schema: not a field of the body
    else:
        assert set(detail) == {*row.missing, *row.extra}, row.rule
        for key in row.missing:
            assert detail[key] == ["Beantwoord deze vraag: de beslisboom heeft het antwoord nodig."]
        for key in row.extra:
            assert detail[key] == [
                "Deze vraag komt niet meer aan de orde: een eerder antwoord bepaalt de uitkomst al."
            ]
    case.refresh_from_db()
    assert case.current_step == "decide" and case.outcome == ""
    assert not CaseRecord.objects.filter(case=case, kind="afwegingskader").exists()


# --- question 5 at the help step: the earlier answers stand ---------------------------------

FIXED = (
    "At the help step the answers of the decision that led there are fixed: left out, they "
    "are filled in; a different one is refused per field ('Deze vraag is al beantwoord in "
    "het besluit van …')."
)
CHANGED = (
    "Deze vraag is al beantwoord in het besluit van {date}; dat antwoord blijft staan. "
    "Beantwoord alleen de vraag die nog open is."
)
STAYS = "Met deze antwoorden blijft het traject in deze stap: Hulp organiseren en effecten volgen."


@dataclass(frozen=True)
class HelpRow:
    id: str
    rule: str
    answers: dict[str, Any]
    rationale: dict[str, str]
    outcome: str = ""  # accepted: the outcome; refused: ""
    refused: tuple[str, ...] = ()  # the fields with an error (changed answers: CHANGED)
    detail: Any = None  # the exact detail, when it is not per changed answer


HELP_ROWS = [
    HelpRow(
        "question 5 alone: help works",
        f"{FIXED} / {API_Q5}",
        {"q5": T},
        {"q5": "Veiligheid hersteld."},
        "close_with_monitoring",
    ),
    HelpRow(
        "question 5 alone: no results, report",
        f"{FIXED} / {API_Q5}",
        {"q5": F},
        {"q5": "Geen verbetering."},
        "report",
    ),
    HelpRow(
        "the earlier answers sent again with question 5",
        FIXED,
        YES_Q4 | {"q5": T},
        _rationale(("q1", "q2", "q3", "q4", "q5")),
        "close_with_monitoring",
    ),
    HelpRow(
        "some earlier answers sent again, others left out",
        FIXED,
        {"q1": T, "q4": T, "q5": T},
        {"q5": "Gaat goed."},
        "close_with_monitoring",
    ),
    HelpRow(
        "question 1 changed",
        FIXED,
        {"q1": F, "q5": T},
        {"q1": "Toch geen vermoeden.", "q5": "Gaat goed."},
        refused=("q1",),
    ),
    HelpRow(
        "question 2 changed to structural unsafety",
        FIXED,
        {"q2_structural": T, "q5": T},
        {"q5": "Gaat goed."},
        refused=("q2_structural",),
    ),
    HelpRow(
        "questions 3 and 4 changed",
        FIXED,
        {"q3": F, "q4": F, "q5": F},
        {"q5": "Geen verbetering."},
        refused=("q3", "q4"),
    ),
    HelpRow(
        "question 5 still open",
        f"{FIXED} / {API_Q4}",
        {},
        {},
        detail=[STAYS],
    ),
    HelpRow(
        "question 5 without a rationale",
        f"{FIXED} / every answered question needs a rationale",
        {"q5": T},
        {},
        detail={"rationale.q5": ["Onderbouw dit antwoord."]},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", HELP_ROWS, ids=lambda r: r.id)
def test_api_question_five_at_the_help_step(world, care, row: HelpRow) -> None:
    case = _to_help_step(world, care)
    first = CaseRecord.objects.get(case=case, kind="afwegingskader")
    response = _post(care, case, row.answers, row.rationale)
    case.refresh_from_db()
    if row.outcome:
        assert response.status_code == 200, (row.rule, response.json())
        assert response.json()["outcome"] == row.outcome, row.rule
        assert case.outcome == row.outcome
        decision = CaseRecord.objects.filter(case=case, kind="afwegingskader").latest("id")
        assert decision.step == "help"
        # the earlier answers and their rationale are part of the new decision
        assert decision.data["answers"] == YES_Q4 | {"q5": row.answers["q5"]}, row.rule
        assert decision.data["rationale"] == first.data["rationale"] | {
            "q5": row.rationale["q5"]
        }, row.rule
        return
    assert response.status_code == 422, row.rule
    detail = response.json()["detail"]
    if row.detail is not None:
        assert detail == row.detail, row.rule
    else:
        date = timezone.localtime(first.created_at).strftime("%d-%m-%Y")
        assert detail == {k: [CHANGED.format(date=date)] for k in row.refused}, row.rule
    assert case.current_step == "help" and case.outcome == "help"
    assert CaseRecord.objects.filter(case=case, kind="afwegingskader").count() == 1


@pytest.mark.django_db
def test_api_question_five_needs_an_evaluation_of_the_help(world, care) -> None:
    """The help step: question 5 is answered once the help has been evaluated (a review
    recorded since the case entered the step)."""
    case = _to_help_step(world, care, evaluated=False)
    response = _post(care, case, {"q5": T}, {"q5": "Gaat goed."})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        "Evalueer de hulp eerst: leg een evaluatie vast voordat u vraag 5 beantwoordt."
    ]
    case.refresh_from_db()
    assert case.current_step == "help"


def test_api_takes_the_rationale_of_the_answered_part_of_question_2(world, care):
    """Rule: "q2_acute or q2_structural true → report"; the part left out needs no
    rationale, and the one answered may carry it under its own key."""
    case = to_decision(world)
    response = _post(
        care,
        case,
        {"q1": True, "q2_acute": True},
        {"q1": "Signalen en gesprek.", "q2_acute": "Vader dreigt vanavond."},
    )
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "report"
