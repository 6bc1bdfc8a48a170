"""A measure letter filled from the measure, and drawn as a Word file and a PDF.

:func:`values_for` computes every placeholder of :mod:`letter_texts` from the measure and
its school: names, dates written out with their weekday ("maandag 2 maart 2026"), school
days counted with the school's calendar (``calendar_for``), the sector's terms and legal
basis (``rules_for`` and ``basis_for``). :func:`compose` puts the letter together: the
letterhead, the date, the addressee, the reference and subject line, the paragraphs of the
board's (or Vangnet's) text, the signature and, for decisions about a suspension or an
expulsion, the list of copies. :func:`render_docx` (python-docx) and :func:`render_pdf`
(WeasyPrint, ``measures/letter_pdf.html``) draw it on A4.

Letters are written in the site's first language (Dutch), whatever the user's language.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vangnet.concerns.export import _page_field
from vangnet.core.roles import Role
from vangnet.lib.measure_rules import HIGHER_EDUCATION, PO
from vangnet.measures import letter_texts as texts
from vangnet.measures.actions import RESTRICTIONS
from vangnet.measures.models import Measure
from vangnet.organisations.calendar import board_rules, calendar_for, rules_for
from vangnet.organisations.models import GuardianLink, Pupil, RoleAssignment, School

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph

    from vangnet.lib.measure_rules import MeasureRules
    from vangnet.organisations.models import Board

K = Measure.Kind
S = Measure.Status
ONE_DAY = dt.timedelta(days=1)
# letters that carry a decision about a suspension or an expulsion: sent registered, with
# copies to the board, the compulsory-education officer and the Inspectie
DECISIONS = (
    texts.SUSPENSION_LETTER,
    texts.INTENT_LETTER,
    texts.FINAL_LETTER,
    texts.OBJECTION_DECISION,
)
# letters signed on behalf of the board (the others by the school's director)
BOARD_SIGNS = (texts.INTENT_LETTER, texts.FINAL_LETTER, texts.OBJECTION_DECISION)


@dataclass
class Letter:
    """One filled letter, ready to be drawn."""

    kind: str
    school: str
    board: str
    city: str
    date: str
    addressee: str
    reference: str
    subject: str
    paragraphs: list[str]
    signer: str
    signer_role: str
    registered: bool = False
    copies: list[str] = field(default_factory=list)

    @property
    def place_and_date(self) -> str:
        return f"{self.city}, {self.date}" if self.city else self.date

    @property
    def copies_text(self) -> str:
        """The copies in one sentence: "het bestuur van …, … en de Inspectie …"."""
        with translation.override(settings.LANGUAGE_CODE):
            return listing(self.copies) + "."


# --- words --------------------------------------------------------------------------------


def day(value: dt.date | None) -> str:
    """A date with its weekday: "maandag 2 maart 2026" ("" when there is none)."""
    return formats.date_format(value, "l j F Y") if value else ""


def moment(value: dt.datetime | None) -> str:
    """A date and time: "dinsdag 3 maart 2026 om 15.30 uur"."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    values = {"day": day(local.date()), "time": local.strftime("%H.%M")}
    return _("%(day)s om %(time)s uur") % values


def listing(items: list[str]) -> str:
    """ "A", "A en B", "A, B en C"."""
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s en %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _parents(measure: Measure) -> list[str]:
    links = (
        GuardianLink.objects.filter(pupil_id=measure.pupil_id, parental_authority=True)
        .select_related("guardian")
        .order_by("guardian__name", "pk")
    )
    return [link.guardian.name for link in links if link.guardian.name.strip()]


def _director(measure: Measure) -> str:
    """The school's director; the one who approved a time-out when there are more."""
    names = list(
        RoleAssignment.objects.filter(role=Role.SAFETY_OFFICER, school_id=measure.school_id)
        .order_by("user__full_name", "user_id")
        .values_list("user_id", "user__full_name")
    )
    for user_id, name in names:
        if user_id == measure.approved_by_id and name:
            return str(name)
    found = [str(name) for _id, name in names if name]
    return found[0] if found else ""


