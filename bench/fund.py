"""The estate public-welfare funds (小区公益基金) of a benchmark city, added once to a file that holds its matters,
trail, joint committees, councils and volunteer service.

The city gets FUNDS_CITY funds across its 217 communities (the district and demo scales the same density), one per
estate joint meeting (小区联席会议). The councils of bench.council hold 783 of them: estate joint meetings are added
by the same generator (two years of rounds, members and decisions) to the communities with the fewest estates until
there is one per fund. Each fund is held by three co-managers, members of its council (the convener, an owners'
committee member and a resident representative), each with an account holding the fund_manager role; where a
resident representative left the council, half the time they were a co-manager, removed and replaced by their
successor a few weeks later. Community #1's first fund is held by the demo accounts `convener`, `treasurer` and
`recorder` (made, or given the role, when the file predates them).

A fund opened about YEARS years ago with an opening balance, and has every source of income since: the start-up
grant (and now and then a second one), the lift adverts monthly and the hall's rent every other month, the property
company's quarterly share, donations, and a few reversals (an entry made twice, or with a wrong amount and entered
again). Spending requests of every purpose come about twice a month and meet the co-signature rule of their amount
(settings.fund.cosign): mostly paid (signatures, timeline, voucher), some rejected, some withdrawn, a few pending
now (waiting for signatures, or ready for the worker); large ones rest on a passed decision of the council and are
paid once its notice is over, a few wait for a decision. Every entry, request and payment has its file (a tiny
image: the reads list files, they never open them). Money moves in day order; a payment the balance does not cover
is withdrawn instead (余额不足), so fund.balance_fen = opening + income - payments and never went below zero
(`wrong_balances` checks both).

No audit entries are added: audit_log is append-only and its ids follow time (bench.trail). Everything is one
transaction of Core bulk inserts with explicit ids, the same rng and `now` giving the same rows; a last check
(`present`) finds funds and skips the step.
"""

from __future__ import annotations

import io
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from PIL import Image
from sqlalchemy import Engine, func, insert, literal, select, text

from bench import council as councils
from data_access import clock
from data_access.db import sync_id_sequence, transaction
from data_access.demo import council as council_gen
from data_access.demo import sample
from data_access.demo.committee import at
from data_access.demo.street import ACCOUNTS
from data_access.models import (
    Community,
    Council,
    CouncilDecision,
    CouncilMember,
    Fund,
    FundEvent,
    FundFile,
    FundIncome,
    FundManager,
    FundRequest,
    FundSignature,
    Street,
    User,
    UserRole,
)
from domain.fund.rules import tier_for
from domain.settings import Settings

SEED = 1717
FUNDS_CITY, COMMUNITIES_CITY = 1000, 217
YEARS = 5
BATCH = 50  # funds per insert
REQUESTS_A_YEAR = 24
RECENT_DAYS = 21  # requests of the last three weeks may still be pending
LARGE_SHARE = 0.12  # of a council's passed decisions, those a large spending rests on
WAITING_LARGE = 0.08  # of the funds, those with a large request waiting for the council's decision
REVERSED_TWICE, REVERSED_AMOUNT = 0.015, 0.008  # of the income entries: entered twice / with a wrong amount
# a decision saying one of these costs money: a large spending may rest on it
WORKS = ("更换", "维修", "改造", "加装", "设置", "整治", "绿化", "修缮", "安装", "建设", "增设", "补植", "修补")
LEFT_MANAGER = 0.5  # of the councils whose resident representative left: they were a co-manager
DEMO_MANAGERS = ("convener", "treasurer", "recorder")
TABLES = {"user_account": User, "fund": Fund, "fund_manager": FundManager, "fund_income": FundIncome,
          "fund_request": FundRequest, "fund_signature": FundSignature, "fund_event": FundEvent,
          "fund_file": FundFile}
ORDER = ("user_account", "user_role", "fund", "fund_manager", "fund_income", "fund_request", "fund_signature",
         "fund_event", "fund_file")

