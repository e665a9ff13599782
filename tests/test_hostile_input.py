"""Hostile input at every public write and every read that takes what a user typed or an address carried: text from
the whole of Unicode (control characters, NUL, lone surrogates, 100,000 characters), numbers out of any range
(2^31, 2^63, 1e308, inf, nan, negative) and wrong types (None, lists, dicts, bytes). The outcome is success or the
project's own error (a DomainError), never a driver's or Python's; after a success the documents that show what was
saved (the ledger in Excel, the Word minutes and notices, the briefing in Word and PowerPoint, the audit export)
still build. On SQLite and PostgreSQL.

Every public function of data_access that opens a transaction (a write, or a read that audits) is listed in WRITES or
READS below with a strategy for each argument, or in NOT_USER_INPUT with the reason; test_every_write_is_listed fails
when one is added without being listed. Each area's test draws a function of its table and its arguments from one
demo database (derandomized, so a run is repeatable).
"""

from __future__ import annotations

import ast
import importlib
import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import func, select

from data_access.accounts import audit_trail, auth, sessions, users
from data_access.briefing import content, display, documents, presentation
from data_access.committee import meetings as cm
from data_access.committee import minutes as committee_minutes
from data_access.committee import queries as cq
from data_access.committee import writes as cw
from data_access.council import meetings as km
from data_access.council import minutes as council_minutes
from data_access.council import queries as kq
from data_access.council import writes as kw
from data_access.db import reading
from data_access.fund import documents as fd
from data_access.fund import files as ff_files
from data_access.fund import funds as ff
from data_access.fund import income as fi
from data_access.fund import queries as fq
from data_access.fund import spending as fs
from data_access.models import (
    ActionItem,
    AgendaItem,
    Agreement,
    Claim,
    Council,
    CouncilAgendaItem,
    CouncilDecision,
    CouncilMember,
    CouncilTopic,
    Fund,
    FundIncome,
    FundManager,
    FundRequest,
    Grid,
    Matter,
    MemberUnit,
    Need,
    ProgressUpdate,
    Project,
    Resource,
    ServiceItem,
    User,
    Volunteer,
)
from data_access.org import grids
from data_access.service import exports
from data_access.service import queries as sq
from data_access.service import writes as sw
from data_access.volunteer import documents as vd
from data_access.volunteer import exchange as vx
from data_access.volunteer import orders as vo
from data_access.volunteer import points as vp
from data_access.volunteer import queries as vq
from data_access.volunteer import registry as vr
from data_access.volunteer import store as vs
from domain.briefing.changes import Month, Period
from domain.errors import DomainError
from domain.volunteer.orders import Step
from tests.conftest import NOW
from tests.volunteer.support import id_number

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[1]
TODAY = NOW.date()
OCTOBER = Period(Month(2026, 10), Month(2026, 10))
EXAMPLES = 60  # per area and database

# --- hostile values -------------------------------------------------------------------------------------------------

ANY_CHAR = st.characters(exclude_categories=())  # the whole of Unicode, lone surrogates included
NASTY_CHARS = st.sampled_from(list("\x00\x01\x07\x08\t\n\x0b\x0c\r\x0e\x1b\x1f\x7f\x85\u2028\u202e\u200b\ufeff"
                                   "\ud800\udfff\ufffe\uffff") + ["\U0010ffff", "𠀀", "字", "a", " ", "%", "_", "\\",
                                                                  "'", '"', "=", "<", "&", "*"])
HUGE_TEXT = st.builds(lambda piece, times: piece * times, st.sampled_from(["字", "a", "\x00", "\x0c字", " "]),
                      st.sampled_from([61, 101, 1001, 5001, 100_000]))
TEXT = st.one_of(st.text(ANY_CHAR, max_size=30), st.text(NASTY_CHARS, max_size=30), HUGE_TEXT)
BIG_NUMBERS = st.sampled_from([2**31 - 1, 2**31, 2**32, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -2**63 - 1, 10**100,
                               -1, 0, 1e308, -1e308, 1.7976931348623157e308, math.inf, -math.inf, math.nan, -0.0,
                               5e-324, 0.5, 2.5, Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"),
                               Decimal("1e1000"), "12", " 7 ", "1e308", "nan", "-1", "0x10"])
NUMBER = st.one_of(BIG_NUMBERS, st.integers(), st.floats())
WRONG = st.sampled_from([None, "", [], [1, 2], ["x"], {}, {"a": 1}, {1: "present"}, b"\x00\xff", bytearray(b"ab"),
                         True, False, (), (1,), {1, 2}, 1j, object(), date(1, 1, 1), date.max,
                         datetime(9999, 12, 31, 23, 59), time(3, 4), timedelta(days=-1)])
DAY = st.one_of(st.dates(), st.sampled_from([date.min, date.max, "2026-02-30", "2026-11-20", "tomorrow"]))
HOSTILE = st.one_of(TEXT, NUMBER, WRONG, DAY)


def near(value):
    """Mostly the valid `value` (a strategy), now and then a hostile one."""
    return st.one_of(value, value, value, HOSTILE)


def some_id(ids) -> st.SearchStrategy:
    """An id of one of `ids` (rows that exist), or an id out of any range, or not an id at all."""
    known = st.sampled_from(sorted(ids)) if ids else st.nothing()
    return st.one_of(known, known, known, BIG_NUMBERS, HOSTILE)


def form(**fields: st.SearchStrategy) -> st.SearchStrategy:
    """A form's data: every field valid, or one or two of them hostile, or left out; now and then no dict at all."""
    names = sorted(fields)

    @st.composite
    def build(draw):
        data = {name: draw(value) for name, value in fields.items()}
        for name in draw(st.lists(st.sampled_from(names), max_size=3, unique=True)) if names else []:
            if draw(st.booleans()):
                data[name] = draw(HOSTILE)
            else:
                data.pop(name)
        if draw(st.integers(0, 9)) == 0:
            data[draw(TEXT)] = draw(HOSTILE)  # a field nobody asked for
        return data

    return st.one_of(build(), build(), build(), build(), build(), build(), WRONG, TEXT)


TEXT_OK = st.text(st.sampled_from(list("议题电梯楼道灯维修 abc12")), min_size=5, max_size=20)
SOME_TEXT = st.one_of(TEXT_OK, TEXT_OK, TEXT)


# --- the database the examples work on ------------------------------------------------------------------------------

@dataclass
class World:
    """The demo street with an open committee meeting and open council meetings of each kind to write to."""

    engine: object
    settings: object
    actors: dict
    ids: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"World({self.engine.dialect.name})"

    def actor(self, name: str = "secretary"):
        return self.actors[name]

    def of(self, name: str) -> list[int]:
        return self.ids.get(name, [])


def _ids(session, model, *conds) -> list[int]:
    return list(session.execute(select(model.id).where(*conds).order_by(model.id)).scalars())


@pytest.fixture
def world(demo_engine, settings, actors) -> World:
    w = World(demo_engine, settings, actors)
    secretary = actors["secretary"]
    cid = 1
    proposal = cm.proposal(demo_engine, actor=secretary, settings=settings, community_id=cid, today=TODAY)
    meeting_a = cm.plan_meeting(demo_engine, actor=secretary, settings=settings, now=NOW, data={
        "community_id": cid, "kind": "progress", "day": TODAY, "place": "会议室",
        "chair_unit_id": proposal.chair_unit_id})
    meeting_b = cm.plan_meeting(demo_engine, actor=secretary, settings=settings, now=NOW, data={
        "community_id": cid, "kind": "annual", "day": TODAY, "place": "礼堂"})
    planned = cm.plan_meeting(demo_engine, actor=secretary, settings=settings, now=NOW, data={
        "community_id": cid, "kind": "annual", "day": TODAY + timedelta(days=30), "place": "礼堂"})
    for meeting in (meeting_a, meeting_b):
        cm.open_meeting(demo_engine, actor=secretary, settings=settings, meeting_id=meeting.id, now=NOW)
    with reading(demo_engine) as session:
        units = _ids(session, MemberUnit, MemberUnit.community_id == cid)
        council = session.execute(select(Council).where(Council.community_id == cid, Council.active.is_(True))
                                  .order_by(Council.id)).scalars().first()
        topics = _ids(session, CouncilTopic, CouncilTopic.council_id == council.id,
                      CouncilTopic.stage.in_(("raised", "discussed", "rejected")))
        passed = _ids(session, CouncilDecision, CouncilDecision.council_id == council.id,
                      CouncilDecision.status == "passed")
    cm.set_attendance(demo_engine, actor=secretary, meeting_id=meeting_b.id, now=NOW,
                      rows=[{"unit_id": u, "present": True, "attendee": "张三"} for u in units[:3]])
    council_meetings = {}
    for kind, agenda in (("decision", {"topic_ids": topics}), ("ad_hoc", {"topic_ids": topics[:1]}),
                         ("review", {"decision_ids": passed[:3]}), ("opinion", {}), ("discussion", {})):
        meeting = km.plan_meeting(demo_engine, actor=secretary, settings=settings, now=NOW, data={
            "council_id": council.id, "kind": kind, "day": TODAY, "place": "议事厅", **agenda})
        km.open_meeting(demo_engine, actor=secretary, meeting_id=meeting.id, now=NOW)
        with reading(demo_engine) as session:
            members = _ids(session, CouncilMember, CouncilMember.council_id == council.id,
                           CouncilMember.active.is_(True))
        km.check_in(demo_engine, actor=secretary, meeting_id=meeting.id, now=NOW,
                    rows=[{"member_id": m, "status": "present"} for m in members])
        council_meetings[kind] = meeting.id
    with reading(demo_engine) as session:
        w.ids = {
            "community": [cid, 2],
            "grid": _ids(session, Grid, Grid.community_id == cid),
            "matter": _ids(session, Matter, Matter.community_id == cid),
            "matter_number": list(session.execute(select(Matter.number).where(Matter.community_id == cid)
                                                  .order_by(Matter.id).limit(20)).scalars()),
            "unit": units,
            "representative": list(session.execute(select(MemberUnit.representative_id).where(
                MemberUnit.community_id == cid, MemberUnit.representative_id.is_not(None))).scalars()),
            "agreement": _ids(session, Agreement, Agreement.community_id == cid),
            "need": _ids(session, Need, Need.community_id == cid),
            "resource": _ids(session, Resource, Resource.community_id == cid),
            "project": _ids(session, Project, Project.community_id == cid),
            "item": _ids(session, ServiceItem, ServiceItem.community_id == cid),
            "claim": _ids(session, Claim, Claim.community_id == cid, Claim.status == "active"),
            "update": _ids(session, ProgressUpdate, ProgressUpdate.community_id == cid),
            "committee_meeting": [meeting_a.id],
            "committee_meeting_to_close": [meeting_b.id],
            "committee_meeting_planned": [planned.id],
            "committee_agenda": _ids(session, AgendaItem, AgendaItem.meeting_id == meeting_a.id),
            "action_item": _ids(session, ActionItem, ActionItem.community_id == cid, ActionItem.kind == "action"),
            "council": [council.id],
            "member": _ids(session, CouncilMember, CouncilMember.council_id == council.id),
            "topic": _ids(session, CouncilTopic, CouncilTopic.council_id == council.id),
            "decision": passed,
            "council_meeting": list(council_meetings.values()),
            "council_meeting_to_close": [council_meetings["discussion"]],
            "vote_meeting": [council_meetings["decision"], council_meetings["ad_hoc"]],
            "review_meeting": [council_meetings["review"]],
            "opinion_meeting": [council_meetings["opinion"]],
            "council_agenda": _ids(session, CouncilAgendaItem,
                                   CouncilAgendaItem.meeting_id.in_(list(council_meetings.values()))),
            "user": _ids(session, User),
        }
    w.ids["link"] = [int(row) for row in display.links(demo_engine, settings, actor=actors["leader"], now=NOW)["id"]]
    return w