def _teachers(measure: Measure) -> str:
    pupil = measure.pupil
    first = pupil.first_name
    group = pupil.group
    names = (
        [n for n in group.teachers.order_by("full_name").values_list("full_name", flat=True) if n]
        if group is not None
        else []
    )
    if not names:
        return _("de leerkracht van %(name)s") % {"name": first}
    return ngettext(
        "%(names)s (leerkracht van %(name)s)",
        "%(names)s (leerkrachten van %(name)s)",
        len(names),
    ) % {"names": listing(names), "name": first}


def _decision_day(measure: Measure) -> dt.date | None:
    if measure.kind == K.EXPULSION:
        return measure.decided_on
    return timezone.localtime(measure.approved_at).date() if measure.approved_at else None


def _words(measure: Measure) -> str:
    if measure.kind == K.TIME_OUT:
        return _("de time-out")
    if measure.kind == K.SUSPENSION:
        return _("de schorsing")
    if measure.status == S.PROPOSED:
        return _("de voorgenomen verwijdering")
    return _("het besluit tot verwijdering")


def _basis(measure: Measure, kind: str, rules: MeasureRules) -> str:
    names: dict[str, str] = {
        K.TIME_OUT: "time_out_max_school_days",
        K.SUSPENSION: "suspension_max_school_days",
    }
    name = names.get(measure.kind, "expulsion_search_weeks")
    if kind == texts.FINAL_LETTER:
        name = "final_expulsion_after_search"
    return _(rules.basis_for(name))


def _restrictions(measure: Measure) -> str:
    chosen = [_first_lower(str(lab)) for key, lab in RESTRICTIONS if key in measure.restrictions]
    if not chosen:
        return _("Verder gelden er tijdens de time-out geen extra beperkingen.")
    return _("Tijdens de time-out geldt daarnaast: %(list)s.") % {"list": listing(chosen)}


def _schoolwork(measure: Measure) -> str:
    text = measure.learning_arrangements.strip()
    tests = measure.tests_arrangements.strip()
    if tests:
        text = f"{text}\n" + _("Over toetsen: %(tests)s") % {"tests": tests}
    return text


def _heard(measure: Measure) -> str:
    heard = []
    if measure.teacher_heard_on:
        heard.append(_("de leerkracht (op %(day)s)") % {"day": day(measure.teacher_heard_on)})
    if measure.parents_heard_on:
        heard.append(_("u als ouders (op %(day)s)") % {"day": day(measure.parents_heard_on)})
    if measure.pupil_heard_on:
        heard.append(
            _("%(name)s zelf (op %(day)s)")
            % {"name": measure.pupil.first_name, "day": day(measure.pupil_heard_on)}
        )
    return listing(heard)


def _search(measure: Measure, rules: MeasureRules) -> str:
    weeks = ngettext("%(n)d week", "%(n)d weken", rules.expulsion_search_weeks) % {
        "n": rules.expulsion_search_weeks
    }
    if measure.search_ends_on is None:
        return weeks
    return _("%(weeks)s, tot en met %(end)s") % {"weeks": weeks, "end": day(measure.search_ends_on)}


def _final_when(measure: Measure, rules: MeasureRules) -> str:
    name = measure.pupil.first_name
    if rules.final_expulsion_after_search:
        return _(
            "Laat een andere school %(name)s toe, dan wordt de verwijdering definitief. Vindt "
            "het bestuur na %(weeks)d weken aantoonbaar zoeken geen school, dan kan de "
            "verwijdering ook dan definitief worden."
        ) % {"name": name, "weeks": rules.expulsion_search_weeks}
    return _(
        "De verwijdering wordt pas definitief als een andere school %(name)s heeft toegelaten."
    ) % {"name": name}


