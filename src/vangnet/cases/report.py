"""The Meldcode report of one case: pre-filled from the case, written by its owner, kept
without names (docs/domain.md, module 3).

"For every significant Meldcode case a short report is made (date, contact person,
subject, description, public unrest, non-professionals involved, activities, report made?,
those involved informed?, external consultation, bottlenecks, remarks) and once a year all
are bundled for the board." The bundle lives in :mod:`vangnet.cases.bundle`.

Names. A report never names the pupil: the case reference (``ZT-00012``) stands in.
Before a report is saved, and again before it is exported, :class:`Names` turns every
known full name into initials (every pupil and guardian of the board, the staff of the
school and the board), and the pupil's own first and last name also where they stand
alone. Single names are matched with their capital letter, so the word "roos" stays while
the name "Roos" goes. The contact person keeps their staff name: the board needs to know
whom to ask.

Written in the site's first language (Dutch), like the dossier export: a report is a
document for the board, not a user's page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vangnet.cases.actions import about_case
from vangnet.cases.models import Case, CaseMember, CaseRecord, MeldcodeReport
from vangnet.concerns.export import Item, Redactor, _contact, _date
from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.models import EventType
from vangnet.core.submissions import ConflictError
from vangnet.lib import statements as rules
from vangnet.lib.dates import school_year_of
from vangnet.organisations.models import Guardian, Pupil, RoleAssignment

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.organisations.models import Board

MELDCODE = "meldcode"

# The free-text fields, in the order of the form and the exports.
TEXT_FIELDS = (
    "subject",
    "description",
    "non_professionals",
    "activities",
    "informed",
    "external_consultation",
    "bottlenecks",
    "remarks",
)
FIELDS = ("report_date", "contact_person", *TEXT_FIELDS, "public_unrest", "reported")
REQUIRED = ("contact_person", "subject", "description", "activities")
MAX_LENGTH = {"contact_person": 200, "subject": 300}


# --- names --------------------------------------------------------------------------------


def _parts(pupil: Pupil) -> list[str]:
    """The pupil's names that may stand alone in a text, longest first."""
    surname = " ".join(p for p in (pupil.name_prefix, pupil.last_name) if p)
    found = {n.strip() for n in (surname, pupil.last_name, pupil.first_name) if n}
    return sorted((n for n in found if len(n) >= 2), key=len, reverse=True)


def _pattern(part: str) -> str:
    """A name standing alone, with its capital letter (see the module's docstring)."""
    return r"(?<!\w)" + r"\s+".join(re.escape(w) for w in part.split()) + r"(?!\w)"


class Names:
    """Known names of a board, to be hidden in reports (see the module's docstring)."""

    def __init__(self, board: Board, school_ids: Iterable[int]):
        school_ids = set(school_ids)
        pupils = Pupil.objects.filter(school__board=board).values_list(
            "first_name", "name_prefix", "last_name"
        )
        people = [" ".join(p for p in parts if p) for parts in pupils]
        people += list(Guardian.objects.filter(board=board).values_list("name", flat=True))
        staff = RoleAssignment.objects.filter(
            Q(school_id__in=school_ids) | Q(board=board, school__isnull=True)
        ).values_list("user__full_name", flat=True)
        self.people = Redactor(people, [], {})
        self.staff = Redactor([s for s in staff if s], [], {})

    def hide(self, text: str, pupil: Pupil, *, keep_staff: bool = False) -> str:
        if not text:
            return text
        text = self.people(text)
        if not keep_staff:
            text = self.staff(text)
        for part in _parts(pupil):
            text = re.sub(_pattern(part), rules.initials(part), text)
        return text

    def found(self, text: str, pupil: Pupil, *, keep_staff: bool = False) -> list[str]:
        """The names :meth:`hide` would replace in ``text``."""
        known = self.people.known + ([] if keep_staff else self.staff.known)
        lowered = text.casefold()
        candidates = [n for n in known if n.split()[-1].casefold() in lowered]
        names = rules.names_in(text, candidates)
        rest = rules.replace_names(text, names)
        for part in _parts(pupil):
            if re.search(_pattern(part), rest):
                names.append(part)
                rest = re.sub(_pattern(part), "", rest)
        return sorted(set(names))

    def hide_report(self, values: dict[str, Any], pupil: Pupil) -> dict[str, Any]:
        hidden = dict(values)
        for name in TEXT_FIELDS:
            hidden[name] = self.hide(str(values.get(name) or ""), pupil)
        hidden["contact_person"] = self.hide(
            str(values.get("contact_person") or ""), pupil, keep_staff=True
        )
        return hidden

    def found_in_report(self, values: dict[str, Any], pupil: Pupil) -> list[str]:
        found = {n for f in TEXT_FIELDS for n in self.found(str(values.get(f) or ""), pupil)}
        found |= set(self.found(str(values.get("contact_person") or ""), pupil, keep_staff=True))
        return sorted(found)


