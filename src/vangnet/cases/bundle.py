"""The yearly Meldcode bundle for the board, and one report as a file (PDF and Word).

Once a year the reports of a school's Meldcode cases are bundled for the board, "with the
reports and aggregated counts, without pupil names" (issue 5, docs/domain.md module 3):

* a title page: school, school year, the date it was made;
* counts over the Meldcode cases *opened* in that school year at the school, computed from
  the cases and their records (not from the reports, which a writer may have skipped):
  started, via the acute route, still open, conversations skipped, reports to Veilig
  Thuis, and the outcome of each case's last decision with the afwegingskader;
* each report saved for that school year (the year of the report's date), the case
  reference in place of the pupil, names hidden again (:class:`vangnet.cases.report.Names`).

Always in Dutch, like the dossier export. The PDF is drawn by WeasyPrint from
``cases/bundle_pdf.html`` and ``cases/report_pdf.html``; the Word file by python-docx,
with the page field helper of :mod:`vangnet.concerns.export`.
"""

from __future__ import annotations

import io
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vangnet.cases import protocols
from vangnet.cases.models import Case, CaseRecord, MeldcodeReport
from vangnet.cases.report import MELDCODE, Names, ReportOut, report_out
from vangnet.concerns.export import _date, _page_field
from vangnet.lib.dates import school_year_bounds, school_year_of

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

    from vangnet.organisations.models import School

TREE = "afwegingskader"

# How each outcome of the afwegingskader is reached (docs/domain.md, module 3).
OUTCOME_NOTES = {
    "close": gettext_lazy("geen vermoeden van huiselijk geweld of kindermishandeling"),
    "report": gettext_lazy(
        "acute of structurele onveiligheid, of hulp niet mogelijk, niet aanvaard of zonder "
        "resultaat"
    ),
    "help": gettext_lazy("hulp georganiseerd; het resultaat is nog niet gewogen"),
    "close_with_monitoring": gettext_lazy("de hulp werkte; afspraken over het volgen"),
}


@dataclass
class Row:
    label: str
    value: int
    note: str = ""


@dataclass
class Counts:
    """The aggregated figures of one school year: two tables."""

    cases: list[Row]
    outcomes: list[Row]
    started: int


@dataclass
class Bundle:
    school: str
    city: str
    board: str
    school_year: str
    generated_on: str
    counts: Counts
    reports: list[ReportOut] = field(default_factory=list)


def cases_of(school: School, year: str) -> QuerySet[Case]:
    """The Meldcode cases opened at the school in the school year (counted, not shown)."""
    first, last = school_year_bounds(year)
    return Case.objects.filter(
        school=school,
        protocol=MELDCODE,
        opened_at__date__gte=first,
        opened_at__date__lte=last,
    )


def reports_of(school: School, year: str) -> QuerySet[MeldcodeReport]:
    return (
        MeldcodeReport.objects.filter(case__school=school, school_year=year)
        .select_related("case__pupil__school", "case__school")
        .order_by("report_date", "case_id")
    )


def counts(school: School, year: str) -> Counts:
    """The figures of a school year, labelled in the current language."""
    cases = cases_of(school, year)
    tree = protocols.current(MELDCODE).tree(TREE)
    figures = cases.aggregate(
        started=Count("id"),
        acute=Count("id", filter=Q(acute=True)),
        still_open=Count("id", filter=~Q(state=Case.State.CLOSED)),
        monitoring=Count("id", filter=Q(state=Case.State.MONITORING)),
        undecided=Count("id", filter=Q(outcome="") & ~Q(state=Case.State.CLOSED)),
        # the acute route reports without the decision of step 5
        closed_undecided=Count("id", filter=Q(outcome="", state=Case.State.CLOSED)),
        **{f"outcome_{o.key}": Count("id", filter=Q(outcome=o.key)) for o in tree.outcomes},
    )
    # records that were later corrected count once, through their correction
    records = CaseRecord.objects.filter(case__in=cases.values("pk"), corrections__isnull=True)
    vt_reports = records.filter(kind="vt_report")
    case_rows = [
        Row(_("Gestarte trajecten"), figures["started"]),
        Row(
            _("Via de acute route (direct gemeld)"),
            figures["acute"],
            _("bij direct gevaar, zonder eerst de stappen te doorlopen"),
        ),
        Row(
            _("Nog niet afgesloten"),
            figures["still_open"],
            _("waarvan %(n)d in de volgfase") % {"n": figures["monitoring"]},
        ),
        Row(
            _("Gesprek met ouders en/of kind overgeslagen"),
            records.filter(kind="conversation_skipped").values("case_id").distinct().count(),
            _("omdat het iemand in gevaar zou brengen"),
        ),
        Row(_("Meldingen bij Veilig Thuis"), vt_reports.count()),
        Row(
            _("Trajecten met een melding bij Veilig Thuis"),
            vt_reports.values("case_id").distinct().count(),
        ),
    ]
    outcome_rows = [
        Row(str(o.label), figures[f"outcome_{o.key}"], str(OUTCOME_NOTES.get(o.key, "")))
        for o in tree.outcomes
    ]
    outcome_rows.append(
        Row(_("Nog geen besluit genomen"), figures["undecided"], _("het traject loopt nog"))
    )
    outcome_rows.append(
        Row(
            _("Afgesloten zonder besluit met het afwegingskader"),
            figures["closed_undecided"],
            _("na de acute route: gemeld zonder de vijf vragen"),
        )
    )
    return Counts(cases=case_rows, outcomes=outcome_rows, started=figures["started"])