PAYEES = {
    "hygiene": [("康盛日用品商店", "购买楼道消毒液、垃圾袋"), ("绿康消杀服务部", "楼道及垃圾房灭蚊灭蝇"),
                ("绿康消杀服务部", "季度楼道消杀"), ("洁美保洁服务社", "清理楼顶和地下室杂物"),
                ("康盛日用品商店", "垃圾分类宣传袋和分类桶标识"), ("洁美保洁服务社", "雨季后清掏雨水井")],
    "upkeep": [("安居照明工程部", "更换小区主干道路灯"), ("盛和物业工程部", "维修单元门禁"),
               ("健乐体育器材公司", "维修中心花园健身器材"), ("安居水电维修部", "更换楼道破损水管阀门"),
               ("宏达防水工程部", "修补单元楼顶漏雨点"), ("盛和物业绿化部", "修剪小区树木、补种草皮"),
               ("安居照明工程部", "楼道灯更换为声光控LED灯")],
    "culture": [("幸福里老年协会", "重阳节敬老活动：慰问品和茶点"), ("小区居民活动队", "端午节包粽子活动材料"),
                ("康盛文化传媒", "中秋联欢晚会舞台和音响"), ("小区居民活动队", "广场舞比赛服装和奖品"),
                ("新华书店", "小区书屋新书"), ("小区居民活动队", "元旦联欢活动奖品和茶点")],
    "relief": [("困难家庭", "春节慰问困难家庭"), ("独居老人", "独居老人家中应急维修补助"),
               ("困难家庭", "冬季取暖补助"), ("困难学生家庭", "困难家庭学生助学补助"),
               ("重病居民家庭", "大病家庭临时救助")],
}
PURPOSE_WEIGHTS = {"hygiene": 30, "upkeep": 35, "culture": 20, "relief": 15}
REJECTED = ["先请物业评估能否维修，维修不了再换", "报价偏高，请再询价两家", "与上月同类支出重复",
            "建议由共建单位赞助", "不属于基金使用范围"]
WITHDRAWN = ["活动改由共建单位赞助，不再使用基金", "物业同意免费维修", "活动取消", "已由业主自行解决"]
SHORT_OF_MONEY = "余额不足，待收入到账后重新申请"
PROPERTY = ("盛和物业服务有限公司", "安居物业管理有限公司", "康泰物业服务有限公司", "万家物业服务有限公司")
ADVERTISERS = ("悦动传媒有限公司", "分众广告有限公司", "城市之光传媒")
DONORS = ("万家便利店（爱心商户）", "康盛银行营业网点（共建单位）", "小区居民（爱心捐款箱）", "惠民药房（爱心商户）",
          "辖区共建单位党支部", "热心居民", "小区业主委员会")


def say(message: str) -> None:
    print(message, flush=True)


def present(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(Fund.id).limit(1)).first() is not None


