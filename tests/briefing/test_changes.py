"""Pure rules of the briefing's comparisons: 环比 is the months just before, 同比 the same months a year earlier;
rates move in percentage points, counts in percent, and a move is good or bad by the figure."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.briefing.changes import Month, Period, change


def test_a_period_compares_with_the_months_before_and_the_same_months_last_year():
    jan_to_nov = Period(Month(2026, 1), Month(2026, 11))
    assert jan_to_nov.months == 11
    assert jan_to_nov.previous() == Period(Month(2025, 2), Month(2025, 12))
    assert jan_to_nov.last_year() == Period(Month(2025, 1), Month(2025, 11))
    november = Period(Month(2026, 11), Month(2026, 11))
    assert november.previous() == Period(Month(2026, 10), Month(2026, 10))
    january = Period(Month(2027, 1), Month(2027, 1))
    assert january.previous() == Period(Month(2026, 12), Month(2026, 12))
    assert str(january.first) == "2027-01"


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        Period(Month(2026, 5), Month(2026, 4))


@given(st.integers(2000, 2100), st.integers(1, 12), st.integers(1, 36))
def test_the_previous_period_ends_the_month_before_and_is_as_long(year, month, length):
    period = Period(Month(year, month), Month(year, month).plus(length - 1))
    before = period.previous()
    assert before.months == period.months == length
    assert before.last.plus(1) == period.first
    assert period.last_year().months == length


def test_a_rate_moves_in_points_and_a_count_in_percent():
    up = change(0.956, 0.935, rate=True, better="up")
    assert up.delta == pytest.approx(0.021) and up.direction == "up" and up.good is True
    more_overdue = change(12, 8, rate=False, better="down")
    assert more_overdue.delta == pytest.approx(0.5) and more_overdue.direction == "up" and more_overdue.good is False
    fewer_overdue = change(4, 8, rate=False, better="down")
    assert fewer_overdue.direction == "down" and fewer_overdue.good is True


def test_nothing_to_compare_with_is_said_so_never_a_false_change():
    assert change(None, 0.9, rate=True, better="up").direction is None
    assert change(0.9, None, rate=True, better="up").delta is None
    from_zero = change(5, 0, rate=False, better="up")
    assert from_zero.delta is None and from_zero.direction == "up" and from_zero.good is True
    same = change(3, 3, rate=False, better="down")
    assert same.direction == "flat" and same.good is None and same.delta == 0.0


def test_a_change_reads_the_chinese_way():
    from ui.briefing.cards import change_text

    assert change_text(change(0.956, 0.935, rate=True, better="up"), rate=True) == "+2.1个百分点"
    assert change_text(change(0.90, 0.935, rate=True, better="up"), rate=True) == "-3.5个百分点"
    assert change_text(change(1500, 1200, rate=False, better="up"), rate=False) == "+25.0%"
    assert change_text(change(5, 0, rate=False, better="up"), rate=False) == "此前为0"
    assert change_text(change(3, 3, rate=False, better="up"), rate=False) == "持平"
    tiny = change(0.9601, 0.9604, rate=True, better="up")  # would read "-0.0个百分点", in red
    assert (tiny.direction, tiny.good, change_text(tiny, rate=True)) == ("flat", None, "持平")
    assert change(0.9601, 0.9610, rate=True, better="up").direction == "down"
    assert change_text(change(None, 3, rate=False, better="up"), rate=False) == "无可比数据"
