"""The annual report on incidents ("Jaarverslag incidenten") of one school or a whole board
for one school year, as PDF (WeasyPrint) and XLSX (openpyxl), and the figures the year in
review adds to :mod:`vangnet.incidents.overview`.

The report goes to the board and to the participation council (MR), where parents sit, so
small numbers are always suppressed in it, for a school too: every count that the board's
picture hides ("minder dan 5": pupils per role, incidents per group) is hidden here as well
(:func:`for_the_council`). There are no names in it: categories, locations, groups, schools
and roles only; who made it is given by role.

Both files are built from the same :class:`Table` list (:func:`tables`), so the PDF and the
spreadsheet cannot disagree. Always in Dutch, like the other documents Vangnet makes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Min
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vangnet.core import access
from vangnet.core.roles import Role
from vangnet.incidents import insights
from vangnet.incidents.charts import SHORT, month_chart
from vangnet.incidents.overview import (
    HOT_SPOT_MIN,
    Overview,
    Period,
    Row,
    Scope,
    build,
    month_label,
    school_year_period,
)
from vangnet.lib import insights as rules
from vangnet.lib.dates import school_year_bounds
from vangnet.organisations.models import Board

if TYPE_CHECKING:
    from vangnet.accounts.models import User

SUPPRESSED_PDF = "minder dan 5"
SUPPRESSED_XLSX = "<5"
NO_CHANGE_SHOWN = "–"  # a change next to a suppressed count is not shown
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Value = int | float | str | None  # None: a suppressed count; "": a change left out


# --- the year's early-warning signals -------------------------------------------------------


@dataclass(frozen=True)
class YearSignal:
    """The early-warning rule raised for one month of the school year."""

    month: str  # "YYYY-MM"
    month_label: str
    kind: str  # "category" | "location"
    key: str
    label: str
    school: str  # "" for the scope as a whole
    signal: rules.Signal


def _month_start(key: str) -> dt.date:
    return dt.date(int(key[:4]), int(key[5:7]), 1)


def _month_end(key: str) -> dt.date:
    return _month_start(rules.add_months(key, 1)) - dt.timedelta(days=1)


def complete_months(period: Period, today: dt.date) -> list[str]:
    """The months of the period that are over (the running month is not yet complete)."""
    current = rules.month_key(today)
    return [m for m in period.months() if m < current]


def year_signals(user: User, scope: Scope, period: Period, today: dt.date) -> list[YearSignal]:
    """Every signal the rule of :mod:`vangnet.lib.insights` gave in a complete month of the
    period: for the scope as a whole and, for a board, per school — the same rule, the same
    twelve months of history and the same start of that history (the first month with any
    incident) as the insights page uses for the latest complete month. Four grouped queries
    and two for the starts, whatever the number of months or schools."""
    months = complete_months(period, today)
    if not months:
        return []
    tz = timezone.get_default_timezone()
    narrow = scope.narrow()
    everything = insights.filtered(
        user,
        school=None if scope.is_board else scope.id,
        board=scope.id if scope.is_board else None,
    )
    first_at = everything.aggregate(first=Min("occurred_at"))["first"]
    if first_at is None:
        return []
    starts: dict[int | None, str] = {None: rules.month_key(timezone.localtime(first_at, tz))}
    names: dict[int, str] = {}
    if scope.is_board:
        for row in everything.values("school_id").annotate(first=Min("occurred_at")).order_by():
            starts[row["school_id"]] = rules.month_key(timezone.localtime(row["first"], tz))
        names = dict(
            access.insight_schools(user).filter(board_id=scope.id).values_list("id", "name")
        )
    window = insights.filtered(
        user,
        date_from=_month_start(rules.add_months(months[0], -rules.BASELINE_MONTHS)),
        date_to=_month_end(months[-1]),
        **narrow,
    )
    out: list[YearSignal] = []
    for by in ("category", "location"):
        month_annotations, month_fields = insights.dimension("month")
        annotations, fields = insights.dimension(by)
        rows = (
            window.annotate(**month_annotations, **annotations)
            .values("school_id", *month_fields, *fields)
            .annotate(n=Count("id", distinct=True))
            .order_by()
        )
        series: dict[int | None, dict[str, dict[str, int]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(int))
        )
        labels: dict[str, str] = {}
        for row in rows:
            month, _m = insights.row_key("month", row)
            key, label = insights.row_key(by, row)
            labels[key] = label
            series[None][key][month] += row["n"]
            if scope.is_board:
                series[row["school_id"]][key][month] += row["n"]
        for owner, by_key in series.items():
            for month in months:
                first = max(rules.add_months(month, -rules.BASELINE_MONTHS), starts[owner])
                if first > month:
                    continue
                for key, signal in rules.warnings_for(by_key, first, month):
                    school = names.get(owner, "") if owner is not None else ""
                    out.append(
                        YearSignal(month, month_label(month), by, key, labels[key], school, signal)
                    )
    out.sort(key=lambda s: (s.month, s.school, s.kind, -(s.signal.latest - s.signal.threshold)))
    return out


def largest_changes(rows: list[Row], n: int = 3) -> tuple[list[Row], list[Row]]:
    """The ``n`` largest rises and the ``n`` largest falls compared with a year earlier."""
    rises = sorted((r for r in rows if r.change > 0), key=lambda r: (-r.change, r.label))
    falls = sorted((r for r in rows if r.change < 0), key=lambda r: (r.change, r.label))
    return rises[:n], falls[:n]


# --- the report -----------------------------------------------------------------------------


def for_the_council(o: Overview) -> Overview:
    """The overview with small numbers hidden, whatever the scope: the pupils per role and
    the incidents per group that the board's own picture hides."""
    return dataclasses.replace(
        o,
        by_group=[dataclasses.replace(r, suppress=True) for r in o.by_group],
        repeated=[dataclasses.replace(r, suppress=True) for r in o.repeated],
    )


