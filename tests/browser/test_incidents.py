"""The director registers an incident with three people involved and reads it back."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect
from tests.world import pupil

from vangnet.incidents.models import Incident

PHONE = {"width": 375, "height": 740}


def serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_director_registers_an_incident_with_three_people(page_as, world, shot):
    cor = pupil(world.school_a, world.group_a5, "Cor", "de Wit", "A502")
    page = page_as(world["director_a"])
    page.goto("/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Incidenten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Incidenten")
    shot(page, "1-empty-list")
    assert not serious(page)
    page.get_by_role("link", name="Incident registreren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Incident registreren")
    shot(page, "2-form")
    assert not serious(page)
    body = page.content().lower()
    assert "dader" not in body and "slachtoffer" not in body

    page.get_by_label("Soort incident").select_option(label="Pesten")
    page.get_by_label("Waar gebeurde het?").select_option(label="Schoolplein")
    page.get_by_label("Ernstig", exact=True).check()
    page.get_by_label("Wat is er gebeurd?").fill(
        "Tijdens de pauze werd Anna steeds weggeduwd bij het voetbalveld."
    )
    people = [
        ("Leerling die het initiatief nam", "Bram Bakker"),
        ("Leerling die het overkwam", "Anna Visser"),
        ("Omstander", "Cor de Wit"),
    ]
    for i, (role, name) in enumerate(people):
        page.locator(f"#id_p{i}_role").select_option(label=role)
        page.locator(f"#id_p{i}_pupil").select_option(label=name)
    page.get_by_label("Er is onrust ontstaan").check()
    page.get_by_label("Onrust bij wie?").fill("de klas")
    page.get_by_label("Genomen maatregelen").fill("Gesprek met beide leerlingen.")

    # a fourth row without JavaScript: the form comes back with more rows, nothing lost
    page.get_by_role("button", name="Meer personen toevoegen").click()
    expect(page.locator("#id_p5_role")).to_be_visible()
    expect(page.locator("#id_p2_pupil")).to_have_value(str(cor.pk))
    expect(page.get_by_label("Wat is er gebeurd?")).to_have_value(re.compile("voetbalveld"))
    page.get_by_role("button", name="Incident registreren").click()
    expect(page).to_have_url(re.compile(r"/incidenten/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("Het incident is geregistreerd")
    shot(page, "3-detail")
    assert not serious(page)
    table = page.get_by_role("table", name="Betrokkenen")
    for role, name in people:
        expect(table.get_by_role("row").filter(has_text=role)).to_contain_text(name)

    incident = Incident.objects.get()
    assert incident.national_code == "bullying"
    assert incident.people.count() == 3
    assert incident.reporter == world["director_a"]

    page.get_by_role("link", name="Incidenten").first.click()
    expect(page.get_by_text("1 incident", exact=True)).to_be_visible()
    shot(page, "4-list")

    # the trend chart shows the new incident in this month's bar, as the table does
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Trends").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Trends in incidenten")
    chart = page.get_by_role("img", name="Incidenten per maand, deze periode en een jaar eerder")
    expect(chart).to_be_visible()
    month = timezone.localtime(incident.occurred_at).strftime("%Y-%m")
    bar = chart.locator(f'rect[data-month="{month}"][data-previous="0"]')
    expect(bar).to_have_attribute("data-count", "1")
    assert bar.bounding_box()["height"] > 10  # a visible bar, not a sliver
    expect(bar.locator("title")).to_have_text(re.compile(r": 1$"))
    others = chart.locator(f'rect[data-previous="0"]:not([data-month="{month}"])')
    assert set(others.evaluate_all("bars => bars.map(b => b.dataset.count)")) <= {"0"}
    row = page.locator("#trend-table").locator(f'tr[data-key="{month}"]')
    expect(row.locator("td").first).to_have_text("1")
    expect(page.locator("#category-table tr[data-key='bullying'] td").first).to_have_text("1")
    shot(page, "5-trends")
    assert not serious(page)


def test_incident_form_fits_a_phone(page_as, world, shot):
    page = page_as(world["teacher_a"], viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/incidenten/nieuw/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Incident registreren")
    shot(page, "1-form-phone")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= PHONE["width"], f"the form scrolls sideways ({overflow}px)"
    assert not serious(page)


def test_trends_fit_a_phone(page_as, world, shot):
    page = page_as(world["board"], viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(f"/incidenten/inzicht/?bestuur={world.board.pk}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Trends in incidenten")
    shot(page, "1-trends-phone")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= PHONE["width"], f"the trends page scrolls sideways ({overflow}px)"
    assert not serious(page)
