"""The minutes of a care meeting as PDF and Word, pseudonymised unless names are asked for.

What goes in comes from :func:`vangnet.meetings.agenda.view`: a case item names its pupil
only when the organiser marked it as named *and* a consent for naming holds, and only in
an export the organiser asked names for (``?namen=1``); every other item reads the case
reference, with known names in its texts replaced. What the organiser typed for the whole
meeting (its title, its place, the members' role titles) is pseudonymised the same way, and
members are listed by their role in the meeting, never by name.

The last guard (:func:`check`) reads the text back out of the finished document — every
text node of the HTML the PDF is printed from, and every paragraph, table cell, header,
footer and document property of the Word file — and runs
:meth:`~vangnet.lib.pseudonymise.Pseudonymiser.find` with every known name of the school's
board over it. A name found means no document (:class:`NamesLeft`), whatever the cause. In
an export with names the guard reads the items that stay pseudonymised.

Who may download (the two views at the end): whoever may open the meeting
(:func:`vangnet.core.access.access_care_meeting`); names only for its organisers. The
export events (one for the meeting, one per case item with its pupil) commit before the
bytes leave the server; a refused document leaves an event too.

Written in the site's first language (Dutch): minutes are a document for the meeting, not
a user's page.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vangnet.core import access
from vangnet.core.audit import Actor, Entry, record, record_many
from vangnet.core.http import AuthedRequest, download
from vangnet.core.models import EventType
from vangnet.meetings import agenda
from vangnet.meetings.actions import about_meeting
from vangnet.meetings.agenda import ItemView
from vangnet.meetings.models import AgendaItem, CareMeeting

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

    from vangnet.accounts.models import User
    from vangnet.lib.pseudonymise import Pseudonymiser
    from vangnet.organisations.models import School

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class NamesLeft(Exception):
    """A known name was found in a document that must not have it."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


# --- the figures of a trends or warning item (the page uses them too) -------------------------


def _day(value: object) -> str:
    try:
        return date_format(dt.date.fromisoformat(str(value)), "j F Y")
    except ValueError:
        return str(value)


def figures(
    view: ItemView, names: Pseudonymiser | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, int]]]:
    """(label, value) rows and, for the trends item, the incidents per category (a board's
    own labels, pseudonymised with ``names`` like every other text)."""
    data: dict[str, Any] = view.figures
    if view.kind == AgendaItem.Kind.TRENDS:
        rows = [
            (_("Periode"), f"{_day(data.get('since'))} – {_day(data.get('until'))}"),
            (_("Incidenten"), str(data.get("incidents", 0))),
            (_("Zorgtrajecten gestart"), str(data.get("cases_opened", 0))),
            (_("Zorgtrajecten afgesloten"), str(data.get("cases_closed", 0))),
        ]
        categories = [
            (clean(str(label), names), int(count)) for label, count in data.get("by_category", [])
        ]
        return rows, categories
    if view.kind == AgendaItem.Kind.WARNING:
        by = _("soort incident") if data.get("by") == "category" else _("plaats")
        return [
            (_("Gemeten per"), by),
            (_("Incidenten in de laatste volledige maand"), str(data.get("latest", 0))),
            (
                _("Gemiddeld per maand in de maanden daarvoor"),
                number_format(data.get("mean", 0), decimal_pos=1),
            ),
            (_("Signaal boven"), number_format(data.get("threshold", 0), decimal_pos=1)),
        ], []
    return [], []


# --- the document -----------------------------------------------------------------------------


