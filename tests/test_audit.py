"""The audit log: same-transaction writes, append-only rows, and a verifiable chain."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from vangnet.core.audit import Actor, record, verify, verify_chain
from vangnet.core.audit_guard import maintenance
from vangnet.core.models import AuditEvent, EventType
from vangnet.organisations.actions import do_create_partner
from vangnet.organisations.models import Partner

pytestmark = pytest.mark.django_db


def _events(world, n=3):
    actor = Actor(user=world["admin"], role="administrator", ip="127.0.0.1")
    with transaction.atomic():
        for i in range(n):
            record(
                actor,
                EventType.PUPIL_VIEWED,
                board_id=world.board.pk,
                pupil_id=world.pupil_a5.pk,
                data={"i": i},
            )
    return list(AuditEvent.objects.filter(chain=f"board:{world.board.pk}").order_by("seq"))


def test_events_chain_per_board(world):
    events = _events(world)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash
    assert verify_chain(f"board:{world.board.pk}").ok


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused(world):
    with pytest.raises(RuntimeError):
        record(Actor.system(), EventType.DEMO_LOADED, board_id=world.board.pk)


def test_write_and_event_share_a_transaction(world):
    actor = Actor(user=world["admin"], role="administrator")
    data = {
        "kind": "ggd",
        "organisation": "GGD Test",
        "contact_name": "",
        "phone": "010-1",
        "email": "",
        "opening_hours": "",
        "notes": "",
    }
    before = AuditEvent.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        do_create_partner(world.board, data, actor=actor)
        1 / 0  # noqa: B018 - the surrounding transaction fails after the action
    assert AuditEvent.objects.count() == before
    assert not Partner.objects.filter(organisation="GGD Test").exists()
    do_create_partner(world.board, data, actor=actor)
    event = AuditEvent.objects.latest("id")
    assert event.event_type == EventType.PARTNER_CREATED
    assert event.data["new"]["organisation"] == "GGD Test"


def test_database_refuses_update_and_delete(world):
    event = _events(world, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def _tamper(sql, params):
    with maintenance(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_verify_catches_an_altered_event(world):
    events = _events(world)
    _tamper("UPDATE core_auditevent SET reason = %s WHERE id = %s", ["x", events[1].pk])
    report = verify_chain(events[1].chain)
    assert not report.ok and report.first_bad_seq == 2


def test_verify_catches_a_deleted_event(world):
    events = _events(world)
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    report = verify_chain(events[0].chain)
    assert not report.ok and report.first_bad_seq == 2


def test_verify_catches_a_deleted_last_event(world):
    events = _events(world)
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    report = verify_chain(events[0].chain)
    assert not report.ok and report.first_bad_seq == 3


def test_verify_catches_swapped_events(world):
    events = _events(world)
    a, b = events[0], events[1]
    _tamper("UPDATE core_auditevent SET seq = %s WHERE id = %s", [1000, a.pk])
    _tamper("UPDATE core_auditevent SET seq = %s WHERE id = %s", [1, b.pk])
    _tamper("UPDATE core_auditevent SET seq = %s WHERE id = %s", [2, a.pk])
    report = verify_chain(a.chain)
    assert not report.ok and report.first_bad_seq == 1


def test_audit_verify_command_exit_codes(world, capsys):
    events = _events(world)
    call_command("audit", "verify")
    assert "chain intact" in capsys.readouterr().out
    _tamper("UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"i": 99}', events[2].pk])
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    assert exc.value.returncode == 1  # `vangnet audit verify` exits 1
    assert "BROKEN at event #3" in capsys.readouterr().err
    assert [r.ok for r in verify()].count(False) == 1