# --- what is built after a success ----------------------------------------------------------------------------------

def ledger_of(w: World, matter) -> None:
    """The ledger's Excel export of the matter saved (by its number) opens and holds it."""
    data = exports.ledger_xlsx(w.engine, sq.MatterFilter(community_ids=(matter.community_id,), text=matter.number),
                               actor=w.actor("secretary"), today=TODAY, lang="zh", settings=w.settings, now=NOW)
    numbers = [row[0] for row in load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True)]
    assert matter.number in numbers


def committee_minutes_of(w: World, meeting_id: int) -> None:
    data = committee_minutes.minutes_docx(w.engine, actor=w.actor("secretary"), meeting_id=meeting_id, now=NOW)
    assert docx.Document(io.BytesIO(data)).paragraphs


def council_minutes_of(w: World, meeting_id: int) -> None:
    data = council_minutes.minutes_docx(w.engine, actor=w.actor("secretary"), settings=w.settings,
                                        meeting_id=meeting_id, now=NOW)
    assert docx.Document(io.BytesIO(data)).paragraphs
    try:
        notice = council_minutes.notice_docx(w.engine, actor=w.actor("secretary"), meeting_id=meeting_id, now=NOW,
                                             settings=w.settings)
    except DomainError as err:
        assert err.key == "council_error.nothing_to_notice"
    else:
        assert docx.Document(io.BytesIO(notice)).paragraphs


def open_committee_minutes(w: World, _result=None, **_) -> None:
    committee_minutes_of(w, w.of("committee_meeting")[0])


def open_council_minutes(w: World, _result=None, **_) -> None:
    for meeting_id in w.of("council_meeting"):
        council_minutes_of(w, meeting_id)


def decision_notice(w: World, decision) -> None:
    council_minutes_of(w, decision.meeting_id)


def audit_export_of(w: World, entity_id) -> None:
    flt = audit_trail.AuditFilter(entity="user", entity_id=entity_id)
    data = audit_trail.trail_xlsx(w.engine, flt, actor=w.actor("admin"), lang="zh", now=NOW)
    assert load_workbook(io.BytesIO(data)).active.max_row >= 2


# --- the tables: every public write and every read of user input, with a strategy for each argument ---------------

@dataclass(frozen=True)
class Case:
    """How to call one function: `args(world)` gives a strategy per argument, `call(world, **drawn)` calls it, and
    `then(world, result, **drawn)` checks what a success saved (its document)."""

    args: Callable[[World], dict[str, st.SearchStrategy]]
    call: Callable[..., object]
    then: Callable[..., None] | None = None


def _matter_form(w: World) -> st.SearchStrategy:
    s = w.settings
    channel = s.channels[0]
    return form(channel=st.just(channel.code), sub_source=st.just(channel.sub_sources[0].code),
                community_id=st.just(1), grid_id=st.sampled_from(w.of("grid")), anonymous=st.booleans(),
                reporter_name=SOME_TEXT, reporter_phone=st.sampled_from(["13812345678", "0477-1234567", ""]),
                reporter_id_number=st.sampled_from(["", "11010519491231002X"]),
                description=SOME_TEXT, category=st.sampled_from([c.code for c in s.categories]),
                urgency=st.sampled_from([u.code for u in s.urgencies]),
                mode=st.sampled_from([m.code for m in s.modes]),
                registered_at=st.sampled_from([None, NOW, NOW - timedelta(days=1)]))


def _step_form(w: World) -> st.SearchStrategy:
    s = w.settings
    return form(handler=SOME_TEXT, supervisor=SOME_TEXT, mode=st.sampled_from([m.code for m in s.modes]),
                note=SOME_TEXT, ledger_no=SOME_TEXT, deadline=DAY, reason=SOME_TEXT, result=SOME_TEXT,
                content=SOME_TEXT, method=st.sampled_from([m.code for m in s.feedback_methods]),
                evaluation=st.sampled_from(["satisfied", "basic", "dissatisfied"]), comment=SOME_TEXT,
                score=st.one_of(st.integers(0, 100), NUMBER))


SERVICE = {
    "service.writes.create_matter": Case(
        lambda w: {"data": _matter_form(w)},
        lambda w, data: sw.create_matter(w.engine, actor=w.actor(), settings=w.settings, data=data, now=NOW),
        lambda w, matter, **_: ledger_of(w, matter)),
    "service.writes.advance_matter": Case(
        lambda w: {"matter_id": some_id(w.of("matter")), "data": _step_form(w),
                   "action": near(st.sampled_from(["analyse", "register", "progress", "extend", "complete",
                                                   "feedback", "evaluate", "assess", "record"])),
                   "expected_step": st.one_of(st.none(), st.integers(1, 7), HOSTILE)},
        lambda w, matter_id, data, action, expected_step: sw.advance_matter(
            w.engine, actor=w.actor(), settings=w.settings, matter_id=matter_id, action=action, data=data, now=NOW,
            expected_step=expected_step),
        lambda w, matter, **_: ledger_of(w, matter)),
    "service.queries.personal_data": Case(
        lambda w: {"matter_id": some_id(w.of("matter"))},
        lambda w, matter_id: sq.personal_data(w.engine, matter_id, actor=w.actor(), now=NOW)),
}


def _matter_filter(w: World) -> st.SearchStrategy:
    return st.builds(sq.MatterFilter, community_ids=st.one_of(st.none(), st.just((1,)), st.tuples(HOSTILE), WRONG),
                     grid_id=near(st.one_of(st.none(), st.sampled_from(w.of("grid")))),
                     step=near(st.one_of(st.none(), st.integers(1, 7))),
                     channel=near(st.none()), mode=near(st.none()), category=near(st.none()),
                     overdue_only=near(st.booleans()), date_from=near(st.none()), date_to=near(st.none()),
                     text=st.one_of(SOME_TEXT, st.sampled_from(w.of("matter_number")), HOSTILE))


SERVICE_READS = {
    "service.queries.find_by_number": Case(
        lambda w: {"number": st.one_of(st.sampled_from(w.of("matter_number")), HOSTILE)},
        lambda w, number: sq.find_by_number(w.engine, number, actor=w.actor())),
    "service.queries.matter_detail": Case(
        lambda w: {"matter_id": some_id(w.of("matter"))},
        lambda w, matter_id: sq.matter_detail(w.engine, matter_id, actor=w.actor())),
    "service.queries.ledger_page": Case(
        lambda w: {"flt": _matter_filter(w), "page": near(st.integers(1, 5)),
                   "sort": near(st.sampled_from(sorted(sq.SORTS))), "descending": near(st.booleans())},
        lambda w, flt, page, sort, descending: sq.ledger_page(w.engine, flt, actor=w.actor(), today=TODAY,
                                                              page=page, sort=sort, descending=descending)),
    "service.queries.count_matters": Case(
        lambda w: {"flt": _matter_filter(w)},
        lambda w, flt: sq.count_matters(w.engine, flt, actor=w.actor(), today=TODAY)),
    "service.exports.ledger_xlsx": Case(
        lambda w: {"flt": _matter_filter(w)},
        lambda w, flt: exports.ledger_xlsx(w.engine, flt, actor=w.actor(), today=TODAY, lang="zh",
                                           settings=w.settings, now=NOW)),
}


def _unit_form(w: World) -> st.SearchStrategy:
    return form(community_id=st.just(1), name=SOME_TEXT,
                kind=st.sampled_from([k.code for k in w.settings.committee.unit_kinds]),
                party_org=SOME_TEXT, liaison=SOME_TEXT, liaison_phone=st.sampled_from(["13812345678", ""]),
                party_members=st.one_of(st.integers(0, 500), NUMBER), volunteer_team=SOME_TEXT,
                speciality=SOME_TEXT, representative_id=st.one_of(st.none(), st.sampled_from(w.of("representative"))),
                joined_on=st.just(date(2024, 1, 1)), left_on=st.one_of(st.none(), DAY))


