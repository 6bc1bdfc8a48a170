"""The board page "Vakanties en termijnen", the school calendar and the sector terms.

The board's administrator enters closed periods (for every school or one school) and,
for SO/VO/MBO, the sector's terms; PO and higher education show theirs read-only. Every
change writes an audit event; bad input comes back with a Dutch message and the form
filled; a double submit changes things once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import include, path
from django.utils import timezone

from tests.world import World
from vangnet.core.audit import Actor
from vangnet.core.models import AuditEvent, EventType
from vangnet.lib.dates import school_year_of
from vangnet.organisations import calendar_actions
from vangnet.organisations.calendar import board_rules, calendar_for, rules_for
from vangnet.organisations.models import MeasureRuleOverride, School, SchoolHoliday, Sector
from vangnet.urls import urlpatterns as site_patterns

# The lead includes vangnet.organisations.calendar_urls in vangnet/urls.py; until then the
# tests route it themselves (a second, identical route is harmless once it is included).
urlpatterns = [*site_patterns, path("", include("vangnet.organisations.calendar_urls"))]

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.test_calendar")]


def url(world: World) -> str:
    return f"/besturen/{world.board.pk}/kalender/"


def next_year() -> int:
    """The calendar year the autumn of next school year falls in (inside the window)."""
    return int(school_year_of(timezone.localdate())[:4]) + 1


def autumn_week() -> tuple[dt.date, dt.date]:
    """Monday to Friday of the week of 20 October next school year (no public holiday)."""
    day = dt.date(next_year(), 10, 20)
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=4)


def add(client: Client, world: World, token: str = "tok-add", **fields: Any):
    monday, friday = autumn_week()
    data = {
        "action": "add",
        "submission_token": token,
        "name": "Herfstvakantie",
        "first_day": monday.isoformat(),
        "last_day": friday.isoformat(),
        "school": "",
    }
    data.update({k: v for k, v in fields.items()})
    return client.post(url(world), data)


def events(kind: EventType) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=kind).order_by("seq"))


def vo_school(world: World) -> School:
    return School.objects.create(
        board=world.board, name="College Noord", code="11VO00", sector=Sector.VO
    )


# --- who may open the page ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("teacher_a", 403),
        ("care_a", 403),
        ("director_a", 403),
        ("adviser_a", 403),
        ("teacher_b", 403),
        ("board", 403),
        ("privacy", 403),
        ("other_board", 404),
        ("no_role", 404),
    ],
)
def test_access(world: World, client_for, persona: str, status: int) -> None:
    client = client_for(persona)
    assert client.get(url(world)).status_code == status
    response = add(client, world)
    assert response.status_code == (302 if status == 200 else status)
    assert SchoolHoliday.objects.count() == (1 if status == 200 else 0)


def test_anonymous_goes_to_login(world: World) -> None:
    response = Client().get(url(world))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_board_is_404(world: World, client_for) -> None:
    assert client_for("admin").get("/besturen/999999/kalender/").status_code == 404
    # the other board's administrator sees only their own board
    other = f"/besturen/{world.other_board.pk}/kalender/"
    assert client_for("admin").get(other).status_code == 404
    assert client_for("other_board").get(other).status_code == 200


# --- the page -----------------------------------------------------------------------------


def test_page_shows_school_years_public_holidays_and_read_only_po_terms(
    world: World, client_for
) -> None:
    html = client_for("admin").get(url(world)).content.decode()
    current = school_year_of(timezone.localdate())
    start = int(current[:4])
    assert f"Schooljaar {current}" in html
    assert f"Schooljaar {start + 1}-{start + 2}" in html
    assert "Tweede Pinksterdag" in html  # a Monday: always listed
    # PO terms with their basis, and no inputs to change them
    assert "Primair onderwijs" in html
    assert "art. 40c WPO" in html and "art. 40 WPO" in html
    assert 'name="po-suspension_max_school_days"' not in html
    assert 'value="rules"' not in html


def test_page_for_higher_education_offers_the_executive_boards_measures(
    world: World, client_for
) -> None:
    world.other_board.sector = Sector.HBO
    world.other_board.save()
    School.objects.filter(board=world.other_board).update(sector=Sector.HBO)
    html = client_for("other_board").get(f"/besturen/{world.other_board.pk}/kalender/")
    text = html.content.decode()
    assert "art. 7.57h WHW" in text
    assert "geen time-out, schorsing of verwijdering" in text
    assert "art. 40c WPO" not in text


def test_page_queries_do_not_grow_with_holidays(
    world: World, client_for, django_assert_max_num_queries
) -> None:
    client = client_for("admin")
    client.get(url(world))  # warm the session
    monday, _friday = autumn_week()
    for n in range(30):
        SchoolHoliday.objects.create(
            board=world.board,
            school=world.school_a if n % 2 else None,
            name=f"Studiedag {n}",
            first_day=monday + dt.timedelta(days=n),
            last_day=monday + dt.timedelta(days=n),
        )
    with django_assert_max_num_queries(15):
        assert client.get(url(world)).status_code == 200


# --- adding and removing holidays ---------------------------------------------------------


def test_add_for_every_school(world: World, client_for) -> None:
    response = add(client_for("admin"), world)
    assert response.status_code == 302 and response["Location"] == url(world)
    holiday = SchoolHoliday.objects.get()
    monday, friday = autumn_week()
    assert (holiday.board, holiday.school, holiday.name) == (world.board, None, "Herfstvakantie")
    (event,) = events(EventType.CALENDAR_CHANGED)
    assert event.board_id == world.board.pk and event.actor_id == world["admin"].pk
    assert event.pupil_id is None
    assert event.data == {
        "added": {
            "name": "Herfstvakantie",
            "first_day": monday.isoformat(),
            "last_day": friday.isoformat(),
            "school_id": None,
        }
    }
    for school in (world.school_a, world.school_b):
        cal = calendar_for(school)
        assert cal.closed_reason(monday) == "Herfstvakantie"
        assert cal.next_school_day(monday) == monday + dt.timedelta(days=7)
    assert calendar_for(world.school_c).is_school_day(monday)  # another board
    html = client_for("admin").get(url(world)).content.decode()
    assert "Herfstvakantie" in html and "alle scholen" in html


def test_add_for_one_school(world: World, client_for) -> None:
    add(client_for("admin"), world, name="Studiedagen", school=str(world.school_a.pk))
    monday, _friday = autumn_week()
    assert calendar_for(world.school_a).closed_reason(monday) == "Studiedagen"
    assert calendar_for(world.school_b).is_school_day(monday)
    (event,) = events(EventType.CALENDAR_CHANGED)
    assert event.school_id == world.school_a.pk


def test_a_suspension_counted_over_the_boards_holiday(world: World) -> None:
    """Thursday before the autumn week, 5 school days: Thu, Fri, then (after the closed
    week) Mon, Tue, Wed."""
    monday, friday = autumn_week()
    SchoolHoliday.objects.create(
        board=world.board, name="Herfstvakantie", first_day=monday, last_day=friday
    )
    thursday = monday - dt.timedelta(days=4)
    cal = calendar_for(world.school_a)
    assert cal.add_school_days(thursday, 5) == monday + dt.timedelta(days=9)


def test_double_submit_adds_once(world: World, client_for) -> None:
    client = client_for("admin")
    first = add(client, world, token="same")
    second = add(client, world, token="same")
    assert first.status_code == second.status_code == 302
    assert SchoolHoliday.objects.count() == 1
    assert len(events(EventType.CALENDAR_CHANGED)) == 1


def test_last_day_before_first_is_refused_and_the_form_kept(world: World, client_for) -> None:
    monday, friday = autumn_week()
    response = add(
        client_for("admin"),
        world,
        name="Verkeerd om",
        first_day=friday.isoformat(),
        last_day=monday.isoformat(),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "De laatste vrije dag ligt vóór de eerste vrije dag." in html
    assert 'value="Verkeerd om"' in html and f'value="{friday.isoformat()}"' in html
    assert SchoolHoliday.objects.count() == 0
    assert events(EventType.CALENDAR_CHANGED) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "   "}, "Vul een naam in."),
        ({"first_day": ""}, "Vul de eerste vrije dag in."),
        ({"last_day": "31-02-2027"}, "Vul een geldige datum in."),
        ({"name": "x" * 101}, "De naam is te lang (hoogstens 100 tekens)."),
        ({"school": "999999"}, "Kies een school van dit bestuur."),
    ],
)
def test_missing_or_wrong_fields(world: World, client_for, fields, message) -> None:
    response = add(client_for("admin"), world, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert SchoolHoliday.objects.count() == 0


def test_a_school_of_another_board_is_refused(world: World, client_for) -> None:
    response = add(client_for("admin"), world, school=str(world.school_c.pk))
    assert "Kies een school van dit bestuur." in response.content.decode()
    assert SchoolHoliday.objects.count() == 0


def test_too_long_or_out_of_range_periods(world: World, client_for) -> None:
    monday, _friday = autumn_week()
    client = client_for("admin")
    long = add(client, world, last_day=(monday + dt.timedelta(days=92)).isoformat())
    assert "hoogstens 92 dagen" in long.content.decode()
    far = dt.date(next_year() + 8, 10, 1)
    response = add(client, world, first_day=far.isoformat(), last_day=far.isoformat())
    assert "Kies een datum van" in response.content.decode()
    assert SchoolHoliday.objects.count() == 0


def test_duplicate_name_and_dates_refused_overlap_allowed(world: World, client_for) -> None:
    client = client_for("admin")
    add(client, world, token="t1")
    again = add(client, world, token="t2", name="herfstvakantie ")
    assert again.status_code == 200
    assert "Deze vakantie staat er al" in again.content.decode()
    # the same days under another name overlap: that is fine
    assert add(client, world, token="t3", name="Herfst, extra").status_code == 302
    # a single school is already covered by the board-wide row
    one = add(client, world, token="t4", school=str(world.school_a.pk))
    assert "Deze vakantie staat er al" in one.content.decode()
    assert SchoolHoliday.objects.count() == 2


def test_same_day_for_two_single_schools(world: World, client_for) -> None:
    client = client_for("admin")
    assert (
        add(client, world, token="a", name="Studiedag", school=str(world.school_a.pk)).status_code
        == 302
    )
    assert (
        add(client, world, token="b", name="Studiedag", school=str(world.school_b.pk)).status_code
        == 302
    )
    assert SchoolHoliday.objects.count() == 2


def test_the_action_refuses_a_duplicate_too(world: World) -> None:
    """The form checks first; the action (and the database) also hold when two requests
    race past the form."""
    monday, friday = autumn_week()
    actor = Actor(user=world["admin"])
    kwargs = {"name": "Herfst", "first_day": monday, "last_day": friday, "school": None}
    calendar_actions.do_add_holiday(world.board, actor=actor, **kwargs)
    with pytest.raises(calendar_actions.DuplicateHoliday):
        calendar_actions.do_add_holiday(world.board, actor=actor, **kwargs)
    with pytest.raises(ValueError, match="another board"):
        calendar_actions.do_add_holiday(
            world.board, actor=actor, **(kwargs | {"school": world.school_c})
        )
    assert len(events(EventType.CALENDAR_CHANGED)) == 1


def test_the_database_refuses_last_before_first(world: World) -> None:
    monday, friday = autumn_week()
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolHoliday.objects.create(
            board=world.board, name="Verkeerd", first_day=friday, last_day=monday
        )


def remove(client: Client, world: World, holiday_id: int, token: str = "tok-rm"):
    return client.post(
        url(world), {"action": "remove", "holiday": holiday_id, "submission_token": token}
    )


def test_remove(world: World, client_for) -> None:
    client = client_for("admin")
    add(client, world)
    holiday = SchoolHoliday.objects.get()
    response = remove(client, world, holiday.pk)
    assert response.status_code == 302
    assert not SchoolHoliday.objects.exists()
    _added, removed = events(EventType.CALENDAR_CHANGED)
    assert removed.data["removed"]["name"] == "Herfstvakantie"
    assert removed.object_id == str(holiday.pk)
    # the same click again: answered with the first result, nothing more recorded
    assert remove(client, world, holiday.pk).status_code == 302
    assert len(events(EventType.CALENDAR_CHANGED)) == 2
    # a new click on a row that is gone
    assert remove(client, world, holiday.pk, token="other").status_code == 404


def test_remove_another_boards_holiday_is_404(world: World, client_for) -> None:
    monday, friday = autumn_week()
    theirs = SchoolHoliday.objects.create(
        board=world.other_board, name="Zuid", first_day=monday, last_day=friday
    )
    assert remove(client_for("admin"), world, theirs.pk).status_code == 404
    assert remove(client_for("board"), world, theirs.pk).status_code == 403
    assert SchoolHoliday.objects.filter(pk=theirs.pk).exists()
    assert events(EventType.CALENDAR_CHANGED) == []


# --- the sector terms ---------------------------------------------------------------------


def rules_post(sector: str, version: int = 0, token: str = "tok-rules", **values: Any):
    from vangnet.lib.measure_rules import OVERRIDABLE, defaults

    base = defaults(sector)
    prefix = sector.lower()
    data = {
        "action": "rules",
        "sector": sector,
        f"{prefix}-submission_token": token,
        f"{prefix}-version": version,
    }
    for name in OVERRIDABLE:
        data[f"{prefix}-{name}"] = values.get(name, getattr(base, name))
    return data


def test_po_terms_cannot_be_posted(world: World, client_for) -> None:
    client = client_for("admin")
    assert (
        client.post(url(world), rules_post("PO", suspension_max_school_days=3)).status_code == 403
    )
    # a sector the board does not have
    assert client.post(url(world), rules_post("VO")).status_code == 404
    assert not MeasureRuleOverride.objects.exists()


def test_vo_terms_changed_and_audited(world: World, client_for) -> None:
    school = vo_school(world)
    client = client_for("admin")
    html = client.get(url(world)).content.decode()
    assert 'name="vo-suspension_max_school_days"' in html
    assert "Inrichtingsbesluit WVO" in html
    response = client.post(
        url(world), rules_post("VO", suspension_max_school_days=3, expulsion_search_weeks=10)
    )
    assert response.status_code == 302
    rules = rules_for(school)
    assert (rules.suspension_max_school_days, rules.expulsion_search_weeks) == (3, 10)
    assert rules_for(world.school_a).suspension_max_school_days == 5  # PO untouched
    row = MeasureRuleOverride.objects.get()
    assert row.values == {"suspension_max_school_days": 3, "expulsion_search_weeks": 10}
    assert row.version == 1
    (event,) = events(EventType.MEASURE_RULES_CHANGED)
    assert event.data == {
        "sector": "VO",
        "old": {"expulsion_search_weeks": 8, "suspension_max_school_days": 5},
        "new": {"expulsion_search_weeks": 10, "suspension_max_school_days": 3},
    }
    # the page shows the terms in force
    assert ">3 schooldagen<" in client.get(url(world)).content.decode().replace("\n", "")


def test_vo_terms_back_to_the_defaults(world: World, client_for) -> None:
    vo_school(world)
    client = client_for("admin")
    client.post(url(world), rules_post("VO", token="a", suspension_max_school_days=3))
    client.post(url(world), rules_post("VO", version=1, token="b"))
    assert MeasureRuleOverride.objects.get().values == {}
    assert len(events(EventType.MEASURE_RULES_CHANGED)) == 2
    # saving without a change records nothing
    client.post(url(world), rules_post("VO", version=2, token="c"))
    assert len(events(EventType.MEASURE_RULES_CHANGED)) == 2


def test_vo_term_out_of_range_is_refused_with_the_form_kept(world: World, client_for) -> None:
    vo_school(world)
    response = client_for("admin").post(
        url(world), rules_post("VO", suspension_max_school_days=6, objection_weeks=4)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "een schorsing duurt volgens de wet hoogstens één week" in html
    assert "ouders krijgen minstens zes weken" in html
    assert 'name="vo-suspension_max_school_days" value="6"' in html
    assert not MeasureRuleOverride.objects.exists()
    assert events(EventType.MEASURE_RULES_CHANGED) == []


def test_vo_terms_conflict(world: World, client_for) -> None:
    vo_school(world)
    client = client_for("admin")
    client.post(url(world), rules_post("VO", token="first", appeal_decision_days=10))
    stale = client.post(url(world), rules_post("VO", token="second", appeal_decision_days=12))
    assert stale.status_code == 200
    assert "Iemand anders heeft dit intussen gewijzigd" in stale.content.decode()
    assert MeasureRuleOverride.objects.get().values == {"appeal_decision_days": 10}


def test_vo_terms_double_submit_once(world: World, client_for) -> None:
    vo_school(world)
    client = client_for("admin")
    data = rules_post("VO", token="same", appeal_decision_days=10)
    assert client.post(url(world), data).status_code == 302
    again = client.post(url(world), data, follow=True)
    assert "Dit formulier was al verstuurd" in again.content.decode()
    assert len(events(EventType.MEASURE_RULES_CHANGED)) == 1
    assert MeasureRuleOverride.objects.get().version == 1


def test_an_unknown_action_changes_nothing(world: World, client_for) -> None:
    response = client_for("admin").post(url(world), {"action": "wipe", "submission_token": "x"})
    assert response.status_code == 200
    assert not SchoolHoliday.objects.exists() and not MeasureRuleOverride.objects.exists()


def test_a_stored_value_outside_the_bounds_is_ignored(world: World) -> None:
    school = vo_school(world)
    MeasureRuleOverride.objects.create(
        board=world.board,
        sector="VO",
        values={"suspension_max_school_days": 9, "appeal_decision_days": 7},
    )
    rules = rules_for(school)
    assert rules.suspension_max_school_days == 5
    assert rules.appeal_decision_days == 7
    # and a PO board's stored values never apply
    MeasureRuleOverride.objects.create(
        board=world.board, sector="PO", values={"appeal_decision_days": 7}
    )
    assert board_rules(world.board.pk, "PO").appeal_decision_days == 14


# --- demo holidays ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today", [dt.date(2026, 11, 21), dt.date(2027, 7, 31), dt.date(2027, 8, 1), dt.date(2031, 3, 1)]
)
def test_demo_holidays_for_this_and_next_school_year(world: World, today: dt.date) -> None:
    from vangnet.demo.holidays import add_holidays

    assert add_holidays(world.board, today) == 10
    rows = list(SchoolHoliday.objects.filter(board=world.board).order_by("first_day"))
    start = int(school_year_of(today)[:4])
    assert {school_year_of(r.first_day) for r in rows} == {
        f"{start}-{start + 1}",
        f"{start + 1}-{start + 2}",
    }
    for row in rows:
        assert row.school is None
        assert row.first_day.weekday() == 5 and row.last_day.weekday() == 6  # Sat to Sun
        length = (row.last_day - row.first_day).days + 1
        assert (
            length
            == {
                "Herfstvakantie": 9,
                "Voorjaarsvakantie": 9,
                "Kerstvakantie": 16,
                "Meivakantie": 16,
                "Zomervakantie": 44,
            }[row.name]
        )
        if row.name == "Herfstvakantie":
            assert row.first_day.isocalendar()[1] == 42  # the Saturday before week 43
        if row.name == "Kerstvakantie":
            assert row.first_day <= dt.date(row.first_day.year, 12, 25) <= row.last_day
        if row.name == "Meivakantie":
            assert row.first_day <= dt.date(row.last_day.year, 4, 27) <= row.last_day
        if row.name == "Zomervakantie":
            assert (
                dt.date(row.first_day.year, 7, 12)
                <= row.first_day
                <= dt.date(row.first_day.year, 7, 18)
            )
    # a second run adds nothing and records nothing more
    assert add_holidays(world.board, today) == 0
    (event,) = events(EventType.CALENDAR_CHANGED)
    assert len(event.data["demo_holidays"]) == 10 and event.actor_id is None


def test_demo_holidays_2025_2026_match_region_midden(world: World) -> None:
    """The published dates of region Midden for 2025-2026 (autumn, Christmas, spring,
    summer) come out of the rule; the May holiday is the two-week variant."""
    from vangnet.demo.holidays import school_year_holidays

    got = {name: (first, last) for name, first, last in school_year_holidays(2025)}
    assert got["Herfstvakantie"] == (dt.date(2025, 10, 18), dt.date(2025, 10, 26))
    assert got["Kerstvakantie"] == (dt.date(2025, 12, 20), dt.date(2026, 1, 4))
    assert got["Voorjaarsvakantie"] == (dt.date(2026, 2, 14), dt.date(2026, 2, 22))
    assert got["Meivakantie"] == (dt.date(2026, 4, 18), dt.date(2026, 5, 3))
    assert got["Zomervakantie"] == (dt.date(2026, 7, 18), dt.date(2026, 8, 30))
