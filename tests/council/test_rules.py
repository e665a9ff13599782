"""Quorum and majority of the resident council under each configured rule: exactly half, ties, abstentions,
excused absences, and the config that sets them."""

from __future__ import annotations

from datetime import date, time, timedelta
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.council.rules import (
    Quorum,
    Threshold,
    VotingRule,
    active_on,
    check_votes,
    clean_check_in,
    clean_meeting_plan,
    clean_minutes,
    clean_review,
    clean_summary,
    clean_vote,
    decide,
    form_ids,
    kind_words,
    quorum,
    stage_after_vote,
    tally_ballots,
    topics_discussed,
    vote,
)
from domain.errors import ConfigError, ValidationFailed
from domain.settings import parse_settings
from tests.service.test_rules import raw_config

HALF, TWO_THIRDS = Fraction(1, 2), Fraction(2, 3)
MORE_THAN_HALF = VotingRule()  # the default: more than half present, more than half of those present for
AT_LEAST_TWO_THIRDS = VotingRule(quorum=Threshold(TWO_THIRDS, strict=False))


def test_the_estate_joint_meeting_of_nine_needs_five_present():
    six = quorum(MORE_THAN_HALF, members=9, present=6)
    assert (six.expected, six.present, six.needed, six.met) == (9, 6, 5, True)  # 应到9人，实到6人，超过半数
    assert not quorum(MORE_THAN_HALF, members=9, present=4).met
    assert quorum(MORE_THAN_HALF, members=9, present=5).met


def test_exactly_half_is_not_more_than_half_but_is_at_least_half():
    assert not quorum(MORE_THAN_HALF, members=10, present=5).met
    assert quorum(MORE_THAN_HALF, members=10, present=6).needed == 6
    at_least_half = VotingRule(quorum=Threshold(HALF, strict=False))
    assert quorum(at_least_half, members=10, present=5).met
    assert quorum(at_least_half, members=10, present=5).needed == 5


def test_two_thirds_attendance_for_a_representatives_meeting():
    assert quorum(AT_LEAST_TWO_THIRDS, members=9, present=6).met  # 6 is exactly two thirds of 9
    assert not quorum(AT_LEAST_TWO_THIRDS, members=10, present=6).met
    assert quorum(AT_LEAST_TWO_THIRDS, members=10, present=7).needed == 7


def test_excused_absences_count_among_the_expected_or_not_by_config():
    counted = quorum(MORE_THAN_HALF, members=9, present=4, excused=2)
    assert (counted.expected, counted.met) == (9, False)
    not_counted = quorum(VotingRule(excused_expected=False), members=9, present=4, excused=2)
    assert (not_counted.expected, not_counted.needed, not_counted.met) == (7, 4, True)


def test_a_tie_never_passes_and_abstentions_depend_on_the_base():
    assert not vote(MORE_THAN_HALF, votes_for=3, against=3, abstain=0, present=6, members=9).passed
    # 4 for, 1 against, 2 abstain of 7 present: more than half of those present
    assert vote(MORE_THAN_HALF, votes_for=4, against=1, abstain=2, present=7, members=9).passed
    # 3 for, 1 against, 3 abstain: not more than half of the 7 present, but more than half of the 4 votes cast
    assert not vote(MORE_THAN_HALF, votes_for=3, against=1, abstain=3, present=7, members=9).passed
    cast = VotingRule(base="votes_cast")
    result = vote(cast, votes_for=3, against=1, abstain=3, present=7, members=9)
    assert (result.base, result.needed, result.passed) == (4, 3, True)
    members = VotingRule(base="members")
    assert not vote(members, votes_for=4, against=0, abstain=3, present=7, members=9).passed  # 4 of 9
    assert vote(members, votes_for=5, against=0, abstain=2, present=7, members=9).passed


def test_nobody_voting_passes_nothing():
    assert not vote(VotingRule(base="votes_cast"), votes_for=0, against=0, abstain=5, present=5, members=9).passed


@pytest.mark.parametrize(("counts", "field", "key"), [
    ({"votes_for": 5, "against": 2, "abstain": 1}, "votes_for", "council_error.votes_above_present"),
    ({"votes_for": -1, "against": 0, "abstain": 0}, "votes_for", "council_error.votes_negative"),
    ({"votes_for": 1, "against": 0, "abstain": -2}, "abstain", "council_error.votes_negative"),
])
def test_impossible_vote_counts_are_refused(counts, field, key):
    with pytest.raises(ValidationFailed) as err:
        check_votes(**counts, present=7)
    assert err.value.errors[field][0] == key


