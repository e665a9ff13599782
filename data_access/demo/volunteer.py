"""Volunteer service (志愿服务) of the demo street, and the generator the city benchmark shares.

康盛社区 gets the service the seed describes: each of the joint committee's 13 member units forms a volunteer team
(kind member_unit, its specialities read from the unit's team and speciality text), and the community has a team of
its own; about 120 volunteers (a third party members, some of them serving party members reporting to a member
unit (在职党员双报到), a few inactive) with their skills, each team with a leader; a year of about 600 orders through
the loop 点单→派单→接单→服务→签单→评单 (a few raised from 365 matters of mode 组团服务 or 代办服务), declined and
re-dispatched, cancelled, taken late, rated (mostly 满意, some 基本满意, a few 不满意 and flagged); the points earned
by signed-off service; the points store with 15 goods and a year of redemptions, a few cancelled the same day. The
demo account `volunteer` is a volunteer with an order dispatched to them, one taken and one served; `teamlead` leads
a team with a team order waiting to be taken; two requests of the last hours wait to be dispatched.

`service_rows` turns a `ServiceSpec` (the teams, how many volunteers and orders, the staff, the goods) into plain row
dicts for Core bulk inserts, with explicit ids from `Ids`. Everything derived is kept as the app's write functions
keep it (data_access.volunteer.orders, .points, .store): the order's timeline (order_event) and audit entries, its
take_minutes (dispatch to take), sign_minutes (request to sign-off), hours_tenths (the sum of its service records)
and signed_month (local); a re-dispatch drops the service recorded before it, a decline clears the dispatch; no
volunteer serves more than 24 hours on a day; each volunteer's hours_tenths and last_served_on over their signed-off
service; one earn transfer (issuer -> volunteer, settings.volunteer.points via points_for) per volunteer per signed
order; a redemption's transfer to the store and, when cancelled the same day, its reversal; every volunteer's points
account opened at registration, the issuer's and the store's on first use, each balance the sum of its transfers and
never below zero at any moment; a good's stock never below zero. All times are relative to `now`; the same rng and
`now` give the same rows.
"""

from __future__ import annotations

import hashlib
import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from sqlalchemy import bindparam, func, insert, select, update
from sqlmodel import Session

from data_access import clock
from data_access.db import sync_id_sequence
from data_access.demo import sample
from data_access.demo.committee import people
from data_access.models import (
    AuditLog,
    MemberUnit,
    OrderEvent,
    PointsAccount,
    PointsTransfer,
    Redemption,
    ServiceRecord,
    SignOffLink,
    StoreGood,
    User,
    Volunteer,
    VolunteerOrder,
    VolunteerTeam,
)
from data_access.volunteer import tally
from data_access.volunteer.orders import LINK_ACTOR, MATTER_MODES
from data_access.volunteer.store import SLIP_PREFIX
from domain.personal import mask_id_number, mask_phone
from domain.settings import Settings
from domain.volunteer.ledger import Holder, Kind, Standard, points_for
from domain.volunteer.orders import Action, Rating, SignOff, Step

# --- what the demo says -------------------------------------------------------------------------------------------

# The words of a unit's team and speciality text that name a service kind (config.yaml's volunteer.service_kinds).
KIND_WORDS = {
    "elderly": ("为老", "助老", "老人", "探访", "助餐", "陪伴", "帮扶", "助残", "照料", "慰问"),
    "errand": ("代购", "送货", "代办", "跑腿", "助购", "送餐", "代缴"),
    "repair": ("维修", "检修", "电工", "家电", "设施", "线路", "用电"),
    "cleaning": ("环境", "整治", "清理", "绿化", "垃圾", "除雪", "道路", "养护", "卫生"),
    "medical": ("义诊", "健康", "慢病", "医", "体检"),
    "legal": ("调解", "法律", "维权", "矛盾", "消费", "金融"),
    "tutoring": ("托管", "辅导", "科普", "培训", "课业", "教学", "青少年", "技能"),
    "culture": ("亲子", "文化", "文体", "读书", "文明", "活动"),
    "safety": ("巡逻", "治安", "反诈", "平安", "安全", "消防", "交通", "应急", "保畅"),
}
KIND_WEIGHTS = {"elderly": 24, "errand": 18, "repair": 14, "cleaning": 10, "medical": 8, "legal": 4, "tutoring": 7,
                "culture": 7, "safety": 6, "other": 2}
# (low, high) hours in tenths one volunteer serves on an order of the kind
KIND_HOURS = {"elderly": (10, 30), "errand": (5, 20), "repair": (10, 30), "cleaning": (20, 40), "medical": (20, 40),
              "legal": (10, 20), "tutoring": (15, 30), "culture": (15, 30), "safety": (20, 40), "other": (10, 20)}
TASKS = {
    "elderly": ["陪同独居老人到医院复诊", "上门为高龄老人理发", "为空巢老人打扫房间", "陪伴独居老人聊天读报",
                "帮助行动不便老人洗澡", "为失能老人送餐上门"],
    "errand": ["代购米面油等生活用品", "代取慢性病药品", "代缴水电燃气费", "代办老年优待证", "代寄快递包裹"],
    "repair": ["维修厨房漏水的水龙头", "检修不制冷的冰箱", "更换卫生间灯泡和开关", "维修不通电的插座",
               "疏通下水管道", "修理松动的门锁"],
    "cleaning": ["清理楼道堆放的杂物", "清扫单元门口积雪", "清理绿化带白色垃圾", "擦洗楼道扶手和信报箱"],
    "medical": ["上门测量血压血糖", "慢病老人入户随访", "为卧床老人上门换药", "用药指导和健康咨询"],
    "legal": ["赡养纠纷法律咨询", "房屋租赁合同咨询", "邻里漏水纠纷调解", "防范养老诈骗咨询"],
    "tutoring": ["小学生课后作业辅导", "初中数学一对一辅导", "老年人智能手机使用教学", "留守儿童暑期陪读"],
    "culture": ["老年合唱队排练伴奏", "社区书法班授课", "为残疾人读书读报", "组织楼栋邻里包饺子活动"],
    "safety": ["夜间小区治安巡逻", "独居老人家中用电安全检查", "电动车充电安全入户提醒", "楼道消防通道巡查"],
    "other": ["协助办理居住证明", "帮助搬运大件家具", "协助填写补贴申请表"],
}
DETAILS = ["老人腿脚不便，请提前电话联系", "家中只有老人，请两人一同上门", "子女在外地，委托社区办理",
           "希望上午完成", "需要带工具", None, None, None]
HOME = ["{e}{b}号楼{u}单元{f}0{r}室", "{e}{b}号楼{u}单元{f}0{r}室", "{e}{b}号楼{u}单元{f}0{r}室"]
PUBLIC = ["{e}{b}号楼楼下", "{e}中心广场", "社区党群服务中心活动室", "{e}南门", "{e}{b}号楼{u}单元楼道"]
DECLINE_REASONS = ["当天有工作安排，无法按时上门", "身体不适，请改派他人", "不熟悉该项服务，建议改派专业队伍",
                   "服务时间与其他订单冲突", "人在外地，暂时无法服务"]
REDISPATCH_REASONS = ["原志愿者临时有事，改派其他志愿者", "服务对象要求更换服务时间，改派有空的志愿者",
                      "需要专业技能，改派专业服务队", "原服务队人手不足，改派社区服务队"]