COMMITTEE = {
    "committee.writes.save_unit": Case(
        lambda w: {"data": _unit_form(w), "unit_id": st.one_of(st.none(), some_id(w.of("unit")))},
        lambda w, data, unit_id: cw.save_unit(w.engine, actor=w.actor(), settings=w.settings, data=data,
                                              unit_id=unit_id, now=NOW),
        open_committee_minutes),
    "committee.writes.set_rotation": Case(
        lambda w: {"community_id": some_id([1]),
                   "order": st.one_of(st.permutations(w.of("unit")[:5]), st.lists(HOSTILE, max_size=3), HOSTILE)},
        lambda w, community_id, order: cw.set_rotation(w.engine, actor=w.actor(), community_id=community_id,
                                                       order=order, now=NOW),
        open_committee_minutes),
    "committee.writes.save_agreement": Case(
        lambda w: {"data": form(unit_id=st.sampled_from(w.of("unit")), year=st.integers(2020, 2030),
                                status=st.sampled_from(["draft", "signed", "ended"]), signed_on=DAY,
                                commitments=SOME_TEXT),
                   "agreement_id": st.one_of(st.none(), some_id(w.of("agreement")))},
        lambda w, data, agreement_id: cw.save_agreement(w.engine, actor=w.actor(), data=data,
                                                        agreement_id=agreement_id, now=NOW)),
    "committee.writes.save_need": Case(
        lambda w: {"data": form(community_id=st.just(1), title=SOME_TEXT, detail=SOME_TEXT,
                                source=st.sampled_from(["entered", "matter", "council"]),
                                matter_id=st.one_of(st.none(), st.sampled_from(w.of("matter"))),
                                council_decision_id=st.one_of(st.none(), st.sampled_from(w.of("decision"))),
                                project_id=st.one_of(st.none(), st.sampled_from(w.of("project"))), raised_on=DAY),
                   "need_id": st.one_of(st.none(), some_id(w.of("need")))},
        lambda w, data, need_id: cw.save_need(w.engine, actor=w.actor(), data=data, need_id=need_id, now=NOW)),
    "committee.writes.need_from_matter": Case(
        lambda w: {"matter_id": some_id(w.of("matter"))},
        lambda w, matter_id: cw.need_from_matter(w.engine, actor=w.actor(), matter_id=matter_id, now=NOW)),
    "committee.writes.save_resource": Case(
        lambda w: {"data": form(unit_id=st.sampled_from(w.of("unit")), title=SOME_TEXT, detail=SOME_TEXT,
                                kind=st.sampled_from([k.code for k in w.settings.committee.resource_kinds])),
                   "resource_id": st.one_of(st.none(), some_id(w.of("resource")))},
        lambda w, data, resource_id: cw.save_resource(w.engine, actor=w.actor(), settings=w.settings, data=data,
                                                      resource_id=resource_id, now=NOW)),
    "committee.writes.save_project": Case(
        lambda w: {"data": form(community_id=st.just(1), year=st.integers(2020, 2030), name=SOME_TEXT,
                                detail=SOME_TEXT, need_id=st.one_of(st.none(), st.sampled_from(w.of("need")))),
                   "project_id": st.one_of(st.none(), some_id(w.of("project")))},
        lambda w, data, project_id: cw.save_project(w.engine, actor=w.actor(), data=data, project_id=project_id,
                                                    now=NOW),
        open_committee_minutes),
    "committee.writes.save_item": Case(
        lambda w: {"data": form(project_id=st.sampled_from(w.of("project")), name=SOME_TEXT,
                                target=st.one_of(st.integers(1, 100), NUMBER), unit=st.sampled_from(["次", "户"]),
                                frequency=SOME_TEXT, period_start=st.just(date(2026, 1, 1)),
                                period_end=st.just(date(2026, 12, 31)), beneficiaries=SOME_TEXT),
                   "item_id": st.one_of(st.none(), some_id(w.of("item")))},
        lambda w, data, item_id: cw.save_item(w.engine, actor=w.actor(), data=data, item_id=item_id, now=NOW),
        open_committee_minutes),
    "committee.writes.claim_item": Case(
        lambda w: {"item_id": some_id(w.of("item")), "unit_id": some_id(w.of("unit")),
                   "pledge": st.one_of(st.none(), st.integers(1, 10), NUMBER, HOSTILE)},
        lambda w, item_id, unit_id, pledge: cw.claim_item(w.engine, actor=w.actor(), settings=w.settings,
                                                          item_id=item_id, unit_id=unit_id, pledge=pledge, now=NOW)),
    "committee.writes.claim_project": Case(
        lambda w: {"project_id": some_id(w.of("project")), "unit_id": some_id(w.of("unit"))},
        lambda w, project_id, unit_id: cw.claim_project(w.engine, actor=w.actor(), settings=w.settings,
                                                        project_id=project_id, unit_id=unit_id, now=NOW)),
    "committee.writes.withdraw_claim": Case(
        lambda w: {"claim_id": some_id(w.of("claim")), "reason": SOME_TEXT},
        lambda w, claim_id, reason: cw.withdraw_claim(w.engine, actor=w.actor(), claim_id=claim_id, reason=reason,
                                                      now=NOW),
        open_committee_minutes),
    "committee.writes.record_progress": Case(
        lambda w: {"claim_id": some_id(w.of("claim")),
                   "data": form(done=st.one_of(st.integers(0, 5), NUMBER), percent=st.one_of(st.none(), NUMBER),
                                on=st.just(TODAY), note=SOME_TEXT, file_name=SOME_TEXT, file_type=SOME_TEXT,
                                file_data=st.one_of(st.none(), st.binary(max_size=50))),
                   "meeting_id": st.one_of(st.none(), some_id(w.of("committee_meeting")))},
        lambda w, claim_id, data, meeting_id: cw.record_progress(w.engine, actor=w.actor(), settings=w.settings,
                                                                 claim_id=claim_id, data=data, meeting_id=meeting_id,
                                                                 now=NOW),
        open_committee_minutes),
}

COMMITTEE_MEETINGS = {
    "committee.meetings.plan_meeting": Case(
        lambda w: {"data": form(community_id=st.just(1), kind=st.sampled_from(["progress", "annual"]),
                                day=st.just(TODAY + timedelta(days=7)), place=SOME_TEXT,
                                chair_unit_id=st.one_of(st.none(), st.sampled_from(w.of("unit")))),
                   "meeting_id": st.one_of(st.none(), some_id(w.of("committee_meeting_planned")))},
        lambda w, data, meeting_id: cm.plan_meeting(w.engine, actor=w.actor(), settings=w.settings, data=data,
                                                    meeting_id=meeting_id, now=NOW),
        lambda w, meeting, **_: committee_minutes_of(w, meeting.id)),
    "committee.meetings.open_meeting": Case(
        lambda w: {"meeting_id": some_id(w.of("committee_meeting_planned"))},
        lambda w, meeting_id: cm.open_meeting(w.engine, actor=w.actor(), settings=w.settings,
                                              meeting_id=meeting_id, now=NOW + timedelta(days=40)),
        lambda w, meeting, **_: committee_minutes_of(w, meeting.id)),
    "committee.meetings.set_attendance": Case(
        lambda w: {"meeting_id": some_id(w.of("committee_meeting")),
                   "rows": st.one_of(st.lists(form(unit_id=st.sampled_from(w.of("unit")), present=st.booleans(),
                                                   attendee=SOME_TEXT), max_size=3), HOSTILE)},
        lambda w, meeting_id, rows: cm.set_attendance(w.engine, actor=w.actor(), meeting_id=meeting_id, rows=rows,
                                                      now=NOW),
        lambda w, _none, meeting_id, **_: committee_minutes_of(w, meeting_id)),
    "committee.meetings.mark_agenda_item": Case(
        lambda w: {"meeting_id": some_id(w.of("committee_meeting")),
                   "agenda_item_id": some_id(w.of("committee_agenda")),
                   "discussed": st.one_of(st.none(), st.booleans(), HOSTILE),
                   "seconds": st.one_of(st.none(), st.integers(0, 3600), NUMBER, HOSTILE),
                   "note": st.one_of(st.none(), SOME_TEXT, HOSTILE)},
        lambda w, **kw: cm.mark_agenda_item(w.engine, actor=w.actor(), now=NOW, **kw),
        lambda w, item, **_: committee_minutes_of(w, item.meeting_id)),
    "committee.meetings.add_outcome": Case(
        lambda w: {"meeting_id": some_id(w.of("committee_meeting")),
                   "data": form(kind=st.sampled_from(["decision", "action"]), text=SOME_TEXT, owner=SOME_TEXT,
                                owner_unit_id=st.one_of(st.none(), st.sampled_from(w.of("unit"))),
                                due=st.just(TODAY + timedelta(days=10)))},
        lambda w, meeting_id, data: cm.add_outcome(w.engine, actor=w.actor(), meeting_id=meeting_id, data=data,
                                                   now=NOW),
        lambda w, row, **_: committee_minutes_of(w, row.meeting_id)),
    "committee.meetings.finish_action_item": Case(
        lambda w: {"action_item_id": some_id(w.of("action_item")),
                   "meeting_id": st.one_of(st.none(), some_id(w.of("committee_meeting")))},
        lambda w, action_item_id, meeting_id: cm.finish_action_item(
            w.engine, actor=w.actor(), action_item_id=action_item_id, meeting_id=meeting_id, now=NOW),
        open_committee_minutes),
    "committee.meetings.close_meeting": Case(
        lambda w: {"meeting_id": some_id(w.of("committee_meeting_to_close")),
                   "summary": st.one_of(st.none(), SOME_TEXT, HOSTILE)},
        lambda w, meeting_id, summary: cm.close_meeting(w.engine, actor=w.actor(), meeting_id=meeting_id,
                                                        summary=summary, now=NOW),
        lambda w, meeting, **_: committee_minutes_of(w, meeting.id)),
}