def _new_school(measure: Measure, rules: MeasureRules) -> str:
    name = measure.pupil.first_name
    if measure.accepted_by_school:
        return _(
            "%(school)s heeft laten weten dat %(name)s daar welkom is. Het onderwijskundig "
            "rapport geven wij aan die school, zodat %(name)s daar goed kan beginnen. Wij "
            "schrijven %(name)s bij ons uit zodra de nieuwe school de inschrijving heeft "
            "bevestigd."
        ) % {"school": measure.accepted_by_school, "name": name}
    return _(
        "Het bestuur heeft %(search)s aantoonbaar naar een andere school gezocht, maar geen "
        "school kon %(name)s toelaten. Daarom gaat de verwijdering nu toch in. De "
        "leerplichtambtenaar is op de hoogte en helpt bij het vinden van een plek waar "
        "%(name)s onderwijs krijgt."
    ) % {"search": _search(measure, rules), "name": name}


def _inspectie(measure: Measure, rules: MeasureRules) -> str:
    if measure.inspectie_report_due is None:
        return ""
    n = rules.inspectie_report_after_days
    return ngettext(
        "Omdat de schorsing langer duurt dan %(n)d schooldag, melden wij haar ook bij de "
        "Inspectie van het Onderwijs.",
        "Omdat de schorsing langer duurt dan %(n)d schooldagen, melden wij haar ook bij de "
        "Inspectie van het Onderwijs.",
        n,
    ) % {"n": n}


def _route(measure: Measure, kind: str, rules: MeasureRules, director: str) -> str:
    """How the parents object or appeal, with the terms of the sector."""
    school, board = measure.school.name, measure.school.board.name
    if kind == texts.TIME_OUT_NOTICE:
        return _(
            "Hebt u vragen over de time-out, of bent u het er niet mee eens? Neem dan contact "
            "op met %(director)s, directeur van %(school)s. Komen wij er samen niet uit, dan "
            "kunt u gebruikmaken van de klachtenregeling van %(board)s."
        ) % {"director": director or _("de directeur"), "school": school, "board": board}
    if kind == texts.SUSPENSION_LETTER:
        return _(
            "Bent u het niet eens met de schorsing, dan kunt u beroep instellen bij het "
            "bestuur van %(board)s. Doet u dat schriftelijk en zo snel mogelijk. Het bestuur "
            "beslist binnen %(days)d dagen nadat uw beroep is binnengekomen."
        ) % {"board": board, "days": rules.appeal_decision_days}
    if kind == texts.OBJECTION_DECISION:
        return _(
            "Bent u het niet eens met deze beslissing, dan kunt u de rechter vragen haar te "
            "toetsen. Laat u zich daarover goed adviseren, bijvoorbeeld door een jurist of "
            "een onderwijsconsulent."
        )
    terms = {
        "board": board,
        "weeks": rules.objection_weeks,
        "decision": rules.objection_decision_weeks,
        "deadline": day(measure.objection_deadline),
        "received": day(measure.objection_received_on),
        "due": day(measure.objection_decision_due),
        "decided": day(measure.objection_decided_on),
    }
    if kind == texts.FINAL_LETTER:
        if measure.objection_decided_on:
            return _("Op uw bezwaar heeft het bestuur op %(decided)s beslist.") % terms
        if measure.objection_received_on:
            return (
                _(
                    "Uw bezwaar van %(received)s is nog in behandeling; het bestuur beslist "
                    "daarover uiterlijk op %(due)s."
                )
                % terms
            )
        if measure.objection_deadline and measure.objection_deadline < timezone.localdate():
            return _("De termijn om bezwaar te maken liep tot en met %(deadline)s.") % terms
    return (
        _(
            "Bent u het niet eens met het besluit, dan kunt u tot en met %(deadline)s "
            "schriftelijk bezwaar maken bij het bestuur van %(board)s; dat is %(weeks)d weken "
            "na het besluit. Het bestuur hoort u over uw bezwaar en beslist binnen "
            "%(decision)d weken nadat het uw bezwaar heeft ontvangen."
        )
        % terms
    )


# --- the values and the letter --------------------------------------------------------------


