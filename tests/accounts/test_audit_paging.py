"""Paging the audit trail: every page holds exactly the entries at its positions of the trail ordered newest first
(`at`, then id, both descending), whether it is read from the newest end, from the oldest end (a page in the older
half when the caller passes the exact count) or as a merge of an action group's codes; with ties on `at`, ids that
do not follow time, filters and a secretary's scope. The expected rows are a plain Python sort of every entry."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from data_access import clock
from data_access.accounts import audit_trail as trail
from data_access.accounts.audit_trail import AuditFilter
from data_access.db import reading, transaction
from data_access.models import AuditLog, Community
from tests.conftest import NOW

pytestmark = pytest.mark.db
SIZE = 7
# "user.custom" and "user.legacy_code" are not in ACTIONS: a group holds every stored code under its prefix.
# "u_er.x" would match "user." if the prefix's "_" were a LIKE wildcard.
CODES = ["user.update", "user.create", "account.login", "user.custom", "matter.analyse", "u_er.x", "user.roles",
         "personal.view", "user.legacy_code"]
TIED = NOW + timedelta(days=30)  # the fixture's newest entries: five share each minute
OLD = NOW - timedelta(days=800)  # older than the demo's trail, yet inserted after it: ids do not follow time


def utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@pytest.fixture
def paged(demo_engine, actors):
    """The demo street's trail plus 160 entries at tied times after it and 40 before it, spread over codes and
    over 康盛 (the secretary's), 康和 and no community; returns (engine, actors, {"ks", "kh"})."""
    with reading(demo_engine) as session:
        ids = {name: session.execute(select(Community.id).where(Community.name == full)).scalar_one()
               for name, full in (("ks", "康盛社区"), ("kh", "康和社区"))}
    places = [ids["ks"], None, ids["kh"], ids["ks"]]
    with transaction(demo_engine) as session:
        for i in range(200):
            at = TIED + timedelta(minutes=i // 5) if i < 160 else OLD + timedelta(minutes=(i - 160) // 4)
            session.add(AuditLog(at=at, actor_id=None, actor_name="tester", action=CODES[(i * 5) % len(CODES)],
                                 entity="user", entity_id=i, community_id=places[i % len(places)],
                                 after={"n": i}))
    return demo_engine, actors, ids


def expected(engine, keep: Callable[[AuditLog], bool]) -> list[int]:
    """The ids of the entries `keep` accepts, newest first: sorted in Python by (at, id), descending."""
    with reading(engine) as session:
        rows = session.execute(select(AuditLog.id, AuditLog.at, AuditLog.action, AuditLog.community_id)).all()
    kept = [row for row in rows if keep(row)]
    return [row.id for row in sorted(kept, key=lambda row: (utc(row.at), row.id), reverse=True)]


def assert_pages(engine, actor, flt: AuditFilter, ids: list[int], *, every: bool = False) -> None:
    """The count, and the first, second, middle, last and one-past-last pages (every page if `every`), read with
    and without the exact count, hold exactly the expected entries in order."""
    assert trail.count_entries(engine, flt, actor=actor) == len(ids)
    last = max(1, math.ceil(len(ids) / SIZE))
    middle = (last + 1) // 2
    pages = range(1, last + 2) if every else sorted({1, 2, middle - 1, middle, middle + 1, last - 1, last, last + 1})
    for page in (p for p in pages if p >= 1):
        want = ids[(page - 1) * SIZE: page * SIZE]
        for count_up_to in (None, len(ids)):
            got = trail.entries_page(engine, flt, actor=actor, page=page, page_size=SIZE, count_up_to=count_up_to)
            assert list(got["id"]) == want, (flt, page, count_up_to)
            assert list(got.columns) == trail.COLUMNS


def in_days(row, start, end) -> bool:
    return clock.day_start(start) <= utc(row.at) < clock.day_end(end)


def test_the_whole_trail_page_by_page_from_either_end(paged):
    engine, actors, _ = paged
    ids = expected(engine, lambda row: True)
    assert len(ids) > 20 * SIZE
    assert_pages(engine, actors["admin"], AuditFilter(), ids)
    # a page past the middle is read from the oldest end: its entries are the oldest ones, the oldest last
    last = trail.entries_page(engine, AuditFilter(), actor=actors["admin"], page=math.ceil(len(ids) / SIZE),
                              page_size=SIZE, count_up_to=len(ids))
    assert list(last["id"]) == ids[-len(last):] and last["at"].is_monotonic_decreasing


@pytest.mark.parametrize("prefix", ["user.", "u_er.", "account.", "personal.", "nothing."])
def test_an_action_group_street_wide(paged, prefix):
    engine, actors, _ = paged
    ids = expected(engine, lambda row: row.action.startswith(prefix))
    assert_pages(engine, actors["admin"], AuditFilter(action=prefix), ids, every=True)
    if prefix == "user.":  # codes outside ACTIONS are in their group, ties on `at` across codes are ordered by id
        assert len(ids) > 10 * SIZE
        with reading(engine) as session:
            stored = set(session.execute(select(AuditLog.action).where(AuditLog.id.in_(ids))).scalars())
        assert {"user.custom", "user.legacy_code"} <= stored


def test_an_action_group_within_dates(paged):
    engine, actors, _ = paged
    start, end = (TIED - timedelta(days=1)).date(), TIED.date()
    ids = expected(engine, lambda row: row.action.startswith("user.") and in_days(row, start, end))
    assert 0 < len(ids) < 160
    assert_pages(engine, actors["admin"], AuditFilter(action="user.", date_from=start, date_to=end), ids, every=True)


def test_an_action_group_with_a_community_or_an_exact_code(paged):
    engine, actors, places = paged
    admin = actors["admin"]
    ids = expected(engine, lambda row: row.action.startswith("user.") and row.community_id == places["kh"])
    assert ids
    assert_pages(engine, admin, AuditFilter(action="user.", community_id=places["kh"]), ids, every=True)
    ids = expected(engine, lambda row: row.action.startswith("account.") and row.community_id is None)
    assert_pages(engine, admin, AuditFilter(action="account.", without_community=True), ids, every=True)
    ids = expected(engine, lambda row: row.action == "matter.analyse")
    assert len(ids) > 10 * SIZE  # the demo's analyses and the fixture's
    assert_pages(engine, admin, AuditFilter(action="matter.analyse"), ids)


def test_a_secretary_pages_through_their_community_only(paged):
    engine, actors, places = paged
    secretary = actors["secretary"]
    ids = expected(engine, lambda row: row.community_id == places["ks"])
    assert len(ids) > 20 * SIZE
    assert_pages(engine, secretary, AuditFilter(), ids)
    ids = expected(engine, lambda row: row.community_id == places["ks"] and row.action.startswith("user."))
    assert ids
    assert_pages(engine, secretary, AuditFilter(action="user."), ids, every=True)
    assert trail.entries_page(engine, AuditFilter(action="user."), actor=actors["leader"], count_up_to=5).empty