CANCEL_REASONS = ["服务对象家属已自行解决", "服务对象住院，暂不需要服务", "服务对象取消预约",
                  "重复下单，保留另一条订单", "服务对象联系不上，经确认取消"]
SATISFIED, BASIC, DISSATISFIED = Rating.SATISFIED.value, Rating.BASIC.value, Rating.DISSATISFIED.value
IN_PERSON, PHONE, BY_LINK = SignOff.IN_PERSON.value, SignOff.PHONE.value, SignOff.LINK.value
COMMENTS = {SATISFIED: ["志愿者很耐心，非常感谢", "服务及时，态度好", "帮了大忙，谢谢社区", None, None],
            BASIC: ["服务还行，就是来得晚了一点", "基本解决了，希望下次更细致", None],
            DISSATISFIED: ["约好的时间没来，打电话才上门", "问题没有解决，还得再找人", "服务态度一般"]}
REDEEM_CANCEL_REASONS = ["兑换错了物品，当日退回", "志愿者改选其他物品", "数量录入有误"]
GOODS = [  # (name, price in points, stock, donor: index of the member unit or a name)
    ("大米（5公斤）", 60, 40, 8), ("食用油（5升）", 80, 30, 8), ("挂面（1公斤）", 12, 60, 8),
    ("洗衣液（2公斤）", 30, 50, 5), ("抽纸（一提）", 20, 80, 5), ("牙膏牙刷套装", 15, 60, "爱心居民"),
    ("毛巾（两条装）", 15, 60, "爱心居民"), ("保温杯", 60, 20, 4), ("折叠雨伞", 40, 30, 4),
    ("鸡蛋（30枚）", 25, 40, 8), ("洗洁精", 10, 80, 5), ("免费理发券", 20, 50, 0),
    ("健康体检券", 100, 15, 3), ("家电清洗服务券", 50, 20, 2), ("儿童绘本", 30, 25, 10),
]
REDEEM_PER_ORDER = 0.12  # redemptions in a year, per order
CANCELLED_REDEMPTIONS = 0.06  # of the redemptions, cancelled the same day

TABLES = {"volunteer_team": VolunteerTeam, "volunteer": Volunteer, "volunteer_order": VolunteerOrder,
          "order_event": OrderEvent, "service_record": ServiceRecord, "sign_off_link": SignOffLink,
          "points_account": PointsAccount, "store_good": StoreGood, "redemption": Redemption,
          "points_transfer": PointsTransfer}
ORDER = ("volunteer_team", "volunteer", "volunteer_order", "order_event", "service_record", "sign_off_link",
         "points_account", "store_good", "redemption", "points_transfer", "audit_log")
# the loop's actions and steps as the rows store them (plain values: no enum lookups in the hot loop)
DISPATCH, REDISPATCH = Action.DISPATCH.value, Action.REDISPATCH.value
DECLINE, TAKE = Action.DECLINE.value, Action.TAKE.value
RECORD_SERVICE, SIGN_OFF, RATE, CANCEL = (Action.RECORD_SERVICE.value, Action.SIGN_OFF.value, Action.RATE.value,
                                          Action.CANCEL.value)
REQUESTED, DISPATCHED, TAKEN, SERVED = int(Step.REQUESTED), int(Step.DISPATCHED), int(Step.TAKEN), int(Step.SERVED)
SIGNED, RATED, CANCELLED = int(Step.SIGNED), int(Step.RATED), int(Step.CANCELLED)
OPEN_DAYS = 12  # orders requested this many days before now may still be open
RECENT_DAYS = 14  # the demo accounts' open orders are their only ones requested this recently
RETIRED_DAYS = 150  # an inactive volunteer served no order requested this recently


@dataclass(frozen=True)
class TeamSpec:
    name: str
    kind: str  # volunteer.team_kinds: member_unit, community, social_org
    unit_id: int | None
    speciality: tuple[str, ...]  # service kind codes
    size: int  # members, the leader among them


@dataclass(frozen=True)
class GoodSpec:
    name: str
    price: int
    stock: int  # on the shelf when the store opened
    donor: str | None


@dataclass
class ServiceSpec:
    """One community's volunteer service. `staff` (user id, username, display name) record, dispatch, sign off and
    redeem; `units` are the member units (ids) where serving party members report; `matters` the community's 365
    matters of mode team or proxy (rows with id, number, registered_at, description, category), `matter_orders` of
    them raise an order. `volunteer_account` and `leader_account` (user id, username, display name): the accounts
    linked to a volunteer of team `volunteer_team` (an index) and to the leader of team `leader_team`, each with
    open work; their names become the volunteers' names. `id_numbers`: those taken (the city's, shared)."""

    community_id: int
    estate: str  # the estate named in addresses
    teams: list[TeamSpec]
    volunteers: int
    orders: int
    staff: list[tuple[int | None, str, str]]
    units: list[int] = field(default_factory=list)
    goods: list[GoodSpec] = field(default_factory=list)
    redemptions: int | None = None  # None: REDEEM_PER_ORDER of the orders
    matters: list[dict] = field(default_factory=list)
    matter_orders: int = 0
    volunteer_account: tuple[int, str, str] | None = None
    leader_account: tuple[int, str, str] | None = None
    volunteer_team: int = -1
    leader_team: int = 0
    waiting: int = 0  # the latest requests, still to be dispatched
    audit: bool = True
    links: bool = True  # the sign_off_link rows of orders signed by link
    id_numbers: set[str] = field(default_factory=set)
    names_taken: set[str] = field(default_factory=set)


class Ids:
    """The next free id per table (the rows are inserted with explicit ids)."""

    def __init__(self, session: Session) -> None:
        self.next = {name: (session.execute(select(func.max(model.id))).scalar() or 0) + 1
                     for name, model in TABLES.items()}

    def take(self, table: str, n: int = 1) -> int:
        """The first of `n` consecutive ids."""
        value = self.next[table]
        self.next[table] = value + n
        return value


def specialities(text: str, kinds: Sequence[str]) -> tuple[str, ...]:
    """The service kinds (in config order) that a team's text speaks of; ("other",) when none."""
    found = tuple(k for k in kinds if any(word in text for word in KIND_WORDS.get(k, ())))
    return found or (("other",) if "other" in kinds else tuple(kinds[:1]))


def mobile(rng: random.Random) -> str:
    """A mobile number of the usual form (11 digits)."""
    return f"1{_pick(rng, '35789')}{int(rng.random() * 10**9):09d}"


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(rng: random.Random, born: date, taken: set[str]) -> str:
    """A resident ID number (GB 11643) with a real birth date and the right check character; region 000000 does not
    exist, so it is nobody's (as data_access.demo.sample's). Different from those `taken`, and added to them."""
    while True:
        body = f"000000{born:%Y%m%d}{rng.randrange(1000):03d}"
        total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
        number = body + "10X98765432"[total % 11]
        if number not in taken:
            taken.add(number)
            return number


def _daytime(t: datetime) -> datetime:
    """`t`, moved to the next morning when it falls at night (20:00 to 8:00)."""
    hour = t.hour
    if hour >= 20:
        return t + timedelta(hours=32 - hour)
    if hour < 8:
        return t + timedelta(hours=8 - hour)
    return t


def _pick(rng: random.Random, values: Sequence):
    """rng.choice's pick by one draw of random() (the generator runs half a million orders)."""
    return values[int(rng.random() * len(values))]