COMMITTEE_READS = {
    "committee.queries.units": Case(
        lambda w: {"community_id": some_id([1])},
        lambda w, community_id: cq.units(w.engine, actor=w.actor(), community_id=community_id, year=2026)),
    "committee.queries.resources": Case(
        lambda w: {"community_id": some_id([1]), "unit_id": st.one_of(st.none(), some_id(w.of("unit")))},
        lambda w, community_id, unit_id: cq.resources(w.engine, actor=w.actor(), community_id=community_id,
                                                      unit_id=unit_id)),
    "committee.queries.items": Case(
        lambda w: {"community_ids": st.one_of(st.none(), st.tuples(some_id([1]))),
                   "unit_id": st.one_of(st.none(), some_id(w.of("unit"))),
                   "project_id": st.one_of(st.none(), some_id(w.of("project"))),
                   "show": near(st.sampled_from(["all", "open", "behind", "unclaimed"])),
                   "offset": near(st.integers(0, 100))},
        lambda w, **kw: cq.items(w.engine, actor=w.actor(), year=2026, today=TODAY, **kw)),
    "committee.queries.claims": Case(
        lambda w: {"community_id": some_id([1]), "unit_id": st.one_of(st.none(), some_id(w.of("unit"))),
                   "item_id": st.one_of(st.none(), some_id(w.of("item"))),
                   "status": near(st.sampled_from(["active", "withdrawn", "all"]))},
        lambda w, **kw: cq.claims(w.engine, actor=w.actor(), today=TODAY, **kw)),
    "committee.meetings.proposal": Case(
        lambda w: {"community_id": some_id([1])},
        lambda w, community_id: cm.proposal(w.engine, actor=w.actor(), settings=w.settings,
                                            community_id=community_id, today=TODAY)),
    "committee.meetings.meetings": Case(
        lambda w: {"community_id": some_id([1])},
        lambda w, community_id: cm.meetings(w.engine, actor=w.actor(), community_id=community_id, year=2026)),
    "committee.meetings.meeting_detail": Case(
        lambda w: {"meeting_id": some_id(w.of("committee_meeting"))},
        lambda w, meeting_id: cm.meeting_detail(w.engine, actor=w.actor(), meeting_id=meeting_id)),
    "committee.meetings.claim_history": Case(
        lambda w: {"claim_id": some_id(w.of("claim"))},
        lambda w, claim_id: cm.claim_history(w.engine, actor=w.actor(), claim_id=claim_id)),
    "committee.meetings.progress_file": Case(
        lambda w: {"update_id": some_id(w.of("update"))},
        lambda w, update_id: cm.progress_file(w.engine, actor=w.actor(), update_id=update_id)),
    "committee.writes.representatives": Case(
        lambda w: {"community_id": some_id([1])},
        lambda w, community_id: cw.representatives(w.engine, actor=w.actor(), community_id=community_id)),
    "committee.minutes.minutes_docx": Case(
        lambda w: {"meeting_id": some_id(w.of("committee_meeting"))},
        lambda w, meeting_id: committee_minutes.minutes_docx(w.engine, actor=w.actor(), meeting_id=meeting_id,
                                                             now=NOW)),
}


def _seat_codes(w: World) -> list[str]:
    return [s.code for s in w.settings.council.seats]


COUNCIL = {
    "council.writes.save_council": Case(
        lambda w: {"data": form(community_id=st.just(1), name=SOME_TEXT,
                                kind=st.sampled_from([k.code for k in w.settings.council.kinds]), estate=SOME_TEXT,
                                established_on=st.just(date(2024, 3, 1)), active=st.just(True)),
                   "council_id": st.one_of(st.none(), some_id(w.of("council")))},
        lambda w, data, council_id: kw.save_council(w.engine, actor=w.actor(), settings=w.settings, data=data,
                                                    council_id=council_id, now=NOW),
        open_council_minutes),
    "council.writes.save_member": Case(
        lambda w: {"data": form(council_id=st.sampled_from(w.of("council")), name=SOME_TEXT,
                                seat=st.sampled_from(_seat_codes(w)), title=SOME_TEXT,
                                term_start=st.just(date(2024, 1, 1)), term_end=st.one_of(st.none(), DAY),
                                active=st.just(True), convener=st.booleans()),
                   "member_id": st.one_of(st.none(), some_id(w.of("member")))},
        lambda w, data, member_id: kw.save_member(w.engine, actor=w.actor(), settings=w.settings, data=data,
                                                  member_id=member_id, now=NOW),
        open_council_minutes),
    "council.writes.save_topic": Case(
        lambda w: {"data": form(council_id=st.sampled_from(w.of("council")), title=SOME_TEXT, detail=SOME_TEXT,
                                source=st.sampled_from(["opinion", "matter", "member"]),
                                matter_number=st.one_of(st.sampled_from(w.of("matter_number")), SOME_TEXT),
                                member_id=st.sampled_from(w.of("member")),
                                opinion_meeting_id=st.sampled_from(w.of("opinion_meeting")), opinions=SOME_TEXT,
                                raised_on=st.just(TODAY)),
                   "topic_id": st.one_of(st.none(), some_id(w.of("topic")))},
        lambda w, data, topic_id: kw.save_topic(w.engine, actor=w.actor(), data=data, topic_id=topic_id, now=NOW),
        open_council_minutes),
    "council.writes.withdraw_topic": Case(
        lambda w: {"topic_id": some_id(w.of("topic")), "reason": SOME_TEXT},
        lambda w, topic_id, reason: kw.withdraw_topic(w.engine, actor=w.actor(), topic_id=topic_id, reason=reason,
                                                      now=NOW),
        open_council_minutes),
    "council.writes.assign_decision": Case(
        lambda w: {"decision_id": some_id(w.of("decision")), "owner": SOME_TEXT,
                   "due": near(st.just(TODAY + timedelta(days=20)))},
        lambda w, decision_id, owner, due: kw.assign_decision(w.engine, actor=w.actor(), decision_id=decision_id,
                                                              owner=owner, due=due, now=NOW),
        lambda w, decision, **_: decision_notice(w, decision)),
    "council.writes.set_notice": Case(
        lambda w: {"decision_id": some_id(w.of("decision")), "start": near(st.just(TODAY)),
                   "end": near(st.just(TODAY + timedelta(days=7)))},
        lambda w, decision_id, start, end: kw.set_notice(w.engine, actor=w.actor(), decision_id=decision_id,
                                                         start=start, end=end, now=NOW),
        lambda w, decision, **_: decision_notice(w, decision)),
    "council.writes.follow_up_matter": Case(
        lambda w: {"decision_id": some_id(w.of("decision")), "data": _matter_form(w)},
        lambda w, decision_id, data: kw.follow_up_matter(w.engine, actor=w.actor(), settings=w.settings,
                                                         decision_id=decision_id, data=data, now=NOW),
        lambda w, matter, **_: ledger_of(w, matter)),
    "council.writes.follow_up_need": Case(
        lambda w: {"decision_id": some_id(w.of("decision"))},
        lambda w, decision_id: kw.follow_up_need(w.engine, actor=w.actor(), decision_id=decision_id, now=NOW)),
}

COUNCIL_MEETINGS = {
    "council.meetings.plan_meeting": Case(
        lambda w: {"data": form(council_id=st.sampled_from(w.of("council")),
                                kind=st.sampled_from(["opinion", "discussion", "decision", "ad_hoc"]),
                                day=st.just(TODAY + timedelta(days=3)),
                                start_time=st.sampled_from([None, time(9, 30), "09:30", "25:99"]), place=SOME_TEXT,
                                recorder=SOME_TEXT, observers=SOME_TEXT,
                                chair_id=st.one_of(st.none(), st.sampled_from(w.of("member"))),
                                topic_ids=st.lists(st.sampled_from(w.of("topic")), max_size=3),
                                decision_ids=st.just([])),
                   "meeting_id": st.just(None)},
        lambda w, data, meeting_id: km.plan_meeting(w.engine, actor=w.actor(), settings=w.settings, data=data,
                                                    meeting_id=meeting_id, now=NOW),
        lambda w, meeting, **_: council_minutes_of(w, meeting.id)),
    "council.meetings.open_meeting": Case(
        lambda w: {"meeting_id": some_id(w.of("council_meeting"))},
        lambda w, meeting_id: km.open_meeting(w.engine, actor=w.actor(), meeting_id=meeting_id, now=NOW),
        lambda w, meeting, **_: council_minutes_of(w, meeting.id)),
    "council.meetings.check_in": Case(
        lambda w: {"meeting_id": some_id(w.of("council_meeting")),
                   "rows": st.one_of(st.lists(form(member_id=st.sampled_from(w.of("member")),
                                                   status=st.sampled_from(["present", "absent", "excused"])),
                                              max_size=3), HOSTILE)},
        lambda w, meeting_id, rows: km.check_in(w.engine, actor=w.actor(), meeting_id=meeting_id, rows=rows,
                                                now=NOW),
        lambda w, _none, meeting_id, **_: council_minutes_of(w, meeting_id)),
    "council.meetings.record_minutes": Case(
        lambda w: {"meeting_id": some_id(w.of("council_meeting")),
                   "agenda_item_id": some_id(w.of("council_agenda")),
                   "minutes": st.one_of(st.none(), SOME_TEXT, HOSTILE),
                   "discussed": st.one_of(st.booleans(), HOSTILE),
                   "seconds": st.one_of(st.none(), st.integers(0, 3600), NUMBER, HOSTILE)},
        lambda w, **kw: km.record_minutes(w.engine, actor=w.actor(), now=NOW, **kw),
        lambda w, item, **_: council_minutes_of(w, item.meeting_id)),
    "council.meetings.record_vote": Case(
        lambda w: {"meeting_id": some_id(w.of("vote_meeting")),
                   "data": form(topic_id=st.sampled_from(w.of("topic")), text=SOME_TEXT,
                                method=st.sampled_from(["hands", "ballot", "named"]),
                                votes_for=st.one_of(st.integers(0, 9), NUMBER), against=st.integers(0, 2),
                                abstain=st.integers(0, 2),
                                ballots=st.one_of(st.dictionaries(st.sampled_from(w.of("member")),
                                                                  st.sampled_from(["for", "against", "abstain"]),
                                                                  max_size=5), HOSTILE),
                                owner=SOME_TEXT, due=st.just(TODAY + timedelta(days=30)),
                                notice_start=st.one_of(st.none(), DAY), notice_end=st.one_of(st.none(), DAY))},
        lambda w, meeting_id, data: km.record_vote(w.engine, actor=w.actor(), settings=w.settings,
                                                   meeting_id=meeting_id, data=data, now=NOW),
        lambda w, decision, **_: council_minutes_of(w, decision.meeting_id)),
    "council.meetings.record_review": Case(
        lambda w: {"meeting_id": some_id(w.of("review_meeting")),
                   "data": form(decision_id=st.sampled_from(w.of("decision")), reporter=SOME_TEXT, report=SOME_TEXT,
                                outcome=st.sampled_from(["carried_out", "partly", "not"]), reason=SOME_TEXT,
                                ratings=st.one_of(st.dictionaries(st.sampled_from(w.of("member")),
                                                                  st.sampled_from(["satisfied", "basic",
                                                                                   "unsatisfied"]), max_size=4),
                                                  HOSTILE))},
        lambda w, meeting_id, data: km.record_review(w.engine, actor=w.actor(), meeting_id=meeting_id, data=data,
                                                     settings=w.settings, now=NOW),
        lambda w, review, **_: council_minutes_of(w, review.meeting_id)),
    "council.meetings.close_meeting": Case(
        lambda w: {"meeting_id": some_id(w.of("council_meeting_to_close")),
                   "summary": st.one_of(st.none(), SOME_TEXT, HOSTILE)},
        lambda w, meeting_id, summary: km.close_meeting(w.engine, actor=w.actor(), meeting_id=meeting_id,
                                                        summary=summary, now=NOW),
        lambda w, meeting, **_: council_minutes_of(w, meeting.id)),
}

