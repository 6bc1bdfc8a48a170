"""How a measure is shown: its status in words, its dates with weekdays and school days,
every deadline with what it means, and what is still to do as a checklist. Built from the
measure's columns and the sector's terms; no queries except the search attempts count that
the caller passes in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vangnet.lib.measure_rules import MeasureRules
from vangnet.measures.models import Measure

K = Measure.Kind
S = Measure.Status


def day(value: dt.date | None) -> str:
    """A date with its weekday: "maandag 2 maart 2026"."""
    return date_format(value, "l j F Y") if value else ""


def decider(measure: Measure) -> str:
    """Who decides: the director for a time-out, else the board (its own title)."""
    from vangnet.core.roles import Role

    board = measure.school.board
    if measure.kind == K.TIME_OUT:
        return board.role_title(Role.SAFETY_OFFICER)
    return board.role_title(Role.BOARD)


def status_text(measure: Measure) -> str:
    if measure.status == S.PROPOSED:
        if measure.kind == K.TIME_OUT:
            return _("Voorgesteld; wacht op toestemming van de directeur")
        return _("Voorgesteld; wacht op het besluit van het bestuur")
    return str(Measure.Status(measure.status).label)


def period_text(measure: Measure) -> str:
    if measure.start and measure.end:
        text = _("van %(start)s tot en met %(end)s") % {
            "start": day(measure.start),
            "end": day(measure.end),
        }
        if measure.school_days is not None:
            text += " · " + ngettext(
                "%(n)d schooldag", "%(n)d schooldagen", measure.school_days
            ) % {"n": measure.school_days}
        return text
    if measure.start:
        return _("vanaf %(start)s") % {"start": day(measure.start)}
    return ""


@dataclass(frozen=True)
class Deadline:
    label: str
    due_on: dt.date
    meaning: str
    done: bool
    overdue: bool

    @property
    def day(self) -> str:
        return day(self.due_on)


def deadlines(measure: Measure, rules: MeasureRules, today: dt.date) -> list[Deadline]:
    """Every term of the measure with what it means, soonest first."""
    rows: list[tuple[str, dt.date | None, str, bool]] = []
    m = measure
    if m.kind == K.SUSPENSION and m.status == S.PROPOSED and m.start:
        last = m.start - dt.timedelta(days=1)
        rows.append(
            (
                _("Besluit van het bestuur"),
                last,
                _(
                    "Het bestuur beslist uiterlijk %(day)s: een schorsing wordt goedgekeurd "
                    "vóór de dag waarop die ingaat."
                )
                % {"day": day(last)},
                False,
            )
        )
    rows.append(
        (
            _("Melden bij de Inspectie"),
            m.inspectie_report_due,
            ngettext(
                "Een schorsing van meer dan %(n)d schooldag meldt de school schriftelijk en "
                "met redenen bij de Inspectie (Internet Schooldossier), uiterlijk %(day)s.",
                "Een schorsing van meer dan %(n)d schooldagen meldt de school schriftelijk en "
                "met redenen bij de Inspectie (Internet Schooldossier), uiterlijk %(day)s.",
                rules.inspectie_report_after_days,
            )
            % {"n": rules.inspectie_report_after_days, "day": day(m.inspectie_report_due)},
            m.inspectie_reported_on is not None,
        )
    )
    rows.append(
        (
            _("Besluit op het beroep"),
            m.appeal_decision_due,
            _(
                "Het bestuur beslist uiterlijk %(day)s op het beroep van de ouders "
                "(binnen %(n)d dagen)."
            )
            % {"day": day(m.appeal_decision_due), "n": rules.appeal_decision_days},
            m.appeal_decided_on is not None,
        )
    )
    rows.append(
        (
            _("Einde van de zoektermijn"),
            m.search_ends_on,
            _(
                "Het bestuur zoekt tot en met %(day)s (%(n)d weken) een andere school die de "
                "leerling toelaat, en legt elke poging vast."
            )
            % {"day": day(m.search_ends_on), "n": rules.expulsion_search_weeks},
            m.accepted_on is not None or m.status in (S.FINAL, S.DEREGISTERED),
        )
    )
    rows.append(
        (
            _("Einde van de bezwaartermijn"),
            m.objection_deadline,
            _("De ouders kunnen tot en met %(day)s bezwaar maken (%(n)d weken na het besluit).")
            % {"day": day(m.objection_deadline), "n": rules.objection_weeks},
            m.objection_received_on is not None
            or (m.objection_deadline is not None and m.objection_deadline < today),
        )
    )
    rows.append(
        (
            _("Besluit op het bezwaar"),
            m.objection_decision_due,
            _(
                "Het bestuur hoort de ouders en beslist uiterlijk %(day)s op het bezwaar "
                "(binnen %(n)d weken)."
            )
            % {"day": day(m.objection_decision_due), "n": rules.objection_decision_weeks},
            m.objection_decided_on is not None,
        )
    )
    shown = [
        Deadline(label, due, meaning, done, not done and due < today)
        for label, due, meaning, done in rows
        if due is not None
    ]
    return sorted(shown, key=lambda d: d.due_on)


@dataclass(frozen=True)
class Item:
    """One thing to do; ``group`` names the form on the page that records it."""

    label: str
    done: bool
    detail: str = ""
    group: str = ""


def _on(value: object) -> str:
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "l j F Y H:i")
    if isinstance(value, dt.date):
        return day(value)
    return ""


def _fact(label: str, value: object, group: str) -> Item:
    done = value not in (None, "")
    return Item(label, done, _on(value), group)


def checklist(
    measure: Measure, rules: MeasureRules, today: dt.date, *, attempts: int
) -> list[Item]:
    """What the law and the protocol ask for this measure, done or still to do."""
    m = measure
    approved = m.status not in (S.PROPOSED, S.REFUSED, S.WITHDRAWN)
    items: list[Item] = []
    if m.kind == K.TIME_OUT:
        return [
            Item(_("Toestemming van de directeur"), approved, _on(m.approved_at)),
            _fact(_("Ouders meteen schriftelijk ingelicht"), m.parents_written_on, "parents"),
            _fact(_("Ouders meteen telefonisch ingelicht"), m.parents_phoned_on, "parents"),
        ]
    if m.kind == K.SUSPENSION:
        items = [
            Item(_("Goedkeuring van het bestuur vóór de eerste dag"), approved, _on(m.approved_at)),
            _fact(_("Afspraken over schoolwerk"), m.learning_arrangements, "learning"),
            _fact(_("Afspraken over toetsen"), m.tests_arrangements, "learning"),
            _fact(
                _("Ouders schriftelijk ingelicht (aangetekende brief met de redenen)"),
                m.parents_written_on,
                "parents",
            ),
            _fact(_("Ouders telefonisch ingelicht"), m.parents_phoned_on, "parents"),
            _fact(_("Gesprek met de ouders gepland"), m.meeting_at, "meeting"),
            _fact(_("Verslag van het gesprek"), m.meeting_report, "meeting"),
            _fact(
                _("Verslag door de ouders voor gezien getekend"),
                m.report_seen_by_parents_on,
                "meeting",
            ),
            _fact(
                _("Afschrift naar bestuur, leerplichtambtenaar en Inspectie"),
                m.copies_sent_on,
                "copies",
            ),
        ]
        if m.inspectie_report_due is not None:
            items.append(_fact(_("Gemeld bij de Inspectie"), m.inspectie_reported_on, "inspectie"))
        if m.appeal_lodged_on is not None:
            items.append(_fact(_("Besluit op het beroep"), m.appeal_decided_on, "appeal"))
        return items
    if m.kind == K.EXPULSION:
        items = [
            _fact(_("Onderwijskundig rapport"), m.educational_report, "preparation"),
            _fact(_("Leerkracht gehoord"), m.teacher_heard_on, "hearings"),
            _fact(_("Ouders gehoord"), m.parents_heard_on, "hearings"),
        ]
        if rules.pupil_is_heard(m.pupil.age(today)):
            items.append(_fact(_("Leerling gehoord"), m.pupil_heard_on, "hearings"))
        items += [
            Item(
                _("Besluit van het bestuur tot verwijdering"),
                m.decided_on is not None,
                day(m.decided_on),
            ),
            _fact(
                _("Ouders schriftelijk ingelicht over het besluit"), m.parents_written_on, "parents"
            ),
            _fact(
                _("Afschrift naar bestuur, leerplichtambtenaar en Inspectie"),
                m.copies_sent_on,
                "copies",
            ),
            Item(
                _("Een andere school laat de leerling toe"),
                m.accepted_on is not None,
                m.accepted_by_school
                or ngettext("%(n)d poging vastgelegd", "%(n)d pogingen vastgelegd", attempts)
                % {"n": attempts},
                "search",
            ),
        ]
        if m.objection_received_on is not None:
            items += [
                _fact(_("Ouders gehoord over het bezwaar"), m.objection_heard_on, "objection"),
                _fact(_("Besluit op het bezwaar"), m.objection_decided_on, "objection"),
            ]
        items += [
            Item(_("Definitief verwijderd"), m.final_on is not None, day(m.final_on)),
            _fact(
                _("Bericht van inschrijving op de nieuwe school"),
                m.enrolment_notice_on,
                "enrolment",
            ),
            Item(_("Uitgeschreven"), m.deregistered_on is not None, day(m.deregistered_on)),
        ]
        return items
    # higher education: the Executive Board decides after hearing the student
    return [
        _fact(_("Student gehoord"), m.student_heard_on, "student"),
        Item(_("Besluit van het College van Bestuur"), approved, _on(m.approved_at)),
    ]


# Which groups of facts can be recorded, by kind and status (the rest waits for a decision).
def fact_groups(measure: Measure) -> list[str]:
    m = measure
    if m.status in (S.REFUSED, S.WITHDRAWN, S.DEREGISTERED):
        return []
    if m.kind == K.TIME_OUT:
        return ["parents"] if m.status == S.APPROVED else []
    if m.kind == K.SUSPENSION:
        if m.status == S.PROPOSED:
            return ["learning"]
        groups = ["parents", "learning", "meeting", "copies"]
        if m.inspectie_report_due is not None:
            groups.append("inspectie")
        return [*groups, "appeal"]
    if m.kind == K.EXPULSION:
        if m.status == S.PROPOSED:
            return ["preparation", "meeting", "hearings"]
        if m.status == S.DECIDED:
            return ["parents", "copies", "exclusion", "objection"]
        return ["objection", "enrolment"]
    return ["student"] if m.status == S.PROPOSED else []


def _by(when: dt.datetime, who: Any) -> str:
    return _("%(when)s door %(who)s") % {
        "when": day(timezone.localtime(when).date()),
        "who": who.full_name or who.email,
    }


def summary(measure: Measure) -> dict[str, Any]:
    """The facts at the top of the page."""
    m = measure
    rows: list[tuple[str, str]] = [(_("Stand"), status_text(m))]
    period = period_text(m)
    if period:
        rows.append((_("Periode"), period))
    if m.ground:
        rows.append((_("Grond"), str(Measure.Ground(m.ground).label)))
    if m.taught_where:
        rows.append((_("Les intussen"), m.taught_where))
    if m.restrictions:
        from vangnet.measures.actions import RESTRICTIONS

        labels = dict(RESTRICTIONS)
        rows.append((_("Beperkingen"), ", ".join(_(str(labels.get(r, r))) for r in m.restrictions)))
    rows.append((_("Voorgesteld"), _by(m.proposed_at, m.proposed_by)))
    if m.approved_at is not None and m.approved_by is not None:
        label = _("Niet goedgekeurd") if m.status == S.REFUSED else _("Besluit")
        rows.append((label, _by(m.approved_at, m.approved_by)))
    if m.decision_note:
        label = (
            _("Waarom vervallen") if m.status == S.WITHDRAWN else _("Toelichting bij het besluit")
        )
        rows.append((label, m.decision_note))
    return {"rows": rows}
