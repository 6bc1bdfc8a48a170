"""CSV import of pupils, guardians and staff from the school administration.

The action :func:`do_import` reads a file (see :mod:`.import_parsing`), checks every row
first, and when any row has an error writes nothing and returns the errors; otherwise it
writes all rows and their audit events in one transaction. The import only adds and
changes: records missing from a file are left alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.accounts.models import User
from vangnet.core.audit import Actor, Entry, record_many
from vangnet.core.models import EventType
from vangnet.core.roles import BOARD_ROLES, Role
from vangnet.lib.dates import school_year_of
from vangnet.organisations.import_parsing import (
    COLUMNS,
    COUNT_LABELS,
    EXAMPLES,
    KINDS,
    MAX_BYTES,
    MAX_ROWS,
    RELATIONS,
    ROLES,
    Column,
    FileError,
    RowError,
    Table,
    decode,
    loose_key,
    map_headers,
    parse_bool,
    parse_date,
    parse_school_year,
    read_table,
    row_error,
    sniff_delimiter,
)
from vangnet.organisations.models import (
    Board,
    Group,
    Guardian,
    GuardianLink,
    Pupil,
    RoleAssignment,
    School,
)

__all__ = [
    "COLUMNS",
    "EXAMPLES",
    "KINDS",
    "MAX_BYTES",
    "MAX_ROWS",
    "Column",
    "FileError",
    "ImportResult",
    "RowError",
    "decode",
    "do_import",
    "map_headers",
    "parse_bool",
    "parse_date",
    "parse_school_year",
    "read_table",
    "sniff_delimiter",
    "summary_lines",
]

MAX_ERRORS = 500  # errors kept for display; every row is still checked
_PHONE = re.compile(r"[0-9+() \-]{6,20}")


# --- checking ---------------------------------------------------------------------------


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    event_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


class _Run:
    """One import: the board's data it needs, the errors found, the events to write."""

    def __init__(self, board: Board, kind: str, table: Table) -> None:
        self.board, self.kind, self.table = board, kind, table
        self.schools = {s.code.strip().upper(): s for s in School.objects.filter(board=board)}
        self.today = timezone.localdate()
        self.required = {c.name for c in COLUMNS[kind] if c.required}
        self.errors: list[RowError] = []
        self.entries: list[Entry] = []
        self.counts: dict[str, int] = {}
        self.changed_rows: set[int] = set()
        self.guardians_by_email: dict[str, Guardian] = {}
        self.guardians_by_name: dict[str, list[Guardian]] = {}

    def error(self, number: int, name: str, code: str, **params: Any) -> None:
        self.errors.append(row_error(number, self.table.headers.get(name, name), code, **params))

    def get(self, number: int, values: dict[str, str], name: str, max_length: int = 0) -> str:
        value = values.get(name, "")
        if not value and name in self.required:
            self.error(number, name, "required")
        elif max_length and len(value) > max_length:
            self.error(number, name, "too_long", max=max_length)
        return value

    def date(self, number: int, values: dict[str, str], name: str) -> dt.date | None:
        value = self.get(number, values, name)
        try:
            return parse_date(value) if value else None
        except ValueError:
            self.error(number, name, "bad_date", value=value)
            return None

    def school(self, number: int, values: dict[str, str]) -> School | None:
        code = self.get(number, values, "school_code", 20)
        school = self.schools.get(code.upper())
        if code and school is None:
            self.error(number, "school_code", "unknown_school", value=code, board=self.board)
        return school

    def email(self, number: int, values: dict[str, str]) -> str:
        value = self.get(number, values, "email", 254).lower()
        try:
            if value:
                validate_email(value)
        except ValidationError:
            self.error(number, "email", "bad_email", value=value)
        return value

    def choice(
        self, number: int, values: dict[str, str], name: str, options: dict[str, str]
    ) -> str:
        value = self.get(number, values, name)
        if value and loose_key(value) not in options:
            self.error(number, name, f"bad_{name}", value=value)
        return options.get(loose_key(value), "")

    def add(
        self,
        event: EventType,
        row: int | None,
        count: str,
        obj: models.Model,
        data: dict[str, Any],
        *,
        n: int = 1,
        **ids: int | None,
    ) -> None:
        """Queue the audit event for a created or changed record, and count it."""
        object_type = re.sub(r"(?<!^)(?=[A-Z])", "_", type(obj).__name__).lower()
        ids.setdefault("school_id", getattr(obj, "school_id", None))
        if isinstance(obj, Pupil):
            ids["pupil_id"] = obj.pk
        self.entries.append(
            Entry(
                event,
                board_id=self.board.pk,
                school_id=ids.get("school_id"),
                pupil_id=ids.get("pupil_id"),
                object_type=object_type,
                object_id=str(obj.pk),
                data=data,
            )
        )
        self.counts[count] = self.counts.get(count, 0) + n
        if row is not None:
            self.changed_rows.add(row)


