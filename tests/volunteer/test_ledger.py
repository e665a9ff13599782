"""The points ledger: whole points as double entry, the standard and its cap, no volunteer below zero, reversals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import i18n
from domain.errors import ConfigError, DomainError
from domain.volunteer.ledger import (
    MAX_POINTS,
    Account,
    Entry,
    Holder,
    Kind,
    Standard,
    Transfer,
    balances,
    check_transfer,
    earning,
    points_for,
    reversal,
    standard_from,
)

ISSUER, STORE = Account(Holder.ISSUER, 1), Account(Holder.STORE, 1)
VOLUNTEERS = [Account(Holder.VOLUNTEER, n) for n in (1, 2, 3)]


# --- the standard -----------------------------------------------------------------------------------------------------

def test_standard_defaults_to_one_point_an_hour():
    assert standard_from({}) == standard_from(None) == Standard()
    assert points_for(3, "any", Standard()) == 3


def test_points_by_kind_rounded_down_and_capped():
    standard = standard_from({"per_hour": 1, "by_kind": {"elderly_care": 2}, "cap_per_order": 8,
                              "expire_after_years": 3})
    assert standard.expire_after_years == 3
    assert points_for(2.5, "cleaning", standard) == 2
    assert points_for(2.5, "elderly_care", standard) == 5
    assert points_for(4, "elderly_care", standard) == 8
    assert points_for(24, "elderly_care", standard) == 8
    assert points_for(0.3, "cleaning", standard) == 0
    assert points_for(Decimal("0.7"), "cleaning", standard_from({"per_hour": 10})) == 7  # not 6 by float error
    assert isinstance(points_for(1.5, "x", standard), int)
    assert earning(1, 2, 0) is None
    assert earning(1, 2, 5) == Transfer(ISSUER, Account(Holder.VOLUNTEER, 2), 5, Kind.EARN)


@pytest.mark.parametrize("hours", [-1, float("nan"), float("inf")])
def test_points_refuse_impossible_hours(hours):
    with pytest.raises(DomainError):
        points_for(hours, "x", Standard())


@pytest.mark.parametrize(("raw", "where"), [
    ({"per_hour": 0}, "volunteer.points.per_hour"),
    ({"per_hour": 1.5}, "volunteer.points.per_hour"),
    ({"per_hour": True}, "volunteer.points.per_hour"),
    ({"per_hour": "1"}, "volunteer.points.per_hour"),
    ({"cap_per_order": 0}, "volunteer.points.cap_per_order"),
    ({"cap_per_order": -5}, "volunteer.points.cap_per_order"),
    ({"expire_after_years": 0}, "volunteer.points.expire_after_years"),
    ({"by_kind": {"care": 0.5}}, "volunteer.points.by_kind.care"),
])
def test_bad_standard_values(raw, where):
    with pytest.raises(ConfigError) as caught:
        standard_from(raw)
    assert caught.value.key == "config.bad_number" and caught.value.params["where"] == where


@pytest.mark.parametrize("raw", [[1], "1", {"by_kind": [1]}, {"by_kind": {"": 1}}, {"by_kind": {3: 1}}])
def test_bad_standard_shapes(raw):
    with pytest.raises(ConfigError) as caught:
        standard_from(raw)
    assert caught.value.key == "config.bad_option"


def test_the_standard_is_frozen():
    standard = standard_from({"by_kind": {"care": 2}})
    with pytest.raises(TypeError):
        standard.by_kind["care"] = 5


# --- transfers --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("points", [0, -1, 1.0, True, "1", MAX_POINTS + 1])
def test_points_are_positive_whole_numbers(points):
    with pytest.raises(DomainError, match="points_not_positive"):
        Transfer(ISSUER, VOLUNTEERS[0], points, Kind.EARN)


def test_a_transfer_moves_between_two_accounts_and_nets_to_zero():
    transfer = Transfer(ISSUER, VOLUNTEERS[0], 5, Kind.EARN)
    assert transfer.movements() == ((ISSUER, -5), (VOLUNTEERS[0], 5))
    with pytest.raises(DomainError, match="same_account"):
        Transfer(ISSUER, ISSUER, 5, Kind.EARN)
    with pytest.raises(DomainError, match="reversal_needs_entry"):
        Transfer(VOLUNTEERS[0], ISSUER, 5, Kind.REVERSAL)
    with pytest.raises(DomainError, match="reversal_needs_entry"):
        Transfer(VOLUNTEERS[0], ISSUER, 5, Kind.EARN, reverses=3)


def test_check_transfer():
    check_transfer(5, 5, False)
    check_transfer(0, 100, True)  # the issuer may go negative
    with pytest.raises(DomainError) as caught:
        check_transfer(4, 5, False)
    assert caught.value.key == "volunteer_error.balance_too_low" and caught.value.params == {"balance": 4, "points": 5}
    assert ISSUER.may_go_negative and not VOLUNTEERS[0].may_go_negative and not STORE.may_go_negative


def test_reversal():
    entry = Entry(ISSUER, VOLUNTEERS[0], 7, Kind.EARN, id=42)
    back = reversal(entry)
    assert back == Transfer(VOLUNTEERS[0], ISSUER, 7, Kind.REVERSAL, reverses=42)
    with pytest.raises(DomainError, match="reversal_of_reversal"):
        reversal(Entry(VOLUNTEERS[0], ISSUER, 7, Kind.REVERSAL, reverses=42, id=43))


def test_ledger_messages_have_strings():
    zh = i18n.strings("zh")
    keys = [f"volunteer_ledger_kind.{k}" for k in Kind] + [
        f"volunteer_error.{k}" for k in ("points_not_positive", "same_account", "reversal_needs_entry",
                                         "reversal_of_reversal", "balance_too_low")]
    assert [k for k in keys if k not in zh] == []


# --- properties -------------------------------------------------------------------------------------------------------

ACCOUNTS = [ISSUER, STORE, *VOLUNTEERS]
attempts = st.lists(st.tuples(st.sampled_from(ACCOUNTS), st.sampled_from(ACCOUNTS), st.integers(1, 50)), max_size=40)


@given(attempts)
def test_no_sequence_of_checked_transfers_leaves_a_volunteer_below_zero(moves):
    kept: list[Transfer] = []
    for source, target, points in moves:
        if source == target:
            continue
        try:
            check_transfer(balances(kept).get(source, 0), points, source.may_go_negative)
        except DomainError:
            continue
        kept.append(Transfer(source, target, points, Kind.REDEEM))
    totals = balances(kept)
    assert all(totals.get(a, 0) >= 0 for a in ACCOUNTS if not a.may_go_negative)
    assert sum(totals.values()) == 0  # double entry: the books always balance


@given(st.sampled_from(ACCOUNTS), st.sampled_from(ACCOUNTS), st.integers(1, MAX_POINTS), st.integers(1, 10**9))
def test_a_transfer_and_its_reversal_net_to_zero(source, target, points, entry_id):
    if source == target:
        return
    entry = Entry(source, target, points, Kind.EARN, id=entry_id)
    totals = balances([entry, reversal(entry)])
    assert totals[source] == 0 and totals[target] == 0


@given(st.decimals(0, 24, places=1), st.integers(1, 20), st.one_of(st.none(), st.integers(1, 100)))
def test_points_are_whole_never_more_than_earned_nor_the_cap(hours, rate, cap):
    points = points_for(hours, "k", Standard(per_hour=rate, cap_per_order=cap))
    assert isinstance(points, int) and 0 <= points <= hours * rate
    assert cap is None or points <= cap
    assert points == min(int(hours * rate), cap if cap is not None else points + 1)
