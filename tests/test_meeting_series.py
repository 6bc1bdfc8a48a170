"""Changing a care-meeting series after it was made: its name, rhythm, time, place and first
date (the version guards against a stale form), its members (add, change, remove, never the
last one, never the same colleague twice), and stopping it (no new dates; "Gestopt" on the
overview) and starting it again — through the actions and through the pages, per persona.

The series of :func:`series` is at school A: the care coordinator (an organiser), teacher A
(a member who does not organise) and a youth doctor from outside the school."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from tests.world import PERSONAS as WORLD_PERSONAS
from tests.world import World
from vangnet.core.audit import Actor
from vangnet.core.models import AuditEvent, EventType
from vangnet.core.submissions import ConflictError
from vangnet.meetings import actions, series_actions
from vangnet.meetings.actions import MemberInput
from vangnet.meetings.models import CareMeeting, MeetingMember, MeetingSeries

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", *WORLD_PERSONAS]


def series(world: World, *, title: str = "Zorgoverleg", outsider: bool = True) -> MeetingSeries:
    members = [
        MemberInput("Intern begeleider", user=world["care_a"]),
        MemberInput("Leerkracht", user=world["teacher_a"]),
    ]
    if outsider:
        members.append(MemberInput("Jeugdarts GGD", name="dr. K. Jansen", own_team=False))
    return actions.do_create_series(
        world.school_a,
        title=title,
        recurrence="fortnightly",
        first_on=timezone.localdate(),
        starts_at=dt.time(14, 0),
        place="Teamkamer",
        members=members,
        actor=Actor(world["care_a"]),
    )


def care(world: World) -> Actor:
    return Actor(world["care_a"])


def fresh(s: MeetingSeries) -> MeetingSeries:
    return MeetingSeries.objects.select_related("school").get(pk=s.pk)


def changes(s: MeetingSeries) -> list[dict]:
    return [
        e.data
        for e in AuditEvent.objects.filter(
            event_type=EventType.MEETING_CHANGED, object_type="meeting_series", object_id=str(s.pk)
        ).order_by("id")
    ]


def client(world: World, persona: str) -> Client:
    c = Client()
    if persona != "anonymous":
        c.force_login(world[persona])
    return c


def text(response) -> str:
    return response.content.decode()


def flashed(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def update(s: MeetingSeries, world: World, **changed):
    values = {
        "title": s.title,
        "recurrence": s.recurrence,
        "first_on": s.first_on,
        "starts_at": s.starts_at,
        "place": s.place,
        "version": s.version,
        **changed,
    }
    return series_actions.do_update_series(s, actor=care(world), **values)


def member_of(s: MeetingSeries, persona_user) -> MeetingMember:
    return s.members.get(user=persona_user)


def outsider_of(s: MeetingSeries) -> MeetingMember:
    return s.members.get(user=None)


# --- the actions --------------------------------------------------------------------------


def test_changing_the_series_keeps_planned_dates_and_follows_the_new_rhythm(world):
    s = series(world)
    ahead = timezone.localdate() + dt.timedelta(days=14)
    planned = actions.do_plan_meeting(s, ahead, actor=care(world))
    start = timezone.localdate() + dt.timedelta(days=1)
    changed = update(
        s,
        world,
        title=" Zorgoverleg bovenbouw ",
        recurrence="weekly",
        first_on=start,
        starts_at=dt.time(9, 30),
        place="",
    )
    stored = fresh(s)
    assert (stored.title, stored.recurrence, stored.first_on, stored.starts_at, stored.place) == (
        "Zorgoverleg bovenbouw",
        "weekly",
        start,
        dt.time(9, 30),
        "",
    )
    assert stored.version == changed.version == s.version + 1
    assert CareMeeting.objects.get(pk=planned.pk).held_on == ahead  # planned stays
    assert actions.next_dates(stored, start, 3) == [
        start + dt.timedelta(days=7 * i) for i in range(3)
    ]
    event = changes(s)[-1]
    assert event["old"] == {
        "title": "Zorgoverleg",
        "recurrence": "fortnightly",
        "first_on": timezone.localdate().isoformat(),
        "starts_at": "14:00",
        "place": "Teamkamer",
    }
    assert event["new"]["recurrence"] == "weekly" and event["new"]["starts_at"] == "09:30"
    # saving the same values again changes nothing and writes no event
    before = len(changes(s))
    update(stored, world)
    assert fresh(s).version == stored.version and len(changes(s)) == before


def test_a_stale_version_is_a_conflict_and_changes_nothing(world):
    s = series(world)
    update(s, world, title="Eerst")
    with pytest.raises(ConflictError):
        update(s, world, title="Later")  # still the version the form was opened with
    assert fresh(s).title == "Eerst"


def test_bad_series_input_and_who_may_change_it(world):
    s = series(world)
    with pytest.raises(ValidationError) as exc:
        update(s, world, title=" ", recurrence="daily")
    assert set(exc.value.message_dict) == {"title", "recurrence"}
    with pytest.raises(ValidationError) as exc:
        update(s, world, first_on=timezone.localdate() - dt.timedelta(days=400))
    assert exc.value.message_dict["first_on"] == ["De eerste keer ligt meer dan een jaar terug."]
    for persona in ("teacher_a", "teacher_b", "board"):
        with pytest.raises(PermissionDenied):
            series_actions.do_update_series(
                s,
                title="X",
                recurrence="weekly",
                first_on=s.first_on,
                starts_at=s.starts_at,
                place="",
                version=s.version,
                actor=Actor(world[persona]),
            )
    assert fresh(s).title == "Zorgoverleg" and fresh(s).version == s.version


def test_the_first_date_is_fixed_once_a_meeting_was_held(world):
    s = series(world)
    # a meeting planned for later does not fix it
    actions.do_plan_meeting(s, timezone.localdate() + dt.timedelta(days=14), actor=care(world))
    assert not series_actions.has_been_held(s)
    moved = timezone.localdate() - dt.timedelta(days=14)
    s = update(s, world, first_on=moved)
    # a meeting whose date has passed does
    actions.do_plan_meeting(s, moved, actor=care(world))
    assert series_actions.has_been_held(s)
    with pytest.raises(ValidationError) as exc:
        update(s, world, first_on=timezone.localdate())
    assert "de eerste keer ligt vast" in exc.value.message_dict["first_on"][0]
    # the rest can still change
    assert update(s, world, title="Nieuwe naam").first_on == moved


def test_a_meeting_with_closed_minutes_counts_as_held(world):
    s = series(world)
    meeting = actions.do_plan_meeting(s, timezone.localdate(), actor=care(world))
    assert not series_actions.has_been_held(s)
    CareMeeting.objects.filter(pk=meeting.pk).update(closed_at=timezone.now())
    assert series_actions.has_been_held(s)


def test_adding_members_colleagues_once_and_outsiders_by_name(world):
    s = series(world)
    director = series_actions.do_add_member(
        s, MemberInput(" Directeur ", user=world["director_a"], own_team=True), actor=care(world)
    )
    assert (director.user, director.role_title, director.own_team) == (
        world["director_a"],
        "Directeur",
        True,
    )
    police = series_actions.do_add_member(
        s, MemberInput("Wijkagent", name=" Agent De Vries ", own_team=False), actor=care(world)
    )
    assert (police.user, police.name, police.own_team) == (None, "Agent De Vries", False)
    # the same colleague twice is refused, with their name
    with pytest.raises(ValidationError) as exc:
        series_actions.do_add_member(
            s, MemberInput("Nog eens", user=world["teacher_a"]), actor=care(world)
        )
    assert exc.value.message_dict["user"] == ["Teacher A neemt al deel aan dit overleg."]
    # someone of another school, no role title, nobody at all
    with pytest.raises(ValidationError) as exc:
        series_actions.do_add_member(
            s, MemberInput("Leerkracht", user=world["teacher_b"]), actor=care(world)
        )
    assert exc.value.message_dict["user"] == ["Kies een collega van deze school."]
    with pytest.raises(ValidationError) as exc:
        series_actions.do_add_member(s, MemberInput(" ", name=""), actor=care(world))
    assert set(exc.value.message_dict) == {"role_title", "user"}
    with pytest.raises(PermissionDenied):
        series_actions.do_add_member(
            s, MemberInput("Gast", name="Iemand"), actor=Actor(world["teacher_a"])
        )
    assert s.members.count() == 5
    # the audit events name the members by their ids only
    added = [e for e in changes(s) if "member_added" in e]
    assert added == [
        {"member_added": director.pk, "user": world["director_a"].pk, "own_team": True},
        {"member_added": police.pk, "user": None, "own_team": False},
    ]


def test_changing_and_removing_members_keeps_one(world):
    s = series(world)
    outsider = outsider_of(s)
    changed = series_actions.do_update_member(
        outsider, role_title=" Schoolarts ", own_team=True, actor=care(world)
    )
    assert (changed.role_title, changed.own_team) == ("Schoolarts", True)
    assert changes(s)[-1] == {
        "member_changed": outsider.pk,
        "user": None,
        "changed": ["role_title", "own_team"],
    }
    with pytest.raises(ValidationError) as exc:
        series_actions.do_update_member(outsider, role_title=" ", own_team=True, actor=care(world))
    assert exc.value.message_dict["role_title"] == ["Vul de functie in het overleg in."]
    teacher = member_of(s, world["teacher_a"])
    series_actions.do_remove_member(teacher, actor=care(world))
    assert changes(s)[-1] == {"member_removed": teacher.pk, "user": world["teacher_a"].pk}
    series_actions.do_remove_member(outsider, actor=care(world))
    last = s.members.get()
    with pytest.raises(ValidationError) as exc:
        series_actions.do_remove_member(last, actor=care(world))
    assert "ten minste één deelnemer" in exc.value.messages[0]
    assert s.members.count() == 1
    # a member removed meanwhile cannot be changed
    with pytest.raises(ValidationError):
        series_actions.do_update_member(
            teacher, role_title="Leerkracht", own_team=True, actor=care(world)
        )
    with pytest.raises(PermissionDenied):
        series_actions.do_update_member(
            last, role_title="X", own_team=True, actor=Actor(world["teacher_a"])
        )


def test_a_stopped_series_plans_nothing_until_started_again(world):
    s = series(world)
    ahead = timezone.localdate() + dt.timedelta(days=14)
    planned = actions.do_plan_meeting(s, ahead, actor=care(world))
    stopped = series_actions.do_set_series_active(s, active=False, actor=care(world))
    assert not stopped.active and not fresh(s).active
    assert CareMeeting.objects.filter(pk=planned.pk).exists()  # what was planned stays
    with pytest.raises(ValidationError) as exc:
        actions.do_plan_meeting(stopped, ahead + dt.timedelta(days=14), actor=care(world))
    assert "Dit overleg is gestopt" in exc.value.messages[0]
    assert s.meetings.count() == 1
    # stopping twice writes one event
    series_actions.do_set_series_active(stopped, active=False, actor=care(world))
    assert [e for e in changes(s) if "active" in e] == [{"active": False}]
    with pytest.raises(PermissionDenied):
        series_actions.do_set_series_active(s, active=True, actor=Actor(world["teacher_a"]))
    started = series_actions.do_set_series_active(s, active=True, actor=care(world))
    assert started.active
    actions.do_plan_meeting(started, ahead + dt.timedelta(days=14), actor=care(world))
    assert s.meetings.count() == 2


# --- every route, every persona -----------------------------------------------------------


def only(allowed: dict[str, int], default: int) -> dict[str, int]:
    out = {p: default for p in PERSONAS}
    out.update(allowed)
    out["anonymous"] = 302
    return out


FORMS = only({"care_a": 200, "director_a": 200, "teacher_a": 403}, 404)
WRITES = only({"care_a": 302, "director_a": 302, "teacher_a": 403}, 404)


def _member_url(world: World, s: MeetingSeries) -> str:
    return f"/zorgoverleg/reeks/{s.pk}/leden/{member_of(s, world['teacher_a']).pk}/"


ROUTES = [
    ("meeting_series_edit", lambda w, s: f"/zorgoverleg/reeks/{s.pk}/wijzigen/", "get", FORMS),
    # an empty POST: the form comes back with its messages
    ("meeting_series_edit", lambda w, s: f"/zorgoverleg/reeks/{s.pk}/wijzigen/", "post", FORMS),
    ("meeting_member_add", lambda w, s: f"/zorgoverleg/reeks/{s.pk}/leden/", "get", FORMS),
    ("meeting_member_add", lambda w, s: f"/zorgoverleg/reeks/{s.pk}/leden/", "post", FORMS),
    ("meeting_member_edit", _member_url, "get", FORMS),
    ("meeting_member_edit", _member_url, "post", FORMS),
    # an empty POST: a message that the form is out of date, back to the series
    ("meeting_series_active", lambda w, s: f"/zorgoverleg/reeks/{s.pk}/stoppen/", "post", WRITES),
]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r[0]}-{r[2]}")
@pytest.mark.parametrize("persona", PERSONAS)
def test_routes_by_persona(world, route, persona):
    name, url, method, expected = route
    s = series(world)
    response = getattr(client(world, persona), method)(url(world, s))
    assert response.status_code == expected[persona], f"{persona} {method} {name}"
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    assert fresh(s).active and fresh(s).version == s.version and s.members.count() == 3


def test_a_member_of_another_series_and_odd_ids_are_404(world):
    s = series(world)
    other = series(world, title="Overleg bovenbouw")
    foreign = member_of(other, world["teacher_a"])
    c = client(world, "care_a")
    url = f"/zorgoverleg/reeks/{s.pk}/leden/{foreign.pk}/"
    assert c.get(url).status_code == 404
    assert c.post(url, {"submission_token": "t1", "role_title": "X"}).status_code == 404
    assert c.post(url, {"submission_token": "t2", "remove": "1"}).status_code == 404
    assert c.post(url, {"remove": "1"}).status_code == 404  # without a token too
    huge = f"/zorgoverleg/reeks/{s.pk}/leden/{'9' * 25}/"
    assert c.get(huge).status_code == 404
    assert MeetingMember.objects.filter(pk=foreign.pk, role_title="Leerkracht").exists()
    # a series of another school or board is 404, also for its organisers' colleagues
    assert client(world, "teacher_b").get(f"/zorgoverleg/reeks/{s.pk}/wijzigen/").status_code == 404
    assert (
        client(world, "other_board").post(f"/zorgoverleg/reeks/{s.pk}/stoppen/").status_code == 404
    )


# --- the series page ----------------------------------------------------------------------


def test_the_series_page_offers_the_changes_to_organisers_only(world):
    s = series(world)
    page = text(client(world, "care_a").get(f"/zorgoverleg/reeks/{s.pk}/"))
    for url in (
        f"/zorgoverleg/reeks/{s.pk}/wijzigen/",
        f"/zorgoverleg/reeks/{s.pk}/leden/",
        f"/zorgoverleg/reeks/{s.pk}/leden/{outsider_of(s).pk}/",
        f"/zorgoverleg/reeks/{s.pk}/stoppen/",
    ):
        assert url in page, url
    assert "Overleg stoppen" in page and "Weer starten" not in page
    member = text(client(world, "teacher_a").get(f"/zorgoverleg/reeks/{s.pk}/"))
    assert "dr. K. Jansen" in member  # the members are listed
    for hidden in ("wijzigen/", "leden/", "stoppen/", "Overleg stoppen"):
        assert hidden not in member, hidden


# --- changing the series through the page -------------------------------------------------


def edit_post(s: MeetingSeries, **extra: str) -> dict[str, str]:
    data = {
        "submission_token": "tok-edit-1",
        "version": str(s.version),
        "title": "Zorgoverleg groep 5-8",
        "recurrence": "four_weekly",
        "first_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
        "starts_at": "08:45",
        "place": "Kamer van de IB'er",
    }
    data.update(extra)
    return data


def test_changing_the_series_through_the_page_once(world):
    s = series(world)
    c = client(world, "director_a")
    url = f"/zorgoverleg/reeks/{s.pk}/wijzigen/"
    form = c.get(url).context["form"]
    assert form["title"].value() == "Zorgoverleg" and form["version"].value() == s.version
    assert not form.fields["first_on"].disabled
    response = c.post(url, edit_post(s))
    assert response.status_code == 302 and response["Location"] == f"/zorgoverleg/reeks/{s.pk}/"
    stored = fresh(s)
    assert (stored.title, stored.recurrence, stored.starts_at, stored.place) == (
        "Zorgoverleg groep 5-8",
        "four_weekly",
        dt.time(8, 45),
        "Kamer van de IB'er",
    )
    assert stored.first_on == timezone.localdate() + dt.timedelta(days=2)
    # a double submit changes once
    again = c.post(url, edit_post(s), follow=True)
    assert again.redirect_chain[-1][0] == f"/zorgoverleg/reeks/{s.pk}/"
    assert fresh(s).version == s.version + 1
    assert len([e for e in changes(s) if "new" in e]) == 1
    assert "Zorgoverleg groep 5-8" in text(again)


def test_bad_series_input_comes_back_with_what_was_typed(world):
    s = series(world)
    c = client(world, "care_a")
    url = f"/zorgoverleg/reeks/{s.pk}/wijzigen/"
    response = c.post(url, edit_post(s, title="", starts_at="25:99"))
    page = text(response)
    assert response.status_code == 200
    assert "Geef het overleg een naam." in page and "Vul een tijd in." in page
    assert 'value="Kamer van de IB&#x27;er"' in page  # what was typed stays
    old = (timezone.localdate() - dt.timedelta(days=400)).isoformat()
    response = c.post(url, edit_post(s, first_on=old))
    assert "De eerste keer ligt meer dan een jaar terug." in text(response)
    assert fresh(s).title == "Zorgoverleg" and fresh(s).version == s.version
    # the token was not used up: the corrected form saves
    assert c.post(url, edit_post(s)).status_code == 302


def test_a_series_changed_meanwhile_shows_the_conflict(world):
    s = series(world)
    c = client(world, "care_a")
    url = f"/zorgoverleg/reeks/{s.pk}/wijzigen/"
    stale = edit_post(s, submission_token="tok-stale", title="Mijn naam")
    assert (
        client(world, "director_a").post(url, edit_post(s, title="Eerst opgeslagen")).status_code
        == 302
    )
    response = c.post(url, stale)
    page = text(response)
    assert response.status_code == 200
    assert "Iemand anders heeft dit intussen gewijzigd" in page
    assert "Zo staat het nu opgeslagen" in page and "Eerst opgeslagen" in page
    assert 'value="Mijn naam"' in page
    assert fresh(s).title == "Eerst opgeslagen"
    # the form now carries the stored version: sending it again saves
    again = {
        **stale,
        "submission_token": "tok-again",
        "version": response.context["form"]["version"].value(),
    }
    assert c.post(url, again).status_code == 302
    assert fresh(s).title == "Mijn naam"


def test_the_page_keeps_the_first_date_once_a_meeting_was_held(world):
    s = series(world)
    actions.do_plan_meeting(s, timezone.localdate() - dt.timedelta(days=7), actor=care(world))
    c = client(world, "care_a")
    url = f"/zorgoverleg/reeks/{s.pk}/wijzigen/"
    page = c.get(url)
    assert page.context["form"].fields["first_on"].disabled
    assert "de eerste keer ligt vast" in text(page)
    later = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    assert c.post(url, edit_post(s, first_on=later)).status_code == 302
    stored = fresh(s)
    assert stored.first_on == s.first_on and stored.title == "Zorgoverleg groep 5-8"


# --- members through the page -------------------------------------------------------------


def add_post(**extra: str) -> dict[str, str]:
    data = {"submission_token": "tok-add-1", "role_title": "Directeur", "own_team": "on"}
    data.update(extra)
    return data


def test_adding_a_colleague_and_an_outsider_through_the_page(world):
    s = series(world)
    c = client(world, "care_a")
    url = f"/zorgoverleg/reeks/{s.pk}/leden/"
    page = c.get(url)
    assert "Teacher A (neemt al deel)" in text(page)
    response = c.post(url, add_post(user=str(world["director_a"].pk)))
    assert response.status_code == 302
    assert response["Location"] == f"/zorgoverleg/reeks/{s.pk}/#h-members"
    c.post(url, add_post(user=str(world["director_a"].pk)))  # a double submit adds one
    assert (
        s.members.filter(user=world["director_a"], role_title="Directeur", own_team=True).count()
        == 1
    )
    response = c.post(
        url,
        {"submission_token": "tok-add-2", "name": "Wijkagent De Vries", "role_title": "Wijkagent"},
        follow=True,
    )
    assert "De deelnemer is aan het overleg toegevoegd." in flashed(response)
    assert s.members.filter(user=None, name="Wijkagent De Vries", own_team=False).exists()
    assert "Wijkagent De Vries" in text(response)
    assert s.members.count() == 5


def test_bad_member_input_comes_back_with_a_message(world):
    s = series(world)
    c = client(world, "care_a")
    url = f"/zorgoverleg/reeks/{s.pk}/leden/"
    # the same colleague twice
    response = c.post(url, add_post(user=str(world["teacher_a"].pk), role_title="Leerkracht 5"))
    assert response.status_code == 200
    assert "Teacher A neemt al deel aan dit overleg." in text(response)
    assert 'value="Leerkracht 5"' in text(response)
    # a colleague of another school is not in the list
    response = c.post(url, add_post(user=str(world["teacher_b"].pk)))
    assert "Kies uit de lijst." in text(response)
    # both a colleague and a name; neither; no role title
    response = c.post(url, add_post(user=str(world["director_a"].pk), name="Iemand"))
    assert "Kies een collega óf vul een naam in, niet allebei." in text(response)
    response = c.post(url, add_post())
    assert "Kies een collega of vul een naam in." in text(response)
    response = c.post(url, add_post(name="Iemand", role_title=""))
    assert "Vul de functie in het overleg in." in text(response)
    assert 'value="Iemand"' in text(response)
    assert s.members.count() == 3


def test_changing_and_removing_a_member_through_the_page(world):
    s = series(world)
    c = client(world, "care_a")
    outsider = outsider_of(s)
    url = f"/zorgoverleg/reeks/{s.pk}/leden/{outsider.pk}/"
    page = c.get(url)
    assert (
        "dr. K. Jansen" in text(page)
        and page.context["form"]["role_title"].value() == "Jeugdarts GGD"
    )
    response = c.post(
        url, {"submission_token": "tok-m1", "role_title": "Schoolarts", "own_team": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/zorgoverleg/reeks/{s.pk}/#h-members"
    stored = MeetingMember.objects.get(pk=outsider.pk)
    assert (stored.role_title, stored.own_team) == ("Schoolarts", True)
    response = c.post(url, {"submission_token": "tok-m2", "role_title": ""})
    assert response.status_code == 200 and "Vul de functie in het overleg in." in text(response)
    # removing, twice with the same form: removed once, the second submit answers alike
    remove = {"submission_token": "tok-rm", "remove": "1"}
    response = c.post(url, remove)
    assert response.status_code == 302 and not MeetingMember.objects.filter(pk=outsider.pk).exists()
    again = c.post(url, remove)
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert len([e for e in changes(s) if "member_removed" in e]) == 1
    # an out-of-date remove form: a message, nothing removed
    teacher = member_of(s, world["teacher_a"])
    response = c.post(
        f"/zorgoverleg/reeks/{s.pk}/leden/{teacher.pk}/", {"remove": "1"}, follow=True
    )
    assert "Dit formulier is verouderd. Probeer het opnieuw." in flashed(response)
    assert MeetingMember.objects.filter(pk=teacher.pk).exists()


def test_the_last_member_stays(world):
    s = series(world, outsider=False)
    c = client(world, "care_a")
    series_actions.do_remove_member(member_of(s, world["teacher_a"]), actor=care(world))
    last = member_of(s, world["care_a"])
    url = f"/zorgoverleg/reeks/{s.pk}/leden/{last.pk}/"
    page = text(c.get(url))
    assert "Dit is de enige deelnemer." in page and 'name="remove"' not in page
    response = c.post(url, {"submission_token": "tok-last", "remove": "1"})
    assert response.status_code == 200
    assert any("ten minste één deelnemer" in m for m in flashed(response))
    assert MeetingMember.objects.filter(pk=last.pk).exists()


def test_a_removed_member_no_longer_sees_the_meetings(world):
    s = series(world)
    meeting = actions.do_plan_meeting(s, timezone.localdate(), actor=care(world))
    teacher = client(world, "teacher_a")
    assert teacher.get(f"/zorgoverleg/{meeting.pk}/").status_code == 200
    assert "Zorgoverleg" in text(teacher.get("/zorgoverleg/"))
    url = f"/zorgoverleg/reeks/{s.pk}/leden/{member_of(s, world['teacher_a']).pk}/"
    assert (
        client(world, "care_a").post(url, {"submission_token": "t", "remove": "1"}).status_code
        == 302
    )
    assert teacher.get(f"/zorgoverleg/{meeting.pk}/").status_code == 404
    assert teacher.get(f"/zorgoverleg/reeks/{s.pk}/").status_code == 404
    assert teacher.get(f"/zorgoverleg/{meeting.pk}/verslag.pdf").status_code == 404
    assert "Je neemt aan geen zorgoverleg deel." in text(teacher.get("/zorgoverleg/"))
    # the organisers still do, without being members
    series_actions.do_remove_member(member_of(s, world["care_a"]), actor=care(world))
    assert client(world, "care_a").get(f"/zorgoverleg/{meeting.pk}/").status_code == 200


# --- stopping and starting again through the page -----------------------------------------


def test_stopping_a_series_moves_it_to_gestopt_and_refuses_planning(world):
    s = series(world)
    c = client(world, "care_a")
    stop = f"/zorgoverleg/reeks/{s.pk}/stoppen/"
    response = c.post(stop, {"submission_token": "tok-stop", "active": "0"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/zorgoverleg/reeks/{s.pk}/"
    assert any("Het overleg is gestopt." in m for m in flashed(response))
    assert not fresh(s).active
    page = text(response)
    assert "Dit overleg is gestopt." in page and "Weer starten" in page
    assert "Inplannen" not in page and 'name="dates"' not in page
    # a double submit stops once
    c.post(stop, {"submission_token": "tok-stop", "active": "0"})
    assert [e for e in changes(s) if "active" in e] == [{"active": False}]
    # planning through the page is refused with the message, nothing planned
    day = actions.next_dates(s, timezone.localdate(), 1)[0]
    response = c.post(f"/zorgoverleg/reeks/{s.pk}/", {"dates": [day.isoformat()]})
    assert response.status_code == 200 and "Dit overleg is gestopt" in text(response)
    assert not s.meetings.exists()
    # the overview: under "Gestopt", for the organiser and for the member
    for persona in ("care_a", "teacher_a"):
        overview = text(client(world, persona).get("/zorgoverleg/"))
        assert 'id="h-stopped"' in overview
        part = overview[overview.index('id="h-stopped"') :]
        assert f"/zorgoverleg/reeks/{s.pk}/" in part
        assert "Je neemt aan geen zorgoverleg deel." not in overview
    running = series(world, title="Overleg onderbouw")
    overview = text(c.get("/zorgoverleg/"))
    assert overview.index("Overleg onderbouw") < overview.index('id="h-stopped"')
    # the member cannot start it again
    assert (
        client(world, "teacher_a").post(stop, {"submission_token": "x", "active": "1"}).status_code
        == 403
    )
    # "Weer starten"
    response = c.post(stop, {"submission_token": "tok-start", "active": "1"}, follow=True)
    assert "Het overleg loopt weer. Plan hieronder de volgende data." in flashed(response)
    assert fresh(s).active and 'id="h-stopped"' not in text(c.get("/zorgoverleg/"))
    assert c.post(f"/zorgoverleg/reeks/{s.pk}/", {"dates": [day.isoformat()]}).status_code == 302
    assert s.meetings.filter(held_on=day).exists() and running.active