def _image() -> bytes:
    """A tiny receipt picture (8x8 PNG): the reads list files by name and size, they never open them."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


class Ids:
    """The next free id per table (the rows are inserted with explicit ids)."""

    def __init__(self, session) -> None:  # noqa: ANN001
        self.next = {name: (session.execute(select(func.max(model.id))).scalar() or 0) + 1
                     for name, model in TABLES.items()}

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


# --- estate councils ----------------------------------------------------------------------------------------------

def add_estates(session, rng: random.Random, settings: Settings, now: datetime, wanted: int,  # noqa: ANN001
                log) -> int:
    """Estate joint meetings added by bench.council's generator, one at a time to the community with the fewest,
    until the city has `wanted`; how many were added."""
    today = clock.local(now).date()
    communities = session.execute(select(Community.id, Community.name).order_by(Community.id)).all()
    have = {cid: [] for cid, _ in communities}
    for cid, name in session.execute(select(Council.community_id, Council.name)):
        have[cid].append(name)
    estates = {cid: sum(name.endswith("联席会议") for name in names) for cid, names in have.items()}
    short = wanted - sum(estates.values())
    if short <= 0:
        return 0
    added: dict[int, int] = defaultdict(int)
    for _ in range(short):
        cid = min(estates, key=lambda c: (estates[c], c))
        estates[cid] += 1
        added[cid] += 1
    secretaries, recorders = {}, {}
    for user_id, username, display, role, cid in session.execute(
            select(User.id, User.username, User.display_name, UserRole.role, UserRole.community_id)
            .join(UserRole, UserRole.user_id == User.id).where(UserRole.role.in_(("secretary", "recorder")))
            .order_by(User.id)):
        if role == "secretary":
            secretaries.setdefault(cid, (user_id, username))
        else:
            recorders.setdefault(cid, (user_id, username, display.split()[-1]))
    matters = councils._Matters(session)
    ids = council_gen.Ids(session)
    rows: dict[str, list[dict]] = {name: [] for name in council_gen.ORDER}
    established, term_end = date(today.year - 3, 3, 15), date(today.year + 1, 3, 14)
    for cid, n in sorted(added.items()):
        estates = [e if e.endswith("小区") else f"{e}小区" for e in councils.ESTATES]
        free = [e for e in estates if not any(name.startswith(e) for name in have[cid])]
        for index, estate in enumerate(rng.sample(free, n)):
            members = councils.members_of(rng, "estate_joint", today, established, len(have[cid]) + index)
            spec = council_gen.CouncilSpec(
                community_id=cid, name=f"{estate}联席会议", kind="estate_joint", estate=estate,
                members=members, rounds=councils.rounds_of(rng, "estate_joint", members, today, matters.of(cid)),
                established=established, term_end=term_end, place=f"{estate}党群服务站",
                recorder=recorders.get(cid, (None, "system", sample.person(rng))),
                manager=secretaries.get(cid, (None, "system")), present=rng.uniform(0.72, 0.9), excused=0.06,
                audit=False, matter_for=matters.after(cid))
            for table, table_rows in council_gen.council_rows(rng, settings, spec, ids, now).items():
                rows[table].extend(table_rows)
    council_gen.insert_rows(session, rows)
    council_gen.sync_sequences(session)
    log(f"  funds: {short} estate joint meetings added to {len(added)} communities "
        f"({len(rows['council_member']):,} members, {len(rows['council_decision']):,} decisions)")
    return short


# --- the funds ----------------------------------------------------------------------------------------------------

@dataclass
class Manager:
    """A co-manager as the generator sees one: account, council member, from when and (removed) until when."""

    user_id: int
    member_id: int
    since: date
    until: date | None = None

    def serves(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


@dataclass
class Estate:
    """What a fund is made from: its council, the community's staff, the council's members and passed decisions."""

    council_id: int
    community_id: int
    estate: str
    street: str
    secretary: int | None
    worker: int | None
    members: list = field(default_factory=list)  # council_member rows
    decisions: list = field(default_factory=list)  # (id, text, decided_on, notice_end) of passed decisions


@dataclass
class Spending:
    """A request as planned: its day, what, who asks, what becomes of it (paid, rejected, withdrawn, pending) and
    after how many approvals, the day it is paid."""

    day: date
    purpose: str
    fen: int
    payee: str
    detail: str
    requester: Manager
    fate: str
    approvals: int
    decision: tuple | None = None
    pay_day: date | None = None
    reason: str | None = None
    signers: tuple[Manager, ...] = ()  # who signs, in order (else the others in a random order)


def co_managers(rng: random.Random, members: list, opened: date, today: date, *,
                demo: bool) -> list[tuple[object, date, date | None]]:
    """(member, since, until) of a fund's co-managers: the convener, an owners' committee member and a resident
    representative serving today; where a representative left the council, half the time (never for the demo's
    fund) they were the co-manager until they left, and their successor was named some weeks later."""
    serving = [m for m in members if m.active and (m.term_end is None or m.term_end >= today)]
    convener = next((m for m in serving if m.convener), serving[0])
    rest = [m for m in serving if m is not convener]
    owners = [m for m in rest if m.seat == "owners_committee"] or rest
    owner = rng.choice(owners)
    residents = [m for m in rest if m.seat == "resident" and m is not owner] or [m for m in rest if m is not owner]
    left = [m for m in members if not m.active and m.seat == "resident" and m.term_end and m.term_end < today]
    successors = [m for m in residents if left and m.term_start > left[0].term_end]
    picked = [(convener, opened, None), (owner, opened, None)]
    if left and successors and not demo and rng.random() < LEFT_MANAGER:
        gone = left[0].term_end
        named = min(gone + timedelta(days=rng.randint(7, 30)), today - timedelta(days=1))
        return picked + [(left[0], opened, gone), (successors[0], named, None)]
    return picked + [(rng.choice([m for m in residents if m not in successors] or residents), opened, None)]


class FundBook:
    """One fund's years as rows: the fund, its co-managers (and their accounts), income, requests with signatures,
    timeline, payment and files. Money moves in day order."""

    def __init__(self, rng: random.Random, settings: Settings, ids: Ids, estate: Estate, now: datetime,
                 image: bytes) -> None:
        self.rng, self.settings, self.ids, self.e, self.image = rng, settings, ids, estate, image
        self.today, self.latest = clock.local(now).date(), now - timedelta(minutes=30)
        self.cid = estate.community_id
        self.rows: dict[str, list[dict]] = {name: [] for name in ORDER}
        self.opened = self.today - timedelta(days=round(YEARS * 365.25) + rng.randint(-45, 45))
        self.fund_id = ids.take("fund")
        self.opening = rng.randint(0, 60) * 50_000
        self.managers: list[Manager] = []
        self.demo = False
        self.vouchers: dict[int, int] = defaultdict(int)
        self.counts = {"reversals": 0, "short_of_money": 0, "large": 0}

    def when(self, day: date, hour: int, minute: int = 0) -> datetime:
        return min(at(day, hour, minute), self.latest)

    def after(self, moment: datetime, least: int, most: int) -> datetime:
        """Some minutes (least to most) after `moment`, never after the latest moment generated."""
        return min(moment + timedelta(minutes=self.rng.randint(least, most)), self.latest)

    # -- the fund and its co-managers --

    def open(self, name: str, accounts: list[int | None], username: str, password: str, now: datetime) -> None:
        """The fund and its co-managers; an account of None is made (username % its number, the demo password)."""
        self.demo = any(accounts)
        picked = co_managers(self.rng, self.e.members, self.opened, self.today, demo=self.demo)
        self.rows["fund"].append({
            "id": self.fund_id, "community_id": self.cid, "council_id": self.e.council_id, "name": name,
            "opened_on": self.opened, "opening_fen": self.opening, "balance_fen": self.opening, "active": True,
            "created_by": self.e.secretary, "updated_at": self.when(self.opened, 9)})
        for number, (member, since, until) in enumerate(picked, start=1):
            user_id = accounts[number - 1] if number <= len(accounts) else None
            if user_id is None:
                user_id = self.ids.take("user_account")
                made = at(since, 9) - timedelta(days=1)
                self.rows["user_account"].append({
                    "id": user_id, "username": username % number,
                    "display_name": f"{self.e.estate}共管人 {member.name}", "email": None, "password_hash": password,
                    "is_active": True, "failed_logins": 0, "locked_until": None, "last_login_at": None,
                    "password_changed_at": made, "created_at": made})
                self.rows["user_role"].append({"user_id": user_id, "role": "fund_manager", "community_id": self.cid,
                                               "grid_id": None})
            self.managers.append(Manager(user_id, member.id, since, until))
            self.rows["fund_manager"].append({
                "id": self.ids.take("fund_manager"), "fund_id": self.fund_id, "community_id": self.cid,
                "member_id": member.id, "user_id": user_id, "active": until is None, "since": since,
                "updated_at": self.when(since, 9, 30) if until is None else self.when(until + timedelta(days=1), 9)})

    # -- income --

    def income_plan(self) -> list[tuple]:
        """(day, source, payer, fen, note) of every income entry as received, in day order."""
        rng, opened, today, street = self.rng, self.opened, self.today, self.e.street
        plan = [(opened + timedelta(days=3), "grant", f"{street}办事处", rng.randint(20, 60) * 100_000,
                 "小区公益基金启动资金")]
        if rng.random() < 0.3:
            plan.append((opened + timedelta(days=rng.randint(700, 1100)), "grant", f"{street}办事处",
                         rng.randint(10, 30) * 100_000, "年度社区治理补助资金"))
        advert, rent, share = rng.randint(800, 2500) * 100, rng.randint(3, 8) * 10_000, rng.randint(4000, 9000)
        advertiser, company = rng.choice(ADVERTISERS), rng.choice(PROPERTY)
        month = 1
        while (day := opened + timedelta(days=30 * month - 5)) < today:
            plan.append((day, "shared_resources", advertiser, advert, "电梯广告收益"))
            if month % 2 == 0:
                plan.append((day, "shared_resources", "小区居民活动队", rent, "活动室场地租金"))
            month += 1
        year, quarter = opened.year, (opened.month - 1) // 3 + 1  # the share of a quarter, paid the next one
        while (day := date(year + quarter // 4, quarter % 4 * 3 + 1, 10)) < today:
            plan.append((day, "property_share", company, round(share * rng.uniform(0.9, 1.1)) * 100,
                         f"{year}年第{quarter}季度收益分成"))
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
        day = opened
        while (day := day + timedelta(days=max(1, round(rng.expovariate(6 / 365))))) < today:
            fen = rng.choice((100, 200, 300, 500, 800, 1000, 1500, 2000, 3000, 5000)) * 100
            if rng.random() < 0.2:  # a collection box: yuan and jiao
                fen += rng.randint(1, 99) * 10
            plan.append((day, "donation", rng.choice(DONORS), fen,
                         rng.choice((None, None, "指定用于困难家庭帮扶", "重阳节募集", "春节慰问募集"))))
        return sorted(plan, key=lambda p: p[0])

    def income(self, plan: list[tuple]) -> list[tuple[date, int]]:
        """The entries' rows with their receipts, and the corrections: an entry made twice and its reversal, a
        wrong amount reversed and entered again. (day, fen) of every entry."""
        rng, moves, worker = self.rng, [], self.e.worker
        for day, source, payer, fen, note in plan:
            entry = self._entry(day, source, payer, fen, note, worker)
            moves.append((day, fen))
            roll = rng.random() if source != "grant" else 1.0
            if roll < REVERSED_TWICE:
                again = day + timedelta(days=1)
                fixed = again + timedelta(days=rng.randint(3, 10))
                if fixed < self.today:
                    twice = self._entry(again, source, payer, fen, note, worker)
                    self._reversal(twice, fixed, fen, "与前一笔重复录入", source, payer)
                    moves += [(again, fen), (fixed, -fen)]
            elif roll < REVERSED_TWICE + REVERSED_AMOUNT:
                fixed = day + timedelta(days=rng.randint(1, 5))
                if fixed < self.today:
                    self._reversal(entry, fixed, fen, "金额录入错误，已按正确金额重新登记", source, payer)
                    right = max(fen + rng.choice((-1, 1)) * rng.randint(1, 9) * 1000, 100)
                    self._entry(fixed, source, payer, right, note, worker)
                    moves += [(fixed, -fen), (fixed, right)]
        return moves

    def _entry(self, day: date, source: str, payer: str, fen: int, note: str | None, worker: int | None) -> int:
        eid = self.ids.take("fund_income")
        created = self.when(day, self.rng.randint(9, 17), self.rng.randint(0, 59))
        self.rows["fund_income"].append({
            "id": eid, "fund_id": self.fund_id, "community_id": self.cid, "received_on": day, "source": source,
            "payer": payer, "amount_fen": fen, "note": note, "reverses_id": None, "reason": None,
            "created_by": worker, "created_at": created})
        if self.rng.random() < 0.8:
            self._file("income", eid, f"收据{eid}.png", worker, created)
        return eid

    def _reversal(self, original: int, day: date, fen: int, reason: str, source: str, payer: str) -> None:
        self.counts["reversals"] += 1
        self.rows["fund_income"].append({
            "id": self.ids.take("fund_income"), "fund_id": self.fund_id, "community_id": self.cid,
            "received_on": day, "source": source, "payer": payer, "amount_fen": -fen, "note": None,
            "reverses_id": original, "reason": reason, "created_by": self.e.worker, "created_at": self.when(day, 15)})

    def _file(self, owner: str, owner_id: int, name: str, by: int | None, moment: datetime) -> None:
        self.rows["fund_file"].append({
            "id": self.ids.take("fund_file"), "fund_id": self.fund_id, "community_id": self.cid, "owner": owner,
            "owner_id": owner_id, "name": name, "kind": "image/png", "size": len(self.image), "data": self.image,
            "created_by": by, "created_at": moment})

    # -- spending --

    def _needed(self, fen: int, others: int) -> int:
        tier = tier_for(fen, self.settings.fund.cosign)
        return others if tier.approvals is None else tier.approvals

    def _fate(self, day: date, needed: int) -> tuple[str, int, str | None]:
        """What becomes of a request of `day` needing `needed` approvals: (fate, approvals, reason)."""
        rng, roll = self.rng, self.rng.random()
        recent = day >= self.today - timedelta(days=RECENT_DAYS)
        if roll < (0.05 if recent else 0.08):
            return "rejected", rng.randint(0, needed - 1), rng.choice(REJECTED)
        if roll < (0.10 if recent else 0.15):
            return "withdrawn", rng.randint(0, needed - 1), rng.choice(WITHDRAWN)
        if recent and (day >= self.today - timedelta(days=7) or rng.random() < 0.45):
            return "pending", rng.randint(0, needed), None
        return "paid", needed, None

    def spending_plan(self) -> list[Spending]:
        """The requests: about REQUESTS_A_YEAR a year of every purpose and amount, large ones on some passed
        decisions of the council (paid after its notice), now and then one waiting for a decision."""
        rng, today, plans = self.rng, self.today, []
        day = self.opened + timedelta(days=7)
        while (day := day + timedelta(days=max(1, round(rng.expovariate(REQUESTS_A_YEAR / 365))))) < today:
            serving = [m for m in self.managers if m.serves(day)]
            purpose = rng.choices(list(PURPOSE_WEIGHTS), list(PURPOSE_WEIGHTS.values()))[0]
            payee, detail = rng.choice(PAYEES[purpose])
            if rng.random() < 0.42 or len(serving) < 3:
                fen = rng.randint(5, 50) * 1000 - (rng.choice((0, 0, 500, 120)))
            else:
                fen = rng.randint(51, 480) * 1000 + rng.choice((0, 0, 0, 500))
            fate, approvals, reason = self._fate(day, self._needed(fen, len(serving) - 1))
            plans.append(Spending(day, purpose, fen, payee, detail, rng.choice(serving), fate, approvals,
                                  reason=reason))
        for decision in self.e.decisions:
            day = decision[2] + timedelta(days=rng.randint(1, 4))
            if rng.random() >= LARGE_SHARE or not self.opened < day < today or not any(
                    word in decision[1] for word in WORKS):
                continue
            serving = [m for m in self.managers if m.serves(day)]
            pay_day = max(decision[3] + timedelta(days=rng.randint(1, 5)), day + timedelta(days=3))
            purpose = rng.choice(("upkeep", "upkeep", "upkeep", "hygiene", "culture"))
            plans.append(Spending(day, purpose, rng.randint(501, 3000) * 1000, rng.choice(PAYEES[purpose])[0],
                                  f"{decision[1][:120]}（联席会议决议）", rng.choice(serving),
                                  "paid" if pay_day < today else "pending", len(serving) - 1, decision, pay_day))
        if rng.random() < WAITING_LARGE:
            day = today - timedelta(days=rng.randint(1, 12))
            serving = [m for m in self.managers if m.serves(day)]
            payee, detail = rng.choice(PAYEES["upkeep"])
            plans.append(Spending(day, "upkeep", rng.randint(501, 3000) * 1000, payee, f"{detail}（待联席会议表决）",
                                  rng.choice(serving), "pending", rng.randint(0, len(serving) - 1)))
        if self.demo:  # as in the demo: one waiting for the recorder, one for anyone, one ready to pay
            convener, treasurer, recorder = self.managers
            plans += [
                Spending(today - timedelta(days=3), "culture", 240_000, "小区居民活动队", "元旦联欢活动奖品和茶点",
                         convener, "pending", 1, signers=(treasurer, recorder)),
                Spending(today - timedelta(days=2), "hygiene", 32_000, "康盛日用品商店", "冬季楼道防滑垫", treasurer,
                         "pending", 0),
                Spending(today - timedelta(days=1), "relief", 150_000, "困难家庭", "冬季取暖补助", recorder, "pending",
                         2)]
        return sorted(plans, key=lambda p: p.day)

    def paid_in_order(self, plans: list[Spending], income: list[tuple[date, int]]) -> int:
        """Pay the requests in day order (income first on a day); one the balance does not cover is withdrawn that
        day. The balance at the end."""
        for plan in plans:
            if plan.fate == "paid" and plan.pay_day is None:
                plan.pay_day = min(plan.day + timedelta(days=self.rng.randint(1, 3) + self.rng.randint(1, 5)),
                                   self.today - timedelta(days=1))
        moves = sorted([(day, 0, fen, None) for day, fen in income]
                       + [(p.pay_day, 1, -p.fen, p) for p in plans if p.fate == "paid"], key=lambda m: m[:2])
        balance = self.opening
        for _, _, fen, plan in moves:
            if plan is not None and balance + fen < 0:
                plan.fate, plan.reason = "withdrawn", SHORT_OF_MONEY
                self.counts["short_of_money"] += 1
                continue
            balance += fen
            if balance < 0:
                raise RuntimeError(f"fund {self.fund_id}: a reversal took the balance below zero")
        return balance

    def request(self, plan: Spending) -> None:
        """A request's rows: the request, its quote, signatures, timeline, payment and voucher."""
        rng, rid, requester = self.rng, self.ids.take("fund_request"), plan.requester
        requested = self.when(plan.day, rng.randint(8, 20), rng.randint(0, 59))
        tier = tier_for(plan.fen, self.settings.fund.cosign)
        others = [m for m in self.managers if m.serves(plan.day) and m is not requester]
        rng.shuffle(others)
        others = list(plan.signers) or others
        row = {"id": rid, "fund_id": self.fund_id, "community_id": self.cid,
               "number": f"{self.settings.fund.request_prefix}{clock.local(requested):%Y%m%d}{rid:06d}",
               "purpose": plan.purpose, "amount_fen": plan.fen, "payee": plan.payee, "detail": plan.detail,
               "requester_id": requester.user_id, "requested_at": requested, "approvals_needed": tier.approvals,
               "needs_decision": tier.decision, "decision_id": plan.decision[0] if plan.decision else None,
               "status": plan.fate, "closed_reason": None, "closed_at": None, "paid_on": None, "voucher": None,
               "paid_by": None, "paid_at": None, "updated_at": requested}
        self.rows["fund_request"].append(row)
        self.counts["large"] += tier.decision
        self._file("request", rid, f"报价单{rid}.png", requester.user_id, requested)
        self._event(rid, "requested", requester.user_id, requested)
        if plan.decision:
            self._event(rid, "decision", requester.user_id, requested)
        moment = requested
        for index, signer in enumerate(others[:plan.approvals]):
            moment = self.after(moment, 15, 300) if index == 0 else self.after(moment, 30, 1200)
            self._sign(rid, signer, "approve", None, moment)
        needed = len(others) if tier.approvals is None else tier.approvals
        decided = plan.decision is not None and plan.decision[3] < clock.local(moment).date()
        if plan.approvals and plan.approvals >= needed and (decided or not tier.decision):
            self._event(rid, "ready", others[plan.approvals - 1].user_id, moment)
        if plan.fate == "rejected":
            moment = self.after(moment, 60, 1800)
            self._sign(rid, others[plan.approvals], "reject", plan.reason, moment)
            row.update(closed_reason=plan.reason, closed_at=moment)
        elif plan.fate == "withdrawn":
            day = plan.pay_day if plan.reason == SHORT_OF_MONEY else plan.day + timedelta(days=rng.randint(1, 5))
            moment = max(self.when(min(day, self.today), 11, rng.randint(0, 59)), moment)
            self._event(rid, "withdrawn", requester.user_id, moment, plan.reason)
            row.update(closed_reason=plan.reason, closed_at=moment)
        elif plan.fate == "paid":
            moment = max(self.when(plan.pay_day, rng.randint(9, 16), rng.randint(0, 59)), self.after(moment, 10, 60))
            self.vouchers[plan.pay_day.year] += 1
            voucher = f"PZ{plan.pay_day.year}-{self.vouchers[plan.pay_day.year]:03d}"
            row.update(paid_on=plan.pay_day, voucher=voucher, paid_by=self.e.worker, paid_at=moment)
            self._file("payment", rid, f"付款凭证{voucher}.png", self.e.worker, moment)
            self._event(rid, "paid", self.e.worker, moment, voucher)
        row["updated_at"] = moment

    def _sign(self, rid: int, signer: Manager, choice: str, comment: str | None, moment: datetime) -> None:
        self.rows["fund_signature"].append({
            "id": self.ids.take("fund_signature"), "request_id": rid, "community_id": self.cid,
            "user_id": signer.user_id, "member_id": signer.member_id, "choice": choice, "comment": comment,
            "at": moment})
        self._event(rid, "approved" if choice == "approve" else "rejected", signer.user_id, moment, comment)

    def _event(self, rid: int, action: str, by: int | None, moment: datetime, note: str | None = None) -> None:
        self.rows["fund_event"].append({"id": self.ids.take("fund_event"), "request_id": rid,
                                        "community_id": self.cid, "action": action, "note": note, "by_id": by,
                                        "at": moment})

    def build(self) -> dict[str, list[dict]]:
        """Income, requests and payments (the fund's balance at the end), after `open`."""
        moves = self.income(self.income_plan())
        plans = self.spending_plan()
        self.rows["fund"][0]["balance_fen"] = self.paid_in_order(plans, moves)
        for plan in plans:
            self.request(plan)
        return self.rows