@dataclass
class AnnualReport:
    overview: Overview  # small numbers suppressed (for_the_council)
    school_year: str
    previous_year: str
    running: bool  # the school year is not over (today is in it): figures up to today
    board_name: str
    made_on: dt.date
    made_by: str  # the maker's role(s), never a name
    signals: list[YearSignal]

    @property
    def scope(self) -> Scope:
        return self.overview.scope

    @property
    def title(self) -> str:
        return _("Jaarverslag incidenten %(year)s") % {"year": self.school_year}


def _made_by(user: User, scope: Scope, board: Board) -> str:
    held = access.scope_of(user)
    roles: list[str] = []
    if not scope.is_board:
        roles = [
            r for r in (Role.SAFETY_OFFICER, Role.CARE_COORDINATOR) if scope.id in held.schools(r)
        ]
    if not roles and scope.board_id in held.boards(Role.BOARD):
        roles = [Role.BOARD]
    titles = [board.role_title(r) for r in roles]
    if len(titles) == 2:
        return _("%(first)s en %(second)s") % {"first": titles[0], "second": titles[1]}
    return "".join(titles)


def build_report(
    user: User, scope: Scope, year: str, *, today: dt.date | None = None
) -> AnnualReport:
    """The report of ``year`` ('2025-2026'; the caller checked it has started) for a scope of
    the user (:func:`vangnet.incidents.overview.resolve_scope`)."""
    today = today or timezone.localdate()
    period = school_year_period(year, today)
    with translation.override(settings.LANGUAGE_CODE):
        board = Board.objects.get(pk=scope.board_id)
        first = int(year[:4])
        return AnnualReport(
            overview=for_the_council(build(user, scope, period, today=today)),
            school_year=year,
            previous_year=f"{first - 1}-{first}",
            running=today <= school_year_bounds(year)[1],
            board_name=board.name,
            made_on=today,
            made_by=_made_by(user, scope, board),
            signals=year_signals(user, scope, period, today),
        )