COUNCIL_READS = {
    "council.queries.councils": Case(
        lambda w: {"community_id": some_id([1])},
        lambda w, community_id: kq.councils(w.engine, actor=w.actor(), community_id=community_id)),
    "council.queries.members": Case(
        lambda w: {"council_id": some_id(w.of("council"))},
        lambda w, council_id: kq.members(w.engine, actor=w.actor(), council_id=council_id, settings=w.settings)),
    "council.queries.topics": Case(
        lambda w: {"community_id": some_id([1]), "council_id": st.one_of(st.none(), some_id(w.of("council"))),
                   "stage": near(st.none()), "search": st.one_of(st.none(), SOME_TEXT, HOSTILE),
                   "offset": near(st.integers(0, 100))},
        lambda w, **kw: kq.topics(w.engine, actor=w.actor(), **kw)),
    "council.queries.topic_timeline": Case(
        lambda w: {"topic_id": some_id(w.of("topic"))},
        lambda w, topic_id: kq.topic_timeline(w.engine, actor=w.actor(), topic_id=topic_id)),
    "council.queries.meetings": Case(
        lambda w: {"community_ids": st.one_of(st.none(), st.tuples(some_id([1]))),
                   "council_id": st.one_of(st.none(), some_id(w.of("council"))),
                   "kind": near(st.none()), "status": near(st.none()),
                   "search": st.one_of(st.none(), SOME_TEXT, HOSTILE), "offset": near(st.integers(0, 100))},
        lambda w, **kw: kq.meetings(w.engine, actor=w.actor(), **kw)),
    "council.queries.decision_meeting": Case(
        lambda w: {"decision_id": some_id(w.of("decision"))},
        lambda w, decision_id: kq.decision_meeting(w.engine, actor=w.actor(), decision_id=decision_id)),
    "council.queries.meeting_detail": Case(
        lambda w: {"meeting_id": some_id(w.of("council_meeting"))},
        lambda w, meeting_id: kq.meeting_detail(w.engine, actor=w.actor(), meeting_id=meeting_id,
                                                settings=w.settings)),
    "council.queries.decisions": Case(
        lambda w: {"community_ids": st.one_of(st.none(), st.tuples(some_id([1]))),
                   "council_id": st.one_of(st.none(), some_id(w.of("council"))),
                   "show": near(st.sampled_from(["all", "overdue", "in_notice"])),
                   "search": st.one_of(st.none(), SOME_TEXT, HOSTILE), "offset": near(st.integers(0, 100))},
        lambda w, **kw: kq.decisions(w.engine, actor=w.actor(), today=TODAY, **kw)),
    "council.queries.decisions_of_matter": Case(
        lambda w: {"matter_id": some_id(w.of("matter"))},
        lambda w, matter_id: kq.decisions_of_matter(w.engine, actor=w.actor(), matter_id=matter_id)),
    "council.meetings.due_for_review": Case(
        lambda w: {"council_id": some_id(w.of("council"))},
        lambda w, council_id: km.due_for_review(w.engine, actor=w.actor(), council_id=council_id, day=TODAY)),
    "council.minutes.minutes_docx": Case(
        lambda w: {"meeting_id": some_id(w.of("council_meeting"))},
        lambda w, meeting_id: council_minutes.minutes_docx(w.engine, actor=w.actor(), settings=w.settings,
                                                           meeting_id=meeting_id, now=NOW)),
    "council.minutes.notice_docx": Case(
        lambda w: {"meeting_id": some_id(w.of("council_meeting"))},
        lambda w, meeting_id: council_minutes.notice_docx(w.engine, actor=w.actor(), meeting_id=meeting_id,
                                                          now=NOW, settings=w.settings)),
}


def _account_form(w: World) -> st.SearchStrategy:
    return form(username=st.one_of(st.from_regex(r"\Au[a-z0-9]{4,10}\Z"), TEXT), display_name=SOME_TEXT,
                email=st.one_of(st.none(), st.from_regex(r"\A[a-z]{3,8}@example\.cn\Z"), TEXT),
                password=st.just("long-enough-1"), password_again=st.just("long-enough-1"))


def _roles(w: World) -> st.SearchStrategy:
    role = form(role=st.sampled_from(sorted(w.settings.roles)), community_id=st.one_of(st.none(), st.just(1)),
                grid_id=st.one_of(st.none(), st.sampled_from(w.of("grid"))))
    return st.one_of(st.lists(role, min_size=1, max_size=2), HOSTILE)


ACCOUNTS = {
    "accounts.users.create_user": Case(
        lambda w: {"data": _account_form(w), "roles": _roles(w)},
        lambda w, data, roles: users.create_user(w.engine, actor=w.actor("admin"), settings=w.settings, data=data,
                                                 roles=roles, now=NOW),
        lambda w, user_id, **_: audit_export_of(w, user_id)),
    "accounts.users.update_user": Case(
        lambda w: {"user_id": some_id(w.of("user")),
                   "data": form(display_name=SOME_TEXT, email=st.one_of(st.none(), TEXT))},
        lambda w, user_id, data: users.update_user(w.engine, actor=w.actor("admin"), user_id=user_id, data=data,
                                                   now=NOW),
        lambda w, _none, user_id, **_: audit_export_of(w, user_id)),
    "accounts.users.set_roles": Case(
        lambda w: {"user_id": some_id(w.of("user")), "roles": _roles(w)},
        lambda w, user_id, roles: users.set_roles(w.engine, actor=w.actor("admin"), settings=w.settings,
                                                  user_id=user_id, roles=roles, now=NOW)),
    "accounts.users.reset_password": Case(
        lambda w: {"user_id": some_id(w.of("user")), "password": near(st.just("another-pass-9")),
                   "password_again": near(st.just("another-pass-9"))},
        lambda w, **kw: users.reset_password(w.engine, actor=w.actor("admin"), settings=w.settings, now=NOW, **kw)),
    "accounts.users.set_active": Case(
        lambda w: {"user_id": some_id(w.of("user")), "active": near(st.booleans())},
        lambda w, user_id, active: users.set_active(w.engine, actor=w.actor("admin"), user_id=user_id,
                                                    active=active, now=NOW, settings=w.settings)),
    "accounts.users.unlock": Case(
        lambda w: {"user_id": some_id(w.of("user"))},
        lambda w, user_id: users.unlock(w.engine, actor=w.actor("admin"), user_id=user_id, now=NOW)),
    "accounts.auth.login": Case(
        lambda w: {"username": st.one_of(st.sampled_from(["secretary", "nobody"]), HOSTILE),
                   "password": st.one_of(st.just("wrong-password"), HOSTILE)},
        lambda w, username, password: auth.login(w.engine, w.settings, username, password, now=NOW)),
    "accounts.auth.login_by_email": Case(
        lambda w: {"email": st.one_of(st.just("nobody@example.cn"), HOSTILE),
                   "verified": st.one_of(st.none(), st.booleans(), HOSTILE)},
        lambda w, email, verified: auth.login_by_email(w.engine, w.settings, email, verified=verified, now=NOW)),
    "accounts.auth.create_first_admin": Case(
        lambda w: {"data": _account_form(w)},
        lambda w, data: auth.create_first_admin(w.engine, w.settings, data, now=NOW)),
    "accounts.sessions.resume": Case(
        lambda w: {"token": HOSTILE},
        lambda w, token: sessions.resume(w.engine, w.settings, token, now=NOW)),
    "accounts.sessions.logout": Case(
        lambda w: {"token": HOSTILE},
        lambda w, token: sessions.logout(w.engine, token, actor=w.actor(), now=NOW)),
    "accounts.users.list_users": Case(
        lambda w: {"text": st.one_of(SOME_TEXT, HOSTILE), "community_id": st.one_of(st.none(), some_id([1])),
                   "role": near(st.none()), "page": near(st.integers(1, 3)), "page_size": near(st.just(50))},
        lambda w, **kw: users.list_users(w.engine, actor=w.actor("admin"), settings=w.settings, now=NOW, **kw)),
    "accounts.users.user_detail": Case(
        lambda w: {"user_id": some_id(w.of("user"))},
        lambda w, user_id: users.user_detail(w.engine, user_id, actor=w.actor("admin"), now=NOW)),
    "accounts.users.grids": Case(
        lambda w: {"community_id": st.one_of(st.none(), some_id([1]))},
        lambda w, community_id: users.grids(w.engine, community_id, actor=w.actor("admin"))),
}