# --- the city's funds ---------------------------------------------------------------------------------------------

def estates_of(session, now: datetime) -> list[Estate]:  # noqa: ANN001
    """Every estate joint meeting with what its fund is made from, by community and council."""
    today = clock.local(now).date()
    streets = dict(session.execute(select(Community.id, Street.name).join(Street, Street.id == Community.street_id))
                   .all())
    staff: dict[tuple[int, str], int] = {}
    for user_id, role, cid in session.execute(
            select(User.id, UserRole.role, UserRole.community_id).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role.in_(("secretary", "worker")), UserRole.grid_id.is_(None), User.is_active.is_(True))
            .order_by(User.id)):
        staff.setdefault((cid, role), user_id)
    estates = {cid: Estate(cid, community, (estate or name).replace("小区小区", "小区"),  # bench.council's 翠柳小区小区
                           streets[community], staff.get((community, "secretary")),
                           staff.get((community, "worker"), staff.get((community, "secretary"))))
               for cid, community, name, estate in session.execute(
                   select(Council.id, Council.community_id, Council.name, Council.estate)
                   .where(Council.kind == "estate_joint").order_by(Council.community_id, Council.id))}
    for member in session.execute(
            select(CouncilMember.id, CouncilMember.council_id, CouncilMember.name, CouncilMember.seat,
                   CouncilMember.term_start, CouncilMember.term_end, CouncilMember.active, CouncilMember.convener)
            .join(Council, Council.id == CouncilMember.council_id).where(Council.kind == "estate_joint")
            .order_by(CouncilMember.id)):
        estates[member.council_id].members.append(member)
    for did, council_id, words, decided, notice_end in session.execute(
            select(CouncilDecision.id, CouncilDecision.council_id, CouncilDecision.text, CouncilDecision.decided_on,
                   CouncilDecision.notice_end)
            .join(Council, Council.id == CouncilDecision.council_id)
            .where(Council.kind == "estate_joint", CouncilDecision.status == "passed",
                   CouncilDecision.notice_end.is_not(None), CouncilDecision.decided_on < today)
            .order_by(CouncilDecision.decided_on, CouncilDecision.id)):
        estates[council_id].decisions.append((did, words, decided, notice_end))
    return list(estates.values())


