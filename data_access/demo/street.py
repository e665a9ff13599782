"""Demo data for a fresh install: one street, three communities with grids, the demo accounts, ~300 matters
with their timelines and audit trail, each community's joint committee (data_access.demo.committee) and its
resident council or estate joint meeting (data_access.demo.council), and 康盛社区's volunteer service
(data_access.demo.volunteer)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, insert, select
from sqlmodel import Session

from data_access import audit, clock
from data_access.accounts.auth import DEMO_PASSWORD, hash_password
from data_access.db import sync_id_sequence, transaction
from data_access.demo import committee as demo_committee
from data_access.demo import council as demo_council
from data_access.demo import fund as demo_fund
from data_access.demo import sample
from data_access.demo import volunteer as demo_volunteer
from data_access.models import AuditLog, Community, DisplayLink, Grid, Matter, MatterEvent, Street, User, UserRole
from data_access.service import tally
from domain.access import SYSTEM
from domain.settings import Settings

STREET = "青春山街道"
COMMUNITIES = [("康盛社区", "KS", 6), ("康和社区", "KH", 5), ("康泰社区", "KT", 4)]
# username, display name, [(role, index of community or None)]
ACCOUNTS = [
    ("admin", "系统管理员", [("admin", None)]),
    ("leader", "街道领导 刘振华", [("leader", None)]),
    ("secretary", "康盛社区书记 王丽娟", [("secretary", 0)]),
    ("worker", "康盛社区社工 张敏", [("worker", 0)]),
    ("unitrep", "成员单位代表 赵建国", [("unitrep", 0)]),
    ("recorder", "议事会记录员 孙雅琴", [("recorder", 0), ("fund_manager", 0)]),
    ("volunteer", "志愿者 周晓东", [("volunteer", 0)]),
    ("teamlead", "服务队队长 马桂英", [("team_lead", 0)]),
    ("convener", "联席会议召集人 周明远", [("fund_manager", 0)]),
    ("treasurer", "业委会委员 林春梅", [("fund_manager", 0)]),
]


def add_accounts(session: Session, community_ids: list[int], now: datetime) -> list[tuple[int, str]]:
    """The demo accounts (community roles in community_ids[0]); returns (id, name) of those who handle matters."""
    hashed = hash_password(DEMO_PASSWORD)  # one hash for all demo accounts: they share the password
    actors = []
    for username, display, roles in ACCOUNTS:
        user = User(username=username, display_name=display, password_hash=hashed, created_at=now)
        session.add(user)
        session.flush()
        for role, index in roles:
            session.add(UserRole(user_id=user.id, role=role,
                                 community_id=None if index is None else community_ids[index]))
        if username in ("secretary", "worker"):
            actors.append((user.id, display))
    return actors


DISPLAY_LINK = "街道大厅大屏"


def add_display_link(session: Session, settings: Settings, usernames: dict[int, str], now: datetime) -> None:
    """The street leader's display link for the street hall's wall screen (the login page shows its address)."""
    leader = next(uid for uid, name in usernames.items() if name == "leader")
    link = DisplayLink(name=DISPLAY_LINK, community_id=None, created_by=leader, created_at=now,
                       expires_at=now + timedelta(days=settings.briefing.link_max_days))
    session.add(link)
    session.flush()
    audit.record(session, actor=SYSTEM, action="display.create", entity="display_link", entity_id=link.id, at=now,
                 after={"name": link.name, "slides": "", "expires_at": link.expires_at.isoformat()})


def seed(engine: Engine, settings: Settings, *, matters: int = 300, now: datetime | None = None,
         seed_value: int = 365) -> bool:
    """Fill an empty database with the demo street in one transaction; False if it was not empty."""
    now = now or clock.now()
    rng = random.Random(seed_value)
    with transaction(engine) as session:
        if session.execute(select(func.count()).select_from(Street)).scalar_one():
            return False
        street = Street(name=STREET)
        session.add(street)
        session.flush()
        places = []
        community_ids = []
        communities = []
        for name, code, n_grids in COMMUNITIES:
            community = Community(street_id=street.id, name=name, code=code)
            session.add(community)
            session.flush()
            grids = [Grid(community_id=community.id, name=f"{name[:2]}第{i}网格") for i in range(1, n_grids + 1)]
            session.add_all(grids)
            session.flush()
            places.append((community.id, [g.id for g in grids]))
            community_ids.append(community.id)
            communities.append((community.id, name, code))
        actors = add_accounts(session, community_ids, now)
        rows, events = [], []
        # the councils' follow-up matters are among the `matters`
        for matter, timeline in sample.matters(rng, settings, places, matters - demo_council.FOLLOW_UPS, now,
                                               actors=actors):
            rows.append(matter)
            events.extend(timeline)
        session.execute(insert(Matter), rows)
        session.execute(insert(MatterEvent), events)
        usernames = dict(session.execute(select(User.id, User.username)).all())
        session.execute(insert(AuditLog), sample.audit_rows({m["id"]: m for m in rows}, events, usernames))
        sync_id_sequence(session, "matter")
        tally.rebuild(session)
        # its own rng: the committees stay the same whatever the number of matters
        committees = demo_committee.seed(session, settings, random.Random(seed_value + 1), communities, rows, now)
        councils = demo_council.seed(session, settings, random.Random(seed_value + 2), communities, rows, now)
        volunteers = demo_volunteer.seed(session, settings, random.Random(seed_value + 3), communities, rows, now)
        funds = demo_fund.seed(session, settings, communities, now)
        add_display_link(session, settings, usernames, now)
        audit.record(session, actor=SYSTEM, action="demo.seed", entity="street", entity_id=street.id, at=now,
                     after={"communities": len(COMMUNITIES), "matters": len(rows) + councils["follow_up_matters"],
                            "accounts": len(ACCOUNTS),
                            **committees, **councils, **volunteers, **funds})
    return True