def _earlier(seen: dict[Any, int], key: Any, number: int) -> int | None:
    """The earlier row with the same key, if any (and remember this one)."""
    first = seen.setdefault(key, number)
    return first if first != number else None


_PUPIL_LENGTHS = {"student_number": 40, "first_name": 100, "name_prefix": 30, "last_name": 100}
_PUPIL_LENGTHS |= {"group": 100, "eck_id": 200}


def _check_pupils(run: _Run) -> list[dict[str, Any]]:
    current = school_year_of(run.today)
    seen: dict[tuple[int, str], int] = {}
    rows = []
    for n, values in run.table.rows:
        errors_before = len(run.errors)
        row: dict[str, Any] = {"row": n, "school": run.school(n, values), "school_year": current}
        row |= {name: run.get(n, values, name, size) for name, size in _PUPIL_LENGTHS.items()}
        row["date_of_birth"] = run.date(n, values, "date_of_birth")
        row["enrolled_on"] = run.date(n, values, "enrolled_on")
        if row["date_of_birth"] and row["date_of_birth"] > run.today:
            run.error(n, "date_of_birth", "future_birth")
        if values.get("school_year"):
            try:
                row["school_year"] = parse_school_year(values["school_year"])
            except ValueError:
                run.error(n, "school_year", "bad_school_year", example=current)
        number, school = row["student_number"], row["school"]
        if school and number and (first := _earlier(seen, (school.pk, number), n)):
            run.error(n, "student_number", "duplicate_pupil", value=number, row=first)
        if len(run.errors) == errors_before:
            rows.append(row)
    return rows


def _check_guardians(run: _Run) -> list[dict[str, Any]]:
    pupils = {
        (school_id, number): pk
        for pk, school_id, number in Pupil.objects.filter(school__board=run.board).values_list(
            "pk", "school_id", "student_number"
        )
    }
    existing = list(Guardian.objects.select_for_update().filter(board=run.board))
    run.guardians_by_email = {g.email.lower(): g for g in existing if g.email}
    by_name = run.guardians_by_name
    for guardian in existing:
        if not guardian.email:
            by_name.setdefault(guardian.name.lower(), []).append(guardian)
    first_of: dict[str, tuple[int, str, str]] = {}
    seen_links: dict[tuple[int, str], int] = {}
    rows = []
    for n, values in run.table.rows:
        errors_before = len(run.errors)
        school = run.school(n, values)
        number = run.get(n, values, "student_number", 40)
        name, email = run.get(n, values, "name", 200), run.email(n, values)
        phone = run.get(n, values, "phone", 40)
        if phone and not _PHONE.fullmatch(phone):
            run.error(n, "phone", "bad_phone")
        relation = run.choice(n, values, "relation", RELATIONS)
        authority = None
        if value := run.get(n, values, "parental_authority"):
            try:
                authority = parse_bool(value)
            except ValueError:
                run.error(n, "parental_authority", "bad_bool", value=value)
        pupil_id = pupils.get((school.pk, number)) if school else None
        if school and number and pupil_id is None:
            run.error(n, "student_number", "unknown_pupil", value=number, school=school)
        key = f"email:{email}" if email else f"name:{name.lower()}"
        if name and not email and len(by_name.get(name.lower(), [])) > 1:
            run.error(n, "name", "ambiguous_guardian", value=name)
        first = first_of.setdefault(key, (n, name, phone)) if name else (n, name, phone)
        if first[0] != n and (first[1] != name or (phone and first[2] and phone != first[2])):
            run.error(n, "name", "guardian_differs", row=first[0])
        if pupil_id and name and (earlier := _earlier(seen_links, (pupil_id, key), n)):
            run.error(n, "name", "duplicate_link", row=earlier)
        if len(run.errors) == errors_before:
            ids = {"row": n, "pupil_id": pupil_id, "school_id": school.pk if school else None}
            contact = {"key": key, "name": name, "email": email, "phone": phone}
            rows.append(ids | contact | {"relation": relation, "parental_authority": authority})
    return rows


