"""Pure helpers for incident insights (no Django imports): monthly series, the
early-warning rule and the suppression of small numbers.

The early-warning rule looks at one monthly series — the incidents of one category or one
location, for one school or one board — and asks whether the latest complete month rises
clearly above the series' own past. :data:`RULE_TEXT` explains it in Dutch for the page;
:func:`early_warning` is the rule itself, :func:`month_series` builds the series.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar


def gettext_noop(message: str) -> str:
    """Marks a Dutch source string for ``makemessages``; pages translate it."""
    return message


# The rule's parameters (RULE_TEXT spells them out; change both together).
MIN_COUNT = 3  # the latest month has at least this many incidents
BASELINE_MONTHS = 12  # compared with (at most) this many months before it
MIN_HISTORY = 6  # and at least this many months of history are needed
SIGMAS = 2.0  # "clearly above": more than this many spreads above the mean

RULE_TEXT = gettext_noop(
    "Vangnet geeft een vroeg signaal als een soort incident of een plek in de laatste "
    "volledige maand duidelijk vaker voorkomt dan gewoonlijk. We vergelijken die maand met "
    "de twaalf maanden ervoor, van dezelfde school of hetzelfde bestuur. Het signaal gaat "
    "af als aan drie voorwaarden tegelijk is voldaan: er waren die maand minstens 3 "
    "incidenten; het aantal ligt meer dan twee keer de gewone spreiding boven het "
    "gemiddelde van de twaalf maanden ervoor (als spreiding nemen we de standaardafwijking, "
    "maar nooit minder dan de wortel uit het gemiddelde, omdat kleine aantallen van nature "
    "schommelen); en het is meer dan in dezelfde maand een jaar eerder, zodat een drukte "
    "die elk jaar terugkomt (zoals in september) geen alarm geeft. Zijn er nog geen zes "
    "maanden aan gegevens, dan geven we geen signaal. Een signaal is een reden om te kijken "
    "wat er speelt, geen oordeel."
)

# Reasons, in the order the rule checks them.
TOO_FEW_MONTHS = "too_few_months"
TOO_FEW_INCIDENTS = "too_few_incidents"
WITHIN_BASELINE = "within_baseline"
NOT_ABOVE_LAST_YEAR = "not_above_last_year"
RISE = "rise"


@dataclass(frozen=True)
class Signal:
    """The rule applied to one series: whether it warns, and the figures behind it."""

    raised: bool
    reason: str
    latest: int
    months: int  # months of history the baseline was computed over
    mean: float
    spread: float  # max(standard deviation, sqrt(mean))
    threshold: float  # the latest month must be above this (mean + SIGMAS * spread)
    same_month_last_year: int | None


def early_warning(series: Sequence[int]) -> Signal:
    """Apply the rule to a monthly series, oldest first, whose last element is the latest
    complete month. Only the :data:`BASELINE_MONTHS` months before it count as history."""
    if not series:
        return Signal(False, TOO_FEW_MONTHS, 0, 0, 0.0, 0.0, 0.0, None)
    latest = int(series[-1])
    history = [int(n) for n in series[:-1][-BASELINE_MONTHS:]]
    months = len(history)
    mean = sum(history) / months if months else 0.0
    sd = math.sqrt(sum((n - mean) ** 2 for n in history) / months) if months else 0.0
    spread = max(sd, math.sqrt(mean))
    threshold = mean + SIGMAS * spread
    last_year = history[0] if months == BASELINE_MONTHS else None

    def signal(raised: bool, reason: str) -> Signal:
        return Signal(raised, reason, latest, months, mean, spread, threshold, last_year)

    if months < MIN_HISTORY:
        return signal(False, TOO_FEW_MONTHS)
    if latest < MIN_COUNT:
        return signal(False, TOO_FEW_INCIDENTS)
    if latest <= threshold:
        return signal(False, WITHIN_BASELINE)
    if last_year is not None and latest <= last_year:
        return signal(False, NOT_ABOVE_LAST_YEAR)
    return signal(True, RISE)


# --- months -------------------------------------------------------------------------------


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def add_months(key: str, n: int) -> str:
    year, month = (int(part) for part in key.split("-"))
    index = year * 12 + (month - 1) + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """The month keys from ``first`` to ``last``, both included (empty if first > last)."""
    out: list[str] = []
    key = first
    while key <= last:
        out.append(key)
        key = add_months(key, 1)
    return out


def last_complete_month(today: dt.date) -> str:
    return add_months(month_key(today), -1)


def month_series(counts: Mapping[str, int], first: str, last: str) -> list[int]:
    """Counts per month key as a gap-free series from ``first`` to ``last`` (zeros filled)."""
    return [counts.get(key, 0) for key in months_between(first, last)]


_K = TypeVar("_K")


def warnings_for(
    series_by_key: Mapping[_K, Mapping[str, int]], first: str, last: str
) -> list[tuple[_K, Signal]]:
    """The rule per key (a category, a location) over months ``first``..``last``; only the
    keys that warn, the strongest rise (latest month relative to its threshold) first."""
    out = []
    for key, counts in series_by_key.items():
        signal = early_warning(month_series(counts, first, last))
        if signal.raised:
            out.append((key, signal))
    out.sort(key=lambda item: -(item[1].latest - item[1].threshold))
    return out


# --- small numbers ------------------------------------------------------------------------

SMALL_NUMBER = 5


def suppress_small(
    rows: Iterable[tuple[_K, int]], threshold: int = SMALL_NUMBER
) -> list[tuple[_K, int | None]]:
    """Rows of (key, count) with every count from 1 to ``threshold - 1`` replaced by None,
    for pages that show figures next to something that could identify a pupil ("fewer than
    5"). Zero stays zero: an empty cell tells nothing about anyone."""
    return [(key, None if 0 < count < threshold else count) for key, count in rows]