def _day(day: dt.date) -> str:
    return date_format(day, "j F Y")


def intro(report: AnnualReport) -> list[str]:
    o = report.overview
    if report.scope.is_board:
        where = _("op de scholen van %(board)s") % {"board": report.scope.name}
    else:
        where = _("op %(school)s") % {"school": report.scope.name}
    texts = [
        _(
            "Dit verslag laat zien welke incidenten %(where)s in schooljaar %(year)s zijn "
            "vastgelegd: hoeveel, wanneer, waar en van welke soort, naast de cijfers van het "
            "schooljaar ervoor. Het is geschreven voor het bestuur en de "
            "medezeggenschapsraad (MR), als begin van het gesprek over hoe veilig de school "
            "is en wat er beter kan."
        )
        % {"where": where, "year": report.school_year},
        _(
            "Er staan geen namen in, van leerlingen noch van medewerkers. Aantallen "
            "leerlingen en aantallen per groep van 1 tot en met 4 staan er als ‘minder "
            "dan 5’, zodat niemand te herkennen is. Een incident telt één keer mee, "
            "hoeveel mensen er ook bij betrokken waren."
        ),
    ]
    if report.running:
        texts.append(
            _(
                "Het schooljaar is nog niet voorbij. De cijfers lopen tot en met %(last)s en "
                "worden vergeleken met dezelfde periode een jaar eerder (%(first)s tot en met "
                "%(previous_last)s)."
            )
            % {
                "last": _day(o.period.last),
                "first": _day(o.period.previous.first),
                "previous_last": _day(o.period.previous.last),
            }
        )
    return texts


def summary(report: AnnualReport) -> str:
    o = report.overview
    values = {
        "year": report.school_year,
        "n": o.total,
        "previous": o.previous_total,
        "diff": abs(o.change),
    }
    if o.change > 0:
        return (
            _(
                "In schooljaar %(year)s zijn %(n)s incidenten vastgelegd: %(diff)s meer dan "
                "in dezelfde periode een jaar eerder (%(previous)s)."
            )
            % values
        )
    if o.change < 0:
        return (
            _(
                "In schooljaar %(year)s zijn %(n)s incidenten vastgelegd: %(diff)s minder dan "
                "in dezelfde periode een jaar eerder (%(previous)s)."
            )
            % values
        )
    return (
        _(
            "In schooljaar %(year)s zijn %(n)s incidenten vastgelegd, evenveel als in dezelfde "
            "periode een jaar eerder."
        )
        % values
    )


def reading_notes(report: AnnualReport) -> list[str]:
    """How to read the figures, and what they do not say."""
    notes = [
        _(
            "De cijfers tellen incidenten die zijn vastgelegd. Wat niemand heeft gemeld of "
            "opgeschreven, staat er niet in."
        ),
        _(
            "Meer incidenten in het verslag betekent niet vanzelf dat de school onveiliger is "
            "geworden. Het kan ook zijn dat het team zorgvuldiger registreert, of dat "
            "leerlingen en ouders eerder iets melden. Omgekeerd kan een daling ook betekenen "
            "dat er minder is vastgelegd."
        ),
        _(
            "Kleine aantallen schommelen vanzelf van jaar tot jaar. Een verschil van een paar "
            "incidenten zegt meestal weinig; kijk vooral naar wat meerdere jaren achter elkaar "
            "terugkomt."
        ),
        _(
            "De soorten incidenten volgen de landelijke indeling. Zo blijven jaren en scholen "
            "met elkaar te vergelijken, ook als het bestuur zijn eigen lijst later aanpast."
        ),
        _(
            "Dagen en tijden zijn in Nederlandse tijd. Een incident dat over meer dagen liep, "
            "telt bij de dag waarop het begon."
        ),
        _(
            "Een vroeg signaal betekent dat iets duidelijk vaker voorkwam dan gewoonlijk. Het "
            "is een reden om uit te zoeken wat er speelde, geen oordeel over een groep of "
            "een school."
        ),
        _(
            "Hoe leerlingen en medewerkers de veiligheid zelf ervaren, staat niet in dit "
            "verslag. Daarvoor is de jaarlijkse monitor veiligheidsbeleving; lees de twee "
            "samen."
        ),
    ]
    if report.scope.is_board:
        notes.append(
            _(
                "Scholen verschillen in grootte en in hoe ze registreren. Een school met meer "
                "incidenten is daardoor niet zonder meer onveiliger dan een school met minder."
            )
        )
    else:
        notes.append(
            _(
                "Per groep telt een incident mee bij elke groep waarvan een leerling erbij "
                "betrokken was. Opgeteld komen de groepen daarom boven het totaal uit."
            )
        )
    return notes


