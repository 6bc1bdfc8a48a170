"""The board page "Vakanties en termijnen": closed periods per school year and the
measure terms per sector.

Like the incident lists, the page belongs to the board's administrator
(:func:`access.can_manage_board`): others who know the board get 403, outsiders 404. One
URL takes three posts, told apart by ``action``: ``add`` a holiday, ``remove`` one,
``rules`` for a sector's terms. Only SO, VO and MBO terms can be changed; PO and higher
education show theirs read-only (see :mod:`vangnet.lib.measure_rules`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from vangnet.core import access
from vangnet.core.audit import Actor
from vangnet.core.http import AuthedRequest
from vangnet.core.models import SubmissionToken
from vangnet.core.submissions import VERSION_CONFLICT, ConflictError, OnceFormMixin, run_once
from vangnet.lib.dates import school_year_bounds, school_year_of
from vangnet.lib.measure_rules import (
    DAYS,
    FIELD_INFO,
    MONTHS,
    OVERRIDABLE,
    SCHOOL_DAYS,
    WEEKS,
    YEARS,
    InvalidOverrides,
    MeasureRules,
    check_overrides,
)
from vangnet.lib.schooldays import MIN_YEAR, SATURDAY, SchoolCalendar, public_holidays
from vangnet.organisations.calendar import board_rules
from vangnet.organisations.calendar_actions import (
    DuplicateHoliday,
    do_add_holiday,
    do_remove_holiday,
    do_set_measure_rules,
    duplicate_of,
)
from vangnet.organisations.models import (
    Board,
    MeasureRuleOverride,
    School,
    SchoolHoliday,
    Sector,
)

MAX_NAME = 100
MAX_DAYS = 92  # a closed period longer than three months is a typing error
YEARS_AHEAD = 5
DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
DUPLICATE = gettext_lazy("Deze vakantie staat er al, met dezelfde naam en dezelfde data.")
ALREADY_SENT = gettext_lazy("Dit formulier was al verstuurd; het is één keer opgeslagen.")


def amount(unit: str, n: int) -> str:
    """A term with its unit: "1 schooldag", "5 schooldagen", "12 jaar"."""
    words = {
        SCHOOL_DAYS: ngettext("%(n)d schooldag", "%(n)d schooldagen", n),
        DAYS: ngettext("%(n)d dag", "%(n)d dagen", n),
        WEEKS: ngettext("%(n)d week", "%(n)d weken", n),
        MONTHS: ngettext("%(n)d maand", "%(n)d maanden", n),
        YEARS: ngettext("%(n)d jaar", "%(n)d jaar", n),
    }
    return words[unit] % {"n": n}


def unit_name(unit: str) -> str:
    """The unit on its own, for a form label."""
    return {
        SCHOOL_DAYS: _("schooldagen"),
        DAYS: _("dagen"),
        WEEKS: _("weken"),
        MONTHS: _("maanden"),
        YEARS: _("jaar"),
    }[unit]


def date_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """Dates a holiday may have: from the start of last school year to the end of the
    school year five years ahead."""
    start = int(school_year_of(today)[:4])
    first, _last = school_year_bounds(f"{start - 1}-{start}")
    _first, last = school_year_bounds(f"{start + YEARS_AHEAD}-{start + YEARS_AHEAD + 1}")
    return first, last


class SchoolChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class HolidayForm(OnceFormMixin):
    name = forms.CharField(
        label=gettext_lazy("Naam"),
        max_length=MAX_NAME,
        help_text=gettext_lazy("Bijvoorbeeld Herfstvakantie, Kerstvakantie of Studiedag."),
        error_messages={
            "required": gettext_lazy("Vul een naam in."),
            "max_length": gettext_lazy("De naam is te lang (hoogstens %(limit_value)d tekens)."),
        },
    )
    first_day = forms.DateField(
        label=gettext_lazy("Eerste vrije dag"),
        widget=DATE_WIDGET,
        error_messages={
            "required": gettext_lazy("Vul de eerste vrije dag in."),
            "invalid": gettext_lazy("Vul een geldige datum in."),
        },
    )
    last_day = forms.DateField(
        label=gettext_lazy("Laatste vrije dag"),
        widget=DATE_WIDGET,
        help_text=gettext_lazy("Voor één vrije dag: dezelfde datum als de eerste dag."),
        error_messages={
            "required": gettext_lazy("Vul de laatste vrije dag in."),
            "invalid": gettext_lazy("Vul een geldige datum in."),
        },
    )
    school = SchoolChoice(
        label=gettext_lazy("Voor welke school?"),
        queryset=School.objects.none(),
        required=False,
        empty_label=gettext_lazy("Alle scholen van het bestuur"),
        error_messages={"invalid_choice": gettext_lazy("Kies een school van dit bestuur.")},
    )

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.board = board
        school = self.fields["school"]
        assert isinstance(school, forms.ModelChoiceField)
        school.queryset = School.objects.filter(board=board).order_by("name")

    def clean_name(self) -> str:
        name = " ".join(str(self.cleaned_data["name"]).split())
        if not name:
            raise ValidationError(_("Vul een naam in."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        if first is None or last is None:
            return data
        low, high = date_window(timezone.localdate())
        for field, day in (("first_day", first), ("last_day", last)):
            if not low <= day <= high:
                self.add_error(
                    field,
                    _("Kies een datum van %(low)s tot en met %(high)s.")
                    % {"low": formats.date_format(low), "high": formats.date_format(high)},
                )
        if last < first:
            self.add_error("last_day", _("De laatste vrije dag ligt vóór de eerste vrije dag."))
        elif (last - first).days + 1 > MAX_DAYS:
            self.add_error(
                "last_day",
                _("Een vrije periode duurt hoogstens %(days)d dagen; splits een langere periode.")
                % {"days": MAX_DAYS},
            )
        if not self.errors and duplicate_of(
            self.board, data.get("school"), data["name"], first, last
        ):
            raise ValidationError(DUPLICATE)
        return data


class RemoveForm(OnceFormMixin):
    holiday = forms.IntegerField(widget=forms.HiddenInput)


class RulesForm(OnceFormMixin):
    """The configurable terms of one sector; the bounds come from the rules module."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, rules: MeasureRules, version: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rules = rules
        if not self.is_bound:
            self.initial["version"] = version
        for name, bound in OVERRIDABLE.items():
            label, unit = FIELD_INFO[name]
            range_message = _(bound.message)
            self.fields[name] = forms.IntegerField(
                label=_(label),
                help_text=unit_name(unit),
                min_value=bound.low,
                max_value=bound.high,
                initial=getattr(rules, name),
                widget=forms.NumberInput(attrs={"class": "narrow"}),
                error_messages={
                    "required": _("Vul een getal in."),
                    "invalid": _("Vul een heel getal in."),
                    "min_value": range_message,
                    "max_value": range_message,
                },
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = self.values()
        for name, message in check_overrides(self.rules, values).items():
            if name in values and name not in self.errors:
                self.add_error(name, _(message))
        return data

    def values(self) -> dict[str, Any]:
        return {
            n: self.cleaned_data[n] for n in OVERRIDABLE if self.cleaned_data.get(n) is not None
        }

    def term_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in OVERRIDABLE]


