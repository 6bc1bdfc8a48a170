"""The report of an incident for the parents of one pupil involved (PDF).

"Each person involved sees nothing of the others' details in any export meant for
parents." So the report for the parents of a pupil holds:

* the school, when and where it happened, the kind of incident, its severity, and the
  role (or roles) of their own child;
* what happened and the measures taken, with every known name replaced
  (:mod:`vangnet.lib.pseudonymise`): the pupils of the school's board become "[een andere
  leerling]", guardians "[een ouder]", staff "[een medewerker]", a name that belongs to
  several of them "[naam]". The own child's first name stays; their full name becomes
  their first name. The place and the kind of incident (a board's own labels) are
  treated the same way;
* the other people involved by their neutral role only ("Een andere leerling —
  omstander"): never their names, initials or the notes about them;
* "de school" as reporter; no attachments.

Before the PDF is made, :meth:`~vangnet.lib.pseudonymise.Pseudonymiser.find` checks every
pseudonymised field once more; a name left means no report (:class:`NamesLeft`).

Who may make it: :func:`vangnet.core.access.access_incident_parent_export`. The export
event is written (and committed) before the bytes leave the server. Written in the site's
first language (Dutch): a letter to parents, not a user's page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vangnet.accounts.models import User as UserModel
from vangnet.core import access
from vangnet.core.audit import Actor, record
from vangnet.core.http import AuthedRequest, download
from vangnet.core.models import EventType
from vangnet.incidents.models import Incident, IncidentPerson
from vangnet.lib.pseudonymise import Person, Pseudonymiser
from vangnet.organisations.models import Guardian, Pupil

if TYPE_CHECKING:
    import datetime as dt

    from vangnet.accounts.models import User


class NamesLeft(Exception):
    """A pseudonymised field still holds a known name: the report is not made."""

    def __init__(self, names: list[str]):
        super().__init__(", ".join(names))
        self.names = names


@dataclass
class ParentReport:
    school: str
    city: str
    first_name: str
    made_on: str
    facts: list[tuple[str, str]]
    others: list[str]
    description: str
    measures: str


def _others() -> dict[str, str]:
    return {
        IncidentPerson.Role.INITIATOR: _("Een andere leerling — degene die het initiatief nam"),
        IncidentPerson.Role.AFFECTED: _("Een andere leerling — degene die het overkwam"),
        IncidentPerson.Role.BYSTANDER: _("Een andere leerling — omstander"),
        IncidentPerson.Role.STAFF: _("Een medewerker van de school"),
        IncidentPerson.Role.PARENT: _("Een ouder of verzorger"),
        IncidentPerson.Role.OUTSIDER: _("Iemand van buiten de school"),
    }


def known_people(incident: Incident, pupil: Pupil) -> Pseudonymiser:
    """Every pupil and guardian of the school's board and every member of its staff (plus
    the reporter and the staff involved), each with their stand-in; the pupil's own first
    name is kept."""
    board_id = incident.school.board_id
    other = _("[een andere leerling]")
    people = [
        Person(first, last, pupil.first_name if pk == pupil.pk else other, prefix)
        for pk, first, prefix, last in Pupil.objects.filter(
            Q(school__board_id=board_id) | Q(incident_roles__incident=incident)
        )
        .values_list("pk", "first_name", "name_prefix", "last_name")
        .distinct()
    ]
    guardians = Guardian.objects.filter(
        Q(board_id=board_id) | Q(pupils__incident_roles__incident=incident)
    ).values_list("name", flat=True)
    people += [Person.from_full_name(name, _("[een ouder]")) for name in guardians.distinct()]
    staff = UserModel.objects.filter(
        Q(role_assignments__board_id=board_id)
        | Q(teaching_groups__school_id=incident.school_id)
        | Q(pk=incident.reporter_id)
        | Q(incident_roles__incident=incident)
    ).values_list("full_name", flat=True)
    people += [Person.from_full_name(name, _("[een medewerker]")) for name in staff.distinct()]
    return Pseudonymiser(people, ambiguous=_("[naam]"), keep=[pupil.first_name])


def _when(incident: Incident) -> str:
    start = timezone.localtime(incident.occurred_at)
    text = date_format(start, "l j F Y, H:i")
    if incident.ended_at:
        end: dt.datetime = timezone.localtime(incident.ended_at)
        text += " – " + date_format(end, "H:i" if end.date() == start.date() else "j F Y, H:i")
    return text


def build(incident: Incident, pupil: Pupil) -> tuple[ParentReport, int]:
    """The report, and how many names were replaced in it. Raises :class:`NamesLeft`."""
    with translation.override(settings.LANGUAGE_CODE):
        return _build(incident, pupil)


def _build(incident: Incident, pupil: Pupil) -> tuple[ParentReport, int]:
    names = known_people(incident, pupil)
    people = list(incident.people.all())
    own = [str(p.get_role_display()) for p in people if p.pupil_id == pupil.pk]
    own = own[:1] + [role[:1].lower() + role[1:] for role in own[1:]]
    others = _others()
    texts = {
        "description": incident.description,
        "measures": incident.measures,
        "location": incident.location.label,
        "category": incident.category.label,
    }
    replaced = sum(len(names.find(text)) for text in texts.values())
    hidden = {field: names.replace(text) for field, text in texts.items()}
    left = [name for text in hidden.values() for name in names.find(text)]
    if left:
        raise NamesLeft(sorted(set(left)))
    facts = [
        (_("School"), incident.school.name),
        (_("Datum en tijd"), _when(incident)),
        (_("Plaats"), hidden["location"]),
        (_("Soort incident"), hidden["category"]),
        (_("Ernst"), str(incident.get_severity_display())),
        (_("Gemeld door"), _("de school")),
        (_("Rol van %(name)s") % {"name": pupil.first_name}, ", ".join(own)),
    ]
    report = ParentReport(
        school=incident.school.name,
        city=incident.school.city,
        first_name=pupil.first_name,
        made_on=date_format(timezone.localdate(), "j F Y"),
        facts=facts,
        others=[others[p.role] for p in people if p.pupil_id != pupil.pk],
        description=hidden["description"],
        measures=hidden["measures"],
    )
    return report, replaced


def render_pdf(report: ParentReport) -> bytes:
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("incidents/parent_export_pdf.html", {"r": report})
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def export_links(user: User, incident: Incident) -> list[tuple[int, str]]:
    """(pupil id, first name) for every pupil involved whose parents' report ``user`` may
    make; reads the incident's prefetched people (with their pupils)."""
    links: dict[int, str] = {}
    for person in incident.people.all():
        pupil = person.pupil
        if pupil is None or pupil.pk in links:
            continue
        if access.can_export_incident_for_parents(user, incident, pupil):
            links[pupil.pk] = pupil.first_name
    return list(links.items())