def test_more_present_and_excused_than_members_is_refused():
    with pytest.raises(ValidationFailed) as err:
        quorum(MORE_THAN_HALF, members=9, present=8, excused=2)
    assert err.value.errors["attendance"][0] == "council_error.attendance_counts"


@given(st.integers(0, 60), st.integers(0, 60), st.fractions(Fraction(1, 10), 1), st.booleans())
def test_needed_is_the_smallest_count_that_meets_the_threshold(present, members, share, strict):
    members = max(members, present)
    rule = VotingRule(quorum=Threshold(share, strict))
    result = quorum(rule, members=members, present=present)
    if members:
        assert result.met == (present >= result.needed)
        assert result.needed == 0 or not Threshold(share, strict).met(result.needed - 1, members)


def test_config_gives_each_council_kind_its_rule():
    council = parse_settings(raw_config()).council
    assert council.rule("resident_council") == MORE_THAN_HALF
    assert council.rule("representatives").quorum == Threshold(TWO_THIRDS, strict=False)
    assert [k.code for k in council.meeting_kinds] == ["opinion", "discussion", "decision", "review", "ad_hoc"]
    assert council.no_quorum == "invalid" and council.notice_days == 7


@pytest.mark.parametrize(("mutate", "key"), [
    (lambda c: c["council"]["kinds"][0]["quorum"].update({"share": "3/2"}), "config.bad_fraction"),
    (lambda c: c["council"]["kinds"][0]["majority"].update({"base": "everyone"}), "config.bad_majority_base"),
    (lambda c: c["council"].update({"no_quorum": "ignore"}), "config.bad_no_quorum"),
    (lambda c: c["council"].update({"notice_days": 0}), "config.bad_number"),
])
def test_a_bad_council_rule_stops_the_start(mutate, key):
    raw = raw_config()
    mutate(raw)
    with pytest.raises(ConfigError) as err:
        parse_settings(raw)
    assert err.value.key == key


# ------------------------------------------------------------------------------- a meeting's writes, pure rules

DAY = date(2026, 11, 20)
KINDS = {"opinion": "群众意见收集会", "discussion": "议题讨论会", "decision": "议事决策会", "review": "述职评议",
         "ad_hoc": "临时会议"}
NAMES = {1: "王建国", 2: "李秀英", 3: "张伟", 4: "刘洋", 5: "陈静", 6: "杨帆", 7: "赵磊", 8: "黄敏"}


def _words(q: Quorum) -> str:
    return f"应到{q.expected}人，实到{q.present}人"


def test_a_member_is_expected_while_active_within_the_term():
    assert active_on(True, date(2025, 1, 1), None, DAY)
    assert active_on(True, date(2025, 1, 1), DAY, DAY), "the last day of the term counts"
    assert active_on(True, DAY, None, DAY)
    assert not active_on(True, DAY + timedelta(days=1), None, DAY), "not yet in office"
    assert not active_on(True, date(2025, 1, 1), DAY - timedelta(days=1), DAY)
    assert not active_on(False, date(2025, 1, 1), None, DAY)


def _plan(**data):
    values = {"kind": "decision", "day": DAY, "start_time": "09:30", "place": " 党群服务站 ", "chair_id": 1,
              "recorder": "孙雅琴", "observers": None, "topic_ids": [3, "1", 3], "decision_ids": []} | data
    return values


def test_a_meeting_plan_is_cleaned():
    cleaned = clean_meeting_plan(_plan(), kinds=KINDS, today=DAY, chair_ok=True,
                                 topic_stages={1: "raised", 3: "rejected"}, passed_decisions=set())
    assert cleaned == {"kind": "decision", "day": DAY, "start_time": time(9, 30), "place": "党群服务站",
                       "chair_id": 1, "recorder": "孙雅琴", "observers": None, "topic_ids": [3, 1],
                       "decision_ids": []}
    review = clean_meeting_plan(_plan(kind="review", topic_ids=[], decision_ids=[7], chair_id=None,
                                      day="2026-11-21"), kinds=KINDS, today=DAY, chair_ok=None, topic_stages={},
                                passed_decisions={7})
    assert (review["decision_ids"], review["chair_id"], review["day"]) == ([7], None, date(2026, 11, 21))
    assert form_ids([3, "1", 3, "x", 0, True, None]) == [3, 1]