@dataclass
class ItemOut:
    number: int
    kind: str
    kind_label: str
    title: str
    who: str
    named: bool
    step: str
    reason: str
    recent: list[str]
    facts: list[tuple[str, str]]
    categories: list[tuple[str, int]]
    analysis: str
    risk: str
    decision: str
    actions: list[tuple[str, str, str]]  # what, who, by when

    def sections(self) -> list[tuple[str, str]]:
        """The question and the minutes, as label and text."""
        rows = []
        if self.reason:
            rows.append((_("Vraag aan het overleg"), self.reason))
        rows += [
            (_("Analyse"), self.analysis or "—"),
            (_("Weging van het risico"), self.risk or "—"),
            (_("Besluit"), self.decision or "—"),
        ]
        return rows

    def texts(self) -> list[str]:
        out = [self.title, self.who, self.step, self.reason, *self.recent]
        out += [self.analysis, self.risk, self.decision]
        out += [" ".join(a) for a in self.actions]
        out += [f"{label} {value}" for label, value in self.facts]
        out += [label for label, _count in self.categories]
        return out


@dataclass
class MinutesOut:
    title: str
    school: str
    city: str
    date: str
    time: str
    place: str
    pseudonymised: bool
    status: str
    made_on: str
    attendees: list[tuple[str, str]]  # (role in the meeting, name or "own team / outside")
    items: list[ItemOut] = field(default_factory=list)
    # pupils named with consent (an export with names); every other pupil stays unnamed
    named_pupils: set[int] = field(default_factory=set)

    def notice_lines(self) -> list[str]:
        return notice_lines(self)


def _item_out(number: int, view: ItemView, names: Pseudonymiser | None) -> ItemOut:
    facts, categories = figures(view, names)
    return ItemOut(
        number=number,
        kind=view.kind,
        kind_label=str(AgendaItem.Kind(view.kind).label),
        title=view.title,
        who=view.who,
        named=view.named,
        step=view.step,
        reason=view.reason,
        recent=list(view.recent),
        facts=facts,
        categories=categories,
        analysis=view.analysis,
        risk=view.risk,
        decision=view.decision,
        actions=[(what, who, date_format(due, "j F Y")) for what, who, due in view.actions],
    )


def header_cleaner(meeting: CareMeeting, pseudonymised: bool) -> Pseudonymiser | None:
    """What replaces names in the meeting's own texts (title, place, role titles)."""
    return agenda.people_of(meeting.series.school) if pseudonymised else None


def clean(text: str, names: Pseudonymiser | None) -> str:
    return agenda.guard(names.replace(text), names) if names is not None else text


def attendees(meeting: CareMeeting, names: Pseudonymiser | None) -> list[tuple[str, str]]:
    """(role in the meeting, who): pseudonymised (``names`` given) the role and whether
    they belong to the school's own care team, never a name; otherwise the name."""
    out: list[tuple[str, str]] = []
    for member in meeting.series.members.select_related("user"):
        role = clean(member.role_title, names)
        if names is not None:
            who = _("eigen zorgteam") if member.own_team else _("van buiten het zorgteam")
        else:  # colleagues by name; someone from outside by their role only
            who = member.user.full_name if member.user else _("van buiten het zorgteam")
        out.append((role, who))
    return out


def build(meeting: CareMeeting, *, pseudonymised: bool, reader: User | None = None) -> MinutesOut:
    """The minutes as they go into the document (in the site's first language)."""
    with translation.override(settings.LANGUAGE_CODE):
        shown, views = agenda.view(meeting, pseudonymised=pseudonymised, reader=reader)
        series = meeting.series
        school = series.school
        names = header_cleaner(meeting, shown)
        if meeting.closed_at:
            status = _("Afgesloten op %(date)s") % {
                "date": date_format(timezone.localtime(meeting.closed_at), "j F Y")
            }
        else:
            status = _("Concept: het verslag is nog niet afgesloten")
        return MinutesOut(
            title=clean(series.title, names),
            school=school.name,
            city=school.city,
            date=date_format(meeting.held_on, "l j F Y"),
            time=series.starts_at.strftime("%H:%M"),
            place=clean(series.place, names),
            pseudonymised=shown,
            status=status,
            made_on=date_format(timezone.localdate(), "j F Y"),
            attendees=attendees(meeting, names),
            items=[_item_out(n, v, names) for n, v in enumerate(views, start=1)],
            named_pupils={v.item.case.pupil_id for v in views if v.named and v.item.case},
        )


# --- the guard --------------------------------------------------------------------------------


