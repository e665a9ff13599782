"""The resident councils (居民议事会) and estate joint meetings (小区联席会议) of a benchmark city, added once to a file
that holds its matters, trail and joint committees.

The city has about COUNCILS_CITY councils across its 217 communities: every community has its resident council
(16 to 29 members across the configured seats, a 三会一评 round about every quarter) and 2 to 6 estate joint
meetings (9 to 15 members: the estate party group leader as convener, the grid leader, owners' committee members and
3 resident representatives; a round every four to six months). Two years of rounds are generated back from today by
the demo's generator (data_access.demo.council.council_rows): opinion-collection, discussion and decision meetings
with attendance, agendas and minutes, votes (hands, ballot, named with ballots) under the configured rules, a few
rejected and a few invalid for want of a quorum (voted again at the next decision meeting), decisions with owner,
due date and notice, follow-ups (an existing 365 matter of the community, or a need), review meetings about three
months later with reports, ratings and outcomes, now and then an ad hoc meeting, members who left and were
replaced; the next meetings within two weeks are planned. Topics come from the opinion meetings, from members and
from matters of the community. The district and demo scales get the same density per community.

No council audit entries are added: audit_log is append-only and its ids follow time (bench.trail).

Everything is one transaction; a last check (`present`) finds councils and skips the step.
"""

from __future__ import annotations

import bisect
import random
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from datetime import time as clock_time

from sqlalchemy import Engine, func, select, text

from data_access import clock
from data_access.db import transaction
from data_access.demo import council as gen
from data_access.demo import sample
from data_access.models import (
    Community,
    Council,
    CouncilAgendaItem,
    CouncilAttendance,
    CouncilBallot,
    CouncilDecision,
    CouncilMeeting,
    CouncilMember,
    CouncilRating,
    CouncilReview,
    CouncilTopic,
    Matter,
    User,
    UserRole,
)
from domain.council.rules import OUTCOMES
from domain.settings import Settings

SEED = 1000
COUNCILS_CITY, COMMUNITIES_CITY = 1000, 217
DAYS = 730  # two years of rounds
BATCH = 20  # communities per insert
MATTER_SAMPLE = 40  # one matter in this many is a candidate source or follow-up of a council topic
ESTATES = ("幸福里", "和美家园", "阳光花园", "锦绣苑", "翠柳小区", "康乐新村", "春晖园", "金桂苑", "明德小区", "嘉禾园",
           "丰华里", "福寿新村", "兰亭苑", "瑞祥小区", "景苑小区", "安宁里")
# (title, what residents said, the decision): the demo's topics and a few more
ESTATE_TOPICS = [(t.title, t.opinions or t.detail, t.decision or f"同意{t.title}方案")
                 for rnd in gen.XINGFULI_ROUNDS for t in rnd.topics] + [
    ("高空抛物防范", "居民反映楼上有人往下扔垃圾，险些砸到行人。",
     "在高层楼栋加装高空抛物监控探头，开展入户宣传。"),
    ("楼道照明改造", "居民反映楼道灯损坏多日未修，老人上下楼不安全。",
     "更换全部楼道灯为声光控LED灯，物业每月巡检。"),
    ("小区健身器材更新", "居民反映健身器材老化，部分已损坏。",
     "更换健身器材8件，由物业负责日常维护。"),
    ("快递柜设置", "居民希望在小区内设置智能快递柜。",
     "在小区南门内侧设置智能快递柜两组。"),
    ("地下车库渗水维修", "居民反映地下车库顶板渗水，车辆被污损。",
     "对地下车库顶板渗水点进行防水维修，费用从维修资金列支。"),
    ("宠物文明饲养", "居民反映遛狗不拴绳、不清理粪便。",
     "制定宠物文明饲养公约，在小区内张贴并入户宣传。"),
]
RESIDENT_TOPICS = [(t.title, t.opinions or t.detail, t.decision or f"同意{t.title}方案")
                   for rnd in gen.KANGSHENG_ROUNDS for t in rnd.topics if not t.withdrawn] + [
    ("社区卫生服务站延时服务", "上班族居民希望卫生服务站晚上和周末也能看病拿药。",
     "卫生服务站工作日延时至19时，周六上午开诊。"),
    ("背街小巷环境整治", "居民反映背街小巷垃圾堆积、路面破损。",
     "开展背街小巷环境整治，清运垃圾、修补路面，建立保洁责任区。"),
    ("青少年暑期托管", "双职工家庭希望暑假有地方托管孩子。",
     "暑期开设青少年托管班，由社工和志愿者负责，收取少量材料费。"),
    ("老年人防诈骗宣传", "老人反映经常接到诈骗电话，有人上当受骗。",
     "联合派出所每月开展一次防诈骗讲座，入户发放宣传资料。"),
    ("社区议事厅改造", "居民反映议事场地狭小，开会坐不下。",
     "将党群服务中心二楼会议室改造为议事厅，配备扩音和投影设备。"),
    ("便民服务点设置", "居民希望在社区设置修鞋、配钥匙等便民服务点。",
     "在社区东门设置便民服务点，引入修鞋、配钥匙等服务。"),
]
REPORTS = {"carried_out": ["已按决议全部完成，居民反映良好。", "已完成并经居民代表验收。"],
           "partly": ["已完成大部分工作，剩余部分正在推进。", "主体工作已完成，个别楼栋尚未落实。"],
           "not": ["因资金未到位，工作尚未启动。", "相关手续未办结，暂未实施。"]}
