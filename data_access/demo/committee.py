"""The joint party committees (联合党委) of the demo street, and the generator the city benchmark shares.

康盛社区 gets the committee of the seed article: 13 member units that sign yearly co-building agreements, 15
projects with 45 service items, claims by the units, progress through the year, the annual meeting in January
and a progress meeting every two months chaired in rotation; the next progress meeting is planned for today,
chaired by the unit the demo account `unitrep` represents. 康和社区 and 康泰社区 get small committees.

`committee_rows` turns a `CommitteeSpec` (the units, projects, agreements, needs) into plain row dicts for Core
bulk inserts, with explicit ids from `Ids`. Everything derived is kept as the app's write functions keep it:
claim.done and last_update_on repeat the claim's latest progress update, item.done = min(target, sum of its
claims' done); the agenda of each closed progress meeting is what open_meeting would have generated (carried
action items, then the claims in domain.agenda order, as of the meeting's opening); unfinished action items
carry over. All dates are relative to `now`; the same rng and `now` give the same rows.
"""

from __future__ import annotations

import math
import random
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select
from sqlmodel import Session

from data_access import clock
from data_access.db import sync_id_sequence
from data_access.demo import sample
from data_access.models import (
    ActionItem,
    AgendaItem,
    Agreement,
    AuditLog,
    Claim,
    CommitteeMeeting,
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
from domain.settings import Settings

YEAR = (1, 1), (12, 31)  # an item's period for the whole year


@dataclass(frozen=True)
class UnitSpec:
    name: str
    kind: str
    party_org: str
    team: str
    speciality: str
    members: int
    resources: tuple[tuple[str, str, str | None], ...] = ()  # (kind, title, detail)


@dataclass(frozen=True)
class ItemSpec:
    name: str
    target: float
    unit: str
    claimer: int | None  # index of the claiming unit, None: unclaimed
    frequency: str | None = None
    start: tuple[int, int] = YEAR[0]
    end: tuple[int, int] = YEAR[1]
    beneficiaries: str | None = None


@dataclass(frozen=True)
class ProjectSpec:
    name: str
    detail: str
    items: tuple[ItemSpec, ...]
    need: str | None = None  # the need (title) the project answers
    need_detail: str | None = None


@dataclass
class CommitteeSpec:
    """One community's committee. `units` in the order of the rotation; `representatives[i]` is the user id and
    username of unit i's representative; `agreements[i]` "signed", "draft" or None (none for the year)."""

    community_id: int
    units: list[UnitSpec]
    projects: list[ProjectSpec]
    representatives: list[tuple[int, str]]
    agreements: list[str | None]
    secretary: tuple[int | None, str, str]  # user id, username, name of the community's secretary
    place: str
    liaisons: list[str] = field(default_factory=list)  # filled from the rng when empty
    withdraw: tuple[int, int, str] | None = None  # (item index, replacing unit, reason)
    matter_needs: list[dict] = field(default_factory=list)  # matter rows raised to the needs list
    plan_next: bool = False  # plan the next progress meeting for today
    late_signers: int = 2  # units that signed a few days after the annual meeting
    gap_updates: float = 0.8  # progress updates expected between two meetings, per claim
    meeting_update: float = 0.8  # chance that a claim gets an update at a progress meeting
    unchanged: float = 0.0  # chance that an update between meetings with no new progress is recorded anyway
    files: float = 0.1  # share of the updates between meetings with a photo
    audit: bool = True
    shift: int = 0  # days the community's meetings are held before the street's rhythm


# --- the demo street's committees -------------------------------------------------------------------------------

KANGSHENG_UNITS = [
    UnitSpec("康盛社区居民委员会", "community", "中共康盛社区委员会", "康盛社区“红色管家”志愿服务队",
             "政策宣传、矛盾调解、为老服务", 26,
             (("venue", "党群服务中心会议室及活动室", "可容纳80人，每天8:30-20:30开放"),
              ("volunteers", "“红色管家”志愿服务队", "在册志愿者46人，以退休党员为主"))),
    UnitSpec("青春山通达路桥养护有限公司", "enterprise", "中共青春山通达路桥养护有限公司支部委员会",
             "“畅通路”党员志愿服务队", "道路养护、除雪保畅、交通设施维修", 34,
             (("expertise", "道路坑槽修补及除雪机械", "小型除雪车2台、压路机1台，可随叫随到"),
              ("volunteers", "“畅通路”党员志愿服务队", "党员职工22人"))),
    UnitSpec("青春山理工职业学校", "school", "中共青春山理工职业学校委员会", "“匠心”技能志愿服务队",
             "家电维修、电工技能培训、青少年科普", 52,
             (("venue", "实训楼及操场", "节假日向社区居民开放"),
              ("expertise", "家电维修、电工实训师资", "专业教师12人、学生志愿者80人"))),
    UnitSpec("青春山中心医院", "agency", "中共青春山中心医院委员会", "“白衣天使”志愿服务队",
             "义诊、健康讲座、慢病随访", 61,
             (("expertise", "全科及慢病管理医生", "每月可派出医护人员6人次"),
              ("funds", "免费体检名额", "每年为困难老人提供免费体检50人"))),
    UnitSpec("青春山农商银行康盛支行", "enterprise", "中共青春山农商银行康盛支行支部委员会", "“金融知识”志愿服务队",
             "反诈宣传、金融知识普及、老年人智能设备教学", 15,
             (("expertise", "金融及反诈宣讲员", None), ("funds", "公益慰问金", "每年3万元，用于困难群众节日慰问"))),
    UnitSpec("盛和物业服务有限公司", "enterprise", "中共盛和物业服务有限公司支部委员会", "“楼道管家”志愿服务队",
             "设施维修、环境整治、停车秩序", 12,
             (("volunteers", "“楼道管家”志愿服务队", "维修工及保洁员18人"), ("venue", "小区架空层活动场地", None))),
    UnitSpec("康盛幼儿园", "school", "中共康盛幼儿园支部委员会", "“小橙帽”亲子志愿服务队", "亲子活动、儿童安全教育", 9,
             (("venue", "幼儿园多功能厅", "周末可借用"),)),
    UnitSpec("青春山派出所", "agency", "中共青春山派出所支部委员会", "“平安守护”志愿服务队",
             "治安巡逻、反诈宣传、交通安全教育", 38,
             (("expertise", "社区民警及反诈宣讲", "社区民警2名常驻"), ("volunteers", "“平安守护”巡逻队", None))),
    UnitSpec("惠民佳超市康盛店", "enterprise", "惠民佳商贸有限公司联合党支部", "“爱心助购”志愿服务队",
             "爱心代购、送货上门、物资捐赠", 7,
             (("funds", "爱心物资", "米面油等生活物资，每季度一批"), ("volunteers", "送货上门服务", None))),
    UnitSpec("四叶草社会工作服务中心", "social_org", "中共四叶草社会工作服务中心支部委员会", "“四叶草”爱心志愿队",
             "个案帮扶、心理疏导、社工专业服务", 8,
             (("expertise", "持证社工", "持证社工9人，其中中级社工师3人"),)),
    UnitSpec("康盛小学", "school", "中共康盛小学支部委员会", "“红领巾”志愿服务队", "课后托管、青少年教育、科普活动", 31,
             (("venue", "学校图书室及操场", "寒暑假向社区开放"), ("volunteers", "教师及家长志愿者", None))),
    UnitSpec("青春山市场监督管理所", "agency", "中共青春山市场监督管理所支部委员会", "“食安守护”志愿服务队",
             "食品安全宣传、消费维权", 14, (("expertise", "食品安全及消费维权咨询", None),)),
    UnitSpec("青春山供电所", "enterprise", "中共青春山供电所支部委员会", "“光明驿站”共产党员服务队",
             "安全用电检查、线路检修", 22,
             (("expertise", "电工及线路检修", "抢修班组24小时值守"), ("volunteers", "“光明驿站”共产党员服务队", None))),
]

KANGSHENG_PROJECTS = [
    ProjectSpec("“幸福夕阳”为老服务项目", "面向辖区独居、空巢和高龄老人的上门探访、助餐和智能手机培训", (
        ItemSpec("独居老人上门探访", 240, "人次", 0, beneficiaries="辖区独居、空巢老人"),
        ItemSpec("老年助餐送餐服务", 1200, "份", 9, beneficiaries="80岁以上及失能老人"),
        ItemSpec("老年人智能手机使用培训", 12, "次", 4, "每月一次", beneficiaries="60岁以上老人")),
        "独居老人缺少日常照料和陪伴", "网格员走访发现独居、空巢老人63户，希望定期上门探访"),
    ProjectSpec("“白衣天使”健康服务项目", "医护人员进社区开展义诊、讲座和慢病随访", (
        ItemSpec("社区义诊", 12, "次", 3, "每月一次", beneficiaries="辖区居民"),
        ItemSpec("健康知识讲座", 6, "场", 3, "每两月一场", beneficiaries="辖区居民"),
        ItemSpec("慢病老人入户随访", 300, "人次", 3, beneficiaries="高血压、糖尿病老人")),
        "居民希望在家门口看病、测血压", None),
    ProjectSpec("“平安康盛”治安守护项目", "夜间巡逻、反诈宣传和青少年交通安全教育", (
        ItemSpec("夜间治安巡逻", 48, "次", 7, "每周一次", beneficiaries="全体居民"),
        ItemSpec("反电信诈骗宣传进楼栋", 24, "场", 7, "每月两场", beneficiaries="全体居民"),
        ItemSpec("青少年交通安全课", 4, "场", 7, start=(3, 1), end=(6, 30), beneficiaries="辖区中小学生")),
        "电信诈骗多发，老年人容易受骗", None),
    ProjectSpec("“金融知识进万家”项目", "金融知识普及、防范非法集资和上门金融服务", (
        ItemSpec("防范非法集资宣传", 6, "场", 4, "每两月一场", beneficiaries="辖区居民"),
        ItemSpec("老年人金融知识讲座", 4, "场", 4, "每季度一场", beneficiaries="60岁以上老人"),
        ItemSpec("上门为行动不便老人办理业务", 30, "人次", 4, beneficiaries="行动不便老人"))),
    ProjectSpec("“匠心服务”技能进社区项目", "职业学校师生进社区维修家电、开展技能培训", (
        ItemSpec("家电义务维修", 12, "次", 2, "每月一次", beneficiaries="辖区居民"),
        ItemSpec("居民电工技能培训", 2, "期", None, start=(4, 1), end=(10, 31), beneficiaries="失业及灵活就业人员"),
        ItemSpec("失业人员再就业技能培训", 100, "人次", 2, beneficiaries="辖区失业人员")),
        "失业人员希望学一门手艺", None),
    ProjectSpec("“美好家园·益起建”环境整治项目", "老旧小区楼道清理、绿化补植和照明维修", (
        ItemSpec("楼道杂物清理", 24, "次", 5, "每月两次", beneficiaries="老旧小区居民"),
        ItemSpec("小区绿化补植", 1500, "平方米", 5, start=(4, 1), end=(6, 30), beneficiaries="康盛小区、康和苑居民"),
        ItemSpec("楼道照明维修", 120, "处", 12, beneficiaries="老旧小区居民")),
        "老旧小区楼道杂物多、照明差", "居民反映楼道堆物和灯不亮的问题集中在1至12号楼"),
    ProjectSpec("“小橙帽”亲子成长项目", "面向学龄前儿童家庭的亲子阅读、安全教育和运动会", (
        ItemSpec("亲子阅读活动", 10, "场", 6, beneficiaries="3至6岁儿童家庭"),
        ItemSpec("儿童安全教育课", 8, "场", 6, beneficiaries="辖区儿童"),
        ItemSpec("暑期亲子运动会", 1, "场", 6, start=(7, 1), end=(8, 31), beneficiaries="辖区亲子家庭"))),
    ProjectSpec("“四叶草”困难群体帮扶项目", "社工为困难家庭和残疾人提供个案帮扶和心理疏导", (
        ItemSpec("困难家庭个案帮扶", 20, "户", 9, beneficiaries="低保及低收入家庭"),
        ItemSpec("残疾人心理疏导", 60, "人次", 9, beneficiaries="辖区残疾人"),
        ItemSpec("节日慰问困难群众", 3, "次", 0, "春节、端午、中秋各一次", beneficiaries="困难群众")),
        "困难家庭和残疾人需要长期帮扶", None),
    ProjectSpec("“红领巾”课后托管项目", "为双职工家庭子女提供课后和暑期托管、科普活动", (
        ItemSpec("“四点半课堂”课后托管", 120, "次", 10, "每个上学日", start=(3, 1), beneficiaries="辖区小学生"),
        ItemSpec("暑期青少年托管班", 30, "天", 10, start=(7, 10), end=(8, 20), beneficiaries="双职工家庭子女"),
        ItemSpec("青少年科普活动", 6, "场", 2, beneficiaries="辖区中小学生")),
        "双职工家庭孩子放学后无人照看", None),
    ProjectSpec("“爱心助购”便民服务项目", "为行动不便老人送货上门，为困难家庭捐赠物资", (
        ItemSpec("为行动不便老人送货上门", 200, "人次", 8, beneficiaries="行动不便老人"),
        ItemSpec("爱心物资捐赠", 50, "户", 1, beneficiaries="困难家庭"),
        ItemSpec("惠民促销进社区", 4, "次", 8, "每季度一次", beneficiaries="辖区居民"))),
    ProjectSpec("“光明驿站”安全用电项目", "老旧小区用电安全检查和线路检修", (
        ItemSpec("老旧小区用电安全检查", 300, "户", 12, beneficiaries="老旧小区居民"),
        ItemSpec("为独居老人免费检修线路", 60, "户", 12, beneficiaries="独居老人"),
        ItemSpec("电动车充电安全宣传", 6, "场", 1, beneficiaries="辖区居民"))),
    ProjectSpec("“食安守护”消费维权项目", "食品安全宣传、小餐饮检查和消费纠纷调解", (
        ItemSpec("食品安全进社区宣传", 6, "场", 3, beneficiaries="辖区居民"),
        ItemSpec("小餐饮店食品安全检查", 40, "家次", None, beneficiaries="辖区小餐饮店"),
        ItemSpec("消费纠纷调解", 20, "件", None, beneficiaries="辖区消费者"))),
    ProjectSpec("“和谐邻里”矛盾调解项目", "邻里纠纷调解、法律咨询和和谐楼栋评选", (
        ItemSpec("邻里纠纷调解", 40, "件", 0, beneficiaries="辖区居民"),
        ItemSpec("法律咨询进社区", 12, "次", 7, "每月一次", beneficiaries="辖区居民"),
        ItemSpec("和谐楼栋评选", 1, "次", None, start=(10, 1), beneficiaries="各楼栋居民")),
        "邻里纠纷调解需要专业力量", None),
    ProjectSpec("“书香康盛”文化惠民项目", "读书会、传统节日活动和广场舞展演", (
        ItemSpec("社区读书会", 12, "次", 10, "每月一次", beneficiaries="辖区居民"),
        ItemSpec("传统节日文化活动", 4, "场", 0, beneficiaries="辖区居民"),
        ItemSpec("广场舞展演", 2, "场", None, start=(5, 1), end=(9, 30), beneficiaries="文艺爱好者")),
        "希望社区多组织文化活动", None),
    ProjectSpec("“畅通康盛”道路养护项目", "片区道路坑槽修补、冬季除雪和文明交通劝导", (
        ItemSpec("小区周边道路坑槽修补", 30, "处", 1, start=(4, 1), end=(10, 31), beneficiaries="康盛片区居民"),
        ItemSpec("冬季道路除雪保畅", 10, "次", 1, end=(3, 31), beneficiaries="辖区居民"),
        ItemSpec("文明交通劝导", 24, "次", 2, "每月两次", beneficiaries="辖区居民")),
        "冬季道路积雪结冰，出行不便", None),
]
# (index of the item among the 45, unit that takes it over, reason): withdrawn at the second progress meeting
KANGSHENG_WITHDRAW = (32, 12, "单位承接市政道路抢修任务，人手不足，经推进会同意退出，由供电所接续")
KANGSHENG_AGREEMENTS = {8: "draft", 11: None}  # the supermarket's is a draft, the market office has none

SMALL = {
    "康和社区": (
        [UnitSpec("康和社区居民委员会", "community", "中共康和社区委员会", "“和美康和”志愿服务队", "为老服务、环境整治",
                  19, (("venue", "社区活动中心", None),)),
         UnitSpec("青春山第二中学", "school", "中共青春山第二中学委员会", "“青春先锋”志愿服务队", "课业辅导、文明宣传",
                  44, (("volunteers", "教师志愿者", "每周六上午"),)),
         UnitSpec("康和社区卫生服务站", "agency", "中共青春山卫生系统康和联合支部", "“健康守护”志愿服务队",
                  "健康咨询、慢病管理", 6, (("expertise", "全科医生", None),)),
         UnitSpec("鑫源物业服务有限公司", "enterprise", "中共鑫源物业服务有限公司支部委员会", "“鑫源管家”志愿服务队",
                  "设施维修、垃圾分类", 5, (("volunteers", "保洁维修队", None),)),
         UnitSpec("益家社会工作服务社", "social_org", "中共益家社会工作服务社支部委员会", "“益家”志愿服务队",
                  "青少年成长、家庭服务", 4, (("expertise", "持证社工", "5人"),))],
        [ProjectSpec("“暖心助老”项目", "老人健康体检和志愿陪伴", (
            ItemSpec("老人健康体检", 150, "人次", 2, beneficiaries="65岁以上老人"),
            ItemSpec("助老志愿陪伴", 100, "人次", 0, beneficiaries="独居老人"))),
         ProjectSpec("“青少年成长护航”项目", "假期课业辅导、心理健康讲座和亲子活动", (
             ItemSpec("假期课业辅导", 40, "次", 1, start=(7, 1), end=(8, 31), beneficiaries="辖区中小学生"),
             ItemSpec("青少年心理健康讲座", 4, "场", 4, beneficiaries="辖区青少年"),
             ItemSpec("亲子家庭活动", 6, "场", 4, beneficiaries="辖区家庭"))),
         ProjectSpec("“清洁家园”项目", "垃圾分类宣传和卫生死角清理", (
             ItemSpec("垃圾分类宣传", 12, "次", 3, "每月一次", beneficiaries="辖区居民"),
             ItemSpec("卫生死角清理", 24, "次", None, "每月两次", beneficiaries="辖区居民")))],
        {}),
    "康泰社区": (
        [UnitSpec("康泰社区居民委员会", "community", "中共康泰社区委员会", "“康泰红”志愿服务队", "政策宣传、邻里互助",
                  15, (("venue", "社区议事厅", None),)),
         UnitSpec("青春山消防救援站", "agency", "中共青春山消防救援站支部委员会", "“蓝朋友”消防志愿服务队",
                  "消防安全检查、应急演练", 23, (("expertise", "消防安全培训", None),)),
         UnitSpec("康泰农贸市场管理有限公司", "enterprise", "康泰农贸市场联合党支部", "“菜篮子”志愿服务队",
                  "平价菜供应、食品安全", 6, (("funds", "平价蔬菜", "每周一次"),)),
         UnitSpec("启明星幼儿园", "school", "中共启明星幼儿园支部委员会", "“启明星”亲子志愿服务队",
                  "儿童安全、亲子活动", 5, (("venue", "幼儿园操场", "周末开放"),))],
        [ProjectSpec("“消防安全进楼栋”项目", "楼栋消防检查、应急演练和儿童消防课", (
            ItemSpec("楼栋消防安全检查", 200, "户", 1, beneficiaries="高层住宅居民"),
            ItemSpec("居民消防应急演练", 4, "场", 1, beneficiaries="辖区居民"),
            ItemSpec("儿童消防安全课", 6, "场", 3, beneficiaries="辖区儿童"))),
         ProjectSpec("“便民惠民”项目", "平价蔬菜进社区和独居老人代购", (
             ItemSpec("平价蔬菜进社区", 24, "次", 2, "每月两次", beneficiaries="辖区居民"),
             ItemSpec("独居老人代购", 80, "人次", 0, beneficiaries="独居老人")))],
        {3: "draft"}),
}
PLACES = {"康盛社区": "康盛社区党群服务中心三楼会议室", "康和社区": "康和社区活动中心会议室",
          "康泰社区": "康泰社区议事厅"}


# --- ids, meetings, progress -------------------------------------------------------------------------------------

TABLES = {"member_unit": MemberUnit, "agreement": Agreement, "need": Need, "resource": Resource, "project": Project,
          "service_item": ServiceItem, "claim": Claim, "progress_update": ProgressUpdate,
          "committee_meeting": CommitteeMeeting, "agenda_item": AgendaItem, "action_item": ActionItem}
ORDER = ("member_unit", "agreement", "project", "need", "resource", "service_item", "committee_meeting", "claim",
         "progress_update", "action_item", "agenda_item", "meeting_attendance", "audit_log")


class Ids:
    """The next free id per table (the rows are inserted with explicit ids)."""

    def __init__(self, session: Session) -> None:
        self.next = {name: (session.execute(select(func.max(model.id))).scalar() or 0) + 1
                     for name, model in TABLES.items()}

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def schedule(today: date, every_months: int, shift: int = 0) -> tuple[date, list[date]]:
    """The annual meeting (in January, before today) and the progress meetings every `every_months` months
    before today, counted back from today (less `shift` days), after the annual meeting."""
    annual = min(date(today.year, 1, 10), today - timedelta(days=1))
    days, k = [], 1
    while True:
        day = rules.add_months(today, -every_months * k) - timedelta(days=shift)
        if day <= annual + timedelta(days=20):
            break
        days.append(day)
        k += 1
    return annual, sorted(days)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=clock.ZONE)


