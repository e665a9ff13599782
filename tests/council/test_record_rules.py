"""The input rules of the council's records (domain/council/records.py): each bad input is refused on its own field
with its message key, good input comes back cleaned."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.council.records import (
    check_withdrawable,
    clean_assignment,
    clean_council,
    clean_member,
    clean_notice,
    clean_topic,
    clean_withdrawal,
    cut,
    stage_after_follow_up,
)
from domain.errors import DomainError, ValidationFailed
from domain.fields import is_id

TODAY = date(2026, 11, 20)


def refused(call, *args, **kwargs) -> dict:
    with pytest.raises(ValidationFailed) as err:
        call(*args, **kwargs)
    return err.value.errors


def council(**changes) -> dict:
    return {"community_id": 1, "name": "康盛社区居民议事会", "kind": "resident_council", "estate": None,
            "established_on": date(2024, 5, 1), "active": True} | changes


def member(**changes) -> dict:
    return {"council_id": 3, "name": "王建国", "seat": "party", "title": "小区党小组组长",
            "term_start": date(2024, 5, 1), "term_end": date(2027, 4, 30), "active": True, "convener": False} | changes


def topic(**changes) -> dict:
    return {"council_id": 3, "title": "3号楼加装电梯", "detail": "居民反映高层老人出行难", "source": "member",
            "member_id": 7, "raised_on": date(2026, 11, 1)} | changes


# --- councils -------------------------------------------------------------------------------------------------------

def test_a_council_comes_back_cleaned(settings):
    values = clean_council(council(name="  幸福里小区联席会议\x07 ", kind="estate_joint", estate=" 幸福里 ",
                                   established_on=datetime(2025, 3, 1, 9, 30), active=None),
                           settings, today=TODAY, names_taken=["康盛社区居民议事会"])
    assert values == {"community_id": 1, "name": "幸福里小区联席会议", "kind": "estate_joint", "estate": "幸福里",
                      "established_on": date(2025, 3, 1), "active": True}


@pytest.mark.parametrize(("changes", "field", "key"), [
    ({"community_id": None}, "community_id", "error.required"),
    ({"community_id": True}, "community_id", "error.unknown_choice"),
    ({"community_id": "1"}, "community_id", "error.unknown_choice"),
    ({"name": " \x00 "}, "name", "error.required"),
    ({"name": "议" * 61}, "name", "error.too_long"),
    ({"name": "老年协会"}, "name", "council_error.name_taken"),
    ({"kind": ""}, "kind", "error.required"),
    ({"kind": "senate"}, "kind", "error.unknown_choice"),
    ({"estate": "苑" * 61}, "estate", "error.too_long"),
    ({"established_on": None}, "established_on", "error.required"),
    ({"established_on": "2024-05-01"}, "established_on", "council_write.not_a_date"),
    ({"established_on": date(2026, 11, 21)}, "established_on", "council_write.date_in_future"),
    ({"active": "yes"}, "active", "error.unknown_choice"),
])
def test_a_bad_council_is_refused_on_its_field(settings, changes, field, key):
    errors = refused(clean_council, council(**changes), settings, today=TODAY, names_taken=[" 老年协会 "])
    assert errors[field][0] == key, errors
    assert set(errors) == {field}


def test_every_problem_of_a_council_is_reported_at_once(settings):
    errors = refused(clean_council, {"name": "", "kind": "x"}, settings, today=TODAY, names_taken=[])
    assert {f: k for f, (k, _) in errors.items()} == {
        "community_id": "error.required", "name": "error.required", "kind": "error.unknown_choice",
        "established_on": "error.required"}


# --- members --------------------------------------------------------------------------------------------------------

def test_a_member_comes_back_cleaned(settings):
    values = clean_member(member(title=" ", term_end=None, convener=True), settings, names_taken=["李红"])
    assert values == {"council_id": 3, "name": "王建国", "seat": "party", "title": None,
                      "term_start": date(2024, 5, 1), "term_end": None, "active": True, "convener": True}


@pytest.mark.parametrize(("changes", "field", "key"), [
    ({"council_id": None}, "council_id", "error.required"),
    ({"name": ""}, "name", "error.required"),
    ({"name": "名" * 31}, "name", "error.too_long"),
    ({"name": "李红"}, "name", "council_error.name_taken"),
    ({"seat": None}, "seat", "error.required"),
    ({"seat": "mayor"}, "seat", "error.unknown_choice"),
    ({"title": "职" * 61}, "title", "error.too_long"),
    ({"term_start": None}, "term_start", "error.required"),
    ({"term_end": date(2024, 4, 30)}, "term_end", "council_error.term_order"),
    ({"term_end": 2027}, "term_end", "council_write.not_a_date"),
    ({"active": False, "convener": True}, "convener", "council_write.convener_inactive"),
    ({"convener": 1}, "convener", "error.unknown_choice"),
])
def test_a_bad_member_is_refused_on_its_field(settings, changes, field, key):
    errors = refused(clean_member, member(**changes), settings, names_taken=["李红"])
    assert errors[field][0] == key, errors
    assert set(errors) == {field}


def test_a_term_may_end_on_the_day_it_starts_and_an_inactive_member_is_no_convener(settings):
    values = clean_member(member(term_end=date(2024, 5, 1), active=False), settings, names_taken=[])
    assert values["term_end"] == date(2024, 5, 1) and values["active"] is False and values["convener"] is False


# --- topics ---------------------------------------------------------------------------------------------------------

def test_a_topic_keeps_only_the_link_of_its_source():
    values = clean_topic(topic(matter_number="MQ1", opinion_meeting_id=4, opinions="楼下太吵"), today=TODAY,
                         members={7}, matter_id=99, opinion_meetings={4}, meeting_open=True)
    assert values == {"council_id": 3, "title": "3号楼加装电梯", "detail": "居民反映高层老人出行难",
                      "source": "member", "matter_id": None, "member_id": 7, "opinion_meeting_id": None,
                      "raised_on": date(2026, 11, 1), "opinions": None}
    values = clean_topic(topic(source="matter", matter_number=" MQ202611010000001 ", member_id=None, detail="",
                               raised_on=None), today=TODAY, matter_id=99)
    assert (values["source"], values["matter_id"], values["member_id"], values["detail"], values["raised_on"]) == \
        ("matter", 99, None, None, TODAY)
    values = clean_topic(topic(source="opinion", opinion_meeting_id=4, opinions=" 电梯费用怎么分摊\x1b "),
                         today=TODAY, opinion_meetings={4}, meeting_open=True)
    assert (values["opinion_meeting_id"], values["member_id"], values["opinions"]) == (4, None, "电梯费用怎么分摊")


@pytest.mark.parametrize(("changes", "context", "field", "key"), [
    ({"council_id": None}, {}, "council_id", "error.required"),
    ({"title": "\x0c"}, {}, "title", "error.required"),
    ({"title": "题" * 101}, {}, "title", "error.too_long"),
    ({"detail": "说" * 5001}, {}, "detail", "error.too_long"),
    ({"source": None}, {}, "source", "error.required"),
    ({"source": "rumour"}, {}, "source", "error.unknown_choice"),
    ({"source": "matter"}, {}, "matter_number", "error.required"),
    ({"source": "matter", "matter_number": "MQ404"}, {}, "matter_number", "council_error.matter_not_found"),
    ({"member_id": None}, {}, "member_id", "error.required"),
    ({"member_id": 8}, {}, "member_id", "council_write.not_a_member"),
    ({"member_id": "7"}, {}, "member_id", "error.unknown_choice"),
    ({"source": "opinion"}, {}, "opinion_meeting_id", "error.required"),
    ({"source": "opinion", "opinion_meeting_id": 5}, {}, "opinion_meeting_id", "council_write.not_opinion_meeting"),
    ({"source": "opinion", "opinion_meeting_id": 4, "opinions": "意见"}, {"meeting_open": False}, "opinions",
     "council_write.opinions_not_open"),
    ({"source": "opinion", "opinion_meeting_id": 4, "opinions": "意" * 5001}, {}, "opinions", "error.too_long"),
    ({"raised_on": date(2026, 11, 21)}, {}, "raised_on", "council_write.date_in_future"),
    ({"raised_on": "昨天"}, {}, "raised_on", "council_write.not_a_date"),
])
def test_a_bad_topic_is_refused_on_its_field(changes, context, field, key):
    context = {"members": {7}, "opinion_meetings": {4}, "meeting_open": True} | context
    errors = refused(clean_topic, topic(**changes), today=TODAY, **context)
    assert errors[field][0] == key, errors
    assert set(errors) == {field}


def test_a_matter_not_found_names_the_number():
    errors = refused(clean_topic, topic(source="matter", matter_number="MQ404"), today=TODAY)
    assert errors["matter_number"] == ("council_error.matter_not_found", {"number": "MQ404"})


def test_opinions_without_a_meeting_in_progress_are_not_dropped_silently():
    values = clean_topic(topic(source="opinion", opinion_meeting_id=4, opinions=""), today=TODAY,
                         opinion_meetings={4}, meeting_open=False)
    assert values["opinions"] is None and values["opinion_meeting_id"] == 4


@given(st.text(alphabet=st.sampled_from(list("电梯加装楼 ab\x00\x01\x07\x0b\x0c\x1b\x7f\t\n")), min_size=1,
               max_size=40))
def test_typed_text_is_kept_without_control_characters(text):
    try:
        values = clean_topic(topic(title=text, detail=text), today=TODAY, members={7})
    except ValidationFailed as err:
        assert err.errors == {"title": ("error.required", {})}
        assert not any(ch.isalnum() for ch in text)
        return
    for value in (values["title"], values["detail"] or ""):
        assert not any(ord(ch) < 32 and ch not in "\t\n\r" or ord(ch) == 127 for ch in value)
        assert value == value.strip()
    assert values["title"] == "".join(ch for ch in text.replace("\x0b", "\n")
                                      if ord(ch) >= 32 and ord(ch) != 127 or ch in "\t\n\r").strip()


# --- withdrawal, assignment, notice, follow-up ---------------------------------------------------------------------

@pytest.mark.parametrize("stage", ["raised", "discussed", "rejected"])
def test_a_topic_not_yet_passed_may_be_withdrawn(stage):
    check_withdrawable(stage)


@pytest.mark.parametrize(("stage", "key"), [
    ("decided", "council_write.cannot_withdraw"), ("implementing", "council_write.cannot_withdraw"),
    ("reviewed", "council_write.cannot_withdraw"), ("withdrawn", "council_write.already_withdrawn")])
def test_a_passed_or_withdrawn_topic_is_not_withdrawn(stage, key):
    with pytest.raises(DomainError) as err:
        check_withdrawable(stage)
    assert err.value.key == key


def test_a_withdrawal_needs_a_reason():
    assert clean_withdrawal(" 居民已自行解决\x00 ") == "居民已自行解决"
    assert refused(clean_withdrawal, "  ")["reason"][0] == "error.required"
    assert refused(clean_withdrawal, "撤")["reason"] == ("error.too_short", {"min": 2})
    assert refused(clean_withdrawal, "因" * 501)["reason"][0] == "error.too_long"


def test_an_owner_and_due_date():
    decided = date(2026, 11, 10)
    assert clean_assignment(" 物业公司 张经理 ", date(2026, 11, 10), decided_on=decided) == \
        ("物业公司 张经理", date(2026, 11, 10))
    assert clean_assignment("物业", datetime(2027, 1, 5, 8), decided_on=decided) == ("物业", date(2027, 1, 5))
    errors = refused(clean_assignment, "", None, decided_on=decided)
    assert errors == {"owner": ("error.required", {}), "due": ("error.required", {})}
    assert refused(clean_assignment, "物业", date(2026, 11, 9), decided_on=decided)["due"] == \
        ("error.due_before_meeting", {"day": "2026-11-10"})
    assert refused(clean_assignment, "人" * 61, date(2026, 12, 1), decided_on=decided)["owner"][0] == \
        "error.too_long"


def test_a_notice_period():
    decided = date(2026, 11, 10)
    assert clean_notice(decided, decided, decided_on=decided) == (decided, decided)
    assert refused(clean_notice, date(2026, 11, 12), date(2026, 11, 11), decided_on=decided) == \
        {"notice_end": ("council_error.notice_order", {})}
    assert refused(clean_notice, date(2026, 11, 9), date(2026, 11, 16), decided_on=decided) == \
        {"notice_start": ("council_write.notice_before_decision", {"day": "2026-11-10"})}
    assert refused(clean_notice, None, "x", decided_on=decided) == \
        {"notice_start": ("error.required", {}), "notice_end": ("council_write.not_a_date", {})}


@pytest.mark.parametrize(("stage", "after"), [
    ("raised", "implementing"), ("discussed", "implementing"), ("decided", "implementing"),
    ("rejected", "implementing"), ("implementing", "implementing"), ("reviewed", "reviewed"),
    ("withdrawn", "withdrawn")])
def test_a_follow_up_moves_the_topic_on_never_back(stage, after):
    assert stage_after_follow_up(stage) == after


def test_small_helpers():
    assert cut("议事", 5) == "议事" and cut("一二三四五六", 5) == "一二三四…" and len(cut("x" * 2000, 1000)) == 1000
    assert is_id(3) and not is_id(True) and not is_id("3") and not is_id(None)


def test_a_topic_raised_more_than_a_year_ago_is_refused_on_its_date():
    with pytest.raises(ValidationFailed) as err:
        clean_topic(topic(raised_on=date(2020, 5, 1)), today=TODAY, members={7}, matter_id=None,
                    opinion_meetings=set(), meeting_open=False)
    assert err.value.errors["raised_on"][0] == "error.too_far_back"
