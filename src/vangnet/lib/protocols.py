"""Protocols as data: the shapes of a protocol definition and the small engine that walks
them (no Django imports; see docs/protocols.md for how to write a definition).

A protocol is an ordered list of steps. Each step names the role responsible for it, the
kinds of record that can be added while the case is at that step, the records it needs
before it can be completed, optionally a decision tree whose outcome chooses the next step,
and terms (deadlines) counted from the moment the case entered the step. Record kinds
describe their fields, so forms and the case page are built from the definition; a record
kind can itself need earlier records (a report to Veilig Thuis needs signals) and a field
can schedule a follow-up (a review date becomes a task with a due date). Shortcuts jump to
a step from anywhere (the Meldcode's acute route) and may waive record prerequisites.

:func:`problems` checks a definition for consistency; the app refuses to start with an
inconsistent one. :func:`evaluate` walks a decision tree over a set of answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

CLOSED = "closed"
PHASES = frozenset({"open", "monitoring"})
# Counts of records added since the case (last) entered its current step are kept under
# this prefix beside the plain counts: ``{"review": 3, "+review": 1}``.
FRESH = "+"

# Field kinds a record field can have; the web form maps each to a widget.
FIELD_KINDS = frozenset({"text", "line", "date", "bool", "choice", "int", "choices"})


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"
    required: bool = True
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    # Required only when another field has this value, e.g. ("parents_told", False).
    required_if: tuple[str, object] | None = None
    # A date field that schedules a task: the text is the task's title.
    schedules: str = ""
    # The date may not lie in the future (something that happened).
    past_only: bool = False


@dataclass(frozen=True)
class Requirement:
    """At least ``count`` records of any of the kinds ``any_of``; with ``fresh``, only
    records added since the case (last) entered the step count (a new report after the
    acute route, an evaluation before question 5)."""

    any_of: tuple[str, ...]
    message: str
    count: int = 1
    fresh: bool = False

    def met(self, counts: Mapping[str, int]) -> bool:
        prefix = FRESH if self.fresh else ""
        return sum(counts.get(prefix + kind, 0) for kind in self.any_of) >= self.count


@dataclass(frozen=True)
class Exchange:
    """A record that is itself an exchange with an outside party (a report to Veilig
    Thuis): adding it also records the exchange in the register of exchanges."""

    direction: str  # "sent" or "received"
    partner_kind: str  # the kind of partner on the social map
    date_field: str  # the record's date field that is the exchange's date
    what: str
    purpose: str


@dataclass(frozen=True)
class RecordKind:
    key: str
    label: str
    fields: tuple[Field, ...]
    help: str = ""
    # Records that must exist in the case before this kind can be added.
    needs: tuple[Requirement, ...] = ()
    # The field shown as the record's one-line summary in the case history.
    summary: str = ""
    exchange: Exchange | None = None

    def field(self, name: str) -> Field:
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(name)


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    yes: str  # the next question's key or an outcome's key
    no: str
    help: str = ""
    # A question answered in several parts (any "yes" counts as yes); empty: one answer
    # under the question's own key.
    parts: tuple[tuple[str, str], ...] = ()
    # While this question is not answered yet, the tree's outcome is this one.
    wait_outcome: str = ""
    # Gone through together with this partner (recorded with the answer).
    with_partner: str = ""

    @property
    def answer_keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.parts) or (self.key,)


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str
    next_step: str  # a step key or CLOSED
    help: str = ""


@dataclass(frozen=True)
class DecisionTree:
    key: str
    title: str
    start: str
    questions: tuple[Question, ...]
    outcomes: tuple[Outcome, ...]

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    def outcome(self, key: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.key == key), None)

    @property
    def answer_keys(self) -> tuple[str, ...]:
        return tuple(k for q in self.questions for k in q.answer_keys)


@dataclass(frozen=True)
class Term:
    """A deadline counted from the moment the case entered the step."""

    key: str
    label: str
    days: int
    # Who is reminded when it passes: the case's owners, and these roles of the school.
    escalate_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    role: str
    help: str = ""
    records: tuple[str, ...] = ()
    requires: tuple[Requirement, ...] = ()
    decision: str = ""  # a decision tree: its outcome chooses the next step
    next: str = ""  # without a decision: the following step or CLOSED
    terms: tuple[Term, ...] = ()
    shows_history: bool = False  # the pupil's dossier is shown beside the forms
    phase: str = "open"  # "open" or "monitoring": what the case's state reads as


@dataclass(frozen=True)
class Shortcut:
    key: str
    label: str
    target: str
    help: str = ""
    waives_needs: bool = False  # records added after the jump skip their `needs`


@dataclass(frozen=True)
class Protocol:
    key: str
    version: int
    title: str
    steps: tuple[Step, ...]
    record_kinds: tuple[RecordKind, ...]
    trees: tuple[DecisionTree, ...] = ()
    shortcuts: tuple[Shortcut, ...] = ()
    summary: str = ""
    # Roles that may start a case with this protocol.
    starters: tuple[str, ...] = ()
    # The sectors (school.sector codes) whose pupils or students it is for; empty: all.
    sectors: tuple[str, ...] = ()

    def applies_to(self, sector: str) -> bool:
        return not self.sectors or sector in self.sectors

    def step(self, key: str) -> Step:
        for item in self.steps:
            if item.key == key:
                return item
        raise KeyError(key)

    def record_kind(self, key: str) -> RecordKind:
        for item in self.record_kinds:
            if item.key == key:
                return item
        raise KeyError(key)

    def tree(self, key: str) -> DecisionTree:
        for item in self.trees:
            if item.key == key:
                return item
        raise KeyError(key)

    def shortcut(self, key: str) -> Shortcut:
        for item in self.shortcuts:
            if item.key == key:
                return item
        raise KeyError(key)

    @property
    def first_step(self) -> Step:
        return self.steps[0]

    def position(self, step_key: str) -> int:
        return [s.key for s in self.steps].index(step_key) + 1


# --- consistency ----------------------------------------------------------------------------


def problems(protocol: Protocol, roles: Iterable[str] | None = None) -> list[str]:
    """Everything inconsistent in a definition, as sentences naming the part; empty when the
    definition can be run. With ``roles``, every role the definition names must be one."""
    found: list[str] = []
    name = f"{protocol.key} v{protocol.version}"
    steps = [s.key for s in protocol.steps]
    trees = {t.key: t for t in protocol.trees}
    # A decision tree's answers are kept as records of the tree's key.
    kinds = {k.key for k in protocol.record_kinds} | set(trees)
    if not steps:
        return [f"{name}: has no steps"]
    for duplicate in _duplicates(steps):
        found.append(f"{name}: step {duplicate!r} is defined twice")
    for duplicate in _duplicates(k.key for k in protocol.record_kinds):
        found.append(f"{name}: record kind {duplicate!r} is defined twice")
    targets = {*steps, CLOSED}
    for kind in protocol.record_kinds:
        field_names = [f.name for f in kind.fields]
        for duplicate in _duplicates(field_names):
            found.append(f"{name}: record kind {kind.key!r} has field {duplicate!r} twice")
        for f in kind.fields:
            if f.kind not in FIELD_KINDS:
                found.append(f"{name}: field {kind.key}.{f.name} has unknown kind {f.kind!r}")
            if f.kind in ("choice", "choices") and not f.choices:
                found.append(f"{name}: field {kind.key}.{f.name} has no choices")
            if f.required_if and f.required_if[0] not in field_names:
                found.append(
                    f"{name}: field {kind.key}.{f.name} depends on unknown field "
                    f"{f.required_if[0]!r}"
                )
            if f.schedules and f.kind != "date":
                found.append(f"{name}: field {kind.key}.{f.name} schedules but is not a date")
        if kind.summary and kind.summary not in field_names:
            found.append(f"{name}: record kind {kind.key!r} summarises unknown field")
        if kind.exchange and kind.exchange.date_field not in field_names:
            found.append(f"{name}: record kind {kind.key!r} dates its exchange by unknown field")
        for requirement in kind.needs:
            found.extend(_unknown_kinds(name, f"record kind {kind.key!r}", requirement, kinds))
    offered = {k for s in protocol.steps for k in (*s.records, s.decision) if k}
    known_roles = set(roles) if roles is not None else None
    if known_roles is not None:
        named = {
            *protocol.starters,
            *(s.role for s in protocol.steps),
            *(r for s in protocol.steps for t in s.terms for r in t.escalate_to),
        }
        for role in sorted(named - known_roles):
            found.append(f"{name}: names unknown role {role!r}")
    for duplicate in _duplicates(s.key for s in protocol.shortcuts):
        found.append(f"{name}: shortcut {duplicate!r} is defined twice")
    offered_so_far: set[str] = set()
    for step in protocol.steps:
        where = f"step {step.key!r}"
        offered_so_far |= {k for k in (*step.records, step.decision) if k}
        if step.phase not in PHASES:
            found.append(f"{name}: {where} has unknown phase {step.phase!r}")
        for kind_key in step.records:
            if kind_key not in kinds:
                found.append(f"{name}: {where} offers unknown record kind {kind_key!r}")
        for requirement in step.requires:
            found.extend(_unknown_kinds(name, where, requirement, kinds))
            if not any(k in offered for k in requirement.any_of):
                found.append(f"{name}: {where} requires records no step offers")
            elif not any(k in offered_so_far for k in requirement.any_of):
                found.append(f"{name}: {where} requires records only later steps offer")
        if step.decision:
            if step.decision not in trees:
                found.append(f"{name}: {where} uses unknown decision tree {step.decision!r}")
            if step.next:
                found.append(f"{name}: {where} has both a decision and a next step")
        elif not step.next:
            found.append(f"{name}: {where} leads nowhere (no next step and no decision)")
        elif step.next not in targets:
            found.append(f"{name}: {where} leads to unknown step {step.next!r}")
        for duplicate in _duplicates(t.key for t in step.terms):
            found.append(f"{name}: {where} has term {duplicate!r} twice")
    for tree in protocol.trees:
        found.extend(_tree_problems(name, tree, targets))
    for shortcut in protocol.shortcuts:
        if shortcut.target not in steps:
            found.append(f"{name}: shortcut {shortcut.key!r} leads to unknown step")
    found.extend(_path_problems(name, protocol, trees, targets))
    return found


def _path_problems(
    name: str, protocol: Protocol, trees: dict[str, DecisionTree], targets: set[str]
) -> list[str]:
    """Walk the steps from the first one: every step must be reachable, and from every step
    some path must end the case."""
    shortcuts = {s.target for s in protocol.shortcuts}
    edges: dict[str, set[str]] = {}
    broken: set[str] = set()  # steps whose own way on is already reported as faulty
    for step in protocol.steps:
        tree = trees.get(step.decision)
        following = {o.next_step for o in tree.outcomes} if tree else {step.next}
        if following - targets or (step.decision and tree is None):
            broken.add(step.key)
        edges[step.key] = {t for t in following | shortcuts if t in targets}

    def walk(start: str) -> set[str]:
        seen, todo = {start}, [start]
        while todo:
            for target in edges.get(todo.pop(), set()):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

    found: list[str] = []
    reachable = walk(protocol.steps[0].key)
    for step in protocol.steps:
        if step.key not in reachable:
            found.append(f"{name}: step {step.key!r} cannot be reached")
        elif CLOSED not in (onward := walk(step.key)) and not onward & broken:
            found.append(f"{name}: from step {step.key!r} no path ends the case")
    if CLOSED not in reachable and not reachable & broken:
        found.append(f"{name}: no path ends the case")
    return found


def _duplicates(keys: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    twice: list[str] = []
    for key in keys:
        if key in seen and key not in twice:
            twice.append(key)
        seen.add(key)
    return twice


def _unknown_kinds(name: str, where: str, requirement: Requirement, kinds: set[str]) -> list[str]:
    return [
        f"{name}: {where} requires unknown record kind {k!r}"
        for k in requirement.any_of
        if k not in kinds
    ]


def _tree_problems(name: str, tree: DecisionTree, targets: set[str]) -> list[str]:
    found: list[str] = []
    where = f"decision tree {tree.key!r}"
    questions = {q.key for q in tree.questions}
    outcomes = {o.key for o in tree.outcomes}
    for duplicate in _duplicates([*questions, *outcomes]):
        found.append(f"{name}: {where} uses the key {duplicate!r} twice")
    for duplicate in _duplicates(tree.answer_keys):
        found.append(f"{name}: {where} asks for answer {duplicate!r} twice")
    if tree.start not in questions:
        found.append(f"{name}: {where} starts at unknown question {tree.start!r}")
    for question in tree.questions:
        for branch in (question.yes, question.no):
            if branch not in questions and branch not in outcomes:
                found.append(
                    f"{name}: {where} question {question.key!r} branches to nowhere ({branch!r})"
                )
        if question.wait_outcome and question.wait_outcome not in outcomes:
            found.append(f"{name}: {where} question {question.key!r} waits on unknown outcome")
    for outcome in tree.outcomes:
        if outcome.next_step not in targets:
            found.append(f"{name}: {where} outcome {outcome.key!r} leads to unknown step")
    # every question reachable from the start, no cycles
    seen: set[str] = set()
    used_outcomes: set[str] = set()

    def walk(key: str, path: tuple[str, ...]) -> None:
        if key in path:
            found.append(f"{name}: {where} loops back to question {key!r}")
            return
        question = tree.question(key)
        if question is None:
            if key in outcomes:
                used_outcomes.add(key)
            return
        seen.add(key)
        if question.wait_outcome:
            used_outcomes.add(question.wait_outcome)
        walk(question.yes, (*path, key))
        walk(question.no, (*path, key))

    if tree.start in questions:
        walk(tree.start, ())
    for key in questions - seen:
        found.append(f"{name}: {where} question {key!r} cannot be reached")
    for key in outcomes - used_outcomes:
        found.append(f"{name}: {where} outcome {key!r} cannot be reached")
    return found


# --- decision trees -------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """The walk of a tree over a set of answers.

    ``outcome`` is empty when the tree still needs answers (``missing``); ``extra`` lists
    answers given after the tree had ended. Both must be empty for the answers to be kept.
    """

    outcome: str = ""
    path: tuple[str, ...] = ()  # the questions visited, in order
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    waiting: bool = False  # the outcome holds until a later question is answered

    @property
    def complete(self) -> bool:
        return bool(self.outcome) and not self.missing and not self.extra


def evaluate(tree: DecisionTree, answers: Mapping[str, bool | None]) -> Evaluation:
    given = {k for k, v in answers.items() if v is not None}
    key = tree.start
    path: list[str] = []
    used: set[str] = set()
    while True:
        question = tree.question(key)
        if question is None:
            outcome, waiting = key, False
            break
        keys = question.answer_keys
        answered = [k for k in keys if k in given]
        if not answered and question.wait_outcome:
            outcome, waiting = question.wait_outcome, True
            break
        path.append(question.key)
        # one "yes" answers a question in parts; "no" needs every part
        yes = any(answers[k] for k in answered)
        if not yes and len(answered) < len(keys):
            missing = tuple(k for k in keys if k not in given)
            return Evaluation(path=tuple(path), missing=missing)
        used.update(keys)
        key = question.yes if yes else question.no
    extra = tuple(k for k in tree.answer_keys if k in given and k not in used)
    extra += tuple(sorted(k for k in given if k not in tree.answer_keys))
    return Evaluation(outcome=outcome, path=tuple(path), extra=extra, waiting=waiting)


# --- steps, records and terms ------------------------------------------------------------


def unmet(step: Step, counts: Mapping[str, int]) -> list[str]:
    """The messages of the step's requirements that the case's records do not meet yet."""
    return [r.message for r in step.requires if not r.met(counts)]


def blocked(kind: RecordKind, counts: Mapping[str, int], *, waived: bool = False) -> list[str]:
    """Why a record of this kind cannot be added yet (empty: it can)."""
    if waived:
        return []
    return [r.message for r in kind.needs if not r.met(counts)]


OLDEST_DAYS = 20 * 366  # a date further away than 20 years is a typing error


def field_errors(kind: RecordKind, data: Mapping[str, object], today: dt.date) -> dict[str, str]:
    """Problems with a record's values as codes per field (the app turns codes into Dutch
    messages): ``required``, ``range``, ``choice``, ``future``, ``too_old``, ``too_far``."""
    errors: dict[str, str] = {}
    for f in kind.fields:
        value = data.get(f.name)
        needed = f.required
        if f.required_if is not None:
            other, wanted = f.required_if
            needed = data.get(other) == wanted
        if _empty(value, f):
            if needed:
                errors[f.name] = "required"
            continue
        if f.kind == "int" and isinstance(value, int):
            if (f.min_value is not None and value < f.min_value) or (
                f.max_value is not None and value > f.max_value
            ):
                errors[f.name] = "range"
        elif f.kind == "choice" and value not in {k for k, _ in f.choices}:
            errors[f.name] = "choice"
        elif f.kind == "choices" and isinstance(value, list | tuple):
            if not set(value) <= {k for k, _ in f.choices}:
                errors[f.name] = "choice"
        elif f.kind == "date" and isinstance(value, dt.date):
            if f.past_only and value > today:
                errors[f.name] = "future"
            elif value < today - dt.timedelta(days=OLDEST_DAYS):
                errors[f.name] = "too_old"
            elif value > today + dt.timedelta(days=OLDEST_DAYS):
                errors[f.name] = "too_far"
    return errors


def _empty(value: object, f: Field) -> bool:
    if f.kind == "bool":
        return value is None
    return value is None or value == "" or value == [] or value == ()


def term_due(entered_on: dt.date, term: Term) -> dt.date:
    """The last day of a step's term."""
    return entered_on + dt.timedelta(days=term.days)
