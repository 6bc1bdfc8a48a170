"""The dossier for parents: every entry about a pupil, as a PDF letter or a Word file.

What parents get (docs/domain.md, module 1 and 12):

* every entry of every school year, newest first, except internal working notes;
* an account whose source gave no consent has no text, and its source is not named;
* other pupils of the school and the school's staff appear by their initials
  (:func:`vangnet.lib.statements.replace_names`); the pupil's own name and the names of
  the guardians stay. Who noticed something is shown as initials with the role, so
  parents know which professional it was without the dossier spreading names;
* the parents' views stand directly under the entry they belong to, and the state of
  any correction request is noted there too.

Written in the site's first language (Dutch): a letter to parents, not a user's page.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vangnet.concerns import signals
from vangnet.concerns.models import Concern, CorrectionRequest, Statement
from vangnet.core import access
from vangnet.core.roles import SCHOOL_WIDE_ROLES, Role
from vangnet.lib import statements as rules
from vangnet.organisations.models import Guardian, Pupil, RoleAssignment

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph

    from vangnet.accounts.models import User

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Item:
    label: str
    text: str


@dataclass
class EntryOut:
    date: str
    kind: str
    school_year: str
    location: str
    noticed_by: str
    statements: list[Item]
    details: list[Item]
    parent_views: list[Item]  # label: who gave it and when
    corrections: list[str]


@dataclass
class Dossier:
    school: str
    city: str
    pupil_name: str
    date_of_birth: str
    exported_on: str
    rights: list[Item]
    intro: list[str]
    entries: list[EntryOut] = field(default_factory=list)

    def years(self) -> list[tuple[str, list[EntryOut]]]:
        grouped: dict[str, list[EntryOut]] = {}
        for entry in self.entries:
            grouped.setdefault(entry.school_year, []).append(entry)
        return list(grouped.items())


class Redactor:
    """Replaces the full names of other pupils and of staff by their initials."""

    def __init__(self, known: list[str], keep: list[str], staff_roles: dict[str, str]):
        kept = {k.casefold() for k in keep}
        self.known = sorted({n for n in known if n.casefold() not in kept and len(n.split()) > 1})
        self.staff_roles = {k.casefold(): v for k, v in staff_roles.items() if k in self.known}

    def __call__(self, text: str) -> str:
        if not text:
            return text
        lowered = text.casefold()
        candidates = [n for n in self.known if n.split()[-1].casefold() in lowered]
        return rules.replace_names(text, candidates) if candidates else text

    def person(self, name: str) -> str:
        """Who noticed it: a staff member as initials with their role, others as written."""
        role = self.staff_roles.get(name.strip().casefold())
        if role:
            return f"{rules.initials(name)} ({role})"
        return self(name)


def _date(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return date_format(value, "j F Y")


def _redactor(pupil: Pupil, school_ids: set[int]) -> Redactor:
    board = pupil.school.board
    # every other pupil of the board (a classmate may have moved school) and every guardian
    # who is not this pupil's own
    others = Pupil.objects.filter(Q(school_id__in=school_ids) | Q(school__board=board)).exclude(
        pk=pupil.pk
    )
    known = [
        " ".join(p for p in parts if p)
        for parts in others.values_list("first_name", "name_prefix", "last_name")
    ]
    known += list(
        Guardian.objects.filter(board=board).exclude(pupils=pupil).values_list("name", flat=True)
    )
    assignments = RoleAssignment.objects.filter(
        Q(school_id__in=school_ids) | Q(board=board, school__isnull=True)
    ).values_list("user__full_name", "role")
    staff_roles: dict[str, str] = {}
    for name, role in sorted(assignments, key=lambda a: a[1] not in SCHOOL_WIDE_ROLES):
        if name:
            staff_roles.setdefault(name, board.role_title(role))
    keep = [pupil.full_name, *pupil.guardians.values_list("name", flat=True)]
    return Redactor(known + list(staff_roles), keep, staff_roles)


def _statement(s: Statement, redact: Redactor) -> Item:
    if s.withheld:
        return Item(
            str(Statement.Kind.ACCOUNT.label),
            _(
                "Iemand heeft hierover iets verteld. Die persoon gaf geen toestemming om het "
                "vast te leggen, daarom staat het verhaal niet in het dossier."
            ),
        )
    label = str(s.get_kind_display())
    if s.kind == rules.ACCOUNT and s.source:
        label = _("%(kind)s (bron: %(source)s)") % {"kind": label, "source": redact(s.source)}
    elif s.kind == rules.DIAGNOSIS and s.professional:
        label = _("%(kind)s (gesteld door %(who)s)") % {"kind": label, "who": s.professional}
    return Item(label, redact(s.text))


def _details(c: Concern, redact: Redactor) -> list[Item]:
    pairs: list[tuple[str, str]] = [
        (_("Doel van het gesprek"), redact(c.goal)),
        (_("Reactie"), redact(c.reaction)),
        (_("Signalen"), "; ".join(signals.label(k) for k in c.signals)),
        (_("Vervolg"), redact(c.follow_up)),
        (_("Afspraken"), redact(c.agreements)),
        (_("Vervolgdatum"), _date(c.follow_up_on) if c.follow_up_on else ""),
        (_("Kopie aan ouders"), _date(c.copy_to_parents_on) if c.copy_to_parents_on else ""),
    ]
    if c.child_suffers != Concern.Suffers.UNKNOWN:
        pairs.append((_("Heeft het kind er zelf last van?"), str(c.get_child_suffers_display())))
    if c.settles_id and c.settles is not None and not c.settles.is_working_note:
        # (a follow-up of a working note must not reveal that the working note exists)
        pairs.append(
            (
                _("Eerder verslag"),
                _("Het verslag van %(date)s is hiermee %(outcome)s.")
                % {"date": _date(c.settles.occurred_at), "outcome": c.get_settlement_display()},
            )
        )
    return [Item(label, text) for label, text in pairs if text]


def _correction(req: CorrectionRequest) -> str:
    received = _date(req.received_on)
    if req.is_open:
        return _(
            "Correctieverzoek ontvangen op %(received)s. De school beslist uiterlijk op %(due)s."
        ) % {"received": received, "due": _date(req.due_on)}
    decided = _date(req.decided_on) if req.decided_on else ""
    return _("Correctieverzoek ontvangen op %(received)s: %(decision)s op %(decided)s.") % {
        "received": received,
        "decision": req.get_decision_display(),
        "decided": decided,
    }


def _contact(user: User, pupil: Pupil) -> str:
    coordinator = pupil.school_id in access.scope_of(user).schools(Role.CARE_COORDINATOR)
    role = Role.CARE_COORDINATOR if coordinator else Role.SAFETY_OFFICER
    return f"{user.full_name} ({pupil.school.board.role_title(role)})"


RIGHTS = [
    (
        gettext_lazy("Inzien"),
        gettext_lazy(
            "U mag het dossier van uw kind inzien. Vanaf 16 jaar doet de leerling dat zelf; "
            "ouders met gezag doen het voor een kind dat jonger is."
        ),
    ),
    (
        gettext_lazy("Uw kijk erop"),
        gettext_lazy(
            "Ziet u iets anders dan wij? Geef ons uw eigen kijk op een verslag. We bewaren die "
            "naast het verslag; het verslag zelf blijft staan zoals het is."
        ),
    ),
    (
        gettext_lazy("Laten verbeteren"),
        gettext_lazy(
            "Klopt er iets feitelijk niet, is iets onvolledig of hoort het er niet in, dan kunt "
            "u vragen dat te verbeteren. U krijgt binnen 4 weken schriftelijk antwoord. Als we "
            "het verzoek niet (helemaal) overnemen, leggen we uit waarom."
        ),
    ),
]


def _intro(pupil: Pupil) -> list[str]:
    return [
        _(
            "Dit is een overzicht van alles wat de school over %(name)s heeft vastgelegd in het "
            "leerlingdossier, het nieuwste verslag bovenaan."
        )
        % {"name": pupil.full_name},
        _(
            "Interne werkaantekeningen van medewerkers horen niet bij het dossier en staan er "
            "niet in. Andere kinderen en medewerkers van de school noemen we bij hun "
            "voorletters, zodat ook hun privacy beschermd is."
        ),
    ]


def build(user: User, pupil: Pupil) -> Dossier:
    """Collect the dossier for parents (the caller checked access_dossier_for_parents)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _build(user, pupil)


