"""Writing the logbook: every function is one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vangnet.concerns.models import (
    EDITABLE_FIELDS,
    Concern,
    ConcernDraft,
    ConcernShare,
    ConcernVersion,
    Statement,
)
from vangnet.core.audit import Actor, Entry, about_concern, about_pupil, record, record_many
from vangnet.core.models import EventType
from vangnet.core.submissions import ConflictError
from vangnet.lib import statements as rules

if TYPE_CHECKING:
    from vangnet.accounts.models import User
    from vangnet.organisations.models import Pupil

MESSAGES = {
    "unknown_kind": gettext_lazy("Kies wat voor uitspraak dit is."),
    "text_required": gettext_lazy("Schrijf op wat er gezien, gehoord of verteld is."),
    "text_too_long": gettext_lazy(
        "Deze uitspraak is te lang (hoogstens 5000 tekens). Splits hem op."
    ),
    "source_required": gettext_lazy(
        "Noem de bron: wie vertelde dit? Zonder bron mag een verhaal van een ander niet in "
        "het dossier."
    ),
    "professional_required": gettext_lazy(
        "Een diagnose mag alleen worden vastgelegd als een bevoegde professional hem stelde: "
        "vul de naam in."
    ),
    "registration_invalid": gettext_lazy("Vul het BIG-registratienummer in (11 cijfers)."),
}

CONCERN_FIELDS = EDITABLE_FIELDS


@dataclass
class ConcernInput:
    """What a form or the API hands to :func:`do_create_concern` / :func:`do_update_concern`."""

    occurred_at: dt.datetime
    statements: list[rules.Statement]
    kind: str = Concern.Kind.SIGNAL
    location: str = ""
    noticed_by: str = ""
    reaction: str = ""
    follow_up: str = ""
    child_suffers: str = Concern.Suffers.UNKNOWN
    signals: list[str] = field(default_factory=list)
    is_working_note: bool = False
    goal: str = ""
    agreements: str = ""
    follow_up_on: dt.date | None = None
    copy_to_parents_on: dt.date | None = None
    signature_required: bool = False
    signed_by_parents_on: dt.date | None = None
    settles_id: int | None = None
    settlement: str = ""


def statement_errors(items: list[rules.Statement]) -> dict[int, dict[str, str]]:
    """Per statement index: field -> Dutch message. Empty when every statement may be kept."""
    errors: dict[int, dict[str, str]] = {}
    for index, item in enumerate(items):
        for problem in rules.problems(item):
            errors.setdefault(index, {})[problem.field] = str(MESSAGES[problem.code])
    return errors


def validate(data: ConcernInput) -> None:
    errors: dict[str, Any] = {}
    if data.occurred_at > timezone.now() + dt.timedelta(minutes=5):
        errors["occurred_at"] = _("Deze datum ligt in de toekomst.")
    if not data.statements:
        errors["statements"] = _("Leg ten minste één uitspraak vast: wat is er gebeurd?")
    per_statement = statement_errors(data.statements)
    if per_statement:
        errors["statements"] = [
            _("Uitspraak %(n)d: %(message)s") % {"n": index + 1, "message": message}
            for index, fields in sorted(per_statement.items())
            for message in fields.values()
        ]
    if data.kind == Concern.Kind.CONVERSATION and not data.goal.strip():
        errors["goal"] = _("Beschrijf het doel van het gesprek met de ouders.")
    if data.settlement and not data.settles_id:
        errors["settles"] = _("Kies het eerdere verslag dat hiermee bevestigd of weerlegd wordt.")
    if errors:
        raise ValidationError(errors)


def _write_statements(concern: Concern, items: list[rules.Statement]) -> None:
    Statement.objects.bulk_create(
        [
            Statement(
                concern=concern,
                position=i,
                kind=item.kind,
                text=rules.stored_text(item),
                source=item.source.strip(),
                source_consent=item.source_consent,
                professional=item.professional.strip() if item.kind == rules.DIAGNOSIS else "",
                registration=item.registration.strip() if item.kind == rules.DIAGNOSIS else "",
            )
            for i, item in enumerate(items)
        ]
    )


def _event(concern: Concern, event_type: EventType, **data: Any) -> Entry:
    return Entry(
        event_type,
        **about_concern(concern),
        object_type="concern",
        object_id=str(concern.pk),
        data=data,
    )


def do_create_concern(pupil: Pupil, data: ConcernInput, *, actor: Actor) -> Concern:
    """Record a concern about ``pupil`` (the caller checked the user may open the pupil)."""
    assert actor.user is not None
    validate(data)
    with transaction.atomic():
        settles = None
        if data.settles_id:
            settles = Concern.objects.filter(pk=data.settles_id, pupil=pupil).first()
            if settles is None:
                raise ValidationError({"settles": _("Dat verslag hoort niet bij deze leerling.")})
        concern = Concern(
            pupil=pupil,
            school_id=pupil.school_id,
            author=actor.user,
            noticed_by=data.noticed_by.strip() or actor.user.full_name,
            settles=settles,
            settlement=data.settlement if settles else "",
            **{f: getattr(data, f) for f in CONCERN_FIELDS if f != "noticed_by"},
        )
        concern.save()
        _write_statements(concern, data.statements)
        ConcernDraft.objects.filter(user=actor.user, pupil=pupil).delete()
        record_many(
            actor,
            [
                _event(
                    concern,
                    EventType.CONCERN_CREATED,
                    kind=concern.kind,
                    statements=len(data.statements),
                )
            ],
        )
    return concern


def do_update_concern(
    concern: Concern, data: ConcernInput, *, version: int, actor: Actor, reason: str = ""
) -> Concern:
    """Change an entry; the previous version stays visible in its history."""
    assert actor.user is not None
    validate(data)
    with transaction.atomic():
        current = Concern.objects.select_for_update().get(pk=concern.pk)
        if current.version != version:
            raise ConflictError
        before = current.snapshot()
        ConcernVersion.objects.create(
            concern=current,
            version=current.version,
            data=before,
            replaced_by=actor.user,
            reason=reason[:300],
        )
        for f in CONCERN_FIELDS:
            setattr(current, f, getattr(data, f))
        current.noticed_by = data.noticed_by.strip() or current.noticed_by
        current.version = F("version") + 1
        current.updated_at = timezone.now()
        current.save()
        current.statements.all().delete()
        _write_statements(current, data.statements)
        current.refresh_from_db()
        after = current.snapshot()
        changed = sorted(k for k in after if after[k] != before.get(k))
        record_many(
            actor,
            [_event(current, EventType.CONCERN_UPDATED, changed=changed, from_version=version)],
        )
    return current


def do_delete_concern(concern: Concern, *, actor: Actor) -> None:
    """Only the author, and only within a day; after that an entry is corrected by a new
    entry or a granted correction request, never removed."""
    if actor.user is None or concern.author_id != actor.user.pk:
        raise PermissionDenied
    if timezone.now() >= concern.deletable_until:
        raise ValidationError(
            _(
                "Een verslag ouder dan een dag kan niet meer worden verwijderd. Voeg een nieuw "
                "verslag toe dat het corrigeert."
            )
        )
    if (
        concern.settled_by.exists()
        or concern.correction_requests.exists()
        or concern.parent_views.exists()
        or concern.flag_weighings.exists()
    ):
        raise ValidationError(
            _(
                "Dit verslag kan niet meer worden verwijderd: er hoort een vervolg, een "
                "zienswijze, een correctieverzoek of een weging bij. Corrigeer het met een "
                "nieuw verslag."
            )
        )
    with transaction.atomic():
        entry = _event(
            concern,
            EventType.CONCERN_DELETED,
            kind=concern.kind,
            occurred_at=concern.occurred_at.isoformat(),
        )
        concern.delete()
        record_many(actor, [entry])


def do_share_concern(
    concern: Concern, colleagues: list[User], *, question: str, actor: Actor
) -> list[ConcernShare]:
    """Consult colleagues: they see this entry (and only this one)."""
    assert actor.user is not None
    with transaction.atomic():
        shares = []
        entries = []
        for colleague in colleagues:
            share, created = ConcernShare.objects.get_or_create(
                concern=concern,
                user=colleague,
                defaults={"shared_by": actor.user, "question": question.strip()},
            )
            if created:
                shares.append(share)
                entries.append(_event(concern, EventType.CONCERN_SHARED, colleague=colleague.email))
        if entries:
            record_many(actor, entries)
    return shares


def do_handover(concern: Concern, *, note: str, actor: Actor) -> Concern:
    """Hand the concern over to the care coordinator: the Meldcode may start from here."""
    with transaction.atomic():
        current = Concern.objects.select_for_update().get(pk=concern.pk)
        if current.handed_over_at is not None:
            return current
        current.handed_over_at = timezone.now()
        current.handover_note = note.strip()
        current.save(update_fields=["handed_over_at", "handover_note"])
        record_many(
            actor,
            [_event(current, EventType.CONCERN_HANDED_OVER, has_note=bool(current.handover_note))],
        )
    return current


def do_discard_draft(pupil: Pupil, *, actor: Actor) -> None:
    assert actor.user is not None
    with transaction.atomic():
        deleted, _count = ConcernDraft.objects.filter(user=actor.user, pupil=pupil).delete()
        if deleted:
            record(
                actor,
                EventType.DRAFT_DISCARDED,
                **about_pupil(pupil),
                object_type="concern_draft",
            )


def do_save_draft(pupil: Pupil, data: dict[str, Any], *, actor: Actor) -> ConcernDraft:
    assert actor.user is not None
    with transaction.atomic():
        draft, _created = ConcernDraft.objects.update_or_create(
            user=actor.user, pupil=pupil, defaults={"data": data, "updated_at": timezone.now()}
        )
        record(
            actor,
            EventType.DRAFT_SAVED,
            **about_pupil(pupil),
            object_type="concern_draft",
            object_id=str(draft.pk),
        )
    return draft