def _audit_filter(w: World) -> st.SearchStrategy:
    return st.builds(audit_trail.AuditFilter, actor_name=st.one_of(st.none(), SOME_TEXT, HOSTILE),
                     action=st.one_of(st.none(), st.sampled_from(["matter.", "user.create", "user."]), HOSTILE),
                     entity=near(st.none()), community_id=st.one_of(st.none(), some_id([1])),
                     date_from=near(st.none()), date_to=near(st.none()),
                     entity_id=st.one_of(st.none(), some_id(w.of("matter"))),
                     without_community=near(st.booleans()))


AUDIT_READS = {
    "accounts.audit_trail.count_entries": Case(
        lambda w: {"flt": _audit_filter(w)},
        lambda w, flt: audit_trail.count_entries(w.engine, flt, actor=w.actor("admin"), cap=1000)),
    "accounts.audit_trail.entries_page": Case(
        lambda w: {"flt": _audit_filter(w), "page": near(st.integers(1, 3))},
        lambda w, flt, page: audit_trail.entries_page(w.engine, flt, actor=w.actor("admin"), page=page)),
    "accounts.audit_trail.entry": Case(
        lambda w: {"entry_id": some_id(range(1, 50))},
        lambda w, entry_id: audit_trail.entry(w.engine, entry_id, actor=w.actor("admin"))),
    "accounts.audit_trail.trail_xlsx": Case(
        lambda w: {"flt": _audit_filter(w)},
        lambda w, flt: audit_trail.trail_xlsx(w.engine, flt, actor=w.actor("admin"), lang="zh", now=NOW)),
}

BRIEFING = {
    "briefing.display.create": Case(
        lambda w: {"data": form(name=SOME_TEXT, community_id=st.one_of(st.none(), st.just(1)),
                                slides=st.lists(st.sampled_from(["service", "committee", "council"]), max_size=2),
                                days=st.integers(1, 366))},
        lambda w, data: display.create(w.engine, w.settings, actor=w.actor("leader"), data=data, now=NOW),
        lambda w, token, **_: display.open_link(w.engine, w.settings, token, now=NOW)),
    "briefing.display.rename": Case(
        lambda w: {"link_id": some_id(w.of("link")), "name": SOME_TEXT},
        lambda w, link_id, name: display.rename(w.engine, actor=w.actor("leader"), link_id=link_id, name=name,
                                                now=NOW),
        lambda w, _none, **_: display.links(w.engine, w.settings, actor=w.actor("leader"), now=NOW)),
    "briefing.display.revoke": Case(
        lambda w: {"link_id": some_id(w.of("link"))},
        lambda w, link_id: display.revoke(w.engine, actor=w.actor("leader"), link_id=link_id, now=NOW)),
    "briefing.display.open_link": Case(
        lambda w: {"token": st.one_of(HOSTILE, st.sampled_from(["1.1.abc", "99999999999.1.x", "-1.0.", "..."]))},
        lambda w, token: display.open_link(w.engine, w.settings, token, now=NOW)),
    "briefing.documents.briefing_docx": Case(
        lambda w: {"text": SOME_TEXT, "title": SOME_TEXT, "period": SOME_TEXT,
                   "community_id": st.one_of(st.none(), some_id([1]))},
        lambda w, **kw: documents.briefing_docx(w.engine, actor=w.actor("leader"), lang="zh", now=NOW, **kw)),
    "briefing.presentation.briefing_pptx": Case(
        lambda w: {"text": SOME_TEXT, "title": SOME_TEXT},
        lambda w, text, title: presentation.briefing_pptx(
            w.engine, actor=w.actor("leader"), text=text, title=title, lang="zh", settings=w.settings, now=NOW,
            briefing=content.gather(w.engine, OCTOBER, None, actor=w.actor("leader"),
                                    today=TODAY, settings=w.settings))),
    "briefing.content.gather": Case(
        lambda w: {"community_id": st.one_of(st.none(), some_id([1]))},
        lambda w, community_id: content.gather(w.engine, OCTOBER, community_id,
                                               actor=w.actor("leader"), today=TODAY, settings=w.settings)),
    "org.grids": Case(
        lambda w: {"community_id": st.one_of(st.none(), some_id([1]))},
        lambda w, community_id: grids(w.engine, community_id, actor=w.actor())),
}

# --- volunteer service: its rows made once per world through the write functions, on first use ---------------------

def _volunteer_rows(w: World) -> World:
    """Volunteers (one leading a team), orders at every step with links to sign, goods and redemptions in
    community 1, and a pool of valid ID numbers nobody holds; made when an example of the area first needs them."""
    if "volunteer" in w.ids:
        return w
    sec, s, cid = w.actor(), w.settings, 1
    with reading(w.engine) as session:
        held = set(session.execute(select(Volunteer.id_number)).scalars())
    numbers = [n for n in (id_number(i, born="19660606", area="650102") for i in range(200)) if n not in held]

    def volunteer(n: int, **more) -> int:
        return vr.save_volunteer(w.engine, actor=sec, settings=s, now=NOW, data={
            "community_id": cid, "name": f"对抗测试{n}", "phone": f"1370000{n:04d}", "id_number": numbers[n],
            "skills": ["elderly"], "registered_on": TODAY, **more}).id

    vols = [volunteer(0), volunteer(1)]
    team = vr.save_team(w.engine, actor=sec, settings=s, now=NOW, data={
        "community_id": cid, "name": "对抗测试服务队", "kind": "community", "leader_id": vols[0]}).id
    vols += [volunteer(2, team_id=team), volunteer(3)]

    def order(to: Step, hours: float = 1, who: int = 3) -> int:
        made = vo.create_order(w.engine, actor=sec, settings=s, now=NOW, data={
            "community_id": cid, "service_kind": "elderly", "title": "上门理发", "place": "1号楼",
            "wanted_at": NOW + timedelta(days=1), "recipient_name": "王大爷"}).id
        if to >= Step.DISPATCHED:
            vo.dispatch(w.engine, actor=sec, order_id=made, now=NOW,
                        data={"volunteer_id": vols[who], "due_at": NOW + timedelta(days=2)})
        if to >= Step.TAKEN:
            vo.take(w.engine, actor=sec, order_id=made, now=NOW)
        if to >= Step.SERVED:
            vo.record_service(w.engine, actor=sec, order_id=made, now=NOW,
                              rows=[{"volunteer_id": vols[who], "hours": hours}])
        if to >= Step.SIGNED:
            vo.sign_off(w.engine, actor=sec, settings=s, order_id=made, method="phone", now=NOW)
        return made

    signed = [order(Step.SIGNED, 8, who=0), order(Step.SIGNED, 5, who=1)]  # 80 and 50 points
    served = [order(Step.SERVED) for _ in range(4)]
    orders = [order(Step.REQUESTED), order(Step.DISPATCHED), order(Step.DISPATCHED, who=2), order(Step.TAKEN),
              *served, *signed]
    tokens = [vo.make_link(w.engine, actor=sec, settings=s, order_id=o, now=NOW)[0] for o in served[:3]]
    goods = [vs.save_good(w.engine, actor=sec, now=NOW, data={"community_id": cid, "name": name, "price": price,
                                                               "stock": stock}).id
             for name, price, stock in (("对抗毛巾", 10, 5), ("对抗大米", 30, 1))]
    slips = [vs.redeem(w.engine, actor=sec, now=NOW, data={"volunteer_id": vols[0], "good_id": goods[0],
                                                           "quantity": 1}).id for _ in range(2)]
    w.ids.update({"volunteer": vols, "team": [team], "order": orders, "order_served": served, "token": tokens,
                  "good": goods, "redemption": slips, "id_number": numbers[4:40]})
    return w


def _vw(w: World, name: str) -> list:
    return _volunteer_rows(w).of(name)


def _row(w: World, name: str) -> st.SearchStrategy:
    """Mostly (four times in five) a row of the area's that exists, else any id or none at all (some_id). Drawn in
    two steps: one_of would flatten some_id's many hostile branches beside the known one and mostly miss it."""
    known, anything = st.sampled_from(_vw(w, name)), some_id(_vw(w, name))
    return st.integers(0, 4).flatmap(lambda n: anything if n == 0 else known)


def ledger_sound(w: World, *_, **__) -> None:
    """After a success, every kept balance still equals the sum of its transfers."""
    assert vp.check_balances(w.engine) == []


def link_opens(w: World, made, **_) -> None:
    assert vo.link_order(w.engine, made[0], now=NOW)["number"]


def _staff_or_volunteer(w: World) -> st.SearchStrategy:
    """Who acts on an order: staff, or a volunteer or team leader of the demo where it has them."""
    return st.sampled_from([name for name in ("secretary", "worker", "volunteer", "teamlead", "leader")
                            if name in w.actors])


def _volunteer_form(w: World) -> st.SearchStrategy:
    x_number = next((n for n in _vw(w, "id_number") if n.endswith("X")), "11010519491231002X")
    return form(community_id=st.just(1), name=SOME_TEXT,
                phone=st.sampled_from(["13712345678", "0477-1234567", "", "12345", "1371234567８"]),
                id_number=st.one_of(st.sampled_from(_vw(w, "id_number")), st.sampled_from([
                    x_number.lower(), f" {x_number[:6]} {x_number[6:]} ", "110105194912310021", "", "１１０"]), TEXT),
                skills=st.one_of(st.lists(st.sampled_from([k.code for k in w.settings.volunteer.service_kinds]),
                                          max_size=3), SOME_TEXT),
                party_member=st.booleans(), report_unit_id=st.one_of(st.none(), some_id(w.of("unit"))),
                team_id=st.one_of(st.none(), _row(w, "team")), registered_on=st.one_of(st.just(TODAY), DAY),
                active=st.booleans(), user_id=st.one_of(st.none(), some_id(w.of("user"))))