# --- the page -----------------------------------------------------------------------------


def _sectors(board: Board) -> list[str]:
    used = {board.sector, *School.objects.filter(board=board).values_list("sector", flat=True)}
    return [s for s in Sector.values if s in used]


def _rule_rows(rules: MeasureRules) -> list[dict[str, str]]:
    rows = []
    for name in rules.applicable():
        label, unit = FIELD_INFO[name]
        value = getattr(rules, name)
        shown = (_("ja") if value else _("nee")) if isinstance(value, bool) else amount(unit, value)
        rows.append(
            {"name": name, "label": _(label), "value": shown, "basis": _(rules.basis_for(name))}
        )
    return rows


def _versions(board: Board) -> dict[str, int]:
    return dict(MeasureRuleOverride.objects.filter(board=board).values_list("sector", "version"))


def _year_sections(board: Board, today: dt.date) -> list[dict[str, Any]]:
    holidays = list(
        SchoolHoliday.objects.filter(board=board)
        .select_related("school")
        .order_by("first_day", "name", "pk")
    )
    current = int(school_year_of(today)[:4])
    years = {f"{current}-{current + 1}", f"{current + 1}-{current + 2}"}
    years |= {school_year_of(h.first_day) for h in holidays}
    plain = SchoolCalendar()  # weekends and public holidays only
    sections = []
    for year in sorted(years):
        first, last = school_year_bounds(year)
        rows = [
            {
                "holiday": h,
                "school_days": plain.school_days_between(h.first_day, h.last_day),
                "remove": RemoveForm(initial={"holiday": h.pk}, auto_id=False),
            }
            for h in holidays
            if school_year_of(h.first_day) == year
        ]
        public = [
            {"day": holiday.day, "name": _(holiday.name)}
            for calendar_year in (first.year, last.year)
            if calendar_year >= MIN_YEAR
            for holiday in public_holidays(calendar_year)
            if first <= holiday.day <= last and holiday.day.weekday() < SATURDAY
        ]
        sections.append({"year": year, "rows": rows, "public": public, "past": last < today})
    return sections