def values_for(measure: Measure, kind: str, today: dt.date) -> dict[str, str]:
    """Every placeholder of ``kind`` filled from the measure (Dutch)."""
    pupil, school = measure.pupil, measure.school
    rules = rules_for(school)
    parents = _parents(measure)
    director = _director(measure)
    values = {
        "leerling": pupil.full_name,
        "roepnaam": pupil.first_name,
        "groep": pupil.group.name if pupil.group_id and pupil.group else "",
        "ouders": listing(parents)
        or _("de ouders/verzorgers van %(name)s") % {"name": pupil.full_name},
        "aanhef": _("Beste %(names)s") % {"names": listing(parents)}
        if parents
        else _("Beste ouders/verzorgers van %(name)s") % {"name": pupil.first_name},
        "school": school.name,
        "plaats": school.city,
        "bestuur": school.board.name,
        "directeur": director or _("de directeur"),
        "datum": day(today),
        "maatregel": _words(measure),
        "redenen": measure.reasons.strip(),
        "wettelijke_basis": _basis(measure, kind, rules),
        "bezwaar": _route(measure, kind, rules, director),
        "besluitdatum": day(_decision_day(measure)),
        "eerste_dag": day(measure.start),
        "laatste_dag": day(measure.end),
        "schooldagen": "",
        "terug_op": "",
        "waar": measure.taught_where.strip(),
        "beperkingen": _restrictions(measure),
        "afspraken_schoolwerk": _schoolwork(measure),
        "inspectie": _inspectie(measure, rules),
        "gesprek": moment(measure.meeting_at),
        "leerkracht": _teachers(measure) if kind == texts.MEETING_INVITATION else "",
        "grond": _first_lower(str(Measure.Ground(measure.ground).label))
        if measure.ground in Measure.Ground.values
        else "",
        "gehoord": _heard(measure),
        "zoektermijn": _search(measure, rules),
        "definitief_als": _final_when(measure, rules),
        "definitief_op": day(measure.final_on),
        "andere_school": measure.accepted_by_school,
        "nieuwe_school": _new_school(measure, rules) if kind == texts.FINAL_LETTER else "",
        "bezwaar_ontvangen": day(measure.objection_received_on),
        "bezwaar_gehoord": day(measure.objection_heard_on),
        "bezwaar_beslist": day(measure.objection_decided_on),
        "uitkomst_bezwaar": measure.objection_outcome.strip(),
    }
    if measure.start and measure.end and measure.kind in (K.TIME_OUT, K.SUSPENSION):
        calendar = calendar_for(school)
        n = calendar.school_days_between(measure.start, measure.end)
        values["schooldagen"] = ngettext("%(n)d schooldag", "%(n)d schooldagen", n) % {"n": n}
        values["terug_op"] = day(calendar.next_school_day(measure.end + ONE_DAY))
    return {name: values[name] for name in texts.PLACEHOLDERS_OF[kind]}


# the kind of measure each letter is about, for the preview
ABOUT = {
    texts.TIME_OUT_NOTICE: K.TIME_OUT,
    texts.SUSPENSION_LETTER: K.SUSPENSION,
    texts.MEETING_INVITATION: K.SUSPENSION,
}


