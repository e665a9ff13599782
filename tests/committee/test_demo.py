"""The demo's joint committees (data_access.demo.committee via street.seed): the seed's committee of 康盛社区
(13 units, 15 projects, 45 items), agreements, claims with one withdrawn, a year of meetings under rotating
chairs, the next meeting planned for today and chaired by `unitrep`'s unit, and derived fields that agree with
the progress rows."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import func, select

from data_access import clock
from data_access.config import load_settings
from data_access.db import make_engine, migrate, reading
from data_access.demo import committee as demo_committee
from data_access.demo import street
from data_access.models import (
    ActionItem,
    AgendaItem,
    Agreement,
    AuditLog,
    Claim,
    CommitteeMeeting,
    Community,
    MeetingAttendance,
    MemberUnit,
    Need,
    ProgressUpdate,
    Project,
    Resource,
    ServiceItem,
    User,
    UserRole,
)
from domain.committee import rules
from tests.conftest import NOW

pytestmark = pytest.mark.db
TODAY = clock.local(NOW).date()


def community_id(session, name: str = "康盛社区") -> int:
    return session.execute(select(Community.id).where(Community.name == name)).scalar_one()


def all_of(session, model, community: int) -> list:
    return list(session.execute(select(model).where(model.community_id == community)).scalars())


def test_the_seed_committee_of_kangsheng(demo_engine):
    with reading(demo_engine) as session:
        ks = community_id(session)
        units = sorted(all_of(session, MemberUnit, ks), key=lambda u: u.rota_position)
        projects = all_of(session, Project, ks)
        items = all_of(session, ServiceItem, ks)
        assert (len(units), len(projects), len(items)) == (13, 15, 45)
        assert [u.rota_position for u in units] == list(range(1, 14))
        assert {p.year for p in projects} == {TODAY.year}
        assert all(date(TODAY.year, 1, 1) <= i.period_start < i.period_end <= date(TODAY.year, 12, 31) for i in items)
        assert {u.kind for u in units} >= {"community", "enterprise", "school", "agency", "social_org"}
        assert all(re.fullmatch(r"000-\d{8}", u.liaison_phone) for u in units)  # fictitious numbers only
        assert all(u.party_org and u.volunteer_team and u.speciality and u.party_members > 0 for u in units)
        assert len({u.liaison for u in units}) == 13
        # agreements for the year: 11 signed, 1 draft, 1 unit without one
        agreements = all_of(session, Agreement, ks)
        statuses = sorted(a.status for a in agreements if a.year == TODAY.year)
        assert statuses == ["draft"] + ["signed"] * 11
        assert all((a.signed_on is not None) == (a.status == "signed") for a in agreements)
        # the three lists
        needs = all_of(session, Need, ks)
        assert sum(n.source == "matter" and n.matter_id is not None for n in needs) == 2
        assert sum(n.project_id is not None for n in needs) >= 8
        resources = all_of(session, Resource, ks)
        assert {r.unit_id for r in resources} == {u.id for u in units}
        # the small committees of the other two communities
        for name in ("康和社区", "康泰社区"):
            other = community_id(session, name)
            assert 4 <= len(all_of(session, MemberUnit, other)) <= 5
            assert 2 <= len(all_of(session, Project, other)) <= 3
            assert all_of(session, Claim, other) and all_of(session, CommitteeMeeting, other)


def test_every_unit_has_a_representative_outside_the_demo_logins(demo_engine):
    with reading(demo_engine) as session:
        units = list(session.execute(select(MemberUnit)).scalars())
        roles = {(r.user_id, r.community_id) for r in session.execute(
            select(UserRole).where(UserRole.role == "unitrep")).scalars()}
        names = dict(session.execute(select(User.id, User.username)).all())
    assert all((u.representative_id, u.community_id) in roles for u in units)
    assert len({u.representative_id for u in units}) == len(units)
    demo_names = {username for username, _, _ in street.ACCOUNTS}
    reps = [names[u.representative_id] for u in units]
    assert sum(r in demo_names for r in reps) == 1 and "unitrep" in reps  # the others are not demo logins
    assert all(r == "unitrep" or r.startswith("rep_") for r in reps)


def test_claims_progress_and_derived_fields_agree(demo_engine, settings):
    with reading(demo_engine) as session:
        ks = community_id(session)
        items = {i.id: i for i in all_of(session, ServiceItem, ks)}
        claims = all_of(session, Claim, ks)
        updates = all_of(session, ProgressUpdate, ks)
        meetings = {m.id: m for m in all_of(session, CommitteeMeeting, ks)}
    active = [c for c in claims if c.status == rules.CLAIM_ACTIVE]
    withdrawn = [c for c in claims if c.status == rules.CLAIM_WITHDRAWN]
    assert len(withdrawn) == 1 and withdrawn[0].withdraw_reason and withdrawn[0].withdrawn_on
    assert 38 <= len({c.item_id for c in active}) <= 42  # about 40 of the 45 items claimed
    per_item = defaultdict(int)
    for c in active:
        per_item[c.item_id] += 1
    assert settings.committee.exclusive and max(per_item.values()) == 1  # one active claim per item
    by_claim = defaultdict(list)
    for u in updates:
        by_claim[u.claim_id].append(u)
    for c in claims:
        rows = sorted(by_claim[c.id], key=lambda u: (u.on, u.id))
        assert c.done == (rows[-1].done if rows else 0.0)
        assert c.last_update_on == (rows[-1].on if rows else None)
        assert all(0 <= u.done <= c.pledge for u in rows)
        assert [u.done for u in rows] == sorted(u.done for u in rows)  # cumulative
        assert all(c.claimed_on <= u.on <= TODAY for u in rows)
        if c.withdrawn_on:
            assert all(u.on < c.withdrawn_on for u in rows)
    for u in updates:
        if u.meeting_id:
            assert meetings[u.meeting_id].day == u.on and meetings[u.meeting_id].status == "closed"
    assert sum(u.meeting_id is not None for u in updates) > 40 and sum(u.file_data is not None for u in updates) > 0
    done = defaultdict(float)
    for c in claims:  # withdrawn claims included: work done stays done
        done[c.item_id] += c.done
    for item in items.values():
        assert item.done == min(item.target, done[item.id])
    # realistic, uneven progress as of today
    complete = [i for i in items.values() if i.done >= i.target]
    behind = [i for i in items.values() if per_item[i.id] and i.done < i.target and rules.behind_schedule(
        i.done / i.target, i.period_start, i.period_end, TODAY, settings.committee.behind_tolerance)]
    last_closed = max(m.day for m in meetings.values() if m.status == "closed" and m.kind == "progress")
    stale = {c.item_id for c in active if items[c.item_id].done < items[c.item_id].target
             and (c.last_update_on is None or c.last_update_on <= last_closed)}
    assert 5 <= len(complete) <= 25 and 3 <= len(behind) <= 25 and 2 <= len(stale) <= 15
    assert len(complete) + len(behind) < 45


def test_meetings_rotate_and_the_next_is_today_chaired_by_unitrep(demo_engine, settings):
    with reading(demo_engine) as session:
        ks = community_id(session)
        units = {u.id: u for u in all_of(session, MemberUnit, ks)}
        meetings = sorted(all_of(session, CommitteeMeeting, ks), key=lambda m: m.day)
        unitrep = session.execute(select(User.id).where(User.username == "unitrep")).scalar_one()
        attendance = list(session.execute(select(MeetingAttendance)).scalars())
        agenda = list(session.execute(select(AgendaItem)).scalars())
        actions = all_of(session, ActionItem, ks)
    closed = [m for m in meetings if m.status == "closed"]
    assert closed[0].kind == "annual" and closed[0].day.month == 1
    progress = [m for m in closed if m.kind == "progress"]
    assert len(progress) >= 4
    for a, b in zip(progress, progress[1:], strict=False):
        assert b.day == rules.add_months(a.day, settings.committee.meeting_every_months)
    assert all(m.opened_at and m.closed_at and m.summary for m in closed)
    # chairs follow the rotation, one unit after the other
    order = [u.id for u in sorted(units.values(), key=lambda u: u.rota_position)]
    for a, b in zip(meetings, meetings[1:], strict=False):
        assert b.chair_unit_id != a.chair_unit_id
        assert b.chair_unit_id == rules.next_chair(order, a.chair_unit_id, order)
    nxt = meetings[-1]
    assert (nxt.status, nxt.kind, nxt.day) == ("planned", "progress", TODAY)
    assert units[nxt.chair_unit_id].representative_id == unitrep
    assert rules.next_chair(order, closed[-1].chair_unit_id, order) == nxt.chair_unit_id
    assert nxt.day == rules.next_meeting_date(closed[-1].day, settings.committee.meeting_every_months, TODAY)
    # attendance: every unit at every closed meeting, most present, the chair always
    for m in closed:
        rows = [a for a in attendance if a.meeting_id == m.id]
        assert {a.unit_id for a in rows} == set(units)
        assert sum(a.present for a in rows) >= 9
        assert next(a for a in rows if a.unit_id == m.chair_unit_id).present
    assert not [a for a in attendance if a.meeting_id == nxt.id] and not [a for a in agenda if a.meeting_id == nxt.id]
    # agendas: carried action items first, then behind, stale, rest
    for m in progress:
        rows = sorted((a for a in agenda if a.meeting_id == m.id), key=lambda a: a.position)
        assert rows and [a.position for a in rows] == list(range(1, len(rows) + 1))
        sections = [rules.AGENDA_SECTIONS.index(a.section) for a in rows]
        assert sections == sorted(sections)
        assert all((a.action_item_id is not None) == (a.section == "carried") for a in rows)
        assert len({a.claim_id for a in rows if a.claim_id}) == sum(a.claim_id is not None for a in rows)
    # decisions and action items: owners on actions, some done at the next meeting, a few still open
    by_id = {m.id: m for m in meetings}
    todo = [a for a in actions if a.kind == "action"]
    assert all(a.owner and a.due and a.due >= by_id[a.meeting_id].day for a in todo)
    done_at_meeting = [a for a in todo if a.done and a.done_meeting_id]
    assert done_at_meeting and all(by_id[a.done_meeting_id].day > by_id[a.meeting_id].day for a in done_at_meeting)
    assert 2 <= sum(not a.done for a in todo) <= 6
    assert any(a.kind == "decision" for a in actions)


def test_seed_summary_counts_and_is_repeatable(demo_engine, tmp_path):
    with reading(demo_engine) as session:
        entry = session.execute(select(AuditLog).where(AuditLog.action == "demo.seed")).scalar_one()
        counted = {"member_units": MemberUnit, "projects": Project, "service_items": ServiceItem, "claims": Claim,
                   "progress_updates": ProgressUpdate, "committee_meetings": CommitteeMeeting}
        for key, model in counted.items():
            assert entry.after[key] == session.execute(select(func.count()).select_from(model)).scalar_one()
        assert entry.after["accounts"] == len(street.ACCOUNTS)
        assert entry.after["unit_representatives"] == entry.after["member_units"] - 1  # unitrep is the last one
        units = session.execute(select(MemberUnit.name, MemberUnit.liaison).order_by(MemberUnit.id)).all()
        updates = session.execute(select(ProgressUpdate.on, ProgressUpdate.done).order_by(ProgressUpdate.id)).all()
        assert session.execute(select(func.count()).where(AuditLog.action == "committee.progress")).scalar_one() \
            == len(updates)
    other = make_engine(f"sqlite:///{tmp_path}/again.db")
    migrate(other)
    street.seed(other, load_settings(), now=NOW)
    with reading(other) as session:
        assert session.execute(select(MemberUnit.name, MemberUnit.liaison).order_by(MemberUnit.id)).all() == units
        assert session.execute(select(ProgressUpdate.on, ProgressUpdate.done)
                               .order_by(ProgressUpdate.id)).all() == updates
    other.dispose()


@pytest.mark.parametrize("today", [date(2026, 1, 5), date(2026, 2, 15), date(2026, 12, 31), date(2027, 7, 1)])
def test_schedule_on_any_day(today):
    annual, days = demo_committee.schedule(today, 2)
    assert annual < today and all(annual < d < today for d in days)
    assert days == sorted(days) and len(days) <= 6


@pytest.mark.parametrize("moment", ["2026-01-05T09:00:00+08:00", "2026-03-12T18:00:00+08:00",
                                    "2027-12-31T23:30:00+08:00"])
def test_the_demo_seeds_on_any_day(tmp_path, moment):
    from datetime import datetime

    now = datetime.fromisoformat(moment)
    today = clock.local(now).date()
    engine = make_engine(f"sqlite:///{tmp_path}/any.db")
    migrate(engine)
    street.seed(engine, load_settings(), now=now, matters=20)
    with reading(engine) as session:
        ks = community_id(session)
        meetings = sorted(all_of(session, CommitteeMeeting, ks), key=lambda m: m.day)
        units = {u.id: u for u in all_of(session, MemberUnit, ks)}
        unitrep = session.execute(select(User.id).where(User.username == "unitrep")).scalar_one()
        updates = all_of(session, ProgressUpdate, ks)
        items = all_of(session, ServiceItem, ks)
    assert meetings[-1].day == today and meetings[-1].status == "planned"
    assert units[meetings[-1].chair_unit_id].representative_id == unitrep
    assert all(m.day < today for m in meetings[:-1])
    assert all(u.on <= today and u.created_at <= now for u in updates)
    assert len(items) == 45 and all(i.done <= i.target for i in items)
    engine.dispose()
