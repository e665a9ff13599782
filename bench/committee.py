"""The joint committees (联合党委) of a benchmark city, added once to a file that holds its matters and trail.

The city has UNITS_CITY member units across its 217 communities (the seed article's 2,142 social organisations),
about ten per community (7 to 13); the district and demo scales get the same density. Every community gets the
demo's committee year from data_access.demo.committee.committee_rows: the first unit is the community's residents'
committee, the others come from UNIT_TEMPLATES; each unit has a representative account (the community's
`{code}.unitrep` of bench.trail, or `unitrep` in community #1, represents the unit that chairs the next meeting;
the others get `{code}.rep{nn}`), a yearly agreement (a few drafts and missing ones), 15 projects with 45 service
items (the demo's), claims on about 40 of them (one withdrawn and taken over), progress updates through the year
(about 100,000 in the city), the annual meeting and the bimonthly progress meetings with attendance, generated
agendas, decisions and action items, and the next progress meeting planned for today. Communities hold their
meetings on different days (up to SHIFT_DAYS before the street's rhythm).

The committee's audit entries are not added: audit_log is append-only and its ids follow time (bench.trail); the
committee's few hundred thousand entries would not change the trail's figures (8 million entries).

Everything is one transaction; a last check (`present`) finds member units and skips the step.
"""

from __future__ import annotations

import random
import time
from datetime import datetime

from sqlalchemy import Engine, func, select, text

from data_access import clock
from data_access.db import transaction
from data_access.demo import committee as gen
from data_access.demo import sample
from data_access.models import (
    ActionItem,
    AgendaItem,
    Claim,
    CommitteeMeeting,
    Community,
    MemberUnit,
    ProgressUpdate,
    ServiceItem,
    Street,
    User,
    UserRole,
)
from domain.settings import Settings

SEED = 2142
UNITS_CITY, COMMUNITIES_CITY = 2142, 217
MIN_UNITS, MAX_UNITS = 7, 13
BATCH = 20  # communities per insert
SHIFT_DAYS = 12
GAP_UPDATES = 2.8  # updates a claim gets between two meetings, on average (the demo: 0.8)
UNCHANGED = 0.6  # chance that such an update is recorded when nothing new was done (the demo: 0)
DRAFT_SHARE, MISSING_SHARE = 0.5, 0.3  # communities with one draft agreement, with one unit without an agreement
UNIT_TEMPLATES = [  # (name, kind, speciality)
    ("{s}小学", "school", "课后托管、青少年教育"),
    ("{s}幼儿园", "school", "亲子活动、儿童安全教育"),
    ("{s}中学", "school", "课业辅导、文明宣传"),
    ("{s}职业技术学校", "school", "家电维修、技能培训"),
    ("{street}派出所{s}警务室", "agency", "治安巡逻、反诈宣传"),
    ("{s}社区卫生服务站", "agency", "义诊、慢病随访"),
    ("{s}消防救援站", "agency", "消防检查、应急演练"),
    ("{street}市场监督管理所{s}站", "agency", "食品安全、消费维权"),
    ("{s}物业服务有限公司", "enterprise", "设施维修、环境整治"),
    ("{street}农商银行{s}支行", "enterprise", "金融知识、反诈宣传"),
    ("{s}惠民超市", "enterprise", "爱心代购、送货上门"),
    ("{street}供电所{s}营业厅", "enterprise", "安全用电、线路检修"),
    ("{s}路桥养护有限公司", "enterprise", "道路养护、除雪保畅"),
    ("{s}社会工作服务中心", "social_org", "个案帮扶、心理疏导"),
    ("{s}志愿者协会", "social_org", "志愿服务、邻里互助"),
    ("{s}养老服务中心", "social_org", "助餐送餐、日间照料"),
]
RESOURCES = {"school": ("venue", "操场及活动室"), "agency": ("expertise", "专业人员"),
             "enterprise": ("funds", "公益资金及物资"), "social_org": ("expertise", "持证社工"),
             "community": ("venue", "党群服务中心")}


