"""The demo's estate public-welfare fund: 幸福里小区公益基金 of 幸福里小区联席会议, held by three co-managers who are
demo accounts (the convener 周明远 `convener`, the owners' committee's treasurer 林春梅 `treasurer`, and the resident
representative 孙雅琴 `recorder`), opened a year and a quarter ago with income of every source (the start-up grant,
the property company's quarterly share, donations, the lift adverts and the hall's rent, one donation entered twice
and reversed) and spending of every kind: small and middle requests paid, one rejected, one withdrawn, the garden's
renovation paid on the council's decision once its notice was over, and today: one request waiting for one more
signature, one waiting for the recorder, one ready for the worker to pay, and the entrance system waiting for a
decision of the council. Rows are written in the caller's transaction with their timeline and audit entries."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access import audit, clock
from data_access.models import (
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
    User,
)
from domain.access import Actor
from domain.fund.rules import fen_of, tier_for
from domain.fund.statement import quarter_days, quarter_of
from domain.settings import Settings

COUNCIL = "幸福里小区联席会议"
FUND = "幸福里小区公益基金"
MANAGERS = (("convener", "周明远"), ("treasurer", "林春梅"), ("recorder", "孙雅琴"))
C, T, R = "convener", "treasurer", "recorder"
GARDEN = "实施中心花园绿化改造一期"  # the decision the large spending rests on
OPENING = 1_200_000  # fen: the estate's public income handed over when the fund opened


@dataclass(frozen=True)
class Spend:
    """A request of the demo: day (from the fund's opening, or negative: from today), who asks, what for, and what
    became of it: approvers in order, then paid (days after the request), rejected by, or withdrawn."""

    day: int
    by: str
    purpose: str
    yuan: str
    payee: str
    detail: str
    approvers: tuple[str, ...] = ()
    paid_after: int | None = None
    rejected: tuple[str, str] | None = None
    withdrawn: str | None = None


SPENDING = [
    Spend(12, C, "hygiene", "386.50", "康盛日用品商店", "购买楼道消毒液、垃圾袋", (T,), 3),
    Spend(30, T, "culture", "2680", "幸福里老年协会", "重阳节敬老活动：慰问品和茶点", (C, R), 4),
    Spend(47, R, "upkeep", "1980", "安居照明工程部", "更换小区主干道路灯12盏", (C, T), 5),
    Spend(70, C, "relief", "3000", "困难家庭（4户）", "春节慰问困难家庭，每户750元", (T, R), 3),
    Spend(95, T, "hygiene", "450", "绿康消杀服务部", "楼道及垃圾房灭蚊灭蝇", (R,), 2),
    Spend(118, R, "upkeep", "4800", "健乐体育器材公司", "更换中心花园健身器材3件",
          rejected=(T, "先请物业评估能否维修，维修不了再换")),
    Spend(140, C, "culture", "1260", "幸福里小区居民活动队", "端午节包粽子活动材料", (R, T), 4),
    Spend(165, T, "upkeep", "4350", "盛和物业工程部", "维修5个单元门禁", (C, R), 6),
    Spend(200, R, "culture", "3200", "康盛文化传媒", "中秋联欢晚会舞台和音响",
          withdrawn="活动改由共建单位赞助，不再使用基金"),
    Spend(230, C, "hygiene", "298.80", "康盛日用品商店", "垃圾分类宣传袋", (R,), 2),
    Spend(262, T, "relief", "2000", "12号楼独居老人", "独居老人家中水管爆裂应急维修补助", (C, R), 1),
    Spend(300, R, "hygiene", "480", "绿康消杀服务部", "秋季楼道消杀", (C,), 3),
    Spend(-35, T, "culture", "2860", "幸福里老年协会", "重阳节敬老活动：慰问品和茶点", (C, R), 3),
    Spend(-25, C, "hygiene", "420", "绿康消杀服务部", "入冬前楼道及垃圾房消杀", (R,), 2),
    Spend(-6, C, "hygiene", "320", "康盛日用品商店", "冬季楼道防滑垫", ()),
    Spend(-4, T, "culture", "2400", "幸福里老年协会", "元旦联欢活动奖品和茶点", (C,)),
    Spend(-3, R, "relief", "1500", "8号楼困难家庭", "冬季取暖补助", (C, T)),
    Spend(-2, C, "upkeep", "24000", "智安门禁科技公司", "更换损坏最严重的12个单元门禁（刷卡加人脸识别）", (T, R)),
]
GARDEN_SPEND = Spend(0, T, "upkeep", "18600", "盛和物业绿化部",
                     "中心花园绿化改造一期：补植草皮和灌木约600平方米，修缮步道（联席会议决议）", (C, R))

# (day from opening, source, payer, yuan (whole, or text with its fen), note)
INCOME = [
    (3, "grant", "康盛街道办事处", 50_000, "小区公益基金启动资金"),
    (20, "donation", "万家便利店（爱心商户）", 2_000, None),
    (21, "donation", "万家便利店（爱心商户）", 2_000, None),  # entered twice: reversed below
    (55, "donation", "幸福里小区居民 张先生", 500, "指定用于困难家庭帮扶"),
    (150, "donation", "康盛银行营业网点（共建单位）", 5_000, None),
    (280, "donation", "幸福里小区居民（爱心捐款箱）", "1236.50", "重阳节募集"),
]
REVERSED = 2  # the position in INCOME of the entry entered twice
PROPERTY_SHARE = [6_800, 7_200, 7_500, 7_350]  # 盛和物业's share of each quarter's income, paid the month after
ADVERTS = 1_500  # the lift adverts, monthly; the hall's rent every other month


def _receipt() -> bytes:
    """A small picture of a receipt, the kind a phone takes."""
    image = Image.new("RGB", (240, 320), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 230, 310), outline="black", width=2)
    for y in range(40, 300, 24):
        draw.line((24, y, 216, y), fill="gray")
    draw.ellipse((150, 230, 215, 295), outline="red", width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class _Book:
    """Writes the fund's rows in order, keeping the balance, the timeline and the audit."""

    def __init__(self, session: Session, settings: Settings, fund: Fund, actors: dict[str, Actor],
                 members: dict[str, int], worker: Actor, now: datetime):
        self.session, self.settings, self.fund, self.actors = session, settings, fund, actors
        self.members, self.worker, self.now = members, worker, now
        self.receipt = _receipt()
        self.counts = {"income": 0, "requests": 0, "paid": 0}

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return min(clock.day_start(day).replace(hour=hour, minute=minute), self.now - timedelta(minutes=5))

    def attach(self, owner: str, owner_id: int, name: str, actor: Actor, at: datetime) -> None:
        self.session.add(FundFile(fund_id=self.fund.id, community_id=self.fund.community_id, owner=owner,
                                  owner_id=owner_id, name=name, kind="image/png", size=len(self.receipt),
                                  data=self.receipt, created_by=actor.id, created_at=at))

    def income(self, day: date, source: str, payer: str, yuan: int | str, note: str | None,
               actor: Actor) -> FundIncome:
        at = self.at(day, 10)
        entry = FundIncome(fund_id=self.fund.id, community_id=self.fund.community_id, received_on=day, source=source,
                           payer=payer, amount_fen=fen_of(yuan)[0], note=note, created_by=actor.id, created_at=at)
        self.session.add(entry)
        self.session.flush()
        self.fund.balance_fen += entry.amount_fen
        self.attach("income", entry.id, f"收据{entry.id}.png", actor, at)
        audit.record(self.session, actor=actor, action="fund.income", entity="fund_income", entity_id=entry.id,
                     community_id=self.fund.community_id, at=at, after={"amount_fen": entry.amount_fen,
                                                                        "source": source, "payer": payer})
        self.counts["income"] += 1
        return entry

    def reverse(self, original: FundIncome, day: date, reason: str, actor: Actor) -> None:
        at = self.at(day, 15)
        entry = FundIncome(fund_id=self.fund.id, community_id=self.fund.community_id, received_on=day,
                           source=original.source, payer=original.payer, amount_fen=-original.amount_fen,
                           reverses_id=original.id, reason=reason, created_by=actor.id, created_at=at)
        self.session.add(entry)
        self.session.flush()
        self.fund.balance_fen -= original.amount_fen
        audit.record(self.session, actor=actor, action="fund.income_reverse", entity="fund_income",
                     entity_id=entry.id, community_id=self.fund.community_id, at=at,
                     after={"amount_fen": entry.amount_fen, "reverses_id": original.id, "reason": reason})

    def event(self, request: FundRequest, action: str, actor: Actor, at: datetime, note: str | None = None) -> None:
        self.session.add(FundEvent(request_id=request.id, community_id=request.community_id, action=action,
                                   note=note, by_id=actor.id, at=at))

    def request(self, spend: Spend, day: date, decision_id: int | None = None) -> FundRequest:
        actor = self.actors[spend.by]
        at = self.at(day, 9, 30)
        fen = fen_of(spend.yuan)[0]
        tier = tier_for(fen, self.settings.fund.cosign)
        request = FundRequest(fund_id=self.fund.id, community_id=self.fund.community_id, purpose=spend.purpose,
                              amount_fen=fen, payee=spend.payee, detail=spend.detail, requester_id=actor.id,
                              requested_at=at, approvals_needed=tier.approvals, needs_decision=tier.decision,
                              decision_id=decision_id, updated_at=at)
        self.session.add(request)
        self.session.flush()
        request.number = f"{self.settings.fund.request_prefix}{clock.local(at):%Y%m%d}{request.id:06d}"
        self.attach("request", request.id, f"报价单{request.id}.png", actor, at)
        self.event(request, "requested", actor, at)
        if decision_id is not None:
            self.event(request, "decision", actor, at)
        audit.record(self.session, actor=actor, action="fund.request", entity="fund_request", entity_id=request.id,
                     community_id=request.community_id, at=at,
                     after={"number": request.number, "amount_fen": fen, "purpose": spend.purpose})
        self.counts["requests"] += 1
        signed_at = at
        for position, who in enumerate(spend.approvers):
            signed_at = self.at(day + timedelta(days=min(position, 1)), 14 + position, 10)
            self.sign(request, who, "approve", None, signed_at)
        needed = len(MANAGERS) - 1 if tier.approvals is None else tier.approvals
        if spend.approvers and len(spend.approvers) >= needed and (decision_id is not None or not tier.decision):
            self.event(request, "ready", actor, signed_at)
        if spend.rejected:
            who, comment = spend.rejected
            signed_at = self.at(day + timedelta(days=1), 16)
            self.sign(request, who, "reject", comment, signed_at)
            request.status, request.closed_reason, request.closed_at = "rejected", comment, signed_at
        if spend.withdrawn:
            when = self.at(day + timedelta(days=2), 11)
            request.status, request.closed_reason, request.closed_at = "withdrawn", spend.withdrawn, when
            self.event(request, "withdrawn", actor, when, spend.withdrawn)
            audit.record(self.session, actor=actor, action="fund.withdraw", entity="fund_request",
                         entity_id=request.id, community_id=request.community_id, at=when,
                         after={"status": "withdrawn", "closed_reason": spend.withdrawn})
        return request

    def sign(self, request: FundRequest, who: str, choice: str, comment: str | None, at: datetime) -> None:
        actor = self.actors[who]
        self.session.add(FundSignature(request_id=request.id, community_id=request.community_id, user_id=actor.id,
                                       member_id=self.members[who], choice=choice, comment=comment, at=at))
        self.event(request, "approved" if choice == "approve" else "rejected", actor, at, comment)
        audit.record(self.session, actor=actor, action=f"fund.{choice}", entity="fund_request", entity_id=request.id,
                     community_id=request.community_id, at=at, after={"signature": choice, "comment": comment})

    def pay(self, request: FundRequest, day: date) -> None:
        at = self.at(day, 15, 30)
        self.counts["paid"] += 1
        voucher = f"PZ{day:%Y}-{self.counts['paid']:03d}"
        request.status, request.paid_on, request.voucher = "paid", day, voucher
        request.paid_by, request.paid_at, request.updated_at = self.worker.id, at, at
        self.fund.balance_fen -= request.amount_fen
        assert self.fund.balance_fen >= 0, "the demo's spending outran its income"
        self.attach("payment", request.id, f"付款凭证{voucher}.png", self.worker, at)
        self.event(request, "paid", self.worker, at, voucher)
        audit.record(self.session, actor=self.worker, action="fund.pay", entity="fund_request", entity_id=request.id,
                     community_id=request.community_id, at=at,
                     after={"status": "paid", "voucher": voucher, "balance_fen": self.fund.balance_fen})


def seed(session: Session, settings: Settings, communities: list[tuple[int, str, str]], now: datetime) -> dict:
    """The demo fund of 幸福里小区联席会议 (in the first of `communities`); nothing when the council or the accounts
    are missing. Called by data_access.demo.street.seed in its transaction, after the councils. Returns the counts."""
    today = clock.local(now).date()
    council = session.execute(select(Council).where(Council.community_id == communities[0][0],
                                                    Council.name == COUNCIL)).scalars().first()
    users = {u.username: Actor(u.id, u.username, u.display_name) for u in session.execute(select(User)).scalars()}
    if council is None or any(name not in users for name, _ in MANAGERS) or "worker" not in users:
        return {"funds": 0}
    members = {name: mid for name, mid in session.execute(
        select(CouncilMember.name, CouncilMember.id).where(CouncilMember.council_id == council.id))}
    year, quarter = quarter_of(today)
    opened_on = quarter_days(year - 1, quarter)[0]
    secretary = users.get("secretary", users["worker"])
    opened_at = min(clock.day_start(opened_on).replace(hour=9), now)
    fund = Fund(community_id=council.community_id, council_id=council.id, name=FUND, opened_on=opened_on,
                opening_fen=OPENING, balance_fen=OPENING, created_by=secretary.id, updated_at=opened_at)
    session.add(fund)
    session.flush()
    audit.record(session, actor=secretary, action="fund.open", entity="fund", entity_id=fund.id,
                 community_id=fund.community_id, at=opened_at,
                 after={"name": FUND, "opened_on": opened_on.isoformat(), "opening_fen": OPENING})
    for account, name in MANAGERS:
        row = FundManager(fund_id=fund.id, community_id=fund.community_id, member_id=members[name],
                          user_id=users[account].id, since=opened_on, updated_at=opened_at)
        session.add(row)
        session.flush()
        audit.record(session, actor=secretary, action="fund.manager_add", entity="fund_manager", entity_id=row.id,
                     community_id=fund.community_id, at=opened_at, after={"name": name, "user_id": row.user_id})
    book = _Book(session, settings, fund, {key: users[key] for key, _ in MANAGERS},
                 {key: members[name] for key, name in MANAGERS}, users["worker"], now)
    worker = users["worker"]
    garden = session.execute(select(CouncilDecision).where(CouncilDecision.council_id == council.id,
                                                           CouncilDecision.status == "passed",
                                                           CouncilDecision.text.startswith(GARDEN))).scalars().first()
    days = (today - opened_on).days
    moves = []  # (day, order, what): income and requests in the order they happened
    for position, (offset, source, payer, yuan, note) in enumerate(INCOME):
        moves.append((opened_on + timedelta(days=offset), 0, ("income", position, source, payer, yuan, note)))
    for q, yuan in enumerate(PROPERTY_SHARE):
        day = quarter_days(*_next(opened_on, q + 1))[0] + timedelta(days=9)
        if day < today:
            note = f"第{q + 1}季度收益分成"
            moves.append((day, 0, ("income", None, "property_share", "盛和物业服务有限公司", yuan, note)))
    for month in range(1, days // 30 + 1):
        day = opened_on + timedelta(days=30 * month - 5)
        moves.append((day, 0, ("income", None, "shared_resources", "悦动传媒有限公司", ADVERTS, "电梯广告收益")))
        if month % 2 == 0:
            moves.append((day, 0, ("income", None, "shared_resources", "幸福里小区居民活动队", 600, "活动室场地租金")))
    for spend in SPENDING:
        day = opened_on + timedelta(days=spend.day) if spend.day >= 0 else today + timedelta(days=spend.day)
        if day < today:
            moves.append((day, 1, ("spend", spend, None)))
    if garden is not None and garden.notice_end is not None and garden.notice_end < today - timedelta(days=2):
        moves.append((garden.decided_on + timedelta(days=5), 1, ("spend", GARDEN_SPEND, garden)))
    entries = {}
    for day, _, what in sorted(moves, key=lambda m: (m[0], m[1])):
        if what[0] == "income":
            _, position, source, payer, yuan, note = what
            entries[position] = book.income(day, source, payer, yuan, note, worker)
            if position == REVERSED:
                book.reverse(entries[position], day + timedelta(days=6), "与前一日同一笔捐款重复录入", worker)
            continue
        _, spend, decision = what
        request = book.request(spend, day, decision.id if decision is not None else None)
        if spend.paid_after is not None:
            book.pay(request, min(day + timedelta(days=spend.paid_after), today - timedelta(days=1)))
        elif decision is not None:
            book.pay(request, max(decision.notice_end + timedelta(days=2), day + timedelta(days=3)))
    session.flush()
    return {"funds": 1, "fund_income": book.counts["income"], "fund_requests": book.counts["requests"],
            "fund_paid": book.counts["paid"]}


def _next(day: date, quarters: int) -> tuple[int, int]:
    """The (year, quarter) `quarters` after the one of `day`."""
    year, quarter = quarter_of(day)
    index = year * 4 + quarter - 1 + quarters
    return index // 4, index % 4 + 1