@pytest.mark.parametrize(("data", "field", "key"), [
    ({"day": DAY - timedelta(days=1)}, "day", "council_error.day_in_past"),
    ({"day": "someday"}, "day", "error.required"),
    ({"kind": "party"}, "kind", "error.unknown_choice"),
    ({"start_time": "25:00"}, "start_time", "council_meeting_rule.bad_time"),
    ({"observers": "人" * 201}, "observers", "error.too_long"),
    ({"recorder": "记" * 31}, "recorder", "error.too_long"),
    ({"chair_id": 2}, "chair_id", "council_meeting_rule.chair_not_member"),
    ({"topic_ids": [1, 4]}, "topic_ids", "council_meeting_rule.topic_not_available"),  # 4: another council's
    ({"topic_ids": [5]}, "topic_ids", "council_meeting_rule.topic_not_available"),  # 5: withdrawn
    ({"kind": "review", "decision_ids": [7]}, "topic_ids", "council_error.wrong_meeting_kind"),
    ({"decision_ids": [7]}, "decision_ids", "council_error.wrong_meeting_kind"),
    ({"kind": "review", "topic_ids": [], "decision_ids": [8]}, "decision_ids",
     "council_meeting_rule.decision_not_available"),
])
def test_a_bad_meeting_plan_is_refused_on_its_field(data, field, key):
    with pytest.raises(ValidationFailed) as err:
        clean_meeting_plan(_plan(**data), kinds=KINDS, today=DAY, chair_ok=data.get("chair_id") is None,
                           topic_stages={1: "raised", 3: "decided", 5: "withdrawn"}, passed_decisions={7})
    assert err.value.errors[field][0] == key


def test_the_kinds_a_message_names_come_from_config():
    with pytest.raises(ValidationFailed) as err:
        clean_meeting_plan(_plan(kind="review", topic_ids=[1]), kinds=KINDS, today=DAY, chair_ok=True,
                           topic_stages={1: "raised"}, passed_decisions=set())
    assert err.value.errors["topic_ids"][1] == {"kinds": "群众意见收集会、议题讨论会、议事决策会、临时会议"}
    assert kind_words(KINDS, ("decision", "ad_hoc")) == "议事决策会、临时会议"


def test_a_planned_meeting_may_keep_its_day_once_it_has_passed():
    past = DAY - timedelta(days=2)
    cleaned = clean_meeting_plan(_plan(day=past), kinds=KINDS, today=DAY, current_day=past, chair_ok=True,
                                 topic_stages={1: "raised", 3: "raised"}, passed_decisions=set())
    assert cleaned["day"] == past


def test_check_in_rows_are_of_expected_members_with_a_known_status():
    assert clean_check_in([{"member_id": 1, "status": "present"}, {"member_id": "2", "status": "excused"},
                           {"member_id": 1, "status": "absent"}], expected={1, 2}) == {1: "absent", 2: "excused"}
    for rows, key in (([{"member_id": 9, "status": "present"}], "council_meeting_rule.not_expected"),
                      ([{"member_id": None, "status": "present"}], "council_meeting_rule.not_expected"),
                      ([{"member_id": 1, "status": "late"}], "error.unknown_choice")):
        with pytest.raises(ValidationFailed) as err:
            clean_check_in(rows, expected={1, 2})
        assert err.value.errors["attendance"][0] == key


def test_minutes_and_summary_are_plain_text_and_seconds_add_whole():
    assert clean_minutes(" 说明\x00情况 ", 90.7) == ("说明情况", 90)
    assert clean_minutes(None, None) == (None, 0)
    assert clean_minutes(" ", 0) == (None, 0)
    for seconds in (-1, "10", True, float("nan")):
        with pytest.raises(ValidationFailed) as err:
            clean_minutes("x", seconds)
        assert err.value.errors["seconds"][0] == "council_meeting_rule.seconds_negative"
    assert clean_summary("  ") is None and clean_summary(" 结束 ") == "结束"


def test_ballots_are_tallied_from_present_members_only():
    assert tally_ballots({1: "for", "2": "against", 3: "for", 4: "abstain"}, present_ids={1, 2, 3, 4, 5},
                         names=NAMES) == (2, 1, 1, {1: "for", 2: "against", 3: "for", 4: "abstain"})
    with pytest.raises(ValidationFailed) as err:
        tally_ballots({1: "for", 6: "for"}, present_ids={1, 2}, names=NAMES)
    assert err.value.errors["ballots"] == ("council_error.voter_not_present", {"name": "杨帆"})
    with pytest.raises(ValidationFailed) as err:
        tally_ballots({99: "for"}, present_ids={1}, names=NAMES)
    assert err.value.errors["ballots"] == ("council_error.voter_not_present", {"name": "99"})
    for ballots, key in (({}, "error.required"), (None, "error.required"), ({1: "yes"}, "error.unknown_choice")):
        with pytest.raises(ValidationFailed) as err:
            tally_ballots(ballots, present_ids={1}, names=NAMES)
        assert err.value.errors["ballots"][0] == key