def demo_accounts(session, community_id: int, now: datetime) -> list[int]:  # noqa: ANN001
    """The demo's co-managers `convener`, `treasurer` and `recorder` (street.ACCOUNTS) in community #1 with the
    fund_manager role: made (with admin's password hash: the demo password) or given the role when the file was
    generated before they had it."""
    wanted = {username: display for username, display, _ in ACCOUNTS if username in DEMO_MANAGERS}
    found = dict(session.execute(select(User.username, User.id).where(User.username.in_(DEMO_MANAGERS))).all())
    missing = [username for username in DEMO_MANAGERS if username not in found]
    if missing:
        password = session.execute(select(User.password_hash).where(User.username == "admin")).scalar_one()
        session.execute(insert(User.__table__), [
            {"username": username, "display_name": wanted[username], "email": None, "password_hash": password,
             "is_active": True, "failed_logins": 0, "locked_until": None, "last_login_at": None,
             "password_changed_at": now - timedelta(days=30), "created_at": now - timedelta(days=30)}
            for username in missing])
        found.update(session.execute(select(User.username, User.id).where(User.username.in_(missing))).all())
    holding = set(session.execute(select(UserRole.user_id).where(UserRole.role == "fund_manager",
                                                                UserRole.user_id.in_(list(found.values())))).scalars())
    lacking = [found[username] for username in DEMO_MANAGERS if found[username] not in holding]
    if lacking:
        session.execute(insert(UserRole.__table__), [
            {"user_id": user_id, "role": "fund_manager", "community_id": community_id, "grid_id": None}
            for user_id in lacking])
    return [found[username] for username in DEMO_MANAGERS]