# --- the tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """One table of the report: a section of the PDF and a sheet of the XLSX."""

    key: str
    sheet: str  # XLSX sheet name (at most 31 characters)
    title: str
    head: list[str]
    rows: list[list[Value]]
    note: str = ""
    signed: tuple[int, ...] = ()  # columns holding a change (+3, −2)
    text_columns: int = 1  # the first columns hold words, the rest figures
    short: tuple[str, ...] = ()  # shorter row labels for the PDF's turned table

    def cells(self) -> list[list[str]]:
        """The rows as the PDF prints them."""
        return [[_pdf_value(v, i in self.signed) for i, v in enumerate(row)] for row in self.rows]

    def columns(self) -> list[list[str]]:
        """The table turned a quarter: one row per column (the month table in the PDF)."""
        cells = self.cells()
        if self.short:
            cells = [[label, *row[1:]] for label, row in zip(self.short, cells, strict=True)]
        return [[head, *(row[i] for row in cells)] for i, head in enumerate(self.head)]


def _pdf_value(value: Value, signed: bool) -> str:
    if value is None:
        return SUPPRESSED_PDF
    if value == "":
        return NO_CHANGE_SHOWN
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if signed and isinstance(value, int):
        return signed_number(value)
    return str(value)


def signed_number(n: int) -> str:
    if n > 0:
        return f"+{n}"
    if n < 0:
        return f"\u2212{-n}"
    return "0"


def _short_month(key: str) -> str:
    return f"{_(SHORT[int(key[5:7]) - 1])} {key[:4]}"


def _compare(rows: list[Row]) -> list[list[Value]]:
    out: list[list[Value]] = []
    for r in rows:
        now, before = r.shown, r.shown_previous
        change: Value = r.change if now is not None and before is not None else ""
        out.append([r.label, now, before, change])
    return out