def _int(rng: random.Random, low: int, high: int) -> int:
    """rng.randint's number by one draw of random()."""
    return low + int(rng.random() * (high - low + 1))


def _span(rng: random.Random, low: float, high: float) -> timedelta:
    """Between `low` and `high` hours, in whole seconds (as the app's clock keeps times)."""
    return timedelta(seconds=int(rng.uniform(low, high) * 3600))


def _hours(tenths: int) -> str:
    return f"{tenths / 10:g}"


# --- the generator --------------------------------------------------------------------------------------------------

def service_rows(rng: random.Random, settings: Settings, spec: ServiceSpec, ids: Ids, now: datetime) -> dict:
    """The rows of one community's volunteer service: {table name: [row dicts]} in ORDER, and "leaders": the
    (team id, leader id) pairs set once the volunteers exist (insert_rows does)."""
    year = _ServiceYear(rng, settings, spec, ids, now)
    year.teams_and_volunteers()
    year.orders_walked()
    year.open_work()
    year.store()
    return year.finish()


class _ServiceYear:
    """One community's year of volunteer service as it is built."""

    def __init__(self, rng: random.Random, settings: Settings, spec: ServiceSpec, ids: Ids, now: datetime):
        self.rng, self.spec, self.ids = rng, spec, ids
        self.now = clock.local(now)
        self.today = self.now.date()
        self.first = self.now - timedelta(days=365)
        self.cid = spec.community_id
        self.kinds = [k.code for k in settings.volunteer.service_kinds]
        self.standard: Standard = settings.volunteer.points
        self.prefix = settings.volunteer.order_prefix
        self.link_minutes = settings.volunteer.link_minutes
        self.calendar = settings.calendar
        self.staff = spec.staff or [(None, "system", "系统")]
        self.rows: dict[str, list[dict]] = {name: [] for name in ORDER}
        self.leaders: list[tuple[int, int]] = []
        self.day_tenths: dict[tuple[int, date], int] = {}
        self.records: dict[int, list[dict]] = {}  # order id -> its service records
        self.earned: dict[int, list[tuple[datetime, int]]] = {}  # volunteer id -> (signed at, points)
        self.transfers: list[dict] = []
        self.points_cache: dict[tuple[int, str], int] = {}
        self.issuer = self.store_account = None
        self.account_of: dict[int, int] = {}  # volunteer id -> points account id
        self.retired = self.now - timedelta(days=RETIRED_DAYS)
        self.recent = self.now - timedelta(days=RECENT_DAYS)

    # --- rows shared by every step ---

    def audit(self, when: datetime, actor: tuple, action: str, entity: str, entity_id: int | None,
              after: dict | None = None, before: dict | None = None) -> None:
        if self.spec.audit:
            self.rows["audit_log"].append({
                "at": when, "actor_id": actor[0], "actor_name": actor[1], "action": action, "entity": entity,
                "entity_id": entity_id, "community_id": self.cid, "before": before, "after": after})

    def staff_pick(self) -> tuple:
        return _pick(self.rng, self.staff)

    def at_registration(self, day: date) -> datetime:
        return datetime.combine(day, time(9 + self.rng.randrange(8), self.rng.randrange(60)), tzinfo=clock.ZONE)

    # --- teams and volunteers ---

    def teams_and_volunteers(self) -> None:
        rng, spec, kinds, today = self.rng, self.spec, self.kinds, self.today
        kind_weights = [KIND_WEIGHTS.get(k, 2) for k in kinds]
        specials = {}
        if spec.volunteer_account:
            specials[("member", spec.volunteer_team % len(spec.teams))] = spec.volunteer_account
        if spec.leader_account:
            specials[("leader", spec.leader_team % len(spec.teams))] = spec.leader_account
        taken = set(spec.names_taken) | {display.split()[-1] for _, _, display in specials.values()}
        names = people(rng, spec.volunteers, taken)
        people_rows: list[dict] = []  # volunteers before they get ids: registration order decides those
        in_team = sum(t.size for t in spec.teams)
        if in_team > spec.volunteers or any(t.size < 1 for t in spec.teams):
            raise ValueError(f"{spec.volunteers} volunteers cannot fill teams of {[t.size for t in spec.teams]}")
        for position in range(spec.volunteers):
            team = None
            if position < in_team:
                team, offset = 0, position
                while offset >= spec.teams[team].size:
                    offset -= spec.teams[team].size
                    team += 1
                role = "leader" if offset == 0 else "member"
            else:
                role = "loose"
            t = spec.teams[team] if team is not None else None
            leader = role == "leader"
            days = rng.randint(400, 1100) if leader else (
                rng.randint(370, 1100) if rng.random() < 0.85 else rng.randint(20, 360))
            registered = max(today - timedelta(days=days), date(2000, 1, 1))
            skills = set(t.speciality if t else ())
            for _ in range(rng.choice((0, 1, 1, 2)) if t else rng.choice((1, 1, 2, 3))):
                skills.add(rng.choices(kinds, weights=kind_weights)[0])
            party = rng.random() < (0.5 if leader else 0.3)
            report = None
            if party and spec.units:
                if t is not None and t.unit_id is not None and rng.random() < 0.7:
                    report = t.unit_id
                elif rng.random() < 0.25:
                    report = rng.choice(spec.units)
            age = rng.choices((rng.randint(18, 30), rng.randint(31, 50), rng.randint(51, 72)), weights=(2, 4, 4))[0]
            born = today - timedelta(days=365 * age + rng.randrange(365))
            people_rows.append({
                "community_id": self.cid, "name": names[position], "phone": mobile(rng),
                "id_number": id_number(rng, born, spec.id_numbers),
                "skills": ",".join(k for k in kinds if k in skills), "party_member": party,
                "report_unit_id": report, "_team": team, "_role": role, "registered_on": registered,
                "active": leader or rng.random() >= 0.05, "user_id": None, "hours_tenths": 0,
                "last_served_on": None, "_weight": rng.choice((0.3, 0.6, 1, 1, 1.5, 2, 3)) * (2 if leader else 1)})
        # the demo accounts' volunteers: the named people of their teams, active and busy
        for (role, team), (user_id, _, display) in specials.items():
            row = next(p for p in people_rows if p["_team"] == team and p["_role"] == role and p["user_id"] is None)
            row.update(name=display.split()[-1], user_id=user_id, active=True, _weight=4.0,
                       registered_on=min(row["registered_on"], today - timedelta(days=400)))
        people_rows.sort(key=lambda p: p["registered_on"])
        first_id = self.ids.take("volunteer", len(people_rows))
        team_first = self.ids.take("volunteer_team", len(spec.teams))
        for offset, row in enumerate(people_rows):
            row["id"] = first_id + offset
            row["team_id"] = None if row["_team"] is None else team_first + row["_team"]
            row["updated_at"] = self.at_registration(row["registered_on"])
        self.volunteers = people_rows
        self.by_id = {p["id"]: p for p in people_rows}
        self.special_ids = {p["id"] for p in people_rows if p["user_id"] is not None}
        self.team_rows = []
        self.members: list[list[dict]] = [[] for _ in spec.teams]
        for row in people_rows:
            if row["_team"] is not None:
                self.members[row["_team"]].append(row)
        for index, t in enumerate(spec.teams):
            leader = next(p for p in self.members[index] if p["_role"] == "leader")
            made = leader["updated_at"] + timedelta(days=1)
            team = {"id": team_first + index, "community_id": self.cid, "name": t.name, "kind": t.kind,
                    "unit_id": t.unit_id, "speciality": ",".join(k for k in kinds if k in t.speciality),
                    "leader_id": None, "active": True, "updated_at": made, "_leader": leader, "_index": index}
            self.team_rows.append(team)
            self.leaders.append((team["id"], leader["id"]))
        # who serves what: (population, cumulative weights) per kind, and the teams per kind
        self.by_kind: dict[str, tuple[list[dict], list[float]]] = {}
        for kind in kinds:
            able = [p for p in people_rows if kind in p["skills"].split(",")] or people_rows
            self.by_kind[kind] = (able, list(accumulate(p["_weight"] for p in able)))
        self.everyone = (people_rows, list(accumulate(p["_weight"] for p in people_rows)))
        self.teams_of: dict[str, list[dict]] = {
            kind: [t for t in self.team_rows if kind in t["speciality"].split(",")] for kind in kinds}
        self.order_kinds = (kinds, list(accumulate(KIND_WEIGHTS.get(k, 2) for k in kinds)))
        # points accounts: every volunteer's opened at registration
        first_account = self.ids.take("points_account", len(people_rows))
        for offset, row in enumerate(people_rows):
            self.account_of[row["id"]] = first_account + offset
        for row in people_rows:
            self.audit(row["updated_at"], self.staff[0], "volunteer.create", "volunteer", row["id"], after={
                "name": row["name"], "phone": mask_phone(row["phone"]), "id_number": mask_id_number(row["id_number"]),
                "skills": row["skills"], "party_member": row["party_member"], "team_id": row["team_id"],
                "registered_on": row["registered_on"].isoformat(), "active": row["active"]})
        for team in self.team_rows:
            self.audit(team["updated_at"], self.staff[0], "volunteer.team_create", "volunteer_team", team["id"],
                       after={"name": team["name"], "kind": team["kind"], "unit_id": team["unit_id"],
                              "speciality": team["speciality"], "leader_id": team["_leader"]["id"]})

    # --- who may serve ---

    def free(self, person: dict, when: datetime) -> bool:
        """May serve an order requested at `when`: registered by then, active then (an inactive volunteer stopped
        some months ago), and not a demo account's volunteer in the last days (their open work is set)."""
        if person["registered_on"] > when.date():
            return False
        if not person["active"] and when > self.retired:
            return False
        return not (when > self.recent and person["id"] in self.special_ids)

    def volunteer_for(self, kind: str, when: datetime, but: set[int]) -> dict | None:
        rng = self.rng
        population, weights = self.by_kind.get(kind) or self.everyone
        for tries in range(12):
            if tries == 8:
                population, weights = self.everyone
            person = rng.choices(population, cum_weights=weights)[0]
            if person["id"] not in but and self.free(person, when):
                return person
        return None

    def team_for(self, kind: str, when: datetime, but: set[int]) -> dict | None:
        teams = [t for t in self.teams_of.get(kind, ()) if t["id"] not in but] or \
            [t for t in self.team_rows if t["id"] not in but]
        if not teams:
            return None
        team = self.rng.choice(teams)
        if not any(self.free(p, when) for p in self.members[team["_index"]]):
            return None
        return team

    def room(self, volunteer_id: int, day: date) -> int:
        """Tenths of an hour the volunteer may still serve on `day` (24 hours a day at most)."""
        return 240 - self.day_tenths.get((volunteer_id, day), 0)

    # --- the order's steps, as data_access.volunteer.orders writes them ---

    def event(self, o: dict, when: datetime, actor: tuple, action: str, to: int, note: str | None = None,
              changed: dict | None = None) -> None:
        before = o["step"]
        o["step"], o["updated_at"] = to, when
        self.rows["order_event"].append({
            "order_id": o["id"], "community_id": self.cid, "at": when, "actor_id": actor[0],
            "actor_name": actor[2], "action": action, "from_step": None if action == "request" else before,
            "to_step": to, "note": note})
        if self.spec.audit:
            name = "volunteer.order_create" if action == "request" else f"volunteer.order_{action}"
            after = {"step": to, **(changed or {})}
            self.audit(when, actor, name, "volunteer_order", o["id"], after=after,
                       before=None if action == "request" else {"step": before})

    def request(self, o: dict, actor: tuple) -> None:
        o["created_by"] = actor[0]
        self.event(o, o["requested_at"], actor, "request", REQUESTED, note=o.pop("_matter_number", None),
                   changed={"number": o["number"], "service_kind": o["service_kind"], "title": o["title"]})

    def dispatch(self, o: dict, when: datetime, actor: tuple, team: dict | None, volunteer: dict | None,
                 reason: str | None = None) -> None:
        if reason is not None:  # 改派: the service recorded so far is dropped
            for record in self.records.pop(o["id"], []):
                self.day_tenths[(record["volunteer_id"], record["served_on"])] -= record["tenths"]
        o["team_id"] = team["id"] if team else None
        o["volunteer_id"] = volunteer["id"] if volunteer else None
        o["due_at"] = max(o["wanted_at"] + timedelta(hours=3), when + timedelta(hours=4))
        o["dispatched_at"], o["taken_at"], o["served_at"] = when, None, None
        o["take_minutes"], o["hours_tenths"] = None, 0
        self.event(o, when, actor, REDISPATCH if reason else DISPATCH, DISPATCHED,
                   note=reason, changed={"team_id": o["team_id"], "volunteer_id": o["volunteer_id"]})

    def decline(self, o: dict, when: datetime, actor: tuple, reason: str) -> None:
        o["team_id"] = o["volunteer_id"] = o["due_at"] = o["dispatched_at"] = None
        self.event(o, when, actor, DECLINE, REQUESTED, note=reason)

    def take(self, o: dict, when: datetime, actor: tuple, volunteer: dict) -> None:
        o["volunteer_id"] = volunteer["id"]
        o["taken_at"] = when
        o["take_minutes"] = int((when - o["dispatched_at"]).total_seconds() // 60)
        self.event(o, when, actor, TAKE, TAKEN, changed={"volunteer_id": volunteer["id"]})

    def serve(self, o: dict, when: datetime, actor: tuple, day: date, served: list[tuple[int, int]]) -> None:
        """服务: (volunteer id, tenths) each, on `day`, recorded at `when`."""
        records = []
        for volunteer_id, tenths in served:
            self.day_tenths[(volunteer_id, day)] = self.day_tenths.get((volunteer_id, day), 0) + tenths
            records.append({"order_id": o["id"], "volunteer_id": volunteer_id, "community_id": self.cid,
                            "served_on": day, "tenths": tenths})
        self.records[o["id"]] = records
        o["served_at"] = when
        o["hours_tenths"] = sum(t for _, t in served)
        note = "; ".join(f"{v}:{_hours(t)}" for v, t in served)
        self.event(o, when, actor, RECORD_SERVICE, SERVED, note=f"{day.isoformat()} {note}",
                   changed={"hours_tenths": o["hours_tenths"]})

    def make_link(self, o: dict, when: datetime, actor: tuple) -> dict:
        token = self.rng.getrandbits(192).to_bytes(24, "big")
        link = {"order_id": o["id"], "community_id": self.cid, "token_hash": hashlib.sha256(token).hexdigest(),
                "created_at": when, "expires_at": when + timedelta(minutes=self.link_minutes), "used_at": None,
                "created_by": actor[0]}
        if self.spec.links:
            self.rows["sign_off_link"].append(link)
        self.audit(when, actor, "volunteer.link_create", "volunteer_order", o["id"],
                   after={"number": o["number"], "expires_at": link["expires_at"].isoformat()})
        return link

    def sign(self, o: dict, when: datetime, actor: tuple, method: str) -> None:
        """签单: each volunteer's hours added for good, and their points from the issuer, in volunteer id order."""
        if self.issuer is None:
            self.issuer = self.ids.take("points_account")
        for record in sorted(self.records.get(o["id"], ()), key=lambda r: r["volunteer_id"]):
            person = self.by_id[record["volunteer_id"]]
            person["hours_tenths"] += record["tenths"]
            if person["last_served_on"] is None or record["served_on"] > person["last_served_on"]:
                person["last_served_on"] = record["served_on"]
            key = (record["tenths"], o["service_kind"])
            points = self.points_cache.get(key)
            if points is None:
                points = self.points_cache[key] = points_for(record["tenths"] / 10, o["service_kind"], self.standard)
            if points > 0:
                self.transfers.append({"community_id": self.cid, "at": when, "kind": Kind.EARN.value,
                                       "source_id": self.issuer, "target_id": self.account_of[person["id"]],
                                       "points": points, "reverses": None, "order_id": o["id"],
                                       "redemption_id": None, "actor_id": actor[0]})
                self.earned.setdefault(person["id"], []).append((when, points))
        o["signed_at"], o["sign_method"] = when, method
        o["signed_month"] = f"{when:%Y-%m}"
        o["sign_minutes"] = int((when - o["requested_at"]).total_seconds() // 60)
        self.event(o, when, actor, SIGN_OFF, SIGNED, note=method,
                   changed={"sign_method": method, "signed_month": o["signed_month"]})

    def rate(self, o: dict, when: datetime, actor: tuple, rating: str, comment: str | None) -> None:
        o["rating"], o["comment"], o["flagged"] = rating, comment, rating == DISSATISFIED
        o["rated_at"] = when
        self.event(o, when, actor, RATE, RATED, note=rating, changed={"rating": rating, "flagged": o["flagged"]})

    def cancel(self, o: dict, when: datetime, actor: tuple, reason: str) -> None:
        o["cancel_reason"] = reason
        self.event(o, when, actor, CANCEL, CANCELLED, note=reason)

    # --- a year of orders ---

    def new_order(self, requested: datetime, kind: str, matter: dict | None = None) -> dict:
        rng = self.rng
        wanted = _daytime(requested + _span(rng, 3, 96))
        place = _pick(rng, PUBLIC if kind in ("cleaning", "safety", "culture") else HOME).format(
            e=self.spec.estate, b=_int(rng, 1, 30), u=_int(rng, 1, 6), f=_int(rng, 1, 18), r=_int(rng, 1, 4))
        title = _pick(rng, TASKS.get(kind) or TASKS["other"])
        detail = _pick(rng, DETAILS)
        if matter is not None:
            detail = f"由365事项 {matter['number']} 转入：{matter['description']}"[:2000]
        return {"id": None, "number": None, "community_id": self.cid, "service_kind": kind, "title": title,
                "detail": detail, "place": place, "wanted_at": wanted.replace(second=0, microsecond=0),
                "recipient_name": _pick(rng, sample.SURNAMES) + _pick(rng, sample.GIVEN),
                "recipient_phone": mobile(rng) if rng.random() < 0.85 else None,
                "matter_id": matter["id"] if matter else None, "step": None, "team_id": None, "volunteer_id": None,
                "due_at": None, "requested_at": requested, "dispatched_at": None, "taken_at": None,
                "served_at": None, "signed_at": None, "rated_at": None, "sign_method": None, "rating": None,
                "comment": None, "flagged": False, "cancel_reason": None, "take_minutes": None, "sign_minutes": None,
                "hours_tenths": 0, "signed_month": None, "created_by": None, "updated_at": requested,
                "_matter_number": matter["number"] if matter else None}

    def orders_walked(self) -> None:
        """The year's orders (requested in time order, so ids and numbers follow time), each walked as far as
        its fate and the clock allow."""
        rng, now, spec = self.rng, self.now, self.spec
        kinds, kind_weights = self.order_kinds
        plans: list[tuple[datetime, str, dict | None]] = []
        matters = [m for m in spec.matters if clock.local(m["registered_at"]) < now - timedelta(hours=2)]
        for matter in rng.sample(matters, min(spec.matter_orders, len(matters))):
            registered = clock.local(matter["registered_at"])
            requested = min(_daytime(registered + _span(rng, 0.5, 30)), now - timedelta(hours=1))
            plans.append((requested.replace(microsecond=0), MATTER_KINDS.get(matter["category"], "errand"), matter))
        special = 3 * (spec.volunteer_account is not None) + (spec.leader_account is not None) + spec.waiting
        for _ in range(spec.orders - len(plans) - special):
            days = rng.random() * 365
            day = (now - timedelta(days=days)).date()
            requested = datetime.combine(day, time(_int(rng, 8, 18), _int(rng, 0, 59), _int(rng, 0, 59)),
                                         tzinfo=clock.ZONE)
            if requested >= now:
                requested = now - timedelta(minutes=rng.randint(5, 300))
            if requested <= self.first:
                requested = self.first + timedelta(minutes=rng.randint(1, 600))
            plans.append((requested, rng.choices(kinds, cum_weights=kind_weights)[0], None))
        plans.sort(key=lambda p: p[0])
        first_id = self.ids.take("volunteer_order", len(plans))
        self.orders = []
        for offset, (requested, kind, matter) in enumerate(plans):
            o = self.new_order(requested, kind, matter)
            o["id"] = first_id + offset
            o["number"] = f"{self.prefix}{requested:%Y%m%d}{o['id']:06d}"
            self.orders.append(o)
            self.walk(o)

    def walk(self, o: dict) -> None:
        """点单 → 派单 (declined, re-dispatched) → 接单 (late now and then) → 服务 → 签单 → 评单, or cancelled before
        sign-off; young orders stop at a step of their own, and nothing happens after now."""
        rng, now = self.rng, self.now
        age = (now - o["requested_at"]).total_seconds() / 86400
        if age < OPEN_DAYS and rng.random() > age / OPEN_DAYS:
            target = rng.choices((1, 2, 3, 4, 5, 6), weights=(2, 4, 3, 3, 2, 2))[0]
        else:
            target = 5 if rng.random() < 0.07 else 6
        cancel_at = rng.choice((1, 2, 2, 3, 3, 4)) if rng.random() < 0.05 else None
        staff = self.staff_pick()
        kind = o["service_kind"]
        self.request(o, staff)
        t = o["requested_at"]
        refused: set[int] = set()  # teams and volunteers who declined or were replaced
        declines = 1 if rng.random() < 0.07 else 0
        redispatch = rng.random() < 0.05

        def stop(when: datetime, step: int) -> bool:
            return when > now or target < step

        # 派单, and again after a decline
        while True:
            t = _daytime(t + _span(rng, 0.2, 8))
            if cancel_at == 1 and t <= now:
                self.cancel(o, t, staff, _pick(rng, CANCEL_REASONS))
                return
            if stop(t, 2):
                return
            team, volunteer = self.target(kind, t, refused)
            if team is None and volunteer is None:
                return
            self.dispatch(o, t, staff, team, volunteer)
            if declines:
                declines -= 1
                t = t + _span(rng, 0.3, 10)
                if t > now:
                    return
                refused.add(o["volunteer_id"] or -o["team_id"])
                self.decline(o, t, self.acting(volunteer, team, staff), _pick(rng, DECLINE_REASONS))
                continue
            break
        late = rng.random() < 0.08
        if cancel_at == 2:
            when = t + _span(rng, 1, 20)
            if when <= now:
                self.cancel(o, when, staff, _pick(rng, CANCEL_REASONS))
            return
        # 接单, and again after a re-dispatch
        while True:
            t = t + (_span(rng, 25, 60) if late else _span(rng, 0.1, 10))
            if stop(t, 3):
                return
            taker = volunteer or self.member_of(team, t)
            if taker is None:
                return
            self.take(o, t, self.acting(volunteer, team, staff), taker)
            late = False
            if redispatch:
                redispatch = False
                t = _daytime(t + _span(rng, 1, 20))
                if t > now:
                    return
                refused.add(o["volunteer_id"])
                if o["team_id"]:
                    refused.add(-o["team_id"])
                team, volunteer = self.target(kind, t, refused)
                if team is None and volunteer is None:
                    return
                self.dispatch(o, t, staff, team, volunteer, reason=_pick(rng, REDISPATCH_REASONS))
                continue
            break
        if cancel_at == 3:
            when = t + _span(rng, 1, 24)
            if when <= now:
                self.cancel(o, when, staff, _pick(rng, CANCEL_REASONS))
            return
        # 服务
        start = _daytime(max(o["wanted_at"], t + timedelta(minutes=rng.randint(30, 180))))
        served = self.who_served(o, taker, team, start)
        if not served:
            return
        t = start + timedelta(minutes=max(tenths for _, tenths in served) * 6 + rng.randint(0, 40))
        if stop(t, 4):
            return
        self.serve(o, t, self.acting(taker, None, staff), start.date(), served)
        if cancel_at == 4:
            when = t + _span(rng, 1, 30)
            if when <= now:
                self.cancel(o, when, staff, _pick(rng, CANCEL_REASONS))
            return
        # 签单 and 评单
        roll = rng.random()
        method = IN_PERSON if roll < 0.45 else BY_LINK if roll < 0.75 else PHONE
        roll = rng.random()
        rating = SATISFIED if roll < 0.82 else BASIC if roll < 0.96 else DISSATISFIED
        comment = _pick(rng, COMMENTS[rating])
        if method == BY_LINK:
            made = t + timedelta(minutes=rng.randint(1, 5))
            signed = made + timedelta(minutes=rng.randint(1, min(20, self.link_minutes - 1)))
            if stop(signed, 5):
                return
            link = self.make_link(o, made, self.acting(taker, None, staff))
            link["used_at"] = signed
            self.sign(o, signed, LINK, method)
            if target >= 6 and rng.random() < 0.7:  # rated on the resident's phone at once
                self.rate(o, signed, LINK, rating, comment)
                return
        else:
            delay = _span(rng, 0.02, 0.2) if method == IN_PERSON else _span(rng, 2, 30)
            signed = _daytime(t + delay)
            if stop(signed, 5):
                return
            self.sign(o, signed, staff, method)
        t = _daytime(o["signed_at"] + _span(rng, 1, 72))
        if stop(t, 6):
            return
        self.rate(o, t, staff, rating, comment)

    def target(self, kind: str, when: datetime, refused: set[int]) -> tuple[dict | None, dict | None]:
        """Whom an order is dispatched to: a team (40%), a volunteer of a team (10%), or a volunteer (50%)."""
        roll = self.rng.random()
        if roll < 0.5:
            team = self.team_for(kind, when, {-r for r in refused if r < 0})
            if team is not None:
                if roll < 0.4:
                    return team, None
                person = self.member_of(team, when, refused)
                if person is not None:
                    return team, person
        return None, self.volunteer_for(kind, when, refused)

    def member_of(self, team: dict | None, when: datetime, but: set[int] = frozenset()) -> dict | None:
        if team is None:
            return None
        rng, members, leader = self.rng, self.members[team["_index"]], team["_leader"]
        if rng.random() < 0.3 and leader["id"] not in but and self.free(leader, when):
            return leader
        for _ in range(10):  # most are free: a few draws find one
            person = _pick(rng, members)
            if person["id"] not in but and self.free(person, when):
                return person
        members = [p for p in members if p["id"] not in but and self.free(p, when)]
        return rng.choice(members) if members else None

    def acting(self, volunteer: dict | None, team: dict | None, staff: tuple) -> tuple:
        """Who records a volunteer's step: their own account, their team leader's for a team order, else staff."""
        if volunteer is not None and volunteer["user_id"] is not None:
            return self.account_actor(volunteer)
        if volunteer is None and team is not None and team["_leader"]["user_id"] is not None:
            return self.account_actor(team["_leader"])
        return staff

    def account_actor(self, person: dict) -> tuple:
        spec = self.spec
        for account in (spec.volunteer_account, spec.leader_account):
            if account and account[0] == person["user_id"]:
                return account
        return self.staff[0]

    def who_served(self, o: dict, taker: dict, team: dict | None, start: datetime) -> list[tuple[int, int]]:
        """The volunteers who served and their tenths: the taker, for a team order up to three more members, now
        and then a companion; no one past 24 hours on the day."""
        rng = self.rng
        low, high = KIND_HOURS.get(o["service_kind"], (10, 20))
        people_ = [taker]
        if team is not None or o["team_id"] is not None:
            team = team or self.team_rows[o["team_id"] - self.team_rows[0]["id"]]
            members, wanted = self.members[team["_index"]], _pick(rng, (0, 1, 1, 2, 3))
            for _ in range(3 * wanted):
                if len(people_) > wanted:
                    break
                person = _pick(rng, members)
                if all(person is not q for q in people_) and self.free(person, start):
                    people_.append(person)
        elif rng.random() < 0.1:
            companion = self.volunteer_for(o["service_kind"], start, {taker["id"]})
            if companion is not None:
                people_.append(companion)
        day = start.date()
        served = []
        for person in sorted(people_, key=lambda p: p["id"]):
            tenths = min(5 * _int(rng, max(1, low // 5), high // 5), self.room(person["id"], day))
            if tenths > 0:
                served.append((person["id"], tenths))
        return served

    # --- the demo accounts' open work ---

    def open_work(self) -> None:
        """`volunteer`: an order dispatched to them, one taken, one served today (or just before); `teamlead`: a
        team order of their team waiting to be taken; the staff: `waiting` requests of the last hours still to be
        dispatched. Requested within the last day, after the year's orders."""
        spec, now = self.spec, self.now
        plans: list[tuple[datetime, str, dict | None]] = [
            (now - timedelta(minutes=30 + 70 * index), "waiting", None) for index in range(spec.waiting)]
        mine = next((p for p in self.volunteers if spec.volunteer_account
                     and p["user_id"] == spec.volunteer_account[0]), None)
        lead = next((p for p in self.volunteers if spec.leader_account
                     and p["user_id"] == spec.leader_account[0]), None)
        if mine is not None:
            plans += [(now - timedelta(hours=26), "served", mine), (now - timedelta(hours=20), "taken", mine),
                      (now - timedelta(hours=6), "dispatched", mine)]
        if lead is not None:
            plans.append((now - timedelta(hours=5, minutes=30), "team", lead))
        if not plans:
            return
        first_id = self.ids.take("volunteer_order", len(plans))
        for offset, (requested, state, person) in enumerate(plans):
            kinds = person["skills"].split(",") if person and person["skills"] else self.kinds
            o = self.new_order(requested.replace(microsecond=0), _pick(self.rng, kinds))
            o["wanted_at"] = max(o["wanted_at"], now - timedelta(hours=4))
            o["id"] = first_id + offset
            o["number"] = f"{self.prefix}{o['requested_at']:%Y%m%d}{o['id']:06d}"
            self.orders.append(o)
            staff = self.staff[0]
            self.request(o, staff)
            if state == "waiting":
                continue
            dispatched = o["requested_at"] + timedelta(minutes=40)
            if state == "team":
                team = next(t for t in self.team_rows if t["_leader"] is person)
                self.dispatch(o, dispatched, staff, team, None)
                continue
            self.dispatch(o, dispatched, staff, None, person)
            if state == "dispatched":
                continue
            actor = self.account_actor(person)
            self.take(o, dispatched + timedelta(hours=1, minutes=15), actor, person)
            if state == "taken":
                continue
            start = now - timedelta(hours=3)
            tenths = min(20, self.room(person["id"], start.date()))
            self.serve(o, now - timedelta(minutes=50), actor, start.date(), [(person["id"], tenths)])

    # --- the points store ---

    def store(self) -> None:
        """The goods (on the shelf since before the year), and a year of redemptions at the counter in time order:
        a volunteer with the points at that moment, a good in stock; a few cancelled the same day."""
        rng, spec, now = self.rng, self.spec, self.now
        if not spec.goods:
            return
        opened = self.at_registration((self.first - timedelta(days=20)).date())
        first_good = self.ids.take("store_good", len(spec.goods))
        goods = []
        for offset, g in enumerate(spec.goods):
            good = {"id": first_good + offset, "community_id": self.cid, "name": g.name, "price": g.price,
                    "stock": g.stock, "donor": g.donor, "active": True, "updated_at": opened, "_left": g.stock,
                    "_stock": g.stock}
            goods.append(good)
            self.audit(opened, self.staff[0], "volunteer.good_create", "store_good", good["id"],
                       after={"name": g.name, "price": g.price, "stock": g.stock, "donor": g.donor})
        self.goods = goods
        earned: dict[int, tuple[list[datetime], list[int]]] = {}
        for volunteer_id, entries in self.earned.items():
            entries.sort(key=lambda e: e[0])
            earned[volunteer_id] = ([e[0] for e in entries], list(accumulate(e[1] for e in entries)))
        spent: dict[int, int] = {}
        cheapest = min(g["price"] for g in goods)
        wanted = spec.redemptions if spec.redemptions is not None else round(spec.orders * REDEEM_PER_ORDER)
        moments = []
        for _ in range(wanted):
            day = (self.first + timedelta(days=30 + rng.random() * 335)).date()
            while not self.calendar.is_workday(day):
                day += timedelta(days=1)
            moment = datetime.combine(day, time(9 + rng.randrange(8), rng.randrange(60), rng.randrange(60)),
                                      tzinfo=clock.ZONE)
            if moment < now:
                moments.append(moment)
        moments.sort()
        population = [p for p in self.volunteers if p["id"] in earned]
        if not population:
            return
        weights = list(accumulate(p["_weight"] for p in population))
        for moment in moments:
            for _ in range(8):
                person = rng.choices(population, cum_weights=weights)[0]
                times, totals = earned[person["id"]]
                got = bisect_right(times, moment)
                keep = 40 if person["id"] in self.special_ids else 0  # the demo account keeps some points
                # what they hold then, less all they redeemed before (a cancelled one's points not counted back)
                balance = (totals[got - 1] if got else 0) - spent.get(person["id"], 0) - keep
                if balance >= cheapest:
                    break
            else:
                continue
            choices = [g for g in goods if g["price"] <= balance and g["_left"] >= 1]
            if choices:
                self.redeem(moment, person, rng.choice(choices), balance, spent)
        for good in goods:
            good["stock"] = good["_stock"]

    def redeem(self, moment: datetime, person: dict, good: dict, balance: int, spent: dict[int, int]) -> None:
        """One redemption at the counter, its transfer to the store, and (now and then) its same-day cancellation
        with the reversing transfer. `_left` is never given back: what a later redemption may take is always on
        the shelf; `_stock` is the shelf."""
        rng, now = self.rng, self.now
        quantity = 2 if rng.random() < 0.15 and 2 * good["price"] <= balance and good["_left"] >= 2 else 1
        cost = good["price"] * quantity
        before = good["_stock"]
        good["_left"] -= quantity
        good["_stock"] -= quantity
        good["updated_at"] = moment
        spent[person["id"]] = spent.get(person["id"], 0) + cost
        if self.store_account is None:
            self.store_account = self.ids.take("points_account")
        slip_id = self.ids.take("redemption")
        clerk = self.staff_pick()
        cancelled = None
        if rng.random() < CANCELLED_REDEMPTIONS:
            cancelled = min(moment + timedelta(minutes=rng.randint(5, 120)),
                            datetime.combine(moment.date(), time(23, 59), tzinfo=clock.ZONE))
            if cancelled > now:
                cancelled = None
        slip = {"id": slip_id, "number": f"{SLIP_PREFIX}{moment:%Y%m%d}{slip_id:06d}", "community_id": self.cid,
                "volunteer_id": person["id"], "good_id": good["id"], "quantity": quantity, "points": cost,
                "at": moment, "by_id": clerk[0], "cancelled_at": cancelled,
                "cancel_reason": rng.choice(REDEEM_CANCEL_REASONS) if cancelled else None}
        self.rows["redemption"].append(slip)
        redeem = {"community_id": self.cid, "at": moment, "kind": Kind.REDEEM.value,
                  "source_id": self.account_of[person["id"]], "target_id": self.store_account, "points": cost,
                  "reverses": None, "order_id": None, "redemption_id": slip_id, "actor_id": clerk[0]}
        self.transfers.append(redeem)
        self.audit(moment, clerk, "volunteer.redeem", "redemption", slip_id,
                   before={"id": good["id"], "name": good["name"], "stock": before},
                   after={"number": slip["number"], "volunteer_id": person["id"], "good_id": good["id"],
                          "quantity": quantity, "points": cost, "at": moment.isoformat(), "stock": good["_stock"]})
        if cancelled is None:
            return
        self.transfers.append({"community_id": self.cid, "at": cancelled, "kind": Kind.REVERSAL.value,
                               "source_id": self.store_account, "target_id": self.account_of[person["id"]],
                               "points": cost, "reverses": redeem, "order_id": None, "redemption_id": slip_id,
                               "actor_id": clerk[0]})
        good["_stock"] += quantity
        self.audit(cancelled, clerk, "volunteer.redeem_cancel", "redemption", slip_id,
                   before={"cancelled_at": None, "cancel_reason": None},
                   after={"cancelled_at": cancelled.isoformat(), "cancel_reason": slip["cancel_reason"]})

    # --- the rows ---

    def finish(self) -> dict:
        rows = self.rows
        for team in self.team_rows:
            rows["volunteer_team"].append({k: v for k, v in team.items() if not k.startswith("_")})
        for person in self.volunteers:
            rows["volunteer"].append({k: v for k, v in person.items() if not k.startswith("_")})
        for o in self.orders:
            o.pop("_matter_number", None)
            rows["volunteer_order"].append(o)
        for records in self.records.values():
            rows["service_record"].extend(records)
        first = self.ids.take("service_record", len(rows["service_record"]))
        for offset, record in enumerate(rows["service_record"]):
            record["id"] = first + offset
        rows["order_event"].sort(key=lambda e: e["at"])
        first = self.ids.take("order_event", len(rows["order_event"]))
        for offset, event in enumerate(rows["order_event"]):
            event["id"] = first + offset
        rows["sign_off_link"].sort(key=lambda link: link["created_at"])
        first = self.ids.take("sign_off_link", len(rows["sign_off_link"]))
        for offset, link in enumerate(rows["sign_off_link"]):
            link["id"] = first + offset
        # the ledger in time order (a reversal after the entry it reverses), and each account's balance
        self.transfers.sort(key=lambda row: row["at"])
        first = self.ids.take("points_transfer", len(self.transfers))
        for offset, row in enumerate(self.transfers):
            row["id"] = first + offset
        balances: dict[int, int] = {}
        for row in self.transfers:
            if row["reverses"] is not None:
                row["reverses"] = row["reverses"]["id"]
            balances[row["source_id"]] = balances.get(row["source_id"], 0) - row["points"]
            balances[row["target_id"]] = balances.get(row["target_id"], 0) + row["points"]
        rows["points_transfer"] = self.transfers
        for person in self.volunteers:
            account = self.account_of[person["id"]]
            rows["points_account"].append({"id": account, "holder": Holder.VOLUNTEER.value, "owner_id": person["id"],
                                           "community_id": self.cid, "balance": balances.get(account, 0)})
        for account, holder in ((self.issuer, Holder.ISSUER), (self.store_account, Holder.STORE)):
            if account is not None:
                rows["points_account"].append({"id": account, "holder": holder.value, "owner_id": self.cid,
                                               "community_id": self.cid, "balance": balances.get(account, 0)})
        for good in getattr(self, "goods", ()):
            rows["store_good"].append({k: v for k, v in good.items() if not k.startswith("_")})
        rows["audit_log"].sort(key=lambda row: row["at"])
        rows["leaders"] = self.leaders
        return rows


LINK = (LINK_ACTOR.id, LINK_ACTOR.username, LINK_ACTOR.display_name)
MATTER_KINDS = {"request": "errand", "environment": "cleaning", "property": "repair", "dispute": "legal",
                "complaint": "safety", "enquiry": "other", "suggestion": "culture"}


def insert_rows(session: Session, rows: dict[str, list[dict]]) -> None:
    """Bulk-insert the rows of service_rows (Core inserts, in foreign-key order), then name the teams' leaders."""
    for name in ORDER:
        if rows.get(name):
            table = AuditLog.__table__ if name == "audit_log" else TABLES[name].__table__
            session.execute(insert(table), rows[name])
    if rows.get("leaders"):
        session.execute(update(VolunteerTeam.__table__).where(VolunteerTeam.__table__.c.id == bindparam("team"))
                        .values(leader_id=bindparam("leader")),
                        [{"team": team, "leader": leader} for team, leader in rows["leaders"]])


def sync_sequences(session: Session) -> None:
    for name in TABLES:
        sync_id_sequence(session, name)


def merge(into: dict[str, list], rows: dict[str, list]) -> None:
    for name, values in rows.items():
        into.setdefault(name, []).extend(values)


# --- the demo -------------------------------------------------------------------------------------------------------

DEMO_VOLUNTEERS, DEMO_ORDERS, DEMO_MATTER_ORDERS = 120, 600, 6
COMMUNITY_TEAM = ("{name}邻里守望志愿服务队", ("elderly", "errand", "cleaning", "culture"))
ESTATES = {"康盛社区": "康盛小区", "康和社区": "康和苑", "康泰社区": "康泰家园"}
VOLUNTEER_ACCOUNT, LEADER_ACCOUNT = "volunteer", "teamlead"
LEADER_TEAM = 5  # 盛和物业's “楼道管家”志愿服务队 is led by the demo account `teamlead`


def seed(session: Session, settings: Settings, rng: random.Random, communities: list[tuple[int, str, str]],
         matters: list[dict], now: datetime) -> dict:
    """The demo's volunteer service in the first of `communities` [(id, name, code)]: its member units' teams and
    the community's own, the volunteers, a year of orders, the store. Called by data_access.demo.street.seed in its
    transaction, after the committees (the member units) and the matters. Returns the counts."""
    community_id, name, _ = communities[0]
    kinds = [k.code for k in settings.volunteer.service_kinds]
    units = session.execute(select(MemberUnit.id, MemberUnit.name, MemberUnit.volunteer_team, MemberUnit.speciality)
                            .where(MemberUnit.community_id == community_id).order_by(MemberUnit.id)).all()
    users = {username: (uid, username, display) for uid, username, display in
             session.execute(select(User.id, User.username, User.display_name))}
    staff = [users[u] for u in ("secretary", "worker") if u in users]
    sizes = [rng.randint(4, 8) for _ in units]
    teams = [TeamSpec((team or f"{unit}志愿服务队")[:60], "member_unit", unit_id,
                      specialities(f"{team or ''}{speciality or ''}", kinds), size)
             for (unit_id, unit, team, speciality), size in zip(units, sizes, strict=True)]
    team_name, speciality = COMMUNITY_TEAM
    teams.append(TeamSpec(team_name.format(name=name), "community", None,
                          tuple(k for k in speciality if k in kinds), 22))
    names = [unit for _, unit, _, _ in units]
    goods = [GoodSpec(good, price, stock, names[donor] if isinstance(donor, int) and donor < len(names)
                      else donor if isinstance(donor, str) else None) for good, price, stock, donor in GOODS]
    own = [m for m in matters if m["community_id"] == community_id and m["mode"] in MATTER_MODES]
    taken = {display.split()[-1] for _, _, display in users.values()}
    spec = ServiceSpec(
        community_id=community_id, estate=ESTATES.get(name, f"{name.removesuffix('社区')}小区"), teams=teams,
        volunteers=DEMO_VOLUNTEERS, orders=DEMO_ORDERS, staff=staff, units=[u[0] for u in units], goods=goods,
        matters=own, matter_orders=DEMO_MATTER_ORDERS, volunteer_account=users.get(VOLUNTEER_ACCOUNT),
        leader_account=users.get(LEADER_ACCOUNT), volunteer_team=-1, leader_team=min(LEADER_TEAM, len(teams) - 1),
        waiting=2, names_taken=taken)
    ids = Ids(session)
    rows = service_rows(rng, settings, spec, ids, now)
    insert_rows(session, rows)
    sync_sequences(session)
    tally.rebuild(session)  # bulk inserts pass by the writes that keep it
    return {"volunteer_teams": len(rows["volunteer_team"]), "volunteers": len(rows["volunteer"]),
            "volunteer_orders": len(rows["volunteer_order"]), "store_goods": len(rows["store_good"]),
            "redemptions": len(rows["redemption"])}

