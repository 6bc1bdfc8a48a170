"""The minutes of a care meeting as PDF and Word: pseudonymised unless the organiser asks
for names, names only on items marked named with a consent, the export event before the
bytes, the last guard that refuses a document with a known name left in it — and, against
the demo data, that no name of a pupil, guardian or staff member of the school comes out."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from tests.world import World
from vangnet.cases.models import Case, CaseMember
from vangnet.core.audit import Actor
from vangnet.core.models import AuditEvent, EventType
from vangnet.lib.pseudonymise import split_name
from vangnet.meetings import actions, agenda
from vangnet.meetings.actions import ActionInput, MemberInput
from vangnet.meetings.models import CareMeeting
from vangnet.organisations.models import Guardian

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path: Path, name: str = "verslag.pdf") -> str:
    pdf = tmp_path / name
    pdf.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout


def pdf_info(content: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "info.pdf"
    pdf.write_bytes(content)
    return subprocess.run(
        ["pdfinfo", "-enc", "UTF-8", str(pdf)], capture_output=True, check=True, text=True
    ).stdout


def docx_text(content: bytes) -> str:
    """Everything a reader of the Word file can find: body, tables, headers, footers and
    the document's properties."""
    import docx

    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    for s in document.sections:
        parts += [p.text for p in s.header.paragraphs] + [p.text for p in s.footer.paragraphs]
    props = document.core_properties
    parts += [props.title, props.subject, props.author, props.last_modified_by, props.keywords]
    parts += [props.comments, props.category]
    return "\n".join(p or "" for p in parts)


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def world_meeting(world: World, *, outsider: bool = True) -> CareMeeting:
    care = Actor(user=world["care_a"])
    members = [
        MemberInput("Intern begeleider", user=world["care_a"]),
        MemberInput("Leerkracht", user=world["teacher_a"]),
    ]
    if outsider:
        members.append(MemberInput("Jeugdarts GGD", name="Ellen Visser", own_team=False))
    series = actions.do_create_series(
        world.school_a,
        title="Zorgoverleg met Care A",
        recurrence="fortnightly",
        first_on=timezone.localdate(),
        starts_at=dt.time(14, 0),
        place="Kamer van Director A",
        members=members,
        actor=care,
    )
    meeting = actions.do_plan_meeting(series, timezone.localdate(), actor=care)
    actions.do_request_meeting(
        world.case,
        reason="Anna Visser zegt dat Bram Bakker haar pest; Ellen Visser belde Teacher A.",
        actor=care,
    )
    # a second case, about Bram Bakker (group 6), that will never be named
    other = Case.objects.create(
        pupil=world.pupil_a6,
        school=world.school_a,
        protocol="meldcode",
        protocol_version=1,
        current_step="signals",
        opened_by=world["care_a"],
    )
    CaseMember.objects.create(
        case=other, user=world["care_a"], kind="owner", added_by=world["care_a"]
    )
    actions.do_request_meeting(other, reason="Bram is vaak boos op Anna's broer.", actor=care)
    actions.do_build_agenda(meeting, actor=care)
    for item in meeting.items.all():
        actions.do_save_minutes(
            item,
            analysis="Bram Bakker en ANNA VISSER botsen; Care A sprak met Ellen.",
            risk="Teacher A ziet geen direct gevaar voor Anna.",
            decision="Director A belt Ellen Visser.",
            actions=[
                ActionInput(
                    "Gesprek met Anna Visser en Bram", world["teacher_a"], timezone.localdate()
                )
            ],
            actor=care,
        )
    return meeting


NAMES = ("Anna", "Visser", "Bram", "Bakker", "Ellen", "Teacher A", "Care A", "Director A")


def assert_no_world_name(text: str) -> None:
    flat = " ".join(text.split())
    for name in NAMES:
        assert not re.search(rf"\b{name}\b", flat, re.IGNORECASE), f"{name!r} in {flat[:300]!r}"


def test_pseudonymised_exports_name_nobody(world, tmp_path):
    meeting = world_meeting(world)
    c = client(world["care_a"])
    before = AuditEvent.objects.filter(event_type=EventType.MEETING_EXPORTED).count()
    pdf = c.get(f"/zorgoverleg/{meeting.pk}/verslag.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Cache-Control"] == "no-store"
    assert f"verslag-zorgoverleg-{meeting.held_on:%Y-%m-%d}.pdf" in pdf["Content-Disposition"]
    docx = c.get(f"/zorgoverleg/{meeting.pk}/verslag.docx")
    assert docx.status_code == 200
    for text in (
        pdf_text(pdf.content, tmp_path),
        docx_text(docx.content),
        pdf_info(pdf.content, tmp_path),
    ):
        assert_no_world_name(text)
    for text in (pdf_text(pdf.content, tmp_path), docx_text(docx.content)):
        flat = " ".join(text.split())
        assert "Gepseudonimiseerd verslag" in flat
        assert world.case.reference in flat and "[de leerling]" in flat
        assert "[een ouder]" in flat and "[een medewerker]" in flat
        assert "Jeugdarts GGD (van buiten het zorgteam)" in flat
        assert "Trends sinds het vorige overleg" in flat
        assert "Leerkracht" in flat  # the action's owner by their role in the meeting
    # the events: per export one for the meeting and one per case item with its pupil
    events = list(AuditEvent.objects.filter(event_type=EventType.MEETING_EXPORTED).order_by("id"))[
        before:
    ]
    assert len(events) == 6
    assert {e.pupil_id for e in events} == {None, world.pupil_a5.pk, world.pupil_a6.pk}
    assert {e.data["format"] for e in events} == {"pdf", "docx"}
    assert all(e.data["pseudonymised"] for e in events if e.pupil_id is None)


