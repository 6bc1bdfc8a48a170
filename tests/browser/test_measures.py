"""A suspension from proposal to letters: the director proposes it for the pupil, the
board approves it before it starts, the director makes the letter to the parents and
downloads it."""

from __future__ import annotations

import datetime as dt
import re

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from vangnet.measures.models import Measure, MeasureDocument
from vangnet.organisations.calendar import calendar_for


def serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_suspension_from_proposal_to_letters(page_as, world, shot):
    calendar = calendar_for(world.school_a)
    start = calendar.next_school_day(timezone.localdate() + dt.timedelta(days=2))
    end = calendar.add_school_days(start, 2)

    # the director proposes a suspension of two school days
    director = page_as(world["director_a"])
    director.goto(f"/leerlingen/{world.pupil_a5.pk}/")
    director.locator("a[href*='maatregelen/nieuw']").first.click()
    expect(director.get_by_role("heading", level=1)).to_contain_text(world.pupil_a5.full_name)
    shot(director, "1-choose")
    assert not serious(director)
    director.goto(f"/leerlingen/{world.pupil_a5.pk}/maatregelen/nieuw/?soort=suspension")
    director.get_by_label("Eerste dag").fill(start.isoformat())
    # one day too many: refused with the rule quoted, the form kept
    director.get_by_label("Laatste dag").fill(calendar.add_school_days(start, 6).isoformat())
    director.get_by_label("Redenen").fill(
        "Heeft in de pauze een medeleerling bedreigd met een stok."
    )
    director.locator("textarea[name='learning_arrangements']").fill(
        "De leerkracht zet elke ochtend het werk klaar in de leeromgeving."
    )
    director.get_by_role("button", name="Schorsing voorstellen").click()
    expect(director.get_by_text(re.compile("hoogstens één week"))).to_be_visible()
    expect(director.get_by_label("Redenen")).to_have_value(re.compile("met een stok"))
    shot(director, "2-refused")
    director.get_by_label("Laatste dag").fill(end.isoformat())
    director.get_by_role("button", name="Schorsing voorstellen").click()
    expect(director).to_have_url(re.compile(r"/maatregelen/\d+/$"))
    expect(director.get_by_text(re.compile("wacht op het besluit van")).first).to_be_visible()
    shot(director, "3-proposed")
    assert not serious(director)
    measure = Measure.objects.get()
    assert (measure.status, measure.school_days) == ("proposed", 2)

    # the board approves it before the first day
    board = page_as(world["board"])
    board.goto("/maatregelen/")
    waiting = board.get_by_role("region", name="Wacht op uw besluit")
    waiting.get_by_role("link", name=world.pupil_a5.full_name).click()
    board.get_by_label("Goedkeuren", exact=True).check()
    board.get_by_role("button", name="Besluit vastleggen").click()
    expect(board.get_by_text("Goedgekeurd").first).to_be_visible()
    shot(board, "4-approved")
    assert not serious(board)
    measure.refresh_from_db()
    assert measure.status == "approved"
    assert measure.inspectie_report_due == start  # longer than one day: report it

    # the director makes the letter to the parents and downloads it
    director.goto(f"/maatregelen/{measure.pk}/")
    director.get_by_role("button", name="Brief over de schorsing maken").click()
    letters = director.locator("#brieven")
    expect(letters.get_by_role("link", name=re.compile("PDF"))).to_be_visible()
    shot(director, "5-letter")
    assert not serious(director)
    document = MeasureDocument.objects.get()
    assert document.kind == "suspension_letter"
    with director.expect_download() as download:
        letters.get_by_role("link", name=re.compile("Word")).click()
    assert download.value.suggested_filename.endswith(".docx")
    assert world.pupil_a5.last_name not in download.value.suggested_filename
