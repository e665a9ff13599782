"""Everything a briefing shows, gathered once for a period and a scope: the cockpit, the big screen, the PowerPoint
and the shell all read this one `Briefing`, so a figure is the same wherever it appears. Language-free: labels
and sentences are made from it by the reader (`facts` makes the briefing text's input).

Scope: the actor's, narrowed to one community when `community_id` is given; the committee, the council, volunteer
service and the public-welfare funds are left out (None) where the actor may not read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine, select

from data_access import clock
from data_access.briefing import council as council_figures
from data_access.briefing import fund as fund_figures
from data_access.briefing import service as service_figures
from data_access.briefing import volunteer as volunteer_figures
from data_access.briefing.fund import FundFigures
from data_access.briefing.service import Figure, first_day
from data_access.briefing.volunteer import VolunteerFigures
from data_access.committee.queries import dashboard
from data_access.db import reading
from data_access.models import Community, Street
from data_access.service.kpis import month_end, overview
from domain.access import Actor, can, require
from domain.briefing.alerts import Alert, alerts
from domain.briefing.changes import Period
from domain.errors import PermissionDenied
from domain.settings import Settings
from i18n import translate
from i18n.briefing_words import BriefingFacts, CommitteeYear, FundFacts, VolunteerFacts


@dataclass(frozen=True)
class CommitteeFigures:
    """The joint committee's figures of the period's last year (progress is stored as a running total, so they
    are the year's, with no 环比 or 同比)."""

    year: int
    claim_rate: float | None
    completion: float | None
    behind: int
    overdue: int
    signed: int
    units: int


@dataclass(frozen=True)
class Briefing:
    period: Period
    community_id: int | None
    community: str | None            # the community's name; None for every community in scope
    street: str                      # the street's name, for the title bar
    today: date
    read_at: datetime                # when the figures were read ("数据更新于")
    service: list[Figure]            # service.FIGURES, in that order
    closed: int                      # matters of the period closed
    top_categories: list[tuple[str, float]]  # the three largest categories: code, share of the accepted
    months: pd.DataFrame             # month, accepted, closed
    committee: CommitteeFigures | None
    council: list[Figure] | None     # council.FIGURES, in that order
    meeting_kinds: dict[str, int]    # council meetings held in the period by kind
    volunteer: VolunteerFigures | None  # None without volunteer.read
    fund: FundFigures | None         # None without fund.read
    ranking: pd.DataFrame            # service.RANKING_COLUMNS
    alerts: list[Alert]
    floor: float                     # the satisfaction floor of config.yaml

    def figure(self, key: str) -> Figure:
        return next(f for f in [*self.service, *(self.council or [])] if f.key == key)

    @property
    def below_floor(self) -> list[str]:
        return [a.community for a in self.alerts if a.kind == "floor"]


def gather(engine: Engine, period: Period, community_id: int | None, *, actor: Actor, today: date,
           settings: Settings) -> Briefing:
    """The briefing of `period` over the actor's communities (or one of them); needs briefing.read there."""
    require(actor, "briefing.read", community_id)
    with reading(engine) as session:
        street = session.execute(select(Street.name).order_by(Street.id).limit(1)).scalar_one_or_none() or ""
        place = None if community_id is None else session.get(Community, community_id)
    if community_id is not None and place is None:
        raise PermissionDenied("error.permission", permission="briefing.read")
    chosen = None if community_id is None else (community_id,)
    basic = settings.satisfaction_counts_basic
    start, end = first_day(period.first), min(month_end(first_day(period.last)), today)
    seen = overview(engine, chosen, start, end, actor=actor, today=today)
    service = service_figures.figures(engine, period, chosen, actor=actor, today=today, count_basic=basic, seen=seen)
    accepted = seen.counts.accepted
    top = seen.categories.sort_values(["count", "code"], ascending=[False, True]).head(3)
    committee = None
    if can(actor, "committee.read", community_id):
        year = period.last.year
        board = dashboard(engine, actor=actor, community_ids=chosen, year=year, today=today,
                          tolerance=settings.committee.behind_tolerance, top=0)
        committee = CommitteeFigures(year, board.claim_rate, board.completion, board.behind, board.overdue,
                                     board.agreements_signed, board.units)
    council, kinds = None, {}
    if can(actor, "council.read", community_id):
        council, kinds = council_figures.figures(engine, period, chosen, actor=actor, today=today)
    volunteer = None
    if can(actor, "volunteer.read", community_id):
        moment = clock.now()
        if today < clock.local(moment).date():  # a briefing of an earlier day: orders late by its end
            moment = clock.day_end(today)
        volunteer = volunteer_figures.figures(engine, period, chosen, actor=actor, today=today, now=moment,
                                              settings=settings)
    fund = fund_figures.figures(engine, period, chosen, actor=actor, today=today) \
        if can(actor, "fund.read", community_id) else None
    ranking = service_figures.ranking(engine, period, chosen, actor=actor, today=today, count_basic=basic)
    return Briefing(
        period=period, community_id=community_id, community=None if place is None else place.name, street=street,
        today=today, read_at=clock.now(),
        service=service, closed=seen.counts.closed,
        top_categories=[(code, n / accepted) for code, n in zip(top["code"], top["count"], strict=True)]
        if accepted else [],
        months=seen.months, committee=committee, council=council, meeting_kinds=kinds, volunteer=volunteer,
        fund=fund, ranking=ranking,
        alerts=alerts(ranking.to_dict("records"), floor=settings.satisfaction_floor,
                      behind=committee.behind if committee else 0,
                      council_overdue=next((int(f.value) for f in council or [] if f.key == "overdue"), 0),
                      volunteer_late=int(volunteer.figure("late").value) if volunteer else 0,
                      dissatisfied=volunteer.dissatisfied if volunteer else 0),
        floor=settings.satisfaction_floor)


def scope_name(lang: str, briefing: Briefing) -> str:
    return briefing.community or translate(lang, "briefing.street")


def facts(lang: str, briefing: Briefing, category_labels: dict[str, str]) -> BriefingFacts:
    """What the briefing text states, in `lang` (category labels given in that language)."""
    b, c, v, f = briefing, briefing.committee, briefing.volunteer, briefing.fund
    return BriefingFacts(
        period=b.period, scope=scope_name(lang, b), service={f.key: (f.value, f.vs_last_year) for f in b.service},
        closed=b.closed, floor=b.floor, below_floor=b.below_floor,
        top_categories=[(category_labels.get(code, code), share) for code, share in b.top_categories],
        committee=None if c is None else CommitteeYear(year=c.year, claim_rate=c.claim_rate,
                                                       completion=c.completion, behind=c.behind, signed=c.signed,
                                                       units=c.units),
        council=None if b.council is None else {f.key: (f.value, f.vs_last_year) for f in b.council},
        volunteer=None if v is None else VolunteerFacts(
            figures={f.key: (f.value, f.vs_last_year) for f in v.figures}, dissatisfied=v.dissatisfied,
            honour=[(str(r["name"]), float(r["hours"])) for r in v.honour.to_dict("records")]),
        fund=None if f is None else FundFacts(
            funds=f.funds, balance_fen=f.balance_fen, income=(int(f.income.value), f.income.vs_last_year),
            spending=(int(f.spending.value), f.spending.vs_last_year), waiting=f.waiting, to_pay=f.to_pay,
            large=f.large))