def test_names_only_for_the_organiser_and_only_on_named_items_with_consent(world, tmp_path):
    meeting = world_meeting(world)
    care = Actor(user=world["care_a"])
    guardian = Guardian.objects.get(name="Ellen Visser")
    actions.do_record_naming_consent(
        world.pupil_a5,
        given_by="guardian",
        guardian=guardian,
        given_on=timezone.localdate(),
        actor=care,
    )
    item = meeting.items.get(case=world.case)
    actions.do_set_named(item, named=True, actor=care)
    named = pdf_text(
        client(world["care_a"]).get(f"/zorgoverleg/{meeting.pk}/verslag.pdf?namen=1").content,
        tmp_path,
    )
    flat = " ".join(named.split())
    assert "Verslag met namen" in flat
    assert f"{world.case.reference.replace('ZT', 'Aangemeld: ZT')} — Anna Visser" in flat
    # the other case item, without consent, keeps its case reference and no names
    bram = meeting.items.get(case__pupil=world.pupil_a6)
    other = next(i for i in agenda.view(meeting, pseudonymised=False)[1] if i.item.pk == bram.pk)
    assert other.who == bram.case.reference and "Bram" not in other.reason
    # on the named item only Anna keeps her name: Bram, her mother and the other item
    # name nobody else, not even in the export with names
    assert not re.search(r"\bBram\b|\bBakker\b|Ellen", flat), flat
    # without asking, and for a member asking, it stays pseudonymised
    for user, url in (
        (world["care_a"], f"/zorgoverleg/{meeting.pk}/verslag.pdf"),
        (world["teacher_a"], f"/zorgoverleg/{meeting.pk}/verslag.pdf?namen=1"),
    ):
        assert_no_world_name(pdf_text(client(user).get(url).content, tmp_path))
    docx = client(world["teacher_a"]).get(f"/zorgoverleg/{meeting.pk}/verslag.docx?namen=1")
    assert_no_world_name(docx_text(docx.content))


def test_a_name_left_by_a_bug_stops_the_export(world, monkeypatch):
    """The last guard reads the finished document: if pseudonymisation ever let a name
    through, no document leaves and the refusal is in the audit log."""
    meeting = world_meeting(world)
    real_view = agenda.view

    def leaky(m, *, pseudonymised=None, reader=None):
        shown, items = real_view(m, pseudonymised=pseudonymised, reader=reader)
        for item in items:
            if item.item.request is not None:
                item.reason = item.item.request.reason  # the raw text, names and all
        return shown, items

    monkeypatch.setattr(agenda, "view", leaky)
    c = client(world["care_a"])
    for fmt in ("pdf", "docx"):
        response = c.get(f"/zorgoverleg/{meeting.pk}/verslag.{fmt}", follow=True)
        assert response.redirect_chain[-1][0] == f"/zorgoverleg/{meeting.pk}/"
        shown = [str(m) for m in response.context["messages"]]
        assert any("Het verslag is niet gemaakt" in m for m in shown), shown
    refused = AuditEvent.objects.filter(event_type=EventType.MEETING_EXPORTED)
    assert [e.data.get("refused") for e in refused] == [True, True]


# --- against the demo names -----------------------------------------------------------------


def _names_found(text: str, full_names: set[str]) -> list[str]:
    """Every full name, surname (with its prefix or without) and first name of three letters
    or more that appears as a whole word, in any capitalisation."""
    flat = " ".join(text.split()).casefold()
    found = []
    for full in sorted(full_names):
        first, prefix, last = split_name(full)
        for form in {full, f"{prefix} {last}".strip(), last, first}:
            form = " ".join(form.split())
            if len(form) >= 3 and re.search(rf"(?<!\w){re.escape(form.casefold())}(?!\w)", flat):
                found.append(f"{form} ({full})")
    return found