def _build(user: User, pupil: Pupil) -> Dossier:
    concerns = list(
        access.dossier_concerns(user, pupil)
        .filter(is_working_note=False)
        .select_related("settles")
        .prefetch_related("statements", "parent_views", "correction_requests")
        .order_by("-occurred_at", "-id")
    )
    redact = _redactor(pupil, {pupil.school_id, *(c.school_id for c in concerns)})
    contact = _contact(user, pupil)
    dossier = Dossier(
        school=pupil.school.name,
        city=pupil.school.city,
        pupil_name=pupil.full_name,
        date_of_birth=_date(pupil.date_of_birth),
        exported_on=_date(timezone.localdate()),
        rights=[Item(str(label), str(text)) for label, text in RIGHTS]
        + [Item(_("Vragen"), _("Neem contact op met %(contact)s.") % {"contact": contact})],
        intro=_intro(pupil),
    )
    for c in concerns:
        dossier.entries.append(
            EntryOut(
                date=_date(c.occurred_at),
                kind=str(c.get_kind_display()),
                school_year=c.school_year,
                location=redact(c.location),
                noticed_by=redact.person(c.noticed_by),
                statements=[_statement(s, redact) for s in c.statements.all()],
                details=_details(c, redact),
                parent_views=[
                    Item(
                        _("%(who)s, ontvangen op %(date)s")
                        % {"who": v.given_by, "date": _date(v.received_on)},
                        redact(v.text),
                    )
                    for v in c.parent_views.all()
                ],
                corrections=[_correction(r) for r in c.correction_requests.all()],
            )
        )
    return dossier