@login_required
@require_http_methods(["GET", "POST"])
def board_calendar(request: AuthedRequest, board_id: int) -> HttpResponse:
    user = request.user
    board = access.access_board(user, board_id, for_write=True)
    if not access.can_manage_board(user, board):  # the rule of the incident lists page
        raise PermissionDenied
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        # A repeated submit is answered before the forms are built from the changed rows.
        prefix = str(request.POST.get("sector", "")).lower()
        token = request.POST.get("submission_token") or request.POST.get(
            f"{prefix}-submission_token", ""
        )
        earlier = SubmissionToken.objects.filter(user=user, token=str(token)[:64]).first()
        if earlier is not None and earlier.result_url:
            messages.info(request, ALREADY_SENT)
            return HttpResponseRedirect(earlier.result_url)
    add_form = HolidayForm(request.POST if action == "add" else None, board=board)
    rules_forms: dict[str, RulesForm] = {}
    conflict = ""
    if action == "add" and add_form.is_valid():
        token = add_form.cleaned_data["submission_token"]
        try:
            url, _created = run_once(user, token, lambda: _add(request, board, add_form))
        except DuplicateHoliday:
            add_form.add_error(None, DUPLICATE)
        else:
            return HttpResponseRedirect(url)
    elif action == "remove":
        return _remove(request, board)
    elif action == "rules":
        outcome = _save_rules(request, board, str(request.POST.get("sector", "")))
        if isinstance(outcome, HttpResponse):
            return outcome
        if isinstance(outcome, RulesForm):
            rules_forms[outcome.rules.sector] = outcome
        else:
            conflict = str(outcome)
    today = timezone.localdate()
    versions = _versions(board)
    sectors = []
    for sector in _sectors(board):
        rules = board_rules(board.pk, sector)
        form = None
        if rules.configurable:
            form = rules_forms.get(sector) or RulesForm(
                rules=rules, version=versions.get(sector, 0), prefix=sector.lower()
            )
        sectors.append(
            {
                "code": sector,
                "label": Sector(sector).label,
                "rules": rules,
                "rows": _rule_rows(rules),
                "form": form,
            }
        )
    low, high = date_window(today)
    return render(
        request,
        "organisations/board_calendar.html",
        {
            "board": board,
            "years": _year_sections(board, today),
            "add_form": add_form,
            "sectors": sectors,
            "conflict": conflict,
            "window": (low, high),
        },
    )


def _page(board: Board) -> str:
    return reverse("board_calendar", args=[board.pk])


def _add(request: AuthedRequest, board: Board, form: HolidayForm) -> str:
    data = form.cleaned_data
    holiday = do_add_holiday(
        board,
        name=data["name"],
        first_day=data["first_day"],
        last_day=data["last_day"],
        school=data.get("school"),
        actor=Actor.from_request(request),
    )
    messages.success(request, _("‘%(name)s’ is toegevoegd.") % {"name": holiday.name})
    return _page(board)


def _remove(request: AuthedRequest, board: Board) -> HttpResponse:
    form = RemoveForm(request.POST)
    if not form.is_valid():
        raise Http404
    holiday = SchoolHoliday.objects.filter(board=board, pk=form.cleaned_data["holiday"]).first()
    if holiday is None:  # another board's, or gone: nothing to reveal
        raise Http404

    def remove() -> str:
        do_remove_holiday(holiday, actor=Actor.from_request(request))
        messages.success(request, _("‘%(name)s’ is verwijderd.") % {"name": holiday.name})
        return _page(board)

    url, _created = run_once(request.user, form.cleaned_data["submission_token"], remove)
    return HttpResponseRedirect(url)


def _save_rules(
    request: AuthedRequest, board: Board, sector: str
) -> HttpResponse | RulesForm | str:
    """Save a sector's terms. Returns the redirect, the bound form to show again, or the
    conflict message when somebody saved in between (the page then shows fresh values)."""
    if sector not in _sectors(board):
        raise Http404
    rules = board_rules(board.pk, sector)
    if not rules.configurable:
        raise PermissionDenied
    form = RulesForm(request.POST, rules=rules, version=0, prefix=sector.lower())
    if not form.is_valid():
        return form
    data = form.cleaned_data

    def save() -> str:
        changes = do_set_measure_rules(
            board,
            sector,
            form.values(),
            version=data["version"],
            actor=Actor.from_request(request),
        )
        if changes:
            messages.success(request, _("De termijnen zijn opgeslagen."))
        else:
            messages.info(request, _("Er was niets gewijzigd."))
        return _page(board)

    try:
        url, _created = run_once(request.user, data["submission_token"], save)
    except ConflictError:
        return str(VERSION_CONFLICT)
    except InvalidOverrides as error:  # the form checks the same bounds; kept as a guard
        for name, message in error.messages(_).items():
            form.add_error(name if name in form.fields else None, message)
        return form
    return HttpResponseRedirect(url)