def test_pseudonymised_exports_hold_no_demo_name(tmp_path):
    from vangnet.accounts.models import User
    from vangnet.demo.build import build
    from vangnet.organisations.models import Pupil, RoleAssignment, School

    build(per_group=3)
    school = School.objects.get(code="91AA00")
    care = User.objects.get(email="ib.a@vangnet.test")
    pupils = list(Pupil.objects.filter(school=school))
    guardians = list(Guardian.objects.filter(links__pupil__school=school).distinct())
    staff = list(User.objects.filter(role_assignments__school=school).distinct()) + list(
        User.objects.filter(
            role_assignments__board=school.board, role_assignments__school=None
        ).distinct()
    )
    teacher = (
        RoleAssignment.objects.filter(school=school, role="teacher").order_by("pk").first().user
    )
    pupil_names = {p.full_name for p in pupils}
    guardian_names = {g.name for g in guardians}
    staff_names = {u.full_name for u in staff}
    assert len(pupil_names) > 10 and len(guardian_names) > 10 and len(staff_names) > 5

    # free text full of the school's names, in every form the pseudonymiser knows
    a, b = pupils[0], pupils[1]
    g = guardians[2]
    s1, s2 = staff[0], staff[1]
    text = (
        f"{a.full_name} en {b.first_name} kregen ruzie; {b.full_name.upper()} duwde. "
        f"{g.name} ({b.last_name}) belde {s1.full_name}, die met {s2.full_name.split()[0]} "
        f"sprak. {a.first_name}'s broer en {g.name.lower()} waren erbij. "
        f"Ook {pupils[5].full_name}, {pupils[6].first_name} en {guardians[7].name} noemden het."
    )
    actor = Actor(user=care)
    series = actions.do_create_series(
        school,
        title=f"Overleg van {s1.full_name}",
        recurrence="monthly",
        first_on=timezone.localdate(),
        starts_at=dt.time(9, 0),
        place=f"Kamer van {s2.full_name}",
        members=[
            MemberInput("Intern begeleider", user=care),
            MemberInput(f"Jeugdarts, vervangt {s1.full_name}", name=g.name, own_team=False),
        ],
        actor=actor,
    )
    meeting = actions.do_plan_meeting(series, timezone.localdate(), actor=actor)
    cases = list(
        Case.objects.filter(school=school).exclude(state=Case.State.CLOSED).order_by("pk")[:4]
    )
    assert len(cases) >= 3
    for case in cases:
        actions.do_request_meeting(case, reason=f"{case.pupil.full_name}: {text}", actor=actor)
    actions.do_build_agenda(meeting, actor=actor)
    actions.do_add_item(meeting, title=f"Afspraken met {g.name} over {a.full_name}", actor=actor)
    items = list(meeting.items.all())
    assert {i.kind for i in items} >= {"case", "trends", "other"}
    for item in items:
        actions.do_save_minutes(
            item,
            analysis=text,
            risk=f"{s2.full_name} weegt het risico met {a.first_name}.",
            decision=f"{teacher.full_name} belt {g.name}. {text}",
            actions=[
                ActionInput(f"Gesprek met {a.full_name} en {g.name}", teacher, timezone.localdate())
            ],
            actor=actor,
        )
    c = client(care)
    pdf = c.get(f"/zorgoverleg/{meeting.pk}/verslag.pdf")
    docx = c.get(f"/zorgoverleg/{meeting.pk}/verslag.docx")
    assert pdf.status_code == 200 and docx.status_code == 200
    (tmp_path / "demo-verslag.pdf").write_bytes(pdf.content)
    texts = {
        "pdf": pdf_text(pdf.content, tmp_path),
        "pdfinfo": pdf_info(pdf.content, tmp_path),
        "docx": docx_text(docx.content),
    }
    for kind, found_text in texts.items():
        for label, names in (
            ("pupil", pupil_names),
            ("guardian", guardian_names),
            ("staff", staff_names),
        ):
            assert _names_found(found_text, names) == [], (kind, label)
    flat = " ".join(texts["pdf"].split())
    for case in cases:
        assert case.reference in flat
    assert "[een leerling]" in flat and "[een ouder]" in flat and "[een medewerker]" in flat


def test_a_member_who_left_the_school_no_longer_sees_the_meeting(world):
    from vangnet.core.roles import Role
    from vangnet.organisations.models import RoleAssignment

    meeting = world_meeting(world)
    assert client(world["teacher_a"]).get(f"/zorgoverleg/{meeting.pk}/").status_code == 200
    RoleAssignment.objects.filter(user=world["teacher_a"], school=world.school_a).update(
        school=world.school_b
    )
    assert RoleAssignment.objects.filter(user=world["teacher_a"], role=Role.TEACHER).exists()
    for url in (f"/zorgoverleg/{meeting.pk}/", f"/zorgoverleg/{meeting.pk}/verslag.docx"):
        assert client(world["teacher_a"]).get(url).status_code == 404


def test_members_do_not_read_the_case_behind_an_item(world):
    """The agenda shows what the meeting was asked and its own minutes; the case's step and
    latest records only to those who may open the case."""
    from vangnet.cases.models import CaseRecord

    meeting = world_meeting(world)
    CaseRecord.objects.create(
        case=world.case,
        kind="observation",
        step="signals",
        data={"what": "Geheime waarneming uit het dossier"},
        created_by=world["care_a"],
    )
    teacher_page = client(world["teacher_a"]).get(f"/zorgoverleg/{meeting.pk}/").content.decode()
    assert "Geheime waarneming" not in teacher_page
    assert "Stap 1: signalen" not in teacher_page
    care_page = client(world["care_a"]).get(f"/zorgoverleg/{meeting.pk}/").content.decode()
    assert "Geheime waarneming" in care_page
