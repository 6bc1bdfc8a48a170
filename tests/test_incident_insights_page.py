"""The insights page (/incidenten/inzicht/): who may open which picture, the figures it
shows against constructed incidents, the comparison with a year earlier, small numbers,
repeated involvement, hot spots, signals per school and the audit event."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_incident_insights import make_incident
from tests.world import World
from vangnet.core.audit import verify_chain
from vangnet.core.models import AuditEvent, EventType
from vangnet.incidents import overview
from vangnet.incidents.charts import month_chart

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
URL = "/incidenten/inzicht/"
PERIOD = {"van": "2025-09-01", "tot": "2025-12-31"}


def at(y: int, m: int, d: int, h: int = 10, minute: int = 30) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=AMS)


def get(client: Client, **params: str) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def cell(html: str, table_id: str, key: str) -> list[str]:
    """The three figure cells (now, a year earlier, change) of one row of a table."""
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    row = table.split(f'data-key="{key}"', 1)[1].split("</tr>", 1)[0]
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]


@pytest.fixture
def incidents(world: World) -> None:
    a, b = world.school_a, world.school_b
    # September 2025 at school A: three incidents, one with three pupils (counts once)
    make_incident(
        world,
        a,
        at(2025, 9, 3),
        people=[
            ("initiator", world.pupil_a5),
            ("affected", world.pupil_a6),
            ("bystander", None),
        ],
    )
    make_incident(world, a, at(2025, 9, 10), people=[("initiator", world.pupil_a5)])
    make_incident(world, a, at(2025, 9, 17), people=[("initiator", world.pupil_a5)])
    # October 2025: online bullying, serious
    make_incident(world, a, at(2025, 10, 8, 12, 40), code="online_bullying", severity="serious")
    # a year earlier: September 2024, once
    make_incident(world, a, at(2024, 9, 12), people=[("affected", world.pupil_a6)])
    # school B (same board) and outside the period
    make_incident(world, b, at(2025, 11, 5), people=[("initiator", world.pupil_b3)])
    make_incident(world, a, at(2026, 1, 15))


@pytest.mark.parametrize(
    ("persona", "params", "status"),
    [
        ("director_a", {}, 200),
        ("care_a", {}, 200),
        ("board", {}, 200),
        ("teacher_a", {}, 404),
        ("adviser_a", {}, 404),
        ("privacy", {}, 404),
        ("no_role", {}, 404),
        ("director_a", {"school": "school_b"}, 404),
        ("director_a", {"bestuur": "board"}, 404),
        ("other_board", {"school": "school_a"}, 404),
        ("other_board", {"bestuur": "board"}, 404),
        ("board", {"school": "school_b"}, 200),
        ("board", {"school": "school_c"}, 404),
        ("board", {"school": "abc"}, 404),
        ("board", {"bestuur": "999999"}, 404),
    ],
)
def test_who_may_open_which_picture(
    world: World, client_for: object, persona: str, params: dict[str, str], status: int
) -> None:
    ids = {
        "school_a": world.school_a.pk,
        "school_b": world.school_b.pk,
        "school_c": world.school_c.pk,
        "board": world.board.pk,
    }
    query = {k: str(ids.get(v, v)) for k, v in params.items()}
    response = client_for(persona).get(URL, query)  # type: ignore[operator]
    assert response.status_code == status


def test_school_figures_count_each_incident_once_and_compare_a_year_earlier(
    world: World, client_for: object, incidents: None
) -> None:
    html = get(client_for("director_a"), school=str(world.school_a.pk), **PERIOD)  # type: ignore[operator]
    # 4 incidents at school A from September to December 2025; 1 in the same months of 2024
    assert 'data-total="4"' in html
    assert cell(html, "trend-table", "2025-09") == ["3", "1", "+2"]
    assert cell(html, "trend-table", "2025-10") == ["1", "0", "+1"]
    assert cell(html, "trend-table", "2025-12") == ["0", "0", "0"]
    assert cell(html, "category-table", "bullying") == ["3", "1", "+2"]
    assert cell(html, "category-table", "online_bullying") == ["1", "0", "+1"]
    # the chart carries the same figures as the table
    assert 'data-month="2025-09" data-count="3" data-previous="0"' in html
    assert 'data-month="2025-09" data-count="1" data-previous="1"' in html
    # no names of pupils anywhere on the page
    for name in ("Anna", "Visser", "Bram", "Bakker", "Cas", "Mulder"):
        assert name not in html


def test_repeated_involvement_and_hot_spots(world: World, incidents: None) -> None:
    period = overview.Period(dt.date(2025, 9, 1), dt.date(2025, 12, 31))
    scope = overview.resolve_scope(world["director_a"], school=world.school_a.pk)
    picture = overview.build(world["director_a"], scope, period, today=dt.date(2026, 2, 1))
    initiator = next(r for r in picture.repeated if r.role == "initiator")
    # pupil A5 took the initiative three times: one pupil in the "3-4 times" bucket
    assert initiator.buckets == (0, 1, 0)
    assert next(r for r in picture.repeated if r.role == "affected").buckets == (0, 0, 0)
    # three incidents at the playground between 10.00 and 12.00: a hot spot
    assert [(h.location, h.count) for h in picture.hot_spots] == [("Schoolplein", 3)]
    row = dict(picture.hot_spot_table)["Schoolplein"]
    assert row[2] == 3  # 10.00-12.00
    assert row[3] == 1  # 12.00-13.15 (the online bullying at 12.40)
    # per group: the incidents involving pupils of each group (group 5 three times)
    assert {r.key: r.count for r in picture.by_group} == {"Groep 5": 3, "Groep 6": 1}


def test_the_board_sees_schools_and_small_numbers_suppressed(
    world: World, client_for: object, incidents: None
) -> None:
    html = get(client_for("board"), bestuur=str(world.board.pk), **PERIOD)  # type: ignore[operator]
    assert 'data-total="5"' in html  # school A (4) and school B (1)
    assert "School A" in html and "School B" in html
    assert "&lt;5" in html  # one pupil took the initiative three times: a small number
    board_scope = overview.resolve_scope(world["board"], board=world.board.pk)
    picture = overview.build(
        world["board"],
        board_scope,
        overview.Period(dt.date(2025, 9, 1), dt.date(2025, 12, 31)),
        today=dt.date(2026, 2, 1),
    )
    # incident counts per school are exact: they say nothing about a pupil
    a_row = next(r for r in picture.by_school if r.label == "School A")
    assert (a_row.count, a_row.shown) == (4, 4)
    # counts of pupils are not: 1 to 4 pupils show as "fewer than 5"
    initiator = next(r for r in picture.repeated if r.role == "initiator")
    assert initiator.buckets == (0, 1, 0)
    assert initiator.shown == [0, None, 0]
    assert picture.by_group == []


def test_bad_periods_give_a_message_and_the_running_year(world: World, client_for: object) -> None:
    client = client_for("director_a")  # type: ignore[operator]
    assert "De einddatum ligt voor de begindatum." in get(
        client, van="2025-10-01", tot="2025-09-01"
    )
    assert "geldige begin- en einddatum" in get(client, van="2025-10-01")
    assert "Dat schooljaar bestaat niet" in get(client, jaar="2025-2027")
    assert "Kies een van de schooljaren" in get(client, jaar="1990-1991")
    assert "De periode begint in de toekomst." in get(client, van="2999-01-01", tot="2999-02-01")


def test_viewing_writes_an_audit_event(world: World, client_for: object) -> None:
    get(client_for("board"), bestuur=str(world.board.pk), **PERIOD)  # type: ignore[operator]
    event = AuditEvent.objects.filter(event_type=EventType.INCIDENT_INSIGHTS_VIEWED).get()
    assert event.actor_id == world["board"].pk
    assert event.data == {
        "scope": "board",
        "scope_id": world.board.pk,
        "from": "2025-09-01",
        "to": "2025-12-31",
        "page": "insights",
    }
    assert verify_chain(event.chain).ok


def test_signals_per_school_on_the_board_picture(world: World) -> None:
    """Twelve quiet months at school B, then a clear rise: the board sees the signal for
    school B and the school's own picture shows it too."""
    b = world.school_b
    for month in range(1, 13):  # 2025: one incident a month
        make_incident(world, b, at(2025, month, 14), location="Gang en trappen")
    for day in (5, 8, 12, 15, 19, 22):  # January 2026: six
        make_incident(world, b, at(2026, 1, day), location="Gang en trappen")
    today = dt.date(2026, 2, 10)
    board_scope = overview.resolve_scope(world["board"], board=world.board.pk)
    period = overview.Period(dt.date(2025, 8, 1), today)
    picture = overview.build(world["board"], board_scope, period, today=today)
    per_school = {(w.kind, w.label, w.school) for w in picture.warnings if w.school}
    assert ("location", "Gang en trappen", "School B") in per_school
    assert ("category", "Pesten", "School B") in per_school
    assert picture.warnings_month == "januari 2026"
    school_scope = overview.resolve_scope(world["board"], school=b.pk)
    own = overview.build(world["board"], school_scope, period, today=today)
    assert {(w.kind, w.label) for w in own.warnings} == {
        ("category", "Pesten"),
        ("location", "Gang en trappen"),
    }


