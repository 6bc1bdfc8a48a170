"""The Meldcode report per case and the yearly bundle for the board.

docs/domain.md, module 3: "For every significant Meldcode case a short report is made
(date, contact person, subject, description, public unrest, non-professionals involved,
activities, report made?, those involved informed?, external consultation, bottlenecks,
remarks) and once a year all are bundled for the board." Issue 5: "a bundle for the board
(PDF/DOCX) with the reports and aggregated counts, without pupil names."
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from tests.test_case_engine import actor, consultation, to_decision
from tests.world import World
from vangnet.cases import actions, bundle, report
from vangnet.cases.models import Case, CaseRecord, MeldcodeReport
from vangnet.core.audit import verify
from vangnet.core.models import AuditEvent, EventType
from vangnet.core.submissions import ConflictError
from vangnet.lib.dates import school_year_of

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
PUPIL_NAMES = ("Anna", "Visser")  # pupil_a5 is Anna Visser; her mother is Ellen Visser


def today_text() -> str:
    return date_format(timezone.localdate(), "j F Y")


def vt_report(**changes: object) -> dict[str, object]:
    return {
        "reported_on": timezone.localdate(),
        "reference": "VT-2026-1",
        "reported_by": "Care A",
        "summary": "Anna Visser vertelde over herhaald letsel.",
        "parents_told": False,
        "parents_not_told_why": "Ellen Visser zou Anna onder druk zetten.",
    } | changes


def reported_case(world: World) -> Case:
    """A case walked through the five steps, decided 'report', reported to Veilig Thuis,
    with names in its records."""
    a = actor(world)
    case = to_decision(world)
    actions.do_add_record(
        case,
        "consultation",
        consultation()
        | {"with_whom": "professional", "name": "Dr. Jansen, GGD", "anonymous": False},
        actor=a,
    )
    actions.do_record_decision(
        case,
        {"q1": True, "q2_acute": False, "q2_structural": True},
        {"q1": "De signalen wijzen erop.", "q2": "Het herhaalt zich."},
        actor=a,
    )
    case.refresh_from_db()
    actions.do_add_record(case, "vt_report", vt_report(), actor=a)
    return Case.objects.select_related("pupil__school__board", "school__board").get(pk=case.pk)


def written(case: Case, **changes: object) -> dict[str, object]:
    """What the writer submits: the pre-fill plus a description full of names."""
    return (
        report.prefill(case)
        | {
            "description": (
                "Anna Visser kwam met blauwe plekken. Anna vertelde Teacher A dat Bram Bakker het "
                "zag. Mevrouw Visser (Ellen Visser) reageerde boos."
            ),
            "remarks": "Overleg met Care A liep goed.",
        }
        | changes
    )


def _flat(text: str) -> str:
    return " ".join(text.split())


def assert_no_pupil_name(text: str) -> None:
    for name in PUPIL_NAMES:
        assert not re.search(rf"\b{name}\b", text), f"{name!r} appears in {text[:200]!r}…"


def pdf_text(content: bytes, tmp_path: Path, name: str = "out.pdf") -> str:
    pdf = tmp_path / name
    pdf.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout


def docx_text(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    parts += [p.text for s in document.sections for p in s.footer.paragraphs]
    return "\n".join(parts)


def events(event_type: EventType) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("id"))


# --- pre-filling -------------------------------------------------------------------------


def test_prefill_from_a_case_driven_through_the_protocol(world):
    case = reported_case(world)
    values = report.prefill(case)
    day = today_text()
    assert values["report_date"] == timezone.localdate()  # the decision's date
    assert values["contact_person"] == "Care A (Intern begeleider / aandachtsfunctionaris)"
    assert values["subject"] == (
        "Meldcode huiselijk geweld en kindermishandeling – Melden bij Veilig Thuis"
    )
    activities = values["activities"]
    for line in (
        f"- Stap 1: signalen in kaart brengen ({day} – {day})",
        f"- Stap 5: beslissen met het afwegingskader ({day} – {day})",
        f"- Melden bij Veilig Thuis (sinds {day})",
        "- Signalen vastgelegd: 1",
        "- Kindcheck: andere kinderen in het gezin: ja",
        "- Overleg: 2 keer, waarvan 1 keer advies van Veilig Thuis",
        f"  - {day}: Veilig Thuis (advies), zonder de naam van het kind",
        f"  - {day}: Externe deskundige",
        f"- Gesprek met ouders en/of kind op {day}",
        f"- Weging met het Balansmodel op {day} (contextscore 5)",
        f"- Besluit met het afwegingskader op {day}: Melden bij Veilig Thuis",
        f"- Melding bij Veilig Thuis op {day}",
    ):
        assert line in activities.splitlines(), line
    assert values["reported"] is True
    # the reason why the parents were not told stays in the case (it may name people or a
    # threat): the report only says where it is
    assert values["informed"].splitlines()[0] == (
        "De ouders zijn niet vooraf ingelicht over de melding bij Veilig Thuis; de reden staat "
        "in het traject."
    )
    assert "onder druk" not in values["informed"] and "Reden" not in values["informed"]
    assert f"Gesprek met ouders en/of kind op {day} (aanwezig: Moeder, IB)." in values["informed"]
    assert values["external_consultation"] == (
        f"{day} – Adviseur Veilig Thuis\n{day} – Dr. Jansen, GGD"
    )
    assert values["description"] == "" and values["public_unrest"] is False
    assert_no_pupil_name(" ".join(str(v) for v in values.values()))


def test_prefill_of_a_case_without_records_or_decision(world):
    values = report.prefill(world.case)
    assert values["report_date"] == timezone.localdate()
    assert values["subject"].endswith("– nog geen besluit genomen")
    assert values["reported"] is False and values["external_consultation"] == ""
    assert "- Gesprek met ouders en/of kind: (nog) niet gevoerd" in values["activities"]
    assert "- Overleg: 0 keer, waarvan 0 keer advies van Veilig Thuis" in values["activities"]


def test_prefill_notes_a_skipped_conversation(world):
    a = actor(world)
    case = actions.do_open_case(world.pupil_a5, "meldcode", actor=a)
    actions.do_add_record(case, "observation", _observation(), actor=a)
    actions.do_add_record(case, "kindcheck", {"other_children": "no"}, actor=a)
    case = actions.do_complete_step(case, actor=a)
    actions.do_add_record(case, "consultation", consultation(), actor=a)
    case = actions.do_complete_step(case, actor=a)
    actions.do_add_record(
        case,
        "conversation_skipped",
        {"reason": "Vader bedreigde de moeder.", "decided_with": "Veilig Thuis"},
        actor=a,
    )
    values = report.prefill(case)
    assert "overgeslagen" in values["activities"]
    assert "- Kindcheck: andere kinderen in het gezin: nee" in values["activities"]
    assert "Er is geen gesprek met ouders en/of kind gevoerd" in values["informed"]
    assert "Vader bedreigde" not in values["informed"]  # the reason stays in the case


def _observation() -> dict[str, object]:
    return {
        "observed_on": timezone.localdate(),
        "observed_by": "Teacher A",
        "what": "Anna had een blauwe plek.",
        "source": "own",
        "objectified": "",
    }


# --- names -------------------------------------------------------------------------------

# "replace known full names of the pupil, other pupils of the school, guardians and staff
# with initials ... the report and bundle must never contain the pupil's name"
NAME_CASES = [
    ("Anna Visser huilde.", "A.V. huilde."),  # the pupil's full name
    ("anna visser huilde.", "A.V. huilde."),  # full names in any case
    ("Anna huilde.", "A. huilde."),  # the pupil's first name alone
    ("Mevrouw Visser belde.", "Mevrouw V. belde."),  # the family name alone
    ("Ellen Visser belde.", "E.V. belde."),  # a guardian
    ("Bram Bakker keek toe.", "B.B. keek toe."),  # another pupil of the school
    ("Cas Mulder keek toe.", "C.M. keek toe."),  # a pupil of another school of the board
    ("Gesprek met Teacher A.", "Gesprek met T.A.."),  # staff
    ("Een annalist, de visserij.", "Een annalist, de visserij."),  # words are not names
    ("Dewi Smit keek toe.", "Dewi Smit keek toe."),  # another board's pupil: not known
]


@pytest.mark.parametrize(("text", "expected"), NAME_CASES)
def test_names_are_hidden(world, text, expected):
    names = report.names_for(world.case)
    assert names.hide(text, world.pupil_a5) == expected


def test_the_contact_person_keeps_the_staff_name_but_not_a_pupils(world):
    names = report.names_for(world.case)
    hidden = names.hide_report(
        {"contact_person": "Care A (IB)", "description": "Care A belde."}, world.pupil_a5
    )
    assert hidden["contact_person"] == "Care A (IB)"
    assert hidden["description"] == "C.A. belde."


def test_saving_hides_names_and_records_an_event_without_text(world):
    case = reported_case(world)
    saved = report.do_save_report(case, written(case), actor=actor(world))
    assert saved.description == (
        "A.V. kwam met blauwe plekken. A. vertelde T.A. dat B.B. het zag. Mevrouw V. (E.V.) "
        "reageerde boos."
    )
    assert saved.remarks == "Overleg met C.A. liep goed."
    assert saved.contact_person.startswith("Care A (")
    assert saved.school_year == school_year_of(timezone.localdate())
    assert saved.written_by == world["care_a"] and saved.version == 1
    (event,) = events(EventType.CASE_REPORT_SAVED)
    assert event.pupil_id == world.pupil_a5.pk and event.object_id == str(case.pk)
    assert event.data == {
        "report": saved.pk,
        "version": 1,
        "created": True,
        "school_year": saved.school_year,
    }
    assert all(r.ok for r in verify())


def test_update_needs_the_version_that_was_read(world):
    case = reported_case(world)
    first = report.do_save_report(case, written(case), actor=actor(world))
    second = report.do_save_report(
        case, written(case, remarks="Tweede versie."), actor=actor(world), version=first.version
    )
    assert (second.pk, second.version, second.remarks) == (first.pk, 2, "Tweede versie.")
    with pytest.raises(ConflictError):  # a page opened before the second save
        report.do_save_report(case, written(case), actor=actor(world), version=1)
    with pytest.raises(ConflictError):  # a "new report" page opened before the first save
        report.do_save_report(case, written(case), actor=actor(world), version=0)
    assert MeldcodeReport.objects.count() == 1


def test_saving_checks_the_fields_and_who_writes(world):
    case = reported_case(world)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        report.do_save_report(
            case, written(case, description=" ", report_date=tomorrow), actor=actor(world)
        )
    assert set(caught.value.message_dict) == {"description", "report_date"}
    with pytest.raises(PermissionDenied):  # the director reads the case but is not in it
        report.do_save_report(case, written(case), actor=actor(world, "director_a"))
    assert not MeldcodeReport.objects.exists()


# --- the report page ---------------------------------------------------------------------


def url(case: Case, suffix: str = "/") -> str:
    return f"/trajecten/{case.pk}/verslag{suffix}"


def form_data(client: Client, case: Case, **changes: object) -> dict[str, object]:
    page = client.get(url(case))
    form = page.context["form"]
    data = {
        name: form.initial.get(name, "")
        for name in form.fields
        if not isinstance(form.initial.get(name), bool)
    }
    data["report_date"] = form.initial["report_date"].isoformat()
    data |= {"reported": "on"} if form.initial.get("reported") else {}
    data |= {"description": "Er waren zorgen over de veiligheid thuis."}
    data |= changes
    return {k: v for k, v in data.items() if v is not None}


def test_the_owner_writes_the_report_on_the_page(world, client_for):
    case = reported_case(world)
    client = client_for("care_a")
    page = client.get(url(case))
    assert page.status_code == 200
    assert page.context["can_write"] and page.context["saved"] is None
    assert "Melden bij Veilig Thuis" in page.context["form"].initial["subject"]
    viewed = events(EventType.CASE_VIEWED)[-1]
    assert viewed.data["page"] == "report" and viewed.pupil_id == case.pupil_id
    data = form_data(client, case, description="Anna Visser was bang.")
    response = client.post(url(case), data)
    assert response.status_code == 302 and response["Location"] == url(case)
    saved = MeldcodeReport.objects.get(case=case)
    assert saved.description == "A.V. was bang." and saved.reported
    page = client.get(url(case))
    assert "Eén naam is vervangen door voorletters." in page.content.decode()
    assert page.context["form"].initial["version"] == 1


def test_double_submit_makes_one_report(world, client_for):
    case = reported_case(world)
    client = client_for("care_a")
    data = form_data(client, case)
    first = client.post(url(case), data)
    second = client.post(url(case), data)
    assert first.status_code == second.status_code == 302
    assert MeldcodeReport.objects.filter(case=case).count() == 1
    assert len(events(EventType.CASE_REPORT_SAVED)) == 1


def test_a_stale_page_shows_a_conflict_and_keeps_the_input(world, client_for):
    case = reported_case(world)
    client = client_for("care_a")
    data = form_data(client, case)  # the page as it was opened (version 0)
    report.do_save_report(case, written(case, remarks="Al opgeslagen."), actor=actor(world))
    response = client.post(url(case), data | {"remarks": "Mijn aanvulling"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Iemand anders heeft dit intussen gewijzigd" in body
    assert "Zo staat het verslag nu opgeslagen" in body and "Al opgeslagen." in body
    form = response.context["form"]
    assert form.data["remarks"] == "Mijn aanvulling" and form.data["version"] == "1"
    assert MeldcodeReport.objects.get(case=case).remarks == "Al opgeslagen."
    # submitting again (the page now carries version 1) saves over it knowingly
    again = client.post(
        url(case), dict(form.data.items()) | {"submission_token": "tweede-poging-123"}
    )
    assert again.status_code == 302
    assert MeldcodeReport.objects.get(case=case).remarks == "Mijn aanvulling"


def test_errors_come_back_in_dutch_with_the_input(world, client_for):
    case = reported_case(world)
    client = client_for("care_a")
    data = form_data(client, case, description="", remarks="Blijft staan")
    response = client.post(url(case), data)
    assert response.status_code == 200
    assert response.context["form"].errors["description"] == ["Dit veld is verplicht."]
    assert "Blijft staan" in response.content.decode()
    assert not MeldcodeReport.objects.exists()


def test_refill_takes_the_case_again_but_keeps_what_was_written(world, client_for):
    case = reported_case(world)
    saved = report.do_save_report(
        case, written(case, activities="Oud", description="Eigen tekst."), actor=actor(world)
    )
    initial = client_for("care_a").get(url(case) + "?opnieuw=1").context["form"].initial
    assert initial["description"] == "Eigen tekst." and initial["version"] == saved.version
    assert "- Signalen vastgelegd: 1" in initial["activities"]


def test_the_director_reads_the_report_but_cannot_save_it(world, client_for):
    case = reported_case(world)
    report.do_save_report(case, written(case), actor=actor(world))
    client = client_for("director_a")
    page = client.get(url(case))
    assert page.status_code == 200 and not page.context["can_write"]
    assert b'class="report-form"' not in page.content
    assert "A.V. kwam met blauwe plekken." in page.content.decode()
    assert client.post(url(case), {"description": "x"}).status_code == 403


# --- exports of one report ---------------------------------------------------------------


def test_report_pdf_and_docx_name_no_pupil(world, client_for, tmp_path):
    case = reported_case(world)
    report.do_save_report(case, written(case), actor=actor(world))
    # a name that became known after saving is hidden on export too
    MeldcodeReport.objects.filter(case=case).update(remarks="Anna Visser is verhuisd.")
    client = client_for("care_a")
    pdf = client.get(url(case, ".pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert f"meldcodeverslag-{case.reference}.pdf" in pdf["Content-Disposition"]
    text = _flat(pdf_text(pdf.content, tmp_path))
    assert case.reference in text and "A.V. is verhuisd." in text
    assert "Pagina 1 van" in text and "Melden bij Veilig Thuis" in text
    assert_no_pupil_name(text)
    word = client.get(url(case, ".docx"))
    assert word.status_code == 200 and word["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    text = docx_text(word.content)
    assert case.reference in text and "A.V. kwam met blauwe plekken." in text
    assert_no_pupil_name(text)
    exported = events(EventType.CASE_REPORT_EXPORTED)
    assert [e.data for e in exported] == [
        {"format": "pdf", "saved": True, "version": 1},
        {"format": "docx", "saved": True, "version": 1},
    ]
    _screenshot(pdf.content, tmp_path, "meldcode-report-page1")


def test_an_unsaved_report_exports_as_a_concept(world, client_for, tmp_path):
    case = reported_case(world)
    response = client_for("director_a").get(url(case, ".pdf"))
    assert response.status_code == 200
    text = _flat(pdf_text(response.content, tmp_path))
    assert "Concept: nog niet opgeslagen" in text
    assert_no_pupil_name(text)


def _screenshot(content: bytes, tmp_path: Path, name: str, page: int = 1) -> None:
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(content)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / name
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", *pages, "-singlefile", str(pdf), str(target)], check=True
    )
    assert target.with_suffix(".png").stat().st_size > 1000


# --- the yearly bundle -------------------------------------------------------------------


def varied_cases(world: World) -> dict[str, Case]:
    """Cases at school A in every state the bundle counts, and some it must not count."""
    a = actor(world)
    made = {"reported": reported_case(world)}
    closed = to_decision(world)
    actions.do_record_decision(closed, {"q1": False}, {"q1": "Geen vermoeden."}, actor=a)
    made["closed"] = closed
    helped = to_decision(world)
    answers = {"q1": True, "q2_acute": False, "q2_structural": False, "q3": True, "q4": True}
    actions.do_record_decision(
        helped, answers, {k: "Zo is het." for k in ("q1", "q2", "q3", "q4")}, actor=a
    )
    made["help"] = helped
    acute = actions.do_open_case(
        world.pupil_a6, "meldcode", actor=a, acute_reason="Het kind durft niet naar huis."
    )
    actions.do_add_record(acute, "vt_report", vt_report(parents_told=True), actor=a)
    made["acute"] = acute
    skipped = actions.do_open_case(world.pupil_a6, "meldcode", actor=a)
    actions.do_add_record(skipped, "observation", _observation(), actor=a)
    actions.do_add_record(skipped, "kindcheck", {"other_children": "no"}, actor=a)
    skipped = actions.do_complete_step(skipped, actor=a)
    actions.do_add_record(skipped, "consultation", consultation(), actor=a)
    skipped = actions.do_complete_step(skipped, actor=a)
    actions.do_add_record(
        skipped,
        "conversation_skipped",
        {"reason": "Gevaar.", "decided_with": "Veilig Thuis"},
        actor=a,
    )
    made["skipped"] = skipped
    # not counted: a case of last school year, and one at school B
    last_year = actions.do_open_case(world.pupil_a5, "meldcode", actor=a)
    Case.objects.filter(pk=last_year.pk).update(opened_at=_in_previous_school_year())
    Case.objects.create(
        pupil=world.pupil_b3,
        school=world.school_b,
        protocol="meldcode",
        protocol_version=1,
        current_step="signals",
        opened_by=world["care_a"],
    )
    return made


def _in_previous_school_year() -> dt.datetime:
    current = school_year_of(timezone.localdate())
    first = int(current[:4]) - 1
    return timezone.make_aware(dt.datetime(first, 10, 1, 12, 0))


def direct_counts(world: World, year: str) -> dict[str, int]:
    from vangnet.lib.dates import school_year_bounds

    first, last = school_year_bounds(year)
    cases = [
        c
        for c in Case.objects.filter(school=world.school_a, protocol="meldcode")
        if first <= timezone.localtime(c.opened_at).date() <= last
    ]
    ids = {c.pk for c in cases}
    records = [r for r in CaseRecord.objects.all() if r.case_id in ids]
    return {
        "started": len(cases),
        "acute": sum(c.acute for c in cases),
        "open": sum(c.state != "closed" for c in cases),
        "skipped": len({r.case_id for r in records if r.kind == "conversation_skipped"}),
        "vt_reports": sum(r.kind == "vt_report" for r in records),
        "reported_cases": len({r.case_id for r in records if r.kind == "vt_report"}),
        "close": sum(c.outcome == "close" for c in cases),
        "report": sum(c.outcome == "report" for c in cases),
        "help": sum(c.outcome == "help" for c in cases),
        "close_with_monitoring": sum(c.outcome == "close_with_monitoring" for c in cases),
        "undecided": sum(c.outcome == "" and c.state != Case.State.CLOSED for c in cases),
        "closed_undecided": sum(c.outcome == "" and c.state == Case.State.CLOSED for c in cases),
    }


def test_bundle_counts_equal_a_direct_count(world):
    varied_cases(world)
    year = school_year_of(timezone.localdate())
    expected = direct_counts(world, year)
    # the world's own case, plus the five made here; not last year's
    assert expected["started"] == 6 and expected["acute"] == 1 and expected["skipped"] == 1
    assert (expected["vt_reports"], expected["report"], expected["close"]) == (2, 1, 1)
    counts = bundle.counts(world.school_a, year)
    cases = [row.value for row in counts.cases]
    assert cases == [
        expected["started"],
        expected["acute"],
        expected["open"],
        expected["skipped"],
        expected["vt_reports"],
        expected["reported_cases"],
    ]
    outcomes = [row.value for row in counts.outcomes]
    assert outcomes == [
        expected["close"],
        expected["report"],
        expected["help"],
        expected["close_with_monitoring"],
        expected["undecided"],
        expected["closed_undecided"],
    ]
    assert sum(outcomes) == counts.started == expected["started"]
    assert bundle.counts(world.school_b, year).started == 1  # school B's case counts there


def test_bundle_files_hold_counts_and_reports_without_names(world, client_for, tmp_path):
    made = varied_cases(world)
    for case in (made["reported"], made["closed"]):
        case = Case.objects.select_related("pupil__school__board", "school__board").get(pk=case.pk)
        report.do_save_report(case, written(case), actor=actor(world))
    year = school_year_of(timezone.localdate())
    client = client_for("director_a")
    pdf = client.get(f"/scholen/{world.school_a.pk}/meldcode-jaarbundel/{year}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = _flat(pdf_text(pdf.content, tmp_path))
    assert "Jaarbundel Meldcode" in text and f"schooljaar {year}" in text
    assert "Gestarte trajecten 6" in text and "Meldingen bij Veilig Thuis 2" in text
    assert made["reported"].reference in text and made["closed"].reference in text
    assert "A.V. kwam met blauwe plekken." in text
    assert_no_pupil_name(text)
    assert "Bram" not in text and "Ellen" not in text
    word = client.get(f"/scholen/{world.school_a.pk}/meldcode-jaarbundel/{year}.docx")
    assert word.status_code == 200
    text = docx_text(word.content)
    assert made["reported"].reference in text
    assert_no_pupil_name(text)
    exported = events(EventType.MELDCODE_BUNDLE_EXPORTED)
    assert [e.data for e in exported] == [
        {"school_year": year, "format": "pdf", "reports": 2},
        {"school_year": year, "format": "docx", "reports": 2},
    ]
    assert all(e.pupil_id is None and e.school_id == world.school_a.pk for e in exported)
    _screenshot(pdf.content, tmp_path, "meldcode-bundle-page1", 1)
    _screenshot(pdf.content, tmp_path, "meldcode-bundle-page2", 2)


def test_bundle_page_shows_the_counts_and_the_years(world, client_for):
    varied_cases(world)
    client = client_for("board")
    page = client.get(f"/scholen/{world.school_a.pk}/meldcode-jaarbundel/")
    assert page.status_code == 200
    year = school_year_of(timezone.localdate())
    assert page.context["year"] == year
    years = page.context["years"]
    assert years[0] == year and len(years) >= 2  # this year, the previous one (last year's case)
    assert page.context["counts"].started == 6
    assert page.context["board_page"] is True
    assert "Anna" not in page.content.decode() and "Visser" not in page.content.decode()
    older = client.get(f"/scholen/{world.school_a.pk}/meldcode-jaarbundel/?jaar={years[1]}")
    assert older.context["year"] == years[1] and older.context["counts"].started == 1
    bogus = client.get(f"/scholen/{world.school_a.pk}/meldcode-jaarbundel/?jaar=1900-1901")
    assert bogus.context["year"] == year


def test_board_page_lists_the_boards_schools(world, client_for):
    varied_cases(world)
    page = client_for("board").get(f"/besturen/{world.board.pk}/meldcode-jaarbundel/")
    assert page.status_code == 200
    rows = {school.name: (started, reports) for school, started, reports in page.context["rows"]}
    assert rows == {"School A": (6, 0), "School B": (1, 0)}


# --- who may do what ---------------------------------------------------------------------

OUTSIDERS = ["teacher_a", "adviser_a", "teacher_b", "privacy", "admin", "other_board", "no_role"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("care_a", 200), ("director_a", 200), ("board", 404)] + [(p, 404) for p in OUTSIDERS],
)
def test_report_page_and_exports_by_persona(world, client_for, persona, expected):
    client = client_for(persona)
    for suffix in ("/", ".pdf", ".docx"):
        assert client.get(url(world.case, suffix)).status_code == expected, suffix


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("care_a", 302), ("director_a", 403), ("teacher_a", 404), ("other_board", 404)],
)
def test_saving_the_report_by_persona(world, client_for, persona, expected):
    client = client_for(persona)
    data = form_data(client_for("care_a"), world.case)
    assert client.post(url(world.case), data).status_code == expected
    assert MeldcodeReport.objects.exists() == (expected == 302)


@pytest.mark.parametrize(
    ("persona", "school", "expected"),
    [
        ("director_a", "school_a", 200),
        ("director_a", "school_b", 404),
        ("board", "school_a", 200),
        ("board", "school_b", 200),
        ("board", "school_c", 404),
        ("care_a", "school_a", 404),
        ("teacher_a", "school_a", 404),
        ("other_board", "school_a", 404),
        ("other_board", "school_c", 404),
        ("privacy", "school_a", 404),
        ("admin", "school_a", 404),
    ],
)
def test_bundle_by_persona(world, client_for, persona, school, expected):
    client = client_for(persona)
    school_id = getattr(world, school).pk
    year = school_year_of(timezone.localdate())
    base = f"/scholen/{school_id}/meldcode-jaarbundel/"
    for path in (base, f"{base}{year}.pdf", f"{base}{year}.docx"):
        assert client.get(path).status_code == expected, path


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("board", 200), ("director_a", 404), ("admin", 404), ("privacy", 404), ("other_board", 404)],
)
def test_board_page_by_persona(world, client_for, persona, expected):
    response = client_for(persona).get(f"/besturen/{world.board.pk}/meldcode-jaarbundel/")
    assert response.status_code == expected


def test_malformed_years_and_ids_are_404(world, client_for):
    client = client_for("board")
    base = f"/scholen/{world.school_a.pk}/meldcode-jaarbundel/"
    assert client.get(f"{base}2025-2027.pdf").status_code == 404
    assert client.get(f"{base}2025.pdf").status_code == 404
    assert client.get("/scholen/999999/meldcode-jaarbundel/").status_code == 404
    assert client_for("care_a").get("/trajecten/999999/verslag/").status_code == 404


def test_only_meldcode_cases_have_a_report(world, client_for):
    Case.objects.filter(pk=world.case.pk).update(protocol="gedrag")
    assert client_for("care_a").get(url(world.case)).status_code == 404


def test_an_empty_year_makes_a_bundle_too(world, client_for, tmp_path):
    response = client_for("board").get(
        f"/scholen/{world.school_b.pk}/meldcode-jaarbundel/2024-2025.pdf"
    )
    assert response.status_code == 200
    text = _flat(pdf_text(response.content, tmp_path))
    assert "Voor dit schooljaar zijn geen meldcodeverslagen opgeslagen." in text
    assert "Gestarte trajecten 0" in text


def _reports(world: World, n: int) -> None:
    for i in range(n):
        case = Case.objects.create(
            pupil=world.pupil_a6,
            school=world.school_a,
            protocol="meldcode",
            protocol_version=1,
            current_step="signals",
            opened_by=world["care_a"],
        )
        MeldcodeReport.objects.create(
            case=case,
            report_date=timezone.localdate(),
            contact_person="Care A",
            subject=f"Onderwerp {i}",
            description="Bram Bakker",
            activities="-",
            school_year=school_year_of(timezone.localdate()),
            written_by=world["care_a"],
        )


def test_building_the_bundle_takes_the_same_queries_for_more_reports(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    year = school_year_of(timezone.localdate())
    _reports(world, 1)
    with CaptureQueriesContext(connection) as one:
        assert len(bundle.build(world.school_a, year).reports) == 1
    _reports(world, 4)
    with CaptureQueriesContext(connection) as five:
        made = bundle.build(world.school_a, year)
    assert len(made.reports) == 5 and len(five) == len(one)
    assert all(r.items[1].text == "B.B." for r in made.reports)


def test_school_and_board_pages_link_to_the_bundles(world, client_for):
    bundle_link = f"/scholen/{world.school_a.pk}/meldcode-jaarbundel/"
    board_link = f"/besturen/{world.board.pk}/meldcode-jaarbundel/"
    for persona, expected in [("director_a", True), ("board", True), ("care_a", False)]:
        page = client_for(persona).get(f"/scholen/{world.school_a.pk}/").content.decode()
        assert (bundle_link in page) == expected, persona
    assert board_link in client_for("board").get(f"/besturen/{world.board.pk}/").content.decode()
    assert (
        board_link not in client_for("admin").get(f"/besturen/{world.board.pk}/").content.decode()
    )


def test_a_closed_acute_case_is_not_counted_as_still_running(world):
    """The acute route reports without the five questions: once such a case is closed it
    is counted apart, not as "no decision yet — still running"."""
    a = actor(world)
    acute = actions.do_open_case(
        world.pupil_a6, "meldcode", actor=a, acute_reason="Het kind durft niet naar huis."
    )
    actions.do_add_record(acute, "vt_report", vt_report(parents_told=True), actor=a)
    acute = actions.do_complete_step(acute, actor=a)
    kindcheck = {"other_children": "no", "who": "", "action": ""}
    actions.do_add_record(acute, "kindcheck", kindcheck, actor=a)
    closing = {"agreements": "Leerkracht blijft letten op signalen.", "informed": "Moeder"}
    actions.do_add_record(acute, "closing", closing, actor=a)
    actions.do_complete_step(acute, actor=a)
    counts = bundle.counts(world.school_a, school_year_of(timezone.localdate()))
    rows = {row.label: row.value for row in counts.outcomes}
    assert rows["Afgesloten zonder besluit met het afwegingskader"] == 1
    assert rows["Nog geen besluit genomen"] == 1  # the world's own case, still at step 1