def build(school: School, year: str) -> Bundle:
    """The bundle of a school year (the caller checked access_meldcode_bundle)."""
    school_year_bounds(year)  # refuses a malformed year
    with translation.override(settings.LANGUAGE_CODE):
        reports = list(reports_of(school, year))
        names = Names(school.board, {school.pk})
        return Bundle(
            school=school.name,
            city=school.city,
            board=school.board.name,
            school_year=year,
            generated_on=_date(timezone.localdate()),
            counts=counts(school, year),
            reports=[report_out(r.case, r, names) for r in reports],
        )


def years_for(school_ids: Collection[int]) -> list[str]:
    """School years to choose from, newest first: this year and the previous one, and
    every year since the first Meldcode case or report of the schools."""
    current = int(school_year_of(timezone.localdate())[:4])
    first_case = (
        Case.objects.filter(school_id__in=school_ids, protocol=MELDCODE)
        .order_by("opened_at")
        .values_list("opened_at", flat=True)
        .first()
    )
    first_report = (
        MeldcodeReport.objects.filter(case__school_id__in=school_ids)
        .order_by("report_date")
        .values_list("report_date", flat=True)
        .first()
    )
    start = current - 1
    if first_case is not None:
        start = min(start, int(school_year_of(timezone.localtime(first_case).date())[:4]))
    if first_report is not None:
        start = min(start, int(school_year_of(first_report)[:4]))
    return [f"{y}-{y + 1}" for y in range(current, start - 1, -1)]


def board_overview(school_ids: Collection[int], year: str) -> dict[int, tuple[int, int]]:
    """Per school: Meldcode cases opened in the year and reports saved for it (two
    queries, however many schools)."""
    first, last = school_year_bounds(year)
    started = dict(
        Case.objects.filter(
            school_id__in=school_ids,
            protocol=MELDCODE,
            opened_at__date__gte=first,
            opened_at__date__lte=last,
        )
        .values("school_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("school_id", "n")
    )
    reports = dict(
        MeldcodeReport.objects.filter(case__school_id__in=school_ids, school_year=year)
        .values("case__school_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("case__school_id", "n")
    )
    return {pk: (started.get(pk, 0), reports.get(pk, 0)) for pk in school_ids}


# --- PDF --------------------------------------------------------------------------------


def render_pdf(bundle: Bundle) -> bytes:
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "cases/bundle_pdf.html",
            {"b": bundle, "intro": intro(bundle), "counts_intro": counts_intro(bundle)},
        )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def render_report_pdf(report: ReportOut) -> bytes:
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("cases/report_pdf.html", {"r": report})
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


# --- Word -------------------------------------------------------------------------------


def _document(footer_text: str) -> DocxDocument:
    from docx import Document
    from docx.shared import Cm, Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.5)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    footer = section.footer.paragraphs[0]
    footer.text = footer_text
    _page_field(footer, "PAGE")
    footer.add_run(_(" van "))
    _page_field(footer, "NUMPAGES")
    return doc


def _facts_table(doc: DocxDocument, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].paragraphs[0].runs[0].bold = True


def _report_facts(r: ReportOut) -> list[tuple[str, str]]:
    return [
        (_("Kenmerk"), r.reference),
        (_("Datum"), r.date),
        (_("Schooljaar"), r.school_year),
        (_("Contactpersoon"), r.contact),
        (_("Status"), r.status),
    ]