@login_required
@require_GET
def incident_parent_export(request: AuthedRequest, incident_id: int, pupil_id: int) -> HttpResponse:
    incident, pupil = access.access_incident_parent_export(request.user, incident_id, pupil_id)
    incident = (
        Incident.objects.select_related("school", "location", "category")
        .prefetch_related("people")
        .get(pk=incident.pk)
    )
    try:
        report, replaced = build(incident, pupil)
    except NamesLeft as exc:
        messages.error(
            request,
            _(
                "Het verslag voor ouders is niet gemaakt: na het vervangen van de namen stond "
                "er nog een naam in (%(names)s). Meld dit bij de beheerder van Vangnet."
            )
            % {"names": ", ".join(exc.names)},
        )
        return HttpResponseRedirect(reverse("incident_detail", args=[incident.pk]))
    body = render_pdf(report)
    # The event commits before any byte of the report leaves the server.
    with transaction.atomic():
        record(
            Actor.from_request(request),
            EventType.INCIDENT_PARENT_EXPORT,
            board_id=incident.school.board_id,
            school_id=incident.school_id,
            pupil_id=pupil.pk,
            object_type="incident",
            object_id=str(incident.pk),
            data={"format": "pdf", "replaced": replaced},
        )
    return download(body, "application/pdf", f"incident-{incident.pk}-ouders-{pupil.pk}.pdf")