def _on(day: tuple[int, int], year: int) -> date:
    return date(year, *day)


def _fmt(value: float) -> str:
    return f"{value:g}"


def people(rng: random.Random, n: int, taken: set[str] = frozenset()) -> list[str]:
    """`n` different names, none of them in `taken`."""
    names: list[str] = []
    while len(names) < n:
        name = sample.person(rng)
        if name not in taken and name not in names:
            names.append(name)
    return names


def _png(rgb: tuple[int, int, int], width: int = 48, height: int = 32) -> bytes:
    """A small solid-colour PNG: the "photo" of a progress update."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PACES = (1.35, 1.2, 1.15, 1.1, 1.1, 1.3, 1.15, 0.75, 1.0, 1.1, 0.5, 1.4, 0.9, 1.2, 0.7)  # share done / time elapsed
NOTES = ["居民反响良好", "已拍照留档", "参与人数比预期多", "因天气原因推迟一次", "下月将加大力度", "与网格员配合开展",
         "部分居民提出新需求，已记录", "志愿者人手偏紧", "活动台账已报社区"]
MEETING_NOTES = ["已督促加快进度", "单位汇报了下阶段计划", "需社区协调场地", "进度正常", "建议调整活动时间"]
DECISIONS = ["对进度滞后的服务内容实行挂图作战，每两周报送一次进度", "各成员单位在社区公众号同步发布服务动态",
             "志愿服务时长统一录入志愿服务平台", "下阶段重点推进为老服务和安全类服务内容",
             "表扬提前完成年度目标的成员单位"]
ACTIONS = ["汇总各单位志愿服务时长，报街道党工委", "在社区公众号发布上期服务项目进展", "协调活动场地和设备",
           "更新三张清单并在党群服务中心公示"]
PHOTOS = {"venue": (190, 214, 232), "volunteers": (236, 200, 120), "expertise": (170, 220, 170)}


@dataclass
class _Claim:
    row: dict
    item: dict
    pace: float
    stale: bool
    updates: list[dict] = field(default_factory=list)

    def done_before(self, day: date) -> tuple[float, date | None]:
        """Done and last update date as of the opening of a meeting on `day` (updates before that day)."""
        before = [u for u in self.updates if u["on"] < day]
        return (before[-1]["done"], before[-1]["on"]) if before else (0.0, None)


def committee_rows(rng: random.Random, settings: Settings, spec: CommitteeSpec, ids: Ids, now: datetime) -> dict:
    """The rows of one community's committee: {table name: [row dicts]}, in ORDER. Each step makes one part of the
    year, in the order the rng is drawn."""
    year = _CommitteeYear(rng, settings, spec, ids, now)
    year.units_and_agreements()
    year.projects_and_needs()
    year.meetings_planned()
    year.claims_made()
    year.progress_reported()
    for index, meeting in enumerate(year.meetings):
        if meeting["status"] == "closed":
            year.meeting_held(index, meeting)
    year.actions_done()
    for meeting in year.meetings:
        meeting.pop("_chair")
    year.rows["committee_meeting"] = year.meetings
    return year.rows


class _CommitteeYear:
    """One community's committee year as it is built: the rows so far and what later steps read of earlier ones."""

    def __init__(self, rng: random.Random, settings: Settings, spec: CommitteeSpec, ids: Ids, now: datetime):
        self.rng, self.spec, self.ids, self.now = rng, spec, ids, now
        self.today = clock.local(now).date()
        self.year = self.today.year
        self.every = settings.committee.meeting_every_months
        self.tolerance = settings.committee.behind_tolerance
        self.rows: dict[str, list[dict]] = {name: [] for name in ORDER}
        self.cid = spec.community_id
        self.secretary = (spec.secretary[0], spec.secretary[1])
        self.annual, self.progress_days = schedule(self.today, self.every, spec.shift)
        self.last_day = self.progress_days[-1] if self.progress_days else None
        self.reps = spec.representatives
        self.unit_ids: list[int] = []
        self.unit_of: dict[int, int] = {}
        self.liaisons: list[str] = []
        self.items: list[dict] = []
        self.claimers: list[int | None] = []
        self.meetings: list[dict] = []
        self.closed_progress: list[dict] = []
        self.claims: list[_Claim] = []
        self.actions: list[dict] = []

    def audit(self, when: datetime, actor: tuple[int | None, str], action: str, entity: str, entity_id: int,
              after: dict | None = None, before: dict | None = None) -> None:
        if self.spec.audit:
            self.rows["audit_log"].append({
                "at": when, "actor_id": actor[0], "actor_name": actor[1], "action": action, "entity": entity,
                "entity_id": entity_id, "community_id": self.cid, "before": before, "after": after})

    def units_and_agreements(self) -> None:
        """Member units in the order of the rotation, what each offers, and the year's agreements."""
        rng, spec, year, annual = self.rng, self.spec, self.year, self.annual
        self.liaisons = spec.liaisons or people(rng, len(spec.units))
        for index, unit in enumerate(spec.units):
            uid = self.ids.take("member_unit")
            self.unit_ids.append(uid)
            joined = date(year - rng.randint(1, 6), rng.randint(1, 12), rng.randint(1, 28))
            self.rows["member_unit"].append({
                "id": uid, "community_id": self.cid, "name": unit.name, "kind": unit.kind,
                "party_org": unit.party_org, "liaison": self.liaisons[index], "liaison_phone": sample.phone(rng),
                "party_members": unit.members, "volunteer_team": unit.team, "speciality": unit.speciality,
                "representative_id": self.reps[index][0], "joined_on": joined, "left_on": None,
                "rota_position": index + 1, "updated_at": at(annual, 9)})
            for kind, title, detail in unit.resources:
                self.rows["resource"].append({"id": self.ids.take("resource"), "community_id": self.cid,
                                              "unit_id": uid, "kind": kind, "title": title, "detail": detail})
        self.unit_of = {uid: index for index, uid in enumerate(self.unit_ids)}
        late = set(rng.sample(range(1, len(spec.units)), min(spec.late_signers, len(spec.units) - 1)))
        for index, status in enumerate(spec.agreements):
            if status is None:
                continue
            unit = spec.units[index]
            signed = None
            if status == "signed":
                signed = annual + timedelta(days=rng.randint(3, 25)) if index in late else annual
                signed = min(signed, self.today)
            aid = self.ids.take("agreement")
            self.rows["agreement"].append({
                "id": aid, "community_id": self.cid, "unit_id": self.unit_ids[index], "year": year,
                "status": status, "signed_on": signed,
                "commitments": (f"1. 发挥{unit.speciality}等专长，认领并按期完成{year}年度服务项目；"
                                f"2. {unit.team}每月至少开展一次志愿服务；"
                                "3. 按时参加联合党委年会和推进会，轮值期间主持推进会；"
                                "4. 向社区开放可共享的场地和资源。"),
                "updated_at": at(signed or annual - timedelta(days=5), 10)})
            self.audit(at(signed or annual - timedelta(days=5), 10), self.secretary, "committee.agreement_create",
                       "agreement", aid, {"unit_id": self.unit_ids[index], "year": year, "status": status,
                                          "signed_on": signed.isoformat() if signed else None})

    def projects_and_needs(self) -> None:
        """The year's projects with their service items, the needs behind them and the needs raised from matters."""
        rng, spec, sec_id = self.rng, self.spec, self.spec.secretary[0]
        need_day = date(self.year - 1, 12, 10)
        for project in spec.projects:
            pid = self.ids.take("project")
            self.rows["project"].append({"id": pid, "community_id": self.cid, "year": self.year, "name": project.name,
                                         "detail": project.detail,
                                         "updated_at": at(self.annual - timedelta(days=7), 15)})
            if project.need:
                self.rows["need"].append({
                    "id": self.ids.take("need"), "community_id": self.cid, "title": project.need,
                    "detail": project.need_detail, "source": "entered", "matter_id": None,
                    "council_decision_id": None, "project_id": pid,
                    "raised_on": need_day + timedelta(days=rng.randint(0, 15)), "created_by": sec_id})
            for item in project.items:
                start, end = _on(item.start, self.year), _on(item.end, self.year)
                self.items.append({
                    "id": self.ids.take("service_item"), "project_id": pid, "community_id": self.cid,
                    "name": item.name, "target": float(item.target), "unit": item.unit, "frequency": item.frequency,
                    "period_start": start, "period_end": end, "beneficiaries": item.beneficiaries, "done": 0.0})
                self.claimers.append(item.claimer)
        for matter in spec.matter_needs:
            raised = min(clock.local(matter["registered_at"]).date() + timedelta(days=2), self.today)
            self.rows["need"].append({
                "id": self.ids.take("need"), "community_id": self.cid, "title": matter["description"][:100],
                "detail": f"由居民诉求 {matter['number']} 转入需求清单", "source": "matter", "matter_id": matter["id"],
                "council_decision_id": None, "project_id": None, "raised_on": raised, "created_by": sec_id})

    def meetings_planned(self) -> None:
        """The annual meeting, the progress meetings, maybe the next one planned for today; each planned by the
        secretary."""
        rng, spec, sec_id, n = self.rng, self.spec, self.spec.secretary[0], len(self.unit_ids)
        meetings = self.meetings
        for index, day in enumerate([self.annual, *self.progress_days]):
            kind = "annual" if index == 0 else "progress"
            mid = self.ids.take("committee_meeting")
            opened = at(day, 9) if kind == "annual" else at(day, 14, 30)
            meetings.append({"id": mid, "community_id": self.cid, "kind": kind, "day": day, "place": spec.place,
                             "chair_unit_id": self.unit_ids[index % n], "status": "closed", "opened_at": opened,
                             "closed_at": opened + timedelta(minutes=rng.randint(80, 150)), "summary": None,
                             "created_by": sec_id, "updated_at": None, "_chair": index % n})
        if spec.plan_next:
            index = len(meetings)
            meetings.append({"id": self.ids.take("committee_meeting"), "community_id": self.cid, "kind": "progress",
                             "day": self.today, "place": spec.place, "chair_unit_id": self.unit_ids[index % n],
                             "status": "planned", "opened_at": None, "closed_at": None, "summary": None,
                             "created_by": sec_id, "updated_at": None, "_chair": index % n})
        for index, meeting in enumerate(meetings):
            planned_at = meetings[index - 1]["closed_at"] if index else at(meeting["day"] - timedelta(days=14), 10)
            meeting["updated_at"] = meeting["closed_at"] or planned_at
            self.audit(planned_at, self.secretary, "meeting.plan", "committee_meeting", meeting["id"],
                       {"kind": meeting["kind"], "day": meeting["day"].isoformat(),
                        "chair_unit_id": meeting["chair_unit_id"]})
        self.closed_progress = [m for m in meetings if m["kind"] == "progress" and m["status"] == "closed"]

    def claims_made(self) -> None:
        """Claims at the annual meeting, each with its pace; one is withdrawn at the second progress meeting and a
        few are not updated after the last one (stale)."""
        rng, spec = self.rng, self.spec
        paces = list(PACES) * (len(self.items) // len(PACES) + 1)
        rng.shuffle(paces)
        withdraw_item = spec.withdraw[0] if spec.withdraw and len(self.closed_progress) >= 2 else None
        for index, (item, claimer) in enumerate(zip(self.items, self.claimers, strict=True)):
            if claimer is None:
                continue
            row = {"id": self.ids.take("claim"), "item_id": item["id"], "unit_id": self.unit_ids[claimer],
                   "community_id": self.cid, "status": rules.CLAIM_ACTIVE, "pledge": item["target"], "done": 0.0,
                   "claimed_on": min(self.annual, self.today), "last_update_on": None, "withdrawn_on": None,
                   "withdraw_reason": None, "created_by": self.reps[claimer][0]}
            self.claims.append(_Claim(row, item, paces[index], False))
            if index == withdraw_item:
                self.claims[-1].pace = 0.9  # it did its part until it withdrew
                row.update(status=rules.CLAIM_WITHDRAWN, withdrawn_on=self.closed_progress[1]["day"],
                           withdraw_reason=spec.withdraw[2])
        stale_pool = [c for c in self.claims if c.row["status"] == rules.CLAIM_ACTIVE and c.pace < 1.2]
        for c in rng.sample(stale_pool, min(len(stale_pool), max(1, len(self.claims) // 8))):
            c.stale = True

    def progress_reported(self) -> None:
        """Progress updates of every claim (a withdrawn claim's item is taken over by another unit at the meeting),
        then the claims' and items' done as the writes keep them, and the claims' audit entries."""
        for c in list(self.claims):
            self.updates_of(c, self.unit_of[c.row["unit_id"]])
            if c.row["status"] == rules.CLAIM_WITHDRAWN:
                done = c.updates[-1]["done"] if c.updates else 0.0
                new_unit = self.spec.withdraw[1]
                row = {**c.row, "id": self.ids.take("claim"), "unit_id": self.unit_ids[new_unit],
                       "status": rules.CLAIM_ACTIVE, "pledge": c.item["target"] - done,
                       "claimed_on": c.row["withdrawn_on"], "withdrawn_on": None, "withdraw_reason": None,
                       "created_by": self.reps[new_unit][0]}
                self.claims.append(_Claim(row, c.item, 1.1, False))
                self.updates_of(self.claims[-1], new_unit)
        for c in self.claims:
            if c.updates:
                c.row["done"], c.row["last_update_on"] = c.updates[-1]["done"], c.updates[-1]["on"]
            self.rows["claim"].append(c.row)
            self.rows["progress_update"].extend(c.updates)
            rep = self.reps[self.unit_of[c.row["unit_id"]]]
            self.audit(at(c.row["claimed_on"], 11, self.rng.randint(0, 59)), rep, "committee.claim", "claim",
                       c.row["id"], {"item_id": c.row["item_id"], "unit_id": c.row["unit_id"],
                                     "pledge": c.row["pledge"]})
            if c.row["withdrawn_on"]:
                self.audit(at(c.row["withdrawn_on"], 15), rep, "committee.claim_withdraw", "claim", c.row["id"],
                           {"status": rules.CLAIM_WITHDRAWN, "reason": c.row["withdraw_reason"]},
                           {"status": rules.CLAIM_ACTIVE})
        done_by_item: dict[int, float] = {}
        for c in self.claims:
            done_by_item[c.item["id"]] = done_by_item.get(c.item["id"], 0.0) + c.row["done"]
        for item in self.items:
            item["done"] = min(item["target"], done_by_item.get(item["id"], 0.0))
        self.rows["service_item"] = self.items

    def updates_of(self, c: _Claim, unit_index: int) -> None:
        """The claim's progress updates: at progress meetings and in the weeks before them, at its pace."""
        rng, spec, today, last_day = self.rng, self.spec, self.today, self.last_day
        item, pledge = c.item, c.row["pledge"]
        start = max(item["period_start"], c.row["claimed_on"])
        end = item["period_end"]
        lo = start
        hi = min(today, end + timedelta(days=14))
        if c.row["withdrawn_on"]:
            hi = min(hi, c.row["withdrawn_on"] - timedelta(days=1))
        by_day = {m["day"]: m for m in self.closed_progress}
        points = [d for d in (m["day"] for m in self.closed_progress) if lo < d <= hi]
        dates = {d: by_day[d] for d in points if rng.random() < spec.meeting_update}
        edges = [lo, *points, hi]
        for a, b in zip(edges, edges[1:], strict=False):
            n = int(spec.gap_updates) + (rng.random() < spec.gap_updates % 1)
            for _ in range(n):
                if (b - a).days > 2:  # units mostly report in the weeks before a meeting
                    offset = max(1, min((b - a).days - 1, round((b - a).days * rng.uniform(0.3, 0.95))))
                    dates.setdefault(a + timedelta(days=offset), None)
        must = None  # an update since the last meeting, unless the claim is one of the stale ones
        if last_day and c.stale:
            dates = {d: m for d, m in dates.items() if d <= last_day}
        elif last_day and hi > last_day:
            must = max((d for d in dates if d > last_day), default=None)
            if must is None:
                must = last_day + timedelta(days=rng.randint(1, max(1, (hi - last_day).days)))
                dates[must] = None
        prev = 0.0
        span = max(1, (end - start).days)
        for day in sorted(dates):
            if day > today or day < c.row["claimed_on"]:
                continue
            meeting = dates[day]
            elapsed = min(1.0, max(0.0, (day - start).days / span))
            share = 1.0 if c.pace >= 1 and day >= end else c.pace * elapsed + rng.uniform(-0.03, 0.03)
            done = pledge if share >= 1 else float(math.floor(pledge * max(0.0, share)))
            done = max(prev, min(done, pledge))
            if done <= prev and day != must and rng.random() >= (0.4 if meeting else spec.unchanged):
                continue
            if meeting:
                by, when = self.reps[meeting["_chair"]], meeting["opened_at"] + timedelta(minutes=rng.randint(5, 75))
            else:
                by, when = self.reps[unit_index], min(self.now, at(day, rng.randint(9, 19), rng.randint(0, 59)))
            note = (f"累计完成{_fmt(done)}{item['unit']}" if done > prev else "本期无新进展") + \
                   (f"，{rng.choice(NOTES)}" if rng.random() < 0.5 else "")
            photo = None if meeting or rng.random() >= spec.files else rng.choice(list(PHOTOS.items()))
            update = {"id": self.ids.take("progress_update"), "claim_id": c.row["id"], "community_id": self.cid,
                      "on": day, "done": done, "note": note,
                      "file_name": f"{item['name'][:20]}现场照片.png" if photo else None,
                      "file_type": "image/png" if photo else None, "file_data": _png(photo[1]) if photo else None,
                      "meeting_id": meeting["id"] if meeting else None, "created_by": by[0], "created_at": when}
            c.updates.append(update)
            self.audit(when, by, "committee.progress", "claim", c.row["id"],
                       {"done": done, "on": day.isoformat(), "meeting_id": update["meeting_id"]}, {"done": prev})
            prev = done
            if done >= pledge:
                break

    def meeting_held(self, index: int, meeting: dict) -> None:
        """What happened at a closed meeting: attendance, the agenda (progress meetings), the outcomes, the
        summary, and the action items done since."""
        rng, day, chair = self.rng, meeting["day"], meeting["_chair"]
        present = 0
        for u, uid in enumerate(self.unit_ids):
            here = u == chair or rng.random() < 0.9
            present += here
            self.rows["meeting_attendance"].append({"meeting_id": meeting["id"], "unit_id": uid, "present": here,
                                                    "attendee": self.liaisons[u] if here else None})
        chair_rep = self.reps[chair]
        self.audit(meeting["opened_at"], chair_rep, "meeting.open", "committee_meeting", meeting["id"],
                   {"status": "open"}, {"status": "planned"})
        following = (self.meetings[index + 1]["day"] if index + 1 < len(self.meetings)
                     else rules.add_months(day, self.every))
        if meeting["kind"] == "progress":
            outcomes = self.progress_meeting(meeting, present, following)
        else:
            outcomes = self.annual_meeting(meeting, present)
        self.outcomes_recorded(index, meeting, outcomes)
        self.audit(meeting["closed_at"], chair_rep, "meeting.close", "committee_meeting", meeting["id"],
                   {"status": "closed"}, {"status": "open"})

    def progress_meeting(self, meeting: dict, present: int, following: date) -> list[tuple]:
        """A progress meeting's agenda as open_meeting generates it (carried action items, then the claims in
        agenda order as of its opening), its summary, and its outcomes: (kind, text, owner unit, due)."""
        rng, day, chair = self.rng, meeting["day"], meeting["_chair"]
        names = [u.name for u in self.spec.units]
        previous = max((m["day"] for m in self.closed_progress if m["day"] < day), default=None)
        carried = [a for a in self.actions if not a["done"] or a["done_on"] >= day]
        carried.sort(key=lambda a: (a["due"] or date.max, a["id"]))
        active = [c for c in self.claims if c.row["claimed_on"] < day
                  and (c.row["withdrawn_on"] is None or c.row["withdrawn_on"] >= day)]
        entries, state = [], {}
        for c in active:
            done, last = c.done_before(day)
            behind = rules.behind_schedule(rules.share(done, c.row["pledge"]), c.item["period_start"],
                                           c.item["period_end"], day, self.tolerance) and done < c.row["pledge"]
            entries.append(rules.AgendaEntry(c.row["id"], behind, last))
            state[c.row["id"]] = c
        position = 0
        for a in carried:
            position += 1
            self.rows["agenda_item"].append({"id": self.ids.take("agenda_item"), "meeting_id": meeting["id"],
                                             "position": position, "section": "carried", "claim_id": None,
                                             "action_item_id": a["id"], "discussed": True,
                                             "seconds": rng.randint(30, 180), "note": None})
        behind_claims: list[_Claim] = []
        for entry in rules.agenda(entries, previous):
            position += 1
            section = ("behind" if entry.behind else "stale" if entry.last_update is None or (
                previous is not None and entry.last_update <= previous) else "rest")
            if entry.behind:
                behind_claims.append(state[entry.claim_id])
            self.rows["agenda_item"].append({
                "id": self.ids.take("agenda_item"), "meeting_id": meeting["id"], "position": position,
                "section": section, "claim_id": entry.claim_id, "action_item_id": None, "discussed": True,
                "seconds": rng.randint(40, 300) if section != "rest" else rng.randint(20, 120),
                "note": rng.choice(MEETING_NOTES) if section == "behind" or rng.random() < 0.2 else None})
        for a in carried:
            if not a["done"] and "共建协议" not in a["text"] and rng.random() < 0.5:
                a.update(done=True, done_on=day, done_meeting_id=meeting["id"])
        outcomes = [("decision", rng.choice(DECISIONS), None, None)]
        for c in behind_claims[:2]:
            outcomes.append(("action", f"加快推进「{c.item['name']}」，下次推进会前报送整改进度",
                             self.unit_of[c.row["unit_id"]], following - timedelta(days=5)))
        outcomes.append(("action", rng.choice(ACTIONS), 0, day + timedelta(days=rng.randint(10, 30))))
        for c in self.claims:
            if c.row["withdrawn_on"] == day and c.row["status"] == rules.CLAIM_WITHDRAWN:
                new = next(x for x in self.claims if x.row["item_id"] == c.row["item_id"] and x is not c)
                outcomes.append(("decision", f"同意{names[self.unit_of[c.row['unit_id']]]}退出「{c.item['name']}」，"
                                             f"由{names[self.unit_of[new.row['unit_id']]]}接续认领", None, None))
        outcomes.append(("decision", f"下次推进会由{names[(chair + 1) % len(names)]}轮值主持，"
                                     f"定于{following.month}月{following.day}日召开", None, None))
        meeting["summary"] = (f"应到成员单位{len(self.unit_ids)}家，实到{present}家。会议逐项听取了"
                              f"{len(active)}项认领服务内容的进展，其中{len(behind_claims)}项进度滞后；"
                              f"督办上次会议待办事项{len(carried)}项。")
        return outcomes

    def annual_meeting(self, meeting: dict, present: int) -> list[tuple]:
        """The annual meeting's summary and outcomes: the plan, the projects, the rotation, the agreements due."""
        spec, year = self.spec, self.year
        signed = sum(1 for s in spec.agreements if s == "signed")
        outcomes = [("decision", f"审议通过{year}年度联合党委工作计划", None, None),
                    ("decision", f"通过{year}年度项目清单：{len(spec.projects)}个服务项目、{len(self.items)}项服务内容",
                     None, None),
                    ("decision", "确定轮值书记顺序：" + "、".join(u.name for u in spec.units), None, None)]
        if signed < len(spec.agreements):
            outcomes.append(("action", "督促尚未签订共建协议书的成员单位完成签订", 0,
                             meeting["day"] + timedelta(days=60)))
        meeting["summary"] = (f"召开{year}年度联合党委年会，应到成员单位{len(self.unit_ids)}家，实到{present}家。"
                              f"{signed}家成员单位签订共建协议书，认领服务内容"
                              f"{sum(1 for c in self.claims if c.row['claimed_on'] == self.annual)}项。")
        return outcomes

    def outcomes_recorded(self, index: int, meeting: dict, outcomes: list[tuple]) -> None:
        """A meeting's decisions and action items, and when each action item was done."""
        rng, day = self.rng, meeting["day"]
        sec_name = self.spec.secretary[2]
        is_last = meeting is self.closed_progress[-1] if self.closed_progress else True
        for kind, text, owner_unit, due in outcomes:
            aid = self.ids.take("action_item")
            owner = (None if owner_unit is None
                     else sec_name if owner_unit == 0 and sec_name else self.liaisons[owner_unit])
            action = {"id": aid, "community_id": self.cid, "meeting_id": meeting["id"], "kind": kind, "text": text,
                      "owner": owner, "owner_unit_id": None if owner_unit is None else self.unit_ids[owner_unit],
                      "due": due, "done": False, "done_on": None, "done_meeting_id": None}
            self.rows["action_item"].append(action)
            self.audit(meeting["closed_at"] - timedelta(minutes=10), self.reps[meeting["_chair"]], "meeting.outcome",
                       "action_item", aid,
                       {"kind": kind, "text": text, "owner": owner, "due": due.isoformat() if due else None})
            if kind != "action":
                continue
            self.actions.append(action)
            if "共建协议" in text:
                continue  # one unit has still not signed: this one stays open all year
            if not is_last and rng.random() < 0.8:  # done by the next meeting
                nxt = self.meetings[index + 1]
                action.update(done=True, done_on=nxt["day"], done_meeting_id=nxt["id"])
            elif is_last and text in ACTIONS and rng.random() < 0.5:  # the rest is still open at the next one
                action.update(done=True, done_on=min(self.today, day + timedelta(days=rng.randint(5, 30))))

    def actions_done(self) -> None:
        """The audit entries of action items ticked off, at a meeting or by the secretary."""
        for action in self.actions:
            if action["done"] and action["done_meeting_id"] is not None:
                meeting = next(m for m in self.meetings if m["id"] == action["done_meeting_id"])
                self.audit(meeting["opened_at"] + timedelta(minutes=3), self.reps[meeting["_chair"]],
                           "meeting.action_done", "action_item", action["id"], {"done": True}, {"done": False})
            elif action["done"]:
                self.audit(min(self.now, at(action["done_on"], 16)), self.secretary, "meeting.action_done",
                           "action_item", action["id"], {"done": True}, {"done": False})


def insert_rows(session: Session, rows: dict[str, list[dict]]) -> None:
    """Bulk-insert the rows of committee_rows (Core inserts, in foreign-key order)."""
    tables = {**TABLES, "meeting_attendance": MeetingAttendance, "audit_log": AuditLog}
    for name in ORDER:
        if rows.get(name):
            session.execute(insert(tables[name].__table__), rows[name])


def sync_sequences(session: Session) -> None:
    for name in TABLES:
        sync_id_sequence(session, name)


def add_representatives(session: Session, community_id: int, people: Sequence[tuple[str, str]],
                        password_hash: str, now: datetime) -> list[int]:
    """Accounts (role unitrep in the community) for (username, display name); returns their ids in order."""
    created = now - timedelta(days=30)
    session.execute(insert(User.__table__), [
        {"username": username, "display_name": display[:40], "email": None, "password_hash": password_hash,
         "is_active": True, "failed_logins": 0, "locked_until": None, "last_login_at": None,
         "password_changed_at": created, "created_at": created} for username, display in people])
    found = dict(session.execute(select(User.username, User.id)
                                 .where(User.username.in_([u for u, _ in people]))).all())
    ids = [found[username] for username, _ in people]
    session.execute(insert(UserRole.__table__), [{"user_id": uid, "role": "unitrep", "community_id": community_id,
                                                  "grid_id": None} for uid in ids])
    return ids


# --- the demo -----------------------------------------------------------------------------------------------------

def seed(session: Session, settings: Settings, rng: random.Random, communities: list[tuple[int, str, str]],
         matters: list[dict], now: datetime) -> dict:
    """The demo committees of `communities` [(id, name, code)]; the first gets the seed's 13 units.

    Called by data_access.demo.street.seed in its transaction, after the accounts and matters. Returns the counts."""
    today = clock.local(now).date()
    users = {name: (uid, display, pw) for uid, name, display, pw in
             session.execute(select(User.id, User.username, User.display_name, User.password_hash))}
    unitrep = users["unitrep"]
    secretary = users.get("secretary")
    password = unitrep[2]
    ids = Ids(session)
    counts = {"member_units": 0, "projects": 0, "service_items": 0, "claims": 0, "progress_updates": 0,
              "committee_meetings": 0, "unit_representatives": 0}
    annual, days = schedule(today, settings.committee.meeting_every_months)
    for position, (community_id, name, code) in enumerate(communities):
        first = position == 0
        units, projects, agreements = ((KANGSHENG_UNITS, KANGSHENG_PROJECTS, KANGSHENG_AGREEMENTS) if first
                                       else SMALL.get(name, SMALL["康泰社区"]))
        liaisons = people(rng, len(units), taken={display.split()[-1] for _, display, _ in users.values()})
        chair_next = (1 + len(days)) % len(units)  # the unit chairing the meeting planned for today
        accounts, slots = [], []
        for index, unit in enumerate(units):
            if first and index == chair_next:
                liaisons[index] = unitrep[1].split()[-1]  # 赵建国 of the demo account
                continue
            accounts.append((f"rep_{code.lower()}{index + 1:02d}", f"{unit.name} {liaisons[index]}"))
            slots.append(index)
        rep_ids = add_representatives(session, community_id, accounts, password, now)
        reps: list[tuple[int, str]] = [(0, "")] * len(units)
        for index, uid, (username, _) in zip(slots, rep_ids, accounts, strict=True):
            reps[index] = (uid, username)
        if first:
            reps[chair_next] = (unitrep[0], "unitrep")
        sec = ((secretary[0], "secretary", secretary[1].split()[-1]) if first and secretary
               else (None, "system", ""))
        matter_needs = []
        if first:
            own = [m for m in matters if m["community_id"] == community_id]
            matter_needs = ([m for m in own if m["category"] == "suggestion"] or own)[:2]
        spec = CommitteeSpec(
            community_id=community_id, units=list(units), projects=list(projects), representatives=reps,
            agreements=[agreements.get(i, "signed") for i in range(len(units))], secretary=sec,
            place=PLACES.get(name, f"{name}会议室"), liaisons=liaisons,
            withdraw=KANGSHENG_WITHDRAW if first else None, matter_needs=matter_needs, plan_next=first,
            late_signers=2 if first else 1)
        rows = committee_rows(rng, settings, spec, ids, now)
        insert_rows(session, rows)
        counts["member_units"] += len(rows["member_unit"])
        counts["projects"] += len(rows["project"])
        counts["service_items"] += len(rows["service_item"])
        counts["claims"] += len(rows["claim"])
        counts["progress_updates"] += len(rows["progress_update"])
        counts["committee_meetings"] += len(rows["committee_meeting"])
        counts["unit_representatives"] += len(rep_ids)
    sync_sequences(session)
    return counts