def sample_values(board: Board, kind: str, today: dt.date) -> dict[str, str]:
    """Made-up values for the preview on the board's template page (no pupil's data),
    with dates from the calendar and the terms and legal basis of the board's sector."""
    with translation.override(settings.LANGUAGE_CODE):
        sector = PO if board.sector in HIGHER_EDUCATION else board.sector
        rules = board_rules(board.pk, sector)
        calendar = calendar_for(School(board=board, sector=sector))
        first = calendar.next_school_day(today + ONE_DAY)
        last = calendar.add_school_days(first, 3)
        school = School(board=board, sector=sector, name=_("Voorbeeldschool"), city="")
        pupil = Pupil(first_name="Sam", name_prefix="de", last_name="Wit")
        measure = Measure(
            kind=ABOUT.get(kind, K.EXPULSION),
            status=S.DECIDED if kind == texts.INTENT_LETTER else S.APPROVED,
            school=school,
            pupil=pupil,
            start=first,
            end=last,
            inspectie_report_due=first,
            restrictions=["gym"],
            search_ends_on=today + dt.timedelta(weeks=rules.expulsion_search_weeks),
            objection_deadline=today + dt.timedelta(weeks=rules.objection_weeks),
            accepted_by_school=_("De Regenboog"),
        )
        sample = {
            "leerling": pupil.full_name,
            "roepnaam": pupil.first_name,
            "groep": _("Groep 6"),
            "ouders": "Noor de Wit en Daan de Wit",
            "aanhef": _("Beste %(names)s") % {"names": "Noor de Wit en Daan de Wit"},
            "school": school.name,
            "plaats": _("Voorbeeldstad"),
            "bestuur": board.name,
            "directeur": "Mira Jansen",
            "datum": day(today),
            "maatregel": _words(measure),
            "redenen": _("(hier staan de redenen zoals ze bij de maatregel zijn vastgelegd)"),
            "wettelijke_basis": _basis(measure, kind, rules),
            "bezwaar": _route(measure, kind, rules, "Mira Jansen"),
            "besluitdatum": day(today),
            "eerste_dag": day(first),
            "laatste_dag": day(last),
            "schooldagen": ngettext("%(n)d schooldag", "%(n)d schooldagen", 4) % {"n": 4},
            "terug_op": day(calendar.next_school_day(last + ONE_DAY)),
            "waar": _("in groep 7, bij de leerkracht van die groep"),
            "beperkingen": _restrictions(measure),
            "afspraken_schoolwerk": _("(de afspraken over schoolwerk en toetsen)"),
            "inspectie": _inspectie(measure, rules),
            "gesprek": _("%(day)s om %(time)s uur") % {"day": day(first), "time": "15.30"},
            "leerkracht": _("%(names)s (leerkracht van %(name)s)")
            % {"names": "Tim Bos", "name": pupil.first_name},
            "grond": _first_lower(str(Measure.Ground.MISCONDUCT.label)),
            "gehoord": _("de leerkracht (op %(day)s)") % {"day": day(today)},
            "zoektermijn": _search(measure, rules),
            "definitief_als": _final_when(measure, rules),
            "definitief_op": day(today),
            "andere_school": measure.accepted_by_school,
            "nieuwe_school": _new_school(measure, rules),
            "bezwaar_ontvangen": day(today),
            "bezwaar_gehoord": day(today),
            "bezwaar_beslist": day(today),
            "uitkomst_bezwaar": _("(de beslissing op het bezwaar, zoals vastgelegd)"),
        }
    return {name: sample[name] for name in texts.PLACEHOLDERS_OF[kind]}


def subject(kind: str, pupil_name: str) -> str:
    subjects = {
        texts.TIME_OUT_NOTICE: _("Time-out van %(name)s"),
        texts.SUSPENSION_LETTER: _("Schorsing van %(name)s"),
        texts.MEETING_INVITATION: _("Uitnodiging voor een gesprek over %(name)s"),
        texts.INTENT_LETTER: _("Voornemen tot verwijdering van %(name)s"),
        texts.FINAL_LETTER: _("Definitieve verwijdering van %(name)s"),
        texts.OBJECTION_DECISION: _("Beslissing op uw bezwaar over %(name)s"),
    }
    return subjects[kind] % {"name": pupil_name}


def copies(board: str, school: str, *, board_signs: bool) -> list[str]:
    """Who gets a copy: the board (or, when the board itself signs, the school's
    director), the compulsory-education officer and the Inspectie."""
    first = (
        _("de directeur van %(school)s") % {"school": school}
        if board_signs
        else _("het bestuur van %(board)s") % {"board": board}
    )
    return [first, _("de leerplichtambtenaar van de gemeente"), _("de Inspectie van het Onderwijs")]


def compose(measure: Measure, kind: str, body: str, today: dt.date) -> Letter:
    """The letter of ``kind`` with ``body`` (a checked text) filled from ``measure``."""
    with translation.override(settings.LANGUAGE_CODE):
        values = values_for(measure, kind, today)
        school, board = measure.school.name, measure.school.board.name
        board_signs = kind in BOARD_SIGNS and measure.approved_by is not None
        if board_signs:
            assert measure.approved_by is not None
            signer = measure.approved_by.full_name
            role = _("namens het bestuur van %(board)s") % {"board": board}
        else:
            signer = values["directeur"]
            role = _("directeur van %(school)s") % {"school": school}
        return Letter(
            kind=kind,
            school=school,
            board=board,
            city=measure.school.city,
            date=values["datum"],
            addressee=values["ouders"],
            reference=_("%(case)s, maatregel %(id)d")
            % {"case": measure.case.reference, "id": measure.pk},
            subject=subject(kind, measure.pupil.full_name),
            paragraphs=texts.fill(body, values),
            signer=signer,
            signer_role=role,
            registered=kind in DECISIONS,
            copies=copies(board, school, board_signs=board_signs) if kind in DECISIONS else [],
        )


