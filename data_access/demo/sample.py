"""Deterministic realistic matters with consistent timelines: the demo data and the city benchmark share it."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import lru_cache

from domain.service.workflow import Action, Evaluation, Step
from domain.settings import Settings

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋"
            "蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段")
GIVEN = ["秀英", "桂英", "建国", "志强", "海燕", "丽娟", "国华", "文静", "永刚", "春梅", "红霞", "德胜", "淑珍",
         "玉兰", "俊杰", "晓东", "雅琴", "宏伟", "敏", "磊", "静", "勇", "芳", "军", "杰", "娜", "涛", "超", "霞"]
WHERE = ["{b}号楼{u}单元", "{b}号楼", "小区{b}号门", "{b}号楼{u}单元{f}层", "{b}号楼楼下"]
TEXTS = {
    "enquiry": ["咨询城乡居民医疗保险缴费时间和标准", "询问高龄津贴申领需要准备哪些材料",
                "咨询孩子入学需要开具的居住证明", "询问廉租房申请条件和办理流程", "咨询退休人员社保认证方式"],
    "request": ["{w}独居老人行动不便，希望社区帮助代购药品", "{w}残疾人家庭申请上门办理残疾证年审",
                "{w}居民家中下水管道堵塞，请求帮助联系维修", "{w}老人希望申请助餐送餐服务",
                "{w}居民请求帮助办理医保异地备案"],
    "complaint": ["{w}楼下烧烤摊夜间噪音扰民，影响休息", "{w}有住户长期占用消防通道停放车辆",
                  "{w}装修施工超时作业，周末早上七点开工", "{w}楼道内堆放大量杂物，存在火灾隐患",
                  "{w}住户饲养犬只未拴绳，多次吓到儿童"],
    "dispute": ["{w}楼上楼下因卫生间漏水产生纠纷", "{w}邻里因共用车位归属发生争执",
                "{w}租户与房东因押金退还产生矛盾", "{w}两户居民因楼道堆物多次争吵"],
    "environment": ["{w}垃圾桶满溢未及时清运，气味较大", "{w}绿化带内有大量建筑垃圾", "{w}雨后路面积水严重，出行不便",
                    "{w}楼道灯损坏多日未修", "{w}化粪池外溢，需要尽快处理"],
    "property": ["{w}电梯经常故障停运，老人上下楼困难", "{w}小区门禁系统损坏，外来人员随意进出",
                 "{w}物业费收支不透明，居民要求公示", "{w}地下车库照明不足，存在安全隐患",
                 "{w}供暖温度不达标，室内仅十五度"],
    "suggestion": ["建议在小区内增设充电桩，方便电动车充电", "建议社区开设老年人智能手机使用培训班",
                   "建议在{w}附近增设休闲座椅", "建议周末开放社区活动室供青少年学习", "建议增加小区健身器材"],
}
RESULTS = ["已联系相关部门现场处理完毕", "经网格员协调，双方达成一致意见", "已安排专人上门办理完成",
           "已协调物业公司整改到位", "已向居民详细解释政策并协助提交材料"]
FEEDBACK = ["已电话告知居民办理结果", "网格员上门反馈处理情况", "已通过微信告知居民", "已在单元门口张贴处理结果公告"]
COMMENTS = {"satisfied": ["处理及时，非常满意", "工作人员态度很好", "问题彻底解决了"],
            "basic": ["基本解决，希望以后更快一些", "处理了，但还需要持续关注"],
            "dissatisfied": ["问题没有根本解决，又出现了", "处理不到位，要求重新办理"]}
STAFF = ["社工", "网格员"]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def phone(rng: random.Random) -> str:
    """A fictitious phone number: area code 000 cannot exist (00 is the international prefix)."""
    return "000-" + "".join(rng.choice("0123456789") for _ in range(8))


def id_number(mid: int) -> str:
    """A fictitious resident ID number: region 000000 does not exist; birth date and check character are valid."""
    body = f"000000{1940 + mid % 60}{1 + mid % 12:02d}{1 + mid % 28:02d}{mid % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    return body + "10X98765432"[total % 11]


@lru_cache(maxsize=4096)
def _deadline(calendar, day, days: int):
    return calendar.add_working_days(day, days)


def matters(rng: random.Random, settings: Settings, places: list[tuple[int, list[int]]], n: int,
            now: datetime, *, first_id: int = 1, actors: list[tuple[int | None, str]] | None = None,
            days_back: int = 365) -> Iterator[tuple[dict, list[dict]]]:
    """Yield (matter row, event rows) for `n` matters registered over the last `days_back` days."""
    actors = actors or [(None, "系统")]
    for offset in range(n):
        mid = first_id + offset
        community_id, grid_ids = places[rng.randrange(len(places))]
        registered = now - timedelta(days=rng.random() * days_back, hours=rng.random() * 2)
        registered = registered.replace(hour=rng.randint(8, 19), microsecond=0)
        if registered > now:
            registered = now - timedelta(minutes=rng.randint(5, 120))
        channel = settings.channels[rng.randrange(3)]
        category = rng.choices(settings.categories, weights=[3, 4, 3, 2, 4, 4, 1][: len(settings.categories)]
                               + [1] * max(0, len(settings.categories) - 7))[0]
        urgency = settings.urgencies[0 if rng.random() < 0.15 else -1]
        where = rng.choice(WHERE).format(b=rng.randint(1, 30), u=rng.randint(1, 6), f=rng.randint(1, 18))
        text = rng.choice(TEXTS.get(category.code, TEXTS["request"])).format(w=where)
        anonymous = rng.random() < 0.1
        deadline = _deadline(settings.calendar, registered.date(), category.deadline_days[urgency.code])
        matter = {
            "id": mid, "number": f"{settings.number_prefix}{registered:%Y%m%d}{mid:07d}", "registered_at": registered,
            "channel": channel.code, "sub_source": rng.choice(channel.sub_sources).code,
            "community_id": community_id, "grid_id": rng.choice(grid_ids), "anonymous": anonymous,
            "reporter_name": None if anonymous else person(rng), "reporter_phone": None if anonymous else phone(rng),
            "reporter_id_number": id_number(mid) if not anonymous and category.code == "request" and mid % 3 == 0
            else None,
            "description": text, "category": category.code, "urgency": urgency.code,
            "mode": rng.choice(settings.modes).code, "step": int(Step.ANALYSE), "handler": None, "supervisor": None,
            "ledger_no": None, "deadline": deadline, "extension_count": 0, "result": None, "feedback_content": None,
            "feedback_method": None, "evaluation": None, "evaluation_comment": None, "evaluated_at": None,
            "reopen_count": 0, "escalated": False, "score": None, "closed_at": None, "handled_on_time": None,
            "handling_days": None, "created_by": actors[0][0], "updated_at": registered,
        }
        yield matter, _timeline(rng, settings, matter, now, actors)


def _timeline(rng, settings, m, now, actors) -> list[dict]:
    """Walk the six steps with plausible delays; stop where the clock (now) or the chosen target stops."""
    age = (now - m["registered_at"]).days
    closed_share = 0.99 if age > 60 else age / 60
    target = Step.CLOSED if rng.random() < closed_share else Step(rng.choice([1, 2, 3, 3, 3, 4, 5, 6]))
    actor_id, actor_name = rng.choice(actors)
    events = [_event(m, m["registered_at"], actor_id, actor_name, Action.RECORD, None, Step.ANALYSE,
                     m["description"])]
    at, step = m["registered_at"], Step.ANALYSE
    late = rng.random() < 0.12
    span = max(1, (m["deadline"] - m["registered_at"].date()).days)

    def go(action, delay_h, note, to, **data):
        nonlocal at, step
        when = (at + timedelta(hours=delay_h)).replace(microsecond=0)
        if when > now or step >= target:
            return False
        events.append(_event(m, when, actor_id, actor_name, action, step, to, note, data or None))
        at, step = when, to
        m["updated_at"] = when
        return True

    handler = person(rng)
    if not go(Action.ANALYSE, rng.uniform(0.5, 20), "", Step.LEDGER, handler=handler):
        return events
    m.update(handler=handler, supervisor=person(rng))
    ledger_no = f"TZ-{m['community_id']:03d}-{m['registered_at']:%Y}-{m['id']:07d}"
    if not go(Action.REGISTER, rng.uniform(0.5, 24), "", Step.HANDLE, ledger_no=ledger_no):
        return events
    m["ledger_no"] = ledger_no
    while True:
        if rng.random() < 0.5:
            go(Action.PROGRESS, rng.uniform(2, 24 * span / 2), "已联系相关方，正在协调处理", Step.HANDLE)
        hours = rng.uniform(2, 20 * span) + (24 * rng.uniform(1, 10) if late else 0)
        result = rng.choice(RESULTS)
        if not go(Action.COMPLETE, hours, result, Step.FEEDBACK):
            return events
        m["result"], m["handled_on_time"] = result, at.date() <= m["deadline"]
        content = rng.choice(FEEDBACK)
        if not go(Action.FEEDBACK, rng.uniform(1, 24), content, Step.EVALUATE):
            return events
        m["feedback_content"], m["feedback_method"] = content, rng.choice(settings.feedback_methods).code
        roll = rng.random()
        unhappy = 0.03 + 0.06 * (m["community_id"] % 3)   # communities differ in how well they serve
        evaluation = (Evaluation.DISSATISFIED if roll < unhappy and m["reopen_count"] < 3
                      else Evaluation.BASIC if roll < unhappy + 0.18 else Evaluation.SATISFIED)
        comment = rng.choice(COMMENTS[evaluation.value])
        to = Step.HANDLE if evaluation is Evaluation.DISSATISFIED else Step.ASSESS
        if not go(Action.EVALUATE, rng.uniform(12, 72), comment, to, evaluation=evaluation.value):
            return events
        m.update(evaluation=evaluation.value, evaluation_comment=comment, evaluated_at=at)
        if evaluation is not Evaluation.DISSATISFIED:
            break
        m["reopen_count"] += 1
        m["handled_on_time"] = None
        m["escalated"] = m["reopen_count"] >= settings.reopen_escalation
    score = rng.choice([75, 80, 85, 88, 90, 92, 95, 98])
    if not go(Action.ASSESS, rng.uniform(24, 120), "", Step.CLOSED, score=score):
        return events
    m.update(score=score, closed_at=at,
             handling_days=round((at - m["registered_at"]).total_seconds() / 86400, 2))
    return events


def _event(m, at, actor_id, actor_name, action, step_from, step_to, note, data=None) -> dict:
    m["step"] = int(step_to)
    return {"matter_id": m["id"], "at": at, "actor_id": actor_id, "actor_name": actor_name, "action": action.value,
            "step_from": None if step_from is None else int(step_from), "step_to": int(step_to), "note": note or None,
            "data": data}


def audit_rows(matters: dict[int, dict], events: list[dict], usernames: dict[int | None, str]) -> list[dict]:
    """An audit entry for each generated event: who moved which matter from which step to which, with what.

    `matters` maps id -> matter row (for its community); the values are what changed, not whole snapshots."""
    rows = []
    for e in events:
        after = {"step": e["step_to"], **(e["data"] or {})}
        if e["note"]:
            after["note"] = e["note"][:200]
        rows.append({"at": e["at"], "actor_id": e["actor_id"], "actor_name": usernames.get(e["actor_id"], "system"),
                     "action": "matter.create" if e["action"] == Action.RECORD else f"matter.{e['action']}",
                     "entity": "matter", "entity_id": e["matter_id"],
                     "community_id": matters[e["matter_id"]]["community_id"],
                     "before": None if e["step_from"] is None else {"step": e["step_from"]}, "after": after})
    return rows

