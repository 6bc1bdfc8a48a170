"""The dossier's rows, read as plain values and prepared in Python: the template only prints
strings. Model instances, prefetches and template filters cost about 1 ms an entry; a pupil
can have hundreds of entries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vangnet.concerns.models import Concern, Statement
from vangnet.lib.statements import ACCOUNT


@dataclass(frozen=True)
class Row:
    pk: int
    url: str
    school_year: str
    kind: str
    when: str
    author: str
    location: str
    is_working_note: bool
    handed_over: bool
    first_kind: str
    first_text: str
    withheld: bool
    settles: str
    settled_by: tuple[str, ...]


def _day(value: Any) -> str:
    return date_format(timezone.localtime(value), "j M Y")


def _short(text: str) -> str:
    return text if len(text) <= 220 else text[:217] + "…"


def rows(qs: QuerySet[Concern], *, offset: int, limit: int) -> list[Row]:
    """``limit`` rows of the (already filtered and access-checked) queryset, newest first."""
    first = Statement.objects.filter(concern=OuterRef("pk")).order_by("position", "id")
    values = list(
        qs.order_by("-occurred_at", "-id")
        .annotate(
            first_kind=Subquery(first.values("kind")[:1]),
            first_text=Subquery(first.values("text")[:1]),
            first_consent=Subquery(first.values("source_consent")[:1]),
        )
        .values(
            "pk",
            "school_year",
            "kind",
            "occurred_at",
            "author__full_name",
            "location",
            "is_working_note",
            "handed_over_at",
            "settles_id",
            "settlement",
            "settles__occurred_at",
            "first_kind",
            "first_text",
            "first_consent",
        )[offset : offset + limit]
    )
    later: dict[int, list[str]] = {}
    settlement = dict(Concern.Settles.choices)
    for row in (
        Concern.objects.filter(settles_id__in=[v["pk"] for v in values])
        .order_by("occurred_at")
        .values("settles_id", "settlement", "occurred_at")
    ):
        later.setdefault(row["settles_id"], []).append(
            _("%(s)s op %(d)s")
            % {"s": settlement.get(row["settlement"], ""), "d": _day(row["occurred_at"])}
        )
    kinds = dict(Concern.Kind.choices)
    statement_kinds = dict(Statement.Kind.choices)
    result = []
    for v in values:
        settles = ""
        if v["settles_id"]:
            settles = _("Eerder verslag van %(d)s: %(s)s") % {
                "d": _day(v["settles__occurred_at"]),
                "s": settlement.get(v["settlement"], ""),
            }
        result.append(
            Row(
                pk=v["pk"],
                url=f"/zorgen/{v['pk']}/",
                school_year=v["school_year"],
                kind=str(kinds.get(v["kind"], v["kind"])),
                when=date_format(timezone.localtime(v["occurred_at"]), "j M Y H:i"),
                author=v["author__full_name"],
                location=v["location"],
                is_working_note=v["is_working_note"],
                handed_over=v["handed_over_at"] is not None,
                first_kind=str(statement_kinds.get(v["first_kind"], "")) if v["first_kind"] else "",
                first_text=_short(v["first_text"] or ""),
                withheld=v["first_kind"] == ACCOUNT and v["first_consent"] is False,
                settles=settles,
                settled_by=tuple(later.get(v["pk"], ())),
            )
        )
    return result