def check(text: str, names: Pseudonymiser) -> None:
    left = names.find(text)
    if left:
        raise NamesLeft(sorted(set(left)))


def html_text(html: str) -> str:
    """Every text node of the HTML (the title and the running header included), one per
    line, so that words in neighbouring cells are never glued into one."""
    import lxml.html

    root = lxml.html.document_fromstring(html)
    return "\n".join(root.itertext())


def docx_text(body: bytes) -> str:
    """Every text of the Word file: paragraphs, table cells, headers, footers, properties."""
    from docx import Document

    doc = Document(io.BytesIO(body))
    parts: list[str] = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header):
            parts += [p.text for p in part.paragraphs]
    props = doc.core_properties
    parts += [
        props.title or "",
        props.subject or "",
        props.author or "",
        props.keywords or "",
        props.comments or "",
        props.last_modified_by or "",
        props.category or "",
    ]
    return "\n".join(parts)


def _guard(minutes: MinutesOut, school: School, document_text: str) -> None:
    """Pseudonymised: no known name of the board's pupils, guardians and staff anywhere.
    With names: no pupil or guardian except the pupils named with consent, anywhere."""
    if minutes.pseudonymised:
        check(document_text, agenda.people_of(school))
    else:
        check(document_text, agenda.unconsented_names(school, minutes.named_pupils))


# --- PDF and Word -----------------------------------------------------------------------------


def render_pdf(meeting: CareMeeting, minutes: MinutesOut) -> bytes:
    """The PDF, after the guard read the text it is printed from."""
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("meetings/minutes_pdf.html", {"m": minutes})
    _guard(minutes, meeting.series.school, html_text(html))
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def render_docx(meeting: CareMeeting, minutes: MinutesOut) -> bytes:
    """The Word file, after the guard read the text back out of it."""
    with translation.override(settings.LANGUAGE_CODE):
        body = _docx(minutes)
    _guard(minutes, meeting.series.school, docx_text(body))
    return body


def _docx(m: MinutesOut) -> bytes:
    from docx import Document
    from docx.shared import Cm, Mm, Pt

    from vangnet.concerns.export import _page_field

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.5)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    props = doc.core_properties
    props.title = _("Verslag van het zorgoverleg")
    props.author = props.last_modified_by = "Vangnet"
    props.subject = props.keywords = props.comments = props.category = ""
    footer = section.footer.paragraphs[0]
    footer.text = _("Vertrouwelijk · verslag van het zorgoverleg · pagina ")
    _page_field(footer, "PAGE")
    footer.add_run(_(" van "))
    _page_field(footer, "NUMPAGES")

    doc.add_paragraph(m.school + (f"\n{m.city}" if m.city else ""))
    doc.add_heading(_("Verslag van het zorgoverleg"), level=1)
    doc.add_paragraph(m.title)
    _table(doc, _facts(m))
    doc.add_paragraph(_notice(m))
    if m.attendees:
        doc.add_heading(_("Deelnemers"), level=2)
        for role, who in m.attendees:
            doc.add_paragraph(f"{role} ({who})", style="List Bullet")
    doc.add_heading(_("Agenda en verslag"), level=2)
    if not m.items:
        doc.add_paragraph(_("Er staan geen onderwerpen op de agenda."))
    for item in m.items:
        doc.add_heading(f"{item.number}. {item.title}", level=3)
        rows = [(_("Soort"), item.kind_label)]
        if item.who:
            rows.append((_("Leerling of student"), item.who))
        if item.step:
            rows.append((_("Stap in het traject"), item.step))
        _table(doc, rows + item.facts)
        if item.categories:
            counts = [(c, str(n)) for c, n in item.categories]
            _table(doc, [(_("Soort incident"), _("Aantal")), *counts])
        for label, text in item.sections():
            p = doc.add_paragraph()
            p.add_run(f"{label}: ").bold = True
            p.add_run(text)
        for line in item.recent:
            doc.add_paragraph(line, style="List Bullet")
        if item.actions:
            _table(
                doc,
                [(_("Actie"), _("Wie"), _("Uiterlijk op")), *item.actions],
                cols=3,
            )
    doc.add_paragraph(_("Einde van het verslag."))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _facts(m: MinutesOut) -> list[tuple[str, str]]:
    rows = [
        (_("School"), m.school),
        (_("Datum"), m.date),
        (_("Begintijd"), m.time),
    ]
    if m.place:
        rows.append((_("Plaats"), m.place))
    rows += [(_("Status"), m.status), (_("Gemaakt op"), m.made_on)]
    return rows


