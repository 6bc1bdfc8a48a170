"""The annual report on incidents (PDF and XLSX) and a school's year in review: figures that
equal the overview's, small numbers always suppressed, no names, access, audit, bad years."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import include, path
from django.utils import timezone

from tests.test_incident_insights import make_incident
from tests.world import World
from vangnet.core.models import AuditEvent, EventType
from vangnet.incidents import annual_report, insights, overview
from vangnet.lib.dates import school_year_of

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

# The lead includes vangnet.incidents.report_urls in vangnet.urls; until then (and after:
# the first match wins) this module is the root URLconf of its own tests.
urlpatterns = [
    path("", include("vangnet.urls")),
    path("", include("vangnet.incidents.report_urls")),
]

AMS = ZoneInfo("Europe/Amsterdam")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
PUPIL_NAMES = ("Anna", "Visser", "Bram", "Bakker", "Cas", "Mulder", "Dewi", "Smit", "Ellen")


def report_year() -> tuple[int, str]:
    """The last complete school year (so every incident of it lies in the past)."""
    first = int(school_year_of(timezone.localdate())[:4]) - 1
    return first, f"{first}-{first + 1}"


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=AMS)


def populate(world: World) -> str:
    """Incidents in the last complete school year and the one before, at three schools.

    School A, this year: 6 bullying on the playground at 12.30 (pupil A5 it happened to
    each time, pupil A6 took the initiative three times), 2 thefts in the classroom, 1 very
    serious physical incident in the gym involving A6. A year earlier: 3 bullying, 1 theft,
    1 vandalism. School B: 4 vandalism this year. School C (another board): 2 incidents."""
    first, year = report_year()
    a5, a6 = world.pupil_a5, world.pupil_a6
    for i in range(6):
        people: list[tuple[str, Any]] = [("affected", a5)]
        if i < 3:
            people.append(("initiator", a6))
        make_incident(
            world, world.school_a, at(first, 10, 6 + i, 12, 30), people=people
        )  # 6-11 October
    for day in (3, 4):
        make_incident(
            world,
            world.school_a,
            at(first + 1, 3, day),
            code="theft",
            location="Klaslokaal",
            severity="serious",
        )
    make_incident(
        world,
        world.school_a,
        at(first + 1, 2, 12, 14),
        code="physical",
        location="Gymzaal en kleedkamers",
        severity="very_serious",
        people=[("initiator", a6), ("bystander", None)],
    )
    for day in (7, 8, 9):
        make_incident(world, world.school_a, at(first - 1, 10, day, 12, 45))
    make_incident(world, world.school_a, at(first, 3, 5), code="theft", location="Klaslokaal")
    make_incident(world, world.school_a, at(first, 5, 5), code="vandalism", location="Klaslokaal")
    for day in (1, 2, 3, 4):
        make_incident(world, world.school_b, at(first, 11, day), code="vandalism")
    for day in (1, 2):
        make_incident(world, world.school_c, at(first, 11, day), reporter="other_board")
    return year


def url(year: str, fmt: str, **params: object) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/incidenten/jaarverslag/{year}.{fmt}" + (f"?{query}" if query else "")


def pdf_text(content: bytes, tmp_path: Path, name: str = "report.pdf") -> str:
    pdf = tmp_path / name
    pdf.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout


def flat_lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def signed(n: int) -> str:
    return f"+{n}" if n > 0 else (f"\u2212{-n}" if n < 0 else "0")


def school_scope(world: World, persona: str = "director_a") -> overview.Scope:
    return overview.resolve_scope(world[persona], school=world.school_a.pk)


def names_in_world(world: World) -> list[str]:
    from vangnet.accounts.models import User

    return [*PUPIL_NAMES, *User.objects.values_list("full_name", flat=True)]


def assert_no_names(text: str, names: list[str]) -> None:
    for name in names:
        assert not re.search(rf"\b{re.escape(name)}\b", text), f"{name!r} in the report"
    assert "Tijdens de pauze" not in text  # no descriptions either


def workbook(content: bytes) -> Any:
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(content))


def sheet_rows(book: Any, name: str) -> list[list[Any]]:
    """The figures of a sheet: the rows under its header row (row 3)."""
    return [list(row) for row in book[name].iter_rows(min_row=4, values_only=True)]


# --- the PDF --------------------------------------------------------------------------------


def test_the_pdf_shows_the_overviews_figures_with_small_numbers_hidden(world, client_for, tmp_path):
    year = populate(world)
    first = int(year[:4])
    response = client_for("director_a").get(url(year, "pdf", school=world.school_a.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        f'filename="jaarverslag-incidenten-school-a-{year}.pdf"'
        in (response["Content-Disposition"])
    )
    assert response["Cache-Control"] == "no-store"
    text = pdf_text(response.content, tmp_path)
    lines = flat_lines(text)

    o = overview.build(world["director_a"], school_scope(world), overview.school_year_period(year))
    # the constructed incidents, as the overview counts them
    assert (o.total, o.previous_total) == (9, 5)
    assert {r.label: (r.count, r.previous) for r in o.by_category} == {
        "Pesten": (6, 3),
        "Diefstal": (2, 1),
        "Fysiek geweld": (1, 0),
        "Vernieling": (0, 1),
    }
    assert {r.label: r.count for r in o.by_group} == {"Groep 5": 6, "Groep 6": 4}
    # ... and as the report prints them
    flat = " ".join(lines)
    assert (
        f"In schooljaar {year} zijn 9 incidenten vastgelegd: 4 meer dan in dezelfde periode "
        "een jaar eerder (5)." in flat
    )
    assert "Vastgelegde incidenten 9 5 +4" in lines
    for rows in (o.by_category, o.by_location, o.by_weekday, o.by_severity):
        for r in rows:
            assert f"{r.label} {r.count} {r.previous} {signed(r.change)}" in lines, r
    months = [line for line in lines if line.startswith(f"{year} ")]
    assert months == [f"{year} " + " ".join(str(r.count) for r in o.by_month)]
    assert "Een jaar eerder " + " ".join(str(r.previous) for r in o.by_month) in lines
    # small numbers: the school's own picture shows 4 for group 6; the report never does
    assert "Groep 5 6 0 +6" in lines
    assert "Groep 6 minder dan 5 0 \u2013" in lines
    assert "Leerling die het initiatief nam 0 minder dan 5 0" in lines
    assert "Leerling die het overkwam 0 0 minder dan 5" in lines
    assert "Omstander 0 0 0" in lines
    # hot spots, signals, the rule and the reading guide
    assert "• Schoolplein, 12.00–13.15 uur: 6 incidenten" in lines
    assert f"oktober {first} soort Pesten 6 0,2 1,9" in lines
    assert f"oktober {first} plek Schoolplein 6 0,2 1,9" in lines
    assert "Vangnet geeft een vroeg signaal als een soort incident" in flat
    assert "Zo leest u dit verslag" in lines
    # title page: the scope, the year, made on, by a role and not by a name
    assert "School School A" in lines
    assert "Bestuur Stichting Noord" in lines
    assert f"Periode 1 augustus {first} tot en met 31 juli {first + 1}" in lines
    assert "Gemaakt door Directeur / coördinator sociale veiligheid" in lines
    assert_no_names(text, names_in_world(world))
    assert "Director A" not in text


def test_the_board_report_compares_schools_and_leaves_other_boards_out(world, client_for, tmp_path):
    year = populate(world)
    response = client_for("board").get(url(year, "pdf", bestuur=world.board.pk))
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    lines = flat_lines(text)
    assert "Bestuur Stichting Noord" in lines
    assert "Vastgelegde incidenten 13 5 +8" in lines
    assert "School A 9 5 +4" in lines
    assert "School B 4 0 +4" in lines
    assert "School C" not in text and "Stichting Zuid" not in text
    assert "Per groep" not in text  # a board's report goes per school
    assert "Leerling die het overkwam 0 0 minder dan 5" in lines
    assert "Gemaakt door Bestuur" in lines
    # the rule per school as well as for the board as a whole
    first = int(year[:4])
    assert f"oktober {first} soort Pesten School A 6 0,2 1,9" in lines
    assert f"oktober {first} soort Pesten alle scholen 6 0,2 1,9" in lines
    assert_no_names(text, names_in_world(world))


def test_a_running_year_is_compared_with_the_same_part_of_last_year(world, client_for, tmp_path):
    populate(world)
    today = timezone.localdate()
    year = school_year_of(today)
    response = client_for("care_a").get(url(year, "pdf", school=world.school_a.pk))
    assert response.status_code == 200
    flat = " ".join(flat_lines(pdf_text(response.content, tmp_path)))
    assert "Het schooljaar is nog niet voorbij." in flat
    assert "(zelfde periode)" in flat
    assert "Gemaakt door Intern begeleider / aandachtsfunctionaris" in flat


# --- the XLSX -------------------------------------------------------------------------------


def test_the_xlsx_holds_the_same_figures_as_numbers(world, client_for):
    year = populate(world)
    response = client_for("director_a").get(url(year, "xlsx", school=world.school_a.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == annual_report.XLSX_TYPE
    assert f"jaarverslag-incidenten-school-a-{year}.xlsx" in response["Content-Disposition"]
    book = workbook(response.content)
    assert book.sheetnames == [
        "Toelichting",
        "Totaal",
        "Per maand",
        "Per soort",
        "Per plek",
        "Per weekdag",
        "Per ernst",
        "Per groep",
        "Herhaald betrokken",
        "Plek en tijd",
        "Signalen",
    ]
    o = overview.build(world["director_a"], school_scope(world), overview.school_year_period(year))
    assert sheet_rows(book, "Totaal") == [["Vastgelegde incidenten", 9, 5, 4]]
    assert sheet_rows(book, "Per maand") == [
        [r.label, r.count, r.previous, r.change] for r in o.by_month
    ]
    for name, rows in (
        ("Per soort", o.by_category),
        ("Per plek", o.by_location),
        ("Per weekdag", o.by_weekday),
        ("Per ernst", o.by_severity),
    ):
        assert sheet_rows(book, name) == [[r.label, r.count, r.previous, r.change] for r in rows]
    assert sheet_rows(book, "Per soort")[0] == ["Pesten", 6, 3, 3]
    # small numbers as text, the change next to them left out
    assert sheet_rows(book, "Per groep") == [["Groep 5", 6, 0, 6], ["Groep 6", "<5", 0, None]]
    assert sheet_rows(book, "Herhaald betrokken") == [
        ["Leerling die het initiatief nam", 0, "<5", 0],
        ["Leerling die het overkwam", 0, 0, "<5"],
        ["Omstander", 0, 0, 0],
    ]
    assert sheet_rows(book, "Plek en tijd") == [
        [loc, *counts, sum(counts)]
        for loc, counts in zip(o.hot_spot_locations, o.hot_spot_grid, strict=True)
    ]
    first = int(year[:4])
    assert sheet_rows(book, "Signalen") == [
        [f"oktober {first}", "soort", "Pesten", 6, 0.2, 1.9],
        [f"oktober {first}", "plek", "Schoolplein", 6, 0.2, 1.9],
    ]
    # layout: a title, a header row in bold, columns wide enough, the panes frozen
    for name in book.sheetnames[1:]:
        ws = book[name]
        assert ws["A1"].value and ws["A1"].font.bold
        assert all(cell.font.bold for cell in ws[3] if cell.value is not None)
        assert ws.freeze_panes == "B4"
        assert ws.column_dimensions["A"].width >= 10
    assert book["Per plek"].column_dimensions["A"].width >= len("Gymzaal en kleedkamers")
    explanation = [
        str(v) for row in book["Toelichting"].iter_rows(values_only=True) for v in row if v
    ]
    assert explanation[0] == f"Jaarverslag incidenten {year}"
    assert "Gemaakt door" in explanation
    assert "Directeur / coördinator sociale veiligheid" in explanation
    assert any(t.startswith("Vangnet geeft een vroeg signaal") for t in explanation)
    everything = " ".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
    )
    assert_no_names(everything, names_in_world(world))
    assert book.properties.creator == "Vangnet"


def test_the_board_xlsx_has_a_sheet_per_school(world, client_for):
    year = populate(world)
    response = client_for("board").get(url(year, "xlsx", bestuur=world.board.pk))
    assert response.status_code == 200
    book = workbook(response.content)
    assert "Per groep" not in book.sheetnames
    assert sheet_rows(book, "Per school") == [["School A", 9, 5, 4], ["School B", 4, 0, 4]]
    assert sheet_rows(book, "Totaal") == [["Vastgelegde incidenten", 13, 5, 8]]


# --- access, audit, bad years ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("teacher_a", 404),
        ("care_a", 200),
        ("director_a", 200),
        ("adviser_a", 404),
        ("teacher_b", 404),
        ("board", 200),
        ("privacy", 404),
        ("admin", 404),
        ("other_board", 404),
        ("no_role", 404),
    ],
)
def test_who_may_make_the_report_of_school_a(world, client_for, persona, expected):
    _first, year = report_year()
    response = client_for(persona).get(url(year, "xlsx", school=world.school_a.pk))
    assert response.status_code == expected
    made = AuditEvent.objects.filter(event_type=EventType.INCIDENT_ANNUAL_REPORT)
    assert made.count() == (1 if expected == 200 else 0)


@pytest.mark.parametrize(
    "persona",
    [
        "teacher_a",
        "care_a",
        "director_a",
        "adviser_a",
        "teacher_b",
        "board",
        "privacy",
        "admin",
        "other_board",
        "no_role",
    ],
)
def test_who_may_open_the_boards_report_and_a_schools_year_in_review(world, client_for, persona):
    _first, year = report_year()
    client = client_for(persona)
    board_report = client.get(url(year, "xlsx", bestuur=world.board.pk))
    assert board_report.status_code == (200 if persona == "board" else 404)
    review = client.get(review_url(school=world.school_a.pk))
    assert review.status_code == (200 if persona in ("care_a", "director_a", "board") else 404)


def test_scopes_that_are_not_yours_are_404(world, client_for):
    _first, year = report_year()
    cases = [
        ("director_a", {"school": world.school_b.pk}),
        ("director_a", {"school": world.school_c.pk}),
        ("director_a", {"bestuur": world.board.pk}),
        ("director_a", {"school": "abc"}),
        ("director_a", {"school": 99999999}),
        ("board", {"bestuur": world.other_board.pk}),
        ("board", {"school": world.school_c.pk}),
        ("other_board", {"bestuur": world.board.pk}),
        ("other_board", {"school": world.school_a.pk}),
    ]
    for persona, params in cases:
        for fmt in ("pdf", "xlsx"):
            response = client_for(persona).get(url(year, fmt, **params))
            assert response.status_code == 404, (persona, params, fmt)
    assert client_for("board").get(url(year, "xlsx", school=world.school_b.pk)).status_code == 200
    assert not AuditEvent.objects.filter(
        event_type=EventType.INCIDENT_ANNUAL_REPORT, school_id=world.school_a.pk
    ).exists()


def test_anonymous_is_sent_to_the_login(world):
    from django.test import Client

    _first, year = report_year()
    response = Client().get(url(year, "pdf", school=world.school_a.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_bad_year_is_404(world, client_for):
    current = int(school_year_of(timezone.localdate())[:4])
    client = client_for("director_a")
    for year in (
        "2025-2027",
        "2025",
        "abcd-efgh",
        "2025-2026x",
        "+202-2025",
        f"{current + 1}-{current + 2}",  # not begun yet
    ):
        for fmt in ("pdf", "xlsx"):
            response = client.get(url(year, fmt, school=world.school_a.pk))
            assert response.status_code == 404, year
    assert not AuditEvent.objects.filter(event_type=EventType.INCIDENT_ANNUAL_REPORT).exists()


def test_the_report_is_audited_with_its_scope_period_and_format(world, client_for):
    year = populate(world)
    first = int(year[:4])
    assert client_for("director_a").get(url(year, "pdf", school=world.school_a.pk)).status_code
    assert client_for("board").get(url(year, "xlsx", bestuur=world.board.pk)).status_code
    events = list(
        AuditEvent.objects.filter(event_type=EventType.INCIDENT_ANNUAL_REPORT).order_by("seq")
    )
    assert [(e.actor_id, e.board_id, e.school_id, e.object_id) for e in events] == [
        (world["director_a"].pk, world.board.pk, world.school_a.pk, str(world.school_a.pk)),
        (world["board"].pk, world.board.pk, None, str(world.board.pk)),
    ]
    period = {"from": f"{first}-08-01", "to": f"{first + 1}-07-31", "school_year": year}
    assert events[0].data == {
        "scope": "school",
        "scope_id": world.school_a.pk,
        "format": "pdf",
        **period,
    }
    assert events[1].data == {
        "scope": "board",
        "scope_id": world.board.pk,
        "format": "xlsx",
        **period,
    }
    assert str(EventType(809).label) == "Jaarverslag incidenten gemaakt"


def test_the_event_is_written_before_the_file_goes_out(world, client_for, monkeypatch):
    """A failed audit write means no file."""
    from vangnet.incidents import annual_views

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr(annual_views, "record", broken)
    _first, year = report_year()
    with pytest.raises(RuntimeError):
        client_for("director_a").get(url(year, "xlsx", school=world.school_a.pk))


# --- the year's signals ---------------------------------------------------------------------


def spike_world(world: World) -> int:
    """One theft a month in the classroom of school A for eighteen months, then six in
    February of the last complete school year."""
    first, _year = report_year()
    month = dt.date(first - 1, 8, 1)
    while month < dt.date(first + 1, 2, 1):
        make_incident(
            world,
            world.school_a,
            at(month.year, month.month, 15),
            code="theft",
            location="Klaslokaal",
        )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    for day in range(2, 8):
        make_incident(
            world, world.school_a, at(first + 1, 2, day), code="theft", location="Klaslokaal"
        )
    return first


def test_the_years_signals_follow_the_rule_of_the_insights(world):
    first = spike_world(world)
    year = f"{first}-{first + 1}"
    user = world["director_a"]
    scope = school_scope(world)
    today = dt.date(first + 1, 8, 20)
    signals = annual_report.year_signals(
        user, scope, overview.school_year_period(year, today), today
    )
    assert [(s.month, s.kind, s.key, s.school) for s in signals] == [
        (f"{first + 1}-02", "category", "theft", ""),
        (f"{first + 1}-02", "location", "Klaslokaal", ""),
    ]
    # the same signal the insights compute when February is the latest complete month
    march = dt.date(first + 1, 3, 10)
    expected = dict(
        insights.early_warnings(user, "category", school=world.school_a.pk, today=march)
    )
    assert signals[0].signal == expected["theft"]
    assert signals[0].signal.latest == 6 and signals[0].signal.mean == 1.0
    # February still running: not yet a complete month, so no signal for it
    mid_february = dt.date(first + 1, 2, 20)
    running = overview.school_year_period(year, mid_february)
    assert annual_report.year_signals(user, scope, running, mid_february) == []
    # the board: for the board as a whole and per school
    board_scope = overview.resolve_scope(world["board"], board=world.board.pk)
    board_signals = annual_report.year_signals(
        world["board"], board_scope, overview.school_year_period(year, today), today
    )
    assert [(s.kind, s.school) for s in board_signals] == [
        ("category", ""),
        ("location", ""),
        ("category", "School A"),
        ("location", "School A"),
    ]


def test_largest_changes():
    rows = [
        overview.Row(k, k, now, before)
        for k, now, before in [
            ("a", 5, 1),
            ("b", 2, 2),
            ("c", 0, 3),
            ("d", 7, 6),
            ("e", 4, 0),
            ("f", 1, 2),
            ("g", 3, 2),
        ]
    ]
    rises, falls = annual_report.largest_changes(rows)
    assert [r.key for r in rises] == ["a", "e", "d"]
    assert [r.key for r in falls] == ["c", "f"]


def test_the_council_version_hides_what_the_school_picture_shows(world):
    populate(world)
    _first, year = report_year()
    o = overview.build(world["director_a"], school_scope(world), overview.school_year_period(year))
    assert [r.shown for r in o.by_group] == [6, 4]  # the school's own picture: exact
    council = annual_report.for_the_council(o)
    assert [r.shown for r in council.by_group] == [6, None]
    assert [r.shown for r in council.repeated] == [[0, None, 0], [0, 0, None], [0, 0, 0]]
    assert council.by_category == o.by_category  # incident counts stay exact
    assert [r.shown for r in o.by_group] == [6, 4]  # the original is left alone


# --- the year in review ---------------------------------------------------------------------


def review_url(**params: object) -> str:
    return "/incidenten/jaaroverzicht/?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_the_year_in_review(world, client_for):
    year = populate(world)
    response = client_for("director_a").get(review_url(jaar=year))
    assert response.status_code == 200
    html = response.content.decode()
    assert "School A" in html
    assert 'data-chart="months"' in html
    # rises and falls against last year
    assert re.search(r'data-change="rise"><th scope="row">Pesten</th>.*?\+3</td>', html)
    assert re.search(r'data-change="fall"><th scope="row">Vernieling</th>.*?\u22121</td>', html)
    assert re.search(r'data-change="rise"><th scope="row">Schoolplein</th>.*?\+3</td>', html)
    # the year's signals, the survey's place and the guide for the evaluation
    assert "Vroege signalen in dit schooljaar" in html and "Pesten" in html
    assert "Veiligheidsbeleving (monitor)" in html
    assert "Wat we hiermee doen" in html
    assert f'href="/incidenten/jaarverslag/{year}.pdf?school={world.school_a.pk}"' in html
    assert f'href="/incidenten/jaarverslag/{year}.xlsx?school={world.school_a.pk}"' in html
    assert_no_names(html, PUPIL_NAMES)
    event = AuditEvent.objects.get(event_type=EventType.INCIDENT_INSIGHTS_VIEWED)
    first = int(year[:4])
    assert event.data == {
        "scope": "school",
        "scope_id": world.school_a.pk,
        "from": f"{first}-08-01",
        "to": f"{first + 1}-07-31",
        "page": "year_review",
    }
    assert (event.actor_id, event.school_id) == (world["director_a"].pk, world.school_a.pk)


def test_the_year_in_review_for_the_board_and_outsiders(world, client_for):
    year = populate(world)
    board = client_for("board")
    response = board.get(review_url(school=world.school_b.pk, jaar=year))
    assert response.status_code == 200
    assert "De Wilgenhoek" not in response.content.decode()
    assert 'name="school"' in response.content.decode()  # the board picks one of its schools
    assert board.get(review_url()).status_code == 200
    for persona, params in [
        ("board", {"school": world.school_c.pk}),
        ("director_a", {"school": world.school_b.pk}),
        ("other_board", {"school": world.school_a.pk}),
        ("teacher_a", {}),
        ("adviser_a", {}),
        ("privacy", {}),
        ("no_role", {}),
    ]:
        assert client_for(persona).get(review_url(**params)).status_code == 404, persona


def test_the_year_in_review_explains_a_bad_year(world, client_for):
    response = client_for("director_a").get(review_url(jaar="1999-2001"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kies een van de schooljaren in de lijst" in html
    current = school_year_of(timezone.localdate())
    assert f'<option value="{current}" selected>' in html


# --- the demo board, looked at ---------------------------------------------------------------


def test_the_demo_reports_carry_no_names_and_are_rendered_for_a_look(tmp_path):
    from django.core.management import call_command
    from django.test import Client

    from vangnet.accounts.models import User
    from vangnet.organisations.models import Board, Pupil, School

    call_command("demo", "--pupils-per-group", "3", stdout=io.StringIO())
    names = [
        *{f"{p.first_name} {p.last_name}" for p in Pupil.objects.all()},
        *{p.first_name for p in Pupil.objects.all()},
        *User.objects.exclude(full_name="").values_list("full_name", flat=True),
    ]
    school = School.objects.get(code="91AA00")
    board = Board.objects.get(pk=school.board_id)
    _first, year = report_year()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for email, params, stem in (
        ("directeur.a@vangnet.test", {"school": school.pk}, "annual-report-school"),
        ("bestuur@vangnet.test", {"bestuur": board.pk}, "annual-report-board"),
    ):
        client = Client()
        client.force_login(User.objects.get(email=email))
        response = client.get(url(year, "pdf", **params))
        assert response.status_code == 200
        text = pdf_text(response.content, tmp_path, f"{stem}.pdf")
        assert_no_names(text, names)
        assert "minder dan 5" in text or "Groep" not in text
        pdf = tmp_path / f"{stem}.pdf"
        for old in SCREENSHOTS.glob(f"{stem}-*.png"):
            old.unlink()
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", str(pdf), str(SCREENSHOTS / stem)], check=True
        )
        pages = sorted(SCREENSHOTS.glob(f"{stem}-*.png"))
        assert len(pages) >= 4 and all(p.stat().st_size > 1000 for p in pages)
        response = client.get(url(year, "xlsx", **params))
        book = workbook(response.content)
        everything = " ".join(
            str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
        )
        assert_no_names(everything, names)


def test_made_by_names_the_role_as_the_board_calls_it(world):
    from vangnet.accounts.models import User
    from vangnet.core.roles import Role
    from vangnet.organisations.models import RoleAssignment, RoleTitle

    _first, year = report_year()
    RoleTitle.objects.create(board=world.board, role=Role.BOARD, title="College van bestuur")
    board_scope = overview.resolve_scope(world["board"], board=world.board.pk)
    report = annual_report.build_report(world["board"], board_scope, year)
    assert report.made_by == "College van bestuur"
    RoleAssignment.objects.create(
        user=world["care_a"], role=Role.SAFETY_OFFICER, board=world.board, school=world.school_a
    )
    care = User.objects.get(pk=world["care_a"].pk)  # a fresh scope
    report = annual_report.build_report(care, school_scope(world, "care_a"), year)
    assert report.made_by == (
        "Directeur / coördinator sociale veiligheid en Intern begeleider / aandachtsfunctionaris"
    )
    assert world["care_a"].full_name not in report.made_by


def test_the_years_signals_take_the_same_queries_for_any_number_of_schools(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vangnet.organisations.models import School

    first = spike_world(world)
    year = f"{first}-{first + 1}"
    today = dt.date(first + 1, 8, 20)
    period = overview.school_year_period(year, today)

    def queries() -> int:
        user = type(world["board"]).objects.get(pk=world["board"].pk)  # a fresh scope
        scope = overview.resolve_scope(user, board=world.board.pk)
        with CaptureQueriesContext(connection) as captured:
            annual_report.year_signals(user, scope, period, today)
        return len(captured)

    before = queries()
    for n in range(3):
        school = School.objects.create(board=world.board, name=f"School X{n}", code=f"33X{n}00")
        make_incident(world, school, at(first + 1, 1, 10 + n), code="verbal")
    assert queries() == before <= 8
