"""The letters of the measures (issue 6, item 6): each letter generated from a measure
brought to the right state with the actions, its Word file opened and its PDF read back,
the filled values checked (names, dates with their weekday, school days counted with the
school's holidays, reasons, legal basis, terms); letters that are not ready refused; the
board's own texts (checked for unknown placeholders and stray braces); nothing left behind
when generation fails; who may make and read letters, and the audit events.

The calendar of the tests: Monday 2 March 2026, 9:00, is "now"; the board closes its
schools for a spring holiday from Monday 16 to Friday 20 March 2026.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from tests.world import World
from vangnet.core.audit import Actor
from vangnet.core.models import AuditEvent, EventType
from vangnet.measures import actions, letter_texts, letters
from vangnet.measures.actions import Proposal
from vangnet.measures.models import LetterTemplate, Measure, MeasureDocument
from vangnet.organisations.models import SchoolHoliday, Sector

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = dt.date(2026, 3, 2)  # a Monday
D = dt.date
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
REASONS = "Heeft in de pauze een medeleerling met een stok bedreigd."
LEARNING = "De leerkracht zet elke ochtend het werk klaar in de leeromgeving."


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=AMS), tick=False) as t:
        yield t


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    folder = tmp_path / "private"
    settings.MEDIA_ROOT = folder
    return folder


@pytest.fixture(autouse=True)
def holiday(world: World) -> None:
    SchoolHoliday.objects.create(
        board=world.board,
        name="Voorjaarsvakantie",
        first_day=D(2026, 3, 16),
        last_day=D(2026, 3, 20),
    )


def as_(world: World, persona: str) -> Actor:
    return Actor(user=world[persona])


def propose(world: World, **kwargs: object) -> Measure:
    values: dict[str, object] = {"kind": "suspension", "reasons": REASONS}
    values.update(kwargs)
    return actions.do_propose(
        world.pupil_a5,
        Proposal(**values),  # type: ignore[arg-type]
        actor=as_(world, "director_a"),
    )


def record(world: World, measure: Measure, **facts: object) -> Measure:
    measure.refresh_from_db()
    actions.do_record(measure, facts, actor=as_(world, "director_a"))
    measure.refresh_from_db()
    return measure


def time_out(world: World) -> Measure:
    measure = propose(
        world,
        kind="time_out",
        start=TODAY,
        end=D(2026, 3, 4),
        taught_where="In groep 7 bij meester Jan",
        restrictions=["gym", "after_school_care"],
    )
    actions.do_decide(measure, approve=True, actor=as_(world, "director_a"))
    measure.refresh_from_db()
    return measure


def suspension(world: World, *, approve: bool = True) -> Measure:
    # over the spring holiday: 12-13 and 23-25 March are 5 school days
    measure = propose(
        world,
        start=D(2026, 3, 12),
        end=D(2026, 3, 25),
        learning_arrangements=LEARNING,
        tests_arrangements="De rekentoets wordt ingehaald op 26 maart.",
    )
    if approve:
        actions.do_decide(measure, approve=True, actor=as_(world, "board"))
    measure.refresh_from_db()
    return measure


def meeting(world: World, measure: Measure) -> Measure:
    return record(world, measure, meeting_at=dt.datetime(2026, 3, 3, 15, 30, tzinfo=AMS))


def decided_expulsion(world: World) -> Measure:
    measure = propose(world, kind="expulsion", ground="misconduct")
    record(
        world,
        measure,
        educational_report="Rapport over de ontwikkeling en de geboden ondersteuning.",
        teacher_heard_on=D(2026, 2, 26),
        parents_heard_on=D(2026, 2, 27),
    )
    actions.do_decide(measure, approve=True, actor=as_(world, "board"))
    measure.refresh_from_db()
    return measure


def final_expulsion(world: World) -> Measure:
    measure = decided_expulsion(world)
    actions.do_add_search_attempt(
        measure,
        contacted_on=TODAY,
        school_name="De Regenboog",
        outcome="accepted",
        actor=as_(world, "director_a"),
    )
    actions.do_finalise_expulsion(measure, actor=as_(world, "board"))
    measure.refresh_from_db()
    return measure


def objection_decided(world: World, frozen: time_machine.Coordinates) -> Measure:
    return objection_decided_on(world, decided_expulsion(world), frozen)


def objection_decided_on(
    world: World, measure: Measure, frozen: time_machine.Coordinates
) -> Measure:
    frozen.move_to(dt.datetime(2026, 3, 20, 11, 0, tzinfo=AMS))
    return record(
        world,
        measure,
        objection_received_on=D(2026, 3, 10),
        objection_heard_on=D(2026, 3, 16),
        objection_decided_on=D(2026, 3, 20),
        objection_outcome="Het bestuur verklaart het bezwaar ongegrond en handhaaft het besluit.",
    )


def generate(world: World, measure: Measure, kind: str, persona: str = "director_a"):
    return letters.do_generate(measure, kind, actor=as_(world, persona))


def flat(text: str) -> str:
    return " ".join(text.split())


def docx_text(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return flat("\n".join(parts))


def pdf_text(content: bytes, tmp_path: Path, name: str = "brief.pdf") -> str:
    pdf = tmp_path / name
    pdf.write_bytes(content)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, text=True
    )
    return flat(out.stdout)


def both_texts(document: MeasureDocument, tmp_path: Path) -> tuple[str, str]:
    with document.docx.open("rb") as f:
        word = docx_text(f.read())
    with document.pdf.open("rb") as f:
        pdf = pdf_text(f.read(), tmp_path, f"{document.kind}-{document.number}.pdf")
    return word, pdf


def events(event_type: EventType) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("id"))


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


# --- each letter, filled from its measure -----------------------------------------------------

COMMON = ["Anna Visser", "Beste Ellen Visser,", "School A", "Stichting Noord", "Ons kenmerk"]

# kind -> (how to bring the measure there, the values the letter must hold)
CASES = {
    "time_out_notice": (
        lambda world, frozen: time_out(world),
        [
            "Time-out van Anna Visser",
            "maandag 2 maart 2026",  # the date of the letter, the first day and the approval
            "tot en met woensdag 4 maart 2026",
            "dat is 3 schooldagen",
            "In groep 7 bij meester Jan",
            "geen gymles en geen buitenschoolse opvang op school",
            REASONS,
            "Grondslag: Eigen beleid van de school (stappenplan); geen wettelijke regeling.",
            "klachtenregeling van Stichting Noord",
            "Director A",
            "directeur van School A",
        ],
    ),
    "suspension_letter": (
        lambda world, frozen: suspension(world),
        [
            "Schorsing van Anna Visser",
            "op maandag 2 maart 2026 met deze schorsing ingestemd",
            "begint op donderdag 12 maart 2026",
            "tot en met woensdag 25 maart 2026: 5 schooldagen",
            "Op donderdag 26 maart 2026 is Anna weer welkom",
            REASONS,
            LEARNING,
            "Over toetsen: De rekentoets wordt ingehaald op 26 maart.",
            "Grondslag: art. 40c WPO.",
            "langer duurt dan 1 schooldag, melden wij haar ook bij de Inspectie",
            "beroep instellen bij het bestuur van Stichting Noord",
            "beslist binnen 14 dagen",
            "Deze brief sturen wij u aangetekend",
            "per gewone post of per e-mail",
            "Aangetekend en per gewone post of e-mail",
            "Afschrift aan: het bestuur van Stichting Noord, de leerplichtambtenaar van de "
            "gemeente en de Inspectie van het Onderwijs.",
        ],
    ),
    "meeting_invitation": (
        lambda world, frozen: meeting(world, suspension(world)),
        [
            "Uitnodiging voor een gesprek over Anna Visser",
            "een gesprek over de schorsing van Anna",
            "dinsdag 3 maart 2026 om 15.30 uur",
            "Ook Teacher A (leerkracht van Anna) is voor het gesprek uitgenodigd",
            "vertrouwenspersoon",
            "voor gezien te tekenen",
        ],
    ),
    "intent_letter": (
        lambda world, frozen: decided_expulsion(world),
        [
            "Voornemen tot verwijdering van Anna Visser",
            "heeft op maandag 2 maart 2026 besloten om Anna Visser te verwijderen van School A",
            "deze grond: ernstig wangedrag van de leerling",
            REASONS,
            "de leerkracht (op donderdag 26 februari 2026)",
            "u als ouders (op vrijdag 27 februari 2026)",
            "8 weken, tot en met maandag 27 april 2026",
            "Vindt het bestuur na 8 weken aantoonbaar zoeken geen school",
            "Grondslag: art. 40 WPO.",
            "tot en met maandag 13 april 2026 schriftelijk bezwaar maken",
            "dat is 6 weken na het besluit",
            "beslist binnen 4 weken",
            "namens het bestuur van Stichting Noord",
            "Board",
            "Afschrift aan: de directeur van School A, de leerplichtambtenaar van de gemeente "
            "en de Inspectie van het Onderwijs.",
        ],
    ),
    "final_letter": (
        lambda world, frozen: final_expulsion(world),
        [
            "Definitieve verwijdering van Anna Visser",
            "definitief is, met ingang van maandag 2 maart 2026",
            "De Regenboog heeft laten weten dat Anna daar welkom is",
            "Grondslag: art. 40 WPO.",
            "tot en met maandag 13 april 2026 schriftelijk bezwaar maken",
            "Afschrift aan:",
        ],
    ),
    "objection_decision": (
        objection_decided,
        [
            "Beslissing op uw bezwaar over Anna Visser",
            "Op dinsdag 10 maart 2026 ontvingen wij uw bezwaar",
            "tegen het besluit van maandag 2 maart 2026",
            "Op maandag 16 maart 2026 hebben wij met u over uw bezwaar gesproken",
            "op vrijdag 20 maart 2026 over uw bezwaar beslist",
            "Het bestuur verklaart het bezwaar ongegrond en handhaaft het besluit.",
            "vrijdag 20 maart 2026",  # the date of the letter
            "de rechter vragen haar te toetsen",
        ],
    ),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_each_letter_is_filled_from_its_measure(
    world: World,
    frozen: time_machine.Coordinates,
    holiday: None,
    tmp_path: Path,
    kind: str,
) -> None:
    bring, expected = CASES[kind]
    measure = bring(world, frozen)
    document = generate(world, measure, kind)
    assert (document.kind, document.number) == (kind, 1)
    word, pdf = both_texts(document, tmp_path)
    for text in (word, pdf):
        for value in COMMON + expected:
            assert value in text, f"{value!r} missing in the {kind}"
        assert "{" not in text and "}" not in text  # every placeholder filled
    if kind in ("suspension_letter", "intent_letter", "final_letter", "objection_decision"):
        assert "Aangetekend" in word and "Aangetekend" in pdf
    else:
        assert "Afschrift aan" not in word


def pdf_info(document: MeasureDocument, tmp_path: Path) -> str:
    pdf = tmp_path / f"info-{document.pk}.pdf"
    with document.pdf.open("rb") as f:
        pdf.write_bytes(f.read())
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True).stdout


def test_the_pdf_is_a4_with_its_subject_as_title(
    world: World, frozen: object, tmp_path: Path
) -> None:
    info = pdf_info(generate(world, suspension(world), "suspension_letter"), tmp_path)
    assert "(A4)" in info
    assert re.search(r"Title:\s+Schorsing van Anna Visser\n", info)
    assert re.search(r"Author:\s+School A\n", info)


def test_the_word_file_is_a4_with_the_school_as_author(world: World, frozen: object) -> None:
    import docx

    document = generate(world, time_out(world), "time_out_notice")
    with document.docx.open("rb") as f:
        opened = docx.Document(io.BytesIO(f.read()))
    section = opened.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert opened.core_properties.author == "School A"
    assert opened.core_properties.title == "Time-out van Anna Visser"


def test_without_parents_on_record_the_letter_is_addressed_to_the_parents_of(
    world: World, frozen: object, tmp_path: Path
) -> None:
    world.pupil_a5.guardian_links.update(parental_authority=False)
    document = generate(world, time_out(world), "time_out_notice")
    word, pdf = both_texts(document, tmp_path)
    for text in (word, pdf):
        assert "de ouders/verzorgers van Anna Visser" in text
        assert "Beste ouders/verzorgers van Anna," in text
        assert "Ellen Visser" not in text


def test_the_city_of_the_school_comes_before_the_date(
    world: World, frozen: object, tmp_path: Path
) -> None:
    world.school_a.city = "Assen"
    world.school_a.save()
    word, pdf = both_texts(generate(world, time_out(world), "time_out_notice"), tmp_path)
    assert "Assen, maandag 2 maart 2026" in word
    assert "Assen, maandag 2 maart 2026" in pdf


def test_in_secondary_education_the_search_ends_only_with_another_school(
    world: World, frozen: object, tmp_path: Path
) -> None:
    world.school_a.sector = Sector.VO
    world.school_a.save()
    word, _pdf = both_texts(generate(world, decided_expulsion(world), "intent_letter"), tmp_path)
    assert "pas definitief als een andere school Anna heeft toegelaten" in word
    assert "Grondslag: Inrichtingsbesluit WVO." in word
    assert "aantoonbaar zoeken" not in word


def test_a_letter_made_again_gets_the_next_number(world: World, frozen: object) -> None:
    measure = time_out(world)
    first = generate(world, measure, "time_out_notice")
    again = generate(world, measure, "time_out_notice")
    assert (first.number, again.number) == (1, 2)
    assert first.pdf.name != again.pdf.name
    assert list(letters.documents(measure)) == [first, again]
    assert list(letters.case_documents(measure.case)) == [first, again]


# --- which letters are ready ----------------------------------------------------------------


def test_available_letters_follow_the_measure(world: World, frozen: object) -> None:
    measure = suspension(world, approve=False)
    assert [(a.kind, a.ready) for a in letters.available(measure)] == [
        ("suspension_letter", False),
        ("meeting_invitation", False),
    ]
    assert letters.available(measure)[0].reason == "Eerst keurt het bestuur de schorsing goed."
    actions.do_decide(measure, approve=True, actor=as_(world, "board"))
    measure.refresh_from_db()
    ready = {a.kind: (a.ready, a.reason) for a in letters.available(measure)}
    assert ready["suspension_letter"] == (True, "")
    assert ready["meeting_invitation"] == (
        False,
        "Leg eerst de datum en het tijdstip van het gesprek met de ouders vast.",
    )
    meeting(world, measure)
    assert all(a.ready for a in letters.available(measure))


def test_an_expulsion_has_four_letters_and_higher_education_none(
    world: World, frozen: object
) -> None:
    measure = propose(world, kind="expulsion", ground="misconduct")
    assert [a.kind for a in letters.available(measure)] == [
        "meeting_invitation",
        "intent_letter",
        "final_letter",
        "objection_decision",
    ]
    # the parents' hearing before the decision: the invitation needs only the meeting
    meeting(world, measure)
    assert [a.ready for a in letters.available(measure)] == [True, False, False, False]
    assert letters.available(Measure(kind=Measure.Kind.ACCESS_DENIAL)) == []


# (how to bring the measure there, kind, the reason quoted)
NOT_READY = [
    (
        lambda w: propose(
            w, kind="time_out", start=TODAY, end=TODAY, taught_where="In de teamkamer"
        ),
        "time_out_notice",
        "Eerst geeft de directeur toestemming voor de time-out.",
    ),
    (
        lambda w: suspension(w, approve=False),
        "suspension_letter",
        "Eerst keurt het bestuur de schorsing goed.",
    ),
    (lambda w: suspension(w), "meeting_invitation", "Leg eerst de datum en het tijdstip"),
    (
        lambda w: propose(w, kind="expulsion", ground="misconduct"),
        "intent_letter",
        "Eerst besluit het bestuur tot verwijdering.",
    ),
    (
        decided_expulsion,
        "final_letter",
        "Eerst besluit het bestuur dat de verwijdering definitief wordt.",
    ),
    (
        final_expulsion,
        "intent_letter",
        "De verwijdering is al definitief; maak de brief over de definitieve verwijdering.",
    ),
    (
        decided_expulsion,
        "objection_decision",
        "Leg eerst vast wanneer het bestuur op het bezwaar heeft beslist.",
    ),
    (time_out, "suspension_letter", "Deze brief hoort niet bij deze maatregel."),
    (time_out, "birthday_card", "Kies een brief uit de lijst."),
]


@pytest.mark.parametrize(("bring", "kind", "reason"), NOT_READY)
def test_a_letter_that_is_not_ready_is_refused(
    world: World, frozen: object, media: Path, bring, kind: str, reason: str
) -> None:
    measure = bring(world)
    with pytest.raises(ValidationError) as exc:
        generate(world, measure, kind)
    assert reason in " ".join(exc.value.messages)
    assert not MeasureDocument.objects.exists()
    assert stored_files(media) == []
    assert events(EventType.MEASURE_LETTER_CREATED) == []


def test_a_withdrawn_suspension_gets_no_letters(world: World, frozen: object) -> None:
    measure = suspension(world)
    actions.do_withdraw(measure, reason="Andere afspraak gemaakt.", actor=as_(world, "director_a"))
    measure.refresh_from_db()
    assert not any(a.ready for a in letters.available(measure))
    with pytest.raises(ValidationError) as exc:
        generate(world, measure, "suspension_letter")
    assert "gaat niet door" in " ".join(exc.value.messages)


@pytest.mark.parametrize("persona", ["board", "teacher_a", "care_a"])
def test_only_who_works_on_the_measure_makes_its_letters(
    world: World, frozen: object, persona: str
) -> None:
    measure = suspension(world)
    with pytest.raises(PermissionDenied):
        generate(world, measure, "suspension_letter", persona)
    assert not MeasureDocument.objects.exists()


# --- nothing half-made ------------------------------------------------------------------------


def test_a_failing_pdf_leaves_nothing(
    world: World, frozen: object, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    measure = suspension(world)

    def broken(letter: object) -> bytes:
        raise RuntimeError("the PDF engine fell over")

    monkeypatch.setattr(letters, "render_pdf", broken)
    with pytest.raises(RuntimeError):
        generate(world, measure, "suspension_letter")
    assert not MeasureDocument.objects.exists()
    assert stored_files(media) == []
    assert events(EventType.MEASURE_LETTER_CREATED) == []


def test_a_failure_after_the_files_were_written_removes_them(
    world: World, frozen: object, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    measure = suspension(world)
    real_record = letters.record

    def failing(*args: object, **kwargs: object) -> None:
        assert len(stored_files(media)) == 2  # both files were on disk at this point
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(letters, "record", failing)
    with pytest.raises(RuntimeError):
        generate(world, measure, "suspension_letter")
    assert not MeasureDocument.objects.exists()
    assert stored_files(media) == []
    monkeypatch.setattr(letters, "record", real_record)
    assert generate(world, measure, "suspension_letter").number == 1


def test_the_letter_follows_a_change_made_while_it_was_built(
    world: World, frozen: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    measure = meeting(world, suspension(world))
    real_build = letters.build
    calls = []

    def build_while_someone_records(current: Measure, kind: str):
        built = real_build(current, kind)
        if not calls:  # somebody moves the meeting while the first build runs
            record(world, measure, meeting_at=dt.datetime(2026, 3, 4, 10, 0, tzinfo=AMS))
        calls.append(kind)
        return built

    monkeypatch.setattr(letters, "build", build_while_someone_records)
    document = generate(world, measure, "meeting_invitation")
    assert len(calls) == 2
    word, _pdf = both_texts(document, tmp_path)
    assert "woensdag 4 maart 2026 om 10.00 uur" in word
    assert MeasureDocument.objects.count() == 1


# --- the board's own texts ------------------------------------------------------------------

OWN_TEXT = (
    "{aanhef},\n\nOnze eigen woorden: {roepnaam} is geschorst van {eerste_dag} tot en met "
    "{laatste_dag} ({schooldagen}).\nEen tweede regel in dezelfde alinea.\n\n{bezwaar}"
)


def test_the_boards_own_text_is_used(
    world: World, frozen: object, holiday: None, tmp_path: Path
) -> None:
    LetterTemplate.objects.create(
        board=world.board, kind="suspension_letter", body=OWN_TEXT, updated_by=world["admin"]
    )
    word, pdf = both_texts(generate(world, suspension(world), "suspension_letter"), tmp_path)
    for text in (word, pdf):
        assert (
            "Onze eigen woorden: Anna is geschorst van donderdag 12 maart 2026 tot en met "
            "woensdag 25 maart 2026 (5 schooldagen)." in text
        )
        assert "Een tweede regel in dezelfde alinea." in text
        assert "beslist binnen 14 dagen" in text
        assert "Met deze brief laten wij u weten" not in text  # not Vangnet's text


def test_another_boards_text_is_not_used(world: World, frozen: object, tmp_path: Path) -> None:
    LetterTemplate.objects.create(
        board=world.other_board,
        kind="time_out_notice",
        body="{aanhef},\n\nTekst van een ander bestuur.",
        updated_by=world["other_board"],
    )
    word, _pdf = both_texts(generate(world, time_out(world), "time_out_notice"), tmp_path)
    assert "Tekst van een ander bestuur" not in word
    assert "krijgt Anna een time-out" in word


def test_vangnets_texts_use_only_their_own_placeholders() -> None:
    for kind, _label in letters.LETTER_KINDS:
        body = letter_texts.default_body(kind)
        assert letter_texts.template_problems(kind, body) == [], kind
        used = set(letter_texts.TOKEN.findall(body))
        assert used <= set(letter_texts.PLACEHOLDERS_OF[kind])
    assert set(letter_texts.PLACEHOLDERS) == {
        n for names in letter_texts.PLACEHOLDERS_OF.values() for n in names
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Beste {aanhef}, {leerlnig} en {zoektermijn}", "bestaan niet in deze brief: {leerlnig}, "),
        ("Beste {aanhef},\n{roepnaam} krijgt {time-out}", "Dit invulveld bestaat niet in deze"),
        ("{aanhef},\n\nOp {eerste_dag krijgt {roepnaam} vrij.", "regel 3: ‘Op {eerste_dag krijgt"),
        ("{aanhef}}, welkom", "regel 1"),
        ("{{aanhef}}", "regel 1"),
        ("   \n ", "De tekst is leeg"),
    ],
)
def test_unknown_placeholders_and_stray_braces_are_named(body: str, message: str) -> None:
    problems = letter_texts.template_problems("time_out_notice", body)
    assert message in " ".join(problems)


def edit_url(world: World, kind: str = "suspension_letter") -> str:
    return f"/besturen/{world.board.pk}/briefsjablonen/{kind}/"


def test_the_board_adapts_previews_and_resets_a_text(world: World, client_for) -> None:
    client = client_for("board")
    page = client.get(edit_url(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Met deze brief laten wij u weten dat Sam de Wit wordt geschorst." in html  # preview
    assert "{afspraken_schoolwerk}" in html  # the placeholders, explained
    assert "{zoektermijn}" not in html  # not a placeholder of this letter
    token = page.context["form"]["submission_token"].value()

    preview = client.post(
        edit_url(world),
        {"action": "preview", "body": OWN_TEXT, "submission_token": token, "based_on": ""},
    )
    assert "Onze eigen woorden: Sam is geschorst van" in preview.content.decode()
    assert not LetterTemplate.objects.exists()

    saved = client.post(
        edit_url(world),
        {"action": "save", "body": OWN_TEXT, "submission_token": token, "based_on": ""},
    )
    assert saved.status_code == 302
    own = LetterTemplate.objects.get(board=world.board, kind="suspension_letter")
    assert own.body == OWN_TEXT and own.updated_by == world["board"]
    again = client.post(
        edit_url(world),
        {"action": "save", "body": OWN_TEXT + "!", "submission_token": token, "based_on": ""},
    )
    assert again.status_code == 302  # a double submit stores once
    assert LetterTemplate.objects.get().body == OWN_TEXT
    changed = events(EventType.LETTER_TEMPLATE_CHANGED)
    assert [(e.data["kind"], e.data["change"]) for e in changed] == [("suspension_letter", "saved")]
    assert changed[0].board_id == world.board.pk

    listing = client.get(f"/besturen/{world.board.pk}/briefsjablonen/").content.decode()
    assert "Eigen tekst van het bestuur" in listing

    page = client.get(edit_url(world))
    based_on = page.context["form"]["based_on"].value()
    reset = client.post(
        edit_url(world),
        {
            "action": "reset",
            "submission_token": page.context["reset_form"]["submission_token"].value(),
            "based_on": based_on,
        },
    )
    assert reset.status_code == 302
    assert not LetterTemplate.objects.exists()
    assert [e.data["change"] for e in events(EventType.LETTER_TEMPLATE_CHANGED)] == [
        "saved",
        "reset",
    ]


def test_a_text_with_unknown_placeholders_is_refused_and_kept(world: World, client_for) -> None:
    client = client_for("admin")
    page = client.get(edit_url(world, "time_out_notice"))
    body = "{aanhef},\n\n{roepnaam} heeft time-out tot {laatste_dg} in {lokaal."
    response = client.post(
        edit_url(world, "time_out_notice"),
        {
            "action": "save",
            "body": body,
            "submission_token": page.context["form"]["submission_token"].value(),
            "based_on": "",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dit invulveld bestaat niet in deze brief: {laatste_dg}" in html
    assert "regel 3" in html
    assert "{lokaal." in html  # the text is kept in the form
    assert not LetterTemplate.objects.exists()
    assert events(EventType.LETTER_TEMPLATE_CHANGED) == []


def test_a_text_changed_meanwhile_is_not_overwritten(world: World, client_for) -> None:
    client = client_for("board")
    page = client.get(edit_url(world))
    LetterTemplate.objects.create(
        board=world.board,
        kind="suspension_letter",
        body="{aanhef},\n\nDe tekst van een collega.",
        updated_by=world["admin"],
    )
    response = client.post(
        edit_url(world),
        {
            "action": "save",
            "body": OWN_TEXT,
            "submission_token": page.context["form"]["submission_token"].value(),
            "based_on": "",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Iemand anders heeft dit intussen gewijzigd" in html
    assert "De tekst van een collega." in html  # shown beside the user's text
    assert "Onze eigen woorden" in html
    assert LetterTemplate.objects.get().body.endswith("De tekst van een collega.")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("board", 200),
        ("admin", 200),
        ("director_a", 403),
        ("teacher_a", 403),
        ("privacy", 403),
        ("other_board", 404),
        ("no_role", 404),
    ],
)
def test_who_edits_the_boards_texts(world: World, client_for, persona: str, status: int) -> None:
    client = client_for(persona)
    assert client.get(f"/besturen/{world.board.pk}/briefsjablonen/").status_code == status
    assert client.get(edit_url(world)).status_code == status
    posted = client.post(
        edit_url(world),
        {"action": "save", "body": OWN_TEXT, "submission_token": f"t-{persona}", "based_on": ""},
    )
    assert posted.status_code == (302 if status == 200 else status)


def test_an_unknown_letter_kind_has_no_page(world: World, client_for) -> None:
    assert client_for("board").get(edit_url(world, "birthday_card")).status_code == 404
    assert Client().get(edit_url(world)).status_code == 302  # the login page


# --- the pages: making and downloading -----------------------------------------------------


def create_url(measure: Measure) -> str:
    return f"/maatregelen/{measure.pk}/brieven/"


def file_url(document: MeasureDocument, fmt: str) -> str:
    return f"/maatregelen/{document.measure_id}/brieven/{document.pk}.{fmt}"


def test_making_a_letter_through_the_page(world: World, frozen: object, client_for) -> None:
    measure = suspension(world)
    client = client_for("director_a")
    data = {"kind": "suspension_letter", "submission_token": "one-click"}
    response = client.post(create_url(measure), data)
    assert response.status_code == 302
    assert response["Location"] == f"/maatregelen/{measure.pk}/#brieven"
    again = client.post(create_url(measure), data)  # a double submit
    assert again.status_code == 302
    assert MeasureDocument.objects.count() == 1
    made = events(EventType.MEASURE_LETTER_CREATED)
    assert len(made) == 1
    assert made[0].pupil_id == world.pupil_a5.pk
    assert made[0].object_type == "measure_document"
    assert made[0].data["kind"] == "suspension_letter"
    follow = client.get(response["Location"])
    text = follow.content.decode()
    assert "Brief over de schorsing is gemaakt" in text
    assert "Dit formulier was al verstuurd" in text


def test_a_letter_not_ready_is_refused_on_the_page(
    world: World, frozen: object, client_for
) -> None:
    measure = suspension(world)
    client = client_for("director_a")
    response = client.post(
        create_url(measure), {"kind": "meeting_invitation", "submission_token": "t1"}, follow=True
    )
    assert "Leg eerst de datum en het tijdstip van het gesprek" in response.content.decode()
    assert not MeasureDocument.objects.exists()
    bad = client.post(create_url(measure), {"kind": "nonsense", "submission_token": "t2"})
    assert bad.status_code == 302
    assert not MeasureDocument.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("director_a", 302),
        ("board", 403),  # reads the suspension, does not write its letters
        ("teacher_a", 404),
        ("care_a", 404),
        ("teacher_b", 404),
        ("other_board", 404),
        ("privacy", 404),
        ("no_role", 404),
    ],
)
def test_who_makes_letters_on_the_page(
    world: World, frozen: object, client_for, persona: str, status: int
) -> None:
    measure = suspension(world)
    response = client_for(persona).post(
        create_url(measure), {"kind": "suspension_letter", "submission_token": f"x-{persona}"}
    )
    assert response.status_code == status
    assert MeasureDocument.objects.count() == (1 if status == 302 else 0)


def test_downloading_a_letter(world: World, frozen: object, client_for, tmp_path: Path) -> None:
    document = generate(world, suspension(world), "suspension_letter")
    client = client_for("director_a")
    pdf = client.get(file_url(document, "pdf"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="schorsing-2026-03-02-brief-1.pdf"'
    assert pdf["Cache-Control"] == "no-store"
    body = b"".join(pdf.streaming_content)
    assert "Schorsing van Anna Visser" in pdf_text(body, tmp_path)
    word = client.get(file_url(document, "docx"))
    assert word["Content-Type"] == letters.CONTENT_TYPES["docx"]
    assert "schorsing-2026-03-02-brief-1.docx" in word["Content-Disposition"]
    assert "Anna" not in word["Content-Disposition"]
    assert "Schorsing van Anna Visser" in docx_text(b"".join(word.streaming_content))
    viewed = events(EventType.MEASURE_LETTER_VIEWED)
    assert [e.data["format"] for e in viewed] == ["pdf", "docx"]
    assert all(e.pupil_id == world.pupil_a5.pk for e in viewed)
    assert client.get(file_url(document, "txt")).status_code == 404


@pytest.mark.parametrize(
    ("persona", "suspension_status", "time_out_status"),
    [
        ("director_a", 200, 200),
        ("board", 200, 404),  # the board sees the letters of the measures it decides
        ("teacher_a", 404, 404),
        ("teacher_b", 404, 404),
        ("other_board", 404, 404),
        ("admin", 404, 404),
        ("no_role", 404, 404),
    ],
)
def test_who_reads_letters(
    world: World,
    frozen: object,
    client_for,
    persona: str,
    suspension_status: int,
    time_out_status: int,
) -> None:
    letter = generate(world, suspension(world), "suspension_letter")
    notice = generate(world, time_out(world), "time_out_notice")
    client = client_for(persona)
    assert client.get(file_url(letter, "pdf")).status_code == suspension_status
    assert client.get(file_url(notice, "docx")).status_code == time_out_status
    read = len(events(EventType.MEASURE_LETTER_VIEWED))
    assert read == (suspension_status == 200) + (time_out_status == 200)


def test_a_letter_is_only_found_under_its_own_measure(
    world: World, frozen: object, client_for
) -> None:
    letter = generate(world, suspension(world), "suspension_letter")
    other = time_out(world)
    url = f"/maatregelen/{other.pk}/brieven/{letter.pk}.pdf"
    assert client_for("director_a").get(url).status_code == 404
    assert Client().get(file_url(letter, "pdf")).status_code == 302  # the login page
    assert events(EventType.MEASURE_LETTER_VIEWED) == []


def test_a_missing_file_is_not_found(world: World, frozen: object, client_for) -> None:
    letter = generate(world, suspension(world), "suspension_letter")
    letter.pdf.storage.delete(letter.pdf.name)
    assert client_for("director_a").get(file_url(letter, "pdf")).status_code == 404
    assert events(EventType.MEASURE_LETTER_VIEWED) == []


# --- the overview partial -------------------------------------------------------------------


def test_the_partial_lists_letters_and_offers_the_ready_ones(world: World, frozen: object):
    measure = suspension(world)
    document = generate(world, measure, "suspension_letter")
    request = RequestFactory().get("/")
    html = render_to_string(
        "measures/partials/letters.html",
        {
            "measure": measure,
            "letters": letters.available(measure),
            "documents": letters.documents(measure),
            "can_generate": True,
        },
        request=request,
    )
    assert f'href="{file_url(document, "pdf")}"' in html
    assert f'href="{file_url(document, "docx")}"' in html
    assert "Brief over de schorsing maken" in html  # may be made again
    assert 'name="submission_token"' in html
    assert "Leg eerst de datum en het tijdstip van het gesprek" in html
    reader = render_to_string(
        "measures/partials/letters.html",
        {
            "measure": measure,
            "letters": letters.available(measure),
            "documents": letters.documents(measure),
            "can_generate": False,
        },
        request=request,
    )
    assert "<button" not in reader
    case_page = render_to_string(
        "measures/partials/letters.html",
        {"documents": letters.case_documents(measure.case)},
        request=request,
    )
    assert "Maatregel" in case_page and "Schorsing, 12 maart 2026" in case_page
    assert "Brief maken" not in case_page


# --- a look at each letter ------------------------------------------------------------------


def test_screenshot_of_each_letter(
    world: World, frozen: time_machine.Coordinates, holiday: None, tmp_path: Path
) -> None:
    world.school_a.city = "Assen"
    world.school_a.save()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    suspended = meeting(world, suspension(world))
    made = [
        generate(world, suspended, "meeting_invitation"),
        generate(world, suspended, "suspension_letter"),
        generate(world, time_out(world), "time_out_notice"),
    ]
    expelled = decided_expulsion(world)
    made.append(generate(world, expelled, "intent_letter"))
    objection_decided_on(world, expelled, frozen)
    made.append(generate(world, expelled, "objection_decision"))
    actions.do_add_search_attempt(
        expelled,
        contacted_on=D(2026, 3, 20),
        school_name="De Regenboog",
        outcome="accepted",
        actor=as_(world, "director_a"),
    )
    actions.do_finalise_expulsion(expelled, actor=as_(world, "board"))
    made.append(generate(world, expelled, "final_letter"))
    assert sorted(d.kind for d in made) == sorted(k for k, _label in letters.LETTER_KINDS)
    for document in made:
        pdf = tmp_path / f"{document.kind}.pdf"
        with document.pdf.open("rb") as f:
            pdf.write_bytes(f.read())
        target = SCREENSHOTS / f"measure-letter-{document.kind}"
        with document.docx.open("rb") as f:  # the Word file beside it, to open by hand
            target.with_suffix(".docx").write_bytes(f.read())
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", pdf, target],
            check=True,
        )
        assert target.with_suffix(".png").stat().st_size > 5000
        info = pdf_info(document, tmp_path)
        assert re.search(r"Pages:\s+1\n", info), f"{document.kind} runs over one page"


def test_the_board_page_links_to_the_texts(world: World, client_for) -> None:
    url = f"/besturen/{world.board.pk}/"
    link = f'href="/besturen/{world.board.pk}/briefsjablonen/"'
    assert link in client_for("board").get(url).content.decode()
    assert link in client_for("admin").get(url).content.decode()
    assert link not in client_for("privacy").get(url).content.decode()