VOLUNTEER = {
    "volunteer.registry.save_volunteer": Case(
        lambda w: {"data": _volunteer_form(w), "volunteer_id": st.one_of(st.none(), _row(w, "volunteer"))},
        lambda w, data, volunteer_id: vr.save_volunteer(w.engine, actor=w.actor(), settings=w.settings, data=data,
                                                        volunteer_id=volunteer_id, now=NOW),
        ledger_sound),
    "volunteer.registry.save_team": Case(
        lambda w: {"data": form(community_id=st.just(1), name=SOME_TEXT,
                                kind=st.sampled_from([k.code for k in w.settings.volunteer.team_kinds]),
                                unit_id=st.one_of(st.none(), st.sampled_from(w.of("unit"))),
                                speciality=st.one_of(st.just(["repair"]), st.just("elderly,repair"), SOME_TEXT),
                                leader_id=st.one_of(st.none(), _row(w, "volunteer")), active=st.booleans()),
                   "team_id": st.one_of(st.none(), _row(w, "team"))},
        lambda w, data, team_id: vr.save_team(w.engine, actor=w.actor(), settings=w.settings, data=data,
                                              team_id=team_id, now=NOW)),
    "volunteer.store.save_good": Case(
        lambda w: {"data": form(community_id=st.just(1), name=SOME_TEXT, price=st.one_of(st.integers(1, 99), NUMBER),
                                stock=st.one_of(st.integers(0, 9), NUMBER), donor=SOME_TEXT, active=st.booleans()),
                   "good_id": st.one_of(st.none(), _row(w, "good"))},
        lambda w, data, good_id: vs.save_good(w.engine, actor=w.actor(), data=data, good_id=good_id, now=NOW)),
    "volunteer.store.redeem": Case(
        lambda w: {"data": form(volunteer_id=_row(w, "volunteer"), good_id=_row(w, "good"),
                                quantity=st.one_of(st.integers(1, 3), NUMBER))},
        lambda w, data: vs.redeem(w.engine, actor=w.actor("worker"), data=data, now=NOW),
        ledger_sound),
    "volunteer.store.cancel_redemption": Case(
        lambda w: {"redemption_id": _row(w, "redemption"), "reason": SOME_TEXT},
        lambda w, redemption_id, reason: vs.cancel_redemption(w.engine, actor=w.actor(), redemption_id=redemption_id,
                                                              reason=reason, now=NOW),
        ledger_sound),
}


def _service_rows(w: World) -> st.SearchStrategy:
    row = form(volunteer_id=_row(w, "volunteer"),
               hours=st.one_of(st.floats(0.1, 12), st.sampled_from([0.05, 24, 24.04, 1e-9]), NUMBER))
    return st.one_of(st.lists(row, max_size=3), HOSTILE)


VOLUNTEER_ORDERS = {  # 点单, 派单, 接单, 拒单, 取消
    "volunteer.orders.create_order": Case(
        lambda w: {"data": form(community_id=st.just(1), service_kind=st.sampled_from(["elderly", "repair"]),
                                title=SOME_TEXT, detail=SOME_TEXT, place=SOME_TEXT,
                                wanted_at=st.one_of(st.just(NOW + timedelta(days=1)), st.just(NOW), st.sampled_from(
                                    [NOW - timedelta(days=3), datetime(2026, 12, 1), NOW.replace(year=9999)])),
                                recipient_name=SOME_TEXT, recipient_phone=st.sampled_from(["13812345678", "", "1"]),
                                matter_id=st.one_of(st.none(), some_id(w.of("matter"))))},
        lambda w, data: vo.create_order(w.engine, actor=w.actor(), settings=w.settings, data=data, now=NOW)),
    "volunteer.orders.dispatch": Case(
        lambda w: {"order_id": _row(w, "order"), "redispatch": near(st.booleans()),
                   "data": form(team_id=st.one_of(st.none(), _row(w, "team")),
                                volunteer_id=st.one_of(st.none(), _row(w, "volunteer")),
                                due_at=st.sampled_from([NOW + timedelta(days=2), NOW, NOW.replace(year=1)]),
                                reason=SOME_TEXT)},
        lambda w, order_id, redispatch, data: vo.dispatch(w.engine, actor=w.actor(), order_id=order_id, data=data,
                                                          redispatch=redispatch, now=NOW)),
    "volunteer.orders.take": Case(
        lambda w: {"order_id": _row(w, "order"), "actor": _staff_or_volunteer(w),
                   "volunteer_id": st.one_of(st.none(), _row(w, "volunteer"))},
        lambda w, order_id, actor, volunteer_id: vo.take(w.engine, actor=w.actor(actor), order_id=order_id,
                                                         volunteer_id=volunteer_id, now=NOW)),
    "volunteer.orders.decline": Case(
        lambda w: {"order_id": _row(w, "order"), "actor": _staff_or_volunteer(w), "reason": SOME_TEXT},
        lambda w, order_id, actor, reason: vo.decline(w.engine, actor=w.actor(actor), order_id=order_id,
                                                      reason=reason, now=NOW)),
    "volunteer.orders.cancel": Case(
        lambda w: {"order_id": _row(w, "order"), "reason": SOME_TEXT},
        lambda w, order_id, reason: vo.cancel(w.engine, actor=w.actor(), order_id=order_id, reason=reason, now=NOW)),
}

VOLUNTEER_SIGN = {  # 服务, 签单 (by staff and by the link), the link itself, 评单
    "volunteer.orders.record_service": Case(
        lambda w: {"order_id": _row(w, "order"), "actor": _staff_or_volunteer(w), "rows": _service_rows(w),
                   "served_on": st.one_of(st.none(), st.just(TODAY), DAY, HOSTILE)},
        lambda w, order_id, actor, rows, served_on: vo.record_service(
            w.engine, actor=w.actor(actor), order_id=order_id, rows=rows, served_on=served_on, now=NOW)),
    "volunteer.orders.sign_off": Case(
        lambda w: {"order_id": _row(w, "order_served"),
                   "method": near(st.sampled_from(["in_person", "phone", "link"]))},
        lambda w, order_id, method: vo.sign_off(w.engine, actor=w.actor(), settings=w.settings, order_id=order_id,
                                                method=method, now=NOW),
        ledger_sound),
    "volunteer.orders.make_link": Case(
        lambda w: {"order_id": _row(w, "order"), "actor": _staff_or_volunteer(w)},
        lambda w, order_id, actor: vo.make_link(w.engine, actor=w.actor(actor), settings=w.settings,
                                                order_id=order_id, now=NOW),
        link_opens),
    "volunteer.orders.sign_by_link": Case(
        lambda w: {"token": st.one_of(st.sampled_from(_vw(w, "token")), HOSTILE),
                   "data": st.one_of(st.none(), form(rating=st.sampled_from(["satisfied", "basic", "dissatisfied"]),
                                                     comment=SOME_TEXT))},
        lambda w, token, data: vo.sign_by_link(w.engine, settings=w.settings, token=token, data=data, now=NOW),
        ledger_sound),
    "volunteer.orders.rate": Case(
        lambda w: {"order_id": _row(w, "order"),
                   "data": form(rating=st.sampled_from(["satisfied", "basic", "dissatisfied"]), comment=SOME_TEXT)},
        lambda w, order_id, data: vo.rate(w.engine, actor=w.actor(), order_id=order_id, data=data, now=NOW)),
}

def _sheet(cells: list) -> bytes:
    """An .xlsx with the import's header and one row of `cells` (text Excel cannot hold dropped, as Excel drops it)."""
    import io

    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from data_access.volunteer.exchange import COLUMNS
    from i18n import translate

    book = Workbook()
    book.active.append([translate("zh", key) for _, key, _ in COLUMNS])
    book.active.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in cells])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_cells() -> st.SearchStrategy:
    cell = st.one_of(SOME_TEXT, st.integers(), st.floats(allow_nan=False), st.dates(), st.none())
    return st.lists(cell, min_size=9, max_size=9)


VOLUNTEER_FILES = {  # the certificate, the slip, Excel in and out, personal data shown
    "volunteer.documents.certificate": Case(
        lambda w: {"volunteer_id": _row(w, "volunteer"), "start": st.one_of(st.just(date(2026, 1, 1)), DAY, HOSTILE),
                   "end": st.one_of(st.just(TODAY), DAY, HOSTILE), "actor": _staff_or_volunteer(w)},
        lambda w, volunteer_id, start, end, actor: vd.certificate(
            w.engine, actor=w.actor(actor), volunteer_id=volunteer_id, start=start, end=end, settings=w.settings,
            now=NOW)),
    "volunteer.documents.redemption_slip": Case(
        lambda w: {"redemption_id": _row(w, "redemption")},
        lambda w, redemption_id: vd.redemption_slip(w.engine, actor=w.actor("worker"), redemption_id=redemption_id,
                                                    now=NOW)),
    "volunteer.exchange.import_volunteers": Case(
        lambda w: {"community_id": st.one_of(st.just(1), some_id([1])),
                   "content": st.one_of(_sheet_cells().map(_sheet), st.binary(max_size=64), HOSTILE)},
        lambda w, community_id, content: vx.import_volunteers(w.engine, actor=w.actor(), settings=w.settings,
                                                              community_id=community_id, content=content, now=NOW),
        ledger_sound),
    "volunteer.exchange.export_volunteers": Case(
        lambda w: {"community_id": st.one_of(st.just(1), some_id([1]))},
        lambda w, community_id: vx.export_volunteers(w.engine, actor=w.actor(), community_id=community_id,
                                                     settings=w.settings, now=NOW)),
    "volunteer.queries.personal": Case(
        lambda w: {"volunteer_id": _row(w, "volunteer")},
        lambda w, volunteer_id: vq.personal(w.engine, actor=w.actor(), volunteer_id=volunteer_id, now=NOW)),
}

# --- the estate public-welfare fund: the demo fund, its requests and entries ---------------------------------------

def _fund_rows(w: World) -> World:
    """The demo fund's id, its requests and income entries, its council's passed decisions, its co-managers' rows."""
    if "fund" in w.ids:
        return w
    with reading(w.engine) as session:
        fund = session.execute(select(Fund).order_by(Fund.id)).scalars().first()
        w.ids.update({
            "fund": [fund.id],
            "fund_request": _ids(session, FundRequest, FundRequest.fund_id == fund.id),
            "fund_pending": _ids(session, FundRequest, FundRequest.fund_id == fund.id, FundRequest.status == "pending"),
            "fund_income": _ids(session, FundIncome, FundIncome.fund_id == fund.id),
            "fund_manager": _ids(session, FundManager, FundManager.fund_id == fund.id),
            "fund_member": _ids(session, CouncilMember, CouncilMember.council_id == fund.council_id),
            "fund_decision": _ids(session, CouncilDecision, CouncilDecision.council_id == fund.council_id),
            "fund_council": _ids(session, Council, Council.community_id == 1),
        })
    return w


