"""Pure rules of the joint party committee: rotation, meeting dates, progress roll-up, agenda order, carry-over."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.committee import (
    ActionItem,
    AgendaEntry,
    Item,
    add_months,
    agenda,
    behind_schedule,
    carried_over,
    check_action_item,
    check_progress,
    claim_rate,
    next_chair,
    next_meeting_date,
    rolled_up,
)
from domain.errors import ValidationFailed

ORDER = [11, 12, 13, 14]


def test_rotation_follows_the_agreed_order_and_wraps_round():
    assert next_chair(ORDER, None, ORDER) == 11, "nobody has chaired yet: the first in the order"
    assert next_chair(ORDER, 11, ORDER) == 12
    assert next_chair(ORDER, 14, ORDER) == 11, "after the last, the first again"


def test_rotation_skips_units_that_left():
    assert next_chair(ORDER, 11, [11, 13, 14]) == 13
    assert next_chair(ORDER, 12, [11, 13, 14]) == 13, "the last chair itself may have left"
    assert next_chair(ORDER, 14, [12]) == 12
    assert next_chair(ORDER, 11, []) is None


@given(st.lists(st.integers(1, 50), min_size=1, max_size=12, unique=True), st.data())
def test_a_full_round_gives_every_member_the_chair_once(order, data):
    members = data.draw(st.sets(st.sampled_from(order), min_size=1))
    chair, chairs = None, []
    for _ in range(len(members)):
        chair = next_chair(order, chair, members)
        chairs.append(chair)
    assert sorted(chairs) == sorted(members)


def test_meetings_every_two_months_never_proposed_in_the_past():
    assert next_meeting_date(date(2026, 9, 15), 2, date(2026, 10, 1)) == date(2026, 11, 15)
    assert next_meeting_date(date(2026, 12, 31), 2, date(2027, 1, 5)) == date(2027, 2, 28)
    assert next_meeting_date(date(2026, 1, 10), 2, date(2026, 11, 21)) == date(2026, 11, 21), "overdue: today"
    assert next_meeting_date(None, 2, date(2026, 11, 21)) == date(2026, 11, 21)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_progress_rolls_up_weighted_by_target_and_counts_what_is_done():
    items = [Item(target=10, done=10), Item(target=30, done=15), Item(target=60, done=0)]
    assert rolled_up(items) == pytest.approx((10 + 15 + 0) / 100)
    assert items[0].complete and not items[1].complete
    assert rolled_up([Item(target=4, done=9)]) == 1.0, "more than the target counts as the target"
    assert rolled_up([]) is None and rolled_up([Item(target=0, done=0)]) is None
    assert claim_rate(45, 36) == 0.8 and claim_rate(0, 0) is None


def test_progress_outside_zero_to_target_is_refused():
    check_progress(0, 12)
    check_progress(12, 12)
    for done, key in ((-1, "error.progress_negative"), (13, "error.progress_above_target")):
        with pytest.raises(ValidationFailed) as err:
            check_progress(done, 12)
        assert err.value.errors["done"][0] == key


def test_behind_schedule_compares_progress_with_time_elapsed():
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    assert behind_schedule(0.3, start, end, date(2026, 9, 1))
    assert not behind_schedule(0.6, start, end, date(2026, 9, 1))
    assert not behind_schedule(0.0, start, end, date(2025, 12, 1)), "not started yet"
    assert behind_schedule(0.95, start, end, date(2027, 2, 1)), "past its end and not complete"


def test_agenda_puts_late_items_first_then_stale_ones_then_the_rest():
    last = date(2026, 9, 15)
    entries = [AgendaEntry(1, False, date(2026, 10, 1)), AgendaEntry(2, False, date(2026, 8, 1)),
               AgendaEntry(3, True, date(2026, 10, 5)), AgendaEntry(4, False, None),
               AgendaEntry(5, True, date(2026, 7, 1)), AgendaEntry(6, False, date(2026, 9, 15))]
    assert [e.claim_id for e in agenda(entries, last)] == [5, 3, 4, 2, 6, 1]
    assert [e.claim_id for e in agenda(entries[:2], None)] == [2, 1], "no meeting yet: oldest update first"


def test_unfinished_action_items_carry_over_most_overdue_first():
    items = [ActionItem(1, "路桥公司", date(2026, 10, 1), done=True), ActionItem(2, "技工学校", date(2026, 11, 1)),
             ActionItem(3, "社区", None), ActionItem(4, "物业", date(2026, 9, 1))]
    assert [i.id for i in carried_over(items)] == [4, 2, 3]


def test_an_action_item_needs_an_owner_and_a_due_date_after_the_meeting():
    check_action_item("路桥公司", date(2026, 12, 1), date(2026, 11, 21))
    with pytest.raises(ValidationFailed) as err:
        check_action_item(" ", date(2026, 11, 1), date(2026, 11, 21))
    assert set(err.value.errors) == {"owner", "due"}
