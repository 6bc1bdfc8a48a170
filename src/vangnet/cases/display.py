"""How a case is shown: its records with their values in words, its decisions as the
questions answered, the steps it went through and where it stands. Built from the
protocol definition; no queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vangnet.cases.models import Case, CaseRecord, CaseStep
from vangnet.lib import protocols as engine
from vangnet.lib.protocols import DecisionTree, Protocol


def step_title(definition: Protocol, key: str) -> str:
    if key == engine.CLOSED:
        return _("Afgesloten")
    return str(definition.step(key).title)


def value_text(spec: engine.Field, value: Any) -> str:
    """A stored value as the case page shows it; empty when there is nothing to show."""
    if value is None or value == "" or value == []:
        return ""
    if spec.kind == "bool":
        return _("Ja") if value else _("Nee")
    if spec.kind == "date":
        try:
            return date_format(dt.date.fromisoformat(str(value)), "j F Y")
        except ValueError:
            return str(value)
    labels = {k: str(v) for k, v in spec.choices}
    if spec.kind == "choice":
        return labels.get(str(value), str(value))
    if spec.kind == "choices" and isinstance(value, list):
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    return str(value)


@dataclass
class Shown:
    """One record in the case's history."""

    item: CaseRecord
    label: str
    values: list[tuple[str, str, bool]] = field(default_factory=list)  # label, value, long
    decision: dict[str, Any] | None = None
    # a record is never changed: a correction is a new record of the same kind that points
    # to the one it corrects; both stay in the history
    correction: CaseRecord | None = None  # the record that corrected this one
    original: CaseRecord | None = None  # the record this one corrects
    known: bool = False  # a record kind the definition knows (decisions: no)

    @property
    def correctable(self) -> bool:
        """Whether the page may offer to correct it (the caller checks who and when)."""
        return self.known and self.correction is None


def yes_no(value: object) -> str:
    return _("Ja") if value else _("Nee")


def decision_view(tree: DecisionTree, data: dict[str, Any]) -> dict[str, Any]:
    """A kept decision: the questions answered, with answer, rationale and partner mark."""
    answers = data.get("answers", {})
    rationale = data.get("rationale", {})
    partner = data.get("with_partner", {})
    rows = []
    for number, question in enumerate(tree.questions, 1):
        keys = question.answer_keys
        if not any(answers.get(k) is not None for k in keys):
            continue
        if question.parts:
            parts = [
                (str(label), yes_no(answers[k])) for k, label in question.parts if k in answers
            ]
        else:
            parts = [("", yes_no(answers[question.key]))] if question.key in answers else []
        rows.append(
            {
                "number": number,
                "text": question.text,
                "parts": parts,
                "rationale": rationale.get(question.key, ""),
                "partner": question.with_partner,
                "discussed": partner.get(question.key),
            }
        )
    return {
        "rows": rows,
        "outcome": tree.outcome(str(data.get("outcome", ""))),
        "waiting": bool(data.get("waiting")),
    }


def shown(definition: Protocol, item: CaseRecord) -> Shown:
    trees = {t.key: t for t in definition.trees}
    if item.kind in trees:
        tree = trees[item.kind]
        return Shown(item, str(tree.title), decision=decision_view(tree, item.data))
    try:
        kind = definition.record_kind(item.kind)
    except KeyError:
        return Shown(item, item.kind)
    values = []
    for spec in kind.fields:
        text = value_text(spec, item.data.get(spec.name))
        if text:
            values.append((str(spec.label), text, spec.kind == "text"))
    return Shown(item, str(kind.label), values=values, known=True)


def via_label(definition: Protocol, visit: CaseStep) -> str:
    if visit.via == "start":
        return _("Traject gestart")
    if visit.via == "next":
        return _("Vorige stap afgerond")
    if visit.via.startswith("measure:"):  # a proposed measure moved the ladder up
        from vangnet.measures.models import Measure

        kind = visit.via.removeprefix("measure:")
        label = Measure.Kind(kind).label if kind in Measure.Kind.values else kind
        return _("Maatregel voorgesteld: %(kind)s") % {"kind": label}
    for shortcut in definition.shortcuts:
        if shortcut.key == visit.via:
            return str(shortcut.label)
    for tree in definition.trees:
        outcome = tree.outcome(visit.via)
        if outcome is not None:
            return _("Besluit: %(outcome)s") % {"outcome": outcome.label}
    return visit.via


def history(
    definition: Protocol, visits: list[CaseStep], records: list[CaseRecord]
) -> list[dict[str, Any]]:
    """The steps the case went through, newest first, each with its records (newest
    first). A record belongs to the latest visit of its step that began before it."""
    groups: list[dict[str, Any]] = [
        {
            "visit": visit,
            "title": step_title(definition, visit.step),
            "via": via_label(definition, visit),
            "records": [],
        }
        for visit in visits
    ]
    by_pk = {item.pk: item for item in records}
    corrected_by = {item.corrects_id: item for item in records if item.corrects_id}
    for item in records:
        target = None
        for group in groups:
            visit = group["visit"]
            if visit.step == item.step and visit.entered_at <= item.created_at:
                target = group
        if target is None:
            target = next((g for g in groups if g["visit"].step == item.step), None)
        if target is None:
            # Records are added at the step the case is at, so this should not happen; if
            # it ever does (data repaired by hand), the record is still shown, under the
            # latest step, rather than left out of the history.
            target = max(groups, key=lambda g: g["visit"].entered_at, default=None)
        if target is None:  # no step recorded at all: show the record under its own step
            visit = CaseStep(
                case_id=item.case_id,
                step=item.step,
                entered_at=item.created_at,
                entered_by=item.created_by,
            )
            target = {
                "visit": visit,
                "title": step_title(definition, item.step),
                "via": "",
                "records": [],
            }
            groups.append(target)
        row = shown(definition, item)
        row.correction = corrected_by.get(item.pk)
        row.original = by_pk.get(item.corrects_id) if item.corrects_id else None
        target["records"].append(row)
    for group in groups:
        group["records"].reverse()
    groups.reverse()
    return groups


def progress(definition: Protocol, case: Case, visited: set[str]) -> list[dict[str, Any]]:
    now_at = len(definition.steps) + 1 if case.is_closed else definition.position(case.current_step)
    rows = []
    for number, step in enumerate(definition.steps, 1):
        if step.key == case.current_step:
            status, label = "current", _("nu")
        elif step.key in visited:
            status, label = "done", _("gedaan")
        elif case.is_closed or number < now_at:
            status, label = "skipped", _("niet doorlopen")
        else:
            status, label = "later", _("nog niet")
        rows.append({"number": number, "step": step, "status": status, "label": label})
    return rows
