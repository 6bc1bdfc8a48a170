"""Writing and verifying the hash-chained audit log.

Every event is appended to the chain of its board (``board:<id>``; events without a
board go to ``system``) inside the caller's transaction: the chain head row is locked,
the event gets the next sequence number and ``hash = sha256(prev_hash + canonical)``.
Rows are protected by database triggers (see :mod:`vangnet.core.audit_guard`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from vangnet.core.models import AuditChainHead, AuditEvent, EventType
from vangnet.lib.hashing import GENESIS, chain_hash

if TYPE_CHECKING:
    from vangnet.accounts.models import User

SYSTEM_CHAIN = "system"


@dataclass(frozen=True)
class Actor:
    """Who acts, in which role, from where. Passed to every action."""

    user: User | None
    role: str = ""
    ip: str | None = None
    channel: str = "web"

    @classmethod
    def from_request(cls, request: HttpRequest, *, channel: str = "web") -> Actor:
        user = request.user if request.user.is_authenticated else None
        role = ""
        if user is not None:
            from vangnet.core.access import scope_of

            role = ",".join(sorted(scope_of(user).roles))
        return cls(user=user, role=role, ip=client_ip(request), channel=channel)

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(user=None, role=label, channel="system")


def client_ip(request: HttpRequest) -> str | None:
    from django.conf import settings

    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


@dataclass
class Entry:
    """An event to be written; see :func:`record`."""

    event_type: EventType
    board_id: int | None = None
    school_id: int | None = None
    pupil_id: int | None = None
    object_type: str = ""
    object_id: str = ""
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def chain_for(board_id: int | None) -> str:
    return f"board:{board_id}" if board_id else SYSTEM_CHAIN


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    # What the JSON column gives back on read, so the hash can be recomputed from it.
    result: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return result


def canonical_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "chain": event.chain,
        "seq": event.seq,
        "occurred_at": _utc(event.occurred_at),
        "event_type": event.event_type,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "role": event.role,
        "board_id": event.board_id,
        "school_id": event.school_id,
        "pupil_id": event.pupil_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "channel": event.channel,
        "ip": event.ip,
        "reason": event.reason,
        "data": event.data,
    }


def record(actor: Actor, event_type: EventType, **fields: Any) -> AuditEvent:
    """Append one event. Must run inside the transaction of the change it describes."""
    return record_many(actor, [Entry(event_type, **fields)])[0]


def record_many(actor: Actor, entries: Iterable[Entry]) -> list[AuditEvent]:
    if not connection.in_atomic_block:
        raise RuntimeError("audit events are written inside the transaction of the change")
    now = timezone.now()
    by_chain: dict[str, list[Entry]] = {}
    for entry in entries:
        by_chain.setdefault(chain_for(entry.board_id), []).append(entry)
    written: list[AuditEvent] = []
    for chain in sorted(by_chain):  # a fixed lock order: no deadlocks between chains
        head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
        if head is None:  # the chain's first event
            AuditChainHead.objects.get_or_create(chain=chain, defaults={"hash": GENESIS})
            head = AuditChainHead.objects.select_for_update().get(chain=chain)
        events = []
        for entry in by_chain[chain]:
            event = AuditEvent(
                chain=chain,
                seq=head.seq + 1,
                occurred_at=now,
                event_type=int(entry.event_type),
                actor_id=actor.user.pk if actor.user else None,
                actor_label=actor.user.email if actor.user else actor.role,
                role=actor.role,
                board_id=entry.board_id,
                school_id=entry.school_id,
                pupil_id=entry.pupil_id,
                object_type=entry.object_type,
                object_id=str(entry.object_id),
                channel=actor.channel,
                ip=actor.ip,
                reason=entry.reason,
                data=_plain(entry.data),
                prev_hash=head.hash,
            )
            event.hash = chain_hash(head.hash, canonical_fields(event))
            head.seq, head.hash = event.seq, event.hash
            events.append(event)
        AuditEvent.objects.bulk_create(events)
        head.save(update_fields=["seq", "hash"])
        written.extend(events)
    return written


@dataclass
class ChainReport:
    chain: str
    events: int
    ok: bool
    first_bad_seq: int | None = None
    problem: str = ""

    def line(self) -> str:
        if self.ok:
            return f"{self.chain}: {self.events} events, chain intact"
        return f"{self.chain}: BROKEN at event #{self.first_bad_seq}: {self.problem}"


def _events(chain: str) -> Iterator[AuditEvent]:
    return AuditEvent.objects.filter(chain=chain).order_by("seq", "id").iterator(chunk_size=2000)


def verify_chain(chain: str) -> ChainReport:
    previous = GENESIS
    expected = 1
    count = 0
    for event in _events(chain):
        count += 1
        if event.seq != expected:
            problem = (
                f"event #{expected} is missing"
                if event.seq > expected
                else f"sequence number {event.seq} appears twice"
            )
            return ChainReport(chain, count, False, expected, problem)
        if event.prev_hash != previous:
            return ChainReport(
                chain, count, False, event.seq, "does not link to the event before it"
            )
        if chain_hash(previous, canonical_fields(event)) != event.hash:
            return ChainReport(chain, count, False, event.seq, "its content was altered")
        previous = event.hash
        expected += 1
    head = AuditChainHead.objects.filter(chain=chain).first()
    head_seq = head.seq if head else 0
    if head_seq != count or (head and head.hash != previous):
        return ChainReport(
            chain, count, False, count + 1, f"the chain should hold {head_seq} events"
        )
    return ChainReport(chain, count, True)


def verify(chains: Iterable[str] | None = None) -> list[ChainReport]:
    if chains is None:
        names = set(AuditChainHead.objects.values_list("chain", flat=True))
        names |= set(AuditEvent.objects.values_list("chain", flat=True).distinct())
        chains = sorted(names)
    return [verify_chain(chain) for chain in chains]


def record_read(actor: Actor, event_type: EventType, **fields: Any) -> AuditEvent:
    """Record a read in its own small transaction (views that only read)."""
    with transaction.atomic():
        return record(actor, event_type, **fields)


class PupilIds(TypedDict):
    board_id: int
    school_id: int
    pupil_id: int


def about_pupil(pupil: Any) -> PupilIds:
    """The ids an event about ``pupil`` carries: its board (the chain), school and pupil."""
    return {"board_id": pupil.school.board_id, "school_id": pupil.school_id, "pupil_id": pupil.pk}


def about_concern(concern: Any) -> PupilIds:
    """The ids an event about a dossier entry carries (the school it was written at)."""
    return {
        "board_id": concern.school.board_id,
        "school_id": concern.school_id,
        "pupil_id": concern.pupil_id,
    }
