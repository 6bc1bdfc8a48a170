"""Organisation actions: social map, role titles, board settings.

Every function runs in one transaction and writes its audit event in it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from vangnet.core.audit import Actor, Entry, record, record_many
from vangnet.core.models import EventType
from vangnet.core.roles import Role
from vangnet.core.submissions import ConflictError
from vangnet.organisations.models import Board, Partner, RoleAssignment, RoleTitle, School

PARTNER_FIELDS = (
    "kind",
    "organisation",
    "contact_name",
    "phone",
    "email",
    "opening_hours",
    "notes",
)


def do_create_partner(board: Board, data: dict[str, Any], *, actor: Actor) -> Partner:
    with transaction.atomic():
        partner = Partner.objects.create(board=board, **{f: data[f] for f in PARTNER_FIELDS})
        record(
            actor,
            EventType.PARTNER_CREATED,
            board_id=board.pk,
            object_type="partner",
            object_id=str(partner.pk),
            data={"new": partner.snapshot()},
        )
    return partner


def do_update_partner(
    partner: Partner, data: dict[str, Any], *, version: int, actor: Actor
) -> Partner:
    """Change a partner; ``version`` is the one the form was opened with."""
    with transaction.atomic():
        old = Partner.objects.select_for_update().get(pk=partner.pk)
        if old.version != version:
            raise ConflictError
        new_values = {f: data[f] for f in PARTNER_FIELDS}
        Partner.objects.filter(pk=partner.pk).update(**new_values, version=F("version") + 1)
        partner.refresh_from_db()
        before, after = old.snapshot(), partner.snapshot()
        record(
            actor,
            EventType.PARTNER_UPDATED,
            board_id=partner.board_id,
            object_type="partner",
            object_id=str(partner.pk),
            data={
                "old": {k: v for k, v in before.items() if after[k] != v},
                "new": {k: v for k, v in after.items() if before[k] != v},
            },
        )
    return partner


def do_delete_partner(partner: Partner, *, actor: Actor) -> None:
    with transaction.atomic():
        snapshot = partner.snapshot()
        pk = partner.pk
        partner.delete()
        record(
            actor,
            EventType.PARTNER_DELETED,
            board_id=partner.board_id,
            object_type="partner",
            object_id=str(pk),
            data={"old": snapshot},
        )


def do_set_role_titles(board: Board, titles: dict[str, str], *, actor: Actor) -> None:
    """Store the board's own names for roles; an empty title restores the default."""
    with transaction.atomic():
        current = {t.role: t for t in RoleTitle.objects.select_for_update().filter(board=board)}
        entries = []
        for role in Role:
            new = (titles.get(role.value) or "").strip()
            existing = current.get(role.value)
            old = existing.title if existing else ""
            if new == old:
                continue
            if not new and existing:
                existing.delete()
            elif existing:
                existing.title = new
                existing.save(update_fields=["title"])
            else:
                RoleTitle.objects.create(board=board, role=role.value, title=new)
            entries.append(
                Entry(
                    EventType.ROLE_TITLE_CHANGED,
                    board_id=board.pk,
                    object_type="role_title",
                    object_id=role.value,
                    data={"old": old, "new": new},
                )
            )
        if entries:
            record_many(actor, entries)
        board.__dict__.pop("_role_titles", None)


def do_update_board_settings(
    board: Board,
    *,
    break_glass_allowed: bool,
    break_glass_minutes: int,
    version: int,
    actor: Actor,
) -> Board:
    with transaction.atomic():
        old = Board.objects.select_for_update().get(pk=board.pk)
        if old.version != version:
            raise ConflictError
        Board.objects.filter(pk=board.pk).update(
            break_glass_allowed=break_glass_allowed,
            break_glass_minutes=break_glass_minutes,
            version=F("version") + 1,
        )
        board.refresh_from_db()
        record(
            actor,
            EventType.BOARD_SETTINGS_CHANGED,
            board_id=board.pk,
            object_type="board",
            object_id=str(board.pk),
            data={
                "old": {
                    "break_glass_allowed": old.break_glass_allowed,
                    "break_glass_minutes": old.break_glass_minutes,
                },
                "new": {
                    "break_glass_allowed": board.break_glass_allowed,
                    "break_glass_minutes": board.break_glass_minutes,
                },
            },
        )
    return board


class LastAdministratorError(Exception):
    """A board must keep at least one administrator."""


def do_assign_role(
    *, email: str, full_name: str, role: str, board: Board, school: School | None, actor: Actor
) -> RoleAssignment:
    """Give a user (created when new, without a password) a role at a school or board."""
    from vangnet.accounts.models import User

    with transaction.atomic():
        email = email.strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        entries = []
        if user is None:
            user = User(email=email, full_name=full_name.strip() or email)
            user.set_unusable_password()  # they choose one through "Wachtwoord vergeten?"
            user.save()
            entries.append(
                Entry(
                    EventType.STAFF_CREATED,
                    board_id=board.pk,
                    object_type="user",
                    object_id=str(user.pk),
                    data={"email": email, "name": user.full_name},
                )
            )
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, role=role, board=board, school=school
        )
        if created:
            entries.append(
                Entry(
                    EventType.ROLE_ASSIGNED,
                    board_id=board.pk,
                    school_id=school.pk if school else None,
                    object_type="role_assignment",
                    object_id=str(assignment.pk),
                    data={"user": email, "role": role, "school": school.name if school else ""},
                )
            )
        if entries:
            record_many(actor, entries)
    return assignment


def do_revoke_role(assignment: RoleAssignment, *, actor: Actor) -> None:
    with transaction.atomic():
        if assignment.role == Role.ADMINISTRATOR:
            others = (
                RoleAssignment.objects.select_for_update()
                .filter(board_id=assignment.board_id, role=Role.ADMINISTRATOR)
                .exclude(pk=assignment.pk)
            )
            if not others.exists():
                raise LastAdministratorError
        data = {
            "user": assignment.user.email,
            "role": assignment.role,
            "school": assignment.school.name if assignment.school else "",
        }
        pk = assignment.pk
        assignment.delete()
        record(
            actor,
            EventType.ROLE_REVOKED,
            board_id=assignment.board_id,
            school_id=assignment.school_id,
            object_type="role_assignment",
            object_id=str(pk),
            data=data,
        )
