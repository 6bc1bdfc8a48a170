"""axe-core on the pages of the incident, measures, sharing and care-meeting modules that
the flow tests do not walk, on a desktop and (for the forms) a phone width."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from tests.browser.test_accessibility import BLOCKING, AxeWalk

from vangnet.cases.actions import do_open_case
from vangnet.core.audit import Actor
from vangnet.meetings import actions as meetings
from vangnet.meetings.actions import MemberInput
from vangnet.organisations.models import Partner, School, Sector
from vangnet.sharing.actions import SharingInput, do_request

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def test_new_pages_have_no_serious_accessibility_violations(page_as, world, shot):
    walk = AxeWalk(shot)
    care = Actor(user=world["care_a"])
    series = meetings.do_create_series(
        world.school_a,
        title="Zorgoverleg",
        recurrence="monthly",
        first_on=timezone.localdate(),
        starts_at=dt.time(14, 0),
        place="Teamkamer",
        members=[MemberInput("Intern begeleider", user=world["care_a"])],
        actor=care,
    )
    meeting = meetings.do_plan_meeting(series, timezone.localdate(), actor=care)
    # a university programme at the same board for the sharing pages
    he_school = School.objects.create(
        board=world.board, name="Hogeschool", code="HS01", sector=Sector.HBO
    )
    world.pupil_b3.school = he_school
    world.pupil_b3.save()
    from vangnet.core.roles import Role
    from vangnet.organisations.models import RoleAssignment

    RoleAssignment.objects.create(
        user=world["care_a"], role=Role.CARE_COORDINATOR, board=world.board, school=he_school
    )
    from vangnet.accounts.models import User

    care = Actor(user=User.objects.get(pk=world["care_a"].pk))  # the new role, not a cache
    he_case = do_open_case(world.pupil_b3, "he_concern", actor=care)
    police = Partner.objects.create(
        board=world.board, kind=Partner.Kind.POLICE, organisation="Politie"
    )
    request = do_request(
        he_case,
        SharingInput(
            route="weighed",
            recipient=police,
            what="Wat er is gebeurd.",
            purpose="Gevaar inschatten.",
            answers=dict.fromkeys(("all_options_used", "consent_sought", "necessary"), "yes"),
            rationales=dict.fromkeys(("all_options_used", "consent_sought", "necessary"), "Ja."),
        ),
        actor=care,
    )

    director = page_as(world["director_a"])
    admin = page_as(world["admin"])
    board = page_as(world["board"])
    care_page = page_as(world["care_a"])
    phone = page_as(world["care_a"], viewport=PHONE, is_mobile=True, has_touch=True)

    director.goto(f"/incidenten/jaaroverzicht/?school={world.school_a.pk}")
    walk.check(director, "year-review")
    director.goto(f"/leerlingen/{world.pupil_a5.pk}/maatregelen/nieuw/?soort=time_out")
    walk.check(director, "propose-time-out")
    admin.goto(f"/besturen/{world.board.pk}/kalender/")
    walk.check(admin, "calendar")
    admin.goto(f"/besturen/{world.board.pk}/briefsjablonen/")
    walk.check(admin, "letter-templates")
    admin.goto(f"/besturen/{world.board.pk}/briefsjablonen/suspension_letter/")
    walk.check(admin, "letter-template-edit")
    board.goto("/maatregelen/")
    walk.check(board, "measure-list")
    board.goto(f"/delen/{request.pk}/")
    walk.check(board, "sharing-request-board")
    board.goto("/delen/")
    walk.check(board, "sharing-list")
    care_page.goto(f"/trajecten/{he_case.pk}/delen/nieuw/?route=weighed")
    walk.check(care_page, "sharing-form-weighed")
    care_page.goto(f"/trajecten/{he_case.pk}/delen/nieuw/?route=acute")
    walk.check(care_page, "sharing-form-acute")
    care_page.goto("/zorgoverleg/")
    walk.check(care_page, "meeting-list")
    care_page.goto(f"/zorgoverleg/nieuw/?school={world.school_a.pk}")
    walk.check(care_page, "meeting-series-form")
    care_page.goto(f"/zorgoverleg/{meeting.pk}/")
    walk.check(care_page, "meeting")
    care_page.goto(f"/leerlingen/{world.pupil_a5.pk}/toestemming-naam/")
    walk.check(care_page, "naming-consent")

    for path, name in [
        (f"/trajecten/{he_case.pk}/delen/nieuw/?route=weighed", "phone-sharing-form"),
        (f"/zorgoverleg/nieuw/?school={world.school_a.pk}", "phone-series-form"),
        (f"/zorgoverleg/{meeting.pk}/", "phone-meeting"),
    ]:
        phone.goto(path)
        walk.check(phone, name)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name} scrolls sideways ({width}px)"

    print(walk.report())
    blocking = [f"{n}: {v['id']}" for n, v in walk.findings if v["impact"] in BLOCKING]
    assert not blocking, walk.report()