def filename(pupil: Pupil, fmt: str) -> str:
    return f"dossier-{slugify(pupil.full_name)}-{timezone.localdate():%Y-%m-%d}.{fmt}"


# --- PDF --------------------------------------------------------------------------------


def render_pdf(dossier: Dossier) -> bytes:
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "concerns/export_dossier.html", {"d": dossier, "facts": _facts(dossier)}
        )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


# --- Word -------------------------------------------------------------------------------


def _page_field(paragraph: Paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when showing."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    xml = f'<w:fldSimple {nsdecls("w")} w:instr="{code}"><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    paragraph._p.append(parse_xml(xml))


def render_docx(dossier: Dossier) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Mm, Pt, RGBColor

    with translation.override(settings.LANGUAGE_CODE):
        doc = Document()
        section = doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin = section.bottom_margin = Cm(2.5)
        normal = doc.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(10)
        blue = RGBColor(0x0B, 0x2A, 0x4A)

        footer = section.footer.paragraphs[0]
        footer.text = _("Vertrouwelijk · dossier van %(name)s · pagina ") % {
            "name": dossier.pupil_name
        }
        _page_field(footer, "PAGE")
        footer.add_run(_(" van "))
        _page_field(footer, "NUMPAGES")

        head = doc.add_paragraph()
        run = head.add_run(dossier.school)
        run.bold, run.font.size, run.font.color.rgb = True, Pt(13), blue
        if dossier.city:
            head.add_run(f"\n{dossier.city}")
        date_line = doc.add_paragraph(dossier.exported_on)
        date_line.alignment = WD_ALIGN_PARAGRAPH.RIGHT

        doc.add_heading(_("Dossier van %(name)s") % {"name": dossier.pupil_name}, level=1)
        doc.add_paragraph(_("Overzicht voor ouders en verzorgers"))
        table = doc.add_table(rows=0, cols=2)
        for label, value in _facts(dossier):
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
            cells[0].paragraphs[0].runs[0].bold = True
        for text in dossier.intro:
            doc.add_paragraph(text)
        doc.add_heading(_("Uw rechten"), level=2)
        for item in dossier.rights:
            p = doc.add_paragraph(style="List Bullet")
            p.add_run(f"{item.label}: ").bold = True
            p.add_run(item.text)

        if not dossier.entries:
            doc.add_paragraph(_("Er staan geen verslagen in het dossier."))
        for year, entries in dossier.years():
            doc.add_heading(_("Schooljaar %(year)s") % {"year": year}, level=2)
            for e in entries:
                doc.add_heading(f"{e.date} · {e.kind}", level=3)
                meta = [_("Opgemerkt door: %(who)s") % {"who": e.noticed_by}]
                if e.location:
                    meta.insert(0, _("Plaats: %(place)s") % {"place": e.location})
                doc.add_paragraph(" · ".join(meta)).runs[0].italic = True
                for item in [*e.statements, *e.details]:
                    p = doc.add_paragraph()
                    p.add_run(f"{item.label}: ").bold = True
                    p.add_run(item.text)
                for v in e.parent_views:
                    p = doc.add_paragraph()
                    p.paragraph_format.left_indent = Cm(1)
                    label = _("Zienswijze van de ouders (%(label)s): ") % {"label": v.label}
                    p.add_run(label).bold = True
                    p.add_run(v.text).italic = True
                for line in e.corrections:
                    doc.add_paragraph(line).paragraph_format.left_indent = Cm(1)
        doc.add_paragraph(_("Einde van het overzicht."))
        out = io.BytesIO()
        doc.save(out)
    return out.getvalue()


def _facts(dossier: Dossier) -> list[tuple[str, str]]:
    return [
        (_("Leerling"), dossier.pupil_name),
        (_("Geboortedatum"), dossier.date_of_birth),
        (_("School"), dossier.school),
        (_("Datum van dit overzicht"), dossier.exported_on),
        (_("Aantal verslagen"), str(len(dossier.entries))),
    ]