def _fw(w: World, name: str) -> st.SearchStrategy:
    """Mostly a row of the fund's that exists, else any id or none at all."""
    rows = _fund_rows(w).of(name)
    return st.integers(0, 4).flatmap(lambda n: some_id(rows) if n == 0 else st.sampled_from(rows))


MONEY = st.one_of(st.sampled_from(["100", "386.50", "1,234.5", "4999.99", "5000.01", "0", "-1", "12.345", "¥88",
                                   "10000000", "10000000.01", " ", "1e3", "1e-3"]), NUMBER, HOSTILE)
FILES = st.one_of(st.just([("收据.png", b"\x89PNG\r\n\x1a\n0000")]), st.just([("a.pdf", b"%PDF-1.4")]),
                  st.lists(st.tuples(TEXT, st.binary(max_size=16)), max_size=2), HOSTILE)
CO_MANAGER = st.sampled_from(["convener", "treasurer", "recorder"])


def word_opens(made: bytes) -> None:
    assert docx.Document(io.BytesIO(made)).paragraphs


def fund_sound(w: World, *_, **__) -> None:
    """After a success, every fund's kept balance equals opening + income - payments, and the running quarter's
    statement of the demo fund still builds and balances."""
    with reading(w.engine) as session:
        for fund in session.execute(select(Fund)).scalars():
            received = session.execute(select(func.coalesce(func.sum(FundIncome.amount_fen), 0))
                                       .where(FundIncome.fund_id == fund.id)).scalar_one()
            paid = session.execute(select(func.coalesce(func.sum(FundRequest.amount_fen), 0))
                                   .where(FundRequest.fund_id == fund.id, FundRequest.status == "paid")).scalar_one()
            assert fund.balance_fen == fund.opening_fen + received - paid >= 0
    statement = fq.statement(w.engine, actor=w.actor(), fund_id=_fund_rows(w).of("fund")[0], year=2026, quarter=4,
                             today=TODAY)
    assert statement.closing_fen == statement.opening_fen + statement.income_fen - statement.spending_fen


FUND = {
    "fund.funds.open_fund": Case(
        lambda w: {"data": form(name=SOME_TEXT, council_id=_fw(w, "fund_council"),
                                opened_on=st.one_of(st.just(TODAY), DAY), opening=MONEY)},
        lambda w, data: ff.open_fund(w.engine, actor=w.actor(), settings=w.settings, data=data, now=NOW), fund_sound),
    "fund.funds.add_manager": Case(
        lambda w: {"fund_id": _fw(w, "fund"), "member_id": _fw(w, "fund_member"),
                   "user_id": st.one_of(st.sampled_from([w.actor(n).id for n in ("convener", "recorder", "worker")]),
                                        some_id(w.of("user")))},
        lambda w, fund_id, member_id, user_id: ff.add_manager(w.engine, actor=w.actor(), settings=w.settings,
                                                               fund_id=fund_id, member_id=member_id, user_id=user_id,
                                                               now=NOW)),
    "fund.funds.remove_manager": Case(
        lambda w: {"manager_id": _fw(w, "fund_manager")},
        lambda w, manager_id: ff.remove_manager(w.engine, actor=w.actor(), manager_id=manager_id, now=NOW)),
    "fund.income.record_income": Case(
        lambda w: {"fund_id": _fw(w, "fund"), "data": form(
            received_on=st.one_of(st.just(TODAY), DAY), source=st.sampled_from(["grant", "donation", "x"]),
            payer=SOME_TEXT, amount=MONEY, note=SOME_TEXT, files=FILES)},
        lambda w, fund_id, data: fi.record_income(w.engine, actor=w.actor("worker"), settings=w.settings,
                                                  fund_id=fund_id, data=data, now=NOW), fund_sound),
    "fund.income.reverse_income": Case(
        lambda w: {"income_id": _fw(w, "fund_income"), "data": form(reason=SOME_TEXT)},
        lambda w, income_id, data: fi.reverse_income(w.engine, actor=w.actor("worker"), income_id=income_id,
                                                     data=data, now=NOW), fund_sound),
    "fund.spending.request_spending": Case(
        lambda w: {"who": CO_MANAGER, "fund_id": _fw(w, "fund"), "data": form(
            purpose=st.sampled_from(["hygiene", "relief", "x"]), amount=MONEY, payee=SOME_TEXT, detail=SOME_TEXT,
            decision_id=st.one_of(st.none(), _fw(w, "fund_decision")), files=FILES)},
        lambda w, who, fund_id, data: fs.request_spending(w.engine, actor=w.actor(who), settings=w.settings,
                                                          fund_id=fund_id, data=data, now=NOW), fund_sound),
    "fund.spending.sign": Case(
        lambda w: {"who": CO_MANAGER, "request_id": _fw(w, "fund_pending"),
                   "data": form(choice=st.sampled_from(["approve", "reject"]), comment=SOME_TEXT)},
        lambda w, who, request_id, data: fs.sign(w.engine, actor=w.actor(who), request_id=request_id, data=data,
                                                 now=NOW)),
    "fund.spending.link_decision": Case(
        lambda w: {"who": CO_MANAGER, "request_id": _fw(w, "fund_pending"), "decision_id": _fw(w, "fund_decision")},
        lambda w, who, request_id, decision_id: fs.link_decision(w.engine, actor=w.actor(who), request_id=request_id,
                                                                 decision_id=decision_id, now=NOW)),
    "fund.spending.withdraw": Case(
        lambda w: {"who": st.sampled_from(["convener", "treasurer", "recorder", "secretary"]),
                   "request_id": _fw(w, "fund_pending"), "data": form(reason=SOME_TEXT)},
        lambda w, who, request_id, data: fs.withdraw(w.engine, actor=w.actor(who), request_id=request_id, data=data,
                                                     now=NOW)),
    "fund.spending.pay": Case(
        lambda w: {"request_id": _fw(w, "fund_request"), "data": form(
            paid_on=st.one_of(st.just(TODAY), DAY), voucher=SOME_TEXT, files=FILES)},
        lambda w, request_id, data: fs.pay(w.engine, actor=w.actor("worker"), settings=w.settings,
                                           request_id=request_id, data=data, now=NOW), fund_sound),
    "fund.files.content": Case(
        lambda w: {"who": st.sampled_from(["secretary", "recorder", "leader", "volunteer"]),
                   "file_id": some_id(list(range(1, 40)))},
        lambda w, who, file_id: ff_files.content(w.engine, actor=w.actor(who), file_id=file_id, now=NOW)),
    "fund.documents.statement_docx": Case(
        lambda w: {"who": st.sampled_from(["secretary", "recorder", "leader"]), "fund_id": _fw(w, "fund"),
                   "year": st.one_of(st.integers(2025, 2027), NUMBER, HOSTILE),
                   "quarter": st.one_of(st.integers(1, 4), NUMBER, HOSTILE)},
        lambda w, who, fund_id, year, quarter: fd.statement_docx(w.engine, actor=w.actor(who), fund_id=fund_id,
                                                                 year=year, quarter=quarter, settings=w.settings,
                                                                 now=NOW),
        lambda w, made, **_: word_opens(made)),
}

AREAS = {"service": SERVICE | SERVICE_READS, "committee": COMMITTEE, "committee_meetings": COMMITTEE_MEETINGS,
         "committee_reads": COMMITTEE_READS, "council": COUNCIL, "council_meetings": COUNCIL_MEETINGS,
         "council_reads": COUNCIL_READS, "accounts": ACCOUNTS | AUDIT_READS, "briefing": BRIEFING,
         "volunteer": VOLUNTEER, "volunteer_orders": VOLUNTEER_ORDERS,
         "volunteer_sign": VOLUNTEER_SIGN, "volunteer_files": VOLUNTEER_FILES, "fund": FUND}
TABLE = {name: case for area in AREAS.values() for name, case in area.items()}
# Public functions of data_access that open a transaction but take nothing a user typed or an address carried.
NOT_USER_INPUT = {
    "db.transaction": "the transaction itself",
    "bootstrap.ensure_tally": "start-up: recounts the tally",
    "cli.add_community": "a set-up command run by the operator from the shell",
    "demo.street.seed": "the demo data",
    "accounts.sessions.start": "called by login with the id of the account that just logged in",
    "volunteer.points.expire": "a scheduled job: the standard from config.yaml and the clock",
}


def _check(w: World, case: Case, data) -> None:
    drawn = {name: data.draw(strategy, label=name) for name, strategy in case.args(w).items()}
    try:
        result = case.call(w, **drawn)
    except DomainError:
        return
    if case.then is not None:
        case.then(w, result, **drawn)


@pytest.mark.parametrize("area", sorted(AREAS))
@hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                            HealthCheck.data_too_large])
@given(data=st.data())
def test_hostile_input_is_saved_or_refused_with_a_message_key(world, area, data):
    name = data.draw(st.sampled_from(sorted(AREAS[area])), label="function")
    _check(world, AREAS[area][name], data)


def test_every_write_is_listed():
    """Every public function of data_access that opens a transaction is in the table above, or said to take no user
    input: a new write cannot escape the hostile-input test."""
    found = set()
    for path in sorted((ROOT / "data_access").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        module = ".".join(path.relative_to(ROOT / "data_access").with_suffix("").parts)
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") \
                    and "transaction(" in ast.get_source_segment(source, node):
                found.add(f"{module}.{node.name}")
    missing = found - set(TABLE) - set(NOT_USER_INPUT)
    assert not missing, f"add these to a table of tests/test_hostile_input.py: {sorted(missing)}"
    for name in TABLE:  # and every name in the tables is a function that exists
        module, function = name.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(f"data_access.{module}"), function, None)), name