def say(message: str) -> None:
    print(message, flush=True)


def present(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(MemberUnit.id).limit(1)).first() is not None


def unit_counts(rng: random.Random, communities: int) -> list[int]:
    """Units per community: the city's density (2,142 across 217), 7 to 13 each, the total kept."""
    total = round(communities * UNITS_CITY / COMMUNITIES_CITY)
    counts = [total // communities] * communities
    for index in rng.sample(range(communities), total % communities):
        counts[index] += 1
    for _ in range(communities * 2):
        a, b = rng.randrange(communities), rng.randrange(communities)
        if counts[a] > MIN_UNITS and counts[b] < MAX_UNITS:
            counts[a] -= 1
            counts[b] += 1
    return counts


def units_of(rng: random.Random, name: str, street: str, n: int) -> list[gen.UnitSpec]:
    short = name.removesuffix("社区")
    units = [gen.UnitSpec(f"{name}居民委员会", "community", f"中共{name}委员会", f"{name}志愿服务队",
                          "政策宣传、矛盾调解、为老服务", rng.randint(12, 30), (("venue", "党群服务中心", None),))]
    for template, kind, speciality in rng.sample(UNIT_TEMPLATES, n - 1):
        unit = template.format(s=short, street=street.removesuffix("街道"))
        resource = RESOURCES[kind]
        units.append(gen.UnitSpec(unit, kind, f"中共{unit}支部委员会"[:60], f"{unit}志愿服务队"[:60], speciality,
                                  rng.randint(3, 60), ((resource[0], resource[1], None),
                                                       ("volunteers", f"{unit}志愿服务队"[:100], None))))
    return units


def projects_for(rng: random.Random, n_units: int,
                 without: set[int]) -> tuple[list[gen.ProjectSpec], int, int]:
    """The demo's 15 projects and 45 items, claimed by this community's units (5 left unclaimed); the index of
    an item to be withdrawn and taken over, and the unit that withdraws."""
    claimers = [u for u in range(n_units) if u not in without]
    flat = [(p, i) for p, project in enumerate(gen.KANGSHENG_PROJECTS) for i in range(len(project.items))]
    unclaimed = set(rng.sample(range(len(flat)), 5))
    order = list(claimers) * (len(flat) // len(claimers) + 1)
    rng.shuffle(order)
    projects, position = [], 0
    for project in gen.KANGSHENG_PROJECTS:
        items = []
        for item in project.items:
            claimer = None if position in unclaimed else order[position]
            items.append(gen.ItemSpec(item.name, item.target, item.unit, claimer, item.frequency, item.start, item.end,
                                      item.beneficiaries))
            position += 1
        projects.append(gen.ProjectSpec(project.name, project.detail, tuple(items), project.need, project.need_detail))
    withdraw = rng.choice([k for k in range(len(flat)) if k not in unclaimed])
    return projects, withdraw, order[withdraw]


def ensure(engine: Engine, settings: Settings, now: datetime, *, log=say) -> float | None:
    """Add the committees unless there are member units already; the seconds it took, None if nothing was added."""
    if present(engine):
        log("Joint committees present.")
        return None
    started = time.perf_counter()
    rng = random.Random(SEED)
    with transaction(engine) as session:
        if engine.dialect.name == "sqlite":
            session.execute(text("PRAGMA cache_size=-65536"))
        communities = session.execute(select(Community.id, Community.code, Community.name, Community.street_id)
                                      .order_by(Community.id)).all()
        streets = dict(session.execute(select(Street.id, Street.name)).all())
        users = dict(session.execute(select(User.username, User.id)).all())
        secretaries = {community_id: (user_id, username) for user_id, username, community_id in session.execute(
            select(User.id, User.username, UserRole.community_id).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "secretary").order_by(User.id))}
        names = dict(session.execute(select(User.id, User.display_name)).all())
        password = session.execute(select(User.password_hash).where(User.username == "admin")).scalar_one()
        ids = gen.Ids(session)
        counts = unit_counts(rng, len(communities))
        _, days = gen.schedule(clock.local(now).date(), settings.committee.meeting_every_months)
        totals = {"member_unit": 0, "claim": 0, "progress_update": 0, "committee_meeting": 0, "agenda_item": 0,
                  "action_item": 0, "service_item": 0, "accounts": 0}
        batch: dict[str, list[dict]] = {name: [] for name in gen.ORDER}
        for position, ((community_id, code, name, street_id), n) in enumerate(zip(communities, counts, strict=True)):
            units = units_of(rng, name, streets[street_id], n)
            chair_next = (1 + len(days)) % n
            own_rep = users.get("unitrep") if position == 0 else users.get(f"{code.lower()}.unitrep")
            accounts = [(f"{code.lower()}.rep{index + 1:02d}", f"{unit.name[:30]} {sample.person(rng)}")
                        for index, unit in enumerate(units) if not (own_rep and index == chair_next)]
            rep_ids = iter(gen.add_representatives(session, community_id, accounts, password, now))
            account_names = iter(username for username, _ in accounts)
            reps = []
            for index in range(n):
                if own_rep and index == chair_next:
                    reps.append((own_rep, "unitrep" if position == 0 else f"{code.lower()}.unitrep"))
                else:
                    reps.append((next(rep_ids), next(account_names)))
            without = set()
            agreements: list[str | None] = ["signed"] * n
            if rng.random() < DRAFT_SHARE:
                agreements[rng.randrange(1, n)] = "draft"
            if rng.random() < MISSING_SHARE:
                missing = rng.randrange(1, n)
                agreements[missing] = None
                without.add(missing)
            projects, withdraw, claimer = projects_for(rng, n, without)
            replacement = rng.choice([u for u in range(n) if u not in without and u != claimer])
            sec_id, sec_user = secretaries.get(community_id, (None, "system"))
            sec_name = names[sec_id].split()[-1] if sec_id else ""
            spec = gen.CommitteeSpec(
                community_id=community_id, units=units, projects=projects, representatives=reps,
                agreements=agreements, secretary=(sec_id, sec_user, sec_name),
                place=f"{name}党群服务中心会议室", withdraw=(withdraw, replacement, "人手不足，经推进会同意退出"),
                plan_next=True, gap_updates=GAP_UPDATES, meeting_update=0.9, unchanged=UNCHANGED, files=0.02,
                audit=False, shift=rng.randint(0, SHIFT_DAYS))
            rows = gen.committee_rows(rng, settings, spec, ids, now)
            for table, table_rows in rows.items():
                batch[table].extend(table_rows)
                if table in totals:
                    totals[table] += len(table_rows)
            totals["accounts"] += len(accounts)
            if (position + 1) % BATCH == 0 or position + 1 == len(communities):
                gen.insert_rows(session, batch)
                batch = {name: [] for name in gen.ORDER}
                log(f"  committees: {position + 1:>4} / {len(communities)} communities, "
                    f"{totals['progress_update']:>9,} progress updates, {time.perf_counter() - started:5.1f} s")
        gen.sync_sequences(session)
    seconds = time.perf_counter() - started
    log(f"  committees: {totals['member_unit']:,} member units, {totals['service_item']:,} items, "
        f"{totals['claim']:,} claims, {totals['progress_update']:,} progress updates, "
        f"{totals['committee_meeting']:,} meetings, {totals['agenda_item']:,} agenda rows, "
        f"{totals['action_item']:,} decisions and action items, {totals['accounts']:,} representative accounts; "
        f"{seconds:.0f} s")
    return seconds


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {model.__tablename__: conn.execute(select(func.count()).select_from(model)).scalar_one()
                for model in (MemberUnit, ServiceItem, Claim, ProgressUpdate, CommitteeMeeting, AgendaItem,
                              ActionItem)}
