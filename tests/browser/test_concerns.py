"""Logging a concern on a phone, the dossier, sharing and hand-over, with axe-core."""

from __future__ import annotations

import re
import time

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from vangnet.concerns.models import Concern

PHONE = {"width": 375, "height": 740}


def serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


class Steps:
    """Counts what a person does: every click, every field filled."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def click(self, locator) -> None:
        self.count += 1
        locator.click()

    def fill(self, locator, text: str) -> None:
        self.count += 1
        locator.fill(text)


def test_teacher_logs_a_concern_on_a_phone(page_as, world, shot):
    page = page_as(world["teacher_a"], viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(f"/leerlingen/{world.pupil_a5.pk}/")
    shot(page, "1-pupil-with-dossier")
    steps = Steps(page)
    started = time.monotonic()
    steps.click(page.get_by_role("link", name="Zorg vastleggen"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zorg vastleggen")
    shot(page, "2-form")
    assert not serious(page)
    steps.fill(page.locator("#id_s0_text"), "Kwam zonder jas en zonder ontbijt binnen.")
    steps.click(page.get_by_role("button", name="Vastleggen"))
    expect(page).to_have_url(re.compile(r"/zorgen/\d+/$"))
    seconds = time.monotonic() - started
    shot(page, "3-entry")
    assert steps.count == 3  # open the form, type what happened, save: date/time are filled in
    print(f"simple entry on a phone: {steps.count} steps, {seconds:.1f} s of browser time")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= PHONE["width"], f"the entry page scrolls sideways ({overflow}px)"
    assert not serious(page)
    concern = Concern.objects.get(pupil=world.pupil_a5, statements__text__startswith="Kwam zonder")
    assert concern.author == world["teacher_a"]


def test_account_needs_a_source_and_names_become_initials(page_as, world, shot):
    page = page_as(world["teacher_a"])
    page.goto(f"/leerlingen/{world.pupil_a5.pk}/zorg/nieuw/")
    page.locator("#id_s0_kind").select_option("account")
    expect(page.locator("#id_s0_source")).to_be_visible()  # shown for a story of someone else
    page.locator("#id_s0_text").fill("Bram Bakker zei dat hij geslagen werd.")
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.locator(".errorlist").first).to_contain_text("Noem de bron")
    expect(page.locator("#id_s0_text")).to_have_value("Bram Bakker zei dat hij geslagen werd.")
    shot(page, "1-source-missing")
    page.locator("#id_s0_source").fill("klasgenoot")
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.locator("#names-warning")).to_contain_text("Bram Bakker")
    shot(page, "2-names-warning")
    assert not serious(page)
    page.get_by_role("button", name="Vervang door initialen en opslaan").click()
    expect(page).to_have_url(re.compile(r"/zorgen/\d+/$"))
    expect(page.get_by_text("B.B. zei dat hij geslagen werd.")).to_be_visible()
    shot(page, "3-saved-with-initials")


def test_dossier_filters_and_hand_over(page_as, world, shot):
    care = page_as(world["care_a"])
    teacher = page_as(world["teacher_a"])
    teacher.goto(f"/zorgen/{world.concern.pk}/")
    teacher.get_by_role("link", name="Overdragen aan de intern begeleider").click()
    teacher.get_by_label("Toelichting voor de intern begeleider").fill("De zorg blijft.")
    teacher.get_by_role("button", name="Overdragen").click()
    expect(teacher.get_by_role("status").first).to_contain_text("Overgedragen")
    shot(teacher, "1-handed-over")
    care.goto(f"/leerlingen/{world.pupil_a5.pk}/")
    care.get_by_label("Soort").select_option("conversation")
    expect(care.locator("#dossier")).to_contain_text("Geen verslagen met deze keuze")
    # the swapped-in filter form must be wired up by htmx before it is changed again
    care.wait_for_function(
        "() => { const f = document.querySelector('#dossier form');"
        " return !!(f && f['htmx-internal-data']); }"
    )
    care.get_by_label("Soort").select_option("")
    expect(care.locator("#dossier .timeline-entry")).to_have_count(1)
    shot(care, "2-dossier")
    assert not serious(care)


def test_care_coordinator_downloads_the_parents_export(page_as, world, shot, tmp_path):
    """The PDF for parents, opened as images: the working note is not in it."""
    import subprocess

    from vangnet.concerns.actions import ConcernInput, do_create_concern
    from vangnet.core.audit import Actor
    from vangnet.lib.statements import FACT, SUSPICION, Statement

    teacher = Actor(world["teacher_a"])
    do_create_concern(
        world.pupil_a5,
        ConcernInput(
            occurred_at=world.concern.occurred_at,
            statements=[Statement(FACT, "Kwam huilend binnen na de pauze.")],
        ),
        actor=teacher,
    )
    do_create_concern(
        world.pupil_a5,
        ConcernInput(
            occurred_at=world.concern.occurred_at,
            is_working_note=True,
            statements=[Statement(SUSPICION, "GEHEIME WERKNOTITIE voor de intern begeleider")],
        ),
        actor=teacher,
    )
    page = page_as(world["care_a"])
    page.goto(f"/leerlingen/{world.pupil_a5.pk}/")
    with page.expect_download() as info:
        page.get_by_role("link", name="PDF").click()
    pdf = tmp_path / "dossier.pdf"
    info.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Kwam huilend binnen na de pauze." in text
    assert "GEHEIME WERKNOTITIE" not in text
    from tests.browser.helpers import SCREENSHOTS

    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(SCREENSHOTS / "test_care_coordinator_downloads_the_parents_export-page"),
        ],
        check=True,
    )