def _check_staff(run: _Run) -> list[dict[str, Any]]:
    year = school_year_of(run.today)
    groups = {
        (g.school_id, g.name.lower()): g
        for g in Group.objects.filter(school__board=run.board, school_year=year)
    }
    names: dict[str, tuple[int, str]] = {}
    rows = []
    for n, values in run.table.rows:
        errors_before = len(run.errors)
        email, full_name = run.email(n, values), run.get(n, values, "full_name", 200)
        role = run.choice(n, values, "role", ROLES)
        label, school = (Role(role).label if role else ""), None
        if role in BOARD_ROLES and values.get("school_code"):
            run.error(n, "school_code", "board_role_school", role=label)
        elif role and role not in BOARD_ROLES:
            school = run.school(n, values)
            if not values.get("school_code"):
                run.error(n, "school_code", "school_role_no_school", role=label)
        wanted = [g.strip() for g in values.get("groups", "").split("|") if g.strip()]
        found = []
        if wanted and role and role != Role.TEACHER:
            run.error(n, "groups", "groups_not_teacher")
        elif wanted and school:
            for group_name in wanted:
                if (group := groups.get((school.pk, group_name.lower()))) is None:
                    where = {"school": school, "year": year}
                    run.error(n, "groups", "unknown_group", value=group_name, **where)
                else:
                    found.append(group)
        if email and full_name and names.setdefault(email, (n, full_name))[1] != full_name:
            run.error(n, "full_name", "name_differs", value=email, row=names[email][0])
        if len(run.errors) == errors_before:
            person = {"row": n, "email": email, "full_name": full_name, "role": role}
            rows.append(person | {"school": school, "groups": found})
    return rows


# --- writing ----------------------------------------------------------------------------

PUPIL_FIELDS = ["first_name", "name_prefix", "last_name", "date_of_birth", "group_id"]
PUPIL_FIELDS += ["eck_id", "enrolled_on"]


def _changes(obj: models.Model, new: dict[str, Any]) -> dict[str, Any] | None:
    """Apply ``new`` to ``obj``; the audit data ({old, new}) of what changed, or None."""
    old = {f: getattr(obj, f) for f, v in new.items() if getattr(obj, f) != v}
    for name in old:
        setattr(obj, name, new[name])
    return {"old": old, "new": {f: new[f] for f in old}} if old else None


