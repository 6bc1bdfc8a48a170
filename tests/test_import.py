"""CSV import of pupils, guardians and staff: parsing, all-or-nothing, audit, page, CLI."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from vangnet.accounts.models import User
from vangnet.core.audit import Actor, verify_chain
from vangnet.core.models import AuditEvent, EventType, SubmissionToken
from vangnet.lib.dates import school_year_of
from vangnet.organisations import import_parsing as parsing
from vangnet.organisations.importing import (
    FileError,
    decode,
    do_import,
    map_headers,
    parse_bool,
    parse_date,
    read_table,
    sniff_delimiter,
)
from vangnet.organisations.models import (
    Group,
    Guardian,
    GuardianLink,
    Pupil,
    RoleAssignment,
)

YEAR = school_year_of(timezone.localdate())
PUPIL_HEADER = "school_code,student_number,first_name,name_prefix,last_name,date_of_birth,group"
GUARDIAN_HEADER = "school_code,student_number,name,email,phone,relation,parental_authority"
STAFF_HEADER = "email,full_name,school_code,role,groups"


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def run(world, kind: str, data: bytes):
    return do_import(
        world.board, kind, data, actor=Actor(user=world["admin"], role="administrator")
    )


def snapshot() -> dict[str, int]:
    """How many records of every kind the import can write."""
    return {
        "pupils": Pupil.objects.count(),
        "groups": Group.objects.count(),
        "guardians": Guardian.objects.count(),
        "links": GuardianLink.objects.count(),
        "users": User.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "teachers": Group.teachers.through.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def events_since(last_id: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=last_id).order_by("id"))


def last_event_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


# --- plain parsing (no database) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-05-01", dt.date(2016, 5, 1)),
        ("2016-5-1", dt.date(2016, 5, 1)),
        ("01-05-2016", dt.date(2016, 5, 1)),
        ("1-5-2016", dt.date(2016, 5, 1)),
        ("01/05/2016", dt.date(2016, 5, 1)),
        ("01.05.2016", dt.date(2016, 5, 1)),
        ("29-02-2016", dt.date(2016, 2, 29)),
    ],
)
def test_parse_date_accepts_iso_and_dutch(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["31-02-2016", "2016-13-01", "05/01/16", "20160501", "gisteren", "2016-05-01x", ""]
)
def test_parse_date_refuses(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *[("ja", True), ("Ja", True), ("1", True), ("true", True), ("yes", True)],
        *[("nee", False), ("NEE", False), ("0", False), ("false", False), ("no", False)],
    ],
)
def test_parse_bool(text, expected):
    assert parse_bool(text) is expected


def test_parse_bool_refuses_other_words():
    with pytest.raises(ValueError):
        parse_bool("misschien")


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [("a;b;c", ";"), ("a,b,c", ","), ("a\tb\tc", "\t"), ("naam, voornaam;b;c", ";"), ("a", ",")],
)
def test_sniff_delimiter(header, delimiter):
    assert sniff_delimiter(header) == delimiter


def test_decode_utf8_with_and_without_bom_and_cp1252():
    assert decode("Zoë".encode()) == "Zoë"
    assert decode(b"\xef\xbb\xbf" + "Zoë".encode()) == "Zoë"
    assert decode("Zoë Ñuñez".encode("cp1252")) == "Zoë Ñuñez"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"PK\x03\x04 an xlsx file", "not_csv"),
        ("a;b".encode("utf-16"), "not_csv"),
        (b"\x81\x8d\x8f\x90\x9d", "encoding"),  # neither UTF-8 nor Windows-1252
        (b"x" * (parsing.MAX_BYTES + 1), "too_big"),
    ],
)
def test_decode_refuses_unreadable_files(data, code):
    with pytest.raises(FileError) as caught:
        decode(data)
    assert [e.code for e in caught.value.errors] == [code]
    assert caught.value.errors[0].row is None


def test_headers_are_matched_case_insensitively_with_dutch_aliases():
    header = ["BRIN", "Leerlingnummer", "Roepnaam", "Tussenvoegsel", "Achternaam"]
    header += ["Geboortedatum", "Groep", "Schooljaar", "ECK-iD", "Inschrijfdatum", "Adres"]
    found = map_headers(header, "pupils")
    assert found["school_code"] == 0
    assert found["eck_id"] == 8
    assert found["enrolled_on"] == 9
    assert len(found) == 10  # "Adres" is not ours and is ignored


def test_missing_and_double_columns_are_reported_on_row_1():
    with pytest.raises(FileError) as caught:
        map_headers(["leerlingnummer", "student_number", "roepnaam"], "pupils")
    errors = {(e.row, e.column, e.code) for e in caught.value.errors}
    assert (1, "student_number", "double_column") in errors
    assert (1, "last_name", "missing_column") in errors
    assert (1, "school_code", "missing_column") in errors
    missing = next(e for e in caught.value.errors if e.column == "last_name")
    assert "achternaam" in missing.message


def test_read_table_keeps_file_row_numbers_and_skips_empty_rows():
    data = csv("email;full_name;role", "a@x.nl;A;bestuur", ";;", "", "b@x.nl;B;fg")
    table = read_table(data, "staff")
    assert [n for n, _values in table.rows] == [2, 5]
    assert table.rows[1][1] == {"email": "b@x.nl", "full_name": "B", "role": "fg"}


def test_read_table_quoted_fields_with_delimiters():
    data = csv("email,full_name,role", 'a@x.nl,"Jansen, Jan",bestuur')
    assert read_table(data, "staff").rows[0][1]["full_name"] == "Jansen, Jan"


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"", "no_header"), (b"\n\n", "no_header"), (csv(STAFF_HEADER), "no_rows")],
)
def test_read_table_refuses_empty_files(data, code):
    with pytest.raises(FileError) as caught:
        read_table(data, "staff")
    assert caught.value.errors[0].code == code


def test_read_table_row_limit(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_ROWS", 3)
    rows = [f"u{i}@x.nl;U{i};bestuur" for i in range(4)]
    with pytest.raises(FileError) as caught:
        read_table(csv("email;full_name;role", *rows), "staff")
    assert caught.value.errors[0].code == "too_many"
    assert len(read_table(csv("email;full_name;role", *rows[:3]), "staff").rows) == 3


# --- pupils -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pupils_are_created_updated_and_audited(world):
    before, last = snapshot(), last_event_id()
    data = csv(
        PUPIL_HEADER,
        "11AA00,A501,Anna,,Visser-de Boer,01-05-2016,Groep 5",  # existing: last name changes
        "11AA00,A502,Sam,van,Dijk,2016-03-02,Groep 5",
        "11bb00,B701,Noor,,Jansen,2012-07-08,Groep 7",  # new group, school code in lower case
    )
    result = run(world, "pupils", data)
    assert result.ok, result.errors
    assert result.counts == {"pupils_created": 2, "pupils_updated": 1, "groups_created": 1}
    assert result.unchanged == 0
    after = snapshot()
    assert after["pupils"] == before["pupils"] + 2
    assert after["groups"] == before["groups"] + 1

    anna = Pupil.objects.get(pk=world.pupil_a5.pk)
    assert anna.last_name == "Visser-de Boer"
    assert anna.version == world.pupil_a5.version + 1
    sam = Pupil.objects.get(school=world.school_a, student_number="A502")
    assert (sam.name_prefix, sam.date_of_birth, sam.group) == (
        "van",
        dt.date(2016, 3, 2),
        world.group_a5,
    )
    noor = Pupil.objects.get(school=world.school_b, student_number="B701")
    assert noor.group.name == "Groep 7" and noor.group.school_year == YEAR

    events = events_since(last)
    by_type: dict[int, list[AuditEvent]] = {}
    for event in events:
        by_type.setdefault(event.event_type, []).append(event)
        assert event.board_id == world.board.pk
        assert event.actor_id == world["admin"].pk
    updated = by_type[EventType.PUPIL_UPDATED][0]
    assert updated.pupil_id == anna.pk and updated.school_id == world.school_a.pk
    assert updated.data == {"old": {"last_name": "Visser"}, "new": {"last_name": "Visser-de Boer"}}
    created = {e.pupil_id: e for e in by_type[EventType.PUPIL_CREATED]}
    assert set(created) == {sam.pk, noor.pk}
    assert created[noor.pk].school_id == world.school_b.pk
    assert created[sam.pk].data["new"]["date_of_birth"] == "2016-03-02"
    assert created[sam.pk].data["new"]["group"] == f"Groep 5 ({YEAR})"
    group_event = by_type[EventType.GROUP_CREATED][0]
    assert group_event.school_id == world.school_b.pk and group_event.object_id == str(
        noor.group_id
    )
    (summary,) = by_type[EventType.IMPORT_COMPLETED]
    assert summary.id == result.event_id == events[-1].id
    assert summary.data["counts"] == result.counts
    assert summary.data["rows"] == 3
    assert len(events) == 5
    assert verify_chain(f"board:{world.board.pk}").ok


@pytest.mark.django_db
def test_pupil_moves_to_a_group_of_a_new_school_year(world):
    data = csv(
        PUPIL_HEADER + ",school_year", "11AA00,A501,Anna,,Visser,01-05-2016,Groep 6,2099/2100"
    )
    result = run(world, "pupils", data)
    assert result.counts == {"pupils_updated": 1, "groups_created": 1}
    anna = Pupil.objects.get(pk=world.pupil_a5.pk)
    assert (anna.group.name, anna.group.school_year) == ("Groep 6", "2099-2100")
    event = AuditEvent.objects.get(event_type=EventType.PUPIL_UPDATED)
    assert event.data == {
        "old": {"group": f"Groep 5 ({YEAR})"},
        "new": {"group": "Groep 6 (2099-2100)"},
    }


@pytest.mark.django_db
def test_empty_optional_values_keep_what_is_stored(world):
    Pupil.objects.filter(pk=world.pupil_a5.pk).update(eck_id="https://id.example/1", name_prefix="")
    data = csv(
        "school_code,student_number,first_name,last_name,date_of_birth,group,eck_id,enrolled_on",
        "11AA00,A501,Anna,Visser,2016-05-01,Groep 5,,",
    )
    result = run(world, "pupils", data)
    assert result.counts == {} and result.unchanged == 1
    assert Pupil.objects.get(pk=world.pupil_a5.pk).eck_id == "https://id.example/1"


@pytest.mark.django_db
def test_dutch_headers_semicolons_and_bom(world):
    text = (
        "BRIN;Leerlingnummer;Roepnaam;Tussenvoegsel;Achternaam;Geboortedatum;Groep;Schooljaar\n"
        f"11AA00;A777;Zoë;van 't;Hoëvenaar;02-09-2015;Groep 5;{YEAR}\n"
    )
    result = run(world, "pupils", b"\xef\xbb\xbf" + text.encode())
    assert result.ok, result.errors
    pupil = Pupil.objects.get(student_number="A777")
    assert (pupil.first_name, pupil.name_prefix, pupil.last_name) == ("Zoë", "van 't", "Hoëvenaar")
    assert pupil.date_of_birth == dt.date(2015, 9, 2)


@pytest.mark.django_db
def test_cp1252_file(world):
    text = f"{PUPIL_HEADER}\n11AA00,A778,Zoë,,Ñuñez,2015-09-02,Groep 5\n"
    result = run(world, "pupils", text.encode("cp1252"))
    assert result.ok, result.errors
    assert Pupil.objects.get(student_number="A778").full_name == "Zoë Ñuñez"


# --- guardians --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_guardians_are_created_linked_updated_and_audited(world):
    last = last_event_id()
    data = csv(
        GUARDIAN_HEADER,
        "11AA00,A501,Ellen Visser,ellen@ouders.invalid,06-11111111,mother,nee",  # existing
        "11AA00,A501,Piet Visser,PIET@ouders.invalid,,vader,ja",
        "11AA00,A601,Piet Visser,piet@ouders.invalid,,pleegouder,1",  # same guardian, 2nd pupil
        "11BB00,B301,Karin Mulder,,,voogd,true",  # no e-mail: recognised by name
    )
    result = run(world, "guardians", data)
    assert result.ok, result.errors
    assert result.counts == {
        "guardians_created": 2,
        "guardians_updated": 1,
        "links_created": 3,
        "links_updated": 1,
    }
    ellen = Guardian.objects.get(email="ellen@ouders.invalid")
    assert ellen.phone == "06-11111111"
    link = GuardianLink.objects.get(guardian=ellen, pupil=world.pupil_a5)
    assert (link.relation, link.parental_authority) == ("mother", False)
    piet = Guardian.objects.get(email="piet@ouders.invalid")
    assert {(lk.pupil_id, lk.relation) for lk in piet.links.all()} == {
        (world.pupil_a5.pk, "father"),
        (world.pupil_a6.pk, "foster"),
    }
    karin = Guardian.objects.get(name="Karin Mulder")
    assert karin.board == world.board and karin.email == ""
    assert karin.links.get().relation == "guardian"

    events = events_since(last)
    link_changed = next(e for e in events if e.object_type == "guardian_link" and e.data.get("old"))
    assert link_changed.event_type == EventType.GUARDIAN_UPDATED
    assert link_changed.pupil_id == world.pupil_a5.pk
    assert link_changed.data["old"] == {"parental_authority": True}
    ellen_changed = next(e for e in events if e.object_type == "guardian")
    assert ellen_changed.data == {"old": {"phone": ""}, "new": {"phone": "06-11111111"}}
    created = [e for e in events if e.event_type == EventType.GUARDIAN_CREATED]
    assert {e.object_id for e in created} == {str(piet.pk), str(karin.pk)}
    assert all(e.pupil_id and e.school_id for e in created)
    assert events[-1].event_type == EventType.IMPORT_COMPLETED

    # A second file without e-mail finds Karin again by name.
    again = run(world, "guardians", csv(GUARDIAN_HEADER, "11BB00,B301,Karin Mulder,,,voogd,ja"))
    assert again.counts == {} and again.unchanged == 1


@pytest.mark.django_db
def test_guardian_name_shared_by_two_stored_guardians_needs_an_email(world):
    for _i in range(2):
        Guardian.objects.create(board=world.board, name="J. de Vries")
    result = run(world, "guardians", csv(GUARDIAN_HEADER, "11AA00,A501,J. de Vries,,,vader,ja"))
    assert [(e.row, e.code) for e in result.errors] == [(2, "ambiguous_guardian")]


# --- staff ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_users_roles_and_groups(world):
    last = last_event_id()
    data = csv(
        STAFF_HEADER,
        "Nieuw.Leerkracht@School.nl,Nina Nieuw,11AA00,leerkracht,Groep 5|groep 6",
        "teacher.a@test.invalid,Teacher A,11AA00,ib,",  # existing user, extra role
        "fg@noord.nl,Fatima Gül,,FG,",  # board-wide role, no school
        "teacher.a@test.invalid,Teacher A,11AA00,teacher,Groep 5",  # already so: nothing new
    )
    result = run(world, "staff", data)
    assert result.ok, result.errors
    assert result.counts == {"staff_created": 2, "roles_assigned": 3, "teachers_added": 2}
    assert result.unchanged == 1

    nina = User.objects.get(email="nieuw.leerkracht@school.nl")
    assert nina.full_name == "Nina Nieuw" and nina.is_active and not nina.has_usable_password()
    assert set(nina.teaching_groups.values_list("name", flat=True)) == {"Groep 5", "Groep 6"}
    assert RoleAssignment.objects.filter(
        user=nina, role="teacher", board=world.board, school=world.school_a
    ).exists()
    assert RoleAssignment.objects.filter(
        user=world["teacher_a"], role="care_coordinator", school=world.school_a
    ).exists()
    fg = User.objects.get(email="fg@noord.nl")
    assert RoleAssignment.objects.get(user=fg).school is None

    events = events_since(last)
    types = [e.event_type for e in events]
    assert types.count(EventType.STAFF_CREATED) == 2
    assert types.count(EventType.ROLE_ASSIGNED) == 3
    assert types.count(EventType.GROUP_TEACHERS_CHANGED) == 2  # one per group
    group_event = next(e for e in events if e.event_type == EventType.GROUP_TEACHERS_CHANGED)
    assert group_event.school_id == world.school_a.pk
    assert group_event.data["added"] == ["nieuw.leerkracht@school.nl"]
    role_event = next(e for e in events if e.object_id == str(fg.role_assignments.get().pk))
    assert role_event.data == {"user": "fg@noord.nl", "role": "privacy_officer", "school": None}


@pytest.mark.parametrize(
    ("alias", "role"),
    [
        ("leerkracht", "teacher"),
        ("IB", "care_coordinator"),
        ("intern begeleider", "care_coordinator"),
        ("directeur", "safety_officer"),
        ("Vertrouwenspersoon", "confidential_adviser"),
        ("safety_officer", "safety_officer"),
    ],
)
@pytest.mark.django_db
def test_school_role_aliases(world, alias, role):
    result = run(world, "staff", csv(STAFF_HEADER, f"x@school.nl,X,11AA00,{alias},"))
    assert result.ok, result.errors
    assert RoleAssignment.objects.get(user__email="x@school.nl").role == role


@pytest.mark.parametrize(
    ("alias", "role"),
    [("bestuur", "board"), ("fg", "privacy_officer"), ("beheerder", "administrator")],
)
@pytest.mark.django_db
def test_board_role_aliases(world, alias, role):
    result = run(world, "staff", csv(STAFF_HEADER, f"x@school.nl,X,,{alias},"))
    assert result.ok, result.errors
    assert RoleAssignment.objects.get(user__email="x@school.nl").role == role


# --- idempotence and all-or-nothing -----------------------------------------------------------

FILES = {
    "pupils": csv(
        PUPIL_HEADER,
        "11AA00,A501,Anna,,Visser,01-05-2016,Groep 5",
        "11AA00,A502,Sam,van,Dijk,2016-03-02,Groep 8",
    ),
    "guardians": csv(
        GUARDIAN_HEADER,
        "11AA00,A501,Ellen Visser,ellen@ouders.invalid,,moeder,ja",
        "11AA00,A601,Piet Bakker,piet@ouders.invalid,,vader,ja",
    ),
    "staff": csv(
        STAFF_HEADER,
        "n@school.nl,Nina,11AA00,leerkracht,Groep 5",
        "teacher.a@test.invalid,Teacher A,11AA00,leerkracht,Groep 6",
    ),
}


@pytest.mark.parametrize("kind", list(FILES))
@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(world, kind):
    first = run(world, kind, FILES[kind])
    assert first.ok and first.counts, first.errors
    before, last = snapshot(), last_event_id()
    again = run(world, kind, FILES[kind])
    assert again.ok and again.counts == {} and again.unchanged == 2
    (event,) = events_since(last)
    assert event.event_type == EventType.IMPORT_COMPLETED
    assert event.data["counts"] == {} and event.data["unchanged"] == 2
    assert snapshot() == before | {"events": before["events"] + 1}


BAD_ROWS = [
    # (kind, bad row, column as in the file, error code)
    ("pupils", "99ZZ99,P1,Sam,,Dijk,2016-03-02,Groep 5", "school_code", "unknown_school"),
    ("pupils", "22CC00,P1,Sam,,Dijk,2016-03-02,Groep 1", "school_code", "unknown_school"),
    ("pupils", "11AA00,P1,Sam,,Dijk,31-02-2016,Groep 5", "date_of_birth", "bad_date"),
    ("pupils", "11AA00,P1,Sam,,Dijk,2999-01-01,Groep 5", "date_of_birth", "future_birth"),
    ("pupils", "11AA00,P1,,,Dijk,2016-03-02,Groep 5", "first_name", "required"),
    ("pupils", "11AA00,A501,Sam,,Dijk,2016-03-02,Groep 5", "student_number", "duplicate_pupil"),
    ("pupils", f"11AA00,P1,Sam,{'x' * 31},Dijk,2016-03-02,Groep 5", "name_prefix", "too_long"),
    ("guardians", "11AA00,NOPE,Ed,,,vader,ja", "student_number", "unknown_pupil"),
    ("guardians", "11AA00,A601,Ed,,,oom,ja", "relation", "bad_relation"),
    ("guardians", "11AA00,A601,Ed,,,vader,soms", "parental_authority", "bad_bool"),
    ("guardians", "11AA00,A601,Ed,ed@@x,,vader,ja", "email", "bad_email"),
    ("guardians", "11AA00,A601,Ed,,bel me,vader,ja", "phone", "bad_phone"),
    (
        "guardians",
        "11AA00,A601,Ellen V.,ellen@ouders.invalid,,moeder,ja",
        "name",
        "guardian_differs",
    ),
    ("staff", "y@school.nl,Y,11AA00,conciërge,", "role", "bad_role"),
    ("staff", "y@school.nl,Y,11AA00,leerkracht,Groep 9", "groups", "unknown_group"),
    ("staff", "y@school.nl,Y,11BB00,leerkracht,Groep 5", "groups", "unknown_group"),
    ("staff", "geen-adres,Y,11AA00,leerkracht,", "email", "bad_email"),
    ("staff", "y@school.nl,Y,11AA00,bestuur,", "school_code", "board_role_school"),
    ("staff", "y@school.nl,Y,,ib,", "school_code", "school_role_no_school"),
    ("staff", "y@school.nl,Y,11AA00,ib,Groep 5", "groups", "groups_not_teacher"),
    ("staff", "n@school.nl,Nina Anders,11AA00,ib,", "full_name", "name_differs"),
]


@pytest.mark.parametrize(("kind", "bad", "column", "code"), BAD_ROWS)
@pytest.mark.django_db
def test_one_bad_row_writes_nothing(world, kind, bad, column, code):
    good = FILES[kind].decode().splitlines()
    data = csv(good[0], good[1], bad, good[2])  # the bad row is row 3 of the file
    before = snapshot()
    result = run(world, kind, data)
    assert not result.ok
    assert [(e.row, e.column, e.code) for e in result.errors] == [(3, column, code)]
    assert result.errors[0].message  # a Dutch sentence, not a code
    assert snapshot() == before


@pytest.mark.django_db
def test_errors_name_the_column_as_written_in_the_file(world):
    data = csv(
        "Leerlingnummer;BRIN;Roepnaam;Achternaam;Geboortedatum;Groep",
        "A9;11AA00;Sam;Dijk;morgen;Groep 5",
    )
    (error,) = run(world, "pupils", data).errors
    assert (error.row, error.column) == (2, "Geboortedatum")
    assert "morgen" in error.message and "JJJJ-MM-DD" in error.message


@pytest.mark.django_db
def test_all_rows_are_checked_and_errors_listed_per_row(world):
    data = csv(
        PUPIL_HEADER,
        "11AA00,P1,,,Dijk,x,Groep 5",
        "11AA00,P2,Sam,,Dijk,2016-01-01,Groep 5",
        "XX,P3,Sam,,Dijk,2016-01-01,",
    )
    result = run(world, "pupils", data)
    assert [(e.row, e.code) for e in result.errors] == [
        (2, "required"),
        (2, "bad_date"),
        (4, "unknown_school"),
        (4, "required"),
    ]
    assert result.error_count == 4
    assert not Pupil.objects.filter(student_number="P2").exists()


# --- the page ---------------------------------------------------------------------------------


def url(world) -> str:
    return f"/besturen/{world.board.pk}/import/"


def upload(data: bytes, name: str = "leerlingen.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("admin", 200), ("teacher_a", 403), ("board", 403), ("privacy", 403), ("other_board", 404)],
)
@pytest.mark.django_db
def test_page_access(world, client_for, persona, status):
    assert client_for(persona).get(url(world)).status_code == status


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(world):
    response = Client().get(url(world))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["teacher_a", "board", "other_board"])
@pytest.mark.django_db
def test_post_by_non_administrator_writes_nothing(world, client_for, persona):
    client = client_for(persona)  # logging in writes its own audit event
    before = snapshot()
    response = client.post(
        url(world),
        {"kind": "pupils", "file": upload(FILES["pupils"]), "submission_token": "t-deny"},
    )
    assert response.status_code in (403, 404)
    assert snapshot() == before


@pytest.mark.django_db
def test_page_lists_the_columns_and_board_links_to_it(world, client_for):
    client = client_for("admin")
    page = client.get(url(world)).content.decode()
    for name in ("student_number", "leerlingnummer", "parental_authority", "groups"):
        assert name in page
    assert 'enctype="multipart/form-data"' in page
    assert url(world) in client.get(f"/besturen/{world.board.pk}/").content.decode()
    assert (
        url(world) not in client_for("board").get(f"/besturen/{world.board.pk}/").content.decode()
    )


@pytest.mark.django_db
def test_upload_imports_and_shows_the_summary(world, client_for):
    client = client_for("admin")
    token = re.search(
        r'name="submission_token" value="([^"]+)"', client.get(url(world)).content.decode()
    )
    assert token
    response = client.post(
        url(world),
        {"kind": "pupils", "file": upload(FILES["pupils"]), "submission_token": token.group(1)},
    )
    assert response.status_code == 302
    summary = AuditEvent.objects.get(event_type=EventType.IMPORT_COMPLETED)
    assert response["Location"] == f"{url(world)}?import={summary.pk}#result"
    assert summary.actor_id == world["admin"].pk and summary.data["filename"] == "leerlingen.csv"
    page = client.get(response["Location"]).content.decode()
    assert "De import is gelukt" in page and "Leerlingen toegevoegd" in page
    assert Pupil.objects.filter(student_number="A502").exists()
    # The summary of an import is only shown on its own board's page.
    other = client_for("other_board").get(
        f"/besturen/{world.other_board.pk}/import/?import={summary.pk}"
    )
    assert "De import is gelukt" not in other.content.decode()


@pytest.mark.django_db
def test_double_submit_imports_once(world, client_for):
    client = client_for("admin")
    form = {"kind": "pupils", "submission_token": "same-token"}
    first = client.post(url(world), {**form, "file": upload(FILES["pupils"])})
    before = snapshot()
    second = client.post(url(world), {**form, "file": upload(FILES["pupils"])})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert snapshot() == before
    assert AuditEvent.objects.filter(event_type=EventType.IMPORT_COMPLETED).count() == 1
    assert Pupil.objects.filter(student_number="A502").count() == 1


@pytest.mark.django_db
def test_file_with_errors_comes_back_with_kind_selected_and_token_unused(world, client_for):
    client = client_for("admin")
    bad = csv(GUARDIAN_HEADER, "11AA00,A501,Ellen,,,moeder,ja", "11AA00,NOPE,Ed,,,oom,ja")
    before = snapshot()
    form = {"kind": "guardians", "submission_token": "tok-1"}
    response = client.post(url(world), {**form, "file": upload(bad)})
    assert response.status_code == 200
    page = response.content.decode()
    assert snapshot() == before
    assert re.search(r'<option value="guardians" selected>', page)
    assert "Er is niets geïmporteerd" in page
    assert "kies het opnieuw" in page  # the browser cannot keep the chosen file
    assert "Fouten in het bestand" in page
    assert '<td data-label="Rij">3</td>' in page
    assert "Onbekende relatie" in page and "NOPE" in page
    assert not SubmissionToken.objects.filter(token="tok-1").exists()
    # The same form, now with a good file, imports.
    fixed = csv(GUARDIAN_HEADER, "11AA00,A501,Ellen Visser,,,moeder,ja")
    assert client.post(url(world), {**form, "file": upload(fixed)}).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04xlsx", "geen CSV-bestand"),
        (b"naam;adres\nA;B\n", "De kolom ontbreekt"),
    ],
)
@pytest.mark.django_db
def test_unreadable_files_are_explained(world, client_for, data, message):
    response = client_for("admin").post(
        url(world), {"kind": "staff", "file": upload(data), "submission_token": "t-x"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.django_db
def test_form_requires_a_file_and_a_kind(world, client_for):
    response = client_for("admin").post(url(world), {"submission_token": "t-empty"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Kies een CSV-bestand." in page and "Kies wat je importeert." in page


# --- command line -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_cli_imports_and_prints_the_summary(world, tmp_path, capsys):
    path = tmp_path / "staff.csv"
    path.write_bytes(FILES["staff"])
    call_command("import_csv", "staff", str(path), "--board", str(world.board.pk))
    out = capsys.readouterr().out
    assert "Medewerkers geïmporteerd voor Stichting Noord: 2 rijen." in out
    assert "Medewerkers toegevoegd: 1" in out
    event = AuditEvent.objects.get(event_type=EventType.IMPORT_COMPLETED)
    assert (event.actor_id, event.role, event.channel) == (None, "cli", "system")


@pytest.mark.django_db
def test_cli_lists_errors_and_exits_1(world, tmp_path, capsys):
    path = tmp_path / "pupils.csv"
    path.write_bytes(
        csv(PUPIL_HEADER, "11AA00,P1,Sam,,Dijk,2016-03-02,Groep 5", "99ZZ99,P2,Ed,,X,2016-03-02,G")
    )
    before = snapshot()
    with pytest.raises(CommandError) as caught:
        call_command("import_csv", "pupils", str(path), "--board", str(world.board.pk))
    assert caught.value.returncode == 1
    assert "niets geïmporteerd" in str(caught.value)
    assert "rij 3, school_code: Schoolcode 99ZZ99" in capsys.readouterr().err
    assert snapshot() == before


@pytest.mark.django_db
def test_cli_unknown_board_or_file(world, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(FILES["staff"])
    with pytest.raises(CommandError, match="no board"):
        call_command("import_csv", "staff", str(path), "--board", "999999")
    with pytest.raises(CommandError, match="cannot read"):
        call_command(
            "import_csv", "staff", str(tmp_path / "missing.csv"), "--board", str(world.board.pk)
        )


@pytest.mark.parametrize("value", ["abc", "-1", "9" * 30, "0"])
@pytest.mark.django_db
def test_summary_parameter_is_harmless(world, client_for, value):
    response = client_for("admin").get(f"{url(world)}?import={value}")
    assert response.status_code == 200
    assert "De import is gelukt" not in response.content.decode()