def notice_lines(m: MinutesOut) -> list[str]:
    if m.pseudonymised:
        return [
            _(
                "Gepseudonimiseerd verslag: leerlingen en studenten staan erin met het "
                "kenmerk van hun traject. Namen van leerlingen, ouders en medewerkers zijn "
                "vervangen door een omschrijving tussen blokhaken, deelnemers staan erin met "
                "hun functie."
            )
        ]
    return [
        _(
            "Verslag met namen: een leerling of student wordt alleen genoemd bij een "
            "onderwerp dat met naam besproken is en waarvoor toestemming is vastgelegd. Bij "
            "de andere onderwerpen staat het kenmerk van het traject."
        )
    ]


def _notice(m: MinutesOut) -> str:
    return " ".join(notice_lines(m))


def _table(doc: DocxDocument, rows: Sequence[tuple[str, ...]], cols: int = 2) -> None:
    table = doc.add_table(rows=0, cols=cols)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
        if cells[0].text:
            cells[0].paragraphs[0].runs[0].bold = True


# --- the two downloads (the views) ----------------------------------------------------------


def _export(request: AuthedRequest, meeting_id: int, fmt: str) -> HttpResponse:
    user = request.user
    meeting = access.access_care_meeting(user, meeting_id)
    organiser = access.can_organise_meetings(user, meeting.series.school)
    pseudonymised = not (organiser and request.GET.get("namen") == "1")
    minutes = build(meeting, pseudonymised=pseudonymised, reader=user)
    actor = Actor.from_request(request)
    base = about_meeting(meeting)
    try:
        if fmt == "pdf":
            body, content_type = render_pdf(meeting, minutes), "application/pdf"
        else:
            body, content_type = render_docx(meeting, minutes), DOCX_TYPE
    except NamesLeft as exc:
        with transaction.atomic():
            record(
                actor,
                EventType.MEETING_EXPORTED,
                **base,
                data={"format": fmt, "refused": True, "names_left": len(exc.names)},
            )
        messages.error(
            request,
            _(
                "Het verslag is niet gemaakt: bij de laatste controle stond er nog een naam "
                "van een leerling, ouder of medewerker in een tekst die zonder namen moet "
                "zijn. Pas de tekst van het overleg of van de onderwerpen aan en probeer het "
                "opnieuw."
            ),
        )
        return HttpResponseRedirect(reverse("care_meeting_detail", args=[meeting.pk]))
    items = list(meeting.items.exclude(case=None).select_related("case"))
    entries = [
        Entry(
            EventType.MEETING_EXPORTED,
            **base,
            data={
                "format": fmt,
                "pseudonymised": minutes.pseudonymised,
                "items": len(minutes.items),
                "named": sum(1 for i in minutes.items if i.named),
            },
        )
    ]
    entries += [
        Entry(
            EventType.MEETING_EXPORTED,
            **base,
            pupil_id=i.case.pupil_id if i.case else None,
            data={"format": fmt, "item": i.pk, "pseudonymised": minutes.pseudonymised},
        )
        for i in items
    ]
    # The events commit before any byte of the minutes leaves the server.
    with transaction.atomic():
        record_many(actor, entries)
    return download(body, content_type, f"verslag-zorgoverleg-{meeting.held_on:%Y-%m-%d}.{fmt}")


@login_required
@require_GET
def care_meeting_pdf(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    return _export(request, meeting_id, "pdf")


@login_required
@require_GET
def care_meeting_docx(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    return _export(request, meeting_id, "docx")