def _report_body(doc: DocxDocument, r: ReportOut, level: int) -> None:
    doc.add_heading(_("Meldcodeverslag %(ref)s") % {"ref": r.reference}, level=level)
    _facts_table(doc, _report_facts(r))
    for item in r.items:
        doc.add_heading(item.label, level=level + 1)
        for line in item.text.splitlines() or [""]:
            doc.add_paragraph(line)


def _save(doc: DocxDocument) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_report_docx(report: ReportOut) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        doc = _document(
            _("Vertrouwelijk · meldcodeverslag %(ref)s · pagina ") % {"ref": report.reference}
        )
        doc.add_paragraph(report.school + (f"\n{report.city}" if report.city else ""))
        _report_body(doc, report, level=1)
        return _save(doc)


def _counts_table(
    doc: DocxDocument, caption: str, head: str, rows: list[Row], total: int | None = None
) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc.add_paragraph(caption).runs[0].bold = True
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    header = table.rows[0].cells
    for cell, text in zip(header, (head, _("Aantal"), _("Toelichting")), strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    shown = [*rows, Row(_("Totaal gestarte trajecten"), total)] if total is not None else rows
    for row in shown:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = row.label, str(row.value), row.note
        cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if total is not None:
        for cell in table.rows[-1].cells[:2]:
            cell.paragraphs[0].runs[0].bold = True


def render_docx(bundle: Bundle) -> bytes:
    from docx.enum.text import WD_BREAK

    with translation.override(settings.LANGUAGE_CODE):
        doc = _document(
            _("Vertrouwelijk · jaarbundel meldcode %(school)s %(year)s · pagina ")
            % {"school": bundle.school, "year": bundle.school_year}
        )
        school = doc.add_paragraph()
        school.add_run(bundle.school).bold = True
        if bundle.city:
            school.add_run(f"\n{bundle.city}")
        doc.add_heading(_("Jaarbundel Meldcode"), level=0)
        doc.add_paragraph(
            _("Huiselijk geweld en kindermishandeling · schooljaar %(year)s")
            % {"year": bundle.school_year}
        )
        _facts_table(doc, _title_facts(bundle))
        for text in intro(bundle):
            doc.add_paragraph(text)
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

        doc.add_heading(_("Cijfers"), level=1)
        doc.add_paragraph(counts_intro(bundle))
        _counts_table(
            doc,
            _("Trajecten in %(year)s") % {"year": bundle.school_year},
            _("Trajecten"),
            bundle.counts.cases,
        )
        doc.add_paragraph()
        _counts_table(
            doc,
            _("Uitkomst van het laatste besluit met het afwegingskader"),
            _("Uitkomst"),
            bundle.counts.outcomes,
            total=bundle.counts.started,
        )
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        doc.add_heading(_("Verslagen"), level=1)
        if not bundle.reports:
            doc.add_paragraph(_("Voor dit schooljaar zijn geen meldcodeverslagen opgeslagen."))
        for number, report in enumerate(bundle.reports):
            if number:
                doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            _report_body(doc, report, level=2)
        doc.add_paragraph(_("Einde van de jaarbundel."))
        return _save(doc)


def _title_facts(bundle: Bundle) -> list[tuple[str, str]]:
    return [
        (_("School"), bundle.school + (f", {bundle.city}" if bundle.city else "")),
        (_("Bestuur"), bundle.board),
        (_("Schooljaar"), bundle.school_year),
        (_("Gemaakt op"), bundle.generated_on),
        (_("Aantal verslagen"), str(len(bundle.reports))),
    ]


def intro(bundle: Bundle) -> list[str]:
    return [
        _(
            "Deze bundel bevat de verslagen van de meldcodetrajecten van de school en de "
            "cijfers over het schooljaar. Er staan geen namen van leerlingen in: elk traject "
            "heeft een kenmerk (ZT-…). Namen van andere betrokkenen zijn vervangen door "
            "voorletters."
        ),
        _(
            "Vertrouwelijk: bestemd voor het bestuur. Deel deze bundel niet verder dan nodig "
            "is voor het toezicht op de meldcode."
        ),
    ]


def counts_intro(bundle: Bundle) -> str:
    return _(
        "De cijfers gaan over de meldcodetrajecten die in schooljaar %(year)s op de school "
        "zijn gestart, zoals ze er op %(date)s voor staan. Ze zijn geteld uit de trajecten "
        "zelf, ook als er geen verslag van is gemaakt."
    ) % {"year": bundle.school_year, "date": bundle.generated_on}
