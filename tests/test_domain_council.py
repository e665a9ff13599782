"""Quorum and majority of the resident council under each configured rule: exactly half, ties, abstentions,
excused absences, and the config that sets them."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.council import Threshold, VotingRule, check_votes, quorum, vote
from domain.errors import ConfigError, ValidationFailed
from domain.settings import parse_settings
from tests.test_domain_rules import raw_config

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