def tables(report: AnnualReport) -> list[Table]:
    o = report.overview
    year, previous = report.school_year, report.previous_year
    if report.running:
        previous = _("%(year)s (zelfde periode)") % {"year": previous}
    change = _("Verschil")

    def compare(key: str, sheet: str, title: str, head: str, rows: list[Row], note: str = ""):
        return Table(key, sheet, title, [head, year, previous, change], _compare(rows), note, (3,))

    out = [
        Table(
            "total",
            _("Totaal"),
            _("Totaal vergeleken met het jaar ervoor"),
            [_("Wat"), year, previous, change],
            [[_("Vastgelegde incidenten"), o.total, o.previous_total, o.change]],
            signed=(3,),
        ),
        Table(
            "month",
            _("Per maand"),
            _("Incidenten per maand"),
            [_("Maand"), year, _("Een jaar eerder"), change],
            [[r.label, r.count, r.previous, r.change] for r in o.by_month],
            signed=(3,),
            short=tuple(_short_month(r.key) for r in o.by_month),
        ),
        compare("category", _("Per soort"), _("Per soort incident"), _("Soort"), o.by_category),
        compare("location", _("Per plek"), _("Per plek"), _("Plek"), o.by_location),
        compare("weekday", _("Per weekdag"), _("Per dag van de week"), _("Dag"), o.by_weekday),
        compare("severity", _("Per ernst"), _("Per ernst"), _("Ernst"), o.by_severity),
    ]
    if report.scope.is_board:
        out.append(compare("school", _("Per school"), _("Per school"), _("School"), o.by_school))
    else:
        out.append(
            compare(
                "group",
                _("Per groep"),
                _("Per groep van de betrokken leerlingen"),
                _("Groep"),
                o.by_group,
                _(
                    "Een incident met leerlingen uit twee groepen telt bij allebei mee. "
                    "‘Minder dan 5’ staat voor 1 tot en met 4; het verschil laten "
                    "we dan weg."
                ),
            )
        )
    out.append(
        Table(
            "repeated",
            _("Herhaald betrokken"),
            _("Leerlingen die vaker betrokken waren, per rol"),
            [_("Rol"), *o.repeat_labels],
            [[r.label, *r.shown] for r in o.repeated],
            _(
                "Het aantal leerlingen dat in dit schooljaar twee keer of vaker bij een "
                "incident betrokken was, in dezelfde rol. Alleen aantallen, nooit namen. "
                "‘Minder dan 5’ staat voor 1 tot en met 4."
            ),
        )
    )
    out.append(
        Table(
            "hot_spots",
            _("Plek en tijd"),
            _("Incidenten per plek en tijd van de dag"),
            [_("Plek"), *o.hot_spot_bands, _("Totaal")],
            [
                [loc, *counts, sum(counts)]
                for loc, counts in zip(o.hot_spot_locations, o.hot_spot_grid, strict=True)
            ],
            _("Een hotspot is een plek en tijd met %(n)s of meer incidenten in het schooljaar.")
            % {"n": HOT_SPOT_MIN},
        )
    )
    head = [_("Maand"), _("Soort of plek"), _("Wat")]
    if report.scope.is_board:
        head.append(_("School"))
    head += [_("Aantal die maand"), _("Gemiddeld ervoor"), _("Signaalgrens")]
    signal_rows: list[list[Value]] = []
    for s in report.signals:
        row: list[Value] = [
            s.month_label,
            _("soort") if s.kind == "category" else _("plek"),
            s.label,
        ]
        if report.scope.is_board:
            row.append(s.school or _("alle scholen"))
        row += [s.signal.latest, round(s.signal.mean, 1), round(s.signal.threshold, 1)]
        signal_rows.append(row)
    out.append(
        Table(
            "signals",
            _("Signalen"),
            _("Vroege signalen in het schooljaar"),
            head,
            signal_rows,
            _("Geen vroege signalen in dit schooljaar.") if not signal_rows else "",
            text_columns=len(head) - 3,
        )
    )
    return out


def facts(report: AnnualReport) -> list[tuple[str, str]]:
    """The title page: what the report is about, when it was made and by whom (a role)."""
    o = report.overview
    rows = [(_("Bestuur") if report.scope.is_board else _("School"), report.scope.name)]
    if not report.scope.is_board:
        rows.append((_("Bestuur"), report.board_name))
    rows += [
        (_("Schooljaar"), report.school_year),
        (
            _("Periode"),
            _("%(first)s tot en met %(last)s")
            % {"first": _day(o.period.first), "last": _day(o.period.last)},
        ),
        (
            _("Vergeleken met"),
            _("%(first)s tot en met %(last)s")
            % {"first": _day(o.period.previous.first), "last": _day(o.period.previous.last)},
        ),
        (_("Gemaakt op"), _day(report.made_on)),
        (_("Gemaakt door"), report.made_by),
    ]
    return rows


def filename(report: AnnualReport, fmt: str) -> str:
    from django.utils.text import slugify

    return f"jaarverslag-incidenten-{slugify(report.scope.name)}-{report.school_year}.{fmt}"


# --- PDF ------------------------------------------------------------------------------------