@pytest.mark.parametrize(
    ("counts", "top_tick"),
    [((0, 0), 1), ((3, 1), 3), ((7, 2), 8), ((23, 40), 40), ((101, 0), 150)],
)
def test_month_chart_scale_fits_the_largest_bar(counts: tuple[int, int], top_tick: int) -> None:
    rows = [overview.Row("2025-09", "september 2025", counts[0], counts[1])]
    chart = month_chart(rows)
    assert max(t.value for t in chart.ticks) == top_tick
    tallest = max(chart.bars, key=lambda b: b.height)
    assert tallest.count == max(counts)
    assert all(b.y + b.height == pytest.approx(chart.baseline) for b in chart.bars)


def test_the_navigation_links_to_trends_for_who_may_see_them(
    world: World, client_for: object
) -> None:
    trends = f'href="{reverse("incident_insights")}"'
    assert trends in client_for("director_a").get("/").content.decode()  # type: ignore[operator]
    assert trends in client_for("board").get("/").content.decode()  # type: ignore[operator]
    assert trends not in client_for("teacher_a").get("/").content.decode()  # type: ignore[operator]


def test_the_board_sees_small_numbers_hidden_also_for_one_school(
    world: World, incidents: None
) -> None:
    period = overview.Period(dt.date(2025, 9, 1), dt.date(2025, 12, 31))
    as_board = overview.resolve_scope(world["board"], school=world.school_a.pk)
    own = overview.resolve_scope(world["director_a"], school=world.school_a.pk)
    board_view = overview.build(world["board"], as_board, period, today=dt.date(2026, 2, 1))
    school_view = overview.build(world["director_a"], own, period, today=dt.date(2026, 2, 1))
    initiator = next(r for r in board_view.repeated if r.role == "initiator")
    assert initiator.shown == [0, None, 0]
    assert {r.key: r.shown for r in board_view.by_group} == {"Groep 5": None, "Groep 6": None}
    assert next(r for r in school_view.repeated if r.role == "initiator").shown == [0, 1, 0]


def test_the_year_in_review_is_under_trends_in_the_menu(world: World, client_for: object) -> None:
    page = (
        client_for("director_a")
        .get(  # type: ignore[operator]
            f"/incidenten/jaaroverzicht/?school={world.school_a.pk}"
        )
        .content.decode()
    )
    assert f'<a href="{reverse("incident_insights")}" aria-current="page">' in page
    assert '<a href="/incidenten/" aria-current="page">' not in page