def _write_pupils(run: _Run, rows: list[dict[str, Any]]) -> None:
    school_ids = {r["school"].pk for r in rows}
    by_id = {g.pk: g for g in Group.objects.filter(school_id__in=school_ids)}
    groups = {(g.school_id, g.school_year, g.name.lower()): g for g in by_id.values()}
    existing = {
        (p.school_id, p.student_number): p
        for p in Pupil.objects.select_for_update().filter(school_id__in=school_ids)
    }

    def snapshot(values: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in values.items() if k != "group_id"}
        if "group_id" in values:
            group = by_id.get(values["group_id"])
            out["group"] = f"{group.name} ({group.school_year})" if group else None
        return out

    created: list[tuple[int, Pupil]] = []
    updated: list[tuple[int, Pupil, dict[str, Any]]] = []
    for r in rows:
        school, year, row = r["school"], r["school_year"], r["row"]
        group = groups.get((school.pk, year, r["group"].lower()))
        if group is None:
            group = Group.objects.create(school=school, name=r["group"], school_year=year)
            groups[(school.pk, year, group.name.lower())] = by_id[group.pk] = group
            data = {"new": {"name": group.name, "school_year": year}}
            run.add(EventType.GROUP_CREATED, row, "groups_created", group, data)
        new = {f: r[f] for f in ("first_name", "last_name", "date_of_birth")}
        new["group_id"] = group.pk
        if "name_prefix" in run.table.headers:  # an empty prefix is a value: "no prefix"
            new["name_prefix"] = r["name_prefix"]
        new |= {f: r[f] for f in ("eck_id", "enrolled_on") if r[f]}  # empty keeps what is stored
        pupil = existing.get((school.pk, r["student_number"]))
        if pupil is None:
            created.append((row, Pupil(school=school, student_number=r["student_number"], **new)))
        elif change := _changes(pupil, new):
            pupil.version += 1
            updated.append((row, pupil, change))
    Pupil.objects.bulk_create([p for _row, p in created], batch_size=500)
    fields = [*PUPIL_FIELDS, "version"]
    Pupil.objects.bulk_update([p for _row, p, _change in updated], fields, batch_size=500)
    for row, pupil in created:
        values = {f: getattr(pupil, f) for f in ["student_number", *PUPIL_FIELDS]}
        run.add(EventType.PUPIL_CREATED, row, "pupils_created", pupil, {"new": snapshot(values)})
    for row, pupil, change in updated:
        data = {"old": snapshot(change["old"]), "new": snapshot(change["new"])}
        run.add(EventType.PUPIL_UPDATED, row, "pupils_updated", pupil, data)


def _write_guardians(run: _Run, rows: list[dict[str, Any]]) -> None:
    by_email, by_name = run.guardians_by_email, run.guardians_by_name
    links = {
        (link.pupil_id, link.guardian_id): link
        for link in GuardianLink.objects.select_for_update(of=("self",)).filter(
            guardian__board=run.board
        )
    }
    resolved: dict[str, Guardian] = {}
    for r in rows:
        row, ids = r["row"], {"school_id": r["school_id"], "pupil_id": r["pupil_id"]}
        guardian = resolved.get(r["key"])
        if guardian is None and r["email"]:
            guardian = by_email.get(r["email"])
        elif guardian is None:
            guardian = next(iter(by_name.get(r["name"].lower(), [])), None)
        if guardian is None:
            new = {"name": r["name"], "email": r["email"], "phone": r["phone"]}
            guardian = Guardian.objects.create(board=run.board, **new)
            run.add(
                EventType.GUARDIAN_CREATED, row, "guardians_created", guardian, {"new": new}, **ids
            )
        elif r["key"] not in resolved:
            wanted = {"name": r["name"]} | ({"phone": r["phone"]} if r["phone"] else {})
            if change := _changes(guardian, wanted):
                guardian.save(update_fields=list(change["old"]))
                run.add(
                    EventType.GUARDIAN_UPDATED, row, "guardians_updated", guardian, change, **ids
                )
        resolved[r["key"]] = guardian
        wanted = {"relation": r["relation"], "parental_authority": r["parental_authority"]}
        link = links.get((r["pupil_id"], guardian.pk))
        if link is None:
            link = GuardianLink.objects.create(pupil_id=r["pupil_id"], guardian=guardian, **wanted)
            data = {"guardian": guardian.name, "new": wanted}
            run.add(EventType.GUARDIAN_UPDATED, row, "links_created", link, data, **ids)
        elif change := _changes(link, wanted):
            link.save(update_fields=list(change["old"]))
            data = {"guardian": guardian.name, **change}
            run.add(EventType.GUARDIAN_UPDATED, row, "links_updated", link, data, **ids)


