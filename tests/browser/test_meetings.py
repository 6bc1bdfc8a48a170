"""A care meeting from agenda to minutes: the care coordinator builds the agenda (a case
that asked for the meeting and the trends), records the minutes of each item with an
action for the teacher, and closes the minutes; the teacher, a member, reads the same
agenda without names."""

from __future__ import annotations

import datetime as dt
import re

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from vangnet.cases.models import CaseTask
from vangnet.core.audit import Actor
from vangnet.meetings import actions
from vangnet.meetings.actions import MemberInput
from vangnet.meetings.models import CareMeeting


def serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_care_meeting_from_agenda_to_minutes(page_as, world, shot):
    care = Actor(user=world["care_a"])
    today = timezone.localdate()
    series = actions.do_create_series(
        world.school_a,
        title="Zorgoverleg School A",
        recurrence="fortnightly",
        first_on=today,
        starts_at=dt.time(14, 30),
        place="Teamkamer",
        members=[
            MemberInput("Intern begeleider", user=world["care_a"]),
            MemberInput("Leerkracht groep 5", user=world["teacher_a"]),
            MemberInput("Jeugdverpleegkundige", name="GGD", own_team=False),
        ],
        actor=care,
    )
    meeting = actions.do_plan_meeting(series, today, actor=care)
    actions.do_request_meeting(
        world.case, reason="Anna Visser is vaak moe; graag meedenken over hulp.", actor=care
    )

    page = page_as(world["care_a"])
    page.goto("/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Zorgoverleg").click()
    page.locator(f"a[href='/zorgoverleg/{meeting.pk}/']").first.click()
    page.get_by_role("button", name="Agenda opbouwen").click()
    agenda = page.locator("section.agenda-item")
    expect(agenda.first).to_contain_text(world.case.reference)
    # someone from outside attends: no names on the agenda
    body = page.locator("main").inner_text()
    assert "Anna" not in body and "Visser" not in body
    assert "[de leerling]" in body
    shot(page, "1-agenda")
    assert not serious(page)

    for index in range(agenda.count()):
        item = page.locator("section.agenda-item").nth(index)
        item.get_by_role("link", name=re.compile("Verslag vastleggen")).click()
        page.get_by_label("Analyse").fill("Besproken; de zorgen zijn herkenbaar voor het team.")
        page.get_by_label("Weging van het risico").fill("Matig.")
        page.get_by_label("Besluit").fill("Gesprek met de ouders plannen.")
        if index == 0:
            page.locator("#id_a0_what").fill("Ouders uitnodigen")
            page.locator("#id_a0_owner").select_option(label="Teacher A")
            page.locator("#id_a0_due").fill((today + dt.timedelta(days=7)).isoformat())
            shot(page, "2-minutes")
            assert not serious(page)
        page.get_by_role("button", name="Verslag opslaan").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Zorgoverleg School A")

    page.get_by_role("button", name="Verslag afsluiten").click()
    expect(page.get_by_text(re.compile("afgesloten")).first).to_be_visible()
    shot(page, "3-closed")
    assert not serious(page)
    meeting = CareMeeting.objects.get(pk=meeting.pk)
    assert meeting.closed_at is not None
    task = CaseTask.objects.get(key__startswith=f"meeting:{meeting.pk}:")
    assert (task.assignee, task.case) == (world["teacher_a"], world.case)

    # the teacher is a member: the same agenda, read-only and without names
    teacher = page_as(world["teacher_a"])
    teacher.goto(f"/zorgoverleg/{meeting.pk}/")
    expect(teacher.locator("section.agenda-item").first).to_contain_text("Gesprek met de ouders")
    text = teacher.locator("main").inner_text()
    assert "Anna" not in text and "Teacher A" not in text
    assert teacher.get_by_role("button", name="Agenda opbouwen").count() == 0
    shot(teacher, "4-member")
    assert not serious(teacher)