REASONS = {"partly": ["部分居民有异议，需进一步协调", "施工受天气影响延期", "资金分批到位"],
           "not": ["资金未到位", "相关审批手续未办结", "承办单位人手不足"]}


def say(message: str) -> None:
    print(message, flush=True)


def present(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(Council.id).limit(1)).first() is not None


def estate_counts(rng: random.Random, communities: int) -> list[int]:
    """Estate joint meetings per community (2 to 6), the city's density: COUNCILS_CITY councils across 217."""
    total = round(communities * COUNCILS_CITY / COMMUNITIES_CITY) - communities
    counts = [total // communities] * communities
    for index in rng.sample(range(communities), total % communities):
        counts[index] += 1
    for _ in range(communities * 2):
        a, b = rng.randrange(communities), rng.randrange(communities)
        if counts[a] > 2 and counts[b] < 6:
            counts[a] -= 1
            counts[b] += 1
    return counts


def _names(rng: random.Random, n: int) -> list[str]:
    names: list[str] = []
    while len(names) < n:
        name = sample.person(rng)
        if name not in names:
            names.append(name)
    return names


def members_of(rng: random.Random, kind: str, today: date, established: date, grid: int) -> list[gen.MemberSpec]:
    if kind == "resident_council":
        seats = ([("party", "社区党委书记")] + [("residents_committee", "居委会委员")] * rng.randint(2, 3)
                 + [("owners_committee", "业委会主任")] * rng.randint(2, 4)
                 + [("property", "物业项目经理")] * rng.randint(2, 3)
                 + [("merchants", "商户代表")] * rng.randint(2, 3)
                 + [("social_org", "社会组织代表")] * rng.randint(1, 2)
                 + [("resident", "居民代表")] * rng.randint(6, 12))
    else:
        seats = ([("party", "小区党小组组长、业委会主任"), ("grid_leader", f"第{grid}网格网格长")]
                 + [("owners_committee", "业委会委员")] * rng.randint(4, 10) + [("resident", "居民代表")] * 3)
    names = _names(rng, len(seats) + 1)
    members = [gen.MemberSpec(name, seat, title, convener=index == 0)
               for index, (name, (seat, title)) in enumerate(zip(names, seats, strict=False))]
    if rng.random() < 0.3:  # a resident representative left and was replaced
        left = today - timedelta(days=rng.randint(60, DAYS - 60))
        if left > established:
            index = len(members) - 1
            members[index] = gen.MemberSpec(members[index].name, "resident", "居民代表", end=left, active=False)
            members.append(gen.MemberSpec(names[-1], "resident", "居民代表", start=left + timedelta(days=1)))
    return members


def topic(rng: random.Random, pool: list[tuple[str, str, str]], members: list[gen.MemberSpec], *, planned: bool,
          no_quorum: bool, matter: dict | None) -> gen.TopicSpec:
    title, opinions, decision = rng.choice(pool)
    roll = rng.random()
    member = matter_row = None
    if matter is not None and roll < 0.1:
        matter_row = matter
    elif roll < 0.25:  # a member serving the whole term
        member = rng.choice([i for i, m in enumerate(members) if m.start is None and m.end is None])
    if not planned and rng.random() < 0.02:
        return gen.TopicSpec(title, opinions=opinions, member=member, matter=matter_row, votes=(),
                             withdrawn="已协调解决")
    votes: tuple[str, ...] = ()
    if not planned:
        roll = rng.random()
        votes = ("passed",) if roll < 0.88 else ("rejected",) if roll < 0.95 else ("rejected", "passed")
        if no_quorum:
            votes = ("invalid", "passed")
    reviews: tuple[gen.Review, ...] = ()
    if votes and votes[-1] == "passed" and rng.random() < 0.7:
        outcome = rng.choices(OUTCOMES, (65, 25, 10))[0]
        first = gen.Review(outcome, rng.choice(REPORTS[outcome]), rng.choice(REASONS.get(outcome, [None])))
        reviews = (first,)
        if outcome == "partly" and rng.random() < 0.5:
            reviews += (gen.Review("carried_out", rng.choice(REPORTS["carried_out"])),)
    owner = members[rng.randrange(len(members))]
    roll = rng.random()
    return gen.TopicSpec(
        title, opinions=opinions if member is None and matter_row is None else None,
        detail=opinions if member is not None else None, member=member, matter=matter_row, votes=votes,
        method=rng.choices(("hands", "ballot", "named"), (70, 15, 15))[0], decision=decision,
        owner=f"{owner.title} {owner.name}"[:60], due_days=rng.randint(30, 120),
        follow_up="matter" if roll < 0.04 else "need" if roll < 0.06 else None, reviews=reviews)


def rounds_of(rng: random.Random, kind: str, members: list[gen.MemberSpec], today: date,
              matters: tuple[list[date], list[int]]) -> list[gen.RoundSpec]:
    """Rounds back from today over DAYS: a quarter apart for a resident council, four to six months for an estate."""
    resident = kind == "resident_council"
    pool = RESIDENT_TOPICS if resident else ESTATE_TOPICS
    interval = rng.randint(84, 98) if resident else rng.randint(120, 180)
    day = rng.randint(-interval + 15, 14)  # the latest round's decision meeting
    rounds = []
    while day - 28 >= -DAYS:
        planned = day >= 0
        no_quorum = not planned and rng.random() < 0.03
        candidates = bisect.bisect_right(matters[0], today + timedelta(days=day - 30))  # raised before the round
        n = rng.randint(8, 12) if resident else rng.randint(5, 8)
        topics = tuple(topic(rng, pool, members, planned=planned, no_quorum=no_quorum,
                             matter={"id": matters[1][rng.randrange(candidates)]} if candidates else None)
                       for _ in range(n))
        rounds.append(gen.RoundSpec(day, topics, review_after=rng.randint(80, 95)))
        day -= interval + rng.randint(-7, 7)
    if rng.random() < 0.25:
        rounds.append(gen.RoundSpec(-rng.randint(20, DAYS - 60), (
            topic(rng, pool, members, planned=False, no_quorum=False, matter=None),), ad_hoc=True))
    for index, rnd in enumerate(rounds):  # an ad hoc topic is a member's; the others keep their sources
        if rnd.ad_hoc:
            t = rnd.topics[0]
            rounds[index] = replace(rnd, topics=(replace(t, member=0, matter=None, opinions=None),))
    return rounds


class _Matters:
    """A sample of each community's matters, by registration: the sources and the follow-ups of topics."""

    def __init__(self, session) -> None:
        self.by_community: dict[int, tuple[list[date], list[int]]] = {}
        rows = session.execute(select(Matter.id, Matter.community_id, Matter.registered_at)
                               .where(Matter.id % MATTER_SAMPLE == 0).order_by(Matter.registered_at, Matter.id))
        for matter_id, community_id, registered in rows:
            days, ids = self.by_community.setdefault(community_id, ([], []))
            days.append(clock.local(registered).date())
            ids.append(matter_id)

    def of(self, community_id: int) -> tuple[list[date], list[int]]:
        return self.by_community.get(community_id, ([], []))

    def after(self, community_id: int):
        """A follow-up: the first sampled matter of the community registered on or after the follow-up's day."""
        days, ids = self.of(community_id)

        def find(decision: dict, topic: dict, when: datetime) -> int | None:
            index = bisect.bisect_left(days, clock.local(when).date())
            return ids[index] if index < len(ids) else None
        return find


def ensure(engine: Engine, settings: Settings, now: datetime, *, log=say) -> float | None:
    """Add the councils unless there are some already; the seconds it took, None if nothing was added."""
    if present(engine):
        log("Resident councils present.")
        return None
    started = time.perf_counter()
    rng = random.Random(SEED)
    today = clock.local(now).date()
    with transaction(engine) as session:
        if engine.dialect.name == "sqlite":
            session.execute(text("PRAGMA cache_size=-65536"))
        communities = session.execute(select(Community.id, Community.name).order_by(Community.id)).all()
        roles = session.execute(select(User.id, User.username, User.display_name, UserRole.role,
                                       UserRole.community_id).join(UserRole, UserRole.user_id == User.id)
                                .where(UserRole.role.in_(("secretary", "recorder"))).order_by(User.id)).all()
        secretaries, recorders = {}, {}
        for user_id, username, display, role, community_id in roles:
            if role == "secretary":
                secretaries.setdefault(community_id, (user_id, username))
            else:
                recorders.setdefault(community_id, (user_id, username, display.split()[-1]))
        matters = _Matters(session)
        log(f"  councils: {sum(len(v[1]) for v in matters.by_community.values()):,} matters sampled as sources "
            f"and follow-ups, {time.perf_counter() - started:5.1f} s")
        ids = gen.Ids(session)
        estates = estate_counts(rng, len(communities))
        totals = {name: 0 for name in gen.ORDER}
        batch: dict[str, list[dict]] = {name: [] for name in gen.ORDER}
        established = date(today.year - 3, 3, 15)
        term_end = date(today.year + 1, 3, 14)
        for position, ((community_id, name), n_estates) in enumerate(zip(communities, estates, strict=True)):
            manager = secretaries.get(community_id, (None, "system"))
            recorder = recorders.get(community_id, (None, "system", sample.person(rng)))
            own = matters.of(community_id)
            kinds = [("resident_council", f"{name}居民议事会", None)] + [
                ("estate_joint", f"{estate}小区联席会议", f"{estate}小区")
                for estate in rng.sample(ESTATES, n_estates)]
            for index, (kind, council_name, estate) in enumerate(kinds):
                members = members_of(rng, kind, today, established, index)
                spec = gen.CouncilSpec(
                    community_id=community_id, name=council_name, kind=kind, estate=estate, members=members,
                    rounds=rounds_of(rng, kind, members, today, own), established=established, term_end=term_end,
                    place=f"{name}党群服务中心议事厅" if estate is None else f"{estate}党群服务站",
                    recorder=recorder, manager=manager, start={"review": clock_time(14, 30)},
                    present=rng.uniform(0.72, 0.9), excused=0.06, audit=False,
                    matter_for=matters.after(community_id))
                rows = gen.council_rows(rng, settings, spec, ids, now)
                for table, table_rows in rows.items():
                    batch[table].extend(table_rows)
                    totals[table] += len(table_rows)
            if (position + 1) % BATCH == 0 or position + 1 == len(communities):
                gen.insert_rows(session, batch)
                batch = {name: [] for name in gen.ORDER}
                log(f"  councils: {position + 1:>4} / {len(communities)} communities, "
                    f"{totals['council_decision']:>7,} decisions, {time.perf_counter() - started:5.1f} s")
        gen.sync_sequences(session)
    seconds = time.perf_counter() - started
    log(f"  councils: {totals['council']:,} councils, {totals['council_member']:,} members, "
        f"{totals['council_meeting']:,} meetings, {totals['council_attendance']:,} attendance rows, "
        f"{totals['council_topic']:,} topics, {totals['council_agenda_item']:,} agenda items, "
        f"{totals['council_decision']:,} decisions, {totals['council_ballot']:,} ballots, "
        f"{totals['council_review']:,} reviews, {totals['council_rating']:,} ratings, {totals['need']:,} needs; "
        f"{seconds:.0f} s")
    return seconds


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {model.__tablename__: conn.execute(select(func.count()).select_from(model)).scalar_one()
                for model in (Council, CouncilMember, CouncilMeeting, CouncilAttendance, CouncilTopic,
                              CouncilAgendaItem, CouncilDecision, CouncilBallot, CouncilReview, CouncilRating)}