def _write_staff(run: _Run, rows: list[dict[str, Any]]) -> None:
    emails = {r["email"] for r in rows}
    users: dict[str, User] = {
        u.email.lower(): u
        for u in User.objects.alias(lower_email=Lower("email")).filter(lower_email__in=emails)
    }
    assigned: set[tuple[int, str, int | None]] = set(
        RoleAssignment.objects.filter(board=run.board).values_list("user_id", "role", "school_id")
    )
    teaching = set(
        Group.teachers.through.objects.filter(group__school__board=run.board).values_list(
            "group_id", "user_id"
        )
    )
    added: dict[int, tuple[Group, list[str]]] = {}
    data: dict[str, Any]
    for r in rows:
        row, school = r["row"], r["school"]
        user = users.get(r["email"])
        if user is None:
            user = User(email=r["email"], full_name=r["full_name"])
            user.set_unusable_password()  # they choose one through "forgot password"
            user.save()
            users[user.email] = user
            data = {"new": {"email": user.email, "full_name": user.full_name}}
            run.add(EventType.STAFF_CREATED, row, "staff_created", user, data)
        school_id = school.pk if school else None
        if (user.pk, r["role"], school_id) not in assigned:
            assigned.add((user.pk, r["role"], school_id))
            ra = RoleAssignment(user=user, role=r["role"], board=run.board, school=school)
            ra.save()
            data = {"user": user.email, "role": r["role"], "school": school and school.code}
            run.add(EventType.ROLE_ASSIGNED, row, "roles_assigned", ra, data)
        for group in r["groups"]:
            if (group.pk, user.pk) not in teaching:
                teaching.add((group.pk, user.pk))
                group.teachers.add(user)
                added.setdefault(group.pk, (group, []))[1].append(user.email)
                run.changed_rows.add(row)
    for group, new_teachers in added.values():
        data = {"group": group.name, "school_year": group.school_year, "added": new_teachers}
        n = len(new_teachers)
        run.add(EventType.GROUP_TEACHERS_CHANGED, None, "teachers_added", group, data, n=n)


_Check = Callable[[_Run], list[dict[str, Any]]]
_Write = Callable[[_Run, list[dict[str, Any]]], None]
_STEPS: dict[str, tuple[_Check, _Write]] = {
    "pupils": (_check_pupils, _write_pupils),
    "guardians": (_check_guardians, _write_guardians),
    "staff": (_check_staff, _write_staff),
}


def do_import(
    board: Board, kind: str, data: bytes, *, actor: Actor, filename: str = ""
) -> ImportResult:
    """Check every row; then write all of them with their audit events, or none."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    result = ImportResult(kind)
    try:
        table = read_table(data, kind)
    except FileError as exc:
        result.errors, result.error_count = exc.errors, len(exc.errors)
        return result
    result.rows = len(table.rows)
    check, write = _STEPS[kind]
    with transaction.atomic():
        Board.objects.select_for_update().get(pk=board.pk)  # one import per board at a time
        run = _Run(board, kind, table)
        rows = check(run)
        if run.errors:
            result.errors, result.error_count = run.errors[:MAX_ERRORS], len(run.errors)
            return result
        write(run, rows)
        result.counts = {k: run.counts[k] for k in COUNT_LABELS if run.counts.get(k)}
        result.unchanged = result.rows - len(run.changed_rows)
        summary = {"kind": kind, "rows": result.rows, "counts": result.counts}
        summary |= {"unchanged": result.unchanged, "filename": filename[:200]}
        summary["sha256"] = hashlib.sha256(data).hexdigest()
        done = Entry(
            EventType.IMPORT_COMPLETED,
            board_id=board.pk,
            object_type="import",
            object_id=kind,
            data=summary,
        )
        result.event_id = record_many(actor, [*run.entries, done])[-1].pk
    return result


def summary_lines(counts: dict[str, int], unchanged: int) -> list[tuple[str, int]]:
    """(label, number) pairs for the result page and the command line."""
    lines = [(str(label), counts[key]) for key, label in COUNT_LABELS.items() if counts.get(key)]
    return [*lines, (str(_("Rijen zonder wijziging")), unchanged)]
