"""A Meldcode case walked through the pages: the care coordinator starts it from a handed-over
concern and takes it through the five steps, help (with a correction of the first signal),
question 5, monitoring, to closed. axe-core on the case page and the decision page."""

from __future__ import annotations

import datetime as dt
import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from tests.browser.helpers import SCREENSHOTS

from vangnet.cases.models import Case, CaseRecord
from vangnet.concerns.actions import do_handover
from vangnet.core.audit import Actor


def violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"[{v['impact']}] {v['id']}: {v['help']} — "
        + "; ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in results.response["violations"]
    ]


def record(page: Page, label: str) -> None:
    """Open the form of one record kind from the case page."""
    page.get_by_role("link", name=f"Vastleggen: {label}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Vastleggen: {label}")


def save(page: Page) -> None:
    page.get_by_role("button", name="Vastleggen", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Vastgelegd")


def complete_step(page: Page, now: str) -> None:
    page.get_by_role("button", name="Stap afronden").click()
    expect(page.locator(".messages")).to_contain_text(now)


def answer(page: Page, key: str, value: str, rationale: str = "", *, partner: bool = False):
    section = page.locator(f"[data-question={key.split('_')[0]}]")
    field = section.locator(f"[data-answer-key={key}]")
    field.get_by_label(value, exact=True).check()
    if rationale:
        section.get_by_label("Onderbouwing").fill(rationale)
    if partner:
        section.get_by_label("Besproken met Veilig Thuis").check()


def test_care_coordinator_walks_a_case_from_hand_over_to_closed(page_as, world, shot):
    world.case.delete()  # start from a pupil without a case
    do_handover(world.concern, note="Het blijft zorgelijk.", actor=Actor(world["teacher_a"]))
    page = page_as(world["care_a"])
    today = dt.date.today()
    past = (today - dt.timedelta(days=1)).isoformat()

    # the handed-over concern: start the case from it
    page.goto(f"/zorgen/{world.concern.pk}/")
    page.get_by_role("link", name="Zorgtraject starten").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zorgtraject starten")
    expect(page.locator(".notice")).to_contain_text("gekoppeld aan het verslag")
    shot(page, "0-start")
    assert not violations(page), violations(page)
    # two protocols fit a primary-school pupil: choose the Meldcode
    page.get_by_label("Meldcode huiselijk geweld en kindermishandeling").check()
    page.get_by_role("button", name="Zorgtraject starten").click()
    expect(page).to_have_url(re.compile(r"/trajecten/\d+/$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Nu: Stap 1"))).to_be_visible()
    expect(page.locator(".case-dossier")).to_contain_text("Eerder in het dossier")
    shot(page, "1-case-step-1")
    assert not violations(page), violations(page)

    # step 1: a signal and the Kindcheck
    record(page, "Signaal")
    page.get_by_label("Datum").fill(past)
    page.get_by_label("Gezien of gehoord door").fill("Juf Anke, groep 5")
    page.get_by_label("Wat is er gezien of gehoord?").fill(
        "Anna had een blauwe plek op de bovenarm en schrok toen ik haar aanraakte."
    )
    page.get_by_role("radio", name="Eigen waarneming").check()
    shot(page, "2-record-form")
    save(page)
    expect(page.locator(".checklist li.met")).to_have_count(1)
    complete_step(page, "Doe de kindcheck.")  # not everything is there yet: nothing moves
    expect(page.get_by_role("heading", name=re.compile(r"^Nu: Stap 1"))).to_be_visible()
    record(page, "Kindcheck")
    page.get_by_role("radio", name="Nee").check()
    save(page)
    complete_step(page, "Stap 2")

    # step 2: consultation with Veilig Thuis
    record(page, "Overleg")
    page.get_by_label("Datum").fill(past)
    page.get_by_role("radio", name="Veilig Thuis (advies)").check()
    page.get_by_label("Naam en functie").fill("Adviseur Veilig Thuis")
    page.get_by_label("Advies gevraagd zonder de naam van het kind te noemen").check()
    page.get_by_label("Uw vraag").fill("Moeten wij melden?")
    page.get_by_label("Advies dat u kreeg").fill("Eerst het gesprek met de ouders aangaan.")
    save(page)
    complete_step(page, "Stap 3")

    # step 3: the conversation with the parents
    record(page, "Gesprek met ouders en/of kind")
    page.get_by_label("Datum").fill(past)
    page.get_by_label("Aanwezig").fill("Moeder, intern begeleider")
    page.get_by_label("Doel van het gesprek").fill("De zorgen delen.")
    page.get_by_label("Besproken feiten").fill("De blauwe plekken, het schrikken.")
    page.get_by_label("Afspraken").fill("Moeder neemt contact op met het wijkteam.")
    save(page)
    complete_step(page, "Stap 4")

    # step 4: the weighing with the Balansmodel
    record(page, "Weging")
    for name, value in [
        ("physical_danger", "Nee"),
        ("development_hindered", "Ja"),
        ("future_risk", "Ja"),
    ]:
        page.locator(f"fieldset:has(input[name={name}])").get_by_label(value, exact=True).check()
        page.locator(f"#id_{name}_why").fill("Zie de signalen en het gesprek.")
    page.get_by_label("Risicofactoren: kind en gezin (micro)").fill("Spanning tussen ouders")
    page.get_by_label("Beschermende factoren: kind en gezin (micro)").fill("Betrokken oma")
    page.get_by_label("Contextscore (0-10)").fill("4")
    page.get_by_label("Doelen").fill("Rust en veiligheid thuis")
    save(page)
    complete_step(page, "Stap 5")

    # step 5: the afwegingskader, questions 1-4 → help
    page.get_by_role("link", name="Besluit nemen met het afwegingskader").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Afwegingskader")
    expect(page.locator("[data-question=q2]")).to_be_hidden()  # reached after question 1
    answer(page, "q1", "Ja", "Signalen, gesprek en weging wijzen op kindermishandeling.")
    answer(page, "q2_acute", "Nee")
    answer(page, "q2_structural", "Nee", "Geen direct gevaar; het herhaalt zich niet.")
    answer(page, "q3", "Ja", "Het wijkteam kan een gezinscoach inzetten.", partner=True)
    answer(page, "q4", "Ja", "Moeder wil meewerken.", partner=True)
    expect(page.locator("[data-question=q5]")).to_be_visible()
    shot(page, "3-decision")
    assert not violations(page), violations(page)
    page.get_by_role("button", name="Uitkomst bekijken").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("Uitkomst"))).to_have_text(
        "Uitkomst: Hulp organiseren en effecten volgen"
    )
    shot(page, "4-decision-confirm")
    assert not violations(page), violations(page)
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.locator(".messages")).to_contain_text("Het besluit is vastgelegd")
    expect(page.get_by_role("heading", name="Nu: Hulp organiseren en volgen")).to_be_visible()

    # help: the plan, then question 5
    record(page, "Hulp georganiseerd")
    page.get_by_label("Welke hulp?").fill("Gezinscoach, wekelijks")
    page.get_by_label("Door wie?").fill("Wijkteam")
    page.get_by_role("radio", name="Ja").check()
    page.get_by_label("Afgestemd met Veilig Thuis").check()
    page.get_by_label("Evaluatie van de hulp op").fill((today + dt.timedelta(days=42)).isoformat())
    save(page)
    # the help is evaluated before question 5 is answered
    record(page, "Evaluatie")
    page.get_by_label("Datum").fill(today.isoformat())
    page.get_by_label("Aanwezig").fill("Moeder, gezinscoach, intern begeleider")
    page.get_by_label("Hoe gaat het met de veiligheid en het welzijn van het kind?").fill(
        "Het is rustiger thuis; Anna slaapt beter."
    )
    save(page)

    # a record is never changed: the signal of step 1 is corrected with a new record
    page.get_by_role("link", name=re.compile(r"^Corrigeren\W+Signaal")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Corrigeren: Signaal")
    expect(page.locator(".case-correcting")).to_contain_text("U corrigeert de vastlegging van")
    what = page.get_by_label("Wat is er gezien of gehoord?")
    expect(what).to_have_value(re.compile("blauwe plek op de bovenarm"))
    what.fill("Anna had een blauwe plek op de linker bovenarm en schrok toen ik haar aanraakte.")
    page.get_by_role("button", name="Correctie vastleggen").click()
    expect(page.locator(".messages")).to_contain_text("Gecorrigeerd: Signaal")
    corrected = page.locator(".case-record.is-corrected")
    expect(corrected).to_contain_text("Gecorrigeerd op")
    expect(corrected).to_contain_text("blauwe plek op de bovenarm")  # still readable
    expect(page.locator(".case-record.is-correction")).to_contain_text(
        "Correctie van de vastlegging van"
    )
    shot(page, "4b-correction")
    corrected.screenshot(path=str(SCREENSHOTS / "cases-corrected-record.png"))
    assert not violations(page), violations(page)

    page.get_by_role("link", name="Besluit nemen met het afwegingskader").click()
    expect(page.locator("[data-question=q1]")).to_contain_text("dit antwoord blijft staan")
    answer(page, "q5", "Ja", "Na zes weken is het rustig thuis.", partner=True)
    shot(page, "4c-question-5")
    page.get_by_role("button", name="Uitkomst bekijken").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("Uitkomst"))).to_have_text(
        "Uitkomst: Hulp afsluiten met afspraken over volgen"
    )
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_role("heading", name="Nu: Volgen en afsluiten")).to_be_visible()

    # monitoring: close with agreements
    record(page, "Afsluiting")
    page.get_by_label("Afspraken over het volgen van de veiligheid na afsluiting").fill(
        "De leerkracht blijft signaleren; over drie maanden kijkt de IB opnieuw."
    )
    page.get_by_label("Wie zijn over de afsluiting ingelicht?").fill("Moeder, leerkracht")
    save(page)
    complete_step(page, "Het traject is afgesloten.")
    expect(page.locator(".case-closed")).to_contain_text("Dit traject is afgesloten op")
    expect(page.get_by_role("button", name="Stap afronden")).to_have_count(0)
    shot(page, "5-closed")
    assert not violations(page), violations(page)

    case = Case.objects.get(pupil=world.pupil_a5)
    assert case.is_closed and case.origin_concern == world.concern
    decisions = CaseRecord.objects.filter(case=case, kind="afwegingskader").order_by("id")
    assert [d.data["outcome"] for d in decisions] == ["help", "close_with_monitoring"]
    assert decisions[1].data["with_partner"] == {"q3": True, "q4": True, "q5": True}


def test_acute_route_from_the_case_page_on_a_phone(page_as, world, shot):
    page = page_as(world["care_a"], viewport={"width": 375, "height": 740}, is_mobile=True)
    page.goto(f"/trajecten/{world.case.pk}/")
    acute = page.locator(".acute-card")
    expect(acute).to_contain_text("0800-2000")
    acute.get_by_label("Waarom is het acuut?").fill("Vader dreigt vanavond met slaan.")
    acute.get_by_role("button", name="Acuut melden").click()
    expect(page.locator(".messages")).to_contain_text("Meld bij Veilig Thuis")
    expect(page.get_by_role("heading", name="Nu: Melden bij Veilig Thuis")).to_be_visible()
    shot(page, "1-after-acute")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 375, f"the case page scrolls sideways ({overflow}px)"
    assert not violations(page), violations(page)