def insert_rows(session, rows: dict[str, list[dict]]) -> None:  # noqa: ANN001
    """Core bulk inserts in foreign-key order."""
    for name in ORDER:
        if rows.get(name):
            table = UserRole.__table__ if name == "user_role" else TABLES[name].__table__
            session.execute(insert(table), rows[name])


def ensure(engine: Engine, settings: Settings, now: datetime, *, log=say) -> float | None:
    """Add the funds unless there are some already; the seconds it took, None if nothing was added."""
    if present(engine):
        log("Estate funds present.")
        return None
    started = time.perf_counter()
    rng = random.Random(SEED)
    image = _image()
    with transaction(engine) as session:
        if engine.dialect.name == "sqlite":
            session.execute(text("PRAGMA cache_size=-65536"))
        communities = session.execute(select(Community.id, Community.code).order_by(Community.id)).all()
        add_estates(session, rng, settings, now, round(len(communities) * FUNDS_CITY / COMMUNITIES_CITY), log)
        estates = estates_of(session, now)
        demo = demo_accounts(session, communities[0][0], now)
        password = session.execute(select(User.password_hash).where(User.username == "admin")).scalar_one()
        codes = dict(communities)
        ids = Ids(session)
        log(f"  funds: {len(estates):,} estates, {sum(len(e.decisions) for e in estates):,} passed decisions, "
            f"{time.perf_counter() - started:5.1f} s")
        totals: dict[str, int] = defaultdict(int)
        batch: dict[str, list[dict]] = defaultdict(list)
        number: dict[int, int] = defaultdict(int)
        for position, estate in enumerate(estates):
            number[estate.community_id] += 1
            first = position == 0
            book = FundBook(rng, settings, ids, estate, now, image)
            book.open(f"{estate.estate}公益基金", demo if first else [],
                      f"{codes[estate.community_id].lower()}.f{number[estate.community_id]}m%d", password, now)
            for table, rows in book.build().items():
                batch[table].extend(rows)
                totals[table] += len(rows)
            for name, count in book.counts.items():
                totals[name] += count
            if (position + 1) % BATCH == 0 or position + 1 == len(estates):
                insert_rows(session, batch)
                batch = defaultdict(list)
                log(f"  funds: {position + 1:>5,} / {len(estates):,}, {totals['fund_income']:>9,} income entries, "
                    f"{totals['fund_request']:>9,} requests, {time.perf_counter() - started:5.1f} s")
        for name in TABLES:
            sync_id_sequence(session, name)
    seconds = time.perf_counter() - started
    log(f"  funds: {totals['fund']:,} funds, {totals['fund_manager']:,} co-managers ({totals['user_account']:,} "
        f"accounts made), {totals['fund_income']:,} income entries ({totals['reversals']:,} reversals), "
        f"{totals['fund_request']:,} requests ({totals['large']:,} large, {totals['short_of_money']:,} withdrawn "
        f"for want of money), {totals['fund_signature']:,} signatures, {totals['fund_event']:,} timeline entries, "
        f"{totals['fund_file']:,} files; {seconds:.0f} s")
    return seconds


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {model.__tablename__: conn.execute(select(func.count()).select_from(model)).scalar_one()
                for model in (Fund, FundManager, FundIncome, FundRequest, FundSignature, FundEvent, FundFile)}


