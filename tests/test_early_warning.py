"""The early-warning rule (vangnet.lib.insights) on constructed monthly series."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vangnet.lib import insights as rules
from vangnet.lib.insights import early_warning

FLAT = [4] * 12
# a school year's rhythm: busy in September, January and March, quiet in the summer
SEASON = [2, 6, 3, 2, 1, 1, 0, 0, 8, 4, 3, 2]  # Jan..Dec


CASES = [
    # (name, series (oldest first, last = latest complete month), raised, reason)
    ("flat, same again", [*FLAT, 4], False, rules.WITHIN_BASELINE),
    ("flat, a little more", [*FLAT, 7], False, rules.WITHIN_BASELINE),
    # mean 4, spread max(0, 2) = 2, threshold 8: 8 is not above it, 9 is
    ("flat, at the threshold", [*FLAT, 8], False, rules.WITHIN_BASELINE),
    ("flat, a spike", [*FLAT, 9], True, rules.RISE),
    ("all zero, then three", [0] * 12 + [3], True, rules.RISE),
    ("all zero, then two (small numbers)", [0] * 12 + [2], False, rules.TOO_FEW_INCIDENTS),
    ("mostly zero, then two", [0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2], False, "too_few_incidents"),
    ("one a month, then three", [1] * 12 + [3], False, rules.WITHIN_BASELINE),
    ("one a month, then four", [1] * 12 + [4], True, rules.RISE),
    # the September peak comes back each year: it clears the spread of the year before,
    # but is no higher than last September, so no alarm ...
    ("seasonal, normal September", [*SEASON, *SEASON[:8], 8], False, "not_above_last_year"),
    # ... the same with one busy month a year
    (
        "peak as high as last year",
        [9, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9],
        False,
        "not_above_last_year",
    ),
    ("peak above last year", [9, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 10], True, rules.RISE),
    # a spike in a quiet month of a seasonal series
    ("seasonal, spike in July", [*SEASON, *SEASON[:6], 12], True, rules.RISE),
    ("too few months", [0, 0, 0, 0, 12], False, rules.TOO_FEW_MONTHS),
    ("five months of history", [1, 1, 1, 1, 1, 12], False, rules.TOO_FEW_MONTHS),
    ("six months of history", [1, 1, 1, 1, 1, 1, 12], True, rules.RISE),
    ("empty", [], False, rules.TOO_FEW_MONTHS),
    # only the twelve months before the latest count: an old busy year is forgotten
    ("old history ignored", [30] * 12 + FLAT + [9], True, rules.RISE),
]


@pytest.mark.parametrize(("name", "series", "raised", "reason"), CASES, ids=[c[0] for c in CASES])
def test_rule(name, series, raised, reason):
    signal = early_warning(series)
    assert (signal.raised, signal.reason) == (raised, reason)


def test_figures_of_a_flat_series():
    signal = early_warning([*FLAT, 9])
    assert signal.months == 12 and signal.latest == 9
    assert signal.mean == 4 and signal.spread == 2 and signal.threshold == 8
    assert signal.same_month_last_year == 4


def test_spread_is_standard_deviation_when_larger_than_sqrt_mean():
    history = [0, 10] * 6  # mean 5, sd 5 > sqrt(5)
    signal = early_warning([*history, 14])
    assert signal.spread == pytest.approx(5) and signal.threshold == pytest.approx(15)
    assert not signal.raised


def test_same_month_last_year_needs_a_full_year():
    assert early_warning([1] * 8 + [9]).same_month_last_year is None
    assert early_warning([1] * 8 + [9]).raised


def test_rule_text_names_the_parameters():
    text = rules.RULE_TEXT
    assert "twaalf maanden" in text and "minstens 3" in text and "twee keer" in text
    assert "zes" in text and "dezelfde maand" in text
    assert (rules.MIN_COUNT, rules.BASELINE_MONTHS, rules.MIN_HISTORY, rules.SIGMAS) == (
        3,
        12,
        6,
        2.0,
    )


@given(series=st.lists(st.integers(0, 60), min_size=1, max_size=30))
def test_raised_exactly_when_all_three_conditions_hold(series):
    signal = early_warning(series)
    history = series[:-1][-12:]
    latest = series[-1]
    if len(history) < 6:
        assert not signal.raised
        return
    mean = sum(history) / len(history)
    sd = math.sqrt(sum((n - mean) ** 2 for n in history) / len(history))
    above = latest > mean + 2 * max(sd, math.sqrt(mean))
    above_last_year = len(history) < 12 or latest > history[0]
    assert signal.raised == (latest >= 3 and above and above_last_year)


@given(series=st.lists(st.integers(0, 60), min_size=7, max_size=30), more=st.integers(1, 20))
def test_more_in_the_latest_month_never_takes_a_signal_away(series, more):
    if early_warning(series).raised:
        assert early_warning([*series[:-1], series[-1] + more]).raised


# --- months and small numbers --------------------------------------------------------------


def test_month_helpers():
    assert rules.month_key(dt.date(2024, 9, 30)) == "2024-09"
    assert rules.add_months("2024-11", 3) == "2025-02"
    assert rules.add_months("2024-01", -1) == "2023-12"
    assert rules.months_between("2024-11", "2025-02") == [
        "2024-11",
        "2024-12",
        "2025-01",
        "2025-02",
    ]
    assert rules.months_between("2025-02", "2024-11") == []
    assert rules.last_complete_month(dt.date(2025, 1, 15)) == "2024-12"
    counts = {"2024-11": 2, "2025-01": 5}
    assert rules.month_series(counts, "2024-10", "2025-01") == [0, 2, 0, 5]


def test_warnings_for_keeps_the_warning_keys_strongest_first():
    months = rules.months_between("2024-01", "2025-01")
    quiet = {m: 1 for m in months}
    spike = {**quiet, "2025-01": 6}
    big = {**quiet, "2025-01": 20}
    result = rules.warnings_for(
        {"theft": quiet, "bullying": spike, "sexual": big}, "2024-01", "2025-01"
    )
    assert [key for key, _signal in result] == ["sexual", "bullying"]


def test_suppress_small():
    rows = [("a", 0), ("b", 1), ("c", 4), ("d", 5), ("e", 12)]
    assert rules.suppress_small(rows) == [("a", 0), ("b", None), ("c", None), ("d", 5), ("e", 12)]
    assert rules.suppress_small(rows, threshold=2) == [
        ("a", 0),
        ("b", None),
        ("c", 4),
        ("d", 5),
        ("e", 12),
    ]
