"""axe-core on the pages of the care-case module, for the roles that use them: the case
owner (care coordinator), the director, and the teacher who is asked to do something."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from tests.browser.test_accessibility import BLOCKING, AxeWalk

from vangnet.cases import actions
from vangnet.cases.consent import ConsentInput, do_record_consent
from vangnet.core.audit import Actor
from vangnet.core.models import Notification

pytestmark = pytest.mark.browser


def test_case_pages_have_no_serious_accessibility_violations(page_as, world, shot):
    walk = AxeWalk(shot)
    care_actor = Actor(user=world["care_a"], role="test")
    case = actions.do_open_case(world.pupil_a5, "meldcode", actor=care_actor)
    actions.do_add_record(
        case,
        "observation",
        {
            "observed_on": timezone.localdate(),
            "observed_by": "Juf A",
            "what": "Anna had opnieuw een blauwe plek op de arm.",
            "source": "own",
            "objectified": "",
        },
        actor=care_actor,
    )
    actions.do_request_task(
        case,
        world["teacher_a"],
        "Noteer of Anna in de pauze alleen staat",
        timezone.localdate() + dt.timedelta(days=3),
        actor=care_actor,
    )
    guardian = world.pupil_a5.guardians.get()
    do_record_consent(
        world.pupil_a5,
        ConsentInput(
            recipient=world.partner,
            what="Verslagen van de gesprekken",
            purpose="Afstemmen van de hulp",
            provider="Intern begeleider",
            given_by="guardian",
            given_on=timezone.localdate(),
            guardian=guardian,
        ),
        actor=care_actor,
    )
    Notification.objects.create(
        user=world["care_a"], key="a11y", title="Stap 1 afronden — ZT-00001", url="/taken/"
    )
    # all sessions before browsing (SQLite: the test thread must not write meanwhile)
    care = page_as(world["care_a"])
    director = page_as(world["director_a"])
    teacher = page_as(world["teacher_a"], viewport={"width": 390, "height": 844})

    care.goto("/")
    expect(care.get_by_role("heading", level=1)).to_be_visible()
    walk.check(care, "care-start")
    care.goto(f"/trajecten/{case.pk}/")
    walk.check(care, "case")
    care.goto(f"/trajecten/{case.pk}/vastleggen/kindcheck/")
    care.get_by_role("button", name="Vastleggen").first.click()
    expect(care.locator(".errorlist").first).to_be_visible()
    walk.check(care, "record-form-errors")
    care.goto(f"/trajecten/{case.pk}/betrokkenen/")
    walk.check(care, "members")
    care.goto(f"/trajecten/{case.pk}/verzoek/")
    walk.check(care, "request")
    care.goto(f"/trajecten/{case.pk}/verslag/")
    walk.check(care, "meldcode-report")
    care.goto(f"/leerlingen/{world.pupil_a5.pk}/toestemming/")
    walk.check(care, "consent-register")
    care.goto(f"/leerlingen/{world.pupil_a5.pk}/toestemming/nieuw/")
    walk.check(care, "consent-form")
    care.goto(f"/leerlingen/{world.pupil_a5.pk}/uitwisseling/nieuw/?traject={case.pk}")
    walk.check(care, "exchange-form")
    care.goto("/meldingen/")
    walk.check(care, "notifications")
    care.goto("/taken/")
    walk.check(care, "my-tasks")

    director.goto(f"/trajecten/{case.pk}/")
    walk.check(director, "case-director")
    director.goto(f"/scholen/{world.school_a.pk}/meldcode-jaarbundel/")
    walk.check(director, "meldcode-bundle")

    teacher.goto(f"/leerlingen/{world.pupil_a5.pk}/")
    expect(teacher.get_by_text("Noteer of Anna in de pauze alleen staat").first).to_be_visible()
    walk.check(teacher, "pupil-with-request-phone")
    teacher.goto("/")
    walk.check(teacher, "teacher-start-phone")

    report = walk.report()
    print(report)
    blocking = [(n, v) for n, v in walk.findings if v["impact"] in BLOCKING]
    assert not blocking, report