def wrong_balances(engine: Engine) -> list[tuple[int, int, int]]:
    """(fund, kept, counted) of every fund whose kept balance is not opening + income - payments, and (fund, lowest,
    opening) of every fund whose balance went below zero at the end of some day's income or payments (a day's income
    counted before its payments)."""
    income = select(FundIncome.fund_id.label("fund_id"), FundIncome.received_on.label("day"),
                    literal(0).label("kind"), FundIncome.amount_fen.label("fen"))
    paid = select(FundRequest.fund_id, FundRequest.paid_on, literal(1), -FundRequest.amount_fen).where(
        FundRequest.status == "paid")
    moves = income.union_all(paid).subquery()
    daily = (select(moves.c.fund_id, moves.c.day, moves.c.kind, func.sum(moves.c.fen).label("net"))
             .group_by(moves.c.fund_id, moves.c.day, moves.c.kind).subquery())
    running = select(daily.c.fund_id, func.sum(daily.c.net).over(
        partition_by=daily.c.fund_id, order_by=(daily.c.day, daily.c.kind)).label("moved")).subquery()
    with engine.connect() as conn:
        funds = {fid: (opening, kept) for fid, opening, kept in conn.execute(
            select(Fund.id, Fund.opening_fen, Fund.balance_fen))}
        sums = dict(conn.execute(select(daily.c.fund_id, func.sum(daily.c.net)).group_by(daily.c.fund_id)).all())
        lowest = dict(conn.execute(select(running.c.fund_id, func.min(running.c.moved))
                                   .group_by(running.c.fund_id)).all())
    wrong = [(fid, kept, opening + int(sums.get(fid, 0))) for fid, (opening, kept) in funds.items()
             if kept != opening + int(sums.get(fid, 0))]
    return wrong + [(fid, funds[fid][0] + int(low), funds[fid][0]) for fid, low in lowest.items()
                    if funds[fid][0] + int(low) < 0]
