"""Pure rules of the joint party committee: rotation, meeting dates, progress roll-up, agenda order, carry-over."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.committee.rules import (
    ActionItem,
    AgendaEntry,
    Item,
    Pledge,
    add_months,
    agenda,
    behind_schedule,
    carried_over,
    check_action_item,
    check_claim,
    check_progress,
    claim_rate,
    clean_agreement,
    clean_item,
    clean_need,
    clean_progress,
    clean_project,
    clean_resource,
    clean_rotation,
    clean_unit,
    clean_withdrawal,
    need_title,
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


# --- input rules of the committee's forms ---------------------------------------------------------------------------

TODAY = date(2026, 11, 20)


def refused(call, *args, **kwargs) -> dict[str, str]:
    """The fields a clean_* call refuses, with their message keys."""
    with pytest.raises(ValidationFailed) as err:
        call(*args, **kwargs)
    return {field: key for field, (key, _params) in err.value.errors.items()}


def unit_form(**changes) -> dict:
    return {"community_id": 1, "name": " 路桥公司 ", "kind": "enterprise", "party_org": "路桥公司党支部",
            "liaison": "王强", "liaison_phone": "0477-1234567", "party_members": 23, "volunteer_team": "路桥志愿队",
            "speciality": "道路维修", "representative_id": 7, "joined_on": date(2024, 3, 1), "left_on": None} | changes


def test_a_unit_form_is_cleaned(settings):
    values = clean_unit(unit_form(), settings, today=TODAY, names_taken=["技工学校"], representatives={7, 8},
                        represented=set())
    assert values["name"] == "路桥公司" and values["party_members"] == 23 and values["representative_id"] == 7
    values = clean_unit(unit_form(party_org="", liaison_phone=" ", party_members=None, representative_id=None),
                        settings, today=TODAY, names_taken=[], representatives=set(), represented=set())
    assert values["party_org"] is None and values["liaison_phone"] is None and values["party_members"] == 0


@pytest.mark.parametrize(("changes", "field", "key"), [
    ({"name": "  "}, "name", "error.required"),
    ({"name": "技工学校"}, "name", "committee_error.unit_name_taken"),
    ({"kind": "bank"}, "kind", "error.unknown_choice"),
    ({"liaison_phone": "12345"}, "liaison_phone", "error.bad_phone"),
    ({"party_members": -1}, "party_members", "committee_error.party_members"),
    ({"party_members": 2.5}, "party_members", "committee_error.party_members"),
    ({"joined_on": None}, "joined_on", "error.required"),
    ({"left_on": date(2024, 2, 1)}, "left_on", "committee_error.left_before_joined"),
    ({"representative_id": 9}, "representative_id", "committee_error.not_a_representative"),
    ({"representative_id": 8}, "representative_id", "committee_error.represents_another_unit"),
])
def test_a_bad_unit_form_is_refused_on_its_field(settings, changes, field, key):
    errors = refused(clean_unit, unit_form(**changes), settings, today=TODAY, names_taken=["技工学校"],
                     representatives={7, 8}, represented={8})
    assert errors == {field: key}


def test_a_representative_of_another_unit_may_represent_a_unit_that_left(settings):
    values = clean_unit(unit_form(representative_id=8, left_on=date(2025, 1, 1)), settings, today=TODAY,
                        names_taken=[], representatives={8}, represented={8})
    assert values["representative_id"] == 8
    kept = clean_unit(unit_form(representative_id=9), settings, today=TODAY, names_taken=[], representatives=set(),
                      represented=set(), current_representative=9)
    assert kept["representative_id"] == 9, "a stored representative who lost the role is kept until changed"


def test_the_rotation_holds_distinct_active_units():
    assert clean_rotation([3, 1, 2], {1, 2, 3, 4}) == [3, 1, 2]
    assert clean_rotation([], {1}) == []
    assert refused(clean_rotation, [1, 1], {1}) == {"order": "committee_error.rotation_repeats"}
    assert refused(clean_rotation, [1, 5], {1}) == {"order": "committee_error.rotation_not_member"}


def test_an_agreement_form():
    form = {"unit_id": 1, "year": 2026, "status": "signed", "signed_on": date(2026, 3, 1), "commitments": " 每月一次 "}
    assert clean_agreement(form, today=TODAY)["commitments"] == "每月一次"
    assert refused(clean_agreement, form, today=TODAY, exists=True) == {"year": "committee_error.agreement_exists"}
    assert refused(clean_agreement, form | {"signed_on": None}, today=TODAY) == \
        {"signed_on": "committee_error.signed_on_required"}
    assert refused(clean_agreement, form | {"signed_on": date(2026, 12, 1)}, today=TODAY) == \
        {"signed_on": "committee_error.date_in_future"}
    assert refused(clean_agreement, form | {"status": "lost", "year": 1900}, today=TODAY) == \
        {"status": "error.unknown_choice", "year": "committee_error.bad_year"}
    assert clean_agreement(form | {"status": "draft", "signed_on": None}, today=TODAY)["signed_on"] is None


def test_a_need_a_resource_and_a_project_form(settings):
    need = clean_need({"community_id": 1, "title": "老旧小区加装扶手"}, today=TODAY)
    assert need["source"] == "entered" and need["raised_on"] == TODAY
    assert refused(clean_need, {"community_id": 1, "title": "x", "source": "matter"}, today=TODAY) == \
        {"matter_id": "error.required"}
    assert refused(clean_need, {"community_id": 1, "title": "", "source": "web"}, today=TODAY) == \
        {"title": "error.required", "source": "error.unknown_choice"}
    assert need_title("  电梯\n又停了  ") == "电梯 又停了" and len(need_title("长" * 300)) == 100
    assert clean_resource({"unit_id": 1, "kind": "venue", "title": "会议室"}, settings)["detail"] is None
    assert refused(clean_resource, {"unit_id": 1, "kind": "gold", "title": ""}, settings) == \
        {"kind": "error.unknown_choice", "title": "error.required"}
    assert clean_project({"community_id": 1, "year": 2026, "name": "助老服务"})["need_id"] is None
    assert refused(clean_project, {"community_id": None, "year": "2026", "name": "x"}) == \
        {"community_id": "error.required", "year": "committee_error.bad_year"}


def item_form(**changes) -> dict:
    return {"project_id": 1, "name": "上门理发", "target": 12, "unit": "次", "frequency": "每月一次",
            "period_start": date(2026, 1, 1), "period_end": date(2026, 12, 31), "beneficiaries": "高龄老人"} | changes


def test_an_item_form():
    assert clean_item(item_form())["target"] == 12.0
    assert refused(clean_item, item_form(target=0)) == {"target": "committee_error.target_positive"}
    assert refused(clean_item, item_form(target="many")) == {"target": "committee_error.not_a_number"}
    assert refused(clean_item, item_form(target=float("nan"))) == {"target": "committee_error.not_a_number"}
    assert refused(clean_item, item_form(target=5), done=6) == {"target": "committee_error.target_below_done"}
    assert clean_item(item_form(target=6), done=6)["target"] == 6
    assert refused(clean_item, item_form(period_end=date(2025, 12, 31), name=" ")) == \
        {"period_end": "committee_error.period_end_before_start", "name": "error.required"}


def test_claims_exclusive_and_shared():
    taken = [Pledge(2, "技工学校", 12)]
    assert check_claim(exclusive=True, unit_id=1, unit_active=True, target=12, done=0, active_claims=[]) == 12
    with pytest.raises(ValidationFailed) as err:
        check_claim(exclusive=True, unit_id=1, unit_active=True, target=12, done=0, active_claims=taken)
    assert err.value.errors == {"item_id": ("committee_error.item_taken", {"unit": "技工学校"})}
    cases = [({"unit_active": False}, "unit_id", "committee_error.unit_left"),
             ({"done": 12}, "item_id", "committee_error.item_complete"),
             ({"unit_id": 2}, "item_id", "committee_error.already_claimed")]
    for changes, field, key in cases:
        args = {"exclusive": True, "unit_id": 1, "unit_active": True, "target": 12, "done": 0,
                "active_claims": taken} | changes
        assert refused(check_claim, **args) == {field: key}
    shared = {"exclusive": False, "unit_id": 1, "unit_active": True, "target": 12, "done": 0}
    assert check_claim(**shared, active_claims=[Pledge(2, "技工学校", 5)]) == 7, "what is left of the target"
    assert check_claim(**shared, active_claims=[Pledge(2, "技工学校", 5)], pledge=3) == 3
    assert refused(check_claim, **shared, active_claims=[Pledge(2, "技工学校", 5)], pledge=8) == \
        {"pledge": "committee_error.pledge_above_left"}
    assert refused(check_claim, **shared, active_claims=[], pledge=0) == {"pledge": "committee_error.pledge_positive"}
    assert refused(check_claim, **shared, active_claims=taken) == {"item_id": "committee_error.item_fully_pledged"}


def progress(data, **kwargs):
    args = {"pledge": 12.0, "claimed_on": date(2026, 3, 1), "today": TODAY, "max_file_mb": 1} | kwargs
    return clean_progress(data, **args)


def test_a_progress_form():
    assert progress({"done": 5, "note": " 已完成五次 "}) | {"file_data": None} == \
        {"on": TODAY, "done": 5.0, "note": "已完成五次", "file_name": None, "file_type": None, "file_data": None}
    assert progress({"percent": 50, "on": date(2026, 6, 1)})["done"] == 6.0
    assert progress({"percent": 100})["done"] == 12.0
    assert progress({"done": 0, "percent": 100})["done"] == 0, "a quantity wins over a percentage"
    photo = progress({"done": 1, "file_name": "照片.jpg", "file_type": "image/jpeg", "file_data": b"x" * 1024})
    assert photo["file_name"] == "照片.jpg" and photo["file_data"] == b"x" * 1024
    assert len(progress({"done": 1, "file_name": "长" * 200 + ".jpg", "file_data": b"x"})["file_name"]) == 120


@pytest.mark.parametrize(("data", "field", "key"), [
    ({"done": 13}, "done", "error.progress_above_target"),
    ({"done": -1}, "done", "error.progress_negative"),
    ({"done": "lots"}, "done", "committee_error.not_a_number"),
    ({"done": float("inf")}, "done", "committee_error.not_a_number"),
    ({}, "done", "error.required"),
    ({"percent": 101}, "percent", "committee_error.percent_range"),
    ({"percent": -5}, "percent", "committee_error.percent_range"),
    ({"done": 1, "on": date(2026, 11, 21)}, "on", "committee_error.date_in_future"),
    ({"done": 1, "on": date(2026, 2, 28)}, "on", "committee_error.before_claim"),
    ({"done": 1, "on": date(2019, 3, 1)}, "on", "error.too_far_back"),
    ({"done": 1, "file_name": "a.mp4", "file_data": b"x" * (1024 * 1024 + 1)}, "file_data",
     "committee_error.file_too_large"),
])
def test_a_bad_progress_form_is_refused_on_its_field(data, field, key):
    assert refused(progress, data) == {field: key}


@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6)),
       st.sampled_from(["done", "percent"]), st.floats(0.01, 10**6))
def test_cleaned_progress_stays_within_the_pledge(value, field, pledge):
    try:
        done = progress({field: value}, pledge=pledge)["done"]
    except ValidationFailed as err:
        assert set(err.errors) <= {"done", "percent"}
        return
    assert 0 <= done <= pledge


def test_a_claim_is_withdrawn_with_a_reason():
    assert clean_withdrawal(" 人手不足 ") == "人手不足"
    assert refused(clean_withdrawal, None) == {"reason": "error.required"}
    assert refused(clean_withdrawal, "x" * 301) == {"reason": "error.too_long"}


def test_progress_reported_at_the_last_meeting_is_not_stale():
    """Progress entered during a meeting is dated that day: after the meeting it counts as up to date."""
    last = date(2026, 9, 20)
    entries = [AgendaEntry(1, False, last, "at the meeting"), AgendaEntry(2, False, date(2026, 9, 19), "before")]
    assert [e.claim_id for e in agenda(entries, last)] == [2, 1], "the one updated before the meeting is stale"


def test_a_need_raised_more_than_a_year_ago_is_refused_on_its_date():
    assert refused(clean_need, {"community_id": 1, "title": "老旧小区加装扶手", "raised_on": date(2020, 5, 1)},
                   today=TODAY) == {"raised_on": "error.too_far_back"}
    assert clean_need({"community_id": 1, "title": "老旧小区加装扶手", "raised_on": TODAY - timedelta(days=300)},
                      today=TODAY)["raised_on"] == TODAY - timedelta(days=300)