@pytest.mark.parametrize(("rule", "members", "present", "excused", "votes", "status"), [
    (MORE_THAN_HALF, 7, 4, 0, (3, 1, 0), "passed"),
    (MORE_THAN_HALF, 7, 4, 0, (2, 2, 0), "rejected"),  # a tie
    (MORE_THAN_HALF, 7, 3, 0, (3, 0, 0), "invalid"),  # unanimous, but no quorum: never passed
    (MORE_THAN_HALF, 8, 4, 0, (4, 0, 0), "invalid"),  # exactly half is not more than half
    (AT_LEAST_TWO_THIRDS, 9, 6, 0, (4, 1, 1), "passed"),  # exactly two thirds present
    (AT_LEAST_TWO_THIRDS, 9, 5, 0, (5, 0, 0), "invalid"),
    (VotingRule(excused_expected=False), 9, 4, 2, (3, 1, 0), "passed"),  # 4 of the 7 not excused
    (MORE_THAN_HALF, 9, 4, 2, (3, 1, 0), "invalid"),  # excused still expected
])
def test_a_vote_is_decided_by_quorum_then_majority(rule, members, present, excused, votes, status):
    decided = decide(rule, no_quorum="invalid", members=members, present=present, excused=excused,
                     votes_for=votes[0], against=votes[1], abstain=votes[2])
    assert decided.status == status
    assert decided.quorum.met is (status != "invalid")
    assert stage_after_vote(status) == ("decided" if status == "passed" else "rejected")


def test_a_vote_without_quorum_is_refused_when_configured_with_the_words_and_bad_counts_together():
    with pytest.raises(ValidationFailed) as err:
        decide(MORE_THAN_HALF, no_quorum="refuse", members=7, present=3, excused=0, votes_for=3, against=0,
               abstain=0, words=_words)
    assert err.value.errors == {"attendance": ("council_error.no_quorum", {"words": "应到7人，实到3人"})}
    with pytest.raises(ValidationFailed) as err:
        decide(MORE_THAN_HALF, no_quorum="refuse", members=7, present=3, excused=0, votes_for=3, against=2,
               abstain=0, words=_words)
    assert set(err.value.errors) == {"attendance", "votes_for"}
    assert decide(MORE_THAN_HALF, no_quorum="refuse", members=7, present=4, excused=0, votes_for=3, against=0,
                  abstain=0).status == "passed"


def _vote(**data):
    values = {"text": "同意加装电梯", "method": "hands", "votes_for": 4, "against": 1, "abstain": 0,
              "owner": "业委会", "due": DAY + timedelta(days=30)} | data
    return clean_vote(values, rule=MORE_THAN_HALF, no_quorum="invalid", members=7, present_ids={1, 2, 3, 4, 5},
                      excused=0, names=NAMES, meeting_day=DAY, notice_days=7, words=_words)


def test_a_passed_vote_gets_the_default_notice():
    record = _vote()
    assert (record.status, record.votes_for, record.owner) == ("passed", 4, "业委会")
    assert (record.notice_start, record.notice_end) == (DAY, DAY + timedelta(days=7))
    later = _vote(notice_start=DAY + timedelta(days=2))
    assert (later.notice_start, later.notice_end) == (DAY + timedelta(days=2), DAY + timedelta(days=9))
    same_day = _vote(notice_start=DAY, notice_end=DAY)
    assert same_day.notice_end == DAY


def test_a_vote_that_did_not_pass_keeps_no_owner_due_or_notice():
    record = _vote(votes_for=2, against=3, owner="", due=None, notice_end=DAY - timedelta(days=9))
    assert (record.status, record.owner, record.due, record.notice_start, record.notice_end) == \
        ("rejected", None, None, None, None)


def test_counts_and_ids_from_a_table_or_a_text_field_are_taken_as_whole_numbers():
    record = _vote(votes_for=np.int64(4), against="1", abstain=0.0)
    assert (record.votes_for, record.against, record.abstain) == (4, 1, 0)
    named = _vote(method="named", ballots={np.int64(1): "for", np.int64(2): "for", np.int64(3): "for"})
    assert named.ballots == {1: "for", 2: "for", 3: "for"} and all(type(k) is int for k in named.ballots)
    assert form_ids([np.int64(3), np.int64(-1)]) == [3]
    assert clean_minutes(None, np.int64(30)) == (None, 30)