# --- drawing ------------------------------------------------------------------------------


def render_pdf(letter: Letter) -> bytes:
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("measures/letter_pdf.html", {"letter": letter})
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def _lines(paragraph: Paragraph, text: str, *, bold: bool = False) -> None:
    """Text with its own line breaks kept inside one Word paragraph."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.bold = bold
        if i < len(lines) - 1:
            run.add_break()


def _rule_below(paragraph: Paragraph) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    border = parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="8" w:space="4" '
        'w:color="154273"/></w:pBdr>'
    )
    paragraph._p.get_or_add_pPr().append(border)


def render_docx(letter: Letter) -> bytes:
    from docx import Document
    from docx.shared import Cm, Mm, Pt, RGBColor

    with translation.override(settings.LANGUAGE_CODE):
        doc = Document()
        properties = doc.core_properties
        properties.title, properties.author, properties.comments = letter.subject, letter.school, ""
        properties.last_modified_by = letter.school
        section = doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2.2)
        normal = doc.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(10.5)
        normal.paragraph_format.space_after = Pt(8)
        normal.paragraph_format.line_spacing = 1.15

        head = doc.add_paragraph()
        name = head.add_run(letter.school)
        name.bold, name.font.size = True, Pt(16)
        name.font.color.rgb = RGBColor(0x0B, 0x2A, 0x4A)
        sub = " · ".join(p for p in (letter.board, letter.city) if p)
        if sub:
            head.add_run().add_break()
            small = head.add_run(sub)
            small.font.size, small.font.color.rgb = Pt(9), RGBColor(0x4A, 0x4A, 0x4A)
        _rule_below(head)
        head.paragraph_format.space_after = Pt(18)

        if letter.registered:
            _lines(doc.add_paragraph(), _("Aangetekend en per gewone post of e-mail"), bold=True)
        doc.add_paragraph(letter.addressee).paragraph_format.space_after = Pt(18)
        doc.add_paragraph(letter.place_and_date)
        facts = doc.add_table(rows=0, cols=2)
        facts.autofit = False
        facts.columns[0].width, facts.columns[1].width = Cm(3), Cm(13)
        for label, value in ((_("Ons kenmerk"), letter.reference), (_("Betreft"), letter.subject)):
            cells = facts.add_row().cells
            cells[0].width, cells[1].width = Cm(3), Cm(13)
            cells[0].paragraphs[0].add_run(label).bold = True
            cells[1].paragraphs[0].add_run(value).bold = label == _("Betreft")
        doc.add_paragraph()
        for text in letter.paragraphs:
            _lines(doc.add_paragraph(), text)

        closing = doc.add_paragraph(_("Met vriendelijke groet,"))
        closing.paragraph_format.space_before = Pt(6)
        closing.paragraph_format.space_after = Pt(36)
        signature = doc.add_paragraph()
        _lines(signature, letter.signer or _("de directeur"), bold=True)
        signature.add_run().add_break()
        signature.add_run(letter.signer_role)
        if letter.copies:
            copy = doc.add_paragraph()
            copy.paragraph_format.space_before = Pt(18)
            copy.add_run(_("Afschrift aan:")).bold = True
            copy.add_run(f" {letter.copies_text}")
            for run in copy.runs:
                run.font.size = Pt(9)

        footer = section.footer.paragraphs[0]
        footer.text = _("%(school)s · %(subject)s · pagina ") % {
            "school": letter.school,
            "subject": letter.subject,
        }
        _page_field(footer, "PAGE")
        footer.add_run(_(" van "))
        _page_field(footer, "NUMPAGES")
        for run in footer.runs:
            run.font.size = Pt(8)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()
