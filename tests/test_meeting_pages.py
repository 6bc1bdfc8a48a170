"""The care-meeting pages, per persona: the overview, a series with its members and dates,
the meeting with its agenda (pseudonymised by default when an outsider attends), naming
only with a consent, the minutes of an item whose actions become tasks, closing the
minutes, a case's request for the meeting and the consent for naming.

The meeting of :func:`meeting` is at school A, today, with the care coordinator (organiser),
teacher A (a member, not an organiser) and a youth doctor from outside the school; world's
case about Anna Visser asked for it, so the agenda holds that case and the trends."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.world import World
from vangnet.cases.models import CaseMember, CaseTask
from vangnet.core.audit import Actor
from vangnet.core.models import AuditEvent, EventType
from vangnet.meetings import actions
from vangnet.meetings.actions import MemberInput
from vangnet.meetings.models import (
    AgendaItem,
    CareMeeting,
    ItemAction,
    MeetingMember,
    MeetingRequest,
    MeetingSeries,
    NamingConsent,
)
from vangnet.organisations.models import Guardian

pytestmark = pytest.mark.django_db

REASON = "Anna Visser vertelde dat haar moeder Ellen Visser ziek is; Teacher A maakt zich zorgen."


def make_series(world: World, *, outsider: bool = True, school=None, title="Zorgoverleg"):
    care = Actor(user=world["care_a"])
    members = [
        MemberInput("Intern begeleider", user=world["care_a"]),
        MemberInput("Leerkracht", user=world["teacher_a"]),
    ]
    if outsider:
        members.append(MemberInput("Jeugdarts GGD", name="dr. K. Jansen", own_team=False))
    return actions.do_create_series(
        school or world.school_a,
        title=title,
        recurrence="fortnightly",
        first_on=timezone.localdate(),
        starts_at=dt.time(14, 0),
        place="Teamkamer",
        members=members,
        actor=care,
    )


def meeting(world: World, *, outsider: bool = True, build: bool = True) -> CareMeeting:
    care = Actor(user=world["care_a"])
    series = make_series(world, outsider=outsider)
    m = actions.do_plan_meeting(series, timezone.localdate(), actor=care)
    actions.do_request_meeting(world.case, reason=REASON, actor=care)
    if build:
        actions.do_build_agenda(m, actor=care)
    return m


def case_item(m: CareMeeting) -> AgendaItem:
    return m.items.get(kind=AgendaItem.Kind.CASE)


def client(world: World, persona: str) -> Client:
    c = Client()
    if persona != "anonymous":
        c.force_login(world[persona])
    return c


def text(response) -> str:
    return response.content.decode()


def flashed(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- every route, every persona -----------------------------------------------------------

PERSONAS = [
    "anonymous",
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
]


def only(allowed: dict[str, int], default: int, anonymous: int = 302) -> dict[str, int]:
    out = {p: default for p in PERSONAS}
    out.update(allowed)
    out["anonymous"] = anonymous
    return out


ORGANISERS_AND_MEMBER = only({"care_a": 200, "director_a": 200, "teacher_a": 200}, 404)
ORGANISERS_WRITE = only({"care_a": 302, "director_a": 302, "teacher_a": 403}, 404)

# (name, url, method, expected); the url gets the world and the meeting
ROUTES = [
    ("meeting_list", lambda w, m: "/zorgoverleg/", "get", only({}, 200)),
    (
        "meeting_series_create",
        lambda w, m: "/zorgoverleg/nieuw/",
        "get",
        only({"care_a": 200, "director_a": 200, "other_board": 200}, 404),
    ),
    (
        "meeting_series_create",
        lambda w, m: f"/zorgoverleg/nieuw/?school={w.school_a.pk}",
        "post",  # an empty POST: the form comes back with its messages
        only({"care_a": 200, "director_a": 200}, 404),
    ),
    (
        "meeting_series_detail",
        lambda w, m: f"/zorgoverleg/reeks/{m.series_id}/",
        "get",
        ORGANISERS_AND_MEMBER,
    ),
    (
        "meeting_series_detail",
        lambda w, m: f"/zorgoverleg/reeks/{m.series_id}/",
        "post",  # nothing chosen: the form comes back with its message
        only({"care_a": 200, "director_a": 200, "teacher_a": 403}, 404),
    ),
    ("care_meeting_detail", lambda w, m: f"/zorgoverleg/{m.pk}/", "get", ORGANISERS_AND_MEMBER),
    (
        "care_meeting_build",
        lambda w, m: f"/zorgoverleg/{m.pk}/agenda-opbouwen/",
        "post",
        ORGANISERS_WRITE,
    ),
    (
        "care_meeting_item_add",
        lambda w, m: f"/zorgoverleg/{m.pk}/onderwerp/",
        "post",  # an empty POST: the meeting page with the form's message
        only({"care_a": 200, "director_a": 200, "teacher_a": 403}, 404),
    ),
    (
        "care_meeting_item",
        lambda w, m: f"/zorgoverleg/{m.pk}/onderwerp/{case_item(m).pk}/",
        "get",
        only({"care_a": 200, "director_a": 200, "teacher_a": 403}, 404),
    ),
    (
        "care_meeting_item_named",
        lambda w, m: f"/zorgoverleg/{m.pk}/onderwerp/{case_item(m).pk}/naam/",
        "post",
        ORGANISERS_WRITE,
    ),
    (
        "care_meeting_close",
        lambda w, m: f"/zorgoverleg/{m.pk}/afsluiten/",
        "post",
        ORGANISERS_WRITE,
    ),
    (
        "care_meeting_pdf",
        lambda w, m: f"/zorgoverleg/{m.pk}/verslag.pdf",
        "get",
        ORGANISERS_AND_MEMBER,
    ),
    (
        "care_meeting_docx",
        lambda w, m: f"/zorgoverleg/{m.pk}/verslag.docx",
        "get",
        ORGANISERS_AND_MEMBER,
    ),
    (
        "meeting_request_create",
        lambda w, m: f"/trajecten/{w.case.pk}/zorgoverleg/",
        "get",
        only({"care_a": 200, "director_a": 403}, 404),
    ),
    (
        "meeting_request_create",
        lambda w, m: f"/trajecten/{w.case.pk}/zorgoverleg/",
        "post",  # an empty POST: the form comes back with its message
        only({"care_a": 200, "director_a": 403}, 404),
    ),
    (
        "naming_consent_create",
        lambda w, m: f"/leerlingen/{w.pupil_a5.pk}/toestemming-naam/",
        "get",
        only({"care_a": 200, "director_a": 200, "teacher_a": 403}, 404),
    ),
    (
        "naming_consent_create",
        lambda w, m: f"/leerlingen/{w.pupil_a5.pk}/toestemming-naam/",
        "post",
        only({"care_a": 200, "director_a": 200, "teacher_a": 403}, 404),
    ),
]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r[0]}-{r[2]}")
@pytest.mark.parametrize("persona", PERSONAS)
def test_routes_by_persona(world, route, persona):
    name, url, method, expected = route
    m = meeting(world)
    response = getattr(client(world, persona), method)(url(world, m))
    assert response.status_code == expected[persona], f"{persona} {method} {name}"
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


# --- the overview and the series ----------------------------------------------------------


def test_overview_shows_organisers_their_school_and_members_their_series(world):
    m = meeting(world)
    make_series(world, title="Overleg onderbouw")  # teacher A is a member of both
    other = make_series(world, title="Overleg bovenbouw")
    MeetingMember.objects.filter(series=other, user=world["teacher_a"]).delete()
    for persona in ("care_a", "director_a"):
        page = text(client(world, persona).get("/zorgoverleg/"))
        assert "Overleg bovenbouw" in page and "Nieuw overleg" in page
        assert f"/zorgoverleg/{m.pk}/" in page
    page = text(client(world, "teacher_a").get("/zorgoverleg/"))
    assert "Overleg onderbouw" in page and "Overleg bovenbouw" not in page
    assert "Nieuw overleg" not in page
    assert "Je neemt aan geen zorgoverleg deel." in text(
        client(world, "teacher_b").get("/zorgoverleg/")
    )
    nav = [n["label"] for n in client(world, "teacher_a").get("/").context["nav"]]
    assert "Zorgoverleg" in nav
    assert "Zorgoverleg" not in [n["label"] for n in client(world, "board").get("/").context["nav"]]


def series_post(world: World, **extra: str) -> dict[str, str]:
    data = {
        "submission_token": "tok-series-1",
        "member_rows": "3",
        "title": "Zorgoverleg groep 1-4",
        "recurrence": "four_weekly",
        "first_on": timezone.localdate().isoformat(),
        "starts_at": "15:30",
        "place": "Teamkamer",
        "m0_user": str(world["care_a"].pk),
        "m0_role": "Intern begeleider",
        "m0_own_team": "on",
        "m1_name": "Wijkagent De Vries",
        "m1_role": "Wijkagent",
        "save": "1",
    }
    data.update(extra)
    return data


def test_creating_a_series_with_colleagues_and_outsiders(world):
    c = client(world, "care_a")
    url = f"/zorgoverleg/nieuw/?school={world.school_a.pk}"
    form = c.get(url)
    assert form.status_code == 200
    # the organiser is the first member, with the board's title for their role
    assert form.context["form"].initial["m0_user"] == world["care_a"].pk
    response = c.post(url, series_post(world))
    series = MeetingSeries.objects.get(title="Zorgoverleg groep 1-4")
    assert response.status_code == 302
    assert response["Location"] == f"/zorgoverleg/reeks/{series.pk}/"
    members = list(
        series.members.order_by("id").values_list("user_id", "name", "role_title", "own_team")
    )
    assert members == [
        (world["care_a"].pk, "", "Intern begeleider", True),
        (None, "Wijkagent De Vries", "Wijkagent", False),
    ]
    # a second submit of the same form makes nothing new
    assert c.post(url, series_post(world)).status_code == 302
    assert MeetingSeries.objects.filter(title="Zorgoverleg groep 1-4").count() == 1
    assert (
        AuditEvent.objects.filter(
            event_type=EventType.MEETING_CHANGED, object_type="meeting_series"
        ).count()
        == 1
    )


def test_more_member_rows_keep_what_was_typed(world):
    c = client(world, "care_a")
    url = f"/zorgoverleg/nieuw/?school={world.school_a.pk}"
    data = series_post(world)
    data.pop("save")
    data["more_members"] = "1"
    response = c.post(url, data)
    assert response.status_code == 200 and not MeetingSeries.objects.exists()
    form = response.context["form"]
    assert form.rows == 6 and not form.errors
    page = text(response)
    assert 'value="Wijkagent De Vries"' in page and 'name="m5_role"' in page
    assert not form.initial.get("m1_own_team")  # unticked stays unticked


def test_bad_member_rows_come_back_with_a_message_and_nothing_saved(world):
    c = client(world, "care_a")
    url = f"/zorgoverleg/nieuw/?school={world.school_a.pk}"
    # a colleague of school B, a row without a role, a row with both a colleague and a name
    response = c.post(
        url,
        series_post(
            world,
            m1_role="",
            m2_user=str(world["teacher_b"].pk),
            m2_role="Leerkracht",
        ),
    )
    assert response.status_code == 200 and not MeetingSeries.objects.exists()
    assert "Kies uit de lijst." in text(response)  # teacher B is no colleague at school A
    response = c.post(url, series_post(world, m1_role="", m0_name="Iemand"))
    page = text(response)
    assert "Kies een collega óf vul een naam in, niet allebei." in page
    response = c.post(url, series_post(world, m1_role=""))
    assert response.status_code == 200
    assert "Vul de functie in het overleg in." in text(response)
    assert 'value="Zorgoverleg groep 1-4"' in text(response)  # what was typed stays
    assert not MeetingSeries.objects.exists()


def test_a_director_of_two_schools_chooses_the_school_and_others_get_404(world):
    from vangnet.core.roles import Role
    from vangnet.organisations.models import RoleAssignment

    RoleAssignment.objects.create(
        user=world["director_a"], role=Role.SAFETY_OFFICER, board=world.board, school=world.school_b
    )
    page = text(client(world, "director_a").get("/zorgoverleg/nieuw/"))
    assert f"?school={world.school_a.pk}" in page and f"?school={world.school_b.pk}" in page
    assert (
        client(world, "care_a").get(f"/zorgoverleg/nieuw/?school={world.school_b.pk}").status_code
        == 404
    )
    assert client(world, "care_a").get("/zorgoverleg/nieuw/?school=9" + "9" * 20).status_code == 404


def test_planning_dates_of_a_series(world):
    series = make_series(world)
    c = client(world, "care_a")
    url = f"/zorgoverleg/reeks/{series.pk}/"
    page = c.get(url)
    first = actions.next_dates(series, timezone.localdate(), 2)
    assert page.context["open_dates"][0] == (first[0], False)
    extra = timezone.localdate() + dt.timedelta(days=3)
    response = c.post(url, {"dates": [d.isoformat() for d in first], "other": extra.isoformat()})
    assert response.status_code == 302
    assert sorted(series.meetings.values_list("held_on", flat=True)) == sorted([*first, extra])
    # planning a date again keeps one meeting on it
    c.post(url, {"dates": [first[0].isoformat()]})
    assert series.meetings.count() == 3
    # too long ago: the message, and none of the chosen dates planned
    response = c.post(
        url,
        {
            "dates": [first[0].isoformat()],
            "other": (timezone.localdate() - dt.timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Deze datum ligt meer dan twee maanden terug." in text(response)
    assert "Kies ten minste één datum." in text(c.post(url, {}))
    # a member sees the series, without the planning form; writing is 403
    member = client(world, "teacher_a")
    assert member.get(url).context["form"] is None
    assert member.post(url, {"dates": [first[0].isoformat()]}).status_code == 403


# --- the meeting page ---------------------------------------------------------------------


def test_an_outsider_makes_the_meeting_page_pseudonymised(world):
    m = meeting(world)
    item = case_item(m)
    before = AuditEvent.objects.filter(event_type=EventType.MEETING_VIEWED).count()
    response = client(world, "care_a").get(f"/zorgoverleg/{m.pk}/")
    page = text(response)
    assert "Deze agenda staat hier zonder namen." in page
    assert "iemand deel die niet bij het eigen zorgteam" in page
    assert world.case.reference in page
    for name in ("Anna", "Visser", "Ellen", "Teacher A"):
        assert not re.search(rf"\b{name}\b", page), name
    assert "[de leerling]" in page and "[een ouder]" in page and "[een medewerker]" in page
    # the organiser's tools: build, the minutes, naming, the consent, the case, the exports
    for url in (
        f"/zorgoverleg/{m.pk}/agenda-opbouwen/",
        f"/zorgoverleg/{m.pk}/onderwerp/{item.pk}/",
        f"/zorgoverleg/{m.pk}/onderwerp/{item.pk}/naam/",
        f"/leerlingen/{world.pupil_a5.pk}/toestemming-naam/?overleg={m.pk}",
        f"/trajecten/{world.case.pk}/",
        f"/zorgoverleg/{m.pk}/verslag.pdf",
        f"/zorgoverleg/{m.pk}/afsluiten/",
    ):
        assert url in page, url
    # trends as a table
    assert "Zorgtrajecten gestart" in page
    events = AuditEvent.objects.filter(event_type=EventType.MEETING_VIEWED).order_by("id")[before:]
    assert [(e.object_id, e.pupil_id) for e in events] == [
        (str(m.pk), None),
        (str(m.pk), world.pupil_a5.pk),
    ]


def test_a_meeting_of_the_own_team_only_is_not_pseudonymised_by_default(world):
    m = meeting(world, outsider=False)
    page = text(client(world, "care_a").get(f"/zorgoverleg/{m.pk}/"))
    assert "Weergave met namen." in page
    # but without a consent and a choice to name, the case item still has no name
    assert "Anna" not in page and world.case.reference in page
    assert "Deze agenda staat hier zonder namen." in text(
        client(world, "care_a").get(f"/zorgoverleg/{m.pk}/?namen=0")
    )


def test_members_see_only_their_meetings_pseudonymised_and_not_the_cases(world):
    m = meeting(world)
    # a meeting of another series of the school, without teacher A
    other = make_series(world, title="Overleg bovenbouw")
    MeetingMember.objects.filter(series=other, user=world["teacher_a"]).delete()
    other_meeting = actions.do_plan_meeting(
        other, timezone.localdate(), actor=Actor(world["care_a"])
    )
    # even with a consent and the item named, a member never sees the name
    guardian = Guardian.objects.get(name="Ellen Visser")
    actions.do_record_naming_consent(
        world.pupil_a5,
        given_by="guardian",
        guardian=guardian,
        given_on=timezone.localdate(),
        actor=Actor(world["care_a"]),
    )
    actions.do_set_named(case_item(m), named=True, actor=Actor(world["care_a"]))
    teacher = client(world, "teacher_a")
    for url in (f"/zorgoverleg/{m.pk}/", f"/zorgoverleg/{m.pk}/?namen=1"):
        page = text(teacher.get(url))
        assert world.case.reference in page and "Graag" not in page
        assert "Anna" not in page and "Ellen" not in page
        assert "Als deelnemer zie je de onderwerpen" in page
        assert f"/trajecten/{world.case.pk}/" not in page  # no link to the case
        assert "agenda-opbouwen" not in page and "toestemming-naam" not in page
        assert "Met naam bespreken" not in page and "afsluiten" not in page
    # the case behind the item stays closed to them, and so does another meeting
    assert teacher.get(f"/trajecten/{world.case.pk}/").status_code == 404
    assert teacher.get(f"/zorgoverleg/{other_meeting.pk}/").status_code == 404
    assert teacher.get(f"/zorgoverleg/{other_meeting.pk}/verslag.pdf").status_code == 404
    # and every change is 403
    assert teacher.post(f"/zorgoverleg/{m.pk}/agenda-opbouwen/").status_code == 403
    item = case_item(m)
    assert (
        teacher.post(f"/zorgoverleg/{m.pk}/onderwerp/{item.pk}/naam/", {"named": "0"}).status_code
        == 403
    )
    assert AgendaItem.objects.get(pk=item.pk).named


def test_building_the_agenda_and_adding_an_item_through_the_page(world):
    m = meeting(world, build=False)
    c = client(world, "care_a")
    response = c.post(f"/zorgoverleg/{m.pk}/agenda-opbouwen/", follow=True)
    assert "onderwerpen op de agenda gezet" in " ".join(flashed(response))
    assert m.items.filter(kind=AgendaItem.Kind.CASE, case=world.case).exists()
    response = c.post(f"/zorgoverleg/{m.pk}/agenda-opbouwen/", follow=True)
    assert "Er was niets nieuws voor de agenda." in flashed(response)
    # another subject, once per form
    data = {"submission_token": "tok-item", "title": "Afspraken met de wijkagent"}
    response = c.post(f"/zorgoverleg/{m.pk}/onderwerp/", data)
    item = m.items.get(kind=AgendaItem.Kind.OTHER)
    assert response["Location"] == f"/zorgoverleg/{m.pk}/#onderwerp-{item.pk}"
    c.post(f"/zorgoverleg/{m.pk}/onderwerp/", data)
    assert m.items.filter(kind=AgendaItem.Kind.OTHER).count() == 1
    response = c.post(
        f"/zorgoverleg/{m.pk}/onderwerp/", {"submission_token": "tok-2", "title": " "}
    )
    assert response.status_code == 200 and "Vul het onderwerp in." in text(response)


# --- naming -------------------------------------------------------------------------------


def test_naming_is_refused_without_consent_and_allowed_after_recording_it(world):
    m = meeting(world)
    item = case_item(m)
    c = client(world, "care_a")
    response = c.post(f"/zorgoverleg/{m.pk}/onderwerp/{item.pk}/naam/", {"named": "1"}, follow=True)
    assert any(
        "alleen met naam besproken als er toestemming is" in msg for msg in flashed(response)
    )
    assert not AgendaItem.objects.get(pk=item.pk).named
    # the consent, reached from the item
    guardian = Guardian.objects.get(name="Ellen Visser")
    url = f"/leerlingen/{world.pupil_a5.pk}/toestemming-naam/?overleg={m.pk}&onderwerp={item.pk}"
    page = c.get(url)
    assert page.status_code == 200 and "Er is nu geen geldige toestemming." in text(page)
    data = {
        "submission_token": "tok-naming",
        "given_by": "guardian",
        "guardian": str(guardian.pk),
        "given_on": timezone.localdate().isoformat(),
    }
    response = c.post(url, data)
    assert response["Location"] == f"/zorgoverleg/{m.pk}/#onderwerp-{item.pk}"
    c.post(url, data)  # a double submit records one consent
    assert NamingConsent.objects.filter(pupil=world.pupil_a5).count() == 1
    assert (
        AuditEvent.objects.filter(
            event_type=EventType.CONSENT_RECORDED, pupil_id=world.pupil_a5.pk
        ).count()
        == 1
    )
    response = c.post(f"/zorgoverleg/{m.pk}/onderwerp/{item.pk}/naam/", {"named": "1"})
    assert AgendaItem.objects.get(pk=item.pk).named
    # named only in the view with names; the default (an outsider attends) stays without
    assert "Anna Visser" not in text(c.get(f"/zorgoverleg/{m.pk}/"))
    named = text(c.get(f"/zorgoverleg/{m.pk}/?namen=1"))
    assert "Anna Visser" in named and "Weergave met namen." in named
    # and back
    c.post(f"/zorgoverleg/{m.pk}/onderwerp/{item.pk}/naam/", {"named": "0"})
    assert "Anna Visser" not in text(c.get(f"/zorgoverleg/{m.pk}/?namen=1"))


def test_the_naming_consent_page_keeps_the_age_rule(world):
    c = client(world, "care_a")
    world.pupil_a5.date_of_birth = timezone.localdate().replace(
        year=timezone.localdate().year - 17, day=1
    )
    world.pupil_a5.save()
    guardian = Guardian.objects.get(name="Ellen Visser")
    url = f"/leerlingen/{world.pupil_a5.pk}/toestemming-naam/"
    page = text(c.get(url))
    assert "Vanaf 16 jaar geeft de leerling of student zelf toestemming" in page
    data = {
        "submission_token": "tok-n1",
        "given_by": "guardian",
        "guardian": str(guardian.pk),
        "given_on": timezone.localdate().isoformat(),
    }
    response = c.post(url, data)
    assert response.status_code == 200
    assert "Vanaf 16 jaar geeft de leerling of student zelf toestemming." in text(response)
    assert not NamingConsent.objects.exists()
    response = c.post(url, {**data, "submission_token": "tok-n2", "given_by": "pupil"})
    assert response.status_code == 302 and NamingConsent.objects.get().given_by == "pupil"
    # a meeting the user does not see in ?overleg= is 404
    assert c.get(f"{url}?overleg=999999").status_code == 404


# --- the minutes --------------------------------------------------------------------------


def minutes_post(world: World, item: AgendaItem, **extra: str) -> dict[str, str]:
    due = timezone.localdate() + dt.timedelta(days=14)
    data = {
        "submission_token": "tok-minutes-1",
        "version": str(item.version),
        "action_rows": "3",
        "analysis": "De zorgen nemen toe sinds de herfstvakantie.",
        "risk": "Matig: geen direct gevaar.",
        "decision": "Gesprek met de ouders plannen.",
        "a0_what": "Ouders uitnodigen voor een gesprek",
        "a0_owner": str(world["teacher_a"].pk),
        "a0_due": due.isoformat(),
        "save": "1",
    }
    data.update(extra)
    return data


def test_minutes_through_the_page_with_actions_that_become_tasks(world):
    m = meeting(world)
    item = case_item(m)
    c = client(world, "care_a")
    url = f"/zorgoverleg/{m.pk}/onderwerp/{item.pk}/"
    page = c.get(url)
    assert page.status_code == 200
    assert "Anna" not in text(page) and "[de leerling]" in text(page)
    response = c.post(url, minutes_post(world, item))
    assert response.status_code == 302
    assert response["Location"] == f"/zorgoverleg/{m.pk}/#onderwerp-{item.pk}"
    task = CaseTask.objects.get(key=f"meeting:{m.pk}:{item.pk}")
    assert (task.assignee, task.case, task.title) == (
        world["teacher_a"],
        world.case,
        "Ouders uitnodigen voor een gesprek",
    )
    assert task.due_on == timezone.localdate() + dt.timedelta(days=14)
    # a double submit adds no second action
    c.post(url, minutes_post(world, item))
    assert ItemAction.objects.filter(item=item).count() == 1
    # the task is on teacher A's list
    assert "Ouders uitnodigen voor een gesprek" in text(client(world, "teacher_a").get("/taken/"))
    # the meeting page shows the minutes; pseudonymised, the owner by their role
    page = text(c.get(f"/zorgoverleg/{m.pk}/"))
    assert "Gesprek met de ouders plannen." in page and "Leerkracht" in page
    assert "Teacher A" not in page


def test_bad_minutes_come_back_with_the_input(world):
    m = meeting(world)
    item = case_item(m)
    c = client(world, "care_a")
    url = f"/zorgoverleg/{m.pk}/onderwerp/{item.pk}/"
    # the owner must be a colleague at the school; the decision is needed
    response = c.post(url, minutes_post(world, item, a0_owner=str(world["teacher_b"].pk)))
    assert response.status_code == 200 and "Kies uit de lijst." in text(response)
    response = c.post(url, minutes_post(world, item, decision=""))
    assert "Vul het besluit in." in text(response)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = c.post(url, minutes_post(world, item, a0_due=yesterday))
    assert "Kies een datum vanaf vandaag." in text(response)
    response = c.post(url, minutes_post(world, item, a0_what="", a0_due=""))
    assert "Beschrijf de actie." in text(response)
    assert "De zorgen nemen toe sinds de herfstvakantie." in text(response)
    assert not ItemAction.objects.exists() and not AgendaItem.objects.get(pk=item.pk).decision
    # more action rows keep what was typed
    data = minutes_post(world, item)
    data.pop("save")
    data["more_actions"] = "1"
    response = c.post(url, data)
    assert response.context["form"].rows == 6 and not ItemAction.objects.exists()
    assert 'value="Ouders uitnodigen voor een gesprek"' in text(response)


def test_minutes_saved_meanwhile_show_a_conflict(world):
    m = meeting(world)
    item = case_item(m)
    c = client(world, "care_a")
    url = f"/zorgoverleg/{m.pk}/onderwerp/{item.pk}/"
    stale = minutes_post(world, item, submission_token="tok-stale", decision="Mijn besluit.")
    c.post(url, minutes_post(world, item))  # someone saved first
    response = c.post(url, stale)
    assert response.status_code == 200 and "Iemand anders heeft dit intussen gewijzigd" in text(
        response
    )
    assert AgendaItem.objects.get(pk=item.pk).decision == "Gesprek met de ouders plannen."
    assert "Mijn besluit." in text(response)
    # the form now carries the stored version: sending it again saves
    again = {
        **stale,
        "submission_token": "tok-again",
        "version": response.context["form"]["version"].value(),
    }
    assert c.post(url, again).status_code == 302
    assert AgendaItem.objects.get(pk=item.pk).decision == "Mijn besluit."


def test_closing_needs_a_decision_on_every_item(world):
    m = meeting(world)
    c = client(world, "care_a")
    response = c.post(
        f"/zorgoverleg/{m.pk}/afsluiten/", {"submission_token": "tok-c1"}, follow=True
    )
    assert any("zonder besluit" in msg for msg in flashed(response))
    assert CareMeeting.objects.get(pk=m.pk).closed_at is None
    for item in m.items.all():
        actions.do_save_minutes(
            item,
            analysis="",
            risk="",
            decision="Besproken.",
            actions=[],
            actor=Actor(world["care_a"]),
        )
    response = c.post(
        f"/zorgoverleg/{m.pk}/afsluiten/", {"submission_token": "tok-c2"}, follow=True
    )
    assert "Het verslag is afgesloten. Het kan nu worden gedownload." in flashed(response)
    assert CareMeeting.objects.get(pk=m.pk).closed_at is not None
    # closed: no more changes through the pages
    page = text(response)
    assert "agenda-opbouwen" not in page and "Verslag vastleggen" not in page
    item = case_item(m)
    response = c.post(f"/zorgoverleg/{m.pk}/onderwerp/{item.pk}/", minutes_post(world, item))
    assert "al afgesloten" in text(response)


# --- a case asks for the meeting ---------------------------------------------------------


def test_a_case_asks_for_the_meeting_from_its_page(world):
    c = client(world, "care_a")
    page = text(c.get(f"/trajecten/{world.case.pk}/"))
    assert f'action="/trajecten/{world.case.pk}/zorgoverleg/"' in page
    response = c.post(f"/trajecten/{world.case.pk}/zorgoverleg/", {"reason": "Te kort"})
    assert response.status_code == 200 and "ten minste 10 tekens" in text(response)
    assert not MeetingRequest.objects.exists()
    response = c.post(f"/trajecten/{world.case.pk}/zorgoverleg/", {"reason": REASON}, follow=True)
    assert response.redirect_chain[-1][0] == f"/trajecten/{world.case.pk}/"
    assert any("Het traject is aangemeld" in msg for msg in flashed(response))
    response = c.post(f"/trajecten/{world.case.pk}/zorgoverleg/", {"reason": REASON}, follow=True)
    assert any("stond al aangemeld" in msg for msg in flashed(response))
    assert MeetingRequest.objects.filter(case=world.case).count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.MEETING_REQUESTED).count() == 1
    # the request page says it is waiting
    assert "wacht op het volgende overleg" in text(
        c.get(f"/trajecten/{world.case.pk}/zorgoverleg/")
    )


def test_only_who_works_on_the_case_asks_for_the_meeting(world):
    # the director reads the case but is not in it
    page = text(client(world, "director_a").get(f"/trajecten/{world.case.pk}/"))
    assert f"/trajecten/{world.case.pk}/zorgoverleg/" not in page
    assert (
        client(world, "director_a")
        .post(f"/trajecten/{world.case.pk}/zorgoverleg/", {"reason": REASON})
        .status_code
        == 403
    )
    CaseMember.objects.create(
        case=world.case,
        user=world["teacher_a"],
        kind=CaseMember.Kind.MEMBER,
        added_by=world["care_a"],
    )
    response = client(world, "teacher_a").post(
        f"/trajecten/{world.case.pk}/zorgoverleg/", {"reason": REASON}
    )
    assert (
        response.status_code == 302
        and MeetingRequest.objects.get().requested_by == world["teacher_a"]
    )


def test_the_overview_takes_the_same_queries_for_more_series(world):
    meeting(world)
    c = client(world, "care_a")
    c.get("/zorgoverleg/")  # the session and the scope are warm
    with CaptureQueriesContext(connection) as few:
        assert c.get("/zorgoverleg/").status_code == 200
    for n in range(3):
        series = make_series(world, title=f"Overleg {n}")
        actions.do_plan_meeting(series, timezone.localdate(), actor=Actor(world["care_a"]))
    with CaptureQueriesContext(connection) as more:
        page = text(c.get("/zorgoverleg/"))
    assert "Overleg 2" in page
    assert len(more) == len(few)