def names_for(case: Case) -> Names:
    return Names(case.school.board, {case.school_id})


# --- pre-filling --------------------------------------------------------------------------


def _day(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _on(value: object) -> str:
    day = _day(value)
    return _date(day) if day else "?"


def _local(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


@dataclass
class _Facts:
    """What a case recorded, read once."""

    case: Case
    records: dict[str, list[CaseRecord]] = field(default_factory=dict)

    def of(self, kind: str) -> list[CaseRecord]:
        return self.records.get(kind, [])


def _facts(case: Case) -> _Facts:
    facts = _Facts(case)
    for item in case.records.filter(corrections__isnull=True).order_by("created_at", "id"):
        facts.records.setdefault(item.kind, []).append(item)
    return facts


def _decisions(facts: _Facts) -> list[CaseRecord]:
    trees = {t.key for t in facts.case.definition.trees}
    found = [r for kind in trees for r in facts.of(kind)]
    return sorted(found, key=lambda r: (r.created_at, r.pk))


def _outcome_label(case: Case, key: str) -> str:
    for tree in case.definition.trees:
        outcome = tree.outcome(key)
        if outcome is not None:
            return str(outcome.label)
    return key


def _contact_person(case: Case) -> str:
    owner = (
        case.members.filter(kind=CaseMember.Kind.OWNER)
        .select_related("user")
        .order_by("added_at", "id")
        .first()
    )
    return _contact(owner.user, case.pupil) if owner else ""


def _activities(facts: _Facts) -> str:
    case = facts.case
    definition = case.definition
    lines = [_("Doorlopen stappen:")]
    shortcuts = {s.key for s in definition.shortcuts}
    for step in case.steps.all():
        try:
            title = str(definition.step(step.step).title)
        except KeyError:
            continue
        start = _date(_local(step.entered_at))
        when = (
            f"{start} – {_date(_local(step.completed_at))}"
            if step.completed_at
            else _("sinds %(date)s") % {"date": start}
        )
        via = _(" (acute route)") if step.via in shortcuts else ""
        lines.append(f"- {title} ({when}){via}")
    lines.append(_("Vastleggingen:"))
    lines.append(_("- Signalen vastgelegd: %(n)d") % {"n": len(facts.of("observation"))})
    for item in facts.of("kindcheck"):
        answer = {"yes": _("ja"), "no": _("nee")}.get(
            item.data.get("other_children"), _("onbekend")
        )
        lines.append(
            _("- Kindcheck: andere kinderen in het gezin: %(answer)s") % {"answer": answer}
        )
    consultations = facts.of("consultation")
    advice = [c for c in consultations if c.data.get("with_whom") == "veilig_thuis"]
    lines.append(
        _("- Overleg: %(n)d keer, waarvan %(vt)d keer advies van Veilig Thuis")
        % {"n": len(consultations), "vt": len(advice)}
    )
    kind = definition.record_kind("consultation").field("with_whom")
    whom = {k: str(v) for k, v in kind.choices}
    for c in consultations:
        anonymous = _(", zonder de naam van het kind") if c.data.get("anonymous") else ""
        lines.append(
            _("  - %(date)s: %(whom)s%(anonymous)s")
            % {
                "date": _on(c.data.get("held_on")),
                "whom": whom.get(c.data.get("with_whom", ""), "?"),
                "anonymous": anonymous,
            }
        )
    for c in facts.of("conversation"):
        lines.append(
            _("- Gesprek met ouders en/of kind op %(date)s") % {"date": _on(c.data.get("held_on"))}
        )
    for c in facts.of("conversation_skipped"):
        lines.append(
            _(
                "- Gesprek met ouders en/of kind overgeslagen (vastgelegd op %(date)s): het "
                "zou iemand in gevaar brengen"
            )
            % {"date": _date(_local(c.created_at))}
        )
    if not facts.of("conversation") and not facts.of("conversation_skipped"):
        lines.append(_("- Gesprek met ouders en/of kind: (nog) niet gevoerd"))
    for w in facts.of("weighing"):
        lines.append(
            _("- Weging met het Balansmodel op %(date)s (contextscore %(score)s)")
            % {"date": _date(_local(w.created_at)), "score": w.data.get("context_score", "?")}
        )
    for d in _decisions(facts):
        lines.append(
            _("- Besluit met het afwegingskader op %(date)s: %(outcome)s")
            % {
                "date": _date(_local(d.created_at)),
                "outcome": _outcome_label(case, str(d.data.get("outcome", ""))),
            }
        )
    for r in facts.of("vt_report"):
        lines.append(
            _("- Melding bij Veilig Thuis op %(date)s") % {"date": _on(r.data.get("reported_on"))}
        )
    for r in facts.of("vt_feedback"):
        lines.append(
            _("- Terugkoppeling van Veilig Thuis op %(date)s")
            % {"date": _on(r.data.get("received_on"))}
        )
    for h in facts.of("help_plan"):
        lines.append(
            _("- Hulp georganiseerd (vastgelegd op %(date)s)")
            % {"date": _date(_local(h.created_at))}
        )
    for r in facts.of("review"):
        lines.append(_("- Evaluatie op %(date)s") % {"date": _on(r.data.get("held_on"))})
    if case.closed_at:
        lines.append(
            _("- Traject afgesloten op %(date)s") % {"date": _date(_local(case.closed_at))}
        )
    return "\n".join(lines)


def _informed(facts: _Facts) -> str:
    lines = []
    for r in facts.of("vt_report"):
        if r.data.get("parents_told"):
            lines.append(
                _("De ouders zijn vooraf ingelicht over de melding bij Veilig Thuis (%(date)s).")
                % {"date": _on(r.data.get("reported_on"))}
            )
        else:
            # the reason stays in the case: it may name people or a threat
            lines.append(
                _(
                    "De ouders zijn niet vooraf ingelicht over de melding bij Veilig Thuis; "
                    "de reden staat in het traject."
                )
            )
    for c in facts.of("conversation"):
        lines.append(
            _("Gesprek met ouders en/of kind op %(date)s (aanwezig: %(who)s).")
            % {"date": _on(c.data.get("held_on")), "who": c.data.get("participants") or "?"}
        )
    if facts.of("conversation_skipped"):
        lines.append(
            _("Er is geen gesprek met ouders en/of kind gevoerd: dat zou iemand in gevaar brengen.")
        )
    for c in facts.of("closing"):
        lines.append(
            _("Over de afsluiting ingelicht: %(who)s") % {"who": c.data.get("informed") or "?"}
        )
    return "\n".join(lines)


def _external(facts: _Facts) -> str:
    return "\n".join(
        f"{_on(c.data.get('held_on'))} – {c.data.get('name') or '?'}"
        for c in facts.of("consultation")
        if c.data.get("with_whom") in ("professional", "veilig_thuis")
    )


def prefill(case: Case, names: Names | None = None) -> dict[str, Any]:
    """The report's fields as the case tells them, names hidden; the description is left
    for the writer."""
    with translation.override(settings.LANGUAGE_CODE):
        facts = _facts(case)
        decisions = _decisions(facts)
        outcome = (
            _outcome_label(case, case.outcome) if case.outcome else _("nog geen besluit genomen")
        )
        values: dict[str, Any] = {
            "report_date": _local(decisions[-1].created_at) if decisions else timezone.localdate(),
            "contact_person": _contact_person(case),
            "subject": f"{case.definition.title} – {outcome}",
            "description": "",
            "public_unrest": False,
            "non_professionals": "",
            "activities": _activities(facts),
            "reported": bool(facts.of("vt_report")),
            "informed": _informed(facts),
            "external_consultation": _external(facts),
            "bottlenecks": "",
            "remarks": "",
        }
    return (names or names_for(case)).hide_report(values, case.pupil)


# --- saving -------------------------------------------------------------------------------


def saved_report(case: Case) -> MeldcodeReport | None:
    """The case's report (the caller checked access to the case)."""
    return MeldcodeReport.objects.filter(case=case).select_related("written_by").first()


def values_of(report: MeldcodeReport) -> dict[str, Any]:
    return {name: getattr(report, name) for name in FIELDS}


def report_errors(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    day = values.get("report_date")
    if not isinstance(day, dt.date):
        errors["report_date"] = _("Vul de datum in.")
    elif day > timezone.localdate():
        errors["report_date"] = _("Deze datum ligt in de toekomst.")
    for name in REQUIRED:
        if not str(values.get(name) or "").strip():
            errors[name] = _("Dit veld is verplicht.")
    for name, limit in MAX_LENGTH.items():
        if len(str(values.get(name) or "")) > limit:
            errors[name] = _("Gebruik hoogstens %(n)d tekens.") % {"n": limit}
    return errors


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise ValueError("a report is written by a person")
    return actor.user


def do_save_report(
    case: Case, data: dict[str, Any], *, actor: Actor, version: int = 0
) -> MeldcodeReport:
    """Create the case's report (``version`` 0) or update it from the version the writer
    read; a stale version raises :class:`ConflictError`. Names are hidden first."""
    user = _user(actor)
    if case.protocol != MELDCODE:
        raise ValidationError(_("Een meldcodeverslag hoort bij een meldcodetraject."))
    if not access.can_work_on_case(user, case):
        raise PermissionDenied
    values = {name: data.get(name) for name in FIELDS}
    for name in (*TEXT_FIELDS, "contact_person"):
        values[name] = str(values[name] or "").strip()
    values["public_unrest"] = bool(values["public_unrest"])
    values["reported"] = bool(values["reported"])
    values = names_for(case).hide_report(values, case.pupil)
    errors = report_errors(values)
    if errors:
        raise ValidationError(errors)
    values["school_year"] = school_year_of(values["report_date"])
    now = timezone.now()
    with transaction.atomic():
        existing = MeldcodeReport.objects.filter(case=case).first()
        if existing is None:
            if version:
                raise ConflictError  # the report the writer edited is gone
            try:
                with transaction.atomic():
                    report = MeldcodeReport.objects.create(
                        case=case, written_by=user, updated_at=now, **values
                    )
            except IntegrityError:
                raise ConflictError from None  # written at the same moment by someone else
            created = True
        else:
            updated = MeldcodeReport.objects.filter(pk=existing.pk, version=version).update(
                version=F("version") + 1, written_by=user, updated_at=now, **values
            )
            if updated != 1:
                raise ConflictError
            report = MeldcodeReport.objects.get(pk=existing.pk)
            created = False
        record(
            actor,
            EventType.CASE_REPORT_SAVED,
            **about_case(case),
            data={
                "report": report.pk,
                "version": report.version,
                "created": created,
                "school_year": report.school_year,
            },
        )
    return report


# --- the report as a document -------------------------------------------------------------


@dataclass
class ReportOut:
    """One report ready for a PDF or Word file: no names, the reference stands in."""

    reference: str
    school: str
    city: str
    school_year: str
    date: str
    status: str
    contact: str
    items: list[Item]


def labels() -> dict[str, str]:
    return {
        "report_date": _("Datum"),
        "contact_person": _("Contactpersoon"),
        "subject": _("Onderwerp"),
        "description": _("Omschrijving"),
        "public_unrest": _("Maatschappelijke onrust"),
        "non_professionals": _("Betrokken niet-professionals"),
        "activities": _("Ondernomen activiteiten"),
        "reported": _("Melding gedaan bij Veilig Thuis"),
        "informed": _("Wie zijn ingelicht"),
        "external_consultation": _("Extern overleg"),
        "bottlenecks": _("Knelpunten"),
        "remarks": _("Opmerkingen"),
    }


BODY_ORDER = (
    "subject",
    "description",
    "public_unrest",
    "non_professionals",
    "activities",
    "reported",
    "informed",
    "external_consultation",
    "bottlenecks",
    "remarks",
)


def display_items(values: dict[str, Any]) -> list[Item]:
    """The report's body as label and text, in the current language (yes/no for the
    two questions, a dash for an empty field)."""
    text = labels()
    items = []
    for name in BODY_ORDER:
        value = values.get(name)
        if isinstance(value, bool):
            shown = _("Ja") if value else _("Nee")
        else:
            shown = str(value or "").strip() or "—"
        items.append(Item(text[name], shown))
    return items


def report_out(
    case: Case,
    report: MeldcodeReport | None,
    names: Names,
    *,
    prefilled: dict[str, Any] | None = None,
) -> ReportOut:
    """The saved report (or, before it is saved, the pre-filled concept), names hidden
    again: a name may have become known after the report was written."""
    with translation.override(settings.LANGUAGE_CODE):
        values = values_of(report) if report else (prefilled or prefill(case, names))
        values = names.hide_report(values, case.pupil)
        items = display_items(values)
        if report:
            status = _("Opgeslagen op %(date)s") % {"date": _date(report.updated_at)}
        else:
            status = _("Concept: nog niet opgeslagen, ingevuld vanuit het traject")
        day = values["report_date"]
        return ReportOut(
            reference=case.reference,
            school=case.school.name,
            city=case.school.city,
            school_year=report.school_year if report else school_year_of(day),
            date=_date(day),
            status=status,
            contact=values["contact_person"] or "—",
            items=items,
        )
