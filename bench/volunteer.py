"""Volunteer service (志愿服务) of a benchmark city, added once to a file that holds its matters, trail, joint
committees and councils.

The city has the Ordos figures of issue 16: VOLUNTEERS_CITY registered volunteers, TEAMS_CITY teams and ORDERS_CITY
orders across its 217 communities, spread unevenly (busy communities have several times the orders of quiet ones);
the district and demo scales get the same density per community. Every community gets the demo's year from
data_access.demo.volunteer.service_rows: its own team and teams of some of its member units (linked by unit_id, their
specialities read from the unit's text), now and then a social organisation's team, each with a leader; volunteers
(most of them in a team, a third party members, some reporting to a member unit, a few inactive); a year of orders
through the whole loop with their full timelines (order_event, as bench.generate keeps the matters' timelines),
service records, sign-off links, one in a hundred raised from a 365 matter of mode team or proxy; the points ledger
(one earn transfer per volunteer per signed order, redemptions and their same-day reversals) with each account's
balance; a store of 15 goods per community; the overview's monthly tally counted from them (tally.rebuild). In
community #1 the demo accounts `volunteer` and `teamlead` (made here when the file predates them) get the demo's open
work.

No volunteer audit entries are added: audit_log is append-only and its ids follow time (bench.trail).

Everything is one transaction; a last check (`present`) finds volunteers and skips the step.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, insert, select, text

from data_access.db import transaction
from data_access.demo import volunteer as gen
from data_access.demo.street import ACCOUNTS
from data_access.models import (
    Community,
    Matter,
    MemberUnit,
    OrderEvent,
    PointsAccount,
    PointsTransfer,
    Redemption,
    ServiceRecord,
    SignOffLink,
    StoreGood,
    User,
    UserRole,
    Volunteer,
    VolunteerOrder,
    VolunteerTeam,
)
from data_access.volunteer import tally
from data_access.volunteer.orders import MATTER_MODES
from domain.settings import Settings

SEED = 1727
VOLUNTEERS_CITY, TEAMS_CITY, ORDERS_CITY, COMMUNITIES_CITY = 120_000, 1_727, 500_000, 217
BATCH = 10  # communities per insert
IN_TEAMS = 0.85  # of the volunteers, in a team
MATTER_SAMPLE = 40  # one matter of mode team or proxy in this many may raise an order
MATTER_ORDERS = 0.01  # of the orders, raised from a 365 matter
SOCIAL_ORG_SHARE = 0.3  # communities with a social organisation's team
SOCIAL_ORGS = ("{s}邻里互助协会", "{s}夕阳红志愿者协会", "{s}青年志愿者协会", "{s}爱心公益服务社")
SPREAD = 0.6  # a community's orders and volunteers: the mean times 1 - SPREAD to 1 + SPREAD


def say(message: str) -> None:
    print(message, flush=True)


def present(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(Volunteer.id).limit(1)).first() is not None


def split(rng: random.Random, total: int, weights: list[float], least: int = 1) -> list[int]:
    """`total` split in proportion to `weights`, each part at least `least`, the parts summing to `total`."""
    whole = sum(weights)
    parts = [max(least, int(total * w / whole)) for w in weights]
    while sum(parts) < total:
        parts[rng.randrange(len(parts))] += 1
    while sum(parts) > total:
        index = rng.randrange(len(parts))
        if parts[index] > least:
            parts[index] -= 1
    return parts


def demo_accounts(session, community_id: int, now: datetime) -> dict[str, tuple[int, str, str]]:  # noqa: ANN001
    """The demo accounts `volunteer` and `teamlead` (street.ACCOUNTS) in community #1, made when the file was
    generated before they existed (with admin's password hash: the demo password)."""
    wanted = {username: (display, roles) for username, display, roles in ACCOUNTS
              if username in (gen.VOLUNTEER_ACCOUNT, gen.LEADER_ACCOUNT)}
    found = {username: (uid, username, display) for uid, username, display in session.execute(
        select(User.id, User.username, User.display_name).where(User.username.in_(list(wanted))))}
    missing = [username for username in wanted if username not in found]
    if missing:
        password = session.execute(select(User.password_hash).where(User.username == "admin")).scalar_one()
        session.execute(insert(User.__table__), [
            {"username": username, "display_name": wanted[username][0], "email": None, "password_hash": password,
             "is_active": True, "failed_logins": 0, "locked_until": None, "last_login_at": None,
             "password_changed_at": now - timedelta(days=30), "created_at": now - timedelta(days=30)}
            for username in missing])
        made = dict(session.execute(select(User.username, User.id).where(User.username.in_(missing))).all())
        session.execute(insert(UserRole.__table__), [
            {"user_id": made[username], "role": role, "community_id": community_id, "grid_id": None}
            for username in missing for role, _ in wanted[username][1]])
        found.update({username: (made[username], username, wanted[username][0]) for username in missing})
    return found


def teams_of(rng: random.Random, settings: Settings, name: str, units: list[tuple], n_teams: int,
             members: int) -> list[gen.TeamSpec]:
    """A community's n_teams teams: its own, those of member units (their team name and speciality), now and then a
    social organisation's; `members` volunteers among them, the community's team the largest."""
    kinds = [k.code for k in settings.volunteer.service_kinds]
    short = name.removesuffix("社区")
    picked = rng.sample(units, min(len(units), n_teams - 1))
    social = n_teams - 1 - len(picked)
    if social == 0 and len(picked) > 1 and rng.random() < SOCIAL_ORG_SHARE:
        picked.pop()
        social = 1
    sizes = split(rng, members, [2.5] + [rng.uniform(0.6, 1.4) for _ in range(n_teams - 1)], least=3)
    teams = [gen.TeamSpec(gen.COMMUNITY_TEAM[0].format(name=name)[:60], "community", None,
                          tuple(k for k in gen.COMMUNITY_TEAM[1] if k in kinds), sizes[0])]
    for (unit_id, unit, team, speciality), size in zip(picked, sizes[1:], strict=False):
        teams.append(gen.TeamSpec((team or f"{unit}志愿服务队")[:60], "member_unit", unit_id,
                                  gen.specialities(f"{team or ''}{speciality or ''}", kinds), size))
    for index in range(social):
        org = SOCIAL_ORGS[index % len(SOCIAL_ORGS)].format(s=short)
        if index >= len(SOCIAL_ORGS):
            org += f"第{index // len(SOCIAL_ORGS) + 1}分会"
        teams.append(gen.TeamSpec(f"{org}志愿服务队"[:60], "social_org", None,
                                  gen.specialities(org + "为老服务、邻里互助、文体活动", kinds),
                                  sizes[len(picked) + 1 + index]))
    return teams


def goods_of(units: list[tuple]) -> list[gen.GoodSpec]:
    """The demo store's 15 goods, donated by the community's member units (by position) or residents."""
    names = [unit for _, unit, _, _ in units]
    return [gen.GoodSpec(good, price, stock, names[donor % len(names)] if isinstance(donor, int) and names
                         else donor if isinstance(donor, str) else "爱心居民")
            for good, price, stock, donor in gen.GOODS]


def ensure(engine: Engine, settings: Settings, now: datetime, *, log=say) -> float | None:
    """Add the volunteer service unless there are volunteers already; the seconds it took, None if nothing was
    added."""
    if present(engine):
        log("Volunteer service present.")
        return None
    started = time.perf_counter()
    rng = random.Random(SEED)
    with transaction(engine) as session:
        if engine.dialect.name == "sqlite":
            session.execute(text("PRAGMA cache_size=-65536"))
        communities = session.execute(select(Community.id, Community.name).order_by(Community.id)).all()
        units: dict[int, list[tuple]] = {}
        for unit_id, community_id, unit, team, speciality in session.execute(
                select(MemberUnit.id, MemberUnit.community_id, MemberUnit.name, MemberUnit.volunteer_team,
                       MemberUnit.speciality).order_by(MemberUnit.id)):
            units.setdefault(community_id, []).append((unit_id, unit, team, speciality))
        staff: dict[int, list[tuple[int, str, str]]] = {}
        for user_id, username, display, community_id in session.execute(
                select(User.id, User.username, User.display_name, UserRole.community_id).distinct()
                .join(UserRole, UserRole.user_id == User.id)
                .where(UserRole.role.in_(("secretary", "worker")), User.is_active.is_(True))
                .order_by(UserRole.community_id, User.id)):
            staff.setdefault(community_id, []).append((user_id, username, display))
        matters: dict[int, list[dict]] = {}
        for row in session.execute(select(Matter.id, Matter.number, Matter.registered_at, Matter.description,
                                          Matter.category, Matter.community_id)
                                   .where(Matter.mode.in_(MATTER_MODES), Matter.id % MATTER_SAMPLE == 0)):
            matters.setdefault(row.community_id, []).append(dict(row._mapping))
        accounts = demo_accounts(session, communities[0][0], now)
        log(f"  volunteers: {sum(map(len, matters.values())):,} matters sampled as sources, "
            f"{time.perf_counter() - started:5.1f} s")
        n = len(communities)
        busy = [rng.uniform(1 - SPREAD, 1 + SPREAD) for _ in range(n)]
        volunteers = split(rng, round(n * VOLUNTEERS_CITY / COMMUNITIES_CITY), busy, least=60)
        orders = split(rng, round(n * ORDERS_CITY / COMMUNITIES_CITY), [b * rng.uniform(0.8, 1.2) for b in busy],
                       least=60)
        teams = split(rng, round(n * TEAMS_CITY / COMMUNITIES_CITY), [1.0] * n, least=3)
        for _ in range(n * 2):  # 3 to 13 teams each, the total kept
            a, b = rng.randrange(n), rng.randrange(n)
            if teams[a] > 3 and teams[b] < 13:
                teams[a] -= 1
                teams[b] += 1
        ids = gen.Ids(session)
        id_numbers: set[str] = set()
        totals: dict[str, int] = {}
        batch: dict[str, list] = {}
        for position, (community_id, name) in enumerate(communities):
            own_units = units.get(community_id, [])
            first = position == 0
            team_specs = teams_of(rng, settings, name, own_units, teams[position],
                                  min(round(volunteers[position] * IN_TEAMS), volunteers[position]))
            spec = gen.ServiceSpec(
                community_id=community_id, estate=f"{name.removesuffix('社区')}小区", teams=team_specs,
                volunteers=volunteers[position], orders=orders[position], staff=staff.get(community_id, []),
                units=[u[0] for u in own_units], goods=goods_of(own_units), matters=matters.get(community_id, []),
                matter_orders=round(orders[position] * MATTER_ORDERS),
                volunteer_account=accounts.get(gen.VOLUNTEER_ACCOUNT) if first else None,
                leader_account=accounts.get(gen.LEADER_ACCOUNT) if first else None,
                leader_team=min(1, len(team_specs) - 1), audit=False, id_numbers=id_numbers)
            rows = gen.service_rows(rng, settings, spec, ids, now)
            for table, values in rows.items():
                totals[table] = totals.get(table, 0) + len(values)
            gen.merge(batch, rows)
            if (position + 1) % BATCH == 0 or position + 1 == n:
                gen.insert_rows(session, batch)
                batch = {}
                log(f"  volunteers: {position + 1:>4} / {n} communities, {totals['volunteer_order']:>9,} orders, "
                    f"{totals['order_event']:>10,} events, {time.perf_counter() - started:5.1f} s")
        gen.sync_sequences(session)
        tallied = tally.rebuild(session)  # the overview's monthly tally: bulk inserts pass by the writes that keep it
        log(f"  volunteers: tally of {tallied:,} rows, {time.perf_counter() - started:5.1f} s")
    seconds = time.perf_counter() - started
    log(f"  volunteers: {totals['volunteer']:,} volunteers, {totals['volunteer_team']:,} teams, "
        f"{totals['volunteer_order']:,} orders, {totals['order_event']:,} timeline entries, "
        f"{totals['service_record']:,} service records, {totals['sign_off_link']:,} sign-off links, "
        f"{totals['points_transfer']:,} ledger entries, {totals['points_account']:,} accounts, "
        f"{totals['store_good']:,} goods, {totals['redemption']:,} redemptions; {seconds:.0f} s")
    return seconds


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {model.__tablename__: conn.execute(select(func.count()).select_from(model)).scalar_one()
                for model in (Volunteer, VolunteerTeam, VolunteerOrder, OrderEvent, ServiceRecord, SignOffLink,
                              PointsAccount, PointsTransfer, StoreGood, Redemption)}