def render_pdf(report: AnnualReport) -> bytes:
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        o = report.overview
        html = render_to_string(
            "incidents/annual_pdf.html",
            {
                "r": report,
                "o": o,
                "facts": facts(report),
                "intro": intro(report),
                "summary": summary(report),
                "tables": tables(report),
                "notes": reading_notes(report),
                "chart": month_chart(o.by_month),
                "rule_text": _(rules.RULE_TEXT),
                "suppressed": SUPPRESSED_PDF,
            },
        )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


# --- XLSX -----------------------------------------------------------------------------------


def render_xlsx(report: AnnualReport) -> bytes:
    """One sheet of explanation, then one sheet per table: a title, a note, a header row and
    the figures as numbers ("<5" as text where a small number is hidden)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    with translation.override(settings.LANGUAGE_CODE):
        book = Workbook()
        book.properties.creator = "Vangnet"
        book.properties.title = report.title
        sheet = book.active
        sheet.title = _("Toelichting")
        _explanation_sheet(sheet, report)
        header_font = Font(bold=True, color="0B2A4A")
        header_fill = PatternFill("solid", fgColor="DCE7F3")
        for table in tables(report):
            ws = book.create_sheet(table.sheet)
            ws.append([table.title])
            ws["A1"].font = Font(bold=True, size=13, color="0B2A4A")
            ws.append([table.note])
            ws["A2"].font = Font(italic=True, color="4A4A4A")
            ws.append(table.head)
            for cell in ws[3]:
                cell.font, cell.fill = header_font, header_fill
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            for row in table.rows:
                ws.append([_xlsx_value(v) for v in row])
                for i, cell in enumerate(ws[ws.max_row]):
                    if i >= table.text_columns and isinstance(cell.value, str):
                        cell.alignment = Alignment(horizontal="right")
                    elif isinstance(cell.value, float):
                        cell.number_format = "0.0"
            ws.freeze_panes = "B4"
            _widths(ws, [table.head, *table.rows])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _xlsx_value(value: Value) -> int | float | str | None:
    if value is None:
        return SUPPRESSED_XLSX
    if value == "":
        return None
    return value


def _widths(ws: Any, rows: Sequence[Sequence[Value]]) -> None:
    from openpyxl.utils import get_column_letter

    columns = max((len(r) for r in rows), default=1)
    for i in range(columns):
        longest = max((len(str(r[i])) for r in rows if i < len(r) and r[i] is not None), default=4)
        width = min(60, max(10, longest + 2)) if i == 0 else min(24, max(10, longest + 2))
        ws.column_dimensions[get_column_letter(i + 1)].width = width


def _explanation_sheet(ws: Any, report: AnnualReport) -> None:
    from openpyxl.styles import Alignment, Font

    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True, color="0B2A4A")
    lines: list[tuple[str, str, str]] = [("title", report.title, ""), ("", "", "")]
    lines += [("fact", label, value) for label, value in facts(report)]
    lines.append(("", "", ""))
    lines.append(("heading", _("Over dit verslag"), ""))
    lines += [("text", "", text) for text in intro(report)]
    lines.append(("text", "", summary(report)))
    lines.append(("", "", ""))
    lines.append(("heading", _("Zo leest u dit verslag"), ""))
    lines += [("text", "", text) for text in reading_notes(report)]
    lines.append(("", "", ""))
    lines.append(("heading", _("Hoe een vroeg signaal werkt"), ""))
    lines.append(("text", "", _(rules.RULE_TEXT)))
    lines.append(("", "", ""))
    lines.append(
        (
            "text",
            "",
            _(
                "Elk volgend tabblad bevat één tabel uit het verslag. ‘<5’ betekent: "
                "1 tot en met 4."
            ),
        )
    )
    for kind, first, second in lines:
        ws.append([first, second])
        a, b = ws[ws.max_row]
        if kind == "title":
            a.font = Font(bold=True, size=15, color="0B2A4A")
        elif kind in ("fact", "heading"):
            a.font = bold
        a.alignment = b.alignment = wrap
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 100
