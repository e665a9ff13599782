"""Payments and signatures at the same instant, on SQLite and PostgreSQL (20 attempts released by one barrier): of
payments the balance covers only one of, exactly one succeeds; one request paid 20 times is paid once; one
co-manager signing 20 times signs once; income recorded while payments go out keeps the balance equal to the books.
Every attempt ends in success or the project's own error."""

from __future__ import annotations

import pytest

from data_access.fund import income, spending
from tests.conftest import NOW
from tests.fund.support import balance, books, demo_fund
from tests.fund.test_writes import _request, _second_fund
from tests.racing import N, keys, race, wide

pytestmark = pytest.mark.db
TODAY = NOW.date()


def _approved(engine, settings, actors, fund_id, yuan, n):
    """n requests of `yuan` by the convener, each approved by the treasurer (the rule of a small amount)."""
    made = []
    for _ in range(n):
        request = _request(engine, actors["convener"], settings, fund_id, yuan)
        spending.sign(engine, actor=actors["treasurer"], request_id=request.id, data={"choice": "approve"}, now=NOW)
        made.append(request.id)
    return made


def _pay(engine, actors, settings, request_id, voucher):
    return lambda: spending.pay(engine, actor=actors["worker"], settings=settings, request_id=request_id, now=NOW,
                                data={"paid_on": TODAY, "voucher": voucher})


def test_of_payments_the_balance_covers_once_exactly_one_succeeds(engine, settings, actors):
    fund, _, _ = _second_fund(engine, settings, actors, opening="500")
    requests = _approved(engine, settings, actors, fund.id, "300", N)   # each fits, any two do not
    with wide(engine) as racing:
        outcomes = race([_pay(racing, actors, settings, rid, f"PZ-{i}") for i, rid in enumerate(requests)])
    assert keys(outcomes) == {"ok": 1, "fund_error.balance_too_low": N - 1}
    assert balance(engine, fund.id) == 20_000 == books(engine, fund.id)


def test_one_request_paid_twenty_times_is_paid_once(engine, settings, actors):
    fund, _, _ = _second_fund(engine, settings, actors, opening="5000")
    (request,) = _approved(engine, settings, actors, fund.id, "100", 1)
    with wide(engine) as racing:
        outcomes = race([_pay(racing, actors, settings, request, f"PZ-{i}") for i in range(N)])
    assert keys(outcomes) == {"ok": 1, "fund_error.request_paid": N - 1}
    assert balance(engine, fund.id) == 490_000 == books(engine, fund.id)


def test_a_co_manager_signing_twenty_times_at_once_signs_once(engine, settings, actors):
    fund, _, _ = _second_fund(engine, settings, actors, opening="5000")
    request = _request(engine, actors["convener"], settings, fund.id, "2000")
    with wide(engine) as racing:
        outcomes = race([lambda: spending.sign(racing, actor=actors["treasurer"], request_id=request.id, now=NOW,
                                               data={"choice": "approve"})] * N)
    assert keys(outcomes) == {"ok": 1, "fund_error.signed_already": N - 1}


def test_income_and_payments_at_once_keep_the_books(demo_engine, settings, actors):
    fund = demo_fund(demo_engine)
    requests = _approved(demo_engine, settings, actors, fund.id, "100", N // 2)
    calls = [_pay(demo_engine, actors, settings, rid, f"PZ-{i}") for i, rid in enumerate(requests)]
    calls += [lambda: income.record_income(demo_engine, actor=actors["worker"], settings=settings, fund_id=fund.id,
                                           now=NOW, data={"received_on": TODAY, "source": "donation",
                                                          "payer": "爱心居民", "amount": "50"})] * (N // 2)
    before = balance(demo_engine, fund.id)
    outcomes = race(calls)  # on the engine's own pool (5 + 5): those that wait for a connection must not fail either
    assert keys(outcomes) == {"ok": N}
    assert balance(demo_engine, fund.id) == before - 10 * 10_000 + 10 * 5_000 == books(demo_engine, fund.id)