def test_a_named_vote_ignores_the_counts_given():
    record = _vote(method="named", ballots={1: "for", 2: "for", 3: "for", 4: "against"}, votes_for=0, against=0)
    assert (record.votes_for, record.against, record.abstain, record.status) == (3, 1, 0, "passed")
    assert record.ballots == {1: "for", 2: "for", 3: "for", 4: "against"}


@pytest.mark.parametrize(("data", "field", "key"), [
    ({"votes_for": 5, "against": 1}, "votes_for", "council_error.votes_above_present"),
    ({"against": -1}, "against", "council_error.votes_negative"),
    ({"against": "-1"}, "against", "council_error.votes_negative"),
    ({"abstain": "两"}, "abstain", "council_meeting_rule.votes_whole"),
    ({"abstain": "--1"}, "abstain", "council_meeting_rule.votes_whole"),
    ({"abstain": 0.5}, "abstain", "council_meeting_rule.votes_whole"),
    ({"abstain": True}, "abstain", "council_meeting_rule.votes_whole"),
    ({"votes_for": ""}, "votes_for", "error.required"),
    ({"text": "\x01 "}, "text", "error.required"),
    ({"text": "决" * 2001}, "text", "error.too_long"),
    ({"method": "secret"}, "method", "error.unknown_choice"),
    ({"owner": None}, "owner", "error.required"),
    ({"owner": "人" * 61}, "owner", "error.too_long"),
    ({"due": None}, "due", "error.required"),
    ({"due": DAY - timedelta(days=1)}, "due", "error.due_before_meeting"),
    ({"notice_start": DAY + timedelta(days=3), "notice_end": DAY + timedelta(days=2)}, "notice_end",
     "council_error.notice_order"),
    ({"method": "named", "ballots": {1: "for", 8: "for"}}, "ballots", "council_error.voter_not_present"),
])
def test_a_bad_vote_is_refused_on_its_field(data, field, key):
    with pytest.raises(ValidationFailed) as err:
        _vote(**data)
    assert err.value.errors[field][0] == key


def test_a_vote_reports_every_bad_field_at_once():
    with pytest.raises(ValidationFailed) as err:
        _vote(text="", owner="", due=DAY - timedelta(days=1))
    assert set(err.value.errors) == {"text", "owner", "due"}


def _review(**data):
    values = {"decision_id": 7, "reporter": "张伟", "report": "已完成", "outcome": "carried_out", "reason": None,
              "ratings": {1: "satisfied", "2": "basic"}} | data
    return clean_review(values, decision_ok=True, present_ids={1, 2, 3}, names=NAMES)


def test_a_review_is_cleaned():
    assert _review() == {"decision_id": 7, "reporter": "张伟", "report": "已完成", "outcome": "carried_out",
                         "reason": None, "ratings": {1: "satisfied", 2: "basic"}}
    assert _review(outcome="not", reason=" 资金未到位 ")["reason"] == "资金未到位"


@pytest.mark.parametrize(("data", "field", "key"), [
    ({"outcome": "partly"}, "reason", "error.required"),
    ({"outcome": "maybe"}, "outcome", "error.unknown_choice"),
    ({"reporter": ""}, "reporter", "error.required"),
    ({"report": None}, "report", "error.required"),
    ({"ratings": {6: "satisfied"}}, "ratings", "council_error.rater_not_present"),
    ({"ratings": {1: "fine"}}, "ratings", "error.unknown_choice"),
    ({"decision_id": None}, "decision_id", "error.required"),
])
def test_a_bad_review_is_refused_on_its_field(data, field, key):
    with pytest.raises(ValidationFailed) as err:
        _review(**data)
    assert err.value.errors[field][0] == key


def test_a_review_of_a_decision_never_made_is_refused():
    with pytest.raises(ValidationFailed) as err:
        clean_review({"decision_id": 7, "reporter": "张伟", "report": "已完成", "outcome": "carried_out"},
                     decision_ok=False, present_ids=set(), names=NAMES)
    assert err.value.errors == {"decision_id": ("council_error.review_no_decision", {})}


def test_closing_moves_discussed_raised_topics_at_discussion_kinds_only():
    items = [(1, True, "raised"), (2, False, "raised"), (3, True, "decided"), (None, True, None), (1, True, "raised")]
    for kind in ("discussion", "decision", "ad_hoc"):
        assert topics_discussed(kind, items) == [1]
    for kind in ("opinion", "review"):
        assert topics_discussed(kind, items) == []
