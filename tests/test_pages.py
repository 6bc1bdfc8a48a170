"""Pages: audited reads, break-the-glass, forms that keep input and submit once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from vangnet.core.models import AuditEvent, BreakGlassGrant, EventType
from vangnet.organisations.models import Partner

pytestmark = pytest.mark.django_db


def token_of(response) -> str:
    form = response.context["form"]
    return form.initial.get("submission_token") or form["submission_token"].value()


def test_opening_a_pupil_is_audited(world, client_for):
    response = client_for("care_a").get(f"/leerlingen/{world.pupil_a5.pk}/")
    assert response.status_code == 200
    assert "Ellen Visser" in response.content.decode()
    event = AuditEvent.objects.filter(event_type=EventType.PUPIL_VIEWED).latest("id")
    assert (event.pupil_id, event.actor_id, event.school_id, event.ip) == (
        world.pupil_a5.pk,
        world["care_a"].pk,
        world.school_a.pk,
        "127.0.0.1",
    )


def test_search_is_audited_and_scoped(world, client_for):
    response = client_for("care_a").get("/leerlingen/?q=bakker")
    assert [p.pk for p in response.context["results"]] == [world.pupil_a6.pk]
    event = AuditEvent.objects.filter(event_type=EventType.PUPILS_LISTED).latest("id")
    assert event.data == {"query": True, "school": None, "results": 1}  # never the name itself
    assert client_for("care_a").get("/leerlingen/?q=smit").context["results"] == []


def test_htmx_search_returns_the_partial(world, client_for):
    response = client_for("teacher_a").get("/leerlingen/?q=anna", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Visser, Anna" in html and "<html" not in html


def test_access_log_shows_who_looked(world, client_for):
    client_for("teacher_a").get(f"/leerlingen/{world.pupil_a5.pk}/")
    html = client_for("care_a").get(f"/leerlingen/{world.pupil_a5.pk}/toegang/").content.decode()
    assert world["teacher_a"].email in html and "Leerlingpagina bekeken" in html


def test_break_the_glass(world, client_for):
    world.board.break_glass_minutes = 10  # shorter than the idle timeout
    world.board.save()
    client = client_for("teacher_a")
    url = f"/leerlingen/{world.pupil_a6.pk}/noodtoegang/"
    assert client.get(f"/leerlingen/{world.pupil_a6.pk}/").status_code == 404
    # the search offers the pupil of another group only through break-the-glass
    search = client.get("/leerlingen/?q=bram").content.decode()
    assert url in search
    page = client.get(url)
    token = token_of(page)
    short = client.post(url, {"reason": "even kijken", "submission_token": token})
    assert short.status_code == 200
    assert "minstens 15 tekens" in short.content.decode()
    assert "even kijken" in short.content.decode()  # the text comes back
    reason = "Incident op het plein tijdens mijn pleinwacht, ouders bellen"
    first = client.post(url, {"reason": reason, "submission_token": token})
    again = client.post(url, {"reason": reason, "submission_token": token})
    assert first.status_code == again.status_code == 302
    assert BreakGlassGrant.objects.count() == 1  # the double submit made one grant
    assert client.get(f"/leerlingen/{world.pupil_a6.pk}/").status_code == 200
    event = AuditEvent.objects.get(event_type=EventType.BREAK_GLASS_GRANTED)
    assert event.reason == reason and event.pupil_id == world.pupil_a6.pk
    viewed = AuditEvent.objects.filter(event_type=EventType.PUPIL_VIEWED).latest("id")
    assert viewed.reason == reason
    # the care coordinator sees it on the start page
    assert reason in client_for("care_a").get("/").content.decode()
    # and it ends
    later = timezone.now() + dt.timedelta(minutes=world.board.break_glass_minutes + 1)
    with time_machine.travel(later):
        assert client.get(f"/leerlingen/{world.pupil_a6.pk}/").status_code == 404


def test_break_the_glass_off_when_the_board_says_so(world, client_for):
    world.board.break_glass_allowed = False
    world.board.save()
    client = client_for("teacher_a")
    assert client.get(f"/leerlingen/{world.pupil_a6.pk}/noodtoegang/").status_code == 404
    assert (
        f"/leerlingen/{world.pupil_a6.pk}/noodtoegang/"
        not in client.get("/leerlingen/?q=bram").content.decode()
    )


PARTNER = {
    "kind": "ggd",
    "organisation": "GGD West",
    "contact_name": "J. Jansen",
    "phone": "010-5550000",
    "email": "jgz@ggd.invalid",
    "opening_hours": "",
    "notes": "",
}


def test_partner_form_keeps_input_and_explains_in_dutch(world, client_for):
    client = client_for("director_a")
    url = f"/besturen/{world.board.pk}/sociale-kaart/nieuw/"
    token = token_of(client.get(url))
    bad = PARTNER | {"email": "geen-adres", "phone": "", "submission_token": token}
    response = client.post(url, bad)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vul een geldig e-mailadres in" in html
    assert 'value="GGD West"' in html and 'value="J. Jansen"' in html
    assert not Partner.objects.filter(organisation="GGD West").exists()
    ok = PARTNER | {"submission_token": token}
    assert client.post(url, ok).status_code == 302
    assert client.post(url, ok).status_code == 302
    assert Partner.objects.filter(organisation="GGD West").count() == 1


def test_partner_needs_a_way_to_reach_it(world, client_for):
    client = client_for("admin")
    url = f"/besturen/{world.board.pk}/sociale-kaart/nieuw/"
    response = client.post(
        url, PARTNER | {"phone": "", "email": "", "submission_token": token_of(client.get(url))}
    )
    assert "telefoonnummer of een e-mailadres" in response.content.decode()


def test_edit_conflict_is_shown_not_overwritten(world, client_for):
    url = f"/sociale-kaart/{world.partner.pk}/"
    alice, bob = client_for("admin"), client_for("director_a")
    alice_form = alice.get(url)
    bob_form = bob.get(url)
    base = {k: v for k, v in PARTNER.items()} | {"kind": "veilig_thuis"}
    alice.post(
        url,
        base
        | {
            "organisation": "Veilig Thuis (Alice)",
            "version": 1,
            "submission_token": token_of(alice_form),
        },
    )
    response = bob.post(
        url,
        base
        | {
            "organisation": "Veilig Thuis (Bob)",
            "version": 1,
            "submission_token": token_of(bob_form),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Iemand anders heeft dit intussen gewijzigd" in html
    assert "Veilig Thuis (Alice)" in html and 'value="Veilig Thuis (Bob)"' in html
    world.partner.refresh_from_db()
    assert world.partner.organisation == "Veilig Thuis (Alice)" and world.partner.version == 2
    event = AuditEvent.objects.get(event_type=EventType.PARTNER_UPDATED)
    assert event.data["old"]["organisation"] == "Veilig Thuis Noord"


def test_read_only_users_cannot_write(world, client_for):
    url = f"/sociale-kaart/{world.partner.pk}/"
    assert client_for("teacher_a").post(url, PARTNER).status_code == 403
    assert (
        client_for("board").post(f"/besturen/{world.board.pk}/instellingen/", {}).status_code == 403
    )
    world.partner.refresh_from_db()
    assert world.partner.organisation == "Veilig Thuis Noord"


def test_board_settings_and_role_titles(world, client_for):
    client = client_for("admin")
    url = f"/besturen/{world.board.pk}/instellingen/"
    token = token_of(client.get(url))
    bad = client.post(
        url,
        {
            "break_glass_allowed": "on",
            "break_glass_minutes": "2",
            "version": 1,
            "submission_token": token,
        },
    )
    assert "Kies minstens 5 minuten" in bad.content.decode()
    client.post(url, {"break_glass_minutes": "30", "version": 1, "submission_token": token})
    world.board.refresh_from_db()
    assert (world.board.break_glass_allowed, world.board.break_glass_minutes) == (False, 30)
    titles_url = f"/besturen/{world.board.pk}/functienamen/"
    page = client.get(titles_url)
    token = page.context["titles"].initial["submission_token"]
    client.post(
        titles_url, {"titles-submission_token": token, "titles-care_coordinator": "Zorgcoördinator"}
    )
    assert (
        "Zorgcoördinator"
        in client_for("board").get(f"/scholen/{world.school_a.pk}/").content.decode()
    )
    assert AuditEvent.objects.filter(event_type=EventType.ROLE_TITLE_CHANGED).count() == 1


def test_periodic_jobs_are_claimed_once():
    from vangnet.core.periodic import JOBS, claim

    now = timezone.now()
    assert claim(JOBS[0], now) is True
    assert claim(JOBS[0], now) is False  # a second worker at the same moment
    assert claim(JOBS[0], now + JOBS[0].every) is True
