"""Pure rules of the committee's meetings (domain.committee.meetings): forms, the generated agenda, numbers,
attendance."""

from __future__ import annotations

from datetime import date

import pytest

from domain.committee.meetings import (
    ClaimFacts,
    active_on,
    attendance_summary,
    clean_attendance,
    clean_meeting,
    clean_outcome,
    meeting_agenda,
    numbered,
)
from domain.committee.rules import ActionItem
from domain.errors import ValidationFailed

TODAY = date(2026, 11, 20)
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def test_a_unit_counts_from_joining_until_it_leaves():
    assert active_on(date(2025, 1, 1), None, TODAY)
    assert active_on(TODAY, None, TODAY), "from the day it joins"
    assert not active_on(date(2026, 12, 1), None, TODAY), "not yet joined"
    assert not active_on(date(2025, 1, 1), TODAY, TODAY), "not on the day it leaves"
    assert active_on(date(2025, 1, 1), date(2026, 11, 21), TODAY)


def test_the_meeting_form():
    data = {"kind": "progress", "day": TODAY, "place": " 党群服务中心 ", "chair_unit_id": 3}
    assert clean_meeting(data, today=TODAY, chair_ok=True) == {"kind": "progress", "day": TODAY,
                                                               "place": "党群服务中心", "chair_unit_id": 3}
    assert clean_meeting(data | {"day": "2026-12-01", "place": ""}, today=TODAY, chair_ok=True)["day"] == \
        date(2026, 12, 1)
    with pytest.raises(ValidationFailed) as err:
        clean_meeting(data | {"day": date(2026, 11, 19)}, today=TODAY, chair_ok=False)
    assert err.value.errors == {"day": ("meeting_error.day_in_past", {"today": "2026-11-20"}),
                                "chair_unit_id": ("meeting_error.chair_not_representative", {})}
    with pytest.raises(ValidationFailed) as err:
        clean_meeting({"kind": "progress", "place": "x" * 101}, today=TODAY, chair_ok=None)
    assert {k: v[0] for k, v in err.value.errors.items()} == {"day": "error.required", "place": "error.too_long",
                                                              "chair_unit_id": "error.required"}
    annual = clean_meeting({"kind": "annual", "day": TODAY}, today=TODAY, chair_ok=None)
    assert annual["chair_unit_id"] is None, "the annual meeting may have no rotating chair"


def test_the_outcome_form():
    day = TODAY
    decision = clean_outcome({"kind": "decision", "text": " 定了 ", "owner": "x", "due": TODAY}, meeting_day=day,
                             owner_unit_ok=None)
    assert decision == {"kind": "decision", "text": "定了", "owner": None, "owner_unit_id": None, "due": None}
    action = clean_outcome({"kind": "action", "text": "修缮", "owner": "王工", "owner_unit_id": 4, "due": TODAY},
                           meeting_day=day, owner_unit_ok=True)
    assert (action["owner"], action["owner_unit_id"], action["due"]) == ("王工", 4, TODAY)
    with pytest.raises(ValidationFailed) as err:
        clean_outcome({"kind": "action", "text": "", "owner": "", "owner_unit_id": 9, "due": date(2026, 11, 1)},
                      meeting_day=day, owner_unit_ok=False)
    assert {k: v[0] for k, v in err.value.errors.items()} == {
        "text": "error.required", "owner": "error.required", "due": "error.due_before_meeting",
        "owner_unit_id": "meeting_error.unknown_unit"}
    with pytest.raises(ValidationFailed) as err:
        clean_outcome({"kind": "vote", "text": "x"}, meeting_day=day, owner_unit_ok=None)
    assert err.value.errors["kind"][0] == "error.unknown_choice"


def test_the_attendance_form():
    rows = clean_attendance([{"unit_id": 1, "present": 1, "attendee": " 张伟 "}, {"unit_id": 2}], [1, 2, 3])
    assert rows == [{"unit_id": 1, "present": True, "attendee": "张伟"},
                    {"unit_id": 2, "present": False, "attendee": None}]
    for bad in ([{"unit_id": 7, "present": True}], [{"unit_id": 1, "present": True, "attendee": "x" * 61}]):
        with pytest.raises(ValidationFailed) as err:
            clean_attendance(bad, [1, 2, 3])
        assert set(err.value.errors) == {"attendance"}


def claim(claim_id, done, last, *, pledge=100.0, item_done=None, target=100.0, period=YEAR) -> ClaimFacts:
    return ClaimFacts(claim_id, done, pledge, done if item_done is None else item_done, target, period[0], period[1],
                      last)


def test_the_agenda_puts_carried_items_first_then_behind_stale_and_the_rest():
    last_meeting = date(2026, 9, 20)
    carried = [ActionItem(101, "王工", date(2026, 12, 1)), ActionItem(102, "李工", date(2026, 10, 1)),
               ActionItem(103, "社区", None), ActionItem(104, "物业", date(2026, 9, 1), done=True)]
    claims = [claim(1, 30, date(2026, 10, 10)),            # behind (30% done, 88% of the year gone)
              claim(2, 95, date(2026, 9, 1)),              # on time, no update since the last meeting
              claim(3, 90, date(2026, 11, 1)),             # on time, updated
              claim(4, 0, None, period=(date(2026, 12, 1), date(2026, 12, 31))),  # not started, never updated
              claim(5, 100, date(2026, 3, 1)),             # complete: last of the rest
              claim(6, 5, date(2026, 6, 1)),               # behind, longer without an update
              claim(7, 10, date(2026, 11, 10), item_done=100)]  # shared item complete through other units
    result = meeting_agenda(carried, claims, today=TODAY, last_meeting=last_meeting, tolerance=0.1)
    assert result == [("carried", "action", 102), ("carried", "action", 101), ("carried", "action", 103),
                      ("behind", "claim", 6), ("behind", "claim", 1),
                      ("stale", "claim", 4), ("stale", "claim", 2),
                      ("rest", "claim", 3), ("rest", "claim", 5), ("rest", "claim", 7)]


def test_the_agenda_without_an_earlier_meeting_has_no_stale_section_but_for_claims_never_updated():
    claims = [claim(1, 95, date(2026, 9, 1)), claim(2, 95, None)]
    assert meeting_agenda([], claims, today=TODAY, last_meeting=None, tolerance=0.1) == [
        ("stale", "claim", 2), ("rest", "claim", 1)]


def test_the_tolerance_decides_what_is_behind():
    claims = [claim(1, 80, date(2026, 11, 1))]  # 88% of the year gone
    assert meeting_agenda([], claims, today=TODAY, last_meeting=None, tolerance=0.1)[0][0] == "rest"
    assert meeting_agenda([], claims, today=TODAY, last_meeting=None, tolerance=0.0)[0][0] == "behind"


def test_progress_meetings_are_numbered_within_their_year():
    rows = [(5, "progress", date(2026, 3, 1)), (2, "progress", date(2026, 1, 20)), (9, "annual", date(2026, 2, 1)),
            (7, "progress", date(2025, 11, 20)), (8, "progress", date(2026, 3, 1))]
    assert numbered(rows) == {7: 1, 2: 1, 5: 2, 8: 3}


def test_attendance_summary():
    rows = [("路桥公司", True, "张伟"), ("技工学校", False, None), ("物业", True, None)]
    assert attendance_summary(rows) == (["路桥公司（张伟）", "物业"], ["技工学校"])
    assert attendance_summary(rows, "{unit} ({attendee})")[0] == ["路桥公司 (张伟)", "物业"]
